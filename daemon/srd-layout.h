/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The layout store: one JSON file per recorded region layout under the state
 * directory (/var/lib/srd/layouts/layout-0xSTART.json), written atomically
 * (a temporary file, fsync, rename, fsync of the directory) with a schema
 * version and a generation that grows each time the layout changes.
 */
#pragma once

#include "replace.h"

/* A record is a few hundred bytes; one larger than this is not srd's. */
#define SRD_LAYOUT_MAX_BYTES (64 * 1024)
/*
 * Parses one layout record, the JSON text srd_layout_store_save() writes, from
 * buf (len bytes, no NUL needed).  origin names it in err: "ORIGIN: problem".
 * Returns 0, -EINVAL (not JSON, trailing bytes, a missing or malformed field,
 * another schema version), -EFBIG, or -ENOMEM.
 */
int srd_layout_parse(const char *buf, size_t len, const char *origin, struct srd_layout *ret,
		     struct srd_error *err);

/*
 * Reads every layout under dir.  A file that does not parse, or has another
 * schema version, is skipped and named in *ret_errors ("FILE: problem", one
 * per line; the caller frees it).  A missing directory is no layouts.
 */
int srd_layout_store_load(const char *dir, const char *machine_id, struct srd_layout **ret,
			  size_t *ret_n, char **ret_errors);
/* Reads a machine ID (32 lower-case hex digits, as in /etc/machine-id) from path: 0, -EBADMSG or
 * -errno. */
int srd_layout_read_machine_id(const char *path, char *ret, size_t size);
/* Writes l atomically; creates dir.  0 or a negative errno. */
int srd_layout_store_save(const char *dir, const struct srd_layout *l);
/* The layout as JSON (also what srdctl and the snapshot show). */
struct json_object *srd_layout_to_json(const struct srd_layout *l);
