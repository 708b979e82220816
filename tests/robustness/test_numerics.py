"""Numerical edge cases: zero variance, huge logits, log(0), sqrt(0), and a float32 training run.

Every value and gradient is compared with PyTorch, and every case runs with
warnings as errors: a numpy RuntimeWarning (overflow, invalid value, divide by
zero) is a failure, as PyTorch is silent.
"""

from __future__ import annotations

import gzip
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn
import minigrad.nn.functional as F
import minigrad.optim
from minigrad.data import DataLoader, TensorDataset
from tests.helpers import require_torch

torch = require_torch()
TF = torch.nn.functional
DIGITS = Path(__file__).resolve().parents[2] / "examples" / "data" / "digits.csv.gz"


def _both(fn_mg: Callable[[Any], Any], fn_t: Callable[[Any], Any],
          x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fn on x in both libraries (warnings as errors): outputs and input gradients agree, NaN for NaN.

    The reference is PyTorch in float64 on the same values: in these corners its
    float32 kernels are the less accurate side (a float32 mean of a constant
    1e4 row is off by ~1e-3, which 1/sqrt(eps) amplifies; its float32
    LayerNorm of a constant 1e30 row is NaN), and minigrad must match the
    mathematically right answer to its own dtype's precision.
    """
    xm = mg.tensor(x, requires_grad=True)
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ym = fn_mg(xm)
        g = np.random.default_rng(0).standard_normal(ym.shape).astype(x.dtype)
        ym.backward(mg.tensor(g))
    yt = fn_t(xt)
    yt.backward(torch.tensor(g, dtype=torch.float64))
    tol = {"rtol": 1e-4, "atol": 1e-5} if x.dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-9}
    np.testing.assert_allclose(ym.detach().numpy(),
                               yt.detach().numpy(), equal_nan=True, err_msg="value", **tol)
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), equal_nan=True, err_msg="gradient", **tol)
    return ym.detach().numpy(), xm.grad.numpy()


def _torch_like(m: Any, build: Callable[[], Any]) -> Any:
    """A float64 PyTorch module holding minigrad module ``m``'s weights."""
    t = build().double()
    t.load_state_dict({k: torch.tensor(np.array(v)) for k, v in m.state_dict().items()})
    return t


# ------------------------------------------------------------------ zero variance

CONSTANT_INPUTS = {
    "all-equal": np.full((8, 4), 5.0),
    "each-channel-constant": np.tile(np.array([1.0, -2.0, 0.0, 1e4]), (8, 1)),
    "zeros": np.zeros((8, 4)),
    "two-rows": np.full((2, 4), -3.0),
}


@pytest.mark.parametrize("name", sorted(CONSTANT_INPUTS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("affine", [True, False])
def test_batchnorm_on_constant_input(name: str, dtype: Any, affine: bool) -> None:
    """Zero variance per channel: (x - mean) / sqrt(0 + eps) = 0; outputs and gradients finite."""
    x = CONSTANT_INPUTS[name].astype(dtype)
    m = mg.nn.BatchNorm1d(4, affine=affine, dtype=dtype)
    if affine:  # non-trivial weight and bias
        w = np.linspace(0.5, 2.0, 4).astype(dtype)
        m.weight.detach().numpy()[...] = w
        m.bias.detach().numpy()[...] = -w
    t = _torch_like(m, lambda: torch.nn.BatchNorm1d(4, affine=affine))
    y, gx = _both(m, t, x)
    assert np.isfinite(y).all() and np.isfinite(gx).all()
    np.testing.assert_allclose(m.running_var.numpy(), t.running_var.numpy(), rtol=1e-6)
    np.testing.assert_allclose(m.running_mean.numpy(), t.running_mean.numpy(), rtol=1e-6)
    if affine:  # the parameters' gradients from that same backward
        for (n, p), q in zip(m.named_parameters(), t.parameters(), strict=True):
            assert np.isfinite(p.grad.numpy()).all(), n
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)
    m.eval()
    t.eval()
    y, gx = _both(m, t, x)  # the running statistics of a constant batch normalize it finitely too
    assert np.isfinite(y).all() and np.isfinite(gx).all()


@pytest.mark.parametrize("name", sorted(CONSTANT_INPUTS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layernorm_on_constant_input(name: str, dtype: Any) -> None:
    x = CONSTANT_INPUTS[name].astype(dtype)
    m = mg.nn.LayerNorm(4, dtype=dtype)
    m.weight.detach().numpy()[...] = np.linspace(0.5, 2.0, 4)
    y, gx = _both(m, _torch_like(m, lambda: torch.nn.LayerNorm(4)), x)
    assert np.isfinite(y).all() and np.isfinite(gx).all()
    # normalized over everything
    y2, _ = _both(lambda v: F.layer_norm(v, x.shape), lambda v: TF.layer_norm(v, x.shape), x)
    assert np.isfinite(y2).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norms_of_a_constant_1e30_batch_stay_finite(dtype: Any) -> None:
    """x = 1e30 everywhere: beyond what either library computes exactly, but no NaN.

    The mean of the 1e30s is off by an ulp in both libraries and 1/sqrt(eps)
    amplifies the residue (PyTorch's float64 BatchNorm gives outputs of ~1e16,
    its float32 LayerNorm NaN), so no reference value is meaningful; minigrad's
    outputs and every gradient stay finite.
    """
    x = np.full((8, 4), 1e30, dtype)
    g = np.arange(32, dtype=dtype).reshape(8, 4)
    for m in (mg.nn.BatchNorm1d(4, dtype=dtype), mg.nn.LayerNorm(4, dtype=dtype)):
        xm = mg.tensor(x, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y = m(xm)
            y.backward(mg.tensor(g))
        assert np.isfinite(y.detach().numpy()).all() and np.isfinite(xm.grad.numpy()).all(), type(m).__name__
        assert all(np.isfinite(p.grad.numpy()).all() for p in m.parameters()), type(m).__name__


def test_std_and_var_of_constant_rows() -> None:
    x = np.full((3, 5), 2.0)
    _both(lambda v: v.std(dim=1), lambda v: v.std(dim=1), x)  # std' = 0 where std = 0 (not nan)
    _both(lambda v: v.var(dim=1), lambda v: v.var(dim=1), x)


# ------------------------------------------------------------------ huge logits

HUGE = {
    "all-1e4": np.full((3, 5), 1e4),
    "one-1e4": np.array([[1e4, 0, 0, 0, 0], [0, 1e4, -1e4, 0, 0], [-1e4, -1e4, -1e4, -1e4, 1e4]]),
    "mixed-signs": np.array([[1e4, -1e4, 1e4, -1e4, 3.0]] * 3),
    "1e30": np.array([[1e30, 0.0, -1e30, 2.0, 1.0]] * 3),
    "ties-at-1e4": np.array([[1e4, 1e4, 0.0, -1e4, 5.0]] * 3),
}


@pytest.mark.parametrize("name", sorted(HUGE))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_with_huge_logits(name: str, dtype: Any) -> None:
    """softmax, log_softmax, logsumexp and cross_entropy of 1e4 logits: finite and equal to PyTorch."""
    x = HUGE[name].astype(dtype)
    target = np.array([0, 2, 4])
    cases: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = [
        (lambda v: v.softmax(1), lambda v: v.softmax(1)),
        (lambda v: v.log_softmax(1), lambda v: v.log_softmax(1)),
        (lambda v: v.logsumexp(1), lambda v: v.logsumexp(1)),
        (lambda v: F.cross_entropy(v, mg.tensor(target)),
         lambda v: TF.cross_entropy(v, torch.tensor(target))),
        (lambda v: F.cross_entropy(v, mg.tensor(target), label_smoothing=0.1),
         lambda v: TF.cross_entropy(v, torch.tensor(target), label_smoothing=0.1)),
        (lambda v: F.cross_entropy(v, mg.tensor(target), reduction="none"),
         lambda v: TF.cross_entropy(v, torch.tensor(target), reduction="none")),
        (lambda v: F.nll_loss(v.log_softmax(1), mg.tensor(target)),
         lambda v: TF.nll_loss(v.log_softmax(1), torch.tensor(target))),
        (lambda v: v.sigmoid(), lambda v: v.sigmoid()),
        (lambda v: F.binary_cross_entropy_with_logits(v, mg.ones(*v.shape, dtype=v.dtype) * 0.5),
         lambda v: TF.binary_cross_entropy_with_logits(v, torch.ones(v.shape, dtype=v.dtype) * 0.5)),
        (lambda v: v.tanh(), lambda v: v.tanh()),
        (lambda v: v.gelu(), lambda v: TF.gelu(v)),
    ]
    for fm, ft in cases:
        y, g = _both(fm, ft, x)
        assert np.isfinite(y).all() and np.isfinite(g).all()


def test_exp_overflow_is_inf_without_warning() -> None:
    y, _ = _both(lambda v: v.exp(), lambda v: v.exp(), np.array([1e4, -1e4, 0.0], np.float32))
    assert y.tolist() == [np.inf, 0.0, 1.0]


# ------------------------------------------------------------------ log(0), sqrt(0), 0 / 0


def test_log_of_zero_is_minus_inf_like_numpy_and_torch() -> None:
    x = np.array([0.0, -0.0, -1.0, 1.0, np.inf], np.float32)
    with np.errstate(all="ignore"):
        expected = np.log(x)
    y, g = _both(lambda v: v.log(), lambda v: v.log(), x)
    np.testing.assert_array_equal(y, expected)  # -inf, -inf, nan, 0, inf
    assert y[0] == -np.inf and np.isnan(y[2])
    assert g[0] == np.copysign(np.inf, g[0]) and np.isinf(g[0])  # 1/0 times the upstream gradient


def test_sqrt_of_zero_has_an_infinite_gradient_like_torch() -> None:
    x = np.array([0.0, 4.0, -1.0], np.float64)
    xm = mg.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = xm.sqrt()
        y.sum().backward()
    xt = torch.tensor(x, requires_grad=True)
    xt.sqrt().sum().backward()
    np.testing.assert_array_equal(xm.grad.numpy(), xt.grad.numpy())  # [inf, 0.25, nan]
    assert xm.grad.numpy()[0] == np.inf


@pytest.mark.parametrize(("expr_mg", "expr_t"), [
    (lambda v: v / v, lambda v: v / v),
    (lambda v: v**0.5, lambda v: v**0.5),
    (lambda v: v**0, lambda v: v**0),
    (lambda v: v**-1, lambda v: v**-1),
    (lambda v: (v * 0).log(), lambda v: (v * 0).log()),
    (lambda v: v.abs(), lambda v: v.abs()),
    (lambda v: v.relu(), lambda v: v.relu()),
    (lambda v: v.clamp(0, 1), lambda v: v.clamp(0, 1)),
    (lambda v: v.maximum(mg.zeros(3)), lambda v: v.maximum(torch.zeros(3))),
    (lambda v: v.max(), lambda v: v.max()),
    (lambda v: (v * v).sum().sqrt(), lambda v: (v * v).sum().sqrt()),
])  # fmt: skip
def test_kinks_and_zero_division_at_zero(expr_mg: Callable[[Any], Any], expr_t: Callable[[Any], Any]) -> None:
    """0/0, 0 ** 0.5, 0 ** 0, 1/0, log(0 * x), |0|, relu(0), clamp/maximum at the bound: PyTorch's values."""
    _both(expr_mg, expr_t, np.array([0.0, 0.0, 0.0]))


# ------------------------------------------------------------------ a float32 training run


def _digits() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(DIGITS, "rt", encoding="ascii") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    x = table[:, :-1].astype(np.float32) / 16.0
    return (x - x.mean(0)) / (x.std(0) + 1e-3), table[:, -1]


def test_float32_digits_mlp_trains_without_nan() -> None:
    """Four epochs of Linear/BatchNorm1d/ReLU/Dropout on the digits in float32: every loss, gradient
    and parameter finite at every step; the loss falls and the accuracy ends above 90%."""
    mg.manual_seed(0)
    x, y = _digits()
    model = mg.nn.Sequential(
        mg.nn.Linear(64, 64), mg.nn.BatchNorm1d(64), mg.nn.ReLU(), mg.nn.Dropout(0.2),
        mg.nn.Linear(64, 64), mg.nn.BatchNorm1d(64), mg.nn.ReLU(), mg.nn.Dropout(0.2),
        mg.nn.Linear(64, 10),
    )
    opt = mg.optim.AdamW(model.parameters(), lr=1e-2)
    loader = DataLoader(TensorDataset(mg.tensor(x), mg.tensor(y)), batch_size=64, shuffle=True,
                        drop_last=True, generator=mg.Generator(0))
    losses = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(4):
            for xb, yb in loader:
                loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                for p in model.parameters():
                    assert p.grad.dtype == np.float32 and np.isfinite(p.grad.numpy()).all()
                opt.step()
                assert np.isfinite(loss.item())
                losses.append(loss.item())
    assert all(p.dtype == np.float32 and np.isfinite(p.detach().numpy()).all() for p in model.parameters())
    assert len(losses) == 4 * (len(y) // 64)
    assert np.mean(losses[-20:]) < 0.5 * np.mean(losses[:5])
    model.eval()
    with mg.no_grad():
        accuracy = float((model(mg.tensor(x)).numpy().argmax(1) == y).mean())
    assert accuracy > 0.9, accuracy
