"""trapezoid / trapz / cumulative_trapezoid against torch in float64: values, gradients in y and x,
integer inputs, empty and one-sample dims, and the errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DimensionError, ShapeError
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

Y = np.random.default_rng(0).normal(size=(3, 5))
X1 = np.array([0.0, 0.4, 1.1, 1.5, 2.6])
X2 = np.cumsum(np.random.default_rng(1).uniform(0.1, 1.0, size=(3, 5)), axis=1)
CASES: list[tuple[str, Any, dict[str, Any]]] = [
    ("trapezoid", None, {}), ("trapezoid", None, {"dx": 0.3}), ("trapezoid", X1, {}),
    ("trapezoid", X2, {}), ("trapezoid", None, {"dim": 0}), ("trapz", X1, {"dim": 1}),
    ("trapz", None, {"dx": 2.0}), ("cumulative_trapezoid", None, {}), ("cumulative_trapezoid", X1, {}),
    ("cumulative_trapezoid", X2, {"dim": -1}), ("cumulative_trapezoid", None, {"dx": 0.5, "dim": 0}),
]


@pytest.mark.parametrize(("name", "x", "kwargs"), CASES)
def test_values_and_gradients_match_torch(name: str, x: Any, kwargs: dict[str, Any]) -> None:
    out = []
    for lib in (mg, torch):
        y = lib.tensor(Y, requires_grad=True)
        xs = [] if x is None else [lib.tensor(x, requires_grad=True)]
        r = getattr(lib, name)(y, *xs, **kwargs)
        (r * lib.tensor(np.arange(1.0, r.numel() + 1).reshape(tuple(r.shape)))).sum().backward()
        out.append([r.detach().numpy(), y.grad.numpy(), *(t.grad.numpy() for t in xs)])
    for got, want in zip(*out):
        assert_close(got, want, rtol=1e-12)


def test_integers_empty_and_single_samples_match_torch() -> None:
    for args, kwargs in [(([1, 2, 4],), {}), (([1, 2, 4], [1, 2, 3]), {}), (([1, 2, 4],), {"dx": 2})]:
        for name in ("trapezoid", "cumulative_trapezoid"):
            ours = getattr(mg, name)(*[mg.tensor(a) for a in args], **kwargs)
            theirs = getattr(torch, name)(*[torch.tensor(a) for a in args], **kwargs)
            assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
            assert ours.tolist() == theirs.tolist()
    for shape in [(2, 0), (2, 1)]:
        assert mg.trapezoid(mg.ones(*shape)).tolist() == torch.trapezoid(torch.ones(*shape)).tolist()
        assert list(mg.cumulative_trapezoid(mg.ones(*shape)).shape) == list(
            torch.cumulative_trapezoid(torch.ones(*shape)).shape)


def test_errors_as_torch() -> None:
    with pytest.raises(ShapeError, match="one `x` value for each sample point"):
        mg.trapezoid(mg.ones(2, 3), mg.ones(4))
    with pytest.raises(RuntimeError, match="one `x` value for each sample point"):
        torch.trapezoid(torch.ones(2, 3), torch.ones(4))
    with pytest.raises(DimensionError, match="has no dimensions"):
        mg.trapezoid(mg.tensor(1.0))
    with pytest.raises(IndexError, match="has no dimensions"):
        torch.trapezoid(torch.tensor(1.0))
