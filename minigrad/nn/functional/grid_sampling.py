"""Sampling grids: ``affine_grid`` and ``grid_sample`` (the spatial transformer's two functions).

``grid_sample`` reads the input at arbitrary (x, y) points given in [-1, 1] coordinates. It is a
composition of Tensor ops: the unnormalized coordinates, their floors (no gradient), gathers of the
corner pixels (gradient back to the input) and the interpolation weights (gradient back to the
grid), so both inputs get PyTorch's gradients.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from minigrad.errors import DTypeError, InvalidParameterError, ShapeError, UnsupportedError
from minigrad.tensor import Tensor, from_numpy, stack, where

__all__ = ["affine_grid", "grid_sample"]


def _corners(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since "
                      "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
                      "documentation of grid_sample for details.", UserWarning, stacklevel=3)
    return bool(align_corners)


def _base(n: int, align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """Pixel centres in [-1, 1] along one side of n pixels."""
    if n <= 1:
        return np.zeros(n, dtype=dtype)
    line = np.linspace(-1.0, 1.0, n)
    return (line if align_corners else line * (n - 1) / n).astype(dtype)


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """The (N, H, W, 2) sampling grid of the 2-D affine maps ``theta`` (N, 2, 3) for an output of
    ``size`` (N, C, H, W): each output pixel's normalized (x, y) sent through its map.

    Raises:
        ShapeError: theta is not (N, 2, 3) or its N differs from size's.
        UnsupportedError: a 5-D size (3-D grids).
        InvalidParameterError: a non-float theta.
    """
    corners = _corners(align_corners)
    size = tuple(int(s) for s in size)
    if len(size) == 5:
        raise UnsupportedError("affine_grid: only 2-D grids (a 4-D size) are supported")
    if len(size) != 4:
        raise ShapeError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                         f"respectively. Got size {list(size)}.")
    if theta.dtype.kind != "f":
        raise InvalidParameterError(f"Expected theta to have floating point type, but got {theta.dtype}")
    n, _, h, w = size
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.shape[0] != n:
        raise ShapeError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {list(size)}. "
                         f"Got {list(theta.shape)}.")
    xs, ys = _base(w, corners, theta.dtype), _base(h, corners, theta.dtype)
    base = np.stack([np.broadcast_to(xs, (h, w)), np.broadcast_to(ys[:, None], (h, w)),
                     np.ones((h, w), dtype=theta.dtype)], axis=-1).reshape(1, h * w, 3)
    return (from_numpy(np.ascontiguousarray(base)) @ theta.mT).reshape(n, h, w, 2)


def _unnormalize(coord: Tensor, n: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) / 2 * (n - 1)
    return ((coord + 1) * n - 1) / 2


def _reflect(coord: Tensor, twice_low: int, twice_high: int) -> Tensor:
    if twice_low == twice_high:
        return coord * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    c = (coord - low).abs()
    extra = c.fmod(span)
    flips = (c / span).floor().detach()
    even = (flips.fmod(2) == 0)
    return where(even, extra + low, span - extra + low)


def _clip(x: Tensor, n: int) -> Tensor:
    """x clipped to [0, n - 1]; no gradient on the edges themselves either (PyTorch's clip rule)."""
    return where((x > 0) & (x < n - 1), x, x.detach().clamp(0, n - 1))


def _source(coord: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    x = _unnormalize(coord, n, align_corners)
    if padding_mode == "border":
        x = _clip(x, n)
    elif padding_mode == "reflection":
        x = _clip(_reflect(x, 0, 2 * (n - 1)) if align_corners else _reflect(x, -1, 2 * n - 1), n)
    return x


def _gather(flat: Tensor, xi: Tensor, yi: Tensor, w: int, h: int) -> Tensor:
    """flat (N, C, H*W) at integer points (N, P): (N, C, P), zero where a point is outside."""
    inside = ((xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1))
    idx = (yi.clamp(0, h - 1) * w + xi.clamp(0, w - 1)).long()
    idx = idx.unsqueeze(1).expand(flat.shape[0], flat.shape[1], idx.shape[-1])
    return flat.gather(2, idx) * inside.unsqueeze(1).to(flat.dtype)


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",  # noqa: A002
                align_corners: bool | None = None) -> Tensor:
    """``input`` (N, C, H, W) read at the normalized points ``grid`` (N, Ho, Wo, 2), giving (N, C, Ho, Wo).

    ``grid[..., 0]`` is x (width), ``grid[..., 1]`` is y, in [-1, 1] (pixel centres with
    ``align_corners=False``, the default; the corner pixels' centres with True). ``mode``
    'bilinear' or 'nearest'; ``padding_mode`` 'zeros', 'border' or 'reflection' for points outside.
    Differentiable in ``input`` and (bilinear) ``grid``.

    Raises:
        InvalidParameterError: an unknown mode or padding_mode.
        UnsupportedError: 'bicubic', or a 5-D input.
        ShapeError: input and grid shapes that do not fit.
        DTypeError: input and grid of different dtypes.
    """
    if mode == "bicubic" or input.ndim == 5:
        raise UnsupportedError("grid_sample: only 4-D inputs with mode 'bilinear' or 'nearest' are "
                               "supported")
    if mode not in ("bilinear", "nearest"):
        raise InvalidParameterError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' "
                                    f"or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise InvalidParameterError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                                    f"'border', or 'reflection', but got: '{padding_mode}'")
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise ShapeError("grid_sampler(): expected a 4-D input and a grid (N, H_out, W_out, 2) with the "
                         f"same batch size, but got input with sizes {list(input.shape)} and grid with sizes "
                         f"{list(grid.shape)}")
    if input.dtype != grid.dtype:
        raise DTypeError(f"grid_sampler(): expected input and grid to have the same dtype, got {input.dtype} "
                         f"and {grid.dtype}")
    corners = _corners(align_corners)
    n, c, h, w = input.shape
    ho, wo = grid.shape[1], grid.shape[2]
    g = grid.reshape(n, ho * wo, 2)
    x = _source(g[..., 0], w, padding_mode, corners)
    y = _source(g[..., 1], h, padding_mode, corners)
    flat = input.reshape(n, c, h * w)
    if mode == "nearest":  # piecewise constant in the grid: its gradient is zero (not None), as PyTorch's
        flat_in_grid = ((x * 0 + 1) * (y * 0 + 1)).unsqueeze(1)
        out = _gather(flat, x.detach().round(), y.detach().round(), w, h) * flat_in_grid
        return out.reshape(n, c, ho, wo)
    x0, y0 = x.detach().floor(), y.detach().floor()
    x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = x - x0, y - y0
    wx0, wy0 = 1 - wx1, 1 - wy1
    corners_vals = stack([_gather(flat, xi, yi, w, h) * (wx * wy).unsqueeze(1)
                          for xi, yi, wx, wy in ((x0, y0, wx0, wy0), (x1, y0, wx1, wy0),
                                                 (x0, y1, wx0, wy1), (x1, y1, wx1, wy1))])
    return corners_vals.sum(0).reshape(n, c, ho, wo)
