# SPDX-License-Identifier: GPL-2.0-or-later
"""What the simulator's unit tests share: a TAP runner for unittest cases
("ok N - name", failures as "# " comments), literal platforms, and Sim, a
booted kernel with the store path the FUSE server has (faults and log, then
the renderer's routes, a re-render after each store) but no FUSE."""

import sys
import traceback
import unittest

import stores
from faults import Stores
from kernel import Kernel
from render import MemTree, render
from sim_platform import Platform

WINDOW = 0x490000000
REGION = 0x10000000  # 256 MiB
ROOT = "/sys/devices/platform/ACPI0017:00/root0"


def platform(behaviour="defer-always", kmem=False, regions=None, soft_reserved=None, memdevs=1, **kw):
    """One host bridge, one 4 GiB window, memdevs of 256 MiB each, by default
    one firmware region on mem0 at the window's start and Soft Reserved
    exactly over it."""
    desc = {
        "kernel": {"behaviour": behaviour},
        "windows": [{"start": hex(WINDOW), "size": "0x100000000"}],
        "memdevs": [{"serial": 0x1000 + i} for i in range(memdevs)],
        "regions": regions if regions is not None else [{"size": hex(REGION), "targets": ["mem0"]}],
        "soft_reserved": soft_reserved if soft_reserved is not None else [{"start": hex(WINDOW), "size": hex(REGION)}],
        "kmem": kmem,
    }
    desc.update(kw)
    return Platform(desc, origin="<test>")


class Sim:
    def __init__(self, plat=None, **kw):
        self.k = Kernel(plat or platform(**kw))
        self.slept = []
        self.stores = Stores(lambda path, value: stores.dispatch(self.tree.routes, path, value),
                             sleep=self.slept.append, clock=lambda: 0.0)
        self.refresh()

    def refresh(self):
        self.tree = render(self.k, MemTree())

    def write(self, path, value):
        """A store as write(2) makes it: the text with a newline and NUL."""
        self.stores.write(path, f"{value}\n".encode() + b"\0")
        self.refresh()

    def text(self, path):
        kind, data = self.tree.entries[path]
        assert kind == "file", path
        return data.decode()

    def region_path(self, name, window=0):
        return f"{ROOT}/decoder0.{window}/{name}"

    def decoded_starts(self):
        return [s for s, *_ in self.k.decoded()]


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0

    def _line(self, test, ok, detail=None):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {test.id().split('.', 1)[1]}")
        for line in (detail or "").splitlines():
            print(f"# {line}")
        sys.stdout.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False, "".join(traceback.format_exception(*err)))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False, "".join(traceback.format_exception(*err)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.n += 1
        print(f"ok {self.n} - {test.id().split('.', 1)[1]} # SKIP {reason}")


def main(module_name):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    print(f"1..{suite.countTestCases()}")
    result = TapResult()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)
