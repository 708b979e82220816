"""smooth_l1_loss and huber_loss as PyTorch's kernels compute them (ops.SmoothL1): the same bits.

The values are PyTorch's bit for bit in float32 and float64; so are the gradients, except for the last
n % 32 (float32) or n % 16 (float64) elements, which PyTorch's CPU loop hands to its scalar form of the
kernel (another order of the same products: one rounding apart at most).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

CASES = list(itertools.product(["smooth_l1_loss", "huber_loss"], [1.0, 0.3, 2.7, 1e-3],
                               ["mean", "sum", "none"], [np.float32, np.float64]))


def _inputs(dtype: type, cut: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((37, 53)) * 2).astype(dtype)
    y = rng.standard_normal((37, 53)).astype(dtype)
    # +-inf, nan, and differences of exactly +-cut (the branch edges) among ordinary values
    x[0, :5] = [np.inf, -np.inf, np.nan, y[0, 3] + dtype(cut), y[0, 4] - dtype(cut)]
    return x, y, rng.standard_normal(x.shape).astype(dtype)


@pytest.mark.parametrize(("fn", "cut", "reduction", "dtype"), CASES)
def test_bits_equal_pytorch(fn: str, cut: float, reduction: str, dtype: type) -> None:
    torch = require_torch()
    x, y, g = _inputs(dtype, cut, 0)
    kw = {"beta" if fn == "smooth_l1_loss" else "delta": cut}
    got = []
    for lib in (mg, torch):
        xt, yt = lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)
        loss = getattr(lib.nn.functional, fn)(xt, yt, reduction=reduction, **kw)
        loss.backward(lib.tensor(g) if reduction == "none" else None)
        got.append([loss.detach().numpy(), xt.grad.numpy().ravel(), yt.grad.numpy().ravel()])
    (value, gx, gy), (t_value, t_gx, t_gy) = got
    np.testing.assert_array_equal(value, t_value)
    body = x.size - x.size % (32 if dtype == np.float32 else 16)
    for ours, theirs in ((gx, t_gx), (gy, t_gy)):
        np.testing.assert_array_equal(ours[:body], theirs[:body])
        np.testing.assert_allclose(ours, theirs, rtol=2e-7 if dtype == np.float32 else 4e-16, atol=1e-30)


@pytest.mark.parametrize("fn", ["smooth_l1_loss", "huber_loss"])
def test_double_backward_matches_pytorch(fn: str) -> None:
    torch = require_torch()
    x, y, g = _inputs(np.float64, 0.7, 1)
    x[0, :3] = [5.0, -5.0, 0.1]  # (finite: the second derivative of an infinite d is 0 * inf there)
    kw = {"beta" if fn == "smooth_l1_loss" else "delta": 0.7}
    out = []
    for lib in (mg, torch):
        xt = lib.tensor(x, requires_grad=True)
        loss = getattr(lib.nn.functional, fn)(xt, lib.tensor(y), reduction="sum", **kw)
        (gx,) = lib.autograd.grad(loss, xt, create_graph=True)
        (ggx,) = lib.autograd.grad((gx * lib.tensor(g)).sum(), xt)
        out.append((gx.detach().numpy(), ggx.numpy()))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-15, atol=0)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-15, atol=0)


def test_grad_fn_names_and_gradcheck() -> None:
    x = mg.tensor(np.linspace(-3, 3, 13) + 0.05, requires_grad=True)
    y = mg.zeros(13, dtype=mg.float64)
    assert mg.nn.functional.smooth_l1_loss(x, y).grad_fn.name() == "SmoothL1LossBackward0"
    assert mg.nn.functional.huber_loss(x, y, reduction="none").grad_fn.name() == "HuberLossBackward0"
    for fn in (lambda a: mg.nn.functional.smooth_l1_loss(a, y, beta=0.9),
               lambda a: mg.nn.functional.huber_loss(a, y, delta=1.3, reduction="sum")):
        assert mg.autograd.gradcheck(fn, (x,))
        assert mg.autograd.gradgradcheck(fn, (x,))
