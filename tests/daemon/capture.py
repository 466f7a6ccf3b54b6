#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Stands in for journald and for systemd's notify socket in daemon tests.

    capture.py JOURNAL_SOCKET JOURNAL_OUT NOTIFY_SOCKET NOTIFY_OUT

Binds both datagram sockets and appends what arrives, one JSON object a line:
journal entries as {FIELD: value} (the native protocol, both the KEY=VALUE
and the binary length-prefixed form), notify messages as {"t": seconds since
start, "lines": [...]}.  Runs until killed.
"""
import json
import os
import select
import socket
import struct
import sys
import time


def parse_journal(data):
    fields, i = {}, 0
    while i < len(data):
        nl = data.find(b"\n", i)
        if nl < 0:
            nl = len(data)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            fields[k.decode()] = v.decode(errors="replace")
            i = nl + 1
        else:
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            fields[line.decode()] = data[nl + 9:nl + 9 + n].decode(errors="replace")
            i = nl + 9 + n + 1
    return fields


def bind(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    return s


def main():
    jpath, jout, npath, nout = sys.argv[1:5]
    js, ns = bind(jpath), bind(npath)
    t0 = time.monotonic()
    with open(jout, "a") as jf, open(nout, "a") as nf:
        while True:
            ready, _, _ = select.select([js, ns], [], [])
            for s in ready:
                data = s.recv(1 << 20)
                if s is js:
                    jf.write(json.dumps(parse_journal(data)) + "\n")
                    jf.flush()
                else:
                    nf.write(json.dumps({"t": round(time.monotonic() - t0, 3),
                                         "lines": data.decode().split("\n")}) + "\n")
                    nf.flush()


if __name__ == "__main__":
    main()
