// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hotplug replace plans (see layout.h).  Pure: the inventory and the
 * recorded layouts in, actions with reasons or a refusal out.  The executor
 * carries them out like any other plan, with the same re-reads and undo.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "replace.h"

static const char *const replace_names[_SRD_REPLACE_MAX] = {"none", "prepared", "removed"};

SRD_DEFINE_STRING_TABLE(srd_replace_state, enum srd_replace_state, replace_names, _SRD_REPLACE_MAX)

static const struct srd_memdev *memdev_by_name(const struct srd_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->n_memdevs; i++)
		if (srd_streq(inv->memdevs[i].name, name))
			return &inv->memdevs[i];
	return NULL;
}

/* A decimal number as the kernel prints one (no sign, no leading zero), at most 9 digits. */
static bool number(const char **s)
{
	const char *p = *s;

	if (!isdigit((unsigned char)*p) || (*p == '0' && isdigit((unsigned char)p[1])))
		return false;
	while (isdigit((unsigned char)*p) && p - *s < 9)
		p++;
	if (isdigit((unsigned char)*p))
		return false;
	*s = p;
	return true;
}

/* "PREFIXn" or, with dotted, "PREFIXn.m". */
static bool kernel_name(const char *s, const char *prefix, bool dotted)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0)
		return false;
	s += n;
	if (!number(&s))
		return false;
	if (dotted && (*s++ != '.' || !number(&s)))
		return false;
	return *s == '\0';
}

static bool hex_digits(const char **s, size_t min, size_t max)
{
	size_t n = 0;

	while (n < max && ((**s >= '0' && **s <= '9') || (**s >= 'a' && **s <= 'f'))) {
		(*s)++;
		n++;
	}
	return n >= min;
}

/* A PCI address as the kernel names the device: "0000:0d:00.0" (lower case). */
static bool pci_address(const char *s)
{
	const char *dev;

	if (!hex_digits(&s, 4, 8) || *s++ != ':' || !hex_digits(&s, 2, 2) || *s++ != ':')
		return false;
	dev = s;
	if (!hex_digits(&s, 2, 2) || strtoul(dev, NULL, 16) > 0x1f || *s++ != '.')
		return false;
	return *s >= '0' && *s <= '7' && s[1] == '\0';
}

const char *srd_layout_check(const struct srd_layout *l)
{
	if (!kernel_name(l->window, "decoder", true))
		return "window is not a root decoder's name (decoderX.Y)";
	if (!kernel_name(l->region, "region", false))
		return "region is not a region's name (regionN)";
	/* "": a kernel without the attribute; such a layout is never re-created. */
	if (l->mode[0] && !srd_streq(l->mode, "ram") && !srd_streq(l->mode, "pmem"))
		return "mode is neither \"ram\", \"pmem\" nor \"\"";
	if (l->dax_mode[0] && !srd_streq(l->dax_mode, "system-ram") &&
	    !srd_streq(l->dax_mode, "devdax"))
		return "dax_mode is neither \"system-ram\", \"devdax\" nor \"\"";
	if (l->ways == 0 || l->ways > SRD_MAX_WAYS || l->n_targets != l->ways)
		return "bad ways";
	if (l->granularity < 256 || l->granularity > 16384 ||
	    (l->granularity & (l->granularity - 1)))
		return "bad granularity (a power of two from 256 to 16384)";
	if (srd_range_size(&l->range) % l->ways)
		return "the size does not divide by the ways";
	if (l->replace_position >= l->n_targets)
		return "bad replace_position";
	for (unsigned t = 0; t < l->n_targets; t++) {
		if (!kernel_name(l->targets[t].memdev, "mem", false))
			return "a target's memdev is not a memdev's name (memN)";
		if (l->targets[t].host[0] && !pci_address(l->targets[t].host))
			return "a target's host is not a PCI address (DDDD:BB:DD.F)";
	}
	return NULL;
}

int srd_layout_from_region(const struct srd_inventory *inv, const struct srd_region *r,
			   struct srd_layout *ret)
{
	*ret = (struct srd_layout){.owner = SRD_OWNER_NONE};
	if (!r->committed || !r->has_range || r->n_targets == 0 || r->n_targets > SRD_MAX_WAYS ||
	    !r->decoder[0])
		return -EINVAL;
	snprintf(ret->region, sizeof(ret->region), "%s", r->name);
	snprintf(ret->window, sizeof(ret->window), "%s", r->decoder);
	snprintf(ret->mode, sizeof(ret->mode), "%s", r->mode);
	ret->range = r->range;
	ret->ways = r->ways;
	ret->granularity = r->granularity;
	ret->n_targets = r->n_targets;
	for (unsigned t = 0; t < r->n_targets; t++) {
		const struct srd_memdev *m = memdev_by_name(inv, r->target_memdev[t]);

		if (!m)
			return -EINVAL;
		snprintf(ret->targets[t].memdev, SRD_NAME_MAX, "%s", m->name);
		snprintf(ret->targets[t].host, SRD_NAME_MAX, "%s", m->host);
		ret->targets[t].serial = m->serial;
	}
	for (size_t i = 0; i < inv->n_ranges; i++)
		if (srd_range_intersects(&inv->ranges[i].range, &r->range))
			ret->owner = inv->ranges[i].owner;
	for (size_t i = 0; i < inv->n_dax; i++)
		if (inv->dax[i].kind == SRD_DAX_CXL && srd_streq(inv->dax[i].parent, r->name))
			snprintf(ret->dax_mode, sizeof(ret->dax_mode), "%s",
				 srd_streq(inv->dax[i].driver, "kmem")	       ? "system-ram"
				 : srd_streq(inv->dax[i].driver, "device_dax") ? "devdax"
									       : "");
	return 0;
}

bool srd_layout_same(const struct srd_layout *a, const struct srd_layout *b)
{
	if (!srd_range_equal(&a->range, &b->range) || !srd_streq(a->window, b->window) ||
	    !srd_streq(a->mode, b->mode) || a->ways != b->ways ||
	    a->granularity != b->granularity || a->n_targets != b->n_targets)
		return false;
	for (unsigned t = 0; t < a->n_targets; t++)
		if (a->targets[t].serial != b->targets[t].serial ||
		    !srd_streq(a->targets[t].host, b->targets[t].host))
			return false;
	return true;
}

static void refuse(struct srd_decision *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void refuse(struct srd_decision *d, const char *fmt, ...)
{
	va_list ap;

	d->refused = true;
	va_start(ap, fmt);
	vsnprintf(d->refusal, sizeof(d->refusal), fmt, ap);
	va_end(ap);
	snprintf(d->summary, sizeof(d->summary), "refused: %s", d->refusal);
}

static struct srd_decision *new_decision(void)
{
	struct srd_decision *d = calloc(1, sizeof(*d));

	if (d)
		d->verdict = SRD_VERDICT_NONE;
	return d;
}

static bool region_has_target(const struct srd_region *r, const char *memdev)
{
	for (unsigned t = 0; t < r->n_targets; t++)
		if (srd_streq(r->target_memdev[t], memdev))
			return true;
	return false;
}

int srd_replace_prepare(const struct srd_inventory *inv, const char *memdev,
			struct srd_decision **ret)
{
	_cleanup_(srd_decision_freep) struct srd_decision *d = new_decision();
	size_t n_regions = 0;
	char b[SRD_RANGE_FMT_MAX];

	if (!d)
		return -ENOMEM;
	if (!memdev_by_name(inv, memdev)) {
		refuse(d, "%s: no such memdev", memdev);
	} else if (!srd_inventory_complete(inv)) {
		refuse(d, "inventory incomplete (%s)", inv->problems[0]);
	} else {
		for (size_t i = 0; i < inv->n_regions; i++) {
			const struct srd_region *r = &inv->regions[i];

			if (!region_has_target(r, memdev) || !r->has_range)
				continue;
			n_regions++;
			srd_range_format(&r->range, b, sizeof(b));
			/* Taking down what completion would not bring back would be for good. */
			if (!srd_streq(r->mode, "ram")) {
				refuse(
				    d,
				    "%s is a target of %s, a %s region: srd re-creates ram regions only; "
				    "take it down with cxl destroy-region and re-create it yourself",
				    memdev, r->name, r->mode[0] ? r->mode : "modeless");
				break;
			}
			/* A boot-time "Soft Reserved" entry in /proc/iomem is never removed on
			 * these kernels, and the region's HPA cannot be allocated over it
			 * again: taking the region down would be for good. */
			for (size_t k = 0; k < inv->n_ranges && !d->refused; k++)
				if ((inv->ranges[k].sources & SRD_SOURCE_IOMEM) &&
				    srd_range_intersects(&inv->ranges[k].range, &r->range))
					refuse(
					    d,
					    "%s: \"Soft Reserved\" stays in /proc/iomem over %s on this kernel, "
					    "so %s could not be re-created after the replace; replace %s with the "
					    "machine powered off",
					    memdev, b, r->name, memdev);
			if (d->refused)
				break;
			for (size_t k = 0; k < inv->n_dax; k++) {
				const struct srd_dax_dev *x = &inv->dax[k];

				if (x->memory_online && x->has_range &&
				    srd_range_intersects(&x->range, &r->range))
					srd_plan_add(d, SRD_ACTION_OFFLINE_MEMORY, x->name,
						     &r->range, "%s is in %s, which %s is to leave",
						     b, r->name, memdev);
			}
			/* dax_hmem first: its Soft Reserved entry goes with the hmem device,
			 * before the region is de-committed and the HPA reclaimed. */
			for (size_t k = 0; k < inv->n_hmem; k++) {
				const struct srd_hmem *h = &inv->hmem[k];

				if (h->driver[0] && h->has_range &&
				    srd_range_intersects(&h->range, &r->range))
					srd_plan_add(
					    d, SRD_ACTION_RELEASE_HMEM, h->name, &r->range,
					    "%s holds %s; it goes first so its Soft Reserved entry does",
					    h->name, b);
			}
			srd_plan_add(d, SRD_ACTION_DESTROY_REGION, r->name, &r->range,
				     "%s is a target of %s: de-commit it and free %s", memdev,
				     r->name, b);
		}
		snprintf(d->summary, sizeof(d->summary),
			 "%s: %zu region%s to take down, %zu action%s", memdev, n_regions,
			 n_regions == 1 ? "" : "s", d->n_actions, d->n_actions == 1 ? "" : "s");
	}
	if (d->oom)
		return -ENOMEM;
	*ret = TAKE_PTR(d);
	return 0;
}

/* The memdev now at a recorded position: the same PCI slot, else the same name. */
static const struct srd_memdev *at_position(const struct srd_inventory *inv,
					    const struct srd_layout_target *t)
{
	for (size_t i = 0; t->host[0] && i < inv->n_memdevs; i++)
		if (srd_streq(inv->memdevs[i].host, t->host))
			return &inv->memdevs[i];
	return memdev_by_name(inv, t->memdev);
}

bool srd_layout_devices_present(const struct srd_inventory *inv, const struct srd_layout *l)
{
	for (unsigned t = 0; t < l->n_targets; t++)
		if (!at_position(inv, &l->targets[t]))
			return false;
	return l->n_targets > 0;
}

static bool in_some_region(const struct srd_inventory *inv, const char *memdev)
{
	for (size_t i = 0; i < inv->n_regions; i++)
		if (region_has_target(&inv->regions[i], memdev))
			return true;
	return false;
}

static bool region_at(const struct srd_inventory *inv, const struct srd_range *r)
{
	for (size_t i = 0; i < inv->n_regions; i++)
		if (inv->regions[i].has_range && srd_range_intersects(&inv->regions[i].range, r))
			return true;
	return false;
}

/*
 * Why the policy's [Exclude] keeps l down, into buf, or NULL: its range, the
 * serial recorded at a position or of the device there now, or that
 * device's PCI vendor and device.
 */
static const char *excluded(const struct srd_policy *pol, const struct srd_layout *l,
			    const struct srd_memdev *const *now, char *buf, size_t size)
{
	for (size_t i = 0; pol && i < pol->n_exclude_ranges; i++)
		if (srd_range_intersects(&pol->exclude_ranges[i].range, &l->range)) {
			snprintf(buf, size, "its range");
			return buf;
		}
	for (unsigned t = 0; pol && t < l->n_targets; t++) {
		for (size_t i = 0; i < pol->n_exclude_serials; i++) {
			uint64_t s = pol->exclude_serials[i].serial;

			if (s == l->targets[t].serial || (now[t] && s == now[t]->serial)) {
				snprintf(buf, size, "serial 0x%" PRIx64, s);
				return buf;
			}
		}
		for (size_t i = 0; now[t] && i < pol->n_exclude_pci; i++)
			if (pol->exclude_pci[i].vendor == now[t]->pci_vendor &&
			    pol->exclude_pci[i].device == now[t]->pci_device) {
				snprintf(buf, size, "%s's PCI ID %04x:%04x", now[t]->name,
					 now[t]->pci_vendor, now[t]->pci_device);
				return buf;
			}
	}
	return NULL;
}

/* Appends "; " and a formatted note to buf. */
static void note(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len && len + 2 < size) {
		memcpy(buf + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

int srd_replace_complete(const struct srd_inventory *inv, const struct srd_policy *pol,
			 const struct srd_layout *layouts, size_t n, const char *memdev,
			 struct srd_decision **ret)
{
	_cleanup_(srd_decision_freep) struct srd_decision *d = new_decision();
	char b[SRD_RANGE_FMT_MAX], left[512] = "", why[128];

	if (!d)
		return -ENOMEM;
	if (!srd_inventory_complete(inv)) {
		refuse(d, "inventory incomplete (%s)", inv->problems[0]);
		*ret = TAKE_PTR(d);
		return 0;
	}
	for (size_t i = 0; i < n && !d->refused; i++) {
		const struct srd_layout *l = &layouts[i];
		const struct srd_memdev *now[SRD_MAX_WAYS] = {};
		char how[256] = "";
		bool all = l->n_targets > 0, mine = !memdev;
		uint64_t per_device = l->n_targets ? srd_range_size(&l->range) / l->n_targets : 0;

		/* Only what a replace prepare took down: a region the administrator
		 * destroyed by hand was meant to go. */
		if (l->replace == SRD_REPLACE_NONE)
			continue;
		if (region_at(inv, &l->range))
			continue; /* still there (or something else took the HPA) */
		for (unsigned t = 0; t < l->n_targets; t++) {
			now[t] = at_position(inv, &l->targets[t]);
			all = all && now[t];
			mine = mine || (now[t] && srd_streq(now[t]->name, memdev));
		}
		if (!all || !mine)
			continue;
		srd_range_format(&l->range, b, sizeof(b));
		/* Left down, and said why; the record stays for the administrator. */
		if (excluded(pol, l, now, why, sizeof(why))) {
			note(left, sizeof(left),
			     "%s on %s is excluded by the policy's [Exclude] (%s)", l->region, b,
			     why);
			continue;
		}
		if (!srd_streq(l->mode, "ram")) {
			note(left, sizeof(left),
			     "%s on %s was a %s region: srd re-creates ram regions only, and "
			     "never one from a %s layout; create it with cxl create-region",
			     l->region, b, l->mode[0] ? l->mode : "modeless",
			     l->mode[0] ? l->mode : "modeless");
			continue;
		}
		for (unsigned t = 0; t < l->n_targets && !d->refused; t++) {
			const struct srd_memdev *m = now[t];
			size_t len = strlen(how);

			if (m->ram_bytes < per_device)
				refuse(d,
				       "%s at position %u of %s has %" PRIu64
				       " MiB of volatile capacity; the "
				       "layout needs %" PRIu64 " MiB",
				       m->name, t, b, m->ram_bytes >> 20, per_device >> 20);
			else if (in_some_region(inv, m->name))
				refuse(d, "%s at position %u of %s already serves another region",
				       m->name, t, b);
			else if (m->serial == l->targets[t].serial)
				snprintf(how + len, sizeof(how) - len,
					 "%sre-seat of %s (serial 0x%" PRIx64 ")", len ? ", " : "",
					 m->name, m->serial);
			else
				snprintf(how + len, sizeof(how) - len,
					 "%s%s replaces serial 0x%" PRIx64 " with 0x%" PRIx64,
					 len ? ", " : "", m->name, l->targets[t].serial, m->serial);
		}
		if (d->refused)
			break;
		struct srd_action *a =
		    srd_plan_add(d, SRD_ACTION_CREATE_REGION, l->window, &l->range,
				 "re-create %s on %s: %s", l->region, b, how);
		if (a)
			a->layout = (int)i;
	}
	if (d->oom)
		return -ENOMEM;
	if (!d->refused && d->n_actions == 0 && left[0])
		refuse(d, "%s", left);
	else if (!d->refused)
		snprintf(d->summary, sizeof(d->summary), "%zu region%s to re-create%s%s",
			 d->n_actions, d->n_actions == 1 ? "" : "s", left[0] ? "; left down: " : "",
			 left);
	*ret = TAKE_PTR(d);
	return 0;
}
