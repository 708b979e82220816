"""Regular grids and index patterns: ``eye``, ``linspace``, ``logspace``, ``meshgrid``,
``tril_indices``, ``triu_indices``.

The factories take ``dtype=``, ``device=`` (the CPU) and ``requires_grad=``
as the others in ``factories.py``; ``meshgrid`` expands its inputs (a
differentiable view).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad.device import check_pin_memory
from minigrad.dtypes import resolve_dtype
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    allocating,
    public_stacklevel,
)
from minigrad.factories import _float_dtype, _make, _range_dtype
from minigrad.settings import warn_once_due
from minigrad.shapes import int_argument
from minigrad.tensor import DTypeLike, Tensor, from_numpy, int64

__all__ = ["eye", "linspace", "logspace", "meshgrid", "tril_indices", "triu_indices"]


def _count(fn: str, name: str, n: Any, *given: Any) -> int:
    """A size argument: a non-int raises TypeError (PyTorch's argument parser, naming the types of
    ``given``, the call's positional arguments), a negative one ValueError, in PyTorch's words."""
    if int_argument(n) is None:
        got = ", ".join(type(a).__name__ for a in given or (n,))
        raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}): argument "
                        f"'{name}' must be int, not {type(n).__name__}")
    n = int_argument(n)
    if n < 0:
        if name == "steps":  # (PyTorch's words first)
            raise InvalidParameterError(f"number of steps must be non-negative ({fn}: got {n!r})")
        raise InvalidParameterError(f"{name} must be greater or equal to 0, got {n!r}")
    return int(n)


def _bounds(fn: str, *bounds: Any) -> None:
    for b in bounds:
        if isinstance(b, Tensor) and b.ndim:
            raise MinigradError(f"{fn} only supports 0-dimensional start and end tensors, but got start with "
                                f"{b.ndim} dimension(s).")


@allocating  # (numpy's MemoryError is no RuntimeError)
def eye(n: int, m: int | None = None, *, dtype: DTypeLike = None, device: Any = None,
        requires_grad: bool = False, **_: Any) -> Tensor:
    """The n x m identity matrix (ones on the main diagonal); the default float dtype unless ``dtype``."""
    check_pin_memory("eye", _.get("pin_memory"))
    rows = _count("eye", "n", n)
    cols = rows if m is None else _count("eye", "m", m)
    return _make(np.eye(rows, cols, dtype=_float_dtype(dtype, device)), requires_grad)


@allocating  # (numpy's MemoryError is no RuntimeError)
def linspace(start: float, end: float, steps: int, *, dtype: DTypeLike = None, device: Any = None,
             requires_grad: bool = False, **_: Any) -> Tensor:
    """``steps`` evenly spaced values from start to end, both included (no bool dtype, as PyTorch)."""
    check_pin_memory("linspace", _.get("pin_memory"))
    n = _count("linspace", "steps", steps, start, end, steps)
    _bounds("linspace", start, end)
    dt = _range_dtype("linspace", _float_dtype(dtype, device))
    if dt.kind != "f":  # PyTorch: the bounds cast to the dtype, the steps in float64, each value truncated
        lo, hi = float(int(start)), float(int(end))
        step, i = (hi - lo) / max(n - 1, 1), np.arange(n, dtype=np.float64)
        values = np.where(i < n // 2, lo + step * i, hi - step * (n - 1 - i)) if n > 1 else np.full(n, lo)
        return _make(values.astype(dt), requires_grad)
    return _make(_symmetric_linspace(dt.type(start), dt.type(end), n).astype(dt), requires_grad)


def _symmetric_linspace(start: np.floating[Any], end: np.floating[Any], n: int) -> Any:
    """PyTorch's CPU linspace to the last bit: the step rounded to the dtype, the first half
    ``start + step * i`` and the second ``end - step * (n - 1 - i)``, each a fused multiply-add
    (one rounding). numpy has no fma, so the products and sums run in a wider type and are rounded
    twice: float32 results match PyTorch's bit for bit (float64 holds the products exactly), float64
    ones to within one ulp, in about one element in 10^5 (the long double's 64 bits are not enough
    to make the second rounding harmless)."""
    if n == 1:
        return np.array([start])
    step = (end - start) / start.dtype.type(max(n - 1, 1))
    wide = np.float64 if start.dtype == np.float32 else np.longdouble
    i = np.arange(n, dtype=wide)
    half = n // 2
    return np.where(i < half, wide(start) + wide(step) * i, wide(end) - wide(step) * (n - 1 - i))


@allocating  # (numpy's MemoryError is no RuntimeError)
def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: DTypeLike = None,
             device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """base ** linspace(start, end, steps)."""
    check_pin_memory("logspace", _.get("pin_memory"))
    n = _count("logspace", "steps", steps, start, end, steps)
    _bounds("logspace", start, end)
    dt = _range_dtype("logspace", _float_dtype(dtype, device))
    if dt.kind != "f" and n > 1:  # PyTorch casts the bounds to the int dtype: logspace(0, 1.2, 4) spans
        start, end = int(start), int(end)  # 10**0..10**1 (one step is base ** start as given)
    return _make(np.power(float(base), np.linspace(float(start), float(end), n)).astype(dt), requires_grad)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: with 'ij' output k varies along dim k; 'xy' swaps the first two.
    Without ``indexing`` it is 'ij', with PyTorch's UserWarning (once) that the argument will be required.

    Raises:
        InvalidParameterError: an unknown ``indexing``.
        ShapeError: a tensor of more than one dim (PyTorch's RuntimeError).
        DTypeError: tensors of different dtypes (PyTorch's RuntimeError).
    """
    if indexing is None:
        if warn_once_due("meshgrid"):  # (PyTorch's TORCH_WARN_ONCE)
            warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                          "argument.", UserWarning, stacklevel=public_stacklevel(2))
        indexing = "ij"
    ts = list(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else list(tensors)
    if len({t.dtype for t in ts if isinstance(t, Tensor)}) > 1:  # (PyTorch checks this first; no promotion)
        raise DTypeError("meshgrid expects all tensors to have the same dtype (got "
                         f"{', '.join(str(t.dtype) for t in ts if isinstance(t, Tensor))})")
    if indexing not in ("ij", "xy"):
        raise InvalidParameterError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for t in ts:  # (PyTorch's RuntimeError; flattening them would give grids silently)
        if isinstance(t, Tensor) and t.ndim > 1:
            raise ShapeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a "
                             f"{t.ndim}-D tensor of shape {t.shape}")
    flat = [t.reshape(-1) for t in ts]
    order = list(range(len(flat)))
    if indexing == "xy" and len(flat) >= 2:
        order[0], order[1] = 1, 0
    shape = [flat[i].numel() for i in order]
    out = []
    for k, t in enumerate(flat):
        view = [1] * len(flat)
        view[order.index(k)] = t.numel()
        out.append(t.reshape(view).expand(tuple(shape)))
    return tuple(out)


def _tri_indices(row: int, col: int, offset: int, lower: bool, dtype: DTypeLike, name: str,
                 options: dict[str, Any]) -> Tensor:
    if "out" in options:  # (the device/layout options are taken and ignored; PyTorch has no out= here)
        raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
    check_pin_memory(name, options.get("pin_memory"))
    ones = np.ones((_count("tri_indices", "row", row), _count("tri_indices", "col", col)), dtype=bool)
    mask = np.tril(ones, offset) if lower else np.triu(ones, offset)
    dt = int64 if dtype is None else resolve_dtype(dtype)
    return from_numpy(np.stack(np.nonzero(mask)).astype(dt))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: DTypeLike = None, **_: Any) -> Tensor:
    """The (2, n) coordinates of the lower triangle of a row x col matrix, row by row."""
    return _tri_indices(row, col, offset, True, dtype, "tril_indices", _)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: DTypeLike = None, **_: Any) -> Tensor:
    """The (2, n) coordinates of the upper triangle of a row x col matrix, row by row."""
    return _tri_indices(row, col, offset, False, dtype, "triu_indices", _)
