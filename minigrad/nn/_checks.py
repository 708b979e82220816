"""Argument validation shared by the layer constructors.

Each check raises :class:`InvalidParameterError` naming the argument and the
value, so ``BatchNorm1d(0)`` says ``num_features must be a positive int, got 0``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.errors import InvalidParameterError
from minigrad.tensor import DTypeLike, Tensor, _resolve_dtype


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    real = isinstance(value, (int, float, np.integer, np.floating))
    return real and not isinstance(value, (bool, np.bool_))


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int if it is an int > 0 (bools rejected)."""
    if not _is_int(value) or value <= 0:
        raise InvalidParameterError(f"{name} must be a positive int, got {name}={value!r}")
    return int(value)


def nonnegative_int(name: str, value: Any) -> int:
    """``value`` as an int if it is an int >= 0 (bools rejected)."""
    if not _is_int(value) or value < 0:
        raise InvalidParameterError(f"{name} must be a non-negative int, got {name}={value!r}")
    return int(value)


def positive_float(name: str, value: Any) -> float:
    """``value`` as a float if it is a finite number > 0."""
    if not _is_real(value) or not math.isfinite(value) or value <= 0:
        raise InvalidParameterError(f"{name} must be a positive number, got {name}={value!r}")
    return float(value)


def unit_interval(name: str, value: Any, allow_none: bool = False) -> float | None:
    """``value`` as a float if it is a number in [0, 1] (or None when allowed)."""
    if value is None and allow_none:
        return None
    if not _is_real(value) or not 0 <= value <= 1:
        raise InvalidParameterError(f"{name} must be a number in [0, 1], got {name}={value!r}")
    return float(value)


def flag(name: str, value: Any) -> bool:
    """``value`` if it is a bool (numpy bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{name} must be a bool, got {name}={value!r}")
    return bool(value)


def tensor(fn: str, value: Any, name: str = "input") -> Tensor:
    """``value`` if it is a Tensor; else the TypeError PyTorch raises (not an AttributeError later)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def device(value: Any) -> None:
    """Accept ``device=None`` or the CPU (``'cpu'``, ``'cpu:0'`` or an object whose ``type`` is 'cpu').

    minigrad computes on the CPU only, so any other device is refused rather
    than silently ignored.
    """
    if value is None:
        return
    text = str(getattr(value, "type", value))
    if text.split(":", 1)[0] != "cpu":
        raise InvalidParameterError(f"device={value!r} is not available: minigrad runs on the CPU only")


def float_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """The parameters' dtype: the default dtype (float32 unless set) if None, else float32 or float64."""
    dt = get_default_dtype() if dtype is None else _resolve_dtype(dtype)
    if dt.kind != "f":
        raise InvalidParameterError(f"dtype must be a floating dtype (float32 or float64), got dtype={dt}")
    return dt
