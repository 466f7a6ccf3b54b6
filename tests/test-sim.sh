#!/bin/bash
# The simulated platform itself: cxl/daxctl list every platform; live stores
# behave as each kernel generation's do (including its failures); faults and
# stalls are injected and logged; uevents reach a udev monitor; devices
# appear on the timeline.  Root only (mount and network namespaces, FUSE).
set -uo pipefail
src=$1
. "$src/tests/checks.sh"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount --net true 2>/dev/null || [ ! -e /dev/fuse ]; then
	skip_all "needs root, namespaces and /dev/fuse"
fi
sim=$src/tests/sim
plat=$src/tests/platforms
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# 1. cxl list -RDMu -vvv and daxctl list -RDMu on every platform, counting objects
#    (disabled ones too, -i: a memdev cxl_mem did not probe, a region that did not bind).
for p in "$plat"/*.json; do
	name=$(basename "$p" .json)
	"$sim/srd-sim" render "$p" "$tmp/$name"
	want_r=$(json "$p" 'd["expect"]["inventory"].get("n_regions", -1)')
	want_m=$(json "$p" 'len(d.get("memdevs", []))')
	"$sim/harness.sh" "$tmp/$name" -- sh -c 'cxl list -RDMu -vvv >/dev/null 2>&1 && cxl list -Miu && echo @@ && cxl list -Riu && echo @@ && daxctl list -RDMu' \
		>"$tmp/$name.list" 2>"$tmp/$name.err" || { bad "$name: cxl/daxctl list failed"; cat "$tmp/$name.err"; continue; }
	got_m=$(awk '/^@@/{exit} /"memdev":/' "$tmp/$name.list" | wc -l)
	got_r=$(awk '/^@@/{s++; next} s==1 && /"region":/' "$tmp/$name.list" | wc -l)
	if [ "$got_m" -ne "$want_m" ] || { [ "$want_r" -ge 0 ] && [ "$got_r" -ne "$want_r" ]; }; then
		bad "$name: cxl list shows $got_m memdevs, $got_r regions (want $want_m, $want_r)"
	else
		ok "$name: cxl list $got_m memdevs, $got_r regions; daxctl list ok"
	fi
done

live() { "$sim/live.sh" "$@"; }

# 2. 7.2: hand a Soft Reserved range from hmem to CXL and back, by sysfs stores alone.
cat >"$tmp/handoff.sh" <<'SH'
set -e
w=/sys/bus/cxl/devices/decoder0.0
for b in /sys/devices/system/memory/memory*/state; do echo offline > $b; done
echo hmem.0 > /sys/bus/platform/drivers/hmem/unbind
r=$(cat $w/create_ram_region); echo $r > $w/create_ram_region
echo ram > /sys/bus/cxl/devices/decoder2.0/mode
echo 0x10000000 > /sys/bus/cxl/devices/decoder2.0/dpa_size
echo 1 > /sys/bus/cxl/devices/$r/interleave_ways
echo 0x10000000 > /sys/bus/cxl/devices/$r/size
echo decoder2.0 > /sys/bus/cxl/devices/$r/target0
echo 1 > /sys/bus/cxl/devices/$r/commit
echo $r > /sys/bus/cxl/drivers/cxl_region/bind
cp $SRD_SIM/state /run/state-cxl.json
for b in /sys/devices/system/memory/memory*/state; do echo offline > $b; done
echo $r > /sys/bus/cxl/drivers/cxl_region/unbind
echo 0 > /sys/bus/cxl/devices/$r/commit
echo $r > $w/delete_region
echo hmem.0 > /sys/bus/platform/drivers/hmem/bind
cp $SRD_SIM/state /run/state-hmem.json
cp /run/state-*.json "$OUT"/
SH
if OUT=$tmp live "$plat/hmem-7.2.json" -- env OUT="$tmp" bash "$tmp/handoff.sh" 2>"$tmp/err"; then
	r=$(json "$tmp/state-cxl.json" '[(hex(r["start"]), r["enabled"], bool(r["dax"])) for r in d["regions"]]')
	h=$(json "$tmp/state-hmem.json" '[(x["name"], x["driver"]) for x in d["dax"]] + [len(d["regions"])]')
	[ "$r" = "[('0x490000000', True, True)]" ] && ok "7.2 hand-off to CXL: region on the SR HPA with dax" ||
		bad "7.2 hand-off to CXL: $r"
	[ "$h" = "[('dax0.0', 'kmem'), 0]" ] && ok "7.2 hand-off back to hmem: $h" || bad "7.2 hand-off back: $h"
else
	bad "7.2 hand-off script failed: $(cat "$tmp/err")"
fi

# 3. 6.12: the range is deferred and stranded; creating a region over it fails -34.
cat >"$tmp/strand.sh" <<'SH'
w=/sys/bus/cxl/devices/decoder0.0
r=$(cat $w/create_ram_region); echo $r > $w/create_ram_region
echo 1 > /sys/bus/cxl/devices/$r/interleave_ways
# The window holds only the stranded range: fill the rest first.
echo 0xf0000000 > /sys/bus/cxl/devices/$r/size 2>/dev/null
r2=$(cat $w/create_ram_region); echo $r2 > $w/create_ram_region
echo 0x10000000 > /sys/bus/cxl/devices/$r2/size
SH
out=$(live "$plat/stranded-6.12.json" -- bash "$tmp/strand.sh" 2>&1)
grep -q "Numerical result out of range" <<<"$out" && ok "6.12 stranded: create-region over Soft Reserved fails -34" ||
	bad "6.12 stranded: expected ERANGE, got: $out"

# 4. Fault injection: one EBUSY, then success; a stall; both in the write log.
cat >"$tmp/faults.sh" <<'SH'
for b in /sys/devices/system/memory/memory*/state; do echo offline > $b; done
echo "fail /sys/bus/platform/drivers/hmem/unbind EBUSY 1" > $SRD_SIM/faults
echo "stall /sys/bus/platform/drivers/hmem/bind 0.2 1" > $SRD_SIM/faults
echo hmem.0 > /sys/bus/platform/drivers/hmem/unbind 2>/dev/null && echo first-succeeded
echo hmem.0 > /sys/bus/platform/drivers/hmem/unbind || echo second-failed
echo hmem.0 > /sys/bus/platform/drivers/hmem/bind || echo bind-failed
echo nonsense > /sys/bus/cxl/drivers/cxl_region/bind 2>/dev/null && echo nonsense-accepted
cat $SRD_SIM/log
SH
out=$(live "$plat/hmem-7.2.json" -- bash "$tmp/faults.sh" 2>&1)
if grep -q "hmem/unbind hmem.0 16" <<<"$out" && grep -q "hmem/unbind hmem.0 0" <<<"$out" &&
	grep -q "hmem/bind hmem.0 0" <<<"$out" && grep -q "cxl_region/bind nonsense 19" <<<"$out" &&
	! grep -qE "first-succeeded|second-failed|bind-failed|nonsense-accepted" <<<"$out"; then
	ok "fault injection: EBUSY once, stall, ENODEV for an unknown device, all logged"
else
	bad "fault injection: $out"
fi

# 5. Uevents reach a udev monitor; the timeline adds a device after boot.
cat >"$tmp/uevents.sh" <<'SH'
udevadm monitor --udev --subsystem-match=cxl > /run/mon.txt 2>&1 &
mon=$!
ls /sys/bus/cxl/devices | grep -c '^mem' > /run/before.txt
sleep 1.2
ls /sys/bus/cxl/devices | grep -c '^mem' > /run/after.txt
echo "remove mem0" > $SRD_SIM/control
sleep 0.3
kill $mon
cat /run/before.txt /run/after.txt /run/mon.txt
SH
cat >"$tmp/tl.json" <<'J'
{"name": "timeline", "kernel": {"release": "6.12.43", "behaviour": "defer-always"},
 "windows": [{"start": "0x490000000", "size": "0x100000000"}],
 "memdevs": [{"serial": "0x1001"}, {"serial": "0x1002", "appear_at": 0.6}]}
J
out=$(live "$tmp/tl.json" -- bash "$tmp/uevents.sh" 2>&1)
if [ "$(sed -n 1p <<<"$out")" = 1 ] && [ "$(sed -n 2p <<<"$out")" = 2 ] &&
	grep -qE "add +/devices/.*/mem1 \(cxl\)" <<<"$out" && grep -qE "remove +/devices/.*/mem0 \(cxl\)" <<<"$out"; then
	ok "timeline adds mem1 after boot; add and remove uevents reach udevadm monitor"
else
	bad "uevents/timeline: $out"
fi

# 6. 6.1: unbinding hmem does not free the HPA, so a region still cannot be created.
cat >"$tmp/claim.sh" <<'SH'
w=/sys/bus/cxl/devices/decoder0.0
echo hmem.0 > /sys/bus/platform/drivers/hmem/unbind
r=$(cat $w/create_ram_region); echo $r > $w/create_ram_region
echo 0xf0000000 > /sys/bus/cxl/devices/$r/size
r2=$(cat $w/create_ram_region); echo $r2 > $w/create_ram_region
echo 0x10000000 > /sys/bus/cxl/devices/$r2/size
SH
out=$(live "$plat/claim-first-6.1.json" -- bash "$tmp/claim.sh" 2>&1)
grep -q "Numerical result out of range" <<<"$out" && ok "6.1: hmem unbind keeps the HPA; create-region fails -34" ||
	bad "6.1 claim-first: $out"

checks_summary
