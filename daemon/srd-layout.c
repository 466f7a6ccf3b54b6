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

#include "atomic-file.h"
#include "srd-json.h"
#include "srd-layout.h"
#include "read.h"

struct json_object *srd_layout_to_json(const struct srd_layout *l)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_array();

	json_object_object_add(o, "schema_version", json_object_new_int(SRD_LAYOUT_SCHEMA));
	json_object_object_add(o, "generation", json_object_new_int64(l->generation));
	json_object_object_add(o, "recorded_usec",
			       json_object_new_int64((int64_t)l->recorded_usec));
	json_object_object_add(o, "machine_id", json_object_new_string(l->machine_id));
	json_object_object_add(o, "region", json_object_new_string(l->region));
	json_object_object_add(o, "window", json_object_new_string(l->window));
	srd_json_add_range(o, &l->range);
	json_object_object_add(o, "mode", json_object_new_string(l->mode));
	json_object_object_add(o, "ways", json_object_new_int(l->ways));
	json_object_object_add(o, "granularity", json_object_new_int64((int64_t)l->granularity));
	json_object_object_add(o, "owner", json_object_new_string(srd_owner_to_string(l->owner)));
	json_object_object_add(o, "dax_mode", json_object_new_string(l->dax_mode));
	json_object_object_add(o, "replace",
			       json_object_new_string(srd_replace_state_to_string(l->replace)));
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

static bool machine_id_valid(const char *s)
{
	size_t n = 0;

	for (; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++)
		n++;
	return n == 32 && *s == '\0';
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
	return json_object_is_type(v, json_type_string) &&
	       srd_parse_u64(json_object_get_string(v), ret) == 0;
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
	if (!COPY_STR(l->machine_id, o, "machine_id") || !machine_id_valid(l->machine_id))
		return "no machine_id, or not one (32 hex digits)";
	if (!get_u64(o, "start", &start) || !get_u64(o, "size", &size) ||
	    !get_u64(o, "end", &end) || srd_range_from_size(start, size, &l->range) < 0 ||
	    l->range.end != end)
		return "start, size and end do not make one range";
	if (!get_u64(o, "generation", &v) || v > UINT32_MAX)
		return "bad generation";
	l->generation = (unsigned)v;
	if (!get_u64(o, "recorded_usec", &l->recorded_usec) ||
	    !get_u64(o, "granularity", &l->granularity))
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
	if (!json_object_object_get_ex(o, "targets", &t) ||
	    !json_object_is_type(t, json_type_array) || json_object_array_length(t) != l->ways)
		return "targets do not match ways";
	l->n_targets = l->ways;
	for (unsigned i = 0; i < l->n_targets; i++) {
		struct json_object *x = json_object_array_get_idx(t, i);

		if (!COPY_STR(l->targets[i].memdev, x, "memdev") ||
		    !COPY_STR(l->targets[i].host, x, "host") ||
		    !get_u64(x, "serial", &l->targets[i].serial) || !get_u64(x, "position", &v) ||
		    v != i)
			return "a target is incomplete";
	}
	/* Its names end up in sysfs paths: only the kernel's own will do. */
	return srd_layout_check(l);
}

/*
 * Reads and parses the record dir/name (dfd: dir): a regular file of at most
 * SRD_LAYOUT_MAX_BYTES whose name is its own key.  Returns NULL or why not,
 * formatted into buf.
 */
static const char *load_one(int dfd, const char *name, const char *machine_id, struct srd_layout *l,
			    char *buf, size_t size)
{
	_cleanup_free_ char *text = NULL;
	struct srd_error err = {};
	struct stat st;
	char want[64];
	ssize_t n;
	int fd;

	/* Not through a symlink, and never waiting on a FIFO. */
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(buf, size, "cannot open: %s", strerror(errno));
		return buf;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return "not a regular file";
	}
	if (st.st_size > SRD_LAYOUT_MAX_BYTES) {
		close(fd);
		snprintf(buf, size, "larger than %d KiB (%jd bytes)", SRD_LAYOUT_MAX_BYTES / 1024,
			 (intmax_t)st.st_size);
		return buf;
	}
	text = malloc(SRD_LAYOUT_MAX_BYTES + 1);
	if (!text) {
		close(fd);
		return "out of memory";
	}
	/* The size may have grown since fstat: read one byte more than allowed. */
	n = read(fd, text, SRD_LAYOUT_MAX_BYTES + 1);
	close(fd);
	if (n < 0) {
		snprintf(buf, size, "cannot read: %s", strerror(errno));
		return buf;
	}
	if (n > SRD_LAYOUT_MAX_BYTES) {
		snprintf(buf, size, "larger than %d KiB", SRD_LAYOUT_MAX_BYTES / 1024);
		return buf;
	}
	text[n] = '\0';
	if (srd_layout_parse(text, (size_t)n, name, l, &err) < 0) {
		snprintf(buf, size, "%s", err.msg + strlen(name) + 2); /* without "NAME: " */
		return buf;
	}
	/* A restored backup or a cloned image holds another machine's layouts: its
	 * HPAs and slots mean nothing here. */
	if (!machine_id[0])
		return "this machine's ID is unknown, so the record cannot be told to be its own";
	if (!srd_streq(l->machine_id, machine_id)) {
		snprintf(buf, size, "recorded on another machine (machine ID %s, this is %s)",
			 l->machine_id, machine_id);
		return buf;
	}
	/* A record copied under another name would be re-created at its own start,
	 * and be overwritten by neither. */
	snprintf(want, sizeof(want), "layout-0x%" PRIx64 ".json", l->range.start);
	if (!srd_streq(name, want)) {
		snprintf(buf, size, "its start 0x%" PRIx64 " belongs in %s", l->range.start, want);
		return buf;
	}
	return NULL;
}

int srd_layout_read_machine_id(const char *path, char *ret, size_t size)
{
	char buf[64];
	int r;

	*ret = '\0';
	r = srd_read_line(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (!machine_id_valid(buf) || size < 33)
		return -EBADMSG;
	snprintf(ret, size, "%s", buf);
	return 0;
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
		return srd_error_set(err, -EFBIG, "%s: larger than %d bytes", origin,
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

int srd_layout_store_load(const char *dir, const char *machine_id, struct srd_layout **ret,
			  size_t *ret_n, char **ret_errors)
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
		char why_buf[256];
		const char *why;
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, "layout-", 7) != 0 || len < 12 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (srd_grow((void **)&v, n, sizeof(*v)) < 0) {
			r = -ENOMEM;
			break;
		}
		why = load_one(dirfd(d), de->d_name, machine_id, &v[n], why_buf, sizeof(why_buf));
		if (why)
			fprintf(ef, "%s/%s: %s\n", dir, de->d_name, why);
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
	char path[4096];
	struct json_object *o;
	const char *text;
	size_t len;
	_cleanup_free_ char *copy = NULL;
	int r;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/layout-0x%" PRIx64 ".json", dir, l->range.start);
	o = srd_layout_to_json(l);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	len = strlen(text);
	copy = malloc(len + 2);
	if (copy) {
		memcpy(copy, text, len);
		copy[len] = '\n';
	}
	json_object_put(o);
	if (!copy)
		return -ENOMEM;
	r = srd_atomic_write_file(path, copy, len + 1, 0644);
	return r;
}
