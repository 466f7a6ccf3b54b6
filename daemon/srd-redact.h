/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What srd shows callers without CAP_SYS_ADMIN (euid 0): the kernel shows them
 * no physical addresses (/proc/iomem reads as zeros, region and dax
 * resource files are root's), so neither does srd.  Owners, verdicts,
 * reasons, names and sizes stay; host physical addresses, device serials
 * and the raw evidence go.
 */
#pragma once

#include <stddef.h>

#include <json-c/json.h>

#define SRD_REDACTED "[hidden]"

/*
 * Strips o in place: drops the members that are addresses, serials or raw
 * evidence ("start", "end", "range", "serial", "evidence", "resource") and
 * replaces every number in free text that could be an address (0x..., or
 * a run of 8 or more hex digits) with SRD_REDACTED.  The sizes ("size",
 * "*_bytes", "*_size" and the members of a "bytes" object) are kept.
 */
void srd_redact_json(struct json_object *o);
/* The same for one string: writes the redacted text of s to buf (truncated to size). */
char *srd_redact_text(const char *s, char *buf, size_t size);
