#!/bin/bash
# srd --check-config: the shipped default file and a full valid file pass;
# every malformed fixture is rejected with exit 1 and a FILE:LINE message.
set -uo pipefail
srd=$1 src=$2
fail=0
"$srd" --check-config --config "$src/conf/srd.conf" >/dev/null || { echo "FAIL: shipped srd.conf rejected"; fail=1; }
"$srd" --check-config --config "$src/tests/fixtures/conf/good-full.conf" >/dev/null || { echo "FAIL: good-full.conf rejected"; fail=1; }
n=0
for f in "$src"/tests/fixtures/conf/bad-*.conf; do
	n=$((n + 1))
	want="$(basename "$f")$(head -1 "$f" | sed 's/^# error: //')"
	out=$("$srd" --check-config --config "$f" 2>&1)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL $(basename "$f"): exit $rc, expected 1"; fail=1
	elif ! grep -qF -- "$want" <<<"$out"; then
		echo "FAIL $(basename "$f"): no '$want' in: $out"; fail=1
	fi
done
out=$("$srd" --check-config --config /nonexistent/srd.conf 2>&1)
[ $? -eq 1 ] && grep -q "/nonexistent/srd.conf: No such file" <<<"$out" || { echo "FAIL: missing file not reported"; fail=1; }
"$srd" --plan --policy lenient >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: bad --policy accepted"; fail=1; }
echo "$n malformed files checked"
exit $fail
