// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The udev watch (see srd-udev.h).  Events come from udev's multicast group,
 * after its rules ran, so device nodes and links exist when srd looks; where
 * no udevd runs (an initramfs, a minimal guest) they come from the kernel's
 * group instead, or srd would never hear of the devices.  The socket filter
 * is by subsystem; platform devices are narrowed to hmem.N here, because the
 * platform bus carries much else.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "srd-log.h"
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

static const char *const subsystems[] = {"cxl", "dax", "memory", "platform"};

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

int srd_udev_watch_new(sd_event *e, srd_udev_event_fn fn, void *userdata,
		       struct srd_udev_watch **ret)
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
			r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor,
									    subsystems[i], NULL);
		if (r >= 0)
			r = udev_monitor_enable_receiving(w->monitor);
		if (r >= 0)
			r = sd_event_add_io(e, &w->source, udev_monitor_get_fd(w->monitor), EPOLLIN,
					    on_io, w);
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

bool srd_udev_pending(struct srd_udev_watch *w)
{
	struct pollfd pfd;

	if (!w || !w->monitor)
		return false;
	pfd = (struct pollfd){.fd = udev_monitor_get_fd(w->monitor), .events = POLLIN};
	return !srd_udev_queue_empty(w) || poll(&pfd, 1, 0) != 0;
}
