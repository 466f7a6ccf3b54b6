#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Each kernel generation's distinguishing rules, as the model and the
renderer apply them, and that only generations.py names generations."""

import errno
import glob
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import generations  # noqa: E402
from kernel import KernelError  # noqa: E402
from testlib import REGION, WINDOW, Sim, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOCKED = [{"size": hex(REGION), "targets": ["mem0"], "locked": True}]
WIDE_SR = [{"start": hex(WINDOW), "size": hex(2 * REGION)}]  # more than the region covers


def iomem_names(s):
    return [line.strip().split(" : ")[1] for line in s.text("/proc/iomem").splitlines()]


class ClaimFirst(unittest.TestCase):
    def setUp(self):
        self.s = Sim(behaviour="claim-first", kmem=True)

    def test_no_region_assembles(self):
        self.assertEqual(self.s.k.regions, [])
        self.assertEqual(self.s.decoded_starts(), [WINDOW])  # the decoders still decode

    def test_hmem_registers_inside_the_window_on_device_dax(self):
        self.assertEqual([(h.name, h.start) for h in self.s.k.hmem], [("hmem.0", WINDOW)])
        self.assertEqual([(d.kind, d.driver) for d in self.s.k.dax], [("hmem", "device_dax")])

    def test_no_hmem_platform(self):
        self.assertNotIn("/sys/devices/platform/hmem_platform.0", self.s.tree.entries)
        self.assertNotIn("/sys/bus/platform/drivers/hmem_platform/bind", self.s.tree.routes)

    def test_iomem_nesting(self):
        names = iomem_names(self.s)
        self.assertEqual(names[names.index("hmem.0"):], ["hmem.0", "Soft Reserved", "dax0.0"])

    def test_unbound_hmem_keeps_its_resource(self):
        self.s.write("/sys/bus/platform/drivers/hmem/unbind", "hmem.0")
        self.assertNotEqual(self.s.k.window_free(0, REGION), WINDOW)


class DeferAlways(unittest.TestCase):
    def setUp(self):
        self.s = Sim(behaviour="defer-always", kmem=True, soft_reserved=WIDE_SR)

    def test_region_assembles_with_a_cxl_dax_device(self):
        self.assertEqual([(r.name, r.enabled) for r in self.s.k.regions], [("region0", True)])
        self.assertEqual([(d.kind, d.parent, d.driver) for d in self.s.k.dax], [("cxl", "region0", "kmem")])

    def test_hmem_defers_to_the_window(self):
        self.assertEqual(self.s.k.hmem, [])

    def test_soft_reserved_in_iomem(self):
        self.assertIn("Soft Reserved", iomem_names(self.s))

    def test_locked_region_resets_anyway(self):
        s = Sim(behaviour="defer-always", regions=LOCKED)
        s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region0")
        s.write(s.region_path("region0") + "/commit", "0")
        self.assertEqual(s.decoded_starts(), [])
        self.assertNotIn(s.region_path("region0") + "/locked", s.tree.entries)


class ResolveOnce(unittest.TestCase):
    def test_covered_range_is_left_to_cxl(self):
        s = Sim(behaviour="resolve-once")
        self.assertEqual(s.k.hmem, [])
        self.assertEqual([d.kind for d in s.k.dax], ["cxl"])
        self.assertNotIn("Soft Reserved", iomem_names(s))

    def test_partly_covered_range_goes_to_hmem_and_the_region_loses_its_dax(self):
        s = Sim(behaviour="resolve-once", kmem=True, soft_reserved=WIDE_SR)
        self.assertEqual([(h.start, h.end) for h in s.k.hmem], [(WINDOW, WINDOW + 2 * REGION - 1)])
        r = s.k.region("region0")
        self.assertTrue(r.enabled)
        self.assertTrue(r.dax_conflict)
        self.assertIsNone(r.dax)
        self.assertIn(s.region_path("region0") + "/dax_region0", s.tree.entries)
        self.assertEqual([(d.kind, d.driver) for d in s.k.dax], [("hmem", "")])  # nobody gets it
        with self.assertRaises(KernelError) as e:
            s.write("/sys/bus/dax/drivers/kmem/bind", s.k.dax[0].name)
        self.assertEqual(e.exception.errno, errno.EBUSY)

    def test_locked_region_refuses_commit_0(self):
        s = Sim(behaviour="resolve-once", regions=LOCKED)
        self.assertEqual(s.text(s.region_path("region0") + "/locked"), "1\n")
        s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region0")
        with self.assertRaises(KernelError) as e:
            s.write(s.region_path("region0") + "/commit", "0")
        self.assertEqual(e.exception.errno, errno.EPERM)
        self.assertEqual(s.decoded_starts(), [WINDOW])


class Releases(unittest.TestCase):
    def test_of_release(self):
        got = {r: generations.of_release(r).name
               for r in ("6.1.0-18-amd64", "6.2.16", "6.3.0", "6.12.38", "7.0.4", "7.1.0", "7.2.0-rc1", "", "x")}
        self.assertEqual(got, {
            "6.1.0-18-amd64": "claim-first", "6.2.16": "claim-first", "6.3.0": "defer-always",
            "6.12.38": "defer-always", "7.0.4": "defer-always", "7.1.0": "resolve-once",
            "7.2.0-rc1": "resolve-once", "": "defer-always", "x": "defer-always"})

    def test_generations_differ(self):
        rules = [tuple(v for k, v in vars(g).items() if k not in ("name", "since"))
                 for g in generations.GENERATIONS.values()]
        self.assertEqual(len(set(rules)), len(rules))


class OnlyGenerationsNamesThem(unittest.TestCase):
    """A comparison with a generation's name or a release number anywhere
    but generations.py is a rule that escaped its Generation."""

    NAME = re.compile(r"""(==|!=|\bin\b)\s*[(\[]?\s*["'](claim-first|defer-always|resolve-once)["']""")
    VERSION = re.compile(r"[<>]=?\s*\(\s*\d+\s*,\s*\d+\s*\)")

    def test_no_scattered_comparisons(self):
        bad = []
        for path in sorted(glob.glob(os.path.join(HERE, "*.py")) + [os.path.join(HERE, "srd-sim")]):
            base = os.path.basename(path)
            if base == "generations.py" or base.startswith("test_"):
                continue
            with open(path) as f:
                for n, line in enumerate(f, 1):
                    if self.NAME.search(line) or self.VERSION.search(line) or ".behaviour ==" in line:
                        bad.append(f"{base}:{n}: {line.strip()}")
        self.assertEqual(bad, [])

    def test_the_check_sees_a_comparison(self):
        self.assertTrue(self.NAME.search('if behaviour != "claim-first":'))
        self.assertTrue(self.VERSION.search("v < (6, 3)"))


if __name__ == "__main__":
    main(__name__)
