#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fails when what srd showed an unprivileged caller carries a physical
address, a serial or the raw evidence (docs/status-json.md, "What
unprivileged callers see").

    no-addresses.py json < DOCUMENT    # a reply: no such keys, no hex in strings but sizes
    no-addresses.py text < OUTPUT      # srdctl's tables: no address-like numbers
"""
import json
import re
import sys

HIDDEN_KEYS = {"start", "end", "range", "serial", "evidence", "resource"}
SIZE_KEYS = {"size", "cxl_bytes", "hmem_bytes", "decoded_bytes", "ram_size", "pmem_size"}
HEX = re.compile(r"0x[0-9a-fA-F]+|\b[0-9a-fA-F]{8,}\b")


def walk(o, path, key, parent, bad):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in HIDDEN_KEYS:
                bad.append(f"{path}.{k} is shown")
            walk(v, f"{path}.{k}", k, key, bad)
    elif isinstance(o, list):
        for i, v in enumerate(o):
            walk(v, f"{path}[{i}]", None, None, bad)
    elif isinstance(o, str):
        # Sizes are shown: the size keys, and the status document's "bytes".
        if key not in SIZE_KEYS and parent != "bytes" and HEX.search(o):
            bad.append(f"{path} = {o!r}")


def main():
    text = sys.stdin.read()
    bad = []
    if sys.argv[1] == "json":
        doc = json.loads(text)
        walk(doc, "$", None, None, bad)
        if doc.get("addresses_hidden") is not True:
            bad.append("addresses_hidden is not true")
    else:
        bad = [line for line in text.splitlines() if HEX.search(line)]
    for b in bad[:10]:
        print("shown to an unprivileged caller:", b, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
