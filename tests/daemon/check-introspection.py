#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The running daemon's org.srd1.Manager matches the XML in the tree: the same
methods with the same arguments, the same properties with the same types and
access, the same signals.  Annotations and documentation are not compared.

    check-introspection.py daemon/org.srd1.Manager.xml
"""
import subprocess
import sys
import xml.etree.ElementTree as ET

IFACE = "org.srd1.Manager"


def shape(xml_text):
    root = ET.fromstring(xml_text)
    iface = next(i for i in root.iter("interface") if i.get("name") == IFACE)
    out = set()
    for m in iface.findall("method"):
        out.add(("method", m.get("name"),
                 tuple((a.get("type"), a.get("direction", "in")) for a in m.findall("arg"))))
    for p in iface.findall("property"):
        out.add(("property", p.get("name"), p.get("type"), p.get("access")))
    for s in iface.findall("signal"):
        out.add(("signal", s.get("name"), tuple(a.get("type") for a in s.findall("arg"))))
    return out


def main():
    want = shape(open(sys.argv[1]).read())
    live = subprocess.run(["busctl", "introspect", "--xml-interface", "org.srd1", "/org/srd1"],
                          check=True, capture_output=True, text=True).stdout
    got = shape(live)
    for x in sorted(want - got, key=str):
        print("in the XML, not in the daemon:", x)
    for x in sorted(got - want, key=str):
        print("in the daemon, not in the XML:", x)
    sys.exit(0 if want == got else 1)


if __name__ == "__main__":
    main()
