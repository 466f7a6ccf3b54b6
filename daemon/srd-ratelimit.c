// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-caller token bucket (srd-ratelimit.h).  A fixed table: srd serves
 * a handful of local users, and a caller that is not in it starts full, so
 * evicting the least recently used bucket only ever forgets a caller that
 * has been quiet the longest.
 */
#include "srd-ratelimit.h"

void srd_ratelimit_init(struct srd_ratelimit *rl, uint64_t interval_usec, unsigned burst)
{
	*rl = (struct srd_ratelimit){.interval_usec = interval_usec ? interval_usec : 1,
				     .burst = burst};
}

static struct srd_ratelimit_bucket *bucket(struct srd_ratelimit *rl, uint32_t key,
					   uint64_t now_usec)
{
	struct srd_ratelimit_bucket *b = NULL;

	for (size_t i = 0; i < rl->n_buckets; i++)
		if (rl->buckets[i].key == key)
			return &rl->buckets[i];
	if (rl->n_buckets < SRD_RATELIMIT_CALLERS) {
		b = &rl->buckets[rl->n_buckets++];
	} else {
		b = &rl->buckets[0];
		for (size_t i = 1; i < rl->n_buckets; i++)
			if (rl->buckets[i].used_usec < b->used_usec)
				b = &rl->buckets[i];
	}
	*b = (struct srd_ratelimit_bucket){
	    .key = key, .tokens = rl->burst, .refilled_usec = now_usec};
	return b;
}

bool srd_ratelimit_take(struct srd_ratelimit *rl, uint32_t key, uint64_t now_usec,
			uint64_t *ret_wait_usec)
{
	struct srd_ratelimit_bucket *b = bucket(rl, key, now_usec);
	uint64_t n;

	/* Whole tokens since the last refill; the remainder carries over. */
	if (now_usec > b->refilled_usec) {
		n = (now_usec - b->refilled_usec) / rl->interval_usec;
		if (n >= rl->burst - b->tokens) {
			b->tokens = rl->burst;
			b->refilled_usec = now_usec;
		} else {
			b->tokens += (unsigned)n;
			b->refilled_usec += n * rl->interval_usec;
		}
	}
	b->used_usec = now_usec;
	if (b->tokens > 0) {
		b->tokens--;
		return true;
	}
	if (ret_wait_usec)
		*ret_wait_usec = b->refilled_usec + rl->interval_usec - now_usec;
	return false;
}
