// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd: the Soft Reserved daemon's entry point.  Without a job it runs the
 * daemon (srd-manager.c); the jobs print the inventory, check the
 * configuration, decide and print the plan, or run one pass in the
 * foreground.  Every fact and decision comes from lib/; this file only
 * chooses and formats.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#include "clock.h"
#include "apply.h"
#include "config.h"
#include "decide.h"
#include "discover.h"
#include "policy.h"
#include "policy-device.h"
#include "srd-json.h"
#include "srd-log.h"
#include "srd-manager.h"
#include "pass.h"
#include "srd-print.h"
#include "load.h"

static bool arg_json;
static bool arg_dry_run;
static bool arg_debug;
static const char *arg_config;
static const char *arg_policy;
static const char *arg_state_dir = "/run/srd";
static const char *arg_layout_dir = "/var/lib/srd/layouts";
static const char *arg_machine_id_file = "/etc/machine-id";

enum job {
	JOB_NONE,
	JOB_DAEMON,
	JOB_INVENTORY,
	JOB_PLAN,
	JOB_CHECK_CONFIG,
	JOB_ONCE,
};
static enum job arg_job = JOB_NONE;

static void help(void)
{
	printf("Usage: srd [OPTIONS] [JOB]\n\n"
	       "Decides who owns CXL Soft Reserved memory: the CXL region driver or dax_hmem.\n"
	       "Without a job, runs as the daemon (srd.service); srdctl talks to it.\n\n"
	       "Jobs:\n"
	       "     --inventory      Print what this machine has (read-only)\n"
	       "     --plan           Decide by the policy and print the plan (read-only)\n"
	       "     --check-config   Validate the configuration; exit 1 on any error\n"
	       "     --once           Settle, decide, apply the plan, report; exit 0 when the\n"
	       "                      machine ends as the verdict says\n\n"
	       "Options:\n"
	       "  -h --help           Show this help\n"
	       "     --version        Show the version\n"
	       "     --json           Machine-readable output\n"
	       "     --config FILE    Use only FILE, not %s/srd.conf and drop-ins\n"
	       "     --policy NAME    Override Mode= (strict, per-range, prefer-cxl,\n"
	       "                      prefer-hmem, audit)\n"
	       "     --dry-run        With --once: print the writes, make none\n"
	       "     --state-dir DIR  Progress record directory (default /run/srd)\n"
	       "     --layout-dir DIR The daemon's recorded region layouts\n"
	       "                      (default /var/lib/srd/layouts)\n"
	       "     --machine-id-file FILE  This machine's ID, which layouts carry\n"
	       "                      (default /etc/machine-id)\n"
	       "     --debug          The daemon logs every event and state change\n",
	       SRD_SYSCONFDIR "/srd");
}

static int set_job(enum job j)
{
	if (arg_job != JOB_NONE && arg_job != j) {
		fprintf(stderr, "srd: choose one job\n");
		return -EINVAL;
	}
	arg_job = j;
	return 0;
}

static int parse_argv(int argc, char *argv[])
{
	enum {
		ARG_VERSION = 0x100,
		ARG_INVENTORY,
		ARG_PLAN,
		ARG_CHECK_CONFIG,
		ARG_JSON,
		ARG_CONFIG,
		ARG_POLICY,
		ARG_ONCE,
		ARG_DRY_RUN,
		ARG_STATE_DIR,
		ARG_DEBUG,
		ARG_LAYOUT_DIR,
		ARG_MACHINE_ID_FILE,
	};
	static const struct option options[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, ARG_VERSION},
	    {"inventory", no_argument, NULL, ARG_INVENTORY},
	    {"plan", no_argument, NULL, ARG_PLAN},
	    {"check-config", no_argument, NULL, ARG_CHECK_CONFIG},
	    {"json", no_argument, NULL, ARG_JSON},
	    {"config", required_argument, NULL, ARG_CONFIG},
	    {"policy", required_argument, NULL, ARG_POLICY},
	    {"once", no_argument, NULL, ARG_ONCE},
	    {"dry-run", no_argument, NULL, ARG_DRY_RUN},
	    {"state-dir", required_argument, NULL, ARG_STATE_DIR},
	    {"debug", no_argument, NULL, ARG_DEBUG},
	    {"layout-dir", required_argument, NULL, ARG_LAYOUT_DIR},
	    {"machine-id-file", required_argument, NULL, ARG_MACHINE_ID_FILE},
	    {}};
	int c, r = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("srd %s\n", SRD_VERSION);
			return 0;
		case ARG_INVENTORY:
			r = set_job(JOB_INVENTORY);
			break;
		case ARG_PLAN:
			r = set_job(JOB_PLAN);
			break;
		case ARG_CHECK_CONFIG:
			r = set_job(JOB_CHECK_CONFIG);
			break;
		case ARG_JSON:
			arg_json = true;
			break;
		case ARG_ONCE:
			r = set_job(JOB_ONCE);
			break;
		case ARG_DRY_RUN:
			arg_dry_run = true;
			break;
		case ARG_STATE_DIR:
			arg_state_dir = optarg;
			break;
		case ARG_DEBUG:
			arg_debug = true;
			break;
		case ARG_LAYOUT_DIR:
			arg_layout_dir = optarg;
			break;
		case ARG_MACHINE_ID_FILE:
			arg_machine_id_file = optarg;
			break;
		case ARG_CONFIG:
			arg_config = optarg;
			break;
		case ARG_POLICY:
			if (srd_mode_from_string(optarg) < 0) {
				fprintf(stderr,
					"srd: --policy %s: expected strict, per-range, prefer-cxl, "
					"prefer-hmem or audit\n",
					optarg);
				return -EINVAL;
			}
			arg_policy = optarg;
			break;
		default:
			return -EINVAL;
		}
		if (r < 0)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "srd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (arg_job == JOB_NONE)
		arg_job = JOB_DAEMON;
	if (arg_job == JOB_DAEMON && (arg_json || arg_policy)) {
		fprintf(
		    stderr,
		    "srd: --json and --policy go with a job; the daemon follows the configuration\n");
		return -EINVAL;
	}
	if (arg_dry_run && arg_job != JOB_ONCE) {
		fprintf(stderr, "srd: --dry-run goes with --once\n");
		return -EINVAL;
	}
	return 1;
}

/* Loads the policy; prints every error.  Returns 0, -EINVAL (errors printed) or -ENOMEM. */
static int load_policy(struct srd_policy **ret)
{
	char **errs = NULL;
	size_t n_errs = 0;
	int r = srd_config_load(arg_config, NULL, ret, &errs, &n_errs);

	for (size_t i = 0; i < n_errs; i++)
		fprintf(stderr, "%s\n", errs[i]);
	srd_strv_free(errs, n_errs);
	if (r < 0 && r != -EINVAL)
		fprintf(stderr, "srd: failed to load the configuration: %s\n", strerror(-r));
	return r;
}

/* Reads the inventory; says why on failure. */
static int discover(struct srd_inventory **ret)
{
	int r = srd_discover(ret);

	if (r < 0)
		fprintf(stderr, "srd: failed to read the inventory: %s\n", strerror(-r));
	return r;
}

/* Reads the inventory and decides; says why on failure. */
static int discover_and_decide(const struct srd_policy *p, const struct srd_decide_input *in,
			       struct srd_inventory **ret_inv, struct srd_decision **ret_d)
{
	int r = discover(ret_inv);

	if (r < 0)
		return r;
	r = srd_decide(*ret_inv, p, in, ret_d);
	if (r < 0)
		fprintf(stderr, "srd: failed to decide: %s\n", strerror(-r));
	return r;
}

/* [Device] rules that match no dax device of this machine: worth saying,
 * not an error (the device may come later, or the file serves a fleet). */
static void note_unmatched_rules(const struct srd_policy *p)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	_cleanup_free_ size_t *ids = NULL;
	int n;

	if (p->n_device_rules == 0 || access("/sys/bus/dax", F_OK) < 0 || srd_discover(&inv) < 0)
		return;
	n = srd_device_rules_unmatched(p, inv, &ids);
	for (int i = 0; i < n; i++)
		printf("note: [Device] %s matches no dax device on this machine\n",
		       p->device_rules[ids[i]].origin.where);
}

static int run_check_config(void)
{
	_cleanup_(srd_policy_freep) struct srd_policy *p = NULL;
	int r = load_policy(&p);

	if (r < 0)
		return r;
	if (p->n_files == 0)
		printf("No configuration files; the defaults apply (policy %s).\n",
		       srd_mode_to_string(p->mode));
	else
		for (size_t i = 0; i < p->n_files; i++)
			printf("%s: ok\n", p->files[i]);
	note_unmatched_rules(p);
	return 0;
}

/* Prints a JSON document and drops it. */
static int print_json(struct json_object *o)
{
	int r = srd_json_print(o, stdout);

	json_object_put(o);
	return r;
}

/* The dax policy beside the inventory: which [Device] rule, or default, each
 * dax device gets.  The inventory is shown even when the configuration does
 * not load (its errors are printed); the policy part is then left out. */
static void add_dax_policy(const struct srd_inventory *inv, struct json_object *o)
{
	_cleanup_(srd_policy_freep) struct srd_policy *p = NULL;

	if (load_policy(&p) < 0) {
		fprintf(stderr, "srd: the configuration does not load; dax policy not shown\n");
		return;
	}
	if (o)
		srd_json_add_dax_policy(o, inv, p);
	else
		srd_print_dax_policy(inv, p, stdout);
}

static int run_inventory(void)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	int r;

	r = discover(&inv);
	if (r < 0)
		return r;
	if (arg_json) {
		struct json_object *o = srd_json_inventory(inv);

		add_dax_policy(inv, o);
		return print_json(o);
	}
	srd_print_inventory(inv, stdout);
	add_dax_policy(inv, NULL);
	return 0;
}

static int run_plan(void)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	_cleanup_(srd_policy_freep) struct srd_policy *p = NULL;
	_cleanup_(srd_decision_freep) struct srd_decision *d = NULL;
	struct srd_decide_input in = {.policy_override = arg_policy};
	int r;

	r = load_policy(&p);
	if (r < 0)
		return r;
	r = discover_and_decide(p, &in, &inv, &d);
	if (r < 0)
		return r;
	if (arg_json)
		return print_json(srd_json_decision(d, inv));
	srd_print_decision(d, stdout);
	return 0;
}

/*
 * A one-shot settle, without events: CXL and DAX drivers probe
 * asynchronously, so wait until udev's queue is empty, the inventory has not
 * changed for QuietSec=, and the expected memdevs and regions are present, or
 * with ExpectAuto= as soon as all the machine announced is there; at most
 * TimeoutSec=.  (The daemon settles on uevents instead.)  Returns true
 * when it timed out.
 */
static bool settle_once(const struct srd_policy *p)
{
	struct udev *udev = udev_new();
	struct udev_queue *q = udev ? udev_queue_new(udev) : NULL;
	uint64_t start = srd_now_usec(CLOCK_MONOTONIC), deadline = start + p->settle_timeout_usec,
		 stable_since = start;
	struct srd_inventory *inv = NULL;
	char *last = NULL, why[128];
	bool timed_out = true;

	for (;;) {
		bool quiet = !q || udev_queue_get_queue_is_empty(q);
		char *fp = NULL;

		srd_inventory_free(inv);
		inv = NULL;
		if (srd_discover(&inv) == 0)
			fp = srd_pass_fingerprint(inv);
		if (!fp || !last || strcmp(fp, last) != 0)
			stable_since = srd_now_usec(CLOCK_MONOTONIC);
		free(last);
		last = fp;
		/* ExpectAuto=: everything the machine announced is there. */
		if (quiet && inv && p->expect_auto &&
		    srd_discover_expected_present(p->expect_memdevs, p->expect_regions, true, why,
						  sizeof(why))) {
			fprintf(stderr,
				"srd: CXL enumeration settled: all expected devices present (%s)\n",
				why);
			timed_out = false;
			break;
		}
		if (quiet && inv &&
		    srd_now_usec(CLOCK_MONOTONIC) - stable_since >= p->settle_quiet_usec &&
		    ((inv->n_memdevs >= p->expect_memdevs && inv->n_regions >= p->expect_regions) ||
		     srd_inventory_enumeration_failure(inv))) {
			/* Counts met, or a CXL failure the quiet machine shows: waiting
			 * longer would not change it (the decision falls back on it). */
			timed_out = false;
			break;
		}
		if (srd_now_usec(CLOCK_MONOTONIC) >= deadline)
			break;
		usleep(200000);
	}
	free(last);
	srd_inventory_free(inv);
	udev_queue_unref(q);
	udev_unref(udev);
	return timed_out;
}

/*
 * One srd acts on a machine at a time: the daemon holds <state-dir>/srd.lock
 * for its life, srd --once while it acts.  A second one refuses instead of
 * interleaving its stores with the first's.  Returns the locked fd (kept
 * open, released at exit) or a negative errno.
 */
static int take_lock(bool wait)
{
	char path[4096];
	int fd;

	if (mkdir(arg_state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/srd.lock", arg_state_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int run_once(void)
{
	_cleanup_(srd_policy_freep) struct srd_policy *p = NULL;
	struct srd_pass pass = {};
	struct srd_pass_input in = {.policy_override = arg_policy};
	size_t n_writes = 0;
	struct srd_pass_options o = {
	    .dry_run = arg_dry_run,
	    .out = arg_json ? NULL : stdout,
	    .state_dir = arg_state_dir,
	};
	int r;
	bool ok;

	r = load_policy(&p);
	if (r < 0)
		return r;
	if (!arg_dry_run) {
		int lock = take_lock(false);

		if (lock == -EWOULDBLOCK) {
			fprintf(
			    stderr,
			    "srd: another srd is acting on this machine (the daemon, or srd --once: %s/srd.lock); "
			    "use srdctl apply while the daemon runs\n",
			    arg_state_dir);
			return -EBUSY;
		}
		if (lock < 0) {
			fprintf(stderr, "srd: cannot lock %s/srd.lock: %s\n", arg_state_dir,
				strerror(-lock));
			return lock;
		}
		/* Held until exit. */
	}
	in.policy = p;
	o.allow_offline = p->allow_offline;
	in.settle_timed_out = settle_once(p);
	in.now_usec = srd_now_usec(CLOCK_MONOTONIC);
	/* The pass reads the settled machine afresh: the kernel may still have
	 * been finishing what a previous run started when settling last read it. */
	r = srd_pass_decide(&pass, &in);
	if (r < 0) {
		fprintf(stderr, "srd: %s\n", pass.error ? pass.error_message : strerror(-r));
		srd_pass_done(&pass);
		return r;
	}
	if (!arg_json) {
		srd_print_decision(pass.decision, stdout);
		printf("\n%s:\n", arg_dry_run ? "Dry run, the writes srd would make" : "Applying");
	}
	/* With --json a dry run's writes go into the document, as srdctl apply
	 * --dry-run --json has them. */
	if (arg_dry_run && arg_json) {
		o.out = open_memstream(&pass.writes, &n_writes);
		if (!o.out) {
			srd_pass_done(&pass);
			return -ENOMEM;
		}
	}
	r = srd_pass_apply(&pass, &o);
	if (arg_dry_run && arg_json)
		fclose(o.out);
	if (r == -ENOMEM) {
		srd_pass_done(&pass);
		return r;
	}
	r = srd_pass_verify(&pass);
	if (r < 0) {
		fprintf(stderr, "srd: %s\n", pass.error ? pass.error_message : strerror(-r));
		srd_pass_done(&pass);
		return r;
	}
	ok = pass.apply_error == 0 && (arg_dry_run || pass.converged);
	if (pass.apply_error == 0 && !arg_dry_run)
		srd_print_unconverged(&pass, stderr);
	if (arg_json)
		print_json(srd_json_once(&pass, ok));
	else
		srd_print_pass(&pass, ok, stdout);
	if (pass.apply_error < 0 && !arg_json)
		fprintf(stderr, "srd: applying the plan stopped: %s\n",
			strerror(-pass.apply_error));
	srd_pass_done(&pass);
	return ok ? 0 : -EIO;
}

static int run_daemon(void)
{
	_cleanup_(srd_manager_freep) struct srd_manager *m = NULL;
	struct srd_manager_options o = {
	    .config = arg_config,
	    .state_dir = arg_state_dir,
	    .layout_dir = arg_layout_dir,
	    .machine_id_file = arg_machine_id_file,
	};
	int r;

	srd_log_set_max_priority(arg_debug ? LOG_DEBUG : LOG_INFO);
	r = take_lock(true); /* an srd --once in progress finishes first */
	if (r < 0) {
		srd_log_errno(LOG_ERR, r, "cannot lock %s/srd.lock", arg_state_dir);
		return r;
	}
	r = srd_manager_new(&o, &m);
	if (r < 0)
		return r;
	return srd_manager_run(m);
}

int main(int argc, char *argv[])
{
	int r;

	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? 2 : 0;
	switch (arg_job) {
	case JOB_INVENTORY:
		r = run_inventory();
		break;
	case JOB_PLAN:
		r = run_plan();
		break;
	case JOB_CHECK_CONFIG:
		r = run_check_config();
		break;
	case JOB_ONCE:
		r = run_once();
		break;
	case JOB_DAEMON:
		r = run_daemon();
		break;
	default:
		r = -EINVAL;
	}
	return r < 0 ? 1 : 0;
}
