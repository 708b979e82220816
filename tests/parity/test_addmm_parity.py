"""addmm as one primitive (F.linear on a batch of rows): values, gradients, names and errors vs torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

RTOL = 1e-10


def _pair(torch: Any, shape: tuple[int, ...], seed: int) -> tuple[mg.Tensor, Any]:
    a = np.random.default_rng(seed).standard_normal(shape)
    return mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("bias_shape", [(4, 3), (3,), (1, 3), (4, 1), (1, 1), (1,), ()])
@pytest.mark.parametrize("transposed", [False, True])
def test_addmm_values_and_gradients(bias_shape: tuple[int, ...], transposed: bool) -> None:
    torch = require_torch()
    c, tc = _pair(torch, bias_shape, 0)
    a, ta = _pair(torch, (4, 5), 1)
    b, tb = _pair(torch, (3, 5) if transposed else (5, 3), 2)
    bb, tbb = (b.T, tb.T) if transposed else (b, tb)  # the weight.T view of a Linear
    out, tout = mg.addmm(c, a, bb), torch.addmm(tc, ta, tbb)
    assert out.grad_fn.name() == tout.grad_fn.name() == "AddmmBackward0"
    assert_close(out, tout.detach().numpy(), rtol=RTOL)
    g = np.random.default_rng(3).standard_normal((4, 3))
    out.backward(mg.tensor(g))
    tout.backward(torch.tensor(g))
    for ours, theirs in ((c, tc), (a, ta), (b, tb)):
        assert ours.grad is not None and ours.grad.shape == tuple(theirs.grad.shape)
        assert_close(ours.grad, theirs.grad.numpy(), rtol=RTOL)


def test_addmm_second_derivative() -> None:
    torch = require_torch()
    c, tc = _pair(torch, (3,), 0)
    a, ta = _pair(torch, (4, 5), 1)
    b, tb = _pair(torch, (5, 3), 2)
    (ga,) = mg.autograd.grad((mg.addmm(c, a, b) ** 2).sum(), [a], create_graph=True)
    (tga,) = torch.autograd.grad((torch.addmm(tc, ta, tb) ** 2).sum(), [ta], create_graph=True)
    ga.sum().backward()
    tga.sum().backward()
    for ours, theirs in ((c, tc), (b, tb)):
        assert_close(ours.grad, theirs.grad.numpy(), rtol=RTOL)


def test_scaled_and_mixed_addmm_keep_composed_values() -> None:
    torch = require_torch()
    c, tc = _pair(torch, (4, 3), 0)
    a, ta = _pair(torch, (4, 5), 1)
    b, tb = _pair(torch, (5, 3), 2)
    out = mg.addmm(c, a, b, beta=0.5, alpha=2)
    tout = torch.addmm(tc, ta, tb, beta=0.5, alpha=2)
    assert_close(out, tout.detach().numpy(), rtol=RTOL)
    out.sum().backward()
    tout.sum().backward()
    assert_close(c.grad, tc.grad.numpy(), rtol=RTOL)


def test_addmm_shape_errors_are_pytorch_classes() -> None:
    torch = require_torch()
    cases = [((3,), (4, 5), (5, 2)), ((4, 2), (4, 5), (4, 2)), ((2,), (4,), (4, 2)),
             ((2, 4, 2), (4, 5), (5, 2))]
    for c, a, b in cases:
        with pytest.raises(RuntimeError):
            torch.addmm(torch.zeros(c), torch.zeros(a), torch.zeros(b))
        with pytest.raises(RuntimeError, match=r"\(|shape"):
            mg.addmm(mg.zeros(c), mg.zeros(a), mg.zeros(b))
    with pytest.raises(RuntimeError):
        torch.baddbmm(torch.zeros(3, 2, 4, 2), torch.zeros(2, 4, 5), torch.zeros(2, 5, 2))
    with pytest.raises(RuntimeError, match="does not broadcast"):
        mg.baddbmm(mg.zeros(3, 2, 4, 2), mg.zeros(2, 4, 5), mg.zeros(2, 5, 2))


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4), (4,)])
def test_linear_matches_torch_and_names_its_node(shape: tuple[int, ...]) -> None:
    torch = require_torch()
    ours = nn.Linear(4, 3, dtype=mg.float64)
    theirs = torch.nn.Linear(4, 3, dtype=torch.float64)
    with mg.no_grad():
        ours.weight.copy_(mg.tensor(theirs.weight.detach().numpy()))
        ours.bias.copy_(mg.tensor(theirs.bias.detach().numpy()))
    x, tx = _pair(torch, shape, 5)
    y, ty = ours(x), theirs(tx)
    # a batch of rows is one addmm in both; other ranks are folded into one (a view of it)
    assert y.grad_fn.name() == ty.grad_fn.name() == ("AddmmBackward0" if len(shape) == 2 else "ViewBackward0")
    assert_close(y, ty.detach().numpy(), rtol=RTOL)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    for a, b in ((x, tx), (ours.weight, theirs.weight), (ours.bias, theirs.bias)):
        assert_close(a.grad, b.grad.numpy(), rtol=RTOL)
