"""Fixes found by running PyTorch's test/test_dataloader.py (single-process parts) against minigrad.

Each test runs the same calls through torch.utils.data and minigrad.utils.data and
compares what comes out: batches, how iteration goes on after an error, error classes.
"""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
import minigrad.utils.data as mud
from tests.helpers import require_torch

torch = require_torch()
tud = torch.utils.data


def _flaky_dataset(lib: Any) -> Any:
    """Items 0..9; every index divisible by 3 raises NotImplementedError."""

    class Flaky(lib.utils.data.Dataset):
        def __len__(self) -> int:
            return 10

        def __getitem__(self, i: int) -> Any:
            if i % 3 == 0:
                raise NotImplementedError(f"item {i}")
            return lib.tensor([float(i)])

    return Flaky()


def _outcomes(lib: Any, **kw: Any) -> list[Any]:
    """What each next() gives until StopIteration: the batch's values, or the error class's name."""
    gen = lib.Generator().manual_seed(3)
    it = iter(lib.utils.data.DataLoader(_flaky_dataset(lib), generator=gen, **kw))
    out: list[Any] = []
    while True:
        try:
            out.append(next(it).tolist())
        except StopIteration:
            return out
        except NotImplementedError:
            out.append("NotImplementedError")


@pytest.mark.parametrize("kw", [{"batch_size": 2, "shuffle": True}, {"batch_size": 3}, {"batch_size": None},
                                {"batch_size": 2, "drop_last": True, "shuffle": True}])
def test_iteration_goes_on_after_a_failing_batch_as_pytorch(kw: dict[str, Any]) -> None:
    assert _outcomes(mg, **kw) == _outcomes(torch, **kw)


def test_loader_iterator_len_is_the_loaders() -> None:
    data = list(range(7))
    assert len(iter(mud.DataLoader(data, batch_size=2))) == len(iter(tud.DataLoader(data, batch_size=2))) == 4
