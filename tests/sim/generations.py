# SPDX-License-Identifier: GPL-2.0-or-later
"""The kernel generations the simulator models, one object each: every rule
that differs between claim-first (6.1), defer-always (6.12) and resolve-once
(7.x) is a field of its Generation, and the model, the renderer and the
replay converter ask the generation instead of naming it or comparing
releases.  The rules are those measured on real Debian kernels (DESIGN.md,
"Kernel behaviour")."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Generation:
    name: str
    since: tuple                 # the first release (major, minor) that behaves so
    assembles_regions: bool      # committed decoders assemble into regions (6.3+)
    dax_cxl: bool                # dax_cxl gives ram regions a dax region
    sr_in_iomem: bool            # "Soft Reserved" stays listed in /proc/iomem
    hmem_platform: bool          # an hmem_platform device and driver to re-probe
    hmem_in_window: str          # a Soft Reserved range in a CXL window: "register", "defer", "resolve"
    hmem_dax_driver: str         # "device_dax": hmem's dax devices bind to it; "kmem-only": only kmem takes them
    hmem_keeps_resource: bool    # an unbound hmem device keeps its HPA busy
    hmem_outer_in_iomem: bool    # "hmem.0 > Soft Reserved > dax0.0"
    hmem_inner_in_iomem: bool    # "Soft Reserved > hmem.0"
    region_dax_after_hmem: bool  # dax_cxl registers after dax_hmem decided (the -12 conflict)
    honours_lock: bool           # no decoder reset for a locked region
    region_locked_attr: bool     # regionZ/locked exists
    dax_memmap_attr: bool        # daxX.Y/memmap_on_memory exists (6.8+)


GENERATIONS = {g.name: g for g in (
    Generation(
        "claim-first", since=(0, 0),
        assembles_regions=False,      # auto-assembly is 6.3+
        dax_cxl=False,
        sr_in_iomem=True,
        hmem_platform=False,          # 6.1 registers hmem.N itself
        hmem_in_window="register",    # dax_hmem registers ranges inside CXL windows too
        hmem_dax_driver="device_dax",  # whether or not kmem is loaded (measured)
        hmem_keeps_resource=True,
        hmem_outer_in_iomem=True,
        hmem_inner_in_iomem=False,
        region_dax_after_hmem=False,
        honours_lock=False,           # no region-level lock handling
        region_locked_attr=False,
        dax_memmap_attr=False,        # daxX.Y/memmap_on_memory is 6.8+
    ),
    Generation(
        "defer-always", since=(6, 3),
        assembles_regions=True,
        dax_cxl=True,
        sr_in_iomem=True,
        hmem_platform=True,
        hmem_in_window="defer",       # "deferring range to CXL" while a CXL Window resource covers it
        hmem_dax_driver="kmem-only",  # since 6.3 device_dax leaves dax_hmem's devices alone
        hmem_keeps_resource=False,
        hmem_outer_in_iomem=False,
        hmem_inner_in_iomem=True,
        region_dax_after_hmem=False,
        honours_lock=False,           # the reset is written whatever decoderX.Y/locked says
        region_locked_attr=False,
        dax_memmap_attr=True,
    ),
    Generation(
        "resolve-once", since=(7, 1),
        assembles_regions=True,
        dax_cxl=True,
        sr_in_iomem=False,            # only hmem/dax/region results in /proc/iomem
        hmem_platform=True,
        hmem_in_window="resolve",     # CXL claims a range its regions cover, hmem registers the rest
        hmem_dax_driver="kmem-only",
        hmem_keeps_resource=False,
        hmem_outer_in_iomem=False,
        hmem_inner_in_iomem=False,
        region_dax_after_hmem=True,
        honours_lock=True,            # 7.0+ skips the reset of a locked region
        region_locked_attr=True,      # regionZ/locked (7.1)
        dax_memmap_attr=True,
    ),
)}

NAMES = tuple(GENERATIONS)
DEFAULT = "defer-always"


def of_release(release, default=(6, 12)):
    """The generation a kernel release string ("6.12.0-...") behaves as: the
    latest whose first release is not after it (default: 6.12's)."""
    m = re.match(r"(\d+)\.(\d+)", release or "")
    v = (int(m.group(1)), int(m.group(2))) if m else default
    return max((g for g in GENERATIONS.values() if g.since <= v), key=lambda g: g.since)
