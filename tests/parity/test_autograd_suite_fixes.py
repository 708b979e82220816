"""Behaviours PyTorch's own test/test_autograd.py checks, compared with PyTorch itself.

Each test runs the same code on both libraries (a function taking the library)
and compares values, gradients and errors: median's gradient on ties, custom
Functions returning one tensor twice, indexing with mixed lists and tensors,
deep graphs, backward twice through ops that saved nothing, and the in-place
errors scripts rely on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _np(t: Any) -> Any:
    return None if t is None else np.asarray(t.detach().numpy())


@pytest.mark.parametrize("name", ["min", "max", "median", "nanmedian"])
@pytest.mark.parametrize("data", [[1.0, 0.0, 1.0, 0.0, 1.0, 0.0], [float("nan")] * 3,
                                  [1.0, float("nan"), 2.0, float("nan")], [3.0, 1.0, 2.0, 2.0]])
def test_full_reduction_shares_gradient_among_ties(name: str, data: list[float]) -> None:
    results = []
    for lib in (mg, torch):
        x = lib.tensor(data, requires_grad=True)
        y = getattr(lib, name)(x)
        (y * 3).backward()
        results.append((_np(y), _np(x.grad), y.grad_fn.name()))
    (my, mgrad, mname), (ty, tgrad, tname) = results
    np.testing.assert_allclose(my, ty)
    np.testing.assert_allclose(mgrad, tgrad, rtol=1e-6)
    assert mname == tname


def test_median_of_empty_is_nan() -> None:
    for name in ("median", "nanmedian"):
        assert np.isnan(getattr(mg, name)(mg.tensor([])).item())
        assert np.isnan(getattr(torch, name)(torch.tensor([])).item())


def _duplicate(lib: Any, seen: list[Any]) -> Any:
    class DoubleDuplicate(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            out = x * 2
            return out, out

        @staticmethod
        def backward(ctx: Any, g1: Any, g2: Any) -> Any:
            seen.append((_np(g1), _np(g2)))
            return g1 * 2 + g2 * 3

    return DoubleDuplicate


def test_custom_function_returning_a_tensor_twice_returns_one_tensor() -> None:
    results = []
    for lib in (mg, torch):
        seen: list[Any] = []
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        a, b = _duplicate(lib, seen).apply(x)
        assert a is b
        (a * lib.tensor([1.0, 10.0], dtype=lib.float64)).sum().backward()
        results.append((seen, _np(x.grad)))
    (mseen, mgrad), (tseen, tgrad) = results
    np.testing.assert_allclose(mgrad, tgrad)  # the gradient reaches backward as its last output's
    for (m1, m2), (t1, t2) in zip(mseen, tseen, strict=True):
        np.testing.assert_allclose(m1, t1)
        np.testing.assert_allclose(m2, t2)
    x = mg.randn(3, 3, dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradgradcheck(lambda t: sum(_duplicate(mg, []).apply(t)), [x])
