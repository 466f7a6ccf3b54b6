/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager: the daemon's state and its one sd-event loop.  It waits for
 * CXL enumeration to settle (a quiet period re-armed by each uevent, ended
 * early when the policy's expected devices are present, bounded by a
 * timeout), then runs a pass: inventory -> decide -> apply -> wait for the
 * kernel to finish -> re-read -> report.  Later events start a debounced
 * re-evaluation that decides only when the machine actually changed, and
 * leaves ranges changed by hand alone unless the policy says Reassert=yes.
 */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <json-c/json.h>

#include <stdio.h>
#include <time.h>

#include "apply.h"
#include "clock.h"
#include "decide.h"
#include "inventory.h"
#include "pass.h"
#include "replace.h"
#include "policy.h"
#include "srd-owners.h"
#include "srd-ratelimit.h"
#include "srd-status.h"

struct srd_manager_options {
	const char *config; /* --config FILE: only this file (NULL: vendor, /etc, drop-ins) */
	const char *state_dir; /* progress record directory */
	const char *layout_dir; /* recorded region layouts */
	const char *machine_id_file; /* this machine's ID (/etc/machine-id), which layouts carry */
};

/* RefreshInventory for callers other than root: 3 at once, then one every 10 s per UID. */
#define SRD_REFRESH_BURST 3
#define SRD_REFRESH_INTERVAL_USEC (10 * 1000000ull)

struct srd_udev_watch;

struct srd_manager {
	sd_event *event;
	sd_bus *bus;
	/* expect_timer: whether all expected devices are there, once per burst of events */
	sd_event_source *quiet_timer, *deadline_timer, *expect_timer, *bus_retry_timer;
	struct srd_udev_watch *udev;
	struct srd_manager_options opts;

	struct srd_policy *policy; /* NULL while the configuration is invalid */
	char policy_error[768]; /* why the last load failed ("" when it did not) */

	enum srd_state state;
	char reason[768];
	bool ready; /* READY=1 was sent */

	/* The pass under way. */
	bool in_pass;
	bool forced; /* decide even when nothing changed (boot, reload, re-evaluate) */
	bool verifying; /* the plan ran; waiting for the kernel's events to stop */
	bool settle_timed_out;
	bool apply_failed;
	char trigger[256];
	enum srd_state rest_state; /* to return to when a re-evaluation finds no change */
	char rest_reason[768];

	/* The last pass. */
	struct srd_inventory *inventory;
	struct srd_decision *decision;
	struct srd_apply_result last_apply; /* what carrying m->decision out did */
	bool have_last_apply;
	char *baseline; /* the inventory's fingerprint when the last pass ended */
	struct srd_owner_record *owners; /* also in the state directory (srd-owners.h) */
	size_t n_owners;
	char boot_id[40];
	bool converged;
	uint64_t decided_realtime_usec;
	uint64_t n_events, n_decisions, n_errors;

	/* What read requests answer from (srd-manager-read.c). */
	uint64_t inventory_realtime_usec; /* when m->inventory was read (0: never) */
	uint64_t inventory_events; /* n_events then: later events make it stale */
	bool inventory_acted_on; /* srd wrote to the machine since: stale too */
	int inventory_error; /* the last failed read for a request */
	uint64_t n_bursts; /* passes started: one per burst of events */
	uint64_t refreshed_burst; /* the burst a request last read the machine in */
	struct srd_ratelimit refresh_limit; /* RefreshInventory, per UID */

	/* Recorded region layouts (srd-manager-act.c, srd-layout.c). */
	struct srd_layout *layouts;
	size_t n_layouts;
	char machine_id[33]; /* "" when unknown: no record is trusted then */
	bool then_reevaluate; /* after this pass, run the policy's (a region came back) */
	bool pending_request; /* a request came while verifying: its pass follows this one */
	char pending_trigger[256];
};

int srd_manager_new(const struct srd_manager_options *opts, struct srd_manager **ret);
struct srd_manager *srd_manager_free(struct srd_manager *m);
SRD_DEFINE_CLEANUP(struct srd_manager *, srd_manager_free)
/* Starts the boot pass and runs the loop until SIGTERM; returns 0 or a negative errno. */
int srd_manager_run(struct srd_manager *m);

/* Re-reads the configuration; on errors keeps the old policy and returns -EINVAL (why in
 * *ret_error). */
int srd_manager_reload(struct srd_manager *m, char *ret_error, size_t size);
/* Starts a pass now, as the boot pass does. */
void srd_manager_reevaluate(struct srd_manager *m, const char *why);
/*
 * What a request did: its pass (decided, and carried out unless it was a dry
 * run, refused, or a replace with nothing to do), and what a replace means.
 * The pass's inventory and decision stay valid until the manager's next
 * pass; srd_manager_request_done() frees the rest.
 */
struct srd_request {
	struct srd_pass pass;
	bool carried_out;
	bool replace_prepare;
	bool can_remove; /* replace prepare: the device may be pulled */
	char message[512]; /* replace: what it means for the administrator ("" none) */
};
void srd_manager_request_done(struct srd_request *q);

/*
 * Decides on the kept inventory when it still shows the machine (otherwise
 * on a fresh read), without leaving hand-changed ranges alone, and applies
 * (or, dry_run, lists the writes in q->pass.writes).  -EBUSY during a pass,
 * -ENOKEY without a valid policy.
 */
int srd_manager_apply_now(struct srd_manager *m, const char *policy_override, bool dry_run,
			  struct srd_request *q);
/*
 * Decides on the kept inventory (read-only), by the policy or policy_override,
 * into q->pass, whose inventory is the manager's.
 */
int srd_manager_plan(struct srd_manager *m, const char *policy_override, struct srd_request *q);

/*
 * The inventory read requests answer from (srd-manager-read.c): the last one
 * read, read again when uevents made it stale, at most once per burst of
 * events.  A negative errno when srd has none.
 */
int srd_manager_inventory(struct srd_manager *m, const struct srd_inventory **ret);
/* Relevant uevents arrived since the kept inventory was read (or there is none). */
bool srd_manager_inventory_stale(const struct srd_manager *m);
/*
 * Reads the machine now.  limited: take a token from uid's bucket first;
 * -EAGAIN when it is empty, with the wait in *ret_wait_usec.
 */
int srd_manager_refresh_inventory(struct srd_manager *m, bool limited, uint32_t uid,
				  uint64_t *ret_wait_usec);
/* The kept inventory as JSON, with "read_usec" and "stale".  Only with m->inventory set. */
struct json_object *srd_manager_inventory_json(const struct srd_manager *m);
/* Takes inv over as the kept inventory, read now. */
void srd_manager_keep_inventory(struct srd_manager *m, struct srd_inventory *inv);

/* Takes memdev out of service for a hotplug replace (layout.h). */
int srd_manager_replace_prepare(struct srd_manager *m, const char *memdev, struct srd_request *q);
/* Re-creates the recorded regions whose devices are back (memdev: only its). */
int srd_manager_replace_complete(struct srd_manager *m, const char *memdev, struct srd_request *q);

/* The report of the last pass (srd-status.h); srd_report_done() frees it.  -ENOMEM or 0. */
int srd_manager_report(const struct srd_manager *m, struct srd_report *ret);
/* Everything at once, for a bug report. */
struct json_object *srd_manager_snapshot_json(struct srd_manager *m);

/* ---- internal to the daemon's manager files ---- */

struct srd_act_options {
	bool dry_run;
	bool allow_offline; /* the administrator asked for this (replace prepare) */
};
void srd_manager_set_state(struct srd_manager *m, enum srd_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void srd_manager_begin_pass(struct srd_manager *m, const char *trigger, bool forced);
void srd_manager_log_decision(struct srd_manager *m, const struct srd_decision *d, const char *why);
/* The executor's on_write: journals one store with its path, value and errno, and feeds the
 * watchdog. */
void srd_manager_log_write(void *userdata, const char *path, const char *value, int error);
int srd_manager_apply_plan(struct srd_manager *m, struct srd_pass *p,
			   const struct srd_act_options *x, FILE *out);
void srd_manager_verify_later(struct srd_manager *m);
/*
 * Carries out p's decision as the current pass: the manager takes p's
 * inventory and decision over, logs, applies, and waits for the kernel's
 * events like any pass.  verify_now: also re-reads the machine into p at once
 * (a request's reply says how it ended).
 */
void srd_manager_carry_out(struct srd_manager *m, struct srd_pass *p, const char *trigger,
			   const struct srd_act_options *x, bool verify_now);
/* Ends a pass on inventory inv (taken over), checked against the verdict into p. */
void srd_manager_finish(struct srd_manager *m, struct srd_inventory *inv, struct srd_pass *p);
/* Starts a request's pass on the kept inventory when it still shows the machine, else on a fresh
 * read. */
int srd_manager_request_inventory(struct srd_manager *m, struct srd_pass *p);
/* srd-manager-act.c */
void srd_manager_load_layouts(struct srd_manager *m);
void srd_manager_record_layouts(struct srd_manager *m, const struct srd_inventory *inv);
size_t srd_manager_replacing(const struct srd_manager *m, struct srd_range *ret);
bool srd_manager_replace_arrived(struct srd_manager *m, struct srd_pass *p);
/* A memdev's remove uevent: replaces waiting for it to be pulled move on. */
void srd_manager_memdev_removed(struct srd_manager *m, const char *memdev);

/* srd-manager-bus.c */
int srd_manager_bus_connect(struct srd_manager *m);
void srd_manager_bus_emit_changed(struct srd_manager *m);
