// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srdctl dax: every dax device with what names it across reboots (its CXL
 * region and HPA range, or its hmem device's range, the memdevs behind it
 * with serials and PCI addresses, its NUMA node) and which [Device] section
 * matched it by which keys, or that the [CXL]/[HMEM] default applies; then
 * the sections that match no dax device.  Reads the inventory document the
 * daemon answers GetInventory with; addresses and serials it hid from an
 * unprivileged caller show as "(hidden)".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "srdctl.h"

static void print_identity(struct json_object *x)
{
	struct json_object *id = get(x, "identity"), *m = get(id, "memdevs");
	struct json_object *hpa =
	    get(id, "region_range") ? get(id, "region_range") : get(id, "hmem_range");

	printf("%s: %s %s, node %" PRId64 ", %s%s\n", str(x, "name"), str(x, "kind"),
	       str(x, "parent"), num(id, "node"), *str(x, "driver") ? str(x, "driver") : "unbound",
	       !json_object_get_boolean(get(x, "online"))   ? ""
	       : json_object_get_boolean(get(x, "movable")) ? ", online movable"
							    : ", online");
	if (hpa)
		printf("  %s HPA %s-%s\n", get(id, "region_range") ? "region" : "hmem",
		       *str(hpa, "start") ? str(hpa, "start") : "(hidden)", str(hpa, "end"));
	for (size_t j = 0; m && j < json_object_array_length(m); j++) {
		struct json_object *d = json_object_array_get_idx(m, j);

		printf("  memdev %s serial %s pci %s\n", str(d, "memdev"),
		       *str(d, "serial") ? str(d, "serial") : "(hidden)", str(d, "pci"));
	}
}

static void print_policy(struct json_object *pol)
{
	struct json_object *k = get(pol, "matched");

	if (!pol) {
		printf("  rule: (srd has no valid configuration)\n");
		return;
	}
	if (*str(pol, "rule")) {
		printf("  rule: [Device] %s, matched by", str(pol, "rule"));
		for (size_t j = 0; k && j < json_object_array_length(k); j++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(k, j)));
		printf("\n");
	} else
		printf("  rule: none matched; the %s default applies (%s)\n", str(pol, "source"),
		       str(pol, "origin"));
	printf("  wants: %s", str(pol, "dax_mode"));
	if (strcmp(str(pol, "dax_mode"), "system-ram") == 0)
		printf(" online %s", str(pol, "online"));
	if (json_object_is_type(get(pol, "memmap_on_memory"), json_type_boolean))
		printf(" memmap_on_memory %s",
		       json_object_get_boolean(get(pol, "memmap_on_memory")) ? "yes" : "no");
	if (num(pol, "align"))
		printf(" align %" PRId64, num(pol, "align"));
	printf("\n");
}

void srdctl_print_dax(struct json_object *inv)
{
	struct json_object *a = get(inv, "dax_devices"), *un = get(inv, "unmatched_device_rules");

	if (!a || json_object_array_length(a) == 0)
		printf("No dax devices.\n");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *x = json_object_array_get_idx(a, i);

		print_identity(x);
		print_policy(get(x, "policy"));
	}
	for (size_t i = 0; un && i < json_object_array_length(un); i++)
		printf("note: [Device] %s matches no dax device\n",
		       json_object_get_string(json_object_array_get_idx(un, i)));
}

struct json_object *srdctl_dax_devices(struct json_object *inv)
{
	struct json_object *a = json_object_get(get(inv, "dax_devices"));

	json_object_put(inv);
	return a ? a : json_object_new_array();
}
