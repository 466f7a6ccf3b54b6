// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor's region actions: release (unbind from the region driver,
 * decoders stay committed), destroy (also commit=0 and delete_region, the
 * HPA returns) and enable (bind, or re-probe a ram region that lost its dax
 * region to dax_hmem), with their undos.  srd makes these stores itself where
 * libcxl would, so each one is journaled and shown by a dry run.  A region is
 * acted on only while its HPA still meets the range the action serves: the
 * kernel reuses region names.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply-internal.h"

/* The region's directory, checked to still be the region srd decided on:
 * its HPA meets the range the action serves.  0, or a step result != DONE. */
static enum srd_step_result region_identity(struct actx *c, const struct srd_action *a, char *dir,
					    size_t size, bool *ret_gone)
{
	char path[PATH_MAX];
	uint64_t start, len;
	struct srd_range r;

	*ret_gone = false;
	srd_apply_path(c, dir, size, SYS_CXL "/%s", a->target);
	if (!srd_apply_exists(dir)) {
		*ret_gone = true;
		return SRD_STEP_DONE;
	}
	snprintf(path, sizeof(path), "%s/resource", dir);
	if (srd_apply_read_u64(path, &start) < 0)
		return srd_apply_say(c, SRD_STEP_REFUSED, "%s: unreadable", path);
	snprintf(path, sizeof(path), "%s/size", dir);
	if (srd_apply_read_u64(path, &len) < 0 || srd_range_from_size(start, len, &r) < 0)
		return srd_apply_say(c, SRD_STEP_REFUSED, "%s: unreadable", path);
	if (!srd_range_intersects(&r, &a->range))
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "%s is now at another HPA: not the region srd decided on",
				     a->target);
	return SRD_STEP_DONE;
}

static int region_committed(const char *dir, bool *ret)
{
	char path[PATH_MAX];
	uint64_t v;
	int r;

	snprintf(path, sizeof(path), "%s/commit", dir);
	r = srd_apply_read_u64(path, &v);
	if (r >= 0 && v > 1)
		r = -EBADMSG;
	*ret = v == 1;
	return r;
}

/* The region driver of a mode: cxl_region for ram, cxl_pmem_region for pmem. */
static const char *region_driver(const char *dir)
{
	char path[PATH_MAX], mode[16] = "";

	snprintf(path, sizeof(path), "%s/mode", dir);
	srd_apply_read(path, mode, sizeof(mode));
	return srd_streq(mode, "pmem") ? "cxl_pmem_region" : "cxl_region";
}

static int has_dax_cb(struct actx *c, const char *dax, void *ud)
{
	return 1;
}

static bool region_has_dax(struct actx *c, const char *name)
{
	return srd_apply_each_dax(c, name, has_dax_cb, NULL) > 0;
}

static enum srd_step_result region_unbind(struct actx *c, const char *dir, const char *name)
{
	char drv[SRD_NAME_MAX], who[320];
	enum srd_step_result res;
	int k;

	srd_apply_driver(dir, drv, sizeof(drv));
	if (!drv[0])
		return SRD_STEP_ALREADY;
	res = srd_apply_refuse_busy(c, name, name);
	if (res != SRD_STEP_DONE)
		return res;
	k = srd_apply_mounted_below(c, dir, who, sizeof(who));
	if (k != 0) {
		c->step->error = k < 0 ? k : -EBUSY;
		return srd_apply_say(c, SRD_STEP_REFUSED, "%s: %s", name,
				     k < 0 ? strerror(-k) : who);
	}
	return srd_apply_driver_op(c, "cxl", drv, false, dir, name);
}

/* Release's and destroy's start: the region srd decided on, unbound from its
 * driver.  DONE or ALREADY go on; *ret_gone when there is no region left. */
static enum srd_step_result region_let_go(struct actx *c, const struct srd_action *a, char *dir,
					  size_t size, bool *ret_gone)
{
	enum srd_step_result res = region_identity(c, a, dir, size, ret_gone);

	if (res != SRD_STEP_DONE)
		return res;
	if (*ret_gone)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is gone", a->target);
	return region_unbind(c, dir, a->target);
}

enum srd_step_result srd_apply_release_region(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX];
	enum srd_step_result res;
	bool gone, committed;

	res = region_let_go(c, a, dir, sizeof(dir), &gone);
	if ((res != SRD_STEP_DONE && res != SRD_STEP_ALREADY) || gone)
		return res;
	if (!c->o->dry_run && (region_committed(dir, &committed) < 0 || !committed))
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: decoders reset while releasing",
				     a->target);
	return srd_apply_say(c, res, "%s released, decoders still committed", a->target);
}

enum srd_step_result srd_apply_destroy_region(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX], path[PATH_MAX], link[PATH_MAX], real[PATH_MAX], *s;
	enum srd_step_result res;
	bool gone, committed;
	int r;

	res = region_let_go(c, a, dir, sizeof(dir), &gone);
	if ((res != SRD_STEP_DONE && res != SRD_STEP_ALREADY) || gone)
		return res;
	/* The root decoder is the region's parent directory. */
	snprintf(link, sizeof(link), "%s", dir);
	if (!realpath(link, real) || !(s = strrchr(real, '/')))
		return srd_apply_fail(c, -errno ?: -ENOENT, dir);
	*s = '\0';
	snprintf(path, sizeof(path), "%s/commit", dir);
	r = srd_apply_write(c, path, "0");
	if (r == 0 && !c->o->dry_run && (region_committed(dir, &committed) < 0 || committed))
		r = -EBUSY;
	if (r < 0)
		return srd_apply_fail(c, r, path);
	snprintf(path, sizeof(path), "%s/delete_region", real);
	r = srd_apply_write(c, path, a->target);
	if (r == 0 && !c->o->dry_run && srd_apply_exists(dir))
		r = -EBUSY;
	if (r < 0)
		return srd_apply_fail(c, r, path);
	return srd_apply_say(c, SRD_STEP_DONE, "%s de-committed and deleted; its HPA is free%s",
			     a->target, c->o->dry_run ? " (dry run)" : "");
}

enum srd_step_result srd_apply_enable_region(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX], path[PATH_MAX], mode[16] = "", drv[SRD_NAME_MAX];
	enum srd_step_result res;
	bool gone, committed, reprobe;

	res = region_identity(c, a, dir, sizeof(dir), &gone);
	if (res != SRD_STEP_DONE)
		return res;
	if (gone)
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: no such region", a->target);
	if (region_committed(dir, &committed) < 0 || !committed)
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "%s is not committed: no decoder behind it", a->target);
	snprintf(path, sizeof(path), "%s/mode", dir);
	srd_apply_read(path, mode, sizeof(mode));
	srd_apply_driver(dir, drv, sizeof(drv));
	/* An enabled ram region without a dax device lost it to dax_hmem's claim:
	 * re-probe it now that dax_hmem let go. */
	reprobe = drv[0] && srd_streq(mode, "ram") && !region_has_dax(c, a->target);
	if (drv[0] && !reprobe)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is enabled", a->target);
	if (reprobe) {
		res = srd_apply_driver_op(c, "cxl", drv, false, dir, a->target);
		if (res != SRD_STEP_DONE)
			return res;
	}
	res = srd_apply_driver_op(c, "cxl", region_driver(dir), true, dir, a->target);
	if (res != SRD_STEP_DONE || c->o->dry_run)
		return res;
	c->step->was_enabled = reprobe;
	/* dax_cxl adds the dax device from its own probe, which may finish a
	 * moment after the bind returns (seen on 7.2 under load). */
	for (int i = 0; srd_streq(mode, "ram") && !region_has_dax(c, a->target) && i < 50; i++)
		usleep(100000);
	if (srd_streq(mode, "ram") && !region_has_dax(c, a->target))
		return srd_apply_say(c, SRD_STEP_FAILED,
				     "%s %s, but dax_cxl created no dax device within 5 s",
				     a->target, reprobe ? "re-probed" : "enabled");
	return srd_apply_say(c, SRD_STEP_DONE, "%s %s", a->target,
			     reprobe ? "re-probed; dax region created" : "enabled");
}

/* The region whose HPA meets r now, whatever its name: 1 (name in ret), 0, or -errno. */
static int region_at(struct actx *c, const struct srd_range *r, char *ret, size_t size)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(srd_apply_path(c, dir, sizeof(dir), SYS_CXL));
	int found = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX];
		uint64_t start, len;
		struct srd_range g;

		if (strncmp(de->d_name, "region", 6) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/resource", dir, de->d_name);
		if (srd_apply_read_u64(path, &start) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/size", dir, de->d_name);
		if (srd_apply_read_u64(path, &len) < 0 || srd_range_from_size(start, len, &g) < 0 ||
		    !srd_range_intersects(&g, r))
			continue;
		snprintf(ret, size, "%s", de->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

enum srd_step_result srd_apply_undo_release_region(struct actx *c, const struct srd_action *a)
{
	struct srd_action now = *a;
	char dir[PATH_MAX];

	/* Re-binding cxl_acpi (the undo before this one) re-assembles a locked
	 * region under the kernel's next name: the region is the one on the HPA. */
	srd_apply_path(c, dir, sizeof(dir), SYS_CXL "/%s", a->target);
	if (!srd_apply_exists(dir) && region_at(c, &a->range, now.target, sizeof(now.target)) <= 0)
		return srd_apply_say(c, SRD_STEP_FAILED, "%s is gone and no region is on its HPA",
				     a->target);
	return srd_apply_enable_region(c, &now);
}

enum srd_step_result srd_apply_undo_enable_region(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX];
	bool gone;

	/* A re-probe's inverse is the region enabled, as it is. */
	if (c->step->was_enabled)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s stays enabled (it was before)",
				     a->target);
	if (region_identity(c, a, dir, sizeof(dir), &gone) != SRD_STEP_DONE || gone)
		return srd_apply_say(c, SRD_STEP_FAILED, "%s cannot be found to disable",
				     a->target);
	return region_unbind(c, dir, a->target);
}
