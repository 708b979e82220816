"""Functions that make new tensors: constants, ranges and random draws."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.random import Generator, numpy_generator
from minigrad.tensor import DTypeLike, Tensor, _fill_scalar, _resolve_dtype, _shape_arg, float32, int64

__all__ = [
    "arange", "full", "full_like", "ones", "ones_like", "rand", "randint", "randn",
    "zeros", "zeros_like",
]  # fmt: skip


def _dims(shape: tuple[Any, ...]) -> tuple[int, ...]:
    dims = _shape_arg(shape)
    if any(s < 0 for s in dims):
        raise InvalidParameterError(f"shape {dims} has a negative dimension")
    if math.prod(dims) >= 2**63 or any(s >= 2**63 for s in dims):
        raise InvalidParameterError(f"shape {dims} has more elements than an int64 can count")
    return dims


def _size_arg(size: Any, fn: str) -> tuple[int, ...]:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        return _dims((size,))
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{fn}: size must be an int or a tuple of ints, got {size!r}")
    return _dims(tuple(size))


def _make(data: np.ndarray[Any, Any], requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    return float32 if dtype is None else _resolve_dtype(dtype)


def _random_dtype(dtype: DTypeLike, fn: str) -> np.dtype[Any]:
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        raise InvalidParameterError(f"{fn}: dtype={dt} is not a floating dtype (PyTorch has no such kernel)")
    return dt


def zeros(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros; ``shape`` as ints or one tuple. float32 unless ``dtype``."""
    return _make(np.zeros(_dims(shape), _float_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones; ``shape`` as ints or one tuple. float32 unless ``dtype``."""
    return _make(np.ones(_dims(shape), _float_dtype(dtype)), requires_grad)


def full(shape: Any, fill_value: float | int | bool | None = None, dtype: DTypeLike = None,
         requires_grad: bool = False, *, value: float | int | bool | None = None) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64, float32).

    ``value=`` is accepted as another name for ``fill_value`` (API.md spells it
    ``full(shape, value)``; PyTorch spells it ``fill_value``).

    Raises:
        TypeError: no fill value given.
        InvalidParameterError: a value the dtype cannot hold.
    """
    if fill_value is None:
        if value is None:
            raise TypeError("full() missing the fill value: full(shape, fill_value)")
        fill_value = value
    if dtype is None:
        dtype = (np.bool_ if isinstance(fill_value, bool)
                 else int64 if isinstance(fill_value, int) else float32)
    dt = _resolve_dtype(dtype)
    shp = _size_arg(shape, "full")
    return _make(np.full(shp, _fill_scalar(fill_value, dt, "full: fill_value"), dt), requires_grad)


def zeros_like(t: Tensor, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``t``'s shape (and dtype unless given)."""
    return _make(np.zeros(t.shape, t.dtype if dtype is None else _resolve_dtype(dtype)), requires_grad)


def ones_like(t: Tensor, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Ones with ``t``'s shape (and dtype unless given)."""
    return _make(np.ones(t.shape, t.dtype if dtype is None else _resolve_dtype(dtype)), requires_grad)


def full_like(t: Tensor, fill_value: float, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` with ``t``'s shape (and dtype unless given)."""
    dt = t.dtype if dtype is None else _resolve_dtype(dtype)
    return _make(np.full(t.shape, fill_value, dt), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: DTypeLike = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` (inclusive) to ``end`` (exclusive) by ``step``.

    int64 if all arguments are ints, else float32 (PyTorch's rule).

    Raises:
        InvalidParameterError: ``step`` is zero, a bound is nan or infinite, or
            ``step`` points away from ``end`` (as in PyTorch).
        TypeError: an argument is not a real number.
    """
    if end is None:
        start, end = 0, start
    for name, v in (("start", start), ("end", end), ("step", step)):
        if not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"arange: {name} must be a real number, got {v!r}")
        if not math.isfinite(v):
            raise InvalidParameterError(f"arange: {name} must be finite, got {v!r}")
    if step == 0:
        raise InvalidParameterError("arange: step must be non-zero, got 0")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise InvalidParameterError(
            f"arange: upper bound and lower bound inconsistent with step sign (start={start}, end={end}, "
            f"step={step})"
        )
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = int64 if ints else float32
    dt = _resolve_dtype(dtype)
    count = np.ceil((end - start) / step)
    if count >= 2**63:
        raise InvalidParameterError(
            f"arange: {start} to {end} by {step} has more elements than an int64 can count"
        )
    n = max(0, int(count))
    return _make((start + step * np.arange(n, dtype=np.float64)).astype(dt)
                 if dt.kind == "f" else np.arange(start, end, step).astype(dt), requires_grad)


def randn(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False,
          generator: Generator | None = None) -> Tensor:
    """Standard normal samples from the seeded generator."""
    gen = numpy_generator(generator)
    return _make(gen.standard_normal(_dims(shape), dtype=_random_dtype(dtype, "randn")), requires_grad)


def rand(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False,
         generator: Generator | None = None) -> Tensor:
    """Uniform samples in [0, 1) from the seeded generator."""
    gen = numpy_generator(generator)
    return _make(gen.random(_dims(shape), dtype=_random_dtype(dtype, "rand")), requires_grad)


def randint(low: int, high: Any = None, shape: Any = (), dtype: DTypeLike = None,
            generator: Generator | None = None, requires_grad: bool = False, *,
            size: Any = None) -> Tensor:
    """Integers uniform in [low, high), int64 by default, of shape ``shape``.

    ``randint(high, shape)`` (PyTorch's two-argument form) draws from [0, high);
    ``size=`` is accepted as PyTorch's name for ``shape``.

    Raises:
        InvalidParameterError: ``low >= high``.
        TypeError: a bound is not an int.
    """
    if isinstance(high, (tuple, list)):  # randint(high, shape)
        low, high, shape = 0, low, high
    if size is not None:
        shape = size
    if high is None:
        low, high = 0, low
    for name, v in (("low", low), ("high", high)):
        if not isinstance(v, (int, np.integer)):
            raise TypeError(f"randint: {name} must be an int, got {v!r}")
    if low >= high:
        raise InvalidParameterError(f"randint: low ({low}) must be less than high ({high})")
    shp = _size_arg(shape, "randint")
    gen = numpy_generator(generator)
    dt = int64 if dtype is None else _resolve_dtype(dtype)
    return _make(gen.integers(low, high, shp).astype(dt), requires_grad)
