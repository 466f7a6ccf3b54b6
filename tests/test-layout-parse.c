// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The layout record parser (daemon/srd-layout.c): what srd writes reads back
 * as it was, and a record that is anything else, down to trailing bytes, is
 * refused with the file named, because it would be used to build a region.
 */
#include <json-c/json.h>

#include "srd-layout.h"
#include "test-util.h"
#include "read.h"

static struct srd_layout sample(void)
{
	struct srd_layout l = {
	    .range = {0x490000000, 0x4afffffff},
	    .ways = 2,
	    .granularity = 4096,
	    .n_targets = 2,
	    .owner = SRD_OWNER_CXL,
	    .replace = SRD_REPLACE_PREPARED,
	    .replace_position = 1,
	    .generation = 3,
	    .recorded_usec = 1700000000000000,
	};

	snprintf(l.region, sizeof(l.region), "region0");
	snprintf(l.machine_id, sizeof(l.machine_id), "0123456789abcdef0123456789abcdef");
	snprintf(l.window, sizeof(l.window), "decoder0.0");
	snprintf(l.mode, sizeof(l.mode), "ram");
	snprintf(l.dax_mode, sizeof(l.dax_mode), "system-ram");
	for (unsigned i = 0; i < 2; i++) {
		snprintf(l.targets[i].memdev, SRD_NAME_MAX, "mem%u", i);
		snprintf(l.targets[i].host, SRD_NAME_MAX, "0000:0d:0%u.0", i);
		l.targets[i].serial = 0x1000 + i;
	}
	return l;
}

static const char *text_of(const struct srd_layout *l, struct json_object **o)
{
	*o = srd_layout_to_json(l);
	return json_object_to_json_string_ext(*o, JSON_C_TO_STRING_PRETTY);
}

static void expect_error(const char *text, const char *needle)
{
	struct srd_layout l;
	struct srd_error err = {};

	CHECK(srd_layout_parse(text, strlen(text), "layout-0x1.json", &l, &err) == -EINVAL);
	CHECK_CONTAINS(err.msg, "layout-0x1.json: ");
	CHECK_CONTAINS(err.msg, needle);
}

TEST(test_round_trip)
{
	struct srd_layout a = sample(), b;
	struct srd_error err = {};
	struct json_object *o;
	const char *t = text_of(&a, &o);
	char *withnl;

	CHECK(srd_layout_parse(t, strlen(t), "x", &b, &err) == 0);
	CHECK(srd_layout_same(&a, &b));
	CHECK(b.generation == 3 && b.replace == SRD_REPLACE_PREPARED && b.replace_position == 1);
	CHECK(b.owner == SRD_OWNER_CXL && b.recorded_usec == a.recorded_usec);
	CHECK_STREQ(b.targets[1].memdev, "mem1");
	CHECK_STREQ(b.dax_mode, "system-ram");
	/* As saved: followed by a newline. */
	CHECK(asprintf(&withnl, "%s\n", t) > 0);
	CHECK(srd_layout_parse(withnl, strlen(withnl), "x", &b, &err) == 0);
	free(withnl);
	json_object_put(o);
}

TEST(test_refused)
{
	struct srd_layout a = sample(), b;
	struct srd_error err = {};
	struct json_object *o;
	const char *t = text_of(&a, &o);
	char *s;

	expect_error("", "not JSON");
	expect_error("not json", "not JSON");
	expect_error("[1, 2]", "not a JSON object");
	expect_error("{\"schema_version\": 9}", "unknown schema_version");
	CHECK(asprintf(&s, "%s}", t) > 0);
	expect_error(s, "not JSON"); /* trailing bytes */
	free(s);
	CHECK(asprintf(&s, "%s {}", t) > 0);
	expect_error(s, "not JSON");
	free(s);
	CHECK(srd_layout_parse(t, strlen(t) - 1, "x", &b, &err) == -EINVAL); /* cut short */
	{
		char nul[] = "{\"schema_version\": 1}\0{}";

		/* strlen stops at the NUL... */
		expect_error(nul, "a text field is missing");
		/* ...the length does not. */
		CHECK(srd_layout_parse(nul, sizeof(nul) - 1, "x", &b, &err) == -EINVAL);
		CHECK_CONTAINS(err.msg, "NUL");
	}
	json_object_put(o);

	/* Numbers as srd_parse_u64 reads them: a serial with a leading zero is refused. */
	a.targets[0].serial = 0x1000;
	t = text_of(&a, &o);
	s = strdup(t);
	CHECK(s);
	char *p = strstr(s, "\"0x1000\"");

	CHECK(p);
	memcpy(p, "\"01000\"", 7);
	p[7] = ' ';
	expect_error(s, "a target is incomplete");
	free(s);
	json_object_put(o);
}

/* The records under fixtures/layout (also the fuzzer's seeds) are as srd writes them. */
TEST(test_fixtures)
{
	static const char *const names[] = {"layout/layout-0x490000000.json",
					    "layout/layout-0x1000000000.json"};
	struct srd_layout want = sample();

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct srd_layout l;
		struct srd_error err = {};
		char *text;
		size_t len;

		CHECK(srd_read_file(fixture(names[i]), SRD_LAYOUT_MAX_BYTES, &text, &len) == 0);
		if (srd_layout_parse(text, len, names[i], &l, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			abort();
		}
		if (i == 0)
			CHECK(srd_layout_same(&l, &want) && l.generation == want.generation &&
			      l.owner == want.owner && l.replace == want.replace);
		else
			CHECK(l.n_targets == 1 && l.targets[0].serial == 0xdeadbeef00000001 &&
			      l.owner == SRD_OWNER_NONE);
		free(text);
	}
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_refused);
	RUN(test_fixtures);
	return 0;
}
