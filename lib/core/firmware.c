// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers for the firmware memory map entries and for the kernel command
 * line's memmap= Soft Reserved injections.  The command line follows the
 * kernel's own grammar (arch/x86/kernel/e820.c parse_memmap_one and
 * lib/cmdline.c memparse and next_arg, kernel/params.c parse_args): the forms
 * and suffixes it accepts are accepted here, anything it would reject is
 * reported, and what it never reads (init's arguments after "--") is not read.
 * Numbers here are base 0, octal included, unlike everywhere else in srd:
 * the range that matters is the one the kernel made of the text.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "firmware.h"

int srd_memmap_parse_entry(const char *start, const char *end, const char *type, const char *origin,
			   struct srd_memmap_entry *ret, struct srd_error *err)
{
	size_t tl;

	if (srd_parse_u64(start, &ret->range.start) < 0)
		return srd_error_set(err, -EINVAL, "%s/start: not a number: '%.40s'", origin,
				     start);
	if (srd_parse_u64(end, &ret->range.end) < 0)
		return srd_error_set(err, -EINVAL, "%s/end: not a number: '%.40s'", origin, end);
	if (ret->range.end < ret->range.start)
		return srd_error_set(err, -EINVAL, "%s: end 0x%llx before start 0x%llx", origin,
				     (unsigned long long)ret->range.end,
				     (unsigned long long)ret->range.start);
	tl = strlen(type);
	if (tl == 0 || tl >= sizeof(ret->type))
		return srd_error_set(err, -EINVAL, "%s/type: empty or too long", origin);
	for (size_t i = 0; i < tl; i++)
		if (!isprint((unsigned char)type[i]))
			return srd_error_set(err, -EINVAL, "%s/type: unprintable byte", origin);
	memcpy(ret->type, type, tl + 1);
	return 0;
}

/* memparse(): a base-0 number and an optional binary suffix.  Returns chars used. */
static int memparse(const char *s, uint64_t *ret)
{
	const char *p = s;
	unsigned shift = 0;
	uint64_t v = 0;
	unsigned base = 10;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	for (;; p++) {
		unsigned d;

		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (*p) {
		static const char suffixes[] = "KMGTPE";
		const char *k = strchr(suffixes, toupper((unsigned char)*p));

		if (k) {
			shift = 10 * (unsigned)(k - suffixes + 1);
			p++;
		}
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return (int)(p - s);
}

/* simple_strtoull(p, &p, 0) for the type fields. */
static int parse_type(const char *s, uint64_t *ret)
{
	const char *p = s;
	unsigned base = 10;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	for (; isxdigit((unsigned char)*p); p++) {
		unsigned d = isdigit((unsigned char)*p)
				 ? (unsigned)(*p - '0')
				 : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);

		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*ret = v;
	return (int)(p - s);
}

static int push_sr(struct srd_cmdline_sr **v, size_t *n, const struct srd_cmdline_sr *sr)
{
	if (srd_grow((void **)v, *n, sizeof(**v)) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = *sr;
	return 0;
}

/* One item of a memmap= list, NUL-terminated. */
static int parse_memmap_one(const char *item, const char *origin, struct srd_cmdline_sr **v,
			    size_t *n, struct srd_error *err)
{
	uint64_t size, start, from = 0, to = 0;
	const char *p = item;
	int k;

	if (strcmp(item, "exactmap") == 0)
		return 0;
	k = memparse(p, &size);
	if (k < 0)
		return srd_error_set(err, -EINVAL, "%s: memmap=%s: bad size", origin, item);
	p += k;
	if (*p == '\0')
		return 0; /* memmap=nn: a memory limit */
	if (*p == '@' || *p == '#' || *p == '$' || *p == '!') {
		k = memparse(p + 1, &start);
		if (k < 0 || p[1 + k] != '\0')
			return srd_error_set(err, -EINVAL, "%s: memmap=%s: bad address", origin,
					     item);
		return 0;
	}
	if (*p != '%')
		return srd_error_set(err, -EINVAL, "%s: memmap=%s: unknown form", origin, item);
	k = memparse(p + 1, &start);
	if (k < 0)
		return srd_error_set(err, -EINVAL, "%s: memmap=%s: bad address", origin, item);
	p += 1 + k;
	if (*p == '-') {
		k = parse_type(p + 1, &from);
		if (k < 0)
			return srd_error_set(err, -EINVAL, "%s: memmap=%s: bad old type", origin,
					     item);
		p += 1 + k;
	}
	if (*p == '+') {
		k = parse_type(p + 1, &to);
		if (k < 0)
			return srd_error_set(err, -EINVAL, "%s: memmap=%s: bad new type", origin,
					     item);
		p += 1 + k;
	}
	if (*p != '\0')
		return srd_error_set(err, -EINVAL, "%s: memmap=%s: trailing characters", origin,
				     item);
	if (to != SRD_E820_SOFT_RESERVED)
		return 0;
	if (size == 0)
		return srd_error_set(err, -EINVAL, "%s: memmap=%s: zero size", origin, item);

	struct srd_cmdline_sr sr = {
	    .kind = from ? SRD_CMDLINE_CONVERT : SRD_CMDLINE_ADD,
	    .old_type = (uint32_t)from,
	};
	if (srd_range_from_size(start, size, &sr.range) < 0)
		return srd_error_set(err, -ERANGE, "%s: memmap=%s: range past the top of memory",
				     origin, item);
	return push_sr(v, n, &sr);
}

/*
 * The kernel's next_arg() (lib/cmdline.c), on a writable NUL-terminated copy:
 * splits off the word at args and returns where the next one starts.  Double
 * quotes group words; only a quote that opens the word or the value is
 * dropped (with the word's last character when that is a quote), others stay
 * where they are.  *ret_val is NULL for a word without '='; *ret_open says the
 * word ended inside a quote.
 */
static char *next_arg(char *args, char **ret_param, char **ret_val, bool *ret_open)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*ret_open = in_quote;
	*ret_param = args;
	*ret_val = NULL;
	if (equals) {
		args[equals] = '\0';
		*ret_val = args + equals + 1;
		if (**ret_val == '"') {
			(*ret_val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	while (isspace((unsigned char)*args))
		args++;
	return args;
}

int srd_cmdline_parse(const char *buf, size_t len, const char *origin, struct srd_cmdline_sr **ret,
		      size_t *ret_n, struct srd_error *err)
{
	_cleanup_free_ struct srd_cmdline_sr *v = NULL;
	_cleanup_free_ char *copy = NULL;
	char *args;
	size_t n = 0;

	if (len > 65536)
		return srd_error_set(err, -EFBIG, "%s: longer than 64 KiB", origin);
	if (memchr(buf, '\0', len))
		return srd_error_set(err, -EINVAL, "%s: contains a NUL byte", origin);
	copy = strndup(buf, len);
	if (!copy)
		return -ENOMEM;

	args = copy;
	while (isspace((unsigned char)*args))
		args++;
	while (*args) {
		char *param, *val, *save = NULL, *item;
		bool open;

		args = next_arg(args, &param, &val, &open);
		/* parse_args() stops at a bare "--": what follows is init's, the
		 * kernel reads none of it (memmap= there injects nothing). */
		if (!val && strcmp(param, "--") == 0)
			break;
		if (open)
			return srd_error_set(err, -EINVAL, "%s: unterminated quote", origin);
		if (!val || strcmp(param, "memmap") != 0)
			continue;
		if (*val == '\0')
			return srd_error_set(err, -EINVAL, "%s: empty memmap=", origin);
		for (item = strtok_r(val, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
			int r = parse_memmap_one(item, origin, &v, &n, err);

			if (r < 0)
				return r;
		}
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}
