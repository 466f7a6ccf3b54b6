// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CEDT and SRAT parsing: the tables committed compiled in tests/fixtures/acpi/
 * (.aml, from the .dsl beside them; paths in argv), then every way a table can
 * be broken.
 */
#include "acpi.h"
#include "test-util.h"
#include "read.h"

static uint8_t *load(const char *path, size_t *len)
{
	char *buf;

	CHECK(srd_read_file(path, SRD_ACPI_MAX_TABLE, &buf, len) == 0);
	return (uint8_t *)buf;
}

static void fix_checksum(uint8_t *t, size_t len)
{
	uint8_t sum = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
}

static void cedt_error(const uint8_t *t, size_t len, const char *needle)
{
	struct srd_cedt *c = NULL;
	struct srd_error err = {};

	CHECK(srd_cedt_parse(t, len, "CEDT", &c, &err) < 0);
	CHECK(c == NULL);
	CHECK_CONTAINS(err.msg, "CEDT");
	CHECK_CONTAINS(err.msg, needle);
}

static void test_cedt_qemu(const char *path)
{
	struct srd_cedt *c = NULL;
	struct srd_error err = {};
	size_t len;
	uint8_t *t = load(path, &len);

	CHECK(srd_cedt_parse(t, len, path, &c, &err) == 0);
	CHECK(c->n_chbs == 1 && c->n_cfmws == 1);
	CHECK(c->chbs[0].uid == 0xc);
	CHECK_EQ_U64(c->chbs[0].base, 0x10800000);
	CHECK_EQ_U64(c->cfmws[0].range.start, 0x490000000);
	CHECK_EQ_U64(c->cfmws[0].range.end, 0x58fffffff);
	CHECK(c->cfmws[0].ways == 1 && c->cfmws[0].granularity == 256);
	CHECK(c->cfmws[0].restrictions == 0xf);
	CHECK(c->cfmws[0].targets[0] == 0xc);
	srd_cedt_free(c);

	/* Bad checksum. */
	t[9] ^= 0x55;
	cedt_error(t, len, "bad checksum");
	t[9] ^= 0x55;
	/* Truncated buffer, and a length past the buffer. */
	cedt_error(t, len - 1, "truncated");
	cedt_error(t, 20, "shorter than an ACPI header");
	/* Wrong signature. */
	t[0] = 'X';
	cedt_error(t, len, "signature is not CEDT");
	t[0] = 'C';
	/* A sub-table length running past the table. */
	t[36 + 32 + 2] = 0xff;
	fix_checksum(t, len);
	cedt_error(t, len, "past the table end");
	/* A zero sub-table length would loop forever. */
	t[36 + 32 + 2] = 0;
	fix_checksum(t, len);
	cedt_error(t, len, "past the table end");
	t[36 + 32 + 2] = 0x28;
	/* Reserved interleave ways encoding. */
	t[36 + 32 + 24] = 5;
	fix_checksum(t, len);
	cedt_error(t, len, "reserved interleave ways encoding 5");
	/* 2 ways declared, but room for one target. */
	t[36 + 32 + 24] = 1;
	fix_checksum(t, len);
	cedt_error(t, len, "2 targets do not fit");
	t[36 + 32 + 24] = 0;
	/* Reserved granularity. */
	t[36 + 32 + 28] = 9;
	fix_checksum(t, len);
	cedt_error(t, len, "reserved granularity");
	t[36 + 32 + 28] = 0;
	/* Misaligned base. */
	t[36 + 32 + 8] = 0x01;
	fix_checksum(t, len);
	cedt_error(t, len, "not 256 MiB");
	t[36 + 32 + 8] = 0x00;
	/* Zero-size window. */
	memset(t + 36 + 32 + 16, 0, 8);
	fix_checksum(t, len);
	cedt_error(t, len, "empty or overflowing window");
	free(t);
}

static void test_cedt_interleave(const char *path)
{
	struct srd_cedt *c = NULL;
	struct srd_error err = {};
	size_t len;
	uint8_t *t = load(path, &len);

	CHECK(srd_cedt_parse(t, len, path, &c, &err) == 0);
	CHECK(c->n_chbs == 2 && c->n_cfmws == 2);
	CHECK(c->cfmws[0].ways == 2);
	CHECK(c->cfmws[0].arithmetic == 1);
	CHECK(c->cfmws[0].granularity == 4096);
	CHECK(c->cfmws[0].targets[0] == 7 && c->cfmws[0].targets[1] == 8);
	CHECK(c->cfmws[1].restrictions == (SRD_CFMWS_TYPE3 | SRD_CFMWS_PMEM));
	CHECK(c->cfmws[1].qtg_id == 2);
	CHECK_EQ_U64(srd_range_size(&c->cfmws[1].range), 0x1000000000);
	srd_cedt_free(c);

	/* Make the second window overlap the first. */
	t[len - 40 + 8 + 5] = 0x00;
	t[len - 40 + 8 + 4] = 0x00;
	t[len - 40 + 8 + 5] = 0x01; /* base 0x100_0000_0000 */
	fix_checksum(t, len);
	cedt_error(t, len, "overlap");
	free(t);
}

static void test_srat(const char *path)
{
	struct srd_srat *s = NULL;
	struct srd_error err = {};
	size_t len;
	uint8_t *t = load(path, &len);

	CHECK(srd_srat_parse(t, len, path, &s, &err) == 0);
	CHECK(s->n_mem == 4); /* the zero-length entry is skipped */
	CHECK(s->n_other == 1);
	CHECK(s->mem[1].proximity_domain == 1);
	CHECK_EQ_U64(s->mem[1].range.start, 0x490000000);
	CHECK(s->mem[1].flags == (SRD_SRAT_MEM_ENABLED | SRD_SRAT_MEM_HOTPLUGGABLE));
	CHECK(!(s->mem[3].flags & SRD_SRAT_MEM_ENABLED));
	srd_srat_free(s);

	t[9]++;
	CHECK(srd_srat_parse(t, len, "SRAT", &s, &err) == -EBADMSG);
	CHECK_CONTAINS(err.msg, "SRAT: bad checksum");
	t[9]--;
	/* A memory affinity structure of the wrong length. */
	t[48 + 16 + 1] = 39;
	fix_checksum(t, len);
	CHECK(srd_srat_parse(t, len, "SRAT", &s, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "length 39 != 40");
	free(t);
}

TEST(test_garbage)
{
	uint8_t junk[256];
	struct srd_cedt *c = NULL;
	struct srd_srat *s = NULL;
	struct srd_error err = {};

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	CHECK(srd_cedt_parse(junk, sizeof(junk), "junk", &c, &err) < 0);
	CHECK(srd_srat_parse(junk, sizeof(junk), "junk", &s, &err) < 0);
	CHECK(srd_cedt_parse(junk, 0, "junk", &c, &err) < 0);
	/* A header claiming 4 GiB. */
	memcpy(junk, "CEDT\xff\xff\xff\xff", 8);
	CHECK(srd_cedt_parse(junk, sizeof(junk), "junk", &c, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "implausible table length");
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A CEDT of n one-way CFMWS, window k at base[k] of size[k]; *ret_len is set. */
static uint8_t *cedt_windows(size_t n, const uint64_t *base, const uint64_t *size, size_t *ret_len)
{
	size_t len = SRD_ACPI_HEADER_SIZE + 40 * n;
	uint8_t *t = calloc(1, len);

	CHECK(t && len <= SRD_ACPI_MAX_TABLE);
	memcpy(t, "CEDT", 4);
	put32(t + 4, (uint32_t)len);
	t[8] = 1;
	for (size_t k = 0; k < n; k++) {
		uint8_t *w = t + SRD_ACPI_HEADER_SIZE + 40 * k;

		w[0] = 1; /* CFMWS */
		w[2] = 40;
		put64(w + 8, base[k]);
		put64(w + 16, size[k]);
		put32(w + 36, (uint32_t)k); /* target: host bridge UID */
	}
	fix_checksum(t, len);
	*ret_len = len;
	return t;
}

/*
 * As many windows as a 4 MiB table holds, in scrambled address order: the
 * overlap check compared every pair, quadratic in the table.  Timing goes to
 * bench/; this checks the verdicts, and which pair an overlap names.
 */
TEST(test_many_windows)
{
	enum { N = 100000 };
	const uint64_t gran = 256ull << 20;
	uint64_t *base = calloc(N, sizeof(*base)), *size = calloc(N, sizeof(*size));
	struct srd_cedt *c = NULL;
	struct srd_error err = {};
	size_t len;
	uint8_t *t;

	CHECK(base && size);
	for (size_t k = 0; k < N; k++) {
		base[k] = (k * 7919 % N) * gran; /* 7919 is prime to N: a permutation */
		size[k] = gran;
	}
	t = cedt_windows(N, base, size, &len);
	if (srd_cedt_parse(t, len, "CEDT", &c, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	CHECK(c->n_cfmws == N);
	/* Table order is kept: the check sorts a copy. */
	for (size_t k = 0; k < N; k++)
		CHECK(c->cfmws[k].range.start == base[k] && c->cfmws[k].targets[0] == k);
	srd_cedt_free(c);
	free(t);

	/* The last window on top of the first: named by their table positions. */
	base[N - 1] = base[0];
	t = cedt_windows(N, base, size, &len);
	cedt_error(t, len, "CFMWS 0 and 99999 overlap");
	free(t);

	/* One window reaching over several that follow it in address order. */
	base[N - 1] = (uint64_t)N * gran;
	size[N - 1] = gran;
	base[5] = 1000 * gran;
	size[5] = 4 * gran;
	base[6] = 5000 * gran;
	t = cedt_windows(N, base, size, &len);
	c = NULL;
	CHECK(srd_cedt_parse(t, len, "CEDT", &c, &err) == -EINVAL);
	CHECK(c == NULL);
	CHECK_CONTAINS(err.msg, "CFMWS 5 and ");
	CHECK_CONTAINS(err.msg, " overlap");
	free(t);
	free(base);
	free(size);
}

TEST(test_overlap_pairs)
{
	const uint64_t g = 256ull << 20;
	/* 0 holds 2 inside it; 1 is elsewhere; 3 touches 1 without overlapping. */
	uint64_t base[] = {0, 16 * g, 2 * g, 17 * g}, size[] = {8 * g, g, g, g};
	struct srd_cedt *c = NULL;
	struct srd_error err = {};
	size_t len;
	uint8_t *t = cedt_windows(4, base, size, &len);

	cedt_error(t, len, "CEDT: CFMWS 0 and 2 overlap");
	free(t);
	base[2] = 8 * g; /* right after 0 ends: no overlap */
	t = cedt_windows(4, base, size, &len);
	CHECK(srd_cedt_parse(t, len, "CEDT", &c, &err) == 0);
	CHECK(c->n_cfmws == 4);
	srd_cedt_free(c);
	free(t);
	/* Out of table order: 3 overlaps 1, reported lower position first. */
	base[3] = 16 * g;
	t = cedt_windows(4, base, size, &len);
	cedt_error(t, len, "CFMWS 1 and 3 overlap");
	free(t);
}

TEST(test_decode)
{
	CHECK(srd_cfmws_decode_ways(0) == 1 && srd_cfmws_decode_ways(4) == 16);
	CHECK(srd_cfmws_decode_ways(8) == 3 && srd_cfmws_decode_ways(10) == 12);
	CHECK(srd_cfmws_decode_ways(5) == 0 && srd_cfmws_decode_ways(11) == 0);
	CHECK(srd_cfmws_decode_granularity(0) == 256 && srd_cfmws_decode_granularity(6) == 16384);
	CHECK(srd_cfmws_decode_granularity(7) == 0);
}

int main(int argc, char *argv[])
{
	/* Without the fixtures' paths, the tables built here still run. */
	if (argc != 4 && argc != 1) {
		fprintf(stderr, "usage: test-acpi [CEDT-QEMU.aml CEDT-INTERLEAVE.aml SRAT.aml]\n");
		return 2;
	}
	RUN(test_garbage);
	RUN(test_decode);
	RUN(test_overlap_pairs);
	RUN(test_many_windows);
	if (argc == 1)
		return 0;
	test_cedt_qemu(argv[1]);
	printf("ok test_cedt_qemu\n");
	test_cedt_interleave(argv[2]);
	printf("ok test_cedt_interleave\n");
	test_srat(argv[3]);
	printf("ok test_srat\n");
	return 0;
}
