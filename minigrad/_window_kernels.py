"""The numpy kernels behind the window and padding primitives of :mod:`minigrad.ops`.

Plain array code, no gradients: im2col (every sliding window of a padded array as
columns), its adjoint col2im (each column added back where it was read) and
padding by (before, after) counts per dim. ``ops.Unfold``, ``ops.Fold`` and
``ops.Pad`` call them in forward (so with numpy's floating-point errors
ignored, see ``Function.apply``) and are each other's backward.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad._kernels import Array
from minigrad.errors import ShapeError

#: (before, after) counts per dim; negative counts remove elements
Pairs = tuple[tuple[int, int], ...]

_sliding = np.lib.stride_tricks.sliding_window_view


def window_counts(size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                  dilation: tuple[int, ...]) -> tuple[int, ...]:
    """Windows per spatial dim of an (already padded) ``size``: (size - d(k-1) - 1) // s + 1."""
    return tuple((n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(size, kernel, stride, dilation))


def padded(size: tuple[int, ...], padding: Pairs) -> tuple[int, ...]:
    """``size`` after adding (before, after) to each dim."""
    return tuple(n + lo + hi for n, (lo, hi) in zip(size, padding))


def pad_array(a: Array, pads: Pairs, value: float, copy: bool = True) -> Array:
    """a with (before, after) elements of ``value`` added to each dim; negative counts remove elements.

    Without ``copy``, a pure removal returns a view of a.
    """
    a = a[tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(a.shape, pads))]
    grow = tuple((max(lo, 0), max(hi, 0)) for lo, hi in pads)
    if not copy and not any(lo or hi for lo, hi in grow):
        return a
    y = np.full(padded(a.shape, grow), value, dtype=a.dtype)
    y[tuple(slice(lo, lo + n) for n, (lo, _) in zip(a.shape, grow))] = a
    return y


def im2col(a: Array, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...],
           padding: Pairs) -> Array:
    """(N, C, *spatial) -> (N, C * prod(kernel), prod(windows)): every window of the zero-padded a.

    Raises:
        ShapeError: the kernel (with its dilation) does not fit the padded input.
    """
    n, c = a.shape[:2]
    if any(lo or hi for lo, hi in padding):
        a = pad_array(a, ((0, 0), (0, 0), *padding), 0)
    windows = window_counts(a.shape[2:], kernel, stride, dilation)
    if min(windows, default=1) < 1:
        raise ShapeError(f"unfold: kernel {kernel} (dilation {dilation}) does not fit the padded "
                         f"input of spatial size {a.shape[2:]}")
    nd = len(kernel)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    # (N, C, *every window start, *span), then every stride-th start and dilation-th offset
    view: Array = _sliding(a, span, axis=tuple(range(2, 2 + nd)))
    steps = (slice(None), slice(None), *(slice(None, None, s) for s in stride),
             *(slice(None, None, d) for d in dilation))
    view = view[steps].transpose(0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd))
    y = view.reshape(n, c * math.prod(kernel), math.prod(windows))  # the one copy
    return y if y.flags.writeable else y.copy()  # 1x1 windows: a (read-only) view of a, copied all the same


def col2im(cols: Array, size: tuple[int, ...], stride: tuple[int, ...],
           dilation: tuple[int, ...]) -> Array:
    """(N, C, *kernel, *windows) -> (N, C, *size): each kernel offset's block added where it was read."""
    n, c = cols.shape[:2]
    nd = len(size)
    kernel, windows = cols.shape[2:2 + nd], cols.shape[2 + nd:]
    # numpy's strided add runs one inner loop per row of ``windows[-1]`` elements; with short
    # rows, many planes and many offsets, moving the planes last (rows of windows[-1] * N * C,
    # at the price of two transposing copies) is ~2x faster (5x5 kernels on 10x10 maps)
    # Windows that do not overlap (pooling, patch embeddings: stride >= the dilated kernel) read each
    # position at most once: the blocks are written, not added, ~3x faster (no read of y, no zeros
    # where the windows tile the input)
    # Out of cache the two copies cost more than they save (measured on 3x3 and 5x5 kernels, strides 1 and 2):
    # from ~5 MB of columns with 3x3 kernels over 12+ windows, past 32 MB at stride 1, and for strided
    # 3x3 kernels over 10+ windows (strided writes of rows of 10 are cheap next to the copies) or 5x5
    # kernels past ~10 MB.
    disjoint = all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))
    taps, mb = math.prod(kernel), cols.nbytes / 2**20
    if max(stride) == 1:
        cached = mb <= 32 and not (windows[-1] >= 12 and taps <= 9 and mb > 5)
    else:
        cached = windows[-1] < 10 if taps <= 9 else mb <= 10
    planes_last = not disjoint and windows[-1] < 16 and n * c >= 64 and taps >= 9 and cached
    lead: tuple[Any, ...]
    if planes_last:
        cols = np.ascontiguousarray(np.moveaxis(cols.reshape(n * c, *cols.shape[2:]), 0, -1))
        y = np.zeros((*size, n * c), dtype=cols.dtype)
        lead = ()
    else:
        tiled = disjoint and all(d == 1 and s == k and w * k == m
                                 for k, s, d, w, m in zip(kernel, stride, dilation, windows, size))
        y = (np.empty if tiled else np.zeros)((n, c, *size), dtype=cols.dtype)
        lead = (slice(None), slice(None))
    for offset in np.ndindex(*kernel):  # (inf + -inf is nan, silently: Fold's forward runs quiet)
        target = tuple(slice(i * d, i * d + s * (w - 1) + 1, s)
                       for i, d, s, w in zip(offset, dilation, stride, windows))
        if disjoint:
            y[lead + target] = cols[lead + offset]
        else:
            y[lead + target] += cols[lead + offset]
    if planes_last:
        return np.ascontiguousarray(np.moveaxis(y, -1, 0)).reshape(n, c, *size)
    return y
