// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manager (see srd-manager.h): states, timers, and the pass that turns a
 * settled machine into a decision carried out.  One pass runs at a time; the
 * executor runs synchronously inside it (it pets the watchdog through its
 * observers), and events that arrive meanwhile are read afterwards, which is
 * what the verification wait is for: srd's own writes make the kernel send
 * events, and those must not start another pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "apply.h"
#include "config.h"
#include "discover.h"
#include "srd-json.h"
#include "pass.h"
#include "srd-log.h"
#include "srd-manager.h"
#include "srd-redact.h"
#include "srd-status.h"
#include "srd-udev.h"
#include "read.h"
#include "load.h"

/* While udev still has events queued, look again this often. */
#define QUEUE_RECHECK_USEC (100 * 1000ull)

void srd_manager_set_state(struct srd_manager *m, enum srd_state s, const char *fmt, ...)
{
	bool changed = m->state != s;
	char reason[sizeof(m->reason)], shown[sizeof(m->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	changed = changed || strcmp(reason, m->reason) != 0;
	m->state = s;
	memcpy(m->reason, reason, sizeof(reason));
	if (!changed)
		return;
	/* Every user can read STATUS= (systemctl status): no addresses in it. */
	sd_notifyf(false, "STATUS=%s: %s", srd_state_to_string(s),
		   srd_redact_text(reason, shown, sizeof(shown)));
	srd_log(LOG_DEBUG, "state %s: %s", srd_state_to_string(s), reason);
	srd_manager_bus_emit_changed(m);
}

/* READY=1 once, when the first pass has an outcome (settled or degraded). */
static void ready(struct srd_manager *m)
{
	if (m->ready)
		return;
	m->ready = true;
	sd_notify(false, "READY=1");
}

/* ---- the policy ---- */

static int load_policy(struct srd_manager *m, struct srd_policy **ret)
{
	char **errs = NULL;
	size_t n_errs = 0;
	int r = srd_config_load(m->opts.config, NULL, ret, &errs, &n_errs);

	m->policy_error[0] = '\0';
	for (size_t i = 0; i < n_errs; i++) {
		size_t l = strlen(m->policy_error);

		srd_log(LOG_ERR, "%s", errs[i]);
		snprintf(m->policy_error + l, sizeof(m->policy_error) - l, "%s%s", l ? "; " : "",
			 errs[i]);
	}
	srd_strv_free(errs, n_errs);
	if (r < 0 && r != -EINVAL)
		snprintf(m->policy_error, sizeof(m->policy_error),
			 "cannot read the configuration: %s", strerror(-r));
	return r;
}

/* ---- timers ---- */

static int on_quiet(sd_event_source *s, uint64_t usec, void *userdata);
static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata);

static void arm(struct srd_manager *m, sd_event_source **s, uint64_t in_usec,
		sd_event_time_handler_t fn)
{
	uint64_t at = srd_now_usec(CLOCK_MONOTONIC) + in_usec;
	int r;

	if (*s) {
		r = sd_event_source_set_time(*s, at);
		if (r >= 0)
			r = sd_event_source_set_enabled(*s, SD_EVENT_ONESHOT);
	} else {
		/* Accuracy 1 us: 0 would let sd-event coalesce them up to 250 ms late. */
		r = sd_event_add_time(m->event, s, CLOCK_MONOTONIC, at, 1, fn, m);
	}
	if (r < 0)
		srd_log_errno(LOG_ERR, r, "cannot arm a settle timer");
}

static void disarm(sd_event_source *s)
{
	if (s)
		sd_event_source_set_enabled(s, SD_EVENT_OFF);
}

/* ---- the pass ---- */

/* What the policy expects (ExpectMemdevs=, ExpectRegions=, ExpectAuto=) is all there. */
static bool expected_present(struct srd_manager *m, char *why, size_t size)
{
	return m->policy && !m->verifying &&
	       srd_discover_expected_present(m->policy->expect_memdevs, m->policy->expect_regions,
					     m->policy->expect_auto, why, size);
}

void srd_manager_begin_pass(struct srd_manager *m, const char *trigger, bool forced)
{
	char why[128];

	m->forced = m->forced || forced;
	if (m->in_pass) {
		/* A request while srd waits to verify what it did (a reload, a
		 * re-evaluation right after an apply) is carried out after that
		 * pass, not folded into its verification and lost. */
		if (m->verifying && forced) {
			m->pending_request = true;
			snprintf(m->pending_trigger, sizeof(m->pending_trigger), "%s", trigger);
		}
		/* Another event while settling or verifying: wait longer. */
		arm(m, &m->quiet_timer, m->policy ? m->policy->settle_quiet_usec : 0, on_quiet);
		return;
	}
	m->in_pass = true;
	m->n_bursts++; /* read requests may read the machine again once in it */
	m->verifying = false;
	m->settle_timed_out = false;
	m->apply_failed = false;
	m->rest_state = m->state;
	memcpy(m->rest_reason, m->reason, sizeof(m->reason));
	snprintf(m->trigger, sizeof(m->trigger), "%s", trigger);
	srd_manager_set_state(m, SRD_STATE_SETTLING, "waiting for CXL enumeration to settle (%s)",
			      trigger);
	/* What it would wait for may be there already (srd started after coldplug). */
	arm(m, &m->quiet_timer,
	    m->policy && !expected_present(m, why, sizeof(why)) ? m->policy->settle_quiet_usec : 0,
	    on_quiet);
	arm(m, &m->deadline_timer, m->policy ? m->policy->settle_timeout_usec : USEC_PER_SEC,
	    on_deadline);
}

static void write_metrics(struct srd_manager *m)
{
	struct srd_report rep;
	int r;

	if (!m->policy || !m->policy->metrics_file[0])
		return;
	r = srd_manager_report(m, &rep);
	if (r >= 0)
		r = srd_status_write_metrics(&rep, m->policy->metrics_file);
	srd_report_done(&rep);
	if (r < 0)
		srd_log_errno(LOG_WARNING, r, "cannot write %s, ignoring", m->policy->metrics_file);
}

static void end_pass(struct srd_manager *m)
{
	m->in_pass = false;
	m->forced = false;
	m->verifying = false;
	disarm(m->quiet_timer);
	disarm(m->deadline_timer);
	ready(m);
	write_metrics(m);
	srd_manager_bus_emit_changed(m);
}

static bool expects_counts(const struct srd_manager *m)
{
	return m->policy && (m->policy->expect_memdevs || m->policy->expect_regions);
}

static void record_owners(struct srd_manager *m, const struct srd_inventory *inv)
{
	struct srd_owner_record *o = calloc(inv->n_ranges ? inv->n_ranges : 1, sizeof(*o));

	if (!o) {
		srd_log(LOG_CRIT, "out of memory recording range owners");
		return;
	}
	for (size_t i = 0; i < inv->n_ranges; i++)
		o[i] = (struct srd_owner_record){inv->ranges[i].range, inv->ranges[i].owner};
	free(m->owners);
	m->owners = o;
	m->n_owners = inv->n_ranges;
	if (m->opts.state_dir) {
		int r = srd_owners_save(m->opts.state_dir, m->boot_id, o, inv->n_ranges);

		if (r < 0)
			srd_log_errno(LOG_WARNING, r,
				      "cannot record the ranges' owners in %s, ignoring",
				      m->opts.state_dir);
	}
}

/*
 * srd ran earlier in this boot (restarted, or started by D-Bus activation
 * after a stop): what it left counts, so a range changed by hand meanwhile
 * is held like one changed while srd ran.  Not after an interrupted apply:
 * then the owners may have been changed by srd itself, half way.
 */
static void load_owners(struct srd_manager *m)
{
	int r = srd_owners_load(m->opts.state_dir, m->boot_id, &m->owners, &m->n_owners);

	if (r == -ENOENT || r == -ESTALE)
		return;
	if (r < 0) {
		srd_log_errno(LOG_WARNING, r, "ignoring the owner record in %s", m->opts.state_dir);
		return;
	}
	srd_log(LOG_INFO,
		"srd ran earlier in this boot: ranges whose owner changed since are left alone%s",
		m->policy && m->policy->reassert ? " (but Reassert=yes)" : "");
}

void srd_manager_log_decision(struct srd_manager *m, const struct srd_decision *d, const char *why)
{
	const char *policy = srd_mode_to_string(d->mode);
	struct srd_log_entry e = {.priority = LOG_NOTICE, .message_id = SRD_MESSAGE_DECISION};
	char b[SRD_RANGE_FMT_MAX];

	srd_log_field(&e, "SRD_POLICY", "%s", policy);
	srd_log_field(&e, "SRD_VERDICT", "%s", srd_verdict_to_string(d->verdict));
	srd_log_field(&e, "SRD_TRIGGER", "%s", why);
	srd_log_field(&e, "SRD_ACTIONS", "%zu", d->n_actions);
	if (d->refused)
		srd_log_field(&e, "SRD_REASON", "%s", d->refusal);
	srd_log_emit(&e, "Decided (%s): %s", why, d->summary);
	for (size_t i = 0; i < d->n_ranges; i++) {
		const struct srd_range_decision *r = &d->ranges[i];
		struct srd_log_entry x = {
		    .priority = r->held || r->blocked ? LOG_WARNING : LOG_INFO,
		    .message_id = r->held ? SRD_MESSAGE_HELD : SRD_MESSAGE_RANGE,
		};

		srd_range_format(&r->range, b, sizeof(b));
		srd_log_field(&x, "SRD_RANGE", "%s", b);
		srd_log_field(&x, "SRD_POLICY", "%s", policy);
		srd_log_field(&x, "SRD_OWNER", "%s", srd_owner_to_string(r->owner));
		srd_log_field(&x, "SRD_TARGET", "%s", srd_target_to_string(r->target));
		srd_log_field(&x, "SRD_REASON", "%s", r->reason);
		srd_log_emit(&x, "%s: owner %s, wanted %s: %s", b, srd_owner_to_string(r->owner),
			     srd_target_to_string(r->target), r->reason);
	}
	if (d->refused) {
		struct srd_log_entry x = {.priority = LOG_ERR, .message_id = SRD_MESSAGE_REFUSED};

		srd_log_field(&x, "SRD_POLICY", "%s", policy);
		srd_log_field(&x, "SRD_REASON", "%s", d->refusal);
		srd_log_emit(
		    &x,
		    "Refusing to act: %s. If this machine's firmware or kernel is not "
		    "at fault, report it with the output of 'srdctl snapshot' (see srd(8), "
		    "REPORTING PROBLEMS).",
		    d->refusal);
	}
}

/* The kernel has finished what srd started: re-read and compare with the verdict. */
static void verify(struct srd_manager *m)
{
	struct srd_pass v = {.decision = m->decision, .borrowed_decision = true, .wrote = true};
	int r = srd_pass_verify(&v);

	if (r < 0 && !v.after) {
		m->n_errors++;
		srd_manager_set_state(m, SRD_STATE_DEGRADED, "%s", v.error_message);
		end_pass(m);
	} else {
		srd_manager_finish(m, TAKE_PTR(v.after), &v);
	}
	srd_pass_done(&v);
}

static void log_unconverged(const struct srd_unconverged *u, char *ret, size_t size)
{
	struct srd_log_entry e = {.priority = LOG_ERR, .message_id = SRD_MESSAGE_UNCONVERGED};
	const char *owner = u->gone ? "gone" : srd_owner_to_string(u->owner);
	char b[SRD_RANGE_FMT_MAX];

	srd_range_format(&u->range, b, sizeof(b));
	srd_log_field(&e, "SRD_RANGE", "%s", b);
	srd_log_field(&e, "SRD_TARGET", "%s", srd_owner_to_string(u->wanted));
	srd_log_field(&e, "SRD_OWNER", "%s", owner);
	srd_log_field(&e, "SRD_REASON", "%s", u->reason);
	srd_log_emit(&e, "%s: wanted %s, the owner is %s", b, srd_owner_to_string(u->wanted),
		     owner);
	snprintf(ret, size, "%s wanted %s, owner %s", b, srd_owner_to_string(u->wanted), owner);
}

/* Ends a pass on inventory inv (taken over): records it, settles or degrades, reports. */
void srd_manager_finish(struct srd_manager *m, struct srd_inventory *inv, struct srd_pass *p)
{
	char last[256] = "";
	struct srd_log_entry e = {.priority = LOG_INFO, .message_id = SRD_MESSAGE_SETTLED};

	srd_manager_keep_inventory(m, inv);
	free(m->baseline);
	m->baseline = srd_pass_fingerprint(inv);
	record_owners(m, inv);
	srd_manager_record_layouts(m, inv);
	if (srd_pass_check(p, inv) < 0)
		srd_log(LOG_CRIT, "out of memory listing the ranges that did not converge");
	m->converged = p->converged;
	/* Each is journalled; the last one named in the state's reason. */
	for (size_t i = 0; i < p->n_unconverged; i++)
		log_unconverged(&p->unconverged[i], last, sizeof(last));
	if (m->apply_failed)
		; /* the reason says what failed */
	else if (m->decision->refused)
		srd_manager_set_state(m, SRD_STATE_DEGRADED, "refusing to act: %s",
				      m->decision->refusal);
	else if (!m->converged) {
		m->n_errors++;
		srd_manager_set_state(m, SRD_STATE_DEGRADED,
				      "the machine does not match the verdict: %s", last);
	} else
		srd_manager_set_state(m, SRD_STATE_SETTLED, "%s", m->decision->summary);
	srd_log_field(&e, "SRD_VERDICT", "%s", srd_verdict_to_string(m->decision->verdict));
	srd_log_field(&e, "SRD_STATE", "%s", srd_state_to_string(m->state));
	srd_log_field(&e, "SRD_POLICY", "%s", srd_mode_to_string(m->decision->mode));
	srd_log_emit(&e, "%s: %s", srd_state_to_string(m->state), m->reason);
	end_pass(m);
	if (m->pending_request) {
		m->pending_request = false;
		m->then_reevaluate = false;
		srd_manager_begin_pass(m, m->pending_trigger, true);
		return;
	}
	if (m->then_reevaluate) {
		/* A region came back: the policy (dax mode, owner) applies to it now. */
		m->then_reevaluate = false;
		srd_manager_begin_pass(m, "a replaced region came back", true);
	}
}

/* Settled: read the machine, decide, act. */
static void run_pass(struct srd_manager *m)
{
	_cleanup_free_ struct srd_range *replacing = NULL;
	struct srd_pass p = {};
	struct srd_pass_input in = {
	    .policy = m->policy,
	    .settle_timed_out = m->settle_timed_out,
	    .owners = m->owners,
	    .n_owners = m->n_owners,
	};
	char *fp;
	int r;

	r = srd_pass_read(&p);
	if (r < 0) {
		m->n_errors++;
		srd_manager_set_state(m, SRD_STATE_DEGRADED, "%s", p.error_message);
		end_pass(m);
		return;
	}
	if (!m->policy) {
		srd_manager_keep_inventory(m, TAKE_PTR(p.inventory));
		srd_manager_set_state(m, SRD_STATE_DEGRADED,
				      "the configuration is invalid, nothing is done until "
				      "it is fixed and reloaded: %s",
				      m->policy_error);
		end_pass(m);
		return;
	}
	/* A device arrived where a replace is pending: the region comes back first
	 * (even when the machine looks as before: the same device re-seated). */
	if (srd_manager_replace_arrived(m, &p)) {
		srd_pass_done(&p);
		return;
	}
	fp = srd_pass_fingerprint(p.inventory);
	if (!m->forced && fp && m->baseline && strcmp(fp, m->baseline) == 0) {
		free(fp);
		srd_manager_keep_inventory(m, TAKE_PTR(p.inventory));
		srd_log(LOG_DEBUG, "re-evaluation after %s: nothing changed", m->trigger);
		srd_manager_set_state(m, m->rest_state, "%s", m->rest_reason);
		end_pass(m);
		return;
	}
	free(fp);
	srd_manager_set_state(m, SRD_STATE_DECIDING, "deciding by policy %s",
			      srd_mode_to_string(m->policy->mode));
	replacing = calloc(m->n_layouts ? m->n_layouts : 1, sizeof(*replacing));
	if (!replacing) {
		srd_pass_done(&p);
		srd_log(LOG_CRIT, "out of memory");
		sd_event_exit(m->event, -ENOMEM);
		return;
	}
	in.replacing = replacing;
	in.n_replacing = srd_manager_replacing(m, replacing);
	in.now_usec = srd_now_usec(CLOCK_MONOTONIC);
	r = srd_pass_decide(&p, &in);
	if (r < 0) {
		srd_pass_done(&p);
		srd_log_errno(LOG_CRIT, r, "cannot decide");
		sd_event_exit(m->event, r);
		return;
	}
	if (m->settle_timed_out) {
		struct srd_log_entry e = {.priority = LOG_WARNING,
					  .message_id = SRD_MESSAGE_SETTLE_TIMEOUT};

		srd_log_field(&e, "SRD_POLICY", "%s", srd_mode_to_string(p.decision->mode));
		srd_log_field(&e, "SRD_REASON", "fallback %s",
			      srd_fallback_to_string(m->policy->fallback));
		srd_log_emit(&e, "CXL enumeration did not settle within %llus; Fallback=%s decides",
			     (unsigned long long)(m->policy->settle_timeout_usec / USEC_PER_SEC),
			     srd_fallback_to_string(m->policy->fallback));
	}
	srd_manager_carry_out(m, &p, m->trigger, NULL, false);
	srd_pass_done(&p);
}

/* Waits for the events srd's writes caused before judging the outcome. */
void srd_manager_verify_later(struct srd_manager *m)
{
	uint64_t quiet = m->policy ? m->policy->settle_quiet_usec : 2 * USEC_PER_SEC;
	uint64_t timeout = m->policy ? m->policy->settle_timeout_usec : 60 * USEC_PER_SEC;

	m->in_pass = true;
	m->verifying = true;
	if (!m->apply_failed)
		srd_manager_set_state(m, SRD_STATE_APPLYING,
				      "waiting for the kernel to finish what srd started");
	arm(m, &m->quiet_timer, quiet, on_quiet);
	arm(m, &m->deadline_timer, timeout, on_deadline);
}

static void end_settle(struct srd_manager *m)
{
	disarm(m->quiet_timer);
	disarm(m->deadline_timer);
	if (m->verifying)
		verify(m);
	else
		run_pass(m);
}

static int on_quiet(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct srd_manager *m = userdata;
	unsigned mem, reg;
	char why[256];

	if (!srd_udev_queue_empty(m->udev)) {
		arm(m, &m->quiet_timer, QUEUE_RECHECK_USEC, on_quiet);
		return 0;
	}
	if (expected_present(m, why, sizeof(why))) {
		srd_log(LOG_INFO, "CXL enumeration settled: all expected devices present (%s)",
			why);
		end_settle(m);
		return 0;
	}
	if (!m->verifying && expects_counts(m)) {
		srd_discover_count_cxl(&mem, &reg);
		/* A failure the quiet machine shows is certain: the devices it waits
		 * for will not come, and the decision falls back on it now. */
		if (srd_discover_cxl_failed(why, sizeof(why))) {
			srd_log(LOG_WARNING,
				"CXL failed, not waiting for %u memdevs and %u regions: %s",
				m->policy->expect_memdevs, m->policy->expect_regions, why);
			end_settle(m);
			return 0;
		}
		srd_manager_set_state(
		    m, SRD_STATE_SETTLING, "waiting for %u memdevs and %u regions (have %u and %u)",
		    m->policy->expect_memdevs, m->policy->expect_regions, mem, reg);
		return 0; /* the next event or the deadline */
	}
	if (!m->verifying)
		srd_log(LOG_INFO, "CXL enumeration settled: quiet for %llums",
			(unsigned long long)(m->policy ? m->policy->settle_quiet_usec / 1000 : 0));
	end_settle(m);
	return 0;
}

/* After a burst of events: everything expected is here, no need to wait out the quiet period. */
static int on_expect(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct srd_manager *m = userdata;
	char why[256];

	if (m->in_pass && expected_present(m, why, sizeof(why)))
		arm(m, &m->quiet_timer, 0, on_quiet);
	return 0;
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct srd_manager *m = userdata;

	if (!m->verifying)
		m->settle_timed_out = true;
	end_settle(m);
	return 0;
}

static void on_uevent(void *userdata, const char *action, const char *subsystem,
		      const char *sysname)
{
	struct srd_manager *m = userdata;
	char why[256];

	m->n_events++;
	srd_log(LOG_DEBUG, "uevent %s %s %s", action, subsystem, sysname);
	if (strcmp(action, "remove") == 0 && strcmp(subsystem, "cxl") == 0 &&
	    strncmp(sysname, "mem", 3) == 0)
		srd_manager_memdev_removed(m, sysname);
	snprintf(why, sizeof(why), "%s %s %s", action, subsystem, sysname);
	srd_manager_begin_pass(m, why, false);
	/* Looked at once the events queued now are read (on_io drains them
	 * first); a change event brings no device ExpectAuto= would count. */
	if (m->in_pass && !m->verifying && m->policy &&
	    (strcmp(action, "change") != 0 || !m->policy->expect_auto))
		arm(m, &m->expect_timer, 0, on_expect);
}

/* ---- requests ---- */

void srd_manager_reevaluate(struct srd_manager *m, const char *why)
{
	srd_manager_begin_pass(m, why, true);
}

int srd_manager_reload(struct srd_manager *m, char *ret_error, size_t size)
{
	struct srd_policy *p = NULL;
	struct srd_log_entry e = {.priority = LOG_NOTICE, .message_id = SRD_MESSAGE_RELOADED};
	int r;

	sd_notifyf(false, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading the configuration",
		   (unsigned long long)srd_now_usec(CLOCK_MONOTONIC));
	r = load_policy(m, &p);
	if (r < 0) {
		struct srd_log_entry x = {.priority = LOG_ERR,
					  .message_id = SRD_MESSAGE_RELOAD_FAILED};

		srd_policy_free(p);
		srd_log_field(&x, "SRD_REASON", "%s", m->policy_error);
		srd_log_field(&x, "SRD_POLICY", "%s",
			      m->policy ? srd_mode_to_string(m->policy->mode) : "");
		srd_log_emit(&x, "The new configuration is invalid; %s: %s",
			     m->policy ? "keeping the running policy" : "still without a policy",
			     m->policy_error);
		snprintf(ret_error, size, "%s", m->policy_error);
		sd_notifyf(false, "READY=1\nSTATUS=%s: %s (reload failed: %s)",
			   srd_state_to_string(m->state), m->reason, ret_error);
		write_metrics(m);
		srd_manager_bus_emit_changed(m);
		return -EINVAL;
	}
	srd_policy_free(m->policy);
	m->policy = p;
	srd_log_field(&e, "SRD_POLICY", "%s", srd_mode_to_string(p->mode));
	srd_log_emit(&e, "Configuration reloaded: policy %s from %zu file%s",
		     srd_mode_to_string(p->mode), p->n_files, p->n_files == 1 ? "" : "s");
	sd_notify(false, "READY=1");
	srd_manager_begin_pass(m, "configuration reloaded", true);
	return 0;
}

/* ---- lifecycle ---- */

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct srd_manager *m = userdata;
	char err[768];

	if (si->ssi_signo == SIGHUP) {
		srd_manager_reload(m, err, sizeof(err));
		return 0;
	}
	srd_log(LOG_INFO, "stopping on signal %u", si->ssi_signo);
	sd_notify(false, "STOPPING=1");
	sd_event_exit(m->event, 0);
	return 0;
}

static void read_boot_id(struct srd_manager *m)
{
	/* Unreadable: "", and a record then lasts as long as its directory (/run: the boot). */
	if (srd_read_line("/proc/sys/kernel/random/boot_id", m->boot_id, sizeof(m->boot_id)) < 0)
		m->boot_id[0] = '\0';
}

int srd_manager_new(const struct srd_manager_options *opts, struct srd_manager **ret)
{
	_cleanup_(srd_manager_freep) struct srd_manager *m = calloc(1, sizeof(*m));
	sigset_t ss;
	int r;

	if (!m)
		return -ENOMEM;
	m->opts = *opts;
	snprintf(m->reason, sizeof(m->reason), "starting");
	r = sd_event_default(&m->event);
	if (r < 0)
		return srd_log_errno(LOG_ERR, r, "cannot create the event loop");
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	r = sd_event_add_signal(m->event, NULL, SIGTERM, on_signal, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGINT, on_signal, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGHUP, on_signal, m);
	if (r < 0)
		return srd_log_errno(LOG_ERR, r, "cannot watch signals");
	r = sd_event_set_watchdog(m->event, true);
	if (r < 0)
		srd_log_errno(LOG_WARNING, r, "cannot set up the watchdog, ignoring");
	r = srd_udev_watch_new(m->event, on_uevent, m, &m->udev);
	if (r < 0)
		return srd_log_errno(LOG_ERR, r, "cannot watch udev events");
	srd_manager_load_layouts(m);
	read_boot_id(m);
	srd_ratelimit_init(&m->refresh_limit, SRD_REFRESH_INTERVAL_USEC, SRD_REFRESH_BURST);
	if (load_policy(m, &m->policy) < 0) {
		srd_policy_free(m->policy);
		m->policy = NULL;
		if (!m->policy_error[0])
			snprintf(m->policy_error, sizeof(m->policy_error), "out of memory");
	}
	srd_manager_bus_connect(m);
	*ret = TAKE_PTR(m);
	return 0;
}

struct srd_manager *srd_manager_free(struct srd_manager *m)
{
	if (!m)
		return NULL;
	sd_event_source_disable_unref(m->quiet_timer);
	sd_event_source_disable_unref(m->deadline_timer);
	sd_event_source_disable_unref(m->expect_timer);
	sd_event_source_disable_unref(m->bus_retry_timer);
	srd_udev_watch_free(m->udev);
	sd_bus_flush_close_unref(m->bus);
	sd_event_unref(m->event);
	srd_policy_free(m->policy);
	srd_inventory_free(m->inventory);
	srd_decision_free(m->decision);
	srd_apply_result_done(&m->last_apply);
	free(m->baseline);
	free(m->owners);
	free(m->layouts);
	free(m);
	return NULL;
}

int srd_manager_run(struct srd_manager *m)
{
	struct srd_log_entry e = {.priority = LOG_INFO, .message_id = SRD_MESSAGE_STARTED};

	srd_log_field(&e, "SRD_POLICY", "%s",
		      m->policy ? srd_mode_to_string(m->policy->mode) : "invalid");
	char why[256];

	srd_log_emit(&e, "srd %s started, policy %s", SRD_VERSION,
		     m->policy ? srd_mode_to_string(m->policy->mode) : "invalid");
	if (m->opts.state_dir && srd_apply_interrupted(m->opts.state_dir, why, sizeof(why))) {
		struct srd_apply_opts o = {.state_dir = m->opts.state_dir,
					   .on_write = srd_manager_log_write,
					   .userdata = m};
		char what[512];
		int r;

		srd_log(LOG_WARNING, "%s; deciding again from a fresh inventory", why);
		/* A region it was building is half there: down with it, so the
		 * layout can be built again. */
		r = srd_apply_create_cleanup(&o, what, sizeof(what));
		if (r != 0)
			srd_log(r < 0 ? LOG_ERR : LOG_NOTICE, "%s", what);
	} else if (m->opts.state_dir) {
		load_owners(m);
	}
	srd_manager_begin_pass(m, "boot", true);
	return sd_event_loop(m->event);
}
