// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Discovery, firmware side: the Soft Reserved evidence in /proc/iomem, the
 * firmware memory map and the command line, and the ACPI tables.  Each input
 * that cannot be read or parsed becomes a problem in the inventory, named
 * with its file, so the report says exactly what is missing and the decision
 * refuses to act on it.
 */
#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "acpi.h"
#include "discover.h"
#include "discover-internal.h"
#include "firmware.h"
#include "iomem.h"
#include "read.h"
#include "load.h"

/* Returns 1 when read, 0 when the file does not exist, or -ENOMEM. */
static int read_optional(struct srd_inventory *inv, const char *path, size_t max, char **ret,
			 size_t *ret_len)
{
	int r = srd_read_file(path, max, ret, ret_len);

	if (r == -ENOENT)
		return 0;
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return srd_inventory_problem(inv, "%s: %s", path, strerror(-r)) < 0 ? -ENOMEM : 0;
	return 1;
}

/* What a report keeps of /proc/iomem: every top-level resource and, below
 * them, the CXL memory tree (not PCI BARs or kernel text). */
static bool keep_iomem(const struct srd_iomem_node *n)
{
	static const char *const prefixes[] = {"region", "hmem.", "dax"};

	if (n->depth == 0 || srd_streq(n->name, "Soft Reserved") ||
	    strncmp(n->name, "System RAM", 10) == 0 || strncmp(n->name, "CXL Window", 10) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (srd_iomem_name_is(n->name, prefixes[i]))
			return true;
	return false;
}

static int discover_iomem(struct srd_inventory *inv)
{
	_cleanup_(srd_iomem_freep) struct srd_iomem *iomem = NULL;
	_cleanup_free_ char *buf = NULL;
	struct srd_error err = {};
	size_t len;
	int r;

	r = read_optional(inv, SRD_PATH_IOMEM, SRD_IOMEM_MAX_BYTES, &buf, &len);
	if (r <= 0) {
		if (r == 0)
			return srd_inventory_problem(inv, "%s: missing", SRD_PATH_IOMEM);
		return r;
	}
	r = srd_iomem_parse(buf, len, SRD_PATH_IOMEM, &iomem, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return srd_inventory_problem(inv, "%s", err.msg);
	inv->have_iomem = true;

	srd_iomem_foreach(iomem, n)
	{
		char origin[SRD_NAME_MAX];

		if (keep_iomem(n)) {
			struct srd_iomem_entry *e = srd_inventory_add_iomem(inv);

			if (!e)
				return -ENOMEM;
			e->range = n->range;
			e->depth = n->depth;
			snprintf(e->name, sizeof(e->name), "%s", n->name);
		}
		snprintf(origin, sizeof(origin), "iomem:%u", n->line);
		if (srd_streq(n->name, "Soft Reserved")) {
			inv->iomem_lists_soft_reserved = true;
			r = srd_inventory_add_piece(inv, SRD_SOURCE_IOMEM, &n->range, origin);
		} else if (srd_iomem_name_is(n->name, "hmem.")) {
			struct srd_hmem *h = NULL;

			/* The hmem.N resource is the range dax_hmem registered. */
			for (size_t i = 0; i < inv->n_hmem; i++)
				if (srd_streq(inv->hmem[i].name, n->name))
					h = &inv->hmem[i];
			if (!h) {
				h = srd_inventory_add_hmem(inv);
				if (!h)
					return -ENOMEM;
				snprintf(h->name, sizeof(h->name), "%s", n->name);
			}
			h->range = n->range;
			h->has_range = true;
			r = srd_inventory_add_piece(inv, SRD_SOURCE_HMEM, &n->range, n->name);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int discover_memmap(struct srd_inventory *inv)
{
	_cleanup_free_ struct srd_memmap_entry *v = NULL;
	struct srd_error err = {};
	bool present;
	size_t n;
	int r;

	r = srd_memmap_load(SRD_PATH_MEMMAP, &v, &n, &present, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return srd_inventory_problem(inv, "%s", err.msg);
	inv->have_memmap = present;
	for (size_t i = 0; i < n; i++) {
		char origin[SRD_NAME_MAX];

		if (!srd_streq(v[i].type, SRD_MEMMAP_TYPE_SOFT_RESERVED))
			continue;
		snprintf(origin, sizeof(origin), "memmap/%u", v[i].index);
		r = srd_inventory_add_piece(inv, SRD_SOURCE_MEMMAP, &v[i].range, origin);
		if (r < 0)
			return r;
	}
	return 0;
}

static int discover_cmdline(struct srd_inventory *inv)
{
	_cleanup_free_ struct srd_cmdline_sr *v = NULL;
	_cleanup_free_ char *buf = NULL;
	struct srd_error err = {};
	size_t len, n;
	int r;

	r = read_optional(inv, SRD_PATH_CMDLINE, 65536, &buf, &len);
	if (r <= 0)
		return r;
	r = srd_cmdline_parse(buf, len, SRD_PATH_CMDLINE, &v, &n, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return srd_inventory_problem(inv, "%s", err.msg);
	inv->have_cmdline = true;
	free(inv->cmdline);
	inv->cmdline = strndup(buf, strcspn(buf, "\n"));
	if (!inv->cmdline)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r = srd_inventory_add_piece(inv, SRD_SOURCE_CMDLINE, &v[i].range, "cmdline");
		if (r < 0)
			return r;
	}
	return 0;
}

static int discover_srat(struct srd_inventory *inv)
{
	_cleanup_(srd_srat_freep) struct srd_srat *srat = NULL;
	_cleanup_free_ char *buf = NULL;
	struct srd_error err = {};
	size_t len;
	int r;

	r = read_optional(inv, SRD_PATH_SRAT, SRD_ACPI_MAX_TABLE, &buf, &len);
	if (r <= 0)
		return r;
	r = srd_srat_parse((const uint8_t *)buf, len, SRD_PATH_SRAT, &srat, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return srd_inventory_problem(inv, "%s", err.msg);
	inv->have_srat = true;
	for (size_t i = 0; i < srat->n_mem; i++) {
		if (!(srat->mem[i].flags & SRD_SRAT_MEM_ENABLED))
			continue;
		r = srd_inventory_add_srat(inv, &srat->mem[i].range,
					   (int)srat->mem[i].proximity_domain);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A window the firmware describes but cxl_acpi has not enumerated (not bound,
 * not loaded, or unbound by srd's own hand-off): still a CXL window, whose
 * memory decodes only through HDM decoders. */
static int cedt_only_window(struct srd_inventory *inv, const struct srd_cedt_cfmws *c, size_t i)
{
	struct srd_window *w = srd_inventory_add_window(inv);
	char b[SRD_RANGE_FMT_MAX];

	if (!w)
		return -ENOMEM;
	snprintf(w->name, sizeof(w->name), "CFMWS.%zu", i);
	w->range = c->range;
	w->cedt_index = (int)i;
	w->ways = c->ways;
	return srd_inventory_note(inv, "%s: CFMWS %zu (%s) is not enumerated (cxl_acpi not bound)",
				  SRD_PATH_CEDT, i, srd_range_format(&c->range, b, sizeof(b)));
}

/* Matches CFMWS windows with the root decoders libcxl found; a window the
 * kernel does not show, or a root decoder the firmware never described, is an
 * inconsistency the decision must not build on. */
static int discover_cedt(struct srd_inventory *inv)
{
	_cleanup_(srd_cedt_freep) struct srd_cedt *cedt = NULL;
	_cleanup_free_ char *buf = NULL;
	struct srd_error err = {};
	bool enumerated;
	size_t len;
	int r;

	r = read_optional(inv, SRD_PATH_CEDT, SRD_ACPI_MAX_TABLE, &buf, &len);
	if (r <= 0)
		return r;
	r = srd_cedt_parse((const uint8_t *)buf, len, SRD_PATH_CEDT, &cedt, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return srd_inventory_problem(inv, "%s", err.msg);
	inv->have_cedt = true;
	enumerated = inv->n_windows > 0;

	for (size_t i = 0; i < cedt->n_cfmws; i++) {
		const struct srd_cedt_cfmws *c = &cedt->cfmws[i];
		char b[SRD_RANGE_FMT_MAX];
		bool found = false;

		for (size_t k = 0; enumerated && k < inv->n_windows; k++)
			if (srd_range_equal(&inv->windows[k].range, &c->range)) {
				inv->windows[k].cedt_index = (int)i;
				found = true;
			}
		/* Without cxl_acpi there are no root decoders at all: that is a state to
		 * report, not an inconsistency. */
		if (!found && enumerated)
			r = srd_inventory_problem(
			    inv, "%s: CFMWS %zu (%s) has no matching CXL root decoder",
			    SRD_PATH_CEDT, i, srd_range_format(&c->range, b, sizeof(b)));
		else if (!found)
			r = cedt_only_window(inv, c, i);
		if (r < 0)
			return r;
	}
	for (size_t k = 0; k < inv->n_windows; k++)
		if (inv->windows[k].cedt_index < 0) {
			r = srd_inventory_problem(
			    inv, "%s: root decoder %s is not described by any CFMWS", SRD_PATH_CEDT,
			    inv->windows[k].name);
			if (r < 0)
				return r;
		}
	return 0;
}

/* The firmware's view: /proc/iomem, the memory map, the command line, SRAT, HMAT. */
static int discover_firmware(struct srd_inventory *inv)
{
	int r;

	r = discover_iomem(inv);
	if (r >= 0)
		r = discover_memmap(inv);
	if (r >= 0)
		r = discover_cmdline(inv);
	if (r >= 0)
		r = discover_srat(inv);
	if (r >= 0 && access(SRD_PATH_HMAT, F_OK) == 0)
		inv->have_hmat = true;
	return r < 0 ? r : 0;
}

int srd_discover(struct srd_inventory **ret)
{
	_cleanup_(srd_inventory_freep) struct srd_inventory *inv = NULL;
	char release[SRD_NAME_MAX];
	int r;

	inv = srd_inventory_new();
	if (!inv)
		return -ENOMEM;
	/* The same string as uname -r, read from procfs so a simulated platform
	 * can present the kernel it models. */
	if (srd_read_line(SRD_PATH_OSRELEASE, release, sizeof(release)) == 0)
		snprintf(inv->kernel_release, sizeof(inv->kernel_release), "%s", release);
	else if (srd_inventory_note(inv, "%s: unreadable; kernel behaviour from observation only",
				    SRD_PATH_OSRELEASE) < 0)
		return -ENOMEM;

	r = srd_discover_drivers(inv);
	if (r >= 0)
		r = discover_firmware(inv);
	if (r >= 0)
		r = srd_discover_cxl(inv);
	if (r >= 0)
		r = srd_discover_dax(inv);
	if (r >= 0)
		r = discover_cedt(inv); /* after the root decoders are known */
	if (r >= 0)
		r = srd_discover_failures(inv); /* after everything it reads */
	if (r >= 0)
		r = srd_inventory_derive(inv);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(inv);
	return 0;
}

void srd_discover_count_cxl(unsigned *ret_memdevs, unsigned *ret_regions)
{
	DIR *d = opendir("/sys/bus/cxl/devices");
	struct dirent *de;
	unsigned mem = 0, reg = 0;

	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "mem", 3) == 0)
			mem++;
		else if (strncmp(de->d_name, "region", 6) == 0)
			reg++;
	}
	if (d)
		closedir(d);
	*ret_memdevs = mem;
	*ret_regions = reg;
}
