// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd_config_load(), the loader srd, the daemon and srdctl share: one file
 * given by path, errors that name the file (and line), a missing file, and
 * this machine's host facts when none are given.
 */
#include <unistd.h>

#include "load.h"
#include "policy.h"
#include "test-util.h"

static const struct srd_host_facts host = {.hostname = "db-17"};

/* A temporary file holding text; its name in path (a "/tmp/srd-test-conf-XXXXXX" buffer). */
static void temp_conf(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f);
	fputs(text, f);
	CHECK(fclose(f) == 0);
}

TEST(test_good_file)
{
	char path[] = "/tmp/srd-test-conf-XXXXXX";
	struct srd_policy *p = NULL;
	char **errs = NULL;
	size_t n = 0;

	temp_conf(path, "[Policy]\nMode=prefer-hmem\n");
	CHECK(srd_config_load(path, &host, &p, &errs, &n) == 0);
	CHECK(n == 0 && !errs);
	CHECK(p->mode == SRD_MODE_PREFER_HMEM);
	CHECK(p->n_files == 1);
	CHECK_STREQ(p->files[0], path);
	srd_policy_free(p);
	unlink(path);
}

TEST(test_errors_name_the_file)
{
	char path[] = "/tmp/srd-test-conf-XXXXXX", where[64];
	struct srd_policy *p = NULL;
	char **errs = NULL;
	size_t n = 0;

	temp_conf(path, "[Policy]\nMode=prefer-hmem\nMode=sideways\n");
	CHECK(srd_config_load(path, &host, &p, &errs, &n) == -EINVAL);
	CHECK(!p);
	CHECK(n >= 1);
	snprintf(where, sizeof(where), "%s:3", path);
	CHECK_CONTAINS(errs[0], where);
	srd_strv_free(errs, n);
	unlink(path);
}

TEST(test_missing_file)
{
	struct srd_policy *p = NULL;
	char **errs = NULL;
	size_t n = 0;

	CHECK(srd_config_load("/nonexistent/srd.conf", &host, &p, &errs, &n) == -EINVAL);
	CHECK(!p && n == 1);
	CHECK_CONTAINS(errs[0], "/nonexistent/srd.conf");
	srd_strv_free(errs, n);
}

TEST(test_this_machine)
{
	char path[] = "/tmp/srd-test-conf-XXXXXX";
	struct srd_policy *p = NULL;
	char **errs = NULL;
	size_t n = 0;

	/* No host facts given: this machine's are read, and an empty file loads. */
	temp_conf(path, "");
	CHECK(srd_config_load(path, NULL, &p, &errs, &n) == 0);
	CHECK(p->mode == SRD_MODE_STRICT);
	srd_policy_free(p);
	unlink(path);
}

int main(void)
{
	RUN(test_good_file);
	RUN(test_errors_name_the_file);
	RUN(test_missing_file);
	RUN(test_this_machine);
	return 0;
}
