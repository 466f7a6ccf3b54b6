// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor on a tree rendered into a temporary directory (no root, no
 * kernel): its interlocks fail closed on anything they cannot read, refuse a
 * device a process has open or mapped, refuse a target whose HPA changed
 * under its name, match names whole, and print in a dry run exactly the
 * stores it would make, libcxl's included.  The kernel's answers to stores
 * are the simulator's and the VM tier's business; here the files stay as
 * written, so a bind "does not take" and that is checked too.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply-internal.h"
#include "test-util.h"

#define W0 0x490000000ull
#define MiB (1ull << 20)

static char root[PATH_MAX];

static void put(const char *rel, const char *content)
{
	char path[PATH_MAX], dir[PATH_MAX], *s;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (s = dir + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(dir, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "%s: %m\n", path);
	CHECK(f);
	fputs(content, f);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	unlink(path);
	put(rel, "");
	unlink(path);
	CHECK(symlink(target, path) == 0);
}

static void rm(const char *rel)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s%s'", root, rel);
	CHECK(system(cmd) == 0);
}

/* hmem.N with daxN.0 at start, 256 MiB, its blocks in the given state. */
static void hmem(unsigned n, uint64_t start, const char *state)
{
	char rel[256], v[64], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "/sys/devices/platform/hmem.%u/dax%u.0/resource", n, n);
	snprintf(v, sizeof(v), "0x%llx\n", (unsigned long long)start);
	put(rel, v);
	snprintf(rel, sizeof(rel), "/sys/devices/platform/hmem.%u/dax%u.0/size", n, n);
	put(rel, "268435456\n");
	snprintf(rel, sizeof(rel), "/sys/bus/dax/devices/dax%u.0", n);
	snprintf(target, sizeof(target), "%s/sys/devices/platform/hmem.%u/dax%u.0", root, n, n);
	link_to(rel, target);
	snprintf(rel, sizeof(rel), "/sys/bus/platform/devices/hmem.%u", n);
	snprintf(target, sizeof(target), "%s/sys/devices/platform/hmem.%u", root, n);
	link_to(rel, target);
	snprintf(rel, sizeof(rel), "/sys/devices/platform/hmem.%u/driver", n);
	snprintf(target, sizeof(target), "%s/sys/bus/platform/drivers/hmem", root);
	link_to(rel, target);
	for (uint64_t b = start / (128 * MiB); b < (start + 256 * MiB) / (128 * MiB); b++) {
		snprintf(rel, sizeof(rel), "/sys/devices/system/memory/memory%llu/state",
			 (unsigned long long)b);
		put(rel, state);
	}
}

static void machine(void)
{
	snprintf(root, sizeof(root), "/tmp/srd-test-apply.XXXXXX");
	CHECK(mkdtemp(root));
	put("/sys/devices/system/memory/block_size_bytes", "8000000\n");
	put("/sys/bus/platform/drivers/hmem/unbind", "");
	put("/sys/bus/platform/drivers/hmem/bind", "");
	put("/sys/bus/cxl/drivers/cxl_region/unbind", "");
	put("/proc/1/comm", "init\n");
	put("/proc/1/maps", "");
	link_to("/proc/1/fd/0", "/dev/null");
	hmem(0, W0, "offline\n");
}

static struct srd_decision *plan1(enum srd_action_kind kind, const char *target, uint64_t start)
{
	struct srd_decision *d = calloc(1, sizeof(*d));

	d->actions = calloc(1, sizeof(*d->actions));
	d->n_actions = 1;
	d->actions[0].kind = kind;
	snprintf(d->actions[0].target, sizeof(d->actions[0].target), "%s", target);
	d->actions[0].range = (struct srd_range){start, start + 256 * MiB - 1};
	d->actions[0].layout = -1;
	return d;
}

/* Runs one action; returns its step (result and message) in *ret. */
static void run1(struct srd_decision *d, bool dry_run, FILE *out, struct srd_step *ret)
{
	struct srd_inventory *inv = srd_inventory_new();
	struct srd_apply_opts o = {
	    .root = root, .dry_run = dry_run, .out = out, .allow_offline = true};
	struct srd_apply_result res;

	srd_apply(d, inv, &o, &res);
	CHECK(res.n_steps == 1);
	*ret = res.steps[0];
	fprintf(stderr, "  %s %s: %s: %s\n", srd_action_to_string(d->actions[0].kind),
		d->actions[0].target, srd_step_result_to_string(ret->result), ret->message);
	srd_apply_result_done(&res);
	srd_inventory_free(inv);
}

TEST(test_fail_closed)
{
	struct srd_decision *d = plan1(SRD_ACTION_OFFLINE_MEMORY, "dax0.0", W0);
	struct srd_step st;

	machine();
	hmem(0, W0, "online\n");
	/* Unreadable block size: not "offline", a refusal naming the file. */
	rm("/sys/devices/system/memory/block_size_bytes");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "block_size_bytes");
	put("/sys/devices/system/memory/block_size_bytes", "8000000\n");
	/* An unreadable block state (here a directory) likewise. */
	rm("/sys/devices/system/memory/memory147/state");
	put("/sys/devices/system/memory/memory147/state/x", "");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "memory147/state");
	/* A state srd does not know is no answer either. */
	rm("/sys/devices/system/memory/memory147/state");
	put("/sys/devices/system/memory/memory147/state", "weird\n");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "unexpected state 'weird'");
	/* A block that does not exist is a hole, not an error. */
	rm("/sys/devices/system/memory/memory147");
	hmem(0, W0, "offline\n");
	rm("/sys/devices/system/memory/memory147");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_ALREADY);
	rm("");
	free(d->actions);
	free(d);
}

TEST(test_in_use)
{
	struct srd_decision *d = plan1(SRD_ACTION_RELEASE_HMEM, "hmem.0", W0);
	struct srd_step st;

	machine();
	put("/proc/4242/comm", "fio\n");
	put("/proc/4242/maps", "");
	link_to("/proc/4242/fd/3", "/dev/dax0.0");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "pid 4242 (fio) has open /dev/dax0.0");
	rm("/proc/4242/fd/3");
	put("/proc/4242/maps", "7f0000000000-7f0010000000 rw-s 00000000 00:05 12 /dev/dax0.0\n");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "pid 4242 (fio) has mapped /dev/dax0.0");
	/* /dev/dax0.00 is another device. */
	put("/proc/4242/maps", "7f0000000000-7f0010000000 rw-s 00000000 00:05 12 /dev/dax0.00\n");
	run1(d, false, NULL, &st);
	CHECK(st.result != SRD_STEP_REFUSED);
	/* A process srd cannot inspect: unknown is not "unused". */
	rm("/proc/4242/fd");
	put("/proc/4242/fd", "");
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "/proc/4242");
	rm("");
	free(d->actions);
	free(d);
}

TEST(test_identity)
{
	struct srd_decision *d = plan1(SRD_ACTION_OFFLINE_MEMORY, "dax0.0", W0 + 1024 * MiB);
	struct srd_step st;

	machine();
	/* dax0.0 is at W0 now, not where srd saw it. */
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "another HPA");
	free(d->actions);
	free(d);
	/* hmem.1 is not hmem.10: a busy dax device of hmem.10 does not stop hmem.1. */
	hmem(10, W0 + 512 * MiB, "online\n");
	hmem(1, W0 + 256 * MiB, "offline\n");
	d = plan1(SRD_ACTION_RELEASE_HMEM, "hmem.1", W0 + 256 * MiB);
	run1(d, false, NULL, &st);
	CHECK(st.result ==
	      SRD_STEP_FAILED); /* the static tree's driver link stays: the unbind did not take */
	CHECK_CONTAINS(st.message, "did not take");
	free(d->actions);
	free(d);
	d = plan1(SRD_ACTION_RELEASE_HMEM, "hmem.10", W0 + 512 * MiB);
	run1(d, false, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "memory of dax10.0 is online");
	rm("");
	free(d->actions);
	free(d);
}

TEST(test_dry_run_writes)
{
	struct srd_decision *d = plan1(SRD_ACTION_DESTROY_REGION, "region0", W0);
	char target[PATH_MAX], buf[4096] = "", want[PATH_MAX * 3];
	struct srd_step st;
	FILE *out;

	machine();
	put("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/resource", "0x490000000\n");
	put("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/size", "0x10000000\n");
	put("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/commit", "1\n");
	put("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/mode", "ram\n");
	snprintf(target, sizeof(target),
		 "%s/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0", root);
	link_to("/sys/bus/cxl/devices/region0", target);
	snprintf(target, sizeof(target), "%s/sys/bus/cxl/drivers/cxl_region", root);
	link_to("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/driver", target);
	CHECK((out = fmemopen(buf, sizeof(buf), "w")));
	run1(d, true, out, &st);
	fclose(out);
	CHECK(st.result == SRD_STEP_DONE);
	/* Each store libcxl would have made, as srd makes it, in order. */
	snprintf(
	    want, sizeof(want),
	    "write %s/sys/bus/cxl/drivers/cxl_region/unbind region0\n"
	    "write %s/sys/bus/cxl/devices/region0/commit 0\n"
	    "write %s/sys/devices/platform/ACPI0017:00/root0/decoder0.0/delete_region region0\n",
	    root, root, root);
	CHECK_STREQ(buf, want);
	rm("");
	free(d->actions);
	free(d);
}

static void count_wait(void *userdata)
{
	(*(unsigned *)userdata)++;
}

/* A store that blocks (a FIFO stands in for a block that will not offline)
 * ends at the deadline with -ETIME, the watchdog fed meanwhile. */
/* configure-dax with a [Device] rule's settings: the kernel's order (unbind,
 * the attributes while unbound, bind, online) and refusals before any store
 * for what this kernel cannot do. */
TEST(test_configure_dax_attributes)
{
	struct srd_decision *d = plan1(SRD_ACTION_CONFIGURE_DAX, "dax0.0", W0);
	struct srd_action *a = &d->actions[0];
	char path[PATH_MAX], target[PATH_MAX], *buf = NULL;
	size_t len = 0;
	struct srd_step st;
	FILE *out;

	machine();
	snprintf(target, sizeof(target), "%s/sys/bus/dax/drivers/device_dax", root);
	link_to("/sys/devices/platform/hmem.0/dax0.0/driver", target);
	put("/sys/devices/platform/hmem.0/dax0.0/align", "2097152\n");
	put("/sys/devices/platform/hmem.0/dax0.0/memmap_on_memory", "0\n");
	a->dax_mode = SRD_DAX_SYSTEM_RAM;
	a->online = SRD_ONLINE_MOVABLE;
	a->memmap_on_memory = 1;
	snprintf(a->rule, sizeof(a->rule), "/etc/srd/srd.conf:7");
	out = open_memstream(&buf, &len);
	run1(d, true, out, &st);
	fclose(out);
	CHECK(st.result == SRD_STEP_DONE);
	/* Exactly these stores, in this order (paths below the test root). */
	{
		const char *want[] = {"/sys/bus/dax/drivers/device_dax/unbind dax0.0",
				      "/sys/bus/dax/devices/dax0.0/memmap_on_memory 1",
				      "/sys/bus/dax/drivers/kmem/new_id dax0.0",
				      "/sys/bus/dax/drivers/kmem/bind dax0.0",
				      "/sys/devices/system/memory/memory146/state online_movable",
				      "/sys/devices/system/memory/memory147/state online_movable"};
		char *line = buf;

		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			char *nl = strchr(line, '\n');

			CHECK(nl);
			*nl = '\0';
			snprintf(path, sizeof(path), "write %s%s", root, want[i]);
			CHECK_STREQ(line, path);
			line = nl + 1;
		}
		CHECK(*line == '\0');
	}
	free(buf);

	/* No memmap_on_memory (before 6.8): refused, nothing stored. */
	rm("/sys/devices/platform/hmem.0/dax0.0/memmap_on_memory");
	buf = NULL;
	out = open_memstream(&buf, &len);
	run1(d, true, out, &st);
	fclose(out);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message,
		       "/etc/srd/srd.conf:7 sets MemmapOnMemory=, and this kernel has no");
	CHECK(len == 0);
	free(buf);

	/* devdax with another align: unbind, align while unbound, bind again. */
	a->dax_mode = SRD_DAX_DEVDAX;
	a->memmap_on_memory = -1;
	a->align_bytes = 4096;
	buf = NULL;
	out = open_memstream(&buf, &len);
	run1(d, true, out, &st);
	fclose(out);
	CHECK(st.result == SRD_STEP_DONE);
	snprintf(
	    path, sizeof(path),
	    "write %s/sys/bus/dax/drivers/device_dax/unbind dax0.0\nwrite %s/sys/bus/dax/devices/dax0.0/align 4096\n"
	    "write %s/sys/bus/dax/drivers/device_dax/new_id dax0.0\nwrite %s/sys/bus/dax/drivers/device_dax/bind dax0.0\n",
	    root, root, root, root);
	CHECK_STREQ(buf, path);
	free(buf);
	/* A static dax region's align is read-only. */
	snprintf(path, sizeof(path), "%s/sys/devices/platform/hmem.0/dax0.0/align", root);
	CHECK(chmod(path, 0444) == 0);
	run1(d, true, NULL, &st);
	CHECK(st.result == SRD_STEP_REFUSED);
	CHECK_CONTAINS(st.message, "align is read-only");
	/* Already that align: nothing to store, nothing refused. */
	CHECK(chmod(path, 0644) == 0);
	put("/sys/devices/platform/hmem.0/dax0.0/align", "4096\n");
	CHECK(chmod(path, 0444) == 0);
	run1(d, true, NULL, &st);
	CHECK(st.result == SRD_STEP_ALREADY);
	rm("");
	free(d->actions);
	free(d);
}

TEST(test_store_deadline)
{
	unsigned waits = 0;
	struct srd_apply_opts o = {
	    .block_deadline_usec = 300000, .on_wait = count_wait, .userdata = &waits};
	struct srd_step st = {};
	struct actx c = {.o = &o, .step = &st};
	char fifo[PATH_MAX];

	machine();
	snprintf(fifo, sizeof(fifo), "%s/state", root);
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(srd_apply_write_deadline(&c, fifo, "offline") == -ETIME);
	CHECK(waits >= 5);
	/* A store that completes reports the kernel's answer. */
	put("/plain", "");
	snprintf(fifo, sizeof(fifo), "%s/plain", root);
	CHECK(srd_apply_write_deadline(&c, fifo, "offline") == 0);
	snprintf(fifo, sizeof(fifo), "%s/missing/state", root);
	CHECK(srd_apply_write_deadline(&c, fifo, "offline") == -ENOENT);
	rm("");
}

int main(void)
{
	RUN(test_fail_closed);
	RUN(test_in_use);
	RUN(test_identity);
	RUN(test_dry_run_writes);
	RUN(test_configure_dax_attributes);
	RUN(test_store_deadline);
	return 0;
}
