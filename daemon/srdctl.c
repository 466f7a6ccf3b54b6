// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srdctl: the administrator's window into srd.  Every verb but policy-check
 * talks to the daemon over D-Bus (org.srd1); policy-check reads policy files
 * itself, so configuration management can check a file for a given host
 * without a daemon.  Human tables by default, --json for scripts (the status
 * document's schema is docs/status-json.md).  Exit codes: 0 done, 1 the
 * operation failed or the machine does not match, 2 usage, 3 srd is not
 * running, 4 access denied.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "config.h"
#include "policy.h"
#include "srd-bus.h"
#include "srd-json.h"
#include "srd-util.h"
#include "srdctl.h"
#include "read.h"
#include "load.h"

/*
 * Verbs and helpers return 0 or a negative errno; main() maps it to the exit
 * status once: -EINVAL is a usage error (only argument checks return it),
 * -ENOTCONN srd not running, -EACCES access denied, anything else a failure
 * (-EIO: srd reported one, or the machine does not match the verdict).
 */
enum {
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_RUNNING = 3,
	EXIT_DENIED = 4,
};

static int exit_status(int r)
{
	switch (r) {
	case 0:
		return EXIT_SUCCESS;
	case -EINVAL:
		return EXIT_USAGE;
	case -ENOTCONN:
		return EXIT_NOT_RUNNING;
	case -EACCES:
		return EXIT_DENIED;
	default:
		return EXIT_FAILED;
	}
}

static bool arg_json;
static bool arg_dry_run;
static bool arg_anonymize;
static const char *arg_policy = "";
static const char *arg_host_facts;

/* ---- talking to the daemon ---- */

static int bus_failure(const sd_bus_error *e, int r, const char *what)
{
	if (sd_bus_error_has_names(e, SD_BUS_ERROR_ACCESS_DENIED,
				   "org.freedesktop.DBus.Error.AccessDenied")) {
		fprintf(stderr, "srdctl: %s: access denied (%s)\n", what,
			e->message ? e->message : "only root may do this");
		return -EACCES;
	}
	/* A request that outlives the call's timeout is not a daemon that is gone:
	 * srd may still be carrying it out. */
	if (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) || r == -ETIMEDOUT) {
		fprintf(
		    stderr,
		    "srdctl: %s: srd did not answer in time; it may still be at it (srdctl status)\n",
		    what);
		return -ETIMEDOUT;
	}
	if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN,
				   SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	    r == -ENOENT || r == -ECONNREFUSED) {
		fprintf(stderr, "srdctl: srd is not running (is srd.service started?)\n");
		return -ENOTCONN;
	}
	fprintf(stderr, "srdctl: %s: %s\n", what, e && e->message ? e->message : strerror(-r));
	return -EIO;
}

static int open_bus(sd_bus **ret)
{
	int r = sd_bus_open_system(ret);

	if (r < 0) {
		fprintf(stderr, "srdctl: cannot connect to the system bus: %s\n", strerror(-r));
		return -ENOTCONN;
	}
	return 0;
}

#define ACT_TIMEOUT_USEC (15 * 60 * 1000000ull)

static bool acting(const char *method)
{
	return strcmp(method, "Apply") == 0 || strncmp(method, "Replace", 7) == 0;
}

/* Calls a method that returns one JSON string; parses it into *ret. */
static int call_json(const char *method, const char *what, struct json_object **ret,
		     const char *types, ...)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *s;
	va_list ap;
	int r;

	r = open_bus(&bus);
	if (r)
		return r;
	r = sd_bus_message_new_method_call(bus, &m, SRD_BUS_NAME, SRD_BUS_PATH, SRD_BUS_INTERFACE,
					   method);
	if (r >= 0 && types) {
		va_start(ap, types);
		r = sd_bus_message_appendv(m, types, ap);
		va_end(ap);
	}
	/* Acting can take minutes (memory going offline, a region re-created);
	 * reads answer at once. */
	if (r >= 0)
		r = sd_bus_call(bus, m, acting(method) ? ACT_TIMEOUT_USEC : 0 /* default */, &e,
				&reply);
	if (r < 0) {
		r = bus_failure(&e, r, what);
		sd_bus_error_free(&e);
		return r;
	}
	if (!ret)
		return 0;
	r = sd_bus_message_read(reply, "s", &s);
	if (r < 0 || !(*ret = json_tokener_parse(s))) {
		fprintf(stderr, "srdctl: %s: the daemon's reply does not parse\n", what);
		return -EBADMSG;
	}
	return 0;
}

/* Calls a method without arguments for its effect alone: its reply and errors do not matter. */
static void call_quiet(const char *method)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;

	if (sd_bus_open_system(&bus) >= 0)
		(void)sd_bus_call_method(bus, SRD_BUS_NAME, SRD_BUS_PATH, SRD_BUS_INTERFACE, method,
					 &e, NULL, NULL);
	sd_bus_error_free(&e);
}

static const char *bytes_of(struct json_object *o, const char *key, char *buf, size_t size)
{
	uint64_t v = 0; /* what the daemon left out shows as 0 */

	srd_parse_u64(str(o, key), &v);
	return srd_format_bytes(v, buf, size);
}

int srdctl_print_json_doc(struct json_object *o)
{
	int r = srd_json_print(o, stdout);

	json_object_put(o);
	return r < 0 ? -EIO : 0;
}

/* ---- verbs ---- */

/* "START-END", or "#N" when srd hid the addresses from this caller. */
static const char *range_of(struct json_object *x, size_t i, char *buf, size_t size)
{
	if (*str(x, "start"))
		snprintf(buf, size, "%s-%s", str(x, "start"), str(x, "end"));
	else
		snprintf(buf, size, "#%zu", i);
	return buf;
}

static void say_hidden(struct json_object *o)
{
	if (json_object_get_boolean(get(o, "addresses_hidden")))
		printf("\n(Physical addresses and serials are shown to root only.)\n");
}

static void print_ranges(struct json_object *status)
{
	struct json_object *a = get(status, "ranges");
	size_t n = a ? json_object_array_length(a) : 0;
	char b[32];

	if (n == 0) {
		printf("No Soft Reserved ranges.\n");
		return;
	}
	printf("%-37s %9s %-9s %-9s %s\n", "RANGE", "SIZE", "OWNER", "WANTED", "REASON");
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(a, i);
		char range[64];

		range_of(x, i, range, sizeof(range));
		printf("%-37s %9s %-9s %-9s %s%s\n", range, bytes_of(x, "size", b, sizeof(b)),
		       str(x, "owner"), str(x, "target"),
		       get(x, "held") && json_object_get_boolean(get(x, "held")) ? "[held] " : "",
		       str(x, "reason"));
	}
}

static int verb_status(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *s = NULL, *c, *pol;
	char when[64] = "never", b[32];
	int64_t usec;
	int r;

	r = call_json("GetStatus", "status", &s, NULL);
	if (r)
		return r;
	if (arg_json)
		return srdctl_print_json_doc(s);
	c = get(s, "counts");
	pol = get(s, "policy");
	usec = num(s, "last_decision_usec");
	if (usec > 0) {
		time_t t = (time_t)(usec / 1000000);
		struct tm tm;

		strftime(when, sizeof(when), "%a %Y-%m-%d %H:%M:%S %Z", localtime_r(&t, &tm));
	}
	printf("    State: %s\n", str(s, "state"));
	printf("   Reason: %s\n", str(s, "reason"));
	printf("  Verdict: %s%s\n", *str(s, "verdict") ? str(s, "verdict") : "(none yet)",
	       json_object_get_boolean(get(s, "converged")) ? " (the machine matches it)" : "");
	printf("   Policy: %s%s%s\n", *str(pol, "mode") ? str(pol, "mode") : "(invalid)",
	       *str(pol, "error") ? "; configuration error: " : "", str(pol, "error"));
	printf("  Decided: %s (%" PRId64 " decision%s, %" PRId64 " error%s)\n", when,
	       num(c, "decisions"), num(c, "decisions") == 1 ? "" : "s", num(c, "errors"),
	       num(c, "errors") == 1 ? "" : "s");
	printf("   Ranges: cxl %" PRId64 ", hmem %" PRId64 ", stranded %" PRId64
	       ", conflict %" PRId64 " (%" PRId64 " blocked by interlocks, %" PRId64 " held)\n",
	       num(c, "cxl"), num(c, "hmem"), num(c, "none"), num(c, "conflict"), num(c, "blocked"),
	       num(c, "held"));
	printf(" Stranded: %s (served by nobody)\n\n",
	       bytes_of(get(s, "bytes"), "stranded", b, sizeof(b)));
	print_ranges(s);
	say_hidden(s);
	r = strcmp(str(s, "state"), "degraded") == 0 ? -EIO : 0;
	json_object_put(s);
	return r;
}

static int verb_ranges(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *s = NULL;
	int r = call_json("GetStatus", "ranges", &s, NULL);

	if (r)
		return r;
	if (arg_json) {
		struct json_object *a = json_object_get(get(s, "ranges"));

		json_object_put(s);
		return srdctl_print_json_doc(a);
	}
	print_ranges(s);
	json_object_put(s);
	return 0;
}

static int verb_regions(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *inv = NULL, *a;
	size_t n;
	char b[32];
	int r = call_json("GetInventory", "regions", &inv, NULL);

	if (r)
		return r;
	a = get(inv, "regions");
	if (arg_json) {
		a = json_object_get(a);
		json_object_put(inv);
		return srdctl_print_json_doc(a ? a : json_object_new_array());
	}
	n = a ? json_object_array_length(a) : 0;
	if (n == 0)
		printf("No CXL regions.\n");
	else
		printf("%-10s %-37s %9s %-5s %-10s %-8s %s\n", "REGION", "RANGE", "SIZE", "MODE",
		       "COMMITTED", "ENABLED", "TARGETS");
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(a, i), *t = get(x, "targets");
		char range[64], targets[256] = "";

		if (*str(x, "start"))
			snprintf(range, sizeof(range), "%s-%s", str(x, "start"), str(x, "end"));
		else
			snprintf(range, sizeof(range), "%s",
				 get(x, "size") ? "(hidden)" : "(no HPA)");
		for (size_t k = 0; t && k < json_object_array_length(t); k++) {
			struct json_object *v = json_object_array_get_idx(t, k);
			const char *name = json_object_is_type(v, json_type_string)
					       ? json_object_get_string(v)
					       : str(v, "memdev");

			snprintf(targets + strlen(targets), sizeof(targets) - strlen(targets),
				 "%s%s", k ? "," : "", name);
		}
		printf("%-10s %-37s %9s %-5s %-10s %-8s %s\n", str(x, "name"), range,
		       bytes_of(x, "size", b, sizeof(b)), str(x, "mode"),
		       json_object_get_boolean(get(x, "committed")) ? "yes" : "no",
		       json_object_get_boolean(get(x, "enabled")) ? "yes" : "no", targets);
	}
	json_object_put(inv);
	return 0;
}

static int verb_dax(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *inv = NULL;
	int r = call_json("GetInventory", "dax devices", &inv, NULL);

	if (r)
		return r;
	if (arg_json)
		return srdctl_print_json_doc(srdctl_dax_devices(inv));
	srdctl_print_dax(inv);
	json_object_put(inv);
	return 0;
}

static void print_plan(struct json_object *d)
{
	struct json_object *a = get(d, "actions");
	size_t n = a ? json_object_array_length(a) : 0;

	printf("%s\n", str(d, "summary"));
	if (json_object_get_boolean(get(d, "refused")))
		printf("Refused: %s\n", str(d, "refusal"));
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(a, i);

		printf("  %zu. %s %s: %s\n", i + 1, str(x, "action"), str(x, "target"),
		       str(x, "reason"));
	}
	if (n == 0)
		printf("Nothing to do.\n");
}

static int verb_plan(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *d = NULL;
	int r = call_json("GetPlan", "plan", &d, "s", arg_policy);

	if (r)
		return r;
	if (arg_json)
		return srdctl_print_json_doc(d);
	print_plan(d);
	json_object_put(d);
	return 0;
}

/* What each action of a run did, and what its undo did. */
static void print_steps(struct json_object *steps)
{
	for (size_t i = 0; steps && i < json_object_array_length(steps); i++) {
		struct json_object *x = json_object_array_get_idx(steps, i);

		printf("%s %s: %s: %s%s%s\n", str(x, "action"), str(x, "target"), str(x, "result"),
		       str(x, "message"), *str(x, "rollback") ? "; undone: " : "",
		       str(x, "rollback"));
	}
}

static int verb_apply(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *o = NULL;
	bool ok;
	int r = call_json("Apply", "apply", &o, "sb", arg_policy, (int)arg_dry_run);

	if (r)
		return r;
	ok = json_object_get_boolean(get(o, "converged"));
	if (arg_json) {
		srdctl_print_json_doc(o);
		return ok ? 0 : -EIO;
	}
	print_plan(get(o, "decision"));
	if (arg_dry_run) {
		printf("\nThe writes srd would make:\n%s", str(o, "writes"));
	} else {
		print_steps(get(get(o, "apply"), "steps"));
	}
	printf("%s\n", ok ? (arg_dry_run ? "Dry run complete."
					 : "Converged: the machine matches the verdict.")
			  : "NOT converged: see 'srdctl status' and 'journalctl -u srd'.");
	json_object_put(o);
	return ok ? 0 : -EIO;
}

static int verb_replace(int argc, char *argv[])
{
	const char *what = argv[0], *memdev = argc > 1 ? argv[1] : NULL;
	bool prepare = strcmp(what, "prepare") == 0;
	struct json_object *o = NULL;
	bool ok;
	int r;

	if ((!prepare && strcmp(what, "complete") != 0) || (prepare && !memdev)) {
		fprintf(stderr, "srdctl: replace prepare MEMDEV | replace complete [MEMDEV]\n");
		return -EINVAL;
	}
	r = call_json(prepare ? "ReplacePrepare" : "ReplaceComplete", "replace", &o, "s",
		      memdev ? memdev : "");
	if (r)
		return r;
	ok = json_object_get_boolean(get(o, "converged")) &&
	     !json_object_get_boolean(get(o, "refused"));
	if (arg_json) {
		srdctl_print_json_doc(o);
		return ok ? 0 : -EIO;
	}
	if (json_object_get_boolean(get(o, "refused")))
		printf("Refused: %s\n", str(o, "reason"));
	print_steps(get(get(o, "apply"), "steps"));
	if (*str(o, "message"))
		printf("%s\n", str(o, "message"));
	else if (ok && !prepare)
		printf("Re-created; srd applies the policy to it now (see 'srdctl status').\n");
	json_object_put(o);
	return ok ? 0 : -EIO;
}

static int verb_simple(const char *method, const char *what, const char *done)
{
	int r = call_json(method, what, NULL, NULL);

	if (r == 0 && !arg_json)
		printf("%s\n", done);
	return r;
}

static int verb_reevaluate(int argc _unused_, char *argv[] _unused_)
{
	return verb_simple("Reevaluate", "reevaluate",
			   "Re-evaluation started; see 'srdctl status'.");
}

static int verb_reload(int argc _unused_, char *argv[] _unused_)
{
	return verb_simple("Reload", "reload", "Configuration reloaded.");
}

/* Keeps only the memmap= words of a kernel command line: the rest (root=UUID=,
 * BOOT_IMAGE=, console settings) names the machine and nothing srd reads. */
static struct json_object *cmdline_anonymized(const char *cmdline)
{
	_cleanup_free_ char *copy = strdup(cmdline), *out = calloc(1, strlen(cmdline) + 1);
	char *save = NULL;

	if (!copy || !out)
		return NULL;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (strncmp(w, "memmap=", 7) == 0) {
			if (*out)
				strcat(out, " ");
			strcat(out, w);
		}
	return json_object_new_string(out);
}

/*
 * What --anonymize removes from a snapshot (srdctl(8)): the host name, the DMI
 * strings, the machine ID of each recorded layout, and every command-line
 * word but memmap=.  Addresses, sizes, device names and serials stay: a
 * replay needs them.
 */
static void snapshot_anonymize(struct json_object *o)
{
	struct json_object *kernel = get(get(o, "inventory"), "kernel"),
			   *layouts = get(o, "layouts");
	const char *cmdline = str(kernel, "cmdline");

	json_object_object_del(o, "host");
	if (json_object_is_type(get(kernel, "cmdline"), json_type_string))
		json_object_object_add(kernel, "cmdline", cmdline_anonymized(cmdline));
	for (size_t i = 0; layouts && i < json_object_array_length(layouts); i++)
		json_object_object_del(json_object_array_get_idx(layouts, i), "machine_id");
	json_object_object_add(o, "anonymized", json_object_new_boolean(true));
}

static int verb_policy_check(int argc, char *argv[])
{
	return srdctl_policy_check(argc > 0 ? argv[0] : NULL, arg_host_facts, arg_json);
}

static int verb_snapshot(int argc _unused_, char *argv[] _unused_)
{
	struct json_object *o = NULL;
	int r;

	/* A report wants the machine as it is now; when the refresh is refused
	 * (rate-limited), the snapshot says when its inventory was read. */
	call_quiet("RefreshInventory");
	r = call_json("Snapshot", "snapshot", &o, NULL);

	if (r)
		return r;
	if (arg_anonymize)
		snapshot_anonymize(o);
	return srdctl_print_json_doc(o);
}

static void help(void)
{
	printf("Usage: srdctl [OPTIONS] VERB [ARGS]\n\n"
	       "Shows and steers srd, the Soft Reserved daemon.\n\n"
	       "Verbs:\n"
	       "  status                  State, verdict, policy and every range's owner\n"
	       "  ranges                  Soft Reserved ranges: owner, wanted owner, reason\n"
	       "  regions                 CXL regions\n"
	       "  dax                     dax devices: stable identity, the [Device] rule applied\n"
	       "  plan                    What carrying out the policy would do now\n"
	       "  apply                   Carry out the policy now (root)\n"
	       "  reevaluate              Settle and decide again, as after an event (root)\n"
	       "  reload                  Re-read the configuration (root)\n"
	       "  snapshot                Everything srd knows, as JSON, for a report\n"
	       "  replace prepare MEMDEV  Take MEMDEV out of service for a hotplug replace:\n"
	       "                          memory offline, regions down, layouts recorded (root)\n"
	       "  replace complete [MEMDEV]\n"
	       "                          Re-create recorded regions whose devices are back\n"
	       "                          (srd does this itself when a device arrives) (root)\n"
	       "  policy-check [FILE]     The policy FILE (or the installed configuration)\n"
	       "                          gives this host or --host-facts; no daemon needed\n\n"
	       "Options:\n"
	       "  -h --help               Show this help\n"
	       "     --version            Show the version\n"
	       "     --json               Machine-readable output\n"
	       "     --policy NAME        plan/apply: use NAME instead of Mode=\n"
	       "     --dry-run            apply: print the writes, make none\n"
	       "     --anonymize          snapshot: leave out the host name, DMI strings,\n"
	       "                          machine IDs and command line (but memmap=)\n"
	       "     --host-facts SPEC    policy-check: hostname=H,dmi-product-name=N,\n"
	       "                          dmi-product-serial=S,kernel-release=R, or a file\n"
	       "                          of such lines\n\n"
	       "Exit status: 0 done, 1 failed or not converged, 2 usage, 3 srd not running,\n"
	       "4 access denied.\n");
}

/* The options a verb takes besides --json (which every verb takes). */
enum {
	VERB_POLICY = 1 << 0,
	VERB_DRY_RUN = 1 << 1,
	VERB_HOST_FACTS = 1 << 2,
	VERB_ANONYMIZE = 1 << 3,
};

struct verb {
	const char *name;
	int min_args, max_args; /* the verb's own arguments */
	unsigned options;
	const char *usage; /* what to say when the arguments do not fit */
	int (*run)(int argc, char *argv[]);
};

static const struct verb verbs[] = {
    {"status", 0, 0, 0, NULL, verb_status},
    {"ranges", 0, 0, 0, NULL, verb_ranges},
    {"regions", 0, 0, 0, NULL, verb_regions},
    {"dax", 0, 0, 0, NULL, verb_dax},
    {"plan", 0, 0, VERB_POLICY, NULL, verb_plan},
    {"apply", 0, 0, VERB_POLICY | VERB_DRY_RUN, NULL, verb_apply},
    {"reevaluate", 0, 0, 0, NULL, verb_reevaluate},
    {"reload", 0, 0, 0, NULL, verb_reload},
    {"snapshot", 0, 0, VERB_ANONYMIZE, NULL, verb_snapshot},
    {"replace", 1, 2, 0, "replace prepare MEMDEV | replace complete [MEMDEV]", verb_replace},
    {"policy-check", 0, 1, VERB_HOST_FACTS, "policy-check takes at most one FILE",
     verb_policy_check},
};

static int dispatch(int argc, char *argv[], unsigned given)
{
	const struct verb *v = NULL;
	int n;

	if (argc < 1) {
		fprintf(stderr, "srdctl: no verb given (try 'srdctl status' or --help)\n");
		return -EINVAL;
	}
	for (size_t i = 0; !v && i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, argv[0]) == 0)
			v = &verbs[i];
	if (!v) {
		fprintf(stderr, "srdctl: unknown verb '%s' (see --help)\n", argv[0]);
		return -EINVAL;
	}
	n = argc - 1;
	if (n < v->min_args || n > v->max_args) {
		if (v->usage)
			fprintf(stderr, "srdctl: %s\n", v->usage);
		else
			fprintf(stderr, "srdctl: %s takes no arguments\n", v->name);
		return -EINVAL;
	}
	if (given & ~v->options) {
		fprintf(stderr, "srdctl: an option does not go with %s (see --help)\n", v->name);
		return -EINVAL;
	}
	return v->run(n, argv + 1);
}

static int parse_argv(int argc, char *argv[], unsigned *ret_given)
{
	enum {
		ARG_VERSION = 0x100,
		ARG_JSON,
		ARG_POLICY,
		ARG_DRY_RUN,
		ARG_HOST_FACTS,
		ARG_ANONYMIZE
	};
	static const struct option options[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, ARG_VERSION},
	    {"json", no_argument, NULL, ARG_JSON},
	    {"policy", required_argument, NULL, ARG_POLICY},
	    {"dry-run", no_argument, NULL, ARG_DRY_RUN},
	    {"host-facts", required_argument, NULL, ARG_HOST_FACTS},
	    {"anonymize", no_argument, NULL, ARG_ANONYMIZE},
	    {}};
	int c;

	*ret_given = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("srdctl %s\n", SRD_VERSION);
			return 0;
		case ARG_JSON:
			arg_json = true;
			break;
		case ARG_POLICY:
			if (srd_mode_from_string(optarg) < 0) {
				fprintf(
				    stderr,
				    "srdctl: --policy %s: expected strict, per-range, prefer-cxl, "
				    "prefer-hmem or audit\n",
				    optarg);
				return -EINVAL;
			}
			arg_policy = optarg;
			*ret_given |= VERB_POLICY;
			break;
		case ARG_DRY_RUN:
			arg_dry_run = true;
			*ret_given |= VERB_DRY_RUN;
			break;
		case ARG_HOST_FACTS:
			arg_host_facts = optarg;
			*ret_given |= VERB_HOST_FACTS;
			break;
		case ARG_ANONYMIZE:
			arg_anonymize = true;
			*ret_given |= VERB_ANONYMIZE;
			break;
		default:
			return -EINVAL;
		}
	return 1;
}

int main(int argc, char *argv[])
{
	unsigned given;
	int r;

	r = parse_argv(argc, argv, &given);
	if (r > 0)
		r = dispatch(argc - optind, argv + optind, given);
	return exit_status(r);
}
