/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by srdctl's files: reading the JSON documents srd replies with. */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <json-c/json.h>

/* The string member key of o, "" when absent or not a string. */
static inline const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : "";
}

/* The number member key of o, 0 when absent. */
static inline int64_t num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

/* The member key of o, NULL when absent. */
static inline struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* srdctl dax: each dax device of an inventory document (GetInventory) by its
 * stable identity, and the [Device] rule or default it gets (srdctl-dax.c). */
void srdctl_print_dax(struct json_object *inv);
/* srdctl dax --json: the document's dax_devices array (drops inv). */
struct json_object *srdctl_dax_devices(struct json_object *inv);

/* Prints a JSON document and drops it; 0 or -EIO. */
int srdctl_print_json_doc(struct json_object *o);
/* srdctl policy-check [FILE] (srdctl-policy.c): 0, -EINVAL for bad host
 * facts, -EIO when the configuration does not load (errors printed). */
int srdctl_policy_check(const char *file, const char *host_facts, bool json);
