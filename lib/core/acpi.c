// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI CEDT and SRAT parsing from raw bytes.  Firmware tables are the one
 * input srd cannot cross-check against the kernel's own view, so every length
 * is bounded by the table, every sub-table by its declared length, and the
 * checksum must hold; a table that fails any of that is refused whole.
 */
#include <string.h>

#include "acpi.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Common header checks; returns the declared table length in *ret_len. */
static int check_header(const uint8_t *buf, size_t len, const char *sig, const char *origin,
			size_t *ret_len, struct srd_error *err)
{
	uint32_t tlen;
	uint8_t sum = 0;

	if (len < SRD_ACPI_HEADER_SIZE)
		return srd_error_set(err, -EINVAL, "%s: %zu bytes, shorter than an ACPI header",
				     origin, len);
	if (memcmp(buf, sig, 4) != 0)
		return srd_error_set(err, -EINVAL, "%s: signature is not %s", origin, sig);
	tlen = get32(buf + 4);
	if (tlen < SRD_ACPI_HEADER_SIZE || tlen > SRD_ACPI_MAX_TABLE)
		return srd_error_set(err, -EINVAL, "%s: implausible table length %u", origin, tlen);
	if (tlen > len)
		return srd_error_set(
		    err, -EINVAL, "%s: table length %u is past the %zu bytes available (truncated)",
		    origin, tlen, len);
	for (size_t i = 0; i < tlen; i++)
		sum = (uint8_t)(sum + buf[i]);
	if (sum != 0)
		return srd_error_set(err, -EBADMSG, "%s: bad checksum (sum 0x%02x)", origin, sum);
	*ret_len = tlen;
	return 0;
}

unsigned srd_cfmws_decode_ways(unsigned eniw)
{
	switch (eniw) {
	case 0:
		return 1;
	case 1:
		return 2;
	case 2:
		return 4;
	case 3:
		return 8;
	case 4:
		return 16;
	case 8:
		return 3;
	case 9:
		return 6;
	case 10:
		return 12;
	default:
		return 0;
	}
}

uint64_t srd_cfmws_decode_granularity(uint32_t hbig)
{
	return hbig <= 6 ? 256ull << hbig : 0;
}

void srd_cedt_free(struct srd_cedt *cedt)
{
	if (!cedt)
		return;
	free(cedt->chbs);
	free(cedt->cfmws);
	free(cedt);
}

static int parse_cfmws(const uint8_t *s, uint16_t sl, const char *origin, size_t off,
		       struct srd_cedt_cfmws *w, struct srd_error *err)
{
	uint64_t base, size;
	unsigned ways;

	if (sl < 36)
		return srd_error_set(err, -EINVAL, "%s: CFMWS at offset %zu: length %u < 36",
				     origin, off, sl);
	base = get64(s + 8);
	size = get64(s + 16);
	w->eniw = s[24];
	w->arithmetic = s[25];
	w->granularity = srd_cfmws_decode_granularity(get32(s + 28));
	w->restrictions = get16(s + 32);
	w->qtg_id = get16(s + 34);
	ways = srd_cfmws_decode_ways(w->eniw);
	if (!ways)
		return srd_error_set(
		    err, -EINVAL, "%s: CFMWS at offset %zu: reserved interleave ways encoding %u",
		    origin, off, w->eniw);
	if (!w->granularity)
		return srd_error_set(err, -EINVAL,
				     "%s: CFMWS at offset %zu: reserved granularity encoding %u",
				     origin, off, get32(s + 28));
	if (w->arithmetic > 1)
		return srd_error_set(err, -EINVAL,
				     "%s: CFMWS at offset %zu: unknown interleave arithmetic %u",
				     origin, off, w->arithmetic);
	/* The target list is padded to the declared length; it must hold all ways. */
	if ((size_t)sl < 36 + 4 * (size_t)ways)
		return srd_error_set(err, -EINVAL,
				     "%s: CFMWS at offset %zu: %u targets do not fit length %u",
				     origin, off, ways, sl);
	if (srd_range_from_size(base, size, &w->range) < 0)
		return srd_error_set(
		    err, -EINVAL,
		    "%s: CFMWS at offset %zu: empty or overflowing window 0x%llx+0x%llx", origin,
		    off, (unsigned long long)base, (unsigned long long)size);
	/* Windows are 256 MiB aligned and a multiple of 256 MiB per way. */
	if ((base & ((256ull << 20) - 1)) || size % ((256ull << 20) * ways))
		return srd_error_set(
		    err, -EINVAL,
		    "%s: CFMWS at offset %zu: window 0x%llx+0x%llx is not 256 MiB x %u "
		    "ways aligned",
		    origin, off, (unsigned long long)base, (unsigned long long)size, ways);
	w->ways = ways;
	for (unsigned i = 0; i < ways; i++)
		w->targets[i] = get32(s + 36 + 4 * i);
	return 0;
}

struct window_ref {
	struct srd_range range;
	size_t index; /* position in the table */
};

static int window_ref_cmp(const void *a, const void *b)
{
	const struct window_ref *x = a, *y = b;

	if (x->range.start != y->range.start)
		return x->range.start < y->range.start ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Windows must not overlap.  A table of up to 4 MiB holds about 100,000 of
 * them, so rather than compare every pair they are sorted by start and swept
 * once, keeping the one that reaches furthest: a window starting before that
 * end overlaps it.  The first overlap by address is reported, by table
 * positions, lower first.
 */
static int check_overlaps(const struct srd_cedt *cedt, const char *origin, struct srd_error *err)
{
	_cleanup_free_ struct window_ref *v = NULL;
	size_t n = cedt->n_cfmws, reach = 0;

	if (n < 2)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct window_ref){.range = cedt->cfmws[i].range, .index = i};
	qsort(v, n, sizeof(*v), window_ref_cmp);
	for (size_t k = 1; k < n; k++) {
		if (v[k].range.start <= v[reach].range.end) {
			size_t a = v[reach].index, b = v[k].index;

			return srd_error_set(err, -EINVAL, "%s: CFMWS %zu and %zu overlap", origin,
					     a < b ? a : b, a < b ? b : a);
		}
		if (v[k].range.end > v[reach].range.end)
			reach = k;
	}
	return 0;
}

int srd_cedt_parse(const uint8_t *buf, size_t len, const char *origin, struct srd_cedt **ret,
		   struct srd_error *err)
{
	_cleanup_(srd_cedt_freep) struct srd_cedt *cedt = NULL;
	size_t tlen, off;
	int r;

	r = check_header(buf, len, "CEDT", origin, &tlen, err);
	if (r < 0)
		return r;
	cedt = calloc(1, sizeof(*cedt));
	if (!cedt)
		return -ENOMEM;

	for (off = SRD_ACPI_HEADER_SIZE; off < tlen;) {
		const uint8_t *s = buf + off;
		uint16_t sl;

		if (tlen - off < 4)
			return srd_error_set(err, -EINVAL,
					     "%s: sub-table header at offset %zu is cut off",
					     origin, off);
		sl = get16(s + 2);
		if (sl < 4 || sl > tlen - off)
			return srd_error_set(
			    err, -EINVAL,
			    "%s: sub-table at offset %zu has length %u past the table end", origin,
			    off, sl);
		switch (s[0]) {
		case 0: /* CHBS */
			if (sl < 32)
				return srd_error_set(err, -EINVAL,
						     "%s: CHBS at offset %zu: length %u < 32",
						     origin, off, sl);
			if (srd_grow((void **)&cedt->chbs, cedt->n_chbs, sizeof(*cedt->chbs)) < 0)
				return -ENOMEM;
			cedt->chbs[cedt->n_chbs++] = (struct srd_cedt_chbs){
			    .uid = get32(s + 4),
			    .cxl_version = get32(s + 8),
			    .base = get64(s + 16),
			    .length = get64(s + 24),
			};
			break;
		case 1: /* CFMWS */
			if (srd_grow((void **)&cedt->cfmws, cedt->n_cfmws, sizeof(*cedt->cfmws)) <
			    0)
				return -ENOMEM;
			memset(&cedt->cfmws[cedt->n_cfmws], 0, sizeof(*cedt->cfmws));
			r = parse_cfmws(s, sl, origin, off, &cedt->cfmws[cedt->n_cfmws], err);
			if (r < 0)
				return r;
			cedt->n_cfmws++;
			break;
		default:
			cedt->n_other++;
			break;
		}
		off += sl;
	}

	r = check_overlaps(cedt, origin, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(cedt);
	return 0;
}

void srd_srat_free(struct srd_srat *srat)
{
	if (!srat)
		return;
	free(srat->mem);
	free(srat);
}

int srd_srat_parse(const uint8_t *buf, size_t len, const char *origin, struct srd_srat **ret,
		   struct srd_error *err)
{
	_cleanup_(srd_srat_freep) struct srd_srat *srat = NULL;
	size_t tlen, off;
	int r;

	r = check_header(buf, len, "SRAT", origin, &tlen, err);
	if (r < 0)
		return r;
	if (tlen < SRD_ACPI_HEADER_SIZE + 12)
		return srd_error_set(err, -EINVAL, "%s: shorter than the SRAT header", origin);
	srat = calloc(1, sizeof(*srat));
	if (!srat)
		return -ENOMEM;

	for (off = SRD_ACPI_HEADER_SIZE + 12; off < tlen;) {
		const uint8_t *s = buf + off;
		uint8_t sl;

		if (tlen - off < 2)
			return srd_error_set(err, -EINVAL,
					     "%s: sub-table header at offset %zu is cut off",
					     origin, off);
		sl = s[1];
		if (sl < 2 || sl > tlen - off)
			return srd_error_set(
			    err, -EINVAL,
			    "%s: sub-table at offset %zu has length %u past the table end", origin,
			    off, sl);
		if (s[0] == 1) {
			struct srd_srat_mem m;
			uint64_t base, size;

			if (sl != 40)
				return srd_error_set(
				    err, -EINVAL,
				    "%s: memory affinity at offset %zu: length %u != 40", origin,
				    off, sl);
			base = get64(s + 8);
			size = get64(s + 16);
			m.proximity_domain = get32(s + 2);
			m.flags = get32(s + 28);
			if (size != 0) {
				if (srd_range_from_size(base, size, &m.range) < 0)
					return srd_error_set(
					    err, -EINVAL,
					    "%s: memory affinity at offset %zu: range "
					    "0x%llx+0x%llx overflows",
					    origin, off, (unsigned long long)base,
					    (unsigned long long)size);
				if (srd_grow((void **)&srat->mem, srat->n_mem, sizeof(*srat->mem)) <
				    0)
					return -ENOMEM;
				srat->mem[srat->n_mem++] = m;
			}
		} else {
			srat->n_other++;
		}
		off += sl;
	}
	*ret = TAKE_PTR(srat);
	return 0;
}
