#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs everything srd's build and tests need on Debian 12 (root).  Safe to
# run again: apt-get skips what is installed and the fetch cache is reused.
set -euo pipefail
here=$(dirname "$(realpath "$0")")

packages=(
	# build
	build-essential meson ninja-build pkg-config clang clang-format
	libcxl-dev libdaxctl-dev libudev-dev libsystemd-dev libjson-c-dev
	# man pages, the completions directory
	scdoc bash-completion man-db groff-base
	# tests: sanitizer runtime, the simulated platform, D-Bus, systemd tools
	libclang-rt-14-dev python3 python3-fusepy fuse3 util-linux
	# the metrics file read by Prometheus' own text-format parser
	python3-prometheus-client
	dbus systemd udev ndctl daxctl acpica-tools
	# the Cockpit page's browser test: cockpit-ws serves it, Chromium renders it
	cockpit-ws cockpit-bridge cockpit-system chromium chromium-driver python3-selenium
	# the real-kernel tier (downloads kernels; QEMU from bookworm-backports)
	qemu-system-x86 busybox-static cpio xz-utils zstd kmod
	# the fetch helper
	apt-utils dpkg ca-certificates
	# the Debian package (tests/test-deb.sh): build, lintian, a clean root
	dpkg-dev debhelper devscripts fakeroot lintian debootstrap debian-archive-keyring gpgv
)

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root" >&2
	exit 1
fi
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update
	apt-get -q install -y --no-install-recommends "${missing[@]}"
fi

# Bookworm's iasl predates CEDT; trixie's runs here with trixie's libc.
if ! "$here/iasl" -v >/dev/null 2>&1; then
	"$here/debian-fetch.sh" /var/cache/srd-fetch /var/cache/srd-fetch/acpica \
		acpica-tools/trixie libc6/trixie
fi
