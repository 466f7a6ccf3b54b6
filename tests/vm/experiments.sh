# Guest scenario: what the kernel does to committed decoders, regions and hmem
# when srd's recipes run.  Stage 2 of the firmware hand-off, Soft Reserved
# equal to the firmware-committed region, kmem not loaded.  Each step prints
# the state; docs/kernel-behaviour.md is the table drawn from these logs.
state() {
	sec "PROBE $*"
	grep -E 'CXL Window|Soft Reserved|hmem|dax|region|kmem' /proc/iomem | sed 's/^/iomem: /'
	for r in /sys/bus/cxl/devices/region*; do [ -e "$r" ] && echo "region: $(basename $r) commit=$(cat $r/commit) driver=$(basename "$(readlink $r/driver)" 2>/dev/null) dax=$(ls $r | grep -c dax_region)"; done
	for d in /sys/bus/cxl/devices/decoder*; do [ -e "$d/dpa_size" ] && echo "endpoint-decoder: $(basename $d) start=$(cat $d/start) size=$(cat $d/size) region=$(cat $d/region 2>/dev/null)"; done
	for h in /sys/bus/platform/devices/hmem.*; do [ -e "$h" ] && echo "hmem: $(basename $h) driver=$(basename "$(readlink $h/driver)" 2>/dev/null)"; done
	for d in /sys/bus/dax/devices/dax*; do [ -e "$d" ] && echo "dax: $(basename $d) driver=$(basename "$(readlink $d/driver)" 2>/dev/null) resource=$(cat $d/resource 2>/dev/null) parent=$(basename "$(dirname "$(readlink -f $d)")")"; done
	echo "cxl_acpi: $(basename "$(readlink /sys/bus/platform/devices/ACPI0017:00/driver)" 2>/dev/null)"
}
state "boot"
R=$(ls /sys/bus/cxl/devices | grep '^region' | head -1)
sec "STEP release: unbind $R from cxl_region"
echo $R > /sys/bus/cxl/drivers/cxl_region/unbind; echo "rc=$?"
state "after release"
sec "STEP rebind hmem_platform while cxl_acpi is bound"
echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/unbind; echo "unbind rc=$?"
echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/bind; echo "bind rc=$?"
state "after hmem_platform rebind, cxl_acpi bound"
sec "STEP unbind cxl_acpi"
echo ACPI0017:00 > /sys/bus/platform/drivers/cxl_acpi/unbind; echo "rc=$?"
state "after cxl_acpi unbind"
sec "STEP rebind hmem_platform with cxl_acpi gone"
echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/unbind; echo "unbind rc=$?"
echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/bind; echo "bind rc=$?"
state "after hmem_platform rebind, cxl_acpi gone"
H=$(ls /sys/bus/platform/devices | grep '^hmem\.' | head -1)
if [ -n "$H" ]; then
	sec "STEP release $H and rebind cxl_acpi"
	echo $H > /sys/bus/platform/drivers/hmem/unbind; echo "hmem unbind rc=$?"
fi
echo ACPI0017:00 > /sys/bus/platform/drivers/cxl_acpi/bind; echo "cxl_acpi bind rc=$?"
sleep 1
state "after cxl_acpi rebind"
