#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One non-interactive boot of a kernel with emulated CXL.  Console on stdout.
#
#   run.sh [options] [SCENARIO.sh | FILE.env | PAYLOAD]...
#     -k VMLINUZ    kernel              -i INITRD    base initramfs
#     -t TOPO       none | pmem (QEMU 7.2 syntax) | vmem | vmem2 (QEMU 10)
#     -a "ARGS"     extra kernel command line
#     -q QEMU       qemu-system-x86_64 (default: $QEMU, or the host's)
#     -f            keep HDM decoders across kexec (hdm_for_passthrough=on)
#     -M SOCKET     a QEMU monitor (HMP) on the unix socket SOCKET
# Scenario *.sh files run inside the guest in order; one *.env is sourced by
# init first; anything else is copied to /payload.  TCG only (KVM does not
# work on these machines); kernels >= 6.2 need hypervisor=off to commit.
set -euo pipefail
kernel= initrd= topo=vmem append= qemu=${QEMU:-/usr/bin/qemu-system-x86_64} pxb= monitor=()
while getopts k:i:t:a:q:fM: o; do
	case $o in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) topo=$OPTARG ;;
	a) append=$OPTARG ;;
	q) qemu=$OPTARG ;;
	f) pxb=,hdm_for_passthrough=on ;;
	M) monitor=(-monitor "unix:$OPTARG,server=on,wait=off") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ov/payload"
n=0
for f in "$@"; do
	case $f in
	*.env) cp "$f" "$work/ov/scenario.env" ;;
	*.sh) n=$((n + 1)); cp "$f" "$work/ov/scenario$(printf %02d $n).sh" ;;
	*) cp -r "$f" "$work/ov/payload/" ;;
	esac
done
(cd "$work/ov" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/ov.cpio.gz"
cat "$initrd" "$work/ov.cpio.gz" >"$work/initrd"

qdata=() cpu=()
case $qemu in
/usr/bin/*) ;;
*) root=$(dirname "$(dirname "$(dirname "$qemu")")")
	qdata=(-L "$root/usr/share/qemu" -L "$root/usr/share/seabios")
	cpu=(-cpu qemu64,hypervisor=off) ;;
esac
cxl=(-object memory-backend-ram,id=vmem0,share=on,size=256M
	-device "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1$pxb"
	-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2)
case $topo in
none) t=(-machine q35) ;;
pmem) t=(-machine q35,cxl=on
	-object memory-backend-ram,id=cxl-mem0,share=on,size=256M
	-object memory-backend-ram,id=cxl-lsa0,share=on,size=256M
	-device "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1$pxb"
	-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2
	-device cxl-type3,bus=rp0,memdev=cxl-mem0,lsa=cxl-lsa0,id=cxl-pmem0
	-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G) ;;
vmem) t=(-machine q35,cxl=on "${cxl[@]}"
	-device cxl-type3,bus=rp0,volatile-memdev=vmem0,id=cxl-vmem0
	-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G) ;;
vmem2) t=(-machine q35,cxl=on "${cxl[@]}"
	-object memory-backend-ram,id=vmem1,share=on,size=256M
	-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3
	-device cxl-type3,bus=rp0,volatile-memdev=vmem0,id=cxl-vmem0
	-device cxl-type3,bus=rp1,volatile-memdev=vmem1,id=cxl-vmem1
	-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G) ;;
*) echo "run.sh: unknown topology $topo" >&2; exit 2 ;;
esac
rc=0
timeout --foreground -k 5 "${VM_TIMEOUT:-240}" "$qemu" "${qdata[@]}" -accel tcg "${cpu[@]}" -smp 1 \
	-m 2G,maxmem=8G,slots=8 -nographic -no-reboot -nodefaults -serial stdio "${t[@]}" "${monitor[@]}" \
	-kernel "$kernel" -initrd "$work/initrd" \
	-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=4 memhp_default_state=online_movable $append" || rc=$?
[ $rc = 124 ] && echo "@@@ TIMEOUT"
exit $rc
