// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the srd.conf parser on a buffer, then the cross-setting
 * checks, against host facts that some [Match] globs can hit.
 */
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct srd_host_facts host = {
	    .hostname = "db-17",
	    .dmi_product_name = "PowerEdge R760",
	    .dmi_product_serial = "ABC123",
	    .kernel_release = "6.12.43+deb12-amd64",
	};
	struct srd_policy *p = srd_policy_new();
	char **errs = NULL;
	size_t n = 0;
	int r, v;

	if (!p)
		return 0;
	r = srd_policy_parse(p, (const char *)data, size, "fuzz", &host, &errs, &n);
	/* Every error it counts is one message, each naming the origin. */
	if (r >= 0 && (size_t)r != n)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (strncmp(errs[i], "fuzz", 4) != 0)
			__builtin_trap();
	for (size_t i = 0; i < p->n_exclude_ranges; i++)
		if (p->exclude_ranges[i].range.end < p->exclude_ranges[i].range.start)
			__builtin_trap();
	if (p->mode >= _SRD_MODE_MAX || p->settle_timeout_usec == 0)
		__builtin_trap();
	v = srd_policy_validate(p, &errs, &n);
	if (r >= 0 && v >= 0 && (size_t)(r + v) != n)
		__builtin_trap();
	srd_strv_free(errs, n);
	srd_policy_free(p);
	return 0;
}
