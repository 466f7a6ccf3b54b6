#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# srd's Cockpit page (cockpit/srd) in a real browser: srd runs on the
# simulated nobody-7.2 platform (tests/sim/live.sh: private mount and network
# namespace) with a private system bus (tests/daemon/lib.sh); cockpit-ws
# serves a local session (--local-session=cockpit-bridge: no login, the
# bridge on the private bus) on 127.0.0.1 inside that network namespace, and
# headless Chromium (tests/cockpit/browser.py, Selenium) opens /srd.  Checks
# that the page shows what `srdctl status --json` and GetInventory say, applies
# prefer-cxl from the page (Apply, confirm), sees the page follow srd's
# PropertiesChanged without a reload, and checks the new content; then the
# same page for a user without administrative access.  Screenshots go to
# BUILD/meson-logs/cockpit-*.png.  Root only.
#
#   test-cockpit.sh SRC BUILD
set -uo pipefail
if [ "${1:-}" != --inside ]; then
	SRC=$1 BUILD=$2
	. "$SRC/tests/checks.sh"
	if [ "$(id -u)" != 0 ]; then
		skip_all "needs root for the private namespaces"
	fi
	for f in /usr/lib/cockpit/cockpit-ws /usr/bin/cockpit-bridge /usr/share/cockpit/base1/manifest.json \
		/usr/share/cockpit/shell/manifest.json /usr/bin/chromium /usr/bin/chromedriver; do
		if [ ! -e "$f" ]; then
			skip_all "$f is not installed (tools/install-deps.sh installs cockpit-ws, cockpit-bridge," \
				"cockpit-system, chromium, chromium-driver, python3-selenium)"
		fi
	done
	if ! /usr/bin/python3 -c "import selenium" 2>/dev/null; then
		skip_all "python3-selenium is not installed (tools/install-deps.sh installs it)"
	fi
	mkdir -p "$BUILD/meson-logs"
	exec timeout 280 "$SRC/tests/sim/live.sh" "$SRC/tests/platforms/nobody-7.2.json" -- \
		"$SRC/tests/test-cockpit.sh" --inside "$(realpath "$SRC")" "$(realpath "$BUILD")"
fi

# Inside the namespaces.
SRC=$2 BUILD=$3
. "$SRC/tests/daemon/lib.sh"
trap stop_all EXIT
PORT=9191
PORT_USER=9192
SHOTS=$BUILD/meson-logs
BROWSER="/usr/bin/python3 $SRC/tests/cockpit/browser.py"

# Chromium wants shared memory; the namespace's /dev is a bare tmpfs.
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 srd-shm /dev/shm
# The page from the source tree, where Cockpit looks for packages.
mkdir -p $W/share/cockpit
chmod 755 $W $W/share $W/share/cockpit
ln -s "$SRC/cockpit/srd" $W/share/cockpit/srd

start_bus || exit 1
start_capture || exit 1
printf '%s\n' "[Settle]" "QuietSec=300ms" > $W/srd.conf
start_srd $W/srd.conf --layout-dir $W/layouts
check "srd settles (strict: nobody gets the range)" wait_state settled 30

# start_ws PORT [USER]: cockpit-ws with a local session whose bridge talks to the private bus.
start_ws() {
	local port=$1 user=${2:-} run=()
	[ -n "$user" ] && run=(setpriv --reuid="$user" --regid="$user" --clear-groups env HOME=/tmp)
	XDG_DATA_DIRS=$W/share:/usr/share "${run[@]}" /usr/lib/cockpit/cockpit-ws \
		--local-session=cockpit-bridge --no-tls --address 127.0.0.1 --port "$port" >>$W/ws-$port.log 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
			"http://127.0.0.1:$port/cockpit/@localhost/srd/manifest.json" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "cockpit-ws on port $port did not serve the page" >&2
	cat $W/ws-$port.log >&2
	return 1
}

# page_is NAME SNAP EXPR: EXPR (python) holds for the page state p ($W/NAME.json), the
# status s and the inventory i that snapshot_srd SNAP took.
page_is() {
	python3 - $W/$1.json $W/$2.status.json $W/$2.inventory.json "$3" <<'PY'
import json, sys
p, s, i = (json.load(open(f)) for f in sys.argv[1:4])
sys.exit(not eval(sys.argv[4]))
PY
}

# snapshot_srd SNAP: what srd says now, for page_is.
snapshot_srd() {
	$SRDCTL status --json > $W/$1.status.json
	busctl call org.srd1 /org/srd1 org.srd1.Manager GetInventory --json=short |
		python3 -c "import json, sys; print(json.load(sys.stdin)['data'][0])" > $W/$1.inventory.json
}

# check_page NAME SNAP: the page shows the status document and the inventory.
check_page() {
	local f=$1 snap=$2 when=$1
	check "$when: verdict is srd's ($(python3 -c "import json; print(json.load(open('$W/$snap.status.json'))['verdict'])"))" \
		page_is $f $snap "p['verdict'] == s['verdict']"
	check "$when: state is srd's" page_is $f $snap "p['state'] == s['state']"
	check "$when: policy and converged" page_is $f $snap \
		"p['policy'] == s['policy']['mode'] and p['converged'] == ('yes' if s['converged'] else 'no')"
	check "$when: summary" page_is $f $snap "p['summary'] == s['summary']"
	if [ "$when" = user ]; then
		# srd hides physical addresses from users other than root.
		check "$when: one row per range, no address shown" page_is $f $snap \
			"len(p['ranges']) == len(s['ranges']) and not any(r['start'] for r in p['ranges'])"
	else
		check "$when: one row per range, by start" page_is $f $snap \
			"[r['start'] for r in p['ranges']] == [r['start'] for r in s['ranges']]"
	fi
	check "$when: each range's owner and why" page_is $f $snap \
		"all(a['owner'] == b['owner'] == a['owner_text'] and a['owner_reason'] == b['owner_reason'] for a, b in zip(p['ranges'], s['ranges']))"
	check "$when: each range's decision and reason" page_is $f $snap \
		"all(a['target'] == b['target'] == a['target_text'] and a['reason'] == b['reason'] for a, b in zip(p['ranges'], s['ranges']))"
	check "$when: the bar's bytes per owner" page_is $f $snap \
		"all(p['legend'][o]['bytes'] == s['bytes'][o] for o in ('cxl', 'hmem', 'none', 'conflict', 'stranded'))"
	check "$when: the bar's ranges per owner" page_is $f $snap \
		"all(p['legend'][o]['ranges'] == s['counts'][o] for o in ('cxl', 'hmem', 'none', 'conflict'))"
	check "$when: the bar's total" page_is $f $snap \
		"int(p['bar_total'], 16) == sum(int(s['bytes'][o], 16) for o in ('cxl', 'hmem', 'none', 'conflict'))"
	check "$when: the stranded bar" page_is $f $snap "p['stranded_bar'] == s['bytes']['stranded']"
	check "$when: regions as in GetInventory" page_is $f $snap \
		"[r['name'] for r in p['regions']] == [r['name'] for r in i['regions']]"
	check "$when: dax devices with their NUMA node" page_is $f $snap \
		"[(d['name'], d['numa']) for d in p['dax']] == [(d['name'], str(d['target_node']) if d['target_node'] >= 0 else 'n/a') for d in i['dax_devices']]"
	check "$when: memory tier: srd reports none" page_is $f $snap \
		"all(x['tier'] == 'tier: n/a' for x in p['regions'] + p['dax'])"
	check "$when: memdevs" page_is $f $snap "[m['name'] for m in p['memdevs']] == [m['name'] for m in i['memdevs']]"
	check "$when: no connection notice" page_is $f $snap "p['notice'] == ''"
	check "$when: every control labelled, every table with column headers" page_is $f $snap \
		"p['unlabelled_controls'] == [] and p['tables_without_headers'] == 0"
}

# The browser runs in the background and stops at its sync steps while the test changes srd.
SYNC=$W/sync
mkdir -p $SYNC
at() { # at NAME: until the browser waits at sync step NAME; fails when it has exited
	for _ in $(seq 1200); do
		[ -e $SYNC/$1.ready ] && return 0
		kill -0 $browser_pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# What the page's body says srd reports (state verdict decisions), from srdctl.
srd_says() { status "s['state'] + ' ' + s['verdict'] + ' ' + str(s['counts']['decisions'])"; }
resume() { srd_says > $SYNC/$1.go.tmp && mv $SYNC/$1.go.tmp $SYNC/$1.go; }

start_ws $PORT || exit 1
snapshot_srd before
SRD_BROWSER_SYNC=$SYNC $BROWSER "http://127.0.0.1:$PORT/srd" "$SHOTS" \
	load mark state $W/before.json shot before \
	plan prefer-cxl state $W/plan.json shot plan \
	dry-run prefer-cxl state $W/dry.json \
	apply prefer-cxl state $W/dialog.json shot confirm \
	confirm "Apply under prefer-cxl" wait-verdict cxl state $W/after.json shot after sync applied \
	state $W/strict.json sync strict \
	wait-notice "not running" state $W/stopped.json shot stopped sync stopped \
	wait-settled state $W/restarted.json \
	replace mem0 state $W/replace-dialog.json confirm "Replace prepare mem0" sync prepared \
	state $W/prepared.json shot prepared \
	complete confirm "Replace complete" sync completed state $W/completed.json shot completed \
	sync invalid wait-text policy-error "Mode=lenient" state $W/invalid.json shot invalid \
	> $W/browser.out 2>&1 &
browser_pid=$!

if check "the page applied prefer-cxl" at applied; then
	wait_state settled 30 2
	snapshot_srd after
	check "srd carried it out: verdict cxl" [ "$(status "s['verdict'], s['ranges'][0]['target']")" = "cxl cxl" ]
	check "srd stored the release of hmem.0" grep -q "drivers/hmem/unbind hmem.0" "$SRD_SIM/log"
	check "the dry run stored nothing" [ "$(grep -c "drivers/hmem/unbind hmem.0" "$SRD_SIM/log")" = 1 ]
	# A change made outside the page, while it stays open.
	check "srdctl apply --policy strict" bash -c "$SRDCTL apply --policy strict >/dev/null"
	wait_state settled 30 3
	snapshot_srd strict
	resume applied
fi
if check "the page followed srdctl apply --policy strict" at strict; then
	kill $srd_pid
	wait $srd_pid 2>/dev/null
	rm -f $SYNC/strict.go.tmp
	touch $SYNC/strict.go
fi
if check "the page noticed srd stopping" at stopped; then
	start_srd $W/srd.conf --layout-dir $W/layouts
	wait_state settled 30
	snapshot_srd restarted
	resume stopped
fi
if check "the page prepared mem0 for a replace" at prepared; then
	wait_state settled 30 2
	snapshot_srd prepared
	check "srd: one replace pending, region0 gone" \
		[ "$(status "s['counts']['replacing']")" = 1 -a ! -e /sys/bus/cxl/devices/region0 ]
	resume prepared
fi
if check "the page completed the replace" at completed; then
	for _ in $(seq 100); do [ -n "$(ls /sys/bus/cxl/devices | grep '^region')" ] && break; sleep 0.1; done
	sleep 1
	wait_state settled 30
	snapshot_srd completed
	check "srd: the region is back, nothing pending" [ "$(status "s['counts']['replacing']")" = 0 ]
	resume completed
fi
if check "the page took part in the replace" at invalid; then
	# A configuration that does not parse: reload refuses it, the old policy stays.
	printf '%s\n' "[Policy]" "Mode=lenient" > $W/srd.conf
	$SRDCTL reload >/dev/null 2>&1
	check "srdctl reload refuses Mode=lenient" [ $? = 1 ]
	snapshot_srd invalid
	resume invalid
fi
wait $browser_pid
check "the browser session ran (load, plan, dry run, apply, follow, stop, restart, replace)" [ $? = 0 ]
cat $W/browser.out

# Before the apply.
check_page before before
check "before: verdict none, the range in conflict, blocked" page_is before before \
	"p['verdict'] == 'none' and p['ranges'][0]['owner'] == 'conflict' and p['ranges'][0]['flags'] == 'blocked by an interlock'"
check "before: the bar shows 512 MiB in conflict" page_is before before \
	"p['legend']['conflict']['text'] == '512 MiB' and p['bar_segments'][0][:2] == ['conflict', 'conflict 512 MiB']"
check "before: dax0.0 (hmem.0) is on NUMA node 1" page_is before before \
	"('dax0.0', '1') in [(d['name'], d['numa']) for d in p['dax']]"
check "administrator: Apply and replace offered" page_is before before \
	"p['admin'] == 'true' and p['apply_enabled'] and all(m['replace_button'] for m in p['memdevs'])"
check "plan under prefer-cxl: verdict cxl, release hmem.0" page_is plan before \
	"p['plan']['verdict'] == 'cxl' and 'release-hmem' in p['plan']['text'] and 'hmem.0' in p['plan']['text']"
check "showing the plan changed nothing" page_is plan before "p['verdict'] == 'none' and p['updates'] == $(python3 -c "import json; print(json.load(open('$W/before.json'))['updates'])")"
check "the confirmation dialog lists the actions" page_is dialog before \
	"p['dialog_open'] and 'release-hmem hmem.0' in p['dialog_text'] and 'enable-region region0' in p['dialog_text']"
check "nothing applied before the confirmation" page_is dialog before "p['verdict'] == 'none'"

# After the apply, followed through PropertiesChanged.
check "the page says the apply converged" page_is after after "p['result_converged'] == 'true'"
check "the page was not reloaded" page_is restarted after "p['marker'] == 'loaded-once'"
updates() { python3 -c "import json; print(json.load(open('$W/$1.json'))['updates'])"; }
check "the page followed PropertiesChanged ($(updates before) -> $(updates after) -> $(updates strict))" \
	[ "$(updates before)" -lt "$(updates after)" -a "$(updates after)" -lt "$(updates strict)" ]
check_page after after
check "after: CXL's half, 256 MiB stranded" page_is after after \
	"p['ranges'][0]['target'] == 'cxl' and p['legend']['stranded']['text'] == '256 MiB' and p['stranded_bar'] == '0x10000000'"
check "after: dax0.0 is CXL's now, on NUMA node 1" page_is after after \
	"('dax0.0', '1') in [(d['name'], d['numa']) for d in p['dax']] and p['regions'][0]['numa'] == '1'"
check_page strict strict
check "srd stopped: the page says so" page_is stopped strict "'srd is not running' in p['notice']"
check_page restarted restarted
check "the dry run listed the writes, decided nothing" page_is dry before \
	"p['result_converged'] == 'true' and 'write /sys/bus/platform/drivers/hmem/unbind hmem.0' in p['result'] and p['verdict'] == 'none'"
check "the replace dialog names mem0" page_is replace-dialog restarted \
	"p['dialog_open'] and 'mem0' in p['dialog_text'] and 'out of service' in p['dialog_text']"
check_page prepared prepared
check "prepared: the page says mem0 can be removed, one replace pending" page_is prepared prepared \
	"p['result'].startswith('Replace prepare mem0: mem0 can be removed now') and p['replacing'].startswith('1 replace pending')"
check_page completed completed
check "invalid configuration: the page shows the error, the old policy in force" page_is invalid invalid \
	"'srd.conf:2: Mode=lenient' in p['policy_error'] and p['policy'] == 'strict' == s['policy']['mode'] and s['policy']['error'] in p['policy_error']"
check "completed: a region again, nothing pending" page_is completed completed \
	"len(p['regions']) == 1 and p['replacing'] == '' and p['result'].startswith('Replace complete: converged') and p['result_converged'] == 'true'"

# Without administrative access (the bridge as nobody): read-only.
start_ws $PORT_USER 65534 || exit 1
snapshot_srd user
$BROWSER "http://127.0.0.1:$PORT_USER/srd" "$SHOTS" \
	load state $W/user.json plan prefer-cxl state $W/user-plan.json shot unprivileged \
	style dark state $W/user-dark.json shot unprivileged-dark style light state $W/user-light.json
check "unprivileged: the browser session ran" [ $? = 0 ]
check_page user user
check "unprivileged: no Apply, no replace" page_is user user \
	"p['admin'] == 'false' and not p['apply_enabled'] and not any(m['replace_button'] for m in p['memdevs'])"
check "Cockpit's dark style reaches the page, and back" page_is user-dark user \
	"p['dark'] and not json.load(open('$W/user-light.json'))['dark'] and not json.load(open('$W/user.json'))['dark']"
check "unprivileged: plans still show" page_is user-plan user "p['plan']['verdict'] == 'cxl'"

if [ $n_bad -gt 0 ]; then
	echo "--- cockpit-ws" >&2
	tail -n 20 $W/ws-*.log >&2
	echo "--- srd stderr" >&2
	tail -20 $W/srd.err >&2
fi
finish
