// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Range arithmetic for host physical addresses: containment, intersection and
 * coverage of one range by a set of others.  Coverage is what every ownership
 * question reduces to ("is this Soft Reserved range inside committed regions?"),
 * so it is computed by a sort and one sweep, never by pairwise guessing, and it
 * is exact at address 0 and at 2^64-1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"
#include "srd-util.h"

int srd_range_from_size(uint64_t start, uint64_t size, struct srd_range *ret)
{
	if (size == 0)
		return -EINVAL;
	if (size - 1 > UINT64_MAX - start)
		return -ERANGE;
	ret->start = start;
	ret->end = start + (size - 1);
	return 0;
}

uint64_t srd_range_size(const struct srd_range *r)
{
	uint64_t d = r->end - r->start;

	return d == UINT64_MAX ? UINT64_MAX : d + 1;
}

bool srd_range_valid(const struct srd_range *r)
{
	return r->start <= r->end;
}

bool srd_range_contains(const struct srd_range *outer, const struct srd_range *inner)
{
	return outer->start <= inner->start && inner->end <= outer->end;
}

bool srd_range_intersects(const struct srd_range *a, const struct srd_range *b)
{
	return a->start <= b->end && b->start <= a->end;
}

bool srd_range_equal(const struct srd_range *a, const struct srd_range *b)
{
	return a->start == b->start && a->end == b->end;
}

bool srd_range_intersection(const struct srd_range *a, const struct srd_range *b,
			    struct srd_range *ret)
{
	if (!srd_range_intersects(a, b))
		return false;
	ret->start = a->start > b->start ? a->start : b->start;
	ret->end = a->end < b->end ? a->end : b->end;
	return true;
}

int srd_range_cmp(const void *a, const void *b)
{
	const struct srd_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

size_t srd_ranges_normalize(struct srd_range *ranges, size_t n)
{
	size_t out = 0;

	if (n == 0)
		return 0;
	qsort(ranges, n, sizeof(*ranges), srd_range_cmp);
	for (size_t i = 1; i < n; i++) {
		struct srd_range *last = &ranges[out];

		/* Touching counts as mergeable; written so end + 1 cannot overflow. */
		if (ranges[i].start <= last->end || ranges[i].start - 1 == last->end) {
			if (ranges[i].end > last->end)
				last->end = ranges[i].end;
		} else {
			ranges[++out] = ranges[i];
		}
	}
	return out + 1;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

int srd_range_coverage(const struct srd_range *target, const struct srd_range *set, size_t n,
		       uint64_t *ret_covered_bytes, struct srd_range **ret_uncovered,
		       size_t *ret_n_uncovered)
{
	_cleanup_free_ struct srd_range *clip = NULL;
	_cleanup_free_ struct srd_range *gaps = NULL;
	size_t nclip = 0, ngaps = 0;
	uint64_t covered = 0, cursor;
	bool done = false;

	clip = malloc(sizeof(*clip) * (n ? n : 1));
	if (!clip)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (srd_range_valid(&set[i]) &&
		    srd_range_intersection(target, &set[i], &clip[nclip]))
			nclip++;
	nclip = srd_ranges_normalize(clip, nclip);

	/* At most nclip + 1 gaps. */
	if (ret_uncovered) {
		gaps = malloc(sizeof(*gaps) * (nclip + 1));
		if (!gaps)
			return -ENOMEM;
	}

	cursor = target->start;
	for (size_t i = 0; i < nclip && !done; i++) {
		if (clip[i].start > cursor && gaps)
			gaps[ngaps++] = (struct srd_range){cursor, clip[i].start - 1};
		covered = add_sat(covered, srd_range_size(&clip[i]));
		if (clip[i].end == target->end)
			done = true;
		else
			cursor = clip[i].end + 1;
	}
	if (!done && gaps)
		gaps[ngaps++] = (struct srd_range){cursor, target->end};

	if (ret_covered_bytes)
		*ret_covered_bytes = covered;
	if (ret_uncovered) {
		if (ngaps == 0)
			*ret_uncovered = NULL;
		else
			*ret_uncovered = TAKE_PTR(gaps);
		if (ret_n_uncovered)
			*ret_n_uncovered = ngaps;
	}
	return 0;
}

bool srd_range_covered(const struct srd_range *target, const struct srd_range *set, size_t n)
{
	struct srd_range *gaps = NULL;
	size_t ngaps = 0;
	int r;

	r = srd_range_coverage(target, set, n, NULL, &gaps, &ngaps);
	free(gaps);
	return r == 0 && ngaps == 0;
}

const char *srd_range_format(const struct srd_range *r, char *buf, size_t size)
{
	snprintf(buf, size, "0x%" PRIx64 "-0x%" PRIx64, r->start, r->end);
	return buf;
}

struct index_entry {
	struct srd_range r;
	size_t id;
};

static int entry_cmp(const void *a, const void *b)
{
	return srd_range_cmp(&((const struct index_entry *)a)->r,
			     &((const struct index_entry *)b)->r);
}

int srd_range_index_build(struct srd_range_index *idx, const struct srd_range *ranges,
			  const bool *valid, size_t n)
{
	_cleanup_free_ struct index_entry *e = malloc(sizeof(*e) * (n ? n : 1));
	size_t k = 0;

	*idx = (struct srd_range_index){};
	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if ((!valid || valid[i]) && srd_range_valid(&ranges[i]))
			e[k++] = (struct index_entry){ranges[i], i};
	qsort(e, k, sizeof(*e), entry_cmp);
	idx->ranges = malloc(sizeof(*idx->ranges) * (k ? k : 1));
	idx->ids = malloc(sizeof(*idx->ids) * (k ? k : 1));
	idx->max_end = malloc(sizeof(*idx->max_end) * (k ? k : 1));
	if (!idx->ranges || !idx->ids || !idx->max_end) {
		srd_range_index_free(idx);
		return -ENOMEM;
	}
	for (size_t i = 0; i < k; i++) {
		idx->ranges[i] = e[i].r;
		idx->ids[i] = e[i].id;
		idx->max_end[i] =
		    i && idx->max_end[i - 1] > e[i].r.end ? idx->max_end[i - 1] : e[i].r.end;
	}
	idx->n = k;
	return 0;
}

void srd_range_index_free(struct srd_range_index *idx)
{
	free(idx->ranges);
	free(idx->ids);
	free(idx->max_end);
	*idx = (struct srd_range_index){};
}

void srd_range_index_query(const struct srd_range_index *idx, const struct srd_range *q,
			   bool (*fn)(size_t id, const struct srd_range *r, void *userdata),
			   void *userdata)
{
	size_t lo = 0, hi = idx->n;

	/* First entry whose running max end reaches q->start: nothing before it can
	 * intersect (max_end is non-decreasing). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (idx->max_end[mid] < q->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < idx->n && idx->ranges[i].start <= q->end; i++)
		if (idx->ranges[i].end >= q->start && !fn(idx->ids[i], &idx->ranges[i], userdata))
			return;
}

struct collector {
	size_t **buf, *cap, n;
	bool oom;
};

static bool collect_one(size_t id, const struct srd_range *r, void *userdata)
{
	struct collector *c = userdata;

	if (c->n == *c->cap) {
		size_t nc = *c->cap ? *c->cap * 2 : 16;
		size_t *p = realloc(*c->buf, nc * sizeof(size_t));

		if (!p) {
			c->oom = true;
			return false;
		}
		*c->buf = p;
		*c->cap = nc;
	}
	(*c->buf)[c->n++] = id;
	return true;
}

ssize_t srd_range_index_collect(const struct srd_range_index *idx, const struct srd_range *q,
				size_t **buf, size_t *cap)
{
	struct collector c = {.buf = buf, .cap = cap};

	srd_range_index_query(idx, q, collect_one, &c);
	return c.oom ? -ENOMEM : (ssize_t)c.n;
}

struct cover_state {
	const struct srd_range *q;
	uint64_t cursor, covered;
	bool done;
};

static bool cover_one(size_t id, const struct srd_range *r, void *userdata)
{
	struct cover_state *s = userdata;
	struct srd_range clip;

	if (s->done || !srd_range_intersection(s->q, r, &clip) || clip.end < s->cursor)
		return !s->done;
	if (clip.start < s->cursor)
		clip.start = s->cursor;
	s->covered = add_sat(s->covered, srd_range_size(&clip));
	if (clip.end == s->q->end)
		s->done = true;
	else
		s->cursor = clip.end + 1;
	return !s->done;
}

uint64_t srd_range_index_cover(const struct srd_range_index *idx, const struct srd_range *q)
{
	struct cover_state s = {.q = q, .cursor = q->start};

	/* Entries arrive in start order, so one sweep with a cursor counts each byte once. */
	srd_range_index_query(idx, q, cover_one, &s);
	return s.covered;
}
