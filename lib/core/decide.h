/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision: inventory + policy (+ what settle observed and the time,
 * passed in) -> a verdict, a target owner and a reason for every Soft
 * Reserved range, and an ordered plan of abstract actions.  A pure function:
 * no I/O, no clock, no logging, so every rule is tested on literal data.
 */
#pragma once

#include "inventory.h"
#include "policy.h"

enum srd_verdict {
	SRD_VERDICT_CXL,
	SRD_VERDICT_HMEM,
	SRD_VERDICT_MIXED,
	SRD_VERDICT_NONE,
	_SRD_VERDICT_MAX,
};
const char *srd_verdict_to_string(enum srd_verdict v);

/* What srd wants for one range. */
enum srd_target {
	SRD_TARGET_CXL,
	SRD_TARGET_HMEM,
	SRD_TARGET_UNCHANGED, /* excluded, audit-only, fallback=keep, or cannot be served */
	_SRD_TARGET_MAX,
};
const char *srd_target_to_string(enum srd_target t);

/* Abstract actions, in the order a plan runs them (see plan.c). */
enum srd_action_kind {
	SRD_ACTION_OFFLINE_MEMORY, /* daxX.Y: take its memory offline */
	SRD_ACTION_RELEASE_HMEM, /* hmem.N: dax_hmem lets go */
	SRD_ACTION_RELEASE_REGION, /* regionN: CXL lets go, decoders stay committed */
	SRD_ACTION_DESTROY_REGION, /* regionN: de-commit and delete, the HPA returns */
	SRD_ACTION_UNBIND_CXL_ACPI, /* ACPI0017:00: the whole CXL topology goes */
	SRD_ACTION_ENABLE_REGION, /* regionN: bind the region driver (again) */
	SRD_ACTION_CREATE_REGION, /* 0xSTART-0xEND: from a recorded layout */
	SRD_ACTION_CLAIM_HMEM, /* hmem.N or 0xSTART-0xEND: dax_hmem registers it */
	SRD_ACTION_CONFIGURE_DAX, /* daxX.Y: devdax or system-ram, online zone */
	_SRD_ACTION_MAX,
};
const char *srd_action_to_string(enum srd_action_kind k);

/* The ACPI0017 device cxl_acpi binds: the target of unbind-cxl-acpi. */
#define SRD_CXL_ACPI_DEVICE "ACPI0017:00"

struct srd_action {
	enum srd_action_kind kind;
	char target[SRD_NAME_MAX];
	struct srd_range range; /* the Soft Reserved range it serves */
	enum srd_dax_mode dax_mode; /* configure-dax */
	enum srd_online online; /* configure-dax */
	int memmap_on_memory; /* configure-dax: 0, 1, or -1 to leave it */
	uint64_t align_bytes; /* configure-dax: 0 to leave it */
	char rule[160]; /* configure-dax: the [Device] rule's FILE:LINE, "" for the default */
	int layout; /* create-region: index of the recorded layout */
	char reason[320];
};

struct srd_range_decision {
	struct srd_range range;
	enum srd_owner owner; /* now */
	enum srd_target target;
	unsigned sources;
	bool excluded;
	bool blocked; /* the policy's owner cannot be given safely; left unchanged */
	bool held; /* its owner changed by hand since srd's last pass: left alone */
	bool via_cxl_acpi; /* dax_hmem gets it once cxl_acpi is unbound (handoff.c) */
	char reason[512];
};

/* What the caller observed while waiting for CXL to settle. */
struct srd_decide_input {
	uint64_t now_usec; /* stamped into the decision, never read from a clock here */
	bool settle_timed_out; /* expected devices did not appear in time */
	/* --policy NAME: replaces Mode= (NULL: none).  The administrator deciding
	 * now also overrides the fallback a CXL failure (inventory.h) calls for. */
	const char *policy_override;
	/*
	 * Ranges whose owner changed since srd's last pass without srd (an
	 * administrator's region, an unbound driver): left as they are, like
	 * excluded ones, unless the policy says Reassert=yes.
	 */
	const struct srd_range *hold;
	size_t n_hold;
	/* Ranges of regions taken down for a hotplug replace: left alone until it completes. */
	const struct srd_range *replacing;
	size_t n_replacing;
};

struct srd_decision {
	enum srd_mode mode;
	enum srd_verdict verdict;
	bool fallback; /* the policy's fallback decided instead of Mode= */
	bool refused; /* nothing may be done: see refusal */
	char refusal[512];
	char summary[512];
	uint64_t decided_usec;

	struct srd_range_decision *ranges;
	size_t n_ranges;
	struct srd_action *actions;
	size_t n_actions;
	/* Regions overlapping no Soft Reserved range: never touched. */
	char (*innocent)[SRD_NAME_MAX];
	size_t n_innocent;

	bool oom; /* internal: an allocation failed while planning */
};

/*
 * Decides.  Returns 0 (with *ret set), -EINVAL for an unknown policy override,
 * or -ENOMEM.  An incomplete or inconsistent inventory still gets a verdict,
 * but an empty plan and refused set.
 */
int srd_decide(const struct srd_inventory *inv, const struct srd_policy *pol,
	       const struct srd_decide_input *in, struct srd_decision **ret);
void srd_decision_free(struct srd_decision *d);
SRD_DEFINE_CLEANUP(struct srd_decision *, srd_decision_free)

/*
 * Whether the machine, as re-read after carrying d out, is as d wanted:
 * every range d gave CXL has no dax_hmem share and some CXL share (prefer-cxl
 * may give CXL a range its regions decode only in part), every range d gave
 * dax_hmem is dax_hmem's alone.  audit wants nothing.  fn, when set, is called
 * for each range that is not (now: NULL when the range is gone).
 */
bool srd_decision_converged(const struct srd_decision *d, const struct srd_inventory *after,
			    void (*fn)(const struct srd_range_decision *want, enum srd_owner wanted,
				       const struct srd_sr_range *now, void *userdata),
			    void *userdata);
