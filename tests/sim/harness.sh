#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a command on a rendered simulated platform: a private mount and network
# namespace in which ROOT/sys is /sys, ROOT/proc/{iomem,cmdline} are the proc
# files, /dev and /run are private tmpfs.  Nothing of the host's /sys, /dev or
# /run is written.  Root only.
#
#   harness.sh ROOT -- COMMAND [ARGS...]
set -euo pipefail
if [ $# -lt 3 ] || [ "$2" != "--" ]; then
	echo "usage: harness.sh ROOT -- COMMAND [ARGS...]" >&2
	exit 2
fi
root=$(realpath "$1")
shift 2
for f in sys proc/iomem proc/cmdline proc/osrelease dev.nodes; do
	[ -e "$root/$f" ] || { echo "harness.sh: $root/$f: missing (not a rendered platform)" >&2; exit 2; }
done
exec unshare --mount --propagation private --net -- /bin/bash -c '
	set -e
	root=$1; shift
	mount --bind "$root/sys" /sys
	mount --bind "$root/proc/iomem" /proc/iomem
	mount --bind "$root/proc/cmdline" /proc/cmdline
	mount --bind "$root/proc/osrelease" /proc/sys/kernel/osrelease
	mount -t tmpfs -o mode=0755 srd-dev /dev
	mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9
	ln -s /proc/self/fd /dev/fd; ln -s fd/0 /dev/stdin; ln -s fd/1 /dev/stdout; ln -s fd/2 /dev/stderr
	while read -r path major minor; do
		mkdir -p "/dev/$(dirname "$path")"
		mknod -m 600 "/dev/$path" c "$major" "$minor"
	done < "$root/dev.nodes"
	mount -t tmpfs -o mode=0755 srd-run /run
	mkdir -p /run/udev && : > /run/udev/control
	exec "$@"
' srd-harness "$root" "$@"
