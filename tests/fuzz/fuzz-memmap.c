// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: one firmware memmap entry; the input holds start, end and
 * type separated by newlines. */
#include <string.h>

#include "firmware.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srd_memmap_entry e;
	struct srd_error err;
	char *buf = malloc(size + 1), *f[3] = {NULL, NULL, NULL}, *save = NULL, *p;
	int i = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = strtok_r(buf, "\n", &save); p && i < 3; p = strtok_r(NULL, "\n", &save))
		f[i++] = p;
	if (i == 3 && srd_memmap_parse_entry(f[0], f[1], f[2], "fuzz", &e, &err) == 0 &&
	    e.range.end < e.range.start)
		__builtin_trap();
	free(buf);
	return 0;
}
