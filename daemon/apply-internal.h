/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the executor's files (apply.c, apply-create.c); nothing else includes it. */
#pragma once

#include "apply.h"

struct actx {
	const struct srd_apply_opts *o;
	struct srd_step *step;
};

/* Sets the step's message; returns r. */
enum srd_step_result srd_apply_say(struct actx *c, enum srd_step_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* FAILED with "what: strerror". */
enum srd_step_result srd_apply_fail(struct actx *c, int err, const char *what);
/* The one place srd stores to sysfs (prints it instead in a dry run); 0 or negative errno. */
int srd_apply_write(struct actx *c, const char *path, const char *value);

/* create-region: a recorded layout built again on its HPA (apply-create.c). */
enum srd_step_result srd_apply_create_region(struct actx *c, const struct srd_action *a);
