"""``scale``: the ``mlp`` training step at hidden widths 128, 512 and 2048.

How cost grows with work: at 2048 the matmuls dominate and every
implementation should approach BLAS speed; at 128 per-op overhead shows.
"""

from __future__ import annotations

from benchmarks.harness import Case
from benchmarks.mlp import mlp_case

WIDTHS = (128, 512, 2048)


def cases() -> list[Case]:
    """One case per hidden width, named ``scale/h<width>``."""
    return [mlp_case(f"scale/h{w}", w) for w in WIDTHS]
