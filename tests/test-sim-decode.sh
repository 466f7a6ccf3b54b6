#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What tear-downs do to HDM decode, asserted the way the real-kernel tier does:
# a pattern written through a dax device, the stores done by hand in the
# simulated sysfs, hmem_platform re-probed, and what reads back through the
# new owner's dax device (tests/sim/memcheck.py: "pattern", "zeros") and
# whether $SRD_SIM/decoded still lists the range.  The truths (DESIGN.md,
# "What tear-downs do to decode"):
#   release               decoders stay committed, CXL's dax goes
#   commit=0, delete      decoders reset (a locked region refuses on 7.x)
#   cxl_acpi unbind       every region goes; its decoders reset unless locked
#                         on 7.x; endpoint decoders with no region keep decoding
#   cxl_mem unbind        the region's decoders reset, others stay
# and the failure shapes (cxl_mem not loaded, a failed memdev or region probe,
# cxl_acpi not bound) render as a real kernel shows them.  Root only.
#
#   test-sim-decode.sh SRC
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

# Helpers inside the namespace; each scenario prints KEY=VALUE lines.
cat >"$tmp/lib.sh" <<'SH'
M="$SIM/memcheck.py"
say() { echo "$1=$2"; }
# decoded START: "yes" when $SRD_SIM/decoded lists a decoder starting there
decoded() { grep -q "^$1-" "$SRD_SIM/decoded" && echo yes || echo no; }
# dax_at START: the dax device whose resource is START (empty if none)
dax_at() {
	local d
	for d in /sys/bus/dax/devices/*; do
		[ -e "$d/resource" ] && [ "$(cat "$d/resource")" = "$1" ] && { basename "$d"; return; }
	done
}
# devdax DAX: make device_dax drive it (so /dev/DAX reads and writes)
devdax() {
	local drv
	drv=$(basename "$(readlink "/sys/bus/dax/devices/$1/driver")" 2>/dev/null)
	if [ "$drv" = kmem ]; then
		for b in /sys/devices/system/memory/memory*/state; do echo offline > "$b"; done
		echo "$1" > /sys/bus/dax/drivers/kmem/unbind
	fi
	[ "$drv" = device_dax ] || echo "$1" > /sys/bus/dax/drivers/device_dax/bind
}
# readback START SEED: what the dax device over START reads ("none": no device)
readback() {
	local d
	d=$(dax_at "$1")
	[ -n "$d" ] || { echo none; return; }
	devdax "$d"
	"$M" read "/dev/$d" "$2"
}
# write START SEED: the pattern through the dax device over START
write() {
	local d
	d=$(dax_at "$1")
	[ -n "$d" ] || { echo none; return; }
	devdax "$d"
	"$M" rw "/dev/$d" "$2"
}
reprobe() {
	echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/unbind
	echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/bind
}
acpi_unbind() { echo ACPI0017:00 > /sys/bus/platform/drivers/cxl_acpi/unbind; }
SH

# run NAME PLATFORM SCRIPT: runs SCRIPT on the live platform, its output in $tmp/NAME.out
run() {
	SIM=$sim timeout 120 "$sim/live.sh" "$2" -- bash -c ". '$tmp/lib.sh'; $3" >"$tmp/$1.out" 2>"$tmp/$1.err" ||
		{ echo "# $1: the scenario failed"; sed 's/^/#   /' "$tmp/$1.err"; }
}
# is NAME KEY VALUE WHAT
is() {
	local got
	got=$(sed -n "s/^$2=//p" "$tmp/$1.out" | tail -1)
	if [ "$got" = "$3" ]; then ok "$1: $4"; else bad "$1: $4 ($2 is '$got', want '$3')"; fi
}

A=0x490000000 B=0x4b0000000

# 1. release keeps the decoders: the pattern survives a release and a re-bind.
run release "$plat/cxl-devdax-6.12.json" '
say before "$(write '$A' one)"
echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
say decoded "$(decoded '$A')"
say dax "$(dax_at '$A')"
reprobe
say hmem "$(ls /sys/bus/platform/devices | grep -c ^hmem\\.)"
echo region0 > /sys/bus/cxl/drivers/cxl_region/bind
say after "$(readback '$A' one)"'
is release before pattern "the pattern reads back through CXL's dax device"
is release decoded yes "after release the decoders still decode"
is release dax "" "after release CXL's dax device is gone"
is release hmem 0 "a re-probe with cxl_acpi bound defers the range (6.12)"
is release after pattern "after re-binding the region its dax device reads the pattern"

# 2. commit=0 and delete_region reset the decoders: dax_hmem then reads zeros.
run destroy "$plat/cxl-devdax-6.12.json" '
say before "$(write '$A' two)"
echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
echo 0 > /sys/bus/cxl/devices/region0/commit
say decoded_commit0 "$(decoded '$A')"
echo region0 > /sys/bus/cxl/devices/decoder0.0/delete_region
say decoded "$(decoded '$A')"
reprobe
say dax_bound "$(dax_at '$A')"
acpi_unbind
reprobe
say after "$(readback '$A' two)"
say rw "$(write '$A' three)"'
is destroy before pattern "the pattern reads back through CXL's dax device"
is destroy decoded_commit0 no "commit=0 resets the decoders"
is destroy decoded no "nothing decodes after delete_region"
is destroy dax_bound "" "a re-probe with cxl_acpi bound gives no hmem device (6.12)"
is destroy after zeros "dax_hmem's device over the reset range reads zeros"
is destroy rw zeros "writes to it are dropped"

# 3. cxl_acpi unbind with a region: the region's decoders reset.
run acpi-region "$plat/cxl-devdax-6.12.json" '
say before "$(write '$A' four)"
acpi_unbind
say decoded "$(decoded '$A')"
say regions "$(ls /sys/bus/cxl/devices 2>/dev/null | grep -c ^region)"
say window "$(grep -c "CXL Window" /proc/iomem)"
reprobe
say after "$(readback '$A' four)"'
is acpi-region before pattern "the pattern reads back through CXL's dax device"
is acpi-region decoded no "cxl_acpi unbind resets the region's decoders"
is acpi-region regions 0 "every region goes"
is acpi-region window 0 "the CXL Window resource goes"
is acpi-region after zeros "dax_hmem's device registered after the unbind reads zeros"

# 4. cxl_acpi unbind, no region (7.2): committed decoders outside any region
#    keep decoding; the range hmem owned reads back after the re-probe.
run acpi-noregion "$plat/mixed-7.2.json" '
say before "$(write '$B' five)"
say decoded_b "$(decoded '$B')"
acpi_unbind
say decoded_a "$(decoded '$A')"
say decoded_b_after "$(decoded '$B')"
reprobe
say after "$(readback '$B' five)"
say region_range "$(readback '$A' five)"'
is acpi-noregion before pattern "the pattern reads back through dax_hmem's device"
is acpi-noregion decoded_b yes "decoders with no region decode"
is acpi-noregion decoded_a no "the region's decoders reset at cxl_acpi unbind"
is acpi-noregion decoded_b_after yes "decoders with no region stay committed"
is acpi-noregion after pattern "after the re-probe dax_hmem's device reads the pattern"
is acpi-noregion region_range zeros "the range the region had reads zeros"

# 5. cxl_mem not loaded (6.12): no region, the range is deferred; once cxl_acpi
#    is unbound dax_hmem registers it and the memory works.
run driver-failure "$plat/driver-failure-6.12.json" '
say decoded "$(grep "^'$A'-" "$SRD_SIM/decoded" | cut -d" " -f2-)"
say dax "$(dax_at '$A')"
acpi_unbind
reprobe
say after "$(write '$A' six)"'
is driver-failure decoded "mem0 hdm0 - -" "firmware's decoder decodes with no endpoint in sysfs"
is driver-failure dax "" "the range is stranded while cxl_acpi is bound"
is driver-failure after pattern "after cxl_acpi unbind and a re-probe dax_hmem's memory works"

# 6. A locked region on 6.12: the reset is written regardless.
for how in acpi commit; do
	run locked-612-$how "$plat/locked-6.12.json" '
	say locked "$(cat /sys/bus/cxl/devices/decoder2.0/locked)"
	say region_locked "$(cat /sys/bus/cxl/devices/region0/locked 2>/dev/null || echo absent)"
	say before "$(write '$A' seven)"
	if [ '$how' = commit ]; then
		echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
		echo 0 > /sys/bus/cxl/devices/region0/commit && say commit0 ok
	fi
	acpi_unbind
	say decoded "$(decoded '$A')"
	reprobe
	say after "$(readback '$A' seven)"'
	is locked-612-$how locked 1 "decoder2.0/locked reads 1"
	is locked-612-$how region_locked absent "6.12 has no region0/locked"
	is locked-612-$how before pattern "the pattern reads back through CXL's dax device"
	[ $how = commit ] && is locked-612-$how commit0 ok "commit=0 of a locked region succeeds on 6.12"
	is locked-612-$how decoded no "6.12 resets a locked region's decoders"
	is locked-612-$how after zeros "dax_hmem's device reads zeros"
done

# 7. A locked region on 7.2: commit=0 is refused, cxl_acpi unbind leaves the
#    decoders committed, dax_hmem's device reads the pattern.
run locked-72 "$plat/locked-7.2.json" '
say locked "$(cat /sys/bus/cxl/devices/decoder2.0/locked)"
say region_locked "$(cat /sys/bus/cxl/devices/region0/locked)"
say before "$(write '$A' eight)"
echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
echo 0 > /sys/bus/cxl/devices/region0/commit 2>/dev/null && say commit0 ok || say commit0 refused
say commit "$(cat /sys/bus/cxl/devices/region0/commit)"
acpi_unbind
say decoded "$(decoded '$A')"
reprobe
say after "$(readback '$A' eight)"'
is locked-72 locked 1 "decoder2.0/locked reads 1"
is locked-72 region_locked 1 "region0/locked reads 1 (7.1+)"
is locked-72 before pattern "the pattern reads back through CXL's dax device"
is locked-72 commit0 refused "commit=0 of a locked region is refused"
is locked-72 commit 1 "the locked region stays committed"
is locked-72 decoded yes "cxl_acpi unbind leaves a locked region's decoders committed"
is locked-72 after pattern "dax_hmem's device reads the pattern"

# 8. cxl_mem unbind: the region's decoders reset; a decoder with no region stays.
run cxl-mem "$plat/cxl-devdax-6.12.json" '
say before "$(write '$A' nine)"
echo mem0 > /sys/bus/cxl/drivers/cxl_mem/unbind
say decoded "$(decoded '$A')"
say commit "$(cat /sys/bus/cxl/devices/region0/commit)"
say endpoint "$(ls /sys/bus/cxl/devices | grep -c ^endpoint)"
echo mem0 > /sys/bus/cxl/drivers/cxl_mem/bind
say endpoint_again "$(ls /sys/bus/cxl/devices | grep -c ^endpoint)"
acpi_unbind
reprobe
say after "$(readback '$A' nine)"'
is cxl-mem before pattern "the pattern reads back through CXL's dax device"
is cxl-mem decoded no "cxl_mem unbind resets the region's decoders"
is cxl-mem commit 0 "the region reads commit=0"
is cxl-mem endpoint 0 "the endpoint port goes"
is cxl-mem endpoint_again 1 "a cxl_mem bind brings it back"
is cxl-mem after zeros "dax_hmem's device reads zeros"
run cxl-mem-noregion "$plat/mixed-7.2.json" '
say before "$(write '$B' ten)"
echo mem1 > /sys/bus/cxl/drivers/cxl_mem/unbind
say decoded "$(decoded '$B')"
say after "$(readback '$B' ten)"'
is cxl-mem-noregion before pattern "the pattern reads back through dax_hmem's device"
is cxl-mem-noregion decoded yes "cxl_mem unbind leaves a decoder with no region committed"
is cxl-mem-noregion after pattern "dax_hmem's device still reads the pattern"

# 9. No device_dax, no character device; claim-first has no hmem_platform.
run nodriver "$plat/mixed-7.2.json" '
d=$(dax_at '$B')
say open "$("$M" read /dev/$d x)"
say hmem_platform "$(ls /sys/bus/platform/drivers | grep -c ^hmem_platform)"'
is nodriver open "open: No such device or address" "a dax device device_dax does not drive cannot be opened"
is nodriver hmem_platform 1 "7.2 has hmem_platform"
run claim-first "$plat/claim-first-6.1.json" '
say hmem_platform "$(ls /sys/bus/platform/drivers /sys/bus/platform/devices | grep -c ^hmem_platform)"'
is claim-first hmem_platform 0 "6.1 has no hmem_platform device or driver"

# 10. Failure shapes, rendered.
run shape-cxl-mem "$plat/driver-failure-6.12.json" '
say driver_dir "$([ -e /sys/bus/cxl/drivers/cxl_mem ] && echo yes || echo no)"
say memdev "$([ -e /sys/bus/cxl/devices/mem0/serial ] && echo yes || echo no)"
say mem_driver "$([ -e /sys/bus/cxl/devices/mem0/driver ] && echo yes || echo no)"
say endpoints "$(ls /sys/bus/cxl/devices | grep -c ^endpoint)"
say regions "$(ls /sys/bus/cxl/devices | grep -c ^region)"
pci=$(readlink -f /sys/bus/cxl/devices/mem0/..)
say class "$(cat $pci/class)"
say vendor "$(cat $pci/vendor)"
say pci_driver "$(basename "$(readlink $pci/driver)")"
say cxl_pci "$(ls /sys/bus/pci/drivers/cxl_pci | grep -c :)"
say listed "$(cxl list -Mi | grep -c "\"memdev\":\"mem0\"")"'
is shape-cxl-mem driver_dir no "cxl_mem not loaded: no /sys/bus/cxl/drivers/cxl_mem"
is shape-cxl-mem memdev yes "mem0 is there"
is shape-cxl-mem mem_driver no "mem0 has no driver link"
is shape-cxl-mem endpoints 0 "no endpoint port"
is shape-cxl-mem regions 0 "no region assembles"
is shape-cxl-mem class 0x050210 "the PCI function's class is CXL memory"
is shape-cxl-mem vendor 0x8086 "the PCI function's vendor"
is shape-cxl-mem pci_driver cxl_pci "the PCI function is bound to cxl_pci"
is shape-cxl-mem cxl_pci 1 "/sys/bus/pci/drivers/cxl_pci lists it"
is shape-cxl-mem listed 1 "cxl list -i shows mem0 (disabled)"
run shape-probe "$plat/innocent-failed-memdev-6.12.json" '
say driver_dir "$([ -e /sys/bus/cxl/drivers/cxl_mem ] && echo yes || echo no)"
say mem0_driver "$([ -e /sys/bus/cxl/devices/mem0/driver ] && echo yes || echo no)"
say mem1_driver "$(basename "$(readlink /sys/bus/cxl/devices/mem1/driver)")"
say endpoints "$(ls /sys/bus/cxl/devices | grep -c ^endpoint)"
say innocent "$(write '$B' eleven)"
say decoded_sr "$(decoded '$A')"'
is shape-probe driver_dir yes "cxl_mem is loaded"
is shape-probe mem0_driver no "the failed memdev has no driver link"
is shape-probe mem1_driver cxl_mem "the other memdev is bound"
is shape-probe endpoints 1 "one endpoint port"
is shape-probe innocent pattern "the innocent region's memory works"
is shape-probe decoded_sr yes "the failed memdev's firmware decoder still decodes"
run shape-region "$plat/region-probe-fail-6.12.json" '
say commit "$(cat /sys/bus/cxl/devices/region0/commit)"
say driver "$([ -e /sys/bus/cxl/devices/region0/driver ] && echo yes || echo no)"
echo region0 > /sys/bus/cxl/drivers/cxl_region/bind 2>/dev/null && say bind ok || say bind failed
say dax "$(dax_at '$A')"'
is shape-region commit 1 "the region is committed"
is shape-region driver no "the region is not bound"
is shape-region bind failed "binding it fails again"
is shape-region dax "" "it has no dax device"
run shape-acpi "$plat/vm/no-cxl-612.json" '
say acpi "$([ -e /sys/bus/platform/devices/ACPI0017:00 ] && echo yes || echo no)"
say acpi_driver "$([ -e /sys/bus/platform/devices/ACPI0017:00/driver ] && echo yes || echo no)"
say root "$(ls /sys/bus/cxl/devices | grep -c "^root\|^decoder0\.")"'
is shape-acpi acpi yes "ACPI0017:00 is there"
is shape-acpi acpi_driver no "cxl_acpi not bound: no driver link"
is shape-acpi root 0 "no root port or root decoders"

checks_summary
