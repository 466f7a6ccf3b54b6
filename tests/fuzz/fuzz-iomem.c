// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: /proc/iomem parser, then a full walk of the tree it built. */
#include "iomem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srd_iomem *iomem = NULL;
	struct srd_error err;

	if (srd_iomem_parse((const char *)data, size, "fuzz", &iomem, &err) == 0) {
		size_t n = 0;

		srd_iomem_foreach(iomem, node)
		{
			/* Invariants the parser promises. */
			if (node->range.end < node->range.start)
				__builtin_trap();
			if (node->parent->parent &&
			    !srd_range_contains(&node->parent->range, &node->range))
				__builtin_trap();
			/* Siblings in address order, the last one where the parent says. */
			if (node->next && node->next->range.start <= node->range.end)
				__builtin_trap();
			if (!node->next && node->parent->last_child != node)
				__builtin_trap();
			n++;
		}
		if (n != iomem->n_nodes)
			__builtin_trap();
		srd_iomem_free(iomem);
	}
	return 0;
}
