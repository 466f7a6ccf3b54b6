# Guest scenario: what srd sees and decides, between markers the host parses.
sleep 3 # let asynchronous probes finish before the read-only snapshot
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
# Then each policy acts, in turn, from the state the previous one left.
for p in strict per-range prefer-cxl prefer-hmem audit; do
	sec "BEGIN once $p"
	srd --once --json --policy $p --config /etc/srd/srd.conf --state-dir /run/srd
	sec "END once $p"
done
