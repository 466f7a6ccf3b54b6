// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rescue's rule: when may a Soft Reserved range inside a CXL window go to
 * dax_hmem, given what each tear-down does to HDM decode?
 *
 * dax_hmem defers a range to the "CXL Window N" resource cxl_acpi inserts,
 * not to the region, so from userspace it registers a range in a window only
 * once cxl_acpi is unbound and hmem_platform re-probed (docs/
 * kernel-behaviour.md).  Unbinding cxl_acpi unregisters every region, and
 * unregistering a region resets its HDM decoders unless they are locked on a
 * kernel that honours the lock; endpoint decoders with no region keep
 * decoding.  A dax_hmem device over an HPA that no longer decodes is worse
 * than nothing: it reads zeros (QEMU) or faults.  So the hand-off is made only
 * where the range provably stays decoded and no other memory loses its
 * decode, and each refusal says what would make it possible.
 *
 * The tear-down table is data so the rule and the documentation cannot drift.
 */
#include <string.h>

#include "handoff.h"

static const struct {
	const char *name;
	bool keeps_unlocked; /* a region's decoders stay committed after it */
	bool keeps_locked; /* ... when locked, on a kernel that honours the lock */
} teardown_ops[_SRD_TEARDOWN_OP_MAX] = {
    [SRD_TEARDOWN_OP_RELEASE] = {"release", true, true},
    [SRD_TEARDOWN_OP_DESTROY] = {"destroy", false, true},
    [SRD_TEARDOWN_OP_UNBIND_CXL_ACPI] = {"unbind-cxl-acpi", false, true},
    [SRD_TEARDOWN_OP_UNBIND_MEMDEV] = {"unbind-memdev", false, true},
};

const char *srd_teardown_op_to_string(enum srd_teardown_op op)
{
	return op < _SRD_TEARDOWN_OP_MAX ? teardown_ops[op].name : NULL;
}

bool srd_teardown_keeps_decode(const struct srd_inventory *inv, const struct srd_region *g,
			       enum srd_teardown_op op)
{
	if (op >= _SRD_TEARDOWN_OP_MAX)
		return false;
	if (g->locked && inv->lock_honoured)
		return teardown_ops[op].keeps_locked;
	return teardown_ops[op].keeps_unlocked;
}

static bool decoder_of_region(const struct srd_inventory *inv, const char *decoder)
{
	for (size_t i = 0; i < inv->n_regions; i++)
		for (unsigned t = 0; t < inv->regions[i].n_targets; t++)
			if (srd_streq(inv->regions[i].target_decoder[t], decoder))
				return true;
	return false;
}

static bool decoders_hidden(const struct srd_inventory *inv, const struct srd_failure **ret)
{
	for (size_t i = 0; i < inv->n_failures; i++)
		if (srd_failure_hides_decoders(inv->failures[i].kind)) {
			*ret = &inv->failures[i];
			return true;
		}
	return false;
}

/* Bytes of u that keep decoding once cxl_acpi is gone, by what srd can see:
 * endpoint decoders with no region, and regions that survive the unbind.
 * Returns -ENOMEM or 0. */
static int surviving_decode(const struct srd_inventory *inv, const struct srd_range *u,
			    uint64_t *ret)
{
	_cleanup_free_ struct srd_range *set =
	    malloc(sizeof(*set) * (inv->n_decoded + inv->n_regions + 1));
	size_t n = 0;

	if (!set)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_decoded; i++)
		if (!decoder_of_region(inv, inv->decoded[i].decoder))
			set[n++] = inv->decoded[i].range;
	for (size_t i = 0; i < inv->n_regions; i++) {
		const struct srd_region *g = &inv->regions[i];

		if (g->committed && g->has_range &&
		    srd_teardown_keeps_decode(inv, g, SRD_TEARDOWN_OP_UNBIND_CXL_ACPI))
			set[n++] = g->range;
	}
	return srd_range_coverage(u, set, n, ret, NULL, NULL);
}

static bool innocent(const struct srd_decision *d, const char *name)
{
	for (size_t i = 0; i < d->n_innocent; i++)
		if (srd_streq(d->innocent[i], name))
			return true;
	return false;
}

static bool refuse(char *why, size_t size, const char *fmt, ...) _printf_(3, 4);
static bool refuse(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

/* The range of a dax_hmem-bound Soft Reserved range region g lies over, or NULL. */
static const struct srd_range *over_hmem_range(const struct srd_decision *d,
					       const struct srd_region *g)
{
	for (size_t k = 0; g->has_range && k < d->n_ranges; k++)
		if (d->ranges[k].target == SRD_TARGET_HMEM &&
		    srd_range_intersects(&g->range, &d->ranges[k].range))
			return &d->ranges[k].range;
	return NULL;
}

/*
 * Every committed region goes with cxl_acpi.  One over a range that goes to
 * dax_hmem must keep its decode; any other (an innocent region, or one over
 * memory CXL keeps) would be left with nobody serving it, decoded or not.
 */
static bool regions_keep_decode(const struct srd_inventory *inv, const struct srd_decision *d,
				const struct srd_range *u, char *why, size_t size)
{
	char b[SRD_RANGE_FMT_MAX];

	for (size_t i = 0; i < inv->n_regions; i++) {
		const struct srd_region *g = &inv->regions[i];
		const struct srd_range *over = over_hmem_range(d, g);
		const char *lock;

		if (!g->committed)
			continue;
		lock = !g->locked ? "its decoders are not locked"
		       : inv->lock_honoured
			   ? "its decoders are locked"
			   : "its decoders are locked, but this kernel resets locked decoders too";
		if (!over)
			return refuse(
			    why, size,
			    "dax_hmem could have it only after cxl_acpi is unbound, and that takes away %s "
			    "(%s; %s): its memory would be left with nobody serving it%s",
			    g->name,
			    innocent(d, g->name)
				? "an innocent region: it overlaps no Soft Reserved range"
				: "a region over memory CXL keeps",
			    lock, g->locked && inv->lock_honoured ? "" : ", and stop decoding");
		if (srd_teardown_keeps_decode(inv, g, SRD_TEARDOWN_OP_UNBIND_CXL_ACPI))
			continue;
		return refuse(
		    why, size,
		    "dax_hmem could have it only after cxl_acpi is unbound, and that resets the HDM "
		    "decoders of %s over %s (%s%s%s), so the memory would stop decoding; possible with "
		    "lock-on-commit on a kernel that keeps locked decoders (7.0+)",
		    g->name, srd_range_equal(over, u) ? "it" : srd_range_format(over, b, sizeof(b)),
		    lock, g->locked ? "; " : "", g->locked ? inv->lock_basis : "");
	}
	return true;
}

/* Ranges CXL keeps (by decision, exclusion or hold) lose it when cxl_acpi goes. */
static bool no_cxl_range_lost(const struct srd_inventory *inv, const struct srd_decision *d,
			      size_t i, char *why, size_t size)
{
	char b[SRD_RANGE_FMT_MAX];

	for (size_t k = 0; k < d->n_ranges; k++) {
		const struct srd_range_decision *o = &d->ranges[k];

		if (k == i || o->target == SRD_TARGET_HMEM)
			continue;
		if (o->target == SRD_TARGET_CXL || inv->ranges[k].cxl_bytes > 0)
			return refuse(
			    why, size,
			    "unbinding cxl_acpi would take %s away from CXL, which %s keeps it",
			    srd_range_format(&o->range, b, sizeof(b)),
			    o->target == SRD_TARGET_CXL ? "the policy"
			    : o->excluded		? "an exclusion"
							: "srd");
	}
	return true;
}

bool srd_handoff_via_cxl_acpi(const struct srd_inventory *inv, const struct srd_policy *pol,
			      const struct srd_decision *d, size_t i, char *why, size_t size)
{
	const struct srd_sr_range *u = &inv->ranges[i];
	uint64_t full = srd_range_size(&u->range), kept = 0;
	const struct srd_failure *hidden = NULL;
	char b1[32], b2[32];

	if (!inv->drivers[SRD_DRIVER_HMEM_PLATFORM].present)
		return refuse(
		    why, size,
		    "no dax_hmem device exists for it, and this kernel has no hmem_platform driver "
		    "to re-probe so dax_hmem registers it");
	/* What happens to the regions first: it names what would make it possible. */
	if (!regions_keep_decode(inv, d, &u->range, why, size) ||
	    !no_cxl_range_lost(inv, d, i, why, size))
		return false;
	if (surviving_decode(inv, &u->range, &kept) < 0)
		return refuse(why, size, "out of memory while checking its decode");
	if (kept < full && decoders_hidden(inv, &hidden)) {
		/* CXL failed before srd could read the decoders: the firmware's word. */
		if (u->sources & SRD_SOURCE_MEMMAP)
			kept = full;
		else if ((u->sources & SRD_SOURCE_CMDLINE) && pol->trust_cmdline)
			kept = full;
		else
			return refuse(
			    why, size,
			    "its HDM decoders cannot be read (%s: %s), and only the kernel command line "
			    "declares it Soft Reserved, not the firmware's memory map; TrustCommandLine=yes "
			    "(%s) takes the command line's word that firmware decodes it",
			    hidden->device, srd_failure_to_string(hidden->kind),
			    pol->trust_cmdline_origin.where);
	}
	if (kept < full)
		return refuse(
		    why, size,
		    "dax_hmem cannot be given it: only %s of %s would stay decoded once cxl_acpi is "
		    "unbound (endpoint decoders without a region, and regions locked on a kernel that "
		    "keeps locked decoders), and onlining the rest would fault",
		    srd_format_bytes(kept, b1, sizeof(b1)), srd_format_bytes(full, b2, sizeof(b2)));
	return true;
}
