#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Store routing: the renderer registers a handler for each writable file it
renders, and the dispatch answers through that table."""

import errno
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import stores  # noqa: E402
from kernel import KernelError  # noqa: E402
from testlib import REGION, ROOT, WINDOW, Sim, main  # noqa: E402


class Dispatch(unittest.TestCase):
    def test_unrouted_path_is_not_writable(self):
        with self.assertRaises(KernelError) as e:
            stores.dispatch({}, "/sys/bus/cxl/devices/nothing/commit", "1")
        self.assertEqual(e.exception.errno, errno.EACCES)

    def test_routed_store_calls_its_handler(self):
        calls = []
        routes = {"/sys/x/attr": calls.append, "/sys/y/attr": lambda v: calls.append(("y", v))}
        stores.dispatch(routes, "/sys/x/attr", "42")
        self.assertEqual(calls, ["42"])

    def test_handler_errno_passes_through(self):
        def refuse(v):
            raise KernelError(errno.ENXIO, v)
        with self.assertRaises(KernelError) as e:
            stores.dispatch({"/sys/z": refuse}, "/sys/z", "v")
        self.assertEqual(e.exception.errno, errno.ENXIO)


class Rendered(unittest.TestCase):
    def setUp(self):
        self.s = Sim()

    def test_every_route_is_a_rendered_file(self):
        self.assertTrue(self.s.tree.routes)
        for path in self.s.tree.routes:
            self.assertEqual(self.s.tree.entries.get(path, ("missing",))[0], "file", path)

    def test_writable_files_are_routed(self):
        r = self.s.region_path("region0")
        for path in (f"{r}/commit", f"{r}/size", f"{r}/target0", f"{ROOT}/decoder0.0/create_ram_region",
                     f"{ROOT}/decoder0.0/delete_region", "/sys/bus/cxl/drivers/cxl_region/bind",
                     "/sys/bus/platform/drivers/cxl_acpi/unbind", "/sys/bus/cxl/flush"):
            self.assertIn(path, self.s.tree.routes)

    def test_read_only_rendered_file_is_eacces(self):
        path = self.s.region_path("region0") + "/resource"
        self.assertIn(path, self.s.tree.entries)
        with self.assertRaises(KernelError) as e:
            self.s.write(path, "0")
        self.assertEqual(e.exception.errno, errno.EACCES)

    def test_unknown_device_is_enodev(self):
        with self.assertRaises(KernelError) as e:
            self.s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region9")
        self.assertEqual(e.exception.errno, errno.ENODEV)

    def test_create_region_through_its_route(self):
        self.s.write(f"{ROOT}/decoder0.0/create_ram_region", "region1")
        r = self.s.k.region("region1")
        self.assertEqual((r.window, r.mode), (0, "ram"))
        self.assertIn(self.s.region_path("region1") + "/commit", self.s.tree.routes)
        self.assertEqual(self.s.text(f"{ROOT}/decoder0.0/create_ram_region"), "region2\n")
        with self.assertRaises(KernelError) as e:
            self.s.write(f"{ROOT}/decoder0.0/create_ram_region", "region7")
        self.assertEqual(e.exception.errno, errno.EINVAL)

    def test_size_allocates_hpa_after_the_busy_range(self):
        self.s.write(f"{ROOT}/decoder0.0/create_ram_region", "region1")
        self.s.write(self.s.region_path("region1") + "/size", hex(REGION))
        self.assertEqual(self.s.k.region("region1").start, WINDOW + REGION)
        with self.assertRaises(KernelError) as e:
            self.s.write(self.s.region_path("region1") + "/size", "12345")
        self.assertEqual(e.exception.errno, errno.EINVAL)

    def test_committed_region_refuses_attributes(self):
        with self.assertRaises(KernelError) as e:
            self.s.write(self.s.region_path("region0") + "/interleave_ways", "2")
        self.assertEqual(e.exception.errno, errno.EBUSY)

    def test_routes_follow_the_tree(self):
        self.s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region0")
        self.s.write(self.s.region_path("region0") + "/commit", "0")
        self.s.write(f"{ROOT}/decoder0.0/delete_region", "region0")
        self.assertFalse([p for p in self.s.tree.routes if "/region0/" in p])

    def test_memory_block_state(self):
        s = Sim(kmem=True)
        blocks = [p for p in s.tree.routes if p.startswith("/sys/devices/system/memory/memory")]
        self.assertEqual(len(blocks), REGION // (128 << 20))
        s.write(blocks[0], "offline")
        self.assertEqual(s.text(blocks[0]), "offline\n")
        with self.assertRaises(KernelError) as e:
            s.write(blocks[0], "sideways")
        self.assertEqual(e.exception.errno, errno.EINVAL)


if __name__ == "__main__":
    main(__name__)
