// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the hotplug-replace layout record parser (JSON), then a
 * round trip: what it accepts, written out again, must read back the same.
 */
#include <string.h>

#include <json-c/json.h>

#include "srd-layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srd_layout l, again;
	struct srd_error err;
	struct json_object *o;
	const char *text;

	if (srd_layout_parse((const char *)data, size, "fuzz", &l, &err) < 0)
		return 0;
	if (l.ways == 0 || l.ways > SRD_MAX_WAYS || l.n_targets != l.ways ||
	    l.range.end < l.range.start || l.replace >= _SRD_REPLACE_MAX ||
	    l.replace_position >= SRD_MAX_WAYS)
		__builtin_trap();
	o = srd_layout_to_json(&l);
	text = json_object_to_json_string(o);
	if (srd_layout_parse(text, strlen(text), "again", &again, &err) < 0 ||
	    !srd_layout_same(&l, &again) || again.generation != l.generation ||
	    again.replace != l.replace || again.owner != l.owner ||
	    again.recorded_usec != l.recorded_usec)
		__builtin_trap();
	json_object_put(o);
	return 0;
}
