/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loaders: files on disk into lib/core's models.  The configuration set
 * and the host facts its [Match] scopes are checked against (policy-load.c),
 * and the firmware memory map (memmap-load.c).
 */
#pragma once

#include "firmware.h"
#include "policy.h"

/*
 * Loads the configuration set: with path set, that one file; otherwise the
 * vendor file, /etc/srd/srd.conf, and the drop-ins of srd.conf.d in both
 * places in lexical order (a drop-in in /etc hides one of the same name in
 * the vendor directory).  Missing files are fine; unreadable ones are errors.
 * Returns the number of errors (0: *ret is set), or -ENOMEM.
 */
int srd_policy_load(const char *path, const char *vendor_dir, const char *etc_dir,
		    const struct srd_host_facts *host, struct srd_policy **ret, char ***errs,
		    size_t *n_errs);

/*
 * srd's configuration as srd, the daemon and srdctl load it: path alone when
 * set, otherwise the set above in SRD_VENDOR_CONFDIR and SRD_SYSCONFDIR/srd,
 * for host (NULL: this machine's facts).  Returns 0 (*ret set), -EINVAL with
 * every error in *ret_errors (each names its file, and the line where there
 * is one), or -ENOMEM.  The caller frees *ret_errors (srd_strv_free).
 */
int srd_config_load(const char *path, const struct srd_host_facts *host, struct srd_policy **ret,
		    char ***ret_errors, size_t *ret_n_errors);

/* Reads this machine's facts (hostname, DMI, kernel release); missing ones stay "". */
void srd_host_facts_read(struct srd_host_facts *f);

/*
 * Reads every entry below dir (normally /sys/firmware/memmap), sorted by
 * address.  A missing directory is not an error (0 entries, *ret_present false).
 * Overlapping entries are refused: the firmware map is a partition.
 */
int srd_memmap_load(const char *dir, struct srd_memmap_entry **ret, size_t *ret_n,
		    bool *ret_present, struct srd_error *err);
