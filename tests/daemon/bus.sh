#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Daemon scenarios about srd's face on the bus, run inside tests/sim/live.sh
# by tests/test-daemon.sh:
#
#   openbus     a bus that lets everyone call everything (allow-all.conf), so
#               only srd's own checks stand: they deny an unprivileged caller
#               every member that acts, hide addresses, serials and evidence
#               from it, answer reads from the last inventory (re-read after
#               uevents, once per burst) and rate-limit forced refreshes
#   activation  srd started by D-Bus activation on an unprivileged call, after
#               a stop and a hand change it must not undo
#
#   bus.sh SRC BUILD NAME
set -uo pipefail
SRC=$1 BUILD=$2 NAME=$3
. "$SRC/tests/daemon/lib.sh"
trap stop_all EXIT
start_capture || exit 1

conf() { # conf FILE LINES...
	local f=$1
	shift
	printf '%s\n' "$@" > "$f"
}
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_other() { setpriv --reuid=1 --regid=1 --clear-groups "$@"; } # daemon: the bus knows only users in passwd

# $CALL METHOD [ARGS...]: the reply's string (or "Error NAME: MESSAGE"), as whoever runs it.
CALL=$W/call
cat > $CALL <<'SH'
#!/bin/sh
m=$1
shift
dbus-send --system --print-reply=literal --reply-timeout=20000 --dest=org.srd1 /org/srd1 \
	"org.srd1.Manager.$m" "$@" 2>&1 | sed -e '1s/^   //'
SH
chmod 755 $CALL
# denied_by_srd METHOD [ARGS...]: nobody gets AccessDenied, and from srd, not from the bus.
denied_by_srd() {
	local out
	out=$(as_nobody $CALL "$@")
	echo "$1: $out" >> $W/denials
	[[ $out == "Error org.freedesktop.DBus.Error.AccessDenied: Only root"* ]]
}
# field EXPR: a python expression on the JSON document d read from stdin.
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
hidden() { python3 "$SRC/tests/daemon/no-addresses.py" "$@"; }

case $NAME in
openbus)
	start_bus "$SRC/tests/daemon/allow-all.conf" || exit 1
	conf $W/srd.conf "[Settle]" "QuietSec=1s"
	start_srd $W/srd.conf
	check "settles" wait_state settled 30
	as_nobody $CALL GetStatus > $W/nobody.GetStatus
	check "this bus lets nobody through: GetStatus as nobody" grep -q schema_version $W/nobody.GetStatus

	# Every member that acts or reloads, straight to srd.
	check "nobody: Apply denied by srd" denied_by_srd Apply string:"" boolean:false
	check "nobody: Apply with a dry run denied by srd" denied_by_srd Apply string:prefer-cxl boolean:true
	check "nobody: Apply with a bad policy name denied, not told it is bad" denied_by_srd Apply string:lenient boolean:true
	check "nobody: Reload denied by srd" denied_by_srd Reload
	check "nobody: Reevaluate denied by srd" denied_by_srd Reevaluate
	check "nobody: ReplacePrepare denied by srd" denied_by_srd ReplacePrepare string:mem0
	check "nobody: ReplaceComplete denied by srd" denied_by_srd ReplaceComplete string:""
	sleep 1.5
	check "the denied calls changed nothing (no store, one decision)" \
		[ "$(n_stores) $(status "s['counts']['decisions']")" = "0 1" ]
	as_nobody $SRDCTL apply >/dev/null 2>$W/deny.err
	check "srdctl apply as nobody: exit 4 from srd's denial" [ $? = 4 ]

	# What nobody sees: no HPAs, serials or evidence; root sees them.
	for m in GetStatus GetInventory Snapshot; do
		as_nobody $CALL $m > $W/nobody.$m
		check "nobody: $m carries no address, serial or evidence" hidden json < $W/nobody.$m
	done
	as_nobody $CALL GetPlan string:"" > $W/nobody.plan
	check "nobody: GetPlan carries no address" hidden json < $W/nobody.plan
	as_nobody $CALL GetPlan string:prefer-cxl > $W/nobody.plan2
	check "nobody: GetPlan prefer-cxl carries no address" hidden json < $W/nobody.plan2
	check "nobody: the plan still has its actions and reasons" \
		[ "$(field "len(d['actions']) > 0 and all(a['reason'] for a in d['actions'])" < $W/nobody.plan2)" = True ]
	check "nobody: ranges keep owner, reason and size" \
		[ "$(field "d['ranges'][0]['owner'], d['ranges'][0]['size'], d['ranges'][0]['reason'] != ''" < $W/nobody.GetStatus)" = "conflict 0x20000000 True" ]
	for p in StateReason Summary PolicyError; do
		as_nobody busctl get-property org.srd1 /org/srd1 org.srd1.Manager $p > $W/nobody.$p
		check "nobody: property $p carries no address" hidden text < $W/nobody.$p
	done
	$CALL GetInventory > $W/root.inv
	check "root: GetInventory has the addresses and serials" \
		[ "$(field "d['ranges'][0]['start'], d['memdevs'][0]['serial'], d['addresses_hidden']" < $W/root.inv)" = "0x490000000 0x1001 False" ]
	$CALL GetStatus > $W/root.status
	check "root: GetStatus has the ranges' addresses" [ "$(field "d['ranges'][0]['start']" < $W/root.status)" = 0x490000000 ]
	for v in status ranges regions plan; do
		as_nobody $SRDCTL $v > $W/srdctl.$v 2>&1
		check "srdctl $v as nobody: exit 0" [ $? = 0 ]
		check "srdctl $v as nobody: no address" hidden text < $W/srdctl.$v
	done
	check "srdctl status as nobody says what it leaves out" grep -q "shown to root only" $W/srdctl.status
	check "srdctl ranges as nobody still lists the range's owner" grep -q "conflict" $W/srdctl.ranges
	as_nobody $SRDCTL snapshot > $W/srdctl.snapshot 2>$W/srdctl.snapshot.err
	check "srdctl snapshot as nobody: exit 0" [ $? = 0 ]
	check "srdctl snapshot as nobody: no address" hidden json < $W/srdctl.snapshot

	# Reads are served from the last inventory: no discovery per call.
	for i in $(seq 20); do
		as_nobody $CALL GetInventory | field "d['read_usec']"
	done > $W/reads
	read0=$(head -1 $W/reads)
	check "20 GetInventory calls: one inventory, read once ($(sort -u $W/reads | tr '\n' ' '))" \
		[ "$(sort -u $W/reads | wc -l) $((${read0:-0} > 0))" = "1 1" ]
	read0=${read0:-none}
	check "GetStatus says when its inventory was read" \
		[ "$(as_nobody $CALL GetStatus | field "d['inventory_read_usec']")" = "$read0" ]
	check "GetPlan with another policy decides on the same inventory" \
		[ "$(as_nobody $CALL GetPlan string:prefer-cxl | field "d['inventory_read_usec']")" = "$read0" ]
	check "Snapshot's inventory is the same read" \
		[ "$(as_nobody $CALL Snapshot | field "d['inventory']['read_usec'], d['status']['inventory_read_usec']")" = "$read0 $read0" ]
	# Uevents make it stale: read again, once for the burst, and by the pass.
	d=$(status "s['counts']['decisions']")
	e=$(status "s['counts']['events']")
	echo "storm 20" > "$SRD_SIM/control"
	for _ in $(seq 50); do [ "$(status "s['counts']['events']")" -gt "$e" ] && break; sleep 0.05; done
	for i in $(seq 8); do
		as_nobody $CALL GetInventory | field "d['read_usec'], d['stale']"
	done > $W/burst
	check "during the burst: read again at most once ($(sort -u $W/burst | tr '\n' ' '))" python3 - $W/burst "$read0" <<'PY'
import sys
reads = sorted({int(l.split()[0]) for l in open(sys.argv[1])})
sys.exit(not (1 <= len(reads) <= 2 and reads[-1] > int(sys.argv[2])))
PY
	check "settles again after the storm" wait_state settled 30
	read1=$($CALL GetInventory | field "d['read_usec']")
	check "after the burst the inventory is newer than the events" [ "${read1:-0}" -gt "${read0/none/0}" ]

	# A forced refresh: per-caller token bucket; root is not limited.
	for i in 1 2 3 4 5; do as_nobody $CALL RefreshInventory | head -c 60; echo; done > $W/refresh
	check "nobody: the first refreshes read the machine" [ "$(grep -c '^{' $W/refresh)" -ge 1 ]
	check "nobody: then org.srd1.Error.RateLimited" grep -q "^Error org.srd1.Error.RateLimited" $W/refresh
	as_other $CALL RefreshInventory > $W/other.refresh
	check "another user has its own bucket" grep -q '^{' $W/other.refresh
	for i in 1 2 3 4 5 6; do $CALL RefreshInventory | head -c 1; done > $W/root.refresh
	check "root is not rate limited" [ "$(cat $W/root.refresh)" = "{{{{{{" ]
	read2=$($CALL GetInventory | field "d['read_usec']")
	check "a refresh re-reads the machine" [ "${read2:-0}" -gt "${read1:-0}" ]
	check "introspection matches org.srd1.Manager.xml" python3 "$SRC/tests/daemon/check-introspection.py" \
		"$SRC/daemon/org.srd1.Manager.xml"
	;;
activation)
	# srd runs, carries out prefer-cxl and is stopped; an administrator then
	# takes region0 down by hand.  An unprivileged srdctl status starts srd
	# again by D-Bus activation (a test copy of org.srd1.service, Exec=
	# pointed at this build): it must answer, and its start must not undo
	# the hand change (Reassert=no): it knows from its owner record in the
	# state directory what it left earlier in this boot.
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	mkdir -p $W/services
	cat > $W/srd-activated <<SH
#!/bin/sh
echo \$\$ > $W/srd.pid
exec $SRD --config $W/srd.conf --state-dir $W/state 2>>$W/srd.err
SH
	chmod +x $W/srd-activated
	sed -e "s|^Exec=.*|Exec=$W/srd-activated|" "$SRC/systemd/org.srd1.service" > $W/services/org.srd1.service
	# The first run on a bus without activation: a status call made before
	# srd owns its name would start a second srd.
	start_bus || exit 1
	bus_pid=${pids[-1]}
	start_srd $W/srd.conf
	check "the first start in this boot carries out the policy" wait_state settled 30
	check "... converged to CXL, with stores" [ "$(status "s['converged']") $(($(n_stores) > 0))" = "True 1" ]
	kill $srd_pid $bus_pid
	wait $srd_pid $bus_pid 2>/dev/null
	rm -f /run/dbus/system_bus_socket
	start_bus "$SRC/systemd/org.srd1.conf" $W/services || exit 1
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
	by_hand=$(n_stores)
	check "srd is not running" [ ! -e $W/srd.pid ]
	as_nobody $SRDCTL status --json > $W/act.json 2>$W/act.err
	[ -s $W/srd.pid ] && pids+=("$(cat $W/srd.pid)")
	check "an unprivileged srdctl status started srd" [ -s $W/srd.pid ]
	check "... and was answered" [ "$(field "d['schema_version']" < $W/act.json)" = 1 ]
	check "the activated srd settles" wait_state settled 30
	as_nobody $SRDCTL status > /dev/null
	check "it answers nobody afterwards" [ $? = 0 ]
	echo "# note: the activated srd's start pass: $(status "s['counts']['decisions']") decision(s), $((by_hand > 0 ? $(n_stores) - by_hand : 0)) store(s) after the hand change"
	check "its start did not undo the hand change (no store)" [ "$(n_stores)" = "$by_hand" ]
	check "the range is held, nobody's" [ "$(status "s['ranges'][0]['held'], s['ranges'][0]['owner']")" = "True none" ]
	check "journal: the range is held" [ "$(journal_count HELD "e['SRD_RANGE'] == '0x490000000-0x4afffffff'")" -ge 1 ]
	;;
*)
	echo "unknown scenario $NAME" >&2
	exit 2
	;;
esac
finish
