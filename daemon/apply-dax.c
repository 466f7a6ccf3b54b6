// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dax device attributes a [Device] rule sets, as the kernel lets them be
 * stored (drivers/dax/bus.c): align only while no driver is bound (EBUSY
 * otherwise), and not at all on a static dax region, whose align is
 * read-only; memmap_on_memory (6.8+) at any time but while kmem drives the
 * device (EBUSY: kmem added the memory with the memory map where it was),
 * and yes only where memory hotplug supports it (EOPNOTSUPP).  kmem reads
 * memmap_on_memory when it probes, so configure-dax stores both while the
 * device is unbound, between letting the old driver go and binding the new
 * one.  What this kernel cannot do is refused before the first store, so a
 * device is never left unbound for a setting that was never possible.
 */
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "apply-internal.h"

struct tunables {
	bool has_align, align_writable;
	uint64_t align;
	int memmap; /* -1: the kernel has no memmap_on_memory */
};

static int read_tunables(struct actx *c, const char *name, struct tunables *ret)
{
	char path[PATH_MAX], buf[16];
	struct stat st;
	int k;

	*ret = (struct tunables){.memmap = -1};
	srd_apply_path(c, path, sizeof(path), SYS_DAX "/%s/align", name);
	k = srd_apply_read_u64(path, &ret->align);
	if (k < 0 && k != -ENOENT)
		return k;
	ret->has_align = k == 0;
	ret->align_writable = ret->has_align && stat(path, &st) == 0 && (st.st_mode & 0222);
	srd_apply_path(c, path, sizeof(path), SYS_DAX "/%s/memmap_on_memory", name);
	k = srd_apply_read(path, buf, sizeof(buf));
	if (k < 0 && k != -ENOENT)
		return k;
	if (k == 0)
		ret->memmap = buf[0] == '1' || buf[0] == 'Y' || buf[0] == 'y';
	return 0;
}

enum srd_step_result srd_apply_dax_check(struct actx *c, const char *name,
					 const struct srd_action *a, bool *ret_differ)
{
	struct tunables t;
	int k = read_tunables(c, name, &t);
	const char *who = a->rule[0] ? a->rule : "the policy";

	*ret_differ = false;
	if (k < 0)
		return srd_apply_fail(c, k, name);
	if (a->align_bytes) {
		if (!t.has_align)
			return srd_apply_say(c, SRD_STEP_REFUSED,
					     "%s: %s sets Align=, and this kernel has no %s/align",
					     name, who, name);
		if (t.align != a->align_bytes && !t.align_writable)
			return srd_apply_say(c, SRD_STEP_REFUSED,
					     "%s: %s sets Align=%" PRIu64
					     ", and %s/align is read-only (a static dax region)",
					     name, who, a->align_bytes, name);
		*ret_differ |= t.align != a->align_bytes;
	}
	if (a->memmap_on_memory >= 0) {
		if (t.memmap < 0)
			return srd_apply_say(
			    c, SRD_STEP_REFUSED,
			    "%s: %s sets MemmapOnMemory=, and this kernel has no %s/memmap_on_memory "
			    "(Linux 6.8 and later)",
			    name, who, name);
		*ret_differ |= t.memmap != a->memmap_on_memory;
	}
	return SRD_STEP_DONE;
}

/* Stores one attribute and reads it back. */
static enum srd_step_result store_verified(struct actx *c, const char *name, const char *attr,
					   const char *value)
{
	char path[PATH_MAX], now[32];
	int k;

	srd_apply_path(c, path, sizeof(path), SYS_DAX "/%s/%s", name, attr);
	k = srd_apply_write(c, path, value);
	if (k == -EOPNOTSUPP)
		return srd_apply_say(
		    c, SRD_STEP_FAILED,
		    "%s: the kernel does not support memmap_on_memory here "
		    "(memory_hotplug.memmap_on_memory is off, or the block size does not allow it)",
		    path);
	if (k < 0)
		return srd_apply_fail(c, k, path);
	if (c->o->dry_run)
		return SRD_STEP_DONE;
	k = srd_apply_read(path, now, sizeof(now));
	if (k < 0)
		return srd_apply_fail(c, k, path);
	if (strcmp(now, value) != 0)
		return srd_apply_say(c, SRD_STEP_FAILED, "%s: wrote %s, it reads %s", path, value,
				     now);
	return SRD_STEP_DONE;
}

enum srd_step_result srd_apply_dax_set(struct actx *c, const char *name, const struct srd_action *a)
{
	struct tunables t;
	enum srd_step_result res;
	char v[32];
	int k = read_tunables(c, name, &t);

	if (k < 0)
		return srd_apply_fail(c, k, name);
	if (a->align_bytes && t.align != a->align_bytes) {
		snprintf(v, sizeof(v), "%" PRIu64, a->align_bytes);
		res = store_verified(c, name, "align", v);
		if (res != SRD_STEP_DONE)
			return res;
		c->step->set_align = true;
		c->step->prev_align = t.align;
	}
	if (a->memmap_on_memory >= 0 && t.memmap != a->memmap_on_memory) {
		res = store_verified(c, name, "memmap_on_memory", a->memmap_on_memory ? "1" : "0");
		if (res != SRD_STEP_DONE)
			return res;
		c->step->set_memmap = true;
		c->step->prev_memmap = t.memmap;
	}
	return SRD_STEP_DONE;
}

enum srd_step_result srd_apply_dax_restore(struct actx *c, const char *name)
{
	enum srd_step_result res = SRD_STEP_DONE;
	char v[32];

	if (c->step->set_align) {
		snprintf(v, sizeof(v), "%" PRIu64, c->step->prev_align);
		res = store_verified(c, name, "align", v);
	}
	if (res == SRD_STEP_DONE && c->step->set_memmap)
		res = store_verified(c, name, "memmap_on_memory", c->step->prev_memmap ? "1" : "0");
	return res;
}
