# SPDX-License-Identifier: GPL-2.0-or-later
# The check counters the shell tests share: "ok - WHAT" / "not ok - WHAT"
# lines and a "# N passed, N failed" summary.  Sourced.
n_ok=0
n_bad=0
ok() { echo "ok - $*"; n_ok=$((n_ok + 1)); }
bad() { echo "not ok - $*"; n_bad=$((n_bad + 1)); }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
# Prints the summary; fails when any check did.
checks_summary() {
	echo "# $n_ok passed, $n_bad failed"
	[ $n_bad -eq 0 ]
}
