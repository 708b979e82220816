"""Regressions found by running other projects' PyTorch-based test suites (pytorch-ignite's handlers, ...)
under minigrad and comparing with real torch: each test runs the same calls on both libraries and compares
values, or error classes and words."""

from __future__ import annotations

from typing import Any

import minigrad as mg
from tests.helpers import require_torch

# ------------------------------------------------------------- ReduceLROnPlateau._reduce_lr(epoch) (ignite)


def test_reduce_lr_on_plateau_passes_the_epoch_to_reduce_lr() -> None:
    """ignite's ReduceLROnPlateauScheduler replaces the scheduler's ``_reduce_lr`` with its own
    ``_reduce_lr(self, epoch)``, PyTorch's signature; minigrad called ``self._reduce_lr()`` without the epoch
    (TypeError on the first plateau). The replacement now sees the same epochs as under PyTorch."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=1.0)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
        seen: list[Any] = []
        inner = sched._reduce_lr
        sched._reduce_lr = lambda epoch, inner=inner, seen=seen: (seen.append(epoch), inner(epoch))[1]
        for m in (1.0, 1.0, 1.0, 1.0, 1.0, 1.0):
            sched.step(m)
        got.append((seen, opt.param_groups[0]["lr"]))
    assert got[1] == got[0]
