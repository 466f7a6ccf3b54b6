// SPDX-License-Identifier: GPL-2.0-or-later
/* The unprivileged view: addresses, serials and evidence go; owners, reasons and sizes stay. */
#include <json-c/json.h>

#include "srd-redact.h"
#include "test-util.h"

static const char *text(const char *s)
{
	static char buf[512];

	return srd_redact_text(s, buf, sizeof(buf));
}

TEST(test_text)
{
	CHECK_STREQ(text("dax_hmem is to own 0x490000000-0x4afffffff"),
		    "dax_hmem is to own [hidden]-[hidden]");
	CHECK_STREQ(text("490000000-4afffffff : Soft Reserved"),
		    "[hidden]-[hidden] : Soft Reserved");
	CHECK_STREQ(text("mem0 replaces serial 0x1001 with 0x2002"),
		    "mem0 replaces serial [hidden] with [hidden]");
	/* Names, versions, PCI ids and sizes in words stay. */
	CHECK_STREQ(text("region0 on decoder0.0 (8086:0d93), 256 MiB"),
		    "region0 on decoder0.0 (8086:0d93), 256 MiB");
	CHECK_STREQ(text("kernel 6.12.0-deadbee"), "kernel 6.12.0-deadbee");
	CHECK_STREQ(text("0x"), "0x");
	CHECK_STREQ(text(""), "");
}

TEST(test_truncation)
{
	char buf[12];

	CHECK_STREQ(srd_redact_text("at 0x490000000", buf, sizeof(buf)), "at [hidden]");
	CHECK_STREQ(srd_redact_text("at 0x490000000 and", buf, 6), "at [h");
}

TEST(test_json)
{
	struct json_object *o = json_tokener_parse(
	    "{\"ranges\": [{\"start\": \"0x490000000\", \"end\": \"0x4afffffff\", \"size\": \"0x20000000\","
	    " \"owner\": \"conflict\", \"reason\": \"only 0x10000000 of 0x490000000-0x4afffffff is decoded\","
	    " \"cxl_bytes\": \"0x10000000\"}],"
	    " \"memdevs\": [{\"name\": \"mem0\", \"serial\": \"0x1001\", \"ram_size\": \"0x10000000\"}],"
	    " \"evidence\": [{\"start\": \"0x1\", \"origin\": \"/proc/iomem:12\"}],"
	    " \"failures\": [{\"kind\": \"probe-failed\", \"evidence\": \"cxl region0: [mem 0x490000000]\"}],"
	    " \"actions\": [{\"action\": \"configure-dax\", \"target\": \"0x490000000-0x4afffffff\","
	    " \"range\": \"0x490000000-0x4afffffff\"}],"
	    " \"bytes\": {\"cxl\": \"0x0\", \"stranded\": \"0x20000000\"},"
	    " \"notes\": [\"window at 0x390000000\"], \"verdict\": \"hmem\", \"n\": 3}");
	struct json_object *r, *v;

	CHECK(o);
	srd_redact_json(o);
	r = json_object_array_get_idx(json_object_object_get(o, "ranges"), 0);
	CHECK(!json_object_object_get_ex(r, "start", NULL));
	CHECK(!json_object_object_get_ex(r, "end", NULL));
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "size")), "0x20000000");
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "cxl_bytes")), "0x10000000");
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "owner")), "conflict");
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "reason")),
		    "only [hidden] of [hidden]-[hidden] is decoded");
	r = json_object_array_get_idx(json_object_object_get(o, "memdevs"), 0);
	CHECK(!json_object_object_get_ex(r, "serial", NULL));
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "ram_size")), "0x10000000");
	CHECK(!json_object_object_get_ex(o, "evidence", NULL));
	r = json_object_array_get_idx(json_object_object_get(o, "failures"), 0);
	CHECK(!json_object_object_get_ex(r, "evidence", NULL));
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "kind")), "probe-failed");
	r = json_object_array_get_idx(json_object_object_get(o, "actions"), 0);
	CHECK(!json_object_object_get_ex(r, "range", NULL));
	CHECK_STREQ(json_object_get_string(json_object_object_get(r, "target")),
		    "[hidden]-[hidden]");
	v = json_object_object_get(o, "bytes");
	CHECK_STREQ(json_object_get_string(json_object_object_get(v, "stranded")), "0x20000000");
	CHECK_STREQ(json_object_get_string(
			json_object_array_get_idx(json_object_object_get(o, "notes"), 0)),
		    "window at [hidden]");
	CHECK_STREQ(json_object_get_string(json_object_object_get(o, "verdict")), "hmem");
	CHECK(json_object_get_int(json_object_object_get(o, "n")) == 3);
	json_object_put(o);
}

int main(void)
{
	RUN(test_text);
	RUN(test_truncation);
	RUN(test_json);
	return 0;
}
