"""Regression: a batched (..., m, n) @ (n, p) runs as one 2-D product; values and gradients unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(77)


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "permute"),
    [((2, 3, 4, 5), (5, 6), None), ((3, 4, 5), (5,), None), ((4, 3, 5), (5, 2), (1, 0, 2))],
)
def test_batched_times_matrix_matches_torch(
    a_shape: tuple[int, ...], b_shape: tuple[int, ...], permute: tuple[int, ...] | None
) -> None:
    torch = require_torch()
    a, b = RNG.standard_normal(a_shape), RNG.standard_normal(b_shape)
    ma, mb = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    # a permuted (non-contiguous) left operand takes the same path
    out = (ma.permute(*permute) if permute else ma) @ mb
    ref = (ta.permute(*permute) if permute else ta) @ tb
    assert_close(out, ref)
    g = RNG.standard_normal(tuple(ref.shape))
    out.backward(mg.tensor(g))
    ref.backward(torch.tensor(g))
    assert_close(ma.grad, ta.grad)
    assert_close(mb.grad, tb.grad)


def test_second_derivative() -> None:
    a = mg.tensor(RNG.standard_normal((2, 2, 3)), requires_grad=True)
    b = mg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    assert mg.gradgradcheck(lambda x, y: (x @ y).tanh(), (a, b))
