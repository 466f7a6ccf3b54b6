/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Human-readable reports for the terminal. */
#pragma once

#include <stdio.h>

#include "decide.h"
#include "inventory.h"

void srd_print_inventory(const struct srd_inventory *inv, FILE *f);
void srd_print_decision(const struct srd_decision *d, FILE *f);
/* Each dax device's stable identity and the [Device] rule (or default) that configures it. */
void srd_print_dax_policy(const struct srd_inventory *inv, const struct srd_policy *p, FILE *f);

struct srd_pass;
/* srd --once's report of a pass after its plan ran: notes, the ranges after, the outcome (ok). */
void srd_print_pass(const struct srd_pass *p, bool ok, FILE *f);
/* One line per range the check found unlike the verdict. */
void srd_print_unconverged(const struct srd_pass *p, FILE *f);
