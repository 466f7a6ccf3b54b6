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
	if [ "$(id -u)" != 0 ]; then
		echo "skipped: needs root for the private namespaces"
		exit 77
	fi
	for f in /usr/lib/cockpit/cockpit-ws /usr/bin/cockpit-bridge /usr/share/cockpit/base1/manifest.json \
		/usr/share/cockpit/shell/manifest.json /usr/bin/chromium /usr/bin/chromedriver; do
		if [ ! -e "$f" ]; then
			echo "skipped: $f is not installed (tools/install-deps.sh installs cockpit-ws, cockpit-bridge," \
				"cockpit-system, chromium, chromium-driver, python3-selenium)"
			exit 77
		fi
	done
	if ! /usr/bin/python3 -c "import selenium" 2>/dev/null; then
		echo "skipped: python3-selenium is not installed (tools/install-deps.sh installs it)"
		exit 77
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
start_srd $W/srd.conf
check "srd settles (strict: nobody gets the range)" wait_state settled 30

# start_ws PORT [USER]: cockpit-ws with a local session whose bridge talks to the private bus.
start_ws() {
	local port=$1 user=${2:-} run=()
	[ -n "$user" ] && run=(setpriv --reuid="$user" --regid="$user" --clear-groups env HOME=/tmp)
	XDG_DATA_DIRS=$W/share:/usr/share "${run[@]}" /usr/lib/cockpit/cockpit-ws \
		--local-session=cockpit-bridge --no-tls --address 127.0.0.1 --port "$port" >>$W/ws-$port.log 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/cockpit/@localhost/srd/manifest.json" && return 0
		sleep 0.1
	done
	echo "cockpit-ws on port $port did not serve the page" >&2
	cat $W/ws-$port.log >&2
	return 1
}

# page_is FILE EXPR: EXPR (python) holds for the page state p, the status s, the inventory i.
page_is() {
	python3 - "$1" $W/status.json $W/inventory.json "$2" <<'PY'
import json, sys
p, s, i = (json.load(open(f)) for f in sys.argv[1:4])
sys.exit(not eval(sys.argv[4]))
PY
}

snapshot_srd() {
	$SRDCTL status --json > $W/status.json
	busctl call org.srd1 /org/srd1 org.srd1.Manager GetInventory --json=short |
		python3 -c "import json, sys; print(json.load(sys.stdin)['data'][0])" > $W/inventory.json
}

# The checks that hold for any state: the page shows the status document and the inventory.
check_page() {
	local f=$1 when=$2
	check "$when: verdict is srd's ($(status "s['verdict']"))" page_is $f "p['verdict'] == s['verdict']"
	check "$when: state is srd's" page_is $f "p['state'] == s['state']"
	check "$when: policy and converged" page_is $f \
		"p['policy'] == s['policy']['mode'] and p['converged'] == ('yes' if s['converged'] else 'no')"
	check "$when: summary" page_is $f "p['summary'] == s['summary']"
	check "$when: one row per range, by start" page_is $f \
		"[r['start'] for r in p['ranges']] == [r['start'] for r in s['ranges']]"
	check "$when: each range's owner and why" page_is $f \
		"all(a['owner'] == b['owner'] == a['owner_text'] and a['owner_reason'] == b['owner_reason'] for a, b in zip(p['ranges'], s['ranges']))"
	check "$when: each range's decision and reason" page_is $f \
		"all(a['target'] == b['target'] == a['target_text'] and a['reason'] == b['reason'] for a, b in zip(p['ranges'], s['ranges']))"
	check "$when: the bar's bytes per owner" page_is $f \
		"all(p['legend'][o]['bytes'] == s['bytes'][o] for o in ('cxl', 'hmem', 'none', 'conflict', 'stranded'))"
	check "$when: the bar's ranges per owner" page_is $f \
		"all(p['legend'][o]['ranges'] == s['counts'][o] for o in ('cxl', 'hmem', 'none', 'conflict'))"
	check "$when: the bar's total" page_is $f \
		"int(p['bar_total'], 16) == sum(int(s['bytes'][o], 16) for o in ('cxl', 'hmem', 'none', 'conflict'))"
	check "$when: the stranded bar" page_is $f "p['stranded_bar'] == s['bytes']['stranded']"
	check "$when: regions as in GetInventory" page_is $f \
		"[r['name'] for r in p['regions']] == [r['name'] for r in i['regions']]"
	check "$when: dax devices with their NUMA node" page_is $f \
		"[(d['name'], d['numa']) for d in p['dax']] == [(d['name'], str(d['target_node']) if d['target_node'] >= 0 else 'n/a') for d in i['dax_devices']]"
	check "$when: memory tier: srd reports none" page_is $f \
		"all(x['tier'] == 'tier: n/a' for x in p['regions'] + p['dax'])"
	check "$when: memdevs" page_is $f "[m['name'] for m in p['memdevs']] == [m['name'] for m in i['memdevs']]"
	check "$when: no connection notice" page_is $f "p['notice'] == ''"
	check "$when: every control labelled, every table with column headers" page_is $f \
		"p['unlabelled_controls'] == [] and p['tables_without_headers'] == 0"
}

start_ws $PORT || exit 1
snapshot_srd
cp $W/status.json $W/status-before.json
$BROWSER "http://127.0.0.1:$PORT/srd" "$SHOTS" \
	load mark state $W/before.json shot before \
	plan prefer-cxl state $W/plan.json shot plan \
	apply prefer-cxl state $W/dialog.json shot confirm \
	confirm wait-verdict cxl state $W/after.json shot after
check "the browser session ran (load, plan, apply, confirm)" [ $? = 0 ]

# Before the apply.
check_page $W/before.json "before"
check "before: verdict none, the range in conflict" page_is $W/before.json \
	"p['verdict'] == 'none' and p['ranges'][0]['owner'] == 'conflict' and p['ranges'][0]['flags'] == 'blocked by an interlock'"
check "before: the bar shows 512 MiB in conflict" page_is $W/before.json \
	"p['legend']['conflict']['text'] == '512 MiB' and p['bar_segments'][0][:2] == ['conflict', 'conflict 512 MiB']"
check "before: dax0.0 is on NUMA node 1" page_is $W/before.json "('dax0.0', '1') in [(d['name'], d['numa']) for d in p['dax']]"
check "administrator: Apply and replace offered" page_is $W/before.json \
	"p['admin'] == 'true' and p['apply_enabled'] and all(m['replace_button'] for m in p['memdevs'])"
check "plan under prefer-cxl: verdict cxl, release hmem.0" page_is $W/plan.json \
	"p['plan']['verdict'] == 'cxl' and 'release-hmem' in p['plan']['text'] and 'hmem.0' in p['plan']['text']"
check "the page's plan did not act" page_is $W/plan.json "p['verdict'] == 'none'"
check "the confirmation dialog lists the actions" page_is $W/dialog.json \
	"p['dialog_open'] and 'release-hmem hmem.0' in p['dialog_text'] and 'enable-region region0' in p['dialog_text']"
check "nothing stored before the confirmation" python3 -c "import json; assert json.load(open('$W/dialog.json'))['verdict'] == 'none'"

# After the apply, followed through PropertiesChanged.
wait_state settled 30 2
snapshot_srd
check "srd carried it out: verdict cxl" [ "$(status "s['verdict'], s['ranges'][0]['target']")" = "cxl cxl" ]
check "srd stored the release of hmem.0" grep -q "drivers/hmem/unbind hmem.0" "$SRD_SIM/log"
check "the page says the apply converged" page_is $W/after.json "p['result_converged'] == 'true'"
check "the page was not reloaded" page_is $W/after.json "p['marker'] == 'loaded-once'"
check "the page followed PropertiesChanged ($(python3 -c "import json; print(json.load(open('$W/before.json'))['updates'], '->', json.load(open('$W/after.json'))['updates'])"))" \
	python3 -c "import json; assert json.load(open('$W/after.json'))['updates'] > json.load(open('$W/before.json'))['updates']"
check_page $W/after.json "after"
check "after: CXL's half, 256 MiB stranded" page_is $W/after.json \
	"p['ranges'][0]['target'] == 'cxl' and p['legend']['stranded']['text'] == '256 MiB' and p['stranded_bar'] == '0x10000000'"

# A hand-made change through srdctl: the page follows it too.
$SRDCTL apply --policy strict >/dev/null 2>&1
wait_state settled 30 3
snapshot_srd
$BROWSER "http://127.0.0.1:$PORT/srd" "$SHOTS" load state $W/strict.json >/dev/null
check "a fresh page after srdctl apply --policy strict shows srd's status" page_is $W/strict.json \
	"p['verdict'] == s['verdict'] and [r['target'] for r in p['ranges']] == [r['target'] for r in s['ranges']]"

# Without administrative access (the bridge as nobody): read-only.
start_ws $PORT_USER 65534 || exit 1
$BROWSER "http://127.0.0.1:$PORT_USER/srd" "$SHOTS" \
	load state $W/user.json plan prefer-cxl state $W/user-plan.json shot unprivileged
check "unprivileged: the browser session ran" [ $? = 0 ]
check_page $W/user.json "unprivileged"
check "unprivileged: no Apply, no replace" page_is $W/user.json \
	"p['admin'] == 'false' and not p['apply_enabled'] and not any(m['replace_button'] for m in p['memdevs'])"
check "unprivileged: plans still show" page_is $W/user-plan.json "p['plan']['verdict'] == 'cxl'"

if [ $n_bad -gt 0 ]; then
	echo "--- cockpit-ws" >&2
	tail -n 20 $W/ws-*.log >&2
	echo "--- srd stderr" >&2
	tail -20 $W/srd.err >&2
fi
finish
