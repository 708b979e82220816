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


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_loss_of_shapes_that_do_not_broadcast_warns_before_it_fails(name: str) -> None:
    """PyTorch's pointwise losses warn about the target size, then fail to broadcast: both, in that order."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.warns(UserWarning, match="target size"), pytest.raises(RuntimeError):
            getattr(lib.nn.functional, name)(lib.ones(4, 2), lib.ones(3))


def test_sequential_takes_its_input_as_pytorch_names_it() -> None:
    """Sequential.forward(input): a keyword of another name is PyTorch's TypeError."""
    torch = require_torch()
    for lib in (torch, mg):
        model = lib.nn.Sequential(lib.nn.Identity())
        assert model(input=lib.ones(2)).tolist() == [1.0, 1.0]
        with pytest.raises(TypeError):
            model(x=lib.ones(2))
