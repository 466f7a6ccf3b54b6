// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inventory to JSON.  The schema is documented in docs/status-json.md; fields are only
 * ever added, never renamed, so scripts and configuration management can rely
 * on them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "policy-device.h"
#include "srd-json.h"

struct json_object *srd_json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

void srd_json_add_range(struct json_object *o, const struct srd_range *r)
{
	json_object_object_add(o, "start", srd_json_hex(r->start));
	json_object_object_add(o, "end", srd_json_hex(r->end));
	json_object_object_add(o, "size", srd_json_hex(srd_range_size(r)));
}

static struct json_object *strv(char **v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static struct json_object *sources(unsigned mask)
{
	struct json_object *a = json_object_new_array();

	for (unsigned bit = 1; bit <= SRD_SOURCE_HMEM; bit <<= 1)
		if (mask & bit)
			json_object_array_add(a, json_object_new_string(srd_source_to_string(bit)));
	return a;
}

static struct json_object *json_range(const struct srd_sr_range *u, const struct srd_inventory *inv)
{
	struct json_object *o = json_object_new_object();

	srd_json_add_range(o, &u->range);
	json_object_object_add(o, "sources", sources(u->sources));
	json_object_object_add(o, "disagree", json_object_new_boolean(u->disagree));
	if (u->disagree)
		json_object_object_add(o, "disagreement", json_object_new_string(u->disagreement));
	json_object_object_add(o, "window",
			       u->window >= 0 ? json_object_new_string(inv->windows[u->window].name)
					      : NULL);
	json_object_object_add(o, "proximity_domain", json_object_new_int(u->proximity_domain));
	json_object_object_add(o, "owner", json_object_new_string(srd_owner_to_string(u->owner)));
	json_object_object_add(o, "cxl_bytes", srd_json_hex(u->cxl_bytes));
	json_object_object_add(o, "hmem_bytes", srd_json_hex(u->hmem_bytes));
	json_object_object_add(o, "decoded_bytes", srd_json_hex(u->decoded_bytes));
	json_object_object_add(o, "reason", json_object_new_string(u->reason));
	return o;
}

static struct json_object *json_region(const struct srd_region *r)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "decoder", json_object_new_string(r->decoder));
	if (r->has_range)
		srd_json_add_range(o, &r->range);
	json_object_object_add(o, "mode", json_object_new_string(r->mode));
	json_object_object_add(o, "committed", json_object_new_boolean(r->committed));
	json_object_object_add(o, "enabled", json_object_new_boolean(r->enabled));
	json_object_object_add(o, "dax_region", json_object_new_boolean(r->has_dax));
	json_object_object_add(o, "locked", json_object_new_boolean(r->locked));
	json_object_object_add(o, "interleave_ways", json_object_new_int64(r->ways));
	json_object_object_add(o, "interleave_granularity",
			       json_object_new_int64((int64_t)r->granularity));
	for (unsigned i = 0; i < r->n_targets; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "position", json_object_new_int(i));
		json_object_object_add(x, "decoder", json_object_new_string(r->target_decoder[i]));
		json_object_object_add(x, "memdev", json_object_new_string(r->target_memdev[i]));
		json_object_object_add(
		    x, "serial",
		    r->target_serial[i] == UINT64_MAX ? NULL : srd_json_hex(r->target_serial[i]));
		json_object_array_add(t, x);
	}
	json_object_object_add(o, "targets", t);
	return o;
}

static struct json_object *json_window(const struct srd_window *w)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(w->name));
	srd_json_add_range(o, &w->range);
	json_object_object_add(o, "interleave_ways", json_object_new_int64(w->ways));
	json_object_object_add(o, "interleave_granularity",
			       json_object_new_int64((int64_t)w->granularity));
	json_object_object_add(o, "cap_ram", json_object_new_boolean(w->cap_ram));
	json_object_object_add(o, "cap_pmem", json_object_new_boolean(w->cap_pmem));
	json_object_object_add(o, "cap_type2", json_object_new_boolean(w->cap_type2));
	json_object_object_add(o, "cap_type3", json_object_new_boolean(w->cap_type3));
	json_object_object_add(o, "cedt_index", json_object_new_int(w->cedt_index));
	json_object_object_add(o, "enumerated", json_object_new_boolean(w->enumerated));
	return o;
}

static struct json_object *json_memdev(const struct srd_memdev *m)
{
	struct json_object *o = json_object_new_object();
	char id[16];

	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "host", json_object_new_string(m->host));
	json_object_object_add(o, "serial",
			       m->serial == UINT64_MAX ? NULL : srd_json_hex(m->serial));
	json_object_object_add(o, "ram_size", srd_json_hex(m->ram_bytes));
	json_object_object_add(o, "pmem_size", srd_json_hex(m->pmem_bytes));
	snprintf(id, sizeof(id), "%04x:%04x", m->pci_vendor, m->pci_device);
	json_object_object_add(o, "pci_id", json_object_new_string(id));
	json_object_object_add(o, "numa_node", json_object_new_int(m->numa_node));
	json_object_object_add(o, "enabled", json_object_new_boolean(m->enabled));
	json_object_object_add(o, "endpoint", json_object_new_boolean(m->has_endpoint));
	return o;
}

static const char *const dax_kinds[] = {"hmem", "cxl", "other"};

/* What names the device across reboots (policy-device.h), for scripts and [Device] rules. */
static struct json_object *json_dax_identity(const struct srd_inventory *inv,
					     const struct srd_dax_dev *d)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array(), *x;
	struct srd_dax_identity id;

	srd_dax_identity(inv, d, &id);
	if (id.region[0])
		json_object_object_add(o, "region", json_object_new_string(id.region));
	if (id.has_region_range) {
		x = json_object_new_object();
		srd_json_add_range(x, &id.region_range);
		json_object_object_add(o, "region_range", x);
	}
	for (unsigned k = 0; k < id.n_memdevs; k++) {
		x = json_object_new_object();
		json_object_object_add(x, "memdev", json_object_new_string(id.memdevs[k]));
		json_object_object_add(
		    x, "serial", id.serials[k] == UINT64_MAX ? NULL : srd_json_hex(id.serials[k]));
		json_object_object_add(x, "pci",
				       id.pci[k][0] ? json_object_new_string(id.pci[k]) : NULL);
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "memdevs", a);
	if (id.has_hmem_range) {
		x = json_object_new_object();
		srd_json_add_range(x, &id.hmem_range);
		json_object_object_add(o, "hmem_range", x);
	}
	json_object_object_add(o, "node", json_object_new_int(id.node));
	return o;
}

static struct json_object *json_dax(const struct srd_dax_dev *d, const struct srd_inventory *inv)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "parent", json_object_new_string(d->parent));
	json_object_object_add(o, "kind", json_object_new_string(dax_kinds[d->kind]));
	if (d->has_range)
		srd_json_add_range(o, &d->range);
	json_object_object_add(o, "target_node", json_object_new_int(d->target_node));
	json_object_object_add(o, "driver", json_object_new_string(d->driver));
	json_object_object_add(o, "online", json_object_new_boolean(d->memory_online));
	json_object_object_add(o, "movable", json_object_new_boolean(d->memory_movable));
	json_object_object_add(
	    o, "align", d->align_bytes ? json_object_new_int64((int64_t)d->align_bytes) : NULL);
	json_object_object_add(o, "align_writable", json_object_new_boolean(d->align_writable));
	json_object_object_add(
	    o, "memmap_on_memory",
	    d->memmap_on_memory < 0 ? NULL : json_object_new_boolean(d->memmap_on_memory));
	json_object_object_add(o, "identity", json_dax_identity(inv, d));
	return o;
}

static struct json_object *json_hmem(const struct srd_hmem *h)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(h->name));
	json_object_object_add(o, "driver", json_object_new_string(h->driver));
	if (h->has_range)
		srd_json_add_range(o, &h->range);
	return o;
}

static struct json_object *json_decoded(const struct srd_decoded *d)
{
	struct json_object *o = json_object_new_object();

	srd_json_add_range(o, &d->range);
	json_object_object_add(o, "decoder", json_object_new_string(d->decoder));
	json_object_object_add(o, "memdev", json_object_new_string(d->memdev));
	return o;
}

static struct json_object *json_iomem(const struct srd_iomem_entry *e)
{
	struct json_object *o = json_object_new_object();

	srd_json_add_range(o, &e->range);
	json_object_object_add(o, "depth", json_object_new_int((int)e->depth));
	json_object_object_add(o, "name", json_object_new_string(e->name));
	return o;
}

static struct json_object *json_failure(const struct srd_failure *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(srd_failure_to_string(f->kind)));
	json_object_object_add(o, "device", json_object_new_string(f->device));
	json_object_object_add(o, "evidence", json_object_new_string(f->evidence));
	return o;
}

#define JSON_ARRAY(fn, v, n)                                                                       \
	({                                                                                         \
		struct json_object *_a = json_object_new_array();                                  \
		for (size_t _i = 0; _i < (n); _i++)                                                \
			json_object_array_add(_a, fn(&(v)[_i]));                                   \
		_a;                                                                                \
	})

struct json_object *srd_json_inventory(const struct srd_inventory *inv)
{
	struct json_object *o = json_object_new_object(), *k, *drv, *a, *p;

	k = json_object_new_object();
	json_object_object_add(k, "release", json_object_new_string(inv->kernel_release));
	json_object_object_add(k, "behaviour",
			       json_object_new_string(srd_behaviour_to_string(inv->behaviour)));
	json_object_object_add(k, "behaviour_basis", json_object_new_string(inv->behaviour_basis));
	json_object_object_add(k, "lock_honoured", json_object_new_boolean(inv->lock_honoured));
	json_object_object_add(k, "lock_basis", json_object_new_string(inv->lock_basis));
	json_object_object_add(k, "cxl_acpi_bound", json_object_new_boolean(inv->cxl_acpi_bound));
	json_object_object_add(k, "hmem_platform_bound",
			       json_object_new_boolean(inv->hmem_platform_bound));
	json_object_object_add(k, "region_locked_attr",
			       json_object_new_boolean(inv->region_locked_attr));
	json_object_object_add(k, "cmdline",
			       inv->cmdline ? json_object_new_string(inv->cmdline) : NULL);
	json_object_object_add(o, "kernel", k);

	drv = json_object_new_object();
	for (int i = 0; i < _SRD_DRIVER_MAX; i++) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "present",
				       json_object_new_boolean(inv->drivers[i].present));
		json_object_object_add(d, "bound",
				       json_object_new_int((int)inv->drivers[i].n_bound));
		json_object_object_add(drv, srd_driver_to_string(i), d);
	}
	json_object_object_add(o, "drivers", drv);

	a = json_object_new_object();
	json_object_object_add(a, "iomem", json_object_new_boolean(inv->have_iomem));
	json_object_object_add(a, "iomem_lists_soft_reserved",
			       json_object_new_boolean(inv->iomem_lists_soft_reserved));
	json_object_object_add(a, "memmap", json_object_new_boolean(inv->have_memmap));
	json_object_object_add(a, "cmdline", json_object_new_boolean(inv->have_cmdline));
	json_object_object_add(a, "cedt", json_object_new_boolean(inv->have_cedt));
	json_object_object_add(a, "srat", json_object_new_boolean(inv->have_srat));
	json_object_object_add(a, "hmat", json_object_new_boolean(inv->have_hmat));
	json_object_object_add(o, "inputs", a);

	json_object_object_add(o, "complete", json_object_new_boolean(srd_inventory_complete(inv)));
	json_object_object_add(o, "problems", strv(inv->problems, inv->n_problems));
	json_object_object_add(o, "notes", strv(inv->notes, inv->n_notes));
	json_object_object_add(o, "failures",
			       JSON_ARRAY(json_failure, inv->failures, inv->n_failures));

	a = json_object_new_array();
	for (size_t i = 0; i < inv->n_ranges; i++)
		json_object_array_add(a, json_range(&inv->ranges[i], inv));
	json_object_object_add(o, "ranges", a);

	a = json_object_new_array();
	for (size_t i = 0; i < inv->n_pieces; i++) {
		p = json_object_new_object();
		srd_json_add_range(p, &inv->pieces[i].range);
		json_object_object_add(
		    p, "source",
		    json_object_new_string(srd_source_to_string(inv->pieces[i].source)));
		json_object_object_add(p, "origin", json_object_new_string(inv->pieces[i].origin));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "evidence", a);

	json_object_object_add(o, "windows", JSON_ARRAY(json_window, inv->windows, inv->n_windows));
	json_object_object_add(o, "regions", JSON_ARRAY(json_region, inv->regions, inv->n_regions));
	json_object_object_add(o, "memdevs", JSON_ARRAY(json_memdev, inv->memdevs, inv->n_memdevs));
	a = json_object_new_array();
	for (size_t i = 0; i < inv->n_dax; i++)
		json_object_array_add(a, json_dax(&inv->dax[i], inv));
	json_object_object_add(o, "dax_devices", a);
	json_object_object_add(o, "hmem_devices", JSON_ARRAY(json_hmem, inv->hmem, inv->n_hmem));
	json_object_object_add(o, "decoded",
			       JSON_ARRAY(json_decoded, inv->decoded, inv->n_decoded));

	a = json_object_new_array();
	for (size_t i = 0; i < inv->n_srat; i++) {
		p = json_object_new_object();
		srd_json_add_range(p, &inv->srat_ranges[i]);
		json_object_object_add(p, "proximity_domain",
				       json_object_new_int(inv->srat_pxm[i]));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "srat", a);
	json_object_object_add(o, "iomem", JSON_ARRAY(json_iomem, inv->iomem, inv->n_iomem));
	return o;
}

/* ---- per-device dax policy ---- */

static struct json_object *json_keys(unsigned mask)
{
	struct json_object *a = json_object_new_array();
	char buf[96], *save = NULL;

	srd_device_keys_format(mask, buf, sizeof(buf));
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		json_object_array_add(a, json_object_new_string(t));
	return a;
}

/* What a configure-dax action sets beyond the mode, and the rule that wants it. */
static void json_dax_action(struct json_object *x, const struct srd_action *a)
{
	json_object_object_add(
	    x, "memmap_on_memory",
	    a->memmap_on_memory < 0 ? NULL : json_object_new_boolean(a->memmap_on_memory));
	json_object_object_add(
	    x, "align", a->align_bytes ? json_object_new_int64((int64_t)a->align_bytes) : NULL);
	json_object_object_add(x, "rule", a->rule[0] ? json_object_new_string(a->rule) : NULL);
}

/* The [Device] rules, in the order they are tried. */
static struct json_object *json_device_rules(const struct srd_policy *p)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->n_device_rules; i++) {
		const struct srd_device_rule *r = &p->device_rules[i];
		struct json_object *x = json_object_new_object(), *m = json_object_new_object(), *v;

		json_object_object_add(x, "origin", json_object_new_string(r->origin.where));
		if (r->n_serials) {
			v = json_object_new_array();
			for (unsigned k = 0; k < r->n_serials; k++)
				json_object_array_add(v, srd_json_hex(r->serials[k]));
			json_object_object_add(m, "serial", v);
		}
		if (r->n_pci) {
			v = json_object_new_array();
			for (unsigned k = 0; k < r->n_pci; k++)
				json_object_array_add(v, json_object_new_string(r->pci[k]));
			json_object_object_add(m, "pci", v);
		}
		if (r->keys & SRD_DEVICE_KEY_RANGE) {
			v = json_object_new_object();
			srd_json_add_range(v, &r->range);
			json_object_object_add(m, "range", v);
		}
		if (r->keys & SRD_DEVICE_KEY_HMEM) {
			v = json_object_new_object();
			srd_json_add_range(v, &r->hmem_range);
			json_object_object_add(m, "hmem_range", v);
		}
		if (r->keys & SRD_DEVICE_KEY_NODE)
			json_object_object_add(m, "node", json_object_new_int(r->node));
		json_object_object_add(x, "match", m);
		json_object_object_add(x, "dax_mode",
				       json_object_new_string(srd_dax_mode_to_string(r->mode)));
		json_object_object_add(x, "online",
				       json_object_new_string(srd_online_to_string(r->online)));
		json_object_object_add(
		    x, "memmap_on_memory",
		    r->memmap_on_memory < 0 ? NULL : json_object_new_boolean(r->memmap_on_memory));
		json_object_object_add(
		    x, "align",
		    r->align_bytes ? json_object_new_int64((int64_t)r->align_bytes) : NULL);
		json_object_array_add(a, x);
	}
	return a;
}

void srd_json_add_dax_policy(struct json_object *o, const struct srd_inventory *inv,
			     const struct srd_policy *p)
{
	struct json_object *devs = NULL;

	json_object_object_get_ex(o, "dax_devices", &devs);
	for (size_t i = 0; devs && i < inv->n_dax && i < json_object_array_length(devs); i++) {
		const struct srd_dax_dev *d = &inv->dax[i];
		struct json_object *x = json_object_new_object();
		struct srd_dax_setting s;

		srd_dax_setting_for(p, inv, d, &s);
		json_object_object_add(x, "rule",
				       s.rule >= 0 ? json_object_new_string(s.origin) : NULL);
		json_object_object_add(x, "matched", json_keys(s.matched));
		json_object_object_add(x, "source",
				       json_object_new_string(s.rule >= 0		? "[Device]"
							      : d->kind == SRD_DAX_CXL	? "[CXL]"
							      : d->kind == SRD_DAX_HMEM ? "[HMEM]"
											: "none"));
		json_object_object_add(x, "origin", json_object_new_string(s.origin));
		json_object_object_add(x, "dax_mode",
				       json_object_new_string(srd_dax_mode_to_string(s.mode)));
		json_object_object_add(x, "online",
				       json_object_new_string(srd_online_to_string(s.online)));
		json_object_object_add(
		    x, "memmap_on_memory",
		    s.memmap_on_memory < 0 ? NULL : json_object_new_boolean(s.memmap_on_memory));
		json_object_object_add(x, "align",
				       s.align_bytes ? json_object_new_int64((int64_t)s.align_bytes)
						     : NULL);
		json_object_object_add(json_object_array_get_idx(devs, i), "policy", x);
	}
	json_object_object_add(o, "unmatched_device_rules",
			       srd_json_unmatched_device_rules(inv, p));
}

struct json_object *srd_json_unmatched_device_rules(const struct srd_inventory *inv,
						    const struct srd_policy *p)
{
	struct json_object *a = json_object_new_array();
	_cleanup_free_ size_t *ids = NULL;
	int n = inv ? srd_device_rules_unmatched(p, inv, &ids) : 0;

	for (int i = 0; i < n; i++)
		json_object_array_add(a,
				      json_object_new_string(p->device_rules[ids[i]].origin.where));
	return a;
}

struct json_object *srd_json_decision(const struct srd_decision *d, const struct srd_inventory *inv)
{
	struct json_object *o = json_object_new_object(), *a;

	json_object_object_add(o, "policy", json_object_new_string(srd_mode_to_string(d->mode)));
	json_object_object_add(o, "verdict",
			       json_object_new_string(srd_verdict_to_string(d->verdict)));
	json_object_object_add(o, "fallback", json_object_new_boolean(d->fallback));
	json_object_object_add(o, "refused", json_object_new_boolean(d->refused));
	if (d->refused)
		json_object_object_add(o, "refusal", json_object_new_string(d->refusal));
	json_object_object_add(o, "summary", json_object_new_string(d->summary));
	json_object_object_add(o, "complete", json_object_new_boolean(srd_inventory_complete(inv)));
	json_object_object_add(o, "behaviour",
			       json_object_new_string(srd_behaviour_to_string(inv->behaviour)));

	a = json_object_new_array();
	for (size_t i = 0; i < d->n_ranges; i++) {
		const struct srd_range_decision *r = &d->ranges[i];
		struct json_object *x = json_object_new_object();

		srd_json_add_range(x, &r->range);
		json_object_object_add(x, "sources", sources(r->sources));
		json_object_object_add(x, "owner",
				       json_object_new_string(srd_owner_to_string(r->owner)));
		json_object_object_add(x, "decided",
				       json_object_new_string(srd_target_to_string(r->target)));
		json_object_object_add(x, "excluded",
				       json_object_new_boolean(r->excluded && !r->held));
		json_object_object_add(x, "held", json_object_new_boolean(r->held));
		json_object_object_add(x, "blocked", json_object_new_boolean(r->blocked));
		json_object_object_add(x, "via_cxl_acpi", json_object_new_boolean(r->via_cxl_acpi));
		json_object_object_add(x, "reason", json_object_new_string(r->reason));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "ranges", a);

	a = json_object_new_array();
	for (size_t i = 0; i < d->n_actions; i++) {
		const struct srd_action *act = &d->actions[i];
		struct json_object *x = json_object_new_object();
		char b[SRD_RANGE_FMT_MAX];

		json_object_object_add(x, "action",
				       json_object_new_string(srd_action_to_string(act->kind)));
		json_object_object_add(x, "target", json_object_new_string(act->target));
		json_object_object_add(
		    x, "range",
		    json_object_new_string(srd_range_format(&act->range, b, sizeof(b))));
		if (act->kind == SRD_ACTION_CONFIGURE_DAX) {
			json_object_object_add(
			    x, "dax_mode",
			    json_object_new_string(srd_dax_mode_to_string(act->dax_mode)));
			json_object_object_add(
			    x, "online", json_object_new_string(srd_online_to_string(act->online)));
			json_dax_action(x, act);
		}
		json_object_object_add(x, "reason", json_object_new_string(act->reason));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "actions", a);

	a = json_object_new_array();
	for (size_t i = 0; i < d->n_innocent; i++)
		json_object_array_add(a, json_object_new_string(d->innocent[i]));
	json_object_object_add(o, "untouched_regions", a);
	return o;
}

static void add_setting(struct json_object *o, const char *key, const char *value,
			const struct srd_origin *origin)
{
	struct json_object *x = json_object_new_object();

	json_object_object_add(x, "value", json_object_new_string(value));
	json_object_object_add(x, "origin", json_object_new_string(origin ? origin->where : ""));
	json_object_object_add(o, key, x);
}

struct json_object *srd_json_policy(const struct srd_policy *p)
{
	struct json_object *o = json_object_new_object(), *ex = json_object_new_array();
	char b[SRD_RANGE_FMT_MAX], n[64];

	add_setting(o, "mode", srd_mode_to_string(p->mode), &p->mode_origin);
	add_setting(o, "fallback", srd_fallback_to_string(p->fallback), &p->fallback_origin);
	add_setting(o, "teardown", srd_teardown_to_string(p->teardown), &p->teardown_origin);
	json_object_object_add(o, "allow_offline", json_object_new_boolean(p->allow_offline));
	json_object_object_add(o, "reassert", json_object_new_boolean(p->reassert));
	snprintf(n, sizeof(n), "%" PRIu64 "ms", p->settle_quiet_usec / 1000);
	add_setting(o, "quiet", n, &p->quiet_origin);
	snprintf(n, sizeof(n), "%" PRIu64 "ms", p->settle_timeout_usec / 1000);
	add_setting(o, "timeout", n, &p->timeout_origin);
	json_object_object_add(o, "expect_memdevs", json_object_new_int(p->expect_memdevs));
	json_object_object_add(o, "expect_regions", json_object_new_int(p->expect_regions));
	json_object_object_add(o, "expect_auto", json_object_new_boolean(p->expect_auto));
	for (size_t i = 0; i < p->n_exclude_ranges; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "range",
				       json_object_new_string(srd_range_format(
					   &p->exclude_ranges[i].range, b, sizeof(b))));
		json_object_object_add(x, "origin",
				       json_object_new_string(p->exclude_ranges[i].origin.where));
		json_object_array_add(ex, x);
	}
	for (size_t i = 0; i < p->n_exclude_serials; i++) {
		struct json_object *x = json_object_new_object();

		snprintf(n, sizeof(n), "0x%" PRIx64, p->exclude_serials[i].serial);
		json_object_object_add(x, "serial", json_object_new_string(n));
		json_object_object_add(x, "origin",
				       json_object_new_string(p->exclude_serials[i].origin.where));
		json_object_array_add(ex, x);
	}
	for (size_t i = 0; i < p->n_exclude_pci; i++) {
		struct json_object *x = json_object_new_object();

		snprintf(n, sizeof(n), "%04x:%04x", p->exclude_pci[i].vendor,
			 p->exclude_pci[i].device);
		json_object_object_add(x, "pci_device", json_object_new_string(n));
		json_object_object_add(x, "origin",
				       json_object_new_string(p->exclude_pci[i].origin.where));
		json_object_array_add(ex, x);
	}
	json_object_object_add(o, "exclude", ex);
	for (int k = 0; k < 2; k++) {
		const struct srd_dax_policy *dp = k ? &p->dax_hmem : &p->dax_cxl;
		struct json_object *x = json_object_new_object();

		add_setting(x, "dax_mode", srd_dax_mode_to_string(dp->mode), &dp->mode_origin);
		add_setting(x, "online", srd_online_to_string(dp->online), &dp->online_origin);
		json_object_object_add(o, k ? "hmem" : "cxl", x);
	}
	json_object_object_add(o, "devices", json_device_rules(p));
	json_object_object_add(o, "metrics_file", json_object_new_string(p->metrics_file));
	json_object_object_add(o, "files", strv(p->files, p->n_files));
	return o;
}

int srd_json_print(struct json_object *o, FILE *f)
{
	const char *s = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return -ENOMEM;
	fputs(s, f);
	fputc('\n', f);
	return 0;
}
