// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the manager answers read requests from: the inventory of its last
 * pass, not a fresh discovery per call.  Reading the machine takes tens of
 * milliseconds on a large one and runs on the one event loop, so any local
 * user calling GetInventory in a loop must not be able to make srd spin.
 * The kept inventory goes stale when a relevant uevent arrives after it was
 * read; a request then reads the machine again, once per burst of events
 * (the pass that the burst starts reads it again anyway when it settles).
 * A forced refresh (RefreshInventory) reads it now: root at will, others
 * from a token bucket per UID.  Plans for another policy decide on the kept
 * inventory: deciding is cheap, reading is not; so do requests that act,
 * while it still shows the machine.  The report (srd-status.h) and the
 * snapshot for bug reports are made here from the same state.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "read.h"
#include "srd-json.h"
#include "srd-layout.h"
#include "srd-log.h"
#include "srd-manager.h"
#include "srd-udev.h"

void srd_manager_keep_inventory(struct srd_manager *m, struct srd_inventory *inv)
{
	/* Kept already: when it was read stays what it was. */
	if (m->inventory == inv && inv)
		return;
	srd_inventory_free(m->inventory);
	m->inventory = inv;
	m->inventory_realtime_usec = inv ? srd_now_usec(CLOCK_REALTIME) : 0;
	m->inventory_events = m->n_events;
	m->inventory_acted_on = false;
}

bool srd_manager_inventory_stale(const struct srd_manager *m)
{
	return !m->inventory || m->n_events > m->inventory_events || m->inventory_acted_on;
}

/*
 * A request acts on what the machine is: the kept inventory serves when no
 * uevent arrived since it was read, none waits on the monitor or in udev's
 * queue, and srd has not written since; otherwise the machine is read again.
 */
int srd_manager_request_inventory(struct srd_manager *m, struct srd_pass *p)
{
	if (!srd_manager_inventory_stale(m) && !srd_udev_pending(m->udev)) {
		p->inventory = m->inventory;
		p->borrowed_inventory = true;
		return 0;
	}
	return srd_pass_read(p);
}

static int read_machine(struct srd_manager *m)
{
	struct srd_inventory *inv = NULL;
	int r = srd_discover(&inv);

	if (r < 0) {
		m->inventory_error = r;
		return srd_log_errno(LOG_WARNING, r, "cannot read the machine for a request");
	}
	m->inventory_error = 0;
	srd_manager_keep_inventory(m, inv);
	return 0;
}

int srd_manager_inventory(struct srd_manager *m, const struct srd_inventory **ret)
{
	if (srd_manager_inventory_stale(m) && m->refreshed_burst != m->n_bursts) {
		m->refreshed_burst = m->n_bursts;
		read_machine(m); /* on failure, the last inventory (if any) still answers */
	}
	if (!m->inventory)
		return m->inventory_error ? m->inventory_error : -ENODATA;
	*ret = m->inventory;
	return 0;
}

int srd_manager_refresh_inventory(struct srd_manager *m, bool limited, uint32_t uid,
				  uint64_t *ret_wait_usec)
{
	if (limited && !srd_ratelimit_take(&m->refresh_limit, uid, srd_now_usec(CLOCK_MONOTONIC),
					   ret_wait_usec))
		return -EAGAIN;
	return read_machine(m);
}

struct json_object *srd_manager_inventory_json(const struct srd_manager *m)
{
	struct json_object *o = srd_json_inventory(m->inventory);

	json_object_object_add(o, "read_usec",
			       json_object_new_int64((int64_t)m->inventory_realtime_usec));
	json_object_object_add(o, "stale", json_object_new_boolean(srd_manager_inventory_stale(m)));
	if (m->policy)
		srd_json_add_dax_policy(o, m->inventory, m->policy);
	return o;
}

int srd_manager_plan(struct srd_manager *m, const char *policy_override, struct srd_request *q)
{
	const struct srd_inventory *inv = NULL;
	struct srd_pass_input in = {
	    .policy = m->policy,
	    .policy_override = policy_override,
	    .now_usec = srd_now_usec(CLOCK_MONOTONIC),
	};
	int r;

	if (!m->policy)
		return -ENOKEY;
	r = srd_manager_inventory(m, &inv);
	if (r < 0)
		return r;
	/* Deciding only: the kept inventory, whatever its age (the reply says it). */
	q->pass.inventory = m->inventory;
	q->pass.borrowed_inventory = true;
	return srd_pass_decide(&q->pass, &in);
}

int srd_manager_report(const struct srd_manager *m, struct srd_report *ret)
{
	size_t replacing = 0;
	int r;

	for (size_t k = 0; k < m->n_layouts; k++)
		replacing += m->layouts[k].replace != SRD_REPLACE_NONE;
	*ret = (struct srd_report){
	    .state = m->state,
	    .reason = m->reason,
	    .busy = m->in_pass || m->pending_request,
	    .have_decision = m->decision != NULL,
	    .verdict = m->decision ? m->decision->verdict : 0,
	    .summary = m->decision ? m->decision->summary : "",
	    .converged = m->decision && m->converged,
	    .decided_realtime_usec = m->decided_realtime_usec,
	    .inventory_read_usec = m->inventory_realtime_usec,
	    .inventory_stale = srd_manager_inventory_stale(m),
	    .have_policy = m->policy != NULL,
	    .mode = m->policy ? m->policy->mode : 0,
	    .policy_error = m->policy_error,
	    .n_events = m->n_events,
	    .n_decisions = m->n_decisions,
	    .n_errors = m->n_errors,
	};
	r = srd_report_fill(ret, m->inventory, m->decision, m->policy, replacing);
	if (r < 0)
		srd_report_done(ret);
	return r;
}

static struct json_object *status_json(const struct srd_manager *m)
{
	struct srd_report rep;
	struct json_object *o = NULL;

	if (srd_manager_report(m, &rep) >= 0)
		o = srd_status_json(&rep);
	srd_report_done(&rep);
	return o;
}

/* ---- the snapshot ---- */

/* The machine a report comes from: what a [Match] section sees (the product
 * serial only root may read, so it stays out of this world-readable document)
 * and the firmware's version.  `srdctl snapshot --anonymize` drops it all. */
static struct json_object *host_json(void)
{
	static const char *const dmi[] = {"sys_vendor",	 "product_name", "board_name",
					  "bios_vendor", "bios_version", "bios_date"};
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
	/* The kept inventory (srd-manager-read.c), first: the status then tells of the same read.
	 */
	int r = srd_manager_inventory(m, &now);

	json_object_object_add(o, "status", status_json(m));
	json_object_object_add(o, "host", host_json());
	if (m->policy)
		json_object_object_add(o, "policy", srd_json_policy(m->policy));
	if (m->decision && m->inventory)
		json_object_object_add(o, "decision", srd_json_decision(m->decision, m->inventory));
	if (m->have_last_apply && m->decision)
		json_object_object_add(o, "last_apply",
				       srd_json_apply(m->decision, &m->last_apply, false));
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
