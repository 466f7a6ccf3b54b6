// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decision: which owner each Soft Reserved range should have.
 *
 * The rules come from the kernel developers' review of the in-kernel attempts
 * (DESIGN.md, seeds/): "CXL understands everything, or touches nothing";
 * a region that overlaps no Soft Reserved range (a device the firmware
 * ignored, or one an administrator created) is never touched; excluded
 * ranges and devices (accelerator memory) are neither counted nor touched;
 * when CXL enumeration does not settle or a CXL driver fails, the policy's
 * fallback decides (HMEM by default).  On top of those srd refuses anything
 * that would lose memory: it never hands dax_hmem a range inside a CXL window
 * that no committed HDM decoder decodes (onlining it faults), never acts on
 * an incomplete or inconsistent inventory, and never takes online memory
 * offline unless the policy allows it.
 *
 * Everything here is computed from its arguments; plan.c turns the targets
 * into actions.
 */
#include <string.h>

#include "plan.h"
#include "handoff.h"

static const char *const verdict_names[_SRD_VERDICT_MAX] = {"cxl", "hmem", "mixed", "none"};
static const char *const target_names[_SRD_TARGET_MAX] = {"cxl", "hmem", "unchanged"};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_verdict, enum srd_verdict, verdict_names, _SRD_VERDICT_MAX)

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_target, enum srd_target, target_names, _SRD_TARGET_MAX)

void srd_decision_free(struct srd_decision *d)
{
	if (!d)
		return;
	free(d->ranges);
	free(d->actions);
	free(d->innocent);
	free(d);
}

struct decide_ctx {
	const struct srd_inventory *inv;
	const struct srd_policy *pol;
	struct srd_decision *d;
	struct srd_range_index regions; /* ids: inv->regions */
	struct srd_range_index units; /* ids: inv->ranges */
	struct srd_range_index dax; /* ids: inv->dax */
	const struct srd_dax_dev *online_hit;
	bool *region_excluded;
	bool *region_touches_sr;
	/* scratch for coverage queries */
	struct srd_range *scratch;
	size_t n_scratch;
};

static int memdev_name_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct srd_memdev *const *)a)->name,
		      (*(const struct srd_memdev *const *)b)->name);
}

static bool serial_excluded(const struct srd_policy *pol, uint64_t serial)
{
	for (size_t i = 0; i < pol->n_exclude_serials; i++)
		if (pol->exclude_serials[i].serial == serial)
			return true;
	return false;
}

static bool pci_excluded(const struct srd_policy *pol, const struct srd_memdev *m)
{
	for (size_t i = 0; i < pol->n_exclude_pci; i++)
		if (pol->exclude_pci[i].vendor == m->pci_vendor &&
		    pol->exclude_pci[i].device == m->pci_device)
			return true;
	return false;
}

/* A region is excluded when any of its devices is (accelerator memory). */
static int mark_excluded_regions(struct decide_ctx *c)
{
	const struct srd_inventory *inv = c->inv;
	_cleanup_free_ const struct srd_memdev **by_name = NULL;

	c->region_excluded = calloc(inv->n_regions ? inv->n_regions : 1, sizeof(bool));
	by_name = malloc(sizeof(*by_name) * (inv->n_memdevs ? inv->n_memdevs : 1));
	if (!c->region_excluded || !by_name)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_memdevs; i++)
		by_name[i] = &inv->memdevs[i];
	qsort(by_name, inv->n_memdevs, sizeof(*by_name), memdev_name_cmp);

	for (size_t i = 0; i < inv->n_regions; i++) {
		const struct srd_region *r = &inv->regions[i];

		for (unsigned t = 0; t < r->n_targets; t++) {
			struct srd_memdev key = {}, *kp = &key;
			const struct srd_memdev **m;

			if (r->target_serial[t] != UINT64_MAX &&
			    serial_excluded(c->pol, r->target_serial[t]))
				c->region_excluded[i] = true;
			snprintf(key.name, sizeof(key.name), "%s", r->target_memdev[t]);
			m = bsearch(&kp, by_name, inv->n_memdevs, sizeof(*by_name),
				    memdev_name_cmp);
			if (m && pci_excluded(c->pol, *m))
				c->region_excluded[i] = true;
		}
	}
	return 0;
}

static int build_indexes(struct decide_ctx *c)
{
	const struct srd_inventory *inv = c->inv;
	_cleanup_free_ struct srd_range *rr =
	    malloc(sizeof(*rr) * (inv->n_regions ? inv->n_regions : 1));
	_cleanup_free_ bool *valid = calloc(inv->n_regions ? inv->n_regions : 1, sizeof(bool));
	_cleanup_free_ struct srd_range *ur =
	    malloc(sizeof(*ur) * (inv->n_ranges ? inv->n_ranges : 1));
	int r;

	if (!rr || !valid || !ur)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_regions; i++) {
		rr[i] = inv->regions[i].range;
		valid[i] = inv->regions[i].has_range;
	}
	for (size_t i = 0; i < inv->n_ranges; i++)
		ur[i] = inv->ranges[i].range;
	r = srd_range_index_build(&c->regions, rr, valid, inv->n_regions);
	if (r >= 0)
		r = srd_range_index_build(&c->units, ur, NULL, inv->n_ranges);
	if (r >= 0) {
		_cleanup_free_ struct srd_range *dr =
		    malloc(sizeof(*dr) * (inv->n_dax ? inv->n_dax : 1));
		_cleanup_free_ bool *dv = malloc(sizeof(*dv) * (inv->n_dax ? inv->n_dax : 1));

		if (!dr || !dv)
			return -ENOMEM;
		for (size_t i = 0; i < inv->n_dax; i++) {
			dr[i] = inv->dax[i].range;
			dv[i] = inv->dax[i].has_range;
		}
		r = srd_range_index_build(&c->dax, dr, dv, inv->n_dax);
	}
	c->scratch = malloc(sizeof(*c->scratch) * (inv->n_regions ? inv->n_regions : 1));
	if (r >= 0 && !c->scratch)
		r = -ENOMEM;
	return r;
}

static bool note_touch(size_t id, const struct srd_range *r, void *userdata)
{
	*(bool *)userdata = true;
	return false;
}

static int mark_innocent(struct decide_ctx *c)
{
	const struct srd_inventory *inv = c->inv;
	struct srd_decision *d = c->d;

	c->region_touches_sr = calloc(inv->n_regions ? inv->n_regions : 1, sizeof(bool));
	d->innocent = calloc(inv->n_regions ? inv->n_regions : 1, SRD_NAME_MAX);
	if (!c->region_touches_sr || !d->innocent)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_regions; i++) {
		if (inv->regions[i].has_range)
			srd_range_index_query(&c->units, &inv->regions[i].range, note_touch,
					      &c->region_touches_sr[i]);
		if (!c->region_touches_sr[i])
			snprintf(d->innocent[d->n_innocent++], SRD_NAME_MAX, "%s",
				 inv->regions[i].name);
	}
	return 0;
}

struct collect_arg {
	struct decide_ctx *c;
	bool committed_only;
	bool excluded_hit;
};

static bool collect_region(size_t id, const struct srd_range *r, void *userdata)
{
	struct collect_arg *a = userdata;
	const struct srd_region *reg = &a->c->inv->regions[id];

	if (a->c->region_excluded[id])
		a->excluded_hit = true;
	if (a->committed_only && !reg->committed)
		return true;
	a->c->scratch[a->c->n_scratch++] = *r;
	return true;
}

/* Bytes of u inside committed regions; *excluded set when an excluded region overlaps u. */
static uint64_t committed_cover(struct decide_ctx *c, const struct srd_range *u, bool *excluded)
{
	struct collect_arg a = {.c = c, .committed_only = true};
	uint64_t cov = 0;

	c->n_scratch = 0;
	srd_range_index_query(&c->regions, u, collect_region, &a);
	srd_range_coverage(u, c->scratch, c->n_scratch, &cov, NULL, NULL);
	if (excluded)
		*excluded = a.excluded_hit;
	return cov;
}

static const struct srd_exclusion_range *excluded_by_range(const struct srd_policy *pol,
							   const struct srd_range *u)
{
	for (size_t i = 0; i < pol->n_exclude_ranges; i++)
		if (srd_range_intersects(&pol->exclude_ranges[i].range, u))
			return &pol->exclude_ranges[i];
	return NULL;
}

static bool first_online(size_t id, const struct srd_range *r, void *userdata)
{
	struct decide_ctx *c = userdata;

	if (!c->inv->dax[id].memory_online)
		return true;
	c->online_hit = &c->inv->dax[id];
	return false;
}

/* A dax device overlapping u whose memory is online, or NULL. */
static const struct srd_dax_dev *online_dax(struct decide_ctx *c, const struct srd_range *u)
{
	c->online_hit = NULL;
	srd_range_index_query(&c->dax, u, first_online, c);
	return c->online_hit;
}

static bool hmem_device_for(const struct srd_inventory *inv, const struct srd_range *u)
{
	for (size_t i = 0; i < inv->n_hmem; i++)
		if (inv->hmem[i].has_range && srd_range_contains(&inv->hmem[i].range, u))
			return true;
	return false;
}

/* Applies the interlocks to one range's target; turns it into UNCHANGED (blocked)
 * with the reason when it cannot be carried out safely. */
static void check_safety(struct decide_ctx *c, size_t i, uint64_t committed)
{
	const struct srd_inventory *inv = c->inv;
	const struct srd_sr_range *u = &inv->ranges[i];
	struct srd_range_decision *rd = &c->d->ranges[i];
	uint64_t size = srd_range_size(&u->range);
	char b1[32], b2[32];
	const struct srd_dax_dev *on;

	if (rd->target == SRD_TARGET_UNCHANGED)
		return;
	if (rd->target == SRD_TARGET_HMEM && u->owner != SRD_OWNER_HMEM &&
	    !inv->drivers[SRD_DRIVER_DAX_HMEM].present) {
		rd->blocked = true;
		rd->target = SRD_TARGET_UNCHANGED;
		snprintf(rd->reason, sizeof(rd->reason),
			 "dax_hmem's driver (hmem) is not loaded, and srd never loads modules (%s)",
			 srd_mode_to_string(c->d->mode));
		return;
	}
	/* No hmem device for a range in a window: dax_hmem registers it only once
	 * cxl_acpi is unbound, and what that does to decode decides (handoff.c). */
	if (rd->target == SRD_TARGET_HMEM && u->window >= 0 && u->owner != SRD_OWNER_HMEM &&
	    !hmem_device_for(inv, &u->range)) {
		char why[sizeof(rd->reason)];

		if (!srd_handoff_via_cxl_acpi(inv, c->pol, c->d, i, why, sizeof(why))) {
			rd->blocked = true;
			rd->target = SRD_TARGET_UNCHANGED;
			snprintf(rd->reason, sizeof(rd->reason), "%s (%s)", why,
				 srd_mode_to_string(c->d->mode));
			return;
		}
		rd->via_cxl_acpi = inv->cxl_acpi_bound;
	} else if (rd->target == SRD_TARGET_HMEM && u->window >= 0 && u->owner != SRD_OWNER_HMEM &&
		   u->decoded_bytes < size && committed < size) {
		rd->blocked = true;
		rd->target = SRD_TARGET_UNCHANGED;
		snprintf(
		    rd->reason, sizeof(rd->reason),
		    "dax_hmem cannot be given it: only %s of %s is decoded by committed HDM "
		    "decoders, and onlining the rest would fault (%s)",
		    srd_format_bytes(u->decoded_bytes > committed ? u->decoded_bytes : committed,
				     b1, sizeof(b1)),
		    srd_format_bytes(size, b2, sizeof(b2)), srd_mode_to_string(c->d->mode));
		return;
	}
	/* A hand-off away from the owner that has the memory online needs it offline. */
	on = online_dax(c, &u->range);
	if (on && !c->pol->allow_offline &&
	    ((rd->target == SRD_TARGET_HMEM && on->kind != SRD_DAX_HMEM) ||
	     (rd->target == SRD_TARGET_CXL && on->kind == SRD_DAX_HMEM))) {
		rd->blocked = true;
		rd->target = SRD_TARGET_UNCHANGED;
		snprintf(rd->reason, sizeof(rd->reason),
			 "would move it to %s, but %s has its memory online and AllowOffline=no",
			 on->kind == SRD_DAX_HMEM ? "CXL" : "dax_hmem", on->name);
		return;
	}
}

/* A range blocked after another's cxl_acpi hand-off was allowed can make that
 * one wrong (the unbind would take its region too): re-check until stable. */
static void recheck_cxl_acpi_handoffs(struct decide_ctx *c)
{
	const struct srd_inventory *inv = c->inv;
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < inv->n_ranges; i++) {
			const struct srd_sr_range *u = &inv->ranges[i];
			struct srd_range_decision *rd = &c->d->ranges[i];
			char why[sizeof(rd->reason)];

			if (rd->target != SRD_TARGET_HMEM || u->window < 0 ||
			    u->owner == SRD_OWNER_HMEM || hmem_device_for(inv, &u->range) ||
			    srd_handoff_via_cxl_acpi(inv, c->pol, c->d, i, why, sizeof(why)))
				continue;
			rd->blocked = true;
			rd->via_cxl_acpi = false;
			rd->target = SRD_TARGET_UNCHANGED;
			snprintf(rd->reason, sizeof(rd->reason), "%s (%s)", why,
				 srd_mode_to_string(c->d->mode));
			changed = true;
		}
	}
}

static enum srd_verdict verdict_of(const struct srd_decision *d)
{
	bool cxl = false, hmem = false;

	for (size_t i = 0; i < d->n_ranges; i++) {
		if (d->ranges[i].target == SRD_TARGET_CXL)
			cxl = true;
		else if (d->ranges[i].target == SRD_TARGET_HMEM)
			hmem = true;
	}
	if (cxl && hmem)
		return SRD_VERDICT_MIXED;
	if (cxl)
		return SRD_VERDICT_CXL;
	if (hmem)
		return SRD_VERDICT_HMEM;
	return SRD_VERDICT_NONE;
}

static void set_target(struct srd_range_decision *rd, enum srd_target t, const char *fmt, ...)
    _printf_(3, 4);
static void set_target(struct srd_range_decision *rd, enum srd_target t, const char *fmt, ...)
{
	va_list ap;

	rd->target = t;
	va_start(ap, fmt);
	vsnprintf(rd->reason, sizeof(rd->reason), fmt, ap);
	va_end(ap);
}

struct group {
	const uint64_t *committed; /* per range: bytes inside committed regions */
	ssize_t first_uncontained; /* strict: the first range not inside them, -1 when none */
	size_t n_considered; /* ranges in windows the policy decides */
	bool fallback, failed;
};

/* The policy's target for range i inside a window, given the group's facts. */
static int policy_target(struct decide_ctx *c, size_t i, const struct group *g,
			 struct srd_range_decision *rd)
{
	const struct srd_inventory *inv = c->inv;
	const struct srd_policy *pol = c->pol;
	struct srd_decision *d = c->d;
	const uint64_t *committed = g->committed;
	ssize_t first_uncontained = g->first_uncontained;
	size_t n_considered = g->n_considered;
	bool contained = committed[i] == srd_range_size(&inv->ranges[i].range);
	char b[SRD_RANGE_FMT_MAX], cause[256];

	if (g->fallback) {
		d->fallback = true;
		if (g->failed)
			snprintf(cause, sizeof(cause), "CXL failed: %s",
				 srd_inventory_enumeration_failure(inv)->evidence);
		else
			snprintf(cause, sizeof(cause), "CXL did not settle: enumeration timed out");
		if (pol->fallback == SRD_FALLBACK_HMEM)
			set_target(rd, SRD_TARGET_HMEM,
				   "%s; falling back to dax_hmem (Fallback=hmem, %s)", cause,
				   pol->fallback_origin.where);
		else
			set_target(rd, SRD_TARGET_UNCHANGED,
				   "%s; leaving the kernel's outcome (Fallback=keep, %s)", cause,
				   pol->fallback_origin.where);
		return 0;
	}
	switch (d->mode) {
	case SRD_MODE_STRICT:
	case SRD_MODE_AUDIT:
		if (first_uncontained < 0)
			set_target(rd, SRD_TARGET_CXL,
				   "strict: every Soft Reserved range in a CXL window is inside "
				   "committed regions, so CXL owns all %zu",
				   n_considered);
		else
			set_target(
			    rd, SRD_TARGET_HMEM,
			    "strict: %s is not inside committed regions, so dax_hmem owns all %zu "
			    "ranges in CXL windows",
			    srd_range_format(&inv->ranges[first_uncontained].range, b, sizeof(b)),
			    n_considered);
		break;
	case SRD_MODE_PER_RANGE:
		if (contained)
			set_target(rd, SRD_TARGET_CXL, "per-range: inside committed regions");
		else
			set_target(rd, SRD_TARGET_HMEM, "per-range: not inside committed regions");
		break;
	case SRD_MODE_PREFER_CXL:
		if (committed[i])
			set_target(rd, SRD_TARGET_CXL, "prefer-cxl%s",
				   contained ? ""
					     : ": CXL serves what its committed regions decode");
		else
			set_target(
			    rd, SRD_TARGET_UNCHANGED,
			    "prefer-cxl: no committed region covers it and no recorded layout "
			    "exists to create one");
		break;
	case SRD_MODE_PREFER_HMEM:
		set_target(rd, SRD_TARGET_HMEM, "prefer-hmem");
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int decide_targets(struct decide_ctx *c, const struct srd_decide_input *in)
{
	const struct srd_inventory *inv = c->inv;
	const struct srd_policy *pol = c->pol;
	struct srd_decision *d = c->d;
	_cleanup_free_ uint64_t *committed =
	    calloc(inv->n_ranges ? inv->n_ranges : 1, sizeof(uint64_t));
	_cleanup_free_ bool *by_hand = calloc(inv->n_ranges ? inv->n_ranges : 1, sizeof(bool));
	ssize_t first_uncontained = -1;
	size_t n_considered = 0;
	bool failed = srd_inventory_enumeration_failure(inv) && !(in && in->policy_override);
	bool fallback = (in && in->settle_timed_out) || failed;

	if (!committed || !by_hand)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_ranges; i++) {
		const struct srd_sr_range *u = &inv->ranges[i];
		struct srd_range_decision *rd = &d->ranges[i];
		const struct srd_exclusion_range *ex = excluded_by_range(pol, &u->range);
		bool ex_region = false, held = false, replacing = false;

		rd->range = u->range;
		rd->owner = u->owner;
		rd->sources = u->sources;
		committed[i] = committed_cover(c, &u->range, &ex_region);
		if (ex || ex_region) {
			rd->excluded = true;
			if (ex)
				set_target(rd, SRD_TARGET_UNCHANGED, "excluded by Range= (%s)",
					   ex->origin.where);
			else
				set_target(
				    rd, SRD_TARGET_UNCHANGED,
				    "excluded: a region over it has a device excluded by Serial= or "
				    "PCIDevice=");
			continue;
		}
		for (size_t k = 0; in && k < in->n_replacing; k++)
			replacing = replacing || srd_range_intersects(&in->replacing[k], &u->range);
		if (replacing) {
			rd->excluded = rd->held = true;
			set_target(
			    rd, SRD_TARGET_UNCHANGED,
			    "a hotplug replace of a device under it is in progress (srdctl replace)");
			continue;
		}
		for (size_t k = 0; in && !pol->reassert && k < in->n_hold; k++)
			held = held || srd_range_intersects(&in->hold[k], &u->range);
		if (held) {
			rd->excluded = rd->held = by_hand[i] = true;
			set_target(
			    rd, SRD_TARGET_UNCHANGED,
			    "its owner changed since srd's last pass (now %s): left as it is "
			    "(Reassert=no)",
			    srd_owner_to_string(u->owner));
			continue;
		}
		if (u->window < 0) {
			set_target(rd, SRD_TARGET_HMEM, "outside every CXL window: dax_hmem's");
			continue;
		}
		n_considered++;
		if (committed[i] < srd_range_size(&u->range) && first_uncontained < 0)
			first_uncontained = (ssize_t)i;
	}

	struct group g = {committed, first_uncontained, n_considered, fallback, failed};

	for (size_t i = 0; i < inv->n_ranges; i++) {
		int r;

		if (d->ranges[i].excluded || inv->ranges[i].window < 0)
			continue;
		r = policy_target(c, i, &g, &d->ranges[i]);
		if (r < 0)
			return r;
	}
	/* A range whose owner changed by hand is left alone, unless that owner is
	 * what the policy gives it anyway (the kernel finishing a probe after
	 * srd's pass looks the same): then there is nothing to protect. */
	for (size_t i = 0; i < inv->n_ranges; i++) {
		struct srd_range_decision *rd = &d->ranges[i], want = *rd;
		const struct srd_sr_range *u = &inv->ranges[i];

		if (!by_hand[i])
			continue;
		if (u->window < 0)
			set_target(&want, SRD_TARGET_HMEM, "outside every CXL window: dax_hmem's");
		else if (policy_target(c, i, &g, &want) < 0)
			return -EINVAL;
		if ((want.target == SRD_TARGET_CXL && u->owner == SRD_OWNER_CXL) ||
		    (want.target == SRD_TARGET_HMEM && u->owner == SRD_OWNER_HMEM)) {
			*rd = want;
			rd->excluded = rd->held = false;
		}
	}
	for (size_t i = 0; i < inv->n_ranges; i++)
		check_safety(c, i, committed[i]);
	recheck_cxl_acpi_handoffs(c);
	return 0;
}

/* Nothing destructive may be built on an incomplete or inconsistent inventory. */
static void check_refusal(const struct srd_inventory *inv, struct srd_decision *d)
{
	char b[SRD_RANGE_FMT_MAX];

	if (!srd_inventory_complete(inv)) {
		d->refused = true;
		snprintf(d->refusal, sizeof(d->refusal),
			 "inventory incomplete (%zu problem%s; first: %s)", inv->n_problems,
			 inv->n_problems == 1 ? "" : "s", inv->problems[0]);
		return;
	}
	for (size_t i = 0; i < inv->n_ranges; i++)
		if (inv->ranges[i].disagree) {
			d->refused = true;
			snprintf(d->refusal, sizeof(d->refusal), "sources disagree on %s: %s",
				 srd_range_format(&inv->ranges[i].range, b, sizeof(b)),
				 inv->ranges[i].disagreement);
			return;
		}
}

int srd_decide(const struct srd_inventory *inv, const struct srd_policy *pol,
	       const struct srd_decide_input *in, struct srd_decision **ret)
{
	_cleanup_(srd_decision_freep) struct srd_decision *d = calloc(1, sizeof(*d));
	struct decide_ctx c = {.inv = inv, .pol = pol, .d = d};
	size_t n_blocked = 0;
	int r;

	if (!d)
		return -ENOMEM;
	d->mode = pol->mode;
	if (in && in->policy_override) {
		r = srd_mode_from_string(in->policy_override);
		if (r < 0)
			return -EINVAL;
		d->mode = r;
	}
	d->decided_usec = in ? in->now_usec : 0;
	d->ranges = calloc(inv->n_ranges ? inv->n_ranges : 1, sizeof(*d->ranges));
	if (!d->ranges)
		return -ENOMEM;
	d->n_ranges = inv->n_ranges;

	r = mark_excluded_regions(&c);
	if (r >= 0)
		r = build_indexes(&c);
	if (r >= 0)
		r = mark_innocent(&c);
	if (r >= 0)
		r = decide_targets(&c, in);
	if (r >= 0) {
		d->verdict = verdict_of(d);
		check_refusal(inv, d);
		if (!d->refused && d->mode != SRD_MODE_AUDIT)
			r = srd_plan_build(inv, pol, d);
	}
	srd_range_index_free(&c.regions);
	srd_range_index_free(&c.units);
	srd_range_index_free(&c.dax);
	free(c.region_excluded);
	free(c.region_touches_sr);
	free(c.scratch);
	if (r < 0)
		return r;

	for (size_t i = 0; i < d->n_ranges; i++)
		n_blocked += d->ranges[i].blocked;
	snprintf(d->summary, sizeof(d->summary),
		 "%s: verdict %s for %zu range%s, %zu action%s%s%s%s", srd_mode_to_string(d->mode),
		 srd_verdict_to_string(d->verdict), d->n_ranges, d->n_ranges == 1 ? "" : "s",
		 d->n_actions, d->n_actions == 1 ? "" : "s",
		 d->mode == SRD_MODE_AUDIT ? " (audit: nothing is done)" : "",
		 d->refused ? "; refusing to act: " : "", d->refused ? d->refusal : "");
	if (n_blocked && strlen(d->summary) + 40 < sizeof(d->summary))
		snprintf(d->summary + strlen(d->summary), sizeof(d->summary) - strlen(d->summary),
			 "; %zu range%s blocked by interlocks", n_blocked,
			 n_blocked == 1 ? "" : "s");
	*ret = TAKE_PTR(d);
	return 0;
}

bool srd_decision_converged(const struct srd_decision *d, const struct srd_inventory *after,
			    void (*fn)(const struct srd_range_decision *want, enum srd_owner wanted,
				       const struct srd_sr_range *now, void *userdata),
			    void *userdata)
{
	bool ok = true;

	if (d->mode == SRD_MODE_AUDIT)
		return true;
	for (size_t i = 0; i < d->n_ranges; i++) {
		const struct srd_range_decision *r = &d->ranges[i];
		const struct srd_sr_range *u = NULL;
		enum srd_owner want;

		if (r->target == SRD_TARGET_UNCHANGED)
			continue;
		want = r->target == SRD_TARGET_CXL ? SRD_OWNER_CXL : SRD_OWNER_HMEM;
		for (size_t k = 0; k < after->n_ranges && !u; k++)
			if (srd_range_equal(&after->ranges[k].range, &r->range))
				u = &after->ranges[k];
		if (u && want == SRD_OWNER_CXL && u->hmem_bytes == 0 && u->cxl_bytes > 0)
			continue;
		if (u && want == SRD_OWNER_HMEM && u->owner == SRD_OWNER_HMEM)
			continue;
		ok = false;
		if (fn)
			fn(r, want, u, userdata);
	}
	return ok;
}
