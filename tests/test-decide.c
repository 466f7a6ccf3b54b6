// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decision, table-driven on literal inventories: the reviewers' worked
 * example, every policy, the safety interlocks, exclusions, fallbacks.
 * Each case builds an inventory, derives owners, decides, and compares the
 * verdict, each range's target and the whole plan (as "action target" lines).
 */
#include "decide-fixtures.h"

/* The reviewers' example (000_...): SR1 0x085000-0x284fff, SR2, SR3 vs R1 shorter than SR1. */
TEST(test_worked_example)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", 0, 256 * MiB);

	sr(inv, 0x085000, 0x284fff);
	sr(inv, 0x285000, 0x484fff);
	sr(inv, 0x485000, 0x684fff);
	/* Without an SRAT split the three touching ranges are one resource: the
	 * example is about three separate resources, which SRAT+HMAT makes. */
	inv->have_hmat = true;
	CHECK(srd_inventory_add_srat(inv, &R(0x085000, 0x284fff), 1) == 0);
	CHECK(srd_inventory_add_srat(inv, &R(0x285000, 0x484fff), 2) == 0);
	CHECK(srd_inventory_add_srat(inv, &R(0x485000, 0x684fff), 3) == 0);
	region(inv, "region1", 0x085000, 0x274fff, true, true, 1);
	region(inv, "region2", 0x285000, 0x484fff, true, true, 2);
	region(inv, "region3", 0x485000, 0x684fff, true, true, 3);
	decoded(inv, 0x275000, 0x284fff); /* the firmware decodes all of SR1 */
	/* dax_hmem registered each range (its devices exist, not bound), as 7.x does
	 * for ranges CXL does not fully claim. */
	hmem_dev(inv, "hmem.0", 0x085000, 0x284fff, false);
	hmem_dev(inv, "hmem.1", 0x285000, 0x484fff, false);
	hmem_dev(inv, "hmem.2", 0x485000, 0x684fff, false);

	EXPECT(inv, pol, "strict", NULL, "hmem", "hmem hmem hmem",
	       "release-region region1; release-region region2; release-region region3; "
	       "claim-hmem hmem.0; claim-hmem hmem.1; claim-hmem hmem.2");
	EXPECT(inv, pol, "per-range", NULL, "mixed", "hmem cxl cxl",
	       "release-region region1; claim-hmem hmem.0");
	EXPECT(inv, pol, "audit", NULL, "hmem", "hmem hmem hmem", "");
	EXPECT(inv, pol, "prefer-hmem", NULL, "hmem", "hmem hmem hmem",
	       "release-region region1; release-region region2; release-region region3; "
	       "claim-hmem hmem.0; claim-hmem hmem.1; claim-hmem hmem.2");
	EXPECT(inv, pol, "prefer-cxl", NULL, "cxl", "cxl cxl cxl", "");

	/* The strict reason names the range that failed the global check. */
	struct srd_decision *d =
	    expect(inv, pol, "strict", NULL, "hmem", "hmem hmem hmem",
		   "release-region region1; release-region region2; release-region region3; "
		   "claim-hmem hmem.0; claim-hmem hmem.1; claim-hmem hmem.2");
	CHECK_CONTAINS(d->ranges[2].reason, "0x85000-0x284fff is not inside committed regions");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_all_contained)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);

	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	dax(inv, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "kmem");
	for (const char *m = "strict\0per-range\0prefer-cxl\0audit\0"; *m; m += strlen(m) + 1)
		EXPECT(inv, pol, m, NULL, "cxl", "cxl", "");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_no_soft_reserved)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);

	/* An administrator's ram region, no Soft Reserved anywhere: nothing to do,
	 * and the region keeps its dax device under every policy. */
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	dax(inv, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "device_dax");
	for (const char *m = "strict\0per-range\0prefer-cxl\0prefer-hmem\0audit\0"; *m;
	     m += strlen(m) + 1) {
		struct srd_decision *d = expect(inv, pol, m, NULL, "none", "", "");

		CHECK(d->n_innocent == 1);
		CHECK_STREQ(d->innocent[0], "region0");
		srd_decision_free(d);
	}
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_innocent_next_to_failing)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);

	/* SR at W0 has no region but firmware-committed decoders; region9 at W0+1G
	 * overlaps no Soft Reserved: it is never touched. */
	sr(inv, W0, W0 + 256 * MiB - 1);
	decoded(inv, W0, W0 + 256 * MiB - 1);
	hmem_dev(inv, "hmem.0", W0, W0 + 256 * MiB - 1, false);
	region(inv, "region9", W0 + GiB, W0 + GiB + 256 * MiB - 1, true, true, 9);
	for (const char *m = "strict\0per-range\0prefer-hmem\0"; *m; m += strlen(m) + 1)
		EXPECT(inv, pol, m, NULL, "hmem", "hmem", "claim-hmem hmem.0");
	EXPECT(inv, pol, "prefer-cxl", NULL, "none", "unchanged", "");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_outside_windows_and_spanning)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);

	/* SR outside every window: dax_hmem's, whatever the policy. */
	sr(inv, 0x100000000, 0x10fffffff);
	/* Two adjacent firmware entries, one region spanning both: one range, CXL's. */
	sr(inv, W0, W0 + 128 * MiB - 1);
	sr(inv, W0 + 128 * MiB, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	EXPECT(inv, pol, "strict", NULL, "mixed", "hmem cxl", "claim-hmem 0x100000000-0x10fffffff");
	EXPECT(inv, pol, "prefer-cxl", NULL, "mixed", "hmem cxl",
	       "claim-hmem 0x100000000-0x10fffffff");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_uncommitted_region)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);

	/* An uncommitted region covers nothing; it is not released either (it is
	 * not serving anything). */
	sr(inv, W0, W0 + 256 * MiB - 1);
	decoded(inv, W0, W0 + 256 * MiB - 1);
	hmem_dev(inv, "hmem.0", W0, W0 + 256 * MiB - 1, false);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, false, false, 1);
	EXPECT(inv, pol, "strict", NULL, "hmem", "hmem", "claim-hmem hmem.0");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_excluded_accelerator)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	char **errs = NULL;
	size_t n = 0;

	/* Range B belongs to an accelerator (serial 0x77), excluded: neither counted
	 * nor touched, so range A alone decides and its region is released. */
	sr(inv, W0, W0 + 512 * MiB - 1);
	sr(inv, W0 + GiB, W0 + GiB + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	decoded(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	hmem_dev(inv, "hmem.0", W0, W0 + 512 * MiB - 1, false);
	region(inv, "region1", W0 + GiB, W0 + GiB + 256 * MiB - 1, true, true, 0x77);
	CHECK(srd_policy_parse(pol, "[Exclude]\nSerial=0x77\n", 21, "x.conf", NULL, &errs, &n) ==
	      0);
	EXPECT(inv, pol, "strict", NULL, "hmem", "hmem unchanged",
	       "release-region region0; claim-hmem hmem.0");
	/* Excluding by range works the same way. */
	pol->n_exclude_serials = 0;
	CHECK(srd_policy_parse(pol, "[Exclude]\nRange=0x4d0000000+256M\n", 32, "x.conf", NULL,
			       &errs, &n) == 0);
	struct srd_decision *d = expect(inv, pol, "prefer-hmem", NULL, "hmem", "hmem unchanged",
					"release-region region0; claim-hmem hmem.0");
	CHECK(d->ranges[1].excluded);
	CHECK_CONTAINS(d->ranges[1].reason, "excluded by Range= (x.conf:2)");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_stranded_6_12)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);

	/* "deferring range to CXL", no region: stranded.  Without decoders it is not
	 * memory: nothing may hand it to dax_hmem. */
	inv->iomem_lists_soft_reserved = true;
	inv->hmem_platform_bound = true;
	sr(inv, W0, W0 + 256 * MiB - 1);
	CHECK(srd_inventory_add_piece(inv, SRD_SOURCE_IOMEM, &R(W0, W0 + 256 * MiB - 1), "iomem") ==
	      0);
	struct srd_decision *d = expect(inv, pol, "strict", NULL, "none", "unchanged", "");

	CHECK(d->ranges[0].blocked);
	CHECK_CONTAINS(d->ranges[0].reason, "only 0 B of 256 MiB would stay decoded");
	srd_decision_free(d);
	/* With firmware-committed decoders and no region over them, it is memory
	 * that stays decoded once cxl_acpi is unbound (measured): the seeds'
	 * fallback, unbind cxl_acpi and let dax_hmem register it. */
	decoded(inv, W0, W0 + 256 * MiB - 1);
	d = expect(inv, pol, "strict", NULL, "hmem", "hmem",
		   "unbind-cxl-acpi ACPI0017:00; claim-hmem 0x490000000-0x49fffffff");
	CHECK(d->ranges[0].via_cxl_acpi);
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_nobody_gets_it_7_2)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	struct srd_region *r;

	/* SR larger than the region; hmem registered the whole range, kmem could not
	 * reserve it (-16), the region lost its dax region (-12). */
	sr(inv, W0, W0 + 512 * MiB - 1);
	r = region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	r->has_dax = false;
	dax(inv, "dax0.0", SRD_DAX_HMEM, "hmem.0", W0, W0 + 512 * MiB - 1, "");

	/* Half of it has no decoder: dax_hmem must not get it; CXL can serve its half. */
	struct srd_decision *d = expect(inv, pol, "strict", NULL, "none", "unchanged", "");

	CHECK(d->ranges[0].owner == SRD_OWNER_CONFLICT);
	CHECK(d->ranges[0].blocked);
	srd_decision_free(d);
	EXPECT(inv, pol, "prefer-cxl", NULL, "cxl", "cxl",
	       "release-hmem hmem.0; enable-region region0");

	/* Firmware decoded all of it: strict resolves the conflict to dax_hmem. */
	decoded(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	EXPECT(inv, pol, "strict", NULL, "hmem", "hmem",
	       "release-region region0; claim-hmem hmem.0");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_fallback)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	struct srd_decide_input timeout = {.settle_timed_out = true, .now_usec = 42};

	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	hmem_dev(inv, "hmem.0", W0, W0 + 256 * MiB - 1, false);
	/* Contained, but settle timed out: the kernel developers asked for HMEM. */
	struct srd_decision *d = expect(inv, pol, "strict", &timeout, "hmem", "hmem",
					"release-region region0; claim-hmem hmem.0");

	CHECK(d->fallback);
	CHECK(d->decided_usec == 42);
	CHECK_CONTAINS(d->ranges[0].reason, "enumeration timed out");
	srd_decision_free(d);
	/* A CXL failure the machine shows: the same fallback, with its evidence. */
	CHECK(srd_inventory_failure(inv, SRD_FAILURE_MEMDEV_NO_DRIVER, "mem1",
				    "mem1: not bound to cxl_mem") == 0);
	d = expect(inv, pol, NULL, NULL, "hmem", "hmem",
		   "release-region region0; claim-hmem hmem.0");
	CHECK(d->fallback);
	CHECK_CONTAINS(d->ranges[0].reason, "CXL failed: mem1: not bound to cxl_mem");
	srd_decision_free(d);
	/* The administrator's --policy decides instead of the fallback. */
	struct srd_decide_input override = {.policy_override = "strict"};
	d = expect(inv, pol, "strict", &override, "cxl", "cxl", "");
	CHECK(!d->fallback);
	srd_decision_free(d);
	pol->fallback = SRD_FALLBACK_KEEP;
	EXPECT(inv, pol, "strict", &timeout, "none", "unchanged", "");
	EXPECT(inv, pol, NULL, NULL, "none", "unchanged", "");
	srd_inventory_free(inv);
	/* A region no driver took is evidence, not a sign that CXL did not
	 * enumerate: it looks the same as an administrator's unbind. */
	pol->fallback = SRD_FALLBACK_HMEM;
	inv = inventory("7.2.0", W0, 4 * GiB);
	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, false, 1);
	CHECK(srd_inventory_failure(inv, SRD_FAILURE_REGION_PROBE, "region0",
				    "region0: not bound") == 0);
	d = expect(inv, pol, NULL, NULL, "cxl", "cxl", "enable-region region0");
	CHECK(!d->fallback);
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_refusals)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);

	sr(inv, W0, W0 + 256 * MiB - 1);
	decoded(inv, W0, W0 + 256 * MiB - 1);
	hmem_dev(inv, "hmem.0", W0, W0 + 256 * MiB - 1, false);
	/* An incomplete inventory gets a verdict but no plan. */
	srd_inventory_problem(inv, "/sys/bus/cxl/devices/region3/commit: unreadable");
	struct srd_decision *d = expect(inv, pol, "strict", NULL, "hmem", "hmem", "");

	CHECK(d->refused);
	CHECK_CONTAINS(d->refusal, "region3/commit");
	srd_decision_free(d);
	srd_inventory_free(inv);

	/* Sources that disagree on the extent: no plan either. */
	inv = inventory("7.2.0", W0, 4 * GiB);
	sr(inv, W0, W0 + 512 * MiB - 1);
	decoded(inv, W0, W0 + 512 * MiB - 1);
	hmem_dev(inv, "hmem.0", W0, W0 + 512 * MiB - 1, false);
	CHECK(srd_inventory_add_piece(inv, SRD_SOURCE_IOMEM, &R(W0, W0 + 256 * MiB - 1), "iomem") ==
	      0);
	d = expect(inv, pol, "strict", NULL, "hmem", "hmem", "");
	CHECK(d->refused);
	CHECK_CONTAINS(d->refusal, "sources disagree");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_online_memory_and_dax_policy)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	struct srd_dax_dev *x;

	/* hmem serves it with memory online; policy wants CXL. */
	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1)->has_dax = false;
	x = dax(inv, "dax0.0", SRD_DAX_HMEM, "hmem.0", W0, W0 + 256 * MiB - 1, "kmem");
	x->memory_online = true;
	x->memory_movable = true;
	struct srd_decision *d = expect(inv, pol, "prefer-cxl", NULL, "none", "unchanged", "");

	CHECK_CONTAINS(d->ranges[0].reason, "AllowOffline=no");
	srd_decision_free(d);
	pol->allow_offline = true;
	EXPECT(inv, pol, "prefer-cxl", NULL, "cxl", "cxl",
	       "offline-memory dax0.0; release-hmem hmem.0; enable-region region0");
	srd_inventory_free(inv);

	/* CXL owns it; the policy wants system-ram online movable. */
	inv = inventory("7.2.0", W0, 4 * GiB);
	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	dax(inv, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "device_dax");
	pol->dax_cxl.mode = SRD_DAX_SYSTEM_RAM;
	d = expect(inv, pol, "strict", NULL, "cxl", "cxl", "configure-dax dax0.0");
	CHECK(d->actions[0].dax_mode == SRD_DAX_SYSTEM_RAM &&
	      d->actions[0].online == SRD_ONLINE_MOVABLE);
	srd_decision_free(d);
	/* Already as wanted: nothing to do. */
	inv->dax[0].memory_online = inv->dax[0].memory_movable = true;
	snprintf(inv->dax[0].driver, sizeof(inv->dax[0].driver), "kmem");
	EXPECT(inv, pol, "strict", NULL, "cxl", "cxl", "");
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* Whether two decisions say the same thing, field by field: verdict, every
 * range's owner, target and reason, the whole plan in order. */
static bool same_decision(const struct srd_decision *a, const struct srd_decision *b)
{
	if (a->mode != b->mode || a->verdict != b->verdict || a->fallback != b->fallback ||
	    a->refused != b->refused || a->decided_usec != b->decided_usec ||
	    strcmp(a->refusal, b->refusal) || strcmp(a->summary, b->summary) ||
	    a->n_ranges != b->n_ranges || a->n_actions != b->n_actions ||
	    a->n_innocent != b->n_innocent)
		return false;
	for (size_t i = 0; i < a->n_ranges; i++) {
		const struct srd_range_decision *x = &a->ranges[i], *y = &b->ranges[i];

		if (!srd_range_equal(&x->range, &y->range) || x->owner != y->owner ||
		    x->target != y->target || x->sources != y->sources ||
		    x->excluded != y->excluded || x->blocked != y->blocked || x->held != y->held ||
		    x->via_cxl_acpi != y->via_cxl_acpi || strcmp(x->reason, y->reason))
			return false;
	}
	for (size_t i = 0; i < a->n_actions; i++) {
		const struct srd_action *x = &a->actions[i], *y = &b->actions[i];

		if (x->kind != y->kind || strcmp(x->target, y->target) ||
		    !srd_range_equal(&x->range, &y->range) || x->dax_mode != y->dax_mode ||
		    x->online != y->online || x->layout != y->layout ||
		    strcmp(x->reason, y->reason))
			return false;
	}
	for (size_t i = 0; i < a->n_innocent; i++)
		if (strcmp(a->innocent[i], b->innocent[i]))
			return false;
	return true;
}

/* The same inventory, policy and input decide the same way every time; a
 * --policy override decides by its mode instead of Mode=, and an unknown one
 * is refused. */
TEST(test_determinism_and_override)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	struct srd_decide_input in = {.now_usec = 1234};
	struct srd_decision *a = NULL, *b = NULL, *o = NULL;

	/* Range A: region0 decodes half of it, dax_hmem registered all of it;
	 * range B: CXL's; region9: innocent. */
	sr(inv, W0, W0 + 512 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1)->has_dax = false;
	decoded(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	dax(inv, "dax0.0", SRD_DAX_HMEM, "hmem.0", W0, W0 + 512 * MiB - 1, "");
	sr(inv, W0 + GiB, W0 + GiB + 256 * MiB - 1);
	region(inv, "region1", W0 + GiB, W0 + GiB + 256 * MiB - 1, true, true, 2);
	dax(inv, "dax1.0", SRD_DAX_CXL, "region1", W0 + GiB, W0 + GiB + 256 * MiB - 1, "kmem");
	region(inv, "region9", W0 + 2 * GiB, W0 + 2 * GiB + 256 * MiB - 1, true, true, 9);
	CHECK(srd_inventory_derive(inv) == 0);

	CHECK(srd_decide(inv, pol, &in, &a) == 0);
	CHECK(srd_decide(inv, pol, &in, &b) == 0);
	CHECK(a != b);
	CHECK(a->n_actions > 0 && a->n_innocent == 1);
	CHECK(a->decided_usec == 1234);
	CHECK(same_decision(a, b));

	/* By Mode= (strict): both ranges to dax_hmem.  prefer-cxl by override: CXL
	 * keeps both ranges, a different verdict and plan. */
	CHECK(a->mode == SRD_MODE_STRICT);
	CHECK_STREQ(srd_verdict_to_string(a->verdict), "hmem");
	CHECK(a->ranges[0].target == SRD_TARGET_HMEM);
	in.policy_override = "prefer-cxl";
	CHECK(srd_decide(inv, pol, &in, &o) == 0);
	CHECK(o->mode == SRD_MODE_PREFER_CXL);
	CHECK_STREQ(srd_verdict_to_string(o->verdict), "cxl");
	CHECK(o->ranges[0].target == SRD_TARGET_CXL);
	CHECK(!same_decision(a, o));
	/* The override left the policy as it was: without it, strict again. */
	srd_decision_free(b);
	b = NULL;
	in.policy_override = NULL;
	CHECK(srd_decide(inv, pol, &in, &b) == 0);
	CHECK(same_decision(a, b));
	srd_decision_free(o);
	o = NULL;

	in.policy_override = "lenient";
	CHECK(srd_decide(inv, pol, &in, &o) == -EINVAL);
	CHECK(o == NULL);
	for (const char *m = "strict\0per-range\0prefer-cxl\0prefer-hmem\0audit\0"; *m;
	     m += strlen(m) + 1)
		CHECK(srd_mode_from_string(m) >= 0);
	CHECK(srd_verdict_to_string(_SRD_VERDICT_MAX) == NULL);
	srd_decision_free(a);
	srd_decision_free(b);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_held_ranges)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);
	struct srd_range held = R(W0, W0 + 256 * MiB - 1);
	struct srd_decide_input in = {.hold = &held, .n_hold = 1};
	struct srd_decision *d;

	/* dax_hmem holds two ranges over disabled committed regions; an
	 * administrator gave the first to dax_hmem by hand since srd's last pass.
	 * prefer-cxl moves only the second, unless Reassert=yes. */
	sr(inv, W0, W0 + 256 * MiB - 1);
	sr(inv, W0 + GiB, W0 + GiB + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, false, 1);
	region(inv, "region1", W0 + GiB, W0 + GiB + 256 * MiB - 1, true, false, 2);
	dax(inv, "dax0.0", SRD_DAX_HMEM, "hmem.0", W0, W0 + 256 * MiB - 1, "device_dax");
	dax(inv, "dax1.0", SRD_DAX_HMEM, "hmem.1", W0 + GiB, W0 + GiB + 256 * MiB - 1,
	    "device_dax");
	d = expect(inv, pol, "prefer-cxl", &in, "cxl", "unchanged cxl",
		   "release-hmem hmem.1; enable-region region1");
	CHECK(d->ranges[0].held && !d->ranges[1].held);
	CHECK_CONTAINS(d->ranges[0].reason, "Reassert=no");
	srd_decision_free(d);
	/* strict counts only the ranges it may move: the held one does not decide. */
	EXPECT(inv, pol, "strict", &in, "cxl", "unchanged cxl",
	       "release-hmem hmem.1; enable-region region1");
	pol->reassert = true;
	EXPECT(
	    inv, pol, "prefer-cxl", &in, "cxl", "cxl cxl",
	    "release-hmem hmem.0; release-hmem hmem.1; enable-region region0; enable-region region1");
	/* An owner that changed to what the policy wants anyway (the kernel's
	 * hmem probe finishing after srd's first pass) is not held. */
	pol->reassert = false;
	dax(inv, "dax2.0", SRD_DAX_HMEM, "hmem.2", 0x100000000, 0x10fffffff, "device_dax");
	struct srd_range outside = R(0x100000000, 0x10fffffff);
	struct srd_decide_input in2 = {.hold = &outside, .n_hold = 1};
	d = expect(
	    inv, pol, "prefer-cxl", &in2, "mixed", "hmem cxl cxl",
	    "release-hmem hmem.0; release-hmem hmem.1; enable-region region0; enable-region region1");
	CHECK(!d->ranges[0].held);
	srd_decision_free(d);
	pol->reassert = true;
	/* A replace in progress holds even with Reassert=yes. */
	in = (struct srd_decide_input){.replacing = &held, .n_replacing = 1};
	d = expect(inv, pol, "prefer-cxl", &in, "mixed", "hmem unchanged cxl",
		   "release-hmem hmem.1; enable-region region1");
	CHECK_CONTAINS(d->ranges[1].reason, "hotplug replace");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* Stopped between releasing dax_hmem and re-probing the region: the region is
 * enabled with no dax device and hmem is unbound.  Nobody serves the range,
 * and the next pass re-probes instead of calling it converged. */
TEST(test_interrupted_handoff)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	struct srd_region *r;
	struct srd_decision *d;

	sr(inv, W0, W0 + 256 * MiB - 1);
	r = region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	r->has_dax = false;
	hmem_dev(inv, "hmem.0", W0, W0 + 256 * MiB - 1, false);
	d = expect(inv, pol, "strict", NULL, "cxl", "cxl", "enable-region region0");
	CHECK(d->ranges[0].owner == SRD_OWNER_NONE);
	CHECK_CONTAINS(inv->ranges[0].reason, "has no dax device");
	/* The same machine is not what the decision wanted ... */
	CHECK(!srd_decision_converged(d, inv, NULL, NULL));
	/* ... until the region has its dax device again. */
	r->has_dax = true;
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(inv->ranges[0].owner == SRD_OWNER_CXL);
	CHECK(srd_decision_converged(d, inv, NULL, NULL));
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

/* What srd_decision_converged() reported for each range that is not as wanted. */
struct unconverged {
	size_t n;
	enum srd_owner wanted;
	bool gone; /* the range is not in the re-read inventory */
	enum srd_owner now;
	struct srd_range range;
};

static void record_unconverged(const struct srd_range_decision *want, enum srd_owner wanted,
			       const struct srd_sr_range *now, void *userdata)
{
	struct unconverged *u = userdata;

	u->n++;
	u->wanted = wanted;
	u->gone = !now;
	u->now = now ? now->owner : _SRD_OWNER_MAX;
	u->range = want->range;
}

/* The machine as re-read after a pass: one Soft Reserved range of 512 MiB at W0. */
static struct srd_inventory *after_pass(void)
{
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);

	sr(inv, W0, W0 + 512 * MiB - 1);
	return inv;
}

static bool converged(const struct srd_decision *d, struct srd_inventory *after,
		      struct unconverged *u)
{
	*u = (struct unconverged){};
	CHECK(srd_inventory_derive(after) == 0);
	bool ok = srd_decision_converged(d, after, record_unconverged, u);

	/* The callback is called exactly for the ranges that are not as wanted,
	 * and without one the answer is the same. */
	CHECK(ok == (u->n == 0));
	CHECK(ok == srd_decision_converged(d, after, NULL, NULL));
	return ok;
}

/* srd_decision_converged on literal inventories: the decision is taken on one
 * (SR of 512 MiB, region0 decoding half of it, dax_hmem holding it all), the
 * re-read machine is another. */
TEST(test_converged)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB), *after;
	struct srd_decision *want_cxl, *want_hmem, *audit, *keep;
	struct srd_region *r;
	struct unconverged u;

	sr(inv, W0, W0 + 512 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1)->has_dax = false;
	decoded(inv, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	dax(inv, "dax0.0", SRD_DAX_HMEM, "hmem.0", W0, W0 + 512 * MiB - 1, "");
	want_cxl = expect(inv, pol, "prefer-cxl", NULL, "cxl", "cxl",
			  "release-hmem hmem.0; enable-region region0");
	want_hmem = expect(inv, pol, "strict", NULL, "hmem", "hmem",
			   "release-region region0; claim-hmem hmem.0");
	audit = expect(inv, pol, "audit", NULL, "hmem", "hmem", "");
	pol->fallback = SRD_FALLBACK_KEEP;
	struct srd_decide_input timeout = {.settle_timed_out = true};
	keep = expect(inv, pol, "strict", &timeout, "none", "unchanged", "");
	/* The machine as it was decided on: nothing carried out yet. */
	CHECK(inv->ranges[0].owner == SRD_OWNER_CONFLICT);
	CHECK(!converged(want_cxl, inv, &u));
	CHECK(u.n == 1 && u.wanted == SRD_OWNER_CXL && u.now == SRD_OWNER_CONFLICT);
	CHECK(srd_range_equal(&u.range, &R(W0, W0 + 512 * MiB - 1)));
	CHECK(!converged(want_hmem, inv, &u));
	CHECK(u.n == 1 && u.wanted == SRD_OWNER_HMEM && u.now == SRD_OWNER_CONFLICT);
	/* audit wants nothing, and a range left unchanged is never unconverged. */
	CHECK(converged(audit, inv, &u));
	CHECK(converged(keep, inv, &u));

	/* Converged to CXL: region0 serves its half, dax_hmem nothing.  prefer-cxl
	 * accepts the part its regions decode. */
	after = after_pass();
	region(after, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	dax(after, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "kmem");
	CHECK(converged(want_cxl, after, &u));
	CHECK(after->ranges[0].owner == SRD_OWNER_CONFLICT); /* half-owned */
	CHECK_CONTAINS(after->ranges[0].reason, "half-owned");
	/* Owner differs: the same machine is not what strict wanted. */
	CHECK(!converged(want_hmem, after, &u));
	CHECK(u.n == 1 && u.wanted == SRD_OWNER_HMEM && u.now == SRD_OWNER_CONFLICT && !u.gone);
	srd_inventory_free(after);

	/* Converged to dax_hmem: hmem.0's dax device serves all of it, region0 released. */
	after = after_pass();
	region(after, "region0", W0, W0 + 256 * MiB - 1, true, false, 1);
	decoded(after, W0 + 256 * MiB, W0 + 512 * MiB - 1);
	dax(after, "dax0.0", SRD_DAX_HMEM, "hmem.0", W0, W0 + 512 * MiB - 1, "device_dax");
	CHECK(converged(want_hmem, after, &u));
	CHECK(after->n_ranges == 1);
	CHECK(after->ranges[0].owner == SRD_OWNER_HMEM);
	CHECK(!converged(want_cxl, after, &u));
	CHECK(u.n == 1 && u.wanted == SRD_OWNER_CXL && u.now == SRD_OWNER_HMEM);
	/* dax_hmem still holds it besides a CXL region serving its half: not CXL's. */
	region(after, "region1", W0, W0 + 256 * MiB - 1, true, true, 2);
	CHECK(!converged(want_cxl, after, &u));
	CHECK(u.now == SRD_OWNER_CONFLICT);
	srd_inventory_free(after);

	/* A range without a serving device: region0 enabled but without its dax
	 * device, dax_hmem unbound.  Nobody serves it: neither wanted owner has it. */
	after = after_pass();
	r = region(after, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	r->has_dax = false;
	hmem_dev(after, "hmem.0", W0, W0 + 512 * MiB - 1, false);
	CHECK(!converged(want_cxl, after, &u));
	CHECK(u.now == SRD_OWNER_NONE && !u.gone);
	CHECK(!converged(want_hmem, after, &u));
	CHECK(u.now == SRD_OWNER_NONE);
	srd_inventory_free(after);

	/* The hand-off to CXL interrupted after release-hmem, before enable-region:
	 * hmem.0 let go, region0 still unbound.  Not converged, the range reported
	 * as nobody's; once region0 is enabled with its dax device, converged. */
	after = after_pass();
	r = region(after, "region0", W0, W0 + 256 * MiB - 1, true, false, 1);
	hmem_dev(after, "hmem.0", W0, W0 + 512 * MiB - 1, false);
	CHECK(!converged(want_cxl, after, &u));
	CHECK(u.n == 1 && u.wanted == SRD_OWNER_CXL && u.now == SRD_OWNER_NONE);
	r->enabled = r->has_dax = true;
	dax(after, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "kmem");
	CHECK(converged(want_cxl, after, &u));
	srd_inventory_free(after);

	/* The range is gone from the re-read machine (the firmware map changed, a
	 * device went away): reported with no current state. */
	after = inventory("7.2.0", W0, 4 * GiB);
	sr(after, W0, W0 + 256 * MiB - 1);
	region(after, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	CHECK(!converged(want_cxl, after, &u));
	CHECK(u.n == 1 && u.gone);
	srd_inventory_free(after);

	srd_decision_free(want_cxl);
	srd_decision_free(want_hmem);
	srd_decision_free(audit);
	srd_decision_free(keep);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

int main(void)
{
	RUN(test_worked_example);
	RUN(test_all_contained);
	RUN(test_no_soft_reserved);
	RUN(test_innocent_next_to_failing);
	RUN(test_outside_windows_and_spanning);
	RUN(test_uncommitted_region);
	RUN(test_excluded_accelerator);
	RUN(test_stranded_6_12);
	RUN(test_nobody_gets_it_7_2);
	RUN(test_fallback);
	RUN(test_interrupted_handoff);
	RUN(test_refusals);
	RUN(test_online_memory_and_dax_policy);
	RUN(test_determinism_and_override);
	RUN(test_held_ranges);
	RUN(test_converged);
	return 0;
}
