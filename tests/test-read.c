// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The file readers discovery and the loaders use: a whole file within a
 * bound, a one-line attribute with its newline stripped, a symlink's target
 * name.  Run on files in a temporary directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "read.h"
#include "test-util.h"

static char dir[] = "/tmp/srd-test-read.XXXXXX";

static void put(const char *name, const char *text, size_t len)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	CHECK(f);
	CHECK(fwrite(text, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

static const char *path(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

TEST(test_read_file)
{
	char big[40000];
	char *buf;
	size_t len;

	put("small", "one\ntwo\n", 8);
	CHECK(srd_read_file(path("small"), 64, &buf, &len) == 0);
	CHECK(len == 8 && strcmp(buf, "one\ntwo\n") == 0);
	free(buf);

	/* Exactly the bound is fine, one byte more is -EFBIG (and nothing is returned). */
	memset(big, 'x', sizeof(big));
	put("big", big, sizeof(big));
	CHECK(srd_read_file(path("big"), sizeof(big), &buf, &len) == 0);
	CHECK(len == sizeof(big) && buf[len] == '\0' && buf[len - 1] == 'x');
	free(buf);
	buf = (char *)0x1;
	CHECK(srd_read_file(path("big"), sizeof(big) - 1, &buf, &len) == -EFBIG);
	CHECK(buf == (char *)0x1);

	put("empty", "", 0);
	CHECK(srd_read_file(path("empty"), 64, &buf, NULL) == 0);
	CHECK(buf[0] == '\0');
	free(buf);

	CHECK(srd_read_file(path("missing"), 64, &buf, &len) == -ENOENT);
	CHECK(srd_read_file(dir, 64, &buf, &len) == -EISDIR);
}

TEST(test_read_line)
{
	char buf[16];

	put("attr", "0x10000000\n", 11);
	CHECK(srd_read_line(path("attr"), buf, sizeof(buf)) == 0);
	CHECK_STREQ(buf, "0x10000000");

	/* Some attributes end in NUL bytes; a long one is cut to the buffer. */
	put("nul", "online\n\0\0", 9);
	CHECK(srd_read_line(path("nul"), buf, sizeof(buf)) == 0);
	CHECK_STREQ(buf, "online");
	put("long", "0123456789abcdefghij", 20);
	CHECK(srd_read_line(path("long"), buf, sizeof(buf)) == 0);
	CHECK(strlen(buf) == sizeof(buf) - 1);

	CHECK(srd_read_line(path("missing"), buf, sizeof(buf)) == -ENOENT);
}

TEST(test_link_basename)
{
	char buf[64], p[256];

	snprintf(p, sizeof(p), "%s/driver", dir);
	CHECK(symlink("../../../bus/cxl/drivers/cxl_mem", p) == 0);
	srd_link_basename(dir, "driver", buf, sizeof(buf));
	CHECK_STREQ(buf, "cxl_mem");

	/* Not a link, or missing: "". */
	strcpy(buf, "stale");
	srd_link_basename(dir, "attr", buf, sizeof(buf));
	CHECK_STREQ(buf, "");
	strcpy(buf, "stale");
	srd_link_basename(dir, "none", buf, sizeof(buf));
	CHECK_STREQ(buf, "");
}

int main(void)
{
	static const char *const names[] = {"small", "big",  "empty", "attr",
					    "nul",   "long", "driver"};

	CHECK(mkdtemp(dir));
	RUN(test_read_file);
	RUN(test_read_line);
	RUN(test_link_basename);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		CHECK(unlink(path(names[i])) == 0);
	CHECK(rmdir(dir) == 0);
	return 0;
}
