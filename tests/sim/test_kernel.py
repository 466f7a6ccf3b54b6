#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The kernel model's decode semantics (README.md, "Decode and memory"):
what each tear-down does to the HDM decoders and so to the memory behind
the HPA."""

import errno
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kernel import KernelError  # noqa: E402
from testlib import REGION, WINDOW, Sim, main, platform  # noqa: E402

CXL_REGION = "/sys/bus/cxl/drivers/cxl_region"
CXL_ACPI = "/sys/bus/platform/drivers/cxl_acpi"
DATA = b"srd-sim decode test"


def endpoint_decoders(k, memdev="mem0"):
    return next(m for m in k.memdevs if m.name == memdev).decoders


class Release(unittest.TestCase):
    """Unbinding a region from cxl_region releases it: its decoders stay."""

    def setUp(self):
        self.s = Sim()
        self.k = self.s.k
        self.k.mem_write(WINDOW, DATA)

    def test_release_keeps_decoders_committed(self):
        r = self.k.region("region0")
        self.assertTrue(r.enabled and r.dax is not None)
        self.s.write(f"{CXL_REGION}/unbind", "region0")
        self.assertFalse(r.enabled)
        self.assertIsNone(r.dax)  # CXL's dax device goes
        self.assertTrue(r.committed)
        d = endpoint_decoders(self.k)[0]
        self.assertTrue(d.committed)
        self.assertEqual((d.start, d.region), (WINDOW, "region0"))
        self.assertEqual(self.s.decoded_starts(), [WINDOW])
        self.assertEqual(self.s.text(self.s.region_path("region0") + "/commit"), "1\n")

    def test_release_keeps_the_memory(self):
        self.s.write(f"{CXL_REGION}/unbind", "region0")
        self.assertEqual(self.k.mem_read(WINDOW, len(DATA)), DATA)


class Destroy(unittest.TestCase):
    """commit=0 and delete_region destroy it: the decoders reset."""

    def setUp(self):
        self.s = Sim()
        self.k = self.s.k
        self.k.mem_write(WINDOW, DATA)

    def test_commit_0_while_enabled_is_busy(self):
        with self.assertRaises(KernelError) as e:
            self.s.write(self.s.region_path("region0") + "/commit", "0")
        self.assertEqual(e.exception.errno, errno.EBUSY)
        self.assertEqual(self.s.decoded_starts(), [WINDOW])

    def test_commit_0_resets_decoders(self):
        self.s.write(f"{CXL_REGION}/unbind", "region0")
        self.s.write(self.s.region_path("region0") + "/commit", "0")
        d = endpoint_decoders(self.k)[0]
        self.assertFalse(d.committed)
        self.assertEqual((d.start, d.size), (0, 0))
        self.assertEqual(self.s.decoded_starts(), [])
        self.assertFalse(any(h.committed for p in self.k.host_ports.values() for h in p.decoders))
        self.assertEqual(self.k.mem_read(WINDOW, len(DATA)), bytes(len(DATA)))  # nothing decodes
        self.assertEqual(self.s.text(self.s.region_path("region0") + "/commit"), "0\n")

    def test_delete_region_frees_the_dpa(self):
        self.s.write(f"{CXL_REGION}/unbind", "region0")
        self.s.write("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/delete_region", "region0")
        self.assertIsNone(self.k.region("region0"))
        self.assertNotIn(self.s.region_path("region0"), self.s.tree.entries)
        d = endpoint_decoders(self.k)[0]
        self.assertEqual((d.committed, d.dpa_size, d.mode, d.region), (False, 0, "none", None))

    def test_recommit_brings_the_contents_back(self):
        self.s.write(f"{CXL_REGION}/unbind", "region0")
        self.s.write(self.s.region_path("region0") + "/commit", "0")
        self.s.write(self.s.region_path("region0") + "/commit", "1")
        self.assertEqual(self.k.mem_read(WINDOW, len(DATA)), DATA)


class AcpiUnbind(unittest.TestCase):
    """cxl_acpi unbind: the windows and every region go; the region's
    decoders reset unless locked on a generation that honours the lock;
    decoders no region holds keep decoding."""

    def unbind(self, s):
        s.write(f"{CXL_ACPI}/unbind", "ACPI0017:00")

    def test_unlocked_region_decoders_reset(self):
        s = Sim()
        s.k.mem_write(WINDOW, DATA)
        self.unbind(s)
        self.assertEqual(s.k.regions, [])
        self.assertFalse(s.k.cxl_acpi)
        self.assertFalse(endpoint_decoders(s.k)[0].committed)
        self.assertEqual(s.decoded_starts(), [])
        self.assertEqual(s.k.mem_read(WINDOW, len(DATA)), bytes(len(DATA)))
        self.assertNotIn("/sys/devices/platform/ACPI0017:00/root0", s.tree.entries)
        self.assertNotIn("CXL Window", s.text("/proc/iomem"))

    def test_decoders_of_no_region_stay_committed(self):
        s = Sim(regions=[{"size": hex(REGION), "targets": ["mem0"], "assemble": False}])
        self.assertEqual(s.k.regions, [])
        self.unbind(s)
        self.assertTrue(endpoint_decoders(s.k)[0].committed)
        self.assertEqual(s.decoded_starts(), [WINDOW])

    def test_locked_region_keeps_decode_on_resolve_once(self):
        s = Sim(behaviour="resolve-once",
                regions=[{"size": hex(REGION), "targets": ["mem0"], "locked": True}])
        s.k.mem_write(WINDOW, DATA)
        self.unbind(s)
        self.assertEqual(s.k.regions, [])
        self.assertEqual(s.decoded_starts(), [WINDOW])
        self.assertEqual(s.k.mem_read(WINDOW, len(DATA)), DATA)

    def test_locked_region_resets_on_defer_always(self):
        s = Sim(behaviour="defer-always",
                regions=[{"size": hex(REGION), "targets": ["mem0"], "locked": True}])
        self.unbind(s)
        self.assertEqual(s.decoded_starts(), [])

    def test_rebind_assembles_what_still_decodes(self):
        s = Sim(behaviour="resolve-once",
                regions=[{"size": hex(REGION), "targets": ["mem0"], "locked": True}])
        self.unbind(s)
        s.write(f"{CXL_ACPI}/bind", "ACPI0017:00")
        self.assertTrue(s.k.cxl_acpi)
        r = s.k.region("region1")  # a new region, the same decoders
        self.assertIsNotNone(r)
        self.assertEqual((r.start, r.committed, r.enabled, r.locked), (WINDOW, True, True, True))
        self.assertIn(s.region_path("region1"), s.tree.entries)
        with self.assertRaises(KernelError) as e:
            s.write(f"{CXL_ACPI}/bind", "ACPI0017:00")
        self.assertEqual(e.exception.errno, errno.EBUSY)

    def test_online_memory_refuses(self):
        s = Sim(kmem=True)
        with self.assertRaises(KernelError) as e:
            self.unbind(s)
        self.assertEqual(e.exception.errno, errno.EBUSY)
        self.assertEqual(len(s.k.regions), 1)


class MemdevUnbind(unittest.TestCase):
    def test_cxl_mem_unbind_resets_the_region_decoders(self):
        s = Sim()
        s.write("/sys/bus/cxl/drivers/cxl_mem/unbind", "mem0")
        r = s.k.region("region0")
        self.assertEqual((r.enabled, r.committed, r.targets), (False, False, [None]))
        self.assertEqual(s.decoded_starts(), [])
        self.assertFalse(s.k.endpoint_visible(s.k.memdevs[0]))

    def test_hot_remove_takes_the_region(self):
        s = Sim(memdevs=2)
        s.k.hot_remove("mem0")
        self.assertEqual(s.k.regions, [])
        with self.assertRaises(KernelError) as e:
            s.k.hot_remove("mem0")
        self.assertEqual(e.exception.errno, errno.ENODEV)


if __name__ == "__main__":
    main(__name__)
