/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Region layouts and the hotplug replace plans.  A layout is what it takes to
 * build a region again: its window, HPA range, interleave, and the memdev at
 * each position (PCI address and serial).  srd records the layout of every
 * settled region (daemon/srd-layout.c keeps them under /var/lib/srd), so
 * that when a device is pulled and a new one (or the same one) is seated in
 * its slot the region can be re-created on the same HPA.  The plans here are
 * pure: inventory (+ layouts) -> actions with reasons, or a refusal.
 */
#pragma once

#include "decide.h"
#include "inventory.h"

#define SRD_LAYOUT_SCHEMA 1

struct srd_layout_target {
	char memdev[SRD_NAME_MAX]; /* the name it had when recorded */
	char host[SRD_NAME_MAX]; /* PCI address: the slot, which a replacement shares */
	uint64_t serial;
};

enum srd_replace_state {
	SRD_REPLACE_NONE,
	SRD_REPLACE_PREPARED, /* the region is gone, its device may be pulled */
	SRD_REPLACE_REMOVED, /* and a device of it was pulled: the next one to arrive completes it
			      */
	_SRD_REPLACE_MAX,
};

struct srd_layout {
	char region[SRD_NAME_MAX]; /* its name when recorded */
	char window[SRD_NAME_MAX]; /* root decoder */
	struct srd_range range;
	char mode[16];
	unsigned ways;
	uint64_t granularity;
	unsigned n_targets;
	struct srd_layout_target targets[SRD_MAX_WAYS];
	enum srd_owner owner; /* of the Soft Reserved range it served, when recorded */
	char dax_mode[16]; /* its dax device then: "system-ram", "devdax" or "" */
	enum srd_replace_state replace;
	unsigned replace_position; /* the position being replaced */
	unsigned generation; /* bumped each time the recorded layout changes */
	uint64_t recorded_usec; /* realtime */
	char machine_id[33]; /* /etc/machine-id of the machine it was recorded on */
};

const char *srd_replace_state_to_string(enum srd_replace_state s);
int srd_replace_state_from_string(const char *s);

/*
 * What is wrong with l as a layout srd may build a region from, or NULL: its
 * names go into sysfs paths, so each must be the kernel's (decoderX.Y,
 * regionN, memN, a PCI address DDDD:BB:DD.F), its mode "ram", "pmem" or "", its
 * interleave one the kernel accepts.
 */
const char *srd_layout_check(const struct srd_layout *l);

/* The layout of a committed region with every target known; -EINVAL otherwise. */
int srd_layout_from_region(const struct srd_inventory *inv, const struct srd_region *r,
			   struct srd_layout *ret);
/* Every position of l has a memdev now (the same PCI slot, or the same name). */
bool srd_layout_devices_present(const struct srd_inventory *inv, const struct srd_layout *l);
/* Same region shape and devices (generation, time, owner and replace state aside). */
bool srd_layout_same(const struct srd_layout *a, const struct srd_layout *b);

/*
 * Taking memdev out of service: for each region it is a target of, offline
 * the memory served from it, let dax_hmem go of an overlapping range first
 * (its Soft Reserved entry goes with it), then de-commit and delete the
 * region so the HPA is free.  Refuses (d->refused, why in d->refusal) when
 * the memdev is unknown or the inventory is incomplete.  A memdev in no
 * region gets an empty plan: it may be pulled now.
 */
int srd_replace_prepare(const struct srd_inventory *inv, const char *memdev,
			struct srd_decision **ret);

/*
 * Bringing recorded regions back: for each layout whose region is gone and
 * whose every position has a memdev again (the same PCI slot, or the same
 * name), a create-region action (target: the window; action.layout: its
 * index).  memdev, when set, limits this to layouts it takes part in.  A
 * device too small for its position, or already serving another region,
 * refuses with the reason.  The same serial back is a re-seat; another is a
 * replacement; the reason says which.
 */
int srd_replace_complete(const struct srd_inventory *inv, const struct srd_policy *pol,
			 const struct srd_layout *layouts, size_t n, const char *memdev,
			 struct srd_decision **ret);
