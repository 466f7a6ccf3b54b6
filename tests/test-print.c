// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The human output (daemon/srd-print.c) of literal data: the inventory, the
 * decision and its plan, and what srd --once says after a pass.
 */
#include "decide-fixtures.h"
#include "pass.h"
#include "srd-print.h"

struct out {
	char *text;
	size_t len;
	FILE *f;
};

static FILE *open_out(struct out *o)
{
	*o = (struct out){};
	o->f = open_memstream(&o->text, &o->len);
	CHECK(o->f);
	return o->f;
}

static char *close_out(struct out *o)
{
	CHECK(fclose(o->f) == 0);
	return o->text;
}

/* The text begins with prefix. */
#define CHECK_STARTS(text, prefix) CHECK(strncmp((text), (prefix), strlen(prefix)) == 0)

TEST(test_inventory)
{
	struct srd_inventory *inv = cxl_and_stranded();
	struct out o;
	char *t;

	srd_print_inventory(inv, open_out(&o));
	t = close_out(&o);
	CHECK_STARTS(t, "Kernel 6.12.0, behaviour ");
	CHECK_CONTAINS(t, "\nSoft Reserved ranges: 2\n");
	CHECK_CONTAINS(t, "0x490000000-0x49fffffff");
	CHECK_CONTAINS(t, "\nCXL windows: 1\n  decoder0.0 ");
	CHECK_CONTAINS(t, "\nCXL regions: 1\n  region0 ");
	CHECK_CONTAINS(t, "committed enabled dax ways 1: mem1\n");
	CHECK_CONTAINS(t, "\nDAX devices: 1\n  dax0.0   region0 ");
	CHECK(!strstr(t, "INCOMPLETE"));
	free(t);

	CHECK(srd_inventory_problem(inv, "/proc/iomem: unreadable") == 0);
	srd_print_inventory(inv, open_out(&o));
	t = close_out(&o);
	CHECK_CONTAINS(
	    t,
	    "\nINCOMPLETE: 1 problem(s); srd will not act on this inventory\n  /proc/iomem: unreadable\n");
	free(t);
	srd_inventory_free(inv);
}

TEST(test_decision)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = cxl_and_stranded();
	struct srd_decision *d = expect(inv, pol, "per-range", NULL, "cxl", "cxl unchanged", "");
	struct out o;
	char *t;

	srd_print_decision(d, open_out(&o));
	t = close_out(&o);
	CHECK_STARTS(t, "Policy per-range: verdict cxl\n");
	CHECK_CONTAINS(t, "now cxl      -> cxl");
	CHECK_CONTAINS(t, d->ranges[0].reason);
	CHECK_CONTAINS(t, "\nPlan: 0 actions\n");
	free(t);
	srd_decision_free(d);

	d = expect(inv, pol, "audit", NULL, "none", "unchanged unchanged", "");
	srd_print_decision(d, open_out(&o));
	t = close_out(&o);
	CHECK_CONTAINS(t, "\nPlan: 0 actions (audit: decide and report only)\n");
	free(t);
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

TEST(test_pass)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = cxl_and_stranded();
	struct srd_unconverged u = {
	    .range = {W0, W0 + 256 * MiB - 1}, .wanted = SRD_OWNER_HMEM, .owner = SRD_OWNER_CXL};
	struct srd_pass p = {
	    .inventory = inv,
	    .decision = expect(inv, pol, "per-range", NULL, "cxl", "cxl unchanged", ""),
	    .checked = true,
	    .converged = true,
	};
	struct out o;
	char *t;

	srd_print_pass(&p, true, open_out(&o));
	t = close_out(&o);
	CHECK_STARTS(t, "Nothing to do.\n\nAfter:\n  0x490000000-0x49fffffff");
	CHECK_CONTAINS(t, "\nConverged: the machine matches the verdict.\n");
	CHECK(!strstr(t, "note:"));
	free(t);

	/* A previous run cut short, a dry run: no "After:", the dry run's verdict. */
	snprintf(p.apply.interrupted, sizeof(p.apply.interrupted),
		 "a previous run stopped during action 2");
	p.dry_run = true;
	srd_print_pass(&p, true, open_out(&o));
	t = close_out(&o);
	CHECK_STARTS(
	    t, "note: a previous run stopped during action 2; converging from a fresh inventory\n");
	CHECK(!strstr(t, "After:"));
	CHECK_CONTAINS(t, "Dry run complete.\n");
	free(t);

	p.dry_run = false;
	p.unconverged = &u;
	p.n_unconverged = 1;
	srd_print_pass(&p, false, open_out(&o));
	t = close_out(&o);
	CHECK_CONTAINS(t, "\nNOT converged.\n");
	free(t);
	srd_print_unconverged(&p, open_out(&o));
	t = close_out(&o);
	CHECK_STREQ(t, "srd: 0x490000000-0x49fffffff: wanted hmem, owner is cxl\n");
	free(t);
	u.gone = true;
	srd_print_unconverged(&p, open_out(&o));
	t = close_out(&o);
	CHECK_CONTAINS(t, "owner is gone\n");
	free(t);
	srd_decision_free(p.decision);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

int main(void)
{
	RUN(test_inventory);
	RUN(test_decision);
	RUN(test_pass);
	return 0;
}
