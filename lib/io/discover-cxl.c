// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Discovery, kernel-object side: CXL windows, regions and memdevs through
 * libcxl; DAX regions and devices through libdaxctl; hmem platform devices and
 * driver bindings from sysfs.  libcxl v76 has no region mode getter and maps a
 * missing `commit` file to "not committed", so those two attributes are read
 * here directly; a value that cannot be read is a problem, never a default.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cxl/libcxl.h>
#include <daxctl/libdaxctl.h>

#include "discover.h"
#include "discover-internal.h"
#include "iomem.h"
#include "read.h"

#define SYS_CXL_DEVICES "/sys/bus/cxl/devices"

static void cxl_unrefp(struct cxl_ctx **c)
{
	if (*c)
		cxl_unref(*c);
}

static void daxctl_unrefp(struct daxctl_ctx **c)
{
	if (*c)
		daxctl_unref(*c);
}

_printf_(4, 0) static void library_log(struct srd_inventory *inv, const char *lib, int priority,
				       const char *format, va_list args)
{
	char *msg = NULL;
	size_t l;

	if (priority > LOG_ERR || !inv)
		return;
	if (vasprintf(&msg, format, args) < 0)
		return;
	l = strlen(msg);
	while (l && msg[l - 1] == '\n')
		msg[--l] = '\0';
	/* Library errors mean an object could not be read: the picture is incomplete. */
	srd_inventory_problem(inv, "%s: %s", lib, msg);
	free(msg);
}

_printf_(6, 0) static void cxl_log(struct cxl_ctx *ctx, int priority, const char *file, int line,
				   const char *fn, const char *format, va_list args)
{
	library_log(cxl_get_userdata(ctx), "libcxl", priority, format, args);
}

_printf_(6, 0) static void daxctl_log(struct daxctl_ctx *ctx, int priority, const char *file,
				      int line, const char *fn, const char *format, va_list args)
{
	library_log(daxctl_get_userdata(ctx), "libdaxctl", priority, format, args);
}

static bool dir_has_prefixed(const char *dir, const char *prefix)
{
	size_t l = strlen(prefix);
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		if (strncmp(de->d_name, prefix, l) == 0)
			found = true;
	closedir(d);
	return found;
}

/* Does dir hold a daxX.Y device? */
static bool dir_has_dax_device(const char *dir)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		unsigned a, b;
		char junk;

		found = sscanf(de->d_name, "dax%u.%u%c", &a, &b, &junk) == 2;
	}
	closedir(d);
	return found;
}

static bool region_has_dax_device(const char *region_dir)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(region_dir);

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (strncmp(de->d_name, "dax_region", 10) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", region_dir, de->d_name);
		found = dir_has_dax_device(sub);
	}
	closedir(d);
	return found;
}

/*
 * Lock-on-commit: 7.1+ shows it per region (regionZ/locked); older kernels only
 * per decoder (decoderX.Y/locked).  A region counts as locked only when every
 * one of its endpoint decoders is.
 */
static int read_region_lock(struct srd_inventory *inv, struct srd_region *r, const char *dir)
{
	char path[PATH_MAX], buf[16];
	uint64_t v;
	unsigned n = 0, n_locked = 0;

	snprintf(path, sizeof(path), "%s/locked", dir);
	if (srd_read_line(path, buf, sizeof(buf)) == 0) {
		if (srd_parse_u64(buf, &v) < 0 || v > 1)
			return srd_inventory_problem(inv, "%s: '%s' is not 0/1", path, buf);
		inv->region_locked_attr = true;
		r->locked = v == 1;
		return 0;
	}
	for (unsigned pos = 0; pos < r->n_targets; pos++) {
		if (!r->target_decoder[pos][0])
			continue;
		n++;
		snprintf(path, sizeof(path), SYS_CXL_DEVICES "/%s/locked", r->target_decoder[pos]);
		n_locked += srd_read_line(path, buf, sizeof(buf)) == 0 &&
			    srd_parse_u64(buf, &v) == 0 && v == 1;
	}
	r->locked = n > 0 && n_locked == n;
	return 0;
}

/*
 * The region's targets from regionZ/targetN, each an endpoint decoder whose
 * port's uport is the memdev.  Read here rather than through libcxl's
 * mappings: those look each decoder up by name over every port of the
 * topology, reading all attributes of all decoders (host bridges' included)
 * that srd never uses.  Serials are filled in from the memdevs later.
 */
static void read_region_targets(struct srd_region *r, const char *dir)
{
	char path[PATH_MAX], name[SRD_NAME_MAX];

	for (unsigned pos = 0; pos < r->ways; pos++) {
		snprintf(path, sizeof(path), "%s/target%u", dir, pos);
		if (srd_read_line(path, name, sizeof(name)) < 0 || !name[0])
			continue;
		snprintf(path, sizeof(path), SYS_CXL_DEVICES "/%s", name);
		if (access(path, F_OK) < 0)
			continue; /* its port is gone (unbound): no decoder */
		snprintf(r->target_decoder[pos], SRD_NAME_MAX, "%s", name);
		snprintf(path, sizeof(path), SYS_CXL_DEVICES "/%s/..", name);
		srd_link_basename(path, "uport", r->target_memdev[pos], SRD_NAME_MAX);
		r->target_serial[pos] = UINT64_MAX;
		if (pos + 1 > r->n_targets)
			r->n_targets = pos + 1;
	}
}

static int read_region(struct srd_inventory *inv, struct cxl_decoder *root, struct cxl_region *cr)
{
	struct srd_region *r = srd_inventory_add_region(inv);
	unsigned long long start = cxl_region_get_resource(cr), size = cxl_region_get_size(cr);
	char dir[PATH_MAX], path[PATH_MAX], buf[64];
	uint64_t commit;
	int k;

	if (!r)
		return -ENOMEM;
	snprintf(r->name, sizeof(r->name), "%s", cxl_region_get_devname(cr));
	snprintf(r->decoder, sizeof(r->decoder), "%s", cxl_decoder_get_devname(root));
	snprintf(dir, sizeof(dir), SYS_CXL_DEVICES "/%s", r->name);

	snprintf(path, sizeof(path), "%s/commit", dir);
	k = srd_read_line(path, buf, sizeof(buf));
	if (k < 0 || srd_parse_u64(buf, &commit) < 0 || commit > 1)
		return srd_inventory_problem(inv, "%s: unreadable or not 0/1", path);
	r->committed = commit == 1;
	r->enabled = cxl_region_is_enabled(cr) == 1;

	snprintf(path, sizeof(path), "%s/mode", dir);
	k = srd_read_line(path, buf, sizeof(buf));
	if (k == 0)
		snprintf(r->mode, sizeof(r->mode), "%s", buf);
	else if (dir_has_prefixed(dir, "pmem_region"))
		snprintf(r->mode, sizeof(r->mode), "pmem"); /* kernels without a mode attribute */
	/* A dax_regionN device whose probe failed (the -12 conflict) has no dax
	 * device below it: only a device means the region serves memory. */
	r->has_dax = region_has_dax_device(dir);

	r->ways = cxl_region_get_interleave_ways(cr);
	r->granularity = cxl_region_get_interleave_granularity(cr);
	if (size != ULLONG_MAX && size != 0 && start != ULLONG_MAX) {
		if (srd_range_from_size(start, size, &r->range) < 0)
			return srd_inventory_problem(
			    inv, "%s: resource 0x%llx + size 0x%llx overflows", dir, start, size);
		r->has_range = true;
	} else if (r->committed) {
		return srd_inventory_problem(inv, "%s: committed but no resource/size", dir);
	}

	/* libcxl reads target0..ways-1; an absurd way count would make it spin. */
	if (r->ways == 0 || r->ways > SRD_MAX_WAYS) {
		if (r->committed)
			return srd_inventory_problem(inv, "%s/interleave_ways: %u is not 1..%d",
						     dir, r->ways, SRD_MAX_WAYS);
		return 0;
	}
	read_region_targets(r, dir);
	if (r->committed && r->n_targets != r->ways)
		return srd_inventory_problem(inv,
					     "%s: committed with %u ways but %u targets readable",
					     dir, r->ways, r->n_targets);
	return read_region_lock(inv, r, dir);
}

static int decoder_entry(const struct dirent *de)
{
	return strncmp(de->d_name, "decoder", 7) == 0;
}

/*
 * Committed endpoint decoders: the HPA this device decodes, with or without
 * a region object (6.1 does not assemble firmware-committed regions).  Only
 * start and size, from sysfs: libcxl's decoder objects read ten attributes
 * each.  In decoder order.
 */
static int read_endpoint_decoders(struct srd_inventory *inv, const struct srd_memdev *m,
				  const char *endpoint)
{
	struct dirent **names = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 16], buf[32];
	int n, r = 0;

	snprintf(dir, sizeof(dir), SYS_CXL_DEVICES "/%s", endpoint);
	n = scandir(dir, &names, decoder_entry, versionsort);
	for (int i = 0; i < n; i++) {
		uint64_t start, size;
		struct srd_decoded *d;

		snprintf(path, sizeof(path), "%s/%s/size", dir, names[i]->d_name);
		if (r < 0 || srd_read_line(path, buf, sizeof(buf)) < 0 ||
		    srd_parse_u64(buf, &size) < 0 || size == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/start", dir, names[i]->d_name);
		if (srd_read_line(path, buf, sizeof(buf)) < 0 || srd_parse_u64(buf, &start) < 0)
			continue;
		d = srd_inventory_add_decoded(inv);
		if (!d) {
			r = -ENOMEM;
		} else if (srd_range_from_size(start, size, &d->range) < 0) {
			inv->n_decoded--;
			r = srd_inventory_problem(inv, "%s: decoder %s range overflows", m->name,
						  names[i]->d_name);
		} else {
			snprintf(d->decoder, sizeof(d->decoder), "%s", names[i]->d_name);
			snprintf(d->memdev, sizeof(d->memdev), "%s", m->name);
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

static int read_memdev(struct srd_inventory *inv, struct cxl_memdev *cm)
{
	struct srd_memdev *m = srd_inventory_add_memdev(inv);
	char path[PATH_MAX], buf[32];
	uint64_t v;
	int r;

	if (!m)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s", cxl_memdev_get_devname(cm));
	snprintf(m->host, sizeof(m->host), "%s", cxl_memdev_get_host(cm) ?: "");
	m->serial = cxl_memdev_get_serial(cm);
	m->ram_bytes = cxl_memdev_get_ram_size(cm);
	m->pmem_bytes = cxl_memdev_get_pmem_size(cm);
	m->numa_node = cxl_memdev_get_numa_node(cm);
	m->enabled = cxl_memdev_is_enabled(cm) == 1;
	m->has_endpoint = cxl_memdev_get_endpoint(cm) != NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", m->host);
	if (srd_read_line(path, buf, sizeof(buf)) == 0 && srd_parse_u64(buf, &v) == 0)
		m->pci_vendor = (uint16_t)v;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", m->host);
	if (srd_read_line(path, buf, sizeof(buf)) == 0 && srd_parse_u64(buf, &v) == 0)
		m->pci_device = (uint16_t)v;
	struct cxl_endpoint *ep = cxl_memdev_get_endpoint(cm);

	r = ep ? read_endpoint_decoders(inv, m, cxl_port_get_devname(cxl_endpoint_get_port(ep)))
	       : 0;
	if (r < 0)
		return r;
	if (m->serial == UINT64_MAX)
		return srd_inventory_note(inv, "%s: no serial number", m->name);
	return 0;
}

int srd_discover_cxl(struct srd_inventory *inv)
{
	_cleanup_(cxl_unrefp) struct cxl_ctx *ctx = NULL;
	struct cxl_memdev *cm;
	struct cxl_bus *bus;
	int r;

	r = cxl_new(&ctx);
	if (r < 0)
		return srd_inventory_problem(inv, "libcxl: cannot create a context: %s",
					     strerror(-r));
	cxl_set_userdata(ctx, inv);
	cxl_set_log_fn(ctx, cxl_log);
	cxl_set_log_priority(ctx, LOG_ERR);

	cxl_bus_foreach (ctx, bus) {
		struct cxl_port *port = cxl_bus_get_port(bus);
		struct cxl_decoder *dec;

		cxl_decoder_foreach (port, dec) {
			unsigned long long start = cxl_decoder_get_resource(dec);
			unsigned long long size = cxl_decoder_get_size(dec);
			struct srd_window *w = srd_inventory_add_window(inv);
			struct cxl_region *cr;

			if (!w)
				return -ENOMEM;
			snprintf(w->name, sizeof(w->name), "%s", cxl_decoder_get_devname(dec));
			w->enumerated = true;
			if (start == ULLONG_MAX || size == ULLONG_MAX ||
			    srd_range_from_size(start, size, &w->range) < 0) {
				r = srd_inventory_problem(inv, "%s/%s: unreadable start/size",
							  SYS_CXL_DEVICES, w->name);
				if (r < 0)
					return r;
				inv->n_windows--;
				continue;
			}
			w->ways = cxl_decoder_get_interleave_ways(dec);
			w->granularity = cxl_decoder_get_interleave_granularity(dec);
			w->cap_ram = cxl_decoder_is_volatile_capable(dec);
			w->cap_pmem = cxl_decoder_is_pmem_capable(dec);
			w->cap_type2 = cxl_decoder_is_accelmem_capable(dec);
			w->cap_type3 = cxl_decoder_is_mem_capable(dec);

			cxl_region_foreach (dec, cr) {
				r = read_region(inv, dec, cr);
				if (r < 0)
					return r;
			}
		}
	}
	cxl_memdev_foreach (ctx, cm) {
		r = read_memdev(inv, cm);
		if (r < 0)
			return r;
	}
	/* The regions' targets by their memdevs' serials. */
	for (size_t i = 0; i < inv->n_regions; i++)
		for (unsigned pos = 0; pos < inv->regions[i].n_targets; pos++)
			for (size_t k = 0; k < inv->n_memdevs; k++)
				if (inv->regions[i].target_memdev[pos][0] &&
				    srd_streq(inv->regions[i].target_memdev[pos],
					      inv->memdevs[k].name))
					inv->regions[i].target_serial[pos] = inv->memdevs[k].serial;
	return 0;
}

/* align and memmap_on_memory: what [Device] rules may set, and whether this
 * kernel lets them (align is read-only on a static dax region; the
 * memmap_on_memory attribute exists from 6.8). */
static void read_dax_tunables(struct srd_dax_dev *d, const char *dir)
{
	char path[PATH_MAX], buf[32];
	struct stat st;
	uint64_t v;

	snprintf(path, sizeof(path), "%s/align", dir);
	if (srd_read_line(path, buf, sizeof(buf)) >= 0 && srd_parse_u64(buf, &v) >= 0) {
		d->align_bytes = v;
		d->align_writable = stat(path, &st) == 0 && (st.st_mode & 0222);
	}
	snprintf(path, sizeof(path), "%s/memmap_on_memory", dir);
	if (srd_read_line(path, buf, sizeof(buf)) >= 0 && (buf[0] == '0' || buf[0] == '1'))
		d->memmap_on_memory = buf[0] == '1';
}

static int read_dax_dev(struct srd_inventory *inv, struct daxctl_region *dr, struct daxctl_dev *dd)
{
	struct srd_dax_dev *d = srd_inventory_add_dax(inv);
	const char *path = daxctl_region_get_path(dr);
	unsigned long long res = daxctl_dev_get_resource(dd), size = daxctl_dev_get_size(dd);
	const char *base = strrchr(path, '/');

	if (!d)
		return -ENOMEM;
	base = base ? base + 1 : path;
	snprintf(d->name, sizeof(d->name), "%s", daxctl_dev_get_devname(dd));
	if (strncmp(base, "hmem.", 5) == 0) {
		d->kind = SRD_DAX_HMEM;
		snprintf(d->parent, sizeof(d->parent), "%s", base);
	} else if (strncmp(base, "dax_region", 10) == 0) {
		/* .../regionN/dax_regionN: name the CXL region. */
		char parent[PATH_MAX], *s;

		snprintf(parent, sizeof(parent), "%.*s", (int)(base - path - 1), path);
		s = strrchr(parent, '/');
		d->kind = SRD_DAX_CXL;
		snprintf(d->parent, sizeof(d->parent), "%s", s ? s + 1 : parent);
	} else {
		d->kind = SRD_DAX_OTHER;
		snprintf(d->parent, sizeof(d->parent), "%s", base);
	}
	d->target_node = daxctl_dev_get_target_node(dd);
	if (size && size != ULLONG_MAX && res != ULLONG_MAX && res != 0) {
		if (srd_range_from_size(res, size, &d->range) < 0)
			return srd_inventory_problem(inv, "%s: resource overflows", d->name);
		d->has_range = true;
	}
	{
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "/sys/bus/dax/devices/%s", d->name);
		srd_link_basename(dir, "driver", d->driver, sizeof(d->driver));
		read_dax_tunables(d, dir);
	}
	if (srd_streq(d->driver, "kmem")) {
		struct daxctl_memory *mem = daxctl_dev_get_memory(dd);

		if (mem) {
			int online = daxctl_memory_is_online(mem);
			int total = daxctl_memory_num_sections(mem);

			/* Any online block counts: it is memory someone may be using. */
			d->memory_online = online > 0;
			d->memory_movable =
			    online > 0 && online == total && daxctl_memory_is_movable(mem) == 1;
		}
	}
	return 0;
}

int srd_discover_dax(struct srd_inventory *inv)
{
	_cleanup_(daxctl_unrefp) struct daxctl_ctx *ctx = NULL;
	struct daxctl_region *dr;
	struct dirent *de;
	DIR *d;
	int r;

	r = daxctl_new(&ctx);
	if (r < 0)
		return srd_inventory_problem(inv, "libdaxctl: cannot create a context: %s",
					     strerror(-r));
	daxctl_set_userdata(ctx, inv);
	daxctl_set_log_fn(ctx, daxctl_log);
	daxctl_set_log_priority(ctx, LOG_ERR);

	daxctl_region_foreach (ctx, dr) {
		struct daxctl_dev *dd;

		daxctl_dev_foreach (dr, dd) {
			r = read_dax_dev(inv, dr, dd);
			if (r < 0)
				return r;
		}
	}

	/* hmem.N platform devices: present even when unbound (no dax region then). */
	d = opendir("/sys/bus/platform/devices");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct srd_hmem *h = NULL;
		char dir[PATH_MAX];

		if (!srd_iomem_name_is(de->d_name, "hmem."))
			continue;
		for (size_t i = 0; i < inv->n_hmem; i++)
			if (srd_streq(inv->hmem[i].name, de->d_name))
				h = &inv->hmem[i];
		if (!h) {
			h = srd_inventory_add_hmem(inv);
			if (!h) {
				closedir(d);
				return -ENOMEM;
			}
			snprintf(h->name, sizeof(h->name), "%s", de->d_name);
		}
		snprintf(dir, sizeof(dir), "/sys/bus/platform/devices/%s", de->d_name);
		srd_link_basename(dir, "driver", h->driver, sizeof(h->driver));
	}
	closedir(d);

	/* Where iomem did not show the hmem resource, its dax devices do. */
	for (size_t i = 0; i < inv->n_hmem; i++) {
		struct srd_hmem *h = &inv->hmem[i];

		for (size_t k = 0; k < inv->n_dax && !h->has_range; k++)
			if (inv->dax[k].kind == SRD_DAX_HMEM &&
			    srd_streq(inv->dax[k].parent, h->name) && inv->dax[k].has_range) {
				h->range = inv->dax[k].range;
				h->has_range = true;
				r = srd_inventory_add_piece(inv, SRD_SOURCE_HMEM, &h->range,
							    h->name);
				if (r < 0)
					return r;
			}
	}
	return 0;
}

static const struct {
	enum srd_driver_id id;
	const char *dir;
} driver_dirs[] = {
    {SRD_DRIVER_CXL_ACPI, "/sys/bus/platform/drivers/cxl_acpi"},
    {SRD_DRIVER_CXL_PCI, "/sys/bus/pci/drivers/cxl_pci"},
    {SRD_DRIVER_CXL_MEM, "/sys/bus/cxl/drivers/cxl_mem"},
    {SRD_DRIVER_CXL_PORT, "/sys/bus/cxl/drivers/cxl_port"},
    {SRD_DRIVER_CXL_REGION, "/sys/bus/cxl/drivers/cxl_region"},
    {SRD_DRIVER_DAX_CXL, "/sys/bus/cxl/drivers/cxl_dax_region"},
    {SRD_DRIVER_DAX_HMEM, "/sys/bus/platform/drivers/hmem"},
    {SRD_DRIVER_HMEM_PLATFORM, "/sys/bus/platform/drivers/hmem_platform"},
    {SRD_DRIVER_DEVICE_DAX, "/sys/bus/dax/drivers/device_dax"},
    {SRD_DRIVER_KMEM, "/sys/bus/dax/drivers/kmem"},
};

int srd_discover_drivers(struct srd_inventory *inv)
{
	for (size_t i = 0; i < ARRAY_SIZE(driver_dirs); i++) {
		struct srd_driver_state *s = &inv->drivers[driver_dirs[i].id];
		struct dirent *de;
		DIR *d = opendir(driver_dirs[i].dir);

		if (!d)
			continue;
		s->present = true;
		/* Bound devices are the symlinks other than "module".  Not every file
		 * system fills d_type; ask lstat() when it does not. */
		while ((de = readdir(d))) {
			bool link = de->d_type == DT_LNK;

			if (de->d_type == DT_UNKNOWN) {
				struct stat st;

				link =
				    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISLNK(st.st_mode);
			}
			if (link && strcmp(de->d_name, "module") != 0)
				s->n_bound++;
		}
		closedir(d);
	}
	inv->hmem_platform_bound = inv->drivers[SRD_DRIVER_HMEM_PLATFORM].n_bound > 0;
	return 0;
}
