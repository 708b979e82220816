"""PyTorch 2.13 public names minigrad lacked (surface26), each compared with PyTorch itself.

torch.special's Bessel family (values to a few ulp over wide ranges in float32 and float64, edge
points, dtypes, no gradient, errors) ...
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

BESSEL = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
          "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
          "scaled_modified_bessel_k1", "spherical_bessel_j0"]


def _points(dtype: Any) -> Any:
    rng = np.random.default_rng(26)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-6, -1e-6, 1e-5, 2.0, -2.0, 5.0, -5.0, 8.0, -8.0, 2.09,
             -2.09, 8.3203353, 103.892, 104.0, 1e-30, 1e30, -1e30, 89.0, 90.0, 700.0, 710.0, -710.0]
    spread = np.exp(rng.uniform(-20, 20, 2000)) * rng.choice([-1, 1], 2000)
    wide = rng.uniform(-200, 200, 1000)
    return np.concatenate([edges, rng.uniform(-10, 10, 4000), wide, spread]).astype(dtype)


def _ulps(got: Any, ref: Any) -> Any:
    """|got - ref| in units of ref's last place (0 where both are equal or both nan)."""
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    with np.errstate(all="ignore"):
        spacing = np.spacing(np.abs(ref)).astype(np.float64)
        spacing = np.where(spacing == 0, np.finfo(ref.dtype).smallest_subnormal, spacing)
        d = np.abs(got.astype(np.float64) - ref.astype(np.float64)) / spacing
    return np.where(same, 0.0, np.where(np.isfinite(d), d, np.inf))


# (float32 Y0 and Y1 near their zeros round through a cancellation: there a few ulp of the terms are
# tens of ulp of the tiny result)
_TOL = {"bessel_y0": 32, "bessel_y1": 16}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", BESSEL)
def test_bessel_family_matches_torch_to_a_few_ulp(name: str, dtype: Any) -> None:
    x = _points(dtype)
    got = getattr(mg.special, name)(mg.tensor(x)).numpy()
    ref = getattr(torch.special, name)(torch.from_numpy(x)).numpy()
    assert got.dtype == ref.dtype
    assert (np.isnan(got) == np.isnan(ref)).all()
    assert _ulps(got, ref).max() <= _TOL.get(name, 9)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_family_dtypes_grad_and_errors(name: str) -> None:
    for data, dtype in (([1, 0, 3], "int64"), ([True, False], "bool"), ([1, 2], "uint8")):
        got = getattr(mg.special, name)(mg.tensor(data, dtype=getattr(mg, dtype)))
        ref = getattr(torch.special, name)(torch.tensor(data, dtype=getattr(torch, dtype)))
        assert str(got.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
    x, tx = mg.tensor([1.5, 2.5], requires_grad=True), torch.tensor([1.5, 2.5], requires_grad=True)
    got, ref = getattr(mg.special, name)(x), getattr(torch.special, name)(tx)
    assert got.requires_grad is ref.requires_grad is False and got.grad_fn is None
    assert getattr(mg.special, name)(mg.tensor(3.0)).shape == ()
    with pytest.raises(TypeError) as mine:
        getattr(mg.special, name)(2.0)
    with pytest.raises(TypeError) as theirs:
        getattr(torch.special, name)(2.0)
    assert str(mine.value) == str(theirs.value)
    with pytest.raises(NotImplementedError) as mine:
        getattr(mg.special, name)(mg.tensor([1.0], dtype=mg.float16))
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch.special, name)(torch.tensor([1.0], dtype=torch.float16))
    assert str(mine.value) == str(theirs.value)
