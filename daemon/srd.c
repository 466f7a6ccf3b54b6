// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd: the command line of the Soft Reserved daemon.  Parses arguments and
 * runs one job: print the inventory, check the configuration, or decide and
 * print the plan.  Every fact and decision comes from lib/; this file only
 * chooses and formats.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "decide.h"
#include "discover.h"
#include "policy.h"
#include "srd-json.h"
#include "srd-print.h"

static bool arg_json;
static const char *arg_config;
static const char *arg_policy;

enum job {
	JOB_NONE,
	JOB_INVENTORY,
	JOB_PLAN,
	JOB_CHECK_CONFIG,
};
static enum job arg_job = JOB_NONE;

static void help(void)
{
	printf("Usage: srd [OPTIONS] JOB\n\n"
	       "Decides who owns CXL Soft Reserved memory: the CXL region driver or dax_hmem.\n\n"
	       "Jobs:\n"
	       "     --inventory      Print what this machine has (read-only)\n"
	       "     --plan           Decide by the policy and print the plan (read-only)\n"
	       "     --check-config   Validate the configuration; exit 1 on any error\n\n"
	       "Options:\n"
	       "  -h --help           Show this help\n"
	       "     --version        Show the version\n"
	       "     --json           Machine-readable output\n"
	       "     --config FILE    Use only FILE, not %s/srd.conf and drop-ins\n"
	       "     --policy NAME    Override Mode= (strict, per-range, prefer-cxl,\n"
	       "                      prefer-hmem, audit)\n",
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
	};
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{ "inventory", no_argument, NULL, ARG_INVENTORY },
		{ "plan", no_argument, NULL, ARG_PLAN },
		{ "check-config", no_argument, NULL, ARG_CHECK_CONFIG },
		{ "json", no_argument, NULL, ARG_JSON },
		{ "config", required_argument, NULL, ARG_CONFIG },
		{ "policy", required_argument, NULL, ARG_POLICY },
		{}
	};
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
		case ARG_CONFIG:
			arg_config = optarg;
			break;
		case ARG_POLICY:
			if (srd_mode_from_string(optarg) < 0) {
				fprintf(stderr, "srd: --policy %s: expected strict, per-range, prefer-cxl, "
						"prefer-hmem or audit\n", optarg);
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
	if (arg_job == JOB_NONE) {
		fprintf(stderr, "srd: no job given (try --inventory, --plan, or --help)\n");
		return -EINVAL;
	}
	return 1;
}

/* Loads the policy; prints every error.  Returns 0, -EINVAL (errors printed) or -ENOMEM. */
static int load_policy(struct srd_policy **ret)
{
	struct srd_host_facts host;
	char **errs = NULL;
	size_t n_errs = 0;
	int r;

	srd_host_facts_read(&host);
	r = srd_policy_load(arg_config, SRD_VENDOR_CONFDIR, SRD_SYSCONFDIR "/srd", &host, ret, &errs,
			    &n_errs);
	for (size_t i = 0; i < n_errs; i++)
		fprintf(stderr, "%s\n", errs[i]);
	srd_strv_free(errs, n_errs);
	if (r < 0) {
		fprintf(stderr, "srd: failed to load the configuration: %s\n", strerror(-r));
		return r;
	}
	return r > 0 ? -EINVAL : 0;
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
	return 0;
}

static int run_inventory(void)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	int r;

	r = srd_discover(&inv);
	if (r < 0) {
		fprintf(stderr, "srd: failed to read the inventory: %s\n", strerror(-r));
		return r;
	}
	if (arg_json) {
		struct json_object *o = srd_json_inventory(inv);

		r = srd_json_print(o, stdout);
		json_object_put(o);
		return r;
	}
	srd_print_inventory(inv, stdout);
	return 0;
}

static int run_plan(void)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	_cleanup_(srd_policy_freep) struct srd_policy *p = NULL;
	_cleanup_(srd_decision_freep) struct srd_decision *d = NULL;
	struct srd_decide_input in = { .policy_override = arg_policy };
	int r;

	r = load_policy(&p);
	if (r < 0)
		return r;
	r = srd_discover(&inv);
	if (r < 0) {
		fprintf(stderr, "srd: failed to read the inventory: %s\n", strerror(-r));
		return r;
	}
	r = srd_decide(inv, p, &in, &d);
	if (r < 0) {
		fprintf(stderr, "srd: failed to decide: %s\n", strerror(-r));
		return r;
	}
	if (arg_json) {
		struct json_object *o = srd_json_decision(d, inv);

		r = srd_json_print(o, stdout);
		json_object_put(o);
		return r;
	}
	srd_print_decision(d, stdout);
	return 0;
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
	default:
		r = -EINVAL;
	}
	return r < 0 ? 1 : 0;
}
