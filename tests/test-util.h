/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal assertions for srd's unit tests: print where and why, then abort. */
#pragma once

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                                         \
	do {                                                                                       \
		uint64_t _a = (a), _b = (b);                                                       \
		if (_a != _b) {                                                                    \
			fprintf(stderr, "%s:%d: %s == 0x%" PRIx64 ", expected 0x%" PRIx64 "\n",    \
				__FILE__, __LINE__, #a, _a, _b);                                   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_STREQ(a, b)                                                                          \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,        \
				__LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)");             \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The message contains the needle (errors must name the file and the problem). */
#define CHECK_CONTAINS(hay, needle)                                                                \
	do {                                                                                       \
		const char *_h = (hay), *_n = (needle);                                            \
		if (!_h || !strstr(_h, _n)) {                                                      \
			fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__,       \
				__LINE__, _h ? _h : "(null)", _n);                                 \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define TEST(name) static void name(void)
#define RUN(name)                                                                                  \
	do {                                                                                       \
		name();                                                                            \
		printf("ok %s\n", #name);                                                          \
	} while (0)

/* Path of a fixture file below tests/fixtures (SRD_FIXTURES is set by meson). */
static inline const char *fixture(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("SRD_FIXTURES");

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests/fixtures", rel);
	return buf;
}
