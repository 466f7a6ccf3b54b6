/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the machine's files: sysfs attributes, procfs, symlinks. */
#pragma once

#include "srd-util.h"

/*
 * Reads a whole file of at most max_bytes into a NUL-terminated buffer.
 * Returns 0, -EFBIG when the file is larger, or the negative errno of open/read.
 */
int srd_read_file(const char *path, size_t max_bytes, char **ret_buf, size_t *ret_len);

/* Reads a sysfs-style one-line attribute, trailing newline stripped. */
int srd_read_line(const char *path, char *buf, size_t size);

/* Basename of the symlink dir/name's target into buf ("" when it is no link). */
void srd_link_basename(const char *dir, const char *name, char *buf, size_t size);
