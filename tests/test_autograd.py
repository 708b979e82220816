"""The backward engine: graph walk, accumulation, freeing, hooks, grad mode, mg.grad."""

from __future__ import annotations

import numpy as np

import minigrad as mg


def test_zero_derivative_ops_give_a_zero_gradient_not_none() -> None:
    """sign(x) and x ** 0 leave zeros in x.grad, as PyTorch does (not None)."""
    for fn in (lambda x: x.sign(), lambda x: x**0):
        x = mg.tensor([-1.5, 0.0, 2.0], requires_grad=True)
        fn(x).backward(mg.tensor([1.0, 2.0, 3.0]))
        assert x.grad is not None
        assert x.grad.dtype == np.float32
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
