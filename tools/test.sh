#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test run: installs what is needed, builds srd three ways (normal
# with -Werror, address+undefined sanitizers, libFuzzer), runs every meson test
# suite in the first two and each fuzz target briefly, and ends with one line
# "N passed, N failed, N skipped" counting checks (each "ok"/"not ok" line a
# test prints), not test programs.
#
#   tools/test.sh [--no-deps] [--suite NAME]... [--fuzz-seconds N]
set -uo pipefail
top=$(dirname "$(dirname "$(realpath "$0")")")
cd "$top"

deps=1 fuzz_seconds=${SRD_FUZZ_SECONDS:-15}
suites=()
while [ $# -gt 0 ]; do
	case $1 in
	--no-deps) deps=0 ;;
	--suite) suites+=(--suite "$2"); shift ;;
	--fuzz-seconds) fuzz_seconds=$2; shift ;;
	*) echo "test.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

if [ "$deps" = 1 ]; then
	tools/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
fi

passed=0 failed=0 skipped=0
tally() { # tally BUILD_DIR: add the checks of that build's meson tests
	local counts
	counts=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
# Each test prints a line per check: TAP "ok N - ..." / "not ok N - ..."
# (tests/checks.sh; "ok ... # SKIP why" for a check that could not run here),
# "ok test_name" (the C unit tests).  Those are what is counted; a test that
# printed none counts as one check, one that skipped as a whole (exit 77, or
# the TAP plan "1..0 # SKIP") as one skipped check, and a failed test none of
# whose checks failed adds one failure (it failed outside its checks: a
# crash, a timeout).
OK = re.compile(r"^ok\b")
SKIP = re.compile(r"^ok\b[^#]*#\s*SKIP\b", re.I)
BAD = re.compile(r"^not ok\b")
p = f = s = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    r = json.loads(line)
    out = (r.get("stdout") or "").splitlines()
    skipped = sum(1 for l in out if SKIP.match(l))
    ok = sum(1 for l in out if OK.match(l)) - skipped
    bad = sum(1 for l in out if BAD.match(l))
    if r["result"] == "SKIP":
        s += 1
        continue
    passed = r["result"] in ("OK", "EXPECTEDFAIL")
    s += skipped
    if ok + bad == 0:
        p, f = (p + 1, f) if passed else (p, f + 1)
        continue
    p += ok
    f += bad if (bad or passed) else 1
print(p, f, s)
PY
	)
	read -r p f s <<<"$counts"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

build() { # build DIR MESON-OPTIONS...: configure (once) and compile
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		meson setup "$dir" "$@" >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log"; return 1; }
	fi
	ninja -C "$dir" >"$dir/ninja.log" 2>&1 || { cat "$dir/ninja.log"; return 1; }
}

echo "== build (warnings are errors)"
if build build-ci --werror; then
	meson test -C build-ci --print-errorlogs "${suites[@]}"
	tally build-ci
else
	failed=$((failed + 1))
fi

echo "== address and undefined behaviour sanitizers"
if build build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false; then
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 SRD_TEST_QUICK=1 \
		meson test -C build-asan --print-errorlogs --suite unit --suite sim
	tally build-asan
else
	failed=$((failed + 1))
fi

echo "== fuzzing (${fuzz_seconds}s per parser)"
if CC=clang build build-fuzz -Dfuzz=true -Db_lundef=false; then
	for t in iomem cmdline memmap acpi policy layout; do
		corpus=$(mktemp -d)
		tests/fuzz/seed.sh "$t" "$corpus"
		if build-fuzz/tests/fuzz/fuzz-$t -max_total_time="$fuzz_seconds" -max_len=8192 \
			-artifact_prefix="build-fuzz/crash-$t-" "$corpus" >"build-fuzz/fuzz-$t.log" 2>&1; then
			echo "ok fuzz-$t ($(grep -o 'Done [0-9]* runs' "build-fuzz/fuzz-$t.log"))"
			passed=$((passed + 1))
		else
			tail -40 "build-fuzz/fuzz-$t.log"
			echo "FAIL fuzz-$t"
			failed=$((failed + 1))
		fi
		rm -rf "$corpus"
	done
else
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
