#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the idle daemon costs: its resident memory and how often it wakes,
# on the live simulator (tests/sim/live.sh) with a private bus, a stand-in
# journald and notify socket (tests/daemon/lib.sh), and the watchdog of the
# shipped unit (WatchdogSec= of systemd/srd.service.in, as WATCHDOG_USEC).
# Once srd has settled it samples /proc/PID/status (VmRSS, VmHWM, context
# switches) and /proc/PID/stat (CPU time), waits SECONDS without touching
# it, and samples again.  Run on demand, as root, from a built tree; not a
# test.
#
#   bench/bench-idle.sh [BUILD] [PLATFORM.json] [SECONDS]
#   (defaults: build, tests/platforms/cxl-owns-6.12.json, 60)
set -euo pipefail
src=$(dirname "$(dirname "$(realpath "$0")")")
if [ "${1:-}" = --inside ]; then
	SRC=$src BUILD=$2 secs=$3 watchdog_usec=$4
	. "$src/tests/daemon/lib.sh"
	trap stop_all EXIT
	export WATCHDOG_USEC=$watchdog_usec
	start_bus >/dev/null
	start_capture >/dev/null
	start_srd "$src/conf/srd.conf"
	wait_state settled 60 >/dev/null
	sample() { # sample LABEL: one line of figures
		local st
		st=$(cut -d' ' -f14,15 /proc/$srd_pid/stat)
		awk -v l="$1" -v cpu="$st" '
			/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 }
			/^voluntary_ctxt_switches:/ { v = $2 } /^nonvoluntary_ctxt_switches:/ { nv = $2 }
			END { split(cpu, c, " "); printf "%s rss_kib=%d hwm_kib=%d voluntary=%d nonvoluntary=%d cpu_ticks=%d\n", l, rss, hwm, v, nv, c[1] + c[2] }' \
			/proc/$srd_pid/status
	}
	sleep 1 # the status requests above are answered
	sample before
	sleep "$secs"
	sample after
	echo "watchdog_pings=$(notify_times 'WATCHDOG=1' | wc -l)"
	exit 0
fi

build=$(realpath "${1:-$src/build}")
platform=$(realpath "${2:-$src/tests/platforms/cxl-owns-6.12.json}")
secs=${3:-60}
[ "$(id -u)" = 0 ] || { echo "bench-idle: needs root (tests/sim/live.sh)" >&2; exit 77; }
# WatchdogSec= of the shipped unit, in microseconds (s, min; a bare number is seconds).
wd=$(sed -n 's/^WatchdogSec=//p' "$src/systemd/srd.service.in")
case $wd in
*min) wd_usec=$((${wd%min} * 60000000)) ;;
*s) wd_usec=$((${wd%s} * 1000000)) ;;
*) wd_usec=$((wd * 1000000)) ;;
esac
out=$("$src/tests/sim/live.sh" "$platform" -- "$0" --inside "$build" "$secs" "$wd_usec")
echo "platform $(basename "$platform"), WatchdogSec=$wd (WATCHDOG_USEC=$wd_usec), idle ${secs} s"
echo "$out" | grep -E '^(before|after|watchdog)'
echo "$out" | awk -v secs="$secs" '
	/^before/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); b[kv[1]] = kv[2] } }
	/^after/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] } }
	END {
		printf "RSS %.1f MiB -> %.1f MiB (peak %.1f MiB)\n", b["rss_kib"] / 1024, a["rss_kib"] / 1024, a["hwm_kib"] / 1024
		printf "wakeups in %d s: %d voluntary, %d involuntary context switches; CPU %d ticks\n", secs,
			a["voluntary"] - b["voluntary"], a["nonvoluntary"] - b["nonvoluntary"], a["cpu_ticks"] - b["cpu_ticks"]
	}'
