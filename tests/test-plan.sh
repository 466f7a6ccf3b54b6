#!/bin/bash
# srd --plan --json --policy P on every simulated platform that states what
# each policy must decide (expect.plan): verdict, per-range targets, actions.
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
for p in "$src"/tests/platforms/*.json; do
	policies=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1])).get("expect", {}).get("plan", {})))' "$p")
	[ -n "$policies" ] || continue
	name=$(basename "$p" .json)
	"$sim/srd-sim" render "$p" "$tmp/$name"
	for pol in $policies; do
		n=$((n + 1))
		if ! "$sim/harness.sh" "$tmp/$name" -- "$srd" --plan --json --policy "$pol" \
			--config "$src/conf/srd.conf" >"$tmp/$name.$pol.json" 2>"$tmp/err"; then
			bad "$name $pol: srd --plan failed: $(tr '\n' ' ' <"$tmp/err")"
			continue
		fi
		if out=$("$sim/srd-sim" check-plan "$p" "$pol" "$tmp/$name.$pol.json" 2>&1); then
			ok "$name $pol"
		else
			bad "$name $pol"
			sed 's/^/#   /' <<<"$out"
		fi
	done
done
check "platforms state plan expectations" [ "$n" -gt 0 ]
checks_summary
