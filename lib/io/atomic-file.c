// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Atomic file replacement (see atomic-file.h).  A fixed temporary name
 * ("PATH.tmp") in a directory someone else can write lets them plant a
 * symlink there (srd would truncate and re-mode the file it points to) or a
 * FIFO (srd would block in open() until the watchdog kills it).  So the data
 * goes into an anonymous O_TMPFILE, or into a random name that open() creates
 * itself, and only a rename ever puts it at path.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "srd-util.h"

#define TMP_TRIES 16

static void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* ".BASE.0123456789abcdef.tmp": a name no one can guess in advance. */
static int random_name(const char *base, char *buf, size_t size)
{
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		return -errno ? -errno : -EIO;
	if (snprintf(buf, size, ".%s.%016" PRIx64 ".tmp", base, v) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static int write_all(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Gives the anonymous file fd a random name in dfd; 0 or a negative errno. */
static int link_tmpfile(int fd, int dfd, const char *base, char *name, size_t size)
{
	char proc[64];

	for (int i = 0; i < TMP_TRIES; i++) {
		int r = random_name(base, name, size);

		if (r < 0)
			return r;
		/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc/self/fd does not. */
		if (linkat(fd, "", dfd, name, AT_EMPTY_PATH) == 0)
			return 0;
		if (errno == ENOENT || errno == EPERM) {
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			if (linkat(AT_FDCWD, proc, dfd, name, AT_SYMLINK_FOLLOW) == 0)
				return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Creates a fresh regular file under a random name in dfd. */
static int create_named(int dfd, const char *base, mode_t mode, char *name, size_t size)
{
	for (int i = 0; i < TMP_TRIES; i++) {
		struct stat st;
		int fd, r = random_name(base, name, size);

		if (r < 0)
			return r;
		fd =
		    openat(dfd, name,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			r = errno ? -errno : -EBADF;
			close(fd);
			return r; /* not ours to unlink */
		}
		return fd;
	}
	return -EEXIST;
}

int srd_atomic_write_file(const char *path, const void *data, size_t size, mode_t mode)
{
	char dir[4096], file[4096], base[256], name[300];
	_cleanup_(closep) int dfd = -1;
	_cleanup_(closep) int fd = -1;
	bool named = false;
	int r;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    snprintf(file, sizeof(file), "%s", path) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	if (snprintf(base, sizeof(base), "%s", basename(file)) >= (int)sizeof(base))
		return -ENAMETOOLONG;
	if (!base[0] || srd_streq(base, ".") || srd_streq(base, "..") || srd_streq(base, "/"))
		return -EISDIR;
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0) {
		/* No O_TMPFILE on this file system (EOPNOTSUPP, or EISDIR from old kernels). */
		fd = create_named(dfd, base, mode, name, sizeof(name));
		if (fd < 0)
			return fd;
		named = true;
	}
	/* The mode must not depend on the process's umask (srd's unit has 0077). */
	r = fchmod(fd, mode) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, data, size);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && !named) {
		r = link_tmpfile(fd, dfd, base, name, sizeof(name));
		named = r == 0;
	}
	if (r == 0 && renameat(dfd, name, dfd, base) < 0)
		r = -errno;
	if (r < 0) {
		if (named)
			(void)unlinkat(dfd, name, 0);
		return r;
	}
	(void)fsync(dfd);
	return 0;
}
