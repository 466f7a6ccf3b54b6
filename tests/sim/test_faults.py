#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault injection and the store log around the store dispatch."""

import errno
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from faults import Stores  # noqa: E402
from kernel import KernelError  # noqa: E402
from stores import FLUSH  # noqa: E402
from testlib import Sim, main  # noqa: E402


class Recorder:
    def __init__(self):
        self.stored, self.slept = [], []
        self.stores = Stores(lambda p, v: self.stored.append((p, v)), sleep=self.slept.append,
                             clock=lambda: 10.5)

    def write(self, path, value=b"1\n\0"):
        """The errno of the store, 0 when it succeeds."""
        try:
            self.stores.write(path, value)
            return 0
        except KernelError as e:
            return e.errno


class Nth(unittest.TestCase):
    def test_failnth_fires_on_the_nth_store(self):
        r = Recorder()
        r.stores.control("failnth 3 EIO")
        self.assertEqual([r.write(f"/sys/a{i}") for i in range(1, 6)], [0, 0, errno.EIO, 0, 0])
        self.assertNotIn(("/sys/a3", "1"), r.stored)  # failed, not dispatched
        self.assertEqual(len(r.stored), 4)

    def test_flush_is_not_counted(self):
        r = Recorder()
        r.stores.control("failnth 2 16")
        self.assertEqual(r.write("/sys/a1"), 0)
        self.assertEqual(r.write(FLUSH), 0)
        self.assertEqual(r.write("/sys/a2"), errno.EBUSY)

    def test_stallnth_sleeps_then_stores(self):
        r = Recorder()
        r.stores.control("stallnth 2 1.5")
        self.assertEqual([r.write("/sys/a"), r.write("/sys/b")], [0, 0])
        self.assertEqual(r.slept, [1.5])
        self.assertEqual(len(r.stored), 2)


class Glob(unittest.TestCase):
    def test_fail_count(self):
        r = Recorder()
        r.stores.control("fail */commit EBUSY 2")
        got = [r.write("/sys/r0/commit"), r.write("/sys/r0/size"), r.write("/sys/r0/commit"),
               r.write("/sys/r0/commit")]
        self.assertEqual(got, [errno.EBUSY, 0, errno.EBUSY, 0])

    def test_fail_without_count_is_forever(self):
        r = Recorder()
        r.stores.control("fail /sys/x 5")
        self.assertEqual([r.write("/sys/x") for _ in range(4)], [errno.EIO] * 4)

    def test_stall_matches_the_glob(self):
        r = Recorder()
        r.stores.control("stall */bind 0.2 1")
        r.write("/sys/bus/x/unbind")
        r.write("/sys/bus/x/bind")
        r.write("/sys/bus/x/bind")
        self.assertEqual(r.slept, [0.2])
        self.assertEqual(len(r.stored), 3)

    def test_clear(self):
        r = Recorder()
        r.stores.control("fail * EIO")
        r.stores.control("clear")
        self.assertEqual(r.write("/sys/x"), 0)

    def test_bad_rules(self):
        r = Recorder()
        for bad in ("explode /x", "fail /x", "fail /x ENOTANERRNO", "failnth x EIO"):
            with self.assertRaises((ValueError, IndexError, AttributeError), msg=bad):
                r.stores.control(bad)
        self.assertEqual(r.stores.faults, [])


class Log(unittest.TestCase):
    def test_log_records_path_value_errno(self):
        r = Recorder()
        r.stores.control("failnth 2 EIO")
        r.write("/sys/a", b"region0\0")
        r.write("/sys/b", b"\n")
        r.write(FLUSH)
        self.assertEqual([(s.path, s.value, s.errno) for s in r.stores.log],
                         [("/sys/a", "region0", 0), ("/sys/b", "", errno.EIO)])
        self.assertEqual(r.stores.log_text(10.0), "0.500 /sys/a region0 0\n0.500 /sys/b - 5\n")

    def test_kernel_errors_are_logged(self):
        s = Sim()
        with self.assertRaises(KernelError):
            s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region9")
        self.assertEqual(s.stores.log[-1].errno, errno.ENODEV)

    def test_injected_fault_leaves_the_model_alone(self):
        s = Sim()
        s.stores.control("fail */cxl_region/unbind EIO 1")
        with self.assertRaises(KernelError) as e:
            s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region0")
        self.assertEqual(e.exception.errno, errno.EIO)
        self.assertTrue(s.k.region("region0").enabled)
        s.write("/sys/bus/cxl/drivers/cxl_region/unbind", "region0")
        self.assertFalse(s.k.region("region0").enabled)


if __name__ == "__main__":
    main(__name__)
