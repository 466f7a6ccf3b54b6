#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes one simulated platform per real-kernel case of tests/vm/matrix.sh,
with the same firmware facts (QEMU's window at 0x490000000, one or two
256 MiB type-3 devices on host bridge 12, Soft Reserved from memmap=, the
firmware-committed region of the kexec hand-off, kmem loaded or not), so
test-fidelity.sh can compare what srd reads from the simulation with what it
read from the real kernel (tests/fixtures/real/)."""
import json
import os

RELEASE = {"61": ("6.1.0-56-amd64", "claim-first"), "612": ("6.12.117+deb12-amd64", "defer-always"),
           "sid": ("7.2.13+deb14-amd64", "resolve-once")}
SR256 = {"start": "0x490000000", "size": "0x10000000", "source": "cmdline"}


def case(name, v):
    rel, beh = RELEASE[v]
    p = {"name": f"{name}-{v} (mirror of the real-kernel case)", "kernel": {"release": rel, "behaviour": beh},
         "host_bridges": [{"uid": 12, "bus": 12}], "kmem": True,
         "windows": [{"start": "0x490000000", "size": "0x100000000", "targets": [12]}],
         "memdevs": [{"serial": "0x0", "host_bridge": 12,
                      **({"ram_size": "0", "pmem_size": "0x10000000"} if v == "61" else {"ram_size": "0x10000000"})}]}
    if name == "no-cxl":
        p.update(windows=[], memdevs=[], host_bridges=[{"uid": 12, "bus": 12}], cxl_acpi=False)
    elif name == "sr-outside":
        p["soft_reserved"] = [{"start": "0x60000000", "size": "0x10000000", "source": "cmdline"}]
    elif name == "sr-window":
        p["soft_reserved"] = [SR256]
        p["kmem"] = False
    elif name in ("sr-equals-fw", "sr-larger-fw"):
        p["soft_reserved"] = [dict(SR256, size="0x10000000" if name == "sr-equals-fw" else "0x20000000")]
        p["regions"] = [{"window": 0, "size": "0x10000000", "targets": ["mem0"]}]
    elif name == "user-region":
        p["regions"] = [{"window": 0, "size": "0x10000000", "targets": ["mem0"], "firmware": False}]
    elif name == "interleave":
        p["memdevs"].append({"serial": "0x0", "host_bridge": 12, "ram_size": "0x10000000"})
        p["regions"] = [{"window": 0, "size": "0x20000000", "targets": ["mem0", "mem1"], "firmware": False}]
    return p


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("no-cxl", "sr-outside", "sr-window", "sr-equals-fw", "sr-larger-fw", "user-region", "interleave"):
        for v in ("61", "612", "sid"):
            if v == "61" and name in ("sr-equals-fw", "sr-larger-fw", "user-region", "interleave"):
                continue
            with open(os.path.join(here, f"{name}-{v}.json"), "w") as f:
                json.dump(case(name, v), f, indent=1)
                f.write("\n")
