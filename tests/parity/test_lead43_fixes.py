"""lead43: ReLU and clamp on numpy's SIMD loop, bit for bit the values they had.

numpy runs ``maximum``/``minimum`` against a broadcast scalar in a scalar loop, ~3x slower than
against a whole array; ``_kernels.bounded`` fills the bound into the result and runs the kernel in
place. These tests pin that the values did not move: NaN of either sign, -0.0, infinities and ties,
on both sides of the size threshold, C-ordered and not, against PyTorch's own bits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _kernels
from tests.helpers import require_torch

_SPECIAL = np.array([np.nan, -np.nan, -0.0, 0.0, -1.5, 2.5, np.inf, -np.inf, 1.0, -1.0], dtype=np.float64)


def _data(n: int, dtype: Any) -> np.ndarray:
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n) * 3
    a[: min(n, _SPECIAL.size)] = _SPECIAL[: min(n, _SPECIAL.size)]
    rng.shuffle(a)
    return a.astype(dtype)


def _bits(a: np.ndarray) -> np.ndarray:
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("n", [7, 255, 1023, 1024, 4097])  # (2n elements: both sides of BOUNDED_MIN_SIZE)
@pytest.mark.parametrize("layout", ["c", "transposed"])
def test_relu_and_clamp_match_pytorch_bit_for_bit(dtype: Any, n: int, layout: str) -> None:
    torch = require_torch()
    a = _data(n * 2, dtype).reshape(2, n)
    if layout == "transposed":
        a = a.T
    x, tx = mg.tensor(a), torch.from_numpy(np.array(a, copy=True))
    if layout == "transposed":
        x, tx = mg.tensor(np.ascontiguousarray(a.T)).T, torch.from_numpy(np.ascontiguousarray(a.T)).T
    cases = [
        (lambda t, m: m.relu(t), "relu"),
        (lambda t, m: m.clamp(t, min=0.0), "clamp min 0"),
        (lambda t, m: m.clamp(t, min=-0.0), "clamp min -0.0"),
        (lambda t, m: m.clamp(t, -1.0, 1.0), "clamp -1 1"),
        (lambda t, m: m.clamp(t, max=0.5), "clamp max"),
        (lambda t, m: m.nn.functional.relu6(t), "relu6"),
    ]
    for f, name in cases:
        got, want = f(x, mg).numpy(), f(tx, torch).numpy()
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(_bits(np.ascontiguousarray(got)), _bits(np.ascontiguousarray(want)),
                                      err_msg=name)


@pytest.mark.parametrize("fn", [np.maximum, np.minimum])
@pytest.mark.parametrize("bound", [0.0, -0.0, 0.5, -np.inf, np.nan])
def test_bounded_equals_the_scalar_call(fn: Any, bound: float) -> None:
    a = _data(3000, np.float32).reshape(30, 100)
    b = np.float32(bound)
    got = _kernels.bounded(fn, b, a)
    np.testing.assert_array_equal(_bits(got), _bits(fn(b, a)))  # (float32: numpy returns the second on a tie)
    assert got.shape == a.shape and got.dtype == a.dtype


def test_bounded_of_integers_and_small_or_strided_arrays() -> None:
    a = np.arange(-600, 600, dtype=np.int64).reshape(40, 30)
    np.testing.assert_array_equal(_kernels.bounded(np.maximum, np.int64(0), a), np.maximum(0, a))
    t = a.T  # (not C-ordered: the plain call, which keeps numpy's layout choice)
    r = _kernels.bounded(np.minimum, np.int64(3), t)
    np.testing.assert_array_equal(r, np.minimum(3, t))
    assert r.strides == np.minimum(np.int64(3), t).strides
    assert _kernels.bounded(np.maximum, np.float32(0), np.float32(-2.0)) == 0.0


def test_relu_gradient_unchanged_at_the_kink_and_nan() -> None:
    torch = require_torch()
    a = _data(600, np.float32).reshape(20, 30)
    x = mg.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    g = np.random.default_rng(1).standard_normal(a.shape).astype(np.float32)
    mg.relu(x).backward(mg.tensor(g))
    torch.relu(tx).backward(torch.from_numpy(g))
    np.testing.assert_array_equal(_bits(x.grad.numpy()), _bits(tx.grad.numpy()))


def test_gradcheck_without_an_input_requiring_grad_raises_pytorchs_value_error() -> None:
    torch = require_torch()
    with pytest.raises(ValueError) as want:
        torch.autograd.gradcheck(torch.sin, (torch.ones(2, dtype=torch.float64),))
    with pytest.raises(ValueError) as got:
        mg.autograd.gradcheck(mg.sin, (mg.ones(2, dtype=mg.float64),))
    assert str(got.value).startswith(str(want.value))
    assert isinstance(got.value, mg.errors.InvalidParameterError)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])  # (float64: PyTorch's Welford rounds differently)
def test_std_is_pytorchs_bit_for_bit_the_root_taken_before_rounding(dtype: Any) -> None:
    torch = require_torch()
    rng = np.random.default_rng(5)
    wrong = 0
    for _ in range(60):
        n = int(rng.integers(2, 200))
        a = (rng.standard_normal((3, n)) * rng.uniform(0.1, 10) + rng.uniform(-5, 5)).astype(dtype)
        x, tx = mg.tensor(a), torch.from_numpy(a)
        pairs = ((x.std(), tx.std()), (x.std(1), tx.std(1)), (x.std(0, correction=0),
                 tx.std(0, correction=0)), (mg.std_mean(x, 1)[0], torch.std_mean(tx, 1)[0]))
        for got, want in pairs:
            wrong += int((_bits(np.atleast_1d(got.numpy())) != _bits(np.atleast_1d(want.numpy()))).sum())
    assert wrong == 0  # (sqrt of the float32-rounded variance missed in the last bit ~1 time in 8)


def test_std_gradients_as_pytorchs_zero_where_the_std_is_zero_and_twice_differentiable() -> None:
    torch = require_torch()
    a = np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]])
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = x.std(1), tx.std(1)
    assert y.grad_fn.name() == ty.grad_fn.name() == "StdBackward0"
    (gx,) = mg.autograd.grad(y.sum(), x, create_graph=True)
    (tgx,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    np.testing.assert_allclose(gx.detach().numpy(), tgx.detach().numpy(), rtol=1e-12)
    (ggx,) = mg.autograd.grad((gx * gx).sum(), x)
    (tggx,) = torch.autograd.grad((tgx * tgx).sum(), tx)
    np.testing.assert_allclose(ggx.numpy(), tggx.numpy(), rtol=1e-10, atol=1e-12)
    b = mg.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    assert mg.autograd.gradcheck(lambda t: t.std(0), (b,))
