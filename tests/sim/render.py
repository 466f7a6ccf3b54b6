# SPDX-License-Identifier: GPL-2.0-or-later
"""Renders a Platform's kernel state as files: a sysfs tree laid out as the
kernel lays it out (real directories under /sys/devices, relative symlinks
from /sys/bus), /proc/iomem, /proc/cmdline and a /dev with device nodes.
libcxl and libdaxctl enumerate the result unmodified once it is mounted over
/sys, /proc and /dev in a private mount namespace (see harness.sh).

Only what the tools read is rendered; HARNESS-NOTES.md lists what libcxl and
libdaxctl require (a missing file makes an object vanish silently)."""

import os

from acpi_tables import cedt, srat
from sim_platform import BLOCK

CXL_MAJOR = 250
DAX_MAJOR = 251


class Tree:
    def __init__(self, root):
        self.root = root
        self.nodes = []  # (relpath under /dev, major, minor)

    def p(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def write(self, path, text):
        full = self.p(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def write_bytes(self, path, data):
        full = self.p(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

    def attrs(self, path, **kv):
        for k, v in kv.items():
            self.write(f"{path}/{k}", f"{v}\n")

    def mkdir(self, path):
        os.makedirs(self.p(path), exist_ok=True)

    def link(self, path, target):
        """A relative symlink at path pointing at the absolute sysfs path target."""
        full = self.p(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        rel = os.path.relpath(target, os.path.dirname(path))
        if os.path.lexists(full):
            os.unlink(full)
        os.symlink(rel, full)


def hx(v):
    return f"{v:#x}"


def render(plat, root):
    t = Tree(root)
    t.write("/proc/iomem", plat.iomem_text())
    t.write("/proc/cmdline", plat.cmdline())
    t.write("/proc/osrelease", plat.release + "\n")
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

    drivers = {
        ("platform", "cxl_acpi"): [], ("pci", "cxl_pci"): [], ("cxl", "cxl_mem"): [],
        ("cxl", "cxl_port"): [], ("cxl", "cxl_region"): [], ("platform", "hmem"): [],
        ("platform", "hmem_platform"): [], ("dax", "device_dax"): [], ("dax", "kmem"): [],
    }
    if plat.behaviour != "claim-first":
        drivers[("cxl", "cxl_dax_region")] = []

    def bind(bus, drv, devpath):
        drivers[(bus, drv)].append(devpath)
        t.link(f"{devpath}/driver", f"/sys/bus/{bus}/drivers/{drv}")

    # Platform devices.
    acpi = "/sys/devices/platform/ACPI0017:00"
    t.mkdir(acpi)
    t.link("/sys/bus/platform/devices/ACPI0017:00", acpi)
    hp = "/sys/devices/platform/hmem_platform.0"
    t.mkdir(hp)
    t.link("/sys/bus/platform/devices/hmem_platform.0", hp)
    bind("platform", "hmem_platform", hp)

    render_cxl(t, plat, acpi, bind)
    render_dax(t, plat, bind)
    render_memory(t, plat)

    for (bus, drv), devs in drivers.items():
        base = f"/sys/bus/{bus}/drivers/{drv}"
        t.mkdir(base)
        for f in ("bind", "unbind"):
            t.write(f"{base}/{f}", "")
        for dev in devs:
            t.link(f"{base}/{os.path.basename(dev)}", dev)
    render_dev(t)
    return t


def render_cxl(t, plat, acpi, bind):
    if not plat.cxl_acpi:
        return
    bind("platform", "cxl_acpi", acpi)
    root = f"{acpi}/root0"
    t.mkdir(root)
    t.link(f"{root}/uport", acpi)
    t.link("/sys/bus/cxl/devices/root0", root)
    bind("cxl", "cxl_port", root)

    # Host bridges: dports of root0, each with its own switch port.
    port_id = 1
    hb_port = {}
    for hb in plat.host_bridges:
        hbdev = f"/sys/devices/pci0000:{hb['bus']:02x}"
        t.mkdir(hbdev)
        t.link(f"{root}/dport{hb['uid']}", hbdev)
        port = f"{root}/port{port_id}"
        t.mkdir(port)
        t.link(f"{port}/uport", hbdev)
        t.link(f"/sys/bus/cxl/devices/port{port_id}", port)
        bind("cxl", "cxl_port", port)
        hb_port[hb["uid"]] = (port_id, port, hbdev, hb)
        port_id += 1

    # Root decoders (the windows) and their regions.
    for i, w in enumerate(plat.windows):
        d = f"{root}/decoder0.{i}"
        t.attrs(d, start=hx(w["start"]), size=hx(w["end"] - w["start"] + 1),
                interleave_ways=w["ways"], interleave_granularity=w["granularity"],
                target_list=",".join(str(x) for x in w["targets"]),
                cap_ram=int(w["ram"]), cap_pmem=int(w["pmem"]), cap_type2=0, cap_type3=1,
                locked=0, qos_class=0, create_ram_region="", create_pmem_region="",
                delete_region="")
        t.link(f"/sys/bus/cxl/devices/decoder0.{i}", d)

    # Memdevs behind root ports, and their endpoints.
    ep_of = {}
    for m in plat.memdevs:
        if not m["present"]:
            continue
        pid, port, hbdev, hb = hb_port[m["host_bridge"]]
        rp = f"{hbdev}/0000:{hb['bus']:02x}:{m['slot']:02x}.0"
        t.mkdir(rp)
        t.link(f"{port}/dport{m['slot']}", rp)
        bdf = f"0000:{hb['bus'] + 1 + m['slot']:02x}:00.0"
        pci = f"{rp}/{bdf}"
        t.attrs(pci, vendor=f"0x{m['vendor']:04x}", device=f"0x{m['device']:04x}", **{"class": "0x050210"})
        t.link(f"/sys/bus/pci/devices/{bdf}", pci)
        bind("pci", "cxl_pci", pci)
        md = f"{pci}/{m['name']}"
        minor = int(m["name"][3:])
        t.attrs(md, serial=hx(m["serial"]), payload_max=2048, label_storage_size=0,
                firmware_version="BWFW VERSION 00", numa_node=-1, dev=f"{CXL_MAJOR}:{minor}")
        t.attrs(f"{md}/ram", size=hx(m["ram"]))
        t.attrs(f"{md}/pmem", size=hx(m["pmem"]))
        t.link(f"{md}/subsystem", "/sys/bus/cxl")
        t.link(f"/sys/bus/cxl/devices/{m['name']}", md)
        bind("cxl", "cxl_mem", md)
        t.nodes.append((f"cxl/{m['name']}", CXL_MAJOR, minor))
        ep = f"{port}/endpoint{port_id}"
        t.mkdir(ep)
        t.link(f"{ep}/uport", md)
        t.link(f"/sys/bus/cxl/devices/endpoint{port_id}", ep)
        bind("cxl", "cxl_port", ep)
        ep_of[m["name"]] = (port_id, ep, pid, port)
        port_id += 1

    # Decoders: the committed ones first, then one idle decoder per port.
    used = {}  # port path -> next decoder index

    def next_decoder(pid, path):
        n = used.get(path, 0)
        used[path] = n + 1
        return f"decoder{pid}.{n}", f"{path}/decoder{pid}.{n}"

    committed = list(plat.decoders_committed)
    by_region = {}
    for r in plat.regions:
        by_region[id(r)] = r
    regions_by_desc = {(r["start"], r["end"]): r for r in plat.regions}
    for rd in committed:
        size = rd["end"] - rd["start"] + 1
        ways = len(rd["targets"])
        reg = regions_by_desc.get((rd["start"], rd["end"]))
        hb_done = set()
        targets = []
        for pos, mname in enumerate(rd["targets"]):
            if mname not in ep_of:
                continue
            eid, ep, pid, port = ep_of[mname]
            name, d = next_decoder(eid, ep)
            t.attrs(d, start=hx(rd["start"]), size=hx(size), interleave_ways=ways,
                    interleave_granularity=rd["granularity"], locked=0, target_type="expander",
                    mode=rd["mode"], dpa_resource=hx(0), dpa_size=hx(size // ways),
                    region=reg["name"] if reg else "")
            t.link(f"/sys/bus/cxl/devices/{name}", d)
            targets.append(name)
            if port not in hb_done:
                hb_done.add(port)
                hname, hd = next_decoder(pid, port)
                t.attrs(hd, start=hx(rd["start"]), size=hx(size), interleave_ways=1,
                        interleave_granularity=rd["granularity"], locked=0,
                        target_type="expander", target_list="0",
                        region=reg["name"] if reg else "")
                t.link(f"/sys/bus/cxl/devices/{hname}", hd)
        if reg is not None:
            reg["target_decoders"] = targets
    for path in [p for _, p, _, _ in hb_port.values()] + [v[1] for v in ep_of.values()]:
        pid = int(path.rsplit("port", 1)[1]) if path.rsplit("/", 1)[1].startswith("port") else \
            int(path.rsplit("endpoint", 1)[1])
        name, d = next_decoder(pid, path)
        attrs = dict(start=hx(0), size=hx(0), interleave_ways=1, interleave_granularity=256,
                     locked=0, target_type="expander", region="")
        if "endpoint" in path.rsplit("/", 1)[1]:
            attrs.update(mode="none", dpa_resource=hx(0), dpa_size=hx(0))
        else:
            attrs.update(target_list="0")
        t.attrs(d, **attrs)
        t.link(f"/sys/bus/cxl/devices/{name}", d)

    for r in plat.regions:
        d = f"{root}/decoder0.{r['window']}/{r['name']}"
        ways = len(r["targets"])
        t.attrs(d, size=hx(r["end"] - r["start"] + 1), resource=hx(r["start"]), uuid="",
                interleave_ways=ways, interleave_granularity=r["granularity"],
                commit=int(r["committed"]), mode=r["mode"])
        for pos, name in enumerate(r.get("target_decoders", [])):
            t.write(f"{d}/target{pos}", name + "\n")
        t.link(f"/sys/bus/cxl/devices/{r['name']}", d)
        if r["enabled"]:
            bind("cxl", "cxl_region", d)
        r["path"] = d


def render_dax(t, plat, bind):
    minor = 0
    for dd in plat.dax:
        if dd["kind"] == "hmem":
            h = next(h for h in plat.hmem if h["name"] == dd["parent"])
            parent = f"/sys/devices/platform/{h['name']}"
        else:
            r = next(r for r in plat.regions if r["name"] == dd["parent"])
            parent = f"{r['path']}/dax_region{r['id']}"
        size = dd["end"] - dd["start"] + 1
        t.attrs(f"{parent}/dax_region", size=size, align=2 * 1024 * 1024, available_size=0,
                id=dd["region_id"], create="", delete="", seed="")
        dev = f"{parent}/{dd['name']}"
        t.attrs(dev, size=size, resource=hx(dd["start"]), align=2 * 1024 * 1024,
                target_node=dd["node"], numa_node=dd["node"], dev=f"{DAX_MAJOR}:{minor}")
        t.attrs(f"{dev}/mapping0", start=hx(dd["start"]), end=hx(dd["end"]), page_offset=hx(0))
        t.link(f"{dev}/subsystem", "/sys/bus/dax")
        t.link(f"/sys/bus/dax/devices/{dd['name']}", dev)
        t.link(f"/sys/dev/char/{DAX_MAJOR}:{minor}", dev)
        if dd["driver"]:
            bind("dax", dd["driver"], dev)
        t.nodes.append((dd["name"], DAX_MAJOR, minor))
        dd["path"] = dev
        minor += 1
    for h in plat.hmem:
        path = f"/sys/devices/platform/{h['name']}"
        t.mkdir(path)
        t.link(f"/sys/bus/platform/devices/{h['name']}", path)
        if h["bound"]:
            bind("platform", "hmem", path)


def render_memory(t, plat):
    t.write("/sys/devices/system/memory/block_size_bytes", f"{BLOCK:x}\n")
    t.write("/sys/devices/system/memory/auto_online_blocks", "offline\n")
    nodes = {0}
    for w in plat.windows:
        nodes.add(w["node"])
    for d in plat.dax:
        nodes.add(d["node"])
    for n in sorted(nodes):
        t.mkdir(f"/sys/devices/system/node/node{n}")
    zone = "Movable" if plat.online_zone == "movable" else "Normal"
    for d in plat.dax:
        if d["driver"] != "kmem":
            continue
        for addr in range(d["start"], d["end"] + 1, BLOCK):
            idx = addr // BLOCK
            mb = f"/sys/devices/system/memory/memory{idx}"
            t.attrs(mb, state="online", online=1, valid_zones=zone, phys_index=f"{idx:08x}",
                    removable=1)
            t.link(f"/sys/devices/system/node/node{d['node']}/memory{idx}", mb)


def render_dev(t):
    # Nodes are created by the harness (mknod needs to happen on the tmpfs /dev).
    with open(t.p("/dev.nodes"), "w") as f:
        for path, major, minor in t.nodes:
            f.write(f"{path} {major} {minor}\n")
