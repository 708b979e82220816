"""Helper fuzz35: cases the robustness fuzzers found under the random "deep" hypothesis profile."""

from __future__ import annotations

import numpy as np

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
