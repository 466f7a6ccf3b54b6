# Guest scenario: what srd sees and decides, between markers the host parses.
sec "STATE"
grep -E 'CXL Window|Soft Reserved|hmem|dax|region|kmem' /proc/iomem
for r in /sys/bus/cxl/devices/region*; do [ -e "$r" ] && echo "$(basename $r) commit=$(cat $r/commit) resource=$(cat $r/resource) size=$(cat $r/size) driver=$(basename "$(readlink $r/driver)" 2>/dev/null)"; done
for h in /sys/bus/platform/devices/hmem.*; do [ -e "$h" ] && echo "$(basename $h) driver=$(basename "$(readlink $h/driver)" 2>/dev/null)"; done
for d in /sys/bus/dax/devices/dax*; do [ -e "$d" ] && echo "$(basename $d) driver=$(basename "$(readlink $d/driver)" 2>/dev/null) resource=$(cat $d/resource 2>/dev/null)"; done
sec "BEGIN inventory"
srd --inventory --json
sec "END inventory"
for p in strict per-range prefer-cxl prefer-hmem audit; do
	sec "BEGIN plan $p"
	srd --plan --json --policy $p --config /etc/srd/srd.conf
	sec "END plan $p"
done
