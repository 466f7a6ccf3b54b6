// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reads /sys/firmware/memmap: each entry's start, end and type, parsed by
 * lib/core/firmware.c, sorted, and checked to be a partition.
 */
#include <dirent.h>
#include <limits.h>
#include <string.h>

#include "load.h"
#include "read.h"

static int memmap_cmp(const void *a, const void *b)
{
	const struct srd_memmap_entry *x = a, *y = b;

	return srd_range_cmp(&x->range, &y->range);
}

int srd_memmap_load(const char *dir, struct srd_memmap_entry **ret, size_t *ret_n,
		    bool *ret_present, struct srd_error *err)
{
	_cleanup_free_ struct srd_memmap_entry *v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			*ret = NULL;
			*ret_n = 0;
			*ret_present = false;
			return 0;
		}
		return srd_error_set(err, -errno, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		char path[512], origin[512], s[64], e[64], t[80];
		uint64_t idx;

		if (srd_parse_u64(de->d_name, &idx) < 0 || idx > UINT_MAX)
			continue;
		snprintf(origin, sizeof(origin), "%s/%s", dir, de->d_name);
		snprintf(path, sizeof(path), "%s/start", origin);
		r = srd_read_line(path, s, sizeof(s));
		if (r >= 0) {
			snprintf(path, sizeof(path), "%s/end", origin);
			r = srd_read_line(path, e, sizeof(e));
		}
		if (r >= 0) {
			snprintf(path, sizeof(path), "%s/type", origin);
			r = srd_read_line(path, t, sizeof(t));
		}
		if (r < 0) {
			r = srd_error_set(err, r, "%s: %s", path, strerror(-r));
			break;
		}
		if (srd_grow((void **)&v, n, sizeof(*v)) < 0) {
			r = -ENOMEM;
			break;
		}
		r = srd_memmap_parse_entry(s, e, t, origin, &v[n], err);
		if (r < 0)
			break;
		v[n++].index = (unsigned)idx;
	}
	closedir(d);
	if (r < 0)
		return r;

	if (n)
		qsort(v, n, sizeof(*v), memmap_cmp);
	for (size_t i = 1; i < n; i++)
		if (v[i].range.start <= v[i - 1].range.end)
			return srd_error_set(err, -EINVAL, "%s: entries %u and %u overlap", dir,
					     v[i - 1].index, v[i].index);
	*ret = TAKE_PTR(v);
	*ret_n = n;
	*ret_present = true;
	return 0;
}
