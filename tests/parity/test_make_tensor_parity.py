"""``testing.make_tensor`` as ``torch.testing.make_tensor``: dtype, shape, value range, layout, errors.

The values are random (minigrad's generator is not PyTorch's), so the checks are on
what both promise: the shape, the dtype, the range per dtype, non-contiguity and zeros excluded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.testing import make_tensor
from tests.helpers import require_torch

torch = require_torch()
from torch.testing import make_tensor as torch_make_tensor  # noqa: E402


@pytest.mark.parametrize("name", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_dtype_shape_and_default_range(name: str) -> None:
    mg.manual_seed(0)
    got = make_tensor(40, 50, dtype=getattr(mg, name))
    expected = torch_make_tensor(40, 50, dtype=getattr(torch, name), device="cpu")
    assert tuple(got.shape) == tuple(expected.shape) == (40, 50)
    assert got.numpy().dtype == expected.numpy().dtype
    a, e = got.numpy().astype(np.float64), expected.numpy().astype(np.float64)
    assert a.min() >= e.min() - 1 and a.max() <= e.max() + 1  # both fill the same range
    assert (a.min(), a.max()) == pytest.approx((e.min(), e.max()), abs=1.0)


@pytest.mark.parametrize("kwargs", [
    {"low": -5, "high": 5}, {"low": 2, "high": 3}, {"exclude_zero": True},
])
@pytest.mark.parametrize("name", ["float32", "int64", "uint8"])
def test_bounds_and_excluded_zero(kwargs: dict[str, Any], name: str) -> None:
    got = make_tensor((30, 30), dtype=getattr(mg, name), **kwargs).numpy().astype(np.float64)
    expected = torch_make_tensor((30, 30), dtype=getattr(torch, name), device="cpu", **kwargs).numpy()
    low, high = kwargs.get("low", 0 if name == "uint8" else -9), kwargs.get("high", 10)
    for values in (got, expected):
        assert values.min() >= low and values.max() <= high
    if kwargs.get("exclude_zero"):
        assert (got != 0).all() and (expected != 0).all()


def test_noncontiguous_requires_grad_and_errors() -> None:
    got = make_tensor(3, 4, dtype=mg.float32, noncontiguous=True, requires_grad=True)
    expected = torch_make_tensor(3, 4, dtype=torch.float32, device="cpu", noncontiguous=True,
                                 requires_grad=True)
    assert got.is_contiguous() == expected.is_contiguous() is False
    assert got.requires_grad and expected.requires_grad and got.is_leaf and expected.is_leaf
    with pytest.raises(ValueError):
        torch_make_tensor(2, dtype=torch.float32, device="cpu", low=3, high=1)
    with pytest.raises(ValueError):
        make_tensor(2, dtype=mg.float32, low=3, high=1)
