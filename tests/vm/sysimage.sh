#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the systemd guest: an initramfs whose root file system is a whole
# trixie userland (systemd as PID 1, udev, the system bus, kmod, cxl/daxctl,
# busybox for the shell tools), the kernel's CXL and DAX modules for udev to
# load from coldplug, and srd installed as a package would install it:
# `meson install --destdir` of a build configured for /usr, the unit enabled
# (systemctl --root enable), the journal catalog compiled with the guest's own
# journalctl.  The kernel runs /init, a link to systemd; nothing else starts
# srd.  srd-vmtest.service runs the overlay's /scenario*.sh once the boot is
# over (sysguest-run.sh), prints "@@@" sections on the console, powers off.
#
#   sysimage.sh KERNEL-ROOT OUT.cpio.gz [BUILD-DIR] [CACHE]
# BUILD-DIR (default: a temporary one) is configured with --prefix=/usr from
# this source tree and built; an existing one is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kroot=$(cd "$1" && pwd)
out=$(realpath -m "$2")
cache=${4:-${SRD_VM_CACHE:-/var/cache/srd-vm}}
sysroot=$cache/systemd
[ -x "$sysroot/usr/lib/systemd/systemd" ] || { echo "sysimage.sh: no systemd root in $sysroot (setup.sh)" >&2; exit 1; }

st=$(mktemp -d)
tmpbuild=
trap 'rm -rf "$st" $tmpbuild' EXIT
if [ -n "${3:-}" ]; then
	build=$(realpath -m "$3")
else
	tmpbuild=$(mktemp -d)
	build=$tmpbuild/build
fi
[ -f "$build/build.ninja" ] ||
	meson setup --prefix=/usr --sysconfdir=/etc --localstatedir=/var --buildtype=debugoptimized \
		"$build" "$top" >/dev/null
meson compile -C "$build" >/dev/null

# The merged-/usr layout base-files would make, then the packages.
mkdir -p "$st/usr/bin" "$st/usr/sbin" "$st/usr/lib" "$st/usr/lib64"
for d in bin sbin lib lib64; do ln -s usr/$d "$st/$d"; done
cp -a "$sysroot/." "$st/"
mkdir -p "$st"/{proc,sys,dev,run,tmp,root,var/lib,var/log,etc/systemd/system,payload}
chmod 1777 "$st/tmp"

# busybox for the shell and the tools scenarios use (the packages win).
cp /usr/bin/busybox "$st/usr/bin/busybox"
for a in $(/usr/bin/busybox --list); do
	case $a in modprobe | insmod | rmmod | lsmod | modinfo | depmod | init | halt | poweroff | reboot | \
		linuxrc | mount | umount) continue ;; esac
	[ -e "$st/usr/bin/$a" ] || [ -e "$st/usr/sbin/$a" ] || ln -s busybox "$st/usr/bin/$a"
done

# The kernel's CXL and DAX modules with their dependencies, decompressed;
# depmod writes the modalias index udev loads them by.
. "$here/modules.sh"
kernel_of "$kroot"
copy_modules "$st/usr"

# What the packages' maintainer scripts and base-files would have left.
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$st/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$st/etc/group"
echo 5e1f0a0dc3a94d4f9c8a6a7b2d0c1e9f >"$st/etc/machine-id"
echo srd-guest >"$st/etc/hostname"
cat >"$st/usr/lib/os-release" <<'O'
PRETTY_NAME="srd test guest (Debian trixie userland)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
ID=debian
O
ln -sf ../usr/lib/os-release "$st/etc/os-release"
: >"$st/etc/fstab"
# Units this image cannot run (no agetty, no ldconfig, no hwdb, nobody at
# the console), masked as an administrator would.
for u in getty.target getty-static.service serial-getty@.service systemd-firstboot.service \
	ldconfig.service systemd-hwdb-update.service; do
	ln -sf /dev/null "$st/etc/systemd/system/$u"
done

# No unit status lines on the console: it carries the "@@@" sections.
mkdir -p "$st/etc/systemd/system.conf.d"
printf '[Manager]\nShowStatus=no\n' >"$st/etc/systemd/system.conf.d/10-console.conf"

# srd, as its package would install it.
DESTDIR=$st meson install -C "$build" --no-rebuild --quiet >/dev/null
systemctl --root="$st" enable srd.service >/dev/null 2>&1 ||
	{ mkdir -p "$st/etc/systemd/system/multi-user.target.wants"
	  ln -sf /usr/lib/systemd/system/srd.service "$st/etc/systemd/system/multi-user.target.wants/srd.service"; }
[ -L "$st/etc/systemd/system/multi-user.target.wants/srd.service" ] ||
	{ echo "sysimage.sh: srd.service is not enabled" >&2; exit 1; }
# The journal catalog, compiled by the guest's journalctl (a dpkg trigger would).
gld=$st/usr/lib64/ld-linux-x86-64.so.2
glib=$st/usr/lib/x86_64-linux-gnu:$st/usr/lib/x86_64-linux-gnu/systemd
"$gld" --library-path "$glib" "$st/usr/bin/journalctl" --root="$st" --update-catalog
"$gld" --library-path "$glib" "$st/usr/sbin/srd" --version >/dev/null
# The memory check, static.
${CC:-cc} -O2 -static -o "$st/usr/bin/srd-memcheck" "$top/tests/srd-memcheck.c"

# The test runner: after the boot, the overlay's scenarios, then poweroff.
mkdir -p "$st/usr/lib/srd-vmtest"
cp "$here/sysguest-run.sh" "$st/usr/lib/srd-vmtest/run"
chmod +x "$st/usr/lib/srd-vmtest/run"
cat >"$st/etc/systemd/system/srd-vmtest.service" <<'U'
[Unit]
Description=srd guest checks (runs /scenario*.sh, then powers off)
After=srd.service

[Service]
Type=exec
ExecStart=/usr/lib/srd-vmtest/run
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no

[Install]
WantedBy=multi-user.target
U
ln -sf /etc/systemd/system/srd-vmtest.service "$st/etc/systemd/system/multi-user.target.wants/srd-vmtest.service"
echo "$kver" >"$st/etc/kver"
ln -s usr/lib/systemd/systemd "$st/init"

(cd "$st" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
echo "sysimage.sh: $out ($(du -h "$out" | cut -f1)) for $kver"
