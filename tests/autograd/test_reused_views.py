"""A view of a parameter made once and used on every step backpropagates every step, as in PyTorch.

PyTorch keeps a graph's edges after backward and frees only the saved tensors, so ``W.t()``,
``W.expand(...)``, ``W[0]`` or a distribution built on a broadcast parameter can be reused. minigrad
keeps the inputs of nodes that read no values when those inputs are leaves or views of leaves; a
node that saved values still refuses a second backward, with PyTorch's error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _steps(lib: Any) -> list[np.ndarray]:
    w = lib.nn.Parameter(lib.tensor(np.linspace(-1, 1, 6).reshape(3, 2)))
    views = [w.t(), w[0], w[1:, ::2], w.expand(4, 3, 2), w.t().reshape(6), w.unsqueeze(0).transpose(1, 2)]
    dist = lib.distributions.Normal(w.expand(4, 3, 2), 1.0)
    out = []
    for step in range(3):
        x = lib.tensor(np.full((5, 3), 0.5 + step))
        loss = (x @ w).sum() + sum((v * (k + 1)).sum() for k, v in enumerate(views))
        loss = loss - dist.log_prob(lib.zeros(4, 3, 2, dtype=lib.float64)).sum()
        loss.backward()
        out.append(w.grad.numpy().copy())
        with lib.no_grad():  # an optimizer's in-place step: the views see it, and read no values to check
            w -= 0.01 * w.grad
    return out


def test_views_of_a_parameter_made_once_backpropagate_every_step() -> None:
    for mine, theirs in zip(_steps(mg), _steps(torch), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-13)


@pytest.mark.parametrize("make", ["w * w", "(w * 2).t()", "w.exp()[0]"])
def test_a_node_that_saved_values_still_refuses_a_second_backward(make: str) -> None:
    for lib, error in ((mg, mg.MinigradError), (torch, RuntimeError)):
        w = lib.ones(3, 2, requires_grad=True, dtype=lib.float64)
        y = eval(make, {"w": w})
        y.sum().backward()
        with pytest.raises(error, match="backward through the graph a second time"):
            y.sum().backward()


def test_kept_inputs_are_only_leaves_and_their_views() -> None:
    w = mg.ones(3, 2, requires_grad=True)
    h = w * 3  # an activation: its node reads w, so it is freed, and the view of it too
    v, t = h.t(), w.t()
    (v.sum() + t.sum()).backward()
    assert v.grad_fn.released and h.grad_fn.released and not t.grad_fn.released
    assert t.grad_fn.next_functions[0][0].variable is w
