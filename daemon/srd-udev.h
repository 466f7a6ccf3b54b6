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
int srd_udev_watch_new(sd_event *e, srd_udev_event_fn fn, void *userdata, struct srd_udev_watch **ret);
struct srd_udev_watch *srd_udev_watch_free(struct srd_udev_watch *w);

/* udev has no events queued (true when that cannot be told). */
bool srd_udev_queue_empty(struct srd_udev_watch *w);

/* The memdevs and regions the kernel shows now (cheap: one directory read). */
void srd_udev_count_cxl(unsigned *ret_memdevs, unsigned *ret_regions);

/*
 * What the machine announces before CXL has finished with it (ExpectAuto=):
 * a memdev for each CXL memory PCI function, a region for each HPA range the
 * committed endpoint decoders decode; and how much of it is there.
 */
struct srd_cxl_expect {
	unsigned pci_functions; /* class 0x0502xx: CXL memory devices */
	unsigned memdevs_bound; /* memdevs cxl_mem drives */
	unsigned ranges;	/* distinct HPA ranges of committed endpoint decoders */
	unsigned ranges_served; /* of those, in a bound region with its dax device (ram) */
};
void srd_udev_expect_cxl(struct srd_cxl_expect *ret);
/* All of it is there: at least one device, every one bound, every range served. */
bool srd_udev_expect_met(const struct srd_cxl_expect *e);

/*
 * Whether settling may end before its quiet period is out: something is
 * expected, at least want_memdevs memdevs and want_regions regions are there,
 * and with expect_auto all the machine announced.  why says what is there.
 */
bool srd_udev_expected_present(unsigned want_memdevs, unsigned want_regions, bool expect_auto, char *why,
			       size_t size);
