// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manager's D-Bus face: org.srd1 on the system bus, one object
 * /org/srd1 with the versioned interface org.srd1.Manager (documented in
 * org.srd1.Manager.xml, which tests compare with what this vtable
 * introspects as).  Properties read the last pass; methods that act or
 * reload check that the caller is root here as well as in the bus policy.
 * Reads are answered from the kept inventory (srd-manager-read.c), and
 * callers who could not read the physical addresses from the kernel
 * themselves get them hidden (srd-redact.h).  Only the vtable and its glue
 * live here.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "discover.h"
#include "policy.h"
#include "srd-bus.h"
#include "srd-json.h"
#include "srd-log.h"
#include "srd-manager.h"
#include "srd-redact.h"
#include "srd-status.h"

#define BUS_RETRY_USEC (5 * 1000000ull)

/*
 * Whether the caller may see physical addresses, serials and the raw
 * evidence: root, or a caller whose CAP_SYS_ADMIN the bus vouches for (what
 * the kernel asks before it shows /proc/iomem's addresses).  Anything that
 * cannot be told (no message: a signal to everyone) sees the hidden view.
 */
static bool sees_addresses(sd_bus_message *msg)
{
	return msg && sd_bus_query_sender_privilege(msg, CAP_SYS_ADMIN) > 0;
}

static int reply_json(sd_bus_message *msg, struct json_object *o)
{
	bool all = sees_addresses(msg);
	int r;

	if (!o)
		return -ENOMEM;
	if (!all)
		srd_redact_json(o);
	json_object_object_add(o, "addresses_hidden", json_object_new_boolean(!all));
	r = sd_bus_reply_method_return(msg, "s",
				       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return r;
}

static int sender_euid(sd_bus_message *msg, uid_t *ret)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *c = NULL;
	int r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID, &c);

	return r < 0 ? r : sd_bus_creds_get_euid(c, ret);
}

/* Acting and reloading are root's: the bus policy says so, and so does srd. */
static int check_root(sd_bus_message *msg, sd_bus_error *error)
{
	uid_t uid;
	int r = sender_euid(msg, &uid);

	if (r < 0)
		return sd_bus_error_set_errnof(error, r, "Cannot tell who is calling: %s",
					       strerror(-r));
	if (uid != 0)
		return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED,
					"Only root may make srd act or reload");
	return 1;
}

/* Maps a manager error to a named D-Bus error. */
static int manager_error(sd_bus_error *error, int r, const struct srd_manager *m)
{
	switch (r) {
	case -ENOKEY:
		return sd_bus_error_setf(error, SRD_ERROR_POLICY_INVALID,
					 "The configuration is invalid: %s", m->policy_error);
	case -EBUSY:
		return sd_bus_error_setf(error, SRD_ERROR_BUSY,
					 "A pass is under way (%s: %s); try again",
					 srd_state_to_string(m->state), m->reason);
	case -EINVAL:
		return sd_bus_error_set(
		    error, SRD_ERROR_BAD_POLICY_NAME,
		    "Unknown policy (strict, per-range, prefer-cxl, prefer-hmem, audit)");
	case -ENODATA:
		return sd_bus_error_set(error, SRD_ERROR_DISCOVERY,
					"srd has not read the machine yet");
	default:
		return sd_bus_error_setf(error, SRD_ERROR_DISCOVERY, "Cannot read the machine: %s",
					 strerror(-r));
	}
}

static int method_get_status(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct srd_report rep;
	struct json_object *o = NULL;

	if (srd_manager_report(userdata, &rep) >= 0)
		o = srd_status_json(&rep);
	srd_report_done(&rep);
	return reply_json(msg, o);
}

static int method_snapshot(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	return reply_json(msg, srd_manager_snapshot_json(userdata));
}

static int method_get_inventory(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	const struct srd_inventory *inv;
	int r = srd_manager_inventory(userdata, &inv);

	if (r < 0)
		return manager_error(error, r, userdata);
	return reply_json(msg, srd_manager_inventory_json(userdata));
}

/* Reads the machine now: root at will, everyone else from a token bucket per UID. */
static int method_refresh_inventory(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	uint64_t wait_usec = 0;
	uid_t uid;
	int r = sender_euid(msg, &uid);

	if (r < 0)
		return sd_bus_error_set_errnof(error, r, "Cannot tell who is calling: %s",
					       strerror(-r));
	r = srd_manager_refresh_inventory(userdata, uid != 0, uid, &wait_usec);
	if (r == -EAGAIN)
		return sd_bus_error_setf(error, SRD_ERROR_RATE_LIMITED,
					 "Too many refreshes for UID %u; the next one in %" PRIu64
					 " ms "
					 "(GetInventory answers from the last read)",
					 (unsigned)uid, (wait_usec + 999) / 1000);
	if (r < 0)
		return manager_error(error, r, userdata);
	return reply_json(msg, srd_manager_inventory_json(userdata));
}

/* ---- what a request did, as JSON (docs/dbus.md) ---- */

/* A decision carried out: "decision", "unconverged" (when it was checked), "converged", "apply",
 * "discoveries". */
static struct json_object *request_json(const struct srd_request *q)
{
	const struct srd_pass *p = &q->pass;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "decision", srd_json_decision(p->decision, p->inventory));
	if (p->applied && p->checked)
		json_object_object_add(o, "unconverged", srd_json_unconverged(p));
	json_object_object_add(o, "converged", json_object_new_boolean(srd_pass_converged(p)));
	if (p->applied)
		json_object_object_add(o, "apply", srd_json_apply(p->decision, &p->apply, false));
	/* Reads of the machine the request made (0: it decided on the kept inventory). */
	json_object_object_add(o, "discoveries", json_object_new_int((int)p->n_discoveries));
	return o;
}

/* A dry run: the steps it would take, "decision", "writes", "converged". */
static struct json_object *dry_run_json(const struct srd_request *q)
{
	const struct srd_pass *p = &q->pass;
	struct json_object *o = srd_json_apply(p->decision, &p->apply, true);

	json_object_object_add(o, "decision", srd_json_decision(p->decision, p->inventory));
	json_object_object_add(o, "writes", json_object_new_string(p->writes ? p->writes : ""));
	json_object_object_add(o, "converged", json_object_new_boolean(srd_pass_converged(p)));
	return o;
}

/* A replace: refused, nothing to do, or carried out (prepare: whether the device may go). */
static struct json_object *replace_json(const struct srd_request *q, const char *memdev)
{
	const struct srd_decision *d = q->pass.decision;
	struct json_object *o;

	if (d->refused) {
		o = json_object_new_object();
		json_object_object_add(o, "refused", json_object_new_boolean(true));
		json_object_object_add(o, "reason", json_object_new_string(d->refusal));
		json_object_object_add(o, "converged", json_object_new_boolean(false));
		return o;
	}
	if (!q->carried_out) {
		o = json_object_new_object();
		json_object_object_add(o, "converged", json_object_new_boolean(true));
		json_object_object_add(o, "message", json_object_new_string(q->message));
		return o;
	}
	o = request_json(q);
	if (q->replace_prepare) {
		json_object_object_add(o, "memdev", json_object_new_string(memdev));
		json_object_object_add(o, "can_remove", json_object_new_boolean(q->can_remove));
		json_object_object_add(o, "message", json_object_new_string(q->message));
	}
	return o;
}

static int method_get_plan(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct srd_manager *m = userdata;
	struct srd_request q = {};
	struct json_object *o;
	const char *policy;
	int r;

	r = sd_bus_message_read(msg, "s", &policy);
	if (r < 0)
		return r;
	r = srd_manager_plan(m, policy, &q);
	if (r < 0) {
		srd_manager_request_done(&q);
		return manager_error(error, r, m);
	}
	o = srd_json_decision(q.pass.decision, q.pass.inventory);
	json_object_object_add(o, "inventory_read_usec",
			       json_object_new_int64((int64_t)m->inventory_realtime_usec));
	json_object_object_add(o, "inventory_stale",
			       json_object_new_boolean(srd_manager_inventory_stale(m)));
	srd_manager_request_done(&q);
	return reply_json(msg, o);
}

static int method_apply(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct srd_request q = {};
	struct json_object *o;
	const char *policy;
	int dry_run, r;

	r = sd_bus_message_read(msg, "sb", &policy, &dry_run);
	if (r < 0)
		return r;
	/* Who asks comes first: an unprivileged caller learns nothing from Apply. */
	r = check_root(msg, error);
	if (r <= 0)
		return r;
	if (*policy && srd_mode_from_string(policy) < 0)
		return manager_error(error, -EINVAL, userdata);
	r = srd_manager_apply_now(userdata, policy, dry_run, &q);
	if (r < 0) {
		srd_manager_request_done(&q);
		return manager_error(error, r, userdata);
	}
	o = dry_run ? dry_run_json(&q) : request_json(&q);
	srd_manager_request_done(&q);
	return reply_json(msg, o);
}

static int method_reevaluate(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	int r = check_root(msg, error);

	if (r <= 0)
		return r;
	srd_manager_reevaluate(userdata, "re-evaluation requested");
	return sd_bus_reply_method_return(msg, NULL);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	char why[768];
	int r = check_root(msg, error);

	if (r <= 0)
		return r;
	r = srd_manager_reload(userdata, why, sizeof(why));
	if (r < 0)
		return sd_bus_error_setf(
		    error, SRD_ERROR_POLICY_INVALID,
		    "The new configuration is invalid, the running policy stays: %s", why);
	return sd_bus_reply_method_return(msg, NULL);
}

static int method_replace(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct srd_request q = {};
	struct json_object *o;
	const char *memdev;
	bool prepare = strcmp(sd_bus_message_get_member(msg), "ReplacePrepare") == 0;
	int r;

	r = sd_bus_message_read(msg, "s", &memdev);
	if (r < 0)
		return r;
	r = check_root(msg, error);
	if (r <= 0)
		return r;
	r = prepare ? srd_manager_replace_prepare(userdata, memdev, &q)
		    : srd_manager_replace_complete(userdata, memdev, &q);
	if (r < 0) {
		srd_manager_request_done(&q);
		return manager_error(error, r, userdata);
	}
	o = replace_json(&q, memdev);
	srd_manager_request_done(&q);
	return reply_json(msg, o);
}

/* The policy's files: a counted array (lib/core/policy.c grows it without a NULL
 * terminator), so sd_bus_message_append_strv() would read past its end. */
static int append_policy_files(sd_bus_message *reply, const struct srd_policy *p)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");

	for (size_t i = 0; r >= 0 && p && i < p->n_files; i++)
		r = sd_bus_message_append(reply, "s", p->files[i]);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* One property of the report. */
static int append_property(sd_bus_message *reply, const char *property, const struct srd_manager *m,
			   const struct srd_report *rep, bool all, sd_bus_error *error)
{
	const struct srd_tally *t = &rep->tally;
	char b[sizeof(m->policy_error)];

	if (strcmp(property, "Version") == 0)
		return sd_bus_message_append(reply, "s", SRD_VERSION);
	if (strcmp(property, "State") == 0)
		return sd_bus_message_append(reply, "s", srd_state_to_string(rep->state));
	/* Free text may name addresses: hidden as in the replies (and sent as invalidations only).
	 */
	if (strcmp(property, "StateReason") == 0)
		return sd_bus_message_append(
		    reply, "s", all ? rep->reason : srd_redact_text(rep->reason, b, sizeof(b)));
	if (strcmp(property, "Verdict") == 0)
		return sd_bus_message_append(
		    reply, "s", rep->have_decision ? srd_verdict_to_string(rep->verdict) : "");
	if (strcmp(property, "Summary") == 0)
		return sd_bus_message_append(reply, "s",
					     !rep->have_decision ? ""
					     : all		 ? rep->summary
						   : srd_redact_text(rep->summary, b, sizeof(b)));
	if (strcmp(property, "Converged") == 0)
		return sd_bus_message_append(reply, "b", rep->have_decision && rep->converged);
	if (strcmp(property, "Policy") == 0)
		return sd_bus_message_append(reply, "s",
					     rep->have_policy ? srd_mode_to_string(rep->mode) : "");
	if (strcmp(property, "PolicyError") == 0)
		return sd_bus_message_append(
		    reply, "s",
		    all ? rep->policy_error : srd_redact_text(rep->policy_error, b, sizeof(b)));
	if (strcmp(property, "PolicyFiles") == 0)
		return append_policy_files(reply, m->policy);
	if (strcmp(property, "LastDecisionTimestamp") == 0)
		return sd_bus_message_append(reply, "t", rep->decided_realtime_usec);
	if (strcmp(property, "NDecisions") == 0)
		return sd_bus_message_append(reply, "t", rep->n_decisions);
	if (strcmp(property, "NErrors") == 0)
		return sd_bus_message_append(reply, "t", rep->n_errors);
	/* The rest are counts over the last pass's ranges. */
	if (strcmp(property, "NRanges") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)rep->n_ranges);
	if (strcmp(property, "NRangesCXL") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)t->ranges[SRD_OWNER_CXL]);
	if (strcmp(property, "NRangesHMEM") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)t->ranges[SRD_OWNER_HMEM]);
	if (strcmp(property, "NRangesStranded") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)t->ranges[SRD_OWNER_NONE]);
	if (strcmp(property, "NRangesConflict") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)t->ranges[SRD_OWNER_CONFLICT]);
	if (strcmp(property, "StrandedBytes") == 0)
		return sd_bus_message_append(reply, "t", t->stranded_bytes);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s",
				 property);
}

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
			sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct srd_report rep;
	int r = srd_manager_report(userdata, &rep);

	if (r >= 0)
		r = append_property(reply, property, userdata, &rep,
				    sees_addresses(sd_bus_get_current_message(bus)), error);
	srd_report_done(&rep);
	return r;
}

#define PROP(name, sig, flags) SD_BUS_PROPERTY(name, sig, property_get, 0, flags)
#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
/* A signal goes to everyone: properties whose value depends on the caller only say they changed. */
#define INVALIDATES SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION

static const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    PROP("Version", "s", SD_BUS_VTABLE_PROPERTY_CONST),
    PROP("State", "s", CHANGES),
    PROP("StateReason", "s", INVALIDATES),
    PROP("Verdict", "s", CHANGES),
    PROP("Summary", "s", INVALIDATES),
    PROP("Converged", "b", CHANGES),
    PROP("Policy", "s", CHANGES),
    PROP("PolicyError", "s", INVALIDATES),
    PROP("PolicyFiles", "as", CHANGES),
    PROP("LastDecisionTimestamp", "t", CHANGES),
    PROP("NRanges", "u", CHANGES),
    PROP("NRangesCXL", "u", CHANGES),
    PROP("NRangesHMEM", "u", CHANGES),
    PROP("NRangesStranded", "u", CHANGES),
    PROP("NRangesConflict", "u", CHANGES),
    PROP("StrandedBytes", "t", CHANGES),
    PROP("NDecisions", "t", CHANGES),
    PROP("NErrors", "t", CHANGES),
    SD_BUS_METHOD_WITH_ARGS("GetStatus", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", status_json),
			    method_get_status, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("GetInventory", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", inventory_json),
			    method_get_inventory, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("RefreshInventory", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", inventory_json),
			    method_refresh_inventory, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("GetPlan", SD_BUS_ARGS("s", policy), SD_BUS_RESULT("s", decision_json),
			    method_get_plan, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("Snapshot", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", snapshot_json),
			    method_snapshot, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("Apply", SD_BUS_ARGS("s", policy, "b", dry_run),
			    SD_BUS_RESULT("s", result_json), method_apply,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("ReplacePrepare", SD_BUS_ARGS("s", memdev),
			    SD_BUS_RESULT("s", result_json), method_replace,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("ReplaceComplete", SD_BUS_ARGS("s", memdev),
			    SD_BUS_RESULT("s", result_json), method_replace,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Reevaluate", NULL, NULL, method_reevaluate, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Reload", NULL, NULL, method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

void srd_manager_bus_emit_changed(struct srd_manager *m)
{
	if (!m->bus)
		return;
	sd_bus_emit_properties_changed(
	    m->bus, SRD_BUS_PATH, SRD_BUS_INTERFACE, "State", "StateReason", "Verdict", "Summary",
	    "Converged", "Policy", "PolicyError", "PolicyFiles", "LastDecisionTimestamp", "NRanges",
	    "NRangesCXL", "NRangesHMEM", "NRangesStranded", "NRangesConflict", "StrandedBytes",
	    "NDecisions", "NErrors", NULL);
}

static int on_bus_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	srd_manager_bus_connect(userdata);
	return 0;
}

static void schedule_retry(struct srd_manager *m)
{
	int r;

	if (m->bus_retry_timer) {
		r = sd_event_source_set_time_relative(m->bus_retry_timer, BUS_RETRY_USEC);
		if (r >= 0)
			r = sd_event_source_set_enabled(m->bus_retry_timer, SD_EVENT_ONESHOT);
	} else {
		r = sd_event_add_time_relative(m->event, &m->bus_retry_timer, CLOCK_MONOTONIC,
					       BUS_RETRY_USEC, 0, on_bus_retry, m);
	}
	if (r < 0)
		srd_log_errno(LOG_WARNING, r, "cannot schedule a D-Bus reconnect, ignoring");
}

static int on_disconnect(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct srd_manager *m = userdata;

	srd_log(LOG_WARNING, "lost the system bus; reconnecting");
	m->bus = sd_bus_flush_close_unref(m->bus);
	schedule_retry(m);
	return 0;
}

int srd_manager_bus_connect(struct srd_manager *m)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, SRD_BUS_PATH, SRD_BUS_INTERFACE,
					     manager_vtable, m);
	if (r >= 0)
		r = sd_bus_match_signal_async(bus, NULL, "org.freedesktop.DBus.Local", NULL,
					      "org.freedesktop.DBus.Local", "Disconnected",
					      on_disconnect, NULL, m);
	if (r >= 0)
		r = sd_bus_request_name(bus, SRD_BUS_NAME, 0);
	if (r >= 0)
		r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0) {
		srd_log_errno(LOG_WARNING, r, "cannot offer %s on the system bus (retrying in 5s)",
			      SRD_BUS_NAME);
		schedule_retry(m);
		return r;
	}
	m->bus = TAKE_PTR(bus);
	srd_log(LOG_DEBUG, "offering %s on the system bus", SRD_BUS_NAME);
	return 0;
}
