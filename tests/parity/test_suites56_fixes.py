"""Regressions found by running other projects' PyTorch-based test suites (pytorch-ignite's handlers, ...)
under minigrad and comparing with real torch: each test runs the same calls on both libraries and compares
values, or error classes and words."""

from __future__ import annotations

import warnings
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


# ---------------------------------------------------- worker loaders request their batches at iter() (ignite)


def test_worker_loader_runs_a_custom_batch_sampler_ahead_at_iter() -> None:
    """With ``num_workers > 0`` PyTorch's iterator requests ``prefetch_factor * num_workers`` index batches
    when it is made, so a batch sampler's draws from the global stream happen at ``iter(loader)``; minigrad
    ran a sampler that is not a built-in one (ignite's ReproducibleBatchSampler, a generator) only at the
    first batch, after ignite's DeterministicEngine had restored its saved RNG state: resuming mid-epoch
    gave other batches than the uninterrupted run (ignite's test_gradients_on_resume_cpu)."""
    torch = require_torch()

    def run(lib: Any) -> list[Any]:
        data = lib.utils.data

        class Replay(data.BatchSampler):  # type: ignore[misc]
            def __init__(self, inner: Any) -> None:
                self.inner = inner

            def __iter__(self) -> Any:
                yield from list(self.inner)

            def __len__(self) -> int:
                return len(self.inner)

        out: list[Any] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # minigrad's one-time note that it loads in the main process
            for workers, prefetch in ((2, None), (1, 1), (3, 2)):
                inner = data.BatchSampler(data.RandomSampler(range(10)), 3, False)
                loader = data.DataLoader(lib.arange(10.0), batch_sampler=Replay(inner), num_workers=workers,
                                         prefetch_factor=prefetch)
                lib.manual_seed(0)
                it = iter(loader)
                out.append(lib.rand(1).item())  # drawn after the sampler's seed, as in PyTorch
                out.append([b.tolist() for b in it])
        return out

    assert run(mg) == run(torch)
