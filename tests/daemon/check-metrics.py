#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks srd's node_exporter textfile with Prometheus' own text-format
parser (Debian's python3-prometheus-client): every family has HELP and TYPE,
names follow Prometheus' conventions (srd_ prefix, counters end in _total,
sizes in _bytes, times in _seconds), and the values are those of
`srdctl status --json` and, per NUMA node, of the inventory's dax devices.

  check-metrics.py METRICS.prom STATUS.json INVENTORY.json
Prints one line per problem; exit 1 if any.
"""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = open(sys.argv[1]).read()
    status = json.load(open(sys.argv[2]))
    inv = json.load(open(sys.argv[3]))
    bad = []
    fams = {}
    for fam in text_string_to_metric_families(text):
        fams[fam.name] = fam
        if not fam.documentation:
            bad.append(f"{fam.name}: no HELP")
        if fam.type == "unknown":
            bad.append(f"{fam.name}: no TYPE")
        if not re.fullmatch(r"srd_[a-z_]+", fam.name):
            bad.append(f"{fam.name}: not a srd_ snake_case name")
        for s in fam.samples:
            if fam.type == "counter" and not s.name.endswith("_total"):
                bad.append(f"{s.name}: a counter not ending in _total")
            if fam.type != "counter" and s.name.endswith("_total"):
                bad.append(f"{s.name}: _total on a {fam.type}")
            if re.search(r"bytes|seconds", s.name) and not re.search(r"_(bytes|seconds)(_total)?$", s.name):
                bad.append(f"{s.name}: the unit is not the suffix")
    # Every TYPE line names a family the parser saw (nothing typed twice or stray).
    typed = re.findall(r"^# TYPE (\S+) ", text, re.M)
    helped = re.findall(r"^# HELP (\S+) ", text, re.M)
    names = {s.name for f in fams.values() for s in f.samples}
    for n in names:
        base = re.sub(r"_total$", "", n)
        if not ({n, base} & set(typed)) or not ({n, base} & set(helped)):
            bad.append(f"{n}: HELP or TYPE missing for the sample")

    def value(name, **labels):
        fam = fams.get(re.sub(r"_total$", "", name)) or fams.get(name)
        for s in fam.samples if fam else []:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
        bad.append(f"no sample {name}{labels}")
        return None

    def same(what, got, want):
        if got is not None and got != want:
            bad.append(f"{what}: metrics say {got!r}, srdctl status --json {want!r}")

    c, b = status["counts"], status["bytes"]
    same("srd_build_info version", value("srd_build_info", version=status["version"]), 1)
    same("srd_policy_info", value("srd_policy_info", mode=status["policy"]["mode"] or "invalid"), 1)
    same("srd_state", value("srd_state", state=status["state"]), 1)
    same("srd_state total", sum(s.value for s in fams["srd_state"].samples), 1)
    if status["verdict"]:
        same("srd_verdict", value("srd_verdict", verdict=status["verdict"]), 1)
    same("srd_converged", value("srd_converged"), int(status["converged"]))
    same("srd_policy_valid", value("srd_policy_valid"),
         int(status["policy"]["valid"] and not status["policy"]["error"]))
    for owner in ("cxl", "hmem", "none", "conflict"):
        same(f"srd_ranges {owner}", value("srd_ranges", owner=owner), c[owner])
        same(f"srd_range_bytes {owner}", value("srd_range_bytes", owner=owner), int(b[owner], 16))
    same("srd_stranded_bytes", value("srd_stranded_bytes"), int(b["stranded"], 16))
    same("srd_held_ranges", value("srd_held_ranges"), c["held"])
    same("srd_blocked_ranges", value("srd_blocked_ranges"), c["blocked"])
    same("srd_decisions_total", value("srd_decisions_total"), c["decisions"])
    same("srd_errors_total", value("srd_errors_total"), c["errors"])
    same("srd_uevents_total", value("srd_uevents_total"), c["events"])
    same("srd_last_decision_timestamp_seconds", value("srd_last_decision_timestamp_seconds"),
         status["last_decision_usec"] / 1e6)
    want = {}
    for d in inv["dax_devices"]:
        key = (str(d["target_node"]), {"hmem": "hmem", "cxl": "cxl"}.get(d["kind"], "other"))
        want[key] = want.get(key, 0) + (int(d["size"], 16) if "size" in d else 0)
    got = {(s.labels["node"], s.labels["owner"]): s.value for s in fams["srd_node_bytes"].samples} \
        if "srd_node_bytes" in fams else {}
    if got != want:
        bad.append(f"srd_node_bytes: metrics say {got}, the inventory's dax devices {want}")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
