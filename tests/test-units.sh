#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The files srd installs beside its binaries: the unit passes
# systemd-analyze verify cleanly and its exposure is scored (and held under a
# ceiling), the journal catalog compiles and covers every MESSAGE_ID the code
# defines, the bus policy and introspection XML parse, the man pages render
# without warnings, the completions parse.
#
#   test-units.sh SRC BUILD
set -uo pipefail
SRC=$1 BUILD=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$SRC/tests/checks.sh"

# The unit as installed, pointing at this build's binaries.
sed -e "s|@SBINDIR@|$BUILD/daemon|; s|@BINDIR@|$BUILD/daemon|" "$SRC/systemd/srd.service.in" > $T/srd.service
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify --man=no $T/srd.service > $T/verify.out 2>&1
	rc=$?
	check "systemd-analyze verify exits 0" [ $rc = 0 ]
	check "systemd-analyze verify prints nothing about srd.service" \
		bash -c "! grep -i 'srd.service' $T/verify.out"
	[ -s $T/verify.out ] && sed 's/^/# verify: /' $T/verify.out
	systemd-analyze security --offline=yes $T/srd.service > $T/security.out 2>&1
	score=$(sed -n 's/.*Overall exposure level for srd.service: \([0-9.]*\).*/\1/p' $T/security.out)
	echo "# systemd-analyze security: exposure ${score:-?}"
	grep -E '^✗' $T/security.out | sed 's/^/# security: /'
	check "exposure is scored" [ -n "$score" ]
	# 1.8 before ProtectKernelTunables= and the device ACL went, 1.6 after; then
	# 2.3 with the in-use interlock: CAP_SYS_PTRACE (0.3), CAP_DAC_READ_SEARCH
	# (0.2) and every process visible, ProtectProc=default (0.2).  What is left
	# is root with those three capabilities, the host's network (udev's
	# netlink), /dev visible (libcxl stats /dev/cxl/memN) and the whole process
	# tree.
	check "exposure $score at most 2.3" python3 -c "import sys; sys.exit(not float('${score:-99}') <= 2.3)"
else
	for what in "systemd-analyze verify" "the unit's exposure"; do
		skip "$what" "systemd-analyze is not installed"
	done
fi

# The sandbox is what srd writes (srd(8), SANDBOX; the systemd VM case tries
# it from inside the unit): no writable /proc/sys or /sys beyond the trees it
# writes, no device nodes, bounded memory and tasks.
u=$SRC/systemd/srd.service.in
key() { sed -n "s/^$1=//p" "$u"; }
check "ProtectKernelTunables=yes" [ "$(key ProtectKernelTunables)" = yes ]
# ProtectKernelTunables= leaves /sys writable in systemd 257 (see the unit).
check "BindReadOnlyPaths=/sys" [ "$(key BindReadOnlyPaths)" = /sys ]
# The in-use interlock reads every process's fd and maps (srd_apply_users).
check "CAP_SYS_PTRACE in the bounding set" grep -qE '^CapabilityBoundingSet=(.* )?CAP_SYS_PTRACE( |$)' "$u"
check "CAP_DAC_READ_SEARCH in the bounding set" grep -qE '^CapabilityBoundingSet=(.* )?CAP_DAC_READ_SEARCH( |$)' "$u"
check "ProtectProc=default (no process hidden from the interlock)" [ "$(key ProtectProc)" = default ]
check "DevicePolicy=closed" [ "$(key DevicePolicy)" = closed ]
check "no DeviceAllow= (no /dev/cxl or /dev/dax access)" [ -z "$(key DeviceAllow)" ]
rw=$(key ReadWritePaths | tr ' ' '\n' | sed 's/^-//' | grep '^/sys/' | sort)
allowed="/sys/bus/cxl /sys/bus/dax /sys/bus/platform/drivers/cxl_acpi /sys/bus/platform/drivers/hmem
/sys/bus/platform/drivers/hmem_platform /sys/devices/platform/ACPI0017:00 /sys/devices/system/memory"
check "ReadWritePaths= only the sysfs trees srd writes" [ "$rw" = "$(echo $allowed | tr ' ' '\n' | sort)" ]
# Beyond sysfs, only node_exporter's textfile directory ([Report] MetricsFile=).
check "ReadWritePaths= outside /sys: the metrics directory alone" \
	[ "$(key ReadWritePaths | tr ' ' '\n' | sed 's/^-//' | grep -v '^/sys/')" = /var/lib/prometheus/node-exporter ]
# Every sysfs store in the daemon's source falls inside one of them.
stores=$(grep -ho '"/sys/[^"]*"' "$SRC"/daemon/apply*.c | tr -d '"' | sort -u)
for p in $stores; do
	case $p in
	/sys/bus/%s/drivers/%s/%s) continue ;; # platform (three drivers), dax, cxl: each listed
	/sys/bus/platform/devices | /sys/bus/platform/devices/*) continue ;; # read: driver links
	esac
	ok=no
	for a in $allowed /sys/bus/dax/devices; do case $p in "$a" | "$a"/*) ok=yes ;; esac; done
	check "sysfs path $p in a writable tree" [ $ok = yes ]
done
check "MemoryMax= set" [ -n "$(key MemoryMax)" ]
check "TasksMax= set" [ -n "$(key TasksMax)" ]

# The catalog compiles, and lists exactly the IDs daemon/srd-log.h defines.
mkdir -p $T/root/usr/lib/systemd/catalog
cp "$SRC/systemd/srd.catalog" $T/root/usr/lib/systemd/catalog/
check "journalctl --update-catalog accepts the catalog" journalctl --root=$T/root --update-catalog
journalctl --root=$T/root --list-catalog 2>/dev/null | awk '{print $1}' | sort > $T/catalog.ids
sed -n 's/^#define SRD_MESSAGE_[A-Z_]*[[:space:]]*"\([0-9a-f]\{32\}\)"/\1/p' "$SRC/daemon/srd-log.h" | sort > $T/code.ids
check "catalog and code define the same $(wc -l < $T/code.ids) MESSAGE_IDs" cmp -s $T/catalog.ids $T/code.ids

check "bus policy is well-formed XML" python3 -c "import xml.etree.ElementTree as E; E.parse('$SRC/systemd/org.srd1.conf')"
check "introspection XML is well-formed" python3 -c "import xml.etree.ElementTree as E; E.parse('$SRC/daemon/org.srd1.Manager.xml')"
check "activation file names the unit" grep -qx 'SystemdService=srd.service' "$SRC/systemd/org.srd1.service"

for page in srd.8 srdctl.8 srd.conf.5; do
	if [ -f "$BUILD/man/$page" ]; then
		check "man page $page renders without warnings" \
			bash -c "[ -z \"\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$BUILD/man/$page' 2>&1 >/dev/null)\" ]"
	else
		bad "man page $page was not built"
	fi
done
for c in srd srdctl; do
	check "completion $c parses and registers" bash -c ". '$SRC/shell-completion/$c' && complete -p $c >/dev/null"
done
checks_summary
