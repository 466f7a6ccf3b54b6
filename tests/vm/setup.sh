#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetches what the real-kernel tier boots, with apt-get download through a
# private apt configuration (tools/debian-fetch.sh), into a cache; nothing is
# installed on the host and nothing cached is fetched again:
#   kernels   bookworm 6.1 ("claim first"), 6.12 from bookworm-backports
#             ("defer always"), the newest sid kernel ("resolve once")
#   QEMU 10   bookworm-backports (runs from its extraction directory), seabios
#             from trixie
#   userland  trixie's cxl/daxctl/ndctl v81 and libraries (v76 cannot create ram
#             regions), kexec-tools for the firmware-decoder hand-off, and
#             trixie's dbus-daemon, so srd runs as a daemon at the guest's boot;
#             trixie's systemd, udev and dbus as a whole root file system, for
#             the guest that boots systemd as PID 1 (sysimage.sh)
# Prints the paths it made as shell assignments into $CACHE/env.
#
#   setup.sh [CACHE]       (default /var/cache/srd-vm)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${1:-${SRD_VM_CACHE:-/var/cache/srd-vm}}
mkdir -p "$cache"
cache=$(realpath "$cache")
fetch() { "$top/tools/debian-fetch.sh" "$cache/apt" "$@"; }
newest() { "$top/tools/debian-fetch.sh" "$cache/apt" --resolve "$1"; }

# The guest's system bus: dbus-daemon and the libraries trixie's sysroot lacks.
fetch_dbus() {
	rm -rf "$cache/dbus"
	fetch "$cache/dbus" dbus-daemon/trixie libdbus-1-3/trixie libexpat1/trixie libaudit1/trixie \
		libcap-ng0/trixie libapparmor1/trixie
	grep -v '^DBUS=' "$cache/env" >"$cache/env.new" || true
	echo "DBUS=$cache/dbus" >>"$cache/env.new"
	mv "$cache/env.new" "$cache/env"
}

# The systemd guest's root: systemd as PID 1, udev, the system bus, kmod, the
# CXL and DAX tools and every library srd and they link, extracted into one
# tree (unpacked, never configured: sysimage.sh does what postinst would).
SYSTEMD_PKGS="systemd systemd-sysv udev libsystemd-shared libsystemd0 libudev1 dbus dbus-daemon dbus-bin
	dbus-system-bus-common dbus-session-bus-common libdbus-1-3 libexpat1 libaudit1 libcap-ng0
	libapparmor1 libseccomp2 libpam0g libcrypt1 libacl1 libattr1 libmount1 libblkid1 libselinux1
	libpcre2-8-0 libssl3t64 libcap2 libkmod2 kmod liblzma5 libzstd1 liblz4-1 libgcrypt20 libgpg-error0
	zlib1g libc6 libjson-c5 libuuid1 libcxl1 libdaxctl1 libndctl6 cxl daxctl ndctl libkeyutils1
	libiniparser4 libtracefs1 libtraceevent1 mount libsmartcols1"
fetch_systemd() {
	rm -rf "$cache/systemd"
	# shellcheck disable=SC2046
	fetch "$cache/systemd" $(printf '%s/trixie ' $SYSTEMD_PKGS)
	echo $SYSTEMD_PKGS >"$cache/systemd.pkgs"
	grep -v '^SYSTEMD_ROOT=' "$cache/env" >"$cache/env.new" || true
	echo "SYSTEMD_ROOT=$cache/systemd" >>"$cache/env.new"
	mv "$cache/env.new" "$cache/env"
}

if [ -f "$cache/env" ] && [ "${SRD_VM_REFRESH:-0}" != 1 ]; then
	. "$cache/env"
	if [ -x "$QEMU" ] && [ -f "$K61" ] && [ -f "$K612" ] && [ -f "$KSID" ]; then
		[ -x "${DBUS:-/nonexistent}/usr/bin/dbus-daemon" ] || fetch_dbus
		# shellcheck disable=SC2086
		[ -x "${SYSTEMD_ROOT:-/nonexistent}/usr/lib/systemd/systemd" ] &&
			[ "$(cat "$cache/systemd.pkgs" 2>/dev/null)" = "$(echo $SYSTEMD_PKGS)" ] || fetch_systemd
		echo "vm setup: cached in $cache"
		exit 0
	fi
fi

k61=$(newest '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$')
k612=$(newest '^linux-image-6\.12\.[0-9.+~a-z]*-amd64-unsigned$')
ksid=$(APT_CONFIG=$cache/apt/apt/apt.conf apt-cache depends linux-image-amd64/sid 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$k61" ] && [ -n "$k612" ] && [ -n "$ksid" ] || { echo "vm setup: cannot resolve kernel packages ($k61 $k612 $ksid)" >&2; exit 1; }
ksidv=${ksid#linux-image-}
echo "vm setup: kernels $k61 $k612 $ksid"

rm -rf "$cache/k" && mkdir -p "$cache/k"
for p in "$k61" "$k612"; do
	v=${p#linux-image-}
	v=${v%-unsigned}
	fetch "$cache/k/$v" "$p"
done
# sid splits the kernel into linux-binary, linux-modules and linux-base; older
# sid kernels ship a single linux-image package.
if APT_CONFIG=$cache/apt/apt/apt.conf apt-cache show "linux-binary-$ksidv" >/dev/null 2>&1; then
	fetch "$cache/k/$ksidv" "linux-binary-$ksidv" "linux-modules-$ksidv"
	APT_CONFIG=$cache/apt/apt/apt.conf apt-cache show "linux-base-$ksidv" >/dev/null 2>&1 &&
		fetch "$cache/k/$ksidv" "linux-base-$ksidv"
else
	fetch "$cache/k/$ksidv" "$ksid"
fi

qv=$(APT_CONFIG=$cache/apt/apt/apt.conf apt-cache policy qemu-system-x86 | awk '/bpo12/{print $1; exit}')
[ -n "$qv" ] || { echo "vm setup: no QEMU in bookworm-backports" >&2; exit 1; }
rm -rf "$cache/qemu" && fetch "$cache/qemu" "qemu-system-x86=$qv" "qemu-system-common=$qv" \
	"qemu-system-data=$qv" seabios/trixie

rm -rf "$cache/trixie"
fetch "$cache/trixie" cxl/trixie daxctl/trixie ndctl/trixie libcxl1/trixie libdaxctl1/trixie \
	libndctl6/trixie libtracefs1/trixie libtraceevent1/trixie libc6/trixie libjson-c5/trixie \
	libuuid1/trixie libiniparser4/trixie libkeyutils1/trixie libkmod2/trixie libudev1/trixie \
	liblzma5/trixie libzstd1/trixie libssl3t64/trixie libcap2/trixie zlib1g/trixie kmod/trixie \
	libsystemd0/trixie libgcrypt20/trixie libgpg-error0/trixie liblz4-1/trixie libcap2/trixie \
	libacl1/trixie libblkid1/trixie libmount1/trixie libselinux1/trixie libpcre2-8-0/trixie
rm -rf "$cache/kexec"
fetch "$cache/kexec" kexec-tools/bookworm libxenmisc4.17/bookworm libxentoollog1/bookworm \
	libxencall1/bookworm libxenevtchn1/bookworm libxengnttab1/bookworm \
	libxenforeignmemory1/bookworm libxendevicemodel1/bookworm libxentoolcore1/bookworm

dir61=$cache/k/$(echo "${k61#linux-image-}" | sed 's/-unsigned$//')
dir612=$cache/k/$(echo "${k612#linux-image-}" | sed 's/-unsigned$//')
dirsid=$cache/k/$ksidv
# The image is in boot/ (bookworm) or next to the modules (sid's split packages).
vmlinuz() { ls "$1"/boot/vmlinuz-* "$1"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -1; }
cat >"$cache/env" <<E
QEMU=$cache/qemu/usr/bin/qemu-system-x86_64
K61=$(vmlinuz "$dir61")
K612=$(vmlinuz "$dir612")
KSID=$(vmlinuz "$dirsid")
KROOT61=$dir61
KROOT612=$dir612
KROOTSID=$dirsid
TRIXIE=$cache/trixie
KEXEC=$cache/kexec
E
fetch_dbus
fetch_systemd
. "$cache/env"
if [ ! -f "$K61" ] || [ ! -f "$K612" ] || [ ! -f "$KSID" ]; then
	echo "vm setup: a kernel image is missing ($K61 $K612 $KSID)" >&2
	exit 1
fi
cat "$cache/env"
echo "vm setup: done ($(du -sh "$cache" | cut -f1))"
