# Guest scenario: an innocent region beside a failed device.  region0 on mem0
# overlaps no Soft Reserved; mem1's cxl_mem probe "fails" (unbound; it has no
# region, so nothing is reset) under the Soft Reserved range at W0+256M.  The
# fallback wants dax_hmem, which it could have only after cxl_acpi is
# unbound, and that would take region0 away: srd refuses, and region0's
# memory still works (memcheck.sh).
cxl create-region -m -d decoder0.0 -w 1 mem0 -t ram -s 256M > /dev/null || echo "create-region failed"
sleep 3
echo mem1 > /sys/bus/cxl/drivers/cxl_mem/unbind
sleep 1
sec "BEGIN rescue"
srd --once --json --config /etc/srd/srd.conf --state-dir /run/srd
sec "END rescue"
