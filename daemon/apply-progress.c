// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor's progress record: which action of which plan is running, in
 * <state_dir>/progress.json, rewritten atomically before each action.  A
 * crash or a kill leaves it unfinished, and the next start reports what was
 * left and converges from a fresh inventory instead of trusting it.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "apply-internal.h"
#include "atomic-file.h"

void srd_apply_progress(const struct srd_apply_opts *o, const struct srd_decision *d,
			const struct srd_apply_result *res, size_t current, bool finished)
{
	char path[PATH_MAX];
	struct json_object *j, *a;
	const char *text;

	if (!o->state_dir || o->dry_run)
		return;
	if (mkdir(o->state_dir, 0755) < 0 && errno != EEXIST)
		return;
	j = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(j, "version", json_object_new_int(1));
	json_object_object_add(j, "finished", json_object_new_boolean(finished));
	json_object_object_add(j, "current", json_object_new_int((int)current));
	for (size_t i = 0; i < d->n_actions; i++) {
		struct json_object *x = json_object_new_object();
		const char *state = i < current ? srd_step_result_to_string(res->steps[i].result)
				    : i == current && !finished ? "running"
								: "pending";

		json_object_object_add(
		    x, "action", json_object_new_string(srd_action_to_string(d->actions[i].kind)));
		json_object_object_add(x, "target", json_object_new_string(d->actions[i].target));
		json_object_object_add(x, "state", json_object_new_string(state));
		json_object_array_add(a, x);
	}
	json_object_object_add(j, "actions", a);
	snprintf(path, sizeof(path), "%s/progress.json", o->state_dir);
	/* Written atomically: a crash leaves the old record or the new one. */
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY);
	if (text)
		(void)srd_atomic_write_file(path, text, strlen(text), 0644);
	json_object_put(j);
}

bool srd_apply_interrupted(const char *state_dir, char *why, size_t size)
{
	char path[PATH_MAX];
	struct json_object *j, *f, *cur, *acts;
	bool interrupted = false;

	snprintf(path, sizeof(path), "%s/progress.json", state_dir);
	j = json_object_from_file(path);
	if (!j)
		return false;
	if (json_object_object_get_ex(j, "finished", &f) && !json_object_get_boolean(f) &&
	    json_object_object_get_ex(j, "current", &cur) &&
	    json_object_object_get_ex(j, "actions", &acts)) {
		int i = json_object_get_int(cur);
		struct json_object *x = json_object_array_get_idx(acts, (size_t)i), *k, *t;

		interrupted = true;
		if (x && json_object_object_get_ex(x, "action", &k) &&
		    json_object_object_get_ex(x, "target", &t))
			snprintf(why, size,
				 "a previous run stopped during action %d of %zu (%s %s)", i + 1,
				 json_object_array_length(acts), json_object_get_string(k),
				 json_object_get_string(t));
		else
			snprintf(why, size, "a previous run stopped before finishing");
	}
	json_object_put(j);
	return interrupted;
}
