// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's report rendered (daemon/srd-status.c): the status document
 * and the node_exporter textfile from a report written out by hand, and the
 * tally, ranges and nodes srd_report_fill() takes from a literal inventory
 * and decision.  No daemon, no machine.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "decide-fixtures.h"
#include "read.h"
#include "srd-status.h"

static struct srd_report_range ranges[] = {
    {.range = {0x490000000, 0x49fffffff},
     .owner = SRD_OWNER_CXL,
     .owner_reason = "region0 serves it",
     .decided = true,
     .target = SRD_TARGET_CXL,
     .reason = "contained in region0"},
    {.range = {0x4a0000000, 0x4afffffff},
     .owner = SRD_OWNER_NONE,
     .owner_reason = "nobody",
     .decided = false,
     .reason = "",
     .held = false,
     .blocked = true},
};

static const char *unmatched[] = {"/etc/srd/srd.conf.d/gpu.conf:4"};

static struct srd_report_node nodes[] = {
    {.node = 1, .owner = "cxl", .bytes = 256 << 20},
    {.node = 2, .owner = "hmem", .bytes = 0},
};

/* A settled daemon with a decision: one range CXL's, one stranded. */
static struct srd_report literal(void)
{
	return (struct srd_report){
	    .state = SRD_STATE_SETTLED,
	    .reason = "CXL owns 1 range",
	    .have_decision = true,
	    .verdict = SRD_VERDICT_CXL,
	    .summary = "CXL owns 1 range",
	    .converged = true,
	    .decided_realtime_usec = 1700000000123456,
	    .inventory_read_usec = 1700000000000001,
	    .have_policy = true,
	    .mode = SRD_MODE_PREFER_CXL,
	    .policy_error = "",
	    .unmatched_rules = unmatched,
	    .n_unmatched_rules = 1,
	    .have_inventory = true,
	    .tally =
		{
		    .ranges = {[SRD_OWNER_CXL] = 1, [SRD_OWNER_NONE] = 1},
		    .bytes = {[SRD_OWNER_CXL] = 256 << 20, [SRD_OWNER_NONE] = 256 << 20},
		    .blocked = 1,
		    .replacing = 2,
		    .stranded_bytes = 256 << 20,
		},
	    .n_events = 7,
	    .n_decisions = 3,
	    .n_errors = 1,
	    .ranges = ranges,
	    .n_ranges = ARRAY_SIZE(ranges),
	    .nodes = nodes,
	    .n_nodes = ARRAY_SIZE(nodes),
	};
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		CHECK(json_object_object_get_ex(o, key, &o));
		path = dot + 1;
	}
	CHECK(json_object_object_get_ex(o, path, &o));
	return o;
}

static const char *str(struct json_object *o, const char *path)
{
	return json_object_get_string(get(o, path));
}

static int64_t num(struct json_object *o, const char *path)
{
	return json_object_get_int64(get(o, path));
}

TEST(test_status_json)
{
	struct srd_report r = literal();
	struct json_object *o = srd_status_json(&r), *a, *x;

	CHECK(num(o, "schema_version") == SRD_STATUS_SCHEMA);
	CHECK_STREQ(str(o, "version"), SRD_VERSION);
	CHECK_STREQ(str(o, "state"), "settled");
	CHECK(!json_object_get_boolean(get(o, "busy")));
	CHECK_STREQ(str(o, "verdict"), "cxl");
	CHECK_STREQ(str(o, "summary"), "CXL owns 1 range");
	CHECK(json_object_get_boolean(get(o, "converged")));
	CHECK(num(o, "last_decision_usec") == 1700000000123456);
	CHECK(num(o, "inventory_read_usec") == 1700000000000001);
	CHECK(json_object_get_boolean(get(o, "policy.valid")));
	CHECK_STREQ(str(o, "policy.mode"), "prefer-cxl");
	CHECK_STREQ(str(o, "policy.error"), "");
	CHECK(json_object_array_length(get(o, "policy.unmatched_device_rules")) == 1);
	CHECK_STREQ(json_object_get_string(
			json_object_array_get_idx(get(o, "policy.unmatched_device_rules"), 0)),
		    "/etc/srd/srd.conf.d/gpu.conf:4");
	CHECK(num(o, "counts.cxl") == 1 && num(o, "counts.none") == 1 &&
	      num(o, "counts.hmem") == 0);
	CHECK(num(o, "counts.blocked") == 1 && num(o, "counts.held") == 0 &&
	      num(o, "counts.replacing") == 2);
	CHECK(num(o, "counts.events") == 7 && num(o, "counts.decisions") == 3 &&
	      num(o, "counts.errors") == 1);
	CHECK_STREQ(str(o, "bytes.cxl"), "0x10000000");
	CHECK_STREQ(str(o, "bytes.stranded"), "0x10000000");
	a = get(o, "ranges");
	CHECK(json_object_array_length(a) == 2);
	x = json_object_array_get_idx(a, 0);
	CHECK_STREQ(str(x, "start"), "0x490000000");
	CHECK_STREQ(str(x, "end"), "0x49fffffff");
	CHECK_STREQ(str(x, "owner"), "cxl");
	CHECK_STREQ(str(x, "owner_reason"), "region0 serves it");
	CHECK_STREQ(str(x, "target"), "cxl");
	CHECK_STREQ(str(x, "reason"), "contained in region0");
	x = json_object_array_get_idx(a, 1);
	/* Not in the decision: no target. */
	CHECK_STREQ(str(x, "target"), "");
	CHECK(json_object_get_boolean(get(x, "blocked")));
	json_object_put(o);
}

TEST(test_status_json_without_decision_or_policy)
{
	struct srd_report r = {
	    .state = SRD_STATE_DEGRADED,
	    .reason = "the configuration is invalid",
	    .busy = true,
	    .converged = true, /* without a decision, never shown as converged */
	    .policy_error = "/etc/srd/srd.conf:3: unknown key",
	};
	struct json_object *o = srd_status_json(&r);

	CHECK_STREQ(str(o, "state"), "degraded");
	CHECK(json_object_get_boolean(get(o, "busy")));
	CHECK_STREQ(str(o, "verdict"), "");
	CHECK_STREQ(str(o, "summary"), "");
	CHECK(!json_object_get_boolean(get(o, "converged")));
	CHECK(!json_object_get_boolean(get(o, "policy.valid")));
	CHECK_STREQ(str(o, "policy.mode"), "");
	CHECK_STREQ(str(o, "policy.error"), "/etc/srd/srd.conf:3: unknown key");
	CHECK(!json_object_object_get_ex(get(o, "policy"), "unmatched_device_rules", NULL));
	CHECK(json_object_array_length(get(o, "ranges")) == 0);
	json_object_put(o);
}

static char *metrics_of(const struct srd_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(f);
	CHECK(srd_status_metrics(r, f) == 0);
	CHECK(fclose(f) == 0);
	return text;
}

/* The line is in the text, whole. */
static void check_line(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	CHECK_CONTAINS(text, want);
}

TEST(test_metrics)
{
	struct srd_report r = literal();
	char *text = metrics_of(&r);

	CHECK(strncmp(text, "# HELP srd_build_info ", 22) == 0);
	check_line(text, "srd_build_info{version=\"" SRD_VERSION "\"} 1");
	check_line(text, "srd_policy_info{mode=\"prefer-cxl\"} 1");
	check_line(text, "srd_state{state=\"settled\"} 1");
	check_line(text, "srd_state{state=\"degraded\"} 0");
	check_line(text, "srd_verdict{verdict=\"cxl\"} 1");
	check_line(text, "srd_converged 1");
	check_line(text, "srd_policy_valid 1");
	check_line(text, "srd_ranges{owner=\"cxl\"} 1");
	check_line(text, "srd_ranges{owner=\"none\"} 1");
	check_line(text, "srd_range_bytes{owner=\"cxl\"} 268435456");
	check_line(text, "srd_stranded_bytes 268435456");
	check_line(text, "srd_node_bytes{node=\"1\",owner=\"cxl\"} 268435456");
	check_line(text, "srd_node_bytes{node=\"2\",owner=\"hmem\"} 0");
	check_line(text, "srd_blocked_ranges 1");
	check_line(text, "srd_held_ranges 0");
	check_line(text, "srd_last_decision_timestamp_seconds 1700000000.123456");
	check_line(text, "srd_decisions_total 3");
	check_line(text, "srd_errors_total 1");
	check_line(text, "srd_uevents_total 7");
	/* Every sample has its HELP and TYPE. */
	check_line(text, "# TYPE srd_uevents_total counter");
	check_line(text, "# TYPE srd_node_bytes gauge");
	free(text);
}

TEST(test_metrics_invalid_policy)
{
	struct srd_report r = {
	    .state = SRD_STATE_DEGRADED, .reason = "", .policy_error = "x.conf:1: bad"};
	char *text = metrics_of(&r);

	check_line(text, "srd_policy_info{mode=\"invalid\"} 1");
	check_line(text, "srd_policy_valid 0");
	check_line(text, "srd_converged 0");
	check_line(text, "srd_verdict{verdict=\"cxl\"} 0");
	free(text);

	/* A policy in force while the file on disk is broken (a failed reload). */
	r.have_policy = true;
	r.mode = SRD_MODE_STRICT;
	text = metrics_of(&r);
	check_line(text, "srd_policy_info{mode=\"strict\"} 1");
	check_line(text, "srd_policy_valid 0");
	free(text);
}

TEST(test_write_metrics)
{
	char dir[] = "/tmp/srd-test-status-XXXXXX", path[64];
	struct srd_report r = literal();
	char *text = metrics_of(&r), *got = NULL;
	size_t len;
	struct stat st;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/srd.prom", dir);
	CHECK(srd_status_write_metrics(&r, path) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(srd_read_file(path, 1 << 20, &got, &len) == 0);
	CHECK_STREQ(got, text);
	free(got);
	free(text);
	unlink(path);
	rmdir(dir);
}

TEST(test_fill)
{
	struct srd_policy *pol = srd_policy_new();
	struct srd_inventory *inv = inventory("6.12.0", W0, 4 * GiB);
	struct srd_report r = {.reason = "", .policy_error = ""};
	struct srd_decision *d;

	/* One range CXL serves, one nobody does (no decoder behind it). */
	sr(inv, W0, W0 + 256 * MiB - 1);
	region(inv, "region0", W0, W0 + 256 * MiB - 1, true, true, 1);
	dax(inv, "dax0.0", SRD_DAX_CXL, "region0", W0, W0 + 256 * MiB - 1, "kmem")->target_node = 1;
	sr(inv, W0 + GiB, W0 + GiB + 256 * MiB - 1);
	d = expect(inv, pol, "per-range", NULL, "cxl", "cxl unchanged", "");
	CHECK(srd_report_fill(&r, inv, d, NULL, 1) == 0);
	CHECK(r.have_inventory && r.n_ranges == 2);
	CHECK(r.tally.ranges[SRD_OWNER_CXL] == 1 && r.tally.ranges[SRD_OWNER_NONE] == 1);
	CHECK_EQ_U64(r.tally.bytes[SRD_OWNER_CXL], 256 * MiB);
	CHECK_EQ_U64(r.tally.stranded_bytes, 256 * MiB);
	CHECK(r.tally.replacing == 1);
	CHECK(r.ranges[0].decided && r.ranges[0].target == SRD_TARGET_CXL);
	CHECK_STREQ(r.ranges[0].reason, d->ranges[0].reason);
	CHECK(r.n_nodes == 1 && r.nodes[0].node == 1);
	CHECK_STREQ(r.nodes[0].owner, "cxl");
	CHECK_EQ_U64(r.nodes[0].bytes, 256 * MiB);
	srd_report_done(&r);
	CHECK(!r.ranges && !r.nodes);

	/* No inventory yet: nothing but the caller's count. */
	r = (struct srd_report){};
	CHECK(srd_report_fill(&r, NULL, NULL, NULL, 0) == 0);
	CHECK(!r.have_inventory && r.n_ranges == 0);
	srd_report_done(&r);
	srd_decision_free(d);
	srd_inventory_free(inv);
	srd_policy_free(pol);
}

int main(void)
{
	RUN(test_status_json);
	RUN(test_status_json_without_decision_or_policy);
	RUN(test_metrics);
	RUN(test_metrics_invalid_policy);
	RUN(test_write_metrics);
	RUN(test_fill);
	return 0;
}
