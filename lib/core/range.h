/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host physical address ranges.  Every range is inclusive at both ends, as the
 * kernel prints them in /proc/iomem, so the top of the address space
 * (0xffffffffffffffff) is representable and no computation overflows.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

struct srd_range {
	uint64_t start;
	uint64_t end; /* inclusive */
};

/* Builds [start, start + size - 1].  -EINVAL for size 0, -ERANGE past 2^64-1. */
int srd_range_from_size(uint64_t start, uint64_t size, struct srd_range *ret);

/* Number of bytes; the whole 64-bit space saturates at UINT64_MAX. */
uint64_t srd_range_size(const struct srd_range *r);

bool srd_range_valid(const struct srd_range *r);
bool srd_range_contains(const struct srd_range *outer, const struct srd_range *inner);
bool srd_range_intersects(const struct srd_range *a, const struct srd_range *b);
bool srd_range_equal(const struct srd_range *a, const struct srd_range *b);

/* The common part of a and b; false when they do not intersect. */
bool srd_range_intersection(const struct srd_range *a, const struct srd_range *b,
			    struct srd_range *ret);

/* qsort comparator: by start, then by end. */
int srd_range_cmp(const void *a, const void *b);

/*
 * Sorts ranges in place and merges those that overlap or touch (end + 1 ==
 * start).  Returns the new count.
 */
size_t srd_ranges_normalize(struct srd_range *ranges, size_t n);

/*
 * How much of target the set covers.  The set may be unsorted and overlapping;
 * it is not modified.  *ret_covered_bytes gets the covered byte count (saturating);
 * when ret_uncovered is not NULL it receives a malloc'ed array of the uncovered
 * pieces of target in address order (NULL when fully covered) and
 * *ret_n_uncovered their count.  Returns 0, or -ENOMEM.
 */
int srd_range_coverage(const struct srd_range *target, const struct srd_range *set, size_t n,
		       uint64_t *ret_covered_bytes, struct srd_range **ret_uncovered,
		       size_t *ret_n_uncovered);

/* true when set (any order, may overlap) covers every byte of target. */
bool srd_range_covered(const struct srd_range *target, const struct srd_range *set, size_t n);

/* "0x1000-0x1fff" into buf; returns buf. */
const char *srd_range_format(const struct srd_range *r, char *buf, size_t size);
#define SRD_RANGE_FMT_MAX 48

/*
 * A static index over ranges for overlap queries: sorted by start with a
 * running maximum of ends, so a query costs O(log n + overlaps) whatever the
 * nesting.  Each entry carries the caller's id.
 */
struct srd_range_index {
	struct srd_range *ranges;
	size_t *ids;
	uint64_t *max_end;
	size_t n;
};

/* Builds from n ranges whose ids are 0..n-1 (entries with valid == false skipped). */
int srd_range_index_build(struct srd_range_index *idx, const struct srd_range *ranges,
			  const bool *valid, size_t n);
void srd_range_index_free(struct srd_range_index *idx);

/* Calls fn(id, range, userdata) for each indexed range intersecting q, in start order;
 * stops early when fn returns false. */
void srd_range_index_query(const struct srd_range_index *idx, const struct srd_range *q,
			   bool (*fn)(size_t id, const struct srd_range *r, void *userdata),
			   void *userdata);

/*
 * Collects the ids of indexed ranges intersecting q into *buf (grown as
 * needed; free it when done).  Returns the count, or -ENOMEM.
 */
ssize_t srd_range_index_collect(const struct srd_range_index *idx, const struct srd_range *q,
				size_t **buf, size_t *cap);

/* Bytes of q covered by the indexed ranges (overlaps counted once); no allocation. */
uint64_t srd_range_index_cover(const struct srd_range_index *idx, const struct srd_range *q);
