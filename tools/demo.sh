#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The newcomer's run: installs what is needed, builds srd, and runs it on a
# bundled simulated CXL platform (default: the 7.x "nobody gets it" shape,
# where hmem and a CXL region collide over one Soft Reserved range).
#
#   tools/demo.sh [PLATFORM.json]
set -euo pipefail
top=$(dirname "$(dirname "$(realpath "$0")")")
cd "$top"
platform=${1:-tests/platforms/nobody-7.2.json}

tools/install-deps.sh >/dev/null
if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null

# The platform is served live (FUSE) in a private namespace: srd reads and
# would write it exactly as it does a real kernel's sysfs.
run() { tests/sim/live.sh "$platform" -- "$@"; }

echo "== Simulated platform: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$platform")"
echo
echo "== srd --inventory (what the kernel made of the firmware's description)"
run build/daemon/srd --inventory
echo
echo "== srd --plan (the default policy, strict)"
run build/daemon/srd --plan --config conf/srd.conf
echo
echo "== srd --once --policy prefer-cxl: settle, decide, act, re-read (the writes it made follow)"
run bash -c 'build/daemon/srd --once --config conf/srd.conf --policy prefer-cxl --state-dir /run/srd; rc=$?
	echo; echo "Stores the simulated kernel received (path value errno):"; cut -d" " -f2- "$SRD_SIM/log"; exit $rc'
echo
echo "== The daemon, as srd.service runs it at boot, with srdctl (a private system bus)"
run env SRC="$top" BUILD="$top/build" bash -c '
	. tests/daemon/lib.sh
	start_bus && start_capture || exit 1
	start_srd conf/srd.conf
	wait_state settled 60 || { cat $W/srd.err; stop_all; exit 1; }
	echo "\$ srdctl status"
	$SRDCTL status
	echo
	echo "\$ srdctl apply --policy prefer-cxl"
	$SRDCTL apply --policy prefer-cxl
	wait_state settled 60 2
	echo
	echo "\$ srdctl status"
	$SRDCTL status
	echo
	echo "What srd told the journal (SRD_* fields of its action entries):"
	python3 -c "
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if \"SRD_ACTION\" in e:
        print(\" \", \" \".join(f\"{k}={v}\" for k, v in e.items() if k.startswith(\"SRD_\")))
" $W/journal.jsonl
	stop_all
	true'
