// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/iomem parsing: the shapes of each kernel generation, and malformed input. */
#include "iomem.h"
#include "test-util.h"
#include "read.h"

static struct srd_iomem *parse_file(const char *rel)
{
	struct srd_iomem *iomem = NULL;
	struct srd_error err = {};
	char *buf;
	size_t len;

	CHECK(srd_read_file(fixture(rel), SRD_IOMEM_MAX_BYTES, &buf, &len) == 0);
	if (srd_iomem_parse(buf, len, rel, &iomem, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	free(buf);
	return iomem;
}

static const struct srd_iomem_node *find(const struct srd_iomem *iomem, const char *name, int nth)
{
	srd_iomem_foreach(iomem, n) if (srd_streq(n->name, name) && nth-- == 0) return n;
	return NULL;
}

TEST(test_claim_first)
{
	struct srd_iomem *iomem = parse_file("iomem/6.1-claim-first.txt");
	const struct srd_iomem_node *sr = find(iomem, "Soft Reserved", 0), *h, *w;

	CHECK(iomem->n_nodes == 23);
	CHECK(sr && sr->depth == 1);
	CHECK_EQ_U64(sr->range.start, 0x490000000);
	CHECK_EQ_U64(sr->range.end, 0x49fffffff);
	w = sr->parent;
	CHECK_STREQ(w->name, "CXL Window 0");
	CHECK_EQ_U64(w->range.end, 0x58fffffff);
	h = sr->child;
	CHECK_STREQ(h->name, "hmem.0");
	CHECK_STREQ(h->child->name, "dax0.0");
	CHECK(srd_iomem_ancestor_named(h->child, "CXL Window 0") == w);
	CHECK(srd_iomem_name_is(h->name, "hmem."));
	CHECK(srd_iomem_name_is("dax12.3", "dax"));
	CHECK(!srd_iomem_name_is("dax.3", "dax"));
	CHECK(!srd_iomem_name_is("region", "region"));
	CHECK(!srd_iomem_name_is("region1x", "region"));
	/* Kernel code nests in System RAM; the walk visits it in file order. */
	CHECK_STREQ(find(iomem, "Kernel code", 0)->parent->name, "System RAM");
	CHECK(find(iomem, "1000000000-17ffffffff", 0) == NULL);
	CHECK_EQ_U64(find(iomem, "PCI Bus 0000:00", 1)->range.start, 0x80000000);
	srd_iomem_free(iomem);
}

TEST(test_defer_always)
{
	struct srd_iomem *iomem = parse_file("iomem/6.12-defer.txt");
	const struct srd_iomem_node *sr0 = find(iomem, "Soft Reserved", 0);
	const struct srd_iomem_node *sr1 = find(iomem, "Soft Reserved", 1);
	const struct srd_iomem_node *kmem = find(iomem, "System RAM (kmem)", 0);

	CHECK(sr0 && sr1);
	CHECK_STREQ(sr0->child->name, "region0");
	CHECK(sr1->child == NULL);
	CHECK_EQ_U64(sr1->range.start, 0x4a0000000);
	CHECK(kmem->depth == 4);
	CHECK_STREQ(find(iomem, "CXL Window 1", 0)->name, "CXL Window 1");
	CHECK(find(iomem, "CXL Window 1", 0)->child == NULL);
	srd_iomem_free(iomem);
}

TEST(test_resolve_once)
{
	struct srd_iomem *iomem = parse_file("iomem/7.2-resolve-once.txt");

	CHECK(find(iomem, "Soft Reserved", 0) == NULL);
	CHECK_STREQ(find(iomem, "region0", 0)->parent->name, "hmem.0");
	CHECK_EQ_U64(find(iomem, "hmem.0", 0)->range.end, 0x4afffffff);
	srd_iomem_free(iomem);
}

static void expect_error(const char *text, const char *needle)
{
	struct srd_iomem *iomem = NULL;
	struct srd_error err = {};

	CHECK(srd_iomem_parse(text, strlen(text), "/proc/iomem", &iomem, &err) < 0);
	CHECK(iomem == NULL);
	CHECK_CONTAINS(err.msg, "/proc/iomem");
	CHECK_CONTAINS(err.msg, needle);
}

TEST(test_malformed)
{
	char *long_line;

	expect_error("00000000-0000ffff System RAM\n", ":1: missing ' : '");
	expect_error("0000zzzz-0000ffff : System RAM\n", ":1: bad start address");
	expect_error("00000000-0000fgff : System RAM\n", ":1: bad end address");
	expect_error("00001000-00000fff : System RAM\n", ":1: end address before start");
	expect_error("00000000-0000ffff : \n", ":1: empty name");
	expect_error("00000000-0000ffff :  \n", ":1: empty name");
	expect_error("00000000-0000ffff :\n", ":1: missing ' : '");
	expect_error(
	    "00000000-0000ffff : A\n  00000000-00000fff : B\n      00000000-000000ff : C\n",
	    ":3: nesting skips a level");
	expect_error("  00000000-0000ffff : A\n", ":1: first entry is indented");
	expect_error("00000000-0000ffff : A\n   00000000-00000fff : B\n", ":2: odd indentation");
	expect_error("00000000-0000ffff : A\n  00000000-0001ffff : B\n",
		     ":2: entry lies outside its parent");
	expect_error("00000000-0000ffff : A\n00008000-0001ffff : B\n", ":2: overlaps or precedes");
	expect_error("00010000-0001ffff : A\n00000000-00000fff : B\n", ":2: overlaps or precedes");
	expect_error("00000000-0000ffff : A\n\t00000000-00000fff : B\n", ":2: tab in indentation");
	expect_error("00000000-0000ffff : A\x01\n", ":1: unprintable");
	expect_error("00000000-00000000 : A\n00000000-00000000 : B\n", "every address is zero");
	expect_error("10000000000000000-10000000000000001 : big\n", ":1: bad start address");
	expect_error("-0000ffff : A\n", ":1: bad start address");

	long_line = malloc(SRD_IOMEM_MAX_LINE + 64);
	memset(long_line, 'x', SRD_IOMEM_MAX_LINE + 32);
	memcpy(long_line, "00000000-0000ffff : ", 20);
	long_line[SRD_IOMEM_MAX_LINE + 32] = '\0';
	expect_error(long_line, ":1: line longer than");
	free(long_line);

	/* A NUL inside the buffer is refused, not silently truncated. */
	{
		struct srd_iomem *iomem = NULL;
		struct srd_error err = {};
		const char t[] = "00000000-0000ffff : A\0\n";

		CHECK(srd_iomem_parse(t, sizeof(t) - 1, "/proc/iomem", &iomem, &err) == -EINVAL);
		CHECK_CONTAINS(err.msg, "NUL byte");
	}
	{
		struct srd_iomem *iomem = NULL;
		struct srd_error err = {};
		char *buf;
		size_t len;

		CHECK(srd_read_file(fixture("iomem/unprivileged.txt"), 1 << 20, &buf, &len) == 0);
		CHECK(srd_iomem_parse(buf, len, "/proc/iomem", &iomem, &err) == -EPERM);
		CHECK_CONTAINS(err.msg, "unprivileged");
		free(buf);
	}
}

TEST(test_edges)
{
	struct srd_iomem *iomem = NULL;
	struct srd_error err = {};
	const char *t = "00000000-ffffffffffffffff : everything\n"
			"  fffffffffffff000-ffffffffffffffff : top\n"
			"no-newline-is-an-error";

	CHECK(srd_iomem_parse(t, strlen(t), "x", &iomem, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "x:3:");
	t = "00000000-ffffffffffffffff : everything\n  fffffffffffff000-ffffffffffffffff : top";
	CHECK(srd_iomem_parse(t, strlen(t), "x", &iomem, &err) == 0);
	CHECK_EQ_U64(iomem->root.child->child->range.end, UINT64_MAX);
	srd_iomem_free(iomem);
	/* Empty input is an empty tree. */
	CHECK(srd_iomem_parse("", 0, "x", &iomem, &err) == 0);
	CHECK(iomem->n_nodes == 0);
	srd_iomem_free(iomem);
}

/*
 * A listing far larger than any machine's: 200,000 lines, most of them siblings
 * of one parent, which is where appending at the end of a sibling list made
 * parsing quadratic.  Timing goes to bench/; this checks the tree is right.
 */
TEST(test_large)
{
	enum { TOP = 150000, NESTED = 25000 };
	struct srd_iomem *iomem = NULL;
	struct srd_error err = {};
	size_t size = (TOP + 2 * NESTED + 8) * 64, len = 0, nodes = 0;
	char *buf = malloc(size);
	uint64_t prev = 0;
	unsigned lines = 0;

	CHECK(buf);
	/* TOP siblings at depth 0, every sixth with two children; then one parent
	 * holding NESTED children. */
	for (uint64_t i = 0; i < TOP; i++) {
		uint64_t a = i << 16;

		len +=
		    (size_t)snprintf(buf + len, size - len,
				     "%" PRIx64 "-%" PRIx64 " : r%" PRIu64 "\n", a, a + 0xffff, i);
		lines++;
		if (i % 6 == 0) {
			len += (size_t)snprintf(buf + len, size - len,
						"  %" PRIx64 "-%" PRIx64 " : c\n", a, a + 0xff);
			len += (size_t)snprintf(buf + len, size - len,
						"  %" PRIx64 "-%" PRIx64 " : c\n", a + 0x100,
						a + 0x1ff);
			lines += 2;
		}
	}
	len += (size_t)snprintf(buf + len, size - len, "%" PRIx64 "-%" PRIx64 " : parent\n",
				(uint64_t)TOP << 16,
				((uint64_t)TOP << 16) + ((uint64_t)NESTED << 8) - 1);
	lines++;
	for (uint64_t i = 0; i < NESTED; i++) {
		uint64_t a = ((uint64_t)TOP << 16) + (i << 8);

		len += (size_t)snprintf(buf + len, size - len, "  %" PRIx64 "-%" PRIx64 " : n\n", a,
					a + 0xff);
		lines++;
	}
	CHECK(len < size && len <= SRD_IOMEM_MAX_BYTES);
	if (srd_iomem_parse(buf, len, "big", &iomem, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	CHECK(iomem->n_nodes == lines);
	/* The walk is in file order: line numbers rise by one, each node inside its parent. */
	srd_iomem_foreach(iomem, n)
	{
		CHECK(n->line == ++nodes);
		CHECK(n->parent == &iomem->root ||
		      srd_range_contains(&n->parent->range, &n->range));
		CHECK(!n->next || n->next->range.start > n->range.end);
		prev = n->range.start;
	}
	CHECK(nodes == lines);
	CHECK_EQ_U64(prev, ((uint64_t)TOP << 16) + ((uint64_t)(NESTED - 1) << 8));
	srd_iomem_free(iomem);

	/* The same listing with one more sibling that overlaps the last: refused, naming both
	 * lines. */
	len += (size_t)snprintf(buf + len, size - len, "  %" PRIx64 "-%" PRIx64 " : late\n",
				((uint64_t)TOP << 16) + ((uint64_t)(NESTED - 1) << 8) + 0x80,
				((uint64_t)TOP << 16) + ((uint64_t)(NESTED - 1) << 8) + 0xff);
	CHECK(srd_iomem_parse(buf, len, "big", &iomem, &err) == -EINVAL);
	{
		char want[128];

		snprintf(want, sizeof(want), "big:%u: overlaps or precedes its sibling (line %u)",
			 lines + 1, lines);
		CHECK_CONTAINS(err.msg, want);
	}
	free(buf);
}

/* Siblings after a nested block attach to the right parent, and order is checked
 * against the previous sibling at that level, not the last line. */
TEST(test_sibling_order)
{
	struct srd_iomem *iomem = NULL;
	struct srd_error err = {};
	const char *t = "1000-1fff : a\n"
			"  1000-10ff : a0\n"
			"  1100-11ff : a1\n"
			"    1100-117f : a1x\n"
			"  1200-12ff : a2\n"
			"2000-2fff : b\n"
			"  2000-20ff : b0\n";

	CHECK(srd_iomem_parse(t, strlen(t), "x", &iomem, &err) == 0);
	CHECK_STREQ(iomem->root.child->name, "a");
	CHECK_STREQ(iomem->root.child->next->name, "b");
	CHECK(iomem->root.child->next->next == NULL);
	CHECK_STREQ(iomem->root.child->child->next->next->name, "a2");
	CHECK(iomem->root.child->child->next->next->next == NULL);
	CHECK_STREQ(iomem->root.child->next->child->name, "b0");
	srd_iomem_free(iomem);
	expect_error("1000-1fff : a\n  1000-10ff : a0\n    1000-100f : a0x\n  1080-11ff : a1\n",
		     ":4: overlaps or precedes its sibling (line 2)");
	expect_error("1000-1fff : a\n  1100-11ff : a1\n    1100-110f : a1x\n  1000-10ff : a0\n",
		     ":4: overlaps or precedes its sibling (line 2)");
}

int main(void)
{
	RUN(test_claim_first);
	RUN(test_defer_always);
	RUN(test_resolve_once);
	RUN(test_malformed);
	RUN(test_edges);
	RUN(test_sibling_order);
	RUN(test_large);
	return 0;
}
