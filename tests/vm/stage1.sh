# Guest scenario, stage 1 of the firmware-decoder simulation: commit a region
# (as firmware would), then kexec into the kernel under test; QEMU keeps the
# HDM decoders committed across kexec, so stage 2 sees them as firmware's.
cxl create-region -m -d decoder0.0 -w 1 mem0 -t ram -s 256M
sec "STAGE1 $(grep -A2 'CXL Window' /proc/iomem | tr '\n' ' ')"
P=/payload/kx
LD_LIBRARY_PATH=$P/lib $P/kexec -l $P/vmlinuz --initrd=$P/initrd2 --append="$(cat $P/cmdline2)"
sec "KEXEC"
LD_LIBRARY_PATH=$P/lib $P/kexec -e
echo "kexec -e failed: $?"
