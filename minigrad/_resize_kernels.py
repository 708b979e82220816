"""The numpy kernel behind F.interpolate's bilinear and bicubic resize of uint8 images.

Plain array code, no gradients (an integer tensor has none): PyTorch resizes uint8
images in fixed-point integer arithmetic, as PIL does, so its result is not the float
interpolation rounded; this reproduces it bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

__all__ = ["resize_uint8"]


def _cubic(x: Array, a: float) -> Array:
    """Keys' cubic convolution kernel with parameter ``a`` (PyTorch: -0.75, or -0.5 antialiased)."""
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _uint8_weights(n: int, o: int, align_corners: bool, antialias: bool, scale: float | None,
                   cubic: bool) -> tuple[Array, int]:
    """PyTorch's uint8 taps as an (o, n) int matrix of fixed-point weights and their precision.

    The float weights of each output are normalised, scaled by 2**precision (the most that
    keeps them in int16) and rounded to integers.
    """
    if align_corners:
        ratio = (n - 1) / (o - 1) if o > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale is not None and scale > 0 else n / o
    half = 2.0 if cubic else 1.0
    wide = antialias and ratio >= 1.0
    support, invscale = (half * ratio, 1.0 / ratio) if wide else (half, 1.0)
    delta = 0.5 if align_corners and not antialias else 0.0
    rows = np.arange(o)
    if cubic and not antialias:  # plain bicubic: the 4 taps clamp to the edge pixel at the borders
        real = ratio * rows if align_corners else ratio * (rows + 0.5) - 0.5
        first = np.floor(real).astype(np.int64) - 1
        w = np.zeros((o, n))
        for k in range(4):
            np.add.at(w, (rows, np.clip(first + k, 0, n - 1)), _cubic(real - (first + k), -0.75))
    else:  # the taps inside the image, renormalised
        center = ratio * (rows + 0.5 - delta)
        xmin = np.maximum((center - support + 0.5 + delta).astype(np.int64), 0)
        xmax = np.minimum((center + support + 0.5 + delta).astype(np.int64), n)
        j = np.arange(n)
        d = (j - center[:, None] + 0.5 - delta) * invscale
        w = _cubic(d, -0.5) if cubic else np.maximum(0.0, 1.0 - np.abs(d))
        w = np.where((j >= xmin[:, None]) & (j < xmax[:, None]), w, 0.0)
        total = w.sum(axis=1, keepdims=True)
        w = w / np.where(total == 0, 1.0, total)
    top, precision = float(w.max()), 0
    while precision < 22 and int(0.5 + top * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    return np.trunc(w * (1 << precision) + np.where(w < 0, -0.5, 0.5)).astype(np.int64), precision


def resize_uint8(image: Array, out: Sequence[int], cubic: bool, align_corners: bool, antialias: bool,
                 scales: Sequence[float | None]) -> Array:
    """Bilinear (or bicubic) resize of a uint8 (N, C, H, W) image to (N, C, *out) as PyTorch's:
    width then height, each pass rounding and saturating to uint8. ``scales``: the user's scale
    factor per dim, or None (in / out)."""
    x = image.astype(np.int64)
    for dim in (3, 2):
        n, o = x.shape[dim], out[dim - 2]
        if n == o:  # PyTorch skips a pass that keeps the size
            continue
        w, precision = _uint8_weights(n, o, align_corners, antialias, scales[dim - 2], cubic)
        x = np.moveaxis(np.moveaxis(x, dim, -1) @ w.T, -1, dim)
        x = np.clip((x + (1 << (precision - 1))) >> precision, 0, 255)
    return np.ascontiguousarray(x.astype(np.uint8))
