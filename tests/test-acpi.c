// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CEDT and SRAT parsing: tables compiled by iasl from tests/fixtures/acpi/ (.dsl)
 * (paths in argv, built by test-acpi.sh), then every way a table can be broken.
 */
#include "acpi.h"
#include "test-util.h"

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
	if (argc != 4) {
		fprintf(stderr, "usage: test-acpi CEDT-QEMU.aml CEDT-INTERLEAVE.aml SRAT.aml\n");
		return 2;
	}
	test_cedt_qemu(argv[1]);
	printf("ok test_cedt_qemu\n");
	test_cedt_interleave(argv[2]);
	printf("ok test_cedt_interleave\n");
	test_srat(argv[3]);
	printf("ok test_srat\n");
	RUN(test_garbage);
	RUN(test_decode);
	return 0;
}
