// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srdctl policy-check: loads the configuration set as srd would (or one
 * file), for this host or for the host facts given, and prints the effective
 * policy with where each setting came from; errors name FILE:LINE.  Offline:
 * it needs no daemon, so a fleet can check a file before shipping it.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "policy.h"
#include "read.h"
#include "srd-json.h"
#include "srd-util.h"
#include "srdctl.h"

/* Sets one KEY=VALUE fact; where names the file and line (or the option) in errors. */
static int set_fact(struct srd_host_facts *h, const char *kv, const char *where)
{
	static const struct {
		const char *key;
		size_t off, size;
	} keys[] = {
	    {"hostname", offsetof(struct srd_host_facts, hostname), sizeof(h->hostname)},
	    {"dmi-product-name", offsetof(struct srd_host_facts, dmi_product_name),
	     sizeof(h->dmi_product_name)},
	    {"dmi-product-serial", offsetof(struct srd_host_facts, dmi_product_serial),
	     sizeof(h->dmi_product_serial)},
	    {"kernel-release", offsetof(struct srd_host_facts, kernel_release),
	     sizeof(h->kernel_release)},
	};
	const char *eq = strchr(kv, '=');

	for (size_t i = 0; eq && i < ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].key) == (size_t)(eq - kv) &&
		    strncmp(kv, keys[i].key, eq - kv) == 0) {
			snprintf((char *)h + keys[i].off, keys[i].size, "%s", eq + 1);
			return 0;
		}
	fprintf(stderr,
		"srdctl: %s: '%s': expected hostname=, dmi-product-name=, "
		"dmi-product-serial= or kernel-release=\n",
		where, kv);
	return -EINVAL;
}

/* --host-facts K=V[,K=V...], or a file of K=V lines; facts not given are empty. */
static int parse_host_facts(const char *spec, struct srd_host_facts *h)
{
	_cleanup_free_ char *buf = NULL;
	char *rest, *tok, where[PATH_MAX + 32];
	bool file = !strchr(spec, '=');
	unsigned line = 0;
	size_t len;

	*h = (struct srd_host_facts){};
	if (file) {
		int r = srd_read_file(spec, 1 << 20, &buf, &len);

		if (r < 0) {
			fprintf(stderr, "srdctl: --host-facts %s: %s\n", spec, strerror(-r));
			return r;
		}
	} else {
		buf = strdup(spec);
		if (!buf)
			return -ENOMEM;
	}
	rest = buf;
	while ((tok = strsep(&rest, file ? "\n" : ","))) {
		line++;
		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (!*tok || *tok == '#')
			continue;
		if (file)
			snprintf(where, sizeof(where), "%s:%u", spec, line);
		else
			snprintf(where, sizeof(where), "--host-facts");
		if (set_fact(h, tok, where) < 0)
			return -EINVAL;
	}
	return 0;
}

static void print_setting(struct json_object *pol, const char *key, const char *label)
{
	struct json_object *x = get(pol, key);

	printf("  %-14s %-12s %s\n", label, str(x, "value"), str(x, "origin"));
}

int srdctl_policy_check(const char *file, const char *host_facts, bool json)
{
	_cleanup_(srd_policy_freep) struct srd_policy *p = NULL;
	struct srd_host_facts host;
	struct json_object *o;
	char **errs = NULL;
	size_t n_errs = 0;
	int r;

	if (host_facts) {
		if (parse_host_facts(host_facts, &host) < 0)
			return -EINVAL;
	} else {
		srd_host_facts_read(&host);
	}
	r = srd_config_load(file, &host, &p, &errs, &n_errs);
	for (size_t i = 0; i < n_errs; i++)
		fprintf(stderr, "%s\n", errs[i]);
	srd_strv_free(errs, n_errs);
	if (r < 0 && r != -EINVAL)
		fprintf(stderr, "srdctl: cannot read the configuration: %s\n", strerror(-r));
	if (r < 0)
		return -EIO; /* the errors are printed above */
	o = srd_json_policy(p);
	if (json) {
		struct json_object *h = json_object_new_object();

		json_object_object_add(h, "hostname", json_object_new_string(host.hostname));
		json_object_object_add(h, "dmi_product_name",
				       json_object_new_string(host.dmi_product_name));
		json_object_object_add(h, "dmi_product_serial",
				       json_object_new_string(host.dmi_product_serial));
		json_object_object_add(h, "kernel_release",
				       json_object_new_string(host.kernel_release));
		json_object_object_add(o, "host", h);
		return srdctl_print_json_doc(o);
	}
	printf("Host: hostname=%s dmi-product-name=%s dmi-product-serial=%s kernel-release=%s\n",
	       host.hostname, host.dmi_product_name, host.dmi_product_serial, host.kernel_release);
	printf("Files: ");
	for (size_t i = 0; i < p->n_files; i++)
		printf("%s%s", i ? ", " : "", p->files[i]);
	printf("%s\nEffective policy:\n", p->n_files ? "" : "(none: the defaults)");
	print_setting(o, "mode", "Mode=");
	print_setting(o, "fallback", "Fallback=");
	print_setting(o, "teardown", "Teardown=");
	printf("  %-14s %s\n", "AllowOffline=", p->allow_offline ? "yes" : "no");
	printf("  %-14s %s\n", "Reassert=", p->reassert ? "yes" : "no");
	print_setting(o, "quiet", "QuietSec=");
	print_setting(o, "timeout", "TimeoutSec=");
	printf("  %-14s %u memdevs, %u regions\n", "Expect", p->expect_memdevs, p->expect_regions);
	printf("  %-14s %zu range%s, %zu serial%s, %zu PCI device%s\n", "Exclude",
	       p->n_exclude_ranges, p->n_exclude_ranges == 1 ? "" : "s", p->n_exclude_serials,
	       p->n_exclude_serials == 1 ? "" : "s", p->n_exclude_pci,
	       p->n_exclude_pci == 1 ? "" : "s");
	printf("  %-14s %s, online %s\n", "[CXL]", srd_dax_mode_to_string(p->dax_cxl.mode),
	       srd_online_to_string(p->dax_cxl.online));
	printf("  %-14s %s, online %s\n", "[HMEM]", srd_dax_mode_to_string(p->dax_hmem.mode),
	       srd_online_to_string(p->dax_hmem.online));
	for (size_t i = 0; i < p->n_device_rules; i++)
		printf("  %-14s %s: %s\n", "[Device]", p->device_rules[i].origin.where,
		       srd_dax_mode_to_string(p->device_rules[i].mode));
	printf("  %-14s %s\n", "MetricsFile=", p->metrics_file[0] ? p->metrics_file : "(none)");
	json_object_put(o);
	return 0;
}
