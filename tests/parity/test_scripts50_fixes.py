"""Cases found by running public PyTorch training scripts with ``torch`` aliased to minigrad (scripts50).

Each test runs the same code on both libraries and compares the numbers. The
scripts: pytorch/tutorials' spatial transformer tutorial (affine_grid).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [(16, 1, 28, 28), (3, 2, 7, 5), (2, 1, 4, 5, 6), (2, 1, 1, 5),
                                  (2, 3, 9, 1, 4)])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_is_pytorchs_to_the_last_bit(dtype: type, size: tuple[int, ...],
                                                 align_corners: bool) -> None:
    # The spatial transformer tutorial starts its theta at the identity, so many sampling positions sit on
    # pixel centres, where grid_sample's gradient jumps: a grid one ulp off (the base positions from a float64
    # linspace, the product with theta as a matmul) took a different side of the jump than PyTorch.
    rng = np.random.default_rng(0)
    nd = len(size) - 2
    theta = rng.standard_normal((size[0], nd, nd + 1)).astype(dtype)
    up = rng.standard_normal((size[0], *size[2:], nd)).astype(dtype)
    out = []
    for lib in (mg, torch):
        t = lib.tensor(theta, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (align_corners with a size-1 dim warns in both)
            grid = lib.nn.functional.affine_grid(t, size, align_corners=align_corners)
        (grid * lib.tensor(up)).sum().backward()
        out.append((grid.detach().numpy(), t.grad.numpy(), grid.grad_fn.name()))
    (mgrid, mgrad, mname), (tgrid, tgrad, tname) = out
    np.testing.assert_array_equal(mgrid, tgrid)
    np.testing.assert_allclose(mgrad, tgrad, rtol=1e-5, atol=1e-5 * np.abs(tgrad).max())  # (long sums)
    assert mname == tname


def test_affine_grid_identity_lands_on_pixel_centres_as_pytorch() -> None:
    # The tutorial's first step: theta exactly the identity, so grid_sample reads the input back unchanged
    # and the gradient with respect to the grid takes the same one-sided difference as PyTorch's.
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 1, 28, 28)).astype(np.float32)
    up = rng.standard_normal((2, 1, 28, 28)).astype(np.float32)
    theta = np.tile(np.array([[1, 0, 0], [0, 1, 0]], np.float32), (2, 1, 1))
    out = []
    for lib in (mg, torch):
        t = lib.tensor(theta, requires_grad=True)
        xx = lib.tensor(x, requires_grad=True)
        grid = lib.nn.functional.affine_grid(t, (2, 1, 28, 28), align_corners=False)
        y = lib.nn.functional.grid_sample(xx, grid, align_corners=False)
        (y * lib.tensor(up)).sum().backward()
        out.append((y.detach().numpy(), t.grad.numpy(), xx.grad.numpy()))
    for m, t in zip(*out):
        np.testing.assert_allclose(m, t, rtol=1e-5, atol=1e-5)
