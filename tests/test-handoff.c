// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rescue's rule (lib/core/handoff.c) on literal inventories: what each
 * tear-down does to decode, and when a Soft Reserved range inside a CXL
 * window may go to dax_hmem by unbinding cxl_acpi.  Each case is one the
 * real-kernel tier measures (tests/vm: rescue-*), decided here without a
 * machine.
 */
#include "decide-fixtures.h"
#include "handoff.h"

#define SR0 W0, W0 + 256 * MiB - 1
#define UNBIND_AND_CLAIM "unbind-cxl-acpi ACPI0017:00; claim-hmem 0x490000000-0x49fffffff"

TEST(test_teardown_table)
{
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);
	struct srd_region g = {.committed = true};

	/* Release keeps decoders; everything else resets them unless locked on a
	 * kernel that honours the lock. */
	for (int honoured = 0; honoured <= 1; honoured++)
		for (int locked = 0; locked <= 1; locked++) {
			inv->lock_honoured = honoured;
			g.locked = locked;
			CHECK(srd_teardown_keeps_decode(inv, &g, SRD_TEARDOWN_OP_RELEASE));
			for (int op = SRD_TEARDOWN_OP_DESTROY; op < _SRD_TEARDOWN_OP_MAX; op++)
				CHECK(srd_teardown_keeps_decode(inv, &g, op) ==
				      (locked && honoured));
		}
	CHECK(!srd_teardown_keeps_decode(inv, &g, _SRD_TEARDOWN_OP_MAX));
	CHECK_STREQ(srd_teardown_op_to_string(SRD_TEARDOWN_OP_UNBIND_CXL_ACPI), "unbind-cxl-acpi");
	srd_inventory_free(inv);
}

TEST(test_lock_honour_derived)
{
	struct srd_inventory *inv = inventory("6.12.117+deb13-amd64", W0, 4 * GiB);

	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(!inv->lock_honoured);
	CHECK_CONTAINS(inv->lock_basis, "no regionZ/locked on this kernel 6.12.117+deb13-amd64");
	/* No version is trusted: a 7.x without the region mark may reset locked decoders. */
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "7.2.13");
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(!inv->lock_honoured);
	/* regionZ/locked is an observation, whatever the release says. */
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "6.12.0-vendor");
	inv->region_locked_attr = true;
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->lock_honoured);
	CHECK_CONTAINS(inv->lock_basis, "observed");
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "?");
	inv->region_locked_attr = false;
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(!inv->lock_honoured);
	srd_inventory_free(inv);
}

/* cxl_mem failed on 6.12: firmware committed the decoders, no region, hmem
 * defers the range.  The decoders cannot be read, so the evidence is the
 * firmware's memory map, or the command line when the policy trusts it. */
TEST(test_driver_failure)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);
	struct srd_decision *d;

	CHECK(srd_inventory_add_piece(inv, SRD_SOURCE_CMDLINE, &R(W0, W0 + 256 * MiB - 1),
				      "cmdline") == 0);
	CHECK(srd_inventory_failure(inv, SRD_FAILURE_MEMDEV_NO_DRIVER, "mem0",
				    "mem0: not bound to cxl_mem") == 0);
	d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
	CHECK(d->fallback && d->ranges[0].blocked);
	CHECK_CONTAINS(d->ranges[0].reason,
		       "its HDM decoders cannot be read (mem0: memdev-no-driver)");
	CHECK_CONTAINS(d->ranges[0].reason, "TrustCommandLine=yes");
	srd_decision_free(d);

	pol->trust_cmdline = true;
	d = expect(inv, pol, NULL, NULL, "hmem", "hmem", UNBIND_AND_CLAIM);
	CHECK_CONTAINS(d->ranges[0].reason, "CXL failed: mem0: not bound to cxl_mem");
	srd_decision_free(d);
	/* Configure the dax device dax_hmem will create, per [HMEM]. */
	pol->dax_hmem.mode = SRD_DAX_DEVDAX;
	EXPECT(inv, pol, NULL, NULL, "hmem", "hmem",
	       UNBIND_AND_CLAIM "; configure-dax 0x490000000-0x49fffffff");
	pol->dax_hmem.mode = SRD_DAX_KEEP;

	/* The firmware's own memory map entry needs no trust setting. */
	pol->trust_cmdline = false;
	sr(inv, SR0);
	EXPECT(inv, pol, NULL, NULL, "hmem", "hmem", UNBIND_AND_CLAIM);
	/* cxl_acpi already gone (a hand-off interrupted after the unbind): re-probe only. */
	inv->cxl_acpi_bound = false;
	EXPECT(inv, pol, NULL, NULL, "hmem", "hmem", "claim-hmem 0x490000000-0x49fffffff");
	/* Without dax_hmem's driver nothing can serve it; srd loads no modules. */
	inv->drivers[SRD_DRIVER_DAX_HMEM].present = false;
	d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
	CHECK_CONTAINS(d->ranges[0].reason, "driver (hmem) is not loaded");
	srd_decision_free(d);
	inv->drivers[SRD_DRIVER_DAX_HMEM].present = true;
	/* 6.1 has no hmem_platform driver to re-probe. */
	inv->drivers[SRD_DRIVER_HMEM_PLATFORM].present = false;
	d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
	CHECK_CONTAINS(d->ranges[0].reason, "no hmem_platform driver");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* A committed region over the range: cxl_acpi's unbind resets it unless it is
 * locked on a kernel that honours the lock. */
TEST(test_region_over_the_range)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);
	struct srd_region *g;
	struct srd_decision *d;

	sr(inv, W0, W0 + 512 * MiB - 1);
	g = region(inv, "region0", SR0, true, true, 1);
	decoded(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1); /* the rest: decoders with no region */
	d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
	CHECK_CONTAINS(d->ranges[0].reason,
		       "resets the HDM decoders of region0 over it (its decoders are not locked");
	srd_decision_free(d);
	g->locked = true;
	d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
	CHECK_CONTAINS(d->ranges[0].reason, "locked, but this kernel resets locked decoders too");
	srd_decision_free(d);

	/* 7.x keeps a region it marks locked (regionZ/locked): release it, unbind, claim. */
	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "7.2.13");
	inv->region_locked_attr = true;
	EXPECT(
	    inv, pol, NULL, NULL, "hmem", "hmem",
	    "release-region region0; unbind-cxl-acpi ACPI0017:00; claim-hmem 0x490000000-0x4afffffff");
	/* Its memory online: offline first, only with AllowOffline=yes. */
	dax(inv, "dax0.0", SRD_DAX_CXL, "region0", SR0, "kmem")->memory_online = true;
	d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
	CHECK_CONTAINS(d->ranges[0].reason, "AllowOffline=no");
	srd_decision_free(d);
	pol->allow_offline = true;
	EXPECT(inv, pol, NULL, NULL, "hmem", "hmem",
	       "offline-memory dax0.0; release-region region0; unbind-cxl-acpi ACPI0017:00; "
	       "claim-hmem 0x490000000-0x4afffffff");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* An innocent region beside a failed device: it overlaps no Soft Reserved, so
 * taking it down with cxl_acpi is never allowed, locked or not. */
TEST(test_innocent_beside_failure)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.13", W0, 4 * GiB);
	struct srd_region *g;
	struct srd_decision *d;

	inv->region_locked_attr = true;

	sr(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	decoded(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	g = region(inv, "region0", SR0, true, true, 1);
	CHECK(srd_inventory_failure(inv, SRD_FAILURE_MEMDEV_NO_DRIVER, "mem1",
				    "mem1: probe failed") == 0);
	for (int locked = 0; locked <= 1; locked++) {
		g->locked = locked;
		d = expect(inv, pol, NULL, NULL, "none", "unchanged", "");
		CHECK_CONTAINS(d->ranges[0].reason, "takes away region0 (an innocent region");
		CHECK(d->n_innocent == 1);
		srd_decision_free(d);
	}
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* Per range: another range CXL keeps would lose CXL with cxl_acpi. */
TEST(test_cxl_kept_elsewhere)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.13", W0, 4 * GiB);
	struct srd_decision *d;

	inv->region_locked_attr = true;

	sr(inv, SR0);
	decoded(inv, SR0);
	sr(inv, W0 + GiB, W0 + GiB + 256 * MiB - 1);
	region(inv, "region1", W0 + GiB, W0 + GiB + 256 * MiB - 1, true, true, 1)->locked = true;
	d = expect(inv, pol, "per-range", NULL, "cxl", "unchanged cxl", "");
	CHECK_CONTAINS(d->ranges[0].reason, "takes away region1 (a region over memory CXL keeps");
	srd_decision_free(d);
	/* Strict gives dax_hmem both, and the locked region survives: all go. */
	EXPECT(
	    inv, pol, "strict", NULL, "hmem", "hmem hmem",
	    "release-region region1; unbind-cxl-acpi ACPI0017:00; claim-hmem 0x490000000-0x49fffffff; "
	    "claim-hmem 0x4d0000000-0x4dfffffff");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* A range blocked late must undo another's hand-off that would take its region. */
TEST(test_fixed_point)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.13", W0, 4 * GiB);
	struct srd_decision *d;

	inv->region_locked_attr = true;

	sr(inv, SR0);
	decoded(inv, SR0);
	/* The second range's region is locked, but its memory is online and
	 * AllowOffline=no: it stays with CXL, so cxl_acpi must stay too. */
	sr(inv, W0 + GiB, W0 + GiB + 512 * MiB - 1);
	region(inv, "region1", W0 + GiB, W0 + GiB + 512 * MiB - 1, true, true, 1)->locked = true;
	dax(inv, "dax1.0", SRD_DAX_CXL, "region1", W0 + GiB, W0 + GiB + 512 * MiB - 1, "kmem")
	    ->memory_online = true;
	d = expect(inv, pol, "strict", NULL, "none", "unchanged unchanged", "");
	CHECK_CONTAINS(d->ranges[1].reason, "AllowOffline=no");
	CHECK_CONTAINS(d->ranges[0].reason, "region1");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

int main(void)
{
	RUN(test_teardown_table);
	RUN(test_lock_honour_derived);
	RUN(test_driver_failure);
	RUN(test_region_over_the_range);
	RUN(test_innocent_beside_failure);
	RUN(test_cxl_kept_elsewhere);
	RUN(test_fixed_point);
	return 0;
}
