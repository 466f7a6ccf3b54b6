// SPDX-License-Identifier: GPL-2.0-or-later
/* The owner record on disk: round trip, another boot's record, records not to be trusted. */
#include <stdlib.h>
#include <unistd.h>

#include "srd-owners.h"
#include "test-util.h"

static char dir[] = "/tmp/test-owners-XXXXXX";

static void write_file(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/owners.json", dir);
	f = fopen(path, "w");
	CHECK(f);
	fputs(text, f);
	fclose(f);
}

TEST(test_round_trip)
{
	const struct srd_owner_record in[] = {
	    {{0x490000000, 0x4afffffff}, SRD_OWNER_CONFLICT},
	    {{0x4b0000000, 0x4bfffffff}, SRD_OWNER_HMEM},
	};
	struct srd_owner_record *out = NULL;
	size_t n = 0;

	CHECK(srd_owners_load(dir, "b1", &out, &n) == -ENOENT);
	CHECK(srd_owners_save(dir, "b1", in, 2) == 0);
	CHECK(srd_owners_load(dir, "b1", &out, &n) == 0);
	CHECK(n == 2);
	CHECK_EQ_U64(out[0].range.start, 0x490000000);
	CHECK_EQ_U64(out[0].range.end, 0x4afffffff);
	CHECK(out[0].owner == SRD_OWNER_CONFLICT);
	CHECK(out[1].owner == SRD_OWNER_HMEM);
	free(out);
	/* Another boot's record says nothing about this one. */
	CHECK(srd_owners_load(dir, "b2", &out, &n) == -ESTALE);
	/* No ranges is a record too. */
	CHECK(srd_owners_save(dir, "b1", NULL, 0) == 0);
	CHECK(srd_owners_load(dir, "b1", &out, &n) == 0);
	CHECK(n == 0);
	free(out);
}

TEST(test_untrusted)
{
	struct srd_owner_record *out = NULL;
	size_t n = 0;

	write_file("not json");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
	write_file("{\"schema_version\": 2, \"boot_id\": \"b1\", \"ranges\": []}");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
	write_file("{\"schema_version\": 1, \"boot_id\": 7, \"ranges\": []}");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
	write_file("{\"schema_version\": 1, \"boot_id\": \"b1\", \"ranges\": "
		   "[{\"start\": \"0x10\", \"end\": \"0x1f\", \"owner\": \"somebody\"}]}");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
	write_file("{\"schema_version\": 1, \"boot_id\": \"b1\", \"ranges\": "
		   "[{\"start\": \"0x20\", \"end\": \"0x1f\", \"owner\": \"cxl\"}]}");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
	write_file("{\"schema_version\": 1, \"boot_id\": \"b1\", \"ranges\": "
		   "[{\"start\": \"0x10junk\", \"end\": \"0x1f\", \"owner\": \"cxl\"}]}");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
}

/* A link planted where the record goes is replaced, never written through;
 * a leading zero (octal to strtoull) is not a number srd writes or reads. */
TEST(test_planted_link)
{
	struct srd_owner_record rec = {.range = {0x10, 0x1f}, .owner = SRD_OWNER_HMEM}, *out;
	char path[256], victim[256], buf[16] = "";
	size_t n;
	FILE *f;

	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(path, sizeof(path), "%s/owners.json", dir);
	f = fopen(victim, "w");
	CHECK(f && fputs("precious", f) >= 0 && fclose(f) == 0);
	unlink(path);
	CHECK(symlink(victim, path) == 0);
	CHECK(srd_owners_save(dir, "b1", &rec, 1) == 0);
	f = fopen(victim, "r");
	CHECK(f && fgets(buf, sizeof(buf), f) && fclose(f) == 0);
	CHECK_STREQ(buf, "precious");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == 0 && n == 1 &&
	      out[0].owner == SRD_OWNER_HMEM);
	free(out);
	CHECK(unlink(victim) == 0);

	write_file("{\"schema_version\": 1, \"boot_id\": \"b1\", \"ranges\": "
		   "[{\"start\": \"010\", \"end\": \"0x1f\", \"owner\": \"cxl\"}]}");
	CHECK(srd_owners_load(dir, "b1", &out, &n) == -EBADMSG);
}

int main(void)
{
	char path[256];

	CHECK(mkdtemp(dir));
	RUN(test_round_trip);
	RUN(test_untrusted);
	RUN(test_planted_link);
	snprintf(path, sizeof(path), "%s/owners.json", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
