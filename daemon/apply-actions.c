// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor's actions: each abstract action of a plan as the sysfs
 * stores of the kernel at hand, with its interlocks read fresh right before
 * the first store, its result re-read after the last, and its undo.
 *
 * Targets are identified by name and HPA: the kernel reuses names (a region
 * or a dax device created after srd read the machine may carry the name of
 * one that went), so a target whose range no longer meets the range the
 * action serves is refused, not acted on.  Names are matched whole (hmem.1
 * is not hmem.10).
 *
 * Every store goes through srd_apply_write(), including the ones libcxl
 * would make (region driver bind/unbind, commit, delete_region): srd writes
 * those itself so the journal and the dry run show each store srd makes.
 * libcxl and libdaxctl are the readers of discovery; here a handful of
 * attributes is read directly, fresh, and failing closed (apply-sysfs.c).
 * dax driver binds are done as daxctl does them (new_id, then bind), without
 * its module loading: srd never loads modules behind the administrator.
 */
#include <dirent.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "apply-internal.h"

bool srd_apply_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The devdax/kmem users of a dax device: refuse while a process has it. */
static enum srd_step_result refuse_in_use(struct actx *c, const char *dax)
{
	char who[320];
	int r = srd_apply_users(c, dax, who, sizeof(who));

	if (r == 0)
		return SRD_STEP_DONE;
	c->step->error = r < 0 ? r : -EBUSY;
	return srd_apply_say(c, SRD_STEP_REFUSED, "%s is in use: %s", dax, who);
}

/* Calls fn(name) for each dax device below owner, matched whole: its parent
 * directory for hmem.N, the parent's parent (regionN/dax_regionN/daxX.Y) for
 * a region.  Stops at the first nonzero return. */
int srd_apply_each_dax(struct actx *c, const char *owner,
		       int (*fn)(struct actx *c, const char *dax, void *ud), void *ud)
{
	int levels = strncmp(owner, "region", 6) == 0 ? 2 : 1;
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(srd_apply_path(c, dir, sizeof(dir), SYS_DAX));
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d))) {
		char link[PATH_MAX], real[PATH_MAX], *s = NULL, *p;

		if (strncmp(de->d_name, "dax", 3) != 0)
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		if (!realpath(link, real))
			continue;
		for (int l = 0; l < levels && (s = strrchr(real, '/')); l++)
			*s = '\0';
		p = strrchr(real, '/');
		if (p && srd_streq(p + 1, owner))
			r = fn(c, de->d_name, ud);
	}
	closedir(d);
	return r;
}

struct busy {
	char what[320];
};

/* A dax device that serves memory someone uses: online blocks, or a process. */
static int dax_busy(struct actx *c, const char *dax, void *ud)
{
	struct busy *b = ud;
	struct srd_range r;
	bool online;
	int k = srd_apply_dax_range(c, dax, &r);

	if (k < 0) {
		snprintf(b->what, sizeof(b->what), "%s: unreadable resource (%s)", dax,
			 strerror(-k));
		return k;
	}
	k = srd_apply_online(c, &r, &online);
	if (k < 0) {
		snprintf(b->what, sizeof(b->what), "%s", c->why);
		return k;
	}
	if (online) {
		snprintf(b->what, sizeof(b->what), "memory of %s is online", dax);
		return 1;
	}
	k = srd_apply_users(c, dax, b->what, sizeof(b->what));
	return k;
}

/* Refuses when a dax device below parent is busy, or its state cannot be read. */
enum srd_step_result srd_apply_refuse_busy(struct actx *c, const char *owner, const char *parent)
{
	struct busy b = {};
	int k = srd_apply_each_dax(c, parent, dax_busy, &b);

	if (k == 0)
		return SRD_STEP_DONE;
	c->step->error = k < 0 ? k : -EBUSY;
	return srd_apply_say(c, SRD_STEP_REFUSED, "%s: %s", owner,
			     b.what[0] ? b.what : strerror(-k));
}

/* Writes devname to a driver's bind or unbind and checks devdir's driver link. */
enum srd_step_result srd_apply_driver_op(struct actx *c, const char *bus, const char *drv,
					 bool bind, const char *devdir, const char *devname)
{
	char path[PATH_MAX], now[SRD_NAME_MAX];
	int r;

	srd_apply_path(c, path, sizeof(path), "/sys/bus/%s/drivers/%s/%s", bus, drv,
		       bind ? "bind" : "unbind");
	r = srd_apply_write(c, path, devname);
	if (r < 0)
		return srd_apply_fail(c, r, path);
	if (c->o->dry_run)
		return srd_apply_say(c, SRD_STEP_DONE, "%s %s %s (dry run)",
				     bind ? "bind" : "unbind", devname, drv);
	srd_apply_driver(devdir, now, sizeof(now));
	if (bind != srd_streq(now, drv))
		return srd_apply_say(c, SRD_STEP_FAILED,
				     "%s: %s to %s did not take (driver now '%s')", devname,
				     bind ? "bind" : "unbind", drv, now);
	return srd_apply_say(c, SRD_STEP_DONE, "%s %s %s", devname,
			     bind ? "bound to" : "unbound from", drv);
}

/* ---- memory blocks ---- */

struct offline_arg {
	char (*done)[PATH_MAX]; /* blocks this action took offline, to undo a partial offline */
	size_t n_done;
};

static int offline_block(struct actx *c, const char *path, const char *state, void *userdata)
{
	struct offline_arg *a = userdata;
	char now[32];
	int r;

	if (strcmp(state, "offline") == 0)
		return 0;
	r = srd_apply_write_deadline(c, path, "offline");
	if (r == -ETIME) {
		snprintf(c->why, sizeof(c->why),
			 "%s: did not go offline within the deadline (pages still in use)", path);
		return r;
	}
	if (r == 0 && !c->o->dry_run &&
	    (srd_apply_read(path, now, sizeof(now)) < 0 || strcmp(now, "offline") != 0))
		r = -EIO; /* the store returned but the block stayed online */
	if (r < 0) {
		snprintf(c->why, sizeof(c->why), "%s: %s", path, strerror(-r));
		return r;
	}
	if (srd_grow((void **)&a->done, a->n_done, sizeof(*a->done)) == 0)
		snprintf(a->done[a->n_done++], PATH_MAX, "%s", path);
	return 0;
}

static int block_movable(struct actx *c, const struct srd_range *r, bool *ret)
{
	char path[PATH_MAX], zones[64];
	uint64_t bs;
	int k;

	k = srd_apply_block_bytes(c, &bs);
	if (k < 0)
		return k;
	srd_apply_path(c, path, sizeof(path), SYS_MEMORY "/memory%llu/valid_zones",
		       (unsigned long long)(r->start / bs));
	k = srd_apply_read(path, zones, sizeof(zones));
	*ret = k < 0 || strncmp(zones, "Movable", 7) == 0;
	return k == -ENOENT || k == 0 ? 0 : k;
}

static enum srd_step_result do_offline(struct actx *c, const struct srd_action *a)
{
	struct offline_arg oa = {};
	struct srd_range r;
	bool online;
	int k;

	k = srd_apply_dax_range(c, a->target, &r);
	if (k < 0)
		return srd_apply_fail(c, k, a->target);
	if (!srd_range_intersects(&r, &a->range))
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "%s is now at another HPA: not the device srd decided on",
				     a->target);
	if (srd_apply_online(c, &r, &online) < 0 || block_movable(c, &r, &c->step->was_movable) < 0)
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "cannot tell whether %s's memory is online: %s", a->target,
				     c->why);
	if (!online)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s: memory already offline", a->target);
	if (!c->o->allow_offline)
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "%s: memory is online and AllowOffline=no", a->target);
	k = srd_apply_blocks(c, &r, offline_block, &oa);
	if (k < 0) {
		/* Put back what this action took offline: all or nothing. */
		for (size_t i = oa.n_done; i-- > 0;)
			srd_apply_write(c, oa.done[i],
					c->step->was_movable ? "online_movable" : "online_kernel");
		free(oa.done);
		return srd_apply_fail(c, k, c->why);
	}
	free(oa.done);
	return srd_apply_say(c, SRD_STEP_DONE, "%s: memory offline", a->target);
}

struct online_arg {
	const char *value;
};

static int online_block(struct actx *c, const char *path, const char *state, void *userdata)
{
	struct online_arg *a = userdata;
	char now[32];
	int r;

	if (strncmp(state, "online", 6) == 0)
		return 0;
	r = srd_apply_write_deadline(c, path, a->value);
	if (r == 0 && !c->o->dry_run &&
	    (srd_apply_read(path, now, sizeof(now)) < 0 || strcmp(now, "online") != 0))
		r = -EIO;
	if (r < 0)
		snprintf(c->why, sizeof(c->why), "%s: %s", path, strerror(-r));
	return r;
}

static int online_range(struct actx *c, const struct srd_range *r, bool movable)
{
	struct online_arg oa = {.value = movable ? "online_movable" : "online_kernel"};

	return srd_apply_blocks(c, r, online_block, &oa);
}

/* ---- hmem ---- */

static enum srd_step_result do_release_hmem(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX], drv[SRD_NAME_MAX];
	enum srd_step_result res;

	srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", a->target);
	if (!srd_apply_exists(dir))
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is gone", a->target);
	srd_apply_driver(dir, drv, sizeof(drv));
	if (!drv[0])
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is not bound", a->target);
	res = srd_apply_refuse_busy(c, a->target, a->target);
	if (res != SRD_STEP_DONE)
		return res;
	return srd_apply_driver_op(c, "platform", drv, false, dir, a->target);
}

/* Binds a dax device to drv the way daxctl does: new_id, then bind if needed. */
static enum srd_step_result dax_bind(struct actx *c, const char *name, const char *drv)
{
	char dir[PATH_MAX], path[PATH_MAX], now[SRD_NAME_MAX];
	int r;

	srd_apply_path(c, dir, sizeof(dir), SYS_DAX "/%s", name);
	srd_apply_path(c, path, sizeof(path), "/sys/bus/dax/drivers/%s/new_id", drv);
	r = srd_apply_write(c, path, name);
	if (r < 0 && r != -EEXIST)
		return srd_apply_fail(c, r, path);
	srd_apply_driver(dir, now, sizeof(now));
	if (!c->o->dry_run && srd_streq(now, drv))
		return srd_apply_say(c, SRD_STEP_DONE, "%s bound to %s", name, drv);
	return srd_apply_driver_op(c, "dax", drv, true, dir, name);
}

struct hmem_dax {
	const struct srd_range *want;
	char dax[SRD_NAME_MAX];
	char hmem[SRD_NAME_MAX];
};

static int hmem_dax_for(struct actx *c, const char *dax, void *ud)
{
	struct hmem_dax *h = ud;
	struct srd_range r;

	if (srd_apply_dax_range(c, dax, &r) < 0 || !srd_range_contains(&r, h->want))
		return 0;
	snprintf(h->dax, sizeof(h->dax), "%s", dax);
	return 1;
}

/* The dax device of an hmem device covering want, found fresh: 1, 0, or -errno. */
static int find_hmem_dax(struct actx *c, const struct srd_range *want, struct hmem_dax *ret)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM));
	int r = 0;

	*ret = (struct hmem_dax){.want = want};
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d))) {
		if (strncmp(de->d_name, "hmem.", 5) != 0)
			continue;
		r = srd_apply_each_dax(c, de->d_name, hmem_dax_for, ret);
		if (r > 0)
			snprintf(ret->hmem, sizeof(ret->hmem), "%s", de->d_name);
	}
	closedir(d);
	return r;
}

/* Every hmem device's dax devices: a re-probe of hmem_platform drops them all. */
static enum srd_step_result refuse_any_hmem_busy(struct actx *c)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM));
	enum srd_step_result res = SRD_STEP_DONE;

	if (!d)
		return srd_apply_fail(c, -errno, dir);
	while (res == SRD_STEP_DONE && (de = readdir(d)))
		if (strncmp(de->d_name, "hmem.", 5) == 0)
			res = srd_apply_refuse_busy(
			    c, "re-probing hmem_platform would take it away", de->d_name);
	closedir(d);
	return res;
}

static enum srd_step_result reprobe_hmem_platform(struct actx *c)
{
	char dir[PATH_MAX], drv[SRD_NAME_MAX];
	enum srd_step_result res;

	srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/hmem_platform.0");
	if (!srd_apply_exists(dir))
		return srd_apply_say(c, SRD_STEP_REFUSED, "no hmem_platform.0 to re-probe");
	res = refuse_any_hmem_busy(c);
	if (res != SRD_STEP_DONE)
		return res;
	srd_apply_driver(dir, drv, sizeof(drv));
	if (drv[0]) {
		res = srd_apply_driver_op(c, "platform", "hmem_platform", false, dir,
					  "hmem_platform.0");
		if (res != SRD_STEP_DONE)
			return res;
	}
	res = srd_apply_driver_op(c, "platform", "hmem_platform", true, dir, "hmem_platform.0");
	if (res == SRD_STEP_FAILED && !c->o->dry_run) {
		/* Without hmem_platform every hmem device is gone: once more, since
		 * that bind is also the undo; then say so plainly. */
		res = srd_apply_driver_op(c, "platform", "hmem_platform", true, dir,
					  "hmem_platform.0");
		if (res == SRD_STEP_DONE)
			c->step->error = 0;
		else
			return srd_apply_say(
			    c, SRD_STEP_FAILED,
			    "hmem_platform.0 did not bind again: every dax_hmem device on the machine is "
			    "gone until it does (echo hmem_platform.0 > "
			    "/sys/bus/platform/drivers/hmem_platform/bind)");
	}
	return res;
}

static enum srd_step_result do_claim_hmem(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX], drv[SRD_NAME_MAX], b[SRD_RANGE_FMT_MAX];
	enum srd_step_result res = SRD_STEP_ALREADY;
	struct hmem_dax h;
	int k;

	srd_range_format(&a->range, b, sizeof(b));
	if (strncmp(a->target, "hmem.", 5) == 0) {
		srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", a->target);
		if (!srd_apply_exists(dir))
			return srd_apply_say(c, SRD_STEP_FAILED, "%s is gone", a->target);
		srd_apply_driver(dir, drv, sizeof(drv));
		if (!drv[0]) {
			res = srd_apply_driver_op(c, "platform", "hmem", true, dir, a->target);
			if (res != SRD_STEP_DONE)
				return res;
		}
	} else if ((k = find_hmem_dax(c, &a->range, &h)) <= 0) {
		if (k < 0)
			return srd_apply_fail(c, k, "looking for dax_hmem's device");
		/* No hmem device for it: make dax_hmem walk Soft Reserved again. */
		res = reprobe_hmem_platform(c);
		if (res != SRD_STEP_DONE || c->o->dry_run)
			return res == SRD_STEP_DONE
				   ? srd_apply_say(c, res, "%s (dry run)", a->target)
				   : res;
	}
	if (c->o->dry_run)
		return srd_apply_say(c, res, "%s (dry run)", a->target);
	k = find_hmem_dax(c, &a->range, &h);
	if (k <= 0)
		return srd_apply_say(
		    c, SRD_STEP_FAILED,
		    "dax_hmem did not register %s (this kernel defers it, or its dax region failed)",
		    b);
	if (strncmp(a->target, "hmem.", 5) == 0 && !srd_streq(h.hmem, a->target))
		return srd_apply_say(c, SRD_STEP_FAILED,
				     "%s is served by %s, not by %s: names changed", b, h.hmem,
				     a->target);
	/* What this action made dax_hmem take, for its undo (a re-probe's hmem
	 * device, or the one it bound). */
	if (res == SRD_STEP_DONE)
		snprintf(c->step->undo_target, sizeof(c->step->undo_target), "%s", h.hmem);
	srd_apply_path(c, dir, sizeof(dir), SYS_DAX "/%s", h.dax);
	srd_apply_driver(dir, drv, sizeof(drv));
	if (!drv[0]) { /* no driver (kmem failed before): serve it as devdax; configure-dax follows
			*/
		enum srd_step_result bound = dax_bind(c, h.dax, "device_dax");
		struct srd_step failed;

		if (bound == SRD_STEP_DONE || !c->step->undo_target[0])
			return bound;
		/* All or nothing: a range dax_hmem holds without serving it would
		 * keep CXL from taking it back when the plan is undone. */
		failed = *c->step;
		srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", h.hmem);
		if (srd_apply_driver_op(c, "platform", "hmem", false, dir, h.hmem) == SRD_STEP_DONE)
			snprintf(failed.message + strlen(failed.message),
				 sizeof(failed.message) - strlen(failed.message),
				 "; %s let go again", h.hmem);
		*c->step = failed;
		return bound;
	}
	if (res == SRD_STEP_ALREADY)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s already serves %s through %s", h.hmem,
				     b, h.dax);
	return srd_apply_say(c, SRD_STEP_DONE, "%s serves %s through %s", h.hmem, b, h.dax);
}

static enum srd_step_result do_unbind_cxl_acpi(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX], devs[PATH_MAX], drv[SRD_NAME_MAX];
	enum srd_step_result res = SRD_STEP_DONE;
	struct dirent *de;
	DIR *d;

	srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", a->target);
	srd_apply_driver(dir, drv, sizeof(drv));
	if (!drv[0])
		return srd_apply_say(c, SRD_STEP_ALREADY, "cxl_acpi is not bound");
	/* Every region goes with it: none may serve memory anyone uses. */
	d = opendir(srd_apply_path(c, devs, sizeof(devs), SYS_CXL));
	while (d && res == SRD_STEP_DONE && (de = readdir(d)))
		if (strncmp(de->d_name, "region", 6) == 0)
			res = srd_apply_refuse_busy(c, "unbinding cxl_acpi would take it away",
						    de->d_name);
	if (d)
		closedir(d);
	if (res != SRD_STEP_DONE)
		return res;
	return srd_apply_driver_op(c, "platform", drv, false, dir, a->target);
}

/* ---- dax devices ---- */

/* Takes the memory of daxX.Y over r offline; all or nothing. */
static int offline_range(struct actx *c, const struct srd_range *r)
{
	struct offline_arg oa = {};
	int k = srd_apply_blocks(c, r, offline_block, &oa);

	if (k < 0)
		for (size_t i = oa.n_done; i-- > 0;)
			srd_apply_write(c, oa.done[i],
					c->step->was_movable ? "online_movable" : "online_kernel");
	free(oa.done);
	return k;
}

/*
 * kmem's memory as Online= wants it.  kmem's probe onlines the memory it adds
 * as the kernel's auto-online says (memhp_default_state=, the online_type at
 * probe time), which may be another zone than the one wanted: memory srd's
 * own bind just brought online is taken offline again and onlined in the
 * wanted zone; memory that was online before needs AllowOffline=yes.
 */
static enum srd_step_result dax_online_as_wanted(struct actx *c, const struct srd_action *a,
						 const char *name, const struct srd_range *r,
						 bool just_bound, enum srd_step_result res)
{
	bool online, movable = false;
	int k;

	if (c->o->dry_run && just_bound) {
		/* The blocks appear with the bind: say what would be stored. */
		if (a->online != SRD_ONLINE_NONE &&
		    online_range(c, r, a->online == SRD_ONLINE_MOVABLE) < 0)
			return srd_apply_fail(c, -EIO, c->why);
		return SRD_STEP_DONE;
	}
	if (srd_apply_online(c, r, &online) < 0 || block_movable(c, r, &movable) < 0)
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "cannot tell whether %s's memory is online: %s", name, c->why);
	if (online &&
	    (a->online == SRD_ONLINE_NONE || movable != (a->online == SRD_ONLINE_MOVABLE))) {
		if (!just_bound && !c->o->allow_offline)
			return srd_apply_say(
			    c, SRD_STEP_REFUSED,
			    "%s: memory is online %s, %s wants %s, and AllowOffline=no", name,
			    movable ? "movable" : "normal", a->rule[0] ? a->rule : "the policy",
			    srd_online_to_string(a->online));
		c->step->was_movable = movable;
		k = offline_range(c, r);
		if (k < 0)
			return srd_apply_fail(c, k, c->why);
		res = SRD_STEP_DONE;
	}
	if (a->online == SRD_ONLINE_NONE)
		return res;
	k = online_range(c, r, a->online == SRD_ONLINE_MOVABLE);
	if (k < 0)
		return srd_apply_fail(c, k, c->why);
	if (!c->o->dry_run &&
	    (block_movable(c, r, &movable) < 0 || movable != (a->online == SRD_ONLINE_MOVABLE)))
		return srd_apply_say(c, SRD_STEP_FAILED,
				     "%s: memory came online, but not in the %s zone", name,
				     srd_online_to_string(a->online));
	return online && res == SRD_STEP_ALREADY ? SRD_STEP_ALREADY : SRD_STEP_DONE;
}

/*
 * In the order the kernel allows: the old driver lets go (memory offline
 * first), align and memmap_on_memory are stored while no driver is bound,
 * the wanted driver binds, and kmem's memory is onlined in the wanted zone.
 */
static enum srd_step_result do_configure_dax(struct actx *c, const struct srd_action *a)
{
	const char *want = a->dax_mode == SRD_DAX_SYSTEM_RAM ? "kmem" : "device_dax";
	char name[SRD_NAME_MAX], dir[PATH_MAX], drv[SRD_NAME_MAX];
	enum srd_step_result res = SRD_STEP_ALREADY;
	struct srd_range r;
	struct hmem_dax h;
	bool online, differ, rebind;
	int k;

	if (strncmp(a->target, "dax", 3) == 0)
		snprintf(name, sizeof(name), "%s", a->target);
	else if ((k = find_hmem_dax(c, &a->range, &h)) > 0)
		snprintf(name, sizeof(name), "%s", h.dax);
	else if (c->o->dry_run)
		return srd_apply_say(c, SRD_STEP_DONE,
				     "the dax device for %s appears once claimed (dry run)",
				     a->target);
	else
		return srd_apply_say(c, SRD_STEP_FAILED, "no dax device serves %s", a->target);
	k = srd_apply_dax_range(c, name, &r);
	if (k < 0)
		return srd_apply_fail(c, k, name);
	if (!srd_range_intersects(&r, &a->range))
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "%s is now at another HPA: not the device srd decided on",
				     name);
	srd_apply_path(c, dir, sizeof(dir), SYS_DAX "/%s", name);
	srd_apply_driver(dir, drv, sizeof(drv));
	snprintf(c->step->undo_target, sizeof(c->step->undo_target), "%s", name);
	snprintf(c->step->prev_driver, sizeof(c->step->prev_driver), "%s", drv);
	if (srd_apply_online(c, &r, &online) < 0)
		return srd_apply_say(c, SRD_STEP_REFUSED,
				     "cannot tell whether %s's memory is online: %s", name, c->why);
	res = srd_apply_dax_check(c, name, a, &differ);
	if (res != SRD_STEP_DONE)
		return res;
	res = SRD_STEP_ALREADY;
	rebind = !srd_streq(drv, want) || differ;
	if (rebind && drv[0]) {
		res = refuse_in_use(c, name);
		if (res != SRD_STEP_DONE)
			return res;
		if (online) {
			struct srd_action off = *a;

			if (!c->o->allow_offline)
				return srd_apply_say(c, SRD_STEP_REFUSED,
						     "%s: memory is online and AllowOffline=no",
						     name);
			snprintf(off.target, sizeof(off.target), "%s", name);
			res = do_offline(c, &off);
			if (res != SRD_STEP_DONE)
				return res;
		}
		res = srd_apply_driver_op(c, "dax", drv, false, dir, name);
		if (res != SRD_STEP_DONE)
			return res;
	}
	if (rebind) {
		res = srd_apply_dax_set(c, name, a);
		if (res == SRD_STEP_DONE)
			res = dax_bind(c, name, want);
		if (res != SRD_STEP_DONE)
			return res;
	}
	if (a->dax_mode == SRD_DAX_SYSTEM_RAM) {
		res = dax_online_as_wanted(c, a, name, &r, rebind, res);
		if (res == SRD_STEP_ALREADY)
			return srd_apply_say(
			    c, res, "%s is %s, its memory %s%s", name, want,
			    a->online == SRD_ONLINE_NONE ? "offline" : "online ",
			    a->online == SRD_ONLINE_NONE ? "" : srd_online_to_string(a->online));
		if (res != SRD_STEP_DONE)
			return res;
	}
	if (res == SRD_STEP_ALREADY)
		return srd_apply_say(c, res, "%s is already %s", name, want);
	return srd_apply_say(c, SRD_STEP_DONE, "%s is %s%s%s%s", name, want,
			     a->dax_mode == SRD_DAX_SYSTEM_RAM ? ", online " : "",
			     a->dax_mode == SRD_DAX_SYSTEM_RAM ? srd_online_to_string(a->online)
							       : "",
			     a->rule[0] ? " ([Device] rule)" : "");
}

/* ---- undo: the inverse of each completed action, newest first ---- */

static enum srd_step_result undo_offline(struct actx *c, const struct srd_action *a)
{
	struct srd_range r;
	int k = srd_apply_dax_range(c, a->target, &r);

	if (k >= 0)
		k = online_range(c, &r, c->step->was_movable);
	return k < 0 ? srd_apply_fail(c, k, c->why[0] ? c->why : a->target)
		     : srd_apply_say(c, SRD_STEP_DONE, "%s: memory online again", a->target);
}

static enum srd_step_result undo_release_hmem(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX];

	srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", a->target);
	return srd_apply_driver_op(c, "platform", "hmem", true, dir, a->target);
}

static enum srd_step_result undo_unbind_cxl_acpi(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX];

	srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", a->target);
	return srd_apply_driver_op(c, "platform", "cxl_acpi", true, dir, a->target);
}

static enum srd_step_result undo_claim_hmem(struct actx *c, const struct srd_action *a)
{
	char dir[PATH_MAX];

	/* What this claim made dax_hmem hold lets go, so CXL can take the range
	 * back when cxl_acpi's unbind is undone next. */
	if (!c->step->undo_target[0])
		return srd_apply_say(c, SRD_STEP_ALREADY, "nothing was claimed");
	srd_apply_path(c, dir, sizeof(dir), SYS_PLATFORM "/%s", c->step->undo_target);
	return srd_apply_driver_op(c, "platform", "hmem", false, dir, c->step->undo_target);
}

static enum srd_step_result undo_configure_dax(struct actx *c, const struct srd_action *a)
{
	const char *name = c->step->undo_target;
	char dir[PATH_MAX], drv[SRD_NAME_MAX];
	enum srd_step_result res;

	bool attrs = c->step->set_align || c->step->set_memmap;

	srd_apply_path(c, dir, sizeof(dir), SYS_DAX "/%s", name);
	srd_apply_driver(dir, drv, sizeof(drv));
	if (srd_streq(drv, c->step->prev_driver) && !attrs)
		return srd_apply_say(c, SRD_STEP_ALREADY, "%s is %s again", name,
				     drv[0] ? drv : "unbound");
	if (drv[0]) {
		res = refuse_in_use(c, name);
		if (res == SRD_STEP_DONE)
			res = srd_apply_driver_op(c, "dax", drv, false, dir, name);
		if (res != SRD_STEP_DONE)
			return res;
	}
	if (attrs &&
	    (res = srd_apply_dax_restore(c, name)) != SRD_STEP_DONE) /* while unbound, as stored */
		return res;
	if (!c->step->prev_driver[0])
		return srd_apply_say(c, SRD_STEP_DONE, "%s unbound again", name);
	return dax_bind(c, name, c->step->prev_driver);
}

/* One row per kind: run, and the inverse (NULL: none; the reason is the row's note). */
static const struct {
	enum srd_step_result (*run)(struct actx *c, const struct srd_action *a);
	enum srd_step_result (*undo)(struct actx *c, const struct srd_action *a);
	const char *no_undo;
} actions[_SRD_ACTION_MAX] = {
    [SRD_ACTION_OFFLINE_MEMORY] = {do_offline, undo_offline},
    [SRD_ACTION_RELEASE_HMEM] = {do_release_hmem, undo_release_hmem},
    [SRD_ACTION_RELEASE_REGION] = {srd_apply_release_region, srd_apply_undo_release_region},
    [SRD_ACTION_DESTROY_REGION] =
	{srd_apply_destroy_region, NULL,
	 "a de-committed region is gone; it comes back only from its recorded layout"},
    [SRD_ACTION_UNBIND_CXL_ACPI] = {do_unbind_cxl_acpi, undo_unbind_cxl_acpi},
    [SRD_ACTION_ENABLE_REGION] = {srd_apply_enable_region, srd_apply_undo_enable_region},
    [SRD_ACTION_CREATE_REGION] =
	{srd_apply_create_region, NULL,
	 "a re-created region stays; a failure part-way took down what it built"},
    [SRD_ACTION_CLAIM_HMEM] = {do_claim_hmem, undo_claim_hmem},
    [SRD_ACTION_CONFIGURE_DAX] = {do_configure_dax, undo_configure_dax},
};

enum srd_step_result srd_apply_run(struct actx *c, const struct srd_action *a)
{
	if (a->kind >= _SRD_ACTION_MAX || !actions[a->kind].run)
		return srd_apply_say(c, SRD_STEP_FAILED, "unknown action");
	return actions[a->kind].run(c, a);
}

enum srd_step_result srd_apply_undo(struct actx *c, const struct srd_action *a,
				    const char **ret_no_undo)
{
	*ret_no_undo = NULL;
	if (a->kind >= _SRD_ACTION_MAX || !actions[a->kind].undo) {
		*ret_no_undo =
		    a->kind < _SRD_ACTION_MAX ? actions[a->kind].no_undo : "unknown action";
		return SRD_STEP_SKIPPED;
	}
	return actions[a->kind].undo(c, a);
}
