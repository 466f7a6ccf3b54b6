/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the srd.conf parser's files (policy.c, policy-device.c): the
 * value parsers and the [Device] section's keys.  Nothing else includes it.
 */
#pragma once

#include "policy.h"

/* Value parsers: 0, -EINVAL, or -EDOM for a number with a leading zero. */
int srd_conf_parse_bool(const char *v, bool *ret);
int srd_conf_parse_uint(const char *v, unsigned max, unsigned *ret);
/* A size with an optional binary suffix (K, M, G, T). */
int srd_conf_parse_size(const char *v, uint64_t *ret);
/* "START-END" (inclusive) or "START+SIZE". */
int srd_conf_parse_range(const char *v, struct srd_range *ret);

/* A new [Device] rule at where ("FILE:LINE"), with nothing set. */
void srd_device_rule_init(struct srd_device_rule *r, const char *where);
/*
 * Assigns key=v in a [Device] rule; where names the line.  Returns 0, 1 for
 * an unknown key, 2 when the value is bad (an error appended to *errs), or
 * -ENOMEM.
 */
int srd_device_rule_assign(struct srd_device_rule *r, const char *key, const char *v,
			   const char *where, char ***errs, size_t *n_errs);
/* Checks a complete rule (keys that contradict, nothing to match by);
 * appends errors.  Returns how many, or -ENOMEM. */
int srd_device_rule_check(const struct srd_device_rule *r, char ***errs, size_t *n_errs);
