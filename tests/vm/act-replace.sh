# Guest scenario: a hotplug replace on a real kernel.  srd runs as the daemon;
# a ram region is created on the type-3 device; srdctl replace prepare takes it
# down; the host removes the device (QEMU device_del) and inserts a new one in
# the same slot (device_add); srd re-creates the region on the recorded HPA by
# itself.  "@@@ HOST" lines are for monitor.py.
mkdir -p /run/srd-test
printf '[Settle]\nQuietSec=1\n' > /run/srd-test/srd.conf
srd --config /run/srd-test/srd.conf --layout-dir /run/srd-test/layouts > /tmp/srd-replace.log 2>&1 &
rpid=$!
until srdctl status --json 2>/dev/null | grep -Eq '"state": ?"settled"'; do sleep 0.2; done
cxl create-region -t ram -d decoder0.0 -m mem0 > /dev/null 2>&1 || echo "create-region failed"
waitfor() { # waitfor SECONDS COMMAND...
	local n=$(($1 * 5)); shift
	while [ $n -gt 0 ] && ! "$@" 2>/dev/null; do sleep 0.2; n=$((n - 1)); done
	"$@" 2>/dev/null
}
waitfor 30 test -e /sys/bus/cxl/devices/region0/driver
srdctl reevaluate >/dev/null
sleep 3
waitfor 60 sh -c 'srdctl status --json | grep -Eq "\"state\": ?\"settled\""'
sec "BEGIN layout-before"
cat /run/srd-test/layouts/layout-*.json
sec "END layout-before"
sec "BEGIN prepare"
srdctl replace prepare mem0 --json
sec "END prepare"
echo "@@@ HOST device_del cxl-vmem0"
# pciehp powers the slot off 5 s after the button press; wait for the PCI device too.
waitfor 60 sh -c '! ls /sys/bus/cxl/devices/ | grep -q "^mem" && [ ! -e /sys/bus/pci/devices/0000:0d:00.0 ]'
sec "REMOVED $(ls /sys/bus/cxl/devices | grep -c '^mem') memdevs"
sleep 2
echo "@@@ HOST object_add memory-backend-ram,id=fresh,share=on,size=256M"
echo "@@@ HOST device_add cxl-type3,bus=rp0,volatile-memdev=fresh,id=cxl-fresh,sn=0x2002"
waitfor 90 sh -c 'for r in /sys/bus/cxl/devices/region*; do [ -e $r/driver ] && exit 0; done; exit 1'
sleep 3
waitfor 60 sh -c 'srdctl status --json | grep -Eq "\"state\": ?\"settled\""'
sec "BEGIN regions-after"
for r in /sys/bus/cxl/devices/region*; do [ -e "$r" ] && echo "$(basename $r) resource=$(cat $r/resource) size=$(cat $r/size) commit=$(cat $r/commit) driver=$(basename "$(readlink $r/driver)" 2>/dev/null)"; done
sec "END regions-after"
sec "BEGIN layout-after"
cat /run/srd-test/layouts/layout-*.json
sec "END layout-after"
sec "BEGIN status-after"
srdctl status --json
sec "END status-after"
kill $rpid; wait $rpid
sec "SRD-LOG"
cat /tmp/srd-replace.log
