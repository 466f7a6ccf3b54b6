// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srd-memcheck: proves memory works by writing a pattern through its owner
 * and reading it back.  A dax device that exists is not memory that works: an
 * HPA no committed HDM decoder decodes reads back zeros (QEMU) or faults, and
 * only a round trip tells the two apart.  Used by the real-kernel tier (linked
 * statically into the guest image) and by the simulated platform.
 *
 *   srd-memcheck [--io=mmap|rw] [--seed N] DEVICE BYTES
 *       device-dax: maps DEVICE (or, with --io=rw, uses pwrite/pread, which the
 *       simulator serves), writes BYTES of an address-dependent pattern,
 *       then reads all of it back in a second pass.
 *   srd-memcheck --node N [--seed N] BYTES
 *       system-ram: anonymous memory bound to NUMA node N (mbind MPOL_BIND,
 *       strict), written and read back; move_pages() checks that every page
 *       really lies on node N.
 *
 * Prints one line "memcheck WHAT: ok ..." or "memcheck WHAT: FAIL ..." and
 * exits 0 (ok), 1 (the memory did not read back, or pages landed elsewhere)
 * or 2 (the check could not run).  Each word's value depends on its offset
 * and the seed, so aliased or dropped writes are caught, not only zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ALIGN_BYTES (2ull << 20) /* device-dax maps in multiples of its align (2 MiB here) */
#define MPOL_BIND_ 2
#define MPOL_MF_STRICT_ (1 << 0)
#define MPOL_MF_MOVE_ (1 << 1)

static uint64_t pattern(uint64_t seed, uint64_t off)
{
	/* splitmix64 of the offset: every word distinct, nothing periodic. */
	uint64_t z = seed + off * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct tally {
	uint64_t words, wrong;
	uint64_t first_off, first_want, first_got;
};

static void check_word(struct tally *t, uint64_t off, uint64_t want, uint64_t got)
{
	t->words++;
	if (want == got)
		return;
	if (!t->wrong++) {
		t->first_off = off;
		t->first_want = want;
		t->first_got = got;
	}
}

static int report(const char *what, uint64_t bytes, const struct tally *t, const char *extra)
{
	if (!t->wrong) {
		printf("memcheck %s: ok, %" PRIu64 " bytes written and read back%s\n", what, bytes,
		       extra);
		return 0;
	}
	printf("memcheck %s: FAIL, %" PRIu64 " of %" PRIu64
	       " words read back wrong; first at offset 0x%" PRIx64 ": wrote 0x%016" PRIx64
	       ", read 0x%016" PRIx64 "%s\n",
	       what, t->wrong, t->words, t->first_off, t->first_want, t->first_got, extra);
	return 1;
}

static void fill(volatile uint64_t *p, uint64_t bytes, uint64_t seed, uint64_t base)
{
	for (uint64_t i = 0; i < bytes / 8; i++)
		p[i] = pattern(seed, base + i * 8);
}

static void verify(const volatile uint64_t *p, uint64_t bytes, uint64_t seed, uint64_t base,
		   struct tally *t)
{
	for (uint64_t i = 0; i < bytes / 8; i++)
		check_word(t, base + i * 8, pattern(seed, base + i * 8), p[i]);
}

static int check_mmap(const char *dev, uint64_t bytes, uint64_t seed)
{
	struct tally t = {};
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	void *m;

	if (fd < 0) {
		printf("memcheck %s: cannot open: %s\n", dev, strerror(errno));
		return 2;
	}
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("memcheck %s: cannot map %" PRIu64 " bytes: %s\n", dev, bytes,
		       strerror(errno));
		close(fd);
		return 2;
	}
	fill(m, bytes, seed, 0);
	msync(m, bytes, MS_SYNC);
	/* A second mapping, so the read-back does not rest on this one's TLB alone. */
	munmap(m, bytes);
	m = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("memcheck %s: cannot map again: %s\n", dev, strerror(errno));
		close(fd);
		return 2;
	}
	verify(m, bytes, seed, 0, &t);
	munmap(m, bytes);
	close(fd);
	return report(dev, bytes, &t, " (mmap)");
}

static int check_rw(const char *dev, uint64_t bytes, uint64_t seed)
{
	enum { CHUNK = 1 << 16 };
	static uint64_t buf[CHUNK / 8];
	struct tally t = {};
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("memcheck %s: cannot open: %s\n", dev, strerror(errno));
		return 2;
	}
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t off = 0; off < bytes; off += CHUNK) {
			size_t n = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;
			ssize_t k;

			if (pass == 0) {
				fill(buf, n, seed, off);
				k = pwrite(fd, buf, n, (off_t)off);
			} else {
				memset(buf, 0, sizeof(buf));
				k = pread(fd, buf, n, (off_t)off);
			}
			if (k != (ssize_t)n) {
				printf("memcheck %s: %s at offset 0x%" PRIx64 " returned %zd: %s\n",
				       dev, pass ? "pread" : "pwrite", off, k,
				       k < 0 ? strerror(errno) : "short");
				close(fd);
				return 2;
			}
			if (pass == 1)
				verify(buf, n, seed, off, &t);
		}
	close(fd);
	return report(dev, bytes, &t, " (pread/pwrite)");
}

static int check_node(int node, uint64_t bytes, uint64_t seed)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t n_pages = bytes / (uint64_t)page, elsewhere = 0;
	unsigned long mask[16] = {};
	struct tally t = {};
	char what[32], extra[96];
	void **pages;
	int *status, where = -1;
	void *m;

	snprintf(what, sizeof(what), "node%d", node);
	if (node < 0 || node >= (int)(sizeof(mask) * 8)) {
		printf("memcheck %s: node out of range\n", what);
		return 2;
	}
	mask[node / (8 * sizeof(long))] = 1ul << (node % (8 * sizeof(long)));
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		printf("memcheck %s: cannot map %" PRIu64 " bytes: %s\n", what, bytes,
		       strerror(errno));
		return 2;
	}
	if (syscall(SYS_mbind, m, bytes, MPOL_BIND_, mask, sizeof(mask) * 8,
		    MPOL_MF_STRICT_ | MPOL_MF_MOVE_) < 0) {
		printf("memcheck %s: mbind: %s\n", what, strerror(errno));
		return 2;
	}
	fill(m, bytes, seed, 0);
	pages = calloc(n_pages, sizeof(*pages));
	status = calloc(n_pages, sizeof(*status));
	if (!pages || !status) {
		printf("memcheck %s: out of memory\n", what);
		free(pages);
		free(status);
		return 2;
	}
	for (uint64_t i = 0; i < n_pages; i++)
		pages[i] = (char *)m + i * (uint64_t)page;
	if (syscall(SYS_move_pages, 0, n_pages, pages, NULL, status, 0) < 0) {
		printf("memcheck %s: move_pages: %s\n", what, strerror(errno));
		free(pages);
		free(status);
		return 2;
	}
	for (uint64_t i = 0; i < n_pages; i++)
		if (status[i] != node) {
			if (!elsewhere++)
				where = status[i];
		}
	free(pages);
	free(status);
	verify(m, bytes, seed, 0, &t);
	munmap(m, bytes);
	if (elsewhere)
		snprintf(extra, sizeof(extra),
			 ", %" PRIu64 " pages, %" PRIu64 " not on node %d (first on %d)", n_pages,
			 elsewhere, node, where);
	else
		snprintf(extra, sizeof(extra), ", %" PRIu64 " pages, all on node %d", n_pages,
			 node);
	if (elsewhere && !t.wrong) {
		printf("memcheck %s: FAIL, pages landed elsewhere%s\n", what, extra);
		return 1;
	}
	return report(what, bytes, &t, extra);
}

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'G':
		v <<= 10; /* fall through */
	case 'M':
		v <<= 10; /* fall through */
	case 'K':
		v <<= 10;
		end++;
	}
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: srd-memcheck [--io=mmap|rw] [--seed N] DEVICE BYTES\n"
			"       srd-memcheck --node N [--seed N] BYTES\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x5352444d454d4348ull, bytes, node = UINT64_MAX;
	bool rw = false;
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--io=rw") == 0)
			rw = true;
		else if (strcmp(argv[i], "--io=mmap") == 0)
			rw = false;
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
			 parse_u64(argv[i + 1], &seed) == 0)
			i++;
		else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc &&
			 parse_u64(argv[i + 1], &node) == 0)
			i++;
		else
			return usage();
	}
	if (node != UINT64_MAX) {
		if (i + 1 != argc || parse_u64(argv[i], &bytes) < 0 || bytes == 0)
			return usage();
		return check_node((int)node, bytes, seed);
	}
	if (i + 2 != argc || parse_u64(argv[i + 1], &bytes) < 0 || bytes == 0)
		return usage();
	if (rw)
		return check_rw(argv[i], bytes & ~7ull, seed);
	bytes = (bytes + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
	return check_mmap(argv[i], bytes, seed);
}
