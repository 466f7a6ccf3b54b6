// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: memmap= parsing of the kernel command line. */
#include "firmware.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srd_cmdline_sr *v = NULL;
	struct srd_error err;
	size_t n = 0;

	if (srd_cmdline_parse((const char *)data, size, "fuzz", &v, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			if (v[i].range.end < v[i].range.start)
				__builtin_trap();
		free(v);
	}
	return 0;
}
