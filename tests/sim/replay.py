# SPDX-License-Identifier: GPL-2.0-or-later
"""Problem reports that replay: a snapshot (`srdctl snapshot`, or a bare
`srd --inventory --json`) turned back into a simulated platform
(tests/sim/README.md, "Description format") on which srd reads the same
inventory and reaches the same verdicts; and the comparison that says
whether it did.

What each platform key is made of:
  kernel         release; behaviour as srd observed it (by the release when
                 srd could not tell); the command line's other words
  memory         /proc/iomem's top-level "System RAM" (iomem[], srd >= the
                 report fields; else the simulator's default)
  soft_reserved  the evidence pieces from /sys/firmware/memmap (firmware)
                 and memmap= (cmdline); a range shown only by /proc/iomem or
                 an hmem device becomes a firmware entry
  host_bridges   one per run of consecutive PCI buses of the memdevs (the
                 simulator puts device K of a bridge on bus bridge + 1 + K),
                 as many more as the widest window interleaves over
  windows        start, size, granularity, ram/pmem; targets: the bridges of
                 its regions' targets by position; node: its dax devices'
  memdevs        in the order of their names (renumbered mem0.. if there
                 are gaps); serial, sizes, PCI id, bridge and slot;
                 probe_fails when cxl_mem is loaded but did not bind it
  regions        every region with an HPA: window, targets, mode,
                 granularity, locked, committed; probe_fails when committed
                 and not bound; firmware-committed except on claim-first
                 (which assembles none: a region seen there was made after
                 boot); committed decoders no region holds (decoded[])
                 become firmware decoders that do not assemble
  srat, hmat, kmem, online, cxl_acpi, cxl_mem
                 from srat[], inputs.hmat, the drivers and the dax devices
  expect         the snapshot's inventory (and its decision's verdict), so
                 `srd-sim check` holds the replay to it

  dmi            the snapshot's host.dmi strings

Anonymizing (the converter's --anonymize, as `srdctl snapshot --anonymize`)
leaves the host name out of the platform's name, the DMI strings out of
the platform and drops the command line's words other than memmap=.
"""

import json
import re

import generations

BEHAVIOURS = generations.NAMES
SR_WORD = re.compile(r"^memmap=[^%]+%[^+]+\+0xefffffff$", re.I)


class ReplayError(Exception):
    pass


def n(v):
    return int(v, 0) if isinstance(v, str) else int(v)


def hx(v):
    return f"{v:#x}"


def inventory_of(doc):
    """The inventory of a snapshot or a bare inventory."""
    if "inventory" in doc:
        return doc["inventory"]
    if "kernel" in doc and "ranges" in doc:
        return doc
    if "inventory_error" in doc:
        raise ReplayError(f"the snapshot has no inventory: {doc['inventory_error']}")
    raise ReplayError("neither a snapshot (srdctl snapshot) nor an inventory (srd --inventory --json)")


def behaviour_of(kernel):
    b = kernel.get("behaviour")
    if b in BEHAVIOURS:
        return b
    return generations.of_release(kernel.get("release", "")).name


def pci_bus(host):
    m = re.match(r"^[0-9a-f]{4}:([0-9a-f]{2}):", host or "", re.I)
    return int(m.group(1), 16) if m else None


def memdev_order(inv):
    def key(m):
        d = re.sub(r"\D", "", m["name"])
        return (int(d) if d else 1 << 30, m["name"])
    return sorted(inv.get("memdevs", []), key=key)


def host_bridges(mems):
    """Bridges (bus) and each memdev's (bridge index, slot), from PCI buses."""
    buses = sorted({b for b in (pci_bus(m.get("host")) for m in mems) if b is not None})
    runs = []
    for b in buses:
        if runs and b == runs[-1][-1] + 1:
            runs[-1].append(b)
        else:
            runs.append([b])
    bridges = [r[0] - 1 for r in runs] or [0x0c]
    place = {}
    for m in mems:
        b = pci_bus(m.get("host"))
        if b is None:
            place[m["name"]] = (0, None)
            continue
        i = next(k for k, r in enumerate(runs) if b in r)
        place[m["name"]] = (i, b - runs[i][0])
    return bridges, place


def soft_reserved(inv):
    out = []
    for p in inv.get("evidence", []):
        src = {"memmap": "firmware", "cmdline": "cmdline"}.get(p["source"])
        if src:
            e = {"start": p["start"], "size": p["size"], "source": src}
            if e not in out:
                out.append(e)
    for r in inv.get("ranges", []):
        s, z = n(r["start"]), n(r["size"])
        covered = any(n(e["start"]) <= s and s + z <= n(e["start"]) + n(e["size"]) for e in out)
        if covered:
            continue
        srcs = r.get("sources", [])
        if "memmap" in srcs or not ({"memmap", "cmdline"} & set(srcs)):
            out.append({"start": r["start"], "size": r["size"], "source": "firmware"})
        if "cmdline" in srcs:
            out.append({"start": r["start"], "size": r["size"], "source": "cmdline"})
    return out


def platform(doc, anonymize=False, origin="snapshot"):
    """The platform description of a snapshot; notes lists what it could not carry."""
    inv = inventory_of(doc)
    notes = []
    k = inv.get("kernel", {})
    release = k.get("release", "")
    behaviour = behaviour_of(k)
    drivers = inv.get("drivers", {})

    def drv(name, field="present", default=True):
        return drivers.get(name, {}).get(field, default)

    host = "" if anonymize else (doc.get("host") or {}).get("hostname", "")
    p = {"name": f"replay of {host + ' ' if host else ''}{origin} ({release})",
         "kernel": {"release": release, "behaviour": behaviour}}
    dmi = {} if anonymize else (doc.get("host") or {}).get("dmi", {})
    if dmi:
        p["dmi"] = dmi
    extra = [w for w in (k.get("cmdline") or "").split()
             if not SR_WORD.match(w) and not re.match(r"^(BOOT_IMAGE=|root=|ro$)", w)
             and not (anonymize and not w.startswith("memmap="))]
    if extra:
        p["kernel"]["cmdline"] = " ".join(extra)

    ram = [e for e in inv.get("iomem", []) if e.get("depth") == 0 and e["name"] == "System RAM"]
    if ram:
        p["memory"] = [{"start": e["start"], "size": e["size"], "type": "System RAM"} for e in ram]
    p["soft_reserved"] = soft_reserved(inv)

    mems = memdev_order(inv)
    names = {m["name"]: f"mem{i}" for i, m in enumerate(mems)}
    if any(a != b for a, b in names.items()):
        notes.append("memdevs renumbered: " + ", ".join(f"{a} -> {b}" for a, b in names.items() if a != b))
    bridges, place = host_bridges(mems)
    windows = inv.get("windows", [])
    regions = [r for r in inv.get("regions", []) if "start" in r and "size" in r]
    for r in inv.get("regions", []):
        if r not in regions:
            notes.append(f"{r['name']}: no HPA allocated, left out")
    wants = max([w.get("interleave_ways", 1) for w in windows] + [1])
    while len(bridges) < wants:
        bridges.append(bridges[-1] + 0x10)
    p["host_bridges"] = [{"uid": i, "bus": b} for i, b in enumerate(bridges)]
    win_index = {w["name"]: i for i, w in enumerate(windows)}

    def window_of(s, e):
        return next((i for i, w in enumerate(windows) if n(w["start"]) <= s and e <= n(w["end"])), None)

    pw = []
    for i, w in enumerate(windows):
        ways = w.get("interleave_ways", 1)
        tg = [None] * ways
        for r in regions:
            if win_index.get(r["decoder"]) != i:
                continue
            for t in r["targets"]:
                b = place.get(t["memdev"], (0, None))[0]
                pos = t["position"] % ways
                if tg[pos] is None and b not in tg:
                    tg[pos] = b
        free = [b for b in range(len(bridges)) if b not in tg]
        tg = [t if t is not None else free.pop(0) for t in tg]
        e = {"start": w["start"], "size": w["size"], "targets": tg,
             "granularity": w.get("interleave_granularity", 256),
             "ram": w.get("cap_ram", True), "pmem": w.get("cap_pmem", True)}
        nodes = [d["target_node"] for d in inv.get("dax_devices", []) if "start" in d
                 and n(w["start"]) <= n(d["start"]) <= n(w["end"]) and d.get("target_node", -1) >= 0]
        nodes += [s["proximity_domain"] for s in inv.get("srat", [])
                  if s["start"] == w["start"] and s["size"] == w["size"]]
        if nodes:
            e["node"] = nodes[0]
        pw.append(e)
    p["windows"] = pw

    pm = []
    for m in mems:
        b, slot = place[m["name"]]
        e = {"host_bridge": b, "ram_size": m.get("ram_size", "0x0"), "pmem_size": m.get("pmem_size", "0x0")}
        if m.get("serial") is not None:
            e["serial"] = m["serial"]
        if slot is not None:
            e["slot"] = slot
        vid = re.match(r"^([0-9a-f]{4}):([0-9a-f]{4})$", m.get("pci_id", ""), re.I)
        if vid and vid.group(1) != "0000":
            e["vendor"], e["device"] = "0x" + vid.group(1), "0x" + vid.group(2)
        if not m.get("enabled", True) and drv("cxl_mem"):
            e["probe_fails"] = True
        pm.append(e)
    p["memdevs"] = pm

    pr, held = [], set()
    for r in sorted(regions, key=lambda r: n(r["start"])):
        wi = win_index.get(r["decoder"])
        if wi is None:
            wi = window_of(n(r["start"]), n(r["end"]))
        if wi is None:
            notes.append(f"{r['name']}: in no window, left out")
            continue
        targets = [names.get(t["memdev"]) for t in sorted(r["targets"], key=lambda t: t["position"])]
        if None in targets or not targets:
            notes.append(f"{r['name']}: targets {[t['memdev'] for t in r['targets']]} not all known, left out")
            continue
        held.update(t["decoder"] for t in r["targets"])
        e = {"window": wi, "start": r["start"], "size": r["size"], "targets": targets,
             "mode": r.get("mode") or "ram", "granularity": r.get("interleave_granularity", 256)}
        # A generation that assembles no regions showed this one because an
        # administrator made it after boot (unless the firmware locked it).
        firmware = generations.GENERATIONS[behaviour].assembles_regions or r.get("locked", False)
        if not firmware:
            e["firmware"] = False
        if r.get("locked"):
            e["locked"] = True
        if not r.get("committed", True):
            e["committed"] = False
        elif not r.get("enabled", True):
            e["probe_fails"] = True
        pr.append(e)
    loose = {}
    for d in inv.get("decoded", []):
        if d["decoder"] not in held and d["memdev"] in names:
            loose.setdefault((d["start"], d["size"], d["end"]), []).append(names[d["memdev"]])
    for (s, z, e_), ts in sorted(loose.items(), key=lambda x: n(x[0][0])):
        wi = window_of(n(s), n(e_))
        if wi is None:
            notes.append(f"decoders {s}+{z} of {ts}: in no window, left out")
            continue
        pr.append({"window": wi, "start": s, "size": z, "targets": ts, "assemble": False})
    p["regions"] = pr

    if inv.get("srat"):
        p["srat"] = [{"start": s["start"], "size": s["size"], "pxm": s["proximity_domain"]} for s in inv["srat"]]
    else:
        # captures older than srat[]: the nodes the dax devices outside every
        # window show, on top of what the simulator would put in the SRAT
        out = [d for d in inv.get("dax_devices", []) if "start" in d and d.get("target_node", -1) >= 0
               and window_of(n(d["start"]), n(d["end"])) is None]
        if out:
            p["srat"] = ([{"start": m["start"], "size": m["size"], "pxm": 0} for m in p.get("memory", [])]
                         or [{"start": 0, "size": "0x80000000", "pxm": 0}])
            p["srat"] += [{"start": w["start"], "size": w["size"], "pxm": w.get("node", 1 + i)}
                          for i, w in enumerate(pw)]
            p["srat"] += [{"start": d["start"], "size": d["size"], "pxm": d["target_node"]} for d in out]
    if inv.get("inputs", {}).get("hmat"):
        p["hmat"] = True
    p["kmem"] = bool(drv("kmem"))
    if not drv("kmem"):
        p["kmem_driver"] = False
    online = [d for d in inv.get("dax_devices", []) if d.get("online")]
    if online and not all(d.get("movable") for d in online):
        p["online"] = "normal"
    acpi = k.get("cxl_acpi_bound", drv("cxl_acpi", "bound", 1) > 0)
    if not acpi:
        p["cxl_acpi"] = False
    if not drv("cxl_mem"):
        p["cxl_mem"] = False

    exp = {"complete": inv.get("complete", True), "behaviour": k.get("behaviour", behaviour),
           "n_regions": len(inv.get("regions", [])), "n_dax_devices": len(inv.get("dax_devices", [])),
           "n_hmem_devices": len(inv.get("hmem_devices", [])),
           "ranges": [{"start": r["start"], "size": r["size"], "owner": r["owner"], "sources": r["sources"]}
                      for r in inv.get("ranges", [])]}
    p["expect"] = {"inventory": exp}
    dec = doc.get("decision")
    if dec and dec.get("policy"):
        p["expect"]["plan"] = {dec["policy"]: {"verdict": dec["verdict"]}}
    return p, notes


# ---- comparison ----

def view(inv):
    """What a replay must reproduce, by content rather than by kernel-chosen
    names (hmem.N, daxX.Y and regionN numbers differ between kernels)."""
    hosts = {m["name"]: m.get("host") for m in inv.get("memdevs", [])}

    def fl(x):
        return sorted(x, key=repr)
    k = inv["kernel"]
    return {
        "behaviour": k["behaviour"],
        "complete": inv["complete"],
        "ranges": [(r["start"], r["size"], r["owner"], sorted(r["sources"]), r["window"] is not None,
                    r.get("decoded_bytes")) for r in inv["ranges"]],
        "windows": [(w["start"], w["size"], w["interleave_ways"], w.get("cap_ram"), w.get("cap_pmem"))
                    for w in inv["windows"]],
        "regions": fl((r.get("start"), r.get("size"), r.get("mode"), r["committed"], r["enabled"],
                       r["dax_region"], r.get("locked", False),
                       tuple(hosts.get(t["memdev"]) for t in r["targets"])) for r in inv["regions"]),
        "memdevs": fl((m.get("host"), m.get("serial"), m["ram_size"], m["pmem_size"], m.get("pci_id"),
                       m["enabled"]) for m in inv["memdevs"]),
        "dax": fl((d["kind"], d.get("start"), d.get("size"), d["driver"], d["online"], d.get("movable"),
                   d.get("target_node")) for d in inv["dax_devices"]),
        "hmem": fl((h.get("start"), h.get("size"), h["driver"]) for h in inv["hmem_devices"]),
        "drivers": {d: v["present"] for d, v in inv["drivers"].items()},
        # captures older than the failures list say nothing about them
        "failures": fl((f["kind"], f["device"]) for f in inv["failures"]) if "failures" in inv else None,
    }


def compare(replayed, captured):
    """Differences between the replay's inventory and the captured one, one
    line each, for every aspect the capture reports."""
    a, b = view(replayed), view(captured)
    return [f"{key}: replayed {a[key]!r}, captured {b[key]!r}" for key in b
            if b[key] is not None and a.get(key) != b[key]]


def load(path):
    with open(path) as f:
        return json.load(f)
