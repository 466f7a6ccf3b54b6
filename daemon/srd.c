// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd: the command line of the Soft Reserved daemon.  Parses arguments and
 * runs one job: print the inventory of this machine.  Everything it prints
 * comes from lib/; this file only chooses and formats.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "discover.h"
#include "srd-json.h"
#include "srd-print.h"

static bool arg_json;

enum {
	JOB_NONE,
	JOB_INVENTORY,
};
static int arg_job = JOB_NONE;

static void help(void)
{
	printf("Usage: srd [OPTIONS]\n\n"
	       "Decides who owns CXL Soft Reserved memory: the CXL region driver or dax_hmem.\n\n"
	       "  -h --help        Show this help\n"
	       "     --version     Show the version\n"
	       "     --inventory   Print what this machine has (read-only)\n"
	       "     --json        Machine-readable output\n");
}

static int parse_argv(int argc, char *argv[])
{
	enum {
		ARG_VERSION = 0x100,
		ARG_INVENTORY,
		ARG_JSON,
	};
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{ "inventory", no_argument, NULL, ARG_INVENTORY },
		{ "json", no_argument, NULL, ARG_JSON },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("srd %s\n", SRD_VERSION);
			return 0;
		case ARG_INVENTORY:
			arg_job = JOB_INVENTORY;
			break;
		case ARG_JSON:
			arg_json = true;
			break;
		default:
			return -EINVAL;
		}
	if (optind < argc) {
		fprintf(stderr, "srd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (arg_job == JOB_NONE) {
		fprintf(stderr, "srd: no job given (try --inventory, or --help)\n");
		return -EINVAL;
	}
	return 1;
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

int main(int argc, char *argv[])
{
	int r;

	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? 2 : 0;
	r = run_inventory();
	return r < 0 ? 1 : 0;
}
