/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One pass: a settled machine in, a decision carried out and checked.  Read
 * the inventory (or take one that is still valid), decide by the policy,
 * carry the plan out, re-read and compare with the verdict.  The daemon's
 * passes (boot, events, reload), its requests (apply, replace) and srd --once
 * all go through it; settling stays with the caller, which hands the pass
 * what it found (struct srd_pass_input).  The outcome is a typed record
 * (struct srd_pass): the tools render it as text or JSON, the daemon judges
 * it, neither reads it back from its own output.
 */
#pragma once

#include <stdio.h>

#include "apply.h"
#include "decide.h"
#include "inventory.h"
#include "policy.h"
#include "srd-owners.h"

/* What the caller's settle found and what the decision must respect. */
struct srd_pass_input {
	const struct srd_policy *policy;
	const char *policy_override; /* --policy NAME (NULL or "": Mode=) */
	bool settle_timed_out; /* the expected devices did not appear in time */
	uint64_t now_usec; /* CLOCK_MONOTONIC, stamped into the decision */
	/* The owners the last pass left: ranges whose owner changed since are held. */
	const struct srd_owner_record *owners;
	size_t n_owners;
	/* Ranges of regions taken down for a hotplug replace. */
	const struct srd_range *replacing;
	size_t n_replacing;
};

/* How the plan is carried out (apply.h's options, as the pass passes them on). */
struct srd_pass_options {
	bool dry_run;
	bool allow_offline;
	FILE *out; /* the dry run's writes and the progress lines (may be NULL) */
	const char *state_dir;
	const struct srd_layout *layouts;
	size_t n_layouts;
	void (*on_write)(void *userdata, const char *path, const char *value, int error);
	void (*on_wait)(void *userdata);
	void (*on_step)(void *userdata, const struct srd_action *a, const struct srd_step *st,
			bool undo);
	void *userdata;
};

/* A range the checked inventory does not show as the verdict wanted. */
struct srd_unconverged {
	struct srd_range range;
	enum srd_owner wanted;
	enum srd_owner owner; /* meaningless when gone */
	bool gone; /* the range is not in the inventory any more */
	const char *reason; /* the decision's reason for the range */
};

struct srd_pass {
	/* What the pass decided on and what it decided: the pass's to free,
	 * unless borrowed (the daemon's kept inventory, or handed over to it). */
	struct srd_inventory *inventory;
	struct srd_decision *decision;
	bool borrowed_inventory, borrowed_decision;

	/* Carrying the plan out. */
	bool applied; /* srd_apply() ran */
	bool dry_run;
	bool wrote; /* it may have written (not a dry run, some action not ALREADY) */
	int apply_error; /* srd_apply()'s return; -EPERM for a refused plan with actions */
	struct srd_apply_result apply;
	char *writes; /* a dry run's writes, when the caller captured them (owned) */

	/* The check. */
	struct srd_inventory
	    *after; /* the re-read after writing (owned); NULL when none was needed */
	bool checked;
	bool converged; /* the checked inventory is as the verdict wants */
	struct srd_unconverged *unconverged;
	size_t n_unconverged;

	unsigned n_discoveries; /* times this pass read the machine */
	int error; /* negative errno: the machine could not be read or the decision made */
	char error_message[256];
};

/* Reads the machine into p->inventory.  Returns 0 or a negative errno (why in p->error_message). */
int srd_pass_read(struct srd_pass *p);
/* Hands the pass an inventory (taken over) that is still valid, and optionally a decision made on
 * it. */
void srd_pass_adopt(struct srd_pass *p, struct srd_inventory *inv, struct srd_decision *d);
/*
 * Decides on p->inventory (read first when the pass has none), holding the
 * ranges whose owner differs from in->owners.  Returns 0 or a negative errno.
 */
int srd_pass_decide(struct srd_pass *p, const struct srd_pass_input *in);
/*
 * Carries the plan out: nothing for a refused decision (apply_error -EPERM
 * when it had actions).  Returns apply_error, or -ENOMEM.
 */
int srd_pass_apply(struct srd_pass *p, const struct srd_pass_options *o);
/*
 * Checks the machine against the verdict: re-reads it when the plan may have
 * written, otherwise checks the inventory it decided on.  Returns 0 or a
 * negative errno (the re-read failed).
 */
int srd_pass_verify(struct srd_pass *p);
/* Compares inv with the verdict into p->converged and p->unconverged. */
int srd_pass_check(struct srd_pass *p, const struct srd_inventory *inv);
/* srd_pass_decide(), srd_pass_apply(), srd_pass_verify(); -ENOMEM or the read's or decision's
 * error. */
int srd_pass_run(struct srd_pass *p, const struct srd_pass_input *in,
		 const struct srd_pass_options *o);
/*
 * What a request reports as converged: a dry run whose plan could run, or a
 * plan carried out (not refused) that left the machine as the verdict wants.
 */
bool srd_pass_converged(const struct srd_pass *p);
/* The action that failed or was refused and its step, or false. */
bool srd_pass_failure(const struct srd_pass *p, const struct srd_action **ret_a,
		      const struct srd_step **ret_st);
void srd_pass_done(struct srd_pass *p);

/*
 * What settling and re-evaluation compare: the machine's objects and their
 * bindings as one string (problems and notes left out: they may name
 * transient states).  NULL when out of memory.
 */
char *srd_pass_fingerprint(const struct srd_inventory *inv);
