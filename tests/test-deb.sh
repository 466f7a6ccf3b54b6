#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package.  Builds it with dpkg-buildpackage from a clean copy of
# the source tree (the files git knows, none of the build directories), runs
# lintian on the result (any error or warning that debian/*.lintian-overrides
# does not override fails), then installs the .deb with apt-get into a clean
# Debian 12 minbase root made by debootstrap, runs srd and srdctl there, checks
# the installed files, the enabled unit, the tmpfiles entry and the catalog
# database the systemd trigger rebuilds, and that purging leaves nothing.
#
# The base root is made once from the mirror in this machine's apt sources and
# kept as a tarball in /var/cache/srd-deb ($SRD_DEB_CACHE), with the packages
# apt-get downloaded into it.  Skips (77) without root, without the tools
# tools/install-deps.sh installs, or when the archive is unreachable.
#
#   test-deb.sh SRC
set -uo pipefail
SRC=$(realpath "${1:?usage: test-deb.sh SRC}")
CACHE=${SRD_DEB_CACHE:-/var/cache/srd-deb}
SUITE=bookworm

. "$SRC/tests/checks.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (debootstrap, chroot)"
for t in dpkg-buildpackage dpkg-parsechangelog dh lintian debootstrap unshare chroot; do
	command -v $t >/dev/null || skip_all "no $t (tools/install-deps.sh installs it)"
done
# A private mount namespace: the root's /proc goes away with the test however
# it ends.
if [ -z "${SRD_DEB_UNSHARED:-}" ]; then
	SRD_DEB_UNSHARED=1 exec unshare --mount --propagation private "$0" "$@"
fi

. "$SRC/tests/checks.sh"
T=$(mktemp -d /var/tmp/srd-deb.XXXXXX)
R=$T/root
cleanup() {
	umount "$R/proc" "$T/base/proc" 2>/dev/null
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT
now() { date +%s; }
# Runs a command inside ROOT with a clean environment.
enter() { # enter ROOT COMMAND...
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
# apt-get in the root; dpkg's output goes straight to the log (no /dev/pts there).
apt_get() { # apt_get ROOT ARG...
	local root=$1
	shift
	enter "$root" apt-get -q -o Dpkg::Use-Pty=0 "$@"
}
indent() { sed "s/^/# $1/"; }
not() { ! "$@"; }

# The Debian mirrors this machine's apt uses (as tools/debian-fetch.sh reads them).
MAIN= SEC=
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
	MAIN=$(awk '/^URIs:/{u=$2} /^Suites:/ && $0 !~ /security/ {print u; exit}' /etc/apt/sources.list.d/debian.sources)
	SEC=$(awk '/^URIs:/{u=$2} /^Suites:/ && /security/ {print u; exit}' /etc/apt/sources.list.d/debian.sources)
elif [ -r /etc/apt/sources.list ]; then
	MAIN=$(awk '$1=="deb" && $3 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
	SEC=$(awk '$1=="deb" && $3 ~ /security/ {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$MAIN" ] || skip_all "cannot read a Debian mirror from this machine's apt sources"
write_sources() { # write_sources ROOT
	{
		echo "deb $MAIN $SUITE main"
		echo "deb $MAIN $SUITE-updates main"
		[ -z "$SEC" ] || echo "deb $SEC $SUITE-security main"
	} > "$1/etc/apt/sources.list"
	cp /etc/resolv.conf "$1/etc/resolv.conf"
}

# --- build from a clean copy of the tree
version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
meson_version=$(sed -n "s/^[[:space:]]*version : '\([^']*\)',\$/\1/p" "$SRC/meson.build" | head -1)
check "debian/changelog's version $version is meson.build's ($meson_version)" [ "$version" = "$meson_version" ]
B=$T/build/srd-$version
mkdir -p "$B"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked and untracked files, minus what .gitignore names (build*/).
	git -C "$SRC" ls-files -z --cached --others --exclude-standard |
		tar -C "$SRC" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$B" -xf -
else
	tar -C "$SRC" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$B" -xf -
fi
check "the copy of the tree has debian/ and no build directory" \
	bash -c "[ -x '$B/debian/rules' ] && ! ls -d '$B'/build* 2>/dev/null | grep -q ."
t0=$(now)
(cd "$B" && DEB_BUILD_OPTIONS="parallel=$(nproc)" nice dpkg-buildpackage -us -uc -b) > "$T/build.log" 2>&1
rc=$?
echo "# dpkg-buildpackage: $(($(now) - t0)) s"
check "dpkg-buildpackage -us -uc -b succeeds" [ $rc = 0 ]
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$T/build/srd_${version}_$arch.deb
cdeb=$T/build/srd-cockpit_${version}_all.deb
changes=$T/build/srd_${version}_$arch.changes
if [ $rc != 0 ] || [ ! -f "$deb" ]; then
	tail -60 "$T/build.log" | indent "build: "
	checks_summary
	exit 1
fi
grep -E '^[0-9]+/[0-9]+ ' "$T/build.log" | indent "dh_auto_test: "

# Overridden tags are shown (O:) with their comments (N:), and do not fail.
lintian --fail-on error,warning -I --show-overrides "$changes" > "$T/lintian.out" 2>&1
rc=$?
grep -v 'running with root privileges' "$T/lintian.out" > "$T/lintian.tags"
[ -s "$T/lintian.tags" ] || echo "(no tags)" > "$T/lintian.tags"
indent "lintian: " < "$T/lintian.tags"
check "lintian: no error or warning that is not overridden" [ $rc = 0 ]
check "lintian printed no E: or W: line" not grep -qE '^[EW]: ' "$T/lintian.out"
check "lintian: every tag it shows is overridden and explained" not grep -qE '^[EWI]: ' "$T/lintian.out"

# --- a clean Debian 12 root, made once
base=$CACHE/$SUITE-minbase.tar.gz
mkdir -p "$CACHE/archives"
if [ ! -f "$base" ]; then
	t0=$(now)
	debootstrap --variant=minbase "$SUITE" "$T/base" "$MAIN" > "$T/debootstrap.log" 2>&1 || {
		tail -5 "$T/debootstrap.log" | indent "debootstrap: "
		checks_summary
		skip_all "debootstrap from $MAIN failed: the archive is unreachable?"
	}
	# Services are never started in the root.
	printf '#!/bin/sh\nexit 101\n' > "$T/base/usr/sbin/policy-rc.d"
	chmod 755 "$T/base/usr/sbin/policy-rc.d"
	write_sources "$T/base"
	mount -t proc proc "$T/base/proc"
	apt_get "$T/base" update > "$T/base-update.log" 2>&1
	apt_get "$T/base" clean
	umount "$T/base/proc"
	tar -C "$T/base" --one-file-system -czf "$base.new" . && mv "$base.new" "$base"
	rm -rf --one-file-system "$T/base"
	echo "# base root: debootstrap --variant=minbase $SUITE, $(($(now) - t0)) s, cached in $base"
else
	echo "# base root: cached $base"
fi
mkdir "$R"
tar -C "$R" -xzf "$base" || { bad "unpack $base"; checks_summary; exit 1; }
write_sources "$R"
mount -t proc proc "$R/proc"
# Without the archive apt-get update keeps the cached lists; then only the
# cached packages can be installed, and their absence is a skip.
offline=0
if ! apt_get "$R" update > "$T/update.log" 2>&1 || grep -qE '^(W|E): ' "$T/update.log"; then
	offline=1
	grep -E '^(W|E): ' "$T/update.log" | indent "apt-get update: "
	echo "# the archive is unreachable: using the lists and packages cached in $CACHE"
fi
unreachable() { # unreachable LOG: when offline, a failed install is a skip
	[ $offline = 1 ] || return 0
	tail -5 "$1" | indent "apt-get: "
	checks_summary
	skip_all "the archive $MAIN is unreachable and $CACHE lacks packages"
}

# The packages earlier runs downloaded, so only new ones are fetched.
cp -l "$CACHE"/archives/*.deb "$R/var/cache/apt/archives/" 2>/dev/null ||
	cp "$CACHE"/archives/*.deb "$R/var/cache/apt/archives/" 2>/dev/null
keep_downloads() { cp -n "$R"/var/cache/apt/archives/*.deb "$CACHE/archives/" 2>/dev/null; }

# systemd first, as on any machine srd is for: then srd's postinst finds
# systemd-tmpfiles and systemd's catalog trigger is in place.
t0=$(now)
apt_get "$R" install -y --no-install-recommends systemd > "$T/systemd.log" 2>&1
rc=$?
keep_downloads
[ $rc = 0 ] || unreachable "$T/systemd.log"
check "apt-get installs systemd in the clean root" [ $rc = 0 ]
[ $rc = 0 ] || tail -20 "$T/systemd.log" | indent "apt-get: "
cp "$deb" "$R/tmp/"
apt_get "$R" install -y --no-install-recommends "/tmp/$(basename "$deb")" > "$T/install.log" 2>&1
rc=$?
keep_downloads
rm -f "$R/tmp/$(basename "$deb")"
[ $rc = 0 ] || unreachable "$T/install.log"
echo "# installing: $(($(now) - t0)) s"
check "apt-get installs srd and its dependencies" [ $rc = 0 ]
[ $rc = 0 ] || tail -30 "$T/install.log" | indent "apt-get: "
# What apt-get added, and srd's maintainer scripts at work.
awk '/NEW packages/{n=1; next} n && /^  /{print; next} {n=0} /srd/' "$T/install.log" | indent "install: "
problems='^(W|E): |warning: |error: '
grep -iE "$problems" "$T/install.log" | indent "install: "
check "installing prints no warning or error" not grep -qiE "$problems" "$T/install.log"

out=$(enter "$R" srd --version 2>&1)
check "srd --version prints $version ($out)" [ "$out" = "srd $version" ]
out=$(enter "$R" srd --check-config 2>&1)
rc=$?
check "srd --check-config accepts the installed configuration" [ $rc = 0 ]
[ $rc = 0 ] || echo "$out" | indent "srd: "
check "srdctl --help" enter "$R" sh -c 'srdctl --help >/dev/null'
for f in /lib/systemd/system/srd.service /usr/lib/systemd/catalog/srd.catalog \
	/usr/share/dbus-1/system.d/org.srd1.conf /usr/share/dbus-1/system-services/org.srd1.service \
	/usr/lib/tmpfiles.d/srd.conf /usr/share/srd/srd.conf /usr/share/man/man8/srd.8.gz \
	/usr/share/man/man8/srdctl.8.gz /usr/share/man/man5/srd.conf.5.gz \
	/usr/share/bash-completion/completions/srdctl; do
	check "$f is installed" enter "$R" test -f "$f"
done
out=$(enter "$R" systemctl is-enabled srd.service 2>&1)
check "systemctl is-enabled srd.service: enabled ($out)" [ "$out" = enabled ]

# --- the Cockpit page, its own package
check "srd-cockpit was built" test -f "$cdeb"
cp "$cdeb" "$R/tmp/"
apt_get "$R" install -y --no-install-recommends "/tmp/$(basename "$cdeb")" > "$T/cockpit.log" 2>&1
rc=$?
keep_downloads
rm -f "$R/tmp/$(basename "$cdeb")"
check "apt-get installs srd-cockpit and cockpit-bridge" [ $rc = 0 ]
[ $rc = 0 ] || tail -20 "$T/cockpit.log" | indent "apt-get: "
for f in manifest.json index.html srd.js srd.css; do
	check "/usr/share/cockpit/srd/$f is installed" enter "$R" test -f "/usr/share/cockpit/srd/$f"
done
check "the manifest parses" enter "$R" sh -c 'python3 -c "import json; json.load(open(\"/usr/share/cockpit/srd/manifest.json\"))" 2>/dev/null || grep -q "\"menu\"\|\"tools\"" /usr/share/cockpit/srd/manifest.json'
apt_get "$R" purge -y srd-cockpit > "$T/cockpit-purge.log" 2>&1
check "apt-get purge srd-cockpit" [ $? = 0 ]
check "the tmpfiles entry made /var/lib/srd and /run/srd" enter "$R" test -d /var/lib/srd -a -d /run/srd
id=$(sed -n 's/^-- \([0-9a-f]\{32\}\)$/\1/p' "$SRC/systemd/srd.catalog" | head -1)
# grep reads all of it: with -q, journalctl could die of SIGPIPE and pipefail
# would report that.
catalog_has_srd() { enter "$R" journalctl --list-catalog 2>/dev/null | grep "^$id" >/dev/null; }
check "the catalog trigger put srd's messages in journald's database" catalog_has_srd

# --- purge
apt_get "$R" purge -y srd > "$T/purge.log" 2>&1
rc=$?
check "apt-get purge srd" [ $rc = 0 ]
[ $rc = 0 ] || tail -20 "$T/purge.log" | indent "apt-get: "
check "dpkg no longer knows srd" not enter "$R" sh -c 'dpkg-query -W srd 2>/dev/null' 
out=$(enter "$R" systemctl is-enabled srd.service 2>&1)
check "systemctl is-enabled srd.service: no longer enabled" [ "$out" != enabled ]
left=$(find "$R" -xdev \( -name '*srd*' -o -name 'org.srd1*' \) | sed "s|^$R||")
check "purging leaves no file named after srd${left:+: $left}" [ -z "$left" ]
check "the catalog trigger took srd's messages out of the database" not catalog_has_srd
checks_summary
