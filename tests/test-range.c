// SPDX-License-Identifier: GPL-2.0-or-later
/* Range arithmetic at the edges: address 0, 2^64-1, touching and overlapping sets. */
#include "range.h"
#include "test-util.h"

#define R(a, b) ((struct srd_range){(a), (b)})

TEST(test_from_size)
{
	struct srd_range r;

	CHECK(srd_range_from_size(0x1000, 0x1000, &r) == 0);
	CHECK_EQ_U64(r.start, 0x1000);
	CHECK_EQ_U64(r.end, 0x1fff);
	CHECK(srd_range_from_size(0, 0, &r) == -EINVAL);
	CHECK(srd_range_from_size(UINT64_MAX, 1, &r) == 0);
	CHECK_EQ_U64(r.end, UINT64_MAX);
	CHECK(srd_range_from_size(UINT64_MAX, 2, &r) == -ERANGE);
	CHECK(srd_range_from_size(0, UINT64_MAX, &r) == 0);
	CHECK_EQ_U64(r.end, UINT64_MAX - 1);
	CHECK(srd_range_from_size(1, UINT64_MAX, &r) == 0);
	CHECK_EQ_U64(r.end, UINT64_MAX);
	CHECK(srd_range_from_size(2, UINT64_MAX, &r) == -ERANGE);
}

TEST(test_size)
{
	CHECK_EQ_U64(srd_range_size(&R(0, 0)), 1);
	CHECK_EQ_U64(srd_range_size(&R(0, UINT64_MAX)), UINT64_MAX); /* saturates */
	CHECK_EQ_U64(srd_range_size(&R(1, UINT64_MAX)), UINT64_MAX);
	CHECK_EQ_U64(srd_range_size(&R(UINT64_MAX, UINT64_MAX)), 1);
}

TEST(test_contains_intersects)
{
	CHECK(srd_range_contains(&R(0, UINT64_MAX), &R(5, 6)));
	CHECK(srd_range_contains(&R(5, 6), &R(5, 6)));
	CHECK(!srd_range_contains(&R(5, 6), &R(4, 6)));
	CHECK(!srd_range_contains(&R(5, 6), &R(5, 7)));
	CHECK(srd_range_intersects(&R(0, 0), &R(0, 10)));
	CHECK(srd_range_intersects(&R(10, 20), &R(20, 30)));
	CHECK(!srd_range_intersects(&R(10, 19), &R(20, 30)));
	CHECK(srd_range_intersects(&R(UINT64_MAX, UINT64_MAX), &R(0, UINT64_MAX)));
	CHECK(
	    !srd_range_intersects(&R(UINT64_MAX - 1, UINT64_MAX - 1), &R(UINT64_MAX, UINT64_MAX)));

	struct srd_range x;

	CHECK(srd_range_intersection(&R(0, 100), &R(50, UINT64_MAX), &x));
	CHECK_EQ_U64(x.start, 50);
	CHECK_EQ_U64(x.end, 100);
	CHECK(!srd_range_intersection(&R(0, 49), &R(50, 60), &x));
}

TEST(test_normalize)
{
	struct srd_range v[] = {R(30, 40),
				R(0, 9),
				R(10, 19),
				R(35, 50),
				R(60, 70),
				R(UINT64_MAX - 1, UINT64_MAX),
				R(UINT64_MAX, UINT64_MAX)};
	size_t n = srd_ranges_normalize(v, 7);

	CHECK(n == 4);
	CHECK_EQ_U64(v[0].start, 0);
	CHECK_EQ_U64(v[0].end, 19); /* touching ranges merge */
	CHECK_EQ_U64(v[1].start, 30);
	CHECK_EQ_U64(v[1].end, 50);
	CHECK_EQ_U64(v[2].start, 60);
	CHECK_EQ_U64(v[3].start, UINT64_MAX - 1);
	CHECK_EQ_U64(v[3].end, UINT64_MAX);
	CHECK(srd_ranges_normalize(v, 0) == 0);
}

TEST(test_coverage)
{
	struct srd_range *gaps = NULL;
	size_t ngaps = 0;
	uint64_t cov = 0;

	/* The worked example of the reviewers: R1 is shorter than SR1. */
	struct srd_range sr1 = R(0x085000, 0x284fff);
	struct srd_range regions[] = {R(0x085000, 0x274fff), R(0x285000, 0x484fff),
				      R(0x485000, 0x684fff)};

	CHECK(srd_range_coverage(&sr1, regions, 3, &cov, &gaps, &ngaps) == 0);
	CHECK_EQ_U64(cov, 0x1f0000);
	CHECK(ngaps == 1);
	CHECK_EQ_U64(gaps[0].start, 0x275000);
	CHECK_EQ_U64(gaps[0].end, 0x284fff);
	free(gaps);
	CHECK(!srd_range_covered(&sr1, regions, 3));
	CHECK(srd_range_covered(&R(0x285000, 0x484fff), regions, 3));
	/* Two regions together cover one range that spans both. */
	CHECK(srd_range_covered(&R(0x285000, 0x684fff), regions, 3));

	/* Gaps at both ends and in the middle, unsorted and overlapping input. */
	struct srd_range set[] = {R(50, 60), R(20, 30), R(25, 35), R(5, 5)};

	CHECK(srd_range_coverage(&R(0, 100), set, 4, &cov, &gaps, &ngaps) == 0);
	CHECK_EQ_U64(cov, 1 + 16 + 11);
	CHECK(ngaps == 4);
	CHECK_EQ_U64(gaps[0].start, 0);
	CHECK_EQ_U64(gaps[0].end, 4);
	CHECK_EQ_U64(gaps[1].start, 6);
	CHECK_EQ_U64(gaps[1].end, 19);
	CHECK_EQ_U64(gaps[2].start, 36);
	CHECK_EQ_U64(gaps[2].end, 49);
	CHECK_EQ_U64(gaps[3].start, 61);
	CHECK_EQ_U64(gaps[3].end, 100);
	free(gaps);

	/* Empty set: the whole target is the gap. */
	CHECK(srd_range_coverage(&R(7, 9), NULL, 0, &cov, &gaps, &ngaps) == 0);
	CHECK(cov == 0 && ngaps == 1 && gaps[0].start == 7 && gaps[0].end == 9);
	free(gaps);

	/* The top of the address space. */
	struct srd_range top[] = {R(UINT64_MAX - 10, UINT64_MAX)};

	CHECK(srd_range_covered(&R(UINT64_MAX - 5, UINT64_MAX), top, 1));
	CHECK(!srd_range_covered(&R(UINT64_MAX - 11, UINT64_MAX), top, 1));
	CHECK(srd_range_coverage(&R(0, UINT64_MAX), top, 1, &cov, &gaps, &ngaps) == 0);
	CHECK(ngaps == 1 && gaps[0].start == 0 && gaps[0].end == UINT64_MAX - 11);
	CHECK_EQ_U64(cov, 11);
	free(gaps);

	/* Whole space covered by one range. */
	struct srd_range all[] = {R(0, UINT64_MAX)};

	CHECK(srd_range_coverage(&R(0, UINT64_MAX), all, 1, &cov, &gaps, &ngaps) == 0);
	CHECK(ngaps == 0 && gaps == NULL);
	CHECK_EQ_U64(cov, UINT64_MAX);

	/* Invalid (reversed) ranges in the set are ignored, not trusted. */
	struct srd_range bad[] = {R(10, 5)};

	CHECK(!srd_range_covered(&R(5, 10), bad, 1));
}

static bool count(size_t id, const struct srd_range *r, void *userdata)
{
	(*(size_t *)userdata)++;
	return true;
}

TEST(test_index)
{
	/* Nested, overlapping, touching and invalid entries; the long one first
	 * makes the running maximum matter. */
	struct srd_range v[] = {R(0, 1000),
				R(10, 20),
				R(15, 30),
				R(31, 40),
				R(500, 400),
				R(2000, 2100),
				R(UINT64_MAX - 5, UINT64_MAX)};
	bool valid[] = {true, true, true, true, true, false, true};
	struct srd_range_index idx;
	size_t n = 0, *ids = NULL, cap = 0;

	CHECK(srd_range_index_build(&idx, v, valid, 7) == 0);
	CHECK(idx.n == 5); /* the reversed and the masked ones are not indexed */
	srd_range_index_query(&idx, &R(900, 950), count, &n);
	CHECK(n == 1); /* only [0,1000], found through the running maximum */
	CHECK(srd_range_index_collect(&idx, &R(20, 31), &ids, &cap) == 4);
	CHECK(ids[0] == 0 && ids[1] == 1 && ids[2] == 2 && ids[3] == 3);
	CHECK(srd_range_index_collect(&idx, &R(2000, 2100), &ids, &cap) == 0);
	free(ids);
	CHECK_EQ_U64(srd_range_index_cover(&idx, &R(0, 1000)), 1001);
	CHECK_EQ_U64(srd_range_index_cover(&idx, &R(5, 2000)), 996);
	CHECK_EQ_U64(srd_range_index_cover(&idx, &R(1500, 3000)), 0);
	CHECK_EQ_U64(srd_range_index_cover(&idx, &R(UINT64_MAX - 10, UINT64_MAX)), 6);
	srd_range_index_free(&idx);

	/* Without the long range: gaps between pieces are not counted. */
	CHECK(srd_range_index_build(&idx, v + 1, NULL, 3) == 0);
	CHECK_EQ_U64(srd_range_index_cover(&idx, &R(0, 100)), 31);
	CHECK_EQ_U64(srd_range_index_cover(&idx, &R(12, 16)), 5);
	srd_range_index_free(&idx);
}

TEST(test_format)
{
	char buf[SRD_RANGE_FMT_MAX];

	CHECK_STREQ(srd_range_format(&R(0, UINT64_MAX), buf, sizeof(buf)),
		    "0x0-0xffffffffffffffff");
}

int main(void)
{
	RUN(test_from_size);
	RUN(test_size);
	RUN(test_contains_intersects);
	RUN(test_normalize);
	RUN(test_coverage);
	RUN(test_index);
	RUN(test_format);
	return 0;
}
