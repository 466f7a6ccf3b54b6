// SPDX-License-Identifier: GPL-2.0-or-later
/* The per-caller token bucket: the burst, the refill, separate callers, eviction. */
#include "srd-ratelimit.h"
#include "test-util.h"

#define SEC 1000000ull

TEST(test_burst_then_refill)
{
	struct srd_ratelimit rl;
	uint64_t wait = 0;

	srd_ratelimit_init(&rl, 10 * SEC, 3);
	for (int i = 0; i < 3; i++)
		CHECK(srd_ratelimit_take(&rl, 65534, 100 * SEC, NULL));
	CHECK(!srd_ratelimit_take(&rl, 65534, 100 * SEC, &wait));
	CHECK_EQ_U64(wait, 10 * SEC);
	CHECK(!srd_ratelimit_take(&rl, 65534, 104 * SEC, &wait));
	CHECK_EQ_U64(wait, 6 * SEC);
	/* One token per interval, the remainder carried over. */
	CHECK(srd_ratelimit_take(&rl, 65534, 110 * SEC, NULL));
	CHECK(!srd_ratelimit_take(&rl, 65534, 119 * SEC, NULL));
	CHECK(srd_ratelimit_take(&rl, 65534, 120 * SEC, NULL));
	/* A long pause fills the bucket, never beyond the burst. */
	for (int i = 0; i < 3; i++)
		CHECK(srd_ratelimit_take(&rl, 65534, 1000 * SEC, NULL));
	CHECK(!srd_ratelimit_take(&rl, 65534, 1000 * SEC, NULL));
}

TEST(test_callers_apart)
{
	struct srd_ratelimit rl;

	srd_ratelimit_init(&rl, SEC, 1);
	CHECK(srd_ratelimit_take(&rl, 1000, 5 * SEC, NULL));
	CHECK(!srd_ratelimit_take(&rl, 1000, 5 * SEC, NULL));
	CHECK(srd_ratelimit_take(&rl, 1001, 5 * SEC, NULL));
	CHECK(!srd_ratelimit_take(&rl, 1001, 5 * SEC, NULL));
}

TEST(test_eviction)
{
	struct srd_ratelimit rl;

	srd_ratelimit_init(&rl, 1000 * SEC, 1);
	/* Fill the table; caller 0 is the least recently used. */
	for (uint32_t k = 0; k < SRD_RATELIMIT_CALLERS; k++)
		CHECK(srd_ratelimit_take(&rl, k, (k + 1) * SEC, NULL));
	CHECK(!srd_ratelimit_take(&rl, 5, 100 * SEC, NULL)); /* caller 5 is now the most recent */
	CHECK(srd_ratelimit_take(&rl, 9999, 100 * SEC, NULL));
	CHECK_EQ_U64(rl.n_buckets, SRD_RATELIMIT_CALLERS);
	/* Caller 0 was forgotten (it starts full again), caller 5 was not. */
	CHECK(!srd_ratelimit_take(&rl, 5, 101 * SEC, NULL));
	CHECK(srd_ratelimit_take(&rl, 0, 101 * SEC, NULL));
}

int main(void)
{
	RUN(test_burst_then_refill);
	RUN(test_callers_apart);
	RUN(test_eviction);
	return 0;
}
