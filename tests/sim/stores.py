# SPDX-License-Identifier: GPL-2.0-or-later
"""The sysfs stores: what a write to each writable attribute does, and the
table that routes a write to it.

The renderer registers a handler for every writable file as it renders the
file (Tree.route), so the table always matches the tree: a path the tree
shows but nobody routed is not writable (EACCES, as kernfs answers for an
attribute with no store method).  A handler takes the written text
(trailing NUL and whitespace already stripped), parses it, checks what the
store checks (the errnos), and asks the kernel model (kernel.py) for the
change.  Fault injection and the store log wrap dispatch() (faults.py)."""

import errno

from kernel import KernelError

FLUSH = "/sys/bus/cxl/flush"


def dispatch(routes, path, value):
    """A store of value (text) to path, through the routing table; returns
    None or raises KernelError."""
    handler = routes.get(path)
    if handler is None:
        raise KernelError(errno.EACCES, f"{path}: not writable")
    return handler(value)


def flush(value):
    """/sys/bus/cxl/flush: libcxl writes it before every directory read."""


def number(v):
    try:
        return int(v, 0)
    except ValueError:
        raise KernelError(errno.EINVAL, v)


# ---- root decoders (decoder0.N) and their regions ----

def create_region(k, w, mode, v):
    k.region_create(w, mode, v)


def delete_region(k, w, v):
    k.region_delete(w, v)


def region_commit(k, r, v):
    if v not in ("0", "1"):
        raise KernelError(errno.EINVAL, v)
    return k.region_commit(r) if v == "1" else k.region_reset(r)


def region_attr(k, r, name, v):
    """size, interleave_ways, interleave_granularity, uuid: only while the
    region is not committed."""
    if r.committed:
        raise KernelError(errno.EBUSY, f"{r.name} is committed")
    if name == "size":
        k.region_set_size(r, number(v))
    elif name == "interleave_ways":
        r.ways = number(v)
    elif name == "interleave_granularity":
        r.granularity = number(v)
    elif name == "uuid":
        r.uuid = v


def region_target(k, r, pos, v):
    if r.committed:
        raise KernelError(errno.EBUSY, f"{r.name} is committed")
    k.region_set_target(r, pos, v)


REGION_ATTRS = ("size", "interleave_ways", "interleave_granularity", "uuid")


# ---- endpoint decoders ----

def decoder_mode(k, d, v):
    k.decoder_set_mode(d, v)


def decoder_dpa_size(k, d, v):
    if d.committed:
        raise KernelError(errno.EBUSY, "decoder committed")
    k.decoder_set_dpa_size(d, number(v))


# ---- memory blocks ----

def block_state(k, idx, v):
    k.block_set_state(idx, v)


# ---- dax devices ----

def dax_align(k, d, v):
    """daxX.Y/align (drivers/dax/bus.c): ENXIO for a number that does not
    parse, EINVAL for a size that is no page, PMD or PUD size or that the
    device's size and start are not multiples of, EBUSY while a driver is
    bound."""
    try:
        a = int(v, 0)
    except ValueError:
        raise KernelError(errno.ENXIO, v)
    k.dax_set_align(d, a)


def dax_memmap_on_memory(k, d, v):
    """daxX.Y/memmap_on_memory (6.8+): a boolean (kstrtobool), EBUSY while
    kmem drives the device and the value would change."""
    if v.lower() in ("1", "y", "yes", "on", "true"):
        val = True
    elif v.lower() in ("0", "n", "no", "off", "false"):
        val = False
    else:
        raise KernelError(errno.EINVAL, v)
    k.dax_set_memmap_on_memory(d, val)


# ---- drivers: bind and unbind name the device ----

def cxl_region(k, op, v):
    r = k.region(v)
    if not r:
        raise KernelError(errno.ENODEV, v)
    if op == "bind":
        if r.enabled:
            raise KernelError(errno.EBUSY, v)
        return k.region_enable(r)
    if not r.enabled:
        raise KernelError(errno.ENODEV, v)
    return k.region_disable(r)


def cxl_acpi(k, op, v):
    if v != "ACPI0017:00":
        raise KernelError(errno.ENODEV, v)
    return k.acpi_remove() if op == "unbind" else k.acpi_probe()


def cxl_mem(k, op, v):
    m = k.memdev(v)
    if m is None:
        raise KernelError(errno.ENODEV, v)
    return k.memdev_remove(m) if op == "unbind" else k.memdev_probe(m)


def cxl_port(k, op, v):
    pid = int(v[8:]) if v.startswith("endpoint") else int(v[4:]) if v.startswith("port") else None
    if pid is None or pid not in k.port_ids() or not k.cxl_acpi:
        raise KernelError(errno.ENODEV, v)
    return k.port_remove(pid) if op == "unbind" else k.port_probe(pid)


def hmem(k, op, v):
    h = next((h for h in k.hmem if h.name == v), None)
    if not h:
        raise KernelError(errno.ENODEV, v)
    return k.hmem_remove(h) if op == "unbind" else k.hmem_probe(h)


def hmem_platform(k, op, v):
    if v != "hmem_platform.0" or not k.gen.hmem_platform:
        raise KernelError(errno.ENODEV, v)
    return k.hmem_platform_remove() if op == "unbind" else k.hmem_platform_bind()


def dax_driver(drv):
    def store(k, op, v):
        if drv == "kmem" and not k.plat.kmem_driver:
            raise KernelError(errno.ENOENT, f"/sys/bus/dax/drivers/kmem/{op}")
        d = k.dax_dev(v)
        if not d:
            raise KernelError(errno.ENODEV, v)
        if op == "unbind":
            if d.driver != drv:
                raise KernelError(errno.ENODEV, v)
            return k.dax_unbind(d)
        return k.dax_probe(d, drv)
    return store


def no_driver(k, op, v):
    """A driver whose bind and unbind the model does not act on."""
    raise KernelError(errno.ENODEV, v)


DRIVERS = {
    ("cxl", "cxl_region"): cxl_region,
    ("platform", "cxl_acpi"): cxl_acpi,
    ("cxl", "cxl_mem"): cxl_mem,
    ("cxl", "cxl_port"): cxl_port,
    ("platform", "hmem"): hmem,
    ("platform", "hmem_platform"): hmem_platform,
    ("dax", "device_dax"): dax_driver("device_dax"),
    ("dax", "kmem"): dax_driver("kmem"),
}


def driver(k, bus, drv, op, v):
    """bind, unbind (and new_id, remove_id, accepted and ignored) of a driver."""
    if op in ("new_id", "remove_id"):
        return
    return DRIVERS.get((bus, drv), no_driver)(k, op, v)
