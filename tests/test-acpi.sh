#!/bin/bash
# Compiles the ACPI fixtures with iasl (tools/iasl picks one that knows CEDT)
# and runs the parser tests on the result.
set -euo pipefail
test_bin=$1 src=$2 iasl=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$iasl" -v >/dev/null 2>&1; then
	"$test_bin" # the tables the test builds itself
	echo "SKIP: no CEDT-capable iasl (tools/install-deps.sh fetches one)"
	exit 77
fi
for t in cedt-qemu cedt-interleave srat; do
	"$iasl" -p "$tmp/$t" "$src/$t.dsl" >"$tmp/$t.log" 2>&1 || { cat "$tmp/$t.log"; exit 1; }
done
exec "$test_bin" "$tmp/cedt-qemu.aml" "$tmp/cedt-interleave.aml" "$tmp/srat.aml"
