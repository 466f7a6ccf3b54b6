/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Literal inventories for the decision's tests (test-decide.c, test-handoff.c):
 * builders for windows, Soft Reserved pieces, regions, decoders, dax and hmem
 * devices, and expect(), which decides and compares the verdict, each range's
 * target and the whole plan (as "action target" lines).
 */
#pragma once

#include "decide.h"
#include "test-util.h"

#define R(a, b) ((struct srd_range){(a), (b)})
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define W0 0x490000000ull

static inline struct srd_inventory *inventory(const char *release, uint64_t wstart, uint64_t wsize)
{
	struct srd_inventory *inv = srd_inventory_new();
	struct srd_window *w = srd_inventory_add_window(inv);

	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "%s", release);
	inv->have_iomem = true;
	inv->drivers[SRD_DRIVER_DAX_CXL].present = true;
	inv->drivers[SRD_DRIVER_HMEM_PLATFORM].present = true;
	inv->drivers[SRD_DRIVER_DAX_HMEM].present = true;
	inv->cxl_acpi_bound = true;
	snprintf(w->name, sizeof(w->name), "decoder0.0");
	w->enumerated = true;
	w->range = R(wstart, wstart + wsize - 1);
	return inv;
}

static inline void sr(struct srd_inventory *inv, uint64_t s, uint64_t e)
{
	struct srd_range r = R(s, e);

	CHECK(srd_inventory_add_piece(inv, SRD_SOURCE_MEMMAP, &r, "t") == 0);
}

static inline struct srd_region *region(struct srd_inventory *inv, const char *name, uint64_t s,
					uint64_t e, bool committed, bool enabled, uint64_t serial)
{
	struct srd_region *r = srd_inventory_add_region(inv);
	struct srd_decoded *d;

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->range = R(s, e);
	r->has_range = true;
	r->committed = committed;
	r->enabled = enabled;
	r->has_dax = enabled;
	snprintf(r->mode, sizeof(r->mode), "ram");
	r->ways = 1;
	r->n_targets = 1;
	r->target_serial[0] = serial;
	snprintf(r->target_memdev[0], SRD_NAME_MAX, "mem%llu", (unsigned long long)serial);
	snprintf(r->target_decoder[0], SRD_NAME_MAX, "decoder%llu.0",
		 (unsigned long long)serial + 10);
	if (committed) {
		d = srd_inventory_add_decoded(inv);
		d->range = r->range;
		snprintf(d->decoder, sizeof(d->decoder), "%s", r->target_decoder[0]);
	}
	return r;
}

/* Firmware-committed decoders with no region object (6.1, or a failed assembly). */
static inline void decoded(struct srd_inventory *inv, uint64_t s, uint64_t e)
{
	srd_inventory_add_decoded(inv)->range = R(s, e);
}

static inline struct srd_dax_dev *dax(struct srd_inventory *inv, const char *name,
				      enum srd_dax_kind kind, const char *parent, uint64_t s,
				      uint64_t e, const char *driver)
{
	struct srd_dax_dev *d = srd_inventory_add_dax(inv);

	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->parent, sizeof(d->parent), "%s", parent);
	snprintf(d->driver, sizeof(d->driver), "%s", driver);
	d->kind = kind;
	d->range = R(s, e);
	d->has_range = true;
	if (kind == SRD_DAX_HMEM) {
		struct srd_hmem *h = srd_inventory_add_hmem(inv);

		snprintf(h->name, sizeof(h->name), "%s", parent);
		snprintf(h->driver, sizeof(h->driver), "hmem");
		h->range = d->range;
		h->has_range = true;
		CHECK(srd_inventory_add_piece(inv, SRD_SOURCE_HMEM, &d->range, parent) == 0);
	}
	return d;
}

/* An hmem device registered for [s, e] without a dax device serving it (its
 * driver unbound, or its dax device failed): the way a range goes to dax_hmem. */
static inline void hmem_dev(struct srd_inventory *inv, const char *name, uint64_t s, uint64_t e,
			    bool bound)
{
	struct srd_hmem *h = srd_inventory_add_hmem(inv);

	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->driver, sizeof(h->driver), "%s", bound ? "hmem" : "");
	h->range = R(s, e);
	h->has_range = true;
}

/* A range CXL serves (region0, its dax device on kmem) and a stranded one 1 GiB above, derived. */
static inline struct srd_inventory *cxl_and_stranded(void)
{
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);

	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	dax(inv, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "kmem");
	sr(inv, W0 + GiB, W0 + GiB + 256 * MiB - 1);
	CHECK(srd_inventory_derive(inv) == 0);
	return inv;
}

/* Decides (mode NULL: by the policy's Mode=, no --policy) and checks verdict, targets ("cxl hmem
 * unchanged" per range) and plan. */
static inline struct srd_decision *expect(struct srd_inventory *inv, struct srd_policy *pol,
					  const char *mode, const struct srd_decide_input *in_base,
					  const char *verdict, const char *targets,
					  const char *plan)
{
	struct srd_decide_input in = in_base ? *in_base : (struct srd_decide_input){};
	struct srd_decision *d = NULL;
	char got_t[512] = "", got_p[2048] = "";

	in.policy_override = mode;
	CHECK(srd_inventory_derive(inv) == 0);
	CHECK(srd_decide(inv, pol, &in, &d) == 0);
	for (size_t i = 0; i < d->n_ranges; i++)
		snprintf(got_t + strlen(got_t), sizeof(got_t) - strlen(got_t), "%s%s", i ? " " : "",
			 srd_target_to_string(d->ranges[i].target));
	for (size_t i = 0; i < d->n_actions; i++)
		snprintf(got_p + strlen(got_p), sizeof(got_p) - strlen(got_p), "%s%s %s",
			 i ? "; " : "", srd_action_to_string(d->actions[i].kind),
			 d->actions[i].target);
	if (strcmp(srd_verdict_to_string(d->verdict), verdict) != 0 ||
	    strcmp(got_t, targets) != 0 || strcmp(got_p, plan) != 0) {
		fprintf(stderr,
			"policy %s:\n  verdict %s (want %s)\n  targets '%s' (want '%s')\n"
			"  plan '%s'\n  want '%s'\n",
			mode, srd_verdict_to_string(d->verdict), verdict, got_t, targets, got_p,
			plan);
		for (size_t i = 0; i < d->n_ranges; i++)
			fprintf(stderr, "  range %zu: %s\n", i, d->ranges[i].reason);
		abort();
	}
	return d;
}

#define EXPECT(...) srd_decision_free(expect(__VA_ARGS__))
