#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What one `srdctl apply` costs the daemon: how many times it reads the
# machine (discoveries, counted as opens of /proc/iomem by the daemon under
# strace) and how long the request takes, on a simulated platform: the first
# apply acts (POLICY, default prefer-cxl), the later ones find nothing to do.
# Run on demand (root); compare two builds by running it on each.
#
#   [POLICY=P] bench/bench-apply.sh BUILD-DIR [PLATFORM.json] [RUNS]
set -euo pipefail
build=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
plat=$(realpath "${2:-$src/tests/platforms/scale-8.json}")
runs=${3:-9}
command -v strace >/dev/null || { echo "bench-apply: needs strace (apt-get install strace)" >&2; exit 2; }
export SRC=$src BUILD=$build RUNS=$runs POLICY=${POLICY:-prefer-cxl}
"$src/tests/sim/live.sh" "$plat" -- bash -c '
	set -u
	. "$SRC/tests/daemon/lib.sh"
	start_bus
	printf "[Settle]\nQuietSec=200ms\n" > $W/srd.conf
	# Started by hand, not start_srd: older builds lack its newer options.
	$SRD --config $W/srd.conf --state-dir $W/state 2>>$W/srd.err &
	srd_pid=$!
	pids+=($srd_pid)
	wait_state settled 60 >/dev/null || { echo "srd did not settle" >&2; exit 1; }
	times=()
	for i in $(seq "$RUNS"); do
		strace -f -qq -e trace=openat -o $W/trace.$i -p "$srd_pid" & st=$!
		sleep 0.3
		t0=$(date +%s%N)
		$SRDCTL apply --policy "$POLICY" >/dev/null 2>&1
		t1=$(date +%s%N)
		kill $st; wait $st 2>/dev/null
		times+=($(( (t1 - t0) / 1000 )))
	done
	d1=$(grep -c "\"/proc/iomem\"" $W/trace.1 || true)
	dn=$(grep -c "\"/proc/iomem\"" $W/trace.$RUNS || true)
	echo "srdctl apply --policy $POLICY: the first (acting) read the machine $d1 times, ${times[0]} us; later ones (nothing to do) $dn times"
	printf "%s\n" "${times[@]:1}" | sort -n | awk -v n="$((RUNS - 1))" \
		"{ a[NR] = \$1 } END { printf \"  no-op applies: median %.1f ms (min %.1f, max %.1f, %d runs)\\n\", a[int((n + 1) / 2)] / 1000, a[1] / 1000, a[n] / 1000, n }"
	stop_all
'
