/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI tables srd reads: CEDT (CXL Early Discovery Table: host bridge
 * structures and the CXL Fixed Memory Windows) and SRAT (memory affinity,
 * which decides how dax_hmem splits Soft Reserved when an HMAT is present).
 * Parsers take the raw table bytes, as /sys/firmware/acpi/tables/NAME holds
 * them, and check signature, length and checksum before trusting a field.
 */
#pragma once

#include "range.h"
#include "srd-util.h"

#define SRD_ACPI_HEADER_SIZE 36u
#define SRD_ACPI_MAX_TABLE (4u << 20)

struct srd_cedt_chbs {
	uint32_t uid;
	uint32_t cxl_version;
	uint64_t base;
	uint64_t length;
};

/* CFMWS window restrictions (CXL 3.x 9.18.1.3). */
enum {
	SRD_CFMWS_TYPE2 = 1u << 0,
	SRD_CFMWS_TYPE3 = 1u << 1,
	SRD_CFMWS_VOLATILE = 1u << 2,
	SRD_CFMWS_PMEM = 1u << 3,
	SRD_CFMWS_FIXED = 1u << 4,
};

#define SRD_CFMWS_MAX_TARGETS 16

struct srd_cedt_cfmws {
	struct srd_range range;
	unsigned ways; /* decoded from ENIW */
	unsigned eniw; /* raw encoding */
	unsigned arithmetic; /* 0 modulo, 1 XOR */
	uint64_t granularity; /* bytes, decoded from HBIG */
	uint16_t restrictions;
	uint16_t qtg_id;
	uint32_t targets[SRD_CFMWS_MAX_TARGETS]; /* host bridge UIDs */
};

struct srd_cedt {
	struct srd_cedt_chbs *chbs;
	size_t n_chbs;
	struct srd_cedt_cfmws *cfmws;
	size_t n_cfmws;
	unsigned n_other; /* CXIMS, RDPAS and later types: counted, not interpreted */
};

int srd_cedt_parse(const uint8_t *buf, size_t len, const char *origin, struct srd_cedt **ret,
		   struct srd_error *err);
void srd_cedt_free(struct srd_cedt *cedt);
SRD_DEFINE_CLEANUP(struct srd_cedt *, srd_cedt_free)

enum {
	SRD_SRAT_MEM_ENABLED = 1u << 0,
	SRD_SRAT_MEM_HOTPLUGGABLE = 1u << 1,
	SRD_SRAT_MEM_NONVOLATILE = 1u << 2,
};

struct srd_srat_mem {
	struct srd_range range;
	uint32_t proximity_domain;
	uint32_t flags;
};

struct srd_srat {
	struct srd_srat_mem *mem;
	size_t n_mem;
	unsigned n_other;
};

/* Memory affinity structures of zero length or disabled are kept with their
 * flags; the caller decides.  A zero-length one is skipped (firmware pads with them). */
int srd_srat_parse(const uint8_t *buf, size_t len, const char *origin, struct srd_srat **ret,
		   struct srd_error *err);
void srd_srat_free(struct srd_srat *srat);
SRD_DEFINE_CLEANUP(struct srd_srat *, srd_srat_free)

/* ENIW -> ways (0 on a reserved encoding); HBIG -> bytes (0 on reserved). */
unsigned srd_cfmws_decode_ways(unsigned eniw);
uint64_t srd_cfmws_decode_granularity(uint32_t hbig);
