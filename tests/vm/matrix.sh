#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real-kernel tier: boots Debian kernels 6.1, 6.12 and the newest sid
# kernel in QEMU with emulated CXL type-3 devices, Soft Reserved injected with
# memmap=, firmware-committed decoders simulated by a kexec hand-off, and runs
# srd inside the guest, first as the daemon from the guest's boot (srdctl status
# records its settled verdict), then its jobs.  Each case checks srd's inventory and plans against
# what the kernel really shows (check.py), that the kernel log has no BUG,
# WARNING or Oops, and that the memory left with an owner works: a pattern
# written through its dax device reads back (memcheck.sh).  The systemd cases
# boot Debian's systemd as PID 1 with srd installed and enabled as shipped.  Two guests at a time.  Prints TAP, one line a case.
#
#   matrix.sh SRD-BINARY [CASE-REGEX]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srd=$(realpath "$1")
filter=${2:-}
cache=${SRD_VM_CACHE:-/var/cache/srd-vm}
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP the real-kernel tier runs as root"
	exit 0
fi
if ! "$here/setup.sh" "$cache"; then
	echo "1..0 # SKIP kernels, QEMU or the guest userland cannot be fetched here"
	exit 0
fi
. "$cache/env"
out=${SRD_VM_OUT:-$(mktemp -d)}
mkdir -p "$out"
for k in 61:$KROOT61 612:$KROOT612 sid:$KROOTSID; do
	IFS=: read -r v root <<<"$k"
	"$here/initramfs.sh" "$root" "$out/initrd-$v.cpio.gz" "$srd" "$cache" >/dev/null || exit 1
done
# The systemd guests' root file systems (srd built for /usr and installed
# into them), only when a systemd case is to run.
if [ -z "$filter" ] || [[ systemd-sid =~ $filter ]] || [[ systemd-612 =~ $filter ]]; then
	for k in 612:$KROOT612 sid:$KROOTSID; do
		IFS=: read -r v root <<<"$k"
		"$here/sysimage.sh" "$root" "$out/sysimage-$v.cpio.gz" "$out/sysbuild" "$cache" >/dev/null || exit 1
	done
fi
q72=/usr/bin/qemu-system-x86_64
SRW="memmap=256M%0x490000000+0xefffffff"
SRW512="memmap=512M%0x490000000+0xefffffff"
SRRAM="memmap=256M%0x60000000-1+0xefffffff"
SRW2="memmap=256M%0x4a0000000+0xefffffff" # the window's second 256 MiB

# name kernel-version command...
cases=()
add() { cases+=("$*"); }
for v in 61 612 sid; do
	case $v in
	61) K=$K61 Q=$q72 T=pmem ;;
	612) K=$K612 Q=$QEMU T=vmem ;;
	sid) K=$KSID Q=$QEMU T=vmem ;;
	esac
	I=$out/initrd-$v.cpio.gz
	R="$here/run.sh -k $K -i $I -q $Q"
	F="env QEMU=$Q $here/fwsim.sh $K $I"
	M=$here/memcheck.sh # last in every case: the memory left with an owner must work
	add "no-cxl-$v $v $R -t none $here/srd.sh $M"
	add "sr-outside-$v $v $R -t $T -a $SRRAM $here/srd.sh $M"
	add "sr-window-$v $v $R -t $T -a $SRW $here/nokmem.env $here/srd.sh $M"
	if [ $v != 61 ]; then # 6.1 cannot create ram regions
		add "sr-equals-fw-$v $v $F $SRW $here/srd.sh $M"
		add "sr-larger-fw-$v $v $F $SRW512 $here/srd.sh $M"
		add "user-region-$v $v $R -t vmem $here/user-region.sh $here/srd.sh $M"
		add "interleave-$v $v $R -t vmem2 $here/interleave.sh $here/srd.sh $M"
		# srd acting on the real kernel
		add "act-devdax-$v $v $F $SRW $here/act-devdax.sh $M"
		# ... by a [Device] rule: devdax with another align than the kernel's
		add "act-device-$v $v $F $SRW $here/act-device.sh $M"
		# The rescue: CXL fails, dax_hmem gets the memory where it stays decoded.
		add "rescue-region-$v $v $F $SRW512 $here/nokmem.env $M"
		# Lock On Commit set by "firmware" on every decoder of the path.
		add "rescue-locked-$v $v env QEMU=$Q $here/fwsim.sh -l $K $I $SRW $here/rescue-locked.env $M"
		# srd as shipped: stage 2 boots systemd as PID 1 with srd.service
		# enabled; the unit, the bus, the journal, the sandbox (systemd.sh).
		add "systemd-$v $v env VM_TIMEOUT=400 FWSIM_INITRD2=$out/sysimage-$v.cpio.gz $F $SRW $here/systemd.sh $M"
	fi
	if [ $v = 612 ]; then
		add "rescue-nomem-$v $v $F $SRW $here/rescue-nomem.env $M"
		add "rescue-innocent-$v $v $R -t vmem2 -a $SRW2 $here/rescue-innocent.sh $M"
	fi
	if [ $v = sid ]; then
		add "rescue-noprobe-$v $v $F $SRW $here/rescue-noprobe.env $M"
		add "act-prefer-cxl-$v $v $F $SRW512 $here/act-prefer-cxl.sh $M"
		# QEMU's monitor removes and inserts the type-3 device (pciehp, 7.x)
		add "act-replace-$v $v env VM_TIMEOUT=400 python3 $here/monitor.py $R -t vmem $here/act-replace.sh $M"
	fi
done

run_case() {
	set -- $1
	name=$1 v=$2
	shift 2
	[ -n "$filter" ] && ! [[ $name =~ $filter ]] && return 0
	t0=$(date +%s)
	"$@" >"$out/$name.log" 2>&1
	if msg=$(python3 "$here/check.py" "$name" "$out/$name.log" 2>&1); then
		echo "ok - $name ($(($(date +%s) - t0))s)"
	else
		echo "not ok - $name ($(($(date +%s) - t0))s): $msg (log: $out/$name.log)"
	fi
}
export -f run_case
export out filter here
printf '%s\n' "${cases[@]}" | xargs -P 2 -I{} bash -c 'run_case "$@"' _ {} | tee "$out/results"
p=$(grep -c '^ok ' "$out/results")
f=$(grep -c '^not ok ' "$out/results")
# TAP: the cases ran two at a time, so they carry no numbers; the plan comes last.
echo "1..$((p + f))"
echo "# $p passed, $f failed"
[ "$f" -eq 0 ]
