/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Discovery of the live machine into an inventory: /proc/iomem, the firmware
 * memory map, the command line, ACPI CEDT/SRAT, CXL objects through libcxl,
 * DAX objects through libdaxctl, hmem platform devices and driver bindings
 * from sysfs.  Read-only.
 */
#pragma once

#include "inventory.h"

/* The files discovery reads.  Fixed paths: tests present a fake machine in a
 * private mount namespace, because libcxl and libdaxctl read /sys directly. */
#define SRD_PATH_IOMEM "/proc/iomem"
#define SRD_PATH_CMDLINE "/proc/cmdline"
#define SRD_PATH_OSRELEASE "/proc/sys/kernel/osrelease"
#define SRD_PATH_MEMMAP "/sys/firmware/memmap"
#define SRD_PATH_CEDT "/sys/firmware/acpi/tables/CEDT"
#define SRD_PATH_SRAT "/sys/firmware/acpi/tables/SRAT"
#define SRD_PATH_HMAT "/sys/firmware/acpi/tables/HMAT"
#define SRD_PATH_CXL_ACPI_DEV "/sys/bus/platform/devices/ACPI0017:00"

/*
 * Reads everything and derives owners.  Unreadable or malformed inputs do not
 * fail the call: they are recorded as problems in the inventory, which then
 * reports itself incomplete.  Returns 0 or -ENOMEM (and -errno only when the
 * CXL or DAX library context cannot be created at all).
 */
int srd_discover(struct srd_inventory **ret);

/* The memdevs and regions the kernel shows now (cheap: one directory read,
 * for settling, which must not run a whole discovery per event). */
void srd_discover_count_cxl(unsigned *ret_memdevs, unsigned *ret_regions);

/*
 * What the machine announces before CXL has finished with it (ExpectAuto=):
 * a memdev for each CXL memory PCI function, a region for each HPA range the
 * committed endpoint decoders decode; and how much of it is there.
 */
struct srd_cxl_expect {
	unsigned pci_functions; /* class 0x0502xx: CXL memory devices */
	unsigned memdevs_bound; /* memdevs cxl_mem drives */
	unsigned ranges; /* distinct HPA ranges of committed endpoint decoders */
	unsigned ranges_served; /* of those, in a bound region with its dax device (ram) */
};
void srd_discover_expect_cxl(struct srd_cxl_expect *ret);
/* All of it is there: at least one device, every one bound, every range served. */
bool srd_discover_expect_met(const struct srd_cxl_expect *e);

/*
 * Whether settling may end before its quiet period is out: something is
 * expected, at least want_memdevs memdevs and want_regions regions are there,
 * and with expect_auto all the machine announced.  why says what is there.
 */
bool srd_discover_expected_present(unsigned want_memdevs, unsigned want_regions, bool expect_auto,
				   char *why, size_t size);

/* Whether the machine shows a CXL failure now (settle ends on one instead of
 * waiting out its timeout); why gets the first sign's evidence. */
bool srd_discover_cxl_failed(char *why, size_t size);
