#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib/core is the pure half of the library: every symbol its objects need
# from outside must be lib/core's own or a libc function that touches no
# file, clock or process state (memory, strings, formatting into buffers,
# sorting).  A call to open(), read(), getenv() or time() in the decision
# fails here with the object that makes it.
#
#   test-core-pure.sh LIBSRD-CORE.A
set -uo pipefail
. "$(dirname "$0")/checks.sh"
lib=$1

command -v nm >/dev/null || skip_all "nm (binutils) is not installed"

allowed='^(calloc|malloc|realloc|free|mem(chr|cmp|cpy|move|set)|str(casecmp|chr|cmp|cpy|cspn|dup|len|ncasecmp|ncat|ncmp|ncpy|ndup|nlen|pbrk|rchr|spn|str|tod|tok_r|toul|toull|verscmp)|stpn?cpy|(v)?(s)?n?printf|v?asprintf|__isoc99_sscanf|sscanf|qsort|bsearch|fnmatch|__ctype_(b|tolower|toupper)_loc|__stack_chk_fail|__(v)?snprintf_chk|__(v)?sprintf_chk|__(v)?asprintf_chk|__mem(cpy|move|set)_chk|__strn?cat_chk|__strn?cpy_chk|_GLOBAL_OFFSET_TABLE_|__(asan|ubsan|sanitizer|lsan)_.*|__tsan_.*)$'

defined=$(nm --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
check "lib/core has objects" test -n "$defined"

bad_syms=0
obj=
while read -r line; do
	case $line in
	*.o:) obj=${line%:} ;;
	U\ *)
		sym=${line#U }
		grep -qxF "$sym" <<<"$defined" && continue
		[[ $sym =~ $allowed ]] && continue
		bad "lib/core $obj calls $sym, which is not pure"
		bad_syms=$((bad_syms + 1))
		;;
	esac
done < <(nm -u "$lib" 2>/dev/null | sed 's/^ *//')
[ "$bad_syms" -eq 0 ] && ok "every call out of lib/core is to lib/core or a pure libc function"

# The check itself sees an impure call: a test object with open() in it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <fcntl.h>\nint f(void);\nint f(void) { return open("/x", 0); }\n' >"$tmp/impure.c"
if cc -c -o "$tmp/impure.o" "$tmp/impure.c" 2>/dev/null; then
	sym=$(nm -u "$tmp/impure.o" | awk '{ print $2 }' | grep -m1 '^open')
	check "the allowlist refuses open() ($sym)" test -n "$sym" -a -n "$(grep -vE "$allowed" <<<"$sym")"
fi
checks_summary
