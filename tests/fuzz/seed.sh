#!/bin/bash
# Fills DIR with the seed corpus of fuzz target NAME, built from tests/fixtures
# (and the shipped srd.conf), so every fuzzer starts from inputs that parse.
# Used by tools/test.sh and bench/fuzz.sh.
#
#   tests/fuzz/seed.sh NAME DIR
set -euo pipefail
top=$(dirname "$(dirname "$(dirname "$(realpath "$0")")")")
name=$1 dir=$2
fx=$top/tests/fixtures
mkdir -p "$dir"
case $name in
iomem) cp "$fx"/iomem/* "$dir/" ;;
cmdline)
	printf 'memmap=256M%%0x490000000+0xefffffff' >"$dir/add"
	printf 'BOOT_IMAGE=/vmlinuz root=/dev/vda "memmap=1G%%4G-1+0xefffffff,exactmap" foo="a b" quiet -- single memmap=1G%%8G+0xefffffff\n' \
		>"$dir/quotes-dashes" ;;
memmap)
	for d in "$fx"/memmap/*/*/; do
		[ -f "$d/start" ] || continue
		cat "$d/start" "$d/end" "$d/type" >"$dir/$(basename "$(dirname "$d")")-$(basename "$d")"
	done
	printf '0x490000000\n0x49fffffff\nSoft Reserved\n' >"$dir/seed" ;;
acpi)
	cp "$fx"/acpi/*.aml "$dir/" ;;
policy)
	cp "$fx"/conf/*.conf "$dir/"
	cp "$top/conf/srd.conf" "$dir/shipped-srd.conf" ;;
layout) cp "$fx"/layout/*.json "$dir/" ;;
*)
	echo "seed.sh: no corpus for $name" >&2
	exit 2 ;;
esac
