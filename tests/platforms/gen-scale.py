#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the scale platforms (scale-1, scale-8, scale-64 memdevs) for
performance and storm tests: host bridges in pairs, one 2-way interleaved
window per pair, regions interleaving one device of each bridge, Soft
Reserved equal to each firmware-committed region (CXL owns all of it), and
the memdevs of the last pair appearing over the first seconds.

  gen-scale.py        rewrite scale-*.json next to this script
"""
import json
import os

GiB, MiB = 1 << 30, 1 << 20


def platform(n):
    if n == 1:
        return {
            "name": "scale-1: one memdev, one region, Soft Reserved equal to it",
            "kernel": {"release": "7.2.0-1-amd64", "behaviour": "resolve-once"},
            "soft_reserved": [{"start": "0x490000000", "size": "0x10000000"}],
            "windows": [{"start": "0x490000000", "size": "0x100000000"}],
            "memdevs": [{"serial": "0x5000"}],
            "regions": [{"window": 0, "size": "0x10000000", "targets": ["mem0"]}],
            "expect": {"inventory": {"complete": True, "n_regions": 1, "n_memdevs": 1,
                                     "ranges": [{"start": "0x490000000", "owner": "cxl"}]},
                       "plan": {"strict": {"verdict": "cxl", "actions": []}}},
        }
    pairs = n // 4
    hbs = [{"uid": i, "bus": 0x10 + 0x10 * i} for i in range(2 * pairs)]
    windows, memdevs, regions, srs = [], [], [], []
    base = 0x1000000000
    for p in range(pairs):
        wstart = base + p * 16 * GiB
        windows.append({"start": hex(wstart), "size": hex(16 * GiB), "targets": [2 * p, 2 * p + 1],
                        "granularity": 256})
        for k in range(2):  # two regions per window, each over one device of each bridge
            a, b = len(memdevs), len(memdevs) + 1
            for hb in (2 * p, 2 * p + 1):
                memdevs.append({"serial": hex(0x5000 + len(memdevs)), "ram_size": hex(256 * MiB),
                                "host_bridge": hb})
            rstart = wstart + k * GiB
            regions.append({"window": p, "start": hex(rstart), "size": hex(512 * MiB),
                            "targets": [f"mem{a}", f"mem{b}"], "granularity": 256})
            srs.append({"start": hex(rstart), "size": hex(512 * MiB)})
    for m in memdevs[-2:]:
        m["appear_at"] = 1.0
    return {
        "name": f"scale-{n}: {n} memdevs, {len(regions)} 2-way interleaved regions, {len(windows)} windows",
        "kernel": {"release": "6.12.43+deb12-amd64", "behaviour": "defer-always"},
        "soft_reserved": srs,
        "host_bridges": hbs,
        "windows": windows,
        "memdevs": memdevs,
        "regions": regions,
        "kmem": False,
        "expect": {"inventory": {"complete": True, "n_regions": len(regions), "n_memdevs": n,
                                 "ranges": [{"start": s["start"], "size": s["size"], "owner": "cxl"}
                                            for s in srs]},
                   "plan": {"strict": {"verdict": "cxl", "actions": []}}},
    }


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for n in (1, 8, 64):
        with open(os.path.join(here, f"scale-{n}.json"), "w") as f:
            json.dump(platform(n), f, indent=1)
            f.write("\n")
