# SPDX-License-Identifier: GPL-2.0-or-later
"""The objects of the simulated platform and kernel, as typed records: the
firmware's facts (windows, host bridges, memdev and region descriptions) and
the kernel's objects built from them (host-bridge ports, memdevs, HDM
decoders, regions, hmem devices, dax devices, memory blocks).  Records hold
state and the few rules that are the object's own (what an HDM reset clears);
the kernel model (kernel.py) relates them.

Records that the control file `state` lists say what they show there
(state()) and can be read back from it (from_state()), so a test can hold the
JSON to the model."""

from dataclasses import dataclass, field
from typing import Optional


def _id(name, prefix):
    return int(name[len(prefix):])


# ---- the firmware's facts (sim_platform.py parses them) ----

@dataclass(frozen=True)
class Window:
    """A CFMWS: a CXL window of HPA, interleaved over host bridges."""
    start: int
    end: int
    targets: tuple            # host bridge uids, in interleave order
    granularity: int = 256
    ram: bool = True
    pmem: bool = True
    node: int = 1

    @property
    def ways(self):
        return len(self.targets)

    @property
    def size(self):
        return self.end - self.start + 1


@dataclass(frozen=True)
class HostBridge:
    uid: int   # CEDT CHBS uid, what windows target
    bus: int   # its PCI bus number


@dataclass(frozen=True)
class MemdevSpec:
    """A type-3 device as the description gives it."""
    name: str
    serial: int
    ram: int
    pmem: int
    vendor: int
    device: int
    host_bridge: int
    slot: int
    present: bool = True
    appear_at: float = 0.0
    probe_fails: bool = False   # cxl_mem's probe of it fails


@dataclass(frozen=True)
class RegionSpec:
    """Committed HDM decoders the description gives: the firmware's
    (firmware=True) or a region an administrator created after boot."""
    window: int
    start: int
    end: int
    targets: tuple              # memdev names, by interleave position
    mode: str = "ram"
    firmware: bool = True
    locked: bool = False        # lock-on-commit
    probe_fails: bool = False   # cxl_region's probe fails
    granularity: int = 256
    committed: bool = True
    assemble: bool = True       # False: decoders no region holds

    @property
    def size(self):
        return self.end - self.start + 1


# ---- the kernel's objects ----

@dataclass(eq=False)
class Decoder:
    """One HDM decoder: the hardware registers (start, size, committed, lock,
    interleave) and the kernel's view of it (its region).  A memdev's decoders
    exist as long as the device does; sysfs shows them only while the
    endpoint port does (cxl_mem bound, cxl_acpi bound)."""
    port_id: int
    idx: int
    kind: str                   # "endpoint" or "switch"
    start: int = 0
    size: int = 0
    mode: str = "none"
    dpa_size: int = 0
    committed: bool = False
    locked: bool = False        # lock-on-commit, set by the firmware that committed it
    ways: int = 1
    granularity: int = 256
    pos: int = 0
    region: Optional[str] = None
    targets: str = "0"

    STATE = ("start", "size", "committed", "locked", "region")

    @property
    def name(self):
        return f"decoder{self.port_id}.{self.idx}"

    @property
    def end(self):
        return self.start + self.size - 1

    def program(self, start, size, ways=1, granularity=256, pos=0):
        self.start, self.size = start, size
        self.ways, self.granularity, self.pos = ways, granularity, pos
        self.committed = True

    def decommit(self):
        """The HDM reset: the decoder stops decoding; its DPA stays allocated."""
        self.start = self.size = 0
        self.ways, self.pos = 1, 0
        self.committed = self.locked = False

    def reset(self):
        self.decommit()
        self.dpa_size = 0
        self.mode, self.region = "none", None

    def state(self):
        return {f: getattr(self, f) for f in self.STATE}

    @classmethod
    def from_state(cls, name, d, kind="endpoint"):
        port, idx = name[len("decoder"):].split(".")
        return cls(int(port), int(idx), kind, **{f: d[f] for f in cls.STATE})


@dataclass(eq=False)
class HostPort:
    """The CXL port of a host bridge, with its switch decoders."""
    id: int
    hb: HostBridge
    decoders: list


@dataclass(eq=False)
class Memdev:
    """memN: the device (from its MemdevSpec, serial and size may change on a
    hot add), its endpoint port, its HDM decoders and the memory behind its
    DPA (a sparse store of pages, blank for a new device)."""
    name: str
    serial: int
    ram: int
    pmem: int
    vendor: int
    device: int
    host_bridge: int
    slot: int
    present: bool
    appear_at: float
    probe_fails: bool
    endpoint: Optional[int] = None
    decoders: list = field(default_factory=list)
    driver: str = ""
    mem: dict = field(default_factory=dict)

    STATE = ("name", "serial", "present", "driver")

    @classmethod
    def from_spec(cls, s):
        return cls(s.name, s.serial, s.ram, s.pmem, s.vendor, s.device, s.host_bridge, s.slot,
                   s.present, s.appear_at, s.probe_fails)

    @property
    def minor(self):
        return _id(self.name, "mem")

    def state(self):
        return {f: getattr(self, f) for f in self.STATE}


@dataclass(eq=False)
class DaxDevice:
    """daxX.0 of a dax region, from hmem (kind "hmem") or a CXL region (kind
    "cxl"); driver "", "device_dax" or "kmem"."""
    name: str
    region_id: int
    kind: str
    parent: str                 # hmem.N or regionZ
    start: int
    end: int
    node: int
    driver: str = ""
    align: int = 2 * 1024 * 1024
    memmap_on_memory: bool = False

    STATE = ("name", "kind", "parent", "start", "end", "driver")

    @property
    def size(self):
        return self.end - self.start + 1

    def state(self):
        return {f: getattr(self, f) for f in self.STATE}

    @classmethod
    def from_state(cls, d, node=None):
        rid = int(d["name"][len("dax"):].split(".")[0])
        return cls(d["name"], rid, d["kind"], d["parent"], d["start"], d["end"], node, d["driver"])


@dataclass(eq=False)
class HmemDevice:
    """hmem.N: a Soft Reserved range dax_hmem registered."""
    name: str
    id: int
    start: int
    end: int
    bound: bool = True
    dax: Optional[DaxDevice] = None

    STATE = ("name", "start", "end", "bound")

    def state(self):
        return {f: getattr(self, f) for f in self.STATE}

    @classmethod
    def from_state(cls, d):
        return cls(d["name"], _id(d["name"], "hmem."), d["start"], d["end"], d["bound"])


@dataclass(eq=False)
class Region:
    """regionZ below root decoder decoder0.<window>."""
    id: int
    window: int
    mode: str
    start: Optional[int] = None
    size: int = 0
    ways: int = 1
    granularity: int = 256
    targets: list = field(default_factory=list)   # endpoint decoder names by position, None: empty slot
    committed: bool = False
    enabled: bool = False
    locked: bool = False
    probe_fails: bool = False
    dax: Optional[DaxDevice] = None
    dax_conflict: bool = False   # the cxl_dax_region probe failed (-12)
    uuid: str = ""
    path: str = ""               # its sysfs directory, as last rendered

    STATE = ("name", "start", "size", "mode", "committed", "enabled", "targets", "locked")

    @property
    def name(self):
        return f"region{self.id}"

    @property
    def end(self):
        return self.start + self.size - 1

    def state(self):
        s = {f: getattr(self, f) for f in self.STATE}
        s["dax"] = self.dax.name if self.dax else None
        return s

    @classmethod
    def from_state(cls, d, window=0, dax=None):
        """dax: the dax devices read back, by name (the state names them)."""
        f = {k: d[k] for k in cls.STATE if k != "name"}
        return cls(_id(d["name"], "region"), window, dax=(dax or {}).get(d["dax"]), **f)


@dataclass
class MemoryBlock:
    """memoryN: one BLOCK of a kmem dax device."""
    online: bool
    zone: str        # "Movable" or "Normal"
    node: int


@dataclass(eq=False)
class FirmwareSet:
    """The endpoint decoders the firmware committed for one RegionSpec: the
    hardware decoder at each interleave position, None while its device is
    absent."""
    desc: RegionSpec
    targets: list
