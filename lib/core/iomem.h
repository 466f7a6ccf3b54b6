/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/iomem as a tree.  Each node keeps its full range (start and end), its
 * name and its depth; children are in address order.  The caller chooses where
 * the text comes from.
 */
#pragma once

#include "range.h"
#include "srd-util.h"

struct srd_iomem_node {
	struct srd_range range;
	char *name;
	unsigned depth;
	unsigned line; /* 1-based line in the source text */
	struct srd_iomem_node *parent;
	struct srd_iomem_node *child; /* first child */
	struct srd_iomem_node *last_child; /* where the next child goes: appending stays O(1) */
	struct srd_iomem_node *next; /* next sibling */
};

struct srd_iomem {
	struct srd_iomem_node root; /* synthetic: the whole address space, depth -1 */
	size_t n_nodes;
};

#define SRD_IOMEM_MAX_BYTES (16u << 20)
#define SRD_IOMEM_MAX_LINE 1024

/*
 * Parses the text of /proc/iomem.  origin names the source in errors.  Rejects
 * malformed lines, reversed ranges, a child outside its parent, overlapping or
 * unordered siblings, skipped nesting levels, and an all-zero listing (which is
 * what an unprivileged reader sees: the addresses are hidden).
 * Returns 0 or a negative errno with err filled.
 */
int srd_iomem_parse(const char *buf, size_t len, const char *origin, struct srd_iomem **ret,
		    struct srd_error *err);

void srd_iomem_free(struct srd_iomem *iomem);
SRD_DEFINE_CLEANUP(struct srd_iomem *, srd_iomem_free)

/* Depth-first walk in file order; returns the node after n, or NULL at the end. */
struct srd_iomem_node *srd_iomem_next(const struct srd_iomem *iomem,
				      const struct srd_iomem_node *n);

#define srd_iomem_foreach(iomem, n)                                                                \
	for (struct srd_iomem_node *n = srd_iomem_next((iomem), NULL); n;                          \
	     n = srd_iomem_next((iomem), n))

/* First ancestor of n (n excluded) whose name equals name, or NULL. */
struct srd_iomem_node *srd_iomem_ancestor_named(const struct srd_iomem_node *n, const char *name);

/* True when the name starts with prefix and continues with a decimal number to the end
 * (or, for dotted names like "dax1.0", with digits and one dot). */
bool srd_iomem_name_is(const char *name, const char *prefix);
