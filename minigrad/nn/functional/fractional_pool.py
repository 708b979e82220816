"""Fractional max pooling (Graham, 2015): max over windows whose starts advance by a pseudo-random
mix of floor(alpha) and ceil(alpha) steps, alpha = (input - kernel) / (output - 1), one random offset
per (sample, channel) and spatial dim.

The window starts are PyTorch's (its rounding, in the input's dtype, and its use of the samples:
the last of a plane's samples goes to its first spatial dim in 2-D, the first in 3-D). Each window is
gathered with an index and reduced by the first-maximum rule of the other max pools, so the gradient
goes to each window's first maximum through indexing's own backward.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import _draws
from minigrad.errors import ShapeError
from minigrad.nn.functional._windows import first_max, ntuple, spatial_input
from minigrad.random import default_generator
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
           "fractional_max_pool3d_with_indices"]


def _starts(samples: Array, size: int, out: int, kernel: int) -> Array:
    """Window starts (..., out) for offsets ``samples`` (...), as PyTorch computes them."""
    starts = np.empty((*samples.shape, out), dtype=np.int64)
    if out > 1:
        dtype = samples.dtype.type
        alpha = dtype(size - kernel) / dtype(out - 1)
        steps = np.arange(out - 1, dtype=samples.dtype)
        starts[..., :-1] = (((steps + samples[..., None]) * alpha).astype(np.int64)
                            - (samples * alpha).astype(np.int64)[..., None])
    starts[..., -1] = size - kernel
    return starts


def _output_size(fn: str, x: Tensor, nd: int, output_size: Any, output_ratio: Any) -> tuple[int, ...]:
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn} requires specifying either an output_size or an output_ratio")
    if output_size is not None:
        return ntuple(fn, "output_size", output_size, nd)
    ratio = (output_ratio,) * nd if not isinstance(output_ratio, (tuple, list)) else tuple(output_ratio)
    if len(ratio) != nd:
        raise ValueError(f"{fn} requires output_ratio to either be a single number or a tuple of {nd}")
    return tuple(int(size * r) for size, r in zip(x.shape[-nd:], ratio))


def _fractional_max(fn: str, nd: int, input: Tensor, kernel_size: Any, output_size: Any,  # noqa: A002
                    output_ratio: Any, return_indices: bool, samples: Tensor | None) -> Any:
    x, batched = spatial_input(fn, input, nd)
    kernel = ntuple(fn, "kernel_size", kernel_size, nd)
    out = _output_size(fn, x, nd, output_size, output_ratio)
    n, c = x.shape[:2]
    spatial = x.shape[2:]
    if 0 in x.shape[1:]:  # (an empty batch gives an empty result, as PyTorch's)
        raise ShapeError(f"{fn}: expected a non-empty input, got shape {input.shape}")
    names = ("height", "width") if nd == 2 else ("time", "height", "width")
    # PyTorch's 3-D kernel checks output + pool - 1 < size (strictly: a window may not reach the last
    # element), its 2-D one <= size
    limit, bound, site = (0, "at most", fn) if nd == 2 else (1, "less than", "fractional_max_pool3d_out")
    for o, k, size, name in zip(out, kernel, spatial, names):
        if o + k - 1 > size - limit:  # PyTorch's words (a RuntimeError there too)
            raise ShapeError(f"{site}(): pool {name} {k} too large relative to input {name} {size} "
                             f"(output {name} {o} + pool {name} {k} - 1 must be {bound} {size})")
    if samples is None:  # PyTorch's draw: U[0, 1) per (sample, channel, dim) in the input's dtype
        draws = _draws.uniform(default_generator, (n, c, nd), 0.0, 1.0, x.dtype)
    else:
        draws = samples.numpy(force=True)
        # PyTorch's checks and words; extra samples beyond the batch are not used
        if draws.dtype != x.dtype:
            raise ShapeError("Expect _random_samples to have the same dtype as input")
        if draws.ndim != 3:
            raise ShapeError(f"Expect _random_samples to have 3 dimensions, got {draws.ndim}")
        if draws.shape[0] < n:
            raise ShapeError("Expect _random_samples.size(0) no less then input batch size.")
        if draws.shape[1] != c:
            raise ShapeError("Expect _random_samples.size(1) equals to input channel size.")
        if draws.shape[2] != nd:
            raise ShapeError(f"Expect _random_samples.size(2) equals to {nd}; got {draws.shape[2]}.")
        draws = draws[:n]
    # 2-D: the samples' last entry drives the first spatial dim (PyTorch's W-then-H order)
    order = (1, 0) if nd == 2 else (0, 1, 2)
    positions = [_starts(draws[:, :, j], size, o, k)[..., None] + np.arange(k)
                 for j, size, o, k in zip(order, spatial, out, kernel)]  # each (N, C, o, k)
    index: list[Array] = [np.arange(n).reshape((n,) + (1,) * (2 * nd + 1)),
                          np.arange(c).reshape((1, c) + (1,) * (2 * nd))]
    for i, pos in enumerate(positions):  # broadcast to (N, C, o_1, ..., o_nd, k_1, ..., k_nd)
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + i], shape[2 + nd + i] = pos.shape[2:]
        index.append(pos.reshape(shape))
    gathered = x[tuple(index)].reshape(n, c, *out, math.prod(kernel))
    y, mask = first_max(gathered, -1)
    if not batched:
        y = y.squeeze(0)
    if not return_indices:
        return y
    first = np.unravel_index(np.argmax(mask, axis=-1), kernel)
    grids = np.ogrid[tuple(slice(0, s) for s in (n, c, *out))]
    coords = tuple(pos[grids[0], grids[1], grids[2 + i], off]
                   for i, (pos, off) in enumerate(zip(positions, first)))
    flat = np.ravel_multi_index(coords, spatial)
    return y, from_numpy(flat if batched else flat[0])


def fractional_max_pool2d(input: Tensor, kernel_size: int | Sequence[int],  # noqa: A002
                          output_size: int | Sequence[int] | None = None,
                          output_ratio: float | Sequence[float] | None = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (or ``output_ratio`` of
    the input size, rounded down) with ``kernel_size`` windows; ``_random_samples`` (N, C, 2) in [0, 1)
    fixes the windows (drawn from the global generator when None). With ``return_indices`` also the
    flat H*W index of each maximum.

    Raises:
        ValueError: neither output_size nor output_ratio.
        ShapeError: wrong input rank, an empty input, an output that does not fit, samples of the
            wrong shape.
        InvalidParameterError: a bad kernel_size or output_size.
    """
    return _fractional_max("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio,
                           return_indices, _random_samples)


def fractional_max_pool3d(input: Tensor, kernel_size: int | Sequence[int],  # noqa: A002
                          output_size: int | Sequence[int] | None = None,
                          output_ratio: float | Sequence[float] | None = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """:func:`fractional_max_pool2d` for (N, C, T, H, W) or (C, T, H, W); ``_random_samples`` (N, C, 3).

    Raises:
        as :func:`fractional_max_pool2d`.
    """
    return _fractional_max("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio,
                           return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size: int | Sequence[int],  # noqa: A002
                                       output_size: int | Sequence[int] | None = None,
                                       output_ratio: float | Sequence[float] | None = None,
                                       return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """:func:`fractional_max_pool2d` returning (values, indices) whatever ``return_indices`` says."""
    return _fractional_max("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio,  # type: ignore[no-any-return]
                           True, _random_samples)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size: int | Sequence[int],  # noqa: A002
                                       output_size: int | Sequence[int] | None = None,
                                       output_ratio: float | Sequence[float] | None = None,
                                       return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """:func:`fractional_max_pool3d` returning (values, indices) whatever ``return_indices`` says."""
    return _fractional_max("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio,  # type: ignore[no-any-return]
                           True, _random_samples)
