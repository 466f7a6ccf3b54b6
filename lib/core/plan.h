/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan builder's interface inside lib/core: decide.c hands plan.c its
 * targets, and the hand-off and replace rules append actions.  Not for the
 * daemon, which reads the finished plan from struct srd_decision.
 */
#pragma once

#include "decide.h"

/* Internal to lib/: appends an action to d's plan (NULL and d->oom on -ENOMEM). */
struct srd_action *srd_plan_add(struct srd_decision *d, enum srd_action_kind kind,
				const char *target, const struct srd_range *range, const char *fmt,
				...) __attribute__((format(printf, 5, 6)));

/* Internal to decide.c/plan.c: builds the ordered plan from the targets. */
int srd_plan_build(const struct srd_inventory *inv, const struct srd_policy *pol,
		   struct srd_decision *d);
