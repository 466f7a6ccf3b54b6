# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault injection and the store log, around the store dispatch: the kernel
model never sees either.

Stores(dispatch) takes every sysfs write before the dispatch does: it counts
it (the Nth store since boot; libcxl's flush writes are not counted), applies
the faults that match it (a stall sleeps, a failure answers with the errno
instead of dispatching), and logs path, value and result.  The control file
`faults` takes one rule a line:

  fail GLOB ERRNO [COUNT]      fail stores to paths matching GLOB (ERRNO by name or number)
  stall GLOB SECONDS [COUNT]   sleep before stores to paths matching GLOB
  failnth N ERRNO              fail the Nth store
  stallnth N SECONDS           sleep before the Nth store
  clear                        drop every rule

COUNT: how many stores the rule applies to (default: all)."""

import errno
import fnmatch
import time
from dataclasses import dataclass
from typing import Optional

from kernel import KernelError
from stores import FLUSH


@dataclass
class Fault:
    glob: Optional[str] = None   # matches the path, or
    nth: Optional[int] = None    # the Nth store
    errno: int = 0               # 0: no failure
    stall: float = 0.0           # seconds to sleep first
    count: int = -1              # stores left to apply to; -1: unlimited

    def hits(self, path, nstores):
        if self.count == 0:
            return False
        if self.nth is not None:
            return self.nth == nstores and path != FLUSH
        return fnmatch.fnmatch(path, self.glob)


@dataclass
class Store:
    """One entry of the store log."""
    time: float   # time.monotonic()
    path: str
    value: str
    errno: int    # 0: the store succeeded


def parse_errno(word):
    return getattr(errno, word) if word.isalpha() else int(word)


class Stores:
    """The store path: faults, then dispatch(path, value), then the log."""

    def __init__(self, dispatch, sleep=time.sleep, clock=time.monotonic):
        self.dispatch = dispatch
        self.sleep, self.clock = sleep, clock
        self.faults = []
        self.log = []
        self.nstores = 0

    def write(self, path, data):
        """A sysfs store of data (bytes, as written: trailing NUL and newline
        allowed); returns None or raises KernelError.  Logged either way."""
        value = data.rstrip(b"\0").decode(errors="replace").strip()
        if path != FLUSH:
            self.nstores += 1
        err = None
        for f in self.faults:
            if f.hits(path, self.nstores):
                f.count -= 1
                if f.stall:
                    self.sleep(f.stall)
                if f.errno:
                    err = KernelError(f.errno, "injected fault")
                    break
        if err is None:
            try:
                self.dispatch(path, value)
            except KernelError as e:
                err = e
        if path != FLUSH:  # libcxl writes it before every directory read
            self.log.append(Store(self.clock(), path, value, err.errno if err else 0))
        if err:
            raise err

    def control(self, line):
        """One line of the `faults` control file; ValueError or IndexError
        when it is not a rule."""
        w = line.split()
        if not w:
            return
        if w[0] == "clear":
            self.faults.clear()
        elif w[0] == "fail":
            self.faults.append(Fault(glob=w[1], errno=parse_errno(w[2]),
                                     count=int(w[3]) if len(w) > 3 else -1))
        elif w[0] == "stall":
            self.faults.append(Fault(glob=w[1], stall=float(w[2]),
                                     count=int(w[3]) if len(w) > 3 else -1))
        elif w[0] == "failnth":
            self.faults.append(Fault(nth=int(w[1]), count=1, errno=parse_errno(w[2])))
        elif w[0] == "stallnth":
            self.faults.append(Fault(nth=int(w[1]), count=1, stall=float(w[2])))
        else:
            raise ValueError(f"not a fault rule: {line}")

    def log_text(self, t0):
        """The control file `log`: "SECONDS PATH VALUE ERRNO" a line."""
        return "".join(f"{s.time - t0:.3f} {s.path} {s.value or '-'} {s.errno}\n" for s in self.log)
