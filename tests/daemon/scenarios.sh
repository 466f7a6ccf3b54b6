#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One daemon scenario, run inside tests/sim/live.sh by tests/test-daemon.sh:
#
#   scenarios.sh SRC BUILD NAME
#
# Each prints "ok - ..." / "not ok - ..." lines and exits non-zero on a failure.
set -uo pipefail
SRC=$1 BUILD=$2 NAME=$3
. "$SRC/tests/daemon/lib.sh"
trap stop_all EXIT
start_bus || exit 1
start_capture || exit 1

conf() { # conf FILE LINES...: a policy file for this scenario
	local f=$1
	shift
	printf '%s\n' "$@" > "$f"
}

# On nobody-7.2: CXL serves the half of the 512 MiB range region0 decodes and
# dax_hmem none of it.  The owner reads "conflict" whether CXL holds the half
# alone or both claim it, so the reason and the bytes tell them apart.
cxl_holds_half() {
	local got
	got=$(status "s['ranges'][0]['owner'], s['ranges'][0]['owner_reason'], s['bytes']['hmem'], s['bytes']['stranded'], s['converged']")
	[ "$got" = "conflict half-owned: CXL region region0 covers 256 MiB of 512 MiB, the rest is stranded 0x0 0x10000000 True" ] ||
		{ echo "# got: $got" >&2; return 1; }
}

# wait_log PATTERN N: until srd has logged PATTERN N times (30 s at most).
wait_log() {
	local i
	for i in $(seq 300); do
		[ "$(grep -c -- "$1" $W/srd.err)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# A uid that is not root, for the denial checks.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

case $NAME in
late)
	# The memdev appears 2 s after boot: settling must wait for it (ExpectMemdevs),
	# decide once, turn its dax device (System RAM at boot) into a device-dax
	# device, and only then be ready.
	conf $W/srd.conf "[Policy]" "AllowOffline=yes" \
		"[Settle]" "QuietSec=300ms" "TimeoutSec=30" "ExpectMemdevs=1" "ExpectRegions=1" \
		"[CXL]" "DaxMode=devdax" "[Report]" "MetricsFile=$W/srd.prom"
	start_srd $W/srd.conf
	check "settles once the late device is there" wait_state settled 30
	ready=$(notify_times 'READY=1' | head -1)
	check "READY=1 after the device appeared (t=$ready)" python3 -c "import sys; sys.exit(not (float('${ready:-0}') >= 1.5))"
	check "READY=1 sent once" [ "$(notify_times 'READY=1' | wc -l)" = 1 ]
	check "STATUS= said it was settling" [ -n "$(notify_times 'STATUS=settling: .*')" ]
	check "WATCHDOG=1 sent" [ -n "$(notify_times 'WATCHDOG=1')" ]
	check "one decision" [ "$(status "s['counts']['decisions']")" = 1 ]
	check "the range is CXL's and converged" [ "$(status "s['ranges'][0]['owner'], s['converged']")" = "cxl True" ]
	check "the dax device went to device_dax" grep -q "drivers/device_dax/bind dax0.0" "$SRD_SIM/log"
	check "journal: one decision entry with the policy" [ "$(journal_count DECISION "e.get('SRD_POLICY') == 'strict'")" = 1 ]
	check "journal: range entry with SRD_RANGE and SRD_REASON" \
		[ "$(journal_count RANGE "e['SRD_RANGE'] == '0x490000000-0x49fffffff' and e['SRD_REASON'] != ''")" = 1 ]
	check "journal: action entry for configure-dax" \
		[ "$(journal_count ACTION "e['SRD_ACTION'] == 'configure-dax' and e['SRD_RESULT'] == 'done' and 'SRD_RANGE' in e")" = 1 ]
	check "journal: every write with SRD_PATH" [ "$(grep -c '"SRD_PATH": ' $W/journal.jsonl)" = "$(n_stores)" ]
	check "journal: settled entry" [ "$(journal_count SETTLED "e['SRD_STATE'] == 'settled'")" = 1 ]
	check "every MESSAGE_ID is in the catalog" python3 - $W/journal.jsonl "$SRC/systemd/srd.catalog" <<'PY'
import json, re, sys
known = set(re.findall(r"^-- ([0-9a-f]{32})$", open(sys.argv[2]).read(), re.M))
ids = {json.loads(l).get("MESSAGE_ID") for l in open(sys.argv[1])} - {None}
sys.exit(not ids or not ids <= known)
PY
	check "metrics: converged, 256 MiB CXL" grep -qx 'srd_range_bytes{owner="cxl"} 268435456' $W/srd.prom
	check "metrics: srd_converged 1" grep -qx 'srd_converged 1' $W/srd.prom
	check "metrics: srd_build_info carries the version" grep -qx "srd_build_info{version=\"$($SRD --version | sed 's/^srd //')\"} 1" $W/srd.prom
	$SRDCTL status --json > $W/status.json
	$SRD --inventory --json > $W/inventory.json
	check "metrics: Prometheus' parser reads them, HELP and TYPE on each, values as srdctl status --json" \
		/usr/bin/python3 "$SRC/tests/daemon/check-metrics.py" $W/srd.prom $W/status.json $W/inventory.json
	check "metrics: the dax device's 256 MiB on its node, CXL's" grep -qx 'srd_node_bytes{node="1",owner="cxl"} 268435456' $W/srd.prom
	check "D-Bus: State property" [ "$(busctl get-property org.srd1 /org/srd1 org.srd1.Manager State)" = 's "settled"' ]
	check "introspection matches org.srd1.Manager.xml" python3 "$SRC/tests/daemon/check-introspection.py" \
		"$SRC/daemon/org.srd1.Manager.xml"
	check "unprivileged: status reads" as_nobody $SRDCTL status --json >/dev/null
	as_nobody $SRDCTL apply >/dev/null 2>$W/deny.err
	check "unprivileged: apply denied (exit 4)" [ $? = 4 ]
	check "unprivileged: the denial says so" grep -q "access denied" $W/deny.err
	as_nobody $SRDCTL reload >/dev/null 2>&1
	check "unprivileged: reload denied (exit 4)" [ $? = 4 ]
	as_nobody $SRDCTL reevaluate >/dev/null 2>&1
	check "unprivileged: reevaluate denied (exit 4)" [ $? = 4 ]
	as_nobody busctl call org.srd1 /org/srd1 org.srd1.Manager Apply sb "" false >/dev/null 2>&1
	check "unprivileged: Apply over raw D-Bus denied" [ $? != 0 ]
	n0=$(n_stores)
	$SRD --once --config $W/srd.conf --state-dir $W/state >/dev/null 2>$W/once.err
	check "srd --once while the daemon runs refuses" [ $? != 0 ]
	check "and says why" grep -q "another srd is acting on this machine" $W/once.err
	check "and stored nothing" [ "$(n_stores)" = "$n0" ]
	;;
expect)
	# ExpectAuto=yes: the machine says what will come (a CXL memory PCI
	# function, a committed decoder range), so settling ends as soon as it
	# is all there, not after QuietSec= (ten minutes here, so a pass that
	# waited it out would not settle within the test).  Without ExpectAuto
	# the quiet period ends it.
	conf $W/srd.conf "[Settle]" "QuietSec=10min" "TimeoutSec=20min" "ExpectAuto=yes"
	start_srd $W/srd.conf
	check "settles at start with everything there" wait_state settled 60
	check "READY=1" [ -n "$(notify_times 'READY=1')" ]
	check "the settle reason: all expected devices present" grep -qx \
		"srd: CXL enumeration settled: all expected devices present (1 of 1 memdevs, 1 of 1 decoded ranges served)" $W/srd.err
	check "not the quiet period" bash -c "! grep -q 'settled: quiet' $W/srd.err"
	check "the range is CXL's" [ "$(status "s['ranges'][0]['owner'], s['converged']")" = "cxl True" ]
	# Hot remove: nothing announced any more, the quiet period ends it.
	conf $W/srd.conf "[Settle]" "QuietSec=300ms" "TimeoutSec=20min" "ExpectAuto=yes"
	check "reload" $SRDCTL reload
	check "settles after the reload" wait_state settled 60 2
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	echo "remove mem0" > "$SRD_SIM/control"
	check "settles after the removal" wait_state settled 60 3
	check "the removal: the quiet period" grep -qx "srd: CXL enumeration settled: quiet for 300ms" $W/srd.err
	# Back with its firmware decoders: region0 re-assembles, and that ends it.
	conf $W/srd.conf "[Settle]" "QuietSec=10min" "TimeoutSec=20min" "ExpectAuto=yes"
	check "reload" $SRDCTL reload
	d=$(status "s['counts']['decisions']")
	echo "add mem0" > "$SRD_SIM/control"
	check "settles once mem0 and region0 are back" wait_state settled 60 $((d + 1))
	check "the addition: all expected devices present" \
		[ "$(grep -c 'settled: all expected devices present (1 of 1 memdevs, 1 of 1 decoded ranges served)' $W/srd.err)" -ge 3 ]
	check "CXL's again" [ "$(status "s['ranges'][0]['owner'], s['converged']")" = "cxl True" ]
	# The shipped defaults: the quiet period, however complete the machine.
	conf $W/srd.conf "[Settle]" "QuietSec=300ms"
	check "reload without ExpectAuto" $SRDCTL reload
	n=$(grep -c 'settled: quiet for 300ms' $W/srd.err)
	$SRDCTL reevaluate
	check "the settle reason: quiet" wait_log 'settled: quiet for 300ms' $((n + 1))
	check "settles" wait_state settled 60
	;;
storm)
	# 300 change events while settling at boot, then 300 more once settled:
	# one decision in all, no store.
	conf $W/srd.conf "[Settle]" "QuietSec=500ms"
	start_srd $W/srd.conf
	echo "storm 300" > "$SRD_SIM/control"
	check "settles after the storm" wait_state settled 30
	check "one decision after the boot storm" [ "$(status "s['counts']['decisions']")" = 1 ]
	seen=$(status "s['counts']['events']")
	sent=$(wc -l < "$SRD_SIM/events")
	echo "storm 300" > "$SRD_SIM/control"
	sleep 0.3
	check "re-evaluates, finds nothing changed" wait_state settled 30
	check "still one decision" [ "$(status "s['counts']['decisions']")" = 1 ]
	# Every relevant event reached srd (cxl, dax, memory, platform hmem.N), no other.
	relevant=$(tail -n +$((sent + 1)) "$SRD_SIM/events" |
		grep -cE '^change (cxl|dax|memory) |^change platform .*/hmem')
	check "srd saw the $relevant relevant events of the second storm" \
		[ "$(status "s['counts']['events']")" = "$((seen + relevant))" ]
	check "no store at all" [ "$(n_stores)" = 0 ]
	;;
hotplug)
	# Boot: prefer-cxl releases hmem.0 and re-probes region0, so CXL serves
	# what region0 decodes.  Then an administrator takes region0 down by hand:
	# srd re-evaluates and leaves it (Reassert=no).  After a reload with
	# Reassert=yes srd restores it.  Then a hot remove: nothing to write.
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf
	check "boot pass converges to CXL" wait_state settled 30
	check "range wanted by CXL, converged" [ "$(status "s['ranges'][0]['target'], s['converged']")" = "cxl True" ]
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
	after_manual=$(n_stores)
	check "re-evaluated after the manual unbind" wait_state settled 30 2
	check "journal: the range is held" [ "$(journal_count HELD "e['SRD_RANGE'] == '0x490000000-0x4afffffff'")" -ge 1 ]
	check "status: the range is held, nobody's" [ "$(status "s['ranges'][0]['held'], s['ranges'][0]['owner']")" = "True none" ]
	check "srd wrote nothing after the manual unbind" [ "$(n_stores)" = "$after_manual" ]
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "Reassert=yes" "[Settle]" "QuietSec=300ms"
	check "reload with Reassert=yes" $SRDCTL reload
	check "srd restores CXL" wait_state settled 30 3
	check "CXL's again (the half region0 decodes), converged" cxl_holds_half
	check "srd re-probed region0" bash -c "tail -n +$((after_manual + 1)) '$SRD_SIM/log' | grep -q 'cxl_region/bind region0 0'"
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	n=$(n_stores)
	d=$(status "s['counts']['decisions']")
	echo "remove mem0" > "$SRD_SIM/control"
	check "re-evaluated after the hot remove" wait_state settled 30 $((d + 1))
	check "nothing written for the removal" [ "$(n_stores)" = "$n" ]
	;;
restart)
	# The daemon settles (prefer-cxl: CXL serves what region0 decodes); an
	# administrator takes region0 down by hand while srd is stopped (a
	# crash, an upgrade); the next start holds the range instead of undoing
	# the change, because it knows the owners srd left.
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf
	check "boot pass converges to CXL" wait_state settled 30
	check "the owners are kept in the state directory" grep -Eq '"start": ?"0x490000000"' $W/state/owners.json
	stop_srd
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	echo region0 > /sys/bus/cxl/drivers/cxl_region/unbind
	after_manual=$(n_stores)
	start_srd $W/srd.conf
	check "the restarted daemon settles" wait_state settled 30
	check "status: the range is held, nobody's" [ "$(status "s['ranges'][0]['held'], s['ranges'][0]['owner']")" = "True none" ]
	check "srd wrote nothing after the manual unbind" [ "$(n_stores)" = "$after_manual" ]
	check "it said it ran earlier in this boot" grep -q "srd ran earlier in this boot" $W/srd.err
	stop_srd
	# A record from another boot is not believed: the range is decided afresh.
	sed -Ei 's/"boot_id": ?"[^"]*"/"boot_id":"00000000-0000-0000-0000-000000000000"/' $W/state/owners.json
	start_srd $W/srd.conf
	check "a record from another boot is ignored" wait_state settled 30
	check "the range is decided afresh, not held" [ "$(status "s['ranges'][0]['held']")" = "False" ] ||
		status "s['ranges']" >&2
	;;
reload)
	# A broken policy on reload keeps the old one and says why, by SIGHUP and over D-Bus.
	conf $W/srd.conf "[Policy]" "Mode=strict" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf
	check "settles" wait_state settled 30
	conf $W/srd.conf "[Policy]" "Mode=lenient" "[Settle]" "QuietSec=300ms"
	kill -HUP $srd_pid
	sleep 1
	check "notify: RELOADING=1 then READY=1" python3 - $W/notify.jsonl <<'PY'
import json, sys
seq = [l for line in open(sys.argv[1]) for l in json.loads(line)["lines"] if l in ("RELOADING=1", "READY=1")]
sys.exit(seq[-2:] != ["RELOADING=1", "READY=1"])
PY
	check "journal: reload failed, naming file and line" \
		[ "$(journal_count RELOAD_FAILED "'srd.conf:2: Mode=lenient' in e['SRD_REASON']")" = 1 ]
	check "status: old policy kept, error shown" [ "$(status "s['policy']['mode'], 'Mode=lenient' in s['policy']['error']")" = "strict True" ]
	$SRDCTL reload >/dev/null 2>$W/reload.err
	check "srdctl reload exits 1" [ $? = 1 ]
	check "srdctl reload names the file and line" grep -q "srd.conf:2: Mode=lenient" $W/reload.err
	conf $W/srd.conf "[Policy]" "Mode=audit" "[Settle]" "QuietSec=300ms"
	check "srdctl reload of a good policy" $SRDCTL reload
	check "decides again under audit" wait_state settled 30 2
	check "status: audit" [ "$(status "s['policy']['mode'], s['policy']['error']")" = "audit " ]
	check "journal: reloaded" [ "$(journal_count RELOADED "e['SRD_POLICY'] == 'audit'")" = 1 ]
	;;
invalid)
	# An invalid configuration at boot: degraded, ready, nothing done.
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "Teardown=shred"
	start_srd $W/srd.conf
	check "degraded" wait_state degraded 30 0
	check "READY=1 anyway" [ -n "$(notify_times 'READY=1')" ]
	check "the reason names file and line" [ "$(status "'srd.conf:3: Teardown=shred' in s['reason']")" = True ]
	check "no store" [ "$(n_stores)" = 0 ]
	$SRDCTL status >/dev/null 2>&1
	check "srdctl status exits 1 when degraded" [ $? = 1 ]
	$SRDCTL apply >/dev/null 2>$W/apply.err
	check "apply refused: policy invalid" grep -q "configuration is invalid" $W/apply.err
	;;
timeout)
	# Expected devices never come: the timeout ends settling and Fallback=keep decides.
	conf $W/srd.conf "[Policy]" "Fallback=keep" "[Settle]" "QuietSec=300ms" "TimeoutSec=2" "ExpectMemdevs=4"
	start_srd $W/srd.conf
	check "settles after the timeout" wait_state settled 30
	check "journal: settle timeout" [ "$(journal_count SETTLE_TIMEOUT)" = 1 ]
	check "the decision fell back" [ "$(status "'Fallback=keep' in s['ranges'][0]['reason']")" = True ]
	;;
apply)
	# srdctl plan/apply with another policy, a dry run first.
	conf $W/srd.conf "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf
	check "settles (strict: blocked)" wait_state settled 30
	check "plan --policy prefer-cxl lists release-hmem" bash -c "$SRDCTL plan --policy prefer-cxl | grep -q 'release-hmem hmem.0'"
	$SRDCTL apply --policy prefer-cxl --dry-run > $W/dry.out
	check "dry run exits 0" [ $? = 0 ]
	check "dry run prints the writes" grep -q "write /sys/bus/platform/drivers/hmem/unbind hmem.0" $W/dry.out
	check "dry run stores nothing" [ "$(n_stores)" = 0 ]
	# srd --once --dry-run --json shows the same writes as srdctl's dry run.
	$SRDCTL apply --policy prefer-cxl --dry-run --json > $W/dry.json
	$SRD --once --dry-run --json --policy prefer-cxl --config $W/srd.conf --state-dir $W/once > $W/once-dry.json
	check "srd --once --dry-run --json: the same writes as srdctl apply --dry-run --json" python3 -c "
import json
a, b = json.load(open('$W/dry.json')), json.load(open('$W/once-dry.json'))
assert a['writes'] and a['writes'] == b['writes'], (a.get('writes'), b.get('writes'))"
	check "neither dry run stored anything" [ "$(n_stores)" = 0 ]
	$SRDCTL apply --policy prefer-cxl --json > $W/apply.json
	check "apply exits 0" [ $? = 0 ]
	check "apply converged" python3 -c "import json; d=json.load(open('$W/apply.json')); assert d['converged'] and d['apply']['steps'][0]['result'] == 'done'"
	# No uevent since the last pass: it decided on the kept inventory and read
	# the machine once, to check what it did.
	check "apply read the machine once" python3 -c "import json; d=json.load(open('$W/apply.json')); assert d['discoveries'] == 1, d['discoveries']"
	# A request right after the apply lands in its verification wait: it is
	# carried out after it (a third decision), not lost.
	$SRDCTL reevaluate
	check "a re-evaluation during the verification wait is not lost" wait_state settled 30 3
	check "status: CXL's after the verification wait" wait_state settled 30 2
	# The re-evaluation decided by the file's policy (strict, blocked): the
	# apply's outcome stays, CXL holding the half region0 decodes.
	check "CXL's (the half region0 decodes), and strict leaves it" cxl_holds_half
	check "strict, converged" [ "$(status "s['policy']['mode'], s['converged']")" = "strict True" ]
	$SRDCTL apply --json > $W/noop.json
	check "an apply with nothing to do reads nothing" python3 -c "import json; d=json.load(open('$W/noop.json')); assert d['converged'] and not d['decision']['actions'] and d['discoveries'] == 0, d['discoveries']"
	check "regions verb" bash -c "$SRDCTL regions | grep -q '^region0 '"
	check "snapshot has status, policy, inventory" python3 -c "
import json, subprocess
s = json.loads(subprocess.check_output(['$SRDCTL', 'snapshot']))
assert s['status']['schema_version'] == 1 and 'policy' in s and s['inventory']['regions']"
	;;
replace)
	# Hotplug replace on the 7.x shape: the layout is recorded at boot; prepare
	# takes region0 down; a device too small is refused; a new device in the
	# slot gets region0 back on the same HPA; the same device again is a re-seat.
	L=$W/layouts
	mkdir -p $L
	# Records srd cannot trust are named and skipped, never used to build a region.
	echo '{"schema_version": 9}' > $L/layout-0x1000.json
	echo 'not json' > $L/layout-0x2000.json
	# A good record of another machine (a restored backup, a cloned image), and one
	# whose window is a path: named and skipped.
	rec() { # rec START MACHINE-ID WINDOW
		python3 -c "import json, sys; print(json.dumps({'schema_version': 1, 'generation': 1, 'recorded_usec': 1,
			'machine_id': sys.argv[2], 'region': 'region7', 'window': sys.argv[3], 'start': sys.argv[1], 'size': '0x10000000',
			'end': hex(int(sys.argv[1], 16) + 0xfffffff), 'mode': 'ram', 'ways': 1, 'granularity': 4096, 'owner': 'cxl',
			'dax_mode': '', 'replace': 'removed', 'replace_position': 0,
			'targets': [{'position': 0, 'memdev': 'mem0', 'host': '', 'serial': '0x1001'}]}))" "$@"
	}
	rec 0x3000000000 0123456789abcdef0123456789abcdef decoder0.0 > $L/layout-0x3000000000.json
	rec 0x4000000000 $MACHINE_ID ../../../../tmp > $L/layout-0x4000000000.json
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf --layout-dir $L
	check "settles" wait_state settled 30
	check "a record of another schema is named and skipped" grep -q "layout-0x1000.json: unknown schema_version" $W/srd.err
	check "a record that is not JSON is named and skipped" grep -q "layout-0x2000.json: not JSON" $W/srd.err
	check "a record of another machine is named and skipped" \
		grep -q "layout-0x3000000000.json: recorded on another machine (machine ID 0123456789abcdef0123456789abcdef, this is $MACHINE_ID)" $W/srd.err
	check "a record whose window is no decoder's name is named and skipped" \
		grep -q "layout-0x4000000000.json: window is not a root decoder's name" $W/srd.err
	rm $L/layout-0x1000.json $L/layout-0x2000.json $L/layout-0x3000000000.json $L/layout-0x4000000000.json
	layout() { python3 -c "import json; d=json.load(open('$L/layout-0x490000000.json')); print($1)"; }
	check "layout recorded: region0, mem0's serial, generation 1, this machine" \
		[ "$(layout "d['region'], d['targets'][0]['serial'], d['generation'], d['schema_version'], d['machine_id']")" = "region0 0x1001 1 1 $MACHINE_ID" ]
	$SRDCTL replace prepare mem9 > $W/p9.out 2>&1
	check "prepare of an unknown memdev exits 1" [ $? = 1 ]
	check "... saying why" grep -q "mem9: no such memdev" $W/p9.out
	$SRDCTL replace prepare mem0 > $W/prep.out
	check "prepare exits 0" [ $? = 0 ]
	check "prepare says the device can go" grep -q "mem0 can be removed now" $W/prep.out
	check "region0 is gone" [ ! -e /sys/bus/cxl/devices/region0 ]
	check "memory offlined first" bash -c "grep -n 'memory.*/state offline' '$SRD_SIM/log' | head -1 | cut -d: -f1 | xargs -I{} test {} -lt \$(grep -n 'delete_region' '$SRD_SIM/log' | cut -d: -f1)"
	check "layout marked prepared" [ "$(layout "d['replace']")" = prepared ]
	check "settles after prepare" wait_state settled 30 2
	check "status: one replace pending, the range held" [ "$(status "s['counts']['replacing'], s['ranges'][0]['held']")" = "1 True" ]
	# srd restarted before the pull: the prepare stands.
	kill $srd_pid; wait $srd_pid 2>/dev/null
	start_srd $W/srd.conf --layout-dir $L
	check "a restart before the pull settles" wait_state settled 30
	check "... and does not bring region0 back" [ -z "$(ls /sys/bus/cxl/devices | grep '^region')" ]
	check "... the replace still pending" [ "$(status "s['counts']['replacing']")" = 1 ]
	echo "remove mem0" > "$SRD_SIM/control"
	n=$(n_stores)
	echo "add mem0 serial=0x3003 ram=0x8000000 decoders=none" > "$SRD_SIM/control"
	for _ in $(seq 100); do [ "$(journal_count REPLACE "'volatile capacity' in e['SRD_REASON']")" -ge 1 ] && break; sleep 0.1; done
	check "a 128 MiB device is refused with the sizes" [ "$(journal_count REPLACE "'has 128 MiB of volatile capacity; the layout needs 256 MiB' in e['SRD_REASON']")" -ge 1 ]
	wait_state settled 30 >/dev/null
	check "nothing written for it" [ "$(n_stores)" = "$n" ]
	check "still pending, the device known to be pulled" [ "$(layout "d['replace']")" = removed ]
	echo "remove mem0" > "$SRD_SIM/control"
	# The kernel refuses the commit of the re-created region once: srd takes
	# the half-built region down and the replace stays pending.
	echo "fail */commit EIO 1" > "$SRD_SIM/faults"
	echo "add mem0 serial=0x2002 ram=0x10000000 decoders=none" > "$SRD_SIM/control"
	for _ in $(seq 100); do [ "$(journal_count ACTION "e['SRD_ACTION'] == 'create-region' and e['SRD_RESULT'] == 'failed'")" -ge 1 ] && break; sleep 0.1; done
	check "a refused commit fails create-region" [ "$(journal_count ACTION "e['SRD_ACTION'] == 'create-region' and e['SRD_RESULT'] == 'failed'")" = 1 ]
	wait_state degraded 30 >/dev/null
	check "... and the half-built region is taken down" [ -z "$(ls /sys/bus/cxl/devices | grep '^region')" ]
	check "... its DPA freed" [ "$(cat /sys/bus/cxl/devices/decoder*.0/dpa_size | sort -u | tr '\n' ' ')" = "0x0 " ]
	check "... the replace still pending, waiting for a re-seat" [ "$(layout "d['replace']")" = prepared ]
	sleep 2
	check "srd does not try again by itself" [ "$(journal_count ACTION "e['SRD_ACTION'] == 'create-region'")" = 1 ]
	check "srdctl replace complete tries again" bash -c "$SRDCTL replace complete >/dev/null"
	for _ in $(seq 100); do [ -n "$(ls /sys/bus/cxl/devices | grep '^region')" ] && break; sleep 0.1; done
	check "settles after the replacement" wait_state settled 30
	sleep 1
	wait_state settled 30 >/dev/null
	region=$(ls /sys/bus/cxl/devices | grep '^region' | head -1)
	check "a region is back on the recorded HPA" [ "$(cat /sys/bus/cxl/devices/$region/resource 2>/dev/null)" = 0x490000000 ]
	check "journal: a replacement, not a re-seat" [ "$(journal_count REPLACE "'mem0 replaces serial 0x1001 with 0x2002' in e['SRD_REASON']")" -ge 1 ]
	check "layout: the new serial, generation 2, not pending" [ "$(layout "d['targets'][0]['serial'], d['generation'], d['replace']")" = "0x2002 2 none" ]
	check "CXL serves it again, converged" [ "$(status "s['ranges'][0]['target'], s['converged'], s['counts']['replacing']")" = "cxl True 0" ]
	# The same device out and back in: a re-seat.
	check "prepare again" bash -c "$SRDCTL replace prepare mem0 >/dev/null"
	wait_state settled 30 >/dev/null
	echo "remove mem0" > "$SRD_SIM/control"
	echo "add mem0 serial=0x2002 decoders=none" > "$SRD_SIM/control"
	for _ in $(seq 100); do [ "$(journal_count REPLACE "'re-seat of mem0 (serial 0x2002)' in e['SRD_REASON']")" -ge 1 ] && break; sleep 0.1; done
	check "journal: a re-seat" [ "$(journal_count REPLACE "'re-seat of mem0 (serial 0x2002)' in e['SRD_REASON']")" -ge 1 ]
	sleep 1
	check "settles after the re-seat" wait_state settled 30
	check "layout: generation still 2, not pending" [ "$(layout "d['generation'], d['replace']")" = "2 none" ]
	;;
interrupted)
	# A prepare cut short (srd killed while the kernel stalls the de-commit):
	# the next srd reports it and its record matches the machine.
	L=$W/layouts
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf --layout-dir $L
	check "settles" wait_state settled 30
	echo "stall */commit 3 1" > "$SRD_SIM/faults"
	$SRDCTL replace prepare mem0 >/dev/null 2>&1 &
	for _ in $(seq 100); do grep -Eq '"finished": ?false' $W/state/progress.json 2>/dev/null && grep -q destroy-region $W/state/progress.json && break; sleep 0.1; done
	sleep 0.5
	kill -9 $srd_pid
	sleep 3
	start_srd $W/srd.conf --layout-dir $L
	check "the next srd settles" wait_state settled 30
	check "it reports the interrupted run" grep -q "a previous run stopped during action" $W/srd.err
	committed=$(cat /sys/bus/cxl/devices/region0/commit 2>/dev/null || echo 0)
	check "the record matches the machine (region0 committed: $committed)" \
		[ "$(status "s['counts']['replacing']")" = "$((1 - committed))" ]
	$SRDCTL replace prepare mem0 > $W/again.out
	check "prepare run again finishes the job" grep -q "mem0 can be removed now" $W/again.out
	check "region0 is gone" [ ! -e /sys/bus/cxl/devices/region0 ]
	;;
killcreate-*)
	# The kill/fault matrix's create-region cases: srd killed while the kernel
	# holds one store of a region it re-creates for a replace (the HPA size,
	# a target, the commit).  The next srd reports the interrupted run, every
	# range a device served before is served again by a device that exists,
	# and the recorded layout is re-created on its HPA, by srd or by replace
	# complete, with no half-built region left beside it.
	point=${NAME#killcreate-}
	L=$W/layouts
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf --layout-dir $L
	check "settles" wait_state settled 30
	$SRD --inventory --json > $W/before.json
	layout() { python3 -c "import json; d=json.load(open('$L/layout-0x490000000.json')); print($1)"; }
	check "prepare" bash -c "$SRDCTL replace prepare mem0 >/dev/null"
	wait_state settled 30 2 >/dev/null
	echo "remove mem0" > "$SRD_SIM/control"
	for _ in $(seq 100); do [ "$(layout "d['replace']")" = removed ] && break; sleep 0.1; done
	wait_state settled 30 >/dev/null
	echo "stall */region*/$point 3 1" > "$SRD_SIM/faults"
	n=$(n_stores)
	echo "add mem0 serial=0x2002 ram=0x10000000 decoders=none" > "$SRD_SIM/control"
	# Killed while the store is held: the simulator answers nothing else
	# meanwhile, so only srd's progress record is watched.
	for _ in $(seq 100); do grep -Eq '"finished": ?false' $W/state/progress.json 2>/dev/null && grep -q create-region $W/state/progress.json && break; sleep 0.1; done
	sleep 0.5
	kill -9 $srd_pid
	wait $srd_pid 2>/dev/null
	check "srd was killed in create-region while the kernel held its $point store" \
		bash -c "tail -n +$((n + 1)) '$SRD_SIM/log' | grep -q create_ram_region && tail -n +$((n + 1)) '$SRD_SIM/log' | tail -1 | grep -q '/$point '"
	sleep 3
	echo clear > "$SRD_SIM/faults"
	start_srd $W/srd.conf --layout-dir $L
	check "the next srd settles" wait_state settled 30
	check "it reports the interrupted run" grep -q "a previous run stopped during action" $W/srd.err
	if [ "$point" = commit ]; then
		check "it leaves the committed region for the policy" grep -q "was committed before srd stopped" $W/srd.err
	else
		check "it takes the half-built region down" grep -q "took down region[0-9]*, which a create-region cut short left" $W/srd.err
	fi
	if [ "$(status "s['counts']['replacing']")" != 0 ]; then
		check "replace complete re-creates the layout" bash -c "$SRDCTL replace complete >/dev/null"
	fi
	for _ in $(seq 100); do [ "$(status "s['converged'], s['counts']['replacing']")" = "True 0" ] && break; sleep 0.1; done
	sleep 1
	wait_state settled 30 >/dev/null
	$SRD --inventory --json > $W/after.json
	check "every range a device served is served by one that exists" python3 "$SRC/tests/daemon/served.py" $W/before.json $W/after.json
	region=$(ls /sys/bus/cxl/devices | grep '^region' | head -1)
	check "the recorded layout is back on its HPA" [ "$(cat /sys/bus/cxl/devices/$region/resource 2>/dev/null)" = 0x490000000 ]
	check "one region, no half-built one beside it" [ "$(ls /sys/bus/cxl/devices | grep -c '^region')" = 1 ]
	check "the layout is not pending, the new serial recorded" [ "$(layout "d['replace'], d['targets'][0]['serial']")" = "none 0x2002" ]
	check "converged" [ "$(status "s['converged'], s['counts']['replacing']")" = "True 0" ]
	;;
metrics)
	# The textfile's directory is node_exporter's too: whatever is planted
	# there (a symlink at the old temporary name or at the file itself, a
	# FIFO) must neither be written through nor stall srd.
	M=$W/textfile
	mkdir -p $M
	printf 'precious\n' > $W/victim
	printf 'precious\n' > $W/victim2
	chmod 0600 $W/victim $W/victim2
	ln -s $W/victim $M/srd.prom.tmp
	ln -s $W/victim2 $M/srd.prom
	conf $W/srd.conf "[Settle]" "QuietSec=300ms" "[Report]" "MetricsFile=$M/srd.prom"
	start_srd $W/srd.conf
	check "settles" wait_state settled 30
	check "the metrics land in a regular file" bash -c "[ -f $M/srd.prom ] && [ ! -L $M/srd.prom ] && grep -qx 'srd_converged 1' $M/srd.prom"
	check "the file is readable by node_exporter (0644)" [ "$(stat -c %a $M/srd.prom)" = 644 ]
	$SRDCTL status --json > $W/status.json
	$SRD --inventory --json > $W/inventory.json
	check "Prometheus' parser reads the file, HELP and TYPE on each, values as srdctl status --json" \
		/usr/bin/python3 "$SRC/tests/daemon/check-metrics.py" $M/srd.prom $W/status.json $W/inventory.json
	check "the symlink at the old temporary name is left alone" [ "$(readlink $M/srd.prom.tmp)" = $W/victim ]
	check "the file it points to keeps its content" [ "$(cat $W/victim)" = precious ]
	check "... and its mode" [ "$(stat -c %a $W/victim)" = 600 ]
	check "the file a symlink at the target pointed to keeps its content" [ "$(cat $W/victim2)" = precious ]
	check "... and its mode" [ "$(stat -c %a $W/victim2)" = 600 ]
	check "no temporary file is left behind" [ "$(ls -A $M | sort | tr '\n' ' ')" = "srd.prom srd.prom.tmp " ]
	kill $srd_pid; wait $srd_pid 2>/dev/null
	rm $M/srd.prom.tmp $M/srd.prom
	mkfifo $M/srd.prom.tmp
	start_srd $W/srd.conf
	# Bounded: a srd stuck in open() answers nothing and ignores SIGTERM.
	for _ in $(seq 150); do [ -f $M/srd.prom ] && break; sleep 0.1; done
	check "a FIFO at the old temporary name does not stall srd" \
		bash -c "timeout 10 $SRDCTL status --json | grep -q '\"state\": *\"settled\"'"
	[ $n_bad = 0 ] || kill -9 $srd_pid
	check "the metrics land anyway" grep -qx 'srd_converged 1' $M/srd.prom
	check "the FIFO is left alone" [ -p $M/srd.prom.tmp ]
	# A directory that does not exist: the failure names the file and srd carries on.
	conf $W/srd.conf "[Settle]" "QuietSec=300ms" "[Report]" "MetricsFile=$W/nodir/srd.prom"
	check "reload with a MetricsFile in a missing directory" $SRDCTL reload
	check "srd carries on" wait_state settled 30 2
	check "the failure names the file" grep -q "cannot write $W/nodir/srd.prom" $W/srd.err
	;;
completion)
	# What completion may bring back: not a layout the policy's [Exclude]
	# covers (on arrival or requested), and not a region the administrator
	# destroyed by hand, even with replace complete naming no memdev.
	L=$W/layouts
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf --layout-dir $L
	check "settles" wait_state settled 30
	layout() { python3 -c "import json; d=json.load(open('$L/layout-0x490000000.json')); print($1)"; }
	window=$(layout "d['window']")
	check "prepare" bash -c "$SRDCTL replace prepare mem0 >/dev/null"
	wait_state settled 30 2 >/dev/null
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms" "[Exclude]" "Range=0x490000000+0x10000000"
	check "reload with the range excluded" $SRDCTL reload
	wait_state settled 30 >/dev/null
	n=$(n_stores)
	echo "remove mem0" > "$SRD_SIM/control"
	echo "add mem0 serial=0x2002 ram=0x10000000 decoders=none" > "$SRD_SIM/control"
	for _ in $(seq 100); do [ "$(journal_count REPLACE "'[Exclude]' in e['SRD_REASON']")" -ge 1 ] && break; sleep 0.1; done
	check "on arrival: an excluded layout is left down, saying so" \
		[ "$(journal_count REPLACE "'excluded by the policy' in e['SRD_REASON']")" -ge 1 ]
	wait_state settled 30 >/dev/null
	check "... no region created" [ -z "$(ls /sys/bus/cxl/devices | grep '^region')" ]
	check "... no create_ram_region store" bash -c "! tail -n +$((n + 1)) '$SRD_SIM/log' | grep -q create_ram_region"
	$SRDCTL replace complete > $W/c.out 2>&1
	check "requested: refused (exit 1)" [ $? = 1 ]
	check "... saying the range is excluded" grep -q "excluded by the policy's \[Exclude\] (its range)" $W/c.out
	check "... no region created" [ -z "$(ls /sys/bus/cxl/devices | grep '^region')" ]
	conf $W/srd.conf "[Policy]" "Mode=prefer-cxl" "[Settle]" "QuietSec=300ms"
	check "reload without the exclusion" $SRDCTL reload
	wait_state settled 30 >/dev/null
	check "replace complete re-creates it now" bash -c "$SRDCTL replace complete >/dev/null"
	for _ in $(seq 100); do [ -n "$(ls /sys/bus/cxl/devices | grep '^region')" ] && break; sleep 0.1; done
	sleep 1
	wait_state settled 30 >/dev/null
	region=$(ls /sys/bus/cxl/devices | grep '^region' | head -1)
	check "the region is back on the recorded HPA" [ "$(cat /sys/bus/cxl/devices/$region/resource 2>/dev/null)" = 0x490000000 ]
	check "the record is not pending any more" [ "$(layout "d['replace']")" = none ]
	# The administrator takes it down by hand.
	for d in $(ls /sys/bus/dax/devices | grep '^dax'); do daxctl offline-memory $d >/dev/null 2>&1; done
	echo $region > /sys/bus/cxl/drivers/cxl_region/unbind
	echo $region > /sys/bus/cxl/devices/$window/delete_region
	check "destroyed by hand" [ ! -e /sys/bus/cxl/devices/$region ]
	sleep 1
	wait_state settled 30 >/dev/null
	n=$(n_stores)
	$SRDCTL replace complete > $W/c2.out 2>&1
	check "replace complete with no memdev exits 0" [ $? = 0 ]
	check "... and says nothing is missing" grep -q "no recorded region is missing" $W/c2.out
	sleep 1
	check "... the region destroyed by hand stays gone" [ -z "$(ls /sys/bus/cxl/devices | grep '^region')" ]
	check "... no create_ram_region store" bash -c "! tail -n +$((n + 1)) '$SRD_SIM/log' | grep -q create_ram_region"
	;;
nobus)
	# No bus at all: the daemon still decides; srdctl says srd is not running.
	kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null
	conf $W/srd.conf "[Settle]" "QuietSec=300ms"
	start_srd $W/srd.conf
	for _ in $(seq 100); do [ "$(journal_count SETTLED)" -ge 1 ] && break; sleep 0.1; done
	check "settles without a bus" [ "$(journal_count SETTLED)" = 1 ]
	$SRDCTL status >/dev/null 2>$W/status.err
	check "srdctl: exit 3 when srd is not reachable" [ $? = 3 ]
	check "srdctl: says srd is not running" grep -q "not running\|cannot connect" $W/status.err
	;;
*)
	echo "unknown scenario $NAME" >&2
	exit 2
	;;
esac
finish
