// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The layout store (daemon/srd-layout.c) on temporary directories: what it
 * writes it reads back; a record whose names are not the kernel's (they end
 * up in sysfs paths), whose file name is not its own key, that is too large,
 * or that was recorded on another machine is refused, naming the file.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "srd-layout.h"
#include "test-util.h"

#define MID "0123456789abcdef0123456789abcdef"
#define OTHER_MID "fedcba9876543210fedcba9876543210"

static char dir[] = "/tmp/test-layout.XXXXXX";

static struct srd_layout good(void)
{
	struct srd_layout l = {
	    .region = "region0",
	    .window = "decoder0.0",
	    .range = {0x490000000ull, 0x49fffffffull},
	    .mode = "ram",
	    .ways = 1,
	    .granularity = 4096,
	    .n_targets = 1,
	    .targets = {{.memdev = "mem0", .host = "0000:0d:00.0", .serial = 0x1001}},
	    .owner = SRD_OWNER_CXL,
	    .dax_mode = "system-ram",
	    .replace = SRD_REPLACE_PREPARED,
	    .generation = 3,
	    .recorded_usec = 1234,
	    .machine_id = MID,
	};
	return l;
}

static void clear_dir(void)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -f %s/* %s/.[!.]*", dir, dir);
	CHECK(system(cmd) == 0);
}

/* Writes l as srd would, with field key set to a string value (when key is set), as file name. */
static void plant(const struct srd_layout *l, const char *key, const char *value, const char *name)
{
	struct json_object *o = srd_layout_to_json(l);
	char path[4200];

	if (key && srd_streq(key, "targets.memdev"))
		json_object_object_add(
		    json_object_array_get_idx(json_object_object_get(o, "targets"), 0), "memdev",
		    json_object_new_string(value));
	else if (key && srd_streq(key, "targets.host"))
		json_object_object_add(
		    json_object_array_get_idx(json_object_object_get(o, "targets"), 0), "host",
		    json_object_new_string(value));
	else if (key && !value)
		json_object_object_del(o, key);
	else if (key)
		json_object_object_add(o, key, json_object_new_string(value));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY) == 0);
	json_object_put(o);
}

/* Loads dir on machine mid: returns the number of good records; *errors as the store says. */
static size_t load_on(const char *mid, char **errors, struct srd_layout *first)
{
	struct srd_layout *v = NULL;
	size_t n = 0;

	CHECK(srd_layout_store_load(dir, mid, &v, &n, errors) == 0);
	if (n && first)
		*first = v[0];
	free(v);
	return n;
}

static size_t load(char **errors, struct srd_layout *first)
{
	return load_on(MID, errors, first);
}

TEST(test_round_trip)
{
	struct srd_layout l = good(), back;
	char *errors = NULL;

	clear_dir();
	CHECK(srd_layout_store_save(dir, &l) == 0);
	CHECK_EQ_U64(load(&errors, &back), 1);
	CHECK(!errors);
	CHECK(srd_layout_same(&l, &back));
	CHECK_STREQ(back.region, "region0");
	CHECK_STREQ(back.targets[0].memdev, "mem0");
	CHECK_EQ_U64(back.replace, SRD_REPLACE_PREPARED);
	CHECK_EQ_U64(back.generation, 3);
}

/* One refused record: the error names the file and says why. */
static void check_refused(const char *key, const char *value, const char *why)
{
	struct srd_layout l = good();
	char *errors = NULL;

	clear_dir();
	plant(&l, key, value, "layout-0x490000000.json");
	if (load(&errors, NULL) != 0) {
		fprintf(stderr, "%s=\"%s\" was accepted\n", key, value);
		abort();
	}
	CHECK_CONTAINS(errors, "/layout-0x490000000.json: ");
	CHECK_CONTAINS(errors, why);
	free(errors);
}

TEST(test_names_are_the_kernels)
{
	static const char *const bad_windows[] = {
	    "../../../../etc", "decoder0.0/../x", "decoder0", "decoder.0", "decoderX.Y",
	    "decoder0.0 ",     "decoder00.0x",	  "",	      "region0"};
	static const char *const bad_regions[] = {"region", "region0/..", "../region0", "regionX",
						  "mem0"};
	static const char *const bad_memdevs[] = {"mem", "mem0/../../x", "memX", "region0",
						  " mem0"};
	static const char *const bad_hosts[] = {"../0000:0d:00.0", "0000:0d:00", "0000:0d:00.8",
						"0000:0D:00.0/x", "0000:0g:00.0"};
	static const char *const bad_modes[] = {"../ram", "RAM", "ram "};

	for (size_t i = 0; i < ARRAY_SIZE(bad_windows); i++)
		check_refused("window", bad_windows[i], "window");
	for (size_t i = 0; i < ARRAY_SIZE(bad_regions); i++)
		check_refused("region", bad_regions[i], "region");
	for (size_t i = 0; i < ARRAY_SIZE(bad_memdevs); i++)
		check_refused("targets.memdev", bad_memdevs[i], "memdev");
	for (size_t i = 0; i < ARRAY_SIZE(bad_hosts); i++)
		check_refused("targets.host", bad_hosts[i], "host");
	for (size_t i = 0; i < ARRAY_SIZE(bad_modes); i++)
		check_refused("mode", bad_modes[i], "mode");
	check_refused("dax_mode", "../kmem", "dax_mode");
}

TEST(test_good_names)
{
	struct srd_layout l = good(), back;
	char *errors = NULL;

	snprintf(l.window, sizeof(l.window), "decoder12.3");
	snprintf(l.region, sizeof(l.region), "region42");
	snprintf(l.targets[0].memdev, sizeof(l.targets[0].memdev), "mem17");
	snprintf(l.targets[0].host, sizeof(l.targets[0].host), "0001:ff:1f.7");
	snprintf(l.mode, sizeof(l.mode), "pmem");
	l.dax_mode[0] = '\0';
	clear_dir();
	CHECK(srd_layout_store_save(dir, &l) == 0);
	CHECK_EQ_U64(load(&errors, &back), 1);
	CHECK(!errors);
	/* No PCI address recorded (a memdev without one) is allowed: the name is used. */
	l.targets[0].host[0] = '\0';
	clear_dir();
	CHECK(srd_layout_store_save(dir, &l) == 0);
	CHECK_EQ_U64(load(&errors, &back), 1);
	CHECK(!errors);
}

TEST(test_file_name_is_the_key)
{
	struct srd_layout l = good();
	char *errors = NULL;

	clear_dir();
	/* A record copied under another start's name would be re-created there. */
	plant(&l, NULL, NULL, "layout-0x1000.json");
	CHECK_EQ_U64(load(&errors, NULL), 0);
	CHECK_CONTAINS(errors, "/layout-0x1000.json: ");
	CHECK_CONTAINS(errors, "layout-0x490000000.json");
	free(errors);
	clear_dir();
	plant(&l, NULL, NULL, "layout-0x0490000000.json");
	CHECK_EQ_U64(load(&errors, NULL), 0);
	CHECK_CONTAINS(errors, "/layout-0x0490000000.json: ");
	free(errors);
}

TEST(test_size_limit)
{
	struct srd_layout l = good();
	char path[4200], *errors = NULL;
	struct json_object *o = srd_layout_to_json(&l);
	const char *text = json_object_to_json_string(o);
	FILE *f;

	clear_dir();
	snprintf(path, sizeof(path), "%s/layout-0x490000000.json", dir);
	f = fopen(path, "w");
	CHECK(f);
	fputs(text, f);
	for (int i = 0; i < 70 * 1024; i++)
		fputc(' ', f); /* valid JSON still, but more than a record needs */
	CHECK(fclose(f) == 0);
	json_object_put(o);
	CHECK_EQ_U64(load(&errors, NULL), 0);
	CHECK_CONTAINS(errors, "/layout-0x490000000.json: ");
	CHECK_CONTAINS(errors, "larger than");
	free(errors);
	/* Not a regular file: a FIFO is refused, not waited on. */
	clear_dir();
	CHECK(mkfifo(path, 0600) == 0);
	alarm(10);
	CHECK_EQ_U64(load(&errors, NULL), 0);
	alarm(0);
	CHECK_CONTAINS(errors, "/layout-0x490000000.json: ");
	free(errors);
}

TEST(test_machine_identity)
{
	struct srd_layout l = good(), back;
	char *errors = NULL;

	clear_dir();
	CHECK(srd_layout_store_save(dir, &l) == 0);
	CHECK_EQ_U64(load(&errors, &back), 1);
	CHECK_STREQ(back.machine_id, MID);
	/* A restored backup or a cloned image: another machine's record. */
	CHECK_EQ_U64(load_on(OTHER_MID, &errors, NULL), 0);
	CHECK_CONTAINS(errors, "/layout-0x490000000.json: ");
	CHECK_CONTAINS(errors,
		       "recorded on another machine (machine ID " MID ", this is " OTHER_MID ")");
	free(errors);
	/* This machine's ID unknown: no record can be told to be its own. */
	CHECK_EQ_U64(load_on("", &errors, NULL), 0);
	CHECK_CONTAINS(errors, "this machine's ID is unknown");
	free(errors);
	/* A record without one. */
	clear_dir();
	plant(&l, "machine_id", NULL, "layout-0x490000000.json");
	CHECK_EQ_U64(load(&errors, NULL), 0);
	CHECK_CONTAINS(errors, "/layout-0x490000000.json: ");
	CHECK_CONTAINS(errors, "machine_id");
	free(errors);
	check_refused("machine_id", "../" MID, "machine_id");
}

TEST(test_read_machine_id)
{
	char path[4200], id[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/machine-id", dir);
	f = fopen(path, "w");
	CHECK(f);
	fputs(MID "\n", f);
	CHECK(fclose(f) == 0);
	CHECK(srd_layout_read_machine_id(path, id, sizeof(id)) == 0);
	CHECK_STREQ(id, MID);
	f = fopen(path, "w");
	CHECK(f);
	fputs("uninitialized\n", f);
	CHECK(fclose(f) == 0);
	CHECK(srd_layout_read_machine_id(path, id, sizeof(id)) == -EBADMSG);
	CHECK_STREQ(id, "");
	unlink(path);
	CHECK(srd_layout_read_machine_id(path, id, sizeof(id)) == -ENOENT);
}

int main(void)
{
	CHECK(mkdtemp(dir));
	RUN(test_round_trip);
	RUN(test_names_are_the_kernels);
	RUN(test_good_names);
	RUN(test_file_name_is_the_key);
	RUN(test_size_limit);
	RUN(test_machine_identity);
	RUN(test_read_machine_id);
	clear_dir();
	CHECK(rmdir(dir) == 0);
	return 0;
}
