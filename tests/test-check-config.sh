#!/bin/bash
# srd --check-config: the shipped default file and a full valid file pass;
# every malformed fixture is rejected with exit 1 and a FILE:LINE message.
set -uo pipefail
srd=$1 src=$2
. "$src/tests/checks.sh"
check "the shipped srd.conf is accepted" "$srd" --check-config --config "$src/conf/srd.conf"
check "good-full.conf is accepted" "$srd" --check-config --config "$src/tests/fixtures/conf/good-full.conf"
n=0
for f in "$src"/tests/fixtures/conf/bad-*.conf; do
	n=$((n + 1))
	want="$(basename "$f")$(head -1 "$f" | sed 's/^# error: //')"
	out=$("$srd" --check-config --config "$f" 2>&1)
	rc=$?
	if [ $rc -ne 1 ]; then
		bad "$(basename "$f"): exit $rc, expected 1"
	elif ! grep -qF -- "$want" <<<"$out"; then
		bad "$(basename "$f"): no '$want' in: $out"
	else
		ok "$(basename "$f") is refused: $want"
	fi
done
check "there are malformed files to check" [ "$n" -gt 0 ]
out=$("$srd" --check-config --config /nonexistent/srd.conf 2>&1)
rc=$?
check "a missing file exits 1 and is named" eval '[ $rc -eq 1 ] && grep -q "/nonexistent/srd.conf: No such file" <<<"$out"'
"$srd" --plan --policy lenient >/dev/null 2>&1
check "an unknown --policy exits 2" [ $? -eq 2 ]
checks_summary
