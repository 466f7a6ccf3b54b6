// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unprivileged view of srd's documents (srd-redact.h).  It works on the
 * JSON the privileged caller gets rather than on a second set of builders,
 * so a member added later is hidden by its name or scrubbed as text, never
 * shown by accident.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "srd-redact.h"

static const char *const hidden_keys[] = {"start",  "end",	"range",
					  "serial", "evidence", "resource"};

static bool is_hidden_key(const char *k)
{
	for (size_t i = 0; i < sizeof(hidden_keys) / sizeof(hidden_keys[0]); i++)
		if (strcmp(k, hidden_keys[i]) == 0)
			return true;
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), n = strlen(suffix);

	return l >= n && strcmp(s + l - n, suffix) == 0;
}

static bool is_size_key(const char *k)
{
	return strcmp(k, "size") == 0 || ends_with(k, "_bytes") || ends_with(k, "_size");
}

/* Length of the address-like number at s, or 0. */
static size_t address_at(const char *s, const char *start)
{
	size_t n = 0;

	if (s > start && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
		return 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
		n = 2;
		while (isxdigit((unsigned char)s[n]))
			n++;
		return n;
	}
	while (isxdigit((unsigned char)s[n]))
		n++;
	if (n < 8 || isalnum((unsigned char)s[n]) || s[n] == '_')
		return 0;
	return n;
}

char *srd_redact_text(const char *s, char *buf, size_t size)
{
	size_t o = 0, n;

	if (!size)
		return buf;
	for (const char *p = s; *p && o + 1 < size;) {
		n = address_at(p, s);
		if (n) {
			for (const char *r = SRD_REDACTED; *r && o + 1 < size; r++)
				buf[o++] = *r;
			p += n;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void redact(struct json_object *o, bool sizes);

static void redact_member(struct json_object *parent, const char *key, struct json_object *v,
			  bool sizes)
{
	const char *s;
	char *buf;
	size_t len;

	if (!json_object_is_type(v, json_type_string)) {
		redact(v, strcmp(key, "bytes") == 0);
		return;
	}
	if (sizes || is_size_key(key))
		return;
	s = json_object_get_string(v);
	len = strlen(s);
	/* Each replacement is at most 8 characters, each number it replaces at least 3. */
	buf = malloc(len * 3 + sizeof(SRD_REDACTED));
	if (!buf) {
		json_object_object_add(parent, key, json_object_new_string(SRD_REDACTED));
		return;
	}
	srd_redact_text(s, buf, len * 3 + sizeof(SRD_REDACTED));
	if (strcmp(buf, s) != 0)
		json_object_object_add(parent, key, json_object_new_string(buf));
	free(buf);
}

static void redact(struct json_object *o, bool sizes)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			struct json_object *v = json_object_array_get_idx(o, i);

			if (json_object_is_type(v, json_type_string)) {
				const char *s = json_object_get_string(v);
				size_t l = strlen(s) * 3 + sizeof(SRD_REDACTED);
				char *buf = malloc(l);

				json_object_array_put_idx(
				    o, i,
				    json_object_new_string(buf ? srd_redact_text(s, buf, l)
							       : SRD_REDACTED));
				free(buf);
			} else {
				redact(v, false);
			}
		}
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	/* Collect first: deleting while iterating is not allowed. */
	for (;;) {
		const char *drop = NULL;

		json_object_object_foreach(o, k, v)
		{
			(void)v;
			if (is_hidden_key(k)) {
				drop = k;
				break;
			}
		}
		if (!drop)
			break;
		json_object_object_del(o, drop);
	}
	json_object_object_foreach(o, key, v) redact_member(o, key, v, sizes);
}

void srd_redact_json(struct json_object *o)
{
	redact(o, false);
}
