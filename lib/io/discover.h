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

/* Whether the machine shows a CXL failure now (settle ends on one instead of
 * waiting out its timeout); why gets the first sign's evidence. */
bool srd_discover_cxl_failed(char *why, size_t size);
