# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for daemon scenarios, sourced inside tests/sim/live.sh (private
# /run, /dev, /sys): a private system bus with srd's policy, a stand-in
# journald and notify socket (capture.py), and srd itself, unmodified.
# Needs $SRC (source tree) and $BUILD (build tree).

W=/run/srd-test
mkdir -p $W
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
export NOTIFY_SOCKET=$W/notify
export WATCHDOG_USEC=1000000
SRD=$BUILD/daemon/srd
SRDCTL=$BUILD/daemon/srdctl
pids=()
. "$SRC/tests/checks.sh"

# start_bus [POLICY [SERVICEDIR]]: the private system bus, with srd's bus policy
# (or POLICY) and, given SERVICEDIR, activation of the services found there.
start_bus() {
	local policy=${1:-$SRC/systemd/org.srd1.conf} servicedir=${2:-}
	mkdir -p /run/dbus
	sed -e "s|@SOCKET@|/run/dbus/system_bus_socket|; s|@POLICY@|$policy|" \
		"$SRC/tests/daemon/system-bus.conf.in" > $W/bus.conf
	[ -z "$servicedir" ] || sed -i "s|</busconfig>|  <servicedir>$servicedir</servicedir>\n</busconfig>|" $W/bus.conf
	dbus-daemon --config-file=$W/bus.conf --nofork --nopidfile --nosyslog 2>$W/bus.log &
	pids+=($!)
	for _ in $(seq 100); do [ -S /run/dbus/system_bus_socket ] && return 0; sleep 0.05; done
	echo "the private bus did not start" >&2
	return 1
}

start_capture() {
	python3 "$SRC/tests/daemon/capture.py" /run/systemd/journal/socket $W/journal.jsonl \
		$NOTIFY_SOCKET $W/notify.jsonl &
	pids+=($!)
	for _ in $(seq 100); do [ -S $NOTIFY_SOCKET ] && [ -S /run/systemd/journal/socket ] && return 0; sleep 0.05; done
	echo "capture.py did not start" >&2
	return 1
}

# This "machine's" ID, which recorded layouts carry.
MACHINE_ID=5eed000000000000000000000000cafe
echo $MACHINE_ID > $W/machine-id

# start_srd CONF [ARGS...]: runs the daemon, stderr to $W/srd.err
start_srd() {
	local conf=$1
	shift
	$SRD --config "$conf" --state-dir $W/state --machine-id-file $W/machine-id "$@" 2>>$W/srd.err &
	srd_pid=$!
	pids+=($srd_pid)
}

# stop_srd: stops the daemon alone (the bus and the rest stay)
stop_srd() {
	kill "$srd_pid" 2>/dev/null || true
	wait "$srd_pid" 2>/dev/null || true
}

stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}

# The value of a status field, by a python expression on the document s.
status() {
	$SRDCTL status --json 2>/dev/null | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

# wait_state STATE [SECONDS] [MIN_DECISIONS]: until the daemon reports STATE with no pass running.
wait_state() {
	local want=$1 secs=${2:-30} min=${3:-1} i
	for i in $(seq $((secs * 10))); do
		if [ "$(status "s['state']" 2>/dev/null)" = "$want" ] &&
			[ "$(status "s['counts']['decisions']" 2>/dev/null)" -ge "$min" ] 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "state is '$(status "s['state'] + ': ' + s['reason']" 2>&1)', wanted $want" >&2
	return 1
}

# Journal entries with MESSAGE_ID id (by the constants' names in daemon/srd-log.h).
msgid() {
	sed -n "s/^#define SRD_MESSAGE_$1[[:space:]]*\"\([0-9a-f]*\)\"/\1/p" "$SRC/daemon/srd-log.h"
}
journal_count() { # journal_count NAME [PYTHON-CONDITION on entry e]
	python3 - "$(msgid "$1")" "${2:-True}" $W/journal.jsonl <<'PY'
import json, sys
mid, cond, path = sys.argv[1:4]
n = 0
for line in open(path):
    e = json.loads(line)
    if e.get("MESSAGE_ID") == mid and eval(cond):
        n += 1
print(n)
PY
}

# Notify messages containing a line (regex), in order: prints their times.
notify_times() {
	python3 - "$1" $W/notify.jsonl <<'PY'
import json, re, sys
pat, path = sys.argv[1:3]
for line in open(path):
    m = json.loads(line)
    if any(re.fullmatch(pat, l) for l in m["lines"]):
        print(m["t"])
PY
}

# Stores srd made (the simulator's log), minus the ones tests made themselves.
n_stores() { wc -l < "$SRD_SIM/log"; }

# Ends a scenario: on a failed check srd's stderr (and the bus's denials,
# when the scenario logged them) go to stderr first.
finish() {
	if [ $n_bad -gt 0 ]; then
		echo "--- srd stderr" >&2
		tail -40 $W/srd.err >&2
		if [ -s $W/denials ]; then
			echo "--- denials" >&2
			cat $W/denials >&2
		fi
	fi
	stop_all
	checks_summary
}
