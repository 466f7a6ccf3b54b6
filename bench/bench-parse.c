// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark (not a test): the parsers on inputs far larger than a machine
 * produces, built in memory.  /proc/iomem with N lines (default 200,000),
 * nearly all siblings of one parent, the shape that made sibling insertion
 * quadratic; a CEDT with W one-way CFMWS (default 100,000, about what the
 * 4 MiB table limit allows) in scrambled address order, the input of the
 * window overlap check.  Both should scale linearly (n log n for the sort).
 *
 *   bench-parse [N] [W] [ROUNDS]
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "acpi.h"
#include "iomem.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *iomem_text(size_t n, size_t *ret_len)
{
	size_t size = n * 48 + 64, len = 0;
	char *buf = malloc(size);

	if (!buf)
		return NULL;
	len += (size_t)snprintf(buf, size, "0-%" PRIx64 " : top\n", (uint64_t)n << 16);
	for (uint64_t i = 0; i + 1 < n; i++)
		len += (size_t)snprintf(buf + len, size - len,
					"  %" PRIx64 "-%" PRIx64 " : System RAM\n", i << 16,
					(i << 16) + 0xffff);
	*ret_len = len;
	return buf;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *cedt_table(size_t w, size_t *ret_len)
{
	const uint64_t gran = 256ull << 20;
	size_t len = SRD_ACPI_HEADER_SIZE + 40 * w;
	uint8_t *t = calloc(1, len), sum = 0;

	if (!t)
		return NULL;
	memcpy(t, "CEDT", 4);
	put32(t + 4, (uint32_t)len);
	for (size_t k = 0; k < w; k++) {
		uint8_t *s = t + SRD_ACPI_HEADER_SIZE + 40 * k;
		/* A permutation of the slots unless w shares a factor with 7919. */
		uint64_t base = (k * 7919 % w) * gran;

		s[0] = 1;
		s[2] = 40;
		put32(s + 8, (uint32_t)base);
		put32(s + 12, (uint32_t)(base >> 32));
		put32(s + 16, (uint32_t)gran);
	}
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
	*ret_len = len;
	return t;
}

static uint64_t arg(int argc, char *argv[], int i, uint64_t def)
{
	uint64_t v;

	return argc > i && srd_parse_u64(argv[i], &v) == 0 ? v : def;
}

int main(int argc, char *argv[])
{
	size_t n = arg(argc, argv, 1, 200000), w = arg(argc, argv, 2, 100000), len;
	int rounds = (int)arg(argc, argv, 3, 5);
	struct srd_error err = {};
	double t0, best = 1e12;
	char *text = iomem_text(n, &len);
	uint8_t *table;

	if (!text)
		return 1;
	for (int k = 0; k < rounds; k++) {
		struct srd_iomem *iomem = NULL;

		t0 = now_ms();
		if (srd_iomem_parse(text, len, "bench", &iomem, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		if (now_ms() - t0 < best)
			best = now_ms() - t0;
		srd_iomem_free(iomem);
	}
	printf("iomem %zu lines (%zu KiB): %8.2f ms (best of %d)\n", n, len >> 10, best, rounds);
	free(text);

	table = cedt_table(w, &len);
	if (!table || len > SRD_ACPI_MAX_TABLE) {
		fprintf(stderr, "CEDT of %zu windows is past the %u byte limit\n", w,
			SRD_ACPI_MAX_TABLE);
		return 1;
	}
	best = 1e12;
	for (int k = 0; k < rounds; k++) {
		struct srd_cedt *c = NULL;

		t0 = now_ms();
		if (srd_cedt_parse(table, len, "bench", &c, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		if (now_ms() - t0 < best)
			best = now_ms() - t0;
		srd_cedt_free(c);
	}
	printf("CEDT  %zu windows (%zu KiB): %8.2f ms (best of %d)\n", w, len >> 10, best, rounds);
	free(table);
	return 0;
}
