/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON views of srd's data for the tools (srd --json, the D-Bus replies).
 * Addresses and sizes are "0x..." strings so no consumer loses precision.
 */
#pragma once

#include <json-c/json.h>

#include "decide.h"
#include "inventory.h"

struct json_object *srd_json_inventory(const struct srd_inventory *inv);
struct json_object *srd_json_decision(const struct srd_decision *d, const struct srd_inventory *inv);
struct json_object *srd_json_hex(uint64_t v);
/* {"start","end","size"} of a range. */
void srd_json_add_range(struct json_object *o, const struct srd_range *r);
int srd_json_print(struct json_object *o, FILE *f);
