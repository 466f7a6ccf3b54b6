// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the manager does when asked rather than on its own: plan and apply
 * on request (srdctl plan/apply), and the hotplug replace (srdctl replace
 * prepare/complete, and completion when a device arrives where a replace is
 * pending).  Also the recorded region layouts the replace builds on: every
 * pass records the layout of each committed region.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "srd-json.h"
#include "srd-layout.h"
#include "srd-log.h"
#include "srd-manager.h"

/* ---- plan and apply on request ---- */

/* Reads the machine and decides without holds; for plan and apply. */
static int decide_now(struct srd_manager *m, const char *policy_override, struct srd_inventory **ret_inv,
		      struct srd_decision **ret_d)
{
	struct srd_decide_input in = {
		.policy_override = policy_override && *policy_override ? policy_override : NULL,
		.now_usec = srd_now_usec(CLOCK_MONOTONIC),
	};
	int r;

	if (!m->policy)
		return -ENOKEY;
	r = srd_discover(ret_inv);
	if (r < 0)
		return r;
	r = srd_decide(*ret_inv, m->policy, &in, ret_d);
	if (r < 0) {
		srd_inventory_free(*ret_inv);
		*ret_inv = NULL;
	}
	return r;
}

int srd_manager_plan(struct srd_manager *m, const char *policy_override, struct json_object **ret)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	_cleanup_(srd_decision_freep) struct srd_decision *d = NULL;
	int r = decide_now(m, policy_override, &inv, &d);

	if (r < 0)
		return r;
	*ret = srd_json_decision(d, inv);
	return 0;
}

/*
 * Carries out d (taken over, with inv) as the current pass: logs it, applies,
 * then waits for the kernel's events like any pass.  For a request (ret set),
 * also re-reads the machine right after and returns the result as JSON.
 */
void srd_manager_carry_out(struct srd_manager *m, struct srd_decision *d, struct srd_inventory *inv,
			   const char *trigger, const struct srd_act_options *x, struct json_object **ret)
{
	struct json_object *res = ret ? json_object_new_object() : NULL;
	struct srd_inventory *after = NULL;
	bool converged = true;

	m->in_pass = true;
	m->apply_failed = false;
	if (trigger != m->trigger)
		snprintf(m->trigger, sizeof(m->trigger), "%s", trigger);
	srd_decision_free(m->decision);
	m->decision = d;
	srd_inventory_free(m->inventory);
	m->inventory = NULL;
	m->n_decisions++;
	m->decided_realtime_usec = srd_now_usec(CLOCK_REALTIME);
	srd_manager_log_decision(m, d, trigger);
	json_object_put(m->last_apply);
	m->last_apply = NULL;
	if (res)
		json_object_object_add(res, "decision", srd_json_decision(d, inv));
	if (d->refused || d->n_actions == 0) {
		srd_manager_finish(m, inv);
		converged = !d->refused && m->converged;
	} else {
		m->inventory = inv;
		srd_manager_apply_plan(m, d, inv, x, NULL, &m->last_apply);
		if (res && srd_discover(&after) == 0) {
			json_object_object_add(res, "unconverged", srd_json_unconverged(d, after));
			converged = srd_decision_converged(d, after, NULL, NULL);
			srd_inventory_free(after);
		}
		converged = converged && !m->apply_failed;
		srd_manager_verify_later(m);
	}
	if (!res)
		return;
	json_object_object_add(res, "converged", json_object_new_boolean(converged));
	if (m->last_apply)
		json_object_object_add(res, "apply", json_object_get(m->last_apply));
	*ret = res;
}

int srd_manager_apply_now(struct srd_manager *m, const char *policy_override, bool dry_run,
			  struct json_object **ret)
{
	struct srd_inventory *inv = NULL;
	struct srd_decision *d = NULL;
	struct srd_act_options x = { .dry_run = true };
	struct json_object *res = NULL;
	char *writes = NULL;
	size_t n_writes = 0;
	FILE *out;
	int r, ra;

	if (m->in_pass)
		return -EBUSY;
	r = decide_now(m, policy_override, &inv, &d);
	if (r < 0)
		return r;
	if (!dry_run) {
		srd_manager_carry_out(m, d, inv, "srdctl apply", NULL, ret);
		return 0;
	}
	/* The dry run prints into a buffer and changes nothing of the manager's. */
	out = open_memstream(&writes, &n_writes);
	ra = out ? srd_manager_apply_plan(m, d, inv, &x, out, &res) : -ENOMEM;
	if (out)
		fclose(out);
	if (res) {
		json_object_object_add(res, "decision", srd_json_decision(d, inv));
		json_object_object_add(res, "writes", json_object_new_string(writes ? writes : ""));
		json_object_object_add(res, "converged", json_object_new_boolean(ra == 0));
	}
	free(writes);
	srd_inventory_free(inv);
	srd_decision_free(d);
	if (!res)
		return -ENOMEM;
	*ret = res;
	return 0;
}

/* ---- recorded layouts ---- */

void srd_manager_load_layouts(struct srd_manager *m)
{
	char *errors = NULL;
	int r;

	r = srd_layout_read_machine_id(m->opts.machine_id_file, m->machine_id, sizeof(m->machine_id));
	if (r < 0)
		srd_log_errno(LOG_ERR, r, "cannot read this machine's ID from %s; recorded region layouts will "
					  "not be trusted", m->opts.machine_id_file);
	r = srd_layout_store_load(m->opts.layout_dir, m->machine_id, &m->layouts, &m->n_layouts, &errors);
	if (r < 0)
		srd_log_errno(LOG_ERR, r, "cannot read the region layouts in %s", m->opts.layout_dir);
	if (errors)
		srd_log(LOG_ERR, "ignoring region layout records that cannot be trusted:\n%s", errors);
	free(errors);
}

static void save(const struct srd_manager *m, const struct srd_layout *l)
{
	int r = srd_layout_store_save(m->opts.layout_dir, l);

	if (r < 0)
		srd_log_errno(LOG_ERR, r, "cannot record the layout of %s in %s", l->region, m->opts.layout_dir);
}

void srd_manager_record_layouts(struct srd_manager *m, const struct srd_inventory *inv)
{
	for (size_t i = 0; i < inv->n_regions; i++) {
		struct srd_layout l, *old = NULL;

		if (srd_layout_from_region(inv, &inv->regions[i], &l) < 0)
			continue;
		l.recorded_usec = srd_now_usec(CLOCK_REALTIME);
		snprintf(l.machine_id, sizeof(l.machine_id), "%s", m->machine_id);
		for (size_t k = 0; k < m->n_layouts && !old; k++)
			if (m->layouts[k].range.start == l.range.start)
				old = &m->layouts[k];
		if (!old) {
			if (srd_grow((void **)&m->layouts, m->n_layouts, sizeof(*m->layouts)) < 0) {
				srd_log(LOG_CRIT, "out of memory recording layouts");
				return;
			}
			l.generation = 1;
			m->layouts[m->n_layouts++] = l;
			save(m, &l);
		} else if (!srd_layout_same(old, &l)) {
			l.generation = old->generation + 1;
			srd_log(LOG_NOTICE, "the layout at 0x%" PRIx64 " changed (%s, generation %u)", l.range.start,
				l.region, l.generation);
			*old = l;
			save(m, old);
		} else if (old->replace != SRD_REPLACE_NONE || !srd_streq(old->region, l.region) ||
			   old->owner != l.owner || !srd_streq(old->dax_mode, l.dax_mode)) {
			/* The same region (back from a re-seat, or its owner changed). */
			l.generation = old->generation;
			*old = l;
			save(m, old);
		}
	}
}

size_t srd_manager_replacing(const struct srd_manager *m, struct srd_range *ret)
{
	size_t n = 0;

	for (size_t k = 0; k < m->n_layouts; k++)
		if (m->layouts[k].replace != SRD_REPLACE_NONE)
			ret[n++] = m->layouts[k].range;
	return n;
}

/* ---- the hotplug replace ---- */

static struct json_object *refusal(const struct srd_decision *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "refused", json_object_new_boolean(true));
	json_object_object_add(o, "reason", json_object_new_string(d->refusal));
	json_object_object_add(o, "converged", json_object_new_boolean(false));
	return o;
}

/* A fresh inventory for a request, unless a pass is under way. */
static int read_for_request(struct srd_manager *m, struct srd_inventory **ret)
{
	return m->in_pass ? -EBUSY : srd_discover(ret);
}

static void log_replace(int prio, const char *memdev, const char *what)
{
	struct srd_log_entry e = { .priority = prio, .message_id = SRD_MESSAGE_REPLACE };

	srd_log_field(&e, "SRD_MEMDEV", "%s", memdev);
	srd_log_field(&e, "SRD_REASON", "%s", what);
	srd_log_emit(&e, "Replace of %s: %s", memdev, what);
}

int srd_manager_replace_prepare(struct srd_manager *m, const char *memdev, struct json_object **ret)
{
	struct srd_inventory *inv = NULL;
	struct srd_decision *d = NULL;
	struct srd_act_options x = { .allow_offline = true }; /* the administrator asked */
	struct json_object *res = NULL;
	char msg[512];
	bool ok;
	int r;

	r = read_for_request(m, &inv);
	if (r < 0)
		return r;
	r = srd_replace_prepare(inv, memdev, &d);
	if (r < 0) {
		srd_inventory_free(inv);
		return r;
	}
	if (d->refused) {
		log_replace(LOG_ERR, memdev, d->refusal);
		*ret = refusal(d);
		srd_decision_free(d);
		srd_inventory_free(inv);
		return 0;
	}
	/* Record before acting: a prepare that is cut short is known at the next start. */
	srd_manager_record_layouts(m, inv);
	for (size_t k = 0; k < m->n_layouts; k++)
		for (size_t i = 0; i < d->n_actions; i++)
			if (d->actions[i].kind == SRD_ACTION_DESTROY_REGION &&
			    srd_range_equal(&d->actions[i].range, &m->layouts[k].range)) {
				struct srd_layout *l = &m->layouts[k];

				l->replace = SRD_REPLACE_PREPARED;
				for (unsigned t = 0; t < l->n_targets; t++)
					if (srd_streq(l->targets[t].memdev, memdev))
						l->replace_position = t;
				save(m, l);
			}
	srd_manager_carry_out(m, d, inv, "srdctl replace prepare", &x, &res);
	/* Then the policy's pass, which leaves the ranges under replace alone and says so. */
	m->then_reevaluate = true;
	ok = json_object_get_boolean(json_object_object_get(res, "converged"));
	if (ok)
		snprintf(msg, sizeof(msg), "%s can be removed now", memdev);
	else
		snprintf(msg, sizeof(msg), "%s must stay: %s", memdev, m->reason);
	log_replace(ok ? LOG_NOTICE : LOG_ERR, memdev, msg);
	json_object_object_add(res, "memdev", json_object_new_string(memdev));
	json_object_object_add(res, "can_remove", json_object_new_boolean(ok));
	json_object_object_add(res, "message", json_object_new_string(msg));
	*ret = res;
	return 0;
}

/* Plans completion over every layout, or only those whose device was pulled; indices are m->layouts'. */
static int plan_complete(struct srd_manager *m, const struct srd_inventory *inv, const char *memdev,
			 bool only_removed, struct srd_decision **ret)
{
	_cleanup_free_ struct srd_layout *pick = calloc(m->n_layouts ? m->n_layouts : 1, sizeof(*pick));
	_cleanup_free_ size_t *index = calloc(m->n_layouts ? m->n_layouts : 1, sizeof(*index));
	size_t n = 0;
	int r;

	if (!pick || !index)
		return -ENOMEM;
	for (size_t k = 0; k < m->n_layouts; k++)
		if (!only_removed || m->layouts[k].replace == SRD_REPLACE_REMOVED) {
			index[n] = k;
			pick[n++] = m->layouts[k];
		}
	r = srd_replace_complete(inv, m->policy, pick, n, memdev, ret);
	for (size_t i = 0; r >= 0 && i < (*ret)->n_actions; i++)
		if ((*ret)->actions[i].layout >= 0)
			(*ret)->actions[i].layout = (int)index[(*ret)->actions[i].layout];
	return r;
}

int srd_manager_replace_complete(struct srd_manager *m, const char *memdev, struct json_object **ret)
{
	struct srd_inventory *inv = NULL;
	struct srd_decision *d = NULL;
	const char *who = memdev && *memdev ? memdev : NULL;
	int r;

	r = read_for_request(m, &inv);
	if (r < 0)
		return r;
	r = plan_complete(m, inv, who, false, &d);
	if (r < 0) {
		srd_inventory_free(inv);
		return r;
	}
	if (d->refused || d->n_actions == 0) {
		if (d->refused)
			log_replace(LOG_ERR, who ? who : "(any)", d->refusal);
		*ret = d->refused ? refusal(d) : json_object_new_object();
		if (!d->refused) {
			json_object_object_add(*ret, "converged", json_object_new_boolean(true));
			json_object_object_add(*ret, "message",
					       json_object_new_string("no recorded region is missing with all its devices present"));
		}
		srd_decision_free(d);
		srd_inventory_free(inv);
		return 0;
	}
	srd_manager_carry_out(m, d, inv, "srdctl replace complete", NULL, ret);
	m->then_reevaluate = true;
	return 0;
}

void srd_manager_memdev_removed(struct srd_manager *m, const char *memdev)
{
	for (size_t k = 0; k < m->n_layouts; k++) {
		struct srd_layout *l = &m->layouts[k];

		if (l->replace == SRD_REPLACE_PREPARED && l->replace_position < l->n_targets &&
		    srd_streq(l->targets[l->replace_position].memdev, memdev)) {
			l->replace = SRD_REPLACE_REMOVED;
			save(m, l);
			log_replace(LOG_NOTICE, memdev, "removed; the next device seated in its slot completes the replace");
		}
	}
}

bool srd_manager_replace_arrived(struct srd_manager *m, struct srd_inventory *inv)
{
	struct srd_decision *d = NULL;
	bool pending = false;

	/* Only a device that was pulled and then arrived completes a replace by
	 * itself: a restart of srd before the pull must not undo the prepare. */
	for (size_t k = 0; k < m->n_layouts; k++) {
		struct srd_layout *l = &m->layouts[k];

		if (l->replace == SRD_REPLACE_PREPARED && !srd_layout_devices_present(inv, l)) {
			l->replace = SRD_REPLACE_REMOVED;
			save(m, l);
		}
		pending = pending || l->replace == SRD_REPLACE_REMOVED;
	}
	if (!pending || plan_complete(m, inv, NULL, true, &d) < 0)
		return false;
	if (d->refused || d->n_actions == 0) {
		if (d->refused)
			log_replace(LOG_ERR, "(arrived)", d->refusal);
		srd_decision_free(d);
		return false;
	}
	log_replace(LOG_NOTICE, "(arrived)", d->actions[0].reason);
	srd_manager_carry_out(m, d, inv, "a device arrived where a replace is pending", NULL, NULL);
	m->then_reevaluate = true;
	if (m->apply_failed) {
		/* The events of the attempt must not start another one, and another:
		 * wait for the device to be seated again, or for replace complete. */
		for (size_t i = 0; i < d->n_actions; i++)
			if (d->actions[i].layout >= 0 && (size_t)d->actions[i].layout < m->n_layouts) {
				struct srd_layout *l = &m->layouts[d->actions[i].layout];

				l->replace = SRD_REPLACE_PREPARED;
				save(m, l);
			}
		log_replace(LOG_ERR, "(arrived)", "re-creating the region failed; seat the device again or run "
						 "'srdctl replace complete'");
	}
	return true;
}
