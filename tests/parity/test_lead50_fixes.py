"""Lead session 50: fixes found by differential fuzzers of data loading and random streams."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _empty_sampler_then_draw(lib: Any) -> list[float]:
    """A replacement sampler over an empty dataset fails its pass; the global stream moved as PyTorch's."""
    lib.manual_seed(200)
    sampler = lib.utils.data.RandomSampler([], replacement=True, num_samples=3)
    loader = lib.utils.data.DataLoader([], sampler=sampler)
    with pytest.raises(RuntimeError):  # (PyTorch's: random_ from an empty range)
        list(loader)
    return lib.rand(2).tolist()  # type: ignore[no-any-return]


def test_random_sampler_seeds_its_pass_before_failing_on_an_empty_dataset() -> None:
    torch = require_torch()
    assert _empty_sampler_then_draw(mg) == _empty_sampler_then_draw(torch)
