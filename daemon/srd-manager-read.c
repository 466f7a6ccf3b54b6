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
 * inventory: deciding is cheap, reading is not.
 */
#include <errno.h>
#include <string.h>

#include "discover.h"
#include "srd-json.h"
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

int srd_manager_refresh_inventory(struct srd_manager *m, bool limited, uint32_t uid, uint64_t *ret_wait_usec)
{
	if (limited && !srd_ratelimit_take(&m->refresh_limit, uid, srd_now_usec(CLOCK_MONOTONIC), ret_wait_usec))
		return -EAGAIN;
	return read_machine(m);
}

struct json_object *srd_manager_inventory_json(const struct srd_manager *m)
{
	struct json_object *o = srd_json_inventory(m->inventory);

	json_object_object_add(o, "read_usec", json_object_new_int64((int64_t)m->inventory_realtime_usec));
	json_object_object_add(o, "stale", json_object_new_boolean(srd_manager_inventory_stale(m)));
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
