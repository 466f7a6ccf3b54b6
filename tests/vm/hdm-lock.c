// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hdm-lock: sets Lock On Commit on every committed HDM decoder of a guest's
 * CXL topology, as firmware that locks its decoders would, or shows them.
 * Used by the real-kernel tier's stage 1 (tests/vm/stage1-locked.sh) after
 * `cxl create-region` committed a region: the kernel under test then finds
 * firmware-committed decoders that are locked.
 *
 *   hdm-lock [--show]
 *
 * Component register blocks: each host bridge's from the ACPI CEDT CHBS
 * (CXL 2.0 host bridges: base and length of the block), each PCI function's
 * from its Register Locator DVSEC (vendor 0x1E98, DVSEC ID 8, register block
 * identifier 1) -> BAR and offset.  In a block: CXL.cache/mem registers at
 * +0x1000, capability array header, HDM Decoder Capability (ID 5); decoder n's
 * Base at HDM + 0x10 + 0x20 n, Size at + 0x18 + 0x20 n, Control at
 * + 0x20 + 0x20 n (CXL 2.0 8.2.5.12).  Control bits: 8 Lock On Commit,
 * 9 Commit, 10 Committed, 11 Error Not Committed.
 *
 * Registers are mapped through /dev/mem: Debian kernels have
 * CONFIG_IO_STRICT_DEVMEM, so the blocks the CXL drivers claimed need
 * `iomem=relaxed` on the kernel command line.
 *
 * Locking writes Control | Lock | Commit (the rest as read) to every decoder
 * whose Committed bit is set and whose Lock bit is clear, prints each
 * decoder's Control before and after, and fails (exit 1) when a write did not
 * stick (Lock clear or Committed lost).  Exit 2: nothing could be read.
 * --show only reads.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BLOCK_SIZE 0x10000u
#define CM_OFFSET 0x1000u
#define CAP_ID_HDM 5u
#define CTRL_LOCK (1u << 8)
#define CTRL_COMMIT (1u << 9)
#define CTRL_COMMITTED (1u << 10)
#define CTRL_ERR (1u << 11)

static bool show_only;
static int failures, blocks;

static uint32_t rd(volatile uint8_t *b, uint32_t off)
{
	return *(volatile uint32_t *)(b + off);
}

static void wr(volatile uint8_t *b, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}

static int decoder_count(uint32_t cap)
{
	static const int n[] = {1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32};
	unsigned e = cap & 0xf;
	return e < sizeof(n) / sizeof(n[0]) ? n[e] : 0;
}

static void ctrl_str(char *s, size_t len, uint32_t c)
{
	snprintf(s, len, "ctrl=0x%08" PRIx32 " commit=%u committed=%u locked=%u err=%u", c,
		 !!(c & CTRL_COMMIT), !!(c & CTRL_COMMITTED), !!(c & CTRL_LOCK), !!(c & CTRL_ERR));
}

/* One component register block at physical address PA, named WHAT. */
static void block(const char *what, uint64_t pa)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("hdm-lock: %s: /dev/mem: %s\n", what, strerror(errno));
		return;
	}
	void *m = mmap(NULL, BLOCK_SIZE, show_only ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, (off_t)pa);
	close(fd);
	if (m == MAP_FAILED) {
		printf("hdm-lock: %s: mmap 0x%" PRIx64
		       ": %s (iomem=relaxed on the command line?)\n",
		       what, pa, strerror(errno));
		return;
	}
	volatile uint8_t *cm = (volatile uint8_t *)m + CM_OFFSET;
	uint32_t hdr = rd(cm, 0);
	blocks++;
	if ((hdr & 0xffff) != 1) {
		printf("hdm-lock: %s at 0x%" PRIx64
		       ": no CXL.cache/mem capability header (0x%08" PRIx32 ")\n",
		       what, pa, hdr);
		munmap(m, BLOCK_SIZE);
		return;
	}
	unsigned ncap = hdr >> 24;
	uint32_t hdm = 0;
	for (unsigned i = 1; i <= ncap; i++) {
		uint32_t c = rd(cm, 4 * i);
		if ((c & 0xffff) == CAP_ID_HDM)
			hdm = c >> 20;
	}
	if (!hdm) {
		printf("hdm-lock: %s at 0x%" PRIx64 ": no HDM decoder capability\n", what, pa);
		munmap(m, BLOCK_SIZE);
		return;
	}
	volatile uint8_t *h = cm + hdm;
	uint32_t cap = rd(h, 0), gctl = rd(h, 4);
	int n = decoder_count(cap);
	printf("hdm-lock: %s at 0x%" PRIx64 ": HDM at +0x%" PRIx32
	       ", %d decoders, global control 0x%" PRIx32 "\n",
	       what, pa, CM_OFFSET + hdm, n, gctl);
	for (int i = 0; i < n; i++) {
		uint32_t o = 0x20 * (uint32_t)i;
		uint64_t base = ((uint64_t)rd(h, o + 0x14) << 32) | (rd(h, o + 0x10) & 0xf0000000u);
		uint64_t size = ((uint64_t)rd(h, o + 0x1c) << 32) | (rd(h, o + 0x18) & 0xf0000000u);
		uint32_t c = rd(h, o + 0x20);
		char s[128];
		ctrl_str(s, sizeof s, c);
		if (i && !(c & CTRL_COMMITTED) && !size && !(c & CTRL_LOCK))
			continue; /* never programmed: not worth a line */
		printf("hdm-lock:   %s decoder %d base=0x%" PRIx64 " size=0x%" PRIx64 " %s\n", what,
		       i, base, size, s);
		if (show_only || !(c & CTRL_COMMITTED) || (c & CTRL_LOCK))
			continue;
		wr(h, o + 0x20, c | CTRL_LOCK | CTRL_COMMIT);
		uint32_t a = rd(h, o + 0x20);
		ctrl_str(s, sizeof s, a);
		bool ok = (a & CTRL_LOCK) && (a & CTRL_COMMITTED);
		printf("hdm-lock:   %s decoder %d locked: %s%s\n", what, i, s,
		       ok ? "" : " (did not stick)");
		if (!ok)
			failures++;
	}
	munmap(m, BLOCK_SIZE);
}

/* Host bridges: CEDT CHBS entries (type 0) of CXL 2.0 host bridges. */
static void host_bridges(void)
{
	static uint8_t t[65536];
	int fd = open("/sys/firmware/acpi/tables/CEDT", O_RDONLY);
	if (fd < 0) {
		printf("hdm-lock: CEDT: %s\n", strerror(errno));
		return;
	}
	ssize_t len = 0, r;
	while (len < (ssize_t)sizeof t && (r = read(fd, t + len, sizeof t - len)) > 0)
		len += r;
	close(fd);
	for (ssize_t o = 36; o + 4 <= len;) {
		unsigned type = t[o], l = t[o + 2] | t[o + 3] << 8;
		if (l < 4 || o + l > len)
			break;
		if (type == 0 && l >= 32) {
			uint32_t uid, ver;
			uint64_t base, size;
			memcpy(&uid, t + o + 4, 4);
			memcpy(&ver, t + o + 8, 4);
			memcpy(&base, t + o + 16, 8);
			memcpy(&size, t + o + 24, 8);
			char what[64];
			snprintf(what, sizeof what, "host-bridge uid %" PRIu32, uid);
			if (ver != 1)
				printf("hdm-lock: %s: CXL version %" PRIu32 " (RCRB), skipped\n",
				       what, ver);
			else
				block(what, base);
		}
		o += l;
	}
}

static int read_file(const char *path, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = 0, r;
	while ((size_t)n < len && (r = read(fd, buf + n, len - n)) > 0)
		n += r;
	close(fd);
	return (int)n;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* PCI functions: Register Locator DVSEC -> component register block. */
static void pci_functions(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[512];
		uint8_t cfg[4096];
		snprintf(p, sizeof p, "/sys/bus/pci/devices/%s/config", e->d_name);
		int n = read_file(p, cfg, sizeof cfg);
		if (n < 4096)
			continue;
		unsigned off = 0x100;
		for (int guard = 0; off >= 0x100 && off < 4096 - 12 && guard < 64; guard++) {
			uint32_t h = le32(cfg + off);
			if ((h & 0xffff) == 0x23) {
				uint32_t h1 = le32(cfg + off + 4), h2 = le32(cfg + off + 8);
				unsigned dlen = h1 >> 20;
				if ((h1 & 0xffff) == 0x1e98 && (h2 & 0xffff) == 8) {
					for (unsigned r = 0xc; r + 8 <= dlen && off + r + 8 <= 4096;
					     r += 8) {
						uint32_t lo = le32(cfg + off + r),
							 hi = le32(cfg + off + r + 4);
						if (((lo >> 8) & 0xff) != 1)
							continue;
						unsigned bir = lo & 7;
						uint64_t boff =
						    ((uint64_t)hi << 32) | (lo & 0xffff0000u);
						char rp[512], line[128];
						snprintf(rp, sizeof rp,
							 "/sys/bus/pci/devices/%s/resource",
							 e->d_name);
						FILE *f = fopen(rp, "r");
						uint64_t start = 0;
						for (unsigned i = 0;
						     f && i <= bir && fgets(line, sizeof line, f);
						     i++)
							if (i == bir)
								start = strtoull(line, NULL, 16);
						if (f)
							fclose(f);
						uint32_t class =
						    cfg[9] | cfg[10] << 8 | cfg[11] << 16;
						char what[300];
						snprintf(what, sizeof what, "%s %s",
							 class >> 8 == 0x0502 ? "endpoint" : "port",
							 e->d_name);
						if (!start)
							printf(
							    "hdm-lock: %s: BAR %u not assigned\n",
							    what, bir);
						else
							block(what, start + boff);
					}
				}
			}
			off = h >> 20;
			if (!off)
				break;
		}
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--show"))
		show_only = true;
	else if (argc != 1) {
		fprintf(stderr, "usage: hdm-lock [--show]\n");
		return 2;
	}
	host_bridges();
	pci_functions();
	if (!blocks) {
		printf("hdm-lock: no component register block could be read\n");
		return 2;
	}
	if (failures)
		printf("hdm-lock: %d decoder(s) did not lock\n", failures);
	return failures ? 1 : 0;
}
