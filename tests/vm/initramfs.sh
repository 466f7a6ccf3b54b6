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

if ls -d "$kroot"/lib/modules/*/kernel >/dev/null 2>&1; then mbase=$kroot; else mbase=$kroot/usr; fi
kver=$(basename "$(dirname "$(ls -d "$mbase"/lib/modules/*/kernel | head -1)")")
[ -f "$mbase/lib/modules/$kver/modules.dep" ] || depmod -b "$mbase" "$kver"

st=$(mktemp -d)
trap 'rm -rf "$st"' EXIT
mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,tmp,run,etc/srd,root,payload,lib/modules/$kver}

mods="cxl_acpi cxl_pci cxl_mem cxl_pmem cxl_port dax_hmem device_dax kmem dax_pmem dax_cxl nd_pmem libnvdimm"
for m in $mods; do
	modprobe -C /nonexistent -d "$mbase" -S "$kver" --show-depends "$m" 2>/dev/null || true
done | awk '$1=="insmod"{print $2}' | sort -u | while read -r f; do
	rel=${f#"$mbase"/lib/modules/$kver/}
	d="$st/lib/modules/$kver/$(dirname "$rel")"
	mkdir -p "$d"
	case $f in
	*.xz) xz -dc "$f" >"$d/$(basename "$f" .xz)" ;;
	*.zst) zstd -qdc "$f" >"$d/$(basename "$f" .zst)" ;;
	*) cp "$f" "$d/" ;;
	esac
done
cp "$mbase"/lib/modules/$kver/modules.{builtin,builtin.modinfo,order} "$st/lib/modules/$kver/" 2>/dev/null || true
sed -i 's/\.ko\.\(xz\|zst\)$/.ko/' "$st/lib/modules/$kver/modules.order" 2>/dev/null || true
depmod -b "$st" "$kver"

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
