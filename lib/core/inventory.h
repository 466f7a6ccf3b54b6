/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory: one consistent picture of CXL memory on this machine, every
 * fact with its source.  Discovery (discover.c) fills the raw facts; the
 * derived part (Soft Reserved units, their sources and current owners) is
 * computed from those facts by srd_inventory_derive(), which does no I/O so
 * that it can be tested on literal data.
 */
#pragma once

#include "range.h"
#include "srd-util.h"

#define SRD_NAME_MAX 48
#define SRD_MAX_WAYS 16

enum srd_owner {
	SRD_OWNER_CXL,
	SRD_OWNER_HMEM,
	SRD_OWNER_NONE,
	SRD_OWNER_CONFLICT,
	_SRD_OWNER_MAX,
};
const char *srd_owner_to_string(enum srd_owner o);
int srd_owner_from_string(const char *s);

/* Where a piece of Soft Reserved evidence came from (a bit set on each range). */
enum srd_source {
	SRD_SOURCE_MEMMAP = 1u << 0, /* /sys/firmware/memmap */
	SRD_SOURCE_IOMEM = 1u << 1, /* "Soft Reserved" in /proc/iomem */
	SRD_SOURCE_CMDLINE = 1u << 2, /* memmap=...+0xefffffff */
	SRD_SOURCE_HMEM = 1u << 3, /* an hmem.N device's resource */
	_SRD_SOURCE_ALL = (1u << 4) - 1,
};
const char *srd_source_to_string(unsigned bit);
/* Space-separated names of the bits in mask, into buf. */
const char *srd_sources_format(unsigned mask, char *buf, size_t size);

/* Which generation of the hmem/CXL hand-off the kernel shows (DESIGN.md). */
enum srd_behaviour {
	SRD_BEHAVIOUR_UNKNOWN,
	SRD_BEHAVIOUR_CLAIM_FIRST, /* 6.1: dax_hmem claims first */
	SRD_BEHAVIOUR_DEFER_ALWAYS, /* ~6.3-7.0: hmem defers ranges in CXL windows */
	SRD_BEHAVIOUR_RESOLVE_ONCE, /* 7.1+: resolved once after CXL probing */
	_SRD_BEHAVIOUR_MAX,
};
const char *srd_behaviour_to_string(enum srd_behaviour b);
int srd_behaviour_from_string(const char *s);

struct srd_window {
	char name[SRD_NAME_MAX]; /* root decoder, decoderR.N; "CFMWS.N" when only the CEDT shows it
				  */
	bool enumerated; /* a root decoder exists (false: cxl_acpi has not enumerated it) */
	struct srd_range range;
	unsigned ways;
	uint64_t granularity;
	bool cap_ram, cap_pmem, cap_type2, cap_type3;
	int cedt_index; /* matching CFMWS, -1 when none */
};

struct srd_region {
	char name[SRD_NAME_MAX];
	char decoder[SRD_NAME_MAX]; /* root decoder it lives under */
	struct srd_range range;
	bool has_range; /* false while no HPA is allocated */
	char mode[16]; /* "ram", "pmem", or "" when the kernel has no mode attribute */
	bool committed;
	bool enabled; /* bound to cxl_region / cxl_pmem_region */
	bool has_dax; /* a CXL dax_region exists below it */
	unsigned ways;
	uint64_t granularity;
	unsigned n_targets;
	char target_decoder[SRD_MAX_WAYS][SRD_NAME_MAX];
	char target_memdev[SRD_MAX_WAYS][SRD_NAME_MAX];
	uint64_t target_serial[SRD_MAX_WAYS];
	bool excluded; /* set by the policy layer: touches an excluded memdev or range */
	/*
	 * Lock-on-commit: regionZ/locked (7.1+) or every endpoint decoder's
	 * decoderX.Y/locked.  Whether a tear-down still resets a locked region's
	 * decoders is the kernel's business (srd_inventory.lock_honoured).
	 */
	bool locked;
};

/* Evidence that CXL failed to understand the platform (seeds/: "at the first
 * sign of trouble, drop CXL"), each with the device and what showed it. */
enum srd_failure_kind {
	SRD_FAILURE_MODULE_ABSENT, /* a CXL driver the devices need is not registered */
	SRD_FAILURE_PCI_NO_DRIVER, /* a CXL memory PCI function (class 0x0502) no driver bound */
	SRD_FAILURE_PCI_NO_MEMDEV, /* ... bound to cxl_pci, but no memdev below it */
	SRD_FAILURE_MEMDEV_NO_DRIVER, /* memN not bound to cxl_mem */
	SRD_FAILURE_MEMDEV_NO_ENDPOINT, /* memN bound, but no endpoint port (its decoders unread) */
	SRD_FAILURE_CXL_ACPI_UNBOUND, /* the CEDT describes windows, cxl_acpi is not bound */
	SRD_FAILURE_REGION_PROBE, /* a committed region that no driver took */
	SRD_FAILURE_DAX_REGION_PROBE, /* a ram region's dax_region whose probe failed */
	_SRD_FAILURE_MAX,
};
const char *srd_failure_to_string(enum srd_failure_kind k);

struct srd_failure {
	enum srd_failure_kind kind;
	char device[SRD_NAME_MAX];
	char evidence[192];
};

/* Whether a failure of kind k hides HDM decoders from srd (they could not be read). */
bool srd_failure_hides_decoders(enum srd_failure_kind k);
/*
 * The first failure that means CXL did not enumerate the platform (a driver,
 * a memdev, an endpoint, cxl_acpi), or NULL.  Those call for the policy's
 * Fallback=.  A region not bound or a failed dax_region is evidence, reported,
 * but not such a sign: from sysfs it looks the same as an administrator's
 * unbind, and the policy decides the range as usual.
 */
struct srd_inventory;
const struct srd_failure *srd_inventory_enumeration_failure(const struct srd_inventory *inv);

struct srd_memdev {
	char name[SRD_NAME_MAX];
	char host[SRD_NAME_MAX]; /* PCI device, e.g. 0000:0d:00.0 */
	uint64_t serial; /* UINT64_MAX when unknown */
	uint64_t ram_bytes;
	uint64_t pmem_bytes;
	uint16_t pci_vendor, pci_device; /* 0 when unknown */
	int numa_node;
	bool enabled; /* bound to cxl_mem */
	bool has_endpoint; /* its endpoint port exists: its decoders can be read */
};

enum srd_dax_kind {
	SRD_DAX_HMEM,
	SRD_DAX_CXL,
	SRD_DAX_OTHER,
};

struct srd_dax_dev {
	char name[SRD_NAME_MAX]; /* daxX.Y */
	char parent[SRD_NAME_MAX]; /* hmem.N, regionN, or the region directory's name */
	enum srd_dax_kind kind;
	struct srd_range range;
	bool has_range;
	int target_node;
	char driver[SRD_NAME_MAX]; /* "device_dax", "kmem", or "" */
	bool memory_online; /* kmem: any of its memory blocks is online */
	bool memory_movable; /* kmem: every block online, in ZONE_MOVABLE */
	uint64_t align_bytes; /* the align attribute, 0 when absent */
	bool align_writable; /* read-only for a static dax region */
	int memmap_on_memory; /* the attribute (6.8+): 0, 1, or -1 when the kernel has none */
};

struct srd_hmem {
	char name[SRD_NAME_MAX]; /* hmem.N */
	char driver[SRD_NAME_MAX];
	struct srd_range range;
	bool has_range;
};

enum srd_driver_id {
	SRD_DRIVER_CXL_ACPI,
	SRD_DRIVER_CXL_PCI,
	SRD_DRIVER_CXL_MEM,
	SRD_DRIVER_CXL_PORT,
	SRD_DRIVER_CXL_REGION,
	SRD_DRIVER_DAX_CXL,
	SRD_DRIVER_DAX_HMEM,
	SRD_DRIVER_HMEM_PLATFORM,
	SRD_DRIVER_DEVICE_DAX,
	SRD_DRIVER_KMEM,
	_SRD_DRIVER_MAX,
};
const char *srd_driver_to_string(enum srd_driver_id d);

struct srd_driver_state {
	bool present; /* the driver is registered (its directory exists) */
	unsigned n_bound; /* devices bound to it */
};

/* An HPA range some committed endpoint decoder decodes: where there is none,
 * a Soft Reserved range inside a CXL window is not memory. */
struct srd_decoded {
	struct srd_range range;
	char decoder[SRD_NAME_MAX];
	char memdev[SRD_NAME_MAX];
};

/* A /proc/iomem resource kept for reports: the top level and the CXL memory
 * tree below it (windows, regions, Soft Reserved, hmem, dax, System RAM), so
 * a report shows how the kernel nested them. */
struct srd_iomem_entry {
	struct srd_range range;
	unsigned depth;
	char name[SRD_NAME_MAX];
};

/* A piece of raw Soft Reserved evidence, before merging. */
struct srd_sr_piece {
	struct srd_range range;
	enum srd_source source;
	char origin[SRD_NAME_MAX]; /* e.g. "memmap/5", "iomem:42", "cmdline", "hmem.0" */
};

/* A unit of decision: what dax_hmem would register. */
struct srd_sr_range {
	struct srd_range range;
	unsigned sources; /* SRD_SOURCE_* bits */
	bool disagree; /* some source covers it only in part */
	int window; /* index into windows, -1 when outside every window */
	int proximity_domain; /* from SRAT, -1 when unknown */
	bool excluded; /* set by the policy layer */
	char disagreement[128]; /* which sources cover it only in part */
	enum srd_owner owner;
	uint64_t cxl_bytes; /* covered by committed, enabled regions */
	uint64_t hmem_bytes; /* covered by hmem dax devices */
	uint64_t decoded_bytes; /* covered by committed HDM decoders */
	char reason[256];
};

struct srd_inventory {
	char kernel_release[SRD_NAME_MAX];
	enum srd_behaviour behaviour;
	char behaviour_basis[160];

	bool have_iomem, have_memmap, have_cmdline, have_cedt, have_srat, have_hmat;
	bool iomem_lists_soft_reserved;
	bool hmem_platform_bound;
	bool cxl_acpi_bound;
	/* Whether a tear-down keeps the decoders of a locked region (7.0+; 6.12
	 * writes the reset regardless), and what showed it. */
	bool lock_honoured;
	char lock_basis[160];

	struct srd_window *windows;
	size_t n_windows;
	struct srd_region *regions;
	size_t n_regions;
	struct srd_memdev *memdevs;
	size_t n_memdevs;
	struct srd_dax_dev *dax;
	size_t n_dax;
	struct srd_hmem *hmem;
	size_t n_hmem;
	struct srd_sr_piece *pieces;
	size_t n_pieces;
	struct srd_decoded *decoded;
	size_t n_decoded;
	struct srd_iomem_entry *iomem;
	size_t n_iomem;
	char *cmdline; /* /proc/cmdline, without the newline; NULL when unread */
	struct srd_range *srat_ranges; /* SRAT memory affinity, for splitting units */
	int *srat_pxm;
	size_t n_srat;
	struct srd_driver_state drivers[_SRD_DRIVER_MAX];
	struct srd_failure *failures;
	size_t n_failures;
	bool region_locked_attr; /* regionZ/locked exists (7.1+) */

	/* Derived by srd_inventory_derive(). */
	struct srd_sr_range *ranges;
	size_t n_ranges;

	/* Problems found while reading: any entry makes the inventory incomplete,
	 * and nothing destructive may be planned from it. */
	char **problems;
	size_t n_problems;
	/* Observations that are worth reporting but not alarming. */
	char **notes;
	size_t n_notes;
};

struct srd_inventory *srd_inventory_new(void);
void srd_inventory_free(struct srd_inventory *inv);
SRD_DEFINE_CLEANUP(struct srd_inventory *, srd_inventory_free)

/* Appenders return a pointer to a zeroed new element, or NULL on -ENOMEM. */
struct srd_window *srd_inventory_add_window(struct srd_inventory *inv);
struct srd_region *srd_inventory_add_region(struct srd_inventory *inv);
struct srd_memdev *srd_inventory_add_memdev(struct srd_inventory *inv);
struct srd_dax_dev *srd_inventory_add_dax(struct srd_inventory *inv);
struct srd_hmem *srd_inventory_add_hmem(struct srd_inventory *inv);
struct srd_decoded *srd_inventory_add_decoded(struct srd_inventory *inv);
struct srd_iomem_entry *srd_inventory_add_iomem(struct srd_inventory *inv);
int srd_inventory_failure(struct srd_inventory *inv, enum srd_failure_kind kind, const char *device,
			  const char *fmt, ...) _printf_(4, 5);
int srd_inventory_add_piece(struct srd_inventory *inv, enum srd_source src,
			    const struct srd_range *r, const char *origin);
int srd_inventory_add_srat(struct srd_inventory *inv, const struct srd_range *r, int pxm);
int srd_inventory_problem(struct srd_inventory *inv, const char *fmt, ...) _printf_(2, 3);
int srd_inventory_note(struct srd_inventory *inv, const char *fmt, ...) _printf_(2, 3);

static inline bool srd_inventory_complete(const struct srd_inventory *inv)
{
	return inv->n_problems == 0;
}

/*
 * Builds the Soft Reserved units from the pieces (merged across sources,
 * split at CXL window boundaries and, when an HMAT is present, at SRAT memory
 * affinity boundaries), records their sources and disagreements, and derives
 * each unit's current owner.  Idempotent; pure.  Returns 0 or -ENOMEM.
 */
int srd_inventory_derive(struct srd_inventory *inv);

/* Region/memdev lookups by name; NULL when absent. */
const struct srd_region *srd_inventory_region(const struct srd_inventory *inv, const char *name);
const struct srd_memdev *srd_inventory_memdev(const struct srd_inventory *inv, const char *name);
