# Guest scenario: srd acts: CXL keeps its region, served as devdax instead of
# System RAM (its memory goes offline first).
cat > /tmp/act.conf <<'C'
[Policy]
AllowOffline=yes
[CXL]
DaxMode=devdax
C
sec "BEGIN once"
srd --once --json --config /tmp/act.conf --state-dir /run/srd
sec "END once"
sec "BEGIN again"
srd --once --json --config /tmp/act.conf --state-dir /run/srd
sec "END again"
