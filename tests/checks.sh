# SPDX-License-Identifier: GPL-2.0-or-later
# The check counters every shell test shares, in TAP (meson runs these tests
# with protocol 'tap'): "ok N - WHAT" / "not ok N - WHAT", a check that could
# not run "ok N - WHAT # SKIP WHY", then the plan "1..N" and a summary line.
# A test that cannot run at all says why with skip_all.  Sourced.
n_ok=0
n_bad=0
n_skip=0
_n() { echo $((n_ok + n_bad + n_skip)); }
ok() { n_ok=$((n_ok + 1)); echo "ok $(_n) - $*"; }
bad() { n_bad=$((n_bad + 1)); echo "not ok $(_n) - $*"; }
skip() { # skip WHAT WHY: a check that could not run here, and why
	n_skip=$((n_skip + 1))
	echo "ok $(_n) - $1 # SKIP $2"
}
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
# skip_all WHY: nothing (more) here can run (no root, a tool missing); says
# so and exits.  After checks ran, the rest is one skipped check.
skip_all() {
	if [ "$(_n)" -gt 0 ]; then
		skip "the remaining checks" "$*"
		checks_summary
		exit
	fi
	echo "1..0 # SKIP $*"
	exit 0
}
# checks_nested PREFIX COMMAND...: runs COMMAND, whose TAP output (its own
# numbering and plan) becomes checks of this test named "PREFIX: WHAT"; its
# other lines are kept as comments.  A command that fails without a failed
# check counts as one.  Returns the command's status.
checks_nested() {
	local prefix=$1 line rc bad_before=$n_bad
	shift
	while IFS= read -r line; do
		if [[ $line =~ ^ok\ +[0-9]*\ *-?\ *(.*)\ \#\ *SKIP\ *(.*)$ ]]; then
			skip "$prefix: ${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
		elif [[ $line =~ ^ok\ +[0-9]*\ *-?\ *(.*)$ ]]; then
			ok "$prefix: ${BASH_REMATCH[1]}"
		elif [[ $line =~ ^not\ ok\ +[0-9]*\ *-?\ *(.*)$ ]]; then
			bad "$prefix: ${BASH_REMATCH[1]}"
		elif [[ $line =~ ^1\.\.[0-9]+ ]]; then
			[[ $line == *SKIP* ]] && skip "$prefix" "${line#*SKIP }"
		else
			echo "# ${line#\# }"
		fi
	done < <("$@" 2>&1)
	wait $! 2>/dev/null
	rc=$?
	[ $rc -ne 0 ] && [ $n_bad -eq $bad_before ] && bad "$prefix: exited with status $rc"
	return $rc
}
# Prints the plan and the summary; fails when any check did.
checks_summary() {
	echo "1..$(_n)"
	echo "# $n_ok passed, $n_bad failed, $n_skip skipped"
	[ $n_bad -eq 0 ]
}
