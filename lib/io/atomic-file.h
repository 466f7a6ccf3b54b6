/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file atomically in a directory others may write to (the
 * node_exporter textfile directory) or that srd owns (the layout store).
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/*
 * Writes size bytes of data to path with mode, atomically: into a file no one
 * else can have planted (O_TMPFILE linked in under a random name where the
 * file system supports it, else a random name created O_EXCL|O_NOFOLLOW and
 * checked to be a regular file), fsync'ed, renamed over path, and the
 * directory fsync'ed.  Whatever sits at path (a symlink included) is replaced,
 * never written through.  Returns 0 or a negative errno; on failure path is
 * unchanged and no temporary file is left.
 */
int srd_atomic_write_file(const char *path, const void *data, size_t size, mode_t mode);
