/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The clock, the one place srd reads it: settle deadlines and watchdog
 * feeding use CLOCK_MONOTONIC, records meant for people CLOCK_REALTIME.
 * lib/core never reads it: the decision gets "now" as an argument.
 */
#pragma once

#include <stdint.h>
#include <time.h>

#define USEC_PER_SEC 1000000ull

static inline uint64_t srd_now_usec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}
