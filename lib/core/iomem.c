// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parser for the text of /proc/iomem.  Unlike a flat scan it keeps end
 * addresses and nesting, because ownership is visible only in the tree: a
 * "Soft Reserved" entry with a "hmem.0" or "dax1.0" child is claimed, a
 * "CXL Window 0" with a "region0" child is decoded by CXL.  The kernel
 * indents each level by two spaces and orders siblings by address; anything
 * else is a malformed listing and is refused, never guessed at.
 */
#include <ctype.h>
#include <string.h>

#include "iomem.h"

static void node_free(struct srd_iomem_node *n)
{
	while (n) {
		struct srd_iomem_node *next = n->next;

		node_free(n->child);
		free(n->name);
		free(n);
		n = next;
	}
}

void srd_iomem_free(struct srd_iomem *iomem)
{
	if (!iomem)
		return;
	node_free(iomem->root.child);
	free(iomem);
}

static int parse_hex(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || n > 16)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return -EINVAL;
		v = (v << 4) | (uint64_t)d;
	}
	*ret = v;
	return 0;
}

/* One line: "<2*depth spaces><hex>-<hex> : <name>". */
static int parse_line(const char *line, size_t n, const char *origin, unsigned lineno,
		      unsigned *ret_depth, struct srd_range *ret_range, char **ret_name,
		      struct srd_error *err)
{
	size_t i = 0, a, b;
	const char *dash, *sep;

	while (i < n && line[i] == ' ')
		i++;
	if (i < n && line[i] == '\t')
		return srd_error_set(err, -EINVAL, "%s:%u: tab in indentation", origin, lineno);
	if (i % 2)
		return srd_error_set(err, -EINVAL, "%s:%u: odd indentation (%zu spaces)", origin,
				     lineno, i);
	*ret_depth = (unsigned)(i / 2);

	dash = memchr(line + i, '-', n - i);
	if (!dash)
		return srd_error_set(err, -EINVAL, "%s:%u: expected START-END : NAME", origin,
				     lineno);
	a = (size_t)(dash - line);
	if (parse_hex(line + i, a - i, &ret_range->start) < 0)
		return srd_error_set(err, -EINVAL, "%s:%u: bad start address", origin, lineno);

	sep = NULL;
	for (b = a + 1; b + 2 < n; b++)
		if (line[b] == ' ' && line[b + 1] == ':' && line[b + 2] == ' ') {
			sep = line + b;
			break;
		}
	if (!sep)
		return srd_error_set(err, -EINVAL, "%s:%u: missing ' : ' before the name", origin,
				     lineno);
	if (parse_hex(line + a + 1, b - a - 1, &ret_range->end) < 0)
		return srd_error_set(err, -EINVAL, "%s:%u: bad end address", origin, lineno);
	if (ret_range->end < ret_range->start)
		return srd_error_set(err, -EINVAL, "%s:%u: end address before start", origin,
				     lineno);

	b += 3;
	{
		size_t k = b;

		while (k < n && line[k] == ' ')
			k++;
		if (k >= n)
			return srd_error_set(err, -EINVAL, "%s:%u: empty name", origin, lineno);
	}
	for (size_t k = b; k < n; k++)
		if (!isprint((unsigned char)line[k]))
			return srd_error_set(err, -EINVAL, "%s:%u: unprintable byte in name",
					     origin, lineno);
	*ret_name = strndup(line + b, n - b);
	if (!*ret_name)
		return -ENOMEM;
	return 0;
}

int srd_iomem_parse(const char *buf, size_t len, const char *origin, struct srd_iomem **ret,
		    struct srd_error *err)
{
	_cleanup_(srd_iomem_freep) struct srd_iomem *iomem = NULL;
	struct srd_iomem_node *last = NULL; /* most recently added node */
	bool any_nonzero = false, any_hidden = false;
	unsigned lineno = 0;
	size_t pos = 0;

	if (len > SRD_IOMEM_MAX_BYTES)
		return srd_error_set(err, -EFBIG, "%s: larger than %u bytes", origin,
				     SRD_IOMEM_MAX_BYTES);
	if (memchr(buf, '\0', len))
		return srd_error_set(err, -EINVAL, "%s: contains a NUL byte", origin);

	iomem = calloc(1, sizeof(*iomem));
	if (!iomem)
		return -ENOMEM;
	iomem->root.range = (struct srd_range){0, UINT64_MAX};

	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		struct srd_iomem_node *node, *parent;
		struct srd_range range;
		unsigned depth = 0;
		char *name = NULL;
		int r;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n == 0)
			continue;
		if (n > SRD_IOMEM_MAX_LINE)
			return srd_error_set(err, -EINVAL, "%s:%u: line longer than %u bytes",
					     origin, lineno, SRD_IOMEM_MAX_LINE);

		r = parse_line(line, n, origin, lineno, &depth, &range, &name, err);
		if (r < 0)
			return r;

		/* Find the parent: walk up from the last node to depth - 1. */
		if (!last) {
			if (depth != 0) {
				free(name);
				return srd_error_set(err, -EINVAL, "%s:%u: first entry is indented",
						     origin, lineno);
			}
			parent = &iomem->root;
		} else if (depth > last->depth + 1) {
			free(name);
			return srd_error_set(err, -EINVAL, "%s:%u: nesting skips a level", origin,
					     lineno);
		} else {
			parent = last;
			while (parent != &iomem->root && parent->depth >= depth)
				parent = parent->parent;
		}

		/* An unprivileged reader sees every address as zero; such a listing
		 * cannot be ordered, so it is refused as a whole at the end. */
		bool hidden = range.start == 0 && range.end == 0 && !any_nonzero;

		if (hidden)
			any_hidden = true;
		if (!hidden && parent != &iomem->root &&
		    !srd_range_contains(&parent->range, &range)) {
			free(name);
			return srd_error_set(err, -EINVAL,
					     "%s:%u: entry lies outside its parent (line %u)",
					     origin, lineno, parent->line);
		}

		node = calloc(1, sizeof(*node));
		if (!node) {
			free(name);
			return -ENOMEM;
		}
		node->range = range;
		node->name = name;
		node->depth = depth;
		node->line = lineno;
		node->parent = parent;

		/* Siblings arrive in address order and never overlap: each is checked
		 * against the one before it, which the parent keeps at hand so that a
		 * listing of n lines parses in O(n) whatever its shape. */
		if (!parent->child) {
			parent->child = node;
		} else {
			struct srd_iomem_node *s = parent->last_child;

			if (!hidden && range.start <= s->range.end) {
				r = srd_error_set(
				    err, -EINVAL,
				    "%s:%u: overlaps or precedes its sibling (line %u)", origin,
				    lineno, s->line);
				node_free(node);
				return r;
			}
			s->next = node;
		}
		parent->last_child = node;
		last = node;
		iomem->n_nodes++;
		if (range.start || range.end)
			any_nonzero = true;
	}

	if (any_hidden && any_nonzero)
		return srd_error_set(err, -EINVAL, "%s: zeroed and real addresses mixed", origin);
	if (iomem->n_nodes > 0 && !any_nonzero)
		return srd_error_set(err, -EPERM,
				     "%s: every address is zero (the kernel hides them from "
				     "unprivileged readers)",
				     origin);

	*ret = TAKE_PTR(iomem);
	return 0;
}

struct srd_iomem_node *srd_iomem_next(const struct srd_iomem *iomem, const struct srd_iomem_node *n)
{
	if (!n)
		return iomem->root.child;
	if (n->child)
		return n->child;
	while (n && n != &iomem->root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

struct srd_iomem_node *srd_iomem_ancestor_named(const struct srd_iomem_node *n, const char *name)
{
	for (struct srd_iomem_node *p = n->parent; p && p->parent; p = p->parent)
		if (srd_streq(p->name, name))
			return p;
	return NULL;
}

bool srd_iomem_name_is(const char *name, const char *prefix)
{
	size_t l = strlen(prefix);
	bool digit = false, dot = false;

	if (strncmp(name, prefix, l) != 0)
		return false;
	for (const char *p = name + l; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			digit = true;
		} else if (*p == '.' && digit && !dot) {
			dot = true;
			digit = false;
		} else {
			return false;
		}
	}
	return digit;
}
