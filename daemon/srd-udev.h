/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The udev watch: a libudev monitor for the subsystems whose events can
 * change who owns Soft Reserved memory (cxl, dax, memory, and the platform
 * devices dax_hmem registers), attached to the daemon's sd-event loop.
 */
#pragma once

#include <stdbool.h>

#include <systemd/sd-event.h>

struct srd_udev_watch;

/* Called for each relevant event: ACTION, SUBSYSTEM, SYSNAME. */
typedef void (*srd_udev_event_fn)(void *userdata, const char *action, const char *subsystem,
				  const char *sysname);

/* Starts watching; returns 0 or a negative errno. */
int srd_udev_watch_new(sd_event *e, srd_udev_event_fn fn, void *userdata,
		       struct srd_udev_watch **ret);
struct srd_udev_watch *srd_udev_watch_free(struct srd_udev_watch *w);

/* udev has no events queued (true when that cannot be told). */
bool srd_udev_queue_empty(struct srd_udev_watch *w);
/* Events wait: in udev's queue, or on the monitor and not yet handed to the callback. */
bool srd_udev_pending(struct srd_udev_watch *w);
