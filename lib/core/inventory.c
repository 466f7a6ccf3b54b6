// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The inventory model and its derived facts.  Discovery records what it saw;
 * this file turns the raw Soft Reserved evidence into units of decision (what
 * dax_hmem would register), notes which sources saw each unit and where they
 * disagree, and derives the owner each unit has now from the regions and dax
 * devices.  Nothing here reads the machine, so every rule is tested on
 * literal inventories.
 */
#include <stdio.h>
#include <string.h>

#include "inventory.h"

static const char *const owner_names[_SRD_OWNER_MAX] = {
    [SRD_OWNER_CXL] = "cxl",
    [SRD_OWNER_HMEM] = "hmem",
    [SRD_OWNER_NONE] = "none",
    [SRD_OWNER_CONFLICT] = "conflict",
};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_owner, enum srd_owner, owner_names, _SRD_OWNER_MAX)

SRD_DEFINE_STRING_TABLE_FROM_STRING(srd_owner, owner_names, _SRD_OWNER_MAX)

static const char *const behaviour_names[_SRD_BEHAVIOUR_MAX] = {
    [SRD_BEHAVIOUR_UNKNOWN] = "unknown",
    [SRD_BEHAVIOUR_CLAIM_FIRST] = "claim-first",
    [SRD_BEHAVIOUR_DEFER_ALWAYS] = "defer-always",
    [SRD_BEHAVIOUR_RESOLVE_ONCE] = "resolve-once",
};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_behaviour, enum srd_behaviour, behaviour_names,
				  _SRD_BEHAVIOUR_MAX)

SRD_DEFINE_STRING_TABLE_FROM_STRING(srd_behaviour, behaviour_names, _SRD_BEHAVIOUR_MAX)

const char *srd_source_to_string(unsigned bit)
{
	switch (bit) {
	case SRD_SOURCE_MEMMAP:
		return "memmap";
	case SRD_SOURCE_IOMEM:
		return "iomem";
	case SRD_SOURCE_CMDLINE:
		return "cmdline";
	case SRD_SOURCE_HMEM:
		return "hmem";
	default:
		return NULL;
	}
}

const char *srd_sources_format(unsigned mask, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit <= SRD_SOURCE_HMEM; bit <<= 1)
		if (mask & bit) {
			int k = snprintf(buf + off, size - off, "%s%s", off ? " " : "",
					 srd_source_to_string(bit));

			if (k < 0 || (size_t)k >= size - off)
				break;
			off += (size_t)k;
		}
	return buf;
}

static const char *const driver_names[_SRD_DRIVER_MAX] = {
    [SRD_DRIVER_CXL_ACPI] = "cxl_acpi",	    [SRD_DRIVER_CXL_PCI] = "cxl_pci",
    [SRD_DRIVER_CXL_MEM] = "cxl_mem",	    [SRD_DRIVER_CXL_PORT] = "cxl_port",
    [SRD_DRIVER_CXL_REGION] = "cxl_region", [SRD_DRIVER_DAX_CXL] = "cxl_dax_region",
    [SRD_DRIVER_DAX_HMEM] = "hmem",	    [SRD_DRIVER_HMEM_PLATFORM] = "hmem_platform",
    [SRD_DRIVER_DEVICE_DAX] = "device_dax", [SRD_DRIVER_KMEM] = "kmem",
};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_driver, enum srd_driver_id, driver_names, _SRD_DRIVER_MAX)

static const char *const failure_names[_SRD_FAILURE_MAX] = {
    [SRD_FAILURE_MODULE_ABSENT] = "module-absent",
    [SRD_FAILURE_PCI_NO_DRIVER] = "pci-no-driver",
    [SRD_FAILURE_PCI_NO_MEMDEV] = "pci-no-memdev",
    [SRD_FAILURE_MEMDEV_NO_DRIVER] = "memdev-no-driver",
    [SRD_FAILURE_MEMDEV_NO_ENDPOINT] = "memdev-no-endpoint",
    [SRD_FAILURE_CXL_ACPI_UNBOUND] = "cxl-acpi-unbound",
    [SRD_FAILURE_REGION_PROBE] = "region-probe",
    [SRD_FAILURE_DAX_REGION_PROBE] = "dax-region-probe",
};

SRD_DEFINE_STRING_TABLE_TO_STRING(srd_failure, enum srd_failure_kind, failure_names,
				  _SRD_FAILURE_MAX)

bool srd_failure_hides_decoders(enum srd_failure_kind k)
{
	/* Without a memdev, its driver, its endpoint port or cxl_acpi, the
	 * endpoint decoders are not in sysfs: what they decode is unknown. */
	return k != SRD_FAILURE_REGION_PROBE && k != SRD_FAILURE_DAX_REGION_PROBE;
}

const struct srd_failure *srd_inventory_enumeration_failure(const struct srd_inventory *inv)
{
	for (size_t i = 0; i < inv->n_failures; i++)
		if (srd_failure_hides_decoders(inv->failures[i].kind))
			return &inv->failures[i];
	return NULL;
}

struct srd_inventory *srd_inventory_new(void)
{
	return calloc(1, sizeof(struct srd_inventory));
}

void srd_inventory_free(struct srd_inventory *inv)
{
	if (!inv)
		return;
	free(inv->windows);
	free(inv->regions);
	free(inv->memdevs);
	free(inv->dax);
	free(inv->hmem);
	free(inv->pieces);
	free(inv->decoded);
	free(inv->iomem);
	free(inv->cmdline);
	free(inv->failures);
	free(inv->srat_ranges);
	free(inv->srat_pxm);
	free(inv->ranges);
	srd_strv_free(inv->problems, inv->n_problems);
	srd_strv_free(inv->notes, inv->n_notes);
	free(inv);
}

static void *append(void **v, size_t *n, size_t elem)
{
	char *p;

	if (srd_grow(v, *n, elem) < 0)
		return NULL;
	p = (char *)*v + elem * *n;
	memset(p, 0, elem);
	(*n)++;
	return p;
}

#define APPEND(inv, field, count)                                                                  \
	append((void **)&(inv)->field, &(inv)->count, sizeof(*(inv)->field))

struct srd_window *srd_inventory_add_window(struct srd_inventory *inv)
{
	struct srd_window *w = APPEND(inv, windows, n_windows);

	if (w)
		w->cedt_index = -1;
	return w;
}

struct srd_region *srd_inventory_add_region(struct srd_inventory *inv)
{
	return APPEND(inv, regions, n_regions);
}

struct srd_memdev *srd_inventory_add_memdev(struct srd_inventory *inv)
{
	struct srd_memdev *m = APPEND(inv, memdevs, n_memdevs);

	if (m) {
		m->serial = UINT64_MAX;
		m->numa_node = -1;
	}
	return m;
}

struct srd_dax_dev *srd_inventory_add_dax(struct srd_inventory *inv)
{
	struct srd_dax_dev *d = APPEND(inv, dax, n_dax);

	if (d) {
		d->target_node = -1;
		d->memmap_on_memory = -1;
	}
	return d;
}

struct srd_hmem *srd_inventory_add_hmem(struct srd_inventory *inv)
{
	return APPEND(inv, hmem, n_hmem);
}

struct srd_decoded *srd_inventory_add_decoded(struct srd_inventory *inv)
{
	return APPEND(inv, decoded, n_decoded);
}

struct srd_iomem_entry *srd_inventory_add_iomem(struct srd_inventory *inv)
{
	return APPEND(inv, iomem, n_iomem);
}

int srd_inventory_failure(struct srd_inventory *inv, enum srd_failure_kind kind, const char *device,
			  const char *fmt, ...)
{
	struct srd_failure *f = APPEND(inv, failures, n_failures);
	va_list ap;

	if (!f)
		return -ENOMEM;
	f->kind = kind;
	snprintf(f->device, sizeof(f->device), "%s", device);
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
	return 0;
}

int srd_inventory_add_piece(struct srd_inventory *inv, enum srd_source src,
			    const struct srd_range *r, const char *origin)
{
	struct srd_sr_piece *p = APPEND(inv, pieces, n_pieces);

	if (!p)
		return -ENOMEM;
	p->range = *r;
	p->source = src;
	snprintf(p->origin, sizeof(p->origin), "%s", origin);
	return 0;
}

int srd_inventory_add_srat(struct srd_inventory *inv, const struct srd_range *r, int pxm)
{
	size_t n = inv->n_srat;
	struct srd_range *rr = APPEND(inv, srat_ranges, n_srat);

	if (!rr)
		return -ENOMEM;
	*rr = *r;
	if (srd_grow((void **)&inv->srat_pxm, n, sizeof(int)) < 0) {
		inv->n_srat--;
		return -ENOMEM;
	}
	inv->srat_pxm[n] = pxm;
	return 0;
}

int srd_inventory_problem(struct srd_inventory *inv, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = srd_strv_addv(&inv->problems, &inv->n_problems, fmt, ap);
	va_end(ap);
	return r;
}

int srd_inventory_note(struct srd_inventory *inv, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = srd_strv_addv(&inv->notes, &inv->n_notes, fmt, ap);
	va_end(ap);
	return r;
}

const struct srd_region *srd_inventory_region(const struct srd_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->n_regions; i++)
		if (srd_streq(inv->regions[i].name, name))
			return &inv->regions[i];
	return NULL;
}

const struct srd_memdev *srd_inventory_memdev(const struct srd_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->n_memdevs; i++)
		if (srd_streq(inv->memdevs[i].name, name))
			return &inv->memdevs[i];
	return NULL;
}

/* ---- derivation ---- */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Cut points: addresses where a new unit must begin (window and SRAT starts, and
 * the address after each of their ends). */
static int collect_cuts(const struct srd_inventory *inv, uint64_t **ret, size_t *ret_n)
{
	size_t cap = 2 * inv->n_windows + (inv->have_hmat ? 2 * inv->n_srat : 0), n = 0;
	uint64_t *v = malloc(sizeof(uint64_t) * (cap ? cap : 1));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_windows; i++) {
		v[n++] = inv->windows[i].range.start;
		if (inv->windows[i].range.end != UINT64_MAX)
			v[n++] = inv->windows[i].range.end + 1;
	}
	if (inv->have_hmat)
		for (size_t i = 0; i < inv->n_srat; i++) {
			v[n++] = inv->srat_ranges[i].start;
			if (inv->srat_ranges[i].end != UINT64_MAX)
				v[n++] = inv->srat_ranges[i].end + 1;
		}
	qsort(v, n, sizeof(*v), u64_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Indexes over the facts a unit's owner and sources are derived from. */
struct derive_ctx {
	struct srd_inventory *inv;
	struct srd_range_index
	    serving; /* regions committed, enabled, with an HPA, and a dax device if ram */
	struct srd_range_index
	    holding; /* regions committed and enabled: they hold the HPA, serving or not */
	struct srd_range_index regions; /* regions with an HPA */
	struct srd_range_index hmem_dax; /* dax devices of hmem.N */
	struct srd_range_index decoded;
	struct srd_range_index windows;
	struct srd_range_index srat;
	struct srd_range_index source[4]; /* pieces, per SRD_SOURCE_* bit */
};

typedef bool (*select_fn)(const struct srd_inventory *inv, size_t i, struct srd_range *ret);

static int index_of(struct srd_range_index *idx, const struct srd_inventory *inv, size_t n,
		    select_fn f)
{
	_cleanup_free_ struct srd_range *r = calloc(n ? n : 1, sizeof(*r));
	_cleanup_free_ bool *v = calloc(n ? n : 1, sizeof(*v));

	if (!r || !v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = f(inv, i, &r[i]);
	return srd_range_index_build(idx, r, v, n);
}

/* An owner is one that serves: a ram region without a dax device (its
 * dax_region failed, or srd was stopped between handing dax_hmem's range back
 * and re-probing the region) holds the HPA but serves nothing. */
static bool sel_serving(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	const struct srd_region *r = &inv->regions[i];

	*ret = r->range;
	return r->has_range && r->committed && r->enabled &&
	       (r->has_dax || !srd_streq(r->mode, "ram"));
}

static bool sel_holding(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	const struct srd_region *r = &inv->regions[i];

	*ret = r->range;
	return r->has_range && r->committed && r->enabled;
}

static bool sel_region(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	*ret = inv->regions[i].range;
	return inv->regions[i].has_range;
}

static bool sel_hmem_dax(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	*ret = inv->dax[i].range;
	return inv->dax[i].kind == SRD_DAX_HMEM && inv->dax[i].has_range;
}

static bool sel_decoded(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	*ret = inv->decoded[i].range;
	return true;
}

static bool sel_window(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	*ret = inv->windows[i].range;
	return true;
}

static bool sel_srat(const struct srd_inventory *inv, size_t i, struct srd_range *ret)
{
	*ret = inv->srat_ranges[i];
	return true;
}

static int index_sources(struct derive_ctx *c)
{
	const struct srd_inventory *inv = c->inv;
	_cleanup_free_ struct srd_range *r = calloc(inv->n_pieces ? inv->n_pieces : 1, sizeof(*r));
	_cleanup_free_ bool *v = calloc(inv->n_pieces ? inv->n_pieces : 1, sizeof(*v));

	if (!r || !v)
		return -ENOMEM;
	for (unsigned b = 0; b < ARRAY_SIZE(c->source); b++) {
		for (size_t i = 0; i < inv->n_pieces; i++) {
			r[i] = inv->pieces[i].range;
			v[i] = inv->pieces[i].source == 1u << b;
		}
		if (srd_range_index_build(&c->source[b], r, v, inv->n_pieces) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void derive_ctx_free(struct derive_ctx *c)
{
	srd_range_index_free(&c->serving);
	srd_range_index_free(&c->holding);
	srd_range_index_free(&c->regions);
	srd_range_index_free(&c->hmem_dax);
	srd_range_index_free(&c->decoded);
	srd_range_index_free(&c->windows);
	srd_range_index_free(&c->srat);
	for (unsigned b = 0; b < ARRAY_SIZE(c->source); b++)
		srd_range_index_free(&c->source[b]);
}

static int derive_ctx_init(struct derive_ctx *c, struct srd_inventory *inv)
{
	*c = (struct derive_ctx){.inv = inv};
	if (index_of(&c->serving, inv, inv->n_regions, sel_serving) < 0 ||
	    index_of(&c->holding, inv, inv->n_regions, sel_holding) < 0 ||
	    index_of(&c->regions, inv, inv->n_regions, sel_region) < 0 ||
	    index_of(&c->hmem_dax, inv, inv->n_dax, sel_hmem_dax) < 0 ||
	    index_of(&c->decoded, inv, inv->n_decoded, sel_decoded) < 0 ||
	    index_of(&c->windows, inv, inv->n_windows, sel_window) < 0 ||
	    index_of(&c->srat, inv, inv->n_srat, sel_srat) < 0 || index_sources(c) < 0) {
		derive_ctx_free(c);
		return -ENOMEM;
	}
	return 0;
}

struct names {
	const struct srd_inventory *inv;
	bool cxl;
	char *buf;
	size_t size, off;
};

static bool add_name(size_t id, const struct srd_range *r, void *userdata)
{
	struct names *n = userdata;
	int k;

	if (n->cxl)
		k = snprintf(n->buf + n->off, n->size - n->off, "%s%s", n->off ? ", " : "",
			     n->inv->regions[id].name);
	else
		k = snprintf(n->buf + n->off, n->size - n->off, "%s%s (%s)", n->off ? ", " : "",
			     n->inv->dax[id].name, n->inv->dax[id].parent);
	if (k < 0 || (size_t)k >= n->size - n->off)
		return false;
	n->off += (size_t)k;
	return true;
}

/* Names of the serving regions or hmem dax devices that touch u, for reasons. */
static void names_touching(const struct derive_ctx *c, const struct srd_range *u, bool cxl,
			   char *buf, size_t size)
{
	struct names n = {.inv = c->inv, .cxl = cxl, .buf = buf, .size = size};

	buf[0] = '\0';
	srd_range_index_query(cxl ? &c->serving : &c->hmem_dax, u, add_name, &n);
}

static void derive_owner(const struct derive_ctx *c, struct srd_sr_range *u)
{
	const struct srd_inventory *inv = c->inv;
	uint64_t full = srd_range_size(&u->range);
	char names_c[128], names_h[128], b1[32], b2[32];

	uint64_t held;

	u->cxl_bytes = srd_range_index_cover(&c->serving, &u->range);
	u->hmem_bytes = srd_range_index_cover(&c->hmem_dax, &u->range);
	held = srd_range_index_cover(&c->holding, &u->range);
	u->decoded_bytes = srd_range_index_cover(&c->decoded, &u->range);
	names_touching(c, &u->range, true, names_c, sizeof(names_c));
	names_touching(c, &u->range, false, names_h, sizeof(names_h));

	if (u->cxl_bytes == full && u->hmem_bytes == 0) {
		u->owner = SRD_OWNER_CXL;
		snprintf(u->reason, sizeof(u->reason),
			 "committed CXL region %s contains and serves it", names_c);
	} else if (u->hmem_bytes == full && held == 0) {
		u->owner = SRD_OWNER_HMEM;
		snprintf(u->reason, sizeof(u->reason), "dax_hmem serves it through %s", names_h);
	} else if (held && u->hmem_bytes && !u->cxl_bytes) {
		u->owner = SRD_OWNER_CONFLICT;
		snprintf(
		    u->reason, sizeof(u->reason),
		    "both claim it: a CXL region holds it without a dax device, and dax_hmem %s "
		    "(resource conflict)",
		    names_h);
	} else if (u->cxl_bytes && u->hmem_bytes) {
		u->owner = SRD_OWNER_CONFLICT;
		snprintf(u->reason, sizeof(u->reason),
			 "both claim it: CXL region %s and dax_hmem %s (resource conflict)",
			 names_c, names_h);
	} else if (u->cxl_bytes == 0 && u->hmem_bytes == 0) {
		u->owner = SRD_OWNER_NONE;
		if (held)
			snprintf(
			    u->reason, sizeof(u->reason),
			    "stranded: an enabled CXL region holds it but has no dax device, so nothing "
			    "serves it");
		else if (u->window >= 0)
			snprintf(
			    u->reason, sizeof(u->reason),
			    "stranded: inside CXL window %s, no committed region serves it and "
			    "no hmem device claimed it",
			    inv->windows[u->window].name);
		else
			snprintf(u->reason, sizeof(u->reason),
				 "stranded: no hmem device claimed it (outside every CXL window)");
	} else {
		bool cx = u->cxl_bytes != 0;

		u->owner = SRD_OWNER_CONFLICT;
		snprintf(u->reason, sizeof(u->reason),
			 "half-owned: %s %s covers %s of %s, the rest is stranded",
			 cx ? "CXL region" : "dax_hmem", cx ? names_c : names_h,
			 srd_format_bytes(cx ? u->cxl_bytes : u->hmem_bytes, b1, sizeof(b1)),
			 srd_format_bytes(full, b2, sizeof(b2)));
	}
}

/* Per-source coverage: a source that covers a unit only in part disagrees. */
static void derive_sources(const struct derive_ctx *c, struct srd_sr_range *u)
{
	unsigned partial = 0;

	u->sources = 0;
	for (unsigned b = 0; b < ARRAY_SIZE(c->source); b++) {
		uint64_t cov = srd_range_index_cover(&c->source[b], &u->range);

		if (cov)
			u->sources |= 1u << b;
		if (cov && cov != srd_range_size(&u->range))
			partial |= 1u << b;
	}
	u->disagree = partial != 0;
	u->disagreement[0] = '\0';
	if (partial) {
		char s[64];

		snprintf(u->disagreement, sizeof(u->disagreement), "%s cover%s it only in part",
			 srd_sources_format(partial, s, sizeof(s)),
			 (partial & (partial - 1)) ? "" : "s");
	}
}

struct first_id {
	const struct srd_range *q;
	ssize_t id;
};

static bool first_containing(size_t id, const struct srd_range *r, void *userdata)
{
	struct first_id *f = userdata;

	if (!srd_range_contains(r, f->q))
		return true;
	f->id = (ssize_t)id;
	return false;
}

static ssize_t containing(const struct srd_range_index *idx, const struct srd_range *q)
{
	struct first_id f = {.q = q, .id = -1};

	srd_range_index_query(idx, q, first_containing, &f);
	return f.id;
}

static void guess_behaviour(const struct derive_ctx *c)
{
	struct srd_inventory *inv = c->inv;
	unsigned major = 0, minor = 0;
	bool firmware_sr = false, window_hmem = false, window_stranded = false;

	for (size_t i = 0; i < inv->n_pieces; i++)
		if (inv->pieces[i].source & (SRD_SOURCE_MEMMAP | SRD_SOURCE_CMDLINE))
			firmware_sr = true;
	for (size_t i = 0; i < inv->n_ranges; i++) {
		const struct srd_sr_range *u = &inv->ranges[i];

		if (u->window < 0 || srd_range_index_cover(&c->regions, &u->range) > 0)
			continue;
		if (u->owner == SRD_OWNER_HMEM)
			window_hmem = true;
		if (u->owner == SRD_OWNER_NONE)
			window_stranded = true;
	}

	if (inv->have_iomem && firmware_sr && !inv->iomem_lists_soft_reserved) {
		inv->behaviour = SRD_BEHAVIOUR_RESOLVE_ONCE;
		snprintf(
		    inv->behaviour_basis, sizeof(inv->behaviour_basis),
		    "observed: Soft Reserved is listed by firmware or the command line but not in "
		    "/proc/iomem");
		return;
	}
	if (inv->iomem_lists_soft_reserved && window_hmem) {
		inv->behaviour = SRD_BEHAVIOUR_CLAIM_FIRST;
		snprintf(
		    inv->behaviour_basis, sizeof(inv->behaviour_basis),
		    "observed: dax_hmem claimed Soft Reserved inside a CXL window with no region");
		return;
	}
	if (inv->iomem_lists_soft_reserved && window_stranded && inv->hmem_platform_bound) {
		inv->behaviour = SRD_BEHAVIOUR_DEFER_ALWAYS;
		snprintf(inv->behaviour_basis, sizeof(inv->behaviour_basis),
			 "observed: dax_hmem is bound but left Soft Reserved inside a CXL window "
			 "unclaimed");
		return;
	}
	if (sscanf(inv->kernel_release, "%u.%u", &major, &minor) == 2) {
		unsigned v = major * 1000 + minor;

		inv->behaviour = v < 6003   ? SRD_BEHAVIOUR_CLAIM_FIRST
				 : v < 7001 ? SRD_BEHAVIOUR_DEFER_ALWAYS
					    : SRD_BEHAVIOUR_RESOLVE_ONCE;
		snprintf(inv->behaviour_basis, sizeof(inv->behaviour_basis),
			 "version hint: kernel %u.%u (nothing on this machine shows the behaviour)",
			 major, minor);
		return;
	}
	inv->behaviour = SRD_BEHAVIOUR_UNKNOWN;
	snprintf(inv->behaviour_basis, sizeof(inv->behaviour_basis),
		 "no observation and no parsable kernel release");
}

/*
 * Whether tearing a region down keeps the decoders of a locked one.  7.x
 * skips the reset for a region it marked locked (drivers/cxl/core/region.c),
 * and shows the mark as regionZ/locked; 6.12 resets locked decoders
 * regardless (measured: docs/kernel-behaviour.md).  Upstream set the mark
 * wrongly for a while (a flag tested as a bit number), so a kernel with the
 * skip may still not know its region is locked: only the attribute counts,
 * and region locks are read from it where it exists (discover-cxl.c).  No
 * version is trusted for this: without the attribute srd assumes the reset.
 */
static void derive_lock_honour(struct srd_inventory *inv)
{
	inv->lock_honoured = inv->region_locked_attr;
	if (inv->region_locked_attr)
		snprintf(
		    inv->lock_basis, sizeof(inv->lock_basis),
		    "observed: regions have a locked attribute (7.1+), and a region it marks locked keeps "
		    "its decoders on tear-down");
	else
		snprintf(
		    inv->lock_basis, sizeof(inv->lock_basis),
		    "no regionZ/locked on this kernel%s%s: a tear-down is taken to reset locked decoders too "
		    "(6.12 does)",
		    inv->kernel_release[0] ? " " : "", inv->kernel_release);
}

int srd_inventory_derive(struct srd_inventory *inv)
{
	_cleanup_free_ struct srd_range *spans = NULL;
	_cleanup_free_ uint64_t *cuts = NULL;
	size_t n_spans = inv->n_pieces, n_cuts = 0;
	struct derive_ctx c;
	int r;

	free(inv->ranges);
	inv->ranges = NULL;
	inv->n_ranges = 0;

	spans = malloc(sizeof(*spans) * (n_spans ? n_spans : 1));
	if (!spans)
		return -ENOMEM;
	for (size_t i = 0; i < n_spans; i++)
		spans[i] = inv->pieces[i].range;
	n_spans = srd_ranges_normalize(spans, n_spans);

	r = collect_cuts(inv, &cuts, &n_cuts);
	if (r < 0)
		return r;
	r = derive_ctx_init(&c, inv);
	if (r < 0)
		return r;

	for (size_t s = 0, k = 0; s < n_spans && r >= 0; s++) {
		uint64_t start = spans[s].start;

		/* Skip cuts at or before the span start. */
		while (k < n_cuts && cuts[k] <= start)
			k++;
		for (;;) {
			struct srd_sr_range *u;
			uint64_t end = spans[s].end;
			ssize_t w;

			if (k < n_cuts && cuts[k] <= spans[s].end)
				end = cuts[k] - 1;
			u = APPEND(inv, ranges, n_ranges);
			if (!u) {
				r = -ENOMEM;
				break;
			}
			u->range = (struct srd_range){start, end};
			u->window = (int)containing(&c.windows, &u->range);
			w = containing(&c.srat, &u->range);
			u->proximity_domain = w >= 0 ? inv->srat_pxm[w] : -1;
			derive_owner(&c, u);
			derive_sources(&c, u);
			if (end == spans[s].end)
				break;
			start = end + 1;
			while (k < n_cuts && cuts[k] <= start)
				k++;
		}
	}
	if (r >= 0) {
		guess_behaviour(&c);
		derive_lock_honour(inv);
	}
	derive_ctx_free(&c);
	return r;
}
