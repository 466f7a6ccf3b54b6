// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark (not a test): owner derivation and decision + plan for N Soft
 * Reserved ranges against N regions (default 10,000 x 10,000), under every
 * policy, on an inventory built in memory.  Half the ranges are inside a
 * committed region, a quarter are larger than their region, a quarter have no
 * region; every range has its own hmem device so plans are long.
 *
 *   bench-decide [N] [ROUNDS]
 */
#include <time.h>

#include "decide.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct srd_inventory *build(size_t n)
{
	struct srd_inventory *inv = srd_inventory_new();
	const uint64_t base = 1ull << 40, step = 1ull << 30, size = 256ull << 20;
	struct srd_window *w = srd_inventory_add_window(inv);

	snprintf(inv->kernel_release, sizeof(inv->kernel_release), "7.2.0");
	inv->have_iomem = true;
	snprintf(w->name, sizeof(w->name), "decoder0.0");
	w->range = (struct srd_range){base, base + n * step - 1};
	for (size_t i = 0; i < n; i++) {
		uint64_t s = base + i * step;
		struct srd_range sr = {s, s + size - 1};
		struct srd_region *r = srd_inventory_add_region(inv);
		struct srd_dax_dev *d = srd_inventory_add_dax(inv);
		struct srd_decoded *dec = srd_inventory_add_decoded(inv);

		if (i % 4 == 2)
			sr.end += size; /* larger than its region */
		srd_inventory_add_piece(inv, SRD_SOURCE_MEMMAP, &sr, "bench");
		snprintf(r->name, sizeof(r->name), "region%zu", i);
		r->range = (struct srd_range){s, s + size - 1};
		r->has_range = true;
		r->committed = i % 4 != 3;
		r->enabled = r->committed;
		r->has_dax = true;
		r->ways = r->n_targets = 1;
		r->target_serial[0] = i;
		dec->range = sr;
		snprintf(d->name, sizeof(d->name), "dax%zu.0", i);
		snprintf(d->parent, sizeof(d->parent), "hmem.%zu", i);
		d->kind = SRD_DAX_HMEM;
		d->range = (struct srd_range){s + 2 * size, s + 3 * size - 1};
		d->has_range = true;
		snprintf(d->driver, sizeof(d->driver), "device_dax");
	}
	return inv;
}

int main(int argc, char *argv[])
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = build(n);
	const char *modes[] = {"strict", "per-range", "prefer-cxl", "prefer-hmem", "audit"};
	double t0, best;

	best = 1e9;
	for (int k = 0; k < rounds; k++) {
		t0 = now_ms();
		if (srd_inventory_derive(inv) < 0)
			return 1;
		if (now_ms() - t0 < best)
			best = now_ms() - t0;
	}
	printf("derive      %zu ranges x %zu regions: %8.2f ms (best of %d)\n", inv->n_ranges,
	       inv->n_regions, best, rounds);

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct srd_decide_input in = {.policy_override = modes[m]};
		size_t actions = 0;

		best = 1e9;
		for (int k = 0; k < rounds; k++) {
			struct srd_decision *d = NULL;

			t0 = now_ms();
			if (srd_decide(inv, pol, &in, &d) < 0)
				return 1;
			if (now_ms() - t0 < best)
				best = now_ms() - t0;
			actions = d->n_actions;
			srd_decision_free(d);
		}
		printf("decide+plan %-11s: %8.2f ms, %zu actions (best of %d)\n", modes[m], best,
		       actions, rounds);
	}
	srd_inventory_free(inv);
	srd_policy_free(pol);
	return 0;
}
