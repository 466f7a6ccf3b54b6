#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Long fuzzing, on demand (CI runs each target for seconds in tools/test.sh):
# builds the libFuzzer targets, runs every one of them from its seed corpus
# until it has executed RUNS inputs (default 10^7), one after the other, and
# prints the execution count libFuzzer reports for each.  A crash stops that
# target, leaves the input in the build directory, and makes the exit status 1.
#
#   bench/fuzz.sh [-r RUNS] [-b BUILD_DIR] [TARGET...]
#
# TARGET is a name like "policy" (default: every tests/fuzz/fuzz-*.c).  Logs
# and crash inputs go to BUILD_DIR (default build-fuzz), corpora to
# BUILD_DIR/corpus-TARGET, kept between runs so a second run starts further on.
set -uo pipefail
top=$(dirname "$(dirname "$(realpath "$0")")")
cd "$top"

runs=10000000 build=build-fuzz
while getopts "r:b:" o; do
	case $o in
	r) runs=$OPTARG ;;
	b) build=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz-*.c; do
		t=$(basename "$f" .c)
		targets+=("${t#fuzz-}")
	done
fi

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Db_lundef=false >/dev/null || exit 1
fi
ninja -C "$build" >"$build/ninja.log" 2>&1 || { cat "$build/ninja.log"; exit 1; }

status=0
for t in "${targets[@]}"; do
	bin=$build/tests/fuzz/fuzz-$t corpus=$build/corpus-$t log=$build/fuzz-$t-long.log
	[ -x "$bin" ] || { echo "fuzz-$t: not built"; status=1; continue; }
	if [ ! -d "$corpus" ]; then
		tests/fuzz/seed.sh "$t" "$corpus" || { status=1; continue; }
	fi
	start=$(date +%s)
	"$bin" -runs="$runs" -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/crash-$t-" \
		"$corpus" >"$log" 2>&1
	rc=$?
	done_line=$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
	if [ $rc -eq 0 ]; then
		echo "fuzz-$t: ${execs:-?} executions (${done_line:-no 'Done' line}), $(($(date +%s) - start)) s"
	else
		echo "fuzz-$t: FAILED (exit $rc) after ${execs:-?} executions, $(($(date +%s) - start)) s; see $log"
		grep -m1 -A12 'ERROR\|deadly signal\|SUMMARY' "$log"
		status=1
	fi
done
exit $status
