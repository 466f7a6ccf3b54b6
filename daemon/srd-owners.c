// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owners srd left each range with at the end of its last pass, kept in
 * <state-dir>/owners.json so a restart (a crash, an upgrade, D-Bus activation
 * by any caller) compares the machine with what srd last saw and holds the
 * ranges an administrator changed meanwhile, instead of undoing the change.
 *
 * Kernel state does not survive a reboot, and neither may this record: it
 * carries the boot ID and is ignored from another boot (the state directory
 * is /run/srd, cleared at reboot anyway; the check keeps that true wherever
 * --state-dir points).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "atomic-file.h"
#include "srd-json.h"
#include "srd-manager.h"

#define BOOT_ID "/proc/sys/kernel/random/boot_id"

static int boot_id(char *buf, size_t size)
{
	return srd_read_line(BOOT_ID, buf, size);
}

int srd_owners_save(const char *state_dir, const struct srd_owner_record *o, size_t n)
{
	char path[PATH_MAX], boot[64];
	struct json_object *j, *a;
	const char *text;
	int r;

	if (!state_dir)
		return 0;
	r = boot_id(boot, sizeof(boot));
	if (r < 0)
		return r;
	j = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(j, "boot_id", json_object_new_string(boot));
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_new_object();

		srd_json_add_range(x, &o[i].range);
		json_object_object_add(x, "owner", json_object_new_string(srd_owner_to_string(o[i].owner)));
		json_object_array_add(a, x);
	}
	json_object_object_add(j, "owners", a);
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY);
	snprintf(path, sizeof(path), "%s/owners.json", state_dir);
	r = srd_atomic_write_file(path, text, strlen(text), 0600);
	json_object_put(j);
	return r;
}

static int parse_hex(struct json_object *o, const char *key, uint64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return -EBADMSG;
	return srd_parse_u64(json_object_get_string(v), ret) < 0 ? -EBADMSG : 0;
}

int srd_owners_load(const char *state_dir, struct srd_owner_record **ret, size_t *ret_n, char *why, size_t size)
{
	_cleanup_free_ struct srd_owner_record *o = NULL;
	char path[PATH_MAX], boot[64];
	struct json_object *j, *b, *a;
	size_t n;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	why[0] = '\0';
	if (!state_dir)
		return 0;
	snprintf(path, sizeof(path), "%s/owners.json", state_dir);
	j = json_object_from_file(path);
	if (!j)
		return 0; /* none yet: the first start of this boot */
	if (boot_id(boot, sizeof(boot)) < 0 || !json_object_object_get_ex(j, "boot_id", &b) ||
	    strcmp(json_object_get_string(b), boot) != 0) {
		snprintf(why, size, "%s is from another boot: ignored", path);
		json_object_put(j);
		return 0;
	}
	if (!json_object_object_get_ex(j, "owners", &a) || !json_object_is_type(a, json_type_array)) {
		json_object_put(j);
		snprintf(why, size, "%s: no owners array", path);
		return -EBADMSG;
	}
	n = json_object_array_length(a);
	o = calloc(n ? n : 1, sizeof(*o));
	if (!o) {
		json_object_put(j);
		return -ENOMEM;
	}
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct json_object *x = json_object_array_get_idx(a, i), *ow;
		uint64_t start, end;
		int k;

		if (parse_hex(x, "start", &start) < 0 || parse_hex(x, "end", &end) < 0 || end < start ||
		    !json_object_object_get_ex(x, "owner", &ow) ||
		    (k = srd_owner_from_string(json_object_get_string(ow))) < 0) {
			snprintf(why, size, "%s: entry %zu is malformed", path, i);
			r = -EBADMSG;
			break;
		}
		o[i] = (struct srd_owner_record){ { start, end }, k };
	}
	json_object_put(j);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(o);
	*ret_n = n;
	return 0;
}
