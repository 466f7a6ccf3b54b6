#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds a guest initramfs for one extracted Debian kernel: busybox, kmod and
# trixie's cxl/daxctl/ndctl with their libraries, the kernel's CXL and DAX
# modules (dependency closure, decompressed), srd, srdctl and their
# libraries, srd-memcheck and hdm-lock (static), the shipped srd.conf, trixie's dbus-daemon with a system bus
# configuration and srd's bus policy, and init.
#
#   initramfs.sh KERNEL-ROOT OUT.cpio.gz SRD-BINARY [CACHE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kroot=$(cd "$1" && pwd)
out=$(realpath -m "$2")
srd=$(realpath "$3")
cache=${4:-${SRD_VM_CACHE:-/var/cache/srd-vm}}
sr=$cache/trixie
dbus=$cache/dbus

. "$here/modules.sh"
kernel_of "$kroot"

st=$(mktemp -d)
trap 'rm -rf "$st"' EXIT
mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,tmp,run,etc/srd,root,payload,lib/modules/$kver}

copy_modules "$st"

cp /usr/bin/busybox "$st/bin/busybox"
for a in $(/usr/bin/busybox --list); do
	case $a in modprobe | insmod | rmmod | lsmod | modinfo | depmod) continue ;; esac
	[ -e "$st/bin/$a" ] || ln -s busybox "$st/bin/$a"
done

# Dynamic programs and the libraries they need, resolved in the trixie sysroot.
ld=$sr/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
libpath=$sr/usr/lib/x86_64-linux-gnu:$sr/lib/x86_64-linux-gnu:$dbus/usr/lib/x86_64-linux-gnu:$dbus/lib/x86_64-linux-gnu
copybin() { # SOURCE DEST-DIR
	cp "$1" "$st$2/"
	"$ld" --library-path "$libpath" --list "$1" | awk '/=>/{print $3}' | while read -r l; do
		[ -f "$l" ] || { echo "initramfs.sh: $1 needs a library not in the sysroot" >&2; exit 1; }
		g=${l#"$sr"}
		g=${g#"$dbus"}
		mkdir -p "$st$(dirname "$g")"
		cp -L "$l" "$st$g"
	done
}
for b in cxl daxctl ndctl; do copybin "$sr/usr/bin/$b" /usr/bin; done
copybin "$sr/usr/bin/kmod" /sbin
for a in modprobe insmod rmmod lsmod modinfo depmod; do ln -sf kmod "$st/sbin/$a"; done
copybin "$srd" /usr/bin
copybin "$(dirname "$srd")/srdctl" /usr/bin
copybin "$dbus/usr/bin/dbus-daemon" /usr/bin
# The memory check, static: it runs in every case where srd leaves memory with an owner.
${CC:-cc} -O2 -static -o "$st/usr/bin/srd-memcheck" "$top/tests/srd-memcheck.c"
# Sets (or shows) Lock On Commit on committed HDM decoders: the locked stage 1.
${CC:-cc} -O2 -static -o "$st/usr/bin/hdm-lock" "$here/hdm-lock.c"
mkdir -p "$st/usr/share/dbus-1/system.d" "$st/var/lib/dbus"
cp "$top/systemd/org.srd1.conf" "$st/usr/share/dbus-1/system.d/"
sed -e 's|@SOCKET@|/run/dbus/system_bus_socket|; s|@POLICY@|/usr/share/dbus-1/system.d/org.srd1.conf|' \
	"$top/tests/daemon/system-bus.conf.in" >"$st/etc/srd/system-bus.conf"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$st/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$st/etc/group"
cp -L "$ld" "$st/lib64/ld-linux-x86-64.so.2"
mkdir -p "$st/usr/lib/x86_64-linux-gnu"
cp -L "$ld" "$st/usr/lib/x86_64-linux-gnu/"
cp "$top/conf/srd.conf" "$st/etc/srd/srd.conf"
echo "$kver" >"$st/etc/kver"
cp "$here/init" "$st/init"
chmod +x "$st/init"
"$st/lib64/ld-linux-x86-64.so.2" --library-path "$st/lib/x86_64-linux-gnu:$st/usr/lib/x86_64-linux-gnu" \
	"$st/usr/bin/srd" --version >/dev/null
(cd "$st" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
echo "initramfs.sh: $out ($(du -h "$out" | cut -f1)) for $kver"
