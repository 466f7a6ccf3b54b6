/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The administrator's policy: which owner srd wants for Soft Reserved memory,
 * how long to wait for CXL to settle, what to do when it does not, what never
 * to touch, and how the resulting dax devices are configured.  Parsed from
 * systemd-style files (srd.conf(5)); every value remembers the file and line
 * that set it so errors and reports can point there.
 */
#pragma once

#include "range.h"
#include "srd-util.h"

enum srd_mode {
	SRD_MODE_STRICT,
	SRD_MODE_PER_RANGE,
	SRD_MODE_PREFER_CXL,
	SRD_MODE_PREFER_HMEM,
	SRD_MODE_AUDIT,
	_SRD_MODE_MAX,
};

enum srd_fallback {
	SRD_FALLBACK_HMEM, /* settle timeout / probe failure: hand everything to dax_hmem */
	SRD_FALLBACK_KEEP, /* leave the kernel's outcome alone and report */
	_SRD_FALLBACK_MAX,
};

enum srd_teardown {
	SRD_TEARDOWN_RELEASE, /* unbind the region driver; decoders stay committed */
	SRD_TEARDOWN_DESTROY, /* de-commit and delete: the HPA stops decoding */
	_SRD_TEARDOWN_MAX,
};

enum srd_dax_mode {
	SRD_DAX_KEEP,
	SRD_DAX_DEVDAX,
	SRD_DAX_SYSTEM_RAM,
	_SRD_DAX_MODE_MAX,
};

enum srd_online {
	SRD_ONLINE_MOVABLE,
	SRD_ONLINE_NORMAL,
	SRD_ONLINE_NONE,
	_SRD_ONLINE_MAX,
};

const char *srd_mode_to_string(enum srd_mode m);
int srd_mode_from_string(const char *s);
const char *srd_fallback_to_string(enum srd_fallback f);
const char *srd_teardown_to_string(enum srd_teardown t);
const char *srd_dax_mode_to_string(enum srd_dax_mode m);
const char *srd_online_to_string(enum srd_online o);

/* Where a setting came from: "FILE:LINE", or "default". */
struct srd_origin {
	char where[160];
};

struct srd_dax_policy {
	enum srd_dax_mode mode;
	enum srd_online online;
	struct srd_origin mode_origin, online_origin;
};

struct srd_exclusion_range {
	struct srd_range range;
	struct srd_origin origin;
};

struct srd_exclusion_serial {
	uint64_t serial;
	struct srd_origin origin;
};

struct srd_exclusion_pci {
	uint16_t vendor, device;
	struct srd_origin origin;
};

/*
 * A [Device] section: the dax configuration of the dax devices it matches,
 * ahead of the [CXL]/[HMEM] default for their kind (policy-device.c).  Every
 * key given must match; a list key (Serial=, PCI=) matches when each of its
 * values does.  Rules are tried in file order and the first that matches wins.
 */
enum srd_device_key {
	SRD_DEVICE_KEY_SERIAL = 1u << 0, /* a memdev behind the region */
	SRD_DEVICE_KEY_RANGE = 1u << 1, /* the region's HPA range contains it */
	SRD_DEVICE_KEY_PCI = 1u << 2, /* the PCI address of a memdev behind the region */
	SRD_DEVICE_KEY_HMEM = 1u << 3, /* the hmem device's range contains it */
	SRD_DEVICE_KEY_NODE = 1u << 4, /* the dax device's target node */
	_SRD_DEVICE_KEY_ALL = (1u << 5) - 1,
};

#define SRD_DEVICE_MAX_VALUES 16

struct srd_device_rule {
	struct srd_origin origin; /* "FILE:LINE" of its [Device] header */
	unsigned keys; /* SRD_DEVICE_KEY_* given */
	uint64_t serials[SRD_DEVICE_MAX_VALUES];
	unsigned n_serials;
	char pci[SRD_DEVICE_MAX_VALUES][16]; /* "0000:0d:00.0" */
	unsigned n_pci;
	struct srd_range range, hmem_range;
	int node;

	enum srd_dax_mode mode;
	bool has_mode;
	enum srd_online online;
	bool has_online;
	int memmap_on_memory; /* -1: leave the kernel's, 0, 1 */
	uint64_t align_bytes; /* 0: leave the kernel's */
	struct srd_origin mode_origin, online_origin, memmap_origin, align_origin;
	bool broken; /* a value did not parse (already reported): skip the section's checks */
};

struct srd_policy {
	enum srd_mode mode;
	enum srd_fallback fallback;
	enum srd_teardown teardown;
	bool allow_offline; /* may offline online memory to carry out a hand-off */
	bool reassert; /* later passes may undo what changed by hand since srd's last one */
	/*
	 * A Soft Reserved range only memmap=...+0xefffffff on the command line
	 * declares is the administrator's claim, not firmware's: with yes, srd
	 * takes it as decoded when CXL failed before its decoders could be read.
	 */
	bool trust_cmdline;
	struct srd_origin mode_origin, fallback_origin, teardown_origin, trust_cmdline_origin;

	uint64_t settle_quiet_usec;
	uint64_t settle_timeout_usec;
	unsigned expect_memdevs;
	unsigned expect_regions;
	/* ExpectAuto=yes: settling may end once what the machine announces is
	 * present (srd-udev.h), without waiting out the quiet period. */
	bool expect_auto;
	struct srd_origin quiet_origin, timeout_origin;

	struct srd_exclusion_range *exclude_ranges;
	size_t n_exclude_ranges;
	struct srd_exclusion_serial *exclude_serials;
	size_t n_exclude_serials;
	struct srd_exclusion_pci *exclude_pci;
	size_t n_exclude_pci;

	struct srd_dax_policy dax_cxl, dax_hmem;
	struct srd_device_rule *device_rules; /* in file order */
	size_t n_device_rules;

	/* [Report]: the node_exporter textfile rewritten after each decision ("": none). */
	char metrics_file[256];

	/* Files that were read, in order, for reports. */
	char **files;
	size_t n_files;
};

/* Facts [Match] sections test. */
struct srd_host_facts {
	char hostname[256];
	char dmi_product_name[256];
	char dmi_product_serial[256];
	char kernel_release[128];
};

/* A policy with every default set (strict, fall back to hmem, release). */
struct srd_policy *srd_policy_new(void);
void srd_policy_free(struct srd_policy *p);
SRD_DEFINE_CLEANUP(struct srd_policy *, srd_policy_free)

/*
 * Parses one file's text on top of p.  origin names it in errors and origins.
 * Every error is appended to *errs as "FILE:LINE: message" (the parse goes
 * on past errors so one run reports them all).  Returns the number of errors,
 * or -ENOMEM.
 */
int srd_policy_parse(struct srd_policy *p, const char *text, size_t len, const char *origin,
		     const struct srd_host_facts *host, char ***errs, size_t *n_errs);

/* Checks the combination of settings (contradictions); appends errors like
 * srd_policy_parse().  Returns the number of errors, or -ENOMEM. */
int srd_policy_validate(const struct srd_policy *p, char ***errs, size_t *n_errs);
