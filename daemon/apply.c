// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor, and the only module of srd that writes to sysfs.
 *
 * Each abstract action of a plan becomes a short sequence of stores.  Every
 * store goes through srd_apply_write(), which in a dry run prints "write PATH
 * VALUE" instead; every action re-reads the state after writing and fails
 * when the write did not take; every action first checks whether the state
 * already matches (so a second run of the same plan writes nothing) and
 * whether its interlocks hold (memory that is online is never pulled out from
 * under its owner).  A progress record under the state directory survives a
 * crash: the next start reports what was left and converges from a fresh
 * inventory.
 *
 * Re-creating a region from a recorded layout is in apply-create.c.
 *
 * libcxl carries out the region steps (cxl_region_enable/_disable,
 * cxl_region_decode_reset, cxl_region_delete: each re-reads and verifies).
 * The rest is written here because no library covers it: hmem, hmem_platform
 * and cxl_acpi binding; dax driver binds, done as daxctl does them (new_id,
 * then bind) but without libdaxctl's module loading, since srd only binds
 * drivers the kernel already registered and must never load modules behind
 * the administrator's back; memory block state, written per block so each
 * block is verified and the dry run can show every store.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cxl/libcxl.h>
#include <json-c/json.h>

#include "apply-internal.h"

#define SYS_CXL "/sys/bus/cxl/devices"
#define SYS_DAX "/sys/bus/dax/devices"
#define SYS_PLATFORM "/sys/bus/platform/devices"
#define SYS_MEMORY "/sys/devices/system/memory"

static const char *const step_names[] = { "done", "already", "refused", "failed", "skipped" };

const char *srd_step_result_to_string(enum srd_step_result r)
{
	return r <= SRD_STEP_SKIPPED ? step_names[r] : NULL;
}

enum srd_step_result srd_apply_say(struct actx *c, enum srd_step_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->step->message, sizeof(c->step->message), fmt, ap);
	va_end(ap);
	return r;
}

enum srd_step_result srd_apply_fail(struct actx *c, int err, const char *what)
{
	c->step->error = err;
	return srd_apply_say(c, SRD_STEP_FAILED, "%s: %s", what, strerror(-err));
}

/* The one place srd stores to sysfs. */
int srd_apply_write(struct actx *c, const char *path, const char *value)
{
	size_t l = strlen(value);
	ssize_t n;
	int fd, r = 0;

	if (c->o->dry_run) {
		if (c->o->out)
			fprintf(c->o->out, "write %s %s\n", path, value);
		return 0;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, l);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != l)
		r = -EIO;
	close(fd);
	if (c->o->on_write)
		c->o->on_write(c->o->userdata, path, value, r);
	return r;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Basename of dev's driver link, "" when unbound. */
static void driver_of(const char *devdir, char *buf, size_t size)
{
	srd_link_basename(devdir, "driver", buf, size);
}

static bool read_u64(const char *path, uint64_t *ret)
{
	char buf[64];

	return srd_read_line(path, buf, sizeof(buf)) == 0 && srd_parse_u64(buf, ret) == 0;
}

static bool dax_range(const char *name, struct srd_range *ret)
{
	char path[PATH_MAX];
	uint64_t start, size;

	snprintf(path, sizeof(path), SYS_DAX "/%s/resource", name);
	if (!read_u64(path, &start))
		return false;
	snprintf(path, sizeof(path), SYS_DAX "/%s/size", name);
	if (!read_u64(path, &size))
		return false;
	return srd_range_from_size(start, size, ret) == 0;
}

/* The memory block size; 0 when unknown. */
static uint64_t block_bytes(void)
{
	char buf[64];
	uint64_t v;

	if (srd_read_line(SYS_MEMORY "/block_size_bytes", buf, sizeof(buf)) < 0 ||
	    srd_parse_block_size_bytes(buf, &v) < 0)
		return 0;
	return v;
}

typedef bool (*block_fn)(struct actx *c, const char *state_path, const char *state, void *userdata);

/* Calls fn for every memory block inside r; stops when fn returns false. */
static bool each_block(struct actx *c, const struct srd_range *r, block_fn fn, void *userdata)
{
	uint64_t bs = block_bytes();

	if (!bs)
		return true;
	for (uint64_t i = r->start / bs; i <= r->end / bs; i++) {
		char path[PATH_MAX], state[32];

		snprintf(path, sizeof(path), SYS_MEMORY "/memory%llu/state", (unsigned long long)i);
		if (srd_read_line(path, state, sizeof(state)) < 0)
			continue;
		if (!fn(c, path, state, userdata))
			return false;
		if (i == UINT64_MAX / bs)
			break;
	}
	return true;
}

static bool find_online(struct actx *c, const char *path, const char *state, void *userdata)
{
	if (strncmp(state, "online", 6) != 0)
		return true;
	*(bool *)userdata = true;
	return false;
}

static bool range_online(struct actx *c, const struct srd_range *r)
{
	bool online = false;

	each_block(c, r, find_online, &online);
	return online;
}

/* Calls fn(name, real path) for every dax device until it returns true;
 * returns whether one did. */
static bool find_dax(bool (*fn)(const char *name, char *real, void *userdata), void *userdata)
{
	DIR *d = opendir(SYS_DAX);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char link[PATH_MAX], real[PATH_MAX];

		if (strncmp(de->d_name, "dax", 3) != 0)
			continue;
		snprintf(link, sizeof(link), SYS_DAX "/%s", de->d_name);
		if (realpath(link, real))
			found = fn(de->d_name, real, userdata);
	}
	closedir(d);
	return found;
}

struct online_under {
	struct actx *c;
	const char *dir;
	char *name;
	size_t size;
};

static bool is_online_under(const char *name, char *real, void *userdata)
{
	struct online_under *a = userdata;
	struct srd_range r;

	if (!strstr(real, a->dir) || !dax_range(name, &r) || !range_online(a->c, &r))
		return false;
	snprintf(a->name, a->size, "%s", name);
	return true;
}

/* Is any dax device below dir (an hmem.N or a region) holding online memory?
 * Names the first in *ret_name. */
static bool dax_online_under(struct actx *c, const char *dir, char *ret_name, size_t size)
{
	struct online_under a = { .c = c, .dir = dir, .name = ret_name, .size = size };

	return find_dax(is_online_under, &a);
}

struct offline_arg {
	int error;
	char path[PATH_MAX];
	char (*done)[PATH_MAX]; /* blocks this action took offline, to undo a partial offline */
	size_t n_done;
};

static bool offline_block(struct actx *c, const char *path, const char *state, void *userdata)
{
	struct offline_arg *a = userdata;
	char now[32];
	int r;

	if (strcmp(state, "offline") == 0)
		return true;
	r = srd_apply_write(c, path, "offline");
	if (r == 0 && !c->o->dry_run && (srd_read_line(path, now, sizeof(now)) < 0 || strcmp(now, "offline") != 0))
		r = -EIO; /* the store returned but the block stayed online */
	if (r < 0) {
		a->error = r;
		snprintf(a->path, sizeof(a->path), "%s", path);
		return false;
	}
	if (srd_grow((void **)&a->done, a->n_done, sizeof(*a->done)) == 0)
		snprintf(a->done[a->n_done++], PATH_MAX, "%s", path);
	return true;
}

static bool block_movable(const struct srd_range *r)
{
	uint64_t bs = block_bytes();
	char path[PATH_MAX], zones[64];

	if (!bs)
		return true;
	snprintf(path, sizeof(path), SYS_MEMORY "/memory%llu/valid_zones", (unsigned long long)(r->start / bs));
	return srd_read_line(path, zones, sizeof(zones)) < 0 || strncmp(zones, "Movable", 7) == 0;
}

static enum srd_step_result do_offline(struct actx *c, const char *name)
{
	struct offline_arg a = {};
	struct srd_range r;

	if (!dax_range(name, &r))
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: no such dax device or unreadable resource", name);
	c->step->was_movable = block_movable(&r);
	if (!range_online(c, &r))
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s: memory already offline", name);
	if (!c->o->allow_offline)
		return srd_apply_say(c, SRD_STEP_REFUSED, "%s: memory is online and AllowOffline=no", name);
	if (!each_block(c, &r, offline_block, &a)) {
		/* Put back what this action took offline: all or nothing. */
		for (size_t i = a.n_done; i-- > 0;)
			srd_apply_write(c, a.done[i], c->step->was_movable ? "online_movable" : "online_kernel");
		free(a.done);
		return srd_apply_fail(c, a.error, a.path);
	}
	free(a.done);
	return srd_apply_say(c, SRD_STEP_DONE, "%s: memory offline", name);
}

/* Writes value to a driver's bind or unbind and checks devdir's driver link. */
static enum srd_step_result driver_op(struct actx *c, const char *bus, const char *drv, bool bind,
				      const char *devdir, const char *devname)
{
	char path[PATH_MAX], now[SRD_NAME_MAX];
	int r;

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/%s", bus, drv, bind ? "bind" : "unbind");
	r = srd_apply_write(c, path, devname);
	if (r < 0)
		return srd_apply_fail(c, r, path);
	if (c->o->dry_run)
		return srd_apply_say(c, SRD_STEP_DONE, "%s %s %s (dry run)", bind ? "bind" : "unbind", devname, drv);
	driver_of(devdir, now, sizeof(now));
	if (bind != srd_streq(now, drv))
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: %s to %s did not take (driver now '%s')", devname,
			   bind ? "bind" : "unbind", drv, now);
	return srd_apply_say(c, SRD_STEP_DONE, "%s %s %s", devname, bind ? "bound to" : "unbound from", drv);
}

static enum srd_step_result do_release_hmem(struct actx *c, const char *name)
{
	char dir[PATH_MAX], drv[SRD_NAME_MAX], on[SRD_NAME_MAX];

	snprintf(dir, sizeof(dir), SYS_PLATFORM "/%s", name);
	if (!exists(dir))
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is gone", name);
	driver_of(dir, drv, sizeof(drv));
	if (!drv[0])
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is not bound", name);
	if (dax_online_under(c, name, on, sizeof(on)))
		return srd_apply_say(c, SRD_STEP_REFUSED, "%s: memory of %s is online", name, on);
	return driver_op(c, "platform", drv, false, dir, name);
}

/* Binds a dax device to drv the way daxctl does: new_id, then bind if needed. */
static enum srd_step_result dax_bind(struct actx *c, const char *name, const char *drv)
{
	char dir[PATH_MAX], path[PATH_MAX], now[SRD_NAME_MAX];
	int r;

	snprintf(dir, sizeof(dir), SYS_DAX "/%s", name);
	snprintf(path, sizeof(path), "/sys/bus/dax/drivers/%s/new_id", drv);
	r = srd_apply_write(c, path, name);
	if (r < 0 && r != -EEXIST)
		return srd_apply_fail(c, r, path);
	driver_of(dir, now, sizeof(now));
	if (!c->o->dry_run && srd_streq(now, drv))
		return srd_apply_say(c, SRD_STEP_DONE, "%s bound to %s", name, drv);
	return driver_op(c, "dax", drv, true, dir, name);
}

struct hmem_dev {
	char dax[SRD_NAME_MAX];
	char hmem[SRD_NAME_MAX];
	struct srd_range range;
};

struct hmem_query {
	const struct srd_range *r;
	struct hmem_dev *ret;
};

static bool is_hmem_dax_for(const char *name, char *real, void *userdata)
{
	struct hmem_query *q = userdata;
	char *p = strrchr(real, '/'), *s;

	if (!p)
		return false;
	*p = '\0'; /* the parent: hmem.N for dax_hmem's devices */
	s = strrchr(real, '/');
	if (!s || strncmp(s + 1, "hmem.", 5) != 0 || !dax_range(name, &q->ret->range) ||
	    !srd_range_contains(&q->ret->range, q->r))
		return false;
	snprintf(q->ret->dax, sizeof(q->ret->dax), "%s", name);
	snprintf(q->ret->hmem, sizeof(q->ret->hmem), "%s", s + 1);
	return true;
}

/* An hmem dax device covering r, found on the live system. */
static bool find_hmem_dax(const struct srd_range *r, struct hmem_dev *ret)
{
	struct hmem_query q = { .r = r, .ret = ret };

	return find_dax(is_hmem_dax_for, &q);
}

static enum srd_step_result do_claim_hmem(struct actx *c, const char *target, const struct srd_range *r)
{
	char dir[PATH_MAX], drv[SRD_NAME_MAX], on[SRD_NAME_MAX], b[SRD_RANGE_FMT_MAX];
	struct hmem_dev h;
	enum srd_step_result res = SRD_STEP_ALREADY;

	if (strncmp(target, "hmem.", 5) == 0) {
		snprintf(dir, sizeof(dir), SYS_PLATFORM "/%s", target);
		if (!exists(dir))
			return srd_apply_say(c, SRD_STEP_FAILED, "%s is gone", target);
		driver_of(dir, drv, sizeof(drv));
		if (!drv[0]) {
			res = driver_op(c, "platform", "hmem", true, dir, target);
			if (res != SRD_STEP_DONE)
				return res;
		}
	} else if (!find_hmem_dax(r, &h)) {
		/* No hmem device for it: make dax_hmem walk Soft Reserved again.  That
		 * drops and re-creates every hmem device, so none may hold online memory. */
		if (dax_online_under(c, "/hmem.", on, sizeof(on)))
			return srd_apply_say(c, SRD_STEP_REFUSED,
				   "re-probing hmem_platform would take away %s, whose memory is online", on);
		snprintf(dir, sizeof(dir), SYS_PLATFORM "/hmem_platform.0");
		driver_of(dir, drv, sizeof(drv));
		if (drv[0]) {
			res = driver_op(c, "platform", "hmem_platform", false, dir, "hmem_platform.0");
			if (res != SRD_STEP_DONE)
				return res;
		}
		res = driver_op(c, "platform", "hmem_platform", true, dir, "hmem_platform.0");
		if (res == SRD_STEP_FAILED && !c->o->dry_run) {
			/* Without hmem_platform every hmem device is gone: try once more
			 * before giving up, since that bind is also the undo. */
			res = driver_op(c, "platform", "hmem_platform", true, dir, "hmem_platform.0");
			if (res == SRD_STEP_DONE)
				c->step->error = 0;
		}
		if (res != SRD_STEP_DONE || c->o->dry_run)
			return res;
	}
	if (c->o->dry_run)
		return srd_apply_say(c, res, "%s (dry run)", target);
	if (!find_hmem_dax(r, &h))
		return srd_apply_say(c, SRD_STEP_FAILED,
			   "dax_hmem did not register %s (this kernel defers it, or its dax region failed)",
			   srd_range_format(r, b, sizeof(b)));
	snprintf(dir, sizeof(dir), SYS_DAX "/%s", h.dax);
	driver_of(dir, drv, sizeof(drv));
	if (!drv[0]) /* no driver (kmem failed before): serve it as devdax; configure-dax follows */
		return dax_bind(c, h.dax, "device_dax");
	if (res == SRD_STEP_ALREADY)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s already serves %s through %s", h.hmem,
			   srd_range_format(r, b, sizeof(b)), h.dax);
	return srd_apply_say(c, SRD_STEP_DONE, "%s serves %s through %s", h.hmem, srd_range_format(r, b, sizeof(b)), h.dax);
}

/* ---- regions, through libcxl ---- */

static void cxl_unrefp(struct cxl_ctx **p)
{
	if (*p)
		cxl_unref(*p);
}

static struct cxl_region *find_region(struct cxl_ctx *ctx, const char *name)
{
	struct cxl_bus *bus;

	cxl_bus_foreach(ctx, bus) {
		struct cxl_decoder *dec;

		cxl_decoder_foreach(cxl_bus_get_port(bus), dec) {
			struct cxl_region *r;

			cxl_region_foreach(dec, r)
				if (srd_streq(cxl_region_get_devname(r), name))
					return r;
		}
	}
	return NULL;
}

static bool is_below(const char *name, char *real, void *userdata)
{
	return strstr(real, userdata) != NULL;
}

/* A dax device below the region's dax_regionN: the region serves memory. */
static bool region_has_dax(const char *name)
{
	char needle[SRD_NAME_MAX + 2];

	snprintf(needle, sizeof(needle), "/%s/", name);
	return find_dax(is_below, needle);
}

static enum srd_step_result do_region(struct actx *c, enum srd_action_kind kind, const char *name)
{
	_cleanup_(cxl_unrefp) struct cxl_ctx *ctx = NULL;
	struct cxl_region *reg;
	char on[SRD_NAME_MAX], mode[16] = "", path[PATH_MAX];
	bool enabled;
	int r;

	r = cxl_new(&ctx);
	if (r < 0)
		return srd_apply_fail(c, r, "libcxl");
	cxl_set_log_priority(ctx, 0);
	reg = find_region(ctx, name);
	if (!reg)
		return kind == SRD_ACTION_DESTROY_REGION || kind == SRD_ACTION_RELEASE_REGION
			       ? srd_apply_say(c, SRD_STEP_ALREADY, "%s is gone", name)
			       : srd_apply_say(c, SRD_STEP_FAILED, "%s: no such region", name);
	enabled = cxl_region_is_enabled(reg);
	snprintf(path, sizeof(path), SYS_CXL "/%s/mode", name);
	srd_read_line(path, mode, sizeof(mode));

	switch (kind) {
	case SRD_ACTION_RELEASE_REGION:
	case SRD_ACTION_DESTROY_REGION:
		if (enabled) {
			if (dax_online_under(c, name, on, sizeof(on)))
				return srd_apply_say(c, SRD_STEP_REFUSED, "%s: memory of %s is online", name, on);
			if (c->o->dry_run) {
				snprintf(path, sizeof(path), SYS_CXL "/%s/driver/unbind", name);
				srd_apply_write(c, path, name);
			} else {
				r = cxl_region_disable(reg);
				if (r < 0 || cxl_region_is_enabled(reg))
					return srd_apply_fail(c, r < 0 ? r : -EBUSY, "cxl_region_disable");
			}
		}
		if (kind == SRD_ACTION_RELEASE_REGION) {
			if (!c->o->dry_run && !cxl_region_decode_is_committed(reg))
				return srd_apply_say(c, SRD_STEP_FAILED, "%s: decoders reset while releasing", name);
			return srd_apply_say(c, enabled ? SRD_STEP_DONE : SRD_STEP_ALREADY,
				   "%s released, decoders still committed", name);
		}
		if (c->o->dry_run) {
			snprintf(path, sizeof(path), SYS_CXL "/%s/commit", name);
			srd_apply_write(c, path, "0");
			snprintf(path, sizeof(path), SYS_CXL "/%s/delete_region",
				 cxl_decoder_get_devname(cxl_region_get_decoder(reg)));
			srd_apply_write(c, path, name);
			return srd_apply_say(c, SRD_STEP_DONE, "%s de-committed and deleted (dry run)", name);
		}
		r = cxl_region_decode_reset(reg);
		if (r < 0 || cxl_region_decode_is_committed(reg))
			return srd_apply_fail(c, r < 0 ? r : -EBUSY, "cxl_region_decode_reset");
		r = cxl_region_delete(reg);
		snprintf(path, sizeof(path), SYS_CXL "/%s", name);
		if (r < 0 || exists(path))
			return srd_apply_fail(c, r < 0 ? r : -EBUSY, "cxl_region_delete");
		return srd_apply_say(c, SRD_STEP_DONE, "%s de-committed and deleted; its HPA is free", name);
	case SRD_ACTION_ENABLE_REGION: {
		/* An enabled ram region without a dax region lost it to dax_hmem's claim:
		 * re-probe it now that dax_hmem let go. */
		bool reprobe = enabled && srd_streq(mode, "ram") && !region_has_dax(name);

		if (enabled && !reprobe)
			return srd_apply_say(c, SRD_STEP_ALREADY, "%s is enabled", name);
		if (!cxl_region_decode_is_committed(reg))
			return srd_apply_say(c, SRD_STEP_REFUSED, "%s is not committed: no decoder behind it", name);
		if (c->o->dry_run) {
			if (reprobe) {
				snprintf(path, sizeof(path), SYS_CXL "/%s/driver/unbind", name);
				srd_apply_write(c, path, name);
			}
			srd_apply_write(c, "/sys/bus/cxl/drivers/cxl_region/bind", name);
			return srd_apply_say(c, SRD_STEP_DONE, "%s %s (dry run)", name, reprobe ? "re-probed" : "enabled");
		}
		if (reprobe) {
			r = cxl_region_disable(reg);
			if (r < 0)
				return srd_apply_fail(c, r, "cxl_region_disable");
		}
		r = cxl_region_enable(reg);
		if (r < 0 || !cxl_region_is_enabled(reg))
			return srd_apply_fail(c, r < 0 ? r : -ENXIO, "cxl_region_enable");
		/* dax_cxl adds the dax device from its own probe, which may finish a
		 * moment after the bind returns (seen on 7.2 under load). */
		for (int i = 0; reprobe && !region_has_dax(name) && i < 50; i++)
			usleep(100000);
		if (reprobe && !region_has_dax(name))
			return srd_apply_say(c, SRD_STEP_FAILED, "%s re-probed, but dax_cxl created no dax device within 5 s",
				   name);
		return srd_apply_say(c, SRD_STEP_DONE, "%s %s", name, reprobe ? "re-probed; dax region created" : "enabled");
	}
	default:
		return srd_apply_say(c, SRD_STEP_FAILED, "not a region action");
	}
}

static enum srd_step_result do_unbind_cxl_acpi(struct actx *c)
{
	const char *dir = SYS_PLATFORM "/ACPI0017:00";
	char drv[SRD_NAME_MAX], on[SRD_NAME_MAX];
	DIR *d;
	struct dirent *de;

	driver_of(dir, drv, sizeof(drv));
	if (!drv[0])
		return srd_apply_say(c, SRD_STEP_ALREADY, "cxl_acpi is not bound");
	/* Every region goes with it: none may hold online memory. */
	d = opendir(SYS_CXL);
	while (d && (de = readdir(d)))
		if (strncmp(de->d_name, "region", 6) == 0 && dax_online_under(c, de->d_name, on, sizeof(on))) {
			closedir(d);
			return srd_apply_say(c, SRD_STEP_REFUSED, "unbinding cxl_acpi would remove %s with online memory (%s)",
				   de->d_name, on);
		}
	if (d)
		closedir(d);
	return driver_op(c, "platform", drv, false, dir, "ACPI0017:00");
}

struct online_arg {
	const char *value;
	int error;
	char path[PATH_MAX];
};

static bool online_block(struct actx *c, const char *path, const char *state, void *userdata)
{
	struct online_arg *a = userdata;
	char now[32];
	int r;

	if (strncmp(state, "online", 6) == 0)
		return true;
	r = srd_apply_write(c, path, a->value);
	if (r == 0 && !c->o->dry_run && (srd_read_line(path, now, sizeof(now)) < 0 || strcmp(now, "online") != 0))
		r = -EIO;
	if (r < 0) {
		a->error = r;
		snprintf(a->path, sizeof(a->path), "%s", path);
		return false;
	}
	return true;
}

static enum srd_step_result do_configure_dax(struct actx *c, const struct srd_action *a)
{
	const char *want = a->dax_mode == SRD_DAX_SYSTEM_RAM ? "kmem" : "device_dax";
	char name[SRD_NAME_MAX], dir[PATH_MAX], drv[SRD_NAME_MAX];
	enum srd_step_result res = SRD_STEP_ALREADY;
	struct srd_range r;
	struct hmem_dev h;

	if (strncmp(a->target, "dax", 3) == 0)
		snprintf(name, sizeof(name), "%s", a->target);
	else if (find_hmem_dax(&a->range, &h))
		snprintf(name, sizeof(name), "%s", h.dax);
	else if (c->o->dry_run)
		return srd_apply_say(c, SRD_STEP_DONE, "the dax device for %s appears once claimed (dry run)", a->target);
	else
		return srd_apply_say(c, SRD_STEP_FAILED, "no dax device serves %s", a->target);
	if (!dax_range(name, &r))
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: unreadable resource", name);
	snprintf(dir, sizeof(dir), SYS_DAX "/%s", name);
	driver_of(dir, drv, sizeof(drv));
	if (!srd_streq(drv, want)) {
		if (drv[0]) {
			if (range_online(c, &r)) {
				if (!c->o->allow_offline)
					return srd_apply_say(c, SRD_STEP_REFUSED, "%s: memory is online and AllowOffline=no", name);
				res = do_offline(c, name);
				if (res != SRD_STEP_DONE)
					return res;
			}
			res = driver_op(c, "dax", drv, false, dir, name);
			if (res != SRD_STEP_DONE)
				return res;
		}
		res = dax_bind(c, name, want);
		if (res != SRD_STEP_DONE)
			return res;
	}
	if (a->dax_mode == SRD_DAX_SYSTEM_RAM && a->online != SRD_ONLINE_NONE) {
		struct online_arg oa = { .value = a->online == SRD_ONLINE_MOVABLE ? "online_movable" : "online_kernel" };

		if (range_online(c, &r) && res == SRD_STEP_ALREADY)
			return srd_apply_say(c, SRD_STEP_ALREADY, "%s is %s and online", name, want);
		if (!each_block(c, &r, online_block, &oa))
			return srd_apply_fail(c, oa.error, oa.path);
		res = SRD_STEP_DONE;
	}
	if (res == SRD_STEP_ALREADY)
		return srd_apply_say(c, res, "%s is already %s", name, want);
	return srd_apply_say(c, SRD_STEP_DONE, "%s is %s%s%s", name, want,
		   a->dax_mode == SRD_DAX_SYSTEM_RAM ? ", online " : "",
		   a->dax_mode == SRD_DAX_SYSTEM_RAM ? srd_online_to_string(a->online) : "");
}

/* The inverse of a completed action, used to roll back after a later failure. */
static void undo_action(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX];
	enum srd_step_result r = SRD_STEP_DONE;
	struct srd_step saved = *c->step;

	switch (a->kind) {
	case SRD_ACTION_OFFLINE_MEMORY: {
		struct online_arg oa = { .value = saved.was_movable ? "online_movable" : "online_kernel" };
		struct srd_range range;

		if (!dax_range(a->target, &range) || !each_block(c, &range, online_block, &oa))
			r = SRD_STEP_FAILED;
		break;
	}
	case SRD_ACTION_RELEASE_HMEM:
		snprintf(dir, sizeof(dir), SYS_PLATFORM "/%s", a->target);
		r = driver_op(c, "platform", "hmem", true, dir, a->target);
		break;
	case SRD_ACTION_RELEASE_REGION:
		r = do_region(c, SRD_ACTION_ENABLE_REGION, a->target);
		break;
	case SRD_ACTION_UNBIND_CXL_ACPI:
		r = driver_op(c, "platform", "cxl_acpi", true, SYS_PLATFORM "/ACPI0017:00", "ACPI0017:00");
		break;
	default:
		snprintf(saved.rollback, sizeof(saved.rollback), "no undo for %s", srd_action_to_string(a->kind));
		*c->step = saved;
		return;
	}
	snprintf(saved.rollback, sizeof(saved.rollback), "%s: %s",
		 r == SRD_STEP_DONE || r == SRD_STEP_ALREADY ? "undone" : "undo FAILED", c->step->message);
	saved.rolled_back = r == SRD_STEP_DONE || r == SRD_STEP_ALREADY;
	*c->step = saved;
}

static enum srd_step_result run_action(struct actx *c, const struct srd_action *a)
{
	switch (a->kind) {
	case SRD_ACTION_OFFLINE_MEMORY:
		return do_offline(c, a->target);
	case SRD_ACTION_RELEASE_HMEM:
		return do_release_hmem(c, a->target);
	case SRD_ACTION_RELEASE_REGION:
	case SRD_ACTION_DESTROY_REGION:
	case SRD_ACTION_ENABLE_REGION:
		return do_region(c, a->kind, a->target);
	case SRD_ACTION_UNBIND_CXL_ACPI:
		return do_unbind_cxl_acpi(c);
	case SRD_ACTION_CLAIM_HMEM:
		return do_claim_hmem(c, a->target, &a->range);
	case SRD_ACTION_CONFIGURE_DAX:
		return do_configure_dax(c, a);
	case SRD_ACTION_CREATE_REGION:
		return srd_apply_create_region(c, a);
	default:
		return srd_apply_say(c, SRD_STEP_FAILED, "unknown action");
	}
}

/* ---- the progress record ---- */

static void write_progress(const struct srd_apply_opts *o, const struct srd_decision *d,
			   const struct srd_apply_result *res, size_t current, bool finished)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct json_object *j, *a;

	if (!o->state_dir || o->dry_run)
		return;
	if (mkdir(o->state_dir, 0755) < 0 && errno != EEXIST)
		return;
	j = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(j, "version", json_object_new_int(1));
	json_object_object_add(j, "finished", json_object_new_boolean(finished));
	json_object_object_add(j, "current", json_object_new_int((int)current));
	for (size_t i = 0; i < d->n_actions; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "action", json_object_new_string(srd_action_to_string(d->actions[i].kind)));
		json_object_object_add(x, "target", json_object_new_string(d->actions[i].target));
		json_object_object_add(x, "state",
				       json_object_new_string(i < current ? srd_step_result_to_string(res->steps[i].result)
								: i == current && !finished ? "running"
											    : "pending"));
		json_object_array_add(a, x);
	}
	json_object_object_add(j, "actions", a);
	snprintf(path, sizeof(path), "%s/progress.json", o->state_dir);
	snprintf(tmp, sizeof(tmp), "%s/.progress.json.tmp", o->state_dir);
	/* Written atomically: a crash leaves the old record or the new one. */
	if (json_object_to_file_ext(tmp, j, JSON_C_TO_STRING_PRETTY) == 0)
		rename(tmp, path);
	json_object_put(j);
}

bool srd_apply_interrupted(const char *state_dir, char *why, size_t size)
{
	char path[PATH_MAX];
	struct json_object *j, *f, *cur, *acts;
	bool interrupted = false;

	snprintf(path, sizeof(path), "%s/progress.json", state_dir);
	j = json_object_from_file(path);
	if (!j)
		return false;
	if (json_object_object_get_ex(j, "finished", &f) && !json_object_get_boolean(f) &&
	    json_object_object_get_ex(j, "current", &cur) && json_object_object_get_ex(j, "actions", &acts)) {
		int i = json_object_get_int(cur);
		struct json_object *x = json_object_array_get_idx(acts, (size_t)i), *k, *t;

		interrupted = true;
		if (x && json_object_object_get_ex(x, "action", &k) && json_object_object_get_ex(x, "target", &t))
			snprintf(why, size, "a previous run stopped during action %d of %zu (%s %s)", i + 1,
				 json_object_array_length(acts), json_object_get_string(k), json_object_get_string(t));
		else
			snprintf(why, size, "a previous run stopped before finishing");
	}
	json_object_put(j);
	return interrupted;
}

void srd_apply_result_done(struct srd_apply_result *r)
{
	free(r->steps);
	*r = (struct srd_apply_result){};
}

int srd_apply(const struct srd_decision *d, const struct srd_inventory *inv,
	      const struct srd_apply_opts *o, struct srd_apply_result *ret)
{
	int first_error = 0;
	bool stop = false;

	*ret = (struct srd_apply_result){};
	if (o->state_dir)
		srd_apply_interrupted(o->state_dir, ret->interrupted, sizeof(ret->interrupted));
	/* The decision refused, or the inventory cannot be trusted: write nothing. */
	if (d->refused || !srd_inventory_complete(inv))
		return d->n_actions ? -EPERM : 0;
	ret->steps = calloc(d->n_actions ? d->n_actions : 1, sizeof(*ret->steps));
	if (!ret->steps)
		return -ENOMEM;
	ret->n_steps = d->n_actions;

	for (size_t i = 0; i < d->n_actions; i++) {
		struct actx c = { .o = o, .step = &ret->steps[i] };
		const struct srd_action *a = &d->actions[i];

		if (stop) {
			c.step->result = SRD_STEP_SKIPPED;
			snprintf(c.step->message, sizeof(c.step->message), "an earlier action did not complete");
			continue;
		}
		write_progress(o, d, ret, i, false);
		c.step->result = run_action(&c, a);
		switch (c.step->result) {
		case SRD_STEP_DONE:
			ret->n_done++;
			break;
		case SRD_STEP_ALREADY:
			ret->n_already++;
			break;
		case SRD_STEP_REFUSED:
			ret->n_refused++;
			stop = true;
			first_error = c.step->error ? c.step->error : -EPERM;
			break;
		default:
			ret->n_failed++;
			stop = true;
			first_error = c.step->error ? c.step->error : -EIO;
			break;
		}
		if (o->out && !o->dry_run)
			fprintf(o->out, "%s %s %s: %s\n", srd_action_to_string(a->kind), a->target,
				srd_step_result_to_string(c.step->result), c.step->message);
		if (o->on_step)
			o->on_step(o->userdata, a, c.step, false);
	}
	if (first_error && !o->dry_run)
		for (size_t i = d->n_actions; i-- > 0;) {
			struct actx c = { .o = o, .step = &ret->steps[i] };

			if (ret->steps[i].result != SRD_STEP_DONE)
				continue;
			undo_action(&c, &d->actions[i]);
			if (o->out)
				fprintf(o->out, "rollback %s %s: %s\n", srd_action_to_string(d->actions[i].kind),
					d->actions[i].target, ret->steps[i].rollback);
			if (o->on_step)
				o->on_step(o->userdata, &d->actions[i], c.step, true);
		}
	write_progress(o, d, ret, d->n_actions, true);
	return first_error;
}
