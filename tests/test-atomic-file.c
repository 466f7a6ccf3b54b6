// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Atomic file replacement in a directory someone else writes to: the data
 * lands with the asked mode whatever the umask, a symlink at the target is
 * replaced and the file it points to is left as it was, names planted
 * beside it (the fixed temporary name srd once used, a FIFO) are neither
 * written through nor waited on, and nothing temporary is left behind.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "test-util.h"

static char dir[] = "/tmp/test-atomic-file.XXXXXX";

static const char *at(const char *name)
{
	static char buf[2][4096];
	static int i;

	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void put(const char *name, const char *text, mode_t mode)
{
	FILE *f = fopen(at(name), "w");

	CHECK(f);
	fputs(text, f);
	CHECK(fclose(f) == 0);
	CHECK(chmod(at(name), mode) == 0);
}

static void check_content(const char *name, const char *want, mode_t want_mode)
{
	char buf[256] = "";
	struct stat st;
	FILE *f;

	CHECK(lstat(at(name), &st) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ_U64(st.st_mode & 07777, want_mode);
	f = fopen(at(name), "r");
	CHECK(f);
	CHECK(fread(buf, 1, sizeof(buf) - 1, f) == strlen(want));
	fclose(f);
	CHECK_STREQ(buf, want);
}

static size_t n_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	CHECK(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, "..") != 0);
	closedir(d);
	return n;
}

TEST(test_writes_with_mode)
{
	mode_t old = umask(0077);

	CHECK(srd_atomic_write_file(at("a.prom"), "x 1\n", 4, 0644) == 0);
	check_content("a.prom", "x 1\n", 0644);
	/* And again, over the file it wrote. */
	CHECK(srd_atomic_write_file(at("a.prom"), "x 2\n", 4, 0644) == 0);
	check_content("a.prom", "x 2\n", 0644);
	umask(old);
	CHECK_EQ_U64(n_entries(), 1);
	unlink(at("a.prom"));
}

TEST(test_symlinks_not_followed)
{
	char link[4096];
	ssize_t n;

	put("victim", "precious\n", 0600);
	put("victim2", "precious\n", 0600);
	/* The fixed temporary name of old, and the target itself. */
	CHECK(symlink(at("victim"), at("b.prom.tmp")) == 0);
	CHECK(symlink(at("victim2"), at("b.prom")) == 0);
	CHECK(srd_atomic_write_file(at("b.prom"), "y 1\n", 4, 0644) == 0);
	check_content("b.prom", "y 1\n", 0644);
	check_content("victim", "precious\n", 0600);
	check_content("victim2", "precious\n", 0600);
	n = readlink(at("b.prom.tmp"), link, sizeof(link) - 1);
	CHECK(n > 0);
	link[n] = '\0';
	CHECK_STREQ(link, at("victim"));
	CHECK_EQ_U64(n_entries(), 4);
	unlink(at("b.prom"));
	unlink(at("b.prom.tmp"));
	unlink(at("victim"));
	unlink(at("victim2"));
}

TEST(test_fifo_not_waited_on)
{
	struct stat st;

	CHECK(mkfifo(at("c.prom.tmp"), 0644) == 0);
	alarm(10); /* a writer blocked in open() would stay there */
	CHECK(srd_atomic_write_file(at("c.prom"), "z 1\n", 4, 0644) == 0);
	alarm(0);
	check_content("c.prom", "z 1\n", 0644);
	CHECK(lstat(at("c.prom.tmp"), &st) == 0 && S_ISFIFO(st.st_mode));
	unlink(at("c.prom"));
	unlink(at("c.prom.tmp"));
}

TEST(test_failures)
{
	/* A missing directory, a directory at the target: errors, nothing left. */
	CHECK(srd_atomic_write_file(at("nodir/d.prom"), "1\n", 2, 0644) == -ENOENT);
	CHECK(mkdir(at("sub"), 0755) == 0);
	CHECK(srd_atomic_write_file(at("sub"), "1\n", 2, 0644) < 0);
	CHECK(rmdir(at("sub")) == 0);
	CHECK(srd_atomic_write_file(dir, "1\n", 2, 0644) < 0);
	CHECK_EQ_U64(n_entries(), 0);
}

int main(void)
{
	CHECK(mkdtemp(dir));
	RUN(test_writes_with_mode);
	RUN(test_symlinks_not_followed);
	RUN(test_fifo_not_waited_on);
	RUN(test_failures);
	CHECK(rmdir(dir) == 0);
	return 0;
}
