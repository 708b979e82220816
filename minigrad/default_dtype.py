"""The default float dtype: what Python floats and the float factories become (float32 unless set).

As ``torch.set_default_dtype``: after ``mg.set_default_dtype(mg.float64)``,
``mg.tensor(0.1)``, ``mg.zeros(3)``, ``mg.randn(2)``, ``mg.arange(0.5, 2)`` and
the parameters of new layers are float64. numpy arrays keep their own dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["get_default_dtype", "set_default_dtype"]

_ALLOWED = (np.dtype(np.float32), np.dtype(np.float64))
_default: list[np.dtype[Any]] = [_ALLOWED[0]]  # one mutable cell, read on every factory call


def get_default_dtype() -> np.dtype[Any]:
    """The float dtype new tensors get when none is given (``mg.float32`` unless changed)."""
    return _default[0]


def set_default_dtype(d: Any) -> None:
    """Make ``d`` (``mg.float32`` or ``mg.float64``) the default float dtype.

    Raises:
        TypeError: ``d`` is not a floating dtype (PyTorch's error), or a float
            dtype minigrad cannot compute in.
    """
    if d is None:  # np.dtype(None) would be float64
        raise TypeError("set_default_dtype: expected a dtype, got None")
    try:
        dt = np.dtype(d)
    except TypeError as e:
        raise TypeError(f"set_default_dtype: {d!r} is not a dtype") from e
    if dt.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type, got {dt}")
    if dt not in _ALLOWED:
        raise TypeError(f"set_default_dtype: minigrad computes in float32 or float64, got {dt}")
    _default[0] = dt
