// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the daemon reports: the versioned status document (srdctl status
 * --json, docs/status-json.md), the snapshot for bug reports, and the
 * node_exporter textfile.  Built from the manager's last pass and the
 * inventory it keeps (srd-manager-read.c), so a status call never reads
 * the machine and a snapshot reads it only when uevents made it stale.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic-file.h"
#include "config.h"
#include "discover.h"
#include "srd-json.h"
#include "srd-layout.h"
#include "srd-log.h"
#include "srd-manager.h"
#include "srd-status.h"
#include "read.h"

void srd_status_tally(const struct srd_manager *m, struct srd_tally *t)
{
	*t = (struct srd_tally){};
	if (!m->inventory)
		return;
	for (size_t i = 0; i < m->inventory->n_ranges; i++) {
		const struct srd_sr_range *u = &m->inventory->ranges[i];

		uint64_t size = srd_range_size(&u->range), served = u->cxl_bytes + u->hmem_bytes;

		t->ranges[u->owner]++;
		t->bytes[u->owner] += size;
		t->stranded_bytes += u->owner == SRD_OWNER_NONE ? size : served < size ? size - served : 0;
	}
	for (size_t k = 0; k < m->n_layouts; k++)
		t->replacing += m->layouts[k].replace != SRD_REPLACE_NONE;
	for (size_t i = 0; m->decision && i < m->decision->n_ranges; i++) {
		t->held += m->decision->ranges[i].held;
		t->blocked += m->decision->ranges[i].blocked;
	}
}

static struct json_object *ranges_json(const struct srd_manager *m)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; m->inventory && i < m->inventory->n_ranges; i++) {
		const struct srd_sr_range *u = &m->inventory->ranges[i];
		const struct srd_range_decision *rd = NULL;
		struct json_object *x = json_object_new_object();

		for (size_t k = 0; m->decision && k < m->decision->n_ranges && !rd; k++)
			if (srd_range_equal(&m->decision->ranges[k].range, &u->range))
				rd = &m->decision->ranges[k];
		srd_json_add_range(x, &u->range);
		json_object_object_add(x, "owner", json_object_new_string(srd_owner_to_string(u->owner)));
		json_object_object_add(x, "owner_reason", json_object_new_string(u->reason));
		json_object_object_add(x, "target", json_object_new_string(rd ? srd_target_to_string(rd->target) : ""));
		json_object_object_add(x, "reason", json_object_new_string(rd ? rd->reason : ""));
		json_object_object_add(x, "held", json_object_new_boolean(rd && rd->held));
		json_object_object_add(x, "blocked", json_object_new_boolean(rd && rd->blocked));
		json_object_object_add(x, "excluded", json_object_new_boolean(rd && rd->excluded && !rd->held));
		json_object_array_add(a, x);
	}
	return a;
}

struct json_object *srd_manager_status_json(const struct srd_manager *m)
{
	struct json_object *o = json_object_new_object(), *pol = json_object_new_object(),
			   *counts = json_object_new_object(), *bytes = json_object_new_object();
	struct srd_tally t;

	srd_status_tally(m, &t);
	json_object_object_add(o, "schema_version", json_object_new_int(SRD_STATUS_SCHEMA));
	json_object_object_add(o, "version", json_object_new_string(SRD_VERSION));
	json_object_object_add(o, "state", json_object_new_string(srd_state_to_string(m->state)));
	/* A pass in progress: still waiting for the kernel after a failed apply
	 * (the state stays degraded), or a request queued behind it. */
	json_object_object_add(o, "busy", json_object_new_boolean(m->in_pass || m->pending_request));
	json_object_object_add(o, "reason", json_object_new_string(m->reason));
	json_object_object_add(o, "verdict",
			       json_object_new_string(m->decision ? srd_verdict_to_string(m->decision->verdict) : ""));
	json_object_object_add(o, "summary", json_object_new_string(m->decision ? m->decision->summary : ""));
	json_object_object_add(o, "converged", json_object_new_boolean(m->decision && m->converged));
	json_object_object_add(o, "last_decision_usec", json_object_new_int64((int64_t)m->decided_realtime_usec));
	json_object_object_add(o, "inventory_read_usec", json_object_new_int64((int64_t)m->inventory_realtime_usec));
	json_object_object_add(o, "inventory_stale", json_object_new_boolean(srd_manager_inventory_stale(m)));
	json_object_object_add(pol, "valid", json_object_new_boolean(m->policy != NULL));
	json_object_object_add(pol, "mode", json_object_new_string(m->policy ? srd_mode_to_string(m->policy->mode) : ""));
	json_object_object_add(pol, "error", json_object_new_string(m->policy_error));
	json_object_object_add(o, "policy", pol);
	for (int k = 0; k < _SRD_OWNER_MAX; k++) {
		json_object_object_add(counts, srd_owner_to_string(k), json_object_new_int64((int64_t)t.ranges[k]));
		json_object_object_add(bytes, srd_owner_to_string(k), srd_json_hex(t.bytes[k]));
	}
	json_object_object_add(bytes, "stranded", srd_json_hex(t.stranded_bytes));
	json_object_object_add(counts, "held", json_object_new_int64((int64_t)t.held));
	json_object_object_add(counts, "blocked", json_object_new_int64((int64_t)t.blocked));
	json_object_object_add(counts, "replacing", json_object_new_int64((int64_t)t.replacing));
	json_object_object_add(counts, "events", json_object_new_int64((int64_t)m->n_events));
	json_object_object_add(counts, "decisions", json_object_new_int64((int64_t)m->n_decisions));
	json_object_object_add(counts, "errors", json_object_new_int64((int64_t)m->n_errors));
	json_object_object_add(o, "counts", counts);
	json_object_object_add(o, "bytes", bytes);
	json_object_object_add(o, "ranges", ranges_json(m));
	return o;
}

/* The machine a report comes from: what a [Match] section sees (the product
 * serial only root may read, so it stays out of this world-readable document)
 * and the firmware's version.  `srdctl snapshot --anonymize` drops it all. */
static struct json_object *host_json(void)
{
	static const char *const dmi[] = { "sys_vendor", "product_name", "board_name",
					   "bios_vendor", "bios_version", "bios_date" };
	struct json_object *o = json_object_new_object(), *d = json_object_new_object();
	char buf[256] = "", path[64];

	if (gethostname(buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	json_object_object_add(o, "hostname", json_object_new_string(buf));
	for (size_t i = 0; i < ARRAY_SIZE(dmi); i++) {
		snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", dmi[i]);
		if (srd_read_line(path, buf, sizeof(buf)) >= 0)
			json_object_object_add(d, dmi[i], json_object_new_string(buf));
	}
	json_object_object_add(o, "dmi", d);
	return o;
}

struct json_object *srd_manager_snapshot_json(struct srd_manager *m)
{
	struct json_object *o = json_object_new_object(), *layouts;
	const struct srd_inventory *now = NULL;
	char release[128] = "";
	/* The kept inventory (srd-manager-read.c), first: the status then tells of the same read. */
	int r = srd_manager_inventory(m, &now);

	json_object_object_add(o, "status", srd_manager_status_json(m));
	json_object_object_add(o, "host", host_json());
	if (m->policy)
		json_object_object_add(o, "policy", srd_json_policy(m->policy));
	if (m->decision && m->inventory)
		json_object_object_add(o, "decision", srd_json_decision(m->decision, m->inventory));
	if (m->have_last_apply && m->decision)
		json_object_object_add(o, "last_apply", srd_json_apply(m->decision, &m->last_apply, false));
	layouts = json_object_new_array();
	for (size_t k = 0; k < m->n_layouts; k++)
		json_object_array_add(layouts, srd_layout_to_json(&m->layouts[k]));
	json_object_object_add(o, "layouts", layouts);
	if (r >= 0) {
		json_object_object_add(o, "inventory", srd_manager_inventory_json(m));
		snprintf(release, sizeof(release), "%s", now->kernel_release);
	} else {
		json_object_object_add(o, "inventory_error", json_object_new_string(strerror(-r)));
	}
	json_object_object_add(o, "kernel_release", json_object_new_string(release));
	return o;
}

/* ---- the node_exporter textfile ---- */

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *dax_owner(enum srd_dax_kind k)
{
	return k == SRD_DAX_HMEM ? "hmem" : k == SRD_DAX_CXL ? "cxl" : "other";
}

/* Bytes of the dax devices per target NUMA node and owner (cxl: a region's,
 * hmem: dax_hmem's), each (node, owner) once, in the order first seen. */
static void node_bytes(FILE *f, const struct srd_inventory *inv)
{
	metric(f, "srd_node_bytes", "gauge", "Bytes of dax devices by target NUMA node and owner.");
	for (size_t i = 0; inv && i < inv->n_dax; i++) {
		const struct srd_dax_dev *d = &inv->dax[i];
		uint64_t bytes = 0;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = inv->dax[j].target_node == d->target_node && inv->dax[j].kind == d->kind;
		if (seen)
			continue;
		for (size_t j = i; j < inv->n_dax; j++)
			if (inv->dax[j].target_node == d->target_node && inv->dax[j].kind == d->kind &&
			    inv->dax[j].has_range)
				bytes += srd_range_size(&inv->dax[j].range);
		fprintf(f, "srd_node_bytes{node=\"%d\",owner=\"%s\"} %" PRIu64 "\n", d->target_node,
			dax_owner(d->kind), bytes);
	}
}

int srd_status_write_metrics(const struct srd_manager *m, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct srd_tally t;
	FILE *f;
	int r;

	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	srd_status_tally(m, &t);
	metric(f, "srd_build_info", "gauge", "srd's version (always 1).");
	fprintf(f, "srd_build_info{version=\"%s\"} 1\n", SRD_VERSION);
	metric(f, "srd_policy_info", "gauge", "The policy mode in force (always 1; \"invalid\" without one).");
	fprintf(f, "srd_policy_info{mode=\"%s\"} 1\n", m->policy ? srd_mode_to_string(m->policy->mode) : "invalid");
	metric(f, "srd_state", "gauge", "The daemon's state (1 for the current one).");
	for (int s = 0; s < _SRD_STATE_MAX; s++)
		fprintf(f, "srd_state{state=\"%s\"} %d\n", srd_state_to_string(s), m->state == (enum srd_state)s);
	metric(f, "srd_verdict", "gauge", "The last decision's verdict (1 for the current one).");
	for (int v = 0; v < _SRD_VERDICT_MAX; v++)
		fprintf(f, "srd_verdict{verdict=\"%s\"} %d\n", srd_verdict_to_string(v),
			m->decision && m->decision->verdict == (enum srd_verdict)v);
	metric(f, "srd_converged", "gauge", "1 when the machine matches the last verdict.");
	fprintf(f, "srd_converged %d\n", m->decision && m->converged);
	metric(f, "srd_policy_valid", "gauge", "0 while the configuration on disk is invalid.");
	fprintf(f, "srd_policy_valid %d\n", m->policy && !m->policy_error[0]);
	metric(f, "srd_ranges", "gauge", "Soft Reserved ranges by owner.");
	for (int k = 0; k < _SRD_OWNER_MAX; k++)
		fprintf(f, "srd_ranges{owner=\"%s\"} %zu\n", srd_owner_to_string(k), t.ranges[k]);
	metric(f, "srd_range_bytes", "gauge", "Bytes of Soft Reserved memory by owner.");
	for (int k = 0; k < _SRD_OWNER_MAX; k++)
		fprintf(f, "srd_range_bytes{owner=\"%s\"} %" PRIu64 "\n", srd_owner_to_string(k), t.bytes[k]);
	metric(f, "srd_stranded_bytes", "gauge",
	       "Bytes of Soft Reserved memory nobody serves, the rest of half-owned ranges included.");
	fprintf(f, "srd_stranded_bytes %" PRIu64 "\n", t.stranded_bytes);
	node_bytes(f, m->inventory);
	metric(f, "srd_held_ranges", "gauge", "Ranges left alone because they changed by hand.");
	fprintf(f, "srd_held_ranges %zu\n", t.held);
	metric(f, "srd_blocked_ranges", "gauge", "Ranges whose wanted owner an interlock refused.");
	fprintf(f, "srd_blocked_ranges %zu\n", t.blocked);
	metric(f, "srd_last_decision_timestamp_seconds", "gauge", "When srd last decided (Unix time).");
	fprintf(f, "srd_last_decision_timestamp_seconds %" PRIu64 ".%06" PRIu64 "\n",
		m->decided_realtime_usec / 1000000, m->decided_realtime_usec % 1000000);
	metric(f, "srd_decisions_total", "counter", "Decisions since the daemon started.");
	fprintf(f, "srd_decisions_total %" PRIu64 "\n", m->n_decisions);
	metric(f, "srd_errors_total", "counter", "Failed applies, unconverged passes, unreadable machines.");
	fprintf(f, "srd_errors_total %" PRIu64 "\n", m->n_errors);
	metric(f, "srd_uevents_total", "counter", "Relevant uevents seen.");
	fprintf(f, "srd_uevents_total %" PRIu64 "\n", m->n_events);
	r = ferror(f) ? -ENOMEM : 0;
	if (fclose(f) != 0 || r < 0)
		return -ENOMEM;
	/* The directory is node_exporter's as well: nothing planted in it may be
	 * written through.  Readable by node_exporter whatever srd's umask. */
	return srd_atomic_write_file(path, text, len, 0644);
}
