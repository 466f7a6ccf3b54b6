#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# served.py BEFORE.json AFTER.json (srd --inventory --json): every range a
# device served before is still served, checked on the objects rather than on
# srd's word: a dax device of the same kind (cxl, hmem) over the range, whose
# parent (the region or the hmem device) exists.  A half-owned range counts
# by the part that was served.  Names the ranges that are not; exits 1.
import json
import sys

before, after = (json.load(open(f)) for f in sys.argv[1:3])


def kinds(inv, r):
    """The kinds of the dax devices over range r whose parent exists in inv."""
    parents = {x["name"] for x in inv["regions"]} | {h["name"] for h in inv["hmem_devices"]}
    lo, hi = int(r["start"], 16), int(r["end"], 16)
    return {d["kind"] for d in inv["dax_devices"] if d.get("start") and d["parent"] in parents and
            int(d["start"], 16) <= hi and int(d["end"], 16) >= lo}


now = {r["start"]: r for r in after["ranges"]}
lost = []
for r in before["ranges"]:
    was = kinds(before, r)
    if was and not (r["start"] in now and was & kinds(after, now[r["start"]])):
        lost.append(f'{r["start"]} (served by {" ".join(sorted(was))} before)')
if lost:
    print("not served:", ", ".join(lost))
sys.exit(1 if lost else 0)
