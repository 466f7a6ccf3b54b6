/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers every srd module uses: scope-bound cleanup, ownership hand-over,
 * array sizes and the error record that parsers fill so a caller can print one
 * message naming the file, the line and the problem.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hand a pointer over: returns it and leaves NULL behind so cleanup does nothing. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		typeof(p) _p = (p);                                                                \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declares type_freep() for a free function that accepts NULL. */
#define SRD_DEFINE_CLEANUP(type, func)                                                             \
	static inline void func##p(type *p)                                                        \
	{                                                                                          \
		func(*p);                                                                          \
	}

/*
 * A parser's or loader's complaint.  msg is complete and printable as is:
 * "ORIGIN[:LINE]: problem".  Filled only when the call fails.
 */
struct srd_error {
	char msg[512];
};

/* Formats into err (which may be NULL) and returns r, so callers can write
 * "return srd_error_set(err, -EINVAL, ...)". */
int srd_error_set(struct srd_error *err, int r, const char *fmt, ...) _printf_(3, 4);

/*
 * Parses the unsigned number at the start of s, decimal or hex after "0x"
 * (leading zeros are fine after 0x: sysfs prints "0x0001").  Returns how many
 * characters it took, -EINVAL when s does not start with a digit (or "0x" has
 * no hex digit after it), -ERANGE past 64 bits, or -EDOM for a 0 followed by
 * more digits, which base-0 parsing would read as octal: callers say so.
 */
int srd_parse_u64_prefix(const char *s, uint64_t *ret);

/* The whole of s as srd_parse_u64_prefix() reads it; 0, or -EINVAL when anything
 * follows the number (whitespace, a sign, a suffix), -ERANGE, -EDOM.  *ret is
 * left alone on failure. */
int srd_parse_u64(const char *s, uint64_t *ret);

/* /sys/devices/system/memory/block_size_bytes, which the kernel prints in hex
 * without 0x ("8000000"); 0, or -EINVAL (also for 0), -ERANGE. */
int srd_parse_block_size_bytes(const char *s, uint64_t *ret);

/*
 * Makes room for element n of an array that grows only by appending one at a
 * time (capacity doubles at powers of two).  Returns 0 or -ENOMEM; *v is kept
 * on failure.
 */
int srd_grow(void **v, size_t n, size_t elem);

/* Formats a byte count as "256 MiB" for human output. */
const char *srd_format_bytes(uint64_t bytes, char *buf, size_t size);

static inline bool srd_streq(const char *a, const char *b)
{
	return a && b && __builtin_strcmp(a, b) == 0;
}

/* The index of s in names[0..n) (entries may be NULL), or -EINVAL. */
int srd_string_table_lookup(const char *const *names, size_t n, const char *s);

/*
 * An enum's names: table[] indexed by the enum, with max entries.  Defines
 * PREFIX_to_string(), NULL outside the table, and PREFIX_from_string(), the
 * enum value or -EINVAL; both are declared in the enum's header.
 */
#define SRD_DEFINE_STRING_TABLE_TO_STRING(prefix, type, table, max)                                \
	const char *prefix##_to_string(type i)                                                     \
	{                                                                                          \
		return (size_t)i < (size_t)(max) ? (table)[i] : NULL;                              \
	}
#define SRD_DEFINE_STRING_TABLE_FROM_STRING(prefix, table, max)                                    \
	int prefix##_from_string(const char *s)                                                    \
	{                                                                                          \
		return srd_string_table_lookup(table, max, s);                                     \
	}
#define SRD_DEFINE_STRING_TABLE(prefix, type, table, max)                                          \
	SRD_DEFINE_STRING_TABLE_TO_STRING(prefix, type, table, max)                                \
	SRD_DEFINE_STRING_TABLE_FROM_STRING(prefix, table, max)

/* A counted list of strings: frees each and the list. */
void srd_strv_free(char **v, size_t n);
/* Appends a formatted string to the list *v of *n; 0 or -ENOMEM (*v is kept). */
int srd_strv_addf(char ***v, size_t *n, const char *fmt, ...) _printf_(3, 4);
int srd_strv_addv(char ***v, size_t *n, const char *fmt, va_list ap) _printf_(3, 0);
