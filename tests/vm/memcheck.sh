# Guest scenario, last in every case: does the memory srd leaves with an owner
# work?  Writes a pattern through each dax device and reads it back:
# device-dax through its character device, system-ram through anonymous pages
# bound to the device's NUMA node.  A dax device with no driver is bound to
# device_dax for the check (new_id, then bind).  check.py holds every owned
# range (and every innocent region) to an "ok" line; an HPA no committed
# decoder decodes reads back zeros in QEMU, so only a round trip tells.
MEMCHECK_BYTES=${MEMCHECK_BYTES:-64M}
sleep 1
sec "BEGIN final"
srd --inventory --json
sec "END final"
sec "BEGIN memcheck"
for d in /sys/bus/dax/devices/dax*; do
	[ -e "$d" ] || continue
	n=$(basename "$d")
	drv=$(basename "$(readlink "$d/driver")" 2>/dev/null)
	if [ -z "$drv" ]; then
		echo "$n" > /sys/bus/dax/drivers/device_dax/new_id 2>/dev/null
		[ -e "$d/driver" ] || echo "$n" > /sys/bus/dax/drivers/device_dax/bind 2>/dev/null
		drv=$(basename "$(readlink "$d/driver")" 2>/dev/null)
		echo "memcheck-note $n: had no driver, bound to ${drv:-nothing} for the check"
	fi
	case $drv in
	device_dax)
		i=0
		while [ ! -c "/dev/$n" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
		srd-memcheck "/dev/$n" "$MEMCHECK_BYTES" | sed "s|^memcheck /dev/$n|memcheck $n|" ;;
	kmem)
		node=$(cat "$d/target_node")
		srd-memcheck --node "$node" "$MEMCHECK_BYTES" | sed "s|^memcheck node$node|memcheck $n (node$node)|" ;;
	*)
		echo "memcheck $n: FAIL, no driver could be bound ($drv)" ;;
	esac
done
sec "END memcheck"
