// SPDX-License-Identifier: GPL-2.0-or-later
/* Soft Reserved units, their sources and their current owners, on literal inventories. */
#include "inventory.h"
#include "test-util.h"

#define R(a, b) ((struct srd_range){(a), (b)})
#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define W0 0x490000000ull

static struct srd_inventory *base(void)
{
	struct srd_inventory *inv = srd_inventory_new();
	struct srd_window *w = srd_inventory_add_window(inv);

	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "6.12.43");
	inv->have_iomem = true;
	snprintf(w->name, sizeof(w->name), "decoder0.0");
	w->range = R(W0, W0 + 4 * GiB - 1);
	w->ways = 1;
	return inv;
}

static void region(struct srd_inventory *inv, const char *name, uint64_t s, uint64_t size,
		   bool committed, bool enabled)
{
	struct srd_region *r = srd_inventory_add_region(inv);

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->range = R(s, s + size - 1);
	r->has_range = true;
	r->committed = committed;
	r->enabled = enabled;
	r->ways = 1;
}

static void hmem_dax(struct srd_inventory *inv, const char *name, const char *parent, uint64_t s,
		     uint64_t size)
{
	struct srd_dax_dev *d = srd_inventory_add_dax(inv);

	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->parent, sizeof(d->parent), "%s", parent);
	d->kind = SRD_DAX_HMEM;
	d->range = R(s, s + size - 1);
	d->has_range = true;
	CHECK(srd_inventory_add_piece(inv, SRD_SOURCE_HMEM, &d->range, parent) == 0);
}

static void sr(struct srd_inventory *inv, enum srd_source src, uint64_t s, uint64_t size)
{
	struct srd_range r = R(s, s + size - 1);

	CHECK(srd_inventory_add_piece(inv, src, &r, "test") == 0);
	if (src == SRD_SOURCE_IOMEM)
		inv->iomem_lists_soft_reserved = true;
}

TEST(test_cxl_owns)
{
	struct srd_inventory *inv = base();

	sr(inv, SRD_SOURCE_MEMMAP, W0, 256 * MiB);
	sr(inv, SRD_SOURCE_IOMEM, W0, 256 * MiB);
	region(inv, "region0", W0, 256 * MiB, true, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->n_ranges == 1);
	CHECK(inv->ranges[0].owner == SRD_OWNER_CXL);
	CHECK(inv->ranges[0].sources == (SRD_SOURCE_MEMMAP | SRD_SOURCE_IOMEM));
	CHECK(!inv->ranges[0].disagree);
	CHECK(inv->ranges[0].window == 0);
	CHECK_CONTAINS(inv->ranges[0].reason, "region0");
	/* Derive is idempotent. */
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->n_ranges == 1 && inv->ranges[0].owner == SRD_OWNER_CXL);
	srd_inventory_free(inv);
}

TEST(test_uncommitted_or_disabled_region_covers_nothing)
{
	struct srd_inventory *inv = base();

	sr(inv, SRD_SOURCE_MEMMAP, W0, 256 * MiB);
	region(inv, "region0", W0, 256 * MiB, false, false);
	region(inv, "region1", W0, 256 * MiB, true, false);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->ranges[0].owner == SRD_OWNER_NONE);
	CHECK_CONTAINS(inv->ranges[0].reason, "stranded");
	CHECK_CONTAINS(inv->ranges[0].reason, "decoder0.0");
	srd_inventory_free(inv);
}

TEST(test_half_owned)
{
	struct srd_inventory *inv = base();

	sr(inv, SRD_SOURCE_MEMMAP, W0, 512 * MiB);
	region(inv, "region0", W0, 256 * MiB, true, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->ranges[0].owner == SRD_OWNER_CONFLICT);
	CHECK_EQ_U64(inv->ranges[0].cxl_bytes, 256 * MiB);
	CHECK_CONTAINS(inv->ranges[0].reason, "half-owned");
	CHECK_CONTAINS(inv->ranges[0].reason, "256 MiB of 512 MiB");
	srd_inventory_free(inv);
}

TEST(test_hmem_and_conflict)
{
	struct srd_inventory *inv = base();

	sr(inv, SRD_SOURCE_MEMMAP, W0, 256 * MiB);
	hmem_dax(inv, "dax0.0", "hmem.0", W0, 256 * MiB);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->ranges[0].owner == SRD_OWNER_HMEM);
	CHECK(inv->ranges[0].sources == (SRD_SOURCE_MEMMAP | SRD_SOURCE_HMEM));
	CHECK_CONTAINS(inv->ranges[0].reason, "dax0.0 (hmem.0)");

	/* The 7.2 collision: a region holds part of it too. */
	region(inv, "region0", W0, 128 * MiB, true, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->ranges[0].owner == SRD_OWNER_CONFLICT);
	CHECK_CONTAINS(inv->ranges[0].reason, "both claim it");
	srd_inventory_free(inv);
}

TEST(test_units_merge_and_split)
{
	struct srd_inventory *inv = base();
	struct srd_window *w = srd_inventory_add_window(inv);

	snprintf(w->name, sizeof(w->name), "decoder0.1");
	w->range = R(W0 + 4 * GiB, W0 + 8 * GiB - 1);
	/* Two adjacent firmware entries merge; a range across the window
	 * boundary splits there; one outside every window stays alone. */
	sr(inv, SRD_SOURCE_MEMMAP, W0, 128 * MiB);
	sr(inv, SRD_SOURCE_MEMMAP, W0 + 128 * MiB, 128 * MiB);
	sr(inv, SRD_SOURCE_MEMMAP, W0 + 4 * GiB - 256 * MiB, 512 * MiB);
	sr(inv, SRD_SOURCE_MEMMAP, 0x100000000, 256 * MiB);
	region(inv, "region0", W0, 256 * MiB, true, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->n_ranges == 4);
	CHECK_EQ_U64(inv->ranges[0].range.start, 0x100000000);
	CHECK(inv->ranges[0].window == -1);
	CHECK_CONTAINS(inv->ranges[0].reason, "outside every CXL window");
	CHECK_EQ_U64(srd_range_size(&inv->ranges[1].range), 256 * MiB);
	CHECK(inv->ranges[1].owner == SRD_OWNER_CXL); /* one region spanning two entries */
	CHECK(inv->ranges[2].window == 0 && inv->ranges[3].window == 1);
	CHECK_EQ_U64(inv->ranges[3].range.start, W0 + 4 * GiB);
	srd_inventory_free(inv);
}

TEST(test_srat_split_with_hmat)
{
	struct srd_inventory *inv = base();
	struct srd_range a = R(W0, W0 + 256 * MiB - 1), b = R(W0 + 256 * MiB, W0 + 512 * MiB - 1);

	sr(inv, SRD_SOURCE_MEMMAP, W0, 512 * MiB);
	CHECK(srd_inventory_add_srat(inv, &a, 1) == 0);
	CHECK(srd_inventory_add_srat(inv, &b, 2) == 0);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->n_ranges == 1); /* no HMAT: one unit per Soft Reserved resource */
	CHECK(inv->ranges[0].proximity_domain == -1);
	inv->have_hmat = true;
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->n_ranges == 2);
	CHECK(inv->ranges[0].proximity_domain == 1 && inv->ranges[1].proximity_domain == 2);
	srd_inventory_free(inv);
}

TEST(test_disagreement)
{
	struct srd_inventory *inv = base();

	sr(inv, SRD_SOURCE_MEMMAP, W0, 512 * MiB);
	sr(inv, SRD_SOURCE_IOMEM, W0, 256 * MiB);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->n_ranges == 1);
	CHECK(inv->ranges[0].disagree);
	CHECK_CONTAINS(inv->ranges[0].disagreement, "iomem covers it only in part");
	srd_inventory_free(inv);
}

TEST(test_behaviour)
{
	struct srd_inventory *inv = base();

	/* Soft Reserved in firmware, but not in iomem: the 7.x kernels. */
	sr(inv, SRD_SOURCE_MEMMAP, W0, 256 * MiB);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->behaviour == SRD_BEHAVIOUR_RESOLVE_ONCE);
	CHECK_CONTAINS(inv->behaviour_basis, "observed");
	srd_inventory_free(inv);

	/* iomem lists it and hmem left it alone while bound: defer-always,
	 * whatever the version says. */
	inv = base();
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "5.14.0-vendor");
	inv->hmem_platform_bound = true;
	sr(inv, SRD_SOURCE_MEMMAP, W0, 256 * MiB);
	sr(inv, SRD_SOURCE_IOMEM, W0, 256 * MiB);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->behaviour == SRD_BEHAVIOUR_DEFER_ALWAYS);
	srd_inventory_free(inv);

	/* hmem claimed a range in a window with no region: claim-first. */
	inv = base();
	sr(inv, SRD_SOURCE_IOMEM, W0, 256 * MiB);
	hmem_dax(inv, "dax0.0", "hmem.0", W0, 256 * MiB);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->behaviour == SRD_BEHAVIOUR_CLAIM_FIRST);
	srd_inventory_free(inv);

	/* Nothing to observe: the version is the hint. */
	inv = base();
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "6.1.0-40-amd64");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->behaviour == SRD_BEHAVIOUR_CLAIM_FIRST);
	CHECK_CONTAINS(inv->behaviour_basis, "version hint");
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "7.2.0");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->behaviour == SRD_BEHAVIOUR_RESOLVE_ONCE);
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "garbage");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->behaviour == SRD_BEHAVIOUR_UNKNOWN);
	srd_inventory_free(inv);
}

TEST(test_strings)
{
	for (int i = 0; i < _SRD_OWNER_MAX; i++)
		CHECK(srd_owner_from_string(srd_owner_to_string(i)) == i);
	CHECK(srd_owner_from_string("bogus") == -EINVAL);
	for (int i = 0; i < _SRD_BEHAVIOUR_MAX; i++)
		CHECK(srd_behaviour_from_string(srd_behaviour_to_string(i)) == i);
	char buf[64];

	CHECK_STREQ(srd_sources_format(SRD_SOURCE_MEMMAP | SRD_SOURCE_HMEM, buf, sizeof(buf)),
		    "memmap hmem");
}

int main(void)
{
	RUN(test_cxl_owns);
	RUN(test_uncommitted_or_disabled_region_covers_nothing);
	RUN(test_half_owned);
	RUN(test_hmem_and_conflict);
	RUN(test_units_merge_and_split);
	RUN(test_srat_split_with_hmat);
	RUN(test_disagreement);
	RUN(test_behaviour);
	RUN(test_strings);
	return 0;
}
