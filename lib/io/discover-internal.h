/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts of srd_discover() (discover.h), each in the file that reads its objects. */
#pragma once

#include "inventory.h"

/* CXL objects through libcxl, DAX objects through libdaxctl, driver bindings (discover-cxl.c). */
int srd_discover_cxl(struct srd_inventory *inv);
int srd_discover_dax(struct srd_inventory *inv);
int srd_discover_drivers(struct srd_inventory *inv);
/* Signs of CXL failure (discover-failures.c); runs after the parts above. */
int srd_discover_failures(struct srd_inventory *inv);
