// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the daemon reports (see srd-status.h): the versioned status document
 * and the node_exporter textfile, both rendered from a struct srd_report.
 * The report is made from the manager's last pass and the inventory it keeps
 * (srd-manager-read.c), so a status call never reads the machine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "config.h"
#include "policy-device.h"
#include "srd-json.h"
#include "srd-status.h"

static const char *const state_names[_SRD_STATE_MAX] = {
    "starting", "settling", "deciding", "applying", "settled", "degraded",
};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_state, enum srd_state, state_names, _SRD_STATE_MAX)

void srd_report_done(struct srd_report *r)
{
	free(r->ranges);
	free(r->nodes);
	free(r->unmatched_rules);
	r->ranges = NULL;
	r->nodes = NULL;
	r->unmatched_rules = NULL;
	r->n_ranges = r->n_nodes = r->n_unmatched_rules = 0;
}

static const char *dax_owner(enum srd_dax_kind k)
{
	return k == SRD_DAX_HMEM ? "hmem" : k == SRD_DAX_CXL ? "cxl" : "other";
}

/* Bytes of the dax devices per target NUMA node and owner (cxl: a region's,
 * hmem: dax_hmem's), each (node, owner) once, in the order first seen. */
static int fill_nodes(struct srd_report *r, const struct srd_inventory *inv)
{
	for (size_t i = 0; i < inv->n_dax; i++) {
		const struct srd_dax_dev *d = &inv->dax[i];
		uint64_t bytes = 0;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = inv->dax[j].target_node == d->target_node &&
			       inv->dax[j].kind == d->kind;
		if (seen)
			continue;
		for (size_t j = i; j < inv->n_dax; j++)
			if (inv->dax[j].target_node == d->target_node &&
			    inv->dax[j].kind == d->kind && inv->dax[j].has_range)
				bytes += srd_range_size(&inv->dax[j].range);
		if (srd_grow((void **)&r->nodes, r->n_nodes, sizeof(*r->nodes)) < 0)
			return -ENOMEM;
		r->nodes[r->n_nodes++] =
		    (struct srd_report_node){d->target_node, dax_owner(d->kind), bytes};
	}
	return 0;
}

/* The [Device] sections that match no dax device: reported, not an error (hardware not yet
 * present). */
static int fill_unmatched(struct srd_report *r, const struct srd_inventory *inv,
			  const struct srd_policy *p)
{
	_cleanup_free_ size_t *ids = NULL;
	int n = srd_device_rules_unmatched(p, inv, &ids);

	if (n <= 0)
		return n;
	r->unmatched_rules = calloc((size_t)n, sizeof(*r->unmatched_rules));
	if (!r->unmatched_rules)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		r->unmatched_rules[r->n_unmatched_rules++] = p->device_rules[ids[i]].origin.where;
	return 0;
}

int srd_report_fill(struct srd_report *r, const struct srd_inventory *inv,
		    const struct srd_decision *d, const struct srd_policy *p, size_t replacing)
{
	struct srd_tally *t = &r->tally;
	int e;

	*t = (struct srd_tally){.replacing = replacing};
	for (size_t i = 0; d && i < d->n_ranges; i++) {
		t->held += d->ranges[i].held;
		t->blocked += d->ranges[i].blocked;
	}
	r->have_inventory = inv != NULL;
	if (!inv)
		return 0;
	r->ranges = calloc(inv->n_ranges ? inv->n_ranges : 1, sizeof(*r->ranges));
	if (!r->ranges)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_ranges; i++) {
		const struct srd_sr_range *u = &inv->ranges[i];
		struct srd_report_range *x = &r->ranges[r->n_ranges++];
		const struct srd_range_decision *rd = NULL;
		uint64_t size = srd_range_size(&u->range), served = u->cxl_bytes + u->hmem_bytes;

		t->ranges[u->owner]++;
		t->bytes[u->owner] += size;
		t->stranded_bytes += u->owner == SRD_OWNER_NONE ? size
				     : served < size		? size - served
								: 0;
		for (size_t k = 0; d && k < d->n_ranges && !rd; k++)
			if (srd_range_equal(&d->ranges[k].range, &u->range))
				rd = &d->ranges[k];
		*x = (struct srd_report_range){
		    .range = u->range,
		    .owner = u->owner,
		    .owner_reason = u->reason,
		    .decided = rd != NULL,
		    .target = rd ? rd->target : SRD_TARGET_UNCHANGED,
		    .reason = rd ? rd->reason : "",
		    .held = rd && rd->held,
		    .blocked = rd && rd->blocked,
		    .excluded = rd && rd->excluded && !rd->held,
		};
	}
	e = fill_nodes(r, inv);
	if (e >= 0 && p)
		e = fill_unmatched(r, inv, p);
	return e;
}

static struct json_object *ranges_json(const struct srd_report *r)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->n_ranges; i++) {
		const struct srd_report_range *u = &r->ranges[i];
		struct json_object *x = json_object_new_object();

		srd_json_add_range(x, &u->range);
		json_object_object_add(x, "owner",
				       json_object_new_string(srd_owner_to_string(u->owner)));
		json_object_object_add(x, "owner_reason", json_object_new_string(u->owner_reason));
		json_object_object_add(
		    x, "target",
		    json_object_new_string(u->decided ? srd_target_to_string(u->target) : ""));
		json_object_object_add(x, "reason", json_object_new_string(u->reason));
		json_object_object_add(x, "held", json_object_new_boolean(u->held));
		json_object_object_add(x, "blocked", json_object_new_boolean(u->blocked));
		json_object_object_add(x, "excluded", json_object_new_boolean(u->excluded));
		json_object_array_add(a, x);
	}
	return a;
}

struct json_object *srd_status_json(const struct srd_report *r)
{
	struct json_object *o = json_object_new_object(), *pol = json_object_new_object(),
			   *counts = json_object_new_object(), *bytes = json_object_new_object();
	const struct srd_tally *t = &r->tally;

	json_object_object_add(o, "schema_version", json_object_new_int(SRD_STATUS_SCHEMA));
	json_object_object_add(o, "version", json_object_new_string(SRD_VERSION));
	json_object_object_add(o, "state", json_object_new_string(srd_state_to_string(r->state)));
	/* A pass in progress: still waiting for the kernel after a failed apply
	 * (the state stays degraded), or a request queued behind it. */
	json_object_object_add(o, "busy", json_object_new_boolean(r->busy));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	json_object_object_add(
	    o, "verdict",
	    json_object_new_string(r->have_decision ? srd_verdict_to_string(r->verdict) : ""));
	json_object_object_add(o, "summary",
			       json_object_new_string(r->have_decision ? r->summary : ""));
	json_object_object_add(o, "converged",
			       json_object_new_boolean(r->have_decision && r->converged));
	json_object_object_add(o, "last_decision_usec",
			       json_object_new_int64((int64_t)r->decided_realtime_usec));
	json_object_object_add(o, "inventory_read_usec",
			       json_object_new_int64((int64_t)r->inventory_read_usec));
	json_object_object_add(o, "inventory_stale", json_object_new_boolean(r->inventory_stale));
	json_object_object_add(pol, "valid", json_object_new_boolean(r->have_policy));
	json_object_object_add(
	    pol, "mode", json_object_new_string(r->have_policy ? srd_mode_to_string(r->mode) : ""));
	json_object_object_add(pol, "error", json_object_new_string(r->policy_error));
	if (r->have_policy) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < r->n_unmatched_rules; i++)
			json_object_array_add(a, json_object_new_string(r->unmatched_rules[i]));
		json_object_object_add(pol, "unmatched_device_rules", a);
	}
	json_object_object_add(o, "policy", pol);
	for (int k = 0; k < _SRD_OWNER_MAX; k++) {
		json_object_object_add(counts, srd_owner_to_string(k),
				       json_object_new_int64((int64_t)t->ranges[k]));
		json_object_object_add(bytes, srd_owner_to_string(k), srd_json_hex(t->bytes[k]));
	}
	json_object_object_add(bytes, "stranded", srd_json_hex(t->stranded_bytes));
	json_object_object_add(counts, "held", json_object_new_int64((int64_t)t->held));
	json_object_object_add(counts, "blocked", json_object_new_int64((int64_t)t->blocked));
	json_object_object_add(counts, "replacing", json_object_new_int64((int64_t)t->replacing));
	json_object_object_add(counts, "events", json_object_new_int64((int64_t)r->n_events));
	json_object_object_add(counts, "decisions", json_object_new_int64((int64_t)r->n_decisions));
	json_object_object_add(counts, "errors", json_object_new_int64((int64_t)r->n_errors));
	json_object_object_add(o, "counts", counts);
	json_object_object_add(o, "bytes", bytes);
	json_object_object_add(o, "ranges", ranges_json(r));
	return o;
}

/* ---- the node_exporter textfile ---- */

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int srd_status_metrics(const struct srd_report *r, FILE *f)
{
	const struct srd_tally *t = &r->tally;

	metric(f, "srd_build_info", "gauge", "srd's version (always 1).");
	fprintf(f, "srd_build_info{version=\"%s\"} 1\n", SRD_VERSION);
	metric(f, "srd_policy_info", "gauge",
	       "The policy mode in force (always 1; \"invalid\" without one).");
	fprintf(f, "srd_policy_info{mode=\"%s\"} 1\n",
		r->have_policy ? srd_mode_to_string(r->mode) : "invalid");
	metric(f, "srd_state", "gauge", "The daemon's state (1 for the current one).");
	for (int s = 0; s < _SRD_STATE_MAX; s++)
		fprintf(f, "srd_state{state=\"%s\"} %d\n", srd_state_to_string(s),
			r->state == (enum srd_state)s);
	metric(f, "srd_verdict", "gauge", "The last decision's verdict (1 for the current one).");
	for (int v = 0; v < _SRD_VERDICT_MAX; v++)
		fprintf(f, "srd_verdict{verdict=\"%s\"} %d\n", srd_verdict_to_string(v),
			r->have_decision && r->verdict == (enum srd_verdict)v);
	metric(f, "srd_converged", "gauge", "1 when the machine matches the last verdict.");
	fprintf(f, "srd_converged %d\n", r->have_decision && r->converged);
	metric(f, "srd_policy_valid", "gauge", "0 while the configuration on disk is invalid.");
	fprintf(f, "srd_policy_valid %d\n", r->have_policy && !r->policy_error[0]);
	metric(f, "srd_ranges", "gauge", "Soft Reserved ranges by owner.");
	for (int k = 0; k < _SRD_OWNER_MAX; k++)
		fprintf(f, "srd_ranges{owner=\"%s\"} %zu\n", srd_owner_to_string(k), t->ranges[k]);
	metric(f, "srd_range_bytes", "gauge", "Bytes of Soft Reserved memory by owner.");
	for (int k = 0; k < _SRD_OWNER_MAX; k++)
		fprintf(f, "srd_range_bytes{owner=\"%s\"} %" PRIu64 "\n", srd_owner_to_string(k),
			t->bytes[k]);
	metric(
	    f, "srd_stranded_bytes", "gauge",
	    "Bytes of Soft Reserved memory nobody serves, the rest of half-owned ranges included.");
	fprintf(f, "srd_stranded_bytes %" PRIu64 "\n", t->stranded_bytes);
	metric(f, "srd_node_bytes", "gauge", "Bytes of dax devices by target NUMA node and owner.");
	for (size_t i = 0; i < r->n_nodes; i++)
		fprintf(f, "srd_node_bytes{node=\"%d\",owner=\"%s\"} %" PRIu64 "\n",
			r->nodes[i].node, r->nodes[i].owner, r->nodes[i].bytes);
	metric(f, "srd_held_ranges", "gauge", "Ranges left alone because they changed by hand.");
	fprintf(f, "srd_held_ranges %zu\n", t->held);
	metric(f, "srd_blocked_ranges", "gauge", "Ranges whose wanted owner an interlock refused.");
	fprintf(f, "srd_blocked_ranges %zu\n", t->blocked);
	metric(f, "srd_last_decision_timestamp_seconds", "gauge",
	       "When srd last decided (Unix time).");
	fprintf(f, "srd_last_decision_timestamp_seconds %" PRIu64 ".%06" PRIu64 "\n",
		r->decided_realtime_usec / 1000000, r->decided_realtime_usec % 1000000);
	metric(f, "srd_decisions_total", "counter", "Decisions since the daemon started.");
	fprintf(f, "srd_decisions_total %" PRIu64 "\n", r->n_decisions);
	metric(f, "srd_errors_total", "counter",
	       "Failed applies, unconverged passes, unreadable machines.");
	fprintf(f, "srd_errors_total %" PRIu64 "\n", r->n_errors);
	metric(f, "srd_uevents_total", "counter", "Relevant uevents seen.");
	fprintf(f, "srd_uevents_total %" PRIu64 "\n", r->n_events);
	return ferror(f) ? -ENOMEM : 0;
}

int srd_status_write_metrics(const struct srd_report *r, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *f;
	int k;

	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	k = srd_status_metrics(r, f);
	if (fclose(f) != 0 || k < 0)
		return -ENOMEM;
	/* The directory is node_exporter's as well: nothing planted in it may be
	 * written through.  Readable by node_exporter whatever srd's umask. */
	return srd_atomic_write_file(path, text, len, 0644);
}
