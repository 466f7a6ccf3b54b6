// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One pass (see pass.h): read, decide, apply, verify.  The stages are
 * separate calls because the daemon verifies later, once the events its own
 * writes caused have stopped, while srd --once and the daemon's requests
 * verify at once; whoever runs them, the same code reads, decides and
 * judges, and the record says how many times the machine was read.
 */
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "pass.h"
#include "srd-json.h"

int srd_pass_read(struct srd_pass *p)
{
	struct srd_inventory *inv = NULL;
	int r = srd_discover(&inv);

	p->n_discoveries++;
	if (r < 0) {
		p->error = r;
		snprintf(p->error_message, sizeof(p->error_message), "cannot read the machine: %s",
			 strerror(-r));
		return r;
	}
	if (!p->borrowed_inventory)
		srd_inventory_free(p->inventory);
	p->inventory = inv;
	p->borrowed_inventory = false;
	return 0;
}

void srd_pass_adopt(struct srd_pass *p, struct srd_inventory *inv, struct srd_decision *d)
{
	if (p->inventory != inv) {
		if (!p->borrowed_inventory)
			srd_inventory_free(p->inventory);
		p->inventory = inv;
		p->borrowed_inventory = false;
	}
	if (d) {
		if (!p->borrowed_decision)
			srd_decision_free(p->decision);
		p->decision = d;
		p->borrowed_decision = false;
	}
}

/* Ranges whose owner differs from what the last pass left: changed without srd. */
static size_t changed_by_hand(const struct srd_pass_input *in, const struct srd_inventory *inv,
			      struct srd_range *ret)
{
	size_t n = 0;

	for (size_t i = 0; in->owners && i < inv->n_ranges; i++)
		for (size_t k = 0; k < in->n_owners; k++)
			if (srd_range_equal(&in->owners[k].range, &inv->ranges[i].range) &&
			    in->owners[k].owner != inv->ranges[i].owner)
				ret[n++] = inv->ranges[i].range;
	return n;
}

int srd_pass_decide(struct srd_pass *p, const struct srd_pass_input *in)
{
	_cleanup_free_ struct srd_range *hold = NULL;
	struct srd_decide_input d = {
	    .now_usec = in->now_usec,
	    .settle_timed_out = in->settle_timed_out,
	    .policy_override =
		in->policy_override && *in->policy_override ? in->policy_override : NULL,
	    .replacing = in->replacing,
	    .n_replacing = in->n_replacing,
	};
	int r;

	if (!p->inventory) {
		r = srd_pass_read(p);
		if (r < 0)
			return r;
	}
	hold = calloc(p->inventory->n_ranges ? p->inventory->n_ranges : 1, sizeof(*hold));
	if (!hold)
		return -ENOMEM;
	d.hold = hold;
	d.n_hold = changed_by_hand(in, p->inventory, hold);
	if (!p->borrowed_decision)
		srd_decision_free(p->decision);
	p->decision = NULL;
	p->borrowed_decision = false;
	r = srd_decide(p->inventory, in->policy, &d, &p->decision);
	if (r < 0) {
		p->error = r;
		snprintf(p->error_message, sizeof(p->error_message), "cannot decide: %s",
			 strerror(-r));
	}
	return r;
}

int srd_pass_apply(struct srd_pass *p, const struct srd_pass_options *o)
{
	const struct srd_decision *d = p->decision;
	struct srd_apply_opts a = {
	    .dry_run = o->dry_run,
	    .out = o->out,
	    .state_dir = o->state_dir,
	    .allow_offline = o->allow_offline,
	    .layouts = o->layouts,
	    .n_layouts = o->n_layouts,
	    .on_write = o->on_write,
	    .on_wait = o->on_wait,
	    .on_step = o->on_step,
	    .userdata = o->userdata,
	};

	p->dry_run = o->dry_run;
	/* A refused decision writes nothing; srd_apply() would say the same. */
	if (d->refused) {
		if (o->state_dir)
			srd_apply_interrupted(o->state_dir, p->apply.interrupted,
					      sizeof(p->apply.interrupted));
		p->apply_error = d->n_actions ? -EPERM : 0;
		return p->apply_error;
	}
	srd_apply_result_done(&p->apply);
	p->applied = true;
	p->apply_error = srd_apply(d, p->inventory, &a, &p->apply);
	for (size_t i = 0; !o->dry_run && i < p->apply.n_steps; i++)
		p->wrote = p->wrote || p->apply.steps[i].result != SRD_STEP_ALREADY;
	return p->apply_error;
}

static int add_unconverged(struct srd_pass *p, const struct srd_range_decision *want,
			   enum srd_owner wanted, const struct srd_sr_range *now)
{
	if (srd_grow((void **)&p->unconverged, p->n_unconverged, sizeof(*p->unconverged)) < 0)
		return -ENOMEM;
	p->unconverged[p->n_unconverged++] = (struct srd_unconverged){
	    .range = want->range,
	    .wanted = wanted,
	    .owner = now ? now->owner : SRD_OWNER_NONE,
	    .gone = !now,
	    .reason = want->reason,
	};
	return 0;
}

struct check_ctx {
	struct srd_pass *p;
	int r;
};

static void on_unconverged(const struct srd_range_decision *want, enum srd_owner wanted,
			   const struct srd_sr_range *now, void *userdata)
{
	struct check_ctx *c = userdata;

	if (c->r >= 0)
		c->r = add_unconverged(c->p, want, wanted, now);
}

int srd_pass_check(struct srd_pass *p, const struct srd_inventory *inv)
{
	struct check_ctx c = {.p = p};

	free(p->unconverged);
	p->unconverged = NULL;
	p->n_unconverged = 0;
	p->converged = srd_decision_converged(p->decision, inv, on_unconverged, &c);
	p->checked = c.r >= 0;
	return c.r;
}

int srd_pass_verify(struct srd_pass *p)
{
	struct srd_inventory *after = NULL;
	int r;

	/* Nothing written: the inventory decided on is still the machine. */
	if (!p->wrote)
		return srd_pass_check(p, p->inventory);
	r = srd_discover(&after);
	p->n_discoveries++;
	if (r < 0) {
		p->error = r;
		snprintf(p->error_message, sizeof(p->error_message),
			 "cannot re-read the machine after acting: %s", strerror(-r));
		return r;
	}
	srd_inventory_free(p->after);
	p->after = after;
	return srd_pass_check(p, after);
}

int srd_pass_run(struct srd_pass *p, const struct srd_pass_input *in,
		 const struct srd_pass_options *o)
{
	int r = srd_pass_decide(p, in);

	if (r < 0)
		return r;
	r = srd_pass_apply(p, o);
	if (r == -ENOMEM)
		return r;
	return srd_pass_verify(p);
}

bool srd_pass_failure(const struct srd_pass *p, const struct srd_action **ret_a,
		      const struct srd_step **ret_st)
{
	for (size_t i = 0; i < p->apply.n_steps; i++)
		if (p->apply.steps[i].result == SRD_STEP_FAILED ||
		    p->apply.steps[i].result == SRD_STEP_REFUSED) {
			*ret_a = &p->decision->actions[i];
			*ret_st = &p->apply.steps[i];
			return true;
		}
	return false;
}

bool srd_pass_converged(const struct srd_pass *p)
{
	if (p->dry_run)
		return p->apply_error == 0;
	return !p->decision->refused && p->apply_error == 0 && p->checked && p->converged;
}

void srd_pass_done(struct srd_pass *p)
{
	if (!p->borrowed_inventory)
		srd_inventory_free(p->inventory);
	if (!p->borrowed_decision)
		srd_decision_free(p->decision);
	free(p->writes);
	srd_inventory_free(p->after);
	srd_apply_result_done(&p->apply);
	free(p->unconverged);
	*p = (struct srd_pass){};
}

char *srd_pass_fingerprint(const struct srd_inventory *inv)
{
	struct json_object *o = srd_json_inventory(inv);
	char *fp;

	json_object_object_del(o, "problems");
	json_object_object_del(o, "notes");
	/* Report-only detail: onlining memory adds "System RAM (kmem)" to
	 * /proc/iomem, which the dax devices already show. */
	json_object_object_del(o, "iomem");
	fp = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return fp;
}
