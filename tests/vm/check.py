#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks one real-kernel boot's console log: the guest reached the end, the
kernel log has no BUG, WARNING or Oops, and srd's inventory and plans inside
the guest match what the kernel is known to do there (DESIGN.md's table,
measured on these kernels).

  check.py CASE-NAME LOG
"""
import json
import re
import sys

ALL = ("strict", "per-range", "prefer-cxl", "prefer-hmem", "audit")
W0, SR = "0x490000000", "0x10000000"

# case prefix -> kernel ("61", "612", "sid", or "*") -> expectation
EXPECT = {
    "no-cxl": {"*": {"ranges": [], "windows": 0, "verdicts": dict.fromkeys(ALL, "none")}},
    "sr-outside": {"*": {"ranges": [("0x60000000", SR, "hmem", None)], "verdicts": dict.fromkeys(ALL, "hmem")}},
    "sr-window": {
        "61": {"ranges": [(W0, SR, "hmem", ["iomem", "cmdline", "hmem"])], "behaviour": "claim-first",
               "verdicts": {"strict": "hmem", "per-range": "hmem", "prefer-hmem": "hmem", "prefer-cxl": "none"}},
        # "deferring range to CXL": nobody serves it; no decoder, so srd must not hand it to hmem
        "612": {"ranges": [(W0, SR, "none", ["iomem", "cmdline"])], "behaviour": "defer-always",
                "verdicts": dict.fromkeys(ALL, "none")},
        "sid": {"ranges": [(W0, SR, "hmem", ["cmdline", "hmem"])], "behaviour": "resolve-once",
                "verdicts": {"strict": "hmem", "per-range": "hmem", "prefer-hmem": "hmem", "prefer-cxl": "none"}},
    },
    "sr-equals-fw": {"*": {"ranges": [(W0, SR, "cxl", None)], "regions": 1,
                           "verdicts": {"strict": "cxl", "per-range": "cxl", "prefer-cxl": "cxl", "audit": "cxl"}}},
    "sr-larger-fw": {"*": {"ranges": [(W0, "0x20000000", "conflict", None)], "regions": 1,
                           "verdicts": {"strict": "none", "per-range": "none", "prefer-cxl": "cxl"}}},
    "user-region": {"*": {"ranges": [], "regions": 1, "verdicts": dict.fromkeys(ALL, "none")}},
    "interleave": {"*": {"ranges": [], "regions": 1, "ways": 2, "verdicts": dict.fromkeys(ALL, "none")}},
}
# Acting cases: srd --once must converge, a second run must do nothing, and
# the final state must be the policy's intent.
ACT = {
    "act-devdax": {"dax": [("cxl", "device_dax")]},
    "act-prefer-cxl": {"dax": [("cxl", "kmem")], "no_hmem_driver": True},
    # a [Device] rule by HPA overrides [CXL] DaxMode=system-ram and sets align
    "act-device": {"dax": [("cxl", "device_dax")], "align": 4096, "rule": "/tmp/act.conf:5"},
}
# The rescue: what the daemon decided at boot, with a word its reason must
# contain; "failure" a kind srd must have seen.  memcheck.sh's verdict on the
# memory is checked for every case (check_memory).
RESCUE = {
    # cxl_mem absent on 6.12: the daemon unbinds cxl_acpi, re-probes hmem_platform.
    "rescue-nomem": {"owner": "hmem", "verdict": "hmem", "failure": "module-absent",
                     "reason": "CXL failed", "writes": ["cxl_acpi/unbind", "hmem_platform/bind"]},
    # the memdev's probe never ran on 7.2: the kernel itself registers hmem.
    "rescue-noprobe": {"owner": "hmem", "failure": "memdev-no-driver", "writes": []},
    # a region over part of the range: on 6.12 the unbind would reset it, so no;
    # 7.2 registered hmem for the whole range, half of which nothing decodes.
    "rescue-region": {"612": {"owner": "conflict", "blocked": "resets the HDM decoders of region0 over it",
                              "writes": []},
                      "sid": {"owner": "conflict", "blocked": "only 256 MiB of 512 MiB is decoded",
                              "writes": []}},
    # firmware-locked decoders, prefer-hmem: 7.2 keeps them through the unbind, 6.12 does not.
    "rescue-locked": {"sid": {"owner": "hmem", "verdict": "hmem", "reason": "prefer-hmem",
                              "writes": ["cxl_acpi/unbind", "hmem_platform/bind"]},
                      "612": {"owner": "cxl", "blocked": "locked, but this kernel resets locked decoders too",
                              "writes": []}},
}
# Cases where the kernel hands dax_hmem a range no committed decoder decodes:
# its memory reads back zeros, which srd's report must not hide.
DEAD = {"sr-window-61", "sr-window-sid"}
BAD = re.compile(r"\bBUG:|WARNING:|\bOops\b|Call Trace|general protection fault|Kernel panic")


KMSG = re.compile(r"^\[\s*\d+\.\d+\] .*$\n?", re.M)


def section(log, begin, end):
    """The text between two markers, without kernel messages the console
    interleaved (probes finish asynchronously)."""
    m = re.search(re.escape(begin) + r"\n(.*?)\n@@@ " + re.escape(end), log, re.S)
    return KMSG.sub("", m.group(1)) if m else None


def check_daemon(log, bad, exp=None):
    """srd ran as a daemon from the guest's boot (the last boot, after a kexec):
    it settled on the kernel's uevents, decided, and srdctl status says so,
    with the owners and the strict verdict the kernel is known to give."""
    found = re.findall(r"@@@ BEGIN daemon\n(.*?)\n@@@ END daemon", log, re.S)
    if not found:
        bad.append("no daemon status in the log")
        return
    try:
        st = json.loads(KMSG.sub("", found[-1]))
    except json.JSONDecodeError:
        bad.append("srdctl status --json: no JSON")
        return
    if st["state"] != "settled" or st["counts"]["decisions"] < 1 or st["schema_version"] != 1:
        bad.append(f"daemon: {st['state']} ({st['reason']}), {st['counts']['decisions']} decisions")
    if exp is None:
        return
    owners = [r["owner"] for r in st["ranges"]]
    if owners != [w[2] for w in exp["ranges"]]:
        bad.append(f"daemon: owners {owners}, expected {[w[2] for w in exp['ranges']]}")
    if "strict" in exp["verdicts"] and st["verdict"] != exp["verdicts"]["strict"]:
        bad.append(f"daemon: verdict {st['verdict']}, expected {exp['verdicts']['strict']}")


def common(log, bad):
    """The guest reached its end, and the kernel log has no BUG, WARNING or Oops."""
    if "@@@ END" not in log:
        bad.append("the guest did not reach the end" + (" (timeout)" if "@@@ TIMEOUT" in log else ""))
    dmesg = log.split("@@@ DMESG", 1)[1] if "@@@ DMESG" in log else ""
    for line in dmesg.splitlines():
        if BAD.search(line):
            bad.append(f"kernel log: {line.strip()}")
            break


def memcheck_results(log):
    """memcheck.sh's lines: dax device name -> (ok, line)."""
    out = {}
    for line in (section(log, "@@@ BEGIN memcheck", "END memcheck") or "").splitlines():
        m = re.match(r"memcheck (dax\d+\.\d+)[ :]", line)
        if m:
            out[m.group(1)] = (": ok," in line, line.strip())
    return out


def overlaps(a_start, a_size, b_start, b_size):
    a, b = int(a_start, 16), int(b_start, 16)
    return a < b + int(b_size, 16) and b < a + int(a_size, 16)


def check_memory(name, log, bad):
    """Every dax device over a range srd leaves with an owner, and every dax
    device of a region overlapping no Soft Reserved (an innocent one), reads
    back the pattern written through it; an owned range with no checked
    device fails.  In DEAD cases the kernel's hmem device must read back
    wrong (the truth the round trip exists to show)."""
    try:
        final = json.loads(section(log, "@@@ BEGIN final", "END final") or "")
    except json.JSONDecodeError:
        bad.append("memcheck: no final inventory")
        return
    res = memcheck_results(log)
    owned = [r for r in final["ranges"] if r["owner"] in ("cxl", "hmem")]
    for d in final["dax_devices"]:
        if "start" not in d:
            continue
        over_owned = any(overlaps(d["start"], d["size"], r["start"], r["size"]) for r in owned)
        over_sr = any(overlaps(d["start"], d["size"], r["start"], r["size"]) for r in final["ranges"])
        if not over_owned and over_sr:
            continue  # a half-owned or stranded range: nobody claims it works
        ok, line = res.get(d["name"], (False, "no memcheck line"))
        if name in DEAD and d["kind"] == "hmem":
            if ok:
                bad.append(f"memcheck {d['name']}: expected dead memory, read back: {line}")
        elif not ok:
            bad.append(f"memcheck {d['name']} ({d['kind']} {d['start']}): {line}")
    for r in owned:
        if name in DEAD:
            continue
        if not any("start" in d and overlaps(d["start"], d["size"], r["start"], r["size"]) and
                   res.get(d["name"], (False,))[0] for d in final["dax_devices"]):
            bad.append(f"memcheck: range {r['start']} is {r['owner']}'s, but no dax device over it read back")


def check_rescue(name, log, exp, bad):
    """The daemon at boot (its status and log) did what the rescue rule says."""
    common(log, bad)
    found = re.findall(r"@@@ BEGIN daemon\n(.*?)\n@@@ END daemon", log, re.S)
    try:
        st = json.loads(KMSG.sub("", found[-1]))
    except (IndexError, json.JSONDecodeError):
        bad.append("no daemon status")
        return
    if st["state"] != "settled":
        bad.append(f"daemon: {st['state']} ({st['reason']})")
    r = st["ranges"][0] if st["ranges"] else {}
    if r.get("owner") != exp["owner"]:
        bad.append(f"daemon: owner {r.get('owner')} ({r.get('owner_reason')}), expected {exp['owner']}")
    if "verdict" in exp and st["verdict"] != exp["verdict"]:
        bad.append(f"daemon: verdict {st['verdict']}, expected {exp['verdict']}")
    if "reason" in exp and exp["reason"] not in r.get("reason", ""):
        bad.append(f"daemon: reason {r.get('reason')!r} lacks {exp['reason']!r}")
    if "blocked" in exp and (not r.get("blocked") or exp["blocked"] not in r.get("reason", "")):
        bad.append(f"daemon: expected blocked by {exp['blocked']!r}: {r.get('reason')!r}")
    daemon_log = log.rsplit("@@@ DAEMON-LOG", 1)[-1].split("@@@ ", 1)[0]  # the last boot's
    for w in exp["writes"]:
        if w not in daemon_log:
            bad.append(f"daemon log: no write to {w}")
    if not exp["writes"] and "write " in daemon_log and "/sys/" in daemon_log:
        bad.append("daemon log: srd wrote where it should not have")
    try:
        final = json.loads(section(log, "@@@ BEGIN final", "END final") or "")
        kinds = [f["kind"] for f in final["failures"]]
    except (json.JSONDecodeError, KeyError):
        bad.append("no final inventory")
        return
    if "failure" in exp and exp["failure"] not in kinds:
        bad.append(f"failures {kinds}, expected {exp['failure']}")


def check_innocent(log, bad):
    """srd --once on a failed device beside an innocent region: refused by name."""
    common(log, bad)
    try:
        run = json.loads(section(log, "@@@ BEGIN rescue", "END rescue") or "")
    except json.JSONDecodeError:
        bad.append("rescue: no JSON")
        return
    ranges = run["decision"]["ranges"]
    if not ranges or not ranges[0]["blocked"] or "innocent region" not in ranges[0]["reason"]:
        bad.append(f"rescue: expected a refusal naming the innocent region: {ranges}")
    if [s for s in run["steps"] if s["result"] == "done"]:
        bad.append(f"rescue: srd acted: {run['steps']}")
    if "memdev-no-driver" not in [f["kind"] for f in run["final"]["failures"]]:
        bad.append(f"rescue: failures {run['final']['failures']}")


def check_act(log, exp, bad):
    common(log, bad)
    check_daemon(log, bad)
    runs = []
    for which in ("once", "again"):
        text = section(log, f"@@@ BEGIN {which}", f"END {which}")
        try:
            runs.append(json.loads(text or ""))
        except json.JSONDecodeError:
            bad.append(f"srd --once ({which}): no JSON")
    if len(runs) == 2:
        first, second = runs
        if not first["converged"]:
            bad.append(f"did not converge: {first['unconverged']} steps {[(s['action'], s['result'], s['message']) for s in first['steps']]}")
        # The probe order of dax_hmem and dax_cxl differs between boots: when
        # CXL won the race there is nothing to do, and converging is enough.
        done = [s for s in second["steps"] if s["result"] == "done"]
        if done or not second["converged"]:
            bad.append(f"the second run was not a no-op: {[(s['action'], s['result']) for s in second['steps']]}")
        final = first["final"]
        if not final["complete"]:
            bad.append(f"final inventory incomplete: {final['problems']}")
        dax = sorted((d["kind"], d["driver"]) for d in final["dax_devices"] if d["kind"] == "cxl")
        if dax != exp["dax"]:
            bad.append(f"final CXL dax devices {dax}, expected {exp['dax']}")
        if exp.get("no_hmem_driver") and any(h["driver"] for h in final["hmem_devices"]):
            bad.append(f"an hmem device is still bound: {final['hmem_devices']}")
        if "align" in exp:
            aligns = [d["align"] for d in final["dax_devices"] if d["kind"] == "cxl"]
            if aligns != [exp["align"]]:
                bad.append(f"final CXL dax align {aligns}, expected {exp['align']}")
    if "rule" in exp:
        try:
            inv = json.loads(section(log, "@@@ BEGIN device-inventory", "END device-inventory") or "")
            rules = [(d["policy"]["rule"], d["policy"]["matched"]) for d in inv["dax_devices"] if d["kind"] == "cxl"]
        except (json.JSONDecodeError, KeyError) as e:
            rules = f"no inventory with the policy ({e})"
        if rules != [(exp["rule"], ["Range="])]:
            bad.append(f"srd --inventory: rules {rules}, expected {exp['rule']} by Range=")
    if bad:
        print("; ".join(bad))
        return 1
    return 0


def check_replace(log, bad):
    """A hotplug replace through QEMU's monitor: prepare took the region down,
    the device left and a new one (another serial) came into the slot, and
    srd re-created the region on the recorded HPA by itself."""
    common(log, bad)
    check_daemon(log, bad)
    try:
        before = json.loads(section(log, "@@@ BEGIN layout-before", "END layout-before") or "")
        prep = json.loads(section(log, "@@@ BEGIN prepare", "END prepare") or "")
        after = json.loads(section(log, "@@@ BEGIN layout-after", "END layout-after") or "")
    except json.JSONDecodeError:
        bad.append("layout or prepare output is not JSON")
        return
    if not prep.get("can_remove"):
        bad.append(f"prepare: {prep.get('message') or prep.get('reason')}")
    if "@@@ REMOVED 0 memdevs" not in log:
        bad.append("the device did not leave the guest")
    regions = section(log, "@@@ BEGIN regions-after", "END regions-after") or ""
    want = f"resource={before['start']} size={before['size']} commit=1 driver=cxl_region"
    if want not in regions:
        bad.append(f"no region re-created as {want}: {regions.strip()!r}")
    if (after["targets"][0]["serial"], after["generation"], after["replace"]) != ("0x2002", 2, "none"):
        bad.append(f"layout after: serial {after['targets'][0]['serial']}, generation {after['generation']}, "
                   f"replace {after['replace']}")
    if "replaces serial 0x0 with 0x2002" not in log:
        bad.append("srd did not report a replacement")


# The systemd guest: what must fail inside srd.service's sandbox (its mount
# namespace and cgroup) although it works for plain root outside, and how.
SANDBOX_DENIED = {
    "swappiness": "Read-only file system",        # ProtectKernelTunables: /proc/sys
    "thp": "Read-only file system",               # /sys outside the trees srd writes
    "serial8250-unbind": "Read-only file system",  # another bus's drivers (outside: ENODEV)
    "cxl-mem-rw": "Operation not permitted",      # DevicePolicy=closed: no mailbox
    "cxl-mem-r": "Operation not permitted",
    "dax-open-dax0.0": "Operation not permitted",  # no memory contents
}
# srd's own trees, still writable inside the sandbox (srd acting shows the rest):
# the flush works, a committed region's attribute is refused by the kernel, not
# by a read-only mount.
SANDBOX_ALLOWED = ("cxl-flush", "cxl-region-attr")
MEMORY_MAX, TASKS_MAX = 64 << 20, 16


def props(text):
    return dict(line.split("=", 1) for line in (text or "").splitlines() if "=" in line)


def check_systemd(log, bad):
    """srd as shipped under systemd as PID 1 (systemd.sh): the boot completed,
    srd.service started after udev's coldplug and is active/running with a
    settled verdict (cxl: firmware's region), srdctl works over the system bus
    (reading as nobody, not reloading), systemctl reload works, srd acted from
    inside its sandbox, the sandbox refused what it must (/sys read-only but
    for srd's trees), an apply was refused while a process held the dax
    device open, the unit's limits hold, and journalctl -x shows the
    catalog's text."""
    common(log, bad)
    check_daemon(log, bad, {"ranges": [(W0, SR, "cxl", None)], "verdicts": {"strict": "cxl"}})
    m = re.search(r"@@@ SYSTEM (\S+) \(pid 1: (\S+)\)", log)
    if not m or m.groups() != ("running", "systemd"):
        failed = (section(log, m.group(0), "SCENARIO") or "").strip() if m else ""
        bad.append(f"boot: {m.groups() if m else 'no SYSTEM line'} {failed}")
    unit = props(section(log, "@@@ BEGIN unit", "END unit"))
    if (unit.get("ActiveState"), unit.get("SubState"), unit.get("NRestarts")) != ("active", "running", "0") or \
            not unit.get("StatusText", "").startswith("settled:"):
        bad.append(f"unit: {unit}")
    order = dict(line.split(" ", 1) for line in (section(log, "@@@ BEGIN order", "END order") or "").splitlines()
                 if " " in line)
    try:
        if not 0 < int(order["udev-trigger-done"]) <= int(order["srd-started"]) < int(order["srd-ready"]):
            bad.append(f"order: {order}")
    except (KeyError, ValueError):
        bad.append(f"order: {order}")
    if "systemd-udev-trigger.service" not in order.get("srd-after", "").split():
        bad.append("srd.service is not ordered after systemd-udev-trigger.service")
    ctl = section(log, "@@@ BEGIN srdctl", "END srdctl") or ""
    for want in ("srdctl status rc=0", "srdctl status as nobody rc=0", "access denied"):
        if want not in ctl:
            bad.append(f"srdctl: no {want!r}")
    if "srdctl reload as nobody rc=0" in ctl:
        bad.append("srdctl: nobody could reload srd")
    rl = section(log, "@@@ BEGIN reload", "END reload") or ""
    if "systemctl reload rc=0" not in rl or props(rl).get("ActiveState") != "active" or \
            props(rl).get("NRestarts") != "0":
        bad.append(f"reload: {rl.strip()!r}")
    res = props(section(log, "@@@ BEGIN resources", "END resources"))
    try:
        if not 0 < int(res["MemoryMax"]) <= MEMORY_MAX or not 0 < int(res["TasksMax"]) <= TASKS_MAX:
            bad.append(f"limits: MemoryMax={res['MemoryMax']} TasksMax={res['TasksMax']}")
        if int(res["MemoryPeak"]) > int(res["MemoryMax"]) // 2:
            bad.append(f"srd's memory peak {res['MemoryPeak']} is over half its MemoryMax")
    except (KeyError, ValueError):
        bad.append(f"limits: {res}")
    sandbox = (section(log, "@@@ BEGIN sandbox", "END sandbox") or "") + \
        (section(log, "@@@ BEGIN sandbox-dax", "END sandbox-dax") or "")
    lines = {tuple(line.split(" ", 2)[:2]): line for line in sandbox.splitlines() if line.count(" ") >= 2}
    for what, err in SANDBOX_DENIED.items():
        inside, out = lines.get(("sandbox", what + ":"), ""), lines.get(("outside", what + ":"), "")
        if not inside or " rc=0 " in inside or err not in inside:
            bad.append(f"sandbox allows {what}: {inside or 'not tried'} (expected {err})")
        if not out or err in out:
            bad.append(f"{what} fails outside the sandbox too: {out or 'not tried'}")
    for what in SANDBOX_ALLOWED:
        line = lines.get(("sandbox", what + ":"), "")
        if not line or "Read-only file system" in line or "Operation not permitted" in line:
            bad.append(f"sandbox refuses srd's own {what}: {lines.get(('sandbox', what + ':'))}")
    # Inside the unit /sys is read-only (the top mount of /sys), the trees srd
    # writes are not.
    fm = [line.split(None, 1) for line in (section(log, "@@@ BEGIN findmnt", "END findmnt") or "").splitlines()
          if line.startswith("/")]
    fm = {t: o for t, o in fm}
    for tree, want in (("/sys", "ro"), ("/sys/bus/dax", "rw"), ("/sys/devices/system/memory", "rw")):
        if not fm.get(tree, "").startswith(want + ","):
            bad.append(f"in the unit {tree} is not {want}: {fm.get(tree)!r}")
    # The in-use interlock: the holder (nobody) is named, the apply refused.
    inuse = section(log, "@@@ BEGIN in-use", "END in-use") or ""
    m = re.search(r"holder pid=(\d+) uid=65534 fd0=(/dev/dax\S+)", inuse)
    if not m:
        bad.append(f"in-use: no holder: {inuse.strip()[:200]!r}")
    elif "srdctl apply rc=1" not in inuse or \
            not re.search(rf"pid {m.group(1)} \(sleep\) has open {re.escape(m.group(2))}", inuse):
        bad.append(f"in-use: apply not refused naming pid {m.group(1)}: {inuse.strip()[:400]!r}")
    if "srdctl apply (configured policy) rc=0" not in inuse:
        bad.append("in-use: srd did not settle again once the holder was gone")
    act = section(log, "@@@ BEGIN act", "END act") or ""
    if "dax0.0 driver=device_dax" not in act or "StatusText=settled:" not in act:
        bad.append(f"srd did not act from its sandbox: {act.strip()!r}")
    journal = section(log, "@@@ BEGIN journal", "END journal") or ""
    for want in ("Subject: srd started", "srd, the Soft Reserved daemon, started with policy",
                 "Subject: srd reloaded its configuration"):
        if want not in journal:
            bad.append(f"journalctl -x: no {want!r}")
    for line in journal.splitlines():
        if re.search(r"srd\.service: (Main process exited|Failed)", line):
            bad.append(f"journal: {line.strip()}")
            break


def main():
    name, path = sys.argv[1], sys.argv[2]
    log = open(path, errors="replace").read().replace("\r", "")
    prefix, kernel = name.rsplit("-", 1)
    bad = []
    check_memory(name, log, bad)
    if prefix == "rescue-innocent":
        check_innocent(log, bad)
    elif prefix in RESCUE:
        exp = RESCUE[prefix]
        check_rescue(name, log, exp.get(kernel, exp), bad)
    if prefix == "act-replace":
        check_replace(log, bad)
    if prefix in RESCUE or prefix.startswith("rescue-") or prefix == "act-replace":
        if bad:
            print("; ".join(bad))
            return 1
        return 0
    if prefix in ACT:
        return check_act(log, ACT[prefix], bad)
    if prefix == "systemd":
        check_systemd(log, bad)
        print("; ".join(bad))
        return 1 if bad else 0
    exp = EXPECT[prefix].get(kernel) or EXPECT[prefix]["*"]
    common(log, bad)
    check_daemon(log, bad, exp)
    inv_text = section(log, "@@@ BEGIN inventory", "END inventory")
    if inv_text is None:
        bad.append("no srd inventory in the log")
        print("; ".join(bad))
        return 1
    try:
        inv = json.loads(inv_text)
    except json.JSONDecodeError as e:
        print(f"srd --inventory --json is not JSON: {e}")
        return 1
    if not inv["complete"]:
        bad.append(f"inventory incomplete: {inv['problems']}")
    got = [(r["start"], r["size"], r["owner"], sorted(r["sources"])) for r in inv["ranges"]]
    want = exp["ranges"]
    if len(got) != len(want):
        bad.append(f"ranges {got}, expected {want}")
    for g, w in zip(got, want):
        if g[:3] != w[:3] or (w[3] is not None and g[3] != sorted(w[3])):
            bad.append(f"range {g}, expected {w}")
    if "windows" in exp and len(inv["windows"]) != exp["windows"]:
        bad.append(f"{len(inv['windows'])} windows, expected {exp['windows']}")
    if "regions" in exp and len(inv["regions"]) != exp["regions"]:
        bad.append(f"{len(inv['regions'])} regions, expected {exp['regions']}")
    if "ways" in exp and inv["regions"] and len(inv["regions"][0]["targets"]) != exp["ways"]:
        bad.append(f"region targets {inv['regions'][0]['targets']}, expected {exp['ways']} ways")
    if "behaviour" in exp and inv["kernel"]["behaviour"] != exp["behaviour"]:
        bad.append(f"behaviour {inv['kernel']['behaviour']} ({inv['kernel']['behaviour_basis']}), "
                   f"expected {exp['behaviour']}")
    for pol, verdict in exp["verdicts"].items():
        text = section(log, f"@@@ BEGIN plan {pol}", f"END plan {pol}")
        try:
            plan = json.loads(text or "")
        except json.JSONDecodeError:
            bad.append(f"plan {pol}: no JSON")
            continue
        if plan["verdict"] != verdict:
            bad.append(f"plan {pol}: verdict {plan['verdict']}, expected {verdict} "
                       f"({[r['reason'] for r in plan['ranges']]})")
    # Every policy acted in turn: each converged, none took an owner away.
    had = {r["start"]: r["owner"] for r in inv["ranges"]}
    for pol in ALL:
        text = section(log, f"@@@ BEGIN once {pol}", f"END once {pol}")
        try:
            run = json.loads(text or "")
        except json.JSONDecodeError:
            bad.append(f"once {pol}: no JSON")
            continue
        if not run["converged"]:
            bad.append(f"once {pol}: did not converge: {run['unconverged']} "
                       f"{[(x['action'], x['result'], x['message']) for x in run['steps']]}")
        for r in run["final"]["ranges"]:
            if had.get(r["start"]) in ("cxl", "hmem") and r["owner"] == "none":
                bad.append(f"once {pol}: {r['start']} lost its owner ({had[r['start']]})")
    if bad:
        print("; ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
