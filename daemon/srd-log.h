/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's log: structured journal entries (MESSAGE_ID, SRD_RANGE=,
 * SRD_REGION=, SRD_ACTION=, SRD_REASON=, SRD_POLICY=) so that
 * `journalctl -u srd` explains every decision, with the text also on stderr
 * when stderr is not already the journal.  The message IDs are documented in
 * systemd/srd.catalog; keep the two in step (tests/test-daemon.sh checks).
 */
#pragma once

#include <stdarg.h>
#include <syslog.h>

#define SRD_MESSAGE_STARTED "c3ea6ee914224c9d80ba8a9283310b64"
#define SRD_MESSAGE_SETTLED "ed2f52ad58ce4da185d67002dcf95819"
#define SRD_MESSAGE_SETTLE_TIMEOUT "21f4101924af464a8ca17684ac27d6b0"
#define SRD_MESSAGE_DECISION "ef5216fbc7f94bd881f587b500c554aa"
#define SRD_MESSAGE_RANGE "ee6f8b44bcb748ea92cec7368f2c7b7f"
#define SRD_MESSAGE_ACTION "914638766114427eb7e0c3242347949e"
#define SRD_MESSAGE_APPLY_FAILED "a1f42e0c129f4327941d5a78bcabb7f5"
#define SRD_MESSAGE_REFUSED "ad373299d9db4994a9847d5167dd22aa"
#define SRD_MESSAGE_HELD "baa086490f9d4e02af284390324e6284"
#define SRD_MESSAGE_RELOADED "5164af12a06a48f98c86d1b5c89625f5"
#define SRD_MESSAGE_RELOAD_FAILED "9fffe72f7ad5485080e15c18cad50702"
#define SRD_MESSAGE_UNCONVERGED "ac8a13a63ff34661b288454b8b1b95ac"
#define SRD_MESSAGE_REPLACE "6b1c3f0e8a4d4f2a9e57c2d80b93a1f4"

#define SRD_LOG_FIELDS_MAX 10

/* One journal entry being built: fields first, then emitted with its message. */
struct srd_log_entry {
	int priority;
	const char *message_id; /* NULL: none */
	char fields[SRD_LOG_FIELDS_MAX][384];
	unsigned n_fields;
};

/* Messages above this priority are dropped (LOG_INFO by default; --debug: LOG_DEBUG). */
void srd_log_set_max_priority(int priority);

/* Adds KEY=VALUE (VALUE formatted); a value that is too long is cut. */
void srd_log_field(struct srd_log_entry *e, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void srd_log_emit(struct srd_log_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A plain message without fields. */
void srd_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs "...: strerror(-error)" and returns error (negative errno). */
int srd_log_errno(int priority, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
