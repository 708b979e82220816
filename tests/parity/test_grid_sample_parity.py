"""F.affine_grid and F.grid_sample against torch in float64: values, input and grid gradients, errors."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

torch = require_torch()
TF = torch.nn.functional

RTOL, ATOL = 1e-10, 1e-12

SAMPLE_CASES = list(itertools.product(
    [((2, 3, 4, 5), (2, 6, 7, 2)), ((2, 2, 3, 4, 5), (2, 3, 4, 2, 3))],
    ["bilinear", "nearest"], ["zeros", "border", "reflection"], [False, True])) + list(itertools.product(
    [((2, 3, 4, 5), (2, 6, 7, 2))], ["bicubic"], ["zeros", "border", "reflection"], [False, True]))


def _ids(cases: list[Any]) -> list[str]:
    return ["-".join(str(len(c[0][0])) + "d" if i == 0 else str(v) for i, v in enumerate(c)) for c in cases]


@pytest.mark.parametrize(("shapes", "mode", "padding_mode", "align_corners"), SAMPLE_CASES,
                         ids=_ids(SAMPLE_CASES))
def test_grid_sample_values_and_gradients_match_torch(shapes: tuple[tuple[int, ...], ...], mode: str,
                                                      padding_mode: str, align_corners: bool) -> None:
    rng = np.random.default_rng(len(shapes[0]))
    x = rng.standard_normal(shapes[0])
    g = rng.uniform(-3.5, 3.5, shapes[1])  # well outside [-1, 1]: several reflections, clipping, zeros
    g[0] = rng.uniform(-1.0, 1.0, shapes[1][1:])  # and a batch inside
    tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    mx, mgrid = mg.tensor(x, requires_grad=True), mg.tensor(g, requires_grad=True)
    want = TF.grid_sample(tx, tg, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    got = F.grid_sample(mx, mgrid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    assert_close(got, want, rtol=RTOL, atol=ATOL)
    up = rng.standard_normal(tuple(want.shape))
    want.backward(torch.tensor(up))
    got.backward(mg.tensor(up))
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    assert mgrid.grad is not None
    assert_close(mgrid.grad, tg.grad, rtol=RTOL, atol=1e-11)
    if mode != "nearest":
        assert np.abs(mgrid.grad.numpy()).max() > 0.1  # the grid gradient is not trivially zero


AFFINE_CASES = [((2, 3, 4, 5), False), ((2, 3, 4, 5), True), ((3, 1, 1, 6), False), ((2, 1, 3, 4, 2), False),
                ((2, 1, 3, 4, 2), True)]


@pytest.mark.parametrize(("size", "align_corners"), AFFINE_CASES)
def test_affine_grid_values_and_theta_gradient_match_torch(size: tuple[int, ...],
                                                           align_corners: bool) -> None:
    rng = np.random.default_rng(len(size))
    nd = len(size) - 2
    theta = rng.standard_normal((size[0], nd, nd + 1))
    tt, mt = torch.tensor(theta, requires_grad=True), mg.tensor(theta, requires_grad=True)
    want, got = TF.affine_grid(tt, size, align_corners=align_corners), F.affine_grid(mt, size, align_corners)
    assert got.shape == tuple(want.shape)
    assert_close(got, want, rtol=RTOL, atol=ATOL)
    up = rng.standard_normal(tuple(want.shape))
    want.backward(torch.tensor(up))
    got.backward(mg.tensor(up))
    assert_close(mt.grad, tt.grad, rtol=RTOL, atol=ATOL)


def test_spatial_transformer_theta_gradient_matches_torch() -> None:
    """affine_grid then grid_sample, as a Spatial Transformer Network does; float32 stays float32."""
    rng = np.random.default_rng(5)
    x, theta = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((2, 2, 3)) * 0.7
    for dtype, rtol in ((np.float64, RTOL), (np.float32, 1e-4)):
        tx, tt = torch.tensor(x.astype(dtype)), torch.tensor(theta.astype(dtype), requires_grad=True)
        mx, mt = mg.tensor(x.astype(dtype)), mg.tensor(theta.astype(dtype), requires_grad=True)
        want = TF.grid_sample(tx, TF.affine_grid(tt, [2, 3, 4, 4], align_corners=False), align_corners=False)
        got = F.grid_sample(mx, F.affine_grid(mt, [2, 3, 4, 4], align_corners=False), align_corners=False)
        assert got.dtype == dtype
        assert_close(got, want, rtol=rtol, atol=rtol * 1e-2)
        want.sum().backward()
        got.sum().backward()
        assert_close(mt.grad, tt.grad, rtol=rtol, atol=rtol * 1e-2)


def test_align_corners_none_warns_like_torch_and_means_false() -> None:
    x, g = np.ones((1, 1, 2, 2)), np.full((1, 1, 1, 2), 0.25)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        got = F.grid_sample(mg.tensor(x), mg.tensor(g))
    assert_close(got, F.grid_sample(mg.tensor(x), mg.tensor(g), align_corners=False), rtol=0, atol=0)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(mg.tensor(np.eye(2, 3)[None]), [1, 1, 2, 2])
    with pytest.warns(UserWarning, match="unit-size grids"):
        F.affine_grid(mg.tensor(np.eye(2, 3)[None]), [1, 1, 1, 2], align_corners=True)


@pytest.mark.parametrize(("call", "torch_error"), [
    (lambda lib, x, g: lib.grid_sample(x, g, mode="cubic", align_corners=False), ValueError),
    (lambda lib, x, g: lib.grid_sample(x, g, padding_mode="wrap", align_corners=False), ValueError),
    (lambda lib, x, g: lib.grid_sample(x[0], g, align_corners=False), RuntimeError),
    (lambda lib, x, g: lib.grid_sample(x, g[:1], align_corners=False), RuntimeError),
    (lambda lib, x, g: lib.grid_sample(x, g[..., :1], align_corners=False), RuntimeError),
    (lambda lib, x, g: lib.grid_sample(x[:, :, :0], g, align_corners=False), RuntimeError),
    (lambda lib, x, g: lib.grid_sample(x, g.float(), align_corners=False), RuntimeError),
    (lambda lib, x, g: lib.affine_grid(x[:, 0, :2, :3].long(), [2, 1, 3, 3], False), ValueError),
    (lambda lib, x, g: lib.affine_grid(x[:, 0, :2, :2], [2, 1, 3, 3], align_corners=False), ValueError),
    (lambda lib, x, g: lib.affine_grid(x[:, 0, :2, :3], [2, 1, 3], align_corners=False), NotImplementedError),
    (lambda lib, x, g: lib.affine_grid(x[:, 0, :2, :3], [2, 1, 0, 3], align_corners=False), ValueError),
])
def test_bad_arguments_raise_torchs_error_classes(call: Any, torch_error: type[Exception]) -> None:
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 6, 7, 2))
    with pytest.raises(torch_error):
        call(TF, torch.tensor(x), torch.tensor(g))
    with pytest.raises(torch_error) as info:
        call(F, mg.tensor(x), mg.tensor(g))
    assert isinstance(info.value, mg.MinigradError)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_non_finite_grid_with_zero_padding_like_torch(mode: str) -> None:
    """nan, inf and huge positions: torch's nan (bilinear) or zero (nearest), quietly (no cast warning).

    (With border or reflection padding PyTorch 2.13 crashes on a nan grid, so those are not compared.)
    """
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    g = np.array([[[[np.nan, 0.2], [0.3, np.nan], [-1.0, -1.0], [np.inf, 0.0], [1e30, -1e30]]]])
    tg, mgrid = torch.tensor(g, requires_grad=True), mg.tensor(g, requires_grad=True)
    want = TF.grid_sample(torch.tensor(x), tg, mode=mode, align_corners=False)
    got = F.grid_sample(mg.tensor(x), mgrid, mode=mode, align_corners=False)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    want.sum().backward()
    got.sum().backward()
    assert mgrid.grad is not None
    np.testing.assert_array_equal(mgrid.grad.numpy(), tg.grad.numpy())
