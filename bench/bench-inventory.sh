#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What srd's inventory costs against the tools an administrator would run
# for the same facts: `srd --inventory --json` against `cxl list -RDMu -vvv`
# plus `daxctl list -RDMu`, on a simulated platform (tests/platforms/
# scale-64.json by default: 64 memdevs, 32 regions) rendered into a tree
# (tests/sim/harness.sh), or served live over FUSE with --live
# (tests/sim/live.sh: slower, and mostly the simulator's).  Runs the two
# in turn, A B A B ..., after one warm-up each, and prints the medians of
# the wall times and the median of the pairwise ratios srd / (cxl + daxctl).
# Also prints, from one strace -c run of each, the files opened and read.
# Run on demand, as root, from a built tree; not a test.
#
#   bench/bench-inventory.sh [--live] [BUILD] [PLATFORM.json] [RUNS]
#   (defaults: build, tests/platforms/scale-64.json, 11; $SRD: another srd binary)
set -euo pipefail
src=$(dirname "$(dirname "$(realpath "$0")")")
if [ "${1:-}" = --inside ]; then
	srd=$2 runs=$3
	exec python3 - "$srd" "$runs" <<'PY'
import os, re, shutil, statistics, subprocess, sys, tempfile, time

srd, runs = sys.argv[1], int(sys.argv[2])
a = [[srd, "--inventory", "--json"]]
b = [["cxl", "list", "-RDMu", "-vvv"], ["daxctl", "list", "-RDMu"]]


def run(cmds):
    t = time.monotonic()
    for c in cmds:
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t


run(a), run(b)
ta, tb = [], []
for _ in range(runs):
    ta.append(run(a))
    tb.append(run(b))
ratios = [x / y for x, y in zip(ta, tb)]
print("srd --inventory --json        median %7.1f ms  (min %.1f, max %.1f)" %
      (statistics.median(ta) * 1e3, min(ta) * 1e3, max(ta) * 1e3))
print("cxl list -RDMu -vvv + daxctl  median %7.1f ms  (min %.1f, max %.1f)" %
      (statistics.median(tb) * 1e3, min(tb) * 1e3, max(tb) * 1e3))
print("ratio srd / (cxl + daxctl)    median %7.2f    (min %.2f, max %.2f; %d pairs)" %
      (statistics.median(ratios), min(ratios), max(ratios), runs))
if shutil.which("strace"):
    for name, cmds in (("srd", a), ("cxl + daxctl", b)):
        opens = reads = 0
        for c in cmds:
            with tempfile.NamedTemporaryFile("r") as f:
                subprocess.run(["strace", "-f", "-c", "-o", f.name] + c, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                for line in f:
                    m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$", line)
                    if m and m.group(2) in ("openat", "open"):
                        opens += int(m.group(1))
                    elif m and m.group(2) in ("read", "pread64"):
                        reads += int(m.group(1))
        print("%-29s %6d opens, %6d reads" % (name, opens, reads))
PY
fi

live=false
[ "${1:-}" != --live ] || { live=true; shift; }
build=$(realpath "${1:-$src/build}")
platform=$(realpath "${2:-$src/tests/platforms/scale-64.json}")
runs=${3:-11}
srd=${SRD:-$build/daemon/srd}
[ "$(id -u)" = 0 ] || { echo "bench-inventory: needs root (mount namespaces)" >&2; exit 77; }
echo "platform $(basename "$platform") ($($live && echo live || echo rendered)), $srd, $runs pairs"
if $live; then
	exec "$src/tests/sim/live.sh" "$platform" -- "$0" --inside "$srd" "$runs"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$src/tests/sim/srd-sim" render "$platform" "$tmp/tree"
"$src/tests/sim/harness.sh" "$tmp/tree" -- "$0" --inside "$srd" "$runs"
