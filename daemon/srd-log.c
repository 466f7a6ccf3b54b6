// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's log (see srd-log.h).  Entries go to the journal's native
 * socket through sd_journal_sendv(); the text also goes to stderr unless
 * stderr is the journal already ($JOURNAL_STREAM names it), so a run in a
 * terminal or without journald still shows everything once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "srd-log.h"

static int max_priority = LOG_INFO;

void srd_log_set_max_priority(int priority)
{
	max_priority = priority;
}

/* stderr is the journal when $JOURNAL_STREAM is "DEVICE:INODE" of fd 2. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void srd_log_field(struct srd_log_entry *e, const char *key, const char *fmt, ...)
{
	va_list ap;
	size_t l;

	if (e->n_fields >= SRD_LOG_FIELDS_MAX)
		return;
	l = (size_t)snprintf(e->fields[e->n_fields], sizeof(e->fields[0]), "%s=", key);
	if (l >= sizeof(e->fields[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(e->fields[e->n_fields] + l, sizeof(e->fields[0]) - l, fmt, ap);
	va_end(ap);
	e->n_fields++;
}

static void emit(struct srd_log_entry *e, const char *fmt, va_list ap)
{
	char message[1024 + 8], prio[16], id[64];
	struct iovec iov[SRD_LOG_FIELDS_MAX + 4];
	unsigned n = 0;

	if (e->priority > max_priority)
		return;
	memcpy(message, "MESSAGE=", 8);
	vsnprintf(message + 8, sizeof(message) - 8, fmt, ap);
	snprintf(prio, sizeof(prio), "PRIORITY=%d", e->priority);
	iov[n++] = (struct iovec){message, strlen(message)};
	iov[n++] = (struct iovec){prio, strlen(prio)};
	iov[n++] = (struct iovec){(char *)"SYSLOG_IDENTIFIER=srd", strlen("SYSLOG_IDENTIFIER=srd")};
	if (e->message_id) {
		snprintf(id, sizeof(id), "MESSAGE_ID=%s", e->message_id);
		iov[n++] = (struct iovec){id, strlen(id)};
	}
	for (unsigned i = 0; i < e->n_fields; i++)
		iov[n++] = (struct iovec){e->fields[i], strlen(e->fields[i])};
	/* Fails quietly without journald; stderr then carries the message. */
	if (sd_journal_sendv(iov, (int)n) < 0 || !stderr_is_journal())
		fprintf(stderr, "srd: %s\n", message + 8);
}

void srd_log_emit(struct srd_log_entry *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(e, fmt, ap);
	va_end(ap);
}

void srd_log(int priority, const char *fmt, ...)
{
	struct srd_log_entry e = {.priority = priority};
	va_list ap;

	va_start(ap, fmt);
	emit(&e, fmt, ap);
	va_end(ap);
}

int srd_log_errno(int priority, int error, const char *fmt, ...)
{
	struct srd_log_entry e = {.priority = priority};
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	srd_log_emit(&e, "%s: %s", buf, strerror(-error));
	return error;
}
