// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the machine announces before CXL has finished with it, for settling
 * (ExpectAuto=, ExpectMemdevs=, ExpectRegions=): a memdev for each CXL memory
 * PCI function, a serving region for each HPA range the committed endpoint
 * decoders decode, and how much of it is there.  Read straight from sysfs
 * once per burst of events: cheap, and no libcxl context is needed.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "read.h"

#define SYS_CXL "/sys/bus/cxl/devices"

/* SYS_CXL/name has a driver bound. */
static bool bound(const char *name)
{
	char dir[PATH_MAX], drv[64];

	snprintf(dir, sizeof(dir), SYS_CXL "/%s", name);
	srd_link_basename(dir, "driver", drv, sizeof(drv));
	return drv[0] != '\0';
}

/* The region serves its range: bound, and a ram region has its dax device. */
static bool region_serves(const char *region)
{
	char path[PATH_MAX], mode[16];
	struct dirent *de;
	DIR *d;
	bool dax = false;

	if (!bound(region))
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/mode", region);
	if (srd_read_line(path, mode, sizeof(mode)) < 0 || strcmp(mode, "ram") != 0)
		return true;
	snprintf(path, sizeof(path), SYS_CXL "/%s/dax_%s", region, region);
	d = opendir(path);
	while (d && !dax && (de = readdir(d)))
		dax = strncmp(de->d_name, "dax", 3) == 0 && strchr(de->d_name, '.');
	if (d)
		closedir(d);
	return dax;
}

/* One endpoint decoder: its committed HPA range, and whether a region serves it. */
static bool endpoint_decoder(const char *name, uint64_t *ret_start, uint64_t *ret_size,
			     bool *ret_served)
{
	char path[PATH_MAX], buf[64], region[64];

	/* Only endpoint decoders have a DPA. */
	snprintf(path, sizeof(path), SYS_CXL "/%s/dpa_size", name);
	if (access(path, F_OK) < 0)
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/size", name);
	if (srd_read_line(path, buf, sizeof(buf)) < 0 || srd_parse_u64(buf, ret_size) < 0 ||
	    *ret_size == 0)
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/start", name);
	if (srd_read_line(path, buf, sizeof(buf)) < 0 || srd_parse_u64(buf, ret_start) < 0)
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/region", name);
	*ret_served =
	    srd_read_line(path, region, sizeof(region)) >= 0 && region[0] && region_serves(region);
	return true;
}

static unsigned pci_cxl_functions(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	char path[PATH_MAX], class[32];
	unsigned n = 0;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", de->d_name);
		if (srd_read_line(path, class, sizeof(class)) >= 0 &&
		    strncmp(class, "0x0502", 6) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

void srd_discover_expect_cxl(struct srd_cxl_expect *ret)
{
	/* The interleaved decoders of one region all decode its whole range: a
	 * range is counted once however many devices decode it. */
	struct {
		uint64_t start, size;
		bool served;
	} seen[256];
	DIR *d = opendir(SYS_CXL);
	struct dirent *de;
	size_t n = 0;

	*ret = (struct srd_cxl_expect){.pci_functions = pci_cxl_functions()};
	while (d && (de = readdir(d))) {
		uint64_t start, size;
		bool served;
		size_t k;

		if (strncmp(de->d_name, "mem", 3) == 0)
			ret->memdevs_bound += bound(de->d_name);
		if (strncmp(de->d_name, "decoder", 7) != 0 ||
		    !endpoint_decoder(de->d_name, &start, &size, &served))
			continue;
		for (k = 0; k < n && (seen[k].start != start || seen[k].size != size); k++)
			;
		if (k == n && n < ARRAY_SIZE(seen))
			seen[n++] = (typeof(seen[0])){start, size, served};
		else if (k < n)
			seen[k].served = seen[k].served && served;
	}
	if (d)
		closedir(d);
	ret->ranges = (unsigned)n;
	for (size_t k = 0; k < n; k++)
		ret->ranges_served += seen[k].served;
}

bool srd_discover_expect_met(const struct srd_cxl_expect *e)
{
	return e->pci_functions > 0 && e->memdevs_bound >= e->pci_functions &&
	       e->ranges_served == e->ranges;
}

bool srd_discover_expected_present(unsigned want_memdevs, unsigned want_regions, bool expect_auto,
				   char *why, size_t size)
{
	struct srd_cxl_expect e;
	unsigned mem, reg;

	if (!want_memdevs && !want_regions && !expect_auto)
		return false;
	srd_discover_count_cxl(&mem, &reg);
	if (mem < want_memdevs || reg < want_regions)
		return false;
	if (!expect_auto) {
		snprintf(why, size, "%u memdevs, %u regions", mem, reg);
		return true;
	}
	srd_discover_expect_cxl(&e);
	snprintf(why, size, "%u of %u memdevs, %u of %u decoded ranges served", e.memdevs_bound,
		 e.pci_functions, e.ranges_served, e.ranges);
	return srd_discover_expect_met(&e);
}
