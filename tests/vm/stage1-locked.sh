# Guest scenario, stage 1 of the firmware-decoder simulation with locked
# decoders: commit a region as stage1.sh does, then set Lock On Commit on every
# committed HDM decoder of its path (the endpoint's and the host bridge's;
# hdm-lock writes the registers through /dev/mem, so this stage's command line
# carries iomem=relaxed: fwsim.sh -l), then kexec into the kernel under test.
# QEMU keeps the decoders committed and locked across kexec (it stores the
# lock bit but does not enforce it), so stage 2 sees locked firmware decoders.
# A decoder that does not lock stops the hand-off: no stage 2 runs.
cxl create-region -m -d decoder0.0 -w 1 mem0 -t ram -s 256M
sec "STAGE1 $(grep -A2 'CXL Window' /proc/iomem | tr '\n' ' ')"
sec "STAGE1-LOCK"
if hdm-lock; then
	P=/payload/kx
	LD_LIBRARY_PATH=$P/lib $P/kexec -l $P/vmlinuz --initrd=$P/initrd2 --append="$(cat $P/cmdline2)"
	sec "KEXEC"
	LD_LIBRARY_PATH=$P/lib $P/kexec -e
	echo "kexec -e failed: $?"
else
	sec "STAGE1-LOCK FAILED rc=$?"
fi
