/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each tear-down does to HDM decode, as data, and the rule it gives for
 * handing a Soft Reserved range inside a CXL window to dax_hmem.  Pure: the
 * decision (decide.c) asks, nothing here reads the machine.
 */
#pragma once

#include "decide.h"

/* The ways CXL lets go of memory (DESIGN.md, "What tear-downs do to decode"). */
enum srd_teardown_op {
	SRD_TEARDOWN_OP_RELEASE, /* unbind the region from cxl_region */
	SRD_TEARDOWN_OP_DESTROY, /* commit=0, delete_region */
	SRD_TEARDOWN_OP_UNBIND_CXL_ACPI, /* windows and every region go */
	SRD_TEARDOWN_OP_UNBIND_MEMDEV, /* cxl_mem or a port unbound under a region */
	_SRD_TEARDOWN_OP_MAX,
};
const char *srd_teardown_op_to_string(enum srd_teardown_op op);

/* Whether region g's decoders still decode after op on the kernel inv shows. */
bool srd_teardown_keeps_decode(const struct srd_inventory *inv, const struct srd_region *g,
			       enum srd_teardown_op op);

/*
 * Whether range i (target dax_hmem, inside a CXL window, no hmem device for
 * it) can be handed over by unbinding cxl_acpi and re-probing hmem_platform:
 * the range stays decoded (endpoint decoders with no region, regions over it
 * locked on a kernel that keeps locked decoders, or, when CXL failed before
 * its decoders could be read, the firmware's memory map entry, or the command
 * line's with TrustCommandLine=yes), no other region loses its decode, no
 * range CXL keeps loses CXL, and this kernel has hmem_platform to re-probe.
 * Returns true, or false with the refusal (and what would make the hand-off
 * possible) in why.
 */
bool srd_handoff_via_cxl_acpi(const struct srd_inventory *inv, const struct srd_policy *pol,
			      const struct srd_decision *d, size_t i, char *why, size_t size);
