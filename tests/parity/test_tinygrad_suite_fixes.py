"""Fixes found by running tinygrad's test/backend/test_ops.py torch lambdas on minigrad.

The suite's TestOpsUint8.test_interpolate_bilinear resizes a uint8 image: PyTorch does
that in fixed-point integer arithmetic (its result is not the float interpolation
rounded), and minigrad refused non-float input for bilinear. Each case compares the
exact uint8 output with PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_CASES = [  # (channels, input H x W, interpolate kwargs)
    (3, (64, 64), {"size": (10, 10)}),  # the suite's case
    (3, (17, 13), {"size": (40, 7)}),
    (4, (5, 9), {"size": (17, 30), "align_corners": True}),
    (5, (17, 13), {"size": (10, 10), "antialias": True}),
    (8, (64, 64), {"size": (3, 100), "antialias": True, "align_corners": True}),
    (3, (17, 13), {"size": (17, 30)}),  # one dim keeps its size: one pass only
    (3, (16, 12), {"scale_factor": 0.37}),
    (2, (9, 11), {"scale_factor": (2.5, 1.7), "align_corners": True}),
    (3, (9, 11), {"scale_factor": 1.7, "recompute_scale_factor": True}),
]


@pytest.mark.parametrize(("c", "hw", "kw"), _CASES)
def test_bilinear_uint8_matches_torch(c: int, hw: tuple[int, int], kw: dict[str, Any]) -> None:
    x = np.random.default_rng(c + hw[0]).integers(0, 256, (2, c, *hw)).astype(np.uint8)
    want = torch.nn.functional.interpolate(torch.from_numpy(x), mode="bilinear", **kw)
    got = mg.nn.functional.interpolate(mg.from_numpy(x), mode="bilinear", **kw)
    assert got.dtype == np.uint8 and got.shape == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_bilinear_other_int_dtypes_still_raise() -> None:
    """PyTorch implements the integer resize for uint8 only; int32 raises in both."""
    x = np.arange(2 * 3 * 4 * 4, dtype=np.int32).reshape(2, 3, 4, 4)
    with pytest.raises(RuntimeError):
        torch.nn.functional.interpolate(torch.from_numpy(x), size=(2, 2), mode="bilinear")
    with pytest.raises(RuntimeError):
        mg.nn.functional.interpolate(mg.from_numpy(x), size=(2, 2), mode="bilinear")
