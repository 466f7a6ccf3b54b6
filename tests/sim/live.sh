#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a command on a live simulated platform: srd-sim serves it over FUSE in
# a private mount and network namespace, where it is /sys, /proc/iomem,
# /proc/cmdline and /proc/sys/kernel/osrelease; /dev and /run are private
# tmpfs (with /run/udev/control, so libudev monitors work) and uevents go to
# the namespace's own netlink.  $SRD_SIM points at the control directory
# (state, log, faults, control, events).  Root only.
#
#   live.sh PLATFORM.json -- COMMAND [ARGS...]
set -euo pipefail
if [ $# -lt 3 ] || [ "$2" != "--" ]; then
	echo "usage: live.sh PLATFORM.json -- COMMAND [ARGS...]" >&2
	exit 2
fi
plat=$(realpath "$1")
shift 2
sim=$(dirname "$(realpath "$0")")
exec unshare --mount --propagation private --net -- /bin/bash -c '
	set -e
	plat=$1 sim=$2
	shift 2
	mount -t tmpfs -o mode=0755 srd-run /run
	mkdir -p /run/srd-sim/mnt /run/udev
	: > /run/udev/control
	mount -t tmpfs -o mode=0755 srd-dev /dev
	mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9
	mknod -m 666 /dev/fuse c 10 229
	ln -s /proc/self/fd /dev/fd; ln -s fd/0 /dev/stdin; ln -s fd/1 /dev/stdout; ln -s fd/2 /dev/stderr
	ip link set lo up 2>/dev/null || true
	"$sim/srd-sim" serve "$plat" /run/srd-sim/mnt /dev 2>/run/srd-sim/server.log &
	server=$!
	for i in $(seq 200); do
		[ -e /run/srd-sim/mnt/sys/bus ] && break
		kill -0 $server 2>/dev/null || { cat /run/srd-sim/server.log >&2; exit 3; }
		sleep 0.05
	done
	[ -e /run/srd-sim/mnt/sys/bus ] || { echo "live.sh: the simulator did not come up" >&2; cat /run/srd-sim/server.log >&2; exit 3; }
	mount --bind /run/srd-sim/mnt/sys /sys
	mount --bind /run/srd-sim/mnt/proc/iomem /proc/iomem
	mount --bind /run/srd-sim/mnt/proc/cmdline /proc/cmdline
	mount --bind /run/srd-sim/mnt/proc/osrelease /proc/sys/kernel/osrelease
	export SRD_SIM=/run/srd-sim/mnt/.srd-sim
	rc=0
	"$@" || rc=$?
	umount /proc/sys/kernel/osrelease /proc/cmdline /proc/iomem /sys 2>/dev/null || true
	kill $server 2>/dev/null || true
	wait $server 2>/dev/null || true
	exit $rc
' srd-live "$plat" "$sim" "$@"
