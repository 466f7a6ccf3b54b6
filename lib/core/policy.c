// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd.conf parsing (policy-load.c finds and reads the files).  The format is
 * systemd's: [Section] headers, Key=Value lines, '#' and ';' comments, later
 * assignments override earlier ones, an empty assignment resets a list.  It
 * is parsed strictly: an unknown section or key, or a value that does not
 * parse, is an error naming file and line, because a typo in a policy that
 * decides who owns terabytes of memory must never be silently ignored.  No library parses this
 * dialect with line numbers and drop-in semantics (libsystemd does not export its parser), so this
 * is a small hand-written one with its own tests.
 *
 * [Match] sections make a file serve a fleet: the sections that follow a
 * [Match] (up to the next one) apply only on hosts whose facts match every
 * key of it; they are still checked everywhere.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

#include "policy-internal.h"

static const char *const mode_names[_SRD_MODE_MAX] = {
    [SRD_MODE_STRICT] = "strict",	  [SRD_MODE_PER_RANGE] = "per-range",
    [SRD_MODE_PREFER_CXL] = "prefer-cxl", [SRD_MODE_PREFER_HMEM] = "prefer-hmem",
    [SRD_MODE_AUDIT] = "audit",
};
static const char *const fallback_names[_SRD_FALLBACK_MAX] = {"hmem", "keep"};
static const char *const teardown_names[_SRD_TEARDOWN_MAX] = {"release", "destroy"};
static const char *const dax_mode_names[_SRD_DAX_MODE_MAX] = {"keep", "devdax", "system-ram"};
static const char *const online_names[_SRD_ONLINE_MAX] = {"movable", "normal", "none"};

SRD_DEFINE_STRING_TABLE(srd_mode, enum srd_mode, mode_names, _SRD_MODE_MAX)
SRD_DEFINE_STRING_TABLE_TO_STRING(srd_fallback, enum srd_fallback, fallback_names,
				  _SRD_FALLBACK_MAX)
SRD_DEFINE_STRING_TABLE_TO_STRING(srd_teardown, enum srd_teardown, teardown_names,
				  _SRD_TEARDOWN_MAX)
SRD_DEFINE_STRING_TABLE_TO_STRING(srd_dax_mode, enum srd_dax_mode, dax_mode_names,
				  _SRD_DAX_MODE_MAX)
SRD_DEFINE_STRING_TABLE_TO_STRING(srd_online, enum srd_online, online_names, _SRD_ONLINE_MAX)

static void origin_default(struct srd_origin *o)
{
	snprintf(o->where, sizeof(o->where), "default");
}

struct srd_policy *srd_policy_new(void)
{
	struct srd_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->mode = SRD_MODE_STRICT;
	p->fallback = SRD_FALLBACK_HMEM;
	p->teardown = SRD_TEARDOWN_RELEASE;
	p->settle_quiet_usec = 2 * 1000000ull;
	p->settle_timeout_usec = 60 * 1000000ull;
	p->dax_cxl = (struct srd_dax_policy){.mode = SRD_DAX_KEEP, .online = SRD_ONLINE_MOVABLE};
	p->dax_hmem = p->dax_cxl;
	origin_default(&p->mode_origin);
	origin_default(&p->fallback_origin);
	origin_default(&p->teardown_origin);
	origin_default(&p->trust_cmdline_origin);
	origin_default(&p->quiet_origin);
	origin_default(&p->timeout_origin);
	origin_default(&p->dax_cxl.mode_origin);
	origin_default(&p->dax_cxl.online_origin);
	origin_default(&p->dax_hmem.mode_origin);
	origin_default(&p->dax_hmem.online_origin);
	return p;
}

void srd_policy_free(struct srd_policy *p)
{
	if (!p)
		return;
	free(p->exclude_ranges);
	free(p->exclude_serials);
	free(p->exclude_pci);
	free(p->device_rules);
	srd_strv_free(p->files, p->n_files);
	free(p);
}

/* ---- value parsers: 0, -EINVAL, or -EDOM for a number with a leading zero ---- */

int srd_conf_parse_bool(const char *v, bool *ret)
{
	static const char *const yes[] = {"1", "yes", "true", "on"}, *const no[] = {"0", "no",
										    "false", "off"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *ret = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *ret = false, 0;
	}
	return -EINVAL;
}

/* A timespan: a decimal number with an optional unit (us, ms, s, sec, min); seconds
 * when none is given. */
static int parse_timespan(const char *v, uint64_t *ret_usec)
{
	static const struct {
		const char *unit;
		double usec;
	} units[] = {{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"sec", 1e6}, {"min", 60e6}, {"", 1e6}};
	size_t digits = strspn(v, "0123456789."), dots = 0;
	char *end;
	double d;

	/* Only digits and one dot reach strtod, which would also take hex floats
	 * (0x10 as 16) and exponents. */
	for (size_t i = 0; i < digits; i++)
		dots += v[i] == '.';
	if (digits == 0 || dots > 1 || (digits == 1 && dots == 1))
		return -EINVAL;
	d = strtod(v, &end);
	if (end != v + digits)
		return -EINVAL;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			d *= units[i].usec;
			if (d < 0 || d > 86400e6) /* a day is more than any settle should take */
				return -ERANGE;
			*ret_usec = (uint64_t)d;
			return 0;
		}
	return -EINVAL;
}

int srd_conf_parse_uint(const char *v, unsigned max, unsigned *ret)
{
	uint64_t u;
	int r = srd_parse_u64(v, &u);

	if (r == -EDOM)
		return r;
	if (r < 0 || u > max)
		return -EINVAL;
	*ret = (unsigned)u;
	return 0;
}

/* Size with an optional binary suffix (K, M, G, T). */
int srd_conf_parse_size(const char *v, uint64_t *ret)
{
	const char *end;
	uint64_t n;
	unsigned shift = 0;
	int used;

	used = srd_parse_u64_prefix(v, &n);
	if (used < 0)
		return used == -EDOM ? used : -EINVAL;
	end = v + used;
	if (*end) {
		const char *k = strchr("KMGT", toupper((unsigned char)*end));

		if (!k || end[1])
			return -EINVAL;
		shift = 10 * (unsigned)(k - "KMGT" + 1);
	}
	if (shift && n > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = n << shift;
	return 0;
}

/* The first failure of two number parses: -EDOM (a leading zero) is the one worth naming. */
static int either(int a, int b)
{
	if (a == -EDOM || b == -EDOM)
		return -EDOM;
	return a < 0 || b < 0 ? -EINVAL : 0;
}

/* "START-END" (inclusive) or "START+SIZE". */
int srd_conf_parse_range(const char *v, struct srd_range *ret)
{
	char buf[128], *sep;
	uint64_t a = 0, b = 0;
	int r;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	sep = strpbrk(buf, "-+");
	if (!sep)
		return -EINVAL;
	if (*sep == '-') {
		*sep = '\0';
		r = either(srd_parse_u64(buf, &a), srd_parse_u64(sep + 1, &b));
		if (r < 0)
			return r;
		if (b < a)
			return -EINVAL;
		ret->start = a;
		ret->end = b;
		return 0;
	}
	*sep = '\0';
	r = either(srd_parse_u64(buf, &a), srd_conf_parse_size(sep + 1, &b));
	if (r < 0)
		return r;
	return srd_range_from_size(a, b, ret) < 0 ? -EINVAL : 0;
}

/* "VENDOR:DEVICE", four hex digits each as lspci -n prints them (sscanf's %x
 * alone would also take a sign or a 0x). */
static int parse_pci(const char *v, uint16_t *vendor, uint16_t *device)
{
	unsigned a, b;

	if (strlen(v) != 9 || v[4] != ':')
		return -EINVAL;
	for (size_t i = 0; i < 9; i++)
		if (i != 4 && !isxdigit((unsigned char)v[i]))
			return -EINVAL;
	if (sscanf(v, "%4x:%4x", &a, &b) != 2)
		return -EINVAL;
	*vendor = (uint16_t)a;
	*device = (uint16_t)b;
	return 0;
}

/* ---- [Match] ---- */

static bool version_match(const char *release, const char *expr)
{
	const char *op = expr;
	int c;

	while (*expr == '<' || *expr == '>' || *expr == '=' || *expr == '!')
		expr++;
	if (expr == op)
		return fnmatch(op, release, 0) == 0;
	c = strverscmp(release, expr);
	if (strncmp(op, ">=", 2) == 0)
		return c >= 0;
	if (strncmp(op, "<=", 2) == 0)
		return c <= 0;
	if (strncmp(op, "!=", 2) == 0)
		return c != 0;
	if (*op == '>')
		return c > 0;
	if (*op == '<')
		return c < 0;
	return c == 0;
}

static bool valid_version_expr(const char *v)
{
	size_t ops = strspn(v, "<>=!");

	if (ops == 0)
		return *v != '\0';
	if (ops > 2 || v[ops] == '\0')
		return false;
	return strncmp(v, "<", ops) == 0 || strncmp(v, ">", ops) == 0 ||
	       strncmp(v, "=", ops) == 0 || strncmp(v, "<=", ops) == 0 ||
	       strncmp(v, ">=", ops) == 0 || strncmp(v, "!=", ops) == 0;
}

/* ---- the parser ---- */

enum section {
	SEC_NONE,
	SEC_POLICY,
	SEC_SETTLE,
	SEC_EXCLUDE,
	SEC_CXL,
	SEC_HMEM,
	SEC_MATCH,
	SEC_REPORT,
	SEC_DEVICE,
};

static const char *const section_names[] = {
    [SEC_POLICY] = "Policy", [SEC_SETTLE] = "Settle", [SEC_EXCLUDE] = "Exclude",
    [SEC_CXL] = "CXL",	     [SEC_HMEM] = "HMEM",     [SEC_MATCH] = "Match",
    [SEC_REPORT] = "Report", [SEC_DEVICE] = "Device",
};

struct parse_state {
	struct srd_policy *p;
	const struct srd_host_facts *host;
	const char *origin;
	unsigned line;
	enum section sec;
	bool apply; /* false inside a [Match] scope that does not match this host */
	/* The [Device] section being read: the policy's newest rule, or scratch
	 * (checked, then dropped) inside a [Match] scope that does not apply. */
	struct srd_device_rule *device, scratch;
	char ***errs;
	size_t *n_errs;
	int n_bad;
};

#define BAD(st, ...)                                                                               \
	({                                                                                         \
		(st)->n_bad++;                                                                     \
		srd_strv_addf((st)->errs, (st)->n_errs, __VA_ARGS__);                              \
	})

/* A number srd would have had to guess at is named as such, whatever else the
 * value should have been. */
#define BAD_NUMBER(st, r, key, v, expected)                                                        \
	((r) == -EDOM ? BAD(st,                                                                    \
			    "%s:%u: %s=%s: a leading zero is not accepted (numbers are decimal, "  \
			    "or hex with 0x)",                                                     \
			    (st)->origin, (st)->line, key, v)                                      \
		      : BAD(st, "%s:%u: %s=%s: %s", (st)->origin, (st)->line, key, v, expected))

static void set_origin(struct parse_state *st, struct srd_origin *o)
{
	snprintf(o->where, sizeof(o->where), "%s:%u", st->origin, st->line);
}

static int set_enum(struct parse_state *st, const char *key, const char *v,
		    const char *const *names, int n, int *field, struct srd_origin *o)
{
	int k = srd_string_table_lookup(names, (size_t)n, v);

	if (k < 0) {
		char choices[160] = "";

		for (int i = 0; i < n; i++) {
			strncat(choices, i ? ", " : "", sizeof(choices) - strlen(choices) - 1);
			strncat(choices, names[i], sizeof(choices) - strlen(choices) - 1);
		}
		return BAD(st, "%s:%u: %s=%s: expected one of %s", st->origin, st->line, key, v,
			   choices);
	}
	if (st->apply) {
		*field = k;
		set_origin(st, o);
	}
	return 0;
}

#define SET_ENUM(st, key, v, names, n, field, o)                                                   \
	({                                                                                         \
		int _k = (int)(field);                                                             \
		int _r = set_enum(st, key, v, names, n, &_k, o);                                   \
		(field) = _k;                                                                      \
		_r;                                                                                \
	})

static int assign_dax(struct parse_state *st, struct srd_dax_policy *d, const char *key,
		      const char *v)
{
	if (strcmp(key, "DaxMode") == 0)
		return SET_ENUM(st, key, v, dax_mode_names, _SRD_DAX_MODE_MAX, d->mode,
				&d->mode_origin);
	if (strcmp(key, "Online") == 0)
		return SET_ENUM(st, key, v, online_names, _SRD_ONLINE_MAX, d->online,
				&d->online_origin);
	return 1;
}

static int assign_exclude(struct parse_state *st, const char *key, const char *v)
{
	struct srd_policy *p = st->p;

	if (strcmp(key, "Range") == 0) {
		struct srd_range r;
		int k;

		if (!*v) {
			if (st->apply)
				p->n_exclude_ranges = 0;
			return 0;
		}
		k = srd_conf_parse_range(v, &r);
		if (k < 0)
			return BAD_NUMBER(st, k, key, v, "expected START-END or START+SIZE");
		if (!st->apply)
			return 0;
		if (srd_grow((void **)&p->exclude_ranges, p->n_exclude_ranges,
			     sizeof(*p->exclude_ranges)) < 0)
			return -ENOMEM;
		p->exclude_ranges[p->n_exclude_ranges].range = r;
		set_origin(st, &p->exclude_ranges[p->n_exclude_ranges++].origin);
		return 0;
	}
	if (strcmp(key, "Serial") == 0) {
		uint64_t s;
		int k;

		if (!*v) {
			if (st->apply)
				p->n_exclude_serials = 0;
			return 0;
		}
		k = srd_parse_u64(v, &s);
		if (k < 0)
			return BAD_NUMBER(st, k, key, v, "not a number");
		if (!st->apply)
			return 0;
		if (srd_grow((void **)&p->exclude_serials, p->n_exclude_serials,
			     sizeof(*p->exclude_serials)) < 0)
			return -ENOMEM;
		p->exclude_serials[p->n_exclude_serials].serial = s;
		set_origin(st, &p->exclude_serials[p->n_exclude_serials++].origin);
		return 0;
	}
	if (strcmp(key, "PCIDevice") == 0) {
		uint16_t ven, dev;

		if (!*v) {
			if (st->apply)
				p->n_exclude_pci = 0;
			return 0;
		}
		if (parse_pci(v, &ven, &dev) < 0)
			return BAD(st,
				   "%s:%u: PCIDevice=%s: expected VENDOR:DEVICE in hex (8086:0d93)",
				   st->origin, st->line, v);
		if (!st->apply)
			return 0;
		if (srd_grow((void **)&p->exclude_pci, p->n_exclude_pci, sizeof(*p->exclude_pci)) <
		    0)
			return -ENOMEM;
		p->exclude_pci[p->n_exclude_pci].vendor = ven;
		p->exclude_pci[p->n_exclude_pci].device = dev;
		set_origin(st, &p->exclude_pci[p->n_exclude_pci++].origin);
		return 0;
	}
	return 1;
}

static int assign_settle(struct parse_state *st, const char *key, const char *v)
{
	struct srd_policy *p = st->p;
	uint64_t usec;
	unsigned n;
	int k;

	if (strcmp(key, "QuietSec") == 0 || strcmp(key, "TimeoutSec") == 0) {
		bool quiet = key[0] == 'Q';

		if (parse_timespan(v, &usec) < 0)
			return BAD(st, "%s:%u: %s=%s: expected a time span (2, 500ms, 1min)",
				   st->origin, st->line, key, v);
		if (!quiet && usec == 0)
			return BAD(st, "%s:%u: TimeoutSec=%s: must be more than zero", st->origin,
				   st->line, v);
		if (st->apply) {
			*(quiet ? &p->settle_quiet_usec : &p->settle_timeout_usec) = usec;
			set_origin(st, quiet ? &p->quiet_origin : &p->timeout_origin);
		}
		return 0;
	}
	if (strcmp(key, "ExpectMemdevs") == 0 || strcmp(key, "ExpectRegions") == 0) {
		k = srd_conf_parse_uint(v, 65536, &n);
		if (k < 0)
			return BAD_NUMBER(st, k, key, v, "expected a count (0 to 65536)");
		if (st->apply)
			*(key[6] == 'M' ? &p->expect_memdevs : &p->expect_regions) = n;
		return 0;
	}
	if (strcmp(key, "ExpectAuto") == 0) {
		bool b;

		if (srd_conf_parse_bool(v, &b) < 0)
			return BAD(st, "%s:%u: %s=%s: expected yes or no", st->origin, st->line,
				   key, v);
		if (st->apply)
			p->expect_auto = b;
		return 0;
	}
	return 1;
}

static int assign_policy(struct parse_state *st, const char *key, const char *v)
{
	struct srd_policy *p = st->p;

	if (strcmp(key, "Mode") == 0)
		return SET_ENUM(st, key, v, mode_names, _SRD_MODE_MAX, p->mode, &p->mode_origin);
	if (strcmp(key, "Fallback") == 0)
		return SET_ENUM(st, key, v, fallback_names, _SRD_FALLBACK_MAX, p->fallback,
				&p->fallback_origin);
	if (strcmp(key, "Teardown") == 0)
		return SET_ENUM(st, key, v, teardown_names, _SRD_TEARDOWN_MAX, p->teardown,
				&p->teardown_origin);
	if (strcmp(key, "AllowOffline") == 0 || strcmp(key, "Reassert") == 0 ||
	    strcmp(key, "TrustCommandLine") == 0) {
		bool b, *dst = key[0] == 'A'   ? &p->allow_offline
			       : key[0] == 'R' ? &p->reassert
					       : &p->trust_cmdline;

		if (srd_conf_parse_bool(v, &b) < 0)
			return BAD(st, "%s:%u: %s=%s: expected yes or no", st->origin, st->line,
				   key, v);
		if (st->apply) {
			*dst = b;
			if (dst == &p->trust_cmdline)
				set_origin(st, &p->trust_cmdline_origin);
		}
		return 0;
	}
	return 1;
}

static int assign_report(struct parse_state *st, const char *key, const char *v)
{
	if (strcmp(key, "MetricsFile") != 0)
		return 1;
	if (*v && (v[0] != '/' || strlen(v) >= sizeof(st->p->metrics_file)))
		return BAD(st, "%s:%u: MetricsFile=%s: expected an absolute path (or nothing)",
			   st->origin, st->line, v);
	if (st->apply)
		snprintf(st->p->metrics_file, sizeof(st->p->metrics_file), "%s", v);
	return 0;
}

/* A [Match] key narrows the scope: every key must match for the scope to apply. */
static int assign_match(struct parse_state *st, const char *key, const char *v)
{
	const struct srd_host_facts *h = st->host;
	const char *fact;
	bool ok;

	if (strcmp(key, "Hostname") == 0)
		fact = h ? h->hostname : "";
	else if (strcmp(key, "DMIProductName") == 0)
		fact = h ? h->dmi_product_name : "";
	else if (strcmp(key, "DMIProductSerial") == 0)
		fact = h ? h->dmi_product_serial : "";
	else if (strcmp(key, "KernelRelease") == 0) {
		if (!valid_version_expr(v))
			return BAD(
			    st, "%s:%u: KernelRelease=%s: expected a glob or OP VERSION (>=6.12)",
			    st->origin, st->line, v);
		if (st->apply && (!h || !version_match(h->kernel_release, v)))
			st->apply = false;
		return 0;
	} else
		return 1;
	if (!*v)
		return BAD(st, "%s:%u: %s= needs a glob", st->origin, st->line, key);
	/* Without host facts (an offline check with none given) nothing matches. */
	ok = h && fnmatch(v, fact, 0) == 0;
	if (!ok)
		st->apply = false;
	return 0;
}

/* A [Device] header: a new rule, in file order. */
static int begin_device(struct parse_state *st)
{
	struct srd_policy *p = st->p;
	char where[sizeof(st->scratch.origin.where)];

	snprintf(where, sizeof(where), "%s:%u", st->origin, st->line);
	st->device = &st->scratch;
	if (st->apply) {
		if (srd_grow((void **)&p->device_rules, p->n_device_rules,
			     sizeof(*p->device_rules)) < 0)
			return -ENOMEM;
		st->device = &p->device_rules[p->n_device_rules++];
	}
	srd_device_rule_init(st->device, where);
	return 0;
}

/* The end of a [Device] section (the next header, or the end of the file). */
static int end_device(struct parse_state *st)
{
	int r;

	if (st->sec != SEC_DEVICE || !st->device)
		return 0;
	r = srd_device_rule_check(st->device, st->errs, st->n_errs);
	st->device = NULL;
	if (r < 0)
		return r;
	st->n_bad += r;
	return 0;
}

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_line(struct parse_state *st, char *line)
{
	char *eq, *key, *v;
	int r;

	line = strip(line);
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if (*line == '[') {
		size_t l = strlen(line);

		if (line[l - 1] != ']')
			return BAD(st, "%s:%u: section header without ']'", st->origin, st->line);
		line[l - 1] = '\0';
		r = end_device(st);
		if (r < 0)
			return r;
		for (size_t i = 1; i < ARRAY_SIZE(section_names); i++)
			if (section_names[i] && strcmp(line + 1, section_names[i]) == 0) {
				st->sec = (enum section)i;
				if (st->sec == SEC_MATCH)
					st->apply = true; /* a new scope, narrowed by its keys */
				if (st->sec == SEC_DEVICE)
					return begin_device(st);
				return 0;
			}
		st->sec = SEC_NONE;
		return BAD(st, "%s:%u: unknown section [%s]", st->origin, st->line, line + 1);
	}
	eq = strchr(line, '=');
	if (!eq)
		return BAD(st, "%s:%u: expected Key=Value", st->origin, st->line);
	*eq = '\0';
	key = strip(line);
	v = strip(eq + 1);
	if (!*key)
		return BAD(st, "%s:%u: empty key", st->origin, st->line);

	switch (st->sec) {
	case SEC_NONE:
		return BAD(st, "%s:%u: %s= outside of any section", st->origin, st->line, key);
	case SEC_POLICY:
		r = assign_policy(st, key, v);
		break;
	case SEC_SETTLE:
		r = assign_settle(st, key, v);
		break;
	case SEC_EXCLUDE:
		r = assign_exclude(st, key, v);
		break;
	case SEC_CXL:
		r = assign_dax(st, &st->p->dax_cxl, key, v);
		break;
	case SEC_HMEM:
		r = assign_dax(st, &st->p->dax_hmem, key, v);
		break;
	case SEC_MATCH:
		r = assign_match(st, key, v);
		break;
	case SEC_REPORT:
		r = assign_report(st, key, v);
		break;
	case SEC_DEVICE: {
		char where[sizeof(st->scratch.origin.where)];

		snprintf(where, sizeof(where), "%s:%u", st->origin, st->line);
		r = srd_device_rule_assign(st->device, key, v, where, st->errs, st->n_errs);
		if (r == 2) {
			st->n_bad++;
			r = 0;
		}
		break;
	}
	default:
		r = 1;
	}
	if (r == 1)
		return BAD(st, "%s:%u: unknown key %s= in [%s]", st->origin, st->line, key,
			   section_names[st->sec]);
	return r;
}

int srd_policy_parse(struct srd_policy *p, const char *text, size_t len, const char *origin,
		     const struct srd_host_facts *host, char ***errs, size_t *n_errs)
{
	struct parse_state st = {
	    .p = p,
	    .host = host,
	    .origin = origin,
	    .apply = true,
	    .errs = errs,
	    .n_errs = n_errs,
	};
	size_t pos = 0;

	if (memchr(text, '\0', len))
		return BAD(&st, "%s: contains a NUL byte", origin) < 0 ? -ENOMEM : st.n_bad;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *line;
		int r;

		st.line++;
		if (n > 4096) {
			if (BAD(&st, "%s:%u: line longer than 4096 bytes", origin, st.line) < 0)
				return -ENOMEM;
			pos += n + 1;
			continue;
		}
		line = strndup(text + pos, n);
		if (!line)
			return -ENOMEM;
		r = parse_line(&st, line);
		free(line);
		if (r < 0)
			return r;
		pos += n + (nl ? 1 : 0);
	}
	if (end_device(&st) < 0)
		return -ENOMEM;
	return st.n_bad;
}

int srd_policy_validate(const struct srd_policy *p, char ***errs, size_t *n_errs)
{
	int bad = 0;

	if (p->settle_quiet_usec >= p->settle_timeout_usec) {
		bad++;
		if (srd_strv_addf(errs, n_errs,
				  "%s: QuietSec=%.3gs must be shorter than TimeoutSec=%.3gs (%s)",
				  p->quiet_origin.where, p->settle_quiet_usec / 1e6,
				  p->settle_timeout_usec / 1e6, p->timeout_origin.where) < 0)
			return -ENOMEM;
	}
	const struct {
		const char *name;
		const struct srd_dax_policy *d;
	} dax[] = {{"CXL", &p->dax_cxl}, {"HMEM", &p->dax_hmem}};

	for (size_t i = 0; i < ARRAY_SIZE(dax); i++)
		if (dax[i].d->mode == SRD_DAX_DEVDAX && dax[i].d->online != SRD_ONLINE_MOVABLE &&
		    strcmp(dax[i].d->online_origin.where, "default") != 0) {
			/* devdax memory is never onlined: an explicit zone contradicts it. */
			bad++;
			if (srd_strv_addf(
				errs, n_errs,
				"%s: [%s] Online=%s contradicts DaxMode=devdax (%s): devdax memory is "
				"not onlined",
				dax[i].d->online_origin.where, dax[i].name,
				online_names[dax[i].d->online], dax[i].d->mode_origin.where) < 0)
				return -ENOMEM;
		}
	for (size_t i = 0; i < p->n_exclude_ranges; i++)
		for (size_t k = i + 1; k < p->n_exclude_ranges; k++)
			if (srd_range_equal(&p->exclude_ranges[i].range,
					    &p->exclude_ranges[k].range)) {
				bad++;
				if (srd_strv_addf(errs, n_errs, "%s: Range= repeats the one at %s",
						  p->exclude_ranges[k].origin.where,
						  p->exclude_ranges[i].origin.where) < 0)
					return -ENOMEM;
			}
	return bad;
}
