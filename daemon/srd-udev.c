// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The udev watch (see srd-udev.h).  Events come from udev's multicast group,
 * after its rules ran, so device nodes and links exist when srd looks; where
 * no udevd runs (an initramfs, a minimal guest) they come from the kernel's
 * group instead, or srd would never hear of the devices.  The socket filter
 * is by subsystem; platform devices are narrowed to hmem.N here, because the
 * platform bus carries much else.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "srd-log.h"
#include "read.h"
#include "srd-udev.h"
#include "srd-util.h"

struct srd_udev_watch {
	struct udev *udev;
	struct udev_monitor *monitor;
	struct udev_queue *queue;
	sd_event_source *source;
	srd_udev_event_fn fn;
	void *userdata;
};

static const char *const subsystems[] = { "cxl", "dax", "memory", "platform" };

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct srd_udev_watch *w = userdata;
	struct udev_device *d;

	/* Drain everything queued: a storm wakes the loop once per batch. */
	while ((d = udev_monitor_receive_device(w->monitor))) {
		const char *sub = udev_device_get_subsystem(d), *name = udev_device_get_sysname(d);
		const char *action = udev_device_get_action(d);

		if (sub && name && (strcmp(sub, "platform") != 0 || strncmp(name, "hmem", 4) == 0))
			w->fn(w->userdata, action ? action : "change", sub, name);
		udev_device_unref(d);
	}
	return 0;
}

int srd_udev_watch_new(sd_event *e, srd_udev_event_fn fn, void *userdata, struct srd_udev_watch **ret)
{
	struct srd_udev_watch *w = calloc(1, sizeof(*w));
	const char *source;
	int r = -ENOMEM;

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->userdata = userdata;
	w->udev = udev_new();
	/* udevd creates its control socket when it starts. */
	source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	if (strcmp(source, "kernel") == 0)
		srd_log(LOG_NOTICE, "udevd is not running: listening to the kernel's uevents");
	if (w->udev)
		w->monitor = udev_monitor_new_from_netlink(w->udev, source);
	if (w->monitor) {
		r = 0;
		for (size_t i = 0; i < ARRAY_SIZE(subsystems) && r >= 0; i++)
			r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, subsystems[i], NULL);
		if (r >= 0)
			r = udev_monitor_enable_receiving(w->monitor);
		if (r >= 0)
			r = sd_event_add_io(e, &w->source, udev_monitor_get_fd(w->monitor), EPOLLIN, on_io, w);
	} else if (w->udev) {
		r = errno ? -errno : -EIO;
	}
	if (r < 0) {
		srd_udev_watch_free(w);
		return r;
	}
	w->queue = udev_queue_new(w->udev);
	*ret = w;
	return 0;
}

struct srd_udev_watch *srd_udev_watch_free(struct srd_udev_watch *w)
{
	if (!w)
		return NULL;
	sd_event_source_disable_unref(w->source);
	udev_queue_unref(w->queue);
	udev_monitor_unref(w->monitor);
	udev_unref(w->udev);
	free(w);
	return NULL;
}

bool srd_udev_queue_empty(struct srd_udev_watch *w)
{
	return !w || !w->queue || udev_queue_get_queue_is_empty(w->queue);
}

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
static bool endpoint_decoder(const char *name, uint64_t *ret_start, uint64_t *ret_size, bool *ret_served)
{
	char path[PATH_MAX], buf[64], region[64];

	/* Only endpoint decoders have a DPA. */
	snprintf(path, sizeof(path), SYS_CXL "/%s/dpa_size", name);
	if (access(path, F_OK) < 0)
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/size", name);
	if (srd_read_line(path, buf, sizeof(buf)) < 0 || srd_parse_u64(buf, ret_size) < 0 || *ret_size == 0)
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/start", name);
	if (srd_read_line(path, buf, sizeof(buf)) < 0 || srd_parse_u64(buf, ret_start) < 0)
		return false;
	snprintf(path, sizeof(path), SYS_CXL "/%s/region", name);
	*ret_served = srd_read_line(path, region, sizeof(region)) >= 0 && region[0] && region_serves(region);
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
		if (srd_read_line(path, class, sizeof(class)) >= 0 && strncmp(class, "0x0502", 6) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

void srd_udev_expect_cxl(struct srd_cxl_expect *ret)
{
	/* The interleaved decoders of one region all decode its whole range: a
	 * range is counted once however many devices decode it. */
	struct { uint64_t start, size; bool served; } seen[256];
	DIR *d = opendir(SYS_CXL);
	struct dirent *de;
	size_t n = 0;

	*ret = (struct srd_cxl_expect){ .pci_functions = pci_cxl_functions() };
	while (d && (de = readdir(d))) {
		uint64_t start, size;
		bool served;
		size_t k;

		if (strncmp(de->d_name, "mem", 3) == 0)
			ret->memdevs_bound += bound(de->d_name);
		if (strncmp(de->d_name, "decoder", 7) != 0 || !endpoint_decoder(de->d_name, &start, &size, &served))
			continue;
		for (k = 0; k < n && (seen[k].start != start || seen[k].size != size); k++)
			;
		if (k == n && n < ARRAY_SIZE(seen))
			seen[n++] = (typeof(seen[0])){ start, size, served };
		else if (k < n)
			seen[k].served = seen[k].served && served;
	}
	if (d)
		closedir(d);
	ret->ranges = (unsigned)n;
	for (size_t k = 0; k < n; k++)
		ret->ranges_served += seen[k].served;
}

bool srd_udev_expect_met(const struct srd_cxl_expect *e)
{
	return e->pci_functions > 0 && e->memdevs_bound >= e->pci_functions && e->ranges_served == e->ranges;
}

bool srd_udev_expected_present(unsigned want_memdevs, unsigned want_regions, bool expect_auto, char *why,
			       size_t size)
{
	struct srd_cxl_expect e;
	unsigned mem, reg;

	if (!want_memdevs && !want_regions && !expect_auto)
		return false;
	srd_udev_count_cxl(&mem, &reg);
	if (mem < want_memdevs || reg < want_regions)
		return false;
	if (!expect_auto) {
		snprintf(why, size, "%u memdevs, %u regions", mem, reg);
		return true;
	}
	srd_udev_expect_cxl(&e);
	snprintf(why, size, "%u of %u memdevs, %u of %u decoded ranges served", e.memdevs_bound,
		 e.pci_functions, e.ranges_served, e.ranges);
	return srd_udev_expect_met(&e);
}

void srd_udev_count_cxl(unsigned *ret_memdevs, unsigned *ret_regions)
{
	DIR *d = opendir("/sys/bus/cxl/devices");
	struct dirent *de;
	unsigned mem = 0, reg = 0;

	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "mem", 3) == 0)
			mem++;
		else if (strncmp(de->d_name, "region", 6) == 0)
			reg++;
	}
	if (d)
		closedir(d);
	*ret_memdevs = mem;
	*ret_regions = reg;
}
