// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan: the abstract actions that move each range from the owner it has
 * to the target decide.c chose, in the only safe order (memory offline before
 * its owner lets go, the old owner lets go before the new one claims, dax
 * configuration last).  Minimal: nothing is planned for what already matches,
 * and an action that serves several ranges appears once.  The executor maps
 * each action to the sysfs writes of the kernel generation at hand.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "plan.h"
#include "policy-device.h"

static const char *const action_names[_SRD_ACTION_MAX] = {
    [SRD_ACTION_OFFLINE_MEMORY] = "offline-memory",
    [SRD_ACTION_RELEASE_HMEM] = "release-hmem",
    [SRD_ACTION_RELEASE_REGION] = "release-region",
    [SRD_ACTION_DESTROY_REGION] = "destroy-region",
    [SRD_ACTION_UNBIND_CXL_ACPI] = "unbind-cxl-acpi",
    [SRD_ACTION_ENABLE_REGION] = "enable-region",
    [SRD_ACTION_CREATE_REGION] = "create-region",
    [SRD_ACTION_CLAIM_HMEM] = "claim-hmem",
    [SRD_ACTION_CONFIGURE_DAX] = "configure-dax",
};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_action, enum srd_action_kind, action_names, _SRD_ACTION_MAX)

/* Appends an action.  Duplicates (same kind and target, serving several
 * ranges) are removed once the plan is complete.  On -ENOMEM it returns NULL
 * and sets d->oom, which srd_plan_build() turns into its result. */
struct srd_action *srd_plan_add(struct srd_decision *d, enum srd_action_kind kind,
				const char *target, const struct srd_range *range, const char *fmt,
				...)
{
	struct srd_action *a;
	va_list ap;

	if (srd_grow((void **)&d->actions, d->n_actions, sizeof(*d->actions)) < 0) {
		d->oom = true;
		return NULL;
	}
	a = &d->actions[d->n_actions++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->layout = -1;
	snprintf(a->target, sizeof(a->target), "%s", target);
	a->range = *range;
	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	return a;
}

struct plan_ctx {
	const struct srd_inventory *inv;
	const struct srd_policy *pol;
	struct srd_decision *d;
	struct srd_range_index regions, dax, hmem; /* ids index inv->regions/dax/hmem */
};

/* The ids of one index's ranges that intersect u: a malloc'ed array (NULL when
 * none, or on -ENOMEM, which sets d->oom). */
static size_t overlapping(struct plan_ctx *p, const struct srd_range_index *idx,
			  const struct srd_range *u, size_t **ret)
{
	size_t cap = 0;
	ssize_t n;

	*ret = NULL;
	n = srd_range_index_collect(idx, u, ret, &cap);
	if (n < 0) {
		p->d->oom = true;
		return 0;
	}
	return (size_t)n;
}

static enum srd_dax_mode dax_mode_now(const struct srd_dax_dev *x)
{
	if (srd_streq(x->driver, "kmem"))
		return SRD_DAX_SYSTEM_RAM;
	if (srd_streq(x->driver, "device_dax"))
		return SRD_DAX_DEVDAX;
	return SRD_DAX_KEEP; /* unbound: any wanted mode differs */
}

static enum srd_online online_now(const struct srd_dax_dev *x)
{
	if (!x->memory_online)
		return SRD_ONLINE_NONE;
	return x->memory_movable ? SRD_ONLINE_MOVABLE : SRD_ONLINE_NORMAL;
}

static void set_dax(struct srd_action *a, const struct srd_dax_setting *want)
{
	if (a) {
		a->dax_mode = want->mode;
		a->online = want->online;
		a->memmap_on_memory =
		    want->mode == SRD_DAX_SYSTEM_RAM ? want->memmap_on_memory : -1;
		a->align_bytes = want->mode == SRD_DAX_DEVDAX ? want->align_bytes : 0;
		if (want->rule >= 0)
			snprintf(a->rule, sizeof(a->rule), "%s", want->origin);
	}
}

/* What of x differs from want, as words for the reason ("" when nothing). */
static void dax_differences(const struct srd_dax_dev *x, const struct srd_dax_setting *want,
			    char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!x->name[0]) { /* the stand-in for a device a claim is to create */
		snprintf(buf, size, "for the dax device dax_hmem creates");
		return;
	}
	if (dax_mode_now(x) != want->mode)
		n += (size_t)snprintf(buf + n, size - n, "it is %s",
				      x->driver[0] ? x->driver : "unbound");
	else if (want->mode == SRD_DAX_SYSTEM_RAM && online_now(x) != want->online)
		n += (size_t)snprintf(buf + n, size - n, "its memory is %s",
				      !x->memory_online	  ? "offline"
				      : x->memory_movable ? "online movable"
							  : "online");
	if (n < size && want->mode == SRD_DAX_SYSTEM_RAM && want->memmap_on_memory >= 0 &&
	    x->memmap_on_memory != want->memmap_on_memory)
		n += (size_t)snprintf(buf + n, size - n, "%smemmap_on_memory is %s", n ? ", " : "",
				      x->memmap_on_memory < 0 ? "absent"
				      : x->memmap_on_memory   ? "1"
							      : "0");
	if (n < size && want->mode == SRD_DAX_DEVDAX && want->align_bytes &&
	    x->align_bytes != want->align_bytes)
		snprintf(buf + n, size - n, "%salign is %" PRIu64, n ? ", " : "", x->align_bytes);
}

static void plan_one_dax(struct plan_ctx *p, const struct srd_dax_dev *x,
			 const struct srd_dax_setting *want, const struct srd_range *u,
			 const char *target)
{
	char diff[160], extra[96] = "", keys[96];

	if (want->mode == SRD_DAX_KEEP)
		return;
	dax_differences(x, want, diff, sizeof(diff));
	if (!diff[0])
		return;
	if (want->mode == SRD_DAX_SYSTEM_RAM)
		snprintf(extra, sizeof(extra), " online %s%s", srd_online_to_string(want->online),
			 want->memmap_on_memory < 0 ? ""
			 : want->memmap_on_memory   ? " memmap_on_memory"
						    : " no memmap_on_memory");
	else if (want->align_bytes)
		snprintf(extra, sizeof(extra), " align %" PRIu64, want->align_bytes);
	if (want->rule >= 0)
		set_dax(srd_plan_add(p->d, SRD_ACTION_CONFIGURE_DAX, target, u,
				     "[Device] %s (%s) wants %s%s, %s", want->origin,
				     srd_device_keys_format(want->matched, keys, sizeof(keys)),
				     srd_dax_mode_to_string(want->mode), extra, diff),
			want);
	else
		set_dax(srd_plan_add(p->d, SRD_ACTION_CONFIGURE_DAX, target, u,
				     "policy wants %s%s (%s), %s",
				     srd_dax_mode_to_string(want->mode), extra, want->origin, diff),
			want);
}

/* Configures the dax devices of kind over u as the policy wants (each by the
 * [Device] rule that matches it, or the default of its kind); for a range
 * about to be claimed (no device yet) the target is the range itself, matched
 * by what is known of it before the device exists. */
static void plan_dax(struct plan_ctx *p, enum srd_dax_kind kind, const struct srd_range *u,
		     bool device_pending)
{
	_cleanup_free_ size_t *ids = NULL;
	size_t n = overlapping(p, &p->dax, u, &ids);
	char b[SRD_RANGE_FMT_MAX];
	struct srd_dax_setting want;
	bool any = false;

	for (size_t k = 0; k < n; k++) {
		const struct srd_dax_dev *x = &p->inv->dax[ids[k]];

		if (x->kind != kind)
			continue;
		any = true;
		srd_dax_setting_for(p->pol, p->inv, x, &want);
		plan_one_dax(p, x, &want, u, x->name);
	}
	if (!any && device_pending) {
		/* An unbound stand-in: every wanted mode differs from it. */
		struct srd_dax_dev pending = {.kind = kind,
					      .range = *u,
					      .has_range = true,
					      .target_node = -1,
					      .memmap_on_memory = -1};

		srd_dax_setting_for(p->pol, p->inv, &pending, &want);
		plan_one_dax(p, &pending, &want, u, srd_range_format(u, b, sizeof(b)));
	}
}

/* Offlines the online memory of kind's dax devices over u (of one parent, or all). */
static void offline_dax_of(struct plan_ctx *p, enum srd_dax_kind kind, const char *parent,
			   const struct srd_range *u, const char *why)
{
	_cleanup_free_ size_t *ids = NULL;
	size_t n = overlapping(p, &p->dax, u, &ids);

	for (size_t k = 0; k < n; k++) {
		const struct srd_dax_dev *x = &p->inv->dax[ids[k]];

		if (x->kind == kind && x->memory_online &&
		    (!parent || srd_streq(x->parent, parent)))
			srd_plan_add(p->d, SRD_ACTION_OFFLINE_MEMORY, x->name, u, "%s", why);
	}
}

static void plan_to_cxl(struct plan_ctx *p, const struct srd_range *u)
{
	_cleanup_free_ size_t *dax = NULL, *hmem = NULL, *reg = NULL;
	size_t n_dax = overlapping(p, &p->dax, u, &dax);
	size_t n_hmem = overlapping(p, &p->hmem, u, &hmem);
	size_t n_reg = overlapping(p, &p->regions, u, &reg);
	const struct srd_inventory *inv = p->inv;
	bool hmem_let_go = false;

	for (size_t k = 0; k < n_dax; k++) {
		const struct srd_dax_dev *x = &inv->dax[dax[k]];

		if (x->kind != SRD_DAX_HMEM)
			continue;
		offline_dax_of(p, SRD_DAX_HMEM, x->parent, u,
			       "dax_hmem's memory must be offline before it lets go");
		srd_plan_add(p->d, SRD_ACTION_RELEASE_HMEM, x->parent, u,
			     "CXL is to own this range; %s holds it", x->parent);
		hmem_let_go = true;
	}
	/* An hmem device without a dax device (kmem or the dax region failed) still
	 * holds the resource. */
	for (size_t k = 0; k < n_hmem; k++) {
		const struct srd_hmem *h = &inv->hmem[hmem[k]];

		if (h->driver[0]) {
			srd_plan_add(p->d, SRD_ACTION_RELEASE_HMEM, h->name, u,
				     "CXL is to own this range; %s holds it", h->name);
			hmem_let_go = true;
		}
	}
	for (size_t k = 0; k < n_reg; k++) {
		const struct srd_region *r = &inv->regions[reg[k]];

		if (!r->committed)
			continue;
		if (!r->enabled)
			srd_plan_add(p->d, SRD_ACTION_ENABLE_REGION, r->name, u,
				     "CXL is to own this range and %s is committed but not enabled",
				     r->name);
		else if (srd_streq(r->mode, "ram") && !r->has_dax &&
			 inv->drivers[SRD_DRIVER_DAX_CXL].present)
			srd_plan_add(
			    p->d, SRD_ACTION_ENABLE_REGION, r->name, u,
			    hmem_let_go
				? "re-probe %s so dax_cxl creates the dax region dax_hmem's claim blocked"
				: "re-probe %s: it is enabled but has no dax device, so it serves nothing",
			    r->name);
	}
	plan_dax(p, SRD_DAX_CXL, u, false);
}

static void plan_to_hmem(struct plan_ctx *p, const struct srd_sr_range *su,
			 const struct srd_range_decision *rd)
{
	_cleanup_free_ size_t *hmem = NULL, *reg = NULL;
	const struct srd_range *u = &su->range;
	size_t n_hmem = overlapping(p, &p->hmem, u, &hmem);
	size_t n_reg = overlapping(p, &p->regions, u, &reg);
	const struct srd_inventory *inv = p->inv;
	bool claim = su->owner != SRD_OWNER_HMEM;
	const struct srd_hmem *dev = NULL;
	char b[SRD_RANGE_FMT_MAX];

	for (size_t k = 0; k < n_reg; k++) {
		const struct srd_region *r = &inv->regions[reg[k]];

		if (!r->enabled)
			continue;
		offline_dax_of(p, SRD_DAX_CXL, r->name, u,
			       "the region's memory must be offline before CXL lets go");
		/* De-committing would reset the decoders dax_hmem needs to reach the
		 * memory, so a hand-off to dax_hmem always releases. */
		srd_plan_add(
		    p->d, SRD_ACTION_RELEASE_REGION, r->name, u,
		    "dax_hmem is to own this range; release %s and keep its decoders committed%s",
		    r->name,
		    p->pol->teardown == SRD_TEARDOWN_DESTROY ? " (Teardown=destroy would strand it)"
							     : "");
		claim = true;
	}

	/* dax_hmem defers to the window resource cxl_acpi holds (handoff.c). */
	if (rd->via_cxl_acpi)
		srd_plan_add(
		    p->d, SRD_ACTION_UNBIND_CXL_ACPI, SRD_CXL_ACPI_DEVICE, u,
		    "dax_hmem registers %s only once cxl_acpi lets go of its window; it stays decoded",
		    srd_range_format(u, b, sizeof(b)));
	for (size_t k = 0; k < n_hmem; k++)
		if (srd_range_contains(&inv->hmem[hmem[k]].range, u))
			dev = &inv->hmem[hmem[k]];
	/* An hmem dax device without a driver is dax_hmem's all the same (7.x leaves
	 * them unbound when kmem is not loaded): binding one is configure-dax's job,
	 * by DaxMode=, not a claim. */
	if (claim)
		srd_plan_add(p->d, SRD_ACTION_CLAIM_HMEM,
			     dev ? dev->name : srd_range_format(u, b, sizeof(b)), u,
			     "dax_hmem is to own %s", srd_range_format(u, b, sizeof(b)));
	plan_dax(p, SRD_DAX_HMEM, u, claim && !dev);
}

static int build_index(struct srd_range_index *idx, size_t n, size_t elem, const void *base,
		       size_t range_off, size_t has_off)
{
	_cleanup_free_ struct srd_range *r = malloc(sizeof(*r) * (n ? n : 1));
	_cleanup_free_ bool *v = malloc(sizeof(*v) * (n ? n : 1));

	if (!r || !v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *e = (const char *)base + i * elem;

		memcpy(&r[i], e + range_off, sizeof(r[i]));
		v[i] = *(const bool *)(e + has_off);
	}
	return srd_range_index_build(idx, r, v, n);
}

#define BUILD_INDEX(idx, arr, n, type)                                                             \
	build_index(idx, n, sizeof(type), arr, offsetof(type, range), offsetof(type, has_range))

static int action_target_cmp(const void *a, const void *b)
{
	const struct srd_action *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = strcmp(x->target, y->target);
	return c ? c : srd_range_cmp(&x->range, &y->range);
}

static int action_phase_cmp(const void *a, const void *b)
{
	const struct srd_action *x = a, *y = b;

	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = srd_range_cmp(&x->range, &y->range);
	return c ? c : strcmp(x->target, y->target);
}

int srd_plan_build(const struct srd_inventory *inv, const struct srd_policy *pol,
		   struct srd_decision *d)
{
	struct plan_ctx p = {.inv = inv, .pol = pol, .d = d};
	int r;

	r = BUILD_INDEX(&p.regions, inv->regions, inv->n_regions, struct srd_region);
	if (r >= 0)
		r = BUILD_INDEX(&p.dax, inv->dax, inv->n_dax, struct srd_dax_dev);
	if (r >= 0)
		r = BUILD_INDEX(&p.hmem, inv->hmem, inv->n_hmem, struct srd_hmem);
	for (size_t i = 0; r >= 0 && i < d->n_ranges; i++) {
		const struct srd_range_decision *rd = &d->ranges[i];

		if (rd->target == SRD_TARGET_CXL)
			plan_to_cxl(&p, &rd->range);
		else if (rd->target == SRD_TARGET_HMEM)
			plan_to_hmem(&p, &inv->ranges[i], rd);
	}
	srd_range_index_free(&p.regions);
	srd_range_index_free(&p.dax);
	srd_range_index_free(&p.hmem);
	if (r < 0 || d->oom)
		return -ENOMEM;
	if (d->n_actions == 0)
		return 0;
	/* One action per kind and target: keep the one serving the lowest range. */
	qsort(d->actions, d->n_actions, sizeof(*d->actions), action_target_cmp);
	size_t k = 0;

	for (size_t i = 0; i < d->n_actions; i++)
		if (k == 0 || d->actions[i].kind != d->actions[k - 1].kind ||
		    strcmp(d->actions[i].target, d->actions[k - 1].target) != 0)
			d->actions[k++] = d->actions[i];
	d->n_actions = k;
	/* A total order (kind, range served, target): the same inputs give the same plan. */
	qsort(d->actions, d->n_actions, sizeof(*d->actions), action_phase_cmp);
	return 0;
}
