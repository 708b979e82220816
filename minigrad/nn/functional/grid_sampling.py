"""Spatial transformers: F.affine_grid builds a sampling grid, F.grid_sample reads an input at it.

Both are compositions. ``affine_grid`` is a fixed grid of normalized pixel
positions times each batch's affine matrix. ``grid_sample`` turns the grid's
normalized coordinates into pixel positions (PyTorch's unnormalize, then the
border clip or reflection), picks the neighbouring pixels with a gather, and
weights them by differentiable distances: the gradient reaches the input
through the gather and the grid through the weights. Nearest mode samples at
``round(position)``, whose derivative is zero, so the grid's gradient is zero
as in PyTorch. Bicubic mode weights the 4 x 4 pixels around each position by
PyTorch's cubic convolution kernel (A = -0.75); as PyTorch, it pads the pixel
indices it reads, not the position.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import warnings
from collections.abc import Sequence

import numpy as np

from minigrad._kernels import quiet
from minigrad.dtypes import kernel_error
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    ShapeError,
    UnsupportedError,
    bool_error,
    public_stacklevel,
)
from minigrad.grids import _symmetric_linspace
from minigrad.nn.functional._grad_names import named
from minigrad.ops import where
from minigrad.tensor import Tensor, from_numpy

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
    "Please specify align_corners=True if the old behavior is desired. "
    "See the documentation of grid_sample for details."
)


def _align(align_corners: bool | None, kernel: str, position: int, depth: int = 0) -> bool:
    """PyTorch's default: None warns (stacklevel at the F.* caller, ``depth`` frames of minigrad's own
    above this one's caller) and means False. Anything but a bool is the TypeError of PyTorch's
    ``kernel``, which takes a C++ bool (1 is not read as True)."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=public_stacklevel(3 + depth))
        return False
    if align_corners is not True and align_corners is not False:
        raise bool_error(kernel, "align_corners", align_corners, position)
    return align_corners


def _base_positions(n: int, align_corners: bool, dtype: np.dtype[np.floating]) -> np.ndarray:
    """n evenly spaced normalized positions in [-1, 1] (pixel centres unless align_corners; 0 if n == 1)."""
    if n <= 1:
        return np.zeros(n, dtype=dtype)
    steps = np.asarray(_symmetric_linspace(dtype.type(-1.0), dtype.type(1.0), n)).astype(dtype)
    return steps if align_corners else steps * dtype.type(n - 1) / dtype.type(n)


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """A sampling grid for :func:`grid_sample`: the affine maps ``theta`` applied to a grid of positions.

    Args:
        theta: ``(N, 2, 3)`` for a 2-D grid or ``(N, 3, 4)`` for a 3-D one, floating point.
        size: the output image size, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        align_corners: whether -1 and 1 are the centres of the corner pixels
            (True) or their outer corners (False). None warns and means False.

    Returns:
        ``(N, H, W, 2)`` (or ``(N, D, H, W, 3)``): at each position the
        ``(x, y[, z])`` that ``theta`` maps the position's own coordinates to.

    Raises:
        InvalidParameterError: theta is not floating point, or a size is not positive.
        ShapeError: theta's shape does not fit ``size``.
        UnsupportedError: ``size`` has neither 4 nor 5 entries.
    """
    align = _align(align_corners, "affine_grid_generator", 3)
    if theta.dtype.kind != "f":
        raise InvalidParameterError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    if len(size) not in (4, 5):
        raise UnsupportedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                               f"respectively. Got size {size}.")
    nd = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape) != (size[0], nd, nd + 1):
        raise ShapeError(f"Expected a batch of {nd}D affine matrices of shape Nx{nd}x{nd + 1} for size "
                         f"{size}. "
                         f"Got {tuple(theta.shape)}.")
    spatial = size[2:]
    if align and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the "
                      "documentation of affine_grid for details.", UserWarning,
                      stacklevel=public_stacklevel(2))
    elif min(size) <= 0:
        raise InvalidParameterError(f"Expected non-zero, positive output size. Got {size}")
    dtype = theta.dtype
    axes = [_base_positions(n, align, dtype) for n in spatial]  # D, H, W order
    one = [1] * nd  # x * theta[:, j, 0] + y * theta[:, j, 1] (+ z * theta[:, j, 2]) + theta[:, j, nd] in that
    # order: PyTorch's bits (a matmul's order moves positions meant for pixel centres by an ulp, and
    # grid_sample's gradient jumps there)
    cols = [from_numpy(a.reshape(*one[k + 1:], -1, *one[:k], 1)) for k, a in enumerate(reversed(axes))]
    grid = functools.reduce(operator.add, [c * theta[:, :, k].reshape(-1, *one, nd)
                                           for k, c in enumerate([*cols, 1.0])])
    return named(grid, "AffineGridGeneratorBackward0")


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Reflect ``x`` into [twice_low / 2, twice_high / 2] by the borders, as often as needed."""
    if twice_low == twice_high:
        return x * 0.0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    dist = (x - low).abs()
    extra = dist.fmod(span)
    even = quiet(lambda d: np.floor(d / span) % 2 == 0, dist.detach().numpy())  # (nan and inf: quietly odd)
    return where(from_numpy(even), extra + low, (span - extra) + low)


def _source(coord: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Pixel positions along a dim of size n for normalized coordinates, clipped or reflected as padded."""
    x = (coord + 1) / 2 * (n - 1) if align_corners else ((coord + 1) * n - 1) / 2
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (n - 1)) if align_corners else _reflect(x, -1, 2 * n - 1)
    if padding_mode != "zeros":
        # PyTorch's clip passes no gradient on the borders themselves (x <= 0, x >= n - 1), only inside
        x = where((x > 0) & (x < n - 1), x, x.clamp(0, n - 1).detach())
    return x


def _zero_slope(t: Tensor) -> Tensor:
    """Zero (where t is finite), carrying ``t``'s derivative (zero for rounded positions): the grid stays
    in the graph."""
    a = t.numpy(force=True)
    return where(from_numpy(np.isfinite(a)), t - t.detach(), from_numpy(np.zeros_like(a)))


def _cells(pos: np.ndarray, n: int) -> np.ndarray:
    """Integer pixel indices of whole-number positions; nan and far-off ones become -2 or n + 1 (outside)."""
    cells: np.ndarray = np.clip(np.nan_to_num(pos, nan=-2.0), -2, n + 1).astype(np.int64)
    return cells


def _cubic_weights(t: Tensor) -> list[Tensor]:
    """The cubic convolution weights (A = -0.75, PyTorch's) of the pixels at offsets -1, 0, 1, 2 from
    the one below a position ``t`` past it."""
    a = -0.75

    def near(x: Tensor) -> Tensor:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Tensor) -> Tensor:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _padded_index(index: np.ndarray, n: int, padding_mode: str, align_corners: bool) -> np.ndarray:
    """Pixel indices (whole numbers as floats) moved inside [0, n - 1] by the padding ('zeros': left
    as they are, read as zero outside)."""
    if padding_mode == "reflection":
        low, high = (0, 2 * (n - 1)) if align_corners else (-1, 2 * n - 1)
        index = _reflect(from_numpy(index), low, high).numpy(force=True)
    if padding_mode != "zeros":
        index = quiet(np.clip, index, 0, n - 1)
    return _cells(index, n)


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """Sample ``input`` at the normalized positions in ``grid``.

    ``grid[n, h, w] = (x, y)`` in [-1, 1] (x along W, y along H) picks
    ``output[n, :, h, w]`` from ``input[n]``; 5-D inputs take ``(x, y, z)``.

    Args:
        input: ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        grid: ``(N, H_out, W_out, 2)`` or ``(N, D_out, H_out, W_out, 3)``, the input's dtype.
        mode: ``'bilinear'`` (trilinear for 5-D), ``'nearest'`` (round half to even) or
            ``'bicubic'`` (4-D only).
        padding_mode: what lies outside the input: ``'zeros'``, ``'border'``
            (the nearest edge pixel) or ``'reflection'`` (mirrored by the edges).
        align_corners: whether -1 and 1 are the centres of the corner pixels
            (True) or their outer corners (False). None warns and means False.

    Returns:
        ``(N, C, H_out, W_out)`` (or ``(N, C, D_out, H_out, W_out)``),
        differentiable w.r.t. input and grid.

    Raises:
        InvalidParameterError: an unknown mode or padding_mode.
        ShapeError: input not 4-D/5-D (4-D for bicubic) with non-empty spatial dims, or grid's
            shape does not fit it.
        DTypeError: input and grid of different dtypes.
        UnsupportedError: a non-float input (PyTorch's NotImplementedError).
    """
    out = _grid_sample(input, grid, mode, padding_mode, align_corners)
    return named(out, f"GridSampler{input.ndim - 2}DBackward0")  # (PyTorch's one op)


def _grid_sample(input: Tensor, grid: Tensor, mode: str, padding_mode: str,  # noqa: A002
                 align_corners: bool | None) -> Tensor:
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise InvalidParameterError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' "
                                    f"or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise InvalidParameterError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                                    f"'border', or 'reflection', but got: '{padding_mode}'")
    align = _align(align_corners, "grid_sampler", 5, depth=1)  # (grid_sample's own frame above this one)
    nd = input.ndim - 2
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[0] != input.shape[0]:
        raise ShapeError(f"grid_sampler(): expected 4D or 5D input and grid of as many dims with the same "
                         f"batch size, but got {shapes}")
    if grid.shape[-1] != nd:
        raise ShapeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, "
                         f"but got {shapes}")
    if 0 in input.shape[2:]:
        raise ShapeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, "
                         f"but got {shapes}")
    if mode == "bicubic" and input.ndim != 4:
        raise ShapeError(f"grid_sampler(): bicubic interpolation only supports 4D input, but got {shapes}")
    if input.dtype.kind != "f":  # (PyTorch's kernels are float only: checked before the grid's dtype)
        kernel = "grid_sampler_2d_cpu_kernel_impl" if nd == 2 else "grid_sampler3d_cpu"
        raise kernel_error(kernel, input.dtype, "")
    if input.dtype != grid.dtype:
        raise DTypeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                         f"{input.dtype} and grid has {grid.dtype}")
    sizes = input.shape[2:][::-1]  # W, H[, D]: the order of the grid's coordinates
    pos = [_source(grid[..., i], n, "zeros" if mode == "bicubic" else padding_mode, align)
           for i, n in enumerate(sizes)]
    n, c = input.shape[:2]
    flat_input = input.reshape(n, c, math.prod(sizes))  # (explicit: -1 is ambiguous for an empty batch)
    out_shape = (n, c, *grid.shape[1:-1])
    strides = np.cumprod((1, *sizes[:-1]))  # W, H, D strides of the flattened spatial dims

    def pick(corner: list[np.ndarray], weight: Tensor | None) -> Tensor:
        inside = np.logical_and.reduce([(i >= 0) & (i < s) for i, s in zip(corner, sizes, strict=True)])
        index = sum(np.where(inside, i, 0) * st for i, st in zip(corner, strides, strict=True))
        index = index.reshape(n, 1, math.prod(grid.shape[1:-1]))
        index = np.ascontiguousarray(np.broadcast_to(index, (n, c, index.shape[2])), dtype=np.int64)
        values = flat_input.gather(2, from_numpy(index))
        mask = from_numpy(inside.astype(input.dtype))
        scale = mask if weight is None else weight * mask
        return values.reshape(out_shape) * scale.unsqueeze(1)

    if mode == "bicubic":
        low = [np.floor(p.detach().numpy()) for p in pos]
        weights = [_cubic_weights(p - from_numpy(lo)) for p, lo in zip(pos, low, strict=True)]
        total: Tensor | None = None
        for i, j in itertools.product(range(4), repeat=2):  # row i (y), column j (x)
            corner = [_padded_index(low[0] + (j - 1), sizes[0], padding_mode, align),
                      _padded_index(low[1] + (i - 1), sizes[1], padding_mode, align)]
            term = pick(corner, weights[0][j] * weights[1][i])
            total = term if total is None else total + term
        assert total is not None
        return total
    if mode == "nearest":
        rounded = [p.round() for p in pos]
        weight = None
        if grid.requires_grad:
            weight = _zero_slope(rounded[0]) + 1
            for r in rounded[1:]:
                weight = weight + _zero_slope(r)
        return pick([_cells(r.detach().numpy(), s) for r, s in zip(rounded, sizes, strict=True)], weight)
    low = [np.floor(p.detach().numpy()) for p in pos]
    near = [p - from_numpy(lo) for p, lo in zip(pos, low, strict=True)]  # distance to the lower pixel
    far = [from_numpy(lo + 1) - p for p, lo in zip(pos, low, strict=True)]  # and to the upper one
    out: Tensor | None = None
    # PyTorch's corner order: the last coordinate (y, or z) outermost, x innermost
    for bits in itertools.product((0, 1), repeat=nd):
        upper = bits[::-1]  # per coordinate x, y[, z]
        weight = far[0] if not upper[0] else near[0]
        for k in range(1, nd):
            weight = weight * (near[k] if upper[k] else far[k])
        corner = [_cells(lo + u, s) for lo, u, s in zip(low, upper, sizes, strict=True)]
        term = pick(corner, weight)
        out = term if out is None else out + term
    assert out is not None
    return out
