/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON views of srd's data for the tools (srd --json, the D-Bus replies).
 * Addresses and sizes are "0x..." strings so no consumer loses precision.
 */
#pragma once

#include <json-c/json.h>

#include "apply.h"
#include "decide.h"
#include "inventory.h"
#include "policy.h"

struct json_object *srd_json_inventory(const struct srd_inventory *inv);
/* Adds to an inventory document o (srd_json_inventory) each dax device's
 * "policy": the [Device] rule that matched it and by which keys, or the
 * [CXL]/[HMEM] default; and "unmatched_device_rules". */
void srd_json_add_dax_policy(struct json_object *o, const struct srd_inventory *inv,
			     const struct srd_policy *p);
/* The [Device] rules of p that match no dax device of inv: ["FILE:LINE", ...]. */
struct json_object *srd_json_unmatched_device_rules(const struct srd_inventory *inv,
						    const struct srd_policy *p);
struct json_object *srd_json_decision(const struct srd_decision *d,
				      const struct srd_inventory *inv);
struct json_object *srd_json_hex(uint64_t v);
/* {"start","end","size"} of a range. */
void srd_json_add_range(struct json_object *o, const struct srd_range *r);
/* What one run of the plan did: {"steps": [...], "dry_run", "interrupted"} (srd-json-apply.c). */
struct json_object *srd_json_apply(const struct srd_decision *d, const struct srd_apply_result *res,
				   bool dry_run);
struct srd_pass;
/* The ranges the pass's check found unlike the verdict: [{"range","wanted","owner"}]
 * (srd-json-apply.c). */
struct json_object *srd_json_unconverged(const struct srd_pass *p);
/* srd --once --json: the steps, "decision", "unconverged", "converged" (ok), "final", and
 * "discoveries", the times the pass read the machine (srd-json-apply.c). */
struct json_object *srd_json_once(const struct srd_pass *p, bool ok);
/* The effective policy, every setting with where it came from. */
struct json_object *srd_json_policy(const struct srd_policy *p);
int srd_json_print(struct json_object *o, FILE *f);
