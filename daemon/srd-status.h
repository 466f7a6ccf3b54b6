/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's reports: status document, snapshot, node_exporter textfile. */
#pragma once

#include "srd-manager.h"

struct srd_tally {
	size_t ranges[_SRD_OWNER_MAX];
	uint64_t bytes[_SRD_OWNER_MAX];
	size_t held, blocked;
	size_t replacing; /* layouts taken down for a hotplug replace */
	uint64_t stranded_bytes; /* served by nobody, half-owned ranges' rest included */
};

/* Counts the last pass's ranges and bytes by owner. */
void srd_status_tally(const struct srd_manager *m, struct srd_tally *t);
/* Rewrites the textfile at path atomically (a temporary file renamed over it). */
int srd_status_write_metrics(const struct srd_manager *m, const char *path);
