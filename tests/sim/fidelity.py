#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compares srd's inventory of a simulated platform with srd's inventory of
the real kernel it mirrors (captured in the VM tier): the same Soft Reserved
ranges with the same sources and owners, the same regions (committed,
enabled, serving through a dax device, ways), the same hmem devices and dax
devices (kind, start, driver), the same observed kernel behaviour.

  fidelity.py SIM.json REAL.json      prints differences; exit 1 if any
"""
import json
import sys


def view(inv):
    return {
        "behaviour": inv["kernel"]["behaviour"],
        "complete": inv["complete"],
        "ranges": [(r["start"], r["size"], r["owner"], sorted(r["sources"]), r["window"]) for r in inv["ranges"]],
        "windows": [(w["start"], w["size"]) for w in inv["windows"]],
        "regions": sorted((r.get("start"), r.get("size"), r["committed"], r["enabled"], r["dax_region"],
                           len(r["targets"])) for r in inv["regions"]),
        "hmem": sorted((h.get("start"), h["driver"]) for h in inv["hmem_devices"]),
        "dax": sorted((d["kind"], d.get("start"), d["driver"], d["online"]) for d in inv["dax_devices"]),
        "memdevs": sorted((m["ram_size"], m["pmem_size"], m["enabled"]) for m in inv["memdevs"]),
    }


def main():
    sim, real = view(json.load(open(sys.argv[1]))), view(json.load(open(sys.argv[2])))
    bad = [f"{k}: simulated {sim[k]!r}, real {real[k]!r}" for k in real if sim[k] != real[k]]
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
