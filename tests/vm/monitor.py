#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs run.sh with a QEMU monitor and carries out what the guest asks of the
host: a console line "@@@ HOST <HMP command>" is sent to the monitor (device_del,
object_add, device_add: hot removal and insertion of a type-3 device), and
"@@@ HOST-DONE <command>: <reply>" is printed for the log.  Everything else
passes through.

    monitor.py run.sh [run.sh options] SCENARIO...
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def hmp(path, cmd):
    s = socket.socket(socket.AF_UNIX)
    for _ in range(50):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    s.settimeout(1.5)
    out = b""
    try:
        out += s.recv(65536)  # the banner and prompt
    except OSError:
        pass
    s.sendall((cmd + "\n").encode())
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            d = s.recv(65536)
        except OSError:
            break
        if not d:
            break
        out += d
        if out.rstrip().endswith(b"(qemu)") and out.count(b"(qemu)") >= 2:
            break
    s.close()
    text = ANSI.sub("", out.decode(errors="replace"))
    # The reply is what follows the echoed command, before the next prompt.
    lines = [l.strip() for l in text.split("\n") if l.strip() and "(qemu)" not in l and "QEMU" not in l]
    return " | ".join(lines[-2:]) if lines else "ok"


def main():
    d = tempfile.mkdtemp()
    sock = os.path.join(d, "monitor")
    p = subprocess.Popen([sys.argv[1], "-M", sock] + sys.argv[2:], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    for line in p.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = re.match(r"^@@@ HOST (.*)$", line.strip())
        if m:
            reply = hmp(sock, m.group(1))
            print(f"@@@ HOST-DONE {m.group(1)}: {reply}", flush=True)
    rc = p.wait()
    try:
        os.unlink(sock)
        os.rmdir(d)
    except OSError:
        pass
    sys.exit(rc)


if __name__ == "__main__":
    main()
