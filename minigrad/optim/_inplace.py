"""In-place array updates in PyTorch's operation order, shared by the optimizers.

Each helper mirrors one in-place Tensor method of PyTorch on numpy arrays: the
same operations in the same order, Python scalars rounded to the array's dtype
as PyTorch's CPU kernels round them. PyTorch's kernels fuse some multiply-adds
and vectorise ``sqrt``, so results agree to an ulp or so, not bit for bit.

The first argument is updated; ``tmp`` is a scratch array of the same shape
and dtype that may hold anything on entry and must not alias another argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.tensor import Array

__all__ = ["add_", "addcdiv_", "addcmul_", "const", "lerp_"]

_MADE: dict[tuple[float, np.dtype[Any]], Array] = {}


def const(value: float, dtype: np.dtype[Any]) -> Array:
    """``value`` rounded to ``dtype``, as a read-only 0-d array.

    numpy applies a 0-d array of the operand's dtype about twice as fast as a
    Python or numpy scalar (no scalar promotion step), with the same rounding:
    the scalar is rounded to the array's dtype either way. The values a step
    reuses (lr, betas, eps) are made once; a schedule's lr and the bias
    corrections add new ones, so the store is emptied when it fills.
    """
    key = (value, dtype)
    made = _MADE.get(key)
    if made is None:
        made = np.array(value, dtype)
        made.flags.writeable = False
        if value == 0:  # (-0.0 and 0.0 are one key: zeros are made each time)
            return made
        if len(_MADE) >= 256:
            _MADE.clear()
        _MADE[key] = made
    return made


def add_(x: Array, y: Array, alpha: float, tmp: Array) -> None:
    """``x += alpha * y`` (``x.add_(y, alpha=alpha)``)."""
    if alpha == 1:
        x += y
        return
    np.multiply(y, const(alpha, x.dtype), out=tmp)
    x += tmp


def addcmul_(x: Array, a: Array, b: Array, value: float, tmp: Array) -> None:
    """``x += (value * a) * b`` (``x.addcmul_(a, b, value=value)``)."""
    if value == 1:
        np.multiply(a, b, out=tmp)
    else:
        np.multiply(a, const(value, x.dtype), out=tmp)
        tmp *= b
    x += tmp


def addcdiv_(x: Array, a: Array, b: Array, value: float, tmp: Array) -> None:
    """``x += (value * a) / b`` (``x.addcdiv_(a, b, value=value)``)."""
    if value == 1:
        np.divide(a, b, out=tmp)
    else:
        np.multiply(a, const(value, x.dtype), out=tmp)
        tmp /= b
    x += tmp


def lerp_(x: Array, end: Array, weight: float, tmp: Array) -> None:
    """``x += weight * (end - x)`` (``x.lerp_(end, weight)``).

    Like PyTorch, a weight of 0.5 or more is computed from the other end,
    ``end - (1 - weight) * (end - x)``, which is exact at weight 1.
    """
    np.subtract(end, x, out=tmp)
    if abs(weight) < 0.5:
        tmp *= const(weight, x.dtype)
        x += tmp
    else:
        one = x.dtype.type(1)
        tmp *= const(one - x.dtype.type(weight), x.dtype)  # 1 - weight in the array precision (the kernel)
        np.subtract(end, tmp, out=x)
