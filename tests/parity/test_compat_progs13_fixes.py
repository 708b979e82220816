"""What the progs13 batch of compat programs (tests/compat/programs: Sinkhorn, DEQ, rare layers, ...)
needed: each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _signed(a: Any) -> list[tuple[float, bool]]:
    """Values with their sign bits, so -0.0 and 0.0 differ."""
    return [(float(v), bool(np.signbit(v))) for v in np.asarray(a).ravel()]


def test_softshrink_zero_signs() -> None:
    """Before progs13 (rare_layers_lm.py) softshrink gave +0.0 inside [-lambd, lambd]; PyTorch's
    kernel multiplies by zero there, so negative inputs give -0.0 (printed as -0.). The gradient
    there stays +0."""
    results = []
    for lib in (torch, mg):
        x = lib.tensor([-2.0, -0.5, -0.0, 0.0, 0.3, 0.6, -0.6, 1.0]).requires_grad_(True)
        y = lib.nn.functional.softshrink(x, 0.6)
        y.backward(lib.full_like(x, -1.0))
        results.append((_signed(y.detach().numpy()), _signed(x.grad.numpy()), y.grad_fn.name()))
    assert results[1] == results[0]


def test_leaky_relu_zero_slope_gradient_sign() -> None:
    """Before progs13 leaky_relu with negative_slope=0.0 gave +0.0 gradients at x <= 0 (ReLU's
    rule); PyTorch's leaky_relu_backward multiplies the gradient by the slope: -0.0 where the
    gradient is negative."""
    results = []
    for lib in (torch, mg):
        x = lib.tensor([-2.0, -0.0, 0.0, 0.5]).requires_grad_(True)
        y = lib.nn.functional.leaky_relu(x, 0.0)
        y.backward(lib.tensor([-1.0, -1.0, 2.0, -3.0]))
        results.append((_signed(y.detach().numpy()), _signed(x.grad.numpy())))
    assert results[1] == results[0]


def test_accumulating_index_ops_add_in_order_onto_the_input() -> None:
    """Before progs13 (glove_ppmi.py) index_put_(accumulate=True) and index_add_ summed the values first
    and added that sum to the input, a + (b1 + b2); PyTorch adds each into the running value,
    (a + b1) + b2, so a co-occurrence matrix built from both directions came out not quite symmetric.
    Now the bits agree, and the gradients and grad_fn names are PyTorch's."""
    results = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        x = (lib.randn(5) * 1e3).requires_grad_(True)
        v = lib.randn(40).requires_grad_(True)
        i = lib.randint(0, 5, (40,))
        m = lib.randn(4, 3) * 100
        rows, src = lib.randint(0, 4, (30,)), lib.randn(30, 3)
        put = x.index_put((i,), v, accumulate=True)
        add = x.index_add(0, i, v)
        (put * lib.arange(5.0)).sum().backward()
        got = [put.detach().numpy(), add.detach().numpy(), x.grad.numpy(), v.grad.numpy(),
               m.clone().index_add_(0, rows, src).numpy(),
               lib.zeros(5).index_put_((i,), v.detach(), True).numpy(),
               m.clone().index_put_((rows, rows % 3), src[:, 0], accumulate=True).numpy()]
        results.append((got, put.grad_fn.name(), add.grad_fn.name()))
    (want, *want_names), (got, *got_names) = results
    for w, g in zip(want, got):
        np.testing.assert_array_equal(g, w)
    assert got_names == want_names


def test_scatter_sums_bincount_and_embedding_gradient_add_in_order() -> None:
    """Before progs13 scatter_add and scatter_reduce('sum'/'mean') summed apart from the input (and
    scatter_reduce's padded rows pairwise), bincount's float32 weights were summed in float64, and the
    embedding gradient summed each row's repeats pairwise (reduceat); PyTorch's CPU kernels add each
    value onto the running one in index order, in the tensor's dtype. Now every bit agrees."""
    results = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        x = lib.randn(5) * 1e3
        v = lib.randn(60)
        i = lib.randint(0, 5, (60,))
        m, r, s2 = lib.randn(5, 4) * 100, lib.randint(0, 5, (50, 4)), lib.randn(50, 4)
        got = [x.clone().scatter_add_(0, i, v), m.clone().scatter_add_(0, r, s2),
               lib.bincount(i, weights=v * 1e3)]
        for red in ("sum", "mean"):
            for inc in (True, False):
                got.append(x.scatter_reduce(0, i, v, red, include_self=inc))
                got.append(m.scatter_reduce(1, r[:5] % 4, s2[:5], red, include_self=inc))
        emb = lib.nn.Embedding(6, 3)
        (emb(lib.randint(0, 6, (100,))) * lib.randn(100, 3)).sum().backward()
        got.append(emb.weight.grad)
        results.append([t.detach().numpy() for t in got])
    for want, got in zip(*results):
        np.testing.assert_array_equal(got, want)
