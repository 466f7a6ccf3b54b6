#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Problem reports replay: every inventory captured on a real kernel
# (tests/fixtures/real/CASE.json) is turned into a simulated platform
# (srd-sim from-snapshot), on which the same srd must read the same
# inventory (srd-sim compare: ranges with owners and sources, windows,
# regions, memdevs, dax and hmem devices, drivers, failures) and plan the same
# verdict under every policy as on the case's hand-written twin
# (tests/platforms/vm/CASE.json) and as the real-kernel tier expects
# (tests/vm/check.py, EXPECT).  Then the round trip: `srdctl snapshot` of the
# daemon on a live simulated platform, replayed, reads as the live machine
# did, and --anonymize leaves out what it says.  Root only.
#
#   test-replay.sh SRC BUILD
set -uo pipefail
SRC=$1 BUILD=$2
SRD=$BUILD/daemon/srd
. "$SRC/tests/checks.sh"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
	skip_all "needs root and mount namespaces"
fi
# REPLAY_KEEP=DIR keeps every platform, inventory and plan in DIR.
T=${REPLAY_KEEP:-$(mktemp -d)}
[ -n "${REPLAY_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
SIM=$SRC/tests/sim/srd-sim
POLICIES="strict per-range prefer-cxl prefer-hmem audit"

# run PLATFORM OUT: srd --inventory --json and srd --plan --json under each
# policy on the rendered platform, into OUT.inv and OUT.plan.POLICY.
run() {
	rm -rf "$2.d"
	"$SIM" render "$1" "$2.d" &&
		"$SRC/tests/sim/harness.sh" "$2.d" -- /bin/bash -c '
			srd=$1 out=$2
			shift 2
			"$srd" --inventory --json > "$out.inv" || exit 1
			for p; do "$srd" --plan --json --policy "$p" > "$out.plan.$p"; done
			exit 0' _ "$SRD" "$2" $POLICIES
}
verdict() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$1" 2>/dev/null; }
# The real-kernel tier's verdict for CASE under POLICY, or nothing.
expected() {
	/usr/bin/python3 - "$SRC/tests/vm/check.py" "$1" "$2" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("check", sys.argv[1])
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)
prefix, _, kernel = sys.argv[2].rpartition("-")
cases = check.EXPECT.get(prefix, {})
exp = cases.get(kernel) or cases.get("*") or {}
print(exp.get("verdicts", {}).get(sys.argv[3], ""))
PY
}

for real in "$SRC"/tests/fixtures/real/*.json; do
	c=$(basename "$real" .json)
	"$SIM" from-snapshot "$real" > "$T/$c.json" 2> "$T/$c.notes"
	rc=$?
	check "$c: the capture converts to a platform" [ $rc = 0 ]
	sed 's/^/#   /' "$T/$c.notes"
	[ $rc = 0 ] || continue
	check "$c: srd runs on the replay" run "$T/$c.json" "$T/$c"
	"$SIM" compare "$T/$c.inv" "$real" > "$T/$c.diff"
	check "$c: the replay reads as the real kernel did" [ $? = 0 ]
	sed 's/^/#   /' "$T/$c.diff"
	twin=$SRC/tests/platforms/vm/$c.json
	[ -f "$twin" ] && run "$twin" "$T/$c.twin"
	for p in $POLICIES; do
		got=$(verdict "$T/$c.plan.$p")
		if [ -f "$twin" ]; then
			want=$(verdict "$T/$c.twin.plan.$p")
			check "$c: $p: verdict '$got' as on the simulated twin ('$want')" [ -n "$got" ] && [ "$got" = "$want" ]
		fi
		want=$(expected "$c" "$p")
		[ -z "$want" ] || check "$c: $p: verdict '$got' as the real-kernel tier expects ('$want')" [ "$got" = "$want" ]
	done
done

# The round trip: the daemon on a live platform (nobody-7.2 with DMI strings,
# in a UTS namespace named replay-host-42), its snapshot replayed.
LIVE=$T/nobody-7.2-dmi.json
/usr/bin/python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))
p["dmi"] = {"sys_vendor": "Vendor-X", "product_name": "Box-9000", "bios_version": "FW-1.2.3"}
json.dump(p, open(sys.argv[2], "w"))' "$SRC/tests/platforms/nobody-7.2.json" "$LIVE"
mkdir -p "$T/live"
timeout 120 unshare --uts /bin/bash -c 'hostname replay-host-42 && exec "$@"' _ \
	"$SRC/tests/sim/live.sh" "$LIVE" -- /bin/bash -c '
	SRC=$1 BUILD=$2 OUT=$3 POLICIES=$4
	. "$SRC/tests/daemon/lib.sh"
	trap stop_all EXIT
	start_bus && start_capture || exit 1
	printf "[Settle]\nQuietSec=300ms\n" > $W/srd.conf
	start_srd $W/srd.conf
	wait_state settled 30 || exit 1
	$SRDCTL snapshot > $OUT/snapshot.json || exit 1
	$SRDCTL snapshot --anonymize > $OUT/anonymized.json || exit 1
	$SRD --inventory --json > $OUT/live.inv
	for p in $POLICIES; do $SRD --plan --json --policy $p > $OUT/live.plan.$p; done
	hostname > $OUT/hostname
	cp $W/machine-id $OUT/machine-id
	exit 0' _ "$SRC" "$BUILD" "$T/live" "$POLICIES" > "$T/live.log" 2>&1
rc=$?
check "live: the daemon settled and srdctl snapshot answered" [ $rc = 0 ]
[ $rc = 0 ] || sed 's/^/#   /' "$T/live.log"
L=$T/live
"$SIM" from-snapshot "$L/snapshot.json" > "$L/replay.json"
check "live: the snapshot converts" [ $? = 0 ]
check "live: srd runs on the replay" run "$L/replay.json" "$L/replay"
"$SIM" compare "$L/replay.inv" "$L/live.inv" > "$L/diff"
check "live: the replay reads as the live platform" [ $? = 0 ]
sed 's/^/#   /' "$L/diff"
/usr/bin/python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["inventory"], open(sys.argv[2], "w"))' \
	"$L/snapshot.json" "$L/snap.inv"
"$SIM" compare "$L/replay.inv" "$L/snap.inv" > "$L/diff2"
check "live: the replay reads as the snapshot's own inventory" [ $? = 0 ]
sed 's/^/#   /' "$L/diff2"
for p in $POLICIES; do
	got=$(verdict "$L/replay.plan.$p") want=$(verdict "$L/live.plan.$p")
	check "live: $p: verdict '$got' as on the live platform ('$want')" [ -n "$got" ] && [ "$got" = "$want" ]
done
daemon=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["decision"]; print(d["policy"], d["verdict"])' \
	"$L/snapshot.json")
check "live: the daemon's decision ($daemon) is the replay's" [ "${daemon#* }" = "$(verdict "$L/replay.plan.${daemon%% *}")" ]
check "live: the replay's own expectations hold (srd-sim check)" "$SIM" check "$L/replay.json" "$L/replay.inv"

# --anonymize
host=$(cat "$L/hostname") mid=$(cat "$L/machine-id")
check "snapshot: names the host ($host), its DMI strings and layouts' machine ID" \
	bash -c "grep -q '\"hostname\": \"$host\"' '$L/snapshot.json' && grep -q 'Box-9000' '$L/snapshot.json' &&
		grep -q '$mid' '$L/snapshot.json'"
check "snapshot --anonymize: no host name, DMI string or machine ID left" \
	bash -c "! grep -q -e '$host' -e Vendor-X -e Box-9000 -e FW-1.2.3 -e '$mid' '$L/anonymized.json'"
check "snapshot --anonymize: the command line keeps only memmap= words" /usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["inventory"]["kernel"]["cmdline"]
sys.exit(not all(w.startswith("memmap=") for w in c.split()))' "$L/anonymized.json"
check "snapshot --anonymize: serials and addresses kept" \
	bash -c "grep -q '\"serial\": \"0x1001\"' '$L/anonymized.json' && grep -q '0x490000000' '$L/anonymized.json'"
"$SIM" from-snapshot --anonymize "$L/snapshot.json" > "$L/anon-replay.json"
check "from-snapshot: the platform keeps the DMI strings" grep -q Box-9000 "$L/replay.json"
check "from-snapshot --anonymize: the platform names neither host nor DMI" \
	bash -c "! grep -q -e '$host' -e Box-9000 '$L/anon-replay.json'"
"$SIM" from-snapshot "$L/anonymized.json" > "$L/anonymized.plat" && run "$L/anonymized.plat" "$L/anon"
"$SIM" compare "$L/anon.inv" "$L/live.inv" > "$L/diff3"
check "the anonymized snapshot replays to the same inventory" [ $? = 0 ]
sed 's/^/#   /' "$L/diff3"
"$SIM" replay "$L/snapshot.json" -- "$SRD" --inventory --json > "$L/live-replay.inv" 2> "$L/live-replay.err"
"$SIM" compare "$L/live-replay.inv" "$L/live.inv" > "$L/diff4"
check "srd-sim replay: live over FUSE, the same inventory" [ $? = 0 ]
sed 's/^/#   /' "$L/diff4" "$L/live-replay.err"
checks_summary
