#!/bin/bash
# Discovery against simulated platforms: each tests/platforms/*.json with an
# "expect" section is rendered into a fake /sys and /proc, `srd --inventory
# --json` runs in a private mount namespace, and its output is compared with
# the expectation.  Root only (mount namespaces).
set -uo pipefail
srd=$1 src=$2
. "$src/tests/checks.sh"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
	skip_all "needs root and mount namespaces"
fi
sim=$src/tests/sim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
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
		bad "$name: srd --inventory failed: $(tr '\n' ' ' <"$tmp/$name.err")"
		continue
	fi
	if out=$("$sim/srd-sim" check "$p" "$tmp/$name.json" 2>&1); then
		ok "$name: the inventory is as expected"
	else
		bad "$name: the inventory differs from the expectation"
		sed 's/^/#   /' <<<"$out"
	fi
	# The same platform served live over FUSE must read the same.
	if [ -e /dev/fuse ]; then
		"$sim/live.sh" "$p" -- bash -c 'sleep "$1"; exec "$2" --inventory --json' _ \
			"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(max([m.get("appear_at", 0) for m in d.get("memdevs", [])] + [0]) + 0.3)' "$p")" \
			"$srd" >"$tmp/$name.live.json" 2>"$tmp/$name.err" &&
			"$sim/srd-sim" check "$p" "$tmp/$name.live.json" >"$tmp/$name.live.txt" 2>&1
		if [ $? -eq 0 ]; then
			ok "$name: live over FUSE, the same inventory"
		else
			bad "$name: live over FUSE, the inventory differs"
			sed 's/^/#   /' "$tmp/$name.live.txt" "$tmp/$name.err"
		fi
	else
		skip "$name: live over FUSE" "no /dev/fuse"
	fi
	# The human summary must run too, and say what the JSON says: every range
	# with its owner, sources and reason, and every device by name.
	"$sim/harness.sh" "$tmp/$name" -- "$srd" --inventory >"$tmp/$name.txt"
	if out=$(summary_matches "$tmp/$name.json" "$tmp/$name.txt"); then
		ok "$name: the summary says what the JSON says"
	else
		bad "$name: the summary differs from the JSON"
		sed 's/^/#   /' <<<"$out"
	fi
done
check "platforms state inventory expectations" [ "$n" -gt 0 ]
checks_summary
