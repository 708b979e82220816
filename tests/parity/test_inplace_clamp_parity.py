"""clamp_ with number bounds on a float tensor that records no graph writes in place (one pass per bound);
its values are out-of-place clamp's and PyTorch's, -0.0 on ties and NaN included, and its errors stand."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import InvalidParameterError
from tests.helpers import require_torch

BOUNDS = [(-1, 1), (0, None), (None, 0), (0.5, -0.5), (0, 0), (-0.0, None), (1e30, None), (2**24 + 1, None)]


@pytest.mark.parametrize(("lo", "hi"), BOUNDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clamp_in_place_matches_pytorch_bit_for_bit(lo: float | None, hi: float | None, dtype: str) -> None:
    torch = require_torch()
    a = (np.random.default_rng(5).standard_normal(300) * 3).astype(dtype)
    a[:6] = [np.nan, -0.0, 0.0, np.inf, -np.inf, 1.0]
    ours, theirs = mg.tensor(a), torch.tensor(a)
    out = ours.clamp_(lo, hi)
    theirs.clamp_(lo, hi)
    assert out is ours
    got, want = ours.numpy(), theirs.numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
    np.testing.assert_array_equal(got, mg.tensor(a).clamp(lo, hi).numpy())


def test_clamp_in_place_keeps_the_checks() -> None:
    x = mg.tensor([1.0, -2.0])
    v0 = x._version
    x.clamp_(max=0.5)
    assert x._version == v0 + 1 and x.tolist() == [0.5, -2.0]
    with pytest.raises(InvalidParameterError, match="overflow"):
        x.clamp_(-1e40, 1e40)
    with pytest.raises(InvalidParameterError):
        x.clamp_()
    p = mg.nn.Parameter(mg.tensor([3.0]))
    with pytest.raises(RuntimeError):  # a leaf that requires grad, in grad mode
        p.clamp_(0, 1)
