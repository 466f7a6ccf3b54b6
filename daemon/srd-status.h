/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's report: what the status document (srdctl status --json,
 * docs/status-json.md), the D-Bus properties and the node_exporter textfile
 * show, as one typed struct.  The manager fills it from its last pass
 * (srd_manager_report(), srd-manager-read.c); this module renders it and
 * reads nothing, so a report written out by hand renders as a live one does.
 */
#pragma once

#include <stdio.h>

#include <json-c/json.h>

#include "decide.h"
#include "inventory.h"
#include "policy.h"

enum srd_state {
	SRD_STATE_STARTING,
	SRD_STATE_SETTLING,
	SRD_STATE_DECIDING,
	SRD_STATE_APPLYING,
	SRD_STATE_SETTLED,
	SRD_STATE_DEGRADED,
	_SRD_STATE_MAX,
};
const char *srd_state_to_string(enum srd_state s);

/* The status document's schema version (docs/status-json.md). */
#define SRD_STATUS_SCHEMA 1

struct srd_tally {
	size_t ranges[_SRD_OWNER_MAX];
	uint64_t bytes[_SRD_OWNER_MAX];
	size_t held, blocked;
	size_t replacing; /* layouts taken down for a hotplug replace */
	uint64_t stranded_bytes; /* served by nobody, half-owned ranges' rest included */
};

/* One Soft Reserved range as the last inventory shows it, with the last decision's word on it. */
struct srd_report_range {
	struct srd_range range;
	enum srd_owner owner;
	const char *owner_reason;
	bool decided; /* the last decision has the range (target and reason apply) */
	enum srd_target target;
	const char *reason;
	bool held, blocked, excluded;
};

/* Bytes of dax devices on one target NUMA node, by owner ("cxl", "hmem", "other"). */
struct srd_report_node {
	int node;
	const char *owner;
	uint64_t bytes;
};

/* Strings point into whatever the report was built from; they are not the report's. */
struct srd_report {
	enum srd_state state;
	const char *reason;
	bool busy; /* a pass is under way, or a request waits behind one */

	bool have_decision;
	enum srd_verdict verdict;
	const char *summary;
	bool converged;
	uint64_t decided_realtime_usec;
	uint64_t inventory_read_usec;
	bool inventory_stale;

	bool have_policy; /* a valid policy is in force */
	enum srd_mode mode;
	const char *policy_error; /* why the last load failed ("" when it did not) */
	/* The [Device] sections ("FILE:LINE") that match no dax device of the last inventory. */
	const char **unmatched_rules;
	size_t n_unmatched_rules;

	bool have_inventory;
	struct srd_tally tally;
	uint64_t n_events, n_decisions, n_errors;
	struct srd_report_range *ranges;
	size_t n_ranges;
	struct srd_report_node *nodes;
	size_t n_nodes;
};

/* Frees the report's arrays. */
void srd_report_done(struct srd_report *r);
/*
 * The tally, ranges and nodes of inv as decided by d (may be NULL), and the
 * [Device] sections of p (may be NULL) that match nothing in inv; replacing
 * is the caller's count.
 */
int srd_report_fill(struct srd_report *r, const struct srd_inventory *inv,
		    const struct srd_decision *d, const struct srd_policy *p, size_t replacing);

/* The status document. */
struct json_object *srd_status_json(const struct srd_report *r);
/* The node_exporter textfile's text. */
int srd_status_metrics(const struct srd_report *r, FILE *f);
/* Rewrites the textfile at path atomically (a temporary file renamed over it). */
int srd_status_write_metrics(const struct srd_report *r, const char *path);
