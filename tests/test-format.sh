#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every C file in the tree is as clang-format (.clang-format at the top)
# would write it: one check a file, the first differing lines shown.  To fix
# a file: clang-format -i FILE.  And no file of daemon/ or lib/ is longer
# than 800 lines: a module that grows past that is two modules.
#
#   test-format.sh SOURCE-ROOT
set -uo pipefail
. "$(dirname "$0")/checks.sh"
top=$1

cd "$top" || exit 1
for f in $(git ls-files -- 'daemon/*.[ch]' 'lib/*.[ch]' 2>/dev/null || find daemon lib -name '*.[ch]'); do
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || bad "$f has $n lines, more than 800"
done
[ "$n_bad" -eq 0 ] && ok "every file of daemon/ and lib/ has at most 800 lines"

cf=$(command -v clang-format || command -v clang-format-14)
if [ -z "$cf" ]; then
	skip_all "clang-format is not installed (tools/install-deps.sh installs it)"
fi
mapfile -t files < <(git ls-files -- '*.c' '*.h' 2>/dev/null || find daemon lib tests bench -name '*.[ch]')
check "there are C files to check" [ "${#files[@]}" -gt 0 ]
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	if d=$("$cf" --style=file "$f" | diff -u "$f" - | sed -n '4,12p'); [ -z "$d" ]; then
		ok "$f is formatted"
	else
		bad "$f is not formatted (clang-format -i $f):"
		sed 's/^/#   /' <<<"$d"
	fi
done
checks_summary
