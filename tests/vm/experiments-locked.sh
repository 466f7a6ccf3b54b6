# Guest scenario: handing a firmware-committed region's range to dax_hmem by
# unbinding cxl_acpi, and whether the memory still decodes afterwards.  Stage
# 2 of the firmware hand-off (fwsim.sh, with -l for locked decoders), Soft
# Reserved equal to the region, kmem not loaded, iomem=relaxed on stage 2's
# command line so hdm-lock --show can read the decoders once their sysfs
# devices are gone.  Steps: (a) memcheck through the region's dax device,
# (b) release the region, (c) unbind cxl_acpi, (d) re-probe hmem_platform,
# (e) the hmem device and its dax, (f) memcheck through it, (g) release hmem
# and re-bind cxl_acpi (does the region come back, does it work), (h) commit=0
# on it.  Each step prints the state; docs/kernel-behaviour.md ("Locked
# firmware decoders") is the table drawn from these logs.
state() {
	sec "PROBE $*"
	grep -E 'CXL Window|Soft Reserved|hmem|dax|region|kmem' /proc/iomem | sed 's/^/iomem: /'
	for d in /sys/bus/cxl/devices/decoder*; do
		[ -e "$d" ] || continue
		k=root
		[ -e "$d/dpa_size" ] && k=endpoint
		[ -e "$d/target_list" ] && ! [ -e "$d/create_ram_region" ] && k=switch
		echo "$k-decoder: $(basename $d) start=$(cat $d/start) size=$(cat $d/size) locked=$(cat $d/locked 2>/dev/null) region=$(cat $d/region 2>/dev/null)"
	done
	for r in /sys/bus/cxl/devices/region*; do [ -e "$r" ] && echo "region: $(basename $r) commit=$(cat $r/commit) locked=$(cat $r/locked 2>/dev/null || echo none) driver=$(basename "$(readlink $r/driver)" 2>/dev/null)"; done
	for h in /sys/bus/platform/devices/hmem.*; do [ -e "$h" ] && echo "hmem: $(basename $h) driver=$(basename "$(readlink $h/driver)" 2>/dev/null)"; done
	for d in /sys/bus/dax/devices/dax*; do [ -e "$d" ] && echo "dax: $(basename $d) driver=$(basename "$(readlink $d/driver)" 2>/dev/null) resource=$(cat $d/resource 2>/dev/null) size=$(cat $d/size) parent=$(basename "$(dirname "$(readlink -f $d)")")"; done
	echo "cxl_acpi: $(basename "$(readlink /sys/bus/platform/devices/ACPI0017:00/driver)" 2>/dev/null)"
	hdm-lock --show
}
# Binds dax device $1 to device_dax (new_id, then bind when new_id did not)
# and writes and reads back 64 MiB through it.
memcheck() {
	if ! [ -e /sys/bus/dax/devices/$1/driver ]; then
		echo $1 > /sys/bus/dax/drivers/device_dax/new_id; echo "new_id $1 rc=$?"
		[ -e /sys/bus/dax/devices/$1/driver ] || { echo $1 > /sys/bus/dax/drivers/device_dax/bind; echo "bind $1 rc=$?"; }
	fi
	i=0
	while [ $i -lt 20 ] && ! [ -c /dev/$1 ]; do sleep 0.1; i=$((i + 1)); done
	echo "$1 driver=$(basename "$(readlink /sys/bus/dax/devices/$1/driver)" 2>/dev/null)"
	srd-memcheck /dev/$1 64M; echo "memcheck rc=$?"
}
state "boot"
R=$(ls /sys/bus/cxl/devices | grep '^region' | head -1)
D=$(ls /sys/bus/cxl/devices/$R 2>/dev/null | grep '^dax_region' | head -1)
X=$(ls /sys/bus/cxl/devices/$R/$D 2>/dev/null | grep '^dax' | head -1)
sec "STEP a: memcheck through $R's dax device ${X:-none}"
[ -n "$X" ] && memcheck $X
sec "STEP b: unbind $R from cxl_region"
echo $R > /sys/bus/cxl/drivers/cxl_region/unbind; echo "rc=$?"
state "after b (region released)"
sec "STEP c: unbind cxl_acpi"
echo ACPI0017:00 > /sys/bus/platform/drivers/cxl_acpi/unbind; echo "rc=$?"
state "after c (cxl_acpi unbound)"
sec "STEP d: hmem_platform.0 unbind + bind"
echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/unbind; echo "unbind rc=$?"
echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/bind; echo "bind rc=$?"
sleep 1
state "after d (hmem_platform re-probed)"
sec "STEP e: hmem devices and their dax"
H=$(ls /sys/bus/platform/devices | grep '^hmem\.' | head -1)
echo "hmem: ${H:-none}"
Y=
[ -n "$H" ] && Y=$(ls /sys/bus/dax/devices | while read -r d; do readlink -f /sys/bus/dax/devices/$d | grep -q "/$H/" && echo $d; done | head -1)
echo "hmem dax: ${Y:-none}"
sec "STEP f: memcheck through ${Y:-no hmem dax device}"
[ -n "$Y" ] && memcheck $Y
state "after f"
sec "STEP g: release ${H:-no hmem device} and rebind cxl_acpi"
[ -n "$H" ] && { echo $H > /sys/bus/platform/drivers/hmem/unbind; echo "hmem unbind rc=$?"; }
echo ACPI0017:00 > /sys/bus/platform/drivers/cxl_acpi/bind; echo "cxl_acpi bind rc=$?"
sleep 2
state "after g (cxl_acpi rebound)"
R=$(ls /sys/bus/cxl/devices | grep '^region' | head -1)
D=$(ls /sys/bus/cxl/devices/$R 2>/dev/null | grep '^dax_region' | head -1)
X=$(ls /sys/bus/cxl/devices/$R/$D 2>/dev/null | grep '^dax' | head -1)
echo "region: ${R:-none} dax: ${X:-none}"
[ -n "$X" ] && memcheck $X
if [ -n "$R" ]; then
	sec "STEP h: de-commit $R"
	echo 0 > /sys/bus/cxl/devices/$R/commit; echo "commit=0 rc=$?"
	state "after h"
fi
