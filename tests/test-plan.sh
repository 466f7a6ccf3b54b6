#!/bin/bash
# srd --plan --json --policy P on every simulated platform that states what
# each policy must decide (expect.plan): verdict, per-range targets, actions.
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
for p in "$src"/tests/platforms/*.json; do
	policies=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1])).get("expect", {}).get("plan", {})))' "$p")
	[ -n "$policies" ] || continue
	name=$(basename "$p" .json)
	"$sim/srd-sim" render "$p" "$tmp/$name"
	for pol in $policies; do
		n=$((n + 1))
		if ! "$sim/harness.sh" "$tmp/$name" -- "$srd" --plan --json --policy "$pol" \
			--config "$src/conf/srd.conf" >"$tmp/$name.$pol.json" 2>"$tmp/err"; then
			echo "FAIL $name $pol: srd --plan failed"; cat "$tmp/err"; fail=$((fail + 1)); continue
		fi
		if "$sim/srd-sim" check-plan "$p" "$pol" "$tmp/$name.$pol.json"; then
			echo "ok $name $pol"
		else
			fail=$((fail + 1))
		fi
	done
done
[ "$n" -gt 0 ] || { echo "no plan expectations found"; exit 1; }
echo "$n platform/policy pairs, $fail failed"
[ "$fail" -eq 0 ]
