/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the executor's files (apply*.c); nothing else includes it. */
#pragma once

#include "apply.h"

#define SYS_CXL "/sys/bus/cxl/devices"
#define SYS_DAX "/sys/bus/dax/devices"
#define SYS_PLATFORM "/sys/bus/platform/devices"
#define SYS_MEMORY "/sys/devices/system/memory"

struct actx {
	const struct srd_apply_opts *o;
	struct srd_step *step;
	char why[320]; /* what a failed read was */
};

/* Sets the step's message; returns r. */
enum srd_step_result srd_apply_say(struct actx *c, enum srd_step_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* FAILED with "what: strerror". */
enum srd_step_result srd_apply_fail(struct actx *c, int err, const char *what);

/* ---- apply-sysfs.c: the writer and the fail-closed reads ---- */

/* The options' root followed by the formatted path, into buf; returns buf. */
const char *srd_apply_path(struct actx *c, char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The one place srd stores to sysfs (prints it instead in a dry run); 0 or negative errno. */
int srd_apply_write(struct actx *c, const char *path, const char *value);
/* The same for a store that may block (memory block state): bounded by the
 * options' block_deadline_usec, -ETIME when it did not finish in time. */
int srd_apply_write_deadline(struct actx *c, const char *path, const char *value);
int srd_apply_read(const char *path, char *buf, size_t size);
int srd_apply_read_u64(const char *path, uint64_t *ret);
/* Basename of devdir's driver link, "" when unbound. */
void srd_apply_driver(const char *devdir, char *buf, size_t size);
/* daxX.Y's HPA range; negative errno when unreadable. */
int srd_apply_dax_range(struct actx *c, const char *name, struct srd_range *ret);

/* The memory block size; negative errno when unreadable or malformed. */
int srd_apply_block_bytes(struct actx *c, uint64_t *ret);
/* Called for each memory block of a range: 0 goes on, anything else stops and is returned. */
typedef int (*srd_block_fn)(struct actx *c, const char *state_path, const char *state,
			    void *userdata);
/* Every memory block inside r; a block that cannot be read is an error (c->why says which). */
int srd_apply_blocks(struct actx *c, const struct srd_range *r, srd_block_fn fn, void *userdata);
/* Whether any block of r is online; negative errno (c->why) when that cannot be known. */
int srd_apply_online(struct actx *c, const struct srd_range *r, bool *ret);
/* 1 when a process has /dev/DEVNAME open or mapped (who names it), 0 when none,
 * negative errno when a process could not be inspected (who says which). */
int srd_apply_users(struct actx *c, const char *devname, char *who, size_t size);
/* 1 when a block device below devdir is mounted (who names the mount point), 0, or -errno. */
int srd_apply_mounted_below(struct actx *c, const char *devdir, char *who, size_t size);

/* ---- apply-actions.c ---- */

bool srd_apply_exists(const char *path);
/* Writes devname to bus/drivers/drv/{bind,unbind} and checks devdir's driver link. */
enum srd_step_result srd_apply_driver_op(struct actx *c, const char *bus, const char *drv,
					 bool bind, const char *devdir, const char *devname);
/* Calls fn for each dax device below owner (hmem.N, or regionN): the first nonzero return. */
int srd_apply_each_dax(struct actx *c, const char *owner,
		       int (*fn)(struct actx *c, const char *dax, void *ud), void *ud);
/* DONE when no dax device below owner is online or in use; else REFUSED naming it (as what). */
enum srd_step_result srd_apply_refuse_busy(struct actx *c, const char *what, const char *owner);

/* ---- apply-dax.c: the attributes a [Device] rule sets ---- */

/* DONE when this kernel can give daxX.Y the align and memmap_on_memory a
 * wants (*ret_differ: some differ now), else REFUSED saying why. */
enum srd_step_result srd_apply_dax_check(struct actx *c, const char *name,
					 const struct srd_action *a, bool *ret_differ);
/* Stores (and re-reads) what differs; the device must be unbound. */
enum srd_step_result srd_apply_dax_set(struct actx *c, const char *name,
				       const struct srd_action *a);
/* The undo: stores back what srd_apply_dax_set() changed; the device must be unbound. */
enum srd_step_result srd_apply_dax_restore(struct actx *c, const char *name);

/* ---- apply-region.c ---- */

enum srd_step_result srd_apply_release_region(struct actx *c, const struct srd_action *a);
enum srd_step_result srd_apply_destroy_region(struct actx *c, const struct srd_action *a);
enum srd_step_result srd_apply_enable_region(struct actx *c, const struct srd_action *a);
enum srd_step_result srd_apply_undo_release_region(struct actx *c, const struct srd_action *a);
enum srd_step_result srd_apply_undo_enable_region(struct actx *c, const struct srd_action *a);

/* Carries out one action: interlocks read fresh, the stores, their verification. */
enum srd_step_result srd_apply_run(struct actx *c, const struct srd_action *a);
/* Undoes one completed action; *ret_no_undo says why when the kind has no undo. */
enum srd_step_result srd_apply_undo(struct actx *c, const struct srd_action *a,
				    const char **ret_no_undo);

/* ---- apply-progress.c ---- */

void srd_apply_progress(const struct srd_apply_opts *o, const struct srd_decision *d,
			const struct srd_apply_result *res, size_t current, bool finished);

/* create-region: a recorded layout built again on its HPA (apply-create.c). */
enum srd_step_result srd_apply_create_region(struct actx *c, const struct srd_action *a);
