# SPDX-License-Identifier: GPL-2.0-or-later
# The check counters the shell tests share: TAP lines "ok N - WHAT" /
# "not ok N - WHAT", then the plan "1..N" and a "# N passed, N failed"
# summary.  Sourced.
n_ok=0
n_bad=0
ok() { n_ok=$((n_ok + 1)); echo "ok $((n_ok + n_bad)) - $*"; }
bad() { n_bad=$((n_bad + 1)); echo "not ok $((n_ok + n_bad)) - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
# Prints the plan and the summary; fails when any check did.
checks_summary() {
	echo "1..$((n_ok + n_bad))"
	echo "# $n_ok passed, $n_bad failed"
	[ $n_bad -eq 0 ]
}
