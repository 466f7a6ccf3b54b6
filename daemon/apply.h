/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The executor: the only code in srd that writes to sysfs.  It carries out a
 * decision's plan, action by action, re-reading the state after every write,
 * refusing any action whose interlock fails, and recording its progress under
 * /run/srd so an interrupted run is detected at the next start.
 */
#pragma once

#include <stdio.h>

#include "decide.h"
#include "replace.h"

struct srd_step;

struct srd_apply_opts {
	bool dry_run; /* print the writes, make none */
	const char *root; /* prefix of every /sys, /proc and /dev path (NULL: the live machine) */
	FILE *out; /* where the dry run and progress lines go (may be NULL) */
	const char *state_dir; /* progress record directory; NULL: none */
	bool allow_offline; /* the policy's AllowOffline= */
	/*
	 * Observers (may be NULL): every store with its result (0 or negative
	 * errno), each action when it ends, and each undo.  The daemon journals
	 * them and pets its watchdog; they must not write sysfs.
	 */
	void (*on_write)(void *userdata, const char *path, const char *value, int error);
	/* Called every 20 ms while a store that may block is running (the daemon
	 * feeds its watchdog); such a store is given block_deadline_usec (0: 60 s). */
	void (*on_wait)(void *userdata);
	uint64_t block_deadline_usec;
	void (*on_step)(void *userdata, const struct srd_action *a, const struct srd_step *st,
			bool undo);
	void *userdata;
	/* The recorded layouts create-region actions index (lib/core/replace.h). */
	const struct srd_layout *layouts;
	size_t n_layouts;
};

enum srd_step_result {
	SRD_STEP_DONE,
	SRD_STEP_ALREADY, /* the state already matched: nothing written */
	SRD_STEP_REFUSED, /* an interlock said no; nothing written */
	SRD_STEP_FAILED, /* a write failed or did not take */
	SRD_STEP_SKIPPED, /* an earlier action failed */
};
const char *srd_step_result_to_string(enum srd_step_result r);

struct srd_step {
	enum srd_step_result result;
	int error; /* negative errno for FAILED */
	char message[320];
	bool rolled_back; /* undone after a later action failed */
	char rollback[160]; /* what the undo did, or why it could not */
	bool was_movable; /* offline-memory: the zone to return to */
	bool was_enabled; /* enable-region: it was enabled before (a re-probe) */
	char undo_target[SRD_NAME_MAX]; /* claim-hmem: the hmem.N srd bound; configure-dax: the
					   device */
	char prev_driver[SRD_NAME_MAX]; /* configure-dax: the driver to return to ("" unbound) */
	bool set_align, set_memmap; /* configure-dax: stored align / memmap_on_memory ... */
	uint64_t prev_align; /* ... and the values to restore on undo */
	bool prev_memmap;
};

struct srd_apply_result {
	struct srd_step *steps; /* one per action of the plan */
	size_t n_steps;
	size_t n_done, n_already, n_failed, n_refused;
	size_t n_undo_failed; /* completed actions whose undo failed or that have none */
	char interrupted[256]; /* a previous run's unfinished progress, if any */
};

/*
 * Carries out d's plan.  Stops at the first action that fails or is refused
 * (later actions depend on it), marking the rest SKIPPED, and then undoes the
 * actions it completed, newest first, where an undo exists (a released region
 * is enabled again, a released hmem device re-bound, offlined memory onlined,
 * cxl_acpi re-bound), so a failure leaves the machine as it found it rather
 * than with a range nobody owns.  Returns 0 when every action is DONE or
 * ALREADY, the negative errno of the first failure, or -ENOMEM.  The result is
 * filled in either case.
 */
int srd_apply(const struct srd_decision *d, const struct srd_inventory *inv,
	      const struct srd_apply_opts *o, struct srd_apply_result *ret);
void srd_apply_result_done(struct srd_apply_result *r);

/* Reads the progress record a previous run left; fills why when one is unfinished. */
bool srd_apply_interrupted(const char *state_dir, char *why, size_t size);
/*
 * Takes down what a create-region cut short (srd killed while it built a
 * region) left, by the note it keeps in o->state_dir while it builds: the
 * region unless its commit went through, and the DPA of its endpoint
 * decoders that no region holds.  Returns 0 (no note), 1 (what says what
 * was done) or a negative errno.
 */
int srd_apply_create_cleanup(const struct srd_apply_opts *o, char *what, size_t size);
