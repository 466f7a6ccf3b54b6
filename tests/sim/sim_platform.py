# SPDX-License-Identifier: GPL-2.0-or-later
"""A simulated CXL platform: the firmware facts of a machine (Soft Reserved
ranges, CXL windows, host bridges, memdevs, firmware-committed decoders) and
the kernel state a given kernel generation produces from them at boot.

kernel.py holds the kernel state; the boot rules it applies (generations.py)
are those measured on real Debian kernels (DESIGN.md, "Kernel behaviour"):
  claim-first (6.1)    dax_hmem registers every Soft Reserved range; committed
                       decoders are not assembled into regions.
  defer-always (6.12)  dax_hmem skips ranges inside a CXL window; committed
                       decoders assemble into regions that serve through dax_cxl.
  resolve-once (7.x)   after CXL probing, a range fully inside committed regions
                       is dropped by hmem (CXL serves it); any other range is
                       registered by hmem, and a region overlapping it then loses
                       its dax region to the conflict.
The description format is documented in tests/sim/README.md.
"""

import json
import re

import generations
from records import HostBridge, MemdevSpec, RegionSpec, Window

MiB = 1 << 20
BLOCK = 128 * MiB  # memory block size

BEHAVIOURS = generations.NAMES


class PlatformError(Exception):
    """A description that cannot describe a real machine; message names the file."""


def num(v, what, origin):
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            pass
    raise PlatformError(f"{origin}: {what}: not a number: {v!r}")


def intersects(a0, a1, b0, b1):
    return a0 <= b1 and b0 <= a1


class Platform:
    """Firmware facts plus the kernel state derived from them."""

    def __init__(self, desc, origin="<platform>"):
        self.origin = origin
        o = origin
        allowed = {"name", "description", "kernel", "memory", "soft_reserved", "windows",
                   "host_bridges", "memdevs", "regions", "srat", "hmat", "kmem", "online",
                   "timeline", "cxl_acpi", "cxl_mem", "kmem_driver", "dmi", "expect"}
        for k in desc:
            if k not in allowed:
                raise PlatformError(f"{o}: unknown key '{k}'")
        self.name = desc.get("name", origin)
        k = desc.get("kernel", {})
        self.release = k.get("release", "6.12.0-sim")
        self.behaviour = k.get("behaviour", generations.DEFAULT)
        if self.behaviour not in BEHAVIOURS:
            raise PlatformError(f"{o}: kernel.behaviour: '{self.behaviour}' is not one of {BEHAVIOURS}")
        self.cmdline_extra = k.get("cmdline", "")
        self.kmem = bool(desc.get("kmem", True))
        # false: the kmem module is not loaded at all (no driver to bind later)
        self.kmem_driver = bool(desc.get("kmem_driver", True))
        self.online_zone = desc.get("online", "movable")
        self.cxl_acpi = bool(desc.get("cxl_acpi", True))
        self.cxl_mem = bool(desc.get("cxl_mem", True))  # false: the module is not loaded
        self.hmat = bool(desc.get("hmat", False))
        self.dmi = desc.get("dmi", {})  # /sys/class/dmi/id/NAME: text
        for key, v in self.dmi.items():
            if not re.fullmatch(r"[a-z_]+", key) or not isinstance(v, str):
                raise PlatformError(f"{o}: dmi.{key}: expected a DMI attribute name and a string")

        self.memory = []  # firmware memmap entries other than Soft Reserved
        for i, m in enumerate(desc.get("memory", [{"start": 0, "size": "0x80000000", "type": "System RAM"}])):
            s, z = num(m["start"], f"memory[{i}].start", o), num(m["size"], f"memory[{i}].size", o)
            self.memory.append((s, s + z - 1, m.get("type", "System RAM")))

        self.sr = []  # (start, end, source) with source "firmware" or "cmdline"
        for i, m in enumerate(desc.get("soft_reserved", [])):
            s, z = num(m["start"], f"soft_reserved[{i}].start", o), num(m["size"], f"soft_reserved[{i}].size", o)
            src = m.get("source", "firmware")
            if src not in ("firmware", "cmdline"):
                raise PlatformError(f"{o}: soft_reserved[{i}].source: '{src}' is not firmware or cmdline")
            if z <= 0:
                raise PlatformError(f"{o}: soft_reserved[{i}].size: must be positive")
            self.sr.append((s, s + z - 1, src))

        self.host_bridges = []
        for i, h in enumerate(desc.get("host_bridges", [{"uid": 0}])):
            self.host_bridges.append(HostBridge(uid=num(h.get("uid", i), f"host_bridges[{i}].uid", o),
                                                bus=num(h.get("bus", 0x0c + 0x10 * i), f"host_bridges[{i}].bus", o)))
        uids = [h.uid for h in self.host_bridges]

        self.windows = []
        for i, w in enumerate(desc.get("windows", [])):
            s, z = num(w["start"], f"windows[{i}].start", o), num(w["size"], f"windows[{i}].size", o)
            targets = [num(t, f"windows[{i}].targets", o) for t in w.get("targets", [uids[0]])]
            for t in targets:
                if t not in uids:
                    raise PlatformError(f"{o}: windows[{i}].targets: no host bridge with uid {t}")
            ways = len(targets)
            if s % (256 * MiB) or z % (256 * MiB * ways):
                raise PlatformError(f"{o}: windows[{i}]: not 256 MiB x ways aligned")
            self.windows.append(Window(start=s, end=s + z - 1, targets=tuple(targets),
                                       granularity=num(w.get("granularity", 256), f"windows[{i}].granularity", o),
                                       ram=w.get("ram", True), pmem=w.get("pmem", True),
                                       node=num(w.get("node", 1 + i), f"windows[{i}].node", o)))
        for i in range(len(self.windows)):
            for j in range(i + 1, len(self.windows)):
                a, b = self.windows[i], self.windows[j]
                if intersects(a.start, a.end, b.start, b.end):
                    raise PlatformError(f"{o}: windows[{i}] and windows[{j}] overlap")

        self.memdevs = []
        per_hb = {}
        for i, m in enumerate(desc.get("memdevs", [])):
            hb = num(m.get("host_bridge", uids[0]), f"memdevs[{i}].host_bridge", o)
            if hb not in uids:
                raise PlatformError(f"{o}: memdevs[{i}].host_bridge: no host bridge with uid {hb}")
            slot = per_hb.get(hb, 0)
            per_hb[hb] = slot + 1
            slot = num(m.get("slot", slot), f"memdevs[{i}].slot", o)  # a replay keeps PCI buses
            self.memdevs.append(MemdevSpec(
                name=f"mem{i}", serial=num(m.get("serial", i + 1), f"memdevs[{i}].serial", o),
                ram=num(m.get("ram_size", 256 * MiB), f"memdevs[{i}].ram_size", o),
                pmem=num(m.get("pmem_size", 0), f"memdevs[{i}].pmem_size", o),
                vendor=num(m.get("vendor", 0x8086), f"memdevs[{i}].vendor", o),
                device=num(m.get("device", 0x0d93), f"memdevs[{i}].device", o),
                host_bridge=hb, slot=slot, present=m.get("present", True),
                appear_at=float(m.get("appear_at", 0)),
                probe_fails=bool(m.get("probe_fails", False)),
            ))

        self.srat = []
        for i, s in enumerate(desc.get("srat", [])):
            st, z = num(s["start"], f"srat[{i}].start", o), num(s["size"], f"srat[{i}].size", o)
            self.srat.append((st, st + z - 1, num(s.get("pxm", 0), f"srat[{i}].pxm", o)))

        # Regions: firmware-committed decoders ("firmware": true, the default) and
        # regions an administrator created after boot ("firmware": false).
        self.region_desc = []
        for i, r in enumerate(desc.get("regions", [])):
            wi = num(r.get("window", 0), f"regions[{i}].window", o)
            if not 0 <= wi < len(self.windows):
                raise PlatformError(f"{o}: regions[{i}].window: no window {wi}")
            w = self.windows[wi]
            s = num(r.get("start", w.start), f"regions[{i}].start", o)
            z = num(r["size"], f"regions[{i}].size", o)
            if not (w.start <= s and s + z - 1 <= w.end):
                raise PlatformError(f"{o}: regions[{i}]: outside window {wi}")
            targets = r.get("targets", ["mem0"])
            names = [m.name for m in self.memdevs]
            for t in targets:
                if t not in names:
                    raise PlatformError(f"{o}: regions[{i}].targets: no memdev '{t}'")
            firmware = r.get("firmware", True)
            if r.get("locked") and not firmware:
                raise PlatformError(f"{o}: regions[{i}].locked: only firmware sets lock-on-commit")
            self.region_desc.append(RegionSpec(
                window=wi, start=s, end=s + z - 1, targets=tuple(targets),
                mode=r.get("mode", "ram"), firmware=firmware,
                locked=bool(r.get("locked", False)),
                probe_fails=bool(r.get("probe_fails", False)),
                granularity=num(r.get("granularity", w.granularity), f"regions[{i}].granularity", o),
                committed=r.get("committed", True),
                assemble=r.get("assemble", True),
            ))
        self.expect = desc.get("expect", {})
        self.timeline = desc.get("timeline", [])

    # ---- derived firmware views ----

    def sr_units(self):
        """Soft Reserved as dax_hmem would register it: merged, split at window
        boundaries and (with an HMAT) at SRAT boundaries."""
        pieces = sorted((s, e) for s, e, _ in self.sr)
        merged = []
        for s, e in pieces:
            if merged and s <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        cuts = set()
        for w in self.windows:
            cuts.update((w.start, w.end + 1))
        if self.hmat:
            for s, e, _ in self.srat:
                cuts.update((s, e + 1))
        units = []
        for s, e in merged:
            start = s
            for c in sorted(x for x in cuts if s < x <= e):
                units.append((start, c - 1))
                start = c
            units.append((start, e))
        return units

    def window_of(self, s, e):
        for i, w in enumerate(self.windows):
            if w.start <= s and e <= w.end:
                return i
        return None

    def in_any_window(self, s, e):
        return any(intersects(s, e, w.start, w.end) for w in self.windows)

    def node_of(self, s, e):
        w = self.window_of(s, e)
        if w is not None:
            return self.windows[w].node
        for a, z, pxm in self.srat:
            if a <= s and e <= z:
                return pxm
        return 1

    def dax_driver(self):
        return "kmem" if self.kmem else "device_dax"

    # ---- text views ----

    def cmdline(self):
        parts = ["BOOT_IMAGE=/vmlinuz-" + self.release, "root=/dev/vda", "ro"]
        for s, e, src in self.sr:
            if src == "cmdline":
                parts.append(f"memmap={e - s + 1:#x}%{s:#x}+0xefffffff")
        if self.cmdline_extra:
            parts.append(self.cmdline_extra)
        return " ".join(parts) + "\n"

    def firmware_memmap(self):
        ents = [(s, e, t) for s, e, t in self.memory]
        ents += [(s, e, "Soft Reserved") for s, e, src in self.sr if src == "firmware"]
        return sorted(ents)


def load(path):
    try:
        with open(path) as f:
            desc = json.load(f)
    except json.JSONDecodeError as e:
        raise PlatformError(f"{path}:{e.lineno}: {e.msg}")
    except OSError as e:
        raise PlatformError(f"{path}: {e.strerror}")
    return Platform(desc, origin=path)
