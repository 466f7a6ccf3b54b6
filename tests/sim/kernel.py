# SPDX-License-Identifier: GPL-2.0-or-later
"""The simulated kernel: CXL and DAX objects as state, and the sysfs stores
that change them, with the semantics (and errnos) of each kernel generation.

A Kernel boots from a Platform description (the firmware's facts), then
answers writes: region creation and commit, decoder reset and region deletion,
driver bind/unbind for cxl_region, cxl_acpi, hmem, hmem_platform, device_dax
and kmem, memory block online/offline, and memdev hot add/remove.  Every write
is recorded (path, value, result); faults can be injected per path.  The
renderer turns the state into files; the FUSE server serves them live.
"""

import errno
import fnmatch
import time

from sim_platform import BLOCK, MiB, intersects

NDECODERS = 4  # HDM decoders per port, as QEMU's type-3 device and host bridge have
PAGE = 4096  # the memory store's unit


class Generation:
    """What one kernel generation does, in one place: every rule that differs
    between claim-first (6.1), defer-always (6.12) and resolve-once (7.x) is a
    field here, and the model asks the generation instead of naming it."""

    def __init__(self, name, **rules):
        self.name = name
        for k, v in rules.items():
            setattr(self, k, v)


GENERATIONS = {g.name: g for g in (
    Generation(
        "claim-first",
        assembles_regions=False,      # committed decoders are not assembled (auto-assembly is 6.3+)
        dax_cxl=False,                # no dax_cxl: ram regions get no dax region
        sr_in_iomem=True,             # "Soft Reserved" stays listed in /proc/iomem
        hmem_platform=False,          # no hmem_platform device or driver: nothing to re-probe
        hmem_in_window="register",    # dax_hmem registers ranges inside CXL windows too
        hmem_dax_driver="device_dax",  # dax_hmem's devices bind to device_dax even with kmem
        hmem_keeps_resource=True,     # an unbound hmem device keeps its HPA busy
        hmem_outer_in_iomem=True,     # "hmem.0 > Soft Reserved > dax0.0"
        hmem_inner_in_iomem=False,
        region_dax_after_hmem=False,
        honours_lock=False,           # no region-level lock handling
        region_locked_attr=False,
        dax_memmap_attr=False,        # daxX.Y/memmap_on_memory is 6.8+
    ),
    Generation(
        "defer-always",
        assembles_regions=True,
        dax_cxl=True,
        sr_in_iomem=True,
        hmem_platform=True,
        hmem_in_window="defer",       # "deferring range to CXL" while a CXL Window resource covers it
        hmem_dax_driver="kmem-only",  # since 6.3 device_dax leaves dax_hmem's devices alone
        hmem_keeps_resource=False,
        hmem_outer_in_iomem=False,
        hmem_inner_in_iomem=True,     # "Soft Reserved > hmem.0"
        region_dax_after_hmem=False,
        honours_lock=False,           # the decoder reset is written whatever decoderX.Y/locked says
        region_locked_attr=False,
        dax_memmap_attr=True,
    ),
    Generation(
        "resolve-once",
        assembles_regions=True,
        dax_cxl=True,
        sr_in_iomem=False,            # only hmem/dax/region results in /proc/iomem
        hmem_platform=True,
        hmem_in_window="resolve",     # CXL claims a range its regions cover, hmem registers the rest
        hmem_dax_driver="kmem-only",
        hmem_keeps_resource=False,
        hmem_outer_in_iomem=False,
        hmem_inner_in_iomem=False,
        region_dax_after_hmem=True,   # dax_cxl registers after dax_hmem decided (the -12 conflict)
        honours_lock=True,            # 7.0+: no decoder reset for a locked region
        region_locked_attr=True,      # regionZ/locked (7.1)
        dax_memmap_attr=True,
    ),
)}


class KernelError(Exception):
    def __init__(self, err, why):
        super().__init__(why)
        self.errno = err
        self.why = why


class Decoder:
    """One HDM decoder: the hardware registers (start, size, committed, lock,
    interleave) and the kernel's view of it (its region).  A memdev's decoders
    exist as long as the device does; sysfs shows them only while the
    endpoint port does (cxl_mem bound, cxl_acpi bound)."""

    def __init__(self, port_id, idx, kind):
        self.port_id, self.idx, self.kind = port_id, idx, kind
        self.start, self.size = 0, 0
        self.mode, self.dpa_size = "none", 0
        self.committed = False
        self.locked = False  # lock-on-commit, set by the firmware that committed it
        self.ways, self.granularity, self.pos = 1, 256, 0
        self.region = None
        self.targets = "0"

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


class Region:
    def __init__(self, rid, window, mode):
        self.id, self.window, self.mode = rid, window, mode
        self.start, self.size = None, 0
        self.ways, self.granularity = 1, 256
        self.targets = []
        self.committed = self.enabled = False
        self.locked = False
        self.probe_fails = False
        self.dax = None
        self.dax_conflict = False
        self.uuid = ""

    @property
    def name(self):
        return f"region{self.id}"

    @property
    def end(self):
        return self.start + self.size - 1


class Kernel:
    def __init__(self, plat):
        self.plat = plat
        self.behaviour = plat.behaviour
        self.gen = GENERATIONS[plat.behaviour]
        self.release = plat.release
        self.windows = plat.windows
        self.log = []
        self.nstores = 0
        self.faults = []  # (glob, errno or None, stall seconds, remaining count)
        self.listeners = []
        self.cxl_acpi = plat.cxl_acpi
        self.cxl_mem_loaded = plat.cxl_mem
        self.hmem_platform = self.gen.hmem_platform
        self.unbound_ports = set()  # cxl_port devices whose driver was unbound
        self.next_port = 1
        self.host_ports = {}
        for hb in plat.host_bridges:
            self.host_ports[hb["uid"]] = {"id": self.next_port, "hb": hb,
                                          "decoders": [Decoder(self.next_port, i, "switch") for i in range(NDECODERS)]}
            self.next_port += 1
        self.memdevs = []
        for m in plat.memdevs:
            self.memdevs.append(dict(m, endpoint=None, decoders=[], driver="", mem={}))
        self.regions = []
        self.next_region = 0
        self.hmem = []
        self.dax = []
        self.blocks = {}  # memory block index -> {"online": bool, "zone": str, "node": int}
        self.booted = False
        for m in self.memdevs:
            if m["present"] and m["appear_at"] <= 0:
                self.attach_memdev(m)
            else:
                m["present"] = False
        self.program_firmware_decoders()
        self.assemble_regions()
        self.hmem_platform_probe()
        # resolve-once: dax_cxl registers only after dax_hmem decided, so a region
        # overlapping a range hmem registered loses its dax region (-12).
        for r in self.regions:
            if r.enabled:
                self.attach_region_dax(r)
        self.booted = True
        for rd in plat.region_desc:
            if not rd["firmware"] and rd["committed"] and self.cxl_acpi:
                self.admin_region(rd)

    # ---- topology ----

    def attach_memdev(self, m):
        """The device is there (cxl_pci registered memN); cxl_mem probes it."""
        m["present"] = True
        m["endpoint"] = self.next_port
        m["decoders"] = [Decoder(self.next_port, i, "endpoint") for i in range(NDECODERS)]
        m["mem"] = {}  # a new device: its DPA holds nothing yet
        self.next_port += 1
        m["driver"] = "cxl_mem" if self.cxl_mem_loaded and not m["probe_fails"] else ""

    def endpoint_visible(self, m):
        """The endpoint port (and so its decoders) is in sysfs: cxl_acpi built
        the topology, cxl_mem probed the memdev, no port above was unbound."""
        return (self.cxl_acpi and m["present"] and m["driver"] == "cxl_mem"
                and self.host_ports[m["host_bridge"]]["id"] not in self.unbound_ports
                and m["endpoint"] not in self.unbound_ports)

    def detach_memdev(self, m):
        for fs in self.fw_sets:  # its firmware decoders go with it
            fs["targets"] = [None if d in m["decoders"] else d for d in fs["targets"]]
        for r in list(self.regions):
            if any(self.decoder(t) in m["decoders"] for t in r.targets if t):
                if r.dax and self.dax_online(r.dax):
                    raise KernelError(errno.EBUSY, f"{r.name} has online memory")
                self.drop_region_dax(r)
                self.region_reset_decoders(r)
                self.regions.remove(r)
        m["present"] = False
        m["endpoint"] = None
        m["decoders"] = []
        m["mem"] = {}
        m["driver"] = ""

    def memdev(self, name):
        return next((m for m in self.memdevs if m["name"] == name and m["present"]), None)

    def decoder(self, name):
        """A decoder by its sysfs name: only decoders sysfs shows."""
        for m in self.memdevs:
            if not self.endpoint_visible(m):
                continue
            for d in m["decoders"]:
                if d.name == name:
                    return d
        for p in self.host_ports.values():
            for d in p["decoders"]:
                if d.name == name:
                    return d
        return None

    def memdev_of_decoder(self, d):
        return next((m for m in self.memdevs if d in m["decoders"]), None)

    def free_decoder(self, decoders):
        return next((d for d in decoders if not d.committed and d.size == 0 and d.dpa_size == 0), None)

    def dpa_base(self, m, d):
        """DPA is handed out in decoder order."""
        return sum(x.dpa_size for x in m["decoders"] if x.idx < d.idx)

    def program_firmware_decoders(self):
        """Decoders the firmware committed: programmed before the OS starts; a
        device that shows up later brings its programmed decoder with it."""
        self.fw_sets = [{"desc": rd, "targets": [None] * len(rd["targets"])}
                        for rd in self.plat.region_desc if rd["firmware"] and rd["committed"]]
        for m in self.memdevs:
            if m["present"]:
                self.program_memdev(m)

    def program_memdev(self, m):
        for fs in self.fw_sets:
            rd = fs["desc"]
            for pos, t in enumerate(rd["targets"]):
                if t != m["name"] or fs["targets"][pos] is not None:
                    continue
                d = self.free_decoder(m["decoders"])
                ways, size = len(rd["targets"]), rd["end"] - rd["start"] + 1
                d.mode, d.dpa_size = rd["mode"], size // ways
                d.program(rd["start"], size, ways, rd["granularity"], pos)
                d.locked = rd["locked"]
                fs["targets"][pos] = d  # the hardware decoder, whatever its sysfs name
                port = self.host_ports[m["host_bridge"]]
                h = next((x for x in port["decoders"] if x.committed and x.start == rd["start"]), None)
                if h is None:
                    h = self.free_decoder(port["decoders"])
                    h.program(d.start, d.size, 1, rd["granularity"])
                h.locked = rd["locked"]

    def assemble_regions(self):
        """Auto-assembly (6.3+): endpoint decoders the firmware committed, all
        still committed and all visible in sysfs, become a region."""
        if not (self.cxl_acpi and self.gen.assembles_regions):
            return
        for fs in self.fw_sets:
            rd = fs["desc"]
            ds = fs["targets"]
            if not rd["assemble"] or None in ds:
                continue
            if any(r.start == rd["start"] for r in self.regions if r.start is not None):
                continue
            if not all(d.committed and d.start == rd["start"] and d.region is None
                       and self.endpoint_visible(self.memdev_of_decoder(d)) for d in ds):
                continue
            r = Region(self.next_region, rd["window"], rd["mode"])
            self.next_region += 1
            r.start, r.size = rd["start"], rd["end"] - rd["start"] + 1
            r.ways, r.granularity = len(rd["targets"]), rd["granularity"]
            r.targets = [d.name for d in ds]
            r.committed = True
            r.locked = any(d.locked for d in ds)
            r.probe_fails = rd["probe_fails"]
            for d in ds:
                d.region = r.name
            for p in self.host_ports.values():
                for h in p["decoders"]:
                    if h.committed and h.start == r.start:
                        h.region = r.name
            self.regions.append(r)
            if r.probe_fails:
                continue  # "cxl region0: probe failed": committed, not bound
            self.region_enable(r, attach_dax=not self.gen.region_dax_after_hmem or self.booted)

    def admin_region(self, rd):
        """A region an administrator created after boot (cxl create-region)."""
        r = Region(self.next_region, rd["window"], rd["mode"])
        self.next_region += 1
        r.start, r.size = rd["start"], rd["end"] - rd["start"] + 1
        r.ways, r.granularity = len(rd["targets"]), rd["granularity"]
        for t in rd["targets"]:
            d = self.free_decoder(self.memdev(t)["decoders"])
            d.dpa_size, d.mode = r.size // r.ways, rd["mode"]
            r.targets.append(d.name)
        self.regions.append(r)
        self.region_commit(r)
        self.region_enable(r)

    # ---- Soft Reserved and hmem ----

    def sr_in_iomem(self):
        return self.gen.sr_in_iomem

    def hmem_platform_probe(self):
        """dax_hmem walks the Soft Reserved ranges (hmem_platform probe).  It
        defers to the "CXL Window N" resources cxl_acpi inserts, not to the
        regions: once cxl_acpi is unbound nothing defers."""
        rule = self.gen.hmem_in_window
        for s, e in self.plat.sr_units():
            if any(h["start"] == s and h["end"] == e for h in self.hmem):
                continue
            inwin = self.cxl_acpi and self.plat.in_any_window(s, e)
            if inwin and rule == "defer":
                continue  # "deferring range to CXL"
            if inwin and rule == "resolve" and self.covered_by_regions(s, e):
                continue  # "CXL claims resource, dropping"
            if inwin and rule == "resolve" and self.booted and any(
                    r.start is not None and intersects(s, e, r.start, r.end) for r in self.regions):
                continue  # a released region keeps its resource: no registration (measured)
            hid = len(self.hmem)
            h = {"name": f"hmem.{hid}", "id": hid, "start": s, "end": e, "bound": True}
            self.hmem.append(h)
            self.hmem_attach_dax(h)

    def covered_by_regions(self, s, e):
        cur = s
        for r in sorted((r for r in self.regions if r.committed and r.enabled), key=lambda r: r.start):
            if r.start > cur:
                return False
            cur = max(cur, r.end + 1)
            if cur > e:
                return True
        return cur > e

    def dax_region_id(self, want):
        """dax region ids are the region's or the hmem device's id; two that
        collide would fail device_add, so the simulation takes the next free."""
        used = {d["region_id"] for d in self.dax}
        while want in used:
            want += 1
        return want

    def hmem_attach_dax(self, h):
        rid = self.dax_region_id(h["id"])
        conflict = any(r.enabled and intersects(h["start"], h["end"], r.start, r.end) for r in self.regions)
        d = {"name": f"dax{rid}.0", "region_id": rid, "kind": "hmem", "parent": h["name"],
             "start": h["start"], "end": h["end"], "node": self.plat.node_of(h["start"], h["end"]),
             "driver": ""}
        self.dax.append(d)
        h["dax"] = d
        # Since 6.3 dax_hmem's devices prefer kmem: device_dax leaves them alone
        # (measured: unbound on 7.2 without kmem).  kmem cannot reserve a range a
        # region holds part of (-16).
        # 6.1 binds them to device_dax whether or not kmem is loaded (measured).
        if self.gen.hmem_dax_driver == "device_dax":
            drv = "device_dax"
        else:
            drv = "kmem" if self.plat.kmem and not conflict else ""
        self.dax_bind(d, drv) if drv else None

    # ---- regions ----

    def window_free(self, w, size, exclude=None):
        """Lowest free HPA in window w for size bytes (alloc_free_mem_region)."""
        win = self.windows[w]
        busy = [(r.start, r.end) for r in self.regions if r.start is not None and r is not exclude]
        if self.sr_in_iomem():
            busy += [(s, e) for s, e in self.plat.sr_units()]  # "Soft Reserved" resources are busy
        # 6.1 keeps an unbound hmem device's resource; later kernels release it.
        busy += [(h["start"], h["end"]) for h in self.hmem if h["bound"] or self.gen.hmem_keeps_resource]
        align = 256 * MiB * max(1, win["ways"])
        cur = win["start"]
        while cur + size - 1 <= win["end"]:
            hit = next(((s, e) for s, e in busy if intersects(cur, cur + size - 1, s, e)), None)
            if not hit:
                return cur
            cur = ((hit[1] + 1 + align - 1) // align) * align
        return None

    def region_commit(self, r):
        if r.size == 0 or r.start is None:
            raise KernelError(errno.ENXIO, f"{r.name}: no size")
        if len(r.targets) != r.ways or None in r.targets:
            raise KernelError(errno.ENXIO, f"{r.name}: targets not set")
        for pos, t in enumerate(r.targets):
            d = self.decoder(t)
            d.program(r.start, r.size, r.ways, r.granularity, pos)
            d.region = r.name
            m = self.memdev_of_decoder(d)
            port = self.host_ports[m["host_bridge"]]
            if not any(x.committed and x.start == r.start for x in port["decoders"]):
                h = self.free_decoder(port["decoders"])
                if h:
                    h.program(r.start, r.size, 1, r.granularity)
                    h.region = r.name
        r.committed = True

    def region_decoders(self, r):
        """The region's decoders, endpoints highest first, then the host bridges'."""
        eps = [self.decoder_any(t) for t in r.targets if t]
        eps = sorted((d for d in eps if d), key=lambda d: -d.idx)
        hbs = [d for p in self.host_ports.values() for d in p["decoders"]
               if d.committed and (d.region == r.name or d.start == r.start)]
        return eps + hbs

    def decoder_any(self, name):
        """A decoder by name, visible in sysfs or not."""
        for m in self.memdevs:
            for d in m["decoders"]:
                if d.name == name:
                    return d
        return self.decoder(name)

    def region_keeps_decode(self, r):
        """A locked region's decoders survive a tear-down on generations that
        honour the lock (7.0+); 6.12 writes the reset regardless."""
        return r.locked and self.gen.honours_lock

    def region_reset_decoders(self, r):
        """cxl_region_decode_reset: every decoder of the region stops decoding,
        unless the generation honours the region's lock.  Returns whether it did."""
        if not r.committed:
            return True
        if self.region_keeps_decode(r):
            for d in self.region_decoders(r):
                d.region = None
            return False
        for d in self.region_decoders(r):
            d.decommit()
            d.region = r.name if d.kind == "endpoint" else None
        r.committed = False
        return True

    def region_reset(self, r):
        """commit=0: reset the HDM decoders, highest first; the HPA stops decoding.
        On 7.0+ a locked region refuses (EPERM) and keeps decoding."""
        if r.enabled:
            raise KernelError(errno.EBUSY, f"{r.name} is enabled")
        if self.region_keeps_decode(r):
            raise KernelError(errno.EPERM, f"{r.name} is locked")
        self.region_reset_decoders(r)

    def region_enable(self, r, attach_dax=True):
        if not r.committed:
            raise KernelError(errno.ENXIO, f"{r.name} is not committed")
        if r.probe_fails:
            raise KernelError(errno.ENXIO, f"{r.name}: probe failed")
        r.enabled = True
        if attach_dax:
            self.attach_region_dax(r)

    def attach_region_dax(self, r):
        """dax_cxl (6.12+): a ram region gets a dax region, unless an hmem
        resource overlaps it (the dax_region conflict, -12)."""
        if r.mode != "ram" or not self.gen.dax_cxl or r.dax:
            return
        r.dax_conflict = False
        if any(h["bound"] and intersects(h["start"], h["end"], r.start, r.end) for h in self.hmem):
            r.dax_conflict = True  # "dax_region resource conflict"
            return
        rid = self.dax_region_id(r.id)
        d = {"name": f"dax{rid}.0", "region_id": rid, "kind": "cxl", "parent": r.name,
             "start": r.start, "end": r.end, "node": self.plat.node_of(r.start, r.end), "driver": ""}
        self.dax.append(d)
        r.dax = d
        self.dax_bind(d, self.plat.dax_driver())

    def drop_region_dax(self, r):
        if r.dax:
            self.dax_remove(r.dax)
            r.dax = None

    def region_disable(self, r):
        if r.dax and self.dax_online(r.dax):
            raise KernelError(errno.EBUSY, f"{r.name}: memory of {r.dax['name']} is online")
        self.drop_region_dax(r)
        r.enabled = False

    def region(self, name):
        return next((r for r in self.regions if r.name == name), None)

    def regions_of(self, m):
        return [r for r in self.regions if any(self.decoder_any(t) in m["decoders"] for t in r.targets if t)]

    def endpoints_gone(self, ms, change):
        """Endpoint ports go (cxl_mem or a port unbound): every region with a
        target among them is unbound and its decoders reset (cxl_region_detach);
        endpoint decoders with no region stay committed.  change() makes the
        endpoints invisible; it runs after the checks."""
        hit = [r for r in self.regions if any(r in self.regions_of(m) for m in ms)]
        for r in hit:
            if r.dax and self.dax_online(r.dax):
                raise KernelError(errno.EBUSY, f"{r.name} has online memory")
        for r in hit:
            self.drop_region_dax(r)
            r.enabled = False
            self.region_reset_decoders(r)
            for pos, t in enumerate(r.targets):
                d = self.decoder_any(t) if t else None
                if d and any(d in m["decoders"] for m in ms):
                    r.targets[pos] = None
                    d.region = None
        change()
        for m in ms:
            for d in m["decoders"]:
                if not d.committed:  # the DPA reservations go with the endpoint
                    d.reset()

    # ---- decode and memory ----

    def translate(self, hpa):
        """The device address an HPA reaches, as the hardware decodes it:
        (memdev, DPA, bytes until the granule or decoder ends) or None.  A CXL
        window routes it to a host bridge whose committed decoder covers it, to
        an endpoint whose committed decoder covers it and whose interleave
        position it selects.  Sysfs visibility does not matter: this is the
        hardware."""
        if not any(w["start"] <= hpa <= w["end"] for w in self.windows):
            return None
        for m in self.memdevs:
            if not m["present"]:
                continue
            port = self.host_ports[m["host_bridge"]]
            if not any(h.committed and h.start <= hpa <= h.end for h in port["decoders"]):
                continue
            for d in m["decoders"]:
                if not (d.committed and d.start <= hpa <= d.end):
                    continue
                off = hpa - d.start
                chunk, within = divmod(off, d.granularity)
                if chunk % d.ways != d.pos:
                    continue
                dpa = self.dpa_base(m, d) + (chunk // d.ways) * d.granularity + within
                return m, dpa, min(d.granularity - within, d.end + 1 - hpa)
        return None

    def _pieces(self, hpa, n):
        """(length, memdev, DPA) pieces within one granule and one store page;
        memdev None where nothing decodes."""
        end = hpa + n
        while hpa < end:
            t = self.translate(hpa)
            if t is None:
                step, m, dpa = PAGE - hpa % PAGE, None, None
            else:
                m, dpa, run = t
                step = min(run, PAGE - dpa % PAGE)
            step = min(step, end - hpa)
            yield step, m, dpa
            hpa += step

    def mem_read(self, hpa, n):
        """Bytes at an HPA: what was written where it decodes, zeros elsewhere."""
        out = bytearray()
        for k, m, dpa in self._pieces(hpa, n):
            if m is None:
                out += bytes(k)
                continue
            page = m["mem"].get(dpa // PAGE)
            o = dpa % PAGE
            out += page[o:o + k] if page is not None else bytes(k)
        return bytes(out)

    def mem_write(self, hpa, data):
        """A store to an HPA: kept where it decodes, dropped elsewhere (QEMU)."""
        pos = 0
        for k, m, dpa in self._pieces(hpa, len(data)):
            if m is not None:
                page = m["mem"].setdefault(dpa // PAGE, bytearray(PAGE))
                o = dpa % PAGE
                page[o:o + k] = data[pos:pos + k]
            pos += k

    def decoded(self):
        """Committed endpoint decoders whose HPA decodes end to end:
        (start, end, memdev, hardware index, sysfs name or None, region or None)."""
        out = []
        for m in self.memdevs:
            if not m["present"]:
                continue
            for d in m["decoders"]:
                if d.committed and self.translate_decoder(m, d):
                    out.append((d.start, d.end, m["name"], d.idx,
                                d.name if self.endpoint_visible(m) else None, d.region))
        return sorted(out)

    def translate_decoder(self, m, d):
        """Whether the host side routes the decoder's range to it."""
        port = self.host_ports[m["host_bridge"]]
        return (any(w["start"] <= d.start and d.end <= w["end"] for w in self.windows)
                and any(h.committed and h.start <= d.start and d.end <= h.end for h in port["decoders"]))

    def dax_io(self, name, offset, data=None, size=0):
        """pread/pwrite at offset of /dev/NAME: HPA resource + offset.  ENXIO
        unless device_dax drives it (no character device behind it otherwise)."""
        d = self.dax_dev(name)
        if d is None or d["driver"] != "device_dax":
            raise KernelError(errno.ENXIO, name)
        length = d["end"] - d["start"] + 1
        if offset >= length:
            if data is None:
                return b""
            raise KernelError(errno.ENOSPC, name)
        if data is None:
            return self.mem_read(d["start"] + offset, min(size, length - offset))
        data = bytes(data[:length - offset])
        self.mem_write(d["start"] + offset, data)
        return len(data)

    # ---- dax and memory ----

    def dax_online(self, d):
        return any(self.blocks.get(i, {}).get("online") for i in self.block_range(d))

    def block_range(self, d):
        return range(d["start"] // BLOCK, d["end"] // BLOCK + 1)

    def dax_bind(self, d, drv):
        d["driver"] = drv
        if drv == "kmem":
            online = self.plat.online_zone in ("movable", "normal")
            zone = "Movable" if self.plat.online_zone == "movable" else "Normal"
            for i in self.block_range(d):
                self.blocks[i] = {"online": online, "zone": zone, "node": d["node"]}

    def dax_unbind(self, d):
        if d["driver"] == "kmem":
            if self.dax_online(d):
                raise KernelError(errno.EBUSY, f"{d['name']}: memory online")
            for i in self.block_range(d):
                self.blocks.pop(i, None)
        d["driver"] = ""

    def dax_remove(self, d):
        if d["driver"] == "kmem" and self.dax_online(d):
            raise KernelError(errno.EBUSY, f"{d['name']}: memory online")
        self.dax_unbind(d)
        self.dax.remove(d)

    def dax_attr_store(self, name, attr, v):
        """drivers/dax/bus.c: align only while no driver is bound (EBUSY), a
        page, PMD or PUD size the device's size is a multiple of (EINVAL),
        ENXIO for a number that does not parse; memmap_on_memory (6.8+) not
        while kmem drives the device and the value differs (EBUSY)."""
        d = self.dax_dev(name)
        if d is None:
            raise KernelError(errno.ENODEV, name)
        if attr == "align":
            try:
                a = int(v, 0)
            except ValueError:
                raise KernelError(errno.ENXIO, v)
            if a not in (4096, 2 * MiB, 1024 * MiB):
                raise KernelError(errno.EINVAL, v)
            if d["driver"]:
                raise KernelError(errno.EBUSY, f"{name} is bound")
            if (d["end"] - d["start"] + 1) % a or d["start"] % a:
                raise KernelError(errno.EINVAL, f"{name}: size not aligned to {a}")
            d["align"] = a
            return
        if not self.gen.dax_memmap_attr:
            raise KernelError(errno.ENOENT, attr)
        if v.lower() in ("1", "y", "yes", "on", "true"):
            val = True
        elif v.lower() in ("0", "n", "no", "off", "false"):
            val = False
        else:
            raise KernelError(errno.EINVAL, v)
        if d["driver"] == "kmem" and d.get("memmap_on_memory", False) != val:
            raise KernelError(errno.EBUSY, f"{name} is driven by kmem")
        d["memmap_on_memory"] = val

    def dax_dev(self, name):
        return next((d for d in self.dax if d["name"] == name), None)

    # ---- the stores ----

    def write(self, path, value):
        """A sysfs store: returns None or raises KernelError.  Logged either way."""
        value = value.rstrip(b"\0").decode(errors="replace").strip()
        err = None
        if path != "/sys/bus/cxl/flush":
            self.nstores += 1
        for f in self.faults:
            hit = (f["nth"] == self.nstores and path != "/sys/bus/cxl/flush") if "nth" in f \
                else fnmatch.fnmatch(path, f["glob"])
            if hit and f["count"] != 0:
                f["count"] -= 1
                if f.get("stall"):
                    time.sleep(f["stall"])
                if f.get("errno"):
                    err = KernelError(f["errno"], "injected fault")
                    break
        if err is None:
            try:
                self.store(path, value)
            except KernelError as e:
                err = e
        if path != "/sys/bus/cxl/flush":  # libcxl writes it before every directory read
            self.log.append((time.monotonic(), path, value, err.errno if err else 0))
        if err:
            raise err
        for cb in self.listeners:
            cb()

    def store(self, path, v):
        p = path.split("/")
        name = p[-1]
        if path == "/sys/bus/cxl/flush":
            return
        if path.startswith("/sys/bus/") and "/drivers/" in path and name in ("bind", "unbind", "new_id", "remove_id"):
            return self.driver_store(p[3], p[5], name, v)
        if path.startswith("/sys/devices/system/memory/memory") and name == "state":
            return self.block_store(int(p[-2][6:]), v)
        if name in ("align", "memmap_on_memory") and p[-2].startswith("dax") and "." in p[-2]:
            return self.dax_attr_store(p[-2], name, v)
        if "/root0/decoder0." in path:
            return self.root_store(p, v)
        if "/endpoint" in path and name in ("mode", "dpa_size"):
            d = self.decoder(p[-2])
            if d is None:
                raise KernelError(errno.ENODEV, p[-2])
            if d.committed:
                raise KernelError(errno.EBUSY, "decoder committed")
            if name == "mode":
                if v not in ("ram", "pmem"):
                    raise KernelError(errno.EINVAL, v)
                d.mode = v
            else:
                size = int(v, 0)
                # DPA is handed out in decoder order: decoderN.k while a lower
                # one of the same endpoint has none fails with EBUSY (measured
                # on 7.2: dpa_size on decoder2.3 with decoder2.0 free).
                same = next(m["decoders"] for m in self.memdevs if d in m["decoders"])
                if size and any(x.dpa_size == 0 for x in same if x.idx < d.idx):
                    raise KernelError(errno.EBUSY, "decoders must be allocated in order")
                d.dpa_size = size
            return
        raise KernelError(errno.EACCES, f"{path}: not writable")

    def root_store(self, p, v):
        w = int(p[p.index("root0") + 1].split(".")[1])
        name = p[-1]
        if len(p) == p.index("root0") + 3:  # decoder0.N/<attr>
            if name in ("create_ram_region", "create_pmem_region"):
                if v != f"region{self.next_region}":
                    raise KernelError(errno.EINVAL, f"expected region{self.next_region}")
                r = Region(self.next_region, w, "ram" if "ram" in name else "pmem")
                self.next_region += 1
                r.granularity = self.windows[w]["granularity"]
                self.regions.append(r)
                return
            if name == "delete_region":
                r = self.region(v)
                if not r or r.window != w:
                    raise KernelError(errno.ENODEV, v)
                if r.enabled:
                    raise KernelError(errno.EBUSY, f"{v} is enabled")
                # The decoders reset with the region, unless the generation
                # honours its lock: then they stay committed with no region.
                if self.region_reset_decoders(r):
                    for t in r.targets:
                        d = self.decoder_any(t) if t else None
                        if d:
                            d.reset()
                self.regions.remove(r)
                return
            raise KernelError(errno.EACCES, name)
        r = self.region(p[-2])
        if r is None:
            raise KernelError(errno.ENODEV, p[-2])
        if name == "commit":
            if v not in ("0", "1"):
                raise KernelError(errno.EINVAL, v)
            return self.region_commit(r) if v == "1" else self.region_reset(r)
        if r.committed:
            raise KernelError(errno.EBUSY, f"{r.name} is committed")
        if name == "size":
            size = int(v, 0)
            if size == 0 or size % (256 * MiB * r.ways):
                raise KernelError(errno.EINVAL, "size")
            start = self.window_free(r.window, size, exclude=r)
            if start is None:
                raise KernelError(errno.ERANGE, "HPA allocation")  # -34, as measured
            r.start, r.size = start, size
        elif name == "interleave_ways":
            r.ways = int(v, 0)
        elif name == "interleave_granularity":
            r.granularity = int(v, 0)
        elif name == "uuid":
            r.uuid = v
        elif name.startswith("target"):
            pos = int(name[6:])
            if pos >= r.ways:
                raise KernelError(errno.ENXIO, name)
            while len(r.targets) < r.ways:
                r.targets.append(None)
            if v == "":
                r.targets[pos] = None
                return
            d = self.decoder(v)
            if not d or d.kind != "endpoint" or d.dpa_size == 0 or d.committed:
                raise KernelError(errno.ENXIO, v)
            r.targets[pos] = v
            d.region = r.name
        else:
            raise KernelError(errno.EACCES, name)

    def driver_store(self, bus, drv, op, v):
        if op in ("new_id", "remove_id"):
            return
        if bus == "cxl" and drv == "cxl_region":
            r = self.region(v)
            if not r:
                raise KernelError(errno.ENODEV, v)
            if op == "bind":
                if r.enabled:
                    raise KernelError(errno.EBUSY, v)
                return self.region_enable(r)
            if not r.enabled:
                raise KernelError(errno.ENODEV, v)
            return self.region_disable(r)
        if bus == "platform" and drv == "cxl_acpi":
            if v != "ACPI0017:00":
                raise KernelError(errno.ENODEV, v)
            if op == "unbind":
                if not self.cxl_acpi:
                    raise KernelError(errno.ENODEV, v)
                for r in self.regions:
                    if r.dax and self.dax_online(r.dax):
                        raise KernelError(errno.EBUSY, f"{r.name} has online memory")
                # The windows and every region go.  Each region's decoders reset
                # (unless its lock is honoured); endpoint decoders with no region
                # stay committed and keep decoding.
                for r in list(self.regions):
                    self.drop_region_dax(r)
                    self.region_reset_decoders(r)
                    for t in r.targets:
                        d = self.decoder_any(t) if t else None
                        if d and not d.committed:
                            d.reset()
                        elif d:
                            d.region = None
                self.regions = []
                self.cxl_acpi = False
                for m in self.memdevs:
                    for d in m["decoders"]:
                        if not d.committed:
                            d.reset()  # DPA reservations go with the endpoints
                return
            if self.cxl_acpi:
                raise KernelError(errno.EBUSY, v)
            self.cxl_acpi = True
            self.assemble_regions()
            return
        if bus == "cxl" and drv == "cxl_mem":
            m = self.memdev(v)
            if m is None:
                raise KernelError(errno.ENODEV, v)
            if op == "unbind":
                if m["driver"] != "cxl_mem":
                    raise KernelError(errno.ENODEV, v)
                return self.endpoints_gone([m], lambda: m.update(driver=""))
            if m["driver"]:
                raise KernelError(errno.EBUSY, v)
            if m["probe_fails"] or not self.cxl_acpi:
                raise KernelError(errno.ENXIO, f"{v}: probe failed")
            m["driver"] = "cxl_mem"
            self.assemble_regions()
            return
        if bus == "cxl" and drv == "cxl_port":
            pid = int(v[8:]) if v.startswith("endpoint") else int(v[4:]) if v.startswith("port") else None
            below = [m for m in self.memdevs if m["present"] and
                     pid in (m["endpoint"], self.host_ports[m["host_bridge"]]["id"])]
            known = {p["id"] for p in self.host_ports.values()} | {m["endpoint"] for m in self.memdevs}
            if pid is None or pid not in known or not self.cxl_acpi:
                raise KernelError(errno.ENODEV, v)
            if op == "unbind":
                if pid in self.unbound_ports:
                    raise KernelError(errno.ENODEV, v)
                return self.endpoints_gone(below, lambda: self.unbound_ports.add(pid))
            if pid not in self.unbound_ports:
                raise KernelError(errno.EBUSY, v)
            self.unbound_ports.discard(pid)
            self.assemble_regions()
            return
        if bus == "platform" and drv == "hmem":
            h = next((h for h in self.hmem if h["name"] == v), None)
            if not h:
                raise KernelError(errno.ENODEV, v)
            if op == "unbind":
                if not h["bound"]:
                    raise KernelError(errno.ENODEV, v)
                if h.get("dax"):
                    self.dax_remove(h["dax"])
                    h["dax"] = None
                h["bound"] = False
                return
            if h["bound"]:
                raise KernelError(errno.EBUSY, v)
            h["bound"] = True
            self.hmem_attach_dax(h)
            return
        if bus == "platform" and drv == "hmem_platform":
            if v != "hmem_platform.0" or not self.gen.hmem_platform:
                raise KernelError(errno.ENODEV, v)
            if op == "unbind":
                if not self.hmem_platform:
                    raise KernelError(errno.ENODEV, v)
                for h in list(self.hmem):
                    if h.get("dax"):
                        self.dax_remove(h["dax"])
                self.hmem = []
                self.hmem_platform = False
                return
            if self.hmem_platform:
                raise KernelError(errno.EBUSY, v)
            self.hmem_platform = True
            self.hmem_platform_probe()
            return
        if bus == "dax" and drv in ("device_dax", "kmem"):
            if drv == "kmem" and not self.plat.kmem_driver:
                raise KernelError(errno.ENOENT, f"/sys/bus/dax/drivers/kmem/{op}")
            d = self.dax_dev(v)
            if not d:
                raise KernelError(errno.ENODEV, v)
            if op == "unbind":
                if d["driver"] != drv:
                    raise KernelError(errno.ENODEV, v)
                return self.dax_unbind(d)
            if d["driver"]:
                raise KernelError(errno.EBUSY, v)
            if drv == "kmem" and d["kind"] == "hmem" and any(
                    r.enabled and intersects(d["start"], d["end"], r.start, r.end) for r in self.regions):
                raise KernelError(errno.EBUSY, "kmem: cannot reserve the range")  # -16
            return self.dax_bind(d, drv)
        raise KernelError(errno.ENODEV, f"{bus}/{drv}")

    def block_store(self, idx, v):
        b = self.blocks.get(idx)
        if b is None:
            raise KernelError(errno.ENODEV, f"memory{idx}")
        if v == "offline":
            b["online"] = False
        elif v in ("online", "online_movable", "online_kernel"):
            b["online"] = True
            b["zone"] = "Normal" if v == "online_kernel" else "Movable" if v == "online_movable" else b["zone"]
        else:
            raise KernelError(errno.EINVAL, v)

    # ---- hotplug, driven by the timeline or the control file ----

    def hot_add(self, name, serial=None, ram=None, firmware_decoders=True):
        m = next((m for m in self.memdevs if m["name"] == name), None)
        if m is None:
            raise KernelError(errno.ENODEV, name)
        if m["present"]:
            raise KernelError(errno.EEXIST, name)
        if serial is not None:
            m["serial"] = serial
        if ram is not None:
            m["ram"] = ram
        self.attach_memdev(m)
        # OS-first hotplug: no firmware programs the new device's decoders.
        if firmware_decoders:
            self.program_memdev(m)
        self.assemble_regions()
        for cb in self.listeners:
            cb()

    def timeline(self):
        """(seconds, "add"|"remove", memdev) in order: devices that appear late."""
        ev = [(m["appear_at"], "add", m["name"]) for m in self.plat.memdevs if m["appear_at"] > 0]
        ev += [(float(e["at"]), "remove" if "remove" in e else "add", e.get("remove") or e.get("add"))
               for e in self.plat.timeline]
        return sorted(ev)

    def settle(self):
        """Plays the whole timeline at once: the state once every device is there."""
        for _, op, name in self.timeline():
            try:
                self.hot_add(name) if op == "add" else self.hot_remove(name)
            except KernelError:
                pass

    def hot_remove(self, name):
        m = self.memdev(name)
        if m is None:
            raise KernelError(errno.ENODEV, name)
        self.detach_memdev(m)
        for cb in self.listeners:
            cb()
