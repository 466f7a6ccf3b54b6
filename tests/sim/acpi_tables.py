# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds raw ACPI CEDT and SRAT tables for a simulated platform, laid out as
the ACPI and CXL specifications define them (the same bytes iasl produces)."""

import struct

ENIW = {1: 0, 2: 1, 4: 2, 8: 3, 16: 4, 3: 8, 6: 9, 12: 10}


def header(sig, length, revision=1):
    return struct.pack("<4sIBB6s8sI4sI", sig, length, revision, 0, b"SRDSIM", b"SRDSIMTB",
                       1, b"SRDS", 1)


def finish(body_sig, body, revision=1):
    length = 36 + len(body)
    raw = bytearray(header(body_sig, length, revision) + body)
    raw[9] = (-sum(raw)) & 0xFF
    return bytes(raw)


def hbig(granularity):
    g = 0
    while (256 << g) < granularity:
        g += 1
    return g


def cedt(platform):
    body = b""
    for hb in platform.host_bridges:
        body += struct.pack("<BBHIIIQQ", 0, 0, 32, hb.uid, 1, 0, 0xFED00000 + 0x10000 * hb.uid, 0x10000)
    for w in platform.windows:
        ways = w.ways
        restrictions = 0x2 | (0x4 if w.ram else 0) | (0x8 if w.pmem else 0)
        sub = struct.pack("<BBHIQQBBHIHH", 1, 0, 36 + 4 * ways, 0, w.start, w.size,
                          ENIW[ways], 0, 0, hbig(w.granularity), restrictions, 0)
        sub += b"".join(struct.pack("<I", t) for t in w.targets)
        body += sub
    return finish(b"CEDT", body)


def srat(platform):
    body = struct.pack("<IQ", 1, 0)
    entries = list(platform.srat)
    if not entries:
        for s, e, _ in platform.memory:
            entries.append((s, e, 0))
        for w in platform.windows:
            entries.append((w.start, w.end, w.node))
    for s, e, pxm in entries:
        size = e - s + 1
        body += struct.pack("<BBIHIIIIIIQ", 1, 40, pxm, 0, s & 0xFFFFFFFF, s >> 32,
                            size & 0xFFFFFFFF, size >> 32, 0, 0x3, 0)
    return finish(b"SRAT", body, revision=3)
