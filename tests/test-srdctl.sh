#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# srdctl without a daemon: policy-check for configuration-management dry runs
# (host facts given, from a file, or this host's), its errors, and the exit
# codes a script relies on (usage 2, srd not running 3).
#
#   test-srdctl.sh SRDCTL SRC
set -uo pipefail
SRDCTL=$1 SRC=$2
F=$SRC/tests/fixtures/conf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$SRC/tests/checks.sh"
field() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

$SRDCTL policy-check $F/good-full.conf --host-facts hostname=db-7,kernel-release=6.12.3 --json > $T/db.json
check "db-7 on 6.12 gets the [Match] scope's prefer-cxl" \
	[ "$(field $T/db.json "d['mode']['value'], d['mode']['origin'].endswith('good-full.conf:36')")" = "prefer-cxl True" ]
check "the host facts are echoed" [ "$(field $T/db.json "d['host']['hostname'], d['host']['kernel_release']")" = "db-7 6.12.3" ]
$SRDCTL policy-check $F/good-full.conf --host-facts hostname=db-7,kernel-release=6.6.1 --json > $T/old.json
check "db-7 on 6.6 does not match KernelRelease=>=6.12" [ "$(field $T/old.json "d['mode']['value']")" = per-range ]
$SRDCTL policy-check $F/good-full.conf --host-facts hostname=web-1 --json > $T/web.json
check "web-1 keeps per-range" [ "$(field $T/web.json "d['mode']['value']")" = per-range ]
printf '# facts of a fleet host\nhostname=db-9\ndmi-product-name=Other Box\nkernel-release=7.2.0\n' > $T/facts
$SRDCTL policy-check $F/good-full.conf --host-facts $T/facts --json > $T/file.json
check "facts from a file: the later [Match] (DMIProductName=Other*) wins" \
	[ "$(field $T/file.json "d['mode']['value']")" = audit ]
$SRDCTL policy-check $F/good-full.conf --host-facts hostname=db-7,kernel-release=6.12.3 > $T/human.out
check "human output names the origin" grep -q "Mode=  *prefer-cxl  *.*good-full.conf:36" $T/human.out
$SRDCTL policy-check $F/bad-mode.conf > /dev/null 2> $T/bad.err
check "a bad file exits 1" [ $? = 1 ]
check "... naming file and line" grep -q "bad-mode.conf:[0-9]*: Mode=" $T/bad.err
$SRDCTL policy-check $F/good-full.conf --host-facts colour=blue > /dev/null 2> $T/facts.err
check "an unknown host fact exits 2" [ $? = 2 ]
check "... and says which" grep -q "'colour=blue'" $T/facts.err
printf 'hostname=db-9\n\nrack=12\n' > $T/badfacts
$SRDCTL policy-check $F/good-full.conf --host-facts $T/badfacts > /dev/null 2> $T/badfacts.err
check "a bad line in a facts file exits 2" [ $? = 2 ]
check "... naming file and line" grep -q "badfacts:3: 'rack=12'" $T/badfacts.err
$SRDCTL policy-check $F/good-full.conf --host-facts $T/no-such-facts > /dev/null 2> $T/nofacts.err
check "a missing facts file exits 2" [ $? = 2 ]
check "... naming it" grep -q "no-such-facts: No such file" $T/nofacts.err
$SRDCTL policy-check $T/missing.conf > /dev/null 2>&1
check "a missing file exits 1" [ $? = 1 ]
$SRDCTL > /dev/null 2>&1
check "no verb exits 2" [ $? = 2 ]
$SRDCTL frobnicate > /dev/null 2>&1
check "an unknown verb exits 2" [ $? = 2 ]
$SRDCTL status --dry-run > /dev/null 2>&1
check "an option that does not fit the verb exits 2" [ $? = 2 ]
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-bus $SRDCTL status > /dev/null 2> $T/nobus.err
check "no bus: exit 3" [ $? = 3 ]
check "... saying so" grep -q "cannot connect to the system bus\|not running" $T/nobus.err
checks_summary
