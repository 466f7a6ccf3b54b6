// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared number parsers: srd reads numbers the way the kernel prints
 * them (decimal, or hex with 0x) and refuses a leading zero, which base-0
 * parsing would silently take as octal; memory block_size_bytes, printed in
 * hex without 0x, has its own parser.
 */
#include "srd-util.h"
#include "test-util.h"

static int u64(const char *s, uint64_t *ret)
{
	*ret = 0xdeadbeef;
	return srd_parse_u64(s, ret);
}

TEST(test_parse_u64)
{
	uint64_t v;

	CHECK(u64("0", &v) == 0 && v == 0);
	CHECK(u64("123", &v) == 0 && v == 123);
	CHECK(u64("0x7b", &v) == 0 && v == 123);
	CHECK(u64("0X7B", &v) == 0 && v == 123);
	CHECK(u64("0x0001", &v) == 0 && v == 1); /* sysfs pads hex: "0x%04x" */
	CHECK(u64("0x0", &v) == 0 && v == 0);
	CHECK(u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	CHECK(u64("0xffffffffffffffff", &v) == 0 && v == UINT64_MAX);
	CHECK(u64("0x0000000000000000ff", &v) == 0 && v == 0xff);
	CHECK(u64("18446744073709551616", &v) == -ERANGE);
	CHECK(u64("0x10000000000000000", &v) == -ERANGE);

	/* A leading zero: base 0 would read these as octal (0123 is 83). */
	CHECK(u64("0123", &v) == -EDOM && v == 0xdeadbeef);
	CHECK(u64("0100000000", &v) == -EDOM);
	CHECK(u64("00", &v) == -EDOM);
	CHECK(u64("08", &v) == -EDOM);

	static const char *const junk[] = {
	    "",	  " 1",	 "1 ", "-1",  "+1",   "0x",  "0x ", "0xg",
	    "1k", "0b1", "x1", "1.0", "0x-1", "\n1", "١",
	};

	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		if (u64(junk[i], &v) != -EINVAL) {
			fprintf(stderr, "accepted \"%s\"\n", junk[i]);
			abort();
		}
		CHECK(v == 0xdeadbeef);
	}
	CHECK(srd_parse_u64(NULL, &v) == -EINVAL);
}

TEST(test_parse_u64_prefix)
{
	uint64_t v;

	/* The number at the start and how many characters it took, for callers
	 * that read a suffix (sizes: 256M). */
	CHECK(srd_parse_u64_prefix("256M", &v) == 3 && v == 256);
	CHECK(srd_parse_u64_prefix("0x10G", &v) == 4 && v == 16);
	CHECK(srd_parse_u64_prefix("0", &v) == 1 && v == 0);
	CHECK(srd_parse_u64_prefix("0M", &v) == 1 && v == 0);
	CHECK(srd_parse_u64_prefix("0x", &v) == -EINVAL);
	CHECK(srd_parse_u64_prefix("010M", &v) == -EDOM);
	CHECK(srd_parse_u64_prefix("M", &v) == -EINVAL);
	CHECK(srd_parse_u64_prefix("99999999999999999999K", &v) == -ERANGE);
}

TEST(test_parse_block_size_bytes)
{
	uint64_t v = 0;

	/* The kernel prints it with "%lx": hex, no 0x. */
	CHECK(srd_parse_block_size_bytes("8000000", &v) == 0 && v == 0x8000000);
	CHECK(srd_parse_block_size_bytes("80000000", &v) == 0 && v == 0x80000000);
	CHECK(srd_parse_block_size_bytes("ffffffffffffffff", &v) == 0 && v == UINT64_MAX);
	CHECK(srd_parse_block_size_bytes("10000000000000000", &v) == -ERANGE);
	CHECK(srd_parse_block_size_bytes("0x8000000", &v) == -EINVAL);
	CHECK(srd_parse_block_size_bytes("", &v) == -EINVAL);
	CHECK(srd_parse_block_size_bytes("0", &v) == -EINVAL); /* no block is zero bytes */
	CHECK(srd_parse_block_size_bytes("8000000 ", &v) == -EINVAL);
	CHECK(srd_parse_block_size_bytes("-1", &v) == -EINVAL);
}

enum colour { RED, GREEN, BLUE, _COLOUR_MAX };
static const char *const colour_names[_COLOUR_MAX] = {[RED] = "red", [BLUE] = "blue"};
static const char *colour_to_string(enum colour c);
static int colour_from_string(const char *s);
static SRD_DEFINE_STRING_TABLE(colour, enum colour, colour_names, _COLOUR_MAX)

    TEST(test_string_table)
{
	CHECK_STREQ(colour_to_string(RED), "red");
	CHECK_STREQ(colour_to_string(BLUE), "blue");
	CHECK(colour_to_string(GREEN) == NULL); /* a hole in the table */
	CHECK(colour_to_string(_COLOUR_MAX) == NULL);
	CHECK(colour_to_string((enum colour) - 1) == NULL);
	CHECK(colour_from_string("blue") == BLUE);
	CHECK(colour_from_string("red") == RED);
	CHECK(colour_from_string("green") == -EINVAL);
	CHECK(colour_from_string("") == -EINVAL);
	CHECK(colour_from_string(NULL) == -EINVAL);
	CHECK(colour_from_string("Red") == -EINVAL);
}

int main(void)
{
	RUN(test_parse_u64);
	RUN(test_parse_u64_prefix);
	RUN(test_parse_block_size_bytes);
	RUN(test_string_table);
	return 0;
}
