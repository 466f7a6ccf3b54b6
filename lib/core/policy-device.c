// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [Device] sections: the dax configuration of particular dax devices, named
 * by what survives a reboot rather than by daxX.Y, which the kernel hands
 * out in probe order.  A dax device is known by the HPA range of its CXL
 * region (Range=) or of its hmem device (HMEMRange=), by the serials and PCI
 * addresses of the memdevs behind its region (Serial=, PCI=) and by its NUMA
 * node (Node=).  Every key a rule gives must match; the first rule in file
 * order that matches a device decides its DaxMode=, Online=,
 * MemmapOnMemory= and Align=, and a device no rule matches gets the
 * [CXL]/[HMEM] default of its kind.  Parsing (called from policy.c's line
 * parser), identity and matching; all pure.
 */
#include <ctype.h>
#include <string.h>

#include "policy-device.h"
#include "policy-internal.h"

static const char *const key_names[] = {"Serial=", "Range=", "PCI=", "HMEMRange=", "Node="};

const char *srd_device_keys_format(unsigned mask, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
		if (mask & (1u << i) && n < size)
			n +=
			    (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", key_names[i]);
	return buf;
}

void srd_device_rule_init(struct srd_device_rule *r, const char *where)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->origin.where, sizeof(r->origin.where), "%s", where);
	r->node = -1;
	r->memmap_on_memory = -1;
	r->mode = SRD_DAX_KEEP;
	r->online = SRD_ONLINE_MOVABLE;
}

/* "DDDD:BB:DD.F" or "BB:DD.F" (domain 0000), hex, into the kernel's lower-case form. */
static int parse_pci_address(const char *v, char *ret, size_t size)
{
	char buf[16];
	const char *fmt = "xx:xx.x";
	size_t off = 0;

	if (strlen(v) == 7)
		snprintf(buf, sizeof(buf), "0000:%s", v);
	else if (strlen(v) == 12)
		snprintf(buf, sizeof(buf), "%s", v);
	else
		return -EINVAL;
	for (size_t i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)buf[i]))
			return -EINVAL;
	if (buf[4] != ':')
		return -EINVAL;
	off = 5;
	for (size_t i = 0; fmt[i]; i++) {
		unsigned char c = (unsigned char)buf[off + i];

		if (fmt[i] == 'x' ? !isxdigit(c) : c != (unsigned char)fmt[i])
			return -EINVAL;
	}
	if (buf[11] > '7') /* a function number is 0-7 */
		return -EINVAL;
	for (size_t i = 0; buf[i]; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	snprintf(ret, size, "%s", buf);
	return 0;
}

static int pick(const char *v, const char *(*name)(int), int n)
{
	for (int i = 0; i < n; i++)
		if (srd_streq(name(i), v))
			return i;
	return -EINVAL;
}

static const char *dax_mode_name(int i)
{
	return srd_dax_mode_to_string((enum srd_dax_mode)i);
}

static const char *online_name(int i)
{
	return srd_online_to_string((enum srd_online)i);
}

#define BADV(...) (srd_strv_addf(errs, n_errs, __VA_ARGS__) < 0 ? -ENOMEM : 2)

static int number_error(char ***errs, size_t *n_errs, int k, const char *where, const char *key,
			const char *v, const char *expected)
{
	if (k == -EDOM)
		return BADV(
		    "%s: %s=%s: a leading zero is not accepted (numbers are decimal, or hex with 0x)",
		    where, key, v);
	return BADV("%s: %s=%s: %s", where, key, v, expected);
}

static int assign_match(struct srd_device_rule *r, const char *key, const char *v,
			const char *where, char ***errs, size_t *n_errs)
{
	int k;

	if (strcmp(key, "Serial") == 0) {
		uint64_t s;

		if (!*v) {
			r->n_serials = 0;
			r->keys &= ~SRD_DEVICE_KEY_SERIAL;
			return 0;
		}
		k = srd_parse_u64(v, &s);
		if (k < 0)
			return number_error(errs, n_errs, k, where, key, v, "not a number");
		if (r->n_serials == SRD_DEVICE_MAX_VALUES)
			return BADV("%s: Serial=%s: more than %d serials in one [Device]", where, v,
				    SRD_DEVICE_MAX_VALUES);
		r->serials[r->n_serials++] = s;
		r->keys |= SRD_DEVICE_KEY_SERIAL;
		return 0;
	}
	if (strcmp(key, "PCI") == 0) {
		if (!*v) {
			r->n_pci = 0;
			r->keys &= ~SRD_DEVICE_KEY_PCI;
			return 0;
		}
		if (r->n_pci == SRD_DEVICE_MAX_VALUES)
			return BADV("%s: PCI=%s: more than %d addresses in one [Device]", where, v,
				    SRD_DEVICE_MAX_VALUES);
		if (parse_pci_address(v, r->pci[r->n_pci], sizeof(r->pci[r->n_pci])) < 0)
			return BADV(
			    "%s: PCI=%s: expected a PCI address, DOMAIN:BUS:DEVICE.FUNCTION in hex "
			    "(0000:0d:00.0)",
			    where, v);
		r->n_pci++;
		r->keys |= SRD_DEVICE_KEY_PCI;
		return 0;
	}
	if (strcmp(key, "Range") == 0 || strcmp(key, "HMEMRange") == 0) {
		bool hmem = key[0] == 'H';
		unsigned bit = hmem ? SRD_DEVICE_KEY_HMEM : SRD_DEVICE_KEY_RANGE;

		if (!*v) {
			r->keys &= ~bit;
			return 0;
		}
		k = srd_conf_parse_range(v, hmem ? &r->hmem_range : &r->range);
		if (k < 0)
			return number_error(errs, n_errs, k, where, key, v,
					    "expected START-END or START+SIZE");
		r->keys |= bit;
		return 0;
	}
	if (strcmp(key, "Node") == 0) {
		unsigned n;

		if (!*v) {
			r->keys &= ~SRD_DEVICE_KEY_NODE;
			return 0;
		}
		k = srd_conf_parse_uint(v, 1023, &n);
		if (k < 0)
			return number_error(errs, n_errs, k, where, key, v,
					    "expected a NUMA node number (0 to 1023)");
		r->node = (int)n;
		r->keys |= SRD_DEVICE_KEY_NODE;
		return 0;
	}
	return 1;
}

static int assign_setting(struct srd_device_rule *r, const char *key, const char *v,
			  const char *where, char ***errs, size_t *n_errs);

int srd_device_rule_assign(struct srd_device_rule *r, const char *key, const char *v,
			   const char *where, char ***errs, size_t *n_errs)
{
	int k = assign_match(r, key, v, where, errs, n_errs);

	if (k == 2)
		r->broken = true;
	if (k != 1)
		return k;
	k = assign_setting(r, key, v, where, errs, n_errs);
	if (k == 1 || k == 2) /* the caller reports an unknown key */
		r->broken = true;
	return k;
}

static int assign_setting(struct srd_device_rule *r, const char *key, const char *v,
			  const char *where, char ***errs, size_t *n_errs)
{
	int k;

	if (strcmp(key, "DaxMode") == 0) {
		k = pick(v, dax_mode_name, _SRD_DAX_MODE_MAX);
		if (k < 0)
			return BADV("%s: DaxMode=%s: expected one of keep, devdax, system-ram",
				    where, v);
		r->mode = (enum srd_dax_mode)k;
		r->has_mode = true;
		snprintf(r->mode_origin.where, sizeof(r->mode_origin.where), "%s", where);
		return 0;
	}
	if (strcmp(key, "Online") == 0) {
		k = pick(v, online_name, _SRD_ONLINE_MAX);
		if (k < 0)
			return BADV("%s: Online=%s: expected one of movable, normal, none", where,
				    v);
		r->online = (enum srd_online)k;
		r->has_online = true;
		snprintf(r->online_origin.where, sizeof(r->online_origin.where), "%s", where);
		return 0;
	}
	if (strcmp(key, "MemmapOnMemory") == 0) {
		bool b;

		if (!*v) {
			r->memmap_on_memory = -1;
			return 0;
		}
		if (srd_conf_parse_bool(v, &b) < 0)
			return BADV("%s: MemmapOnMemory=%s: expected yes or no", where, v);
		r->memmap_on_memory = b;
		snprintf(r->memmap_origin.where, sizeof(r->memmap_origin.where), "%s", where);
		return 0;
	}
	if (strcmp(key, "Align") == 0) {
		uint64_t a;

		if (!*v) {
			r->align_bytes = 0;
			return 0;
		}
		k = srd_conf_parse_size(v, &a);
		/* The kernel takes page, PMD and PUD sizes (dax_align_valid()): powers of two. */
		if (k < 0 || a < 4096 || (a & (a - 1)))
			return number_error(errs, n_errs, k == -EDOM ? k : -EINVAL, where, key, v,
					    "expected a power of two of at least 4K (4K, 2M, 1G)");
		r->align_bytes = a;
		snprintf(r->align_origin.where, sizeof(r->align_origin.where), "%s", where);
		return 0;
	}
	return 1;
}

int srd_device_rule_check(const struct srd_device_rule *r, char ***errs, size_t *n_errs)
{
	const unsigned cxl_keys = SRD_DEVICE_KEY_SERIAL | SRD_DEVICE_KEY_RANGE | SRD_DEVICE_KEY_PCI;
	const char *where = r->origin.where;
	int bad = 0;

	if (r->broken)
		return 0;
#define CHECK_BAD(cond, ...)                                                                       \
	do {                                                                                       \
		if (cond) {                                                                        \
			bad++;                                                                     \
			if (srd_strv_addf(errs, n_errs, __VA_ARGS__) < 0)                          \
				return -ENOMEM;                                                    \
		}                                                                                  \
	} while (0)

	CHECK_BAD(
	    !r->keys,
	    "%s: [Device] has no match key (Serial=, Range=, PCI=, HMEMRange=, Node=); the default for "
	    "every device is [CXL] or [HMEM]",
	    where);
	CHECK_BAD(
	    (r->keys & cxl_keys) && (r->keys & SRD_DEVICE_KEY_HMEM),
	    "%s: [Device] HMEMRange= (a dax_hmem device) and Serial=/Range=/PCI= (a CXL region) never match "
	    "the same dax device",
	    where);
	CHECK_BAD(!r->has_mode, "%s: [Device] sets no DaxMode= (devdax, system-ram or keep)",
		  where);
	CHECK_BAD(
	    r->has_mode && r->mode != SRD_DAX_SYSTEM_RAM && r->has_online,
	    "%s: Online=%s applies to DaxMode=system-ram, not %s (%s): devdax memory is not onlined",
	    r->online_origin.where, srd_online_to_string(r->online),
	    srd_dax_mode_to_string(r->mode), r->mode_origin.where);
	CHECK_BAD(
	    r->has_mode && r->mode != SRD_DAX_SYSTEM_RAM && r->memmap_on_memory >= 0,
	    "%s: MemmapOnMemory= applies to DaxMode=system-ram, not %s (%s): it places kmem's memory map",
	    r->memmap_origin.where, srd_dax_mode_to_string(r->mode), r->mode_origin.where);
	CHECK_BAD(
	    r->has_mode && r->mode != SRD_DAX_DEVDAX && r->align_bytes,
	    "%s: Align= applies to DaxMode=devdax, not %s (%s): it is the mapping size of /dev/daxX.Y",
	    r->align_origin.where, srd_dax_mode_to_string(r->mode), r->mode_origin.where);
#undef CHECK_BAD
	return bad;
}

/* ---- identity and matching ---- */

static const struct srd_hmem *hmem_named(const struct srd_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->n_hmem; i++)
		if (srd_streq(inv->hmem[i].name, name))
			return &inv->hmem[i];
	return NULL;
}

void srd_dax_identity(const struct srd_inventory *inv, const struct srd_dax_dev *x,
		      struct srd_dax_identity *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->node = x->target_node;
	if (x->kind == SRD_DAX_CXL) {
		const struct srd_region *r = srd_inventory_region(inv, x->parent);

		if (!r)
			return;
		snprintf(ret->region, sizeof(ret->region), "%s", r->name);
		ret->has_region_range = r->has_range;
		ret->region_range = r->range;
		for (unsigned k = 0; k < r->n_targets && k < SRD_MAX_WAYS; k++) {
			const struct srd_memdev *m = srd_inventory_memdev(inv, r->target_memdev[k]);

			snprintf(ret->memdevs[k], sizeof(ret->memdevs[k]), "%s",
				 r->target_memdev[k]);
			ret->serials[k] = r->target_serial[k];
			if (m) {
				if (ret->serials[k] == UINT64_MAX)
					ret->serials[k] = m->serial;
				snprintf(ret->pci[k], sizeof(ret->pci[k]), "%s", m->host);
			}
			ret->n_memdevs++;
		}
	} else if (x->kind == SRD_DAX_HMEM) {
		const struct srd_hmem *h = hmem_named(inv, x->parent);

		/* The hmem device's resource; the dax device's own before it registers. */
		ret->has_hmem_range = h ? h->has_range : x->has_range;
		ret->hmem_range = h && h->has_range ? h->range : x->range;
	}
}

bool srd_device_rule_matches(const struct srd_device_rule *rule, const struct srd_dax_identity *id)
{
	if (!rule->keys)
		return false;
	for (unsigned i = 0; i < rule->n_serials; i++) {
		bool found = false;

		for (unsigned k = 0; k < id->n_memdevs && !found; k++)
			found = id->serials[k] == rule->serials[i];
		if (!found)
			return false;
	}
	for (unsigned i = 0; i < rule->n_pci; i++) {
		bool found = false;

		for (unsigned k = 0; k < id->n_memdevs && !found; k++)
			found = strcasecmp(id->pci[k], rule->pci[i]) == 0;
		if (!found)
			return false;
	}
	if (rule->keys & SRD_DEVICE_KEY_RANGE &&
	    !(id->has_region_range && srd_range_contains(&id->region_range, &rule->range)))
		return false;
	if (rule->keys & SRD_DEVICE_KEY_HMEM &&
	    !(id->has_hmem_range && srd_range_contains(&id->hmem_range, &rule->hmem_range)))
		return false;
	if (rule->keys & SRD_DEVICE_KEY_NODE && id->node != rule->node)
		return false;
	return true;
}

void srd_dax_setting_for(const struct srd_policy *p, const struct srd_inventory *inv,
			 const struct srd_dax_dev *x, struct srd_dax_setting *ret)
{
	const struct srd_dax_policy *def = x->kind == SRD_DAX_CXL ? &p->dax_cxl : &p->dax_hmem;
	struct srd_dax_identity id;

	*ret = (struct srd_dax_setting){
	    .mode = x->kind == SRD_DAX_OTHER ? SRD_DAX_KEEP : def->mode,
	    .online = def->online,
	    .memmap_on_memory = -1,
	    .rule = -1,
	};
	snprintf(ret->origin, sizeof(ret->origin), "%s",
		 x->kind == SRD_DAX_OTHER ? "default" : def->mode_origin.where);
	srd_dax_identity(inv, x, &id);
	for (size_t i = 0; i < p->n_device_rules; i++) {
		const struct srd_device_rule *r = &p->device_rules[i];

		if (!srd_device_rule_matches(r, &id))
			continue;
		ret->mode = r->mode;
		ret->online = r->online;
		ret->memmap_on_memory = r->memmap_on_memory;
		ret->align_bytes = r->align_bytes;
		ret->rule = (int)i;
		ret->matched = r->keys;
		snprintf(ret->origin, sizeof(ret->origin), "%s", r->origin.where);
		return;
	}
}

int srd_device_rules_unmatched(const struct srd_policy *p, const struct srd_inventory *inv,
			       size_t **ret)
{
	size_t n = 0;

	*ret = NULL;
	for (size_t i = 0; i < p->n_device_rules; i++) {
		bool any = false;

		for (size_t k = 0; k < inv->n_dax && !any; k++) {
			struct srd_dax_identity id;

			srd_dax_identity(inv, &inv->dax[k], &id);
			any = srd_device_rule_matches(&p->device_rules[i], &id);
		}
		if (any)
			continue;
		if (srd_grow((void **)ret, n, sizeof(**ret)) < 0) {
			free(*ret);
			*ret = NULL;
			return -ENOMEM;
		}
		(*ret)[n++] = i;
	}
	return (int)n;
}
