// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON view of what the executor did, apart from srd-json.c so that
 * srdctl, which never applies anything, does not link the executor.
 */
#include "srd-json.h"
#include "pass.h"

struct json_object *srd_json_apply(const struct srd_decision *d, const struct srd_apply_result *res,
				   bool dry_run)
{
	struct json_object *o = json_object_new_object(), *steps = json_object_new_array();

	for (size_t i = 0; i < res->n_steps; i++) {
		const struct srd_step *st = &res->steps[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(
		    x, "action", json_object_new_string(srd_action_to_string(d->actions[i].kind)));
		json_object_object_add(x, "target", json_object_new_string(d->actions[i].target));
		json_object_object_add(
		    x, "result", json_object_new_string(srd_step_result_to_string(st->result)));
		json_object_object_add(x, "message", json_object_new_string(st->message));
		json_object_object_add(x, "rolled_back", json_object_new_boolean(st->rolled_back));
		if (st->rollback[0])
			json_object_object_add(x, "rollback", json_object_new_string(st->rollback));
		json_object_array_add(steps, x);
	}
	json_object_object_add(o, "steps", steps);
	json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	if (res->interrupted[0])
		json_object_object_add(o, "interrupted", json_object_new_string(res->interrupted));
	return o;
}

struct json_object *srd_json_unconverged(const struct srd_pass *p)
{
	struct json_object *a = json_object_new_array();
	char b[SRD_RANGE_FMT_MAX];

	for (size_t i = 0; i < p->n_unconverged; i++) {
		const struct srd_unconverged *u = &p->unconverged[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(
		    x, "range", json_object_new_string(srd_range_format(&u->range, b, sizeof(b))));
		json_object_object_add(x, "wanted",
				       json_object_new_string(srd_owner_to_string(u->wanted)));
		json_object_object_add(
		    x, "owner",
		    json_object_new_string(u->gone ? "gone" : srd_owner_to_string(u->owner)));
		json_object_array_add(a, x);
	}
	return a;
}

struct json_object *srd_json_once(const struct srd_pass *p, bool ok)
{
	struct json_object *o = srd_json_apply(p->decision, &p->apply, p->dry_run);

	json_object_object_add(o, "decision", srd_json_decision(p->decision, p->inventory));
	json_object_object_add(o, "unconverged", srd_json_unconverged(p));
	json_object_object_add(o, "converged", json_object_new_boolean(ok));
	json_object_object_add(o, "final", srd_json_inventory(p->after ? p->after : p->inventory));
	json_object_object_add(o, "discoveries", json_object_new_int((int)p->n_discoveries));
	if (p->dry_run)
		json_object_object_add(o, "writes",
				       json_object_new_string(p->writes ? p->writes : ""));
	return o;
}
