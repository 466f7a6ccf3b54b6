#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# srd-memcheck itself: it must pass memory that keeps what is written and fail
# memory that does not (the QEMU truth for an HPA no decoder decodes: writes
# dropped, zeros read), or the real-kernel tier's memory checks prove nothing.
#
#   test-memcheck.sh SRD-MEMCHECK
set -u
. "$(dirname "$0")/checks.sh"
mc=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
truncate -s 8M "$T/mem"
check "a file that keeps writes reads back (pread/pwrite)" "$mc" --io=rw "$T/mem" 8M
check "a file that keeps writes reads back (mmap)" "$mc" "$T/mem" 4M
out=$("$mc" --io=rw /dev/zero 1M)
check "memory that drops writes fails with exit 1" test $? -eq 1
check "and says which word read back wrong" grep -q "FAIL, 131072 of 131072 words read back wrong; first at offset 0x0" <<<"$out"
check "anonymous memory on node 0 lands there and reads back" "$mc" --node 0 8M
"$mc" --node 4000 1M >/dev/null
check "a node that does not exist is an error" test $? -eq 2
"$mc" >/dev/null 2>&1
check "no arguments: usage, exit 2" test $? -eq 2
checks_summary
