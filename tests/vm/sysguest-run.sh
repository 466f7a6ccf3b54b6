#!/bin/sh
# The systemd guest's test runner (srd-vmtest.service, installed by
# sysimage.sh): once systemd says the boot is over, records how it went, runs
# /scenario*.sh from the overlay, dumps the kernel log and powers off through
# systemd.  "@@@" lines mark sections for the host, as the light guest's init
# does; the scenarios are the same kind of shell fragments.
export PATH=/usr/sbin:/usr/bin
# systemctl and journalctl on a serial console: no pager, colours or links.
export SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 SYSTEMD_URLIFY=0 TERM=dumb
sec() { echo; echo "@@@ $*"; }
sec "BOOT $(uname -r) cmdline: $(cat /proc/cmdline)"
state=$(timeout 200 systemctl is-system-running --wait 2>&1)
sec "SYSTEM $state (pid 1: $(cat /proc/1/comm))"
systemctl --failed --no-legend --plain --no-pager
[ -f /scenario.env ] && . /scenario.env
for s in /scenario*.sh; do [ -f "$s" ] && { sec "SCENARIO $s"; . "$s"; }; done
sec "DMESG"
dmesg
sec "END"
sync
systemctl poweroff --no-block
