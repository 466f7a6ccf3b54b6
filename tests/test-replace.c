// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hotplug replace plans on literal inventories: taking a memdev out of
 * service (memory offline, dax_hmem first, then the region de-committed),
 * and bringing a recorded region back (re-seat, replacement, a device too
 * small, a device already in use, a region still there).
 */
#include "replace.h"
#include "test-util.h"

#define MiB (1ull << 20)
#define W0 0x490000000ull
#define R0 ((struct srd_range){W0, W0 + 256 * MiB - 1})

static struct srd_inventory *base(uint64_t serial, uint64_t ram, bool with_region)
{
	struct srd_inventory *inv = srd_inventory_new();
	struct srd_window *w = srd_inventory_add_window(inv);
	struct srd_memdev *m = srd_inventory_add_memdev(inv);

	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "6.12.0");
	inv->have_iomem = true;
	snprintf(w->name, sizeof(w->name), "decoder0.0");
	w->range = (struct srd_range){W0, W0 + (4096 * MiB) - 1};
	snprintf(m->name, sizeof(m->name), "mem0");
	snprintf(m->host, sizeof(m->host), "0000:0d:00.0");
	m->serial = serial;
	m->ram_bytes = ram;
	if (with_region) {
		struct srd_region *r = srd_inventory_add_region(inv);

		snprintf(r->name, sizeof(r->name), "region0");
		snprintf(r->decoder, sizeof(r->decoder), "decoder0.0");
		snprintf(r->mode, sizeof(r->mode), "ram");
		r->range = R0;
		r->has_range = r->committed = r->enabled = r->has_dax = true;
		r->ways = r->n_targets = 1;
		r->granularity = 4096;
		snprintf(r->target_memdev[0], SRD_NAME_MAX, "mem0");
		r->target_serial[0] = serial;
		srd_inventory_add_decoded(inv)->range = R0;
	}
	return inv;
}

static struct srd_dax_dev *dax(struct srd_inventory *inv, const char *name, const char *parent,
			       enum srd_dax_kind kind, bool online)
{
	struct srd_dax_dev *d = srd_inventory_add_dax(inv);

	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->parent, sizeof(d->parent), "%s", parent);
	snprintf(d->driver, sizeof(d->driver), "%s", online ? "kmem" : "device_dax");
	d->kind = kind;
	d->range = R0;
	d->has_range = true;
	d->memory_online = online;
	return d;
}

static void plan_is(const struct srd_decision *d, const char *want)
{
	char got[1024] = "";

	for (size_t i = 0; i < d->n_actions; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s %s", i ? "; " : "",
			 srd_action_to_string(d->actions[i].kind), d->actions[i].target);
	CHECK_STREQ(got, want);
}

TEST(test_prepare_cxl_owned)
{
	struct srd_inventory *inv = base(0x1001, 256 * MiB, true);
	struct srd_decision *d = NULL;

	dax(inv, "dax0.0", "region0", SRD_DAX_CXL, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_prepare(inv, "mem0", &d) == 0);
	CHECK(!d->refused);
	plan_is(d, "offline-memory dax0.0; destroy-region region0");
	CHECK_CONTAINS(d->actions[1].reason, "mem0 is a target of region0");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

TEST(test_prepare_hmem_first)
{
	struct srd_inventory *inv = base(0x1001, 256 * MiB, true);
	struct srd_decision *d = NULL;
	struct srd_hmem *h = srd_inventory_add_hmem(inv);

	snprintf(h->name, sizeof(h->name), "hmem.0");
	snprintf(h->driver, sizeof(h->driver), "hmem");
	h->range = R0;
	h->has_range = true;
	dax(inv, "dax1.0", "hmem.0", SRD_DAX_HMEM, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_prepare(inv, "mem0", &d) == 0);
	/* memory offline, then dax_hmem lets go (its Soft Reserved entry goes), then the region */
	plan_is(d, "offline-memory dax1.0; release-hmem hmem.0; destroy-region region0");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

TEST(test_prepare_refusals)
{
	struct srd_inventory *inv = base(0x1001, 256 * MiB, false);
	struct srd_decision *d = NULL;

	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_prepare(inv, "mem7", &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "mem7: no such memdev");
	srd_decision_free(d);
	/* Soft Reserved in /proc/iomem over the region (6.x): it could not come back. */
	{
		struct srd_inventory *sr = base(0x1001, 256 * MiB, true);
		struct srd_range r = R0;

		CHECK(srd_inventory_add_piece(sr, SRD_SOURCE_IOMEM, &r, "t") == 0);
		CHECK(srd_inventory_derive(sr) == 0);
		CHECK(srd_replace_prepare(sr, "mem0", &d) == 0);
		CHECK(d->refused && d->n_actions == 0);
		CHECK_CONTAINS(d->refusal, "stays in /proc/iomem");
		srd_decision_free(d);
		srd_inventory_free(sr);
	}
	/* In no region: nothing to do, it may be pulled now. */
	CHECK(srd_replace_prepare(inv, "mem0", &d) == 0);
	CHECK(!d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->summary, "0 regions");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

static struct srd_layout recorded(void)
{
	struct srd_inventory *inv = base(0x1001, 256 * MiB, true);
	struct srd_layout l;

	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_layout_from_region(inv, &inv->regions[0], &l) == 0);
	srd_inventory_free(inv);
	return l;
}

TEST(test_layout_from_region)
{
	struct srd_layout l = recorded(), m = recorded();

	CHECK_STREQ(l.window, "decoder0.0");
	CHECK_EQ_U64(l.range.start, W0);
	CHECK(l.n_targets == 1 && l.targets[0].serial == 0x1001);
	CHECK_STREQ(l.targets[0].host, "0000:0d:00.0");
	CHECK(srd_layout_same(&l, &m));
	m.targets[0].serial = 0x2002;
	CHECK(!srd_layout_same(&l, &m));
}

TEST(test_complete)
{
	struct srd_layout l = recorded();

	l.replace = SRD_REPLACE_REMOVED;
	struct srd_decision *d = NULL;
	struct srd_inventory *inv;

	/* The same device back in its slot: a re-seat. */
	inv = base(0x1001, 256 * MiB, false);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	plan_is(d, "create-region decoder0.0");
	CHECK(d->actions[0].layout == 0);
	CHECK_CONTAINS(d->actions[0].reason, "re-seat of mem0 (serial 0x1001)");
	srd_decision_free(d);
	/* Limited to a memdev that is not in the layout: nothing. */
	CHECK(srd_replace_complete(inv, NULL, &l, 1, "mem9", &d) == 0);
	plan_is(d, "");
	srd_decision_free(d);
	srd_inventory_free(inv);

	/* Another device in the slot (another name, too): a replacement. */
	inv = base(0x2002, 512 * MiB, false);
	snprintf(inv->memdevs[0].name, SRD_NAME_MAX, "mem3");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, "mem3", &d) == 0);
	plan_is(d, "create-region decoder0.0");
	CHECK_CONTAINS(d->actions[0].reason, "mem3 replaces serial 0x1001 with 0x2002");
	srd_decision_free(d);
	srd_inventory_free(inv);

	/* Too small for its position: refused with the sizes. */
	inv = base(0x3003, 128 * MiB, false);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "has 128 MiB of volatile capacity; the layout needs 256 MiB");
	srd_decision_free(d);
	srd_inventory_free(inv);

	/* The region is still there: nothing to re-create. */
	inv = base(0x1001, 256 * MiB, true);
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	CHECK(!d->refused);
	plan_is(d, "");
	srd_decision_free(d);
	srd_inventory_free(inv);

	/* The slot is empty: wait. */
	inv = base(0x1001, 256 * MiB, false);
	snprintf(inv->memdevs[0].host, SRD_NAME_MAX, "0000:0e:00.0");
	snprintf(inv->memdevs[0].name, SRD_NAME_MAX, "mem1");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	plan_is(d, "");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

/* Only what a replace prepare took down and is still pending comes back. */
TEST(test_complete_only_pending)
{
	struct srd_layout l = recorded();
	struct srd_decision *d = NULL;
	struct srd_inventory *inv = base(0x1001, 256 * MiB, false);

	CHECK(srd_inventory_derive(inv) == 0);
	/* Destroyed by hand, not by prepare: the administrator wanted it gone. */
	l.replace = SRD_REPLACE_NONE;
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	CHECK(!d->refused);
	plan_is(d, "");
	srd_decision_free(d);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, "mem0", &d) == 0);
	plan_is(d, "");
	srd_decision_free(d);
	/* Prepared (a re-seat in place, never pulled) and removed: both pending. */
	l.replace = SRD_REPLACE_PREPARED;
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	plan_is(d, "create-region decoder0.0");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

/* The policy's [Exclude] holds for completion as for every pass. */
TEST(test_complete_excluded)
{
	struct srd_layout l = recorded();
	struct srd_exclusion_range xr = {.range = {W0 + 128 * MiB, W0 + 129 * MiB - 1}};
	struct srd_exclusion_serial xs = {.serial = 0x1001};
	struct srd_exclusion_serial xs2 = {.serial = 0x2002};
	struct srd_exclusion_pci xp = {.vendor = 0x8086, .device = 0x0d93};
	struct srd_policy p = {};
	struct srd_decision *d = NULL;
	struct srd_inventory *inv = base(0x1001, 256 * MiB, false);

	l.replace = SRD_REPLACE_REMOVED;
	CHECK(srd_inventory_derive(inv) == 0);
	/* A range excluded, in part. */
	p.exclude_ranges = &xr;
	p.n_exclude_ranges = 1;
	CHECK(srd_replace_complete(inv, &p, &l, 1, NULL, &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "excluded by the policy's [Exclude]");
	srd_decision_free(d);
	p.n_exclude_ranges = 0;
	/* The recorded device's serial. */
	p.exclude_serials = &xs;
	p.n_exclude_serials = 1;
	CHECK(srd_replace_complete(inv, &p, &l, 1, "mem0", &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "serial 0x1001");
	srd_decision_free(d);
	srd_inventory_free(inv);
	/* The serial of the device seated now. */
	inv = base(0x2002, 256 * MiB, false);
	CHECK(srd_inventory_derive(inv) == 0);
	p.exclude_serials = &xs2;
	CHECK(srd_replace_complete(inv, &p, &l, 1, NULL, &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "serial 0x2002");
	srd_decision_free(d);
	p.n_exclude_serials = 0;
	/* Its PCI vendor and device. */
	inv->memdevs[0].pci_vendor = 0x8086;
	inv->memdevs[0].pci_device = 0x0d93;
	p.exclude_pci = &xp;
	p.n_exclude_pci = 1;
	CHECK(srd_replace_complete(inv, &p, &l, 1, NULL, &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	srd_decision_free(d);
	/* Nothing excluded: it comes back. */
	p.n_exclude_pci = 0;
	CHECK(srd_replace_complete(inv, &p, &l, 1, NULL, &d) == 0);
	plan_is(d, "create-region decoder0.0");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

/* A pmem layout is never re-created as ram; srd does not take one down either. */
TEST(test_pmem)
{
	struct srd_layout l = recorded();
	struct srd_decision *d = NULL;
	struct srd_inventory *inv = base(0x1001, 256 * MiB, false);

	l.replace = SRD_REPLACE_REMOVED;
	snprintf(l.mode, sizeof(l.mode), "pmem");
	inv->memdevs[0].pmem_bytes = 256 * MiB;
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_complete(inv, NULL, &l, 1, NULL, &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "pmem");
	srd_decision_free(d);
	srd_inventory_free(inv);

	inv = base(0x1001, 256 * MiB, true);
	snprintf(inv->regions[0].mode, sizeof(inv->regions[0].mode), "pmem");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_replace_prepare(inv, "mem0", &d) == 0);
	CHECK(d->refused && d->n_actions == 0);
	CHECK_CONTAINS(d->refusal, "pmem region");
	srd_decision_free(d);
	srd_inventory_free(inv);
}

/* Names that would not be the kernel's never make a layout. */
TEST(test_layout_check)
{
	struct srd_layout l = recorded();

	CHECK(!srd_layout_check(&l));
	snprintf(l.window, sizeof(l.window), "decoder0.0/../../x");
	CHECK_CONTAINS(srd_layout_check(&l), "window");
	l = recorded();
	snprintf(l.targets[0].memdev, SRD_NAME_MAX, "mem01");
	CHECK_CONTAINS(srd_layout_check(&l), "memdev");
	l = recorded();
	l.granularity = 4097;
	CHECK_CONTAINS(srd_layout_check(&l), "granularity");
}

int main(void)
{
	RUN(test_prepare_cxl_owned);
	RUN(test_prepare_hmem_first);
	RUN(test_prepare_refusals);
	RUN(test_layout_from_region);
	RUN(test_complete);
	RUN(test_complete_only_pending);
	RUN(test_complete_excluded);
	RUN(test_pmem);
	RUN(test_layout_check);
	return 0;
}
