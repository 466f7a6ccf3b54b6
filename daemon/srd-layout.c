// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The layout store (see srd-layout.h).  Parsing is strict: a record that is
 * not exactly what srd wrote is not used to build a region, because a wrong
 * HPA or device there would take memory from someone.  The parser takes a
 * buffer (srd_layout_parse), so the tests and the fuzzer feed it directly.
 */
#include <dirent.h>
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

#include "srd-json.h"
#include "srd-layout.h"

struct json_object *srd_layout_to_json(const struct srd_layout *l)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_array();

	json_object_object_add(o, "schema_version", json_object_new_int(SRD_LAYOUT_SCHEMA));
	json_object_object_add(o, "generation", json_object_new_int64(l->generation));
	json_object_object_add(o, "recorded_usec", json_object_new_int64((int64_t)l->recorded_usec));
	json_object_object_add(o, "region", json_object_new_string(l->region));
	json_object_object_add(o, "window", json_object_new_string(l->window));
	srd_json_add_range(o, &l->range);
	json_object_object_add(o, "mode", json_object_new_string(l->mode));
	json_object_object_add(o, "ways", json_object_new_int(l->ways));
	json_object_object_add(o, "granularity", json_object_new_int64((int64_t)l->granularity));
	json_object_object_add(o, "owner", json_object_new_string(srd_owner_to_string(l->owner)));
	json_object_object_add(o, "dax_mode", json_object_new_string(l->dax_mode));
	json_object_object_add(o, "replace", json_object_new_string(srd_replace_state_to_string(l->replace)));
	json_object_object_add(o, "replace_position", json_object_new_int(l->replace_position));
	for (unsigned i = 0; i < l->n_targets; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "position", json_object_new_int(i));
		json_object_object_add(x, "memdev", json_object_new_string(l->targets[i].memdev));
		json_object_object_add(x, "host", json_object_new_string(l->targets[i].host));
		json_object_object_add(x, "serial", srd_json_hex(l->targets[i].serial));
		json_object_array_add(t, x);
	}
	json_object_object_add(o, "targets", t);
	return o;
}

static const char *get_str(struct json_object *o, const char *key, size_t max)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	return strlen(s) < max ? s : NULL;
}

static bool get_u64(struct json_object *o, const char *key, uint64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return false;
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return false;
		*ret = (uint64_t)json_object_get_int64(v);
		return true;
	}
	return json_object_is_type(v, json_type_string) && srd_parse_u64(json_object_get_string(v), ret) == 0;
}

#define COPY_STR(dst, o, key)                                                                      \
	({                                                                                         \
		const char *_s = get_str(o, key, sizeof(dst));                                     \
		if (_s)                                                                            \
			snprintf(dst, sizeof(dst), "%s", _s);                                      \
		_s != NULL;                                                                        \
	})

/* Parses one record; returns a problem, or NULL when it is good. */
static const char *parse(struct json_object *o, struct srd_layout *l)
{
	struct json_object *t;
	uint64_t v, start, size, end;
	char owner[16], replace[16];
	int k;

	*l = (struct srd_layout){};
	if (!json_object_is_type(o, json_type_object))
		return "not a JSON object";
	if (!get_u64(o, "schema_version", &v) || v != SRD_LAYOUT_SCHEMA)
		return "unknown schema_version (this srd reads version 1)";
	if (!COPY_STR(l->region, o, "region") || !COPY_STR(l->window, o, "window") ||
	    !COPY_STR(l->mode, o, "mode") || !COPY_STR(l->dax_mode, o, "dax_mode") ||
	    !COPY_STR(owner, o, "owner") || !COPY_STR(replace, o, "replace"))
		return "a text field is missing or too long";
	if (!get_u64(o, "start", &start) || !get_u64(o, "size", &size) || !get_u64(o, "end", &end) ||
	    srd_range_from_size(start, size, &l->range) < 0 || l->range.end != end)
		return "start, size and end do not make one range";
	if (!get_u64(o, "generation", &v) || v > UINT32_MAX)
		return "bad generation";
	l->generation = (unsigned)v;
	if (!get_u64(o, "recorded_usec", &l->recorded_usec) || !get_u64(o, "granularity", &l->granularity))
		return "bad recorded_usec or granularity";
	if (!get_u64(o, "ways", &v) || v == 0 || v > SRD_MAX_WAYS)
		return "bad ways";
	l->ways = (unsigned)v;
	k = srd_owner_from_string(owner);
	if (k < 0)
		return "unknown owner";
	l->owner = k;
	k = srd_replace_state_from_string(replace);
	if (k < 0)
		return "unknown replace state";
	l->replace = k;
	if (!get_u64(o, "replace_position", &v) || v >= SRD_MAX_WAYS)
		return "bad replace_position";
	l->replace_position = (unsigned)v;
	if (!json_object_object_get_ex(o, "targets", &t) || !json_object_is_type(t, json_type_array) ||
	    json_object_array_length(t) != l->ways)
		return "targets do not match ways";
	l->n_targets = l->ways;
	for (unsigned i = 0; i < l->n_targets; i++) {
		struct json_object *x = json_object_array_get_idx(t, i);

		if (!COPY_STR(l->targets[i].memdev, x, "memdev") || !COPY_STR(l->targets[i].host, x, "host") ||
		    !get_u64(x, "serial", &l->targets[i].serial) || !get_u64(x, "position", &v) || v != i)
			return "a target is incomplete";
	}
	return NULL;
}

int srd_layout_parse(const char *buf, size_t len, const char *origin, struct srd_layout *ret,
		     struct srd_error *err)
{
	struct json_tokener *tok;
	struct json_object *o;
	const char *why;
	size_t end;

	if (memchr(buf, '\0', len))
		return srd_error_set(err, -EINVAL, "%s: contains a NUL byte", origin);
	if (len > SRD_LAYOUT_MAX_BYTES || len > INT_MAX)
		return srd_error_set(err, -EFBIG, "%s: larger than %u bytes", origin,
				     SRD_LAYOUT_MAX_BYTES);
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	/* One value and nothing after it but the newline srd writes: a record
	 * with more in it is not one srd wrote. */
	while (o && end < len && strchr(" \t\r\n", buf[end]))
		end++;
	if (!o || end != len) {
		json_object_put(o);
		return srd_error_set(err, -EINVAL, "%s: not JSON", origin);
	}
	why = parse(o, ret);
	json_object_put(o);
	if (why)
		return srd_error_set(err, -EINVAL, "%s: %s", origin, why);
	return 0;
}

int srd_layout_store_load(const char *dir, struct srd_layout **ret, size_t *ret_n, char **ret_errors)
{
	struct srd_layout *v = NULL;
	size_t n = 0, elen = 0;
	char *errs = NULL;
	FILE *ef = open_memstream(&errs, &elen);
	DIR *d;
	struct dirent *de;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	*ret_errors = NULL;
	if (!ef)
		return -ENOMEM;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char path[4096];
		struct srd_error err;
		char *text = NULL;
		size_t len;
		int k;

		if (strncmp(de->d_name, "layout-", 7) != 0 ||
		    strcmp(de->d_name + strlen(de->d_name) - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (srd_grow((void **)&v, n, sizeof(*v)) < 0) {
			r = -ENOMEM;
			break;
		}
		k = srd_read_file(path, SRD_LAYOUT_MAX_BYTES, &text, &len);
		if (k < 0)
			k = srd_error_set(&err, k, "%s: %s", path, strerror(-k));
		else
			k = srd_layout_parse(text, len, path, &v[n], &err);
		free(text);
		if (k == -ENOMEM) {
			r = k;
			break;
		}
		if (k < 0)
			fprintf(ef, "%s\n", err.msg);
		else
			n++;
	}
	if (d)
		closedir(d);
	fclose(ef);
	if (r < 0) {
		free(errs);
		free(v);
		return r;
	}
	if (elen)
		*ret_errors = errs;
	else
		free(errs);
	*ret = v;
	*ret_n = n;
	return 0;
}

int srd_layout_store_save(const char *dir, const struct srd_layout *l)
{
	char path[4096], tmp[4096];
	struct json_object *o;
	const char *text;
	size_t len;
	int fd, dfd, r = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/layout-0x%" PRIx64 ".json", dir, l->range.start);
	snprintf(tmp, sizeof(tmp), "%s/.layout-0x%" PRIx64 ".json.tmp", dir, l->range.start);
	o = srd_layout_to_json(l);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		r = -errno;
	else {
		if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
			r = errno ? -errno : -EIO;
		if (close(fd) < 0 && r == 0)
			r = -errno;
	}
	json_object_put(o);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
