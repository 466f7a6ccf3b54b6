// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owner record on disk (srd-owners.h): a small JSON document in the
 * state directory, replaced atomically (srd_atomic_write_file) after every pass.  A record srd
 * cannot trust is not used: then every range counts as srd's, as at boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "atomic-file.h"
#include "srd-owners.h"
#include "srd-util.h"

static struct json_object *hex(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%" PRIx64, v);
	return json_object_new_string(b);
}

int srd_owners_save(const char *dir, const char *boot_id, const struct srd_owner_record *o,
		    size_t n)
{
	struct json_object *j = json_object_new_object(), *a = json_object_new_array();
	char path[PATH_MAX];
	const char *text;
	int r = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		json_object_put(a);
		json_object_put(j);
		return r;
	}
	json_object_object_add(j, "schema_version", json_object_new_int(SRD_OWNERS_SCHEMA));
	json_object_object_add(j, "boot_id", json_object_new_string(boot_id));
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "start", hex(o[i].range.start));
		json_object_object_add(x, "end", hex(o[i].range.end));
		json_object_object_add(x, "owner",
				       json_object_new_string(srd_owner_to_string(o[i].owner)));
		json_object_array_add(a, x);
	}
	json_object_object_add(j, "ranges", a);
	snprintf(path, sizeof(path), "%s/owners.json", dir);
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	r = text ? srd_atomic_write_file(path, text, strlen(text), 0644) : -ENOMEM;
	json_object_put(j);
	return r;
}

static int parse_u64(struct json_object *x, const char *key, uint64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(x, key, &v) || !json_object_is_type(v, json_type_string))
		return -EBADMSG;
	return srd_parse_u64(json_object_get_string(v), ret) < 0 ? -EBADMSG : 0;
}

static int parse(struct json_object *j, const char *boot_id, struct srd_owner_record **ret,
		 size_t *ret_n)
{
	struct json_object *v, *a;
	struct srd_owner_record *o;
	size_t n;

	if (!json_object_object_get_ex(j, "schema_version", &v) ||
	    json_object_get_int(v) != SRD_OWNERS_SCHEMA)
		return -EBADMSG;
	if (!json_object_object_get_ex(j, "boot_id", &v) ||
	    !json_object_is_type(v, json_type_string))
		return -EBADMSG;
	if (strcmp(json_object_get_string(v), boot_id) != 0)
		return -ESTALE;
	if (!json_object_object_get_ex(j, "ranges", &a) || !json_object_is_type(a, json_type_array))
		return -EBADMSG;
	n = json_object_array_length(a);
	o = calloc(n ? n : 1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(a, i), *w;
		int owner = -1;

		if (json_object_object_get_ex(x, "owner", &w))
			owner = srd_owner_from_string(json_object_get_string(w));
		if (owner < 0 || parse_u64(x, "start", &o[i].range.start) < 0 ||
		    parse_u64(x, "end", &o[i].range.end) < 0 || o[i].range.end < o[i].range.start) {
			free(o);
			return -EBADMSG;
		}
		o[i].owner = owner;
	}
	*ret = o;
	*ret_n = n;
	return 0;
}

int srd_owners_load(const char *dir, const char *boot_id, struct srd_owner_record **ret,
		    size_t *ret_n)
{
	char path[PATH_MAX];
	struct json_object *j;
	int r;

	snprintf(path, sizeof(path), "%s/owners.json", dir);
	if (access(path, F_OK) < 0)
		return -errno;
	j = json_object_from_file(path);
	if (!j)
		return -EBADMSG;
	r = parse(j, boot_id, ret, ret_n);
	json_object_put(j);
	return r;
}
