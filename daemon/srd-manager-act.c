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

#include <systemd/sd-daemon.h>

#include "discover.h"
#include "srd-layout.h"
#include "srd-log.h"
#include "srd-manager.h"
#include "srd-redact.h"

/* ---- carrying out a plan: every store and step journaled, the watchdog fed ---- */

/* A store that may block is running: the plan is alive. */
static void on_wait(void *userdata)
{
	sd_notify(false, "WATCHDOG=1");
}

void srd_manager_log_write(void *userdata, const char *path, const char *value, int error)
{
	struct srd_log_entry e = {.priority = error ? LOG_ERR : LOG_INFO};

	sd_notify(false, "WATCHDOG=1");
	srd_log_field(&e, "SRD_PATH", "%s", path);
	srd_log_field(&e, "SRD_VALUE", "%s", value);
	if (error)
		srd_log_field(&e, "SRD_ERRNO", "%d", -error);
	srd_log_emit(&e, "write %s %s%s%s", path, value, error ? ": " : "",
		     error ? strerror(-error) : "");
}

static void on_step(void *userdata, const struct srd_action *a, const struct srd_step *st,
		    bool undo)
{
	struct srd_manager *m = userdata;
	struct srd_log_entry e = {
	    .priority = undo || st->result == SRD_STEP_FAILED || st->result == SRD_STEP_REFUSED
			    ? LOG_WARNING
			    : LOG_NOTICE,
	    .message_id = SRD_MESSAGE_ACTION,
	};
	char b[SRD_RANGE_FMT_MAX], shown[sizeof(a->target) * 2];

	sd_notify(false, "WATCHDOG=1");
	srd_range_format(&a->range, b, sizeof(b));
	srd_log_field(&e, "SRD_ACTION", "%s%s", undo ? "undo-" : "", srd_action_to_string(a->kind));
	srd_log_field(&e, "SRD_TARGET", "%s", a->target);
	if (strncmp(a->target, "region", 6) == 0)
		srd_log_field(&e, "SRD_REGION", "%s", a->target);
	srd_log_field(&e, "SRD_RANGE", "%s", b);
	srd_log_field(&e, "SRD_RESULT", "%s",
		      undo ? "undone" : srd_step_result_to_string(st->result));
	srd_log_field(&e, "SRD_REASON", "%s", a->reason);
	srd_log_field(&e, "SRD_POLICY", "%s",
		      m->decision ? srd_mode_to_string(m->decision->mode) : "");
	if (a->kind == SRD_ACTION_CONFIGURE_DAX && a->rule[0]) /* the [Device] section, FILE:LINE */
		srd_log_field(&e, "SRD_RULE", "%s", a->rule);
	if (undo)
		srd_log_emit(&e, "Undid %s %s: %s", srd_action_to_string(a->kind), a->target,
			     st->rollback);
	else
		srd_log_emit(&e, "%s %s: %s: %s", srd_action_to_string(a->kind), a->target,
			     srd_step_result_to_string(st->result), st->message);
	sd_notifyf(false, "STATUS=applying: %s %s", srd_action_to_string(a->kind),
		   srd_redact_text(a->target, shown, sizeof(shown)));
}

/* Runs p's plan; sets apply_failed and the reason when it fails. */
int srd_manager_apply_plan(struct srd_manager *m, struct srd_pass *p,
			   const struct srd_act_options *x, FILE *out)
{
	const struct srd_decision *d = p->decision;
	bool dry_run = x && x->dry_run;
	struct srd_pass_options o = {
	    .dry_run = dry_run,
	    .out = out,
	    .state_dir = m->opts.state_dir,
	    .allow_offline = (x && x->allow_offline) || (m->policy && m->policy->allow_offline),
	    .layouts = m->layouts,
	    .n_layouts = m->n_layouts,
	    .on_write = dry_run ? NULL : srd_manager_log_write,
	    .on_step = dry_run ? NULL : on_step,
	    .on_wait = on_wait,
	    .userdata = m,
	};
	const struct srd_step *st = NULL;
	const struct srd_action *a = NULL;
	int r;

	if (!dry_run)
		srd_manager_set_state(m, SRD_STATE_APPLYING, "carrying out %zu action%s",
				      d->n_actions, d->n_actions == 1 ? "" : "s");
	r = srd_pass_apply(p, &o);
	if (r != -ENOMEM && p->apply.interrupted[0])
		srd_log(LOG_WARNING, "%s; converging from a fresh inventory", p->apply.interrupted);
	if (r < 0 && !dry_run) {
		struct srd_log_entry e = {.priority = LOG_ERR,
					  .message_id = SRD_MESSAGE_APPLY_FAILED};

		srd_pass_failure(p, &a, &st);
		m->apply_failed = true;
		m->n_errors++;
		if (p->apply.n_undo_failed)
			srd_manager_set_state(
			    m, SRD_STATE_DEGRADED,
			    "%s %s failed: %s; %zu of what srd had done could not be undone (see the steps)",
			    a ? srd_action_to_string(a->kind) : "the plan", a ? a->target : "",
			    st ? st->message : strerror(-r), p->apply.n_undo_failed);
		else
			srd_manager_set_state(m, SRD_STATE_DEGRADED,
					      "%s %s failed: %s; what srd had done is undone",
					      a ? srd_action_to_string(a->kind) : "the plan",
					      a ? a->target : "", st ? st->message : strerror(-r));
		srd_log_field(&e, "SRD_ACTION", "%s", a ? srd_action_to_string(a->kind) : "");
		srd_log_field(&e, "SRD_TARGET", "%s", a ? a->target : "");
		srd_log_field(&e, "SRD_REASON", "%s", st ? st->message : strerror(-r));
		srd_log_field(&e, "SRD_POLICY", "%s", srd_mode_to_string(d->mode));
		srd_log_emit(&e, "Carrying out the plan failed: %s", m->reason);
	}
	return r;
}

/* ---- plan and apply on request ---- */

void srd_manager_request_done(struct srd_request *q)
{
	srd_pass_done(&q->pass);
	*q = (struct srd_request){};
}

void srd_manager_carry_out(struct srd_manager *m, struct srd_pass *p, const char *trigger,
			   const struct srd_act_options *x, bool verify_now)
{
	struct srd_decision *d = p->decision;

	m->in_pass = true;
	m->apply_failed = false;
	if (trigger != m->trigger)
		snprintf(m->trigger, sizeof(m->trigger), "%s", trigger);
	/* The manager's now; p keeps pointing at them until the next pass. */
	if (m->decision != d)
		srd_decision_free(m->decision);
	m->decision = d;
	p->borrowed_decision = true;
	srd_manager_keep_inventory(m, p->inventory);
	p->borrowed_inventory = true;
	m->n_decisions++;
	m->decided_realtime_usec = srd_now_usec(CLOCK_REALTIME);
	srd_manager_log_decision(m, d, trigger);
	srd_apply_result_done(&m->last_apply);
	m->have_last_apply = false;
	if (d->refused || d->n_actions == 0) {
		srd_manager_finish(m, p->inventory, p);
		return;
	}
	srd_manager_apply_plan(m, p, x, NULL);
	/* The kept inventory is from before srd's writes: no request decides on it again. */
	m->inventory_acted_on = m->inventory_acted_on || p->wrote;
	m->last_apply = p->apply;
	m->last_apply.steps =
	    p->apply.n_steps ? calloc(p->apply.n_steps, sizeof(*p->apply.steps)) : NULL;
	if (m->last_apply.steps)
		memcpy(m->last_apply.steps, p->apply.steps,
		       p->apply.n_steps * sizeof(*p->apply.steps));
	else
		m->last_apply.n_steps = 0;
	m->have_last_apply = true;
	if (verify_now && srd_pass_verify(p) < 0)
		srd_log(LOG_WARNING, "%s, for the reply", p->error_message);
	srd_manager_verify_later(m);
}

int srd_manager_apply_now(struct srd_manager *m, const char *policy_override, bool dry_run,
			  struct srd_request *q)
{
	struct srd_act_options x = {.dry_run = true};
	struct srd_pass_input in = {
	    .policy = m->policy,
	    .policy_override = policy_override,
	    .now_usec = srd_now_usec(CLOCK_MONOTONIC),
	};
	size_t n_writes = 0;
	FILE *out;
	int r;

	if (m->in_pass)
		return -EBUSY;
	if (!m->policy)
		return -ENOKEY;
	r = srd_manager_request_inventory(m, &q->pass);
	if (r >= 0)
		r = srd_pass_decide(&q->pass, &in);
	if (r < 0)
		return r;
	if (!dry_run) {
		srd_manager_carry_out(m, &q->pass, "srdctl apply", NULL, true);
		q->carried_out = true;
		return 0;
	}
	/* The dry run prints into a buffer and changes nothing of the manager's. */
	out = open_memstream(&q->pass.writes, &n_writes);
	if (!out)
		return -ENOMEM;
	r = srd_manager_apply_plan(m, &q->pass, &x, out);
	fclose(out);
	return r == -ENOMEM || !q->pass.writes ? -ENOMEM : 0;
}

/* ---- recorded layouts ---- */

void srd_manager_load_layouts(struct srd_manager *m)
{
	char *errors = NULL;
	int r;

	r = srd_layout_read_machine_id(m->opts.machine_id_file, m->machine_id,
				       sizeof(m->machine_id));
	if (r < 0)
		srd_log_errno(LOG_ERR, r,
			      "cannot read this machine's ID from %s; recorded region layouts will "
			      "not be trusted",
			      m->opts.machine_id_file);
	r = srd_layout_store_load(m->opts.layout_dir, m->machine_id, &m->layouts, &m->n_layouts,
				  &errors);
	if (r < 0)
		srd_log_errno(LOG_ERR, r, "cannot read the region layouts in %s",
			      m->opts.layout_dir);
	if (errors)
		srd_log(LOG_ERR, "ignoring region layout records that cannot be trusted:\n%s",
			errors);
	free(errors);
}

static void save(const struct srd_manager *m, const struct srd_layout *l)
{
	int r = srd_layout_store_save(m->opts.layout_dir, l);

	if (r < 0)
		srd_log_errno(LOG_ERR, r, "cannot record the layout of %s in %s", l->region,
			      m->opts.layout_dir);
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
			/* A layout under replace whose HPA a region holds again (the
			 * replace's, or one a killed srd left committed): the policy's
			 * pass applies to it now, as when a replace completes. */
			m->then_reevaluate = m->then_reevaluate || old->replace != SRD_REPLACE_NONE;
			l.generation = old->generation + 1;
			srd_log(LOG_NOTICE,
				"the layout at 0x%" PRIx64 " changed (%s, generation %u)",
				l.range.start, l.region, l.generation);
			*old = l;
			save(m, old);
		} else if (old->replace != SRD_REPLACE_NONE || !srd_streq(old->region, l.region) ||
			   old->owner != l.owner || !srd_streq(old->dax_mode, l.dax_mode)) {
			/* The same region (back from a re-seat, or its owner changed). */
			m->then_reevaluate = m->then_reevaluate || old->replace != SRD_REPLACE_NONE;
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

static void log_replace(int prio, const char *memdev, const char *what)
{
	struct srd_log_entry e = {.priority = prio, .message_id = SRD_MESSAGE_REPLACE};

	srd_log_field(&e, "SRD_MEMDEV", "%s", memdev);
	srd_log_field(&e, "SRD_REASON", "%s", what);
	srd_log_emit(&e, "Replace of %s: %s", memdev, what);
}

int srd_manager_replace_prepare(struct srd_manager *m, const char *memdev, struct srd_request *q)
{
	struct srd_act_options x = {.allow_offline = true}; /* the administrator asked */
	struct srd_decision *d = NULL;
	struct srd_inventory *inv;
	int r;

	if (m->in_pass)
		return -EBUSY;
	r = srd_manager_request_inventory(m, &q->pass);
	if (r < 0)
		return r;
	inv = q->pass.inventory;
	r = srd_replace_prepare(inv, memdev, &d);
	if (r < 0)
		return r;
	srd_pass_adopt(&q->pass, inv, d);
	q->replace_prepare = true;
	if (d->refused) {
		log_replace(LOG_ERR, memdev, d->refusal);
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
	srd_manager_carry_out(m, &q->pass, "srdctl replace prepare", &x, true);
	q->carried_out = true;
	/* Then the policy's pass, which leaves the ranges under replace alone and says so. */
	m->then_reevaluate = true;
	q->can_remove = srd_pass_converged(&q->pass);
	if (q->can_remove)
		snprintf(q->message, sizeof(q->message), "%s can be removed now", memdev);
	else
		snprintf(q->message, sizeof(q->message), "%s must stay: %s", memdev, m->reason);
	log_replace(q->can_remove ? LOG_NOTICE : LOG_ERR, memdev, q->message);
	return 0;
}

/* Plans completion over every layout, or only those whose device was pulled; indices are
 * m->layouts'. */
static int plan_complete(struct srd_manager *m, const struct srd_inventory *inv, const char *memdev,
			 bool only_removed, struct srd_decision **ret)
{
	_cleanup_free_ struct srd_layout *pick =
	    calloc(m->n_layouts ? m->n_layouts : 1, sizeof(*pick));
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

int srd_manager_replace_complete(struct srd_manager *m, const char *memdev, struct srd_request *q)
{
	struct srd_decision *d = NULL;
	const char *who = memdev && *memdev ? memdev : NULL;
	int r;

	if (m->in_pass)
		return -EBUSY;
	r = srd_manager_request_inventory(m, &q->pass);
	if (r < 0)
		return r;
	r = plan_complete(m, q->pass.inventory, who, false, &d);
	if (r < 0)
		return r;
	srd_pass_adopt(&q->pass, q->pass.inventory, d);
	if (d->refused) {
		log_replace(LOG_ERR, who ? who : "(any)", d->refusal);
		return 0;
	}
	if (d->n_actions == 0) {
		snprintf(q->message, sizeof(q->message),
			 "no recorded region is missing with all its devices present");
		return 0;
	}
	srd_manager_carry_out(m, &q->pass, "srdctl replace complete", NULL, true);
	q->carried_out = true;
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
			log_replace(
			    LOG_NOTICE, memdev,
			    "removed; the next device seated in its slot completes the replace");
		}
	}
}

bool srd_manager_replace_arrived(struct srd_manager *m, struct srd_pass *p)
{
	struct srd_inventory *inv = p->inventory;
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
	srd_pass_adopt(p, inv, d);
	srd_manager_carry_out(m, p, "a device arrived where a replace is pending", NULL, false);
	m->then_reevaluate = true;
	if (m->apply_failed) {
		/* The events of the attempt must not start another one, and another:
		 * wait for the device to be seated again, or for replace complete. */
		for (size_t i = 0; i < d->n_actions; i++)
			if (d->actions[i].layout >= 0 &&
			    (size_t)d->actions[i].layout < m->n_layouts) {
				struct srd_layout *l = &m->layouts[d->actions[i].layout];

				l->replace = SRD_REPLACE_PREPARED;
				save(m, l);
			}
		log_replace(LOG_ERR, "(arrived)",
			    "re-creating the region failed; seat the device again or run "
			    "'srdctl replace complete'");
	}
	return true;
}
