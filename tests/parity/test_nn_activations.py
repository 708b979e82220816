"""Every activation layer and its F.* form against torch.nn in float64: repr, values and gradients,
including at each function's kinks (0, +-lambda, +-3, 6, thresholds), where PyTorch picks a side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12

# (case id, layer name, constructor args, constructor kwargs, F name or None, F kwargs)
CASES: list[tuple[str, str, tuple[Any, ...], dict[str, Any], str | None, dict[str, Any]]] = [
    ("ReLU", "ReLU", (), {}, "relu", {}),
    ("ReLU6", "ReLU6", (), {}, "relu6", {}),
    ("LeakyReLU", "LeakyReLU", (), {}, "leaky_relu", {}),
    ("LeakyReLU-0.2", "LeakyReLU", (0.2,), {}, "leaky_relu", {"negative_slope": 0.2}),
    ("ELU", "ELU", (), {}, "elu", {}),
    ("ELU-0.5", "ELU", (), {"alpha": 0.5}, "elu", {"alpha": 0.5}),
    ("SELU", "SELU", (), {}, "selu", {}),
    ("CELU-2", "CELU", (2.0,), {}, "celu", {"alpha": 2.0}),
    ("SiLU", "SiLU", (), {}, "silu", {}),
    ("Mish", "Mish", (), {}, "mish", {}),
    ("Softplus", "Softplus", (), {}, "softplus", {}),
    ("Softplus-beta2-th10", "Softplus", (), {"beta": 2, "threshold": 10}, "softplus",
     {"beta": 2, "threshold": 10}),
    ("Softsign", "Softsign", (), {}, "softsign", {}),
    ("Hardtanh", "Hardtanh", (), {}, "hardtanh", {}),
    ("Hardtanh--2-3", "Hardtanh", (-2.0, 3.0), {}, "hardtanh", {"min_val": -2.0, "max_val": 3.0}),
    ("Hardswish", "Hardswish", (), {}, "hardswish", {}),
    ("Hardsigmoid", "Hardsigmoid", (), {}, "hardsigmoid", {}),
    ("LogSigmoid", "LogSigmoid", (), {}, "logsigmoid", {}),
    ("Tanhshrink", "Tanhshrink", (), {}, "tanhshrink", {}),
    ("Softshrink", "Softshrink", (), {}, "softshrink", {}),
    ("Softshrink-1", "Softshrink", (1.0,), {}, "softshrink", {"lambd": 1.0}),
    ("Hardshrink", "Hardshrink", (), {}, "hardshrink", {}),
    ("Hardshrink-1", "Hardshrink", (1,), {}, "hardshrink", {"lambd": 1}),
    ("Threshold", "Threshold", (0.5, -2), {}, "threshold", {"threshold": 0.5, "value": -2}),
    ("PReLU", "PReLU", (), {}, None, {}),
    ("PReLU-6", "PReLU", (6,), {"init": 0.1}, None, {}),
    ("GLU", "GLU", (), {}, "glu", {}),
    ("GLU-1", "GLU", (1,), {}, "glu", {"dim": 1}),
    ("GELU", "GELU", (), {}, "gelu", {}),
    ("Tanh", "Tanh", (), {}, "tanh", {}),
    ("Sigmoid", "Sigmoid", (), {}, "sigmoid", {}),
    ("Softmax-2", "Softmax", (2,), {}, "softmax", {"dim": 2}),
    ("LogSoftmax-1", "LogSoftmax", (), {"dim": 1}, "log_softmax", {"dim": 1}),
    ("Softmin-1", "Softmin", (1,), {}, "softmin", {"dim": 1}),
    ("Softmax2d", "Softmax2d", (), {}, None, {}),
]  # fmt: skip

# each function's kinks and switch points, placed at the front of every input
KINKS = [0.0, 0.0, -0.5, 0.5, -1.0, 1.0, -3.0, 3.0, 6.0, -2.0, 2.0, 10.0 / 2, 20.0, -20.0, 25.0, 1e-9, -1e-9]


def _input(seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(scale=3.0, size=(4, 6, 2))
    x.flat[: len(KINKS)] = KINKS
    return x


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_activation_matches_torch(case: tuple[Any, ...]) -> None:
    torch = require_torch()
    _, name, args, kwargs, fname, fkwargs = case
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    if name == "PReLU":  # distinct slopes per channel, so each one's gradient is checked
        slopes = np.linspace(-0.3, 0.7, theirs.weight.numel())
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(slopes))
        ours.load_state_dict({"weight": slopes})
    ours.double()
    theirs.double()
    x = _input()
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = theirs(tx), ours(mx)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(1).normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    # PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32; minigrad's by 1/6
    assert_close(mx.grad, tx.grad, rtol=5e-8 if name == "Hardsigmoid" else RTOL, atol=ATOL)
    if name == "PReLU":
        assert_close(ours.weight.grad, theirs.weight.grad, rtol=RTOL, atol=ATOL)
    if fname is not None:  # the functional form is the module's computation
        np.testing.assert_array_equal(getattr(F, fname)(mg.tensor(x), **fkwargs).detach().numpy(),
                                      my.detach().numpy())
    x32 = mg.tensor(x.astype(np.float32))
    assert ours.float()(x32).dtype == np.float32


def test_prelu_functional_slopes_per_channel_and_shared() -> None:
    torch = require_torch()
    x = _input(2)
    for w in (np.array([0.25]), np.linspace(-1, 1, 6), np.array(0.3)):
        got = F.prelu(mg.tensor(x), mg.tensor(w))
        assert_close(got, torch.nn.functional.prelu(torch.tensor(x), torch.tensor(w)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("fn", "kwargs"), [("softplus", {}), ("logsigmoid", {}), ("mish", {}), ("elu", {}),
                                            ("selu", {}), ("celu", {"alpha": 0.5})])
def test_extreme_inputs_stay_finite_like_torch(fn: str, kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    x = np.array([-800.0, -50.0, -1e-12, 1e-12, 50.0, 800.0])
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = getattr(torch.nn.functional, fn)(tx, **kwargs), getattr(F, fn)(mx, **kwargs)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    ty.sum().backward()
    my.sum().backward()
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)


def test_inplace_is_accepted_and_shown_in_the_repr() -> None:
    torch = require_torch()
    for name in ("ReLU", "ReLU6", "SiLU", "Mish", "SELU", "Hardswish", "Hardsigmoid"):
        ours, theirs = getattr(nn, name)(inplace=True), getattr(torch.nn, name)(inplace=True)
        assert repr(ours) == repr(theirs)
        x, tx = mg.tensor([-1.0, 2.0]), torch.tensor([-1.0, 2.0])
        expected = getattr(nn, name)()(x).numpy().tolist()
        # as PyTorch's, the layer writes into its input and returns it
        assert ours(x) is x and theirs(tx) is tx
        assert x.numpy().tolist() == expected
        assert_close(x, tx, rtol=1e-6, atol=1e-7)  # (float32)
    for make in (lambda lib: lib.LeakyReLU(0.1, True), lambda lib: lib.ELU(inplace=True),
                 lambda lib: lib.Hardtanh(inplace=True), lambda lib: lib.Threshold(1, 2, True)):
        assert repr(make(nn)) == repr(make(torch.nn))


NONFINITE = ["hardswish", "softshrink", "hardshrink", "hardsigmoid", "hardtanh", "relu6", "leaky_relu", "elu",
             "celu", "selu", "softplus", "threshold", "silu", "softsign", "tanhshrink", "logsigmoid"]


@pytest.mark.parametrize("fn", NONFINITE)
def test_inf_and_nan_like_torch(fn: str) -> None:
    """+-inf and nan take PyTorch's branch in value and gradient (no inf * 0 from an unused branch)."""
    torch = require_torch()
    x = np.array([np.inf, -np.inf, np.nan, 1.0, -4.0])
    args = (0.5, 0.1) if fn == "threshold" else ()
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = getattr(torch.nn.functional, fn)(tx, *args), getattr(F, fn)(mx, *args)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    ty.sum().backward()
    my.sum().backward()
    assert_close(mx.grad, tx.grad, rtol=5e-8 if fn == "hardsigmoid" else RTOL, atol=ATOL)


@pytest.mark.parametrize("shape", [(4, 8), (64, 128), (3, 40, 40)])  # below and above relu's small-array path
@pytest.mark.parametrize("bad", ["none", "nan input", "inf gradient", "nan gradient", "inf input"])
def test_relu_gradient_at_nan_and_inf_is_pytorchs(shape: tuple[int, ...], bad: str) -> None:
    """threshold_backward's rule: the gradient passes where the result is not <= 0 (NaN too), and a
    non-finite upstream gradient on a zeroed position gives 0, not NaN; the sign of zeros aside."""
    torch = require_torch()
    rng = np.random.default_rng(7)
    x, g = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    flat_x, flat_g = x.reshape(-1), g.reshape(-1)
    if bad == "nan input":
        flat_x[[3, 5]] = np.nan
    elif bad == "inf input":
        flat_x[[3, 5]] = [np.inf, -np.inf]
    elif bad == "inf gradient":
        flat_x[[3, 5]] = [-1.0, 1.0]
        flat_g[[3, 5]] = np.inf
    elif bad == "nan gradient":
        flat_x[[3, 5]] = [-1.0, 1.0]
        flat_g[[3, 5]] = np.nan
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    mx.relu().backward(mg.tensor(g))
    tx.relu().backward(torch.tensor(g))
    np.testing.assert_array_equal(mx.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize(("beta", "threshold"), [(1.0, 20.0), (2.0, 3.0), (0.5, 20.0)])
def test_softplus_and_logsigmoid_are_pytorchs_kernel_formulas_in_one_node(beta: float,
                                                                         threshold: float) -> None:
    # softplus = log1p(exp(beta x)) / beta below the threshold, x above; logsigmoid = min(x, 0) -
    # log1p(exp(-|x|)); their gradients g * z / (z + 1) and g * (1 - z / (1 + z)) or g * z / (1 + z),
    # each one primitive (composed, softplus took nine ops and BCE with logits thirteen)
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.standard_normal(2000) * 8, [0.0, -0.0, threshold / beta, 1e3, -1e3]])
    g = rng.standard_normal(x.size)
    bx = x * beta
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.exp(bx)
        want = np.where(bx > threshold, x, np.log1p(z) / beta)
        want_grad = np.where(bx > threshold, g, g * z / (z + 1))
    t = mg.tensor(x, requires_grad=True)
    y = F.softplus(t, beta, threshold)
    assert y.grad_fn is not None  # one node: its input is the leaf
    assert y.grad_fn.next_functions[0][0].name() == "torch::autograd::AccumulateGrad"
    y.backward(mg.tensor(g))
    assert y.detach().numpy().tobytes() == want.tobytes() and t.grad is not None
    assert t.grad.numpy().tobytes() == want_grad.tobytes()
    q = np.exp(-np.abs(x))
    t.grad = None
    y = F.logsigmoid(t)
    y.backward(mg.tensor(g))
    assert y.detach().numpy().tobytes() == (np.minimum(x, 0) - np.log1p(q)).tobytes() and t.grad is not None
    q /= q + 1
    assert t.grad.numpy().tobytes() == (g * np.where(x < 0, 1 - q, q)).tobytes()
    torch = require_torch()
    tt = torch.tensor(x, requires_grad=True)
    torch.nn.functional.softplus(tt, beta, threshold).backward(torch.tensor(g))
    assert_close(F.softplus(mg.tensor(x), beta, threshold).numpy(),
                 torch.nn.functional.softplus(torch.tensor(x), beta, threshold).numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hardswish_and_elu_family_match_torch_bit_for_bit(dtype: type) -> None:
    # hardswish and hardsigmoid are primitives with PyTorch's kernel formulas (composed: 12x and 6x slower);
    # the elu family picks its branches without np.where (3 ns per element on an activation's signs)
    torch = require_torch()
    rng = np.random.default_rng(11)
    kinks = [-4.0, -3.0, -0.0, 0.0, 3.0, 4.0, np.inf, -np.inf, np.nan]
    kinks += [np.nextafter(-3.0, 0), np.nextafter(3.0, 0)]
    x = np.concatenate([rng.standard_normal(5000) * 4, kinks]).astype(dtype)
    g = rng.standard_normal(x.size).astype(dtype)
    cases = (("hardswish", {}), ("hardsigmoid", {}), ("elu", {}), ("selu", {}), ("celu", {"alpha": 2.0}))
    for name, kwargs in cases:
        mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours, theirs = getattr(F, name)(mx, **kwargs), getattr(torch.nn.functional, name)(tx, **kwargs)
        assert ours.grad_fn is not None and ours.grad_fn.name() == theirs.grad_fn.name()
        ours.backward(mg.tensor(g))
        theirs.backward(torch.tensor(g))
        assert mx.grad is not None and tx.grad is not None
        if name in ("hardswish", "hardsigmoid"):
            assert ours.detach().numpy().tobytes() == theirs.detach().numpy().tobytes()
            assert mx.grad.numpy().tobytes() == tx.grad.numpy().tobytes()
        else:  # (exp and expm1 are libraries' own: close, not always the same bits)
            assert_close(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7)
            assert_close(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-7)
