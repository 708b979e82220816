"""F.affine_grid and F.grid_sample against torch in float64: values and the gradients to the input and
to theta/grid for every mode, padding mode and align_corners; the warning and the errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, InvalidParameterError, ShapeError
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

# entries chosen so no sample lands exactly on a pixel boundary, where the one-sided derivatives differ
THETA = np.array([[[1.2013, 0.3071, 0.1033], [-0.2047, 0.9011, 0.3019]],
                  [[0.5031, -0.8017, -0.4029], [0.9043, 1.3057, 0.2011]]])
X = np.random.default_rng(0).normal(size=(2, 3, 5, 6))
W = np.random.default_rng(1).normal(size=(2, 3, 4, 7))


def _run(lib: Any, mode: str, padding_mode: str, align_corners: bool) -> list[np.ndarray]:
    x = lib.tensor(X, requires_grad=True)
    theta = lib.tensor(THETA, requires_grad=True)
    grid = lib.nn.functional.affine_grid(theta, (2, 3, 4, 7), align_corners=align_corners)
    out = lib.nn.functional.grid_sample(x, grid, mode=mode, padding_mode=padding_mode,
                                        align_corners=align_corners)
    (out * lib.tensor(W)).sum().backward()
    return [np.array(t.detach().numpy()) for t in (grid, out, x.grad, theta.grad)]


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_spatial_transformer_matches_torch(mode: str, padding_mode: str, align_corners: bool) -> None:
    ours, theirs = _run(mg, mode, padding_mode, align_corners), _run(torch, mode, padding_mode, align_corners)
    for got, want in zip(ours, theirs):
        assert_close(got, want, rtol=1e-10)


def test_grid_points_outside_and_on_the_edges_match_torch() -> None:
    pts = np.array([[[[-1.0, -1.0], [1.0, 1.0], [0.2, 1.0], [1.0, 0.3], [1.7, -0.2], [-2.5, 0.4],
                      [0.1, 3.2]]]])
    for ac in (False, True):
        for pm in ("zeros", "border", "reflection"):
            res = []
            for lib in (mg, torch):
                x, g = lib.tensor(X[:1], requires_grad=True), lib.tensor(pts, requires_grad=True)
                out = lib.nn.functional.grid_sample(x, g, padding_mode=pm, align_corners=ac)
                out.sum().backward()
                res.append([np.array(t.detach().numpy()) for t in (out, x.grad, g.grad)])
            for got, want in zip(*res):
                assert_close(got, want, rtol=1e-10)


def test_default_align_corners_warns_and_errors_match_torch() -> None:
    f = mg.nn.functional
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        grid = f.affine_grid(mg.tensor(THETA[:1]), (1, 3, 2, 2))
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        f.grid_sample(mg.tensor(X[:1]), grid)
    with pytest.raises(InvalidParameterError, match="expected mode to be 'bilinear', 'nearest' or 'bicubic'"):
        f.grid_sample(mg.tensor(X[:1]), grid, mode="foo", align_corners=False)
    for lib in (mg, torch):  # bicubic is 4-D only
        with pytest.raises(RuntimeError, match="bicubic interpolation only supports 4D input"):
            lib.nn.functional.grid_sample(lib.zeros(1, 1, 2, 2, 2, dtype=lib.float64),
                                          lib.zeros(1, 1, 1, 1, 3, dtype=lib.float64), mode="bicubic",
                                          align_corners=False)
    with pytest.raises(ShapeError, match="same batch size"):
        f.grid_sample(mg.tensor(X), grid, align_corners=False)
    with pytest.raises(DTypeError):
        f.grid_sample(mg.tensor(X[:1]).float(), grid, align_corners=False)
    with pytest.raises(ShapeError, match="Nx2x3"):
        f.affine_grid(mg.tensor(THETA), (1, 3, 2, 2), align_corners=False)
    with pytest.raises(ValueError, match="expected mode"):
        torch.nn.functional.grid_sample(torch.tensor(X[:1]), torch.zeros(1, 1, 1, 2, dtype=torch.float64),
                                        mode="foo", align_corners=False)
