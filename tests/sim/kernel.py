# SPDX-License-Identifier: GPL-2.0-or-later
"""The simulated kernel: CXL and DAX objects as state (records.py), and the
operations that change them, with the semantics (and errnos) of each kernel
generation (generations.py).

A Kernel boots from a Platform description (the firmware's facts), then
changes as the stores (stores.py, routed by the renderer) and hotplug ask:
region creation and commit, decoder reset and region deletion, driver
bind/unbind for cxl_region, cxl_acpi, cxl_mem, cxl_port, hmem,
hmem_platform, device_dax and kmem, memory block online/offline, and memdev
hot add/remove.  It also models the memory behind the HPA as the hardware
decodes it.  The renderer turns the state into files; the FUSE server serves
them live, with fault injection and the store log (faults.py) around the
stores.
"""

import errno

from generations import GENERATIONS
from records import DaxDevice, Decoder, FirmwareSet, HmemDevice, HostPort, Memdev, MemoryBlock, Region
from sim_platform import BLOCK, MiB, intersects

NDECODERS = 4  # HDM decoders per port, as QEMU's type-3 device and host bridge have
PAGE = 4096  # the memory store's unit


class KernelError(Exception):
    def __init__(self, err, why):
        super().__init__(why)
        self.errno = err
        self.why = why


class Kernel:
    def __init__(self, plat):
        self.plat = plat
        self.gen = GENERATIONS[plat.behaviour]
        self.release = plat.release
        self.windows = plat.windows
        self.cxl_acpi = plat.cxl_acpi
        self.cxl_mem_loaded = plat.cxl_mem
        self.hmem_platform = self.gen.hmem_platform
        self.unbound_ports = set()  # cxl_port devices whose driver was unbound
        self.next_port = 1
        self.host_ports = {}
        for hb in plat.host_bridges:
            self.host_ports[hb.uid] = HostPort(self.next_port, hb,
                                               [Decoder(self.next_port, i, "switch") for i in range(NDECODERS)])
            self.next_port += 1
        self.memdevs = [Memdev.from_spec(m) for m in plat.memdevs]
        self.regions = []
        self.next_region = 0
        self.hmem = []
        self.dax = []
        self.blocks = {}  # memory block index -> MemoryBlock
        self.booted = False
        for m in self.memdevs:
            if m.present and m.appear_at <= 0:
                self.attach_memdev(m)
            else:
                m.present = False
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
            if not rd.firmware and rd.committed and self.cxl_acpi:
                self.admin_region(rd)

    # ---- topology ----

    def attach_memdev(self, m):
        """The device is there (cxl_pci registered memN); cxl_mem probes it."""
        m.present = True
        m.endpoint = self.next_port
        m.decoders = [Decoder(self.next_port, i, "endpoint") for i in range(NDECODERS)]
        m.mem = {}  # a new device: its DPA holds nothing yet
        self.next_port += 1
        m.driver = "cxl_mem" if self.cxl_mem_loaded and not m.probe_fails else ""

    def endpoint_visible(self, m):
        """The endpoint port (and so its decoders) is in sysfs: cxl_acpi built
        the topology, cxl_mem probed the memdev, no port above was unbound."""
        return (self.cxl_acpi and m.present and m.driver == "cxl_mem"
                and self.host_ports[m.host_bridge].id not in self.unbound_ports
                and m.endpoint not in self.unbound_ports)

    def detach_memdev(self, m):
        for fs in self.fw_sets:  # its firmware decoders go with it
            fs.targets = [None if d in m.decoders else d for d in fs.targets]
        for r in list(self.regions):
            if any(self.decoder(t) in m.decoders for t in r.targets if t):
                if r.dax and self.dax_online(r.dax):
                    raise KernelError(errno.EBUSY, f"{r.name} has online memory")
                self.drop_region_dax(r)
                self.region_reset_decoders(r)
                self.regions.remove(r)
        m.present = False
        m.endpoint = None
        m.decoders = []
        m.mem = {}
        m.driver = ""

    def memdev(self, name):
        return next((m for m in self.memdevs if m.name == name and m.present), None)

    def decoder(self, name):
        """A decoder by its sysfs name: only decoders sysfs shows."""
        for m in self.memdevs:
            if not self.endpoint_visible(m):
                continue
            for d in m.decoders:
                if d.name == name:
                    return d
        for p in self.host_ports.values():
            for d in p.decoders:
                if d.name == name:
                    return d
        return None

    def decoder_any(self, name):
        """A decoder by name, visible in sysfs or not."""
        for m in self.memdevs:
            for d in m.decoders:
                if d.name == name:
                    return d
        return self.decoder(name)

    def memdev_of_decoder(self, d):
        return next((m for m in self.memdevs if d in m.decoders), None)

    def free_decoder(self, decoders):
        return next((d for d in decoders if not d.committed and d.size == 0 and d.dpa_size == 0), None)

    def dpa_base(self, m, d):
        """DPA is handed out in decoder order."""
        return sum(x.dpa_size for x in m.decoders if x.idx < d.idx)

    def port_ids(self):
        """Every cxl_port device id: host-bridge ports and endpoints."""
        return {p.id for p in self.host_ports.values()} | {m.endpoint for m in self.memdevs}

    def memdevs_below(self, pid):
        return [m for m in self.memdevs if m.present and
                pid in (m.endpoint, self.host_ports[m.host_bridge].id)]

    def program_firmware_decoders(self):
        """Decoders the firmware committed: programmed before the OS starts; a
        device that shows up later brings its programmed decoder with it."""
        self.fw_sets = [FirmwareSet(rd, [None] * len(rd.targets))
                        for rd in self.plat.region_desc if rd.firmware and rd.committed]
        for m in self.memdevs:
            if m.present:
                self.program_memdev(m)

    def program_memdev(self, m):
        for fs in self.fw_sets:
            rd = fs.desc
            for pos, t in enumerate(rd.targets):
                if t != m.name or fs.targets[pos] is not None:
                    continue
                d = self.free_decoder(m.decoders)
                ways = len(rd.targets)
                d.mode, d.dpa_size = rd.mode, rd.size // ways
                d.program(rd.start, rd.size, ways, rd.granularity, pos)
                d.locked = rd.locked
                fs.targets[pos] = d  # the hardware decoder, whatever its sysfs name
                port = self.host_ports[m.host_bridge]
                h = next((x for x in port.decoders if x.committed and x.start == rd.start), None)
                if h is None:
                    h = self.free_decoder(port.decoders)
                    h.program(d.start, d.size, 1, rd.granularity)
                h.locked = rd.locked

    def assemble_regions(self):
        """Auto-assembly (6.3+): endpoint decoders the firmware committed, all
        still committed and all visible in sysfs, become a region."""
        if not (self.cxl_acpi and self.gen.assembles_regions):
            return
        for fs in self.fw_sets:
            rd, ds = fs.desc, fs.targets
            if not rd.assemble or None in ds:
                continue
            if any(r.start == rd.start for r in self.regions if r.start is not None):
                continue
            if not all(d.committed and d.start == rd.start and d.region is None
                       and self.endpoint_visible(self.memdev_of_decoder(d)) for d in ds):
                continue
            r = Region(self.next_region, rd.window, rd.mode, start=rd.start, size=rd.size,
                       ways=len(rd.targets), granularity=rd.granularity, targets=[d.name for d in ds],
                       committed=True, locked=any(d.locked for d in ds), probe_fails=rd.probe_fails)
            self.next_region += 1
            for d in ds:
                d.region = r.name
            for p in self.host_ports.values():
                for h in p.decoders:
                    if h.committed and h.start == r.start:
                        h.region = r.name
            self.regions.append(r)
            if r.probe_fails:
                continue  # "cxl region0: probe failed": committed, not bound
            self.region_enable(r, attach_dax=not self.gen.region_dax_after_hmem or self.booted)

    def admin_region(self, rd):
        """A region an administrator created after boot (cxl create-region)."""
        r = Region(self.next_region, rd.window, rd.mode, start=rd.start, size=rd.size,
                   ways=len(rd.targets), granularity=rd.granularity)
        self.next_region += 1
        for t in rd.targets:
            d = self.free_decoder(self.memdev(t).decoders)
            d.dpa_size, d.mode = r.size // r.ways, rd.mode
            r.targets.append(d.name)
        self.regions.append(r)
        self.region_commit(r)
        self.region_enable(r)

    # ---- CXL drivers and ports ----

    def acpi_remove(self):
        """cxl_acpi unbind: the windows and every region go.  Each region's
        decoders reset (unless its lock is honoured); endpoint decoders with
        no region stay committed and keep decoding."""
        if not self.cxl_acpi:
            raise KernelError(errno.ENODEV, "ACPI0017:00")
        for r in self.regions:
            if r.dax and self.dax_online(r.dax):
                raise KernelError(errno.EBUSY, f"{r.name} has online memory")
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
            for d in m.decoders:
                if not d.committed:
                    d.reset()  # DPA reservations go with the endpoints

    def acpi_probe(self):
        """cxl_acpi bind: the topology is back; what still decodes assembles."""
        if self.cxl_acpi:
            raise KernelError(errno.EBUSY, "ACPI0017:00")
        self.cxl_acpi = True
        self.assemble_regions()

    def memdev_probe(self, m):
        """cxl_mem bind."""
        if m.driver:
            raise KernelError(errno.EBUSY, m.name)
        if m.probe_fails or not self.cxl_acpi:
            raise KernelError(errno.ENXIO, f"{m.name}: probe failed")
        m.driver = "cxl_mem"
        self.assemble_regions()

    def memdev_remove(self, m):
        """cxl_mem unbind: the endpoint port goes."""
        if m.driver != "cxl_mem":
            raise KernelError(errno.ENODEV, m.name)
        self.endpoints_gone([m], lambda: setattr(m, "driver", ""))

    def port_remove(self, pid):
        """cxl_port unbind of portN or endpointN: the endpoints below go."""
        if pid in self.unbound_ports:
            raise KernelError(errno.ENODEV, f"port {pid}")
        self.endpoints_gone(self.memdevs_below(pid), lambda: self.unbound_ports.add(pid))

    def port_probe(self, pid):
        if pid not in self.unbound_ports:
            raise KernelError(errno.EBUSY, f"port {pid}")
        self.unbound_ports.discard(pid)
        self.assemble_regions()

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
                if d and any(d in m.decoders for m in ms):
                    r.targets[pos] = None
                    d.region = None
        change()
        for m in ms:
            for d in m.decoders:
                if not d.committed:  # the DPA reservations go with the endpoint
                    d.reset()

    def decoder_set_mode(self, d, mode):
        if d.committed:
            raise KernelError(errno.EBUSY, "decoder committed")
        if mode not in ("ram", "pmem"):
            raise KernelError(errno.EINVAL, mode)
        d.mode = mode

    def decoder_set_dpa_size(self, d, size):
        if d.committed:
            raise KernelError(errno.EBUSY, "decoder committed")
        # DPA is handed out in decoder order: decoderN.k while a lower one of
        # the same endpoint has none fails with EBUSY (measured on 7.2:
        # dpa_size on decoder2.3 with decoder2.0 free).
        same = self.memdev_of_decoder(d).decoders
        if size and any(x.dpa_size == 0 for x in same if x.idx < d.idx):
            raise KernelError(errno.EBUSY, "decoders must be allocated in order")
        d.dpa_size = size

    # ---- Soft Reserved and hmem ----

    def hmem_platform_probe(self):
        """dax_hmem walks the Soft Reserved ranges (hmem_platform probe).  It
        defers to the "CXL Window N" resources cxl_acpi inserts, not to the
        regions: once cxl_acpi is unbound nothing defers."""
        rule = self.gen.hmem_in_window
        for s, e in self.plat.sr_units():
            if any(h.start == s and h.end == e for h in self.hmem):
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
            h = HmemDevice(f"hmem.{hid}", hid, s, e)
            self.hmem.append(h)
            self.hmem_attach_dax(h)

    def hmem_platform_remove(self):
        if not self.hmem_platform:
            raise KernelError(errno.ENODEV, "hmem_platform.0")
        for h in list(self.hmem):
            if h.dax:
                self.dax_remove(h.dax)
        self.hmem = []
        self.hmem_platform = False

    def hmem_platform_bind(self):
        if self.hmem_platform:
            raise KernelError(errno.EBUSY, "hmem_platform.0")
        self.hmem_platform = True
        self.hmem_platform_probe()

    def hmem_remove(self, h):
        if not h.bound:
            raise KernelError(errno.ENODEV, h.name)
        if h.dax:
            self.dax_remove(h.dax)
            h.dax = None
        h.bound = False

    def hmem_probe(self, h):
        if h.bound:
            raise KernelError(errno.EBUSY, h.name)
        h.bound = True
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
        used = {d.region_id for d in self.dax}
        while want in used:
            want += 1
        return want

    def hmem_attach_dax(self, h):
        rid = self.dax_region_id(h.id)
        conflict = any(r.enabled and intersects(h.start, h.end, r.start, r.end) for r in self.regions)
        d = DaxDevice(f"dax{rid}.0", rid, "hmem", h.name, h.start, h.end, self.plat.node_of(h.start, h.end))
        self.dax.append(d)
        h.dax = d
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
        if self.gen.sr_in_iomem:
            busy += [(s, e) for s, e in self.plat.sr_units()]  # "Soft Reserved" resources are busy
        # 6.1 keeps an unbound hmem device's resource; later kernels release it.
        busy += [(h.start, h.end) for h in self.hmem if h.bound or self.gen.hmem_keeps_resource]
        align = 256 * MiB * max(1, win.ways)
        cur = win.start
        while cur + size - 1 <= win.end:
            hit = next(((s, e) for s, e in busy if intersects(cur, cur + size - 1, s, e)), None)
            if not hit:
                return cur
            cur = ((hit[1] + 1 + align - 1) // align) * align
        return None

    def region_create(self, w, mode, name):
        """create_ram_region / create_pmem_region below decoder0.<w>."""
        if name != f"region{self.next_region}":
            raise KernelError(errno.EINVAL, f"expected region{self.next_region}")
        r = Region(self.next_region, w, mode, granularity=self.windows[w].granularity)
        self.next_region += 1
        self.regions.append(r)
        return r

    def region_delete(self, w, name):
        r = self.region(name)
        if not r or r.window != w:
            raise KernelError(errno.ENODEV, name)
        if r.enabled:
            raise KernelError(errno.EBUSY, f"{name} is enabled")
        # The decoders reset with the region, unless the generation honours
        # its lock: then they stay committed with no region.
        if self.region_reset_decoders(r):
            for t in r.targets:
                d = self.decoder_any(t) if t else None
                if d:
                    d.reset()
        self.regions.remove(r)

    def region_set_size(self, r, size):
        if size == 0 or size % (256 * MiB * r.ways):
            raise KernelError(errno.EINVAL, "size")
        start = self.window_free(r.window, size, exclude=r)
        if start is None:
            raise KernelError(errno.ERANGE, "HPA allocation")  # -34, as measured
        r.start, r.size = start, size

    def region_set_target(self, r, pos, name):
        if pos >= r.ways:
            raise KernelError(errno.ENXIO, f"target{pos}")
        while len(r.targets) < r.ways:
            r.targets.append(None)
        if name == "":
            r.targets[pos] = None
            return
        d = self.decoder(name)
        if not d or d.kind != "endpoint" or d.dpa_size == 0 or d.committed:
            raise KernelError(errno.ENXIO, name)
        r.targets[pos] = name
        d.region = r.name

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
            port = self.host_ports[m.host_bridge]
            if not any(x.committed and x.start == r.start for x in port.decoders):
                h = self.free_decoder(port.decoders)
                if h:
                    h.program(r.start, r.size, 1, r.granularity)
                    h.region = r.name
        r.committed = True

    def region_decoders(self, r):
        """The region's decoders, endpoints highest first, then the host bridges'."""
        eps = [self.decoder_any(t) for t in r.targets if t]
        eps = sorted((d for d in eps if d), key=lambda d: -d.idx)
        hbs = [d for p in self.host_ports.values() for d in p.decoders
               if d.committed and (d.region == r.name or d.start == r.start)]
        return eps + hbs

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
        if any(h.bound and intersects(h.start, h.end, r.start, r.end) for h in self.hmem):
            r.dax_conflict = True  # "dax_region resource conflict"
            return
        rid = self.dax_region_id(r.id)
        d = DaxDevice(f"dax{rid}.0", rid, "cxl", r.name, r.start, r.end, self.plat.node_of(r.start, r.end))
        self.dax.append(d)
        r.dax = d
        self.dax_bind(d, self.plat.dax_driver())

    def drop_region_dax(self, r):
        if r.dax:
            self.dax_remove(r.dax)
            r.dax = None

    def region_disable(self, r):
        if r.dax and self.dax_online(r.dax):
            raise KernelError(errno.EBUSY, f"{r.name}: memory of {r.dax.name} is online")
        self.drop_region_dax(r)
        r.enabled = False

    def region(self, name):
        return next((r for r in self.regions if r.name == name), None)

    def regions_of(self, m):
        return [r for r in self.regions if any(self.decoder_any(t) in m.decoders for t in r.targets if t)]

    # ---- decode and memory ----

    def translate(self, hpa):
        """The device address an HPA reaches, as the hardware decodes it:
        (memdev, DPA, bytes until the granule or decoder ends) or None.  A CXL
        window routes it to a host bridge whose committed decoder covers it, to
        an endpoint whose committed decoder covers it and whose interleave
        position it selects.  Sysfs visibility does not matter: this is the
        hardware."""
        if not any(w.start <= hpa <= w.end for w in self.windows):
            return None
        for m in self.memdevs:
            if not m.present:
                continue
            port = self.host_ports[m.host_bridge]
            if not any(h.committed and h.start <= hpa <= h.end for h in port.decoders):
                continue
            for d in m.decoders:
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
            page = m.mem.get(dpa // PAGE)
            o = dpa % PAGE
            out += page[o:o + k] if page is not None else bytes(k)
        return bytes(out)

    def mem_write(self, hpa, data):
        """A store to an HPA: kept where it decodes, dropped elsewhere (QEMU)."""
        pos = 0
        for k, m, dpa in self._pieces(hpa, len(data)):
            if m is not None:
                page = m.mem.setdefault(dpa // PAGE, bytearray(PAGE))
                o = dpa % PAGE
                page[o:o + k] = data[pos:pos + k]
            pos += k

    def decoded(self):
        """Committed endpoint decoders whose HPA decodes end to end:
        (start, end, memdev, hardware index, sysfs name or None, region or None)."""
        out = []
        for m in self.memdevs:
            if not m.present:
                continue
            for d in m.decoders:
                if d.committed and self.translate_decoder(m, d):
                    out.append((d.start, d.end, m.name, d.idx,
                                d.name if self.endpoint_visible(m) else None, d.region))
        return sorted(out)

    def translate_decoder(self, m, d):
        """Whether the host side routes the decoder's range to it."""
        port = self.host_ports[m.host_bridge]
        return (any(w.start <= d.start and d.end <= w.end for w in self.windows)
                and any(h.committed and h.start <= d.start and d.end <= h.end for h in port.decoders))

    def dax_io(self, name, offset, data=None, size=0):
        """pread/pwrite at offset of /dev/NAME: HPA resource + offset.  ENXIO
        unless device_dax drives it (no character device behind it otherwise)."""
        d = self.dax_dev(name)
        if d is None or d.driver != "device_dax":
            raise KernelError(errno.ENXIO, name)
        length = d.size
        if offset >= length:
            if data is None:
                return b""
            raise KernelError(errno.ENOSPC, name)
        if data is None:
            return self.mem_read(d.start + offset, min(size, length - offset))
        data = bytes(data[:length - offset])
        self.mem_write(d.start + offset, data)
        return len(data)

    # ---- dax and memory ----

    def dax_online(self, d):
        return any(self.blocks[i].online for i in self.block_range(d) if i in self.blocks)

    def block_range(self, d):
        return range(d.start // BLOCK, d.end // BLOCK + 1)

    def dax_bind(self, d, drv):
        d.driver = drv
        if drv == "kmem":
            online = self.plat.online_zone in ("movable", "normal")
            zone = "Movable" if self.plat.online_zone == "movable" else "Normal"
            for i in self.block_range(d):
                self.blocks[i] = MemoryBlock(online, zone, d.node)

    def dax_probe(self, d, drv):
        """A bind store of device_dax or kmem."""
        if drv == "kmem" and not self.plat.kmem_driver:
            raise KernelError(errno.ENOENT, "/sys/bus/dax/drivers/kmem")
        if d.driver:
            raise KernelError(errno.EBUSY, d.name)
        if drv == "kmem" and d.kind == "hmem" and any(
                r.enabled and intersects(d.start, d.end, r.start, r.end) for r in self.regions):
            raise KernelError(errno.EBUSY, "kmem: cannot reserve the range")  # -16
        self.dax_bind(d, drv)

    def dax_unbind(self, d):
        if d.driver == "kmem":
            if self.dax_online(d):
                raise KernelError(errno.EBUSY, f"{d.name}: memory online")
            for i in self.block_range(d):
                self.blocks.pop(i, None)
        d.driver = ""

    def dax_remove(self, d):
        if d.driver == "kmem" and self.dax_online(d):
            raise KernelError(errno.EBUSY, f"{d.name}: memory online")
        self.dax_unbind(d)
        self.dax.remove(d)

    def dax_set_align(self, d, a):
        if a not in (4096, 2 * MiB, 1024 * MiB):
            raise KernelError(errno.EINVAL, str(a))
        if d.driver:
            raise KernelError(errno.EBUSY, f"{d.name} is bound")
        if d.size % a or d.start % a:
            raise KernelError(errno.EINVAL, f"{d.name}: size not aligned to {a}")
        d.align = a

    def dax_set_memmap_on_memory(self, d, val):
        if d.driver == "kmem" and d.memmap_on_memory != val:
            raise KernelError(errno.EBUSY, f"{d.name} is driven by kmem")
        d.memmap_on_memory = val

    def dax_dev(self, name):
        return next((d for d in self.dax if d.name == name), None)

    def block_set_state(self, idx, state):
        """memoryN/state: offline, online, online_movable, online_kernel."""
        b = self.blocks.get(idx)
        if b is None:
            raise KernelError(errno.ENODEV, f"memory{idx}")
        if state == "offline":
            b.online = False
        elif state in ("online", "online_movable", "online_kernel"):
            b.online = True
            b.zone = "Normal" if state == "online_kernel" else "Movable" if state == "online_movable" else b.zone
        else:
            raise KernelError(errno.EINVAL, state)

    # ---- hotplug, driven by the timeline or the control file ----

    def hot_add(self, name, serial=None, ram=None, firmware_decoders=True):
        m = next((m for m in self.memdevs if m.name == name), None)
        if m is None:
            raise KernelError(errno.ENODEV, name)
        if m.present:
            raise KernelError(errno.EEXIST, name)
        if serial is not None:
            m.serial = serial
        if ram is not None:
            m.ram = ram
        self.attach_memdev(m)
        # OS-first hotplug: no firmware programs the new device's decoders.
        if firmware_decoders:
            self.program_memdev(m)
        self.assemble_regions()

    def timeline(self):
        """(seconds, "add"|"remove", memdev) in order: devices that appear late."""
        ev = [(m.appear_at, "add", m.name) for m in self.plat.memdevs if m.appear_at > 0]
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

    # ---- the state, as the control file `state` shows it ----

    def state(self):
        return {
            "cxl_acpi": self.cxl_acpi, "hmem_platform": self.hmem_platform,
            "cxl_mem": self.cxl_mem_loaded, "unbound_ports": sorted(self.unbound_ports),
            "regions": [r.state() for r in self.regions],
            "hmem": [h.state() for h in self.hmem],
            "dax": [dict(d.state(), online=self.dax_online(d)) for d in self.dax],
            "memdevs": [dict(m.state(), endpoint=self.endpoint_visible(m)) for m in self.memdevs],
            "decoders": {d.name: dict(d.state(), memdev=m.name, visible=self.endpoint_visible(m))
                         for m in self.memdevs for d in m.decoders},
        }
