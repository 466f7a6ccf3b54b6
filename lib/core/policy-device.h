/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-device dax policy: what a dax device is, in names that survive a
 * reboot (the HPA of its region or hmem device, the memdevs behind it, its
 * NUMA node), and which [Device] rule of the policy, or which [CXL]/[HMEM]
 * default, says how it is configured.  Pure: inventory + policy -> setting.
 */
#pragma once

#include "inventory.h"
#include "policy.h"

/* A dax device's stable identity, derived from the inventory. */
struct srd_dax_identity {
	bool has_region_range; /* a CXL region's dax device */
	struct srd_range region_range;
	char region[SRD_NAME_MAX];
	unsigned n_memdevs;
	uint64_t serials[SRD_MAX_WAYS]; /* UINT64_MAX when unknown */
	char memdevs[SRD_MAX_WAYS][SRD_NAME_MAX];
	char pci[SRD_MAX_WAYS][SRD_NAME_MAX]; /* "" when unknown */
	bool has_hmem_range; /* a dax_hmem device's dax device */
	struct srd_range hmem_range;
	int node; /* target node, -1 when unknown */
};

void srd_dax_identity(const struct srd_inventory *inv, const struct srd_dax_dev *x,
		      struct srd_dax_identity *ret);

/* How one dax device is to be configured, and who said so. */
struct srd_dax_setting {
	enum srd_dax_mode mode;
	enum srd_online online;
	int memmap_on_memory; /* -1: leave it */
	uint64_t align_bytes; /* 0: leave it */
	int rule; /* index into the policy's device_rules, -1: the [CXL]/[HMEM] default */
	unsigned matched; /* the rule's keys (SRD_DEVICE_KEY_*) */
	char origin[160]; /* the rule's "FILE:LINE", or the default's DaxMode= origin */
};

/*
 * The setting for dax device x (of kind CXL or HMEM): the first [Device]
 * rule that matches it, else the default for its kind.
 */
void srd_dax_setting_for(const struct srd_policy *p, const struct srd_inventory *inv,
			 const struct srd_dax_dev *x, struct srd_dax_setting *ret);

/* Whether rule matches a device of identity id (all its keys). */
bool srd_device_rule_matches(const struct srd_device_rule *rule, const struct srd_dax_identity *id);

/* Space-separated names of the key bits in mask ("Serial= Node="), into buf. */
const char *srd_device_keys_format(unsigned mask, char *buf, size_t size);

/*
 * The indices of rules that match no dax device of inv, into *ret (malloc'ed,
 * NULL when none).  Returns how many, or -ENOMEM.  Not an error: reported.
 */
int srd_device_rules_unmatched(const struct srd_policy *p, const struct srd_inventory *inv,
			       size_t **ret);
