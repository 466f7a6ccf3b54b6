# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the guest image builders (initramfs.sh, sysimage.sh): the
# kernel's CXL and DAX modules with their dependency closure, decompressed,
# with the index depmod writes (udev and modprobe load them by it).

# kernel_of KROOT: sets mbase (where lib/modules lives in the extracted
# package) and kver, indexing the package's modules when it ships no index.
kernel_of() {
	if ls -d "$1"/lib/modules/*/kernel >/dev/null 2>&1; then mbase=$1; else mbase=$1/usr; fi
	kver=$(basename "$(dirname "$(ls -d "$mbase"/lib/modules/*/kernel | head -1)")")
	[ -f "$mbase/lib/modules/$kver/modules.dep" ] || depmod -b "$mbase" "$kver"
}

# copy_modules DEST: the closure into DEST/lib/modules/$kver, then depmod -b DEST.
copy_modules() {
	local dest=$1 m
	local mods="cxl_acpi cxl_pci cxl_mem cxl_pmem cxl_port dax_hmem device_dax kmem dax_pmem dax_cxl nd_pmem libnvdimm"

	for m in $mods; do
		modprobe -C /nonexistent -d "$mbase" -S "$kver" --show-depends "$m" 2>/dev/null || true
	done | awk '$1=="insmod"{print $2}' | sort -u | while read -r f; do
		rel=${f#"$mbase"/lib/modules/$kver/}
		d="$dest/lib/modules/$kver/$(dirname "$rel")"
		mkdir -p "$d"
		case $f in
		*.xz) xz -dc "$f" >"$d/$(basename "$f" .xz)" ;;
		*.zst) zstd -qdc "$f" >"$d/$(basename "$f" .zst)" ;;
		*) cp "$f" "$d/" ;;
		esac
	done
	mkdir -p "$dest/lib/modules/$kver"
	cp "$mbase"/lib/modules/$kver/modules.{builtin,builtin.modinfo,order} "$dest/lib/modules/$kver/" 2>/dev/null || true
	sed -i 's/\.ko\.\(xz\|zst\)$/.ko/' "$dest/lib/modules/$kver/modules.order" 2>/dev/null || true
	depmod -b "$dest" "$kver"
}
