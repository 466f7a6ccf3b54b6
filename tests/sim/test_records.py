#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The typed records and the control file `state`: each record the state
lists shows its fields there, and reads back from it as the same record."""

import dataclasses
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from records import DaxDevice, Decoder, HmemDevice, Region, Window  # noqa: E402
from testlib import REGION, WINDOW, Sim, main, platform  # noqa: E402


def sims():
    """A CXL region with its dax device (6.12), an hmem device beside a region
    that lost its dax region (7.2), and an uncommitted region (6.12)."""
    cxl = Sim(behaviour="defer-always")
    hmem = Sim(behaviour="resolve-once", soft_reserved=[{"start": hex(WINDOW), "size": hex(2 * REGION)}])
    fresh = Sim(behaviour="defer-always")
    fresh.write("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/create_ram_region", "region1")
    return [cxl, hmem, fresh]


def state(s):
    return json.loads(json.dumps(s.k.state()))  # through the text the control file serves


class RoundTrip(unittest.TestCase):
    def test_the_platforms_have_every_kind(self):
        kinds = [(len(s.k.regions), len(s.k.hmem), len(s.k.dax)) for s in sims()]
        self.assertEqual(kinds, [(1, 0, 1), (1, 1, 1), (2, 0, 1)])

    def test_regions(self):
        for s in sims():
            st = state(s)
            dax = {d["name"]: DaxDevice.from_state(d) for d in st["dax"]}
            for r, got in zip(s.k.regions, st["regions"], strict=True):
                self.assertEqual(got["name"], r.name)
                self.assertEqual(got["dax"], r.dax.name if r.dax else None)
                back = Region.from_state(got, window=r.window, dax=dax)
                for f in Region.STATE:
                    self.assertEqual(getattr(back, f), getattr(r, f), f)
                self.assertEqual(back.state(), got)

    def test_decoders(self):
        for s in sims():
            got = state(s)["decoders"]
            mine = {d.name: (m, d) for m in s.k.memdevs for d in m.decoders}
            self.assertEqual(sorted(got), sorted(mine))
            for name, (m, d) in mine.items():
                back = Decoder.from_state(name, got[name])
                self.assertEqual((back.port_id, back.idx, back.name), (d.port_id, d.idx, d.name))
                self.assertEqual(back.state(), d.state())
                self.assertEqual((got[name]["memdev"], got[name]["visible"]), (m.name, s.k.endpoint_visible(m)))

    def test_hmem_devices(self):
        for s in sims():
            for h, got in zip(s.k.hmem, state(s)["hmem"], strict=True):
                back = HmemDevice.from_state(got)
                self.assertEqual((back.name, back.id, back.start, back.end, back.bound),
                                 (h.name, h.id, h.start, h.end, h.bound))

    def test_dax_devices(self):
        for s in sims():
            for d, got in zip(s.k.dax, state(s)["dax"], strict=True):
                self.assertEqual(got["online"], s.k.dax_online(d))
                back = DaxDevice.from_state(got, node=d.node)
                self.assertEqual(dataclasses.asdict(back), dataclasses.asdict(d))

    def test_memdevs(self):
        for s in sims():
            for m, got in zip(s.k.memdevs, state(s)["memdevs"], strict=True):
                self.assertEqual(got, dict(m.state(), endpoint=s.k.endpoint_visible(m)))
                self.assertEqual((got["name"], got["serial"]), ("mem0", 0x1000))


class Typed(unittest.TestCase):
    def test_platform_records(self):
        p = platform()
        self.assertEqual(p.windows, [Window(start=WINDOW, end=WINDOW + (4 << 30) - 1, targets=(0,), node=1)])
        self.assertEqual((p.windows[0].ways, p.windows[0].size), (1, 4 << 30))
        self.assertEqual(p.host_bridges[0].uid, 0)
        self.assertEqual((p.memdevs[0].name, p.memdevs[0].ram), ("mem0", 256 << 20))
        self.assertEqual((p.region_desc[0].start, p.region_desc[0].size), (WINDOW, REGION))

    def test_platform_records_are_frozen(self):
        with self.assertRaises(dataclasses.FrozenInstanceError):
            platform().windows[0].start = 0

    def test_kernel_records_are_dataclasses(self):
        s = Sim(kmem=True)
        objs = [s.k.regions[0], s.k.memdevs[0], s.k.memdevs[0].decoders[0], s.k.dax[0],
                next(iter(s.k.blocks.values())), next(iter(s.k.host_ports.values()))]
        for o in objs:
            self.assertTrue(dataclasses.is_dataclass(o), type(o).__name__)
        self.assertEqual(dataclasses.asdict(next(iter(s.k.blocks.values()))),
                         {"online": True, "zone": "Movable", "node": 1})


if __name__ == "__main__":
    main(__name__)
