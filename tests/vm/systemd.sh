# Guest scenario for the systemd guest (sysimage.sh): srd as shipped, started
# by systemd at boot.  Records the unit's state and its ordering after udev's
# coldplug, srdctl over the real system bus (as root and as nobody), a reload,
# the journal with the catalog's text, srd acting from inside its sandbox (a
# configuration change to devdax, then a reload), and, from inside the unit's
# mount namespace and cgroup, the writes and opens the sandbox must refuse,
# the mounts it sees, and the in-use interlock refusing to take away a dax
# device another user's process holds open.
# check.py (check_systemd) reads the sections.
settle() { # wait until srd has settled and no uevent came for 2 s
	i=0 last=
	while [ $i -lt 60 ]; do
		now=$(srdctl status --json 2>/dev/null | tr -d ' \n' | grep -Eo '"state":"(settled|degraded)","busy":false.*"events":[0-9]+' |
			sed -E 's/"state":"([a-z]+)".*"events":([0-9]+)/\1 \2/')
		[ -n "$now" ] && [ "$now" = "$last" ] && break
		last=$now
		sleep 2; i=$((i + 1))
	done
}
settle
sec "BEGIN unit"
systemctl show -p ActiveState,SubState,StatusText,Type,NotifyAccess,NRestarts,Result srd
sec "END unit"
sec "BEGIN order"
echo "udev-trigger-done $(systemctl show -p ActiveEnterTimestampMonotonic --value systemd-udev-trigger)"
echo "srd-started $(systemctl show -p ExecMainStartTimestampMonotonic --value srd)"
echo "srd-ready $(systemctl show -p ActiveEnterTimestampMonotonic --value srd)"
echo "srd-after $(systemctl show -p After --value srd)"
sec "END order"
sec "BEGIN daemon"
srdctl status --json
sec "END daemon"
sec "BEGIN srdctl"
srdctl status; echo "srdctl status rc=$?"
su -s /bin/sh nobody -c 'srdctl status >/dev/null; echo "srdctl status as nobody rc=$?"; srdctl reload; echo "srdctl reload as nobody rc=$?"' 2>&1
sec "END srdctl"

sec "BEGIN reload"
systemctl reload srd; echo "systemctl reload rc=$?"
systemctl show -p ActiveState,SubState,StatusText,NRestarts srd
sec "END reload"

unitpid() {
	pid=$(systemctl show -p MainPID --value srd)
	cg=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$pid/cgroup)
}
unitpid
sec "BEGIN resources"
grep -E '^(VmRSS|VmHWM|Threads)' /proc/$pid/status
systemctl show -p MemoryCurrent,MemoryPeak,TasksCurrent,MemoryMax,TasksMax srd
sec "END resources"

# In the unit's mount namespace and cgroup (the device policy is the
# cgroup's): a shell that joins srd.service's cgroup, then nsenter.
insandbox() { # LABEL COMMAND
	unitpid
	out=$(sh -c 'echo $$ >"$2/cgroup.procs" && exec nsenter -t "$1" -m -- sh -c "$3"' _ "$pid" "$cg" "$2" 2>&1)
	echo "sandbox $1: rc=$? ${out:-(no output)}" | head -1
}
outside() { # LABEL COMMAND: the same, as plain root, for comparison
	out=$(sh -c "$2" 2>&1)
	echo "outside $1: rc=$? ${out:-(no output)}" | head -1
}
forbidden() {
	for t in "swappiness:v=\$(cat /proc/sys/vm/swappiness); echo \$v > /proc/sys/vm/swappiness" \
		"thp:v=\$(sed 's/.*\\[\\(.*\\)\\].*/\\1/' /sys/kernel/mm/transparent_hugepage/enabled); echo \$v > /sys/kernel/mm/transparent_hugepage/enabled" \
		"serial8250-unbind:echo nosuchdev > /sys/bus/platform/drivers/serial8250/unbind" \
		"cxl-mem-rw:: <> /dev/cxl/mem0" "cxl-mem-r:: < /dev/cxl/mem0" "$@"; do
		outside "${t%%:*}" "${t#*:}"
		insandbox "${t%%:*}" "${t#*:}"
	done
}
sec "BEGIN sandbox"
forbidden
# srd's own trees stay writable: libcxl's flush, and a committed region's
# attribute (the kernel answers EBUSY, not EROFS).
insandbox cxl-flush "echo 1 > /sys/bus/cxl/flush"
insandbox cxl-region-attr "v=\$(cat /sys/bus/cxl/devices/region0/interleave_granularity); echo \$v > /sys/bus/cxl/devices/region0/interleave_granularity"
sec "END sandbox"
sec "BEGIN paths"
for d in /sys/bus/cxl/devices/*; do echo "$(basename $d) $(readlink -f $d)"; done
sec "END paths"
sec "BEGIN mounts"
nsenter -t "$pid" -m -- sh -c 'grep -E " /(sys|proc/sys)[ /]" /proc/self/mountinfo' | awk '{print $5, $6}'
sec "END mounts"
# What findmnt -o TARGET,OPTIONS shows for each (the guest has no findmnt):
# the top mount on the path, the last one mountinfo lists there.
sec "BEGIN findmnt"
for t in /sys /sys/bus/dax /sys/devices/system/memory; do
	nsenter -t "$pid" -m -- cat /proc/self/mountinfo | awk -v t=$t '$5 == t {o = $6} END {print t, o}'
done
sec "END findmnt"

# srd acts from inside the sandbox: devdax instead of System RAM, the memory
# offlined first (memory blocks, dax driver unbind, device_dax bind).
mkdir -p /etc/srd
cat >/etc/srd/srd.conf <<'C'
[Policy]
AllowOffline=yes
[CXL]
DaxMode=devdax
C
sec "BEGIN act"
systemctl reload srd; echo "systemctl reload rc=$?"
settle
for d in /sys/bus/dax/devices/dax*; do [ -e "$d" ] && echo "$(basename $d) driver=$(basename "$(readlink $d/driver)" 2>/dev/null)"; done
systemctl show -p ActiveState,SubState,StatusText srd
journalctl -u srd -b -o cat --no-pager | grep -E '^(write|action|srd action)' | head -20
sec "END act"
sec "BEGIN acted"
srdctl status --json
sec "END acted"
sec "BEGIN sandbox-dax"
for n in /dev/dax*; do
	[ -c "$n" ] || continue
	outside "dax-open-$(basename $n)" ": < $n"
	insandbox "dax-open-$(basename $n)" ": < $n"
done
sec "END sandbox-dax"

# The in-use interlock, from inside the unit: another user's process holds
# the region's dax device open (the node is root's; the holder inherits the
# descriptor), and an apply that would take the device from device_dax (the
# policy back to system-ram) is refused, naming the process.  srd must see it:
# CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, ProtectProc=default.  (prefer-hmem plans
# nothing here to take the region away: a decision interlock blocks it.)
sec "BEGIN in-use"
dax=$(for n in /dev/dax*; do [ -c "$n" ] && echo "$n"; done | head -1)
su -s /bin/sh nobody -c 'exec sleep 600' <"$dax" &
sleep 2
holder=
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/fd/0" 2>/dev/null)" = "$dax" ] && [ "$(cat "$p/comm" 2>/dev/null)" = sleep ] && holder=${p#/proc/}
done
echo "holder pid=$holder uid=$(awk '/^Uid:/{print $2}' /proc/$holder/status) fd0=$(readlink /proc/$holder/fd/0)"
sed -i 's/^DaxMode=devdax/DaxMode=system-ram/' /etc/srd/srd.conf
srdctl reload; settle
srdctl apply 2>&1; echo "srdctl apply rc=$?"
journalctl -u srd -b -o cat --no-pager | grep -E 'in use|has open' | tail -3
sed -i 's/^DaxMode=system-ram/DaxMode=devdax/' /etc/srd/srd.conf
srdctl reload
kill "$holder"; wait
settle
for d in /sys/bus/dax/devices/dax*; do [ -e "$d" ] && echo "$(basename $d) driver=$(basename "$(readlink $d/driver)" 2>/dev/null)"; done
srdctl apply >/dev/null 2>&1; echo "srdctl apply (configured policy) rc=$?"
systemctl show -p ActiveState,SubState,StatusText,NRestarts srd
sec "END in-use"
sec "BEGIN journal"
journalctl -u srd -b -x --no-pager
sec "END journal"
sec "BEGIN catalog"
journalctl --list-catalog --no-pager | grep -ci 'srd'
sec "END catalog"
