#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a pattern through a dax device with pwrite and reads it back with
pread, at several offsets (the start, inside the first page, a few interleave
granules in, the middle, the last page), as the real-kernel tier does through
mmap.  The pattern depends on a seed and the offset, so an old pattern from
another seed does not pass.

  memcheck.py write DEV SEED     write the pattern
  memcheck.py read DEV SEED      read back and say what is there:
                                   "pattern"  every offset holds SEED's pattern
                                   "zeros"    every offset reads zeros
                                   "mixed"    anything else
                                 exit 0 only for "pattern"
  memcheck.py rw DEV SEED        write, then read (exit 0: the memory works)
"""
import hashlib
import os
import sys

CHUNK = 4096


def offsets(size):
    """Offsets of CHUNK-byte pieces that do not overlap: aligned, unaligned
    across a page boundary, granule-aligned, far in, the middle, the end."""
    cand = [0, 4096 + 17, 3 * 4096 + 256, 3 * 256 * 1024 + 512, size // 2 + 4096, size - CHUNK]
    out = []
    for o in sorted(set(cand)):
        if o + CHUNK <= size and (not out or o >= out[-1] + CHUNK):
            out.append(o)
    return out


def pattern(seed, off):
    out = bytearray()
    i = 0
    while len(out) < CHUNK:
        out += hashlib.sha256(f"{seed}:{off}:{i}".encode()).digest()
        i += 1
    return bytes(out[:CHUNK])


def main(argv):
    if len(argv) != 4 or argv[1] not in ("write", "read", "rw"):
        sys.stderr.write(__doc__)
        return 2
    op, dev, seed = argv[1:]
    try:
        fd = os.open(dev, os.O_RDWR)
    except OSError as e:
        print(f"open: {e.strerror}")
        return 1
    try:
        size = os.fstat(fd).st_size
        with open(f"/sys/bus/dax/devices/{os.path.basename(dev)}/size") as f:
            size = int(f.read(), 0) or size
        offs = offsets(size)
        if op in ("write", "rw"):
            for o in offs:
                if os.pwrite(fd, pattern(seed, o), o) != CHUNK:
                    print("short write")
                    return 1
            if op == "write":
                return 0
        got = [os.pread(fd, CHUNK, o) for o in offs]
    except OSError as e:
        print(f"io: {e.strerror}")
        return 1
    finally:
        os.close(fd)
    if all(g == pattern(seed, o) for g, o in zip(got, offs)):
        print("pattern")
        return 0
    print("zeros" if all(g == bytes(CHUNK) for g in got) else "mixed")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
