"""The numpy kernel behind F.interpolate's bilinear resize of uint8 images.

Plain array code, no gradients (an integer tensor has none): PyTorch resizes uint8
images in fixed-point integer arithmetic, as PIL does, so its result is not the float
interpolation rounded; this reproduces it bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

__all__ = ["bilinear_uint8"]


def _uint8_weights(n: int, o: int, align_corners: bool, antialias: bool,
                   scale: float | None) -> tuple[Array, int]:
    """PyTorch's uint8 bilinear taps as an (o, n) int matrix of fixed-point weights and their precision.

    PyTorch resizes uint8 images in integer arithmetic (PIL's way): the float weights of each
    output are normalised, scaled by 2**precision (the most that keeps them in int16) and rounded,
    so the result is not the float interpolation rounded; this reproduces it bit for bit.
    """
    if align_corners:
        ratio = (n - 1) / (o - 1) if o > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale is not None and scale > 0 else n / o
    wide = antialias and ratio >= 1.0
    support, invscale = (ratio, 1.0 / ratio) if wide else (1.0, 1.0)
    delta = 0.5 if align_corners and not antialias else 0.0
    center = ratio * (np.arange(o) + 0.5 - delta)
    xmin = np.maximum((center - support + 0.5 + delta).astype(np.int64), 0)
    xmax = np.minimum((center + support + 0.5 + delta).astype(np.int64), n)
    j = np.arange(n)
    inside = (j >= xmin[:, None]) & (j < xmax[:, None])
    w = np.where(inside, np.maximum(0.0, 1.0 - np.abs((j - center[:, None] + 0.5 - delta) * invscale)), 0.0)
    total = w.sum(axis=1, keepdims=True)
    w = w / np.where(total == 0, 1.0, total)
    top, precision = float(w.max()), 0
    while precision < 22 and int(0.5 + top * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    return np.trunc(w * (1 << precision) + np.where(w < 0, -0.5, 0.5)).astype(np.int64), precision


def bilinear_uint8(image: Array, out: Sequence[int], align_corners: bool, antialias: bool,
                   scales: Sequence[float | None]) -> Array:
    """Bilinear resize of a uint8 (N, C, H, W) image to (N, C, *out) as PyTorch's: width then height,
    each pass rounding and saturating to uint8. ``scales``: the user's scale factor per dim, or None
    (in / out)."""
    x = image.astype(np.int64)
    for dim in (3, 2):
        n, o = x.shape[dim], out[dim - 2]
        if n == o:  # PyTorch skips a pass that keeps the size
            continue
        w, precision = _uint8_weights(n, o, align_corners, antialias, scales[dim - 2])
        x = np.moveaxis(np.moveaxis(x, dim, -1) @ w.T, -1, dim)
        x = np.clip((x + (1 << (precision - 1))) >> precision, 0, 255)
    return np.ascontiguousarray(x.astype(np.uint8))
