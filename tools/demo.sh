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
