# Guest scenario: srd acts by a [Device] rule: the region over 0x490000000
# (named by its HPA, not by daxX.Y) is served as devdax with a 4K align,
# while the [CXL] default would make it system RAM.  kmem bound it at boot:
# its memory goes offline, kmem lets go, align is stored while the device is
# unbound, device_dax binds.
cat > /tmp/act.conf <<'C'
[Policy]
AllowOffline=yes
[CXL]
DaxMode=system-ram
[Device]
Range=0x490000000+256M
DaxMode=devdax
Align=4K
C
sec "BEGIN once"
srd --once --json --config /tmp/act.conf --state-dir /run/srd
sec "END once"
sec "BEGIN again"
srd --once --json --config /tmp/act.conf --state-dir /run/srd
sec "END again"
sec "BEGIN device-inventory"
srd --inventory --json --config /tmp/act.conf
sec "END device-inventory"
