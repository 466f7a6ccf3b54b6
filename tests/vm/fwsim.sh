#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Firmware-committed decoders, simulated: stage 1 boots KERNEL, creates a
# region and kexecs into the same kernel with STAGE2-APPEND and the stage-2
# scenarios; QEMU keeps the HDM decoders committed, so stage 2 auto-assembles
# the region as it would a BIOS-programmed one.
#
#   fwsim.sh [-l] KERNEL INITRD "STAGE2-APPEND" STAGE2-SCENARIO... (QEMU in env)
#     -l   firmware locks its decoders: stage 1 is stage1-locked.sh (sets Lock
#          On Commit on every committed HDM decoder; its command line gets
#          iomem=relaxed for /dev/mem).  Stage 2's command line is
#          STAGE2-APPEND alone: add iomem=relaxed there for `hdm-lock --show`.
# FWSIM_STAGE1 (a stage-1 scenario) and FWSIM_APPEND1 (stage 1's extra kernel
# command line) override either; FWSIM_INITRD2 is stage 2's base initramfs
# (default INITRD): the systemd guest's image (sysimage.sh) boots there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stage1=$here/stage1.sh append1=
if [ "${1:-}" = -l ]; then
	stage1=$here/stage1-locked.sh append1=iomem=relaxed
	shift
fi
stage1=${FWSIM_STAGE1:-$stage1} append1=${FWSIM_APPEND1:-$append1}
kernel=$1 initrd=$2 append2=$3
shift 3
cache=${SRD_VM_CACHE:-/var/cache/srd-vm}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/kx/lib" "$w/ov2"
cp "$cache/kexec/sbin/kexec" "$w/kx/"
cp -L "$cache"/kexec/usr/lib/x86_64-linux-gnu/libxen*.so.* "$w/kx/lib/"
cp "$kernel" "$w/kx/vmlinuz"
i=0
for s in "$@"; do
	case $s in
	*.env) cp "$s" "$w/ov2/scenario.env" ;;
	*) i=$((i + 1)); cp "$s" "$w/ov2/scenario$(printf %02d $i).sh" ;;
	esac
done
(cd "$w/ov2" && find . | cpio -o -H newc --quiet | gzip -1) >"$w/ov2.cpio.gz"
cat "${FWSIM_INITRD2:-$initrd}" "$w/ov2.cpio.gz" >"$w/kx/initrd2"
echo "console=ttyS0 panic=-1 oops=panic quiet loglevel=4 memhp_default_state=online_movable $append2" >"$w/kx/cmdline2"
exec "$here/run.sh" -k "$kernel" -i "$initrd" -t vmem -f -a "$append1" "$stage1" "$w/kx"
