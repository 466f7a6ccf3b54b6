#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How long the daemon takes to settle, on the live simulator
# (tests/sim/live.sh), with the shipped defaults and with ExpectAuto=yes
# (the counts srd derives itself: a memdev per CXL memory PCI function, a
# region per range the committed decoders decode).  Two figures per run:
#
#   ready    srd started -> READY=1 (sd_notify; the devices are there at start)
#   settle   the last relevant uevent (cxl, dax, memory, platform hmem.N) of a
#            hot add of MEMDEV (after its hot remove) -> settling ends
#            (srd logs "CXL enumeration settled: ...")
#   verdict  the same event -> the pass's outcome (STATUS=settled or
#            degraded): settle plus reading the machine and deciding
#
# Times come from one clock in one process (a probe that starts srd, holds
# the notify socket and listens to the namespace's uevents).  Run on demand,
# as root, from a built tree; not a test.  Prints each run and the medians.
#
#   bench/bench-settle.sh [BUILD] [PLATFORM.json] [RUNS] [MEMDEV]
#   (defaults: build, tests/platforms/cxl-owns-6.12.json, 5, mem0)
set -euo pipefail
src=$(dirname "$(dirname "$(realpath "$0")")")
if [ "${1:-}" = --inside ]; then
	# Inside live.sh: the private bus, then the probe.
	build=$2 conf=$3 memdev=$4
	SRC=$src BUILD=$build
	. "$src/tests/daemon/lib.sh"
	trap stop_all EXIT
	start_bus >/dev/null
	exec python3 - "$build/daemon/srd" "$conf" "$W" "$memdev" <<'PY'
import json, os, select, socket, subprocess, sys, time

srd, conf, w, memdev = sys.argv[1:5]
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ns.bind(os.environ["NOTIFY_SOCKET"])
ue = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)  # NETLINK_KOBJECT_UEVENT
ue.bind((0, 2))  # udev's group, where the simulator sends
control = os.path.join(os.environ["SRD_SIM"], "control")
events, notes = [], []  # times of relevant uevents, (time, line) of notify and log lines


def relevant(data):
    props = dict(p.split(b"=", 1) for p in data.split(b"\0") if b"=" in p)
    sub = props.get(b"SUBSYSTEM", b"")
    return sub in (b"cxl", b"dax", b"memory") or (sub == b"platform" and b"/hmem" in props.get(b"DEVPATH", b""))


def wait_for(pred, timeout=120):
    """Reads notify messages and uevents until a notify line satisfies pred; its time."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([ns, ue, err], [], [], 1)
        for s in ready:
            t = time.monotonic()
            if s is err:  # read what is there: a buffered reader would hide lines from select()
                for line in os.read(err.fileno(), 1 << 16).decode(errors="replace").splitlines():
                    log.write("%.6f %s\n" % (t, line))
                    notes.append((t, "LOG=" + line))
                continue
            data = s.recv(1 << 20)
            if s is ue:
                if relevant(data):
                    events.append(t)
                continue
            for line in data.decode().split("\n"):
                notes.append((t, line))
                if pred(line):
                    return t
    sys.exit("bench-settle: timed out waiting for srd")


outcome = lambda l: l.startswith("STATUS=settled:") or l.startswith("STATUS=degraded:")
t0 = time.monotonic()
p = subprocess.Popen([srd, "--config", conf, "--state-dir", w + "/state", "--machine-id-file", w + "/machine-id"],
                     stderr=subprocess.PIPE)
err, log = p.stderr, open(w + "/srd.err", "w")
try:
    ready = wait_for(lambda l: l == "READY=1") - t0
    subprocess.run(["daxctl", "offline-memory", "all"], capture_output=True)
    with open(control, "w") as f:
        f.write("remove %s\n" % memdev)
    wait_for(outcome)
    del events[:], notes[:]
    with open(control, "w") as f:
        f.write("add %s\n" % memdev)
    t = wait_for(outcome)
    # The pass that gave the outcome settled after the last event it saw.
    # (srd without that line: when it began deciding, after reading the machine)
    settled = [tn for tn, l in notes if l.startswith("LOG=srd: CXL enumeration settled")]
    decided = max(settled or [tn for tn, l in notes if l.startswith("STATUS=deciding:")])
    before = [te for te in events if te <= decided]
    if not before:
        sys.exit("bench-settle: no uevent seen")
    sys.stderr.write("".join("%+9.1f ms %s\n" % ((x - before[-1]) * 1000, l) for x, l in
                             sorted(notes + [(e, "uevent") for e in events])) if os.environ.get("BENCH_DEBUG") else "")
    print(json.dumps({"ready_ms": round(ready * 1000, 1), "settle_ms": round((decided - before[-1]) * 1000, 1),
                      "verdict_ms": round((t - before[-1]) * 1000, 1)}))
finally:
    p.terminate()
    p.wait()
PY
fi

build=$(realpath "${1:-$src/build}")
platform=$(realpath "${2:-$src/tests/platforms/cxl-owns-6.12.json}")
runs=${3:-5}
memdev=${4:-mem0}
[ "$(id -u)" = 0 ] || { echo "bench-settle: needs root (tests/sim/live.sh)" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/conf/srd.conf" "$tmp/defaults.conf"
printf '[Settle]\nExpectAuto=yes\n' > "$tmp/expect-auto.conf"
echo "platform $(basename "$platform"), hot add of $memdev, $runs runs each"
for c in defaults expect-auto; do
	for i in $(seq "$runs"); do
		"$src/tests/sim/live.sh" "$platform" -- "$0" --inside "$build" "$tmp/$c.conf" "$memdev" >>"$tmp/$c.jsonl"
	done
	python3 - "$c" "$tmp/$c.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[2])]
for k in ("ready_ms", "settle_ms", "verdict_ms"):
    v = [r[k] for r in rows]
    print("%-12s %-10s median %8.1f ms  (min %.1f, max %.1f; %s)" %
          (sys.argv[1], k[:-3], statistics.median(v), min(v), max(v), " ".join("%.1f" % x for x in v)))
PY
done
