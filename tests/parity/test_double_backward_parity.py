"""Second derivatives through ReLU-family networks, as a gradient penalty takes them (WGAN-GP).

PyTorch's ReLU and LeakyReLU backward read the tensor their mask comes from, so a
gradient taken with ``create_graph=True`` stays connected to everything beneath
it, with a zero derivative: the first layer's bias gets a zero gradient, not None,
and ``autograd.grad`` of it does not raise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
pytestmark = pytest.mark.parity

ACTIVATIONS = {"relu": lambda nn: nn.ReLU(), "leaky": lambda nn: nn.LeakyReLU(0.2)}


def _penalty(lib: Any, act: str, weights: list[np.ndarray], x: np.ndarray) -> tuple[Any, Any, list[Any]]:
    nn = lib.nn
    d = nn.Sequential(nn.Linear(4, 8), ACTIVATIONS[act](nn), nn.Linear(8, 8), ACTIVATIONS[act](nn),
                      nn.Linear(8, 1)).double()
    with lib.no_grad():
        for p, w in zip(d.parameters(), weights):
            p.copy_(lib.tensor(w))
    inter = lib.tensor(x, requires_grad=True)
    out = d(inter)
    (g,) = lib.autograd.grad(out, inter, grad_outputs=lib.ones_like(out), create_graph=True)
    gp = ((g.norm(2, dim=1) - 1) ** 2).mean()
    return gp, g, list(d.parameters())


@pytest.mark.parametrize("act", list(ACTIVATIONS))
def test_a_gradient_penalty_reaches_every_parameter_as_in_pytorch(act: str) -> None:
    rng = np.random.default_rng(0)
    shapes = [(8, 4), (8,), (8, 8), (8,), (1, 8), (1,)]
    weights = [rng.standard_normal(s) * 0.5 for s in shapes]
    x = rng.standard_normal((6, 4))
    results = []
    for lib in (mg, torch):
        gp, _, params = _penalty(lib, act, weights, x)
        gp.backward()
        results.append((gp.item(), [None if p.grad is None else p.grad.numpy() for p in params]))
    (mine, mgrads), (ref, tgrads) = results
    assert mine == pytest.approx(ref, rel=1e-12)
    for i, (a, b) in enumerate(zip(mgrads, tgrads)):
        assert (a is None) == (b is None), f"parameter {i}: minigrad {a is None}, PyTorch {b is None}"
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"parameter {i}")
    assert np.all(mgrads[1] == 0) and mgrads[5] is None  # the first bias: zeros; the last: unused


@pytest.mark.parametrize("act", list(ACTIVATIONS))
def test_autograd_grad_of_a_penalty_needs_no_allow_unused_for_the_first_bias(act: str) -> None:
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(s) for s in [(8, 4), (8,), (8, 8), (8,), (1, 8), (1,)]]
    gp, _, params = _penalty(mg, act, weights, rng.standard_normal((3, 4)))
    grads = mg.autograd.grad(gp, params[:5])
    np.testing.assert_array_equal(grads[1].numpy(), np.zeros(8))


def test_leaky_relu_values_gradients_and_node_names_match_pytorch() -> None:
    x = np.array([-2.0, -0.0, 0.0, 1.5, np.nan, -np.inf, np.inf], dtype=np.float32)
    outs = []
    for lib in (mg, torch):
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.leaky_relu(t, 0.1)
        y.backward(lib.tensor(np.arange(1.0, 8.0, dtype=np.float32)))
        outs.append((y.detach().numpy(), t.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert outs[0][2] == outs[1][2] == "LeakyReluBackward0"


@pytest.mark.parametrize(("act", "node"), [("relu", "ThresholdBackwardBackward0"),
                                           ("leaky", "LeakyReluBackwardBackward0")])
def test_the_backward_of_the_backward_is_named_as_pytorch_names_it(act: str, node: str) -> None:
    names = []
    for lib in (mg, torch):
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        y = ACTIVATIONS[act](lib.nn)(x * 1.0)
        (g,) = lib.autograd.grad(y, x, grad_outputs=lib.ones(2, requires_grad=True), create_graph=True)
        names.append(g.grad_fn.next_functions[0][0].name())
    assert names == [node, node]
