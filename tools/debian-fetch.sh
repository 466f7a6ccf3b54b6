#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Downloads Debian packages from any suite (bookworm, bookworm-backports,
# trixie, sid) into a cache and extracts them, without installing anything on
# the host.  The mirror hosts come from this machine's own apt sources; apt
# state lives under the cache directory.  Already-downloaded packages are not
# fetched again.
#
#   debian-fetch.sh CACHE DEST PKG[/SUITE|=VERSION]...
#       download each package into CACHE/debs and extract it into DEST
#   debian-fetch.sh CACHE --resolve EXPR
#       print the newest package name matching an apt-cache search EXPR
set -euo pipefail

cache=${1:?usage: debian-fetch.sh CACHE DEST PKG...}
shift
mkdir -p "$cache"/{debs,apt/lists/partial,apt/cache/archives/partial}
cache=$(realpath "$cache")

mirrors() {
	local src=/etc/apt/sources.list.d/debian.sources
	if [ -r "$src" ]; then
		MAIN=$(awk '/^URIs:/{u=$2} /^Suites:/ && $0 !~ /security/ {print u; exit}' "$src")
		SEC=$(awk '/^URIs:/{u=$2} /^Suites:/ && /security/ {print u; exit}' "$src")
	elif [ -r /etc/apt/sources.list ]; then
		MAIN=$(awk '$1=="deb" && $3 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
		SEC=$(awk '$1=="deb" && $3 ~ /security/ {print $2; exit}' /etc/apt/sources.list)
	fi
	if [ -z "${MAIN:-}" ] || [ -z "${SEC:-}" ]; then
		echo "debian-fetch.sh: cannot read the Debian mirrors from this machine's apt sources" >&2
		exit 1
	fi
}

if [ ! -f "$cache/apt/apt.conf" ]; then
	mirrors
	cat > "$cache/apt/sources.list" <<S
deb $MAIN bookworm main
deb $SEC bookworm-security main
deb $MAIN bookworm-backports main
deb $MAIN trixie main
deb $MAIN sid main
S
	cat > "$cache/apt/apt.conf" <<S
Dir::Etc::SourceList "$cache/apt/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::State::Lists "$cache/apt/lists";
Dir::Cache "$cache/apt/cache";
Dir::State::status "/var/lib/dpkg/status";
APT::Sandbox::User "root";
S
fi
export APT_CONFIG=$cache/apt/apt.conf
# Refresh the package lists at most once a day.
if [ -z "$(find "$cache/apt/lists" -maxdepth 1 -name '*Packages*' -mtime -1 -print -quit)" ]; then
	apt-get -q update >/dev/null
fi

if [ "${1:-}" = --resolve ]; then
	apt-cache search "${2:?}" | awk '{print $1}' | grep -E "${2}" | sort -V | tail -1
	exit 0
fi

dest=${1:?usage: debian-fetch.sh CACHE DEST PKG...}
shift
mkdir -p "$dest"
for spec in "$@"; do
	name=${spec%%[/=]*}
	stamp="$cache/debs/.got-$(echo "$spec" | tr '/=' '__')"
	if [ ! -f "$stamp" ]; then
		(cd "$cache/debs" && apt-get -q download "$spec" >/dev/null) ||
			{ echo "debian-fetch.sh: download failed: $spec" >&2; exit 1; }
		ls -t "$cache/debs/${name}_"*.deb | head -1 > "$stamp"
	fi
	dpkg-deb -x "$(cat "$stamp")" "$dest"
done
