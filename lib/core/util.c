// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The formatting helpers shared by the library and the tools: the number
 * parsers every module reads with, the growing array and the error record
 * (the file readers are lib/io/read.c's).  Numbers are decimal or 0x hex, the two ways the kernel
 * prints them in sysfs and the two an administrator means; base-0 parsing (strtoull's octal for a
 * leading zero) is deliberately not offered.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "srd-util.h"

int srd_error_set(struct srd_error *err, int r, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return r;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return r;
}

int srd_string_table_lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (srd_streq(names[i], s))
			return (int)i;
	return -EINVAL;
}

int srd_grow(void **v, size_t n, size_t elem)
{
	void *p;

	if (n != 0 && (n & (n - 1)) != 0)
		return 0;
	p = realloc(*v, (n ? n * 2 : 1) * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Digits of base at s, as many as there are; the count, or -EINVAL / -ERANGE. */
static int parse_digits(const char *s, unsigned base, uint64_t *ret)
{
	uint64_t v = 0;
	int i, d;

	for (i = 0; (d = digit_value(s[i])) >= 0 && (unsigned)d < base; i++) {
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return -ERANGE;
		v = v * base + (unsigned)d;
		if (i == INT_MAX - 2)
			return -ERANGE;
	}
	if (i == 0)
		return -EINVAL;
	*ret = v;
	return i;
}

int srd_parse_u64_prefix(const char *s, uint64_t *ret)
{
	uint64_t v;
	int k;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		k = parse_digits(s + 2, 16, &v);
		if (k < 0)
			return k;
		*ret = v;
		return k + 2;
	}
	/* Base 0 would take these as octal: Serial=0123 would mean 83.  Nothing
	 * srd reads is written that way, so it is refused rather than guessed. */
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return -EDOM;
	k = parse_digits(s, 10, &v);
	if (k < 0)
		return k;
	*ret = v;
	return k;
}

int srd_parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v;
	int k = srd_parse_u64_prefix(s, &v);

	if (k < 0)
		return k;
	if (s[k] != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

int srd_parse_block_size_bytes(const char *s, uint64_t *ret)
{
	uint64_t v;
	int k = parse_digits(s, 16, &v);

	if (k < 0)
		return k;
	if (s[k] != '\0' || v == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

const char *srd_format_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	unsigned i = 0;
	uint64_t v = bytes;

	while (i + 1 < ARRAY_SIZE(units) && v >= 1024 && (v % 1024) == 0) {
		v /= 1024;
		i++;
	}
	if (i == 0 && bytes >= 1024) {
		/* Not a round number: show it with one decimal in the largest unit. */
		double d = (double)bytes;

		while (i + 1 < ARRAY_SIZE(units) && d >= 1024) {
			d /= 1024;
			i++;
		}
		snprintf(buf, size, "%.1f %s", d, units[i]);
		return buf;
	}
	snprintf(buf, size, "%" PRIu64 " %s", v, units[i]);
	return buf;
}

void srd_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int srd_strv_addv(char ***v, size_t *n, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	if (srd_grow((void **)v, *n, sizeof(char *)) < 0) {
		free(s);
		return -ENOMEM;
	}
	(*v)[(*n)++] = s;
	return 0;
}

int srd_strv_addf(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = srd_strv_addv(v, n, fmt, ap);
	va_end(ap);
	return r;
}
