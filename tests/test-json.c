// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON views (daemon/srd-json.c, srd-json-apply.c) of literal data: an
 * inventory, a decision, what the executor did, a pass's outcome as srd
 * --once --json prints it, the effective policy.  Addresses are "0x..."
 * strings; fields are only ever added.
 */
#include "decide-fixtures.h"
#include "pass.h"
#include "srd-json.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	CHECK(json_object_object_get_ex(o, key, &v));
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	return json_object_get_string(get(o, key));
}

static struct json_object *at(struct json_object *a, size_t i)
{
	CHECK(json_object_is_type(a, json_type_array) && i < json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

TEST(test_hex_and_range)
{
	struct json_object *o = json_object_new_object(), *h = srd_json_hex(0x490000000);
	struct srd_range r = {0x490000000, 0x49fffffff};

	CHECK_STREQ(json_object_get_string(h), "0x490000000");
	srd_json_add_range(o, &r);
	CHECK_STREQ(str(o, "start"), "0x490000000");
	CHECK_STREQ(str(o, "end"), "0x49fffffff");
	CHECK_STREQ(str(o, "size"), "0x10000000");
	json_object_put(h);
	json_object_put(o);
}

TEST(test_inventory)
{
	struct srd_inventory *inv = cxl_and_stranded();
	struct json_object *o = srd_json_inventory(inv), *x;

	CHECK_STREQ(str(get(o, "kernel"), "release"), "6.12.0");
	CHECK(json_object_get_boolean(get(o, "complete")));
	CHECK(json_object_array_length(get(o, "ranges")) == 2);
	x = at(get(o, "ranges"), 0);
	CHECK_STREQ(str(x, "start"), "0x490000000");
	CHECK_STREQ(str(x, "owner"), "cxl");
	CHECK_STREQ(str(x, "window"), "decoder0.0");
	CHECK_STREQ(str(x, "cxl_bytes"), "0x10000000");
	CHECK_STREQ(json_object_get_string(at(get(x, "sources"), 0)), "memmap");
	CHECK_STREQ(str(at(get(o, "ranges"), 1), "owner"), "none");
	x = at(get(o, "regions"), 0);
	CHECK_STREQ(str(x, "name"), "region0");
	CHECK(json_object_get_boolean(get(x, "committed")));
	CHECK_STREQ(str(at(get(x, "targets"), 0), "memdev"), "mem1");
	x = at(get(o, "dax_devices"), 0);
	CHECK_STREQ(str(x, "kind"), "cxl");
	CHECK_STREQ(str(x, "driver"), "kmem");
	CHECK_STREQ(str(at(get(o, "windows"), 0), "name"), "decoder0.0");
	json_object_put(o);
	srd_inventory_free(inv);
}

TEST(test_decision)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = cxl_and_stranded();
	struct srd_decision *d = expect(inv, pol, "per-range", NULL, "cxl", "cxl unchanged", "");
	struct json_object *o = srd_json_decision(d, inv), *x;

	CHECK_STREQ(str(o, "policy"), "per-range");
	CHECK_STREQ(str(o, "verdict"), "cxl");
	CHECK(!json_object_get_boolean(get(o, "refused")));
	CHECK(!json_object_object_get_ex(o, "refusal", NULL));
	CHECK_STREQ(str(o, "summary"), d->summary);
	CHECK_STREQ(str(o, "behaviour"), srd_behaviour_to_string(inv->behaviour));
	x = at(get(o, "ranges"), 0);
	CHECK_STREQ(str(x, "decided"), "cxl");
	CHECK_STREQ(str(x, "owner"), "cxl");
	CHECK_STREQ(str(x, "reason"), d->ranges[0].reason);
	CHECK_STREQ(str(at(get(o, "ranges"), 1), "decided"), "unchanged");
	CHECK(json_object_array_length(get(o, "actions")) == 0);
	json_object_put(o);
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* A plan of two actions whose first failed and was undone. */
static struct srd_decision *two_actions(void)
{
	struct srd_decision *d = calloc(1, sizeof(*d));

	CHECK(d);
	d->mode = SRD_MODE_PREFER_HMEM;
	d->verdict = SRD_VERDICT_HMEM;
	snprintf(d->summary, sizeof(d->summary), "hmem owns it");
	d->actions = calloc(2, sizeof(*d->actions));
	CHECK(d->actions);
	d->n_actions = 2;
	d->actions[0] = (struct srd_action){.kind = SRD_ACTION_RELEASE_REGION,
					    .range = {W0, W0 + 256 * MiB - 1}};
	snprintf(d->actions[0].target, sizeof(d->actions[0].target), "region0");
	d->actions[1] =
	    (struct srd_action){.kind = SRD_ACTION_CLAIM_HMEM, .range = {W0, W0 + 256 * MiB - 1}};
	snprintf(d->actions[1].target, sizeof(d->actions[1].target), "hmem.0");
	return d;
}

TEST(test_apply)
{
	struct srd_decision *d = two_actions();
	struct srd_step steps[2] = {
	    {.result = SRD_STEP_DONE, .rolled_back = true},
	    {.result = SRD_STEP_FAILED, .error = -EIO},
	};
	struct srd_apply_result res = {.steps = steps, .n_steps = 2, .n_done = 1, .n_failed = 1};
	struct json_object *o, *x;

	snprintf(steps[0].message, sizeof(steps[0].message), "unbound");
	snprintf(steps[0].rollback, sizeof(steps[0].rollback), "bound again");
	snprintf(steps[1].message, sizeof(steps[1].message), "bind: Input/output error");
	o = srd_json_apply(d, &res, false);
	CHECK(!json_object_get_boolean(get(o, "dry_run")));
	CHECK(!json_object_object_get_ex(o, "interrupted", NULL));
	x = at(get(o, "steps"), 0);
	CHECK_STREQ(str(x, "action"), "release-region");
	CHECK_STREQ(str(x, "target"), "region0");
	CHECK_STREQ(str(x, "result"), "done");
	CHECK(json_object_get_boolean(get(x, "rolled_back")));
	CHECK_STREQ(str(x, "rollback"), "bound again");
	x = at(get(o, "steps"), 1);
	CHECK_STREQ(str(x, "result"), "failed");
	CHECK_STREQ(str(x, "message"), "bind: Input/output error");
	CHECK(!json_object_object_get_ex(x, "rollback", NULL));
	json_object_put(o);

	snprintf(res.interrupted, sizeof(res.interrupted), "a previous run stopped");
	o = srd_json_apply(d, &res, true);
	CHECK(json_object_get_boolean(get(o, "dry_run")));
	CHECK_STREQ(str(o, "interrupted"), "a previous run stopped");
	json_object_put(o);
	srd_decision_free(d);
}

TEST(test_once)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = cxl_and_stranded();
	struct srd_unconverged u = {
	    .range = {W0, W0 + 256 * MiB - 1}, .wanted = SRD_OWNER_HMEM, .gone = true};
	struct srd_pass p = {
	    .inventory = inv,
	    .decision = expect(inv, pol, "per-range", NULL, "cxl", "cxl unchanged", ""),
	    .checked = true,
	    .unconverged = &u,
	    .n_unconverged = 1,
	    .n_discoveries = 2,
	};
	struct json_object *o = srd_json_once(&p, false), *x;

	CHECK(json_object_array_length(get(o, "steps")) == 0);
	CHECK_STREQ(str(get(o, "decision"), "verdict"), "cxl");
	CHECK(!json_object_get_boolean(get(o, "converged")));
	x = at(get(o, "unconverged"), 0);
	CHECK_STREQ(str(x, "range"), "0x490000000-0x49fffffff");
	CHECK_STREQ(str(x, "wanted"), "hmem");
	CHECK_STREQ(str(x, "owner"), "gone");
	/* Nothing re-read: the final inventory is the one decided on. */
	CHECK(json_object_array_length(get(get(o, "final"), "ranges")) == 2);
	CHECK(json_object_get_int(get(o, "discoveries")) == 2);
	json_object_put(o);
	srd_decision_free(p.decision);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_policy)
{
	struct srd_policy *pol = srd_policy_new();
	struct json_object *o = srd_json_policy(pol);

	CHECK_STREQ(str(get(o, "mode"), "value"), "strict");
	CHECK_STREQ(str(get(o, "fallback"), "value"), "hmem");
	CHECK(json_object_array_length(get(o, "exclude")) == 0);
	CHECK(json_object_array_length(get(o, "files")) == 0);
	CHECK_STREQ(str(get(get(o, "cxl"), "dax_mode"), "origin"), pol->dax_cxl.mode_origin.where);
	json_object_put(o);
	srd_policy_free(pol);
}

int main(void)
{
	RUN(test_hex_and_range);
	RUN(test_inventory);
	RUN(test_decision);
	RUN(test_apply);
	RUN(test_once);
	RUN(test_policy);
	return 0;
}
