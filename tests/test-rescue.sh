#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The rescue on simulated platforms, as the daemon decides it (no --policy:
# the policy file's Mode= and Fallback=): when CXL fails, dax_hmem gets the
# memory wherever it stays decoded, and the memory then works (srd-memcheck
# writes a pattern through the owner's dax device and reads it back); where
# a hand-off would lose decode, srd refuses by name and the memory it leaves
# with its owner still works.  Also the dry run's exact writes, a process
# holding the dax device open, and the command line's word (TrustCommandLine=).
#
#   test-rescue.sh SRD SRD-MEMCHECK SRC
set -uo pipefail
srd=$1 mc=$2 src=$3
. "$src/tests/checks.sh"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount --net true 2>/dev/null || [ ! -e /dev/fuse ]; then
	skip_all "needs root, namespaces and /dev/fuse"
fi
sim=$src/tests/sim
plat=$src/tests/platforms
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
export SRD=$srd MC=$mc

# Inside the namespace: the dry run, the run, the memory, KEY=VALUE lines.
cat >"$tmp/run.sh" <<'SH'
set -u
conf=$1 out=$2
say() { echo "$1=$2"; }
dax_over() { # START: the dax device whose resource is START
	for d in /sys/bus/dax/devices/*; do
		[ -e "$d/resource" ] && [ "$(cat "$d/resource")" = "$1" ] && { basename "$d"; return; }
	done
}
memcheck() { # START: what the dax device over START reads back, driven by device_dax
	local d drv
	d=$(dax_over "$1")
	[ -n "$d" ] || { echo none; return; }
	drv=$(basename "$(readlink "/sys/bus/dax/devices/$d/driver")" 2>/dev/null)
	if [ "$drv" != device_dax ]; then
		[ -n "$drv" ] && echo "$d" > "/sys/bus/dax/drivers/$drv/unbind"
		echo "$d" > /sys/bus/dax/drivers/device_dax/new_id 2>/dev/null
		[ -e "/sys/bus/dax/devices/$d/driver" ] || echo "$d" > /sys/bus/dax/drivers/device_dax/bind
	fi
	$MC --io=rw "/dev/$d" 8M > "$out.memcheck.$1" 2>&1 && echo ok || echo bad
}
$SRD --once --dry-run --json --config "$conf" --state-dir /run/srd > "$out.dry.json" 2>&1
$SRD --once --dry-run --config "$conf" --state-dir /run/srd 2>&1 | grep '^write ' > "$out.writes"
if [ -n "${HOLD:-}" ]; then
	# A process that has the device open: srd must refuse to take it away.
	exec 7<>"/dev/$(dax_over "$HOLD")"
fi
$SRD --once --json --config "$conf" --state-dir /run/srd > "$out.json" 2>"$out.err"; echo $? > "$out.rc"
[ -n "${HOLD:-}" ] && exec 7>&-
$SRD --inventory --json > "$out.after.json"
for s in ${CHECK:-}; do say "mem_$s" "$(memcheck "$s")"; done
SH

# field FILE PYTHON-EXPRESSION (d: the JSON document)
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
run() { # NAME PLATFORM CONF [ENV...]
	local name=$1 p=$2 conf=$3
	shift 3
	env "$@" "$sim/live.sh" "$p" -- bash "$tmp/run.sh" "$conf" "$tmp/$name" >"$tmp/$name.kv" 2>"$tmp/$name.log"
}
kv() { sed -n "s/^$2=//p" "$tmp/$1.kv"; }
printf '[Policy]\n' >"$tmp/default.conf"
printf '[Policy]\nTrustCommandLine=yes\n' >"$tmp/trust.conf"
printf '[Policy]\nMode=prefer-hmem\n' >"$tmp/prefer-hmem.conf"
W0=0x490000000

# 1. cxl_mem not loaded (6.12): fallback, unbind cxl_acpi, re-probe, memory works.
run nomem "$plat/driver-failure-6.12.json" "$tmp/default.conf" CHECK=$W0
check "driver failure: srd sees cxl_mem absent" \
	test "$(field "$tmp/nomem.json" '"module-absent" in [f["kind"] for f in d["decision"] and d["final"]["failures"]]')" = True
check "driver failure: the fallback decides dax_hmem" \
	test "$(field "$tmp/nomem.json" 'd["decision"]["fallback"] and d["decision"]["verdict"]')" = hmem
check "driver failure: the dry run prints the recipe's exact writes" diff -u - "$tmp/nomem.writes" <<'W'
write /sys/bus/platform/drivers/cxl_acpi/unbind ACPI0017:00
write /sys/bus/platform/drivers/hmem_platform/unbind hmem_platform.0
write /sys/bus/platform/drivers/hmem_platform/bind hmem_platform.0
W
check "driver failure: the run converges" test "$(field "$tmp/nomem.json" 'd["converged"]')" = True
check "driver failure: the range is dax_hmem's" test "$(field "$tmp/nomem.after.json" 'd["ranges"][0]["owner"]')" = hmem
check "driver failure: its memory reads back through dax_hmem's device" test "$(kv nomem mem_$W0)" = ok

# 2. The same with Soft Reserved only on the command line: refused unless trusted.
python3 - "$plat/driver-failure-6.12.json" "$tmp/plat-cmdline.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["soft_reserved"]:
    s["source"] = "cmdline"
d["expect"] = {}
json.dump(d, open(sys.argv[2], "w"))
P
run cmdline "$tmp/plat-cmdline.json" "$tmp/default.conf"
check "command line only: refused, naming TrustCommandLine=" \
	grep -q "TrustCommandLine=yes" <<<"$(field "$tmp/cmdline.json" 'd["decision"]["ranges"][0]["reason"]')"
check "command line only: nothing written" test "$(field "$tmp/cmdline.json" 'len([s for s in d["steps"] if s["result"] == "done"])')" = 0
run trusted "$tmp/plat-cmdline.json" "$tmp/trust.conf" CHECK=$W0
check "command line trusted: dax_hmem's, and the memory reads back" test "$(kv trusted mem_$W0)" = ok

# 3. An innocent region beside a failed memdev: refused by name; its memory works.
run innocent "$plat/innocent-failed-memdev-6.12.json" "$tmp/default.conf" CHECK=0x4b0000000
check "innocent region: the hand-off is refused naming it" \
	grep -q "innocent region" <<<"$(field "$tmp/innocent.json" 'd["decision"]["ranges"][0]["reason"]')"
check "innocent region: nothing written" test "$(grep -c . "$tmp/innocent.writes")" = 0
check "innocent region: its memory still reads back" test "$(kv innocent mem_0x4b0000000)" = ok

# 4. A region whose probe failed (6.12): reported, but not taken for CXL not
# enumerating (an administrator's unbind looks the same); strict gives it to
# CXL, whose bind fails again, and nothing else is written.
run probe "$plat/region-probe-fail-6.12.json" "$tmp/default.conf"
check "region probe failure: reported with its evidence" \
	test "$(field "$tmp/probe.json" '"region-probe" in [f["kind"] for f in d["final"]["failures"]]')" = True
check "region probe failure: no fallback, the policy decides (CXL)" \
	test "$(field "$tmp/probe.json" '(d["decision"]["fallback"], d["decision"]["verdict"])')" = "(False, 'cxl')"
check "region probe failure: enabling it fails, nothing else is done" \
	test "$(field "$tmp/probe.json" '[(s["action"], s["result"]) for s in d["steps"]]')" = "[('enable-region', 'failed')]"

# 5. Locked firmware decoders, prefer-hmem: 7.2 keeps them, 6.12 does not.
run locked72 "$plat/locked-7.2.json" "$tmp/prefer-hmem.conf" CHECK=$W0
check "locked on 7.2: handed to dax_hmem" test "$(field "$tmp/locked72.after.json" 'd["ranges"][0]["owner"]')" = hmem
check "locked on 7.2: the memory reads back through dax_hmem's device" test "$(kv locked72 mem_$W0)" = ok
run locked612 "$plat/locked-6.12.json" "$tmp/prefer-hmem.conf" CHECK=$W0
check "locked on 6.12: refused, 6.12 resets locked decoders" \
	grep -q "this kernel resets locked decoders too" <<<"$(field "$tmp/locked612.json" 'd["decision"]["ranges"][0]["reason"]')"
check "locked on 6.12: CXL keeps it, and its memory reads back" test "$(kv locked612 mem_$W0)" = ok

# 6. A process holds the region's dax device open: the hand-off is refused, naming it.
run held "$plat/locked-7.2.json" "$tmp/prefer-hmem.conf" HOLD=$W0 CHECK=$W0
check "a dax device in use: refused, naming the process" \
	grep -q "has open /dev/dax" <<<"$(field "$tmp/held.json" '" ".join(s["message"] for s in d["steps"])')"
check "a dax device in use: CXL still serves it, and it reads back" test "$(kv held mem_$W0)" = ok

for f in "$tmp"/*.log; do [ -s "$f" ] && { echo "# $(basename "$f"):"; sed 's/^/#   /' "$f" | head -20; }; done
checks_summary
