// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * create-region: builds a recorded region layout again on its HPA, part of
 * the executor (every store goes through srd_apply_write()).  The sequence
 * is the kernel's region ABI: create_ram_region on the window's root
 * decoder, interleave, one endpoint decoder per position (mode, DPA size),
 * the region size (which allocates the HPA: checked against the recorded
 * start before anything is committed), the targets, commit, and the
 * cxl_region bind.  libcxl is not used for this: the distribution's version
 * cannot create ram regions.  A failure part-way takes down what was built,
 * so the window is left as it was; so does the next srd when this one is
 * killed part-way, from the note the action leaves in the state directory
 * while it builds (srd_apply_create_cleanup()).
 */
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "apply-internal.h"
#include "atomic-file.h"
#include "read.h"

#define SYS_CXL "/sys/bus/cxl/devices"

static bool read_u64_at(const char *dir, const char *attr, uint64_t *ret)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	return srd_read_line(path, buf, sizeof(buf)) == 0 && srd_parse_u64(buf, ret) == 0;
}

/* The memdev in a recorded position now: the same PCI slot, else the same name. */
static bool memdev_at(const struct srd_layout_target *t, char *ret, size_t size)
{
	DIR *d = opendir(SYS_CXL);
	struct dirent *de;
	char path[PATH_MAX], real[PATH_MAX];
	bool found = false;

	while (d && !found && (de = readdir(d))) {
		if (strncmp(de->d_name, "mem", 3) != 0)
			continue;
		const char *host = "";
		char *slash;

		snprintf(path, sizeof(path), SYS_CXL "/%s", de->d_name);
		/* mem0 -> .../0000:0d:00.0/mem0: its parent is the PCI device. */
		if (realpath(path, real) && (slash = strrchr(real, '/'))) {
			*slash = '\0';
			host = (slash = strrchr(real, '/')) ? slash + 1 : real;
		}
		if (t->host[0] ? srd_streq(host, t->host) : srd_streq(de->d_name, t->memdev)) {
			snprintf(ret, size, "%s", de->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* Decoder id k of "decoderN.k"; -1 when the name has none. */
static long decoder_index(const char *name)
{
	const char *dot = strrchr(name, '.');
	uint64_t k;

	if (!dot || srd_parse_u64(dot + 1, &k) < 0 || k > LONG_MAX)
		return -1;
	return (long)k;
}

/*
 * The lowest free decoder of memdev's endpoint port (no DPA, no region): the
 * kernel hands DPA out in decoder order and refuses a decoder while a lower
 * one has none (EBUSY, measured on 7.2).
 */
static bool free_endpoint_decoder(const char *memdev, char *ret, size_t size)
{
	DIR *d = opendir(SYS_CXL), *e;
	struct dirent *de, *dd;
	char path[PATH_MAX], uport[SRD_NAME_MAX], region[SRD_NAME_MAX];
	long best = -1;
	bool found = false;

	while (d && !found && (de = readdir(d))) {
		if (strncmp(de->d_name, "endpoint", 8) != 0)
			continue;
		snprintf(path, sizeof(path), SYS_CXL "/%s", de->d_name);
		srd_link_basename(path, "uport", uport, sizeof(uport));
		if (!srd_streq(uport, memdev) || !(e = opendir(path)))
			continue;
		while ((dd = readdir(e))) {
			char dec[PATH_MAX];
			uint64_t dpa;
			long k = decoder_index(dd->d_name);

			if (strncmp(dd->d_name, "decoder", 7) != 0 || k < 0 ||
			    (best >= 0 && k > best))
				continue;
			snprintf(dec, sizeof(dec), "%s/%s", path, dd->d_name);
			snprintf(region, sizeof(region), "%s/region", dec);
			if (read_u64_at(dec, "dpa_size", &dpa) && dpa == 0 &&
			    (srd_read_line(region, region, sizeof(region)) < 0 || !region[0])) {
				snprintf(ret, size, "%s", dd->d_name);
				best = k;
				found = true;
			}
		}
		closedir(e);
	}
	if (d)
		closedir(d);
	return found;
}

/* Stores value and reads the attribute back: -EIO when it does not read as want. */
static int write_verified(struct actx *c, const char *dir, const char *attr, const char *value,
			  uint64_t want)
{
	char path[PATH_MAX];
	uint64_t now;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	r = srd_apply_write(c, path, value);
	if (r < 0 || c->o->dry_run)
		return r;
	return read_u64_at(dir, attr, &now) && now == want ? 0 : -EIO;
}

/* Takes down a half-built region and frees its endpoint decoders' DPA. */
static void undo_partial(struct actx *c, const char *window, const char *region,
			 char decoders[][SRD_NAME_MAX], unsigned n)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_CXL "/%s/commit", region);
	srd_apply_write(c, path, "0");
	snprintf(path, sizeof(path), SYS_CXL "/%s/delete_region", window);
	srd_apply_write(c, path, region);
	for (unsigned t = 0; t < n; t++) {
		snprintf(path, sizeof(path), SYS_CXL "/%s/dpa_size", decoders[t]);
		srd_apply_write(c, path, "0");
	}
}

/* <state_dir>/create.json: the region and decoders a create-region is building. */
static void note_path(const char *state_dir, char *buf, size_t size)
{
	snprintf(buf, size, "%s/create.json", state_dir);
}

/* Notes what is about to be built (written atomically, before the first store). */
static void note_building(struct actx *c, const char *window, const char *region,
			  char decoders[][SRD_NAME_MAX], unsigned n)
{
	struct json_object *j, *a;
	char path[PATH_MAX];
	const char *text;

	if (!c->o->state_dir || c->o->dry_run)
		return;
	j = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(j, "window", json_object_new_string(window));
	json_object_object_add(j, "region", json_object_new_string(region));
	for (unsigned t = 0; t < n; t++)
		json_object_array_add(a, json_object_new_string(decoders[t]));
	json_object_object_add(j, "decoders", a);
	note_path(c->o->state_dir, path, sizeof(path));
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	/* Without the note, a crash mid-build leaves the region to the
	 * administrator, as it would have without this record. */
	if (text)
		(void)srd_atomic_write_file(path, text, strlen(text), 0644);
	json_object_put(j);
}

static void note_done(struct actx *c)
{
	char path[PATH_MAX];

	if (!c->o->state_dir || c->o->dry_run)
		return;
	note_path(c->o->state_dir, path, sizeof(path));
	unlink(path);
}

/* A name from the note, checked before it goes into a path. */
static bool note_name(struct json_object *o, const char *prefix, char *ret, size_t size)
{
	const char *v = json_object_get_string(o);

	if (!v || strncmp(v, prefix, strlen(prefix)) != 0 || strchr(v, '/') || strlen(v) >= size)
		return false;
	snprintf(ret, size, "%s", v);
	return true;
}

int srd_apply_create_cleanup(const struct srd_apply_opts *o, char *what, size_t size)
{
	char path[PATH_MAX], window[SRD_NAME_MAX], region[SRD_NAME_MAX],
	    decoders[SRD_MAX_WAYS][SRD_NAME_MAX];
	struct srd_step st = {};
	struct actx c = {.o = o, .step = &st};
	struct json_object *j, *w, *r, *a;
	unsigned n = 0;
	uint64_t committed = 0, dpa;
	int k = 0;

	if (!o->state_dir)
		return 0;
	note_path(o->state_dir, path, sizeof(path));
	j = json_object_from_file(path);
	if (!j)
		return 0;
	if (!json_object_object_get_ex(j, "window", &w) ||
	    !note_name(w, "decoder", window, sizeof(window)) ||
	    !json_object_object_get_ex(j, "region", &r) ||
	    !note_name(r, "region", region, sizeof(region)) ||
	    !json_object_object_get_ex(j, "decoders", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		snprintf(what, size, "%s: not a create-region note, ignored", path);
		k = -EBADMSG;
	}
	for (size_t i = 0; k == 0 && i < json_object_array_length(a) && n < SRD_MAX_WAYS; i++)
		if (note_name(json_object_array_get_idx(a, i), "decoder", decoders[n],
			      sizeof(decoders[n])))
			n++;
	json_object_put(j);
	if (k < 0) {
		unlink(path);
		return k;
	}
	snprintf(path, sizeof(path), SYS_CXL "/%s", region);
	if (access(path, F_OK) == 0 && !read_u64_at(path, "commit", &committed)) {
		/* What it is cannot be told: nothing is taken down, the note stays
		 * for the next start. */
		snprintf(what, size, "%s: its commit state does not read; left alone", region);
		return -EIO;
	}
	if (access(path, F_OK) == 0 && committed) {
		/* The commit went through: a region on the HPA, for the policy to enable. */
		snprintf(what, size, "%s was committed before srd stopped; left for the policy",
			 region);
	} else {
		if (access(path, F_OK) == 0) {
			snprintf(path, sizeof(path), SYS_CXL "/%s/commit", region);
			srd_apply_write(&c, path, "0");
			snprintf(path, sizeof(path), SYS_CXL "/%s/delete_region", window);
			k = srd_apply_write(&c, path, region);
			snprintf(path, sizeof(path), SYS_CXL "/%s", region);
			if (k == 0 && access(path, F_OK) == 0)
				k = -EIO; /* the store returned, the region is still there */
		}
		/* The DPA it gave endpoint decoders that no region holds now. */
		for (unsigned t = 0; t < n; t++) {
			char dec[PATH_MAX], in[SRD_NAME_MAX] = "";

			snprintf(dec, sizeof(dec), SYS_CXL "/%s", decoders[t]);
			snprintf(path, sizeof(path), "%s/region", dec);
			/* Only DPA that is known to be in no region. */
			if (!read_u64_at(dec, "dpa_size", &dpa) || dpa == 0 ||
			    srd_read_line(path, in, sizeof(in)) != 0 || in[0])
				continue;
			snprintf(path, sizeof(path), "%s/dpa_size", dec);
			if (srd_apply_write(&c, path, "0") < 0 && k == 0)
				k = -EIO;
		}
		snprintf(what, size, "took down %s, which a create-region cut short left on %s%s",
			 region, window, k < 0 ? " (not all of it)" : "");
	}
	note_path(o->state_dir, path, sizeof(path));
	unlink(path);
	return k < 0 ? k : 1;
}

enum srd_step_result srd_apply_create_region(struct actx *c, const struct srd_action *a)
{
	const struct srd_layout *l;
	char region[SRD_NAME_MAX] = "", decoders[SRD_MAX_WAYS][SRD_NAME_MAX] = {};
	char path[PATH_MAX], dir[PATH_MAX], v[64], b[SRD_RANGE_FMT_MAX];
	uint64_t start = 0, per_device;
	unsigned n_dec = 0;
	int r = 0;

	if (a->layout < 0 || (size_t)a->layout >= c->o->n_layouts) {
		c->step->error = -EINVAL;
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "create-region without a recorded layout");
	}
	l = &c->o->layouts[a->layout];
	srd_range_format(&l->range, b, sizeof(b));
	/* The plan checked these; the names go into paths, so check again here. */
	if (srd_layout_check(l)) {
		c->step->error = -EINVAL;
		return srd_apply_say(c, SRD_STEP_REFUSED, "layout of %s refused: %s", b,
				     srd_layout_check(l));
	}
	if (!srd_streq(l->mode, "ram")) {
		c->step->error = -EOPNOTSUPP;
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "%s was a %s region: only ram regions are re-created", b,
				     l->mode[0] ? l->mode : "modeless");
	}
	per_device = srd_range_size(&l->range) / l->n_targets;
	snprintf(dir, sizeof(dir), SYS_CXL "/%s", l->window);
	if (access(dir, F_OK) < 0)
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: no such window", l->window);
	/* The region name the kernel offers next, as cxl create-region reads it. */
	snprintf(path, sizeof(path), "%s/create_ram_region", dir);
	r = srd_read_line(path, region, sizeof(region));
	if (r < 0 || !region[0])
		return srd_apply_fail(c, r < 0 ? r : -EIO, "create_ram_region");
	for (unsigned t = 0; t < l->n_targets; t++) {
		char memdev[SRD_NAME_MAX];

		if (!memdev_at(&l->targets[t], memdev, sizeof(memdev)))
			return srd_apply_say(c, SRD_STEP_REFUSED, "no memdev at position %u (%s)",
					     t, l->targets[t].host);
		if (!free_endpoint_decoder(memdev, decoders[t], sizeof(decoders[t])))
			return srd_apply_say(c, SRD_STEP_REFUSED, "%s has no free endpoint decoder",
					     memdev);
	}
	note_building(c, l->window, region, decoders, l->n_targets);
	r = srd_apply_write(c, path, region);
	if (r < 0) {
		note_done(c);
		return srd_apply_fail(c, r, "create_ram_region");
	}
	snprintf(dir, sizeof(dir), SYS_CXL "/%s", region);
	snprintf(path, sizeof(path), "%s/interleave_granularity", dir);
	snprintf(v, sizeof(v), "%" PRIu64, l->granularity);
	r = srd_apply_write(c, path, v);
	snprintf(path, sizeof(path), "%s/interleave_ways", dir);
	snprintf(v, sizeof(v), "%u", l->ways);
	if (r >= 0)
		r = srd_apply_write(c, path, v);
	for (unsigned t = 0; r >= 0 && t < l->n_targets; t++, n_dec++) {
		char dec[PATH_MAX];

		snprintf(path, sizeof(path), SYS_CXL "/%s/mode", decoders[t]);
		r = srd_apply_write(c, path, "ram");
		snprintf(dec, sizeof(dec), SYS_CXL "/%s", decoders[t]);
		snprintf(v, sizeof(v), "0x%" PRIx64, per_device);
		if (r >= 0)
			r = write_verified(c, dec, "dpa_size", v, per_device);
	}
	snprintf(path, sizeof(path), "%s/size", dir);
	snprintf(v, sizeof(v), "0x%" PRIx64, srd_range_size(&l->range));
	if (r >= 0)
		r = srd_apply_write(c, path, v);
	/* The HPA is the kernel's choice: only the recorded one will do. */
	if (r >= 0 && !c->o->dry_run &&
	    (!read_u64_at(dir, "resource", &start) || start != l->range.start)) {
		undo_partial(c, l->window, region, decoders, n_dec);
		note_done(c);
		return srd_apply_say(c, SRD_STEP_FAILED,
				     "the kernel placed %s at 0x%" PRIx64 ", not at %s; taken down",
				     region, start, b);
	}
	for (unsigned t = 0; r >= 0 && t < l->n_targets; t++) {
		snprintf(path, sizeof(path), "%s/target%u", dir, t);
		r = srd_apply_write(c, path, decoders[t]);
	}
	if (r >= 0)
		r = write_verified(c, dir, "commit", "1", 1);
	if (r >= 0)
		r = srd_apply_write(c, "/sys/bus/cxl/drivers/cxl_region/bind", region);
	snprintf(path, sizeof(path), "%s/driver", dir);
	if (r >= 0 && !c->o->dry_run && access(path, F_OK) < 0)
		r = -ENXIO; /* built, but the region driver did not bind */
	if (r < 0) {
		int err = r;

		undo_partial(c, l->window, region, decoders, n_dec);
		note_done(c);
		c->step->error = err;
		return srd_apply_say(c, SRD_STEP_FAILED, "re-creating %s on %s: %s; taken down",
				     region, b, strerror(-err));
	}
	note_done(c);
	if (c->o->dry_run)
		return srd_apply_say(c, SRD_STEP_DONE, "%s re-created on %s (dry run)", region, b);
	return srd_apply_say(c, SRD_STEP_DONE, "%s re-created on %s and enabled", region, b);
}
