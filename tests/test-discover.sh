#!/bin/bash
# Discovery against simulated platforms: each tests/platforms/*.json with an
# "expect" section is rendered into a fake /sys and /proc, `srd --inventory
# --json` runs in a private mount namespace, and its output is compared with
# the expectation.  Root only (mount namespaces).
set -euo pipefail
srd=$1 src=$2
if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
	echo "SKIP: needs root and mount namespaces"
	exit 77
fi
sim=$src/tests/sim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
# summary_matches INVENTORY.json SUMMARY.txt: the text names what the JSON holds.
summary_matches() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
inv = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
bad = []
def count(title, n):
    if not re.search(r"^%s: %d$" % (re.escape(title), n), text, re.M):
        bad.append("no '%s: %d'" % (title, n))
count("Soft Reserved ranges", len(inv["ranges"]))
for r in inv["ranges"]:
    line = r"^  %s-%s +\S.* %s +\[%s\][^\n]*\n +%s$" % (r["start"], r["end"], r["owner"], " ".join(r["sources"]),
                                          re.escape(r["reason"]))
    if not re.search(line, text, re.M):
        bad.append("range %s-%s: owner %s, sources %s or its reason missing" %
                   (r["start"], r["end"], r["owner"], r["sources"]))
for title, key in (("CXL regions", "regions"), ("CXL memdevs", "memdevs"), ("DAX devices", "dax_devices"),
                   ("hmem devices", "hmem_devices")):
    if inv[key]:
        count(title, len(inv[key]))
    for x in inv[key]:
        if not re.search(r"^  %s " % re.escape(x["name"]), text, re.M):
            bad.append("%s %s missing" % (title, x["name"]))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
}
for p in "$src"/tests/platforms/*.json; do
	grep -q '"inventory"' "$p" || continue
	name=$(basename "$p" .json)
	n=$((n + 1))
	"$sim/srd-sim" render "$p" "$tmp/$name"
	if ! "$sim/harness.sh" "$tmp/$name" -- "$srd" --inventory --json >"$tmp/$name.json" 2>"$tmp/$name.err"; then
		echo "FAIL $name: srd --inventory failed"; cat "$tmp/$name.err"; fail=$((fail + 1)); continue
	fi
	if "$sim/srd-sim" check "$p" "$tmp/$name.json"; then
		echo "ok $name"
	else
		fail=$((fail + 1))
	fi
	# The same platform served live over FUSE must read the same.
	if [ -e /dev/fuse ]; then
		"$sim/live.sh" "$p" -- bash -c 'sleep "$1"; exec "$2" --inventory --json' _ \
			"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(max([m.get("appear_at", 0) for m in d.get("memdevs", [])] + [0]) + 0.3)' "$p")" \
			"$srd" >"$tmp/$name.live.json" 2>"$tmp/$name.err" &&
			"$sim/srd-sim" check "$p" "$tmp/$name.live.json" >"$tmp/$name.live.txt" ||
			{ echo "FAIL $name (live):"; cat "$tmp/$name.live.txt" "$tmp/$name.err"; fail=$((fail + 1)); }
	fi
	# The human summary must run too, and say what the JSON says: every range
	# with its owner, sources and reason, and every device by name.
	"$sim/harness.sh" "$tmp/$name" -- "$srd" --inventory >"$tmp/$name.txt"
	summary_matches "$tmp/$name.json" "$tmp/$name.txt" ||
		{ echo "FAIL $name: the summary differs from the JSON"; fail=$((fail + 1)); }
done
[ "$n" -gt 0 ] || { echo "no platforms found"; exit 1; }
echo "$n platforms, $fail failed"
[ "$fail" -eq 0 ]
