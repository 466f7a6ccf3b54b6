#!/bin/bash
# The simulator against the real kernels: every case the VM tier captured
# (tests/fixtures/real/CASE.json, srd's inventory inside the real guest) has a
# simulated twin (tests/platforms/vm/CASE.json); srd must read the same from
# both (tests/sim/fidelity.py says what is compared).  Root only.
set -uo pipefail
srd=$1 src=$2
. "$src/tests/checks.sh"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
	skip_all "needs root and mount namespaces"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for real in "$src"/tests/fixtures/real/*.json; do
	c=$(basename "$real" .json)
	n=$((n + 1))
	"$src/tests/sim/srd-sim" render "$src/tests/platforms/vm/$c.json" "$tmp/$c" &&
		"$src/tests/sim/harness.sh" "$tmp/$c" -- "$srd" --inventory --json >"$tmp/$c.json" &&
		"$src/tests/sim/fidelity.py" "$tmp/$c.json" "$real" >"$tmp/$c.diff"
	if [ $? -eq 0 ]; then
		ok "$c: the simulation reads as the real kernel did"
	else
		bad "$c: the simulation differs from the real kernel:"
		sed 's/^/#   /' "$tmp/$c.diff"
	fi
done
check "there are real-kernel captures" [ "$n" -gt 0 ]
checks_summary
