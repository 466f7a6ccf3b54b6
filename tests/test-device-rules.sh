#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# [Device] rules on a simulated machine with two CXL regions, each with a dax
# device (tests/platforms/two-dax-7.2.json, both devdax at boot, kmem's
# auto-online into ZONE_NORMAL): one rule keeps the first devdax with
# Align=4K, matched by its memdev's serial; another makes the second
# system-ram online movable with memmap_on_memory, matched by its region's
# HPA and NUMA node; a third matches nothing and is reported.  The stores
# come in the kernel's order, the memory of both reads back (srd-memcheck),
# srd --inventory and srdctl dax name the rule and keys of each device, a
# second pass changes nothing, a failed later step undoes the first device's
# configuration (align included), dax_hmem's device is matched by its range
# and left offline (Online=none), and the daemon re-applies a rule to a dax
# device that comes back (a region re-probed: a dax add event).
#
#   test-device-rules.sh SRC BUILD
set -uo pipefail
SRC=$1 BUILD=$2
. "$SRC/tests/checks.sh"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount --net true 2>/dev/null || [ ! -e /dev/fuse ]; then
	skip_all "needs root, namespaces and /dev/fuse"
fi
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
plat=$SRC/tests/platforms/two-dax-7.2.json
# field FILE PYTHON-EXPRESSION (d: the JSON document)
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
cat >"$tmp/srd.conf" <<'C'
[Policy]
Mode=strict

[Settle]
QuietSec=0.3
TimeoutSec=10

[Device]
Serial=0x3001
DaxMode=devdax
Align=4K

[Device]
Range=0x5a0000000+256M
Node=2
DaxMode=system-ram
Online=movable
MemmapOnMemory=yes

[Device]
Serial=0x9999
DaxMode=system-ram
C

# The lines the rules start on, as srd names them.
check "the rules start on lines 8, 13 and 20, as the checks name them" \
	test "$(grep -n '^\[Device\]' "$tmp/srd.conf" | cut -d: -f1 | tr '\n' ' ')" = "8 13 20 "

# 1. srd --once, then the machine as it is, KEY=VALUE lines and files.
cat >"$tmp/once.sh" <<'SH'
set -u
conf=$1 out=$2 build=$3
srd=$build/daemon/srd mc=$build/tests/srd-memcheck
say() { echo "$1=$2"; }
blocks() { # DAX: "state zone" of each of its memory blocks
	local start size bs
	start=$(($(cat /sys/bus/dax/devices/$1/resource)))
	size=$(cat /sys/bus/dax/devices/$1/size)
	bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	for ((b = start / bs; b < (start + size) / bs; b++)); do
		echo "$(cat /sys/devices/system/memory/memory$b/state) $(cat /sys/devices/system/memory/memory$b/valid_zones)"
	done | sort | uniq -c | tr -s ' ' | tr '\n' ';'
}
$srd --once --json --config "$conf" --state-dir /run/srd > "$out.once.json" 2>"$out.once.err"
say rc $?
: > "$out.stores"
grep -v /sys/bus/cxl/flush "$SRD_SIM/log" | awk '{print $2, $3, $4}' > "$out.stores"
for d in dax0.0 dax1.0; do
	say "driver_$d" "$(basename "$(readlink /sys/bus/dax/devices/$d/driver)")"
	say "align_$d" "$(cat /sys/bus/dax/devices/$d/align)"
	say "memmap_$d" "$(cat /sys/bus/dax/devices/$d/memmap_on_memory)"
done
say blocks_dax1.0 "$(blocks dax1.0)"
$srd --inventory --json --config "$conf" > "$out.inv.json" 2>"$out.inv.err"
$srd --inventory --config "$conf" > "$out.inv.txt" 2>&1
$srd --check-config --config "$conf" > "$out.check.txt" 2>&1
say check_rc $?
# A second pass: nothing left to do.
$srd --once --json --config "$conf" --state-dir /run/srd > "$out.again.json" 2>&1
# The devdax device's memory, written and read back through /dev/dax0.0.
$mc --io=rw /dev/dax0.0 8M > "$out.mc0" 2>&1 && say mem_dax0.0 ok || say mem_dax0.0 bad
# The system-ram device's memory: the same HPA, read back once its blocks are
# offline and device_dax drives it.
bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
start=$(($(cat /sys/bus/dax/devices/dax1.0/resource)))
for ((b = start / bs; b < start / bs + 2; b++)); do echo offline > /sys/devices/system/memory/memory$b/state; done
echo dax1.0 > /sys/bus/dax/drivers/kmem/unbind
echo dax1.0 > /sys/bus/dax/drivers/device_dax/new_id 2>/dev/null
[ -e /sys/bus/dax/devices/dax1.0/driver ] || echo dax1.0 > /sys/bus/dax/drivers/device_dax/bind
$mc --io=rw /dev/dax1.0 8M > "$out.mc1" 2>&1 && say mem_dax1.0 ok || say mem_dax1.0 bad
SH
timeout 180 "$SRC/tests/sim/live.sh" "$plat" -- bash "$tmp/once.sh" "$tmp/srd.conf" "$tmp/t" "$BUILD" >"$tmp/t.kv" 2>"$tmp/t.log"
kv() { sed -n "s/^$1=//p" "$tmp/t.kv"; }
check "srd --once succeeds" test "$(kv rc)" = 0
check "the serial's rule keeps dax0.0 devdax with align 4K" test "$(kv driver_dax0.0) $(kv align_dax0.0)" = "device_dax 4096"
check "the HPA and node rule makes dax1.0 kmem with memmap_on_memory" test "$(kv driver_dax1.0) $(kv memmap_dax1.0)" = "kmem 1"
check "dax1.0's memory is online, every block in ZONE_MOVABLE" test "$(kv blocks_dax1.0)" = " 2 online Movable;"
check "the stores come in the kernel's order" diff -u - <(grep -v ' flush' "$tmp/t.stores" | head -12 |
	sed -e 's|/sys/devices/platform/ACPI0017:00/root0/decoder0\.[01]/region[01]/dax_region[01]/|DEV/|') <<'W'
/sys/bus/dax/drivers/device_dax/unbind dax0.0 0
DEV/dax0.0/align 4096 0
/sys/bus/dax/drivers/device_dax/new_id dax0.0 0
/sys/bus/dax/drivers/device_dax/bind dax0.0 0
/sys/bus/dax/drivers/device_dax/unbind dax1.0 0
DEV/dax1.0/memmap_on_memory 1 0
/sys/bus/dax/drivers/kmem/new_id dax1.0 0
/sys/bus/dax/drivers/kmem/bind dax1.0 0
/sys/devices/system/memory/memory180/state offline 0
/sys/devices/system/memory/memory181/state offline 0
/sys/devices/system/memory/memory180/state online_movable 0
/sys/devices/system/memory/memory181/state online_movable 0
W
rule() { field "$tmp/t.inv.json" "[(x['policy']['rule'], x['policy']['matched']) for x in d['dax_devices'] if x['name'] == '$1'][0]"; }
check "srd --inventory --json: dax0.0 matched srd.conf:8 by Serial=" test "$(rule dax0.0)" = "('$tmp/srd.conf:8', ['Serial='])"
check "srd --inventory --json: dax1.0 matched srd.conf:13 by Range= and Node=" \
	test "$(rule dax1.0)" = "('$tmp/srd.conf:13', ['Range=', 'Node='])"
check "srd --inventory --json: the identity names region, HPA, memdev serial and node" \
	test "$(field "$tmp/t.inv.json" "[(x['identity']['region'], x['identity']['region_range']['start'], x['identity']['memdevs'][0]['serial'], x['identity']['node']) for x in d['dax_devices'] if x['name'] == 'dax1.0'][0]")" = "('region1', '0x5a0000000', '0x3002', 2)"
check "srd --inventory --json: the rule matching nothing is reported" \
	test "$(field "$tmp/t.inv.json" "d['unmatched_device_rules']")" = "['$tmp/srd.conf:20']"
check "srd --inventory: the human report names rule and keys" \
	grep -q "\[Device\] $tmp/srd.conf:13 matched by Range= Node=: system-ram online movable memmap_on_memory yes" "$tmp/t.inv.txt"
check "srd --inventory: ... and the rule that matches nothing" grep -q "note: \[Device\] $tmp/srd.conf:20 matches no dax device" "$tmp/t.inv.txt"
check "srd --check-config passes and notes the rule matching nothing" \
	bash -c "[ '$(kv check_rc)' = 0 ] && grep -q 'note: \[Device\] $tmp/srd.conf:20 matches no dax device on this machine' '$tmp/t.check.txt'"
check "a second pass plans nothing" test "$(field "$tmp/t.again.json" "len(d['decision']['actions'])")" = 0
check "dax0.0 (devdax) memory reads back" test "$(kv mem_dax0.0)" = ok
check "dax1.0 (system-ram) memory reads back over the same HPA" test "$(kv mem_dax1.0)" = ok

# 2. A later action fails (kmem's bind, injected): the devdax device's
# configuration is undone, align included.
cat >"$tmp/undo.sh" <<'SH'
set -u
conf=$1 out=$2 build=$3
echo "fail */drivers/kmem/bind EIO" > "$SRD_SIM/faults"
$build/daemon/srd --once --json --config "$conf" --state-dir /run/srd > "$out.json" 2>&1
echo "rc=$?"
echo "align=$(cat /sys/bus/dax/devices/dax0.0/align)"
echo "driver=$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
SH
timeout 180 "$SRC/tests/sim/live.sh" "$plat" -- bash "$tmp/undo.sh" "$tmp/srd.conf" "$tmp/u" "$BUILD" >"$tmp/u.kv" 2>"$tmp/u.log"
ukv() { sed -n "s/^$1=//p" "$tmp/u.kv"; }
check "a failed bind fails the run" test "$(ukv rc)" != 0
check "... naming the failed step" \
	test "$(field "$tmp/u.json" "[(s['target'], s['result']) for s in d['steps'] if s['result'] == 'failed']")" = "[('dax1.0', 'failed')]"
check "... and the completed configure-dax is undone, align back to the kernel's" \
	test "$(ukv align) $(ukv driver) $(field "$tmp/u.json" "[s['rolled_back'] for s in d['steps'] if s['target'] == 'dax0.0']")" = "2097152 device_dax [True]"

# 3. dax_hmem's device, named by its hmem range: system-ram, left offline
# (Online=none); kmem had onlined it at boot, so AllowOffline=yes is needed.
printf '[Policy]\nAllowOffline=yes\n[Device]\nHMEMRange=0x490000000+4K\nDaxMode=system-ram\nOnline=none\n' >"$tmp/hmem.conf"
cat >"$tmp/hmem.sh" <<'SH'
set -u
conf=$1 out=$2 build=$3
$build/daemon/srd --once --json --config "$conf" --state-dir /run/srd > "$out.json" 2>&1
echo "rc=$?"
echo "driver=$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
echo "states=$(cat /sys/devices/system/memory/memory14[67]/state | sort -u | tr '\n' ' ')"
SH
timeout 180 "$SRC/tests/sim/live.sh" "$SRC/tests/platforms/hmem-7.2.json" -- bash "$tmp/hmem.sh" "$tmp/hmem.conf" "$tmp/h" "$BUILD" >"$tmp/h.kv" 2>"$tmp/h.log"
hkv() { sed -n "s/^$1=//p" "$tmp/h.kv"; }
check "HMEMRange= matches dax_hmem's device: the rule is planned" \
	test "$(field "$tmp/h.json" "[a['rule'] for a in d['decision']['actions'] if a['action'] == 'configure-dax']")" = "['$tmp/hmem.conf:3']"
check "Online=none: kmem keeps it, its memory offline" test "$(hkv rc) $(hkv driver) $(hkv states)" = "0 kmem offline "

# 4. The daemon: srdctl dax, and a dax device that comes back is configured again.
cat >"$tmp/daemon.sh" <<'SH'
set -u
SRC=$1 BUILD=$2 conf=$3 out=$4
. "$SRC/tests/daemon/lib.sh"
trap stop_all EXIT
start_capture && start_bus || exit 1
start_srd "$conf"
wait_state settled 30 || exit 1
$SRDCTL dax > "$out.dax.txt" 2>&1
$SRDCTL dax --json > "$out.dax.json" 2>&1
$SRDCTL status --json > "$out.status.json" 2>&1
echo "align_before=$(cat /sys/bus/dax/devices/dax0.0/align)"
# region0 re-probed: dax_cxl creates dax0.0 afresh, with the kernel's default align.
echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
echo region0 > /sys/bus/cxl/drivers/cxl_region/bind
echo "align_fresh=$(cat /sys/bus/dax/devices/dax0.0/align)"
for _ in $(seq 100); do
	[ "$(cat /sys/bus/dax/devices/dax0.0/align)" = 4096 ] && break
	sleep 0.1
done
wait_state settled 30 2
echo "align_after=$(cat /sys/bus/dax/devices/dax0.0/align)"
echo "driver_after=$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
echo "journal_rule=$(journal_count ACTION "e.get('SRD_ACTION') == 'configure-dax' and e.get('SRD_TARGET') == 'dax0.0' and e.get('SRD_RULE', '').endswith('/srd.conf:8')")"
SH
timeout 180 "$SRC/tests/sim/live.sh" "$plat" -- bash "$tmp/daemon.sh" "$SRC" "$BUILD" "$tmp/srd.conf" "$tmp/d" >"$tmp/d.kv" 2>"$tmp/d.log"
dkv() { sed -n "s/^$1=//p" "$tmp/d.kv"; }
check "srdctl dax: dax0.0's rule and keys" grep -q "rule: \[Device\] $tmp/srd.conf:8, matched by Serial=" "$tmp/d.dax.txt"
check "srdctl dax: dax1.0's identity and what it wants" \
	bash -c "grep -q 'region HPA 0x5a0000000-0x5afffffff' '$tmp/d.dax.txt' && grep -q 'memdev mem1 serial 0x3002 pci' '$tmp/d.dax.txt' && grep -q 'wants: system-ram online movable' '$tmp/d.dax.txt'"
check "srdctl dax: the rule matching nothing" grep -q "note: \[Device\] $tmp/srd.conf:20 matches no dax device" "$tmp/d.dax.txt"
check "srdctl dax --json: each device's policy" \
	test "$(field "$tmp/d.dax.json" "sorted((x['name'], x['policy']['source']) for x in d)")" = "[('dax0.0', '[Device]'), ('dax1.0', '[Device]')]"
check "srdctl status --json: the rule matching nothing" \
	test "$(field "$tmp/d.status.json" "d['policy']['unmatched_device_rules']")" = "['$tmp/srd.conf:20']"
check "the daemon applied the rule at its first pass" test "$(dkv align_before)" = 4096
check "the re-probed region's dax device came back with the default align" test "$(dkv align_fresh)" = 2097152
check "the journal names the rule of each configure-dax (SRD_RULE=), at boot and on the add event" \
	test "$(dkv journal_rule)" = 2
check "the daemon configured it again on its add event" test "$(dkv align_after) $(dkv driver_after)" = "4096 device_dax"
[ $n_bad -eq 0 ] || { echo "# logs in $tmp"; KEEP=1; cat "$tmp/t.log" "$tmp/u.log" "$tmp/d.log" | tail -40 | sed 's/^/# /'; }
checks_summary
