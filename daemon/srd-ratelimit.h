/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A token bucket per caller (a UID), for what an unprivileged caller may
 * make srd do that costs more than answering from memory: each caller gets
 * `burst` tokens, one more every `interval_usec`.  Pure: the time is passed in.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRD_RATELIMIT_CALLERS 64

struct srd_ratelimit_bucket {
	uint32_t key;
	unsigned tokens;
	uint64_t refilled_usec; /* when the last token was added (or the bucket was made) */
	uint64_t used_usec; /* the last take, to evict the least recently used bucket */
};

struct srd_ratelimit {
	uint64_t interval_usec;
	unsigned burst;
	struct srd_ratelimit_bucket buckets[SRD_RATELIMIT_CALLERS];
	size_t n_buckets;
};

void srd_ratelimit_init(struct srd_ratelimit *rl, uint64_t interval_usec, unsigned burst);
/*
 * Takes a token from key's bucket at now_usec.  Returns true when the caller
 * may go ahead; false when its bucket is empty, with the wait until the next
 * token in *ret_wait_usec (if not NULL).  When every bucket is in use, the
 * least recently used one is given to key.
 */
bool srd_ratelimit_take(struct srd_ratelimit *rl, uint32_t key, uint64_t now_usec,
			uint64_t *ret_wait_usec);
