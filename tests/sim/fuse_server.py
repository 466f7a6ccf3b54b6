# SPDX-License-Identifier: GPL-2.0-or-later
"""Serves a simulated Kernel as a FUSE file system with synchronous sysfs
semantics: a write() is the store, and returns the errno the kernel's store
would; reads always see the current state (direct_io, no caching).  A store
goes through fault injection and the store log (faults.py) to the handler the
renderer routed the file to (stores.py).  After each change it re-renders the
tree, creates or removes /dev nodes and sends the uevents udevd would.
Control files under /.srd-sim:

  state     (read)  the kernel state as JSON, for assertions
  log       (read)  every store: "SECONDS PATH VALUE ERRNO", one per line
  faults    (write) "fail GLOB ERRNO [COUNT]", "stall GLOB SECONDS [COUNT]",
                    "failnth N ERRNO", "stallnth N SECONDS" (the Nth store), "clear"
  control   (write) "add memN [serial=X] [ram=SIZE] [decoders=firmware|none]",
            "remove memN", "storm N"
            (N change uevents over the existing devices)
  events    (read)  the uevents sent: "ACTION SUBSYSTEM DEVPATH"
  decoded   (read)  the HPA that decodes, one committed endpoint decoder a line:
                    "START-END memN hdmK DECODER|- REGION|-"
  mem/daxX.Y        the memory view: pread/pwrite at offset o reach HPA
                    resource + o (zeros and dropped writes where nothing
                    decodes); ENXIO unless device_dax drives the device.
                    /dev/daxX.Y links here.
"""

import errno
import json
import os
import stat
import threading
import time

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:  # the upstream module name
    from fuse import FUSE, FuseOSError, Operations

import faults
import stores
from kernel import KernelError
from render import DAX_MAJOR, MemTree, render
from uevent import Sender

CONTROL = ("/.srd-sim/state", "/.srd-sim/log", "/.srd-sim/faults", "/.srd-sim/control",
           "/.srd-sim/events", "/.srd-sim/decoded")
MEM = "/.srd-sim/mem"


def devices(tree):
    """devpath -> (subsystem, driver, extra) from a rendered tree."""
    out = {}
    for path, (kind, val) in tree.entries.items():
        parts = path.split("/")
        if kind == "link" and len(parts) == 6 and parts[1:3] == ["sys", "bus"] and parts[4] == "devices":
            target = os.path.normpath(os.path.join(os.path.dirname(path), val))
            drv = tree.entries.get(target + "/driver")
            out[target[4:]] = (parts[3], os.path.basename(drv[1]) if drv else "", "")
        elif kind == "dir" and path.startswith("/sys/devices/system/memory/memory"):
            st = tree.entries.get(path + "/state", ("file", b""))[1].decode().strip()
            out[path[4:]] = ("memory", "", st)
    return out


class SimFS(Operations):
    def __init__(self, kernel, devdir="/dev", mountpoint=None):
        self.k = kernel
        self.mutex = threading.RLock()
        self.devdir = devdir
        self.mountpoint = mountpoint
        self.uevents = Sender()
        self.t0 = time.monotonic()
        self.tree = None
        self.nodes = set()
        self.stores = faults.Stores(lambda path, value: stores.dispatch(self.tree.routes, path, value))
        self.refresh(initial=True)

    # ---- state ----

    def refresh(self, initial=False):
        old = devices(self.tree) if self.tree else {}
        self.tree = render(self.k, MemTree(memory_view=self.memory_view()))
        new = devices(self.tree)
        self.sync_nodes()
        if initial:
            return
        for dp in sorted(set(old) - set(new), key=len, reverse=True):
            self.uevents.send("remove", dp, old[dp][0])
        for dp in sorted(set(new) - set(old), key=len):
            self.uevents.send("add", dp, new[dp][0], {"DRIVER": new[dp][1]} if new[dp][1] else None)
        for dp in sorted(set(new) & set(old)):
            (sub, d0, x0), (_, d1, x1) = old[dp], new[dp]
            if d0 and d0 != d1:
                self.uevents.send("unbind", dp, sub, {"DRIVER": d0})
            if d1 and d0 != d1:
                self.uevents.send("bind", dp, sub, {"DRIVER": d1})
            if sub == "memory" and x0 != x1:
                self.uevents.send("online" if x1 == "online" else "offline", dp, sub)

    def memory_view(self):
        return self.devdir is not None and self.mountpoint is not None

    def sync_nodes(self):
        want = {(p, ma, mi) for p, ma, mi in self.tree.nodes}
        if self.devdir is None:
            self.nodes = want
            return
        for p, ma, mi in self.nodes - want:
            try:
                os.unlink(os.path.join(self.devdir, p))
            except OSError:
                pass
        for p, ma, mi in want - self.nodes:
            full = os.path.join(self.devdir, p)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            try:
                os.unlink(full)
            except OSError:
                pass
            try:
                if ma == DAX_MAJOR and self.memory_view():
                    # A link to the memory view, not a character device: the
                    # host kernel's driver for this major would answer opens.
                    os.symlink(os.path.join(self.mountpoint, MEM.lstrip("/"), p), full)
                else:
                    os.mknod(full, 0o600 | stat.S_IFCHR, os.makedev(ma, mi))
            except OSError:
                pass
        self.nodes = want

    def state_json(self):
        return json.dumps(self.k.state(), indent=1) + "\n"

    def decoded_text(self):
        return "".join(f"{s:#x}-{e:#x} {m} hdm{i} {n or '-'} {r or '-'}\n"
                       for s, e, m, i, n, r in self.k.decoded())

    def control_text(self, path):
        if path.endswith("/state"):
            return self.state_json().encode()
        if path.endswith("/log"):
            return self.stores.log_text(self.t0).encode()
        if path.endswith("/decoded"):
            return self.decoded_text().encode()
        if path.endswith("/events"):
            return "".join(f"{a} {s} {d}\n" for a, d, s in self.uevents.sent).encode()
        return b""

    def control_write(self, path, text):
        for line in text.decode().splitlines():
            w = line.split()
            if not w:
                continue
            try:
                if path.endswith("/faults"):
                    self.stores.control(line)
                elif path.endswith("/control"):
                    kv = dict(x.split("=", 1) for x in w[2:])
                    if w[0] == "add":
                        if kv.get("decoders", "firmware") not in ("firmware", "none"):
                            raise FuseOSError(errno.EINVAL)
                        self.k.hot_add(w[1], serial=int(kv["serial"], 0) if "serial" in kv else None,
                                       ram=int(kv["ram"], 0) if "ram" in kv else None,
                                       firmware_decoders=kv.get("decoders", "firmware") == "firmware")
                    elif w[0] == "remove":
                        self.k.hot_remove(w[1])
                    elif w[0] == "storm":
                        # N change events over the devices there are, as a
                        # udevadm trigger or a flapping link would cause.
                        devs = sorted(devices(self.tree).items())
                        for i in range(int(w[1])):
                            dp, (sub, _, _) = devs[i % len(devs)]
                            self.uevents.send("change", dp, sub)
                        continue
                    else:
                        raise FuseOSError(errno.EINVAL)
                    self.refresh()
            except KernelError as e:
                raise FuseOSError(e.errno)
            except (IndexError, ValueError, AttributeError):
                raise FuseOSError(errno.EINVAL)

    # ---- FUSE operations ----

    def getattr(self, path, fh=None):
        now = time.time()
        base = dict(st_uid=0, st_gid=0, st_atime=now, st_mtime=now, st_ctime=now, st_nlink=1)
        if path in ("/.srd-sim", MEM):
            return dict(base, st_mode=stat.S_IFDIR | 0o755, st_nlink=2)
        if path.startswith(MEM + "/"):
            with self.mutex:
                d = self.k.dax_dev(path[len(MEM) + 1:])
                if d is None:
                    raise FuseOSError(errno.ENOENT)
                return dict(base, st_mode=stat.S_IFREG | 0o600, st_size=d.size)
        if path in CONTROL:
            return dict(base, st_mode=stat.S_IFREG | 0o644, st_size=0)
        with self.mutex:
            e = self.tree.entries.get(path)
        if e is None:
            raise FuseOSError(errno.ENOENT)
        if e[0] == "dir":
            return dict(base, st_mode=stat.S_IFDIR | 0o755, st_nlink=2)
        if e[0] == "link":
            return dict(base, st_mode=stat.S_IFLNK | 0o777, st_size=len(e[1]))
        # sysfs attributes report 4096 bytes; the ACPI tables their real size.
        size = len(e[1]) if "/firmware/acpi/" in path or path.startswith("/proc") else 4096
        return dict(base, st_mode=stat.S_IFREG | 0o644, st_size=size)

    def readdir(self, path, fh):
        if path == "/.srd-sim":
            return [".", ".."] + [c.rsplit("/", 1)[1] for c in CONTROL] + ["mem"]
        if path == MEM:
            with self.mutex:
                return [".", ".."] + [d.name for d in self.k.dax]
        with self.mutex:
            e = self.tree.entries.get(path)
            if e is None or e[0] != "dir":
                raise FuseOSError(errno.ENOTDIR)
            extra = [".srd-sim"] if path == "/" else []
            return [".", ".."] + sorted(e[1]) + extra

    def readlink(self, path):
        with self.mutex:
            e = self.tree.entries.get(path)
        if e is None or e[0] != "link":
            raise FuseOSError(errno.EINVAL)
        return e[1]

    def open(self, path, flags):
        if path.startswith(MEM + "/"):
            with self.mutex:
                d = self.k.dax_dev(path[len(MEM) + 1:])
                if d is None or d.driver != "device_dax":
                    raise FuseOSError(errno.ENXIO)  # no device_dax: no character device
        return 0

    def mem_io(self, path, offset, data=None, size=0):
        try:
            return self.k.dax_io(path[len(MEM) + 1:], offset, data, size)
        except KernelError as e:
            raise FuseOSError(e.errno)

    def read(self, path, size, offset, fh):
        with self.mutex:
            if path.startswith(MEM + "/"):
                return self.mem_io(path, offset, size=size)
            if path in CONTROL:
                data = self.control_text(path)
            else:
                e = self.tree.entries.get(path)
                if e is None or e[0] != "file":
                    raise FuseOSError(errno.ENOENT)
                data = e[1]
        return data[offset:offset + size]

    def write(self, path, data, offset, fh):
        with self.mutex:
            if path.startswith(MEM + "/"):
                return self.mem_io(path, offset, data=data)
            if path in CONTROL:
                self.control_write(path, data)
                return len(data)
            e = self.tree.entries.get(path)
            if e is None or e[0] != "file":
                raise FuseOSError(errno.ENOENT)
            if path == stores.FLUSH:
                return len(data)  # no state change: libcxl writes it before every listing
            try:
                self.stores.write(path, data)
            except KernelError as err:
                raise FuseOSError(err.errno)
            self.refresh()
            return len(data)

    def truncate(self, path, length, fh=None):
        return 0

    def chmod(self, path, mode):
        raise FuseOSError(errno.EPERM)

    def create(self, path, mode, fi=None):
        raise FuseOSError(errno.EACCES)

    def mkdir(self, path, mode):
        raise FuseOSError(errno.EACCES)

    def unlink(self, path):
        raise FuseOSError(errno.EACCES)


def run_timeline(fs, plat):
    """Devices that appear (or go) seconds after boot, in order."""
    t0 = time.monotonic()
    for at, op, name in fs.k.timeline():
        time.sleep(max(0, at - (time.monotonic() - t0)))
        with fs.mutex:
            try:
                fs.k.hot_add(name) if op == "add" else fs.k.hot_remove(name)
            except KernelError:
                continue
            fs.refresh()


def serve(kernel, mountpoint, devdir="/dev"):
    fs = SimFS(kernel, devdir, os.path.abspath(mountpoint))
    threading.Thread(target=run_timeline, args=(fs, kernel.plat), daemon=True).start()
    FUSE(fs, mountpoint, foreground=True, nothreads=True, allow_other=True, direct_io=True,
         attr_timeout=0, entry_timeout=0, negative_timeout=0, default_permissions=False)
