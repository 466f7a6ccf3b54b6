// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Discovery of CXL failure: the signs, visible in sysfs, that the CXL
 * subsystem did not understand the platform.  The kernel developers' answer
 * to any of them is to drop CXL and let dax_hmem have the Soft Reserved
 * memory (seeds/); srd's decision does that where the memory stays decoded.
 * Each sign is recorded with the device and the file that showed it, so a
 * report says exactly why the fallback was taken.
 *
 * Runs after the CXL, DAX, driver and CEDT parts of discovery: it reads what
 * they found and adds only the PCI functions and driver links they do not.
 */
#include <dirent.h>
#include <limits.h>
#include <string.h>

#include "discover.h"
#include "discover-internal.h"
#include "read.h"

#define SYS_PCI_DEVICES "/sys/bus/pci/devices"
#define SYS_CXL_DEVICES "/sys/bus/cxl/devices"
#define PCI_CLASS_CXL_MEMORY "0x0502" /* base class 05 (memory), subclass 02 (CXL) */

static bool memdev_on(const struct srd_inventory *inv, const char *host)
{
	for (size_t i = 0; i < inv->n_memdevs; i++)
		if (srd_streq(inv->memdevs[i].host, host))
			return true;
	return false;
}

/* CXL memory PCI functions: bound to a driver, and with a memdev below. */
static int pci_functions(struct srd_inventory *inv, unsigned *ret_n)
{
	struct dirent *de;
	DIR *d = opendir(SYS_PCI_DEVICES);
	int r = 0;

	*ret_n = 0;
	if (!d)
		return 0;
	while (r >= 0 && (de = readdir(d))) {
		char dir[PATH_MAX], path[PATH_MAX], class[32], drv[SRD_NAME_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), SYS_PCI_DEVICES "/%s", de->d_name);
		snprintf(path, sizeof(path), "%s/class", dir);
		if (srd_read_line(path, class, sizeof(class)) < 0 ||
		    strncmp(class, PCI_CLASS_CXL_MEMORY, strlen(PCI_CLASS_CXL_MEMORY)) != 0)
			continue;
		(*ret_n)++;
		srd_link_basename(dir, "driver", drv, sizeof(drv));
		if (!drv[0])
			r = srd_inventory_failure(
			    inv, SRD_FAILURE_PCI_NO_DRIVER, de->d_name,
			    "%s: class %s, no driver bound (cxl_pci %s)", dir, class,
			    inv->drivers[SRD_DRIVER_CXL_PCI].present ? "failed to probe it"
								     : "is not loaded");
		else if (srd_streq(drv, "cxl_pci") && !memdev_on(inv, de->d_name))
			r = srd_inventory_failure(
			    inv, SRD_FAILURE_PCI_NO_MEMDEV, de->d_name,
			    "%s: bound to cxl_pci, but no CXL memdev has it as its host", dir);
	}
	closedir(d);
	return r;
}

static int memdevs(struct srd_inventory *inv)
{
	for (size_t i = 0; i < inv->n_memdevs; i++) {
		const struct srd_memdev *m = &inv->memdevs[i];
		int r = 0;

		if (!m->enabled)
			r = srd_inventory_failure(
			    inv, SRD_FAILURE_MEMDEV_NO_DRIVER, m->name,
			    SYS_CXL_DEVICES "/%s: not bound to cxl_mem (%s)", m->name,
			    inv->drivers[SRD_DRIVER_CXL_MEM].present ? "its probe failed"
								     : "cxl_mem is not loaded");
		else if (!m->has_endpoint)
			r = srd_inventory_failure(
			    inv, SRD_FAILURE_MEMDEV_NO_ENDPOINT, m->name,
			    SYS_CXL_DEVICES "/%s: bound to cxl_mem, but has no endpoint port, "
					    "so its HDM decoders cannot be read",
			    m->name);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool hmem_dax_over(const struct srd_inventory *inv, const struct srd_range *r)
{
	for (size_t i = 0; i < inv->n_dax; i++)
		if (inv->dax[i].kind == SRD_DAX_HMEM && inv->dax[i].has_range &&
		    srd_range_intersects(&inv->dax[i].range, r))
			return true;
	for (size_t i = 0; i < inv->n_hmem; i++)
		if (inv->hmem[i].has_range && srd_range_intersects(&inv->hmem[i].range, r))
			return true;
	return false;
}

/*
 * A committed region no driver took, or a ram region whose dax_region has no
 * dax device.  Where dax_hmem holds an overlapping range, that is the
 * resource conflict (the owner "conflict", or a region srd released for
 * dax_hmem), not CXL failing.
 */
static int regions(struct srd_inventory *inv)
{
	for (size_t i = 0; i < inv->n_regions; i++) {
		const struct srd_region *g = &inv->regions[i];
		int r = 0;

		if (!g->committed || !g->has_range || hmem_dax_over(inv, &g->range))
			continue;
		if (!g->enabled && inv->drivers[SRD_DRIVER_CXL_REGION].present)
			r = srd_inventory_failure(
			    inv, SRD_FAILURE_REGION_PROBE, g->name,
			    SYS_CXL_DEVICES "/%s: committed, but not bound to a region driver",
			    g->name);
		else if (g->enabled && srd_streq(g->mode, "ram") && !g->has_dax &&
			 inv->drivers[SRD_DRIVER_DAX_CXL].present)
			r = srd_inventory_failure(inv, SRD_FAILURE_DAX_REGION_PROBE, g->name,
						  SYS_CXL_DEVICES
						  "/%s: enabled ram region without a dax device "
						  "(its dax_region probe failed)",
						  g->name);
		if (r < 0)
			return r;
	}
	return 0;
}

static int module_absent(struct srd_inventory *inv, enum srd_driver_id id, const char *why)
{
	if (inv->drivers[id].present)
		return 0;
	return srd_inventory_failure(inv, SRD_FAILURE_MODULE_ABSENT, srd_driver_to_string(id),
				     "%s is not loaded, %s", srd_driver_to_string(id), why);
}

int srd_discover_failures(struct srd_inventory *inv)
{
	char drv[SRD_NAME_MAX];
	bool cedt_windows = false;
	unsigned n_pci;
	int r;

	srd_link_basename(SRD_PATH_CXL_ACPI_DEV, "driver", drv, sizeof(drv));
	inv->cxl_acpi_bound = srd_streq(drv, "cxl_acpi");
	for (size_t i = 0; i < inv->n_windows; i++)
		cedt_windows = cedt_windows || inv->windows[i].cedt_index >= 0;

	r = pci_functions(inv, &n_pci);
	if (r >= 0 && n_pci)
		r = module_absent(inv, SRD_DRIVER_CXL_PCI,
				  "but the machine has CXL memory PCI functions");
	if (r >= 0 && inv->n_memdevs) {
		r = module_absent(inv, SRD_DRIVER_CXL_MEM, "but the machine has CXL memdevs");
		if (r >= 0)
			r = module_absent(inv, SRD_DRIVER_CXL_PORT,
					  "but the machine has CXL memdevs");
	}
	if (r >= 0 && cedt_windows && !inv->cxl_acpi_bound)
		r = srd_inventory_failure(
		    inv, SRD_FAILURE_CXL_ACPI_UNBOUND, "ACPI0017:00",
		    "%s describes CXL windows, but %s is not bound to cxl_acpi (%s)", SRD_PATH_CEDT,
		    SRD_PATH_CXL_ACPI_DEV,
		    inv->drivers[SRD_DRIVER_CXL_ACPI].present ? "loaded, not bound"
							      : "cxl_acpi is not loaded");
	if (r >= 0)
		r = memdevs(inv);
	if (r >= 0)
		r = regions(inv);
	return r < 0 ? r : 0;
}

bool srd_discover_cxl_failed(char *why, size_t size)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	/* Cheap enough for each quiet period: drivers, CXL objects and PCI functions. */
	const struct srd_failure *f;

	why[0] = '\0';
	if (srd_discover(&inv) < 0 || !(f = srd_inventory_enumeration_failure(inv)))
		return false;
	snprintf(why, size, "%s", f->evidence);
	return true;
}
