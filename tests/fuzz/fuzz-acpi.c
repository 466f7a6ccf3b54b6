// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: CEDT and SRAT parsers on the same bytes (the signature
 * decides which one gets past the header). */
#include "acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srd_cedt *cedt = NULL;
	struct srd_srat *srat = NULL;
	struct srd_error err;

	if (srd_cedt_parse(data, size, "fuzz", &cedt, &err) == 0) {
		for (size_t i = 0; i < cedt->n_cfmws; i++) {
			if (cedt->cfmws[i].ways == 0 || cedt->cfmws[i].ways > SRD_CFMWS_MAX_TARGETS)
				__builtin_trap();
			/* The sorted sweep against the definition: no pair overlaps. */
			for (size_t j = i + 1; j < cedt->n_cfmws; j++)
				if (srd_range_intersects(&cedt->cfmws[i].range,
							 &cedt->cfmws[j].range))
					__builtin_trap();
		}
		srd_cedt_free(cedt);
	}
	if (srd_srat_parse(data, size, "fuzz", &srat, &err) == 0)
		srd_srat_free(srat);
	return 0;
}
