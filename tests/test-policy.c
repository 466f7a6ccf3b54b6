// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd.conf parsing: every setting, [Match] scopes, drop-in order, and every
 * malformed file under fixtures/conf (each names the error it must produce on
 * its first line: "# error: :LINE: message").
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "test-util.h"
#include "load.h"

static const struct srd_host_facts host = {
    .hostname = "db-17",
    .dmi_product_name = "PowerEdge R760",
    .dmi_product_serial = "ABC123",
    .kernel_release = "6.12.43+deb12-amd64",
};

static struct srd_policy *load(const char *path, char ***errs, size_t *n)
{
	struct srd_policy *p = NULL;

	*errs = NULL;
	*n = 0;
	CHECK(srd_policy_load(path, "/nonexistent", "/nonexistent", &host, &p, errs, n) >= 0);
	return p;
}

TEST(test_defaults)
{
	struct srd_policy *p = srd_policy_new();

	CHECK(p->mode == SRD_MODE_STRICT);
	CHECK(p->fallback == SRD_FALLBACK_HMEM);
	CHECK(p->teardown == SRD_TEARDOWN_RELEASE);
	CHECK(!p->allow_offline);
	CHECK(!p->trust_cmdline);
	CHECK(!p->expect_auto);
	CHECK(p->settle_quiet_usec < p->settle_timeout_usec);
	CHECK_STREQ(p->mode_origin.where, "default");
	srd_policy_free(p);
}

TEST(test_full)
{
	char **errs;
	size_t n;
	struct srd_policy *p = load(fixture("conf/good-full.conf"), &errs, &n);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s\n", errs[i]);
	CHECK(n == 0 && p);
	CHECK(p->mode == SRD_MODE_PREFER_CXL); /* the matching [Match] scope wins */
	CHECK_CONTAINS(p->mode_origin.where, "good-full.conf:36");
	CHECK(p->fallback == SRD_FALLBACK_KEEP);
	CHECK(p->teardown == SRD_TEARDOWN_DESTROY);
	CHECK(p->allow_offline && p->reassert && p->trust_cmdline);
	CHECK_CONTAINS(p->trust_cmdline_origin.where, "good-full.conf:");
	CHECK_STREQ(p->metrics_file, "/var/lib/node-exporter/srd.prom");
	CHECK(p->settle_quiet_usec == 500000);
	CHECK(p->settle_timeout_usec == 120000000);
	CHECK(p->expect_memdevs == 4 && p->expect_regions == 2);
	CHECK(p->n_exclude_ranges == 2);
	CHECK_EQ_U64(p->exclude_ranges[1].range.start, 0x2000000000);
	CHECK_EQ_U64(p->exclude_ranges[1].range.end, 0x200fffffff);
	CHECK(p->n_exclude_serials == 1 && p->exclude_serials[0].serial == 0xdeadbeef);
	CHECK(p->n_exclude_pci == 1 && p->exclude_pci[0].vendor == 0x1e98 &&
	      p->exclude_pci[0].device == 1);
	CHECK(p->dax_cxl.mode == SRD_DAX_SYSTEM_RAM && p->dax_cxl.online == SRD_ONLINE_NORMAL);
	CHECK(p->dax_hmem.mode == SRD_DAX_DEVDAX);
	CHECK(p->n_files == 1);
	srd_policy_free(p);
}

static void parse_text(struct srd_policy *p, const char *text, int expect_errors,
		       const struct srd_host_facts *h)
{
	char **errs = NULL;
	size_t n = 0;
	int r = srd_policy_parse(p, text, strlen(text), "t.conf", h, &errs, &n);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", errs[i]);
	CHECK(r == expect_errors);
	srd_strv_free(errs, n);
}

TEST(test_match)
{
	struct srd_policy *p = srd_policy_new();
	struct srd_host_facts other = host;

	/* A non-matching scope is checked but not applied; a later [Match] with
	 * no keys returns to the unconditional scope. */
	parse_text(
	    p,
	    "[Match]\nHostname=web-*\n[Policy]\nMode=audit\n[Match]\n[Policy]\nTeardown=destroy\n",
	    0, &host);
	CHECK(p->mode == SRD_MODE_STRICT);
	CHECK(p->teardown == SRD_TEARDOWN_DESTROY);

	parse_text(p,
		   "[Match]\nKernelRelease=<7.1\nDMIProductSerial=ABC*\n[Policy]\nMode=per-range\n",
		   0, &host);
	CHECK(p->mode == SRD_MODE_PER_RANGE);
	snprintf(other.kernel_release, sizeof(other.kernel_release), "7.2.0-1-amd64");
	parse_text(p, "[Match]\nKernelRelease=<7.1\n[Policy]\nMode=audit\n", 0, &other);
	CHECK(p->mode == SRD_MODE_PER_RANGE);
	parse_text(p, "[Match]\nKernelRelease=7.2.*\n[Policy]\nMode=audit\n", 0, &other);
	CHECK(p->mode == SRD_MODE_AUDIT);
	parse_text(p, "[Match]\nKernelRelease=!=7.2.0-1-amd64\n[Policy]\nMode=strict\n", 0, &other);
	CHECK(p->mode == SRD_MODE_AUDIT);
	/* Without host facts, nothing matches. */
	parse_text(p, "[Match]\nHostname=*\n[Policy]\nMode=strict\n", 0, NULL);
	CHECK(p->mode == SRD_MODE_AUDIT);
	srd_policy_free(p);
}

TEST(test_lists_reset)
{
	struct srd_policy *p = srd_policy_new();

	parse_text(p, "[Exclude]\nSerial=1\nSerial=2\nRange=0x0-0xfff\n", 0, &host);
	CHECK(p->n_exclude_serials == 2 && p->n_exclude_ranges == 1);
	parse_text(p, "[Exclude]\nSerial=\nSerial=3\nRange=\n", 0, &host);
	CHECK(p->n_exclude_serials == 1 && p->exclude_serials[0].serial == 3);
	CHECK(p->n_exclude_ranges == 0);
	/* Comments, blank lines and whitespace around = are fine. */
	parse_text(p, "  # c\n; c\n\n[Policy]\n  Mode =  audit  \n", 0, &host);
	CHECK(p->mode == SRD_MODE_AUDIT);
	/* Errors continue past the first one. */
	parse_text(p, "[Policy]\nMode=x\nFallback=y\n[Nope]\n", 3, &host);
	/* A NUL byte is refused. */
	{
		char **errs = NULL;
		size_t n = 0;

		CHECK(srd_policy_parse(p, "[Policy]\0", 9, "t.conf", &host, &errs, &n) == 1);
		CHECK_CONTAINS(errs[0], "t.conf: contains a NUL byte");
		srd_strv_free(errs, n);
	}
	srd_policy_free(p);
}

/* Numbers are decimal or 0x hex: a leading zero, which base-0 parsing takes as octal
 * (Serial=0123 would exclude serial 83), is an error naming the key and value. */
TEST(test_numbers)
{
	struct srd_policy *p = srd_policy_new();
	char **errs = NULL;
	size_t n = 0;

	parse_text(
	    p,
	    "[Exclude]\nSerial=123\nSerial=0x123\nSerial=0\nRange=0x1000000+16M\nRange=0-4095\n"
	    "Range=4096+0x1000\n[Settle]\nExpectMemdevs=0\nExpectRegions=10\n",
	    0, &host);
	CHECK(p->n_exclude_serials == 3);
	CHECK_EQ_U64(p->exclude_serials[0].serial, 123);
	CHECK_EQ_U64(p->exclude_serials[1].serial, 0x123);
	CHECK_EQ_U64(p->exclude_serials[2].serial, 0);
	CHECK(p->n_exclude_ranges == 3);
	CHECK_EQ_U64(p->exclude_ranges[0].range.start, 0x1000000);
	CHECK_EQ_U64(p->exclude_ranges[0].range.end, 0x1ffffff);
	CHECK_EQ_U64(p->exclude_ranges[1].range.end, 4095);
	CHECK_EQ_U64(p->exclude_ranges[2].range.start, 4096);
	CHECK_EQ_U64(p->exclude_ranges[2].range.end, 8191);
	CHECK(p->expect_regions == 10);

	const char *bad = "[Exclude]\nSerial=0123\nRange=0100000000+1G\nRange=0x0-0777\n"
			  "Range=0x1000+010M\n[Settle]\nExpectRegions=010\n";

	CHECK(srd_policy_parse(p, bad, strlen(bad), "t.conf", &host, &errs, &n) == 5);
	CHECK_CONTAINS(errs[0], "t.conf:2: Serial=0123: a leading zero");
	CHECK_CONTAINS(errs[1], "t.conf:3: Range=0100000000+1G: a leading zero");
	CHECK_CONTAINS(errs[2], "t.conf:4: Range=0x0-0777: a leading zero");
	CHECK_CONTAINS(errs[3], "t.conf:5: Range=0x1000+010M: a leading zero");
	CHECK_CONTAINS(errs[4], "t.conf:7: ExpectRegions=010: a leading zero");
	srd_strv_free(errs, n);
	errs = NULL;
	n = 0;
	/* PCI IDs are exactly four hex digits each, as lspci -n prints them: no sign, no 0x. */
	parse_text(p, "[Exclude]\nPCIDevice=8086:0D93\n", 0, &host);
	CHECK(p->n_exclude_pci == 1 && p->exclude_pci[0].device == 0xd93);
	bad = "[Exclude]\nPCIDevice=+123:abcd\nPCIDevice=0x12:abcd\nPCIDevice=8086:-d93\n";
	CHECK(srd_policy_parse(p, bad, strlen(bad), "t.conf", &host, &errs, &n) == 3);
	CHECK(p->n_exclude_pci == 1);
	srd_strv_free(errs, n);
	errs = NULL;
	n = 0;
	/* Time spans are decimal too: no hex floats or exponents from strtod. */
	parse_text(p, "[Settle]\nQuietSec=0.5\nTimeoutSec=90s\n", 0, &host);
	CHECK(p->settle_quiet_usec == 500000 && p->settle_timeout_usec == 90000000);
	bad = "[Settle]\nQuietSec=0x10\nTimeoutSec=1e3\nTimeoutSec=1.5.0\n";
	CHECK(srd_policy_parse(p, bad, strlen(bad), "t.conf", &host, &errs, &n) == 3);
	CHECK(p->settle_quiet_usec == 500000 && p->settle_timeout_usec == 90000000);
	parse_text(p, "[Settle]\nExpectAuto=yes\n", 0, &host);
	CHECK(p->expect_auto);
	/* Nothing of it was applied. */
	CHECK(p->n_exclude_serials == 3 && p->n_exclude_ranges == 3 && p->expect_regions == 10);
	srd_strv_free(errs, n);
	srd_policy_free(p);
}

/* Every bad-*.conf fixture fails with the message its first line names. */
TEST(test_malformed_fixtures)
{
	DIR *d = opendir(fixture("conf"));
	struct dirent *de;
	unsigned seen = 0;

	CHECK(d);
	while ((de = readdir(d))) {
		char path[4096], first[512], want[512], **errs;
		struct srd_policy *p = NULL;
		size_t n;
		FILE *f;
		int r;

		if (strncmp(de->d_name, "bad-", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s", fixture("conf"));
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", de->d_name);
		f = fopen(path, "r");
		CHECK(f && fgets(first, sizeof(first), f));
		fclose(f);
		first[strcspn(first, "\n")] = '\0';
		CHECK(strncmp(first, "# error: ", 9) == 0);
		/* ":LINE: message" is checked as "FILE:LINE: message". */
		snprintf(want, sizeof(want), "%s%s", de->d_name, first + 9);
		errs = NULL;
		n = 0;
		r = srd_policy_load(path, "/nonexistent", "/nonexistent", &host, &p, &errs, &n);
		if (r < 1 || n < 1 || !strstr(errs[0], want)) {
			fprintf(stderr,
				"%s: expected an error containing \"%s\", got %d error(s)%s%s\n",
				de->d_name, want, r, n ? ": " : "", n ? errs[0] : "");
			abort();
		}
		CHECK(p == NULL);
		srd_strv_free(errs, n);
		seen++;
	}
	closedir(d);
	CHECK(seen >= 20);
	printf("  %u malformed files rejected with file:line\n", seen);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f);
	fputs(text, f);
	fclose(f);
}

TEST(test_dropins)
{
	char tmp[] = "/tmp/srd-conf-XXXXXX", vendor[256], etc[256], path[512];
	struct srd_policy *p = NULL;
	char **errs = NULL;
	size_t n = 0;

	CHECK(mkdtemp(tmp));
	snprintf(vendor, sizeof(vendor), "%s/usr", tmp);
	snprintf(etc, sizeof(etc), "%s/etc", tmp);
	CHECK(mkdir(vendor, 0755) == 0 && mkdir(etc, 0755) == 0);
	snprintf(path, sizeof(path), "%s/srd.conf.d", vendor);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/srd.conf.d", etc);
	CHECK(mkdir(path, 0755) == 0);

	snprintf(path, sizeof(path), "%s/srd.conf", vendor);
	write_file(path, "[Policy]\nMode=audit\nTeardown=destroy\n");
	snprintf(path, sizeof(path), "%s/srd.conf", etc);
	write_file(path, "[Policy]\nMode=per-range\n");
	snprintf(path, sizeof(path), "%s/srd.conf.d/10-a.conf", vendor);
	write_file(path, "[Policy]\nFallback=keep\n");
	snprintf(path, sizeof(path), "%s/srd.conf.d/20-b.conf", vendor);
	write_file(path, "[Policy]\nMode=bogus\n"); /* hidden by /etc's 20-b.conf */
	snprintf(path, sizeof(path), "%s/srd.conf.d/20-b.conf", etc);
	write_file(path, "[Policy]\nMode=prefer-hmem\n");
	snprintf(path, sizeof(path), "%s/srd.conf.d/30-c.conf", etc);
	write_file(path, "[Policy]\nAllowOffline=yes\n");
	snprintf(path, sizeof(path), "%s/srd.conf.d/ignored.txt", etc);
	write_file(path, "garbage");

	CHECK(srd_policy_load(NULL, vendor, etc, &host, &p, &errs, &n) == 0);
	CHECK(p->mode == SRD_MODE_PREFER_HMEM);
	CHECK(p->teardown == SRD_TEARDOWN_DESTROY);
	CHECK(p->fallback == SRD_FALLBACK_KEEP);
	CHECK(p->allow_offline);
	CHECK(p->n_files == 5);
	CHECK_CONTAINS(p->mode_origin.where, "etc/srd.conf.d/20-b.conf:2");
	srd_policy_free(p);

	/* An explicit file that does not exist is an error. */
	p = NULL;
	CHECK(srd_policy_load("/nonexistent/x.conf", vendor, etc, &host, &p, &errs, &n) == 1);
	CHECK_CONTAINS(errs[0], "/nonexistent/x.conf: No such file");
	srd_strv_free(errs, n);
	snprintf(path, sizeof(path), "rm -rf %s", tmp);
	CHECK(system(path) == 0);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_full);
	RUN(test_match);
	RUN(test_lists_reset);
	RUN(test_numbers);
	RUN(test_malformed_fixtures);
	RUN(test_dropins);
	return 0;
}
