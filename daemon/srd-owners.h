/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner record: what each Soft Reserved range's owner was when srd's
 * last pass ended.  A range whose owner differs from it changed without
 * srd (by hand) and is left alone unless Reassert=yes.  Kept in memory by
 * the manager and in the state directory (/run/srd/owners.json, so only
 * for the current boot), so that srd started again in the same boot (a
 * restart, D-Bus activation after a stop) still knows what it left and
 * does not undo an administrator's changes made meanwhile.
 */
#pragma once

#include <stddef.h>

#include "inventory.h"

/* What a range's owner was when srd's last pass ended. */
struct srd_owner_record {
	struct srd_range range;
	enum srd_owner owner;
};

#define SRD_OWNERS_SCHEMA 1

/* Writes the record to DIR/owners.json atomically, with this boot's boot_id. */
int srd_owners_save(const char *dir, const char *boot_id, const struct srd_owner_record *o,
		    size_t n);
/*
 * Reads DIR/owners.json into a new array.  -ENOENT when there is none,
 * -ESTALE when it is from another boot, -EBADMSG when it cannot be trusted.
 */
int srd_owners_load(const char *dir, const char *boot_id, struct srd_owner_record **ret,
		    size_t *ret_n);
