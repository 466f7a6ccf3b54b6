// SPDX-License-Identifier: GPL-2.0-or-later
/* Firmware memory map entries and the command line's memmap= Soft Reserved injections. */
#include "firmware.h"
#include "test-util.h"
#include "load.h"

TEST(test_memmap_entry)
{
	struct srd_memmap_entry e;
	struct srd_error err = {};

	CHECK(srd_memmap_parse_entry("0x490000000", "0x49fffffff", "Soft Reserved", "m/7", &e,
				     &err) == 0);
	CHECK_EQ_U64(e.range.start, 0x490000000);
	CHECK_EQ_U64(e.range.end, 0x49fffffff);
	CHECK_STREQ(e.type, "Soft Reserved");
	CHECK(srd_memmap_parse_entry("0x10", "0x0f", "System RAM", "m/7", &e, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "m/7: end 0xf before start 0x10");
	CHECK(srd_memmap_parse_entry("", "0x0f", "System RAM", "m/1", &e, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "m/1/start: not a number");
	CHECK(srd_memmap_parse_entry("0x0", "-1", "System RAM", "m/1", &e, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "m/1/end");
	CHECK(srd_memmap_parse_entry("0x0", "0x10000000000000000", "x", "m/1", &e, &err) ==
	      -EINVAL);
	CHECK(srd_memmap_parse_entry("0x0", "0x1", "", "m/2", &e, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "m/2/type");
	CHECK(srd_memmap_parse_entry("0x0", "0x1", "a\tb", "m/2", &e, &err) == -EINVAL);
}

TEST(test_memmap_load)
{
	struct srd_memmap_entry *v = NULL;
	struct srd_error err = {};
	bool present;
	size_t n;

	CHECK(srd_memmap_load(fixture("memmap/good"), &v, &n, &present, &err) == 0);
	CHECK(present && n == 4);
	CHECK_STREQ(v[2].type, "Soft Reserved");
	CHECK(v[2].index == 2);
	CHECK_EQ_U64(v[3].range.start, 0x4a0000000);
	free(v);

	CHECK(srd_memmap_load(fixture("memmap/overlap"), &v, &n, &present, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "memmap/overlap: entries 0 and 1 overlap");
	CHECK(srd_memmap_load(fixture("memmap/badnum"), &v, &n, &present, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "badnum/0/end: not a number");
	CHECK(srd_memmap_load(fixture("memmap/none"), &v, &n, &present, &err) == 0);
	CHECK(!present && n == 0);
}

static size_t parse(const char *cmdline, struct srd_cmdline_sr **v)
{
	struct srd_error err = {};
	size_t n = 0;

	if (srd_cmdline_parse(cmdline, strlen(cmdline), "/proc/cmdline", v, &n, &err) < 0) {
		fprintf(stderr, "unexpected: %s\n", err.msg);
		abort();
	}
	return n;
}

static void expect_error(const char *cmdline, const char *needle)
{
	struct srd_cmdline_sr *v = NULL;
	struct srd_error err = {};
	size_t n;

	CHECK(srd_cmdline_parse(cmdline, strlen(cmdline), "/proc/cmdline", &v, &n, &err) < 0);
	CHECK_CONTAINS(err.msg, "/proc/cmdline");
	CHECK_CONTAINS(err.msg, needle);
}

TEST(test_cmdline)
{
	struct srd_cmdline_sr *v = NULL;

	/* The testbed's injection: add over CXL window 0. */
	CHECK(parse("BOOT_IMAGE=/vmlinuz root=/dev/vda memmap=256M%0x490000000+0xefffffff quiet\n",
		    &v) == 1);
	CHECK_EQ_U64(v[0].range.start, 0x490000000);
	CHECK_EQ_U64(v[0].range.end, 0x49fffffff);
	CHECK(v[0].kind == SRD_CMDLINE_ADD);
	free(v);

	/* Conversion of RAM, a list, other forms and types ignored. */
	CHECK(parse("memmap=1G%4G-1+0xefffffff,exactmap,64M@0x1000000 memmap=2g$0x90000000 "
		    "memmap=16M!16M memmap=512M%0x600000000+12 memmap=4096M mem=8G "
		    "memmap=0x10000000%0x700000000-0x1+0xefffffff",
		    &v) == 2);
	CHECK(v[0].kind == SRD_CMDLINE_CONVERT && v[0].old_type == 1);
	CHECK_EQ_U64(v[0].range.start, 4ull << 30);
	CHECK_EQ_U64(v[0].range.end, (5ull << 30) - 1);
	CHECK_EQ_U64(v[1].range.start, 0x700000000);
	CHECK_EQ_U64(srd_range_size(&v[1].range), 0x10000000);
	free(v);

	/* Suffixes and quoting, as the kernel's next_arg() reads them. */
	CHECK(parse("\"memmap=1k%1t+0xefffffff\" foo=\"a b\"", &v) == 1);
	CHECK_EQ_U64(v[0].range.start, 1ull << 40);
	CHECK_EQ_U64(srd_range_size(&v[0].range), 1024);
	free(v);

	/* Not memmap=: untouched, even when it looks similar. */
	CHECK(parse("xmemmap=1G%4G+0xefffffff memmapx=1 ", &v) == 0);
	free(v);
	CHECK(parse("", &v) == 0);
	free(v);

	expect_error("memmap=", "empty memmap=");
	expect_error("memmap=1G%", "bad address");
	expect_error("memmap=G%4G+0xefffffff", "bad size");
	expect_error("memmap=1G%4G+0xefffffffzz", "trailing characters");
	expect_error("memmap=1G^4G", "unknown form");
	expect_error("memmap=1G@zz", "bad address");
	expect_error("memmap=0%4G+0xefffffff", "zero size");
	expect_error("memmap=2%0xffffffffffffffff+0xefffffff", "past the top");
	expect_error("memmap=99999999999999999999%0+0xefffffff", "bad size");
	expect_error("memmap=1E%0+0xefffffff memmap=16E%0+0xefffffff", "bad size");
	expect_error("memmap=1G%4G-+0xefffffff", "bad old type");
	expect_error("\"memmap=1G%4G+0xefffffff", "unterminated quote");
	expect_error("memmap=09%4G+0xefffffff",
		     "bad size"); /* octal, as simple_strtoull reads it */
}

/* Words after a standalone "--" are init's arguments: the kernel's parse_args()
 * stops there, so a memmap= among them injects nothing, and a malformed one is
 * no error of the kernel's. */
TEST(test_cmdline_init_args)
{
	struct srd_cmdline_sr *v = NULL;

	CHECK(parse("root=/dev/vda -- memmap=256M%0x490000000+0xefffffff", &v) == 0);
	free(v);
	CHECK(parse("memmap=256M%0x490000000+0xefffffff quiet -- single memmap=1G%4G+0xefffffff\n",
		    &v) == 1);
	CHECK_EQ_U64(v[0].range.start, 0x490000000);
	free(v);
	CHECK(parse("quiet -- memmap= memmap=zz", &v) == 0);
	free(v);
	CHECK(parse("--", &v) == 0);
	free(v);
	/* Any whitespace separates words, as isspace() does in the kernel. */
	CHECK(parse("quiet\t--\nmemmap=256M%0x490000000+0xefffffff", &v) == 0);
	free(v);
	/* next_arg() drops the quotes around a whole word: "--" is still --. */
	CHECK(parse("\"--\" memmap=256M%0x490000000+0xefffffff", &v) == 0);
	free(v);

	/* Not a standalone --: a word that starts with it, one with a value, one inside quotes. */
	CHECK(parse("--foo memmap=256M%0x490000000+0xefffffff", &v) == 1);
	free(v);
	CHECK(parse("--=1 memmap=256M%0x490000000+0xefffffff", &v) == 1);
	free(v);
	CHECK(parse("x--  memmap=256M%0x490000000+0xefffffff", &v) == 1);
	free(v);
	CHECK(parse("dyndbg=\"file x -- y\" memmap=256M%0x490000000+0xefffffff", &v) == 1);
	free(v);
	CHECK(parse("\"a -- b\" memmap=256M%0x490000000+0xefffffff", &v) == 1);
	free(v);
	/* Before the --, errors still count. */
	expect_error("memmap=zz -- init", "bad size");
}

/* Quotes as next_arg() treats them: a quote opening the word or the value is
 * dropped with the word's closing one; quotes anywhere else stay. */
TEST(test_cmdline_quotes)
{
	struct srd_cmdline_sr *v = NULL;

	CHECK(parse("memmap=\"256M%0x490000000+0xefffffff\"", &v) == 1);
	CHECK_EQ_U64(v[0].range.start, 0x490000000);
	free(v);
	/* A quote inside the name: the parameter is mem"map, not memmap. */
	CHECK(parse("mem\"map=256M\"%0x490000000+0xefffffff", &v) == 0);
	free(v);
	/* A quote inside the value stays in it, and memparse stops at it. */
	expect_error("memmap=256M\"%0x490000000\"+0xefffffff", "unknown form");
}

int main(void)
{
	RUN(test_memmap_entry);
	RUN(test_memmap_load);
	RUN(test_cmdline);
	RUN(test_cmdline_init_args);
	RUN(test_cmdline_quotes);
	return 0;
}
