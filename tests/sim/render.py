# SPDX-License-Identifier: GPL-2.0-or-later
"""Renders a simulated Kernel's state as files: a sysfs tree laid out as the
kernel lays it out (real directories under /sys/devices, relative symlinks
from /sys/bus), /proc/iomem, /proc/cmdline, /proc/sys/kernel/osrelease and
the device nodes /dev should have.  The same rendering goes to disk (FsTree,
for static fixtures) or to memory (MemTree, served live by fuse_server.py).

Only what the tools read is rendered; HARNESS-NOTES.md lists what libcxl and
libdaxctl require (a missing file makes an object vanish silently).  No
modalias files: libcxl would ask libkmod to load modules into the host.

Every writable file is registered with its store handler (stores.py) where
it is rendered: the tree's routes are the table the store dispatch uses."""

import os
from functools import partial

import stores
from acpi_tables import cedt, srat
from sim_platform import BLOCK

CXL_MAJOR = 250
DAX_MAJOR = 251


class Tree:
    """What the renderer needs from a tree; subclasses store it."""

    def __init__(self):
        self.nodes = []  # (path under /dev, major, minor)
        self.routes = {}  # path of a writable file -> its store handler (the written text)

    def attrs(self, path, **kv):
        for k, v in kv.items():
            self.write(f"{path}/{k}", f"{v}\n")

    def route(self, path, handler):
        """path (rendered) is writable: a store to it calls handler(text)."""
        self.routes[path] = handler

    def link(self, path, target):
        """A relative symlink at path pointing at the absolute path target."""
        self.symlink(path, os.path.relpath(target, os.path.dirname(path)))


class FsTree(Tree):
    def __init__(self, root):
        super().__init__()
        self.root = root

    def p(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def write(self, path, text):
        self.write_bytes(path, text.encode())

    def write_bytes(self, path, data):
        full = self.p(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

    def mkdir(self, path):
        os.makedirs(self.p(path), exist_ok=True)

    def symlink(self, path, rel):
        full = self.p(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if os.path.lexists(full):
            os.unlink(full)
        os.symlink(rel, full)

    def finish(self):
        with open(self.p("/dev.nodes"), "w") as f:
            for path, major, minor in self.nodes:
                f.write(f"{path} {major} {minor}\n")


class MemTree(Tree):
    """path -> ("dir", set of names) | ("file", bytes) | ("link", target).
    memory_view: /dev/daxX.Y will be the FUSE server's memory files (regular
    files, so stat() reports device 0:0; see render_dax)."""

    def __init__(self, memory_view=False):
        super().__init__()
        self.entries = {"/": ("dir", set())}
        self.memory_view = memory_view

    def _parent(self, path):
        parent, name = os.path.split(path)
        self.mkdir(parent)
        self.entries[parent][1].add(name)

    def mkdir(self, path):
        if path in self.entries:
            return
        self._parent(path)
        self.entries[path] = ("dir", set())

    def write(self, path, text):
        self.write_bytes(path, text.encode())

    def write_bytes(self, path, data):
        self._parent(path)
        self.entries[path] = ("file", data)

    def symlink(self, path, rel):
        self._parent(path)
        self.entries[path] = ("link", rel)

    def finish(self):
        pass


def hx(v):
    return f"{v:#x}"


def render(k, t):
    """Renders Kernel k into Tree t."""
    plat = k.plat
    t.write("/proc/iomem", iomem_text(k))
    t.write("/proc/cmdline", plat.cmdline())
    t.write("/proc/osrelease", k.release + "\n")
    for i, (s, e, ty) in enumerate(plat.firmware_memmap()):
        t.attrs(f"/sys/firmware/memmap/{i}", start=hx(s), end=hx(e), type=ty)
    if plat.windows:
        t.write_bytes("/sys/firmware/acpi/tables/CEDT", cedt(plat))
    t.write_bytes("/sys/firmware/acpi/tables/SRAT", srat(plat))
    if plat.hmat:
        t.write_bytes("/sys/firmware/acpi/tables/HMAT", b"HMAT")
    for d in ("/sys/bus/cxl/devices", "/sys/bus/dax/devices", "/sys/bus/platform/devices",
              "/sys/bus/pci/devices", "/sys/dev/char", "/sys/class"):
        t.mkdir(d)
    t.write("/sys/bus/cxl/flush", "")
    t.route(stores.FLUSH, stores.flush)
    if plat.dmi:
        t.attrs("/sys/class/dmi/id", **plat.dmi)

    drivers = {
        ("platform", "cxl_acpi"): [], ("pci", "cxl_pci"): [],
        ("cxl", "cxl_port"): [], ("cxl", "cxl_region"): [], ("platform", "hmem"): [],
        ("dax", "device_dax"): [],
    }
    if plat.kmem_driver:
        drivers[("dax", "kmem")] = []
    if k.cxl_mem_loaded:
        drivers[("cxl", "cxl_mem")] = []
    if k.gen.hmem_platform:
        drivers[("platform", "hmem_platform")] = []
    if k.gen.dax_cxl:
        drivers[("cxl", "cxl_dax_region")] = []

    def bind(bus, drv, devpath):
        drivers[(bus, drv)].append(devpath)
        t.link(f"{devpath}/driver", f"/sys/bus/{bus}/drivers/{drv}")

    acpi = "/sys/devices/platform/ACPI0017:00"
    t.mkdir(acpi)
    t.link("/sys/bus/platform/devices/ACPI0017:00", acpi)
    if k.gen.hmem_platform:  # 6.1 registers hmem.N itself: no hmem_platform
        hp = "/sys/devices/platform/hmem_platform.0"
        t.mkdir(hp)
        t.link("/sys/bus/platform/devices/hmem_platform.0", hp)
        if k.hmem_platform:
            bind("platform", "hmem_platform", hp)

    render_pci(t, k, bind)
    if k.cxl_acpi:
        render_cxl(t, k, acpi, bind)
    render_dax(t, k, bind)
    render_memory(t, k)

    for (bus, drv), devs in drivers.items():
        base = f"/sys/bus/{bus}/drivers/{drv}"
        t.mkdir(base)
        for f in ("bind", "unbind") + (("new_id", "remove_id") if bus == "dax" else ()):
            t.write(f"{base}/{f}", "")
            t.route(f"{base}/{f}", partial(stores.driver, k, bus, drv, f))
        for dev in devs:
            t.link(f"{base}/{os.path.basename(dev)}", dev)
    t.finish()
    return t


def memdev_paths(k, m):
    hb = k.host_ports[m.host_bridge].hb
    hbdev = f"/sys/devices/pci0000:{hb.bus:02x}"
    rp = f"{hbdev}/0000:{hb.bus:02x}:{m.slot:02x}.0"
    bdf = f"0000:{hb.bus + 1 + m.slot:02x}:00.0"
    return hbdev, rp, bdf, f"{rp}/{bdf}"


def render_pci(t, k, bind):
    """The PCI side exists whether or not cxl_acpi is bound: cxl_pci owns the
    device and registers the memdev."""
    for m in k.memdevs:
        if not m.present:
            continue
        _, rp, bdf, pci = memdev_paths(k, m)
        t.attrs(pci, vendor=f"0x{m.vendor:04x}", device=f"0x{m.device:04x}", **{"class": "0x050210"})
        t.link(f"/sys/bus/pci/devices/{bdf}", pci)
        bind("pci", "cxl_pci", pci)
        md = f"{pci}/{m.name}"
        minor = m.minor
        t.attrs(md, serial=hx(m.serial), payload_max=2048, label_storage_size=0,
                firmware_version="BWFW VERSION 00", numa_node=-1, dev=f"{CXL_MAJOR}:{minor}")
        t.attrs(f"{md}/ram", size=hx(m.ram))
        t.attrs(f"{md}/pmem", size=hx(m.pmem))
        t.link(f"{md}/subsystem", "/sys/bus/cxl")
        t.link(f"/sys/bus/cxl/devices/{m.name}", md)
        if m.driver == "cxl_mem":  # no link: cxl_mem not loaded, or its probe failed
            bind("cxl", "cxl_mem", md)
        t.nodes.append((f"cxl/{m.name}", CXL_MAJOR, minor))


def decoder_attrs(d, dpa_base=0):
    a = dict(start=hx(d.start), size=hx(d.size), interleave_ways=d.ways, interleave_granularity=d.granularity,
             locked=int(d.locked), target_type="expander", region=d.region or "")
    if d.kind == "endpoint":
        a.update(mode=d.mode, dpa_resource=hx(dpa_base), dpa_size=hx(d.dpa_size))
    else:
        a.update(target_list=d.targets)
    return a


def render_cxl(t, k, acpi, bind):
    bind("platform", "cxl_acpi", acpi)
    root = f"{acpi}/root0"
    t.mkdir(root)
    t.link(f"{root}/uport", acpi)
    t.link("/sys/bus/cxl/devices/root0", root)
    bind("cxl", "cxl_port", root)

    ports = {}
    for uid, p in k.host_ports.items():
        hbdev = f"/sys/devices/pci0000:{p.hb.bus:02x}"
        t.mkdir(hbdev)
        t.link(f"{root}/dport{uid}", hbdev)
        port = f"{root}/port{p.id}"
        t.mkdir(port)
        t.link(f"{port}/uport", hbdev)
        t.link(f"/sys/bus/cxl/devices/port{p.id}", port)
        ports[uid] = port
        if p.id in k.unbound_ports:
            continue  # the port driver enumerates the decoders: none without it
        bind("cxl", "cxl_port", port)
        for d in p.decoders:
            t.attrs(f"{port}/{d.name}", **decoder_attrs(d))
            t.link(f"/sys/bus/cxl/devices/{d.name}", f"{port}/{d.name}")

    for i, w in enumerate(k.windows):
        d = f"{root}/decoder0.{i}"
        t.attrs(d, start=hx(w.start), size=hx(w.size),
                interleave_ways=w.ways, interleave_granularity=w.granularity,
                target_list=",".join(str(x) for x in w.targets),
                cap_ram=int(w.ram), cap_pmem=int(w.pmem), cap_type2=0, cap_type3=1,
                locked=0, qos_class=0, create_ram_region=f"region{k.next_region}",
                create_pmem_region=f"region{k.next_region}", delete_region="")
        t.route(f"{d}/create_ram_region", partial(stores.create_region, k, i, "ram"))
        t.route(f"{d}/create_pmem_region", partial(stores.create_region, k, i, "pmem"))
        t.route(f"{d}/delete_region", partial(stores.delete_region, k, i))
        t.link(f"/sys/bus/cxl/devices/decoder0.{i}", d)

    for m in k.memdevs:
        if not m.present:
            continue
        _, rp, bdf, pci = memdev_paths(k, m)
        port = ports[m.host_bridge]
        t.link(f"{port}/dport{m.slot}", rp)  # the root port, whatever is below it
        # No endpoint port where cxl_mem is not loaded, failed its probe, or a
        # port was unbound: the device's decoders keep decoding, sysfs shows none.
        if not k.endpoint_visible(m):
            continue
        ep = f"{port}/endpoint{m.endpoint}"
        t.mkdir(ep)
        t.link(f"{ep}/uport", f"{pci}/{m.name}")
        t.link(f"/sys/bus/cxl/devices/endpoint{m.endpoint}", ep)
        bind("cxl", "cxl_port", ep)
        for d in m.decoders:
            t.attrs(f"{ep}/{d.name}", **decoder_attrs(d, k.dpa_base(m, d)))
            t.route(f"{ep}/{d.name}/mode", partial(stores.decoder_mode, k, d))
            t.route(f"{ep}/{d.name}/dpa_size", partial(stores.decoder_dpa_size, k, d))
            t.link(f"/sys/bus/cxl/devices/{d.name}", f"{ep}/{d.name}")

    for r in k.regions:
        d = f"{root}/decoder0.{r.window}/{r.name}"
        t.attrs(d, size=hx(r.size), resource=hx(r.start) if r.start is not None else hx((1 << 64) - 1),
                uuid=r.uuid, interleave_ways=r.ways, interleave_granularity=r.granularity,
                commit=int(r.committed), mode=r.mode)
        t.route(f"{d}/commit", partial(stores.region_commit, k, r))
        for a in stores.REGION_ATTRS:
            t.route(f"{d}/{a}", partial(stores.region_attr, k, r, a))
        if k.gen.region_locked_attr:
            t.write(f"{d}/locked", f"{int(r.locked)}\n")
        for pos in range(r.ways):
            tgt = r.targets[pos] if pos < len(r.targets) and r.targets[pos] else ""
            t.write(f"{d}/target{pos}", tgt + "\n")
            t.route(f"{d}/target{pos}", partial(stores.region_target, k, r, pos))
        t.link(f"/sys/bus/cxl/devices/{r.name}", d)
        if r.enabled:
            bind("cxl", "cxl_region", d)
        if r.dax_conflict:
            t.mkdir(f"{d}/dax_region{r.id}")  # the cxl_dax_region device, its probe failed (-12)
        r.path = d


def render_dax(t, k, bind):
    minor = 0
    for dd in k.dax:
        if dd.kind == "hmem":
            parent = f"/sys/devices/platform/{dd.parent}"
        else:
            r = k.region(dd.parent)
            if r is None or not k.cxl_acpi:
                continue
            parent = f"{r.path}/dax_region{dd.region_id}"
        size = dd.size
        t.attrs(f"{parent}/dax_region", size=size, align=2 * 1024 * 1024, available_size=0,
                id=dd.region_id, create="", delete="", seed="")
        dev = f"{parent}/{dd.name}"
        t.attrs(dev, size=size, resource=hx(dd.start), align=dd.align,
                target_node=dd.node, numa_node=dd.node, dev=f"{DAX_MAJOR}:{minor}")
        t.route(f"{dev}/align", partial(stores.dax_align, k, dd))
        if k.gen.dax_memmap_attr:
            t.attrs(dev, memmap_on_memory=int(dd.memmap_on_memory))
            t.route(f"{dev}/memmap_on_memory", partial(stores.dax_memmap_on_memory, k, dd))
        t.attrs(f"{dev}/mapping0", start=hx(dd.start), end=hx(dd.end), page_offset=hx(0))
        t.link(f"{dev}/subsystem", "/sys/bus/dax")
        t.link(f"/sys/bus/dax/devices/{dd.name}", dev)
        t.link(f"/sys/dev/char/{DAX_MAJOR}:{minor}", dev)
        if dd.driver:
            bind("dax", dd.driver, dev)
        t.nodes.append((dd.name, DAX_MAJOR, minor))
        minor += 1
    if minor and getattr(t, "memory_view", False):
        # Live, /dev/daxX.Y is a link to a FUSE file (the memory view), whose
        # stat() says device 0:0; libdaxctl looks up /sys/dev/char/0:0/subsystem
        # to learn that the device is on the dax bus.
        t.link("/sys/dev/char/0:0/subsystem", "/sys/bus/dax")
    for h in k.hmem:
        path = f"/sys/devices/platform/{h.name}"
        t.mkdir(path)
        t.link(f"/sys/bus/platform/devices/{h.name}", path)
        if h.bound:
            bind("platform", "hmem", path)


def render_memory(t, k):
    t.write("/sys/devices/system/memory/block_size_bytes", f"{BLOCK:x}\n")
    t.write("/sys/devices/system/memory/auto_online_blocks", "offline\n")
    nodes = {0} | {w.node for w in k.windows} | {d.node for d in k.dax}
    for n in sorted(nodes):
        t.mkdir(f"/sys/devices/system/node/node{n}")
    for idx, b in sorted(k.blocks.items()):
        mb = f"/sys/devices/system/memory/memory{idx}"
        t.attrs(mb, state="online" if b.online else "offline", online=int(b.online),
                valid_zones=b.zone if b.online else "Normal Movable",
                phys_index=f"{idx:08x}", removable=1)
        t.route(f"{mb}/state", partial(stores.block_state, k, idx))
        t.link(f"/sys/devices/system/node/node{b.node}/memory{idx}", mb)


def iomem_resources(k):
    """In insertion order, which decides nesting of equal ranges (as measured:
    6.1 "hmem.0 > Soft Reserved > dax0.0"; 6.12 "region0 > Soft Reserved" for an
    equal range, "Soft Reserved > region0" for a larger one; 7.x lists no Soft
    Reserved and no hmem.N, only the dax and kmem results)."""
    plat = k.plat
    res = [(s, e, ty) for s, e, ty in plat.memory]
    if k.cxl_acpi:
        res += [(w.start, w.end, f"CXL Window {i}") for i, w in enumerate(k.windows)]
    if k.gen.hmem_outer_in_iomem:
        res += [(h.start, h.end, h.name) for h in k.hmem]
    res += [(r.start, r.end, r.name) for r in k.regions if r.start is not None]
    if k.gen.sr_in_iomem:
        res += [(s, e, "Soft Reserved") for s, e, _ in plat.sr]
    if k.gen.hmem_inner_in_iomem:
        res += [(h.start, h.end, h.name) for h in k.hmem if h.bound]
    for d in k.dax:
        if d.driver:
            res.append((d.start, d.end, d.name))
        if d.driver == "kmem":
            res.append((d.start, d.end, "System RAM (kmem)"))
    return res


def iomem_text(k):
    """Nests resources by containment, as the kernel's resource tree does; an
    equal range nests in insertion order (the list order)."""
    res = iomem_resources(k)
    order = sorted(range(len(res)), key=lambda i: (res[i][0], -res[i][1], i))
    out, stack = [], []
    for i in order:
        s, e, name = res[i]
        while stack and not (stack[-1][0] <= s and e <= stack[-1][1]):
            stack.pop()
        out.append("  " * len(stack) + f"{s:08x}-{e:08x} : {name}")
        stack.append((s, e))
    return "\n".join(out) + "\n"
