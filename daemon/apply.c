// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor, and the only module of srd that writes to sysfs.
 *
 * It carries out a decision's plan, action by action (apply-actions.c holds
 * each action's interlocks, stores, verification and undo; apply-sysfs.c the
 * one writer and the fail-closed reads; apply-create.c region re-creation;
 * apply-progress.c the record that survives a crash).  Every action first
 * checks whether the state already matches, so a second run of the same plan
 * writes nothing.  The first action that fails or is refused stops the plan,
 * and what was done is undone, newest first, so a failure leaves the machine
 * as srd found it rather than with a range nobody owns; an undo that fails,
 * or an action that has none, is reported as such, never as "undone".
 */
#include <string.h>

#include "apply-internal.h"

static const char *const step_names[] = {"done", "already", "refused", "failed", "skipped"};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_step_result, enum srd_step_result, step_names,
				  ARRAY_SIZE(step_names))

enum srd_step_result srd_apply_say(struct actx *c, enum srd_step_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->step->message, sizeof(c->step->message), fmt, ap);
	va_end(ap);
	return r;
}

enum srd_step_result srd_apply_fail(struct actx *c, int err, const char *what)
{
	c->step->error = err;
	return srd_apply_say(c, SRD_STEP_FAILED, "%s: %s", what, strerror(-err));
}

/* Undoes one completed action; the step keeps its own result and message. */
static void undo_action(const struct srd_apply_opts *o, struct srd_step *step,
			const struct srd_action *a)
{
	struct srd_step saved = *step;
	struct actx c = {.o = o, .step = step};
	const char *no_undo;
	enum srd_step_result r;

	r = srd_apply_undo(&c, a, &no_undo);
	if (no_undo)
		snprintf(saved.rollback, sizeof(saved.rollback), "not undone: %s", no_undo);
	else
		snprintf(saved.rollback, sizeof(saved.rollback), "%s: %s",
			 r == SRD_STEP_DONE || r == SRD_STEP_ALREADY ? "undone" : "undo FAILED",
			 step->message);
	saved.rolled_back = !no_undo && (r == SRD_STEP_DONE || r == SRD_STEP_ALREADY);
	*step = saved;
}

void srd_apply_result_done(struct srd_apply_result *r)
{
	free(r->steps);
	*r = (struct srd_apply_result){};
}

int srd_apply(const struct srd_decision *d, const struct srd_inventory *inv,
	      const struct srd_apply_opts *o, struct srd_apply_result *ret)
{
	int first_error = 0;
	bool stop = false;

	*ret = (struct srd_apply_result){};
	if (o->state_dir)
		srd_apply_interrupted(o->state_dir, ret->interrupted, sizeof(ret->interrupted));
	/* The decision refused, or the inventory cannot be trusted: write nothing. */
	if (d->refused || !srd_inventory_complete(inv))
		return d->n_actions ? -EPERM : 0;
	ret->steps = calloc(d->n_actions ? d->n_actions : 1, sizeof(*ret->steps));
	if (!ret->steps)
		return -ENOMEM;
	ret->n_steps = d->n_actions;

	for (size_t i = 0; i < d->n_actions; i++) {
		struct actx c = {.o = o, .step = &ret->steps[i]};
		const struct srd_action *a = &d->actions[i];

		if (stop) {
			c.step->result = SRD_STEP_SKIPPED;
			snprintf(c.step->message, sizeof(c.step->message),
				 "an earlier action did not complete");
			continue;
		}
		srd_apply_progress(o, d, ret, i, false);
		c.step->result = srd_apply_run(&c, a);
		switch (c.step->result) {
		case SRD_STEP_DONE:
			ret->n_done++;
			break;
		case SRD_STEP_ALREADY:
			ret->n_already++;
			break;
		case SRD_STEP_REFUSED:
			ret->n_refused++;
			stop = true;
			first_error = c.step->error ? c.step->error : -EPERM;
			break;
		default:
			ret->n_failed++;
			stop = true;
			first_error = c.step->error ? c.step->error : -EIO;
			break;
		}
		if (o->out && !o->dry_run)
			fprintf(o->out, "%s %s %s: %s\n", srd_action_to_string(a->kind), a->target,
				srd_step_result_to_string(c.step->result), c.step->message);
		if (o->on_step)
			o->on_step(o->userdata, a, c.step, false);
	}
	if (first_error && !o->dry_run)
		for (size_t i = d->n_actions; i-- > 0;) {
			if (ret->steps[i].result != SRD_STEP_DONE)
				continue;
			undo_action(o, &ret->steps[i], &d->actions[i]);
			if (!ret->steps[i].rolled_back)
				ret->n_undo_failed++;
			if (o->out)
				fprintf(o->out, "rollback %s %s: %s\n",
					srd_action_to_string(d->actions[i].kind),
					d->actions[i].target, ret->steps[i].rollback);
			if (o->on_step)
				o->on_step(o->userdata, &d->actions[i], &ret->steps[i], true);
		}
	srd_apply_progress(o, d, ret, d->n_actions, true);
	return first_error;
}
