#!/bin/bash
# The committed ACPI fixtures (tests/fixtures/acpi/*.aml, which the unit test
# `acpi` reads) are what their sources compile to: each .dsl is compiled with
# iasl (tools/iasl picks one that knows CEDT) and compared with its .aml,
# except the compiler's ID and revision, which iasl stamps into every table
# header, and the checksum over them.  Skips without such an iasl.
#
# After changing a .dsl, compile it into place and commit both:
#   tools/iasl -p tests/fixtures/acpi/NAME tests/fixtures/acpi/NAME.dsl
#
#   test-acpi.sh FIXTURES-DIR IASL
set -uo pipefail
src=$1 iasl=$2
. "$(dirname "$0")/checks.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$iasl" -v >/dev/null 2>&1; then
	skip_all "no CEDT-capable iasl (tools/install-deps.sh fetches one)"
fi
# A table without its checksum (byte 9) and compiler ID and revision (28-35).
body() { head -c 9 "$1"; tail -c +11 "$1" | head -c 18; tail -c +37 "$1"; }
n=0
for dsl in "$src"/*.dsl; do
	t=$(basename "$dsl" .dsl)
	n=$((n + 1))
	if ! "$iasl" -p "$tmp/$t" "$dsl" >"$tmp/$t.log" 2>&1; then
		cat "$tmp/$t.log"
		bad "$t.dsl compiles"
		continue
	fi
	check "$t.aml is committed" [ -f "$src/$t.aml" ]
	check "$t.aml has the length its source compiles to" \
		[ "$(stat -c %s "$tmp/$t.aml")" = "$(stat -c %s "$src/$t.aml" 2>/dev/null)" ]
	check "$t.aml matches $t.dsl" cmp -s <(body "$tmp/$t.aml") <(body "$src/$t.aml")
	check "$t.aml's checksum holds" python3 -c "import sys; sys.exit(sum(open(sys.argv[1], 'rb').read()) % 256)" \
		"$src/$t.aml"
done
for aml in "$src"/*.aml; do
	check "$(basename "$aml") has a source" [ -f "${aml%.aml}.dsl" ]
done
[ $n -gt 0 ] || bad "fixtures found in $src"
checks_summary
