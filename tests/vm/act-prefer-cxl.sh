# Guest scenario: srd acts: prefer-cxl takes the range from dax_hmem.
sec "BEGIN once"
srd --once --json --policy prefer-cxl --config /etc/srd/srd.conf --state-dir /run/srd
sec "END once"
sec "BEGIN again"
srd --once --json --policy prefer-cxl --config /etc/srd/srd.conf --state-dir /run/srd
sec "END again"
