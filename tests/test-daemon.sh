#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon, unmodified, on simulated platforms (tests/sim/live.sh) with a
# private system bus, a stand-in journald and notify socket: settling on late
# devices, a uevent storm, hotplug and hand changes, reload, an invalid
# configuration, the settle timeout, srdctl plan/apply, the hotplug replace
# (prepare, a wrong-size device, a replacement, a re-seat, a cut-short
# prepare, srd killed while it re-creates a region, what completion must not
# bring back), the metrics file beside
# what others planted, no bus; a restart after a hand change; and srd's own
# checks on a bus that lets everyone through, and D-Bus activation
# (tests/daemon/bus.sh).  Root only.
#
#   test-daemon.sh SRC BUILD [SCENARIO...]
set -uo pipefail
SRC=$1 BUILD=$2
shift 2
. "$SRC/tests/checks.sh"
if [ "$(id -u)" != 0 ]; then
	skip_all "needs root for the private namespaces"
fi
declare -A platform=(
	[late]=daemon/late-6.12.json
	[storm]=cxl-owns-6.12.json
	[expect]=cxl-owns-6.12.json
	[hotplug]=nobody-7.2.json
	[restart]=nobody-7.2.json
	[reload]=cxl-owns-6.12.json
	[invalid]=nobody-7.2.json
	[timeout]=cxl-owns-6.12.json
	[apply]=nobody-7.2.json
	[nobus]=cxl-owns-6.12.json
	[metrics]=cxl-owns-6.12.json
	[completion]=nobody-7.2.json
	[replace]=nobody-7.2.json
	[interrupted]=nobody-7.2.json
	[killcreate-size]=nobody-7.2.json
	[killcreate-target0]=nobody-7.2.json
	[killcreate-commit]=nobody-7.2.json
	[openbus]=nobody-7.2.json
	[activation]=nobody-7.2.json
)
# The scenarios about srd's face on the bus have their own script.
declare -A script=([openbus]=bus.sh [activation]=bus.sh)
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(late expect storm hotplug restart reload invalid timeout apply replace interrupted
	killcreate-size killcreate-target0 killcreate-commit completion metrics nobus openbus activation)
# Each scenario's checks are this test's, named after it.
for s in "${scenarios[@]}"; do
	echo "# scenario $s (${platform[$s]})"
	checks_nested "$s" timeout 180 "$SRC/tests/sim/live.sh" "$SRC/tests/platforms/${platform[$s]}" -- \
		"$SRC/tests/daemon/${script[$s]:-scenarios.sh}" "$SRC" "$BUILD" "$s"
done
checks_summary
