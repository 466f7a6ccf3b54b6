// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole-file reads with a size bound: sysfs and procfs files are read in one
 * go so a parse sees one consistent snapshot, and the one-line attribute and
 * symlink readers discovery uses.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "read.h"

int srd_read_file(const char *path, size_t max_bytes, char **ret_buf, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, alloc = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	for (;;) {
		ssize_t n;

		if (alloc - len < 4096) {
			size_t want = alloc ? alloc * 2 : 16384;
			char *p;

			if (want > max_bytes + 4096)
				want = max_bytes + 4096;
			if (want <= len + 1) {
				r = -EFBIG;
				break;
			}
			p = realloc(buf, want);
			if (!p) {
				r = -ENOMEM;
				break;
			}
			buf = p;
			alloc = want;
		}
		n = read(fd, buf + len, alloc - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max_bytes) {
			r = -EFBIG;
			break;
		}
	}
	close(fd);
	if (r < 0)
		return r;
	if (!buf) {
		buf = calloc(1, 1);
		if (!buf)
			return -ENOMEM;
	}
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int srd_read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		buf[--n] = '\0';
	return 0;
}

void srd_link_basename(const char *dir, const char *name, char *buf, size_t size)
{
	char path[4096], target[4096], *slash;
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(buf, size, "%s", slash ? slash + 1 : target);
}
