/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Soft Reserved evidence outside /proc/iomem: the firmware memory map
 * (/sys/firmware/memmap/N/{start,end,type}) and the kernel command line's
 * memmap= options that add or convert ranges to Soft Reserved (e820 type
 * 0xefffffff).
 */
#pragma once

#include "range.h"
#include "srd-util.h"

#define SRD_E820_SOFT_RESERVED 0xefffffffu
#define SRD_MEMMAP_TYPE_SOFT_RESERVED "Soft Reserved"

struct srd_memmap_entry {
	struct srd_range range;
	char type[64];
	unsigned index; /* N of /sys/firmware/memmap/N */
};

/*
 * Parses one firmware memmap entry from the three attribute texts.  origin
 * names the entry directory in errors.
 */
int srd_memmap_parse_entry(const char *start, const char *end, const char *type, const char *origin,
			   struct srd_memmap_entry *ret, struct srd_error *err);

enum srd_cmdline_kind {
	SRD_CMDLINE_ADD, /* memmap=SIZE%ADDR+0xefffffff */
	SRD_CMDLINE_CONVERT, /* memmap=SIZE%ADDR-OLD+0xefffffff */
};

struct srd_cmdline_sr {
	struct srd_range range;
	enum srd_cmdline_kind kind;
	uint32_t old_type; /* CONVERT only */
};

/*
 * Extracts the Soft Reserved ranges the command line adds or converts.  Every
 * memmap= option is validated the way the kernel's parser reads it (memparse
 * sizes with K/M/G/T/P/E, base-0 numbers, comma-separated lists, next_arg()
 * quoting); words after a bare "--" are init's, the kernel never reads them,
 * and neither does this.  Other memmap forms (@ # $ ! exactmap, a plain
 * limit) and other types are skipped.  A malformed memmap= option is an error: silently ignoring an
 * administrator's Soft Reserved injection would misreport the machine.
 */
int srd_cmdline_parse(const char *buf, size_t len, const char *origin, struct srd_cmdline_sr **ret,
		      size_t *ret_n, struct srd_error *err);
