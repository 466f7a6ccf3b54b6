# SPDX-License-Identifier: GPL-2.0-or-later
"""Uevents as udevd rebroadcasts them: netlink multicast group 2 ("udev"),
with the libudev header libudev/sd-device monitors check (prefix, magic,
subsystem hash for their socket filters).  Sent inside the simulation's
private network namespace, so nothing on the host sees them."""

import socket
import struct

NETLINK_KOBJECT_UEVENT = 15
GROUP_UDEV = 2
MAGIC = 0xFEEDCAFE


def murmur2(data, seed=0):
    """MurmurHash2, as systemd's string_hash32() computes it."""
    m, n = 0x5BD1E995, len(data)
    h = (seed ^ n) & 0xFFFFFFFF
    i = 0
    while n >= 4:
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
        i += 4
        n -= 4
    if n == 3:
        h ^= data[i + 2] << 16
    if n >= 2:
        h ^= data[i + 1] << 8
    if n >= 1:
        h ^= data[i]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


class Sender:
    def __init__(self):
        self.seqnum = 1000
        try:
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
            self.sock.bind((0, 0))
        except OSError:
            self.sock = None
        self.sent = []

    def send(self, action, devpath, subsystem, extra=None):
        self.seqnum += 1
        props = {"ACTION": action, "DEVPATH": devpath, "SUBSYSTEM": subsystem,
                 "SEQNUM": str(self.seqnum), "USEC_INITIALIZED": "1"}
        props.update(extra or {})
        body = b"".join(f"{k}={v}".encode() + b"\0" for k, v in props.items())
        hdr = struct.pack("=8sIIIIIIII", b"libudev\0", socket.htonl(MAGIC), 40, 40, len(body),
                          socket.htonl(murmur2(subsystem.encode())), 0, 0, 0)
        self.sent.append((action, devpath, subsystem))
        if self.sock is None:
            return
        try:
            self.sock.sendto(hdr + body, (0, GROUP_UDEV))
        except OSError:
            pass  # ECONNREFUSED when nobody listens: expected for multicast
