"""Helper fuzz35: cases the robustness fuzzers found under the random "deep" hypothesis profile."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def test_clamp_whose_tensor_bounds_broadcast_x_has_maximum_minimum_gradients() -> None:
    """clamp(x, lo, hi) with bounds that broadcast x (3, 1) to (3, 3): PyTorch's forward allows it, its
    backward fails; minigrad's gradients are those of minimum(maximum(x, lo), hi) (the fuzzer's oracle for
    this case, test_op_at_edge_values[clamp_tensor] with an "empty" 0-d bound, compares with it)."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-2, 2, (3, 1)), rng.uniform(-1.2, -0.8, (3,)), rng.uniform(0.8, 1.2, (1, 1))]
    g = rng.standard_normal((3, 3))
    ours = [mg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours[0].clamp(ours[1], ours[2]).backward(mg.tensor(g))
    torch.minimum(torch.maximum(theirs[0], theirs[1]), theirs[2]).backward(torch.tensor(g))
    for m, t in zip(ours, theirs, strict=True):
        assert m.grad is not None and m.grad.shape == tuple(t.shape)
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("shape", [(), (1,), (4,)])
def test_index_add_of_a_1d_input_rounds_alpha_times_source_first(shape: tuple[int, ...]) -> None:
    """PyTorch fuses float32 index_add's alpha * source + input only for inputs of 2 or more dims; a 1-D or
    0-d input's kernel rounds alpha * source first (2 * 1.8e38 is inf there, and the last bit differs).
    minigrad fused every float32 input (the deep profile's test_op_at_edge_values[index_add], seed 13:
    [2.2e38] + 2 * [7.7e37, -5.6e37, 1.5e38, -1.7e38] at index [0, 0, 0, 0] gave inf, PyTorch's nan)."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    for trial in range(100):
        n = math.prod(shape)
        m = int(rng.integers(0, 6)) if shape else 1
        scale = 1e38 if trial % 4 == 0 else 1.0
        with np.errstate(over="ignore"):
            a = (rng.standard_normal(shape) * scale).astype(np.float32)
            s = (rng.standard_normal((m,) if shape else ()) * scale).astype(np.float32)
        idx = rng.integers(0, n, size=m)
        alpha = float(rng.choice([2.0, -0.5, 0.3, 3.0]))
        x, src = mg.tensor(a, requires_grad=True), mg.tensor(s, requires_grad=True)
        tx, tsrc = torch.tensor(a, requires_grad=True), torch.tensor(s, requires_grad=True)
        ours = x.index_add(0, mg.tensor(idx), src, alpha=alpha)  # (silent, as PyTorch)
        theirs = tx.index_add(0, torch.tensor(idx), tsrc, alpha=alpha)
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
        g = rng.standard_normal(ours.shape).astype(np.float32)
        ours.backward(mg.tensor(g))
        theirs.backward(torch.tensor(g))
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
        np.testing.assert_allclose(src.grad.numpy(), tsrc.grad.numpy(), rtol=1e-6)


def test_norm_of_a_huge_0d_value_and_its_gradient_are_float64s() -> None:
    """norm(p=2, dim=0) of a 0-d float32 3.26e37: PyTorch's float32 kernel squares it to inf (value inf,
    gradient x / inf = 0); minigrad's value is |x| and its gradient sign(x) * g, PyTorch's float64 answers
    (the deep profile's test_op_at_edge_values[norm], seed 22, compares with those now)."""
    torch = require_torch()
    a = np.float32(3.2573022e37)
    x = mg.tensor(a, requires_grad=True)
    y = x.norm(p=2, dim=0)
    y.backward(mg.tensor(np.float32(0.64)))
    tx = torch.tensor(float(a), dtype=torch.float64, requires_grad=True)
    ty = tx.norm(p=2, dim=0)
    ty.backward(torch.tensor(0.64, dtype=torch.float64))
    assert y.dtype == mg.float32 and x.grad is not None
    np.testing.assert_allclose(y.item(), ty.item(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.item(), tx.grad.item(), rtol=1e-6)
