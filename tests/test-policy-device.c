// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [Device] rules: parsing (good sections, every bad value and contradiction
 * named by FILE:LINE), identity and matching on literal inventories (each
 * key, several keys together, first match wins, nothing matches), and the
 * plan's per-device configure-dax actions.
 */
#include "decide-fixtures.h"
#include "policy-device.h"

static struct srd_policy *parse(const char *text, int want_errors, char ***errs, size_t *n)
{
	struct srd_policy *p = srd_policy_new();
	int r;

	*errs = NULL;
	*n = 0;
	r = srd_policy_parse(p, text, strlen(text), "/etc/srd/srd.conf", NULL, errs, n);
	if (r != want_errors) {
		fprintf(stderr, "%d errors, want %d\n", r, want_errors);
		for (size_t i = 0; i < *n; i++)
			fprintf(stderr, "  %s\n", (*errs)[i]);
	}
	CHECK(r == want_errors);
	return p;
}

static void parse_fails(const char *text, const char *message)
{
	char **errs;
	size_t n;
	struct srd_policy *p = parse(text, 1, &errs, &n);

	CHECK(n == 1);
	CHECK_CONTAINS(errs[0], message);
	srd_strv_free(errs, n);
	srd_policy_free(p);
}

TEST(test_parse_good)
{
	const char *text =
	    "[CXL]\nDaxMode=system-ram\n"
	    "\n[Device]\nSerial=0x1001\nSerial=4098\nDaxMode=devdax\nAlign=1G\n"
	    "\n[Device]\nRange=0x490000000+256M\nPCI=0d:00.0\nNode=2\nDaxMode=system-ram\n"
	    "Online=normal\nMemmapOnMemory=yes\n"
	    "\n[Device]\nHMEMRange=0x4b0000000-0x4bfffffff\nDaxMode=keep\n";
	char **errs;
	size_t n;
	struct srd_policy *p = parse(text, 0, &errs, &n);
	const struct srd_device_rule *r;

	CHECK(p->n_device_rules == 3);
	r = &p->device_rules[0];
	CHECK_STREQ(r->origin.where, "/etc/srd/srd.conf:4");
	CHECK(r->keys == SRD_DEVICE_KEY_SERIAL && r->n_serials == 2);
	CHECK_EQ_U64(r->serials[0], 0x1001);
	CHECK_EQ_U64(r->serials[1], 4098);
	CHECK(r->mode == SRD_DAX_DEVDAX && r->memmap_on_memory == -1);
	CHECK_EQ_U64(r->align_bytes, 1ull << 30);
	r = &p->device_rules[1];
	CHECK(r->keys == (SRD_DEVICE_KEY_RANGE | SRD_DEVICE_KEY_PCI | SRD_DEVICE_KEY_NODE));
	CHECK_EQ_U64(r->range.start, 0x490000000);
	CHECK_EQ_U64(r->range.end, 0x49fffffff);
	CHECK_STREQ(r->pci[0], "0000:0d:00.0");
	CHECK(r->node == 2 && r->mode == SRD_DAX_SYSTEM_RAM && r->online == SRD_ONLINE_NORMAL);
	CHECK(r->memmap_on_memory == 1 && r->align_bytes == 0);
	CHECK_STREQ(r->online_origin.where, "/etc/srd/srd.conf:15");
	r = &p->device_rules[2];
	CHECK(r->keys == SRD_DEVICE_KEY_HMEM && r->mode == SRD_DAX_KEEP);
	CHECK_EQ_U64(r->hmem_range.start, 0x4b0000000);
	/* The global default is untouched by the rules. */
	CHECK(p->dax_cxl.mode == SRD_DAX_SYSTEM_RAM);
	/* An empty assignment resets a list. */
	srd_policy_free(p);
	p = parse("[Device]\nSerial=1\nSerial=\nSerial=2\nDaxMode=devdax\n", 0, &errs, &n);
	CHECK(p->device_rules[0].n_serials == 1 && p->device_rules[0].serials[0] == 2);
	srd_policy_free(p);
}

TEST(test_parse_match_scope)
{
	/* A [Device] in a [Match] scope that does not apply is checked, not kept. */
	const char *text = "[Match]\nHostname=other\n[Device]\nNode=1\nDaxMode=devdax\n";
	char **errs;
	size_t n;
	struct srd_policy *p = parse(text, 0, &errs, &n);

	CHECK(p->n_device_rules == 0);
	srd_policy_free(p);
	p = parse("[Match]\nHostname=other\n[Device]\nNode=x\nDaxMode=devdax\n", 1, &errs, &n);
	CHECK_CONTAINS(errs[0], "/etc/srd/srd.conf:4: Node=x");
	srd_strv_free(errs, n);
	srd_policy_free(p);
}

TEST(test_parse_bad)
{
	parse_fails("[Device]\nSerial=0x1\nDaxMode=devdax\nAlign=3M\n",
		    "srd.conf:4: Align=3M: expected a power of two");
	parse_fails("[Device]\nSerial=0x1\nDaxMode=devdax\nAlign=2K\n", "srd.conf:4: Align=2K");
	parse_fails("[Device]\nSerial=012\nDaxMode=devdax\n",
		    "srd.conf:2: Serial=012: a leading zero");
	parse_fails("[Device]\nSerial=0x1\nDaxMode=ram\n",
		    "srd.conf:3: DaxMode=ram: expected one of keep, devdax, system-ram");
	parse_fails("[Device]\nSerial=0x1\nDaxMode=system-ram\nOnline=yes\n",
		    "srd.conf:4: Online=yes");
	parse_fails("[Device]\nSerial=0x1\nDaxMode=system-ram\nMemmapOnMemory=maybe\n",
		    "srd.conf:4: MemmapOnMemory=maybe: expected yes or no");
	parse_fails("[Device]\nPCI=0d:00\nDaxMode=devdax\n",
		    "srd.conf:2: PCI=0d:00: expected a PCI address");
	parse_fails("[Device]\nPCI=0000:0d:00.9\nDaxMode=devdax\n", "srd.conf:2: PCI=0000:0d:00.9");
	parse_fails("[Device]\nRange=0x2000-0x1000\nDaxMode=devdax\n",
		    "srd.conf:2: Range=0x2000-0x1000");
	parse_fails("[Device]\nHMEMRange=oops\nDaxMode=devdax\n", "srd.conf:2: HMEMRange=oops");
	parse_fails("[Device]\nNode=4096\nDaxMode=devdax\n",
		    "srd.conf:2: Node=4096: expected a NUMA node");
	parse_fails("[Device]\nNode=1\nColour=red\n",
		    "srd.conf:3: unknown key Colour= in [Device]");
	/* Whole-section checks name the header's line (or the key's). */
	parse_fails("[Policy]\nMode=strict\n[Device]\nDaxMode=devdax\n",
		    "srd.conf:3: [Device] has no match key");
	parse_fails("[Device]\nNode=1\nOnline=movable\n", "srd.conf:1: [Device] sets no DaxMode=");
	parse_fails(
	    "[Device]\nNode=1\nDaxMode=devdax\nOnline=normal\n[HMEM]\n",
	    "srd.conf:4: Online=normal applies to DaxMode=system-ram, not devdax (/etc/srd/srd.conf:3)");
	parse_fails("[Device]\nNode=1\nDaxMode=devdax\nMemmapOnMemory=yes\n",
		    "srd.conf:4: MemmapOnMemory= applies to DaxMode=system-ram");
	parse_fails("[Device]\nNode=1\nDaxMode=system-ram\nAlign=2M\n",
		    "srd.conf:4: Align= applies to DaxMode=devdax");
	parse_fails("[Device]\nSerial=1\nHMEMRange=0x1000+4K\nDaxMode=devdax\n",
		    "srd.conf:1: [Device] HMEMRange= (a dax_hmem device) and Serial=/Range=/PCI=");
}

/* Two regions (serials 1 and 2, node 1 and 2) and an hmem device (node 3). */
static struct srd_inventory *machine(void)
{
	struct srd_inventory *inv = inventory("7.2.0", W0, 4 * GiB);
	struct srd_memdev *m;
	struct srd_dax_dev *x;

	sr(inv, W0, W0 + 256 * MiB - 1);
	sr(inv, W0 + 512 * MiB, W0 + 768 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	region(inv, "region1", W0 + 512 * MiB, W0 + 768 * MiB - 1, true, true, 2);
	for (int i = 1; i <= 2; i++) {
		m = srd_inventory_add_memdev(inv);
		snprintf(m->name, sizeof(m->name), "mem%d", i);
		snprintf(m->host, sizeof(m->host), "0000:0%x:00.0", i + 0xc);
		m->serial = (uint64_t)i;
	}
	x = dax(inv, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "device_dax");
	x->target_node = 1;
	x->align_bytes = 2 * MiB;
	x->align_writable = true;
	x = dax(inv, "dax1.0", SRD_DAX_CXL, "region1", W0 + 512 * MiB, W0 + 768 * MiB - 1,
		"device_dax");
	x->target_node = 2;
	x->align_bytes = 2 * MiB;
	x->memmap_on_memory = 0;
	x = dax(inv, "dax2.0", SRD_DAX_HMEM, "hmem.0", 0x100000000, 0x10fffffff, "");
	x->target_node = 3;
	return inv;
}

/* The rule (FILE:LINE's line) each of the machine's dax devices gets, "-" for the default. */
static void expect_rules(const char *conf, const char *want)
{
	char **errs, got[128] = "";
	size_t n;
	struct srd_policy *p = parse(conf, 0, &errs, &n);
	struct srd_inventory *inv = machine();

	CHECK(srd_inventory_derive(inv) == 0);
	for (size_t i = 0; i < inv->n_dax; i++) {
		struct srd_dax_setting s;

		srd_dax_setting_for(p, inv, &inv->dax[i], &s);
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 s.rule < 0 ? "-" : strrchr(s.origin, ':') + 1);
	}
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%s\n  rules '%s', want '%s'\n", conf, got, want);
		abort();
	}
	srd_inventory_free(inv);
	srd_policy_free(p);
}

TEST(test_identity)
{
	struct srd_inventory *inv = machine();
	struct srd_dax_identity id;

	srd_dax_identity(inv, &inv->dax[1], &id);
	CHECK(id.has_region_range && !id.has_hmem_range);
	CHECK_STREQ(id.region, "region1");
	CHECK_EQ_U64(id.region_range.start, W0 + 512 * MiB);
	CHECK(id.n_memdevs == 1 && id.serials[0] == 2 && id.node == 2);
	CHECK_STREQ(id.memdevs[0], "mem2");
	CHECK_STREQ(id.pci[0], "0000:0e:00.0");
	srd_dax_identity(inv, &inv->dax[2], &id);
	CHECK(!id.has_region_range && id.has_hmem_range && id.n_memdevs == 0 && id.node == 3);
	CHECK_EQ_U64(id.hmem_range.end, 0x10fffffff);
	srd_inventory_free(inv);
}

TEST(test_match_each_key)
{
	expect_rules("", "- - -");
	expect_rules("[Device]\nSerial=2\nDaxMode=devdax\n", "- 1 -");
	expect_rules("[Device]\nPCI=0000:0D:00.0\nDaxMode=devdax\n", "1 - -");
	/* Range= inside the region's HPA, equal to it, or spilling over it. */
	expect_rules("[Device]\nRange=0x490001000+4K\nDaxMode=devdax\n", "1 - -");
	expect_rules("[Device]\nRange=0x4b0000000-0x4bfffffff\nDaxMode=devdax\n", "- 1 -");
	expect_rules("[Device]\nRange=0x490000000+512M\nDaxMode=devdax\n", "- - -");
	/* HMEMRange= matches only dax_hmem's devices, Range= only CXL's. */
	expect_rules("[Device]\nHMEMRange=0x100000000+256M\nDaxMode=devdax\n", "- - 1");
	expect_rules("[Device]\nRange=0x100000000+256M\nDaxMode=devdax\n", "- - -");
	expect_rules("[Device]\nHMEMRange=0x490000000+256M\nDaxMode=devdax\n", "- - -");
	expect_rules("[Device]\nNode=3\nDaxMode=devdax\n", "- - 1");
	expect_rules("[Device]\nSerial=7\nDaxMode=devdax\n", "- - -");
}

TEST(test_match_keys_together_and_precedence)
{
	/* Every key must match: serial 1 is not on node 2. */
	expect_rules("[Device]\nSerial=1\nNode=2\nDaxMode=devdax\n", "- - -");
	expect_rules("[Device]\nSerial=2\nNode=2\nPCI=0e:00.0\nDaxMode=devdax\n", "- 1 -");
	/* Every value of a list must be behind the region (an interleave set). */
	expect_rules("[Device]\nSerial=1\nSerial=2\nDaxMode=devdax\n", "- - -");
	/* The first match in file order wins; a later, broader rule takes the rest. */
	expect_rules("[Device]\nSerial=2\nDaxMode=devdax\n\n[Device]\nRange=0x490000000+4K\n"
		     "DaxMode=keep\n[Device]\nNode=1\nDaxMode=system-ram\n",
		     "5 1 -");
	expect_rules("[Device]\nNode=1\nDaxMode=system-ram\n[Device]\nSerial=1\nDaxMode=devdax\n",
		     "1 - -");
}

TEST(test_unmatched)
{
	char **errs;
	size_t n, *ids;
	struct srd_policy *p =
	    parse("[Device]\nSerial=9\nDaxMode=devdax\n[Device]\nNode=3\nDaxMode=devdax\n"
		  "[Device]\nNode=7\nDaxMode=devdax\n",
		  0, &errs, &n);
	struct srd_inventory *inv = machine();

	CHECK(srd_device_rules_unmatched(p, inv, &ids) == 2);
	CHECK(ids[0] == 0 && ids[1] == 2);
	free(ids);
	srd_inventory_free(inv);
	srd_policy_free(p);
}

static const struct srd_action *action_for(const struct srd_decision *d, const char *target)
{
	for (size_t i = 0; i < d->n_actions; i++)
		if (d->actions[i].kind == SRD_ACTION_CONFIGURE_DAX &&
		    srd_streq(d->actions[i].target, target))
			return &d->actions[i];
	return NULL;
}

TEST(test_plan_per_device)
{
	const char *conf =
	    "[CXL]\nDaxMode=devdax\n"
	    "[Device]\nSerial=2\nDaxMode=system-ram\nOnline=movable\nMemmapOnMemory=yes\n"
	    "[Device]\nNode=1\nDaxMode=devdax\nAlign=1G\n";
	char **errs;
	size_t n;
	struct srd_policy *p = parse(conf, 0, &errs, &n);
	struct srd_inventory *inv = machine();
	struct srd_decision *d;
	const struct srd_action *a;

	/* per-range: CXL keeps both regions; dax_hmem keeps the range outside the window. */
	p->mode = SRD_MODE_PER_RANGE;
	d = expect(inv, p, NULL, NULL, "mixed", "hmem cxl cxl",
		   "configure-dax dax0.0; configure-dax dax1.0");
	a = action_for(d, "dax0.0");
	CHECK(a && a->dax_mode == SRD_DAX_DEVDAX && a->memmap_on_memory == -1);
	CHECK_EQ_U64(a->align_bytes, 1ull << 30);
	CHECK_STREQ(a->rule, "/etc/srd/srd.conf:8");
	CHECK_CONTAINS(a->reason,
		       "[Device] /etc/srd/srd.conf:8 (Node=) wants devdax align 1073741824");
	CHECK_CONTAINS(a->reason, "align is 2097152");
	a = action_for(d, "dax1.0");
	CHECK(a && a->dax_mode == SRD_DAX_SYSTEM_RAM && a->online == SRD_ONLINE_MOVABLE);
	CHECK(a->memmap_on_memory == 1 && a->align_bytes == 0);
	CHECK_STREQ(a->rule, "/etc/srd/srd.conf:3");
	CHECK_CONTAINS(
	    a->reason,
	    "(Serial=) wants system-ram online movable memmap_on_memory, it is device_dax");
	srd_decision_free(d);

	/* Configured as the rules say: nothing left to do. */
	inv->dax[0].align_bytes = 1ull << 30;
	snprintf(inv->dax[1].driver, sizeof(inv->dax[1].driver), "kmem");
	inv->dax[1].memory_online = inv->dax[1].memory_movable = true;
	inv->dax[1].memmap_on_memory = 1;
	EXPECT(inv, p, NULL, NULL, "mixed", "hmem cxl cxl", "");
	/* Online in the wrong zone, or memmap_on_memory differs: configure again. */
	inv->dax[1].memory_movable = false;
	d = expect(inv, p, NULL, NULL, "mixed", "hmem cxl cxl", "configure-dax dax1.0");
	CHECK_CONTAINS(d->actions[0].reason, "its memory is online");
	srd_decision_free(d);
	inv->dax[1].memory_movable = true;
	inv->dax[1].memmap_on_memory =
	    -1; /* the kernel has no such attribute: the executor refuses */
	d = expect(inv, p, NULL, NULL, "mixed", "hmem cxl cxl", "configure-dax dax1.0");
	CHECK_CONTAINS(d->actions[0].reason, "memmap_on_memory is absent");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(p);
}

TEST(test_plan_default_and_pending)
{
	/* No rule matches: the [CXL]/[HMEM] default, named as such. */
	const char *conf =
	    "[HMEM]\nDaxMode=system-ram\n[Device]\nHMEMRange=0x400000000+4K\nDaxMode=devdax\n";
	char **errs;
	size_t n;
	struct srd_policy *p = parse(conf, 0, &errs, &n);
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);
	struct srd_decision *d;

	/* Outside every window, no hmem device yet: the claim creates the dax
	 * device, and the rule matches it by its range before it exists. */
	sr(inv, 0x500000000 - 4 * GiB, 0x50fffffff - 4 * GiB);
	d = expect(inv, p, NULL, NULL, "hmem", "hmem",
		   "claim-hmem 0x400000000-0x40fffffff; configure-dax 0x400000000-0x40fffffff");
	CHECK(d->actions[1].dax_mode == SRD_DAX_DEVDAX);
	CHECK_STREQ(d->actions[1].rule, "/etc/srd/srd.conf:3");
	CHECK_CONTAINS(d->actions[1].reason,
		       "(HMEMRange=) wants devdax, for the dax device dax_hmem creates");
	srd_decision_free(d);
	srd_inventory_free(inv);

	inv = machine();
	d = expect(inv, p, "per-range", NULL, "mixed", "hmem cxl cxl", "configure-dax dax2.0");
	CHECK(d->actions[0].dax_mode == SRD_DAX_SYSTEM_RAM && d->actions[0].rule[0] == '\0');
	CHECK_CONTAINS(
	    d->actions[0].reason,
	    "policy wants system-ram online movable (/etc/srd/srd.conf:2), it is unbound");
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(p);
}

int main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_match_scope);
	RUN(test_parse_bad);
	RUN(test_identity);
	RUN(test_match_each_key);
	RUN(test_match_keys_together_and_precedence);
	RUN(test_unmatched);
	RUN(test_plan_per_device);
	RUN(test_plan_default_and_pending);
	return 0;
}
