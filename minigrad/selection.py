"""Scans, flips, windows and selection along a dim: cumsum, flip, unfold, gather, scatter_add, sort, topk.

Compositions of the primitives :class:`~minigrad.ops.Cumsum`, :class:`~minigrad.ops.Gather`,
:class:`~minigrad.ops.ScatterAdd`, :class:`~minigrad.ops.Unfold` and indexing: sorting
finds the order in numpy (an integer result, not differentiated) and gathers the values
with it, so the gradient of ``sort(x).values`` is a scatter-add back to where each value
came from. The :class:`~minigrad.tensor.Tensor` methods of the same names call these.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from minigrad import ops
from minigrad import tensor as _tensor
from minigrad.errors import DimensionError, InvalidParameterError, ShapeError
from minigrad.shapes import norm_dim, norm_dims
from minigrad.tensor import Array, DTypeLike, Tensor, from_numpy

__all__ = ["argsort", "cumsum", "flip", "gather", "scatter_add", "sort", "topk", "unfold"]


class ValuesIndices(NamedTuple):
    """``(values, indices)``, as PyTorch's ``torch.return_types.sort`` and ``topk``."""

    values: Tensor
    indices: Tensor


def cumsum(input: Tensor, dim: int, *, dtype: DTypeLike = None) -> Tensor:  # noqa: A002
    """Running sums along ``dim``: y[..., i, ...] = x[..., :i+1, ...].sum(dim); same shape.

    Integer and bool inputs sum in int64 (as PyTorch); ``dtype`` converts the input first.
    The gradient is the running sum of the upstream gradient taken from the other end.
    """
    x = input if dtype is None else input.astype(dtype)
    if x.ndim == 0:
        norm_dim(dim, 0)
        return ops.Cumsum.apply(x.reshape(1), dim=0).reshape(())
    return ops.Cumsum.apply(x, dim=norm_dim(dim, x.ndim))


def flip(input: Tensor, dims: int | Sequence[int]) -> Tensor:  # noqa: A002
    """The elements in reverse order along each of ``dims`` (a view; the gradient is flipped back).

    Raises:
        DimensionError: a dim is out of range or repeated.
    """
    norm = norm_dims(dims if isinstance(dims, (tuple, list)) else (dims,), input.ndim) or ()
    if not norm:
        return input[...]
    reverse = slice(None, None, -1)
    return input[tuple(reverse if d in norm else slice(None) for d in range(input.ndim))]


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:  # noqa: A002
    """Every slice of length ``size`` along ``dimension``, ``step`` apart, as PyTorch's ``Tensor.unfold``.

    ``dimension`` becomes the number of slices, (n - size) // step + 1, and a new last
    dim of length ``size`` holds each slice. Built on the sliding-window primitive.

    Raises:
        InvalidParameterError: size < 0 or step <= 0.
        ShapeError: ``size`` exceeds the length of ``dimension``.
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise InvalidParameterError(f"unfold: size must be a non-negative int, got size={size!r}")
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step <= 0:
        raise InvalidParameterError(f"unfold: step must be a positive int, got step={step!r}")
    x = input.reshape(1) if input.ndim == 0 else input
    d = norm_dim(dimension, x.ndim)
    n = x.shape[d]
    if size > n:
        raise ShapeError(f"unfold: size {size} is larger than dimension {dimension} of shape {input.shape}")
    last = x.ndim - 1
    moved = x if d == last else x.transpose(d, last)
    rows = moved.reshape(-1, 1, n)
    count = (n - size) // step + 1
    if size == 0:  # no window element to read: PyTorch gives count empty slices
        windows = rows[:, :, :0].expand(rows.shape[0], count, 0)
    else:
        cols = ops.Unfold.apply(rows, kernel=(size,), stride=(step,), dilation=(1,), padding=((0, 0),))
        windows = cols.transpose(1, 2)  # (rows, count, size)
    out = windows.reshape(*moved.shape[:-1], count, size)
    if d != last:
        out = out.transpose(d, last)
    return out.reshape(size) if input.ndim == 0 else out  # PyTorch: a 0-d tensor gives (size,)


def _index_array(fn: str, index: Any) -> Array:
    arr = index.numpy() if isinstance(index, Tensor) else np.asarray(index)
    if arr.dtype != np.int64:
        raise InvalidParameterError(f"{fn}(): expected dtype int64 for index, got {arr.dtype}")
    return arr


def _check_index(fn: str, index: Array, dim: int, size: int, what: str, shape: tuple[int, ...],
                 all_dims: bool = False) -> None:
    """``index`` must have ``shape``'s rank, be no larger (except along ``dim``) and stay in range."""
    if index.ndim != len(shape):
        raise ShapeError(f"{fn}(): index has {index.ndim} dims {index.shape}, but {what} has "
                         f"{len(shape)} dims {shape}; they must have the same number of dims")
    for d, (i, s) in enumerate(zip(index.shape, shape)):
        if i > s and (all_dims or d != dim):
            raise ShapeError(f"{fn}(): index of shape {index.shape} must be no larger than {what} of shape "
                             f"{shape} in dim {d}" + ("" if all_dims else f" (apart from dim {dim})"))
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = int(index[(index < 0) | (index >= size)].flat[0])
        raise DimensionError(f"{fn}(): index {bad} is out of bounds for dimension {dim} with size {size}")


def gather(input: Tensor, dim: int, index: Tensor | Array) -> Tensor:  # noqa: A002
    """y[i][j][k] = x[index[i][j][k]][j][k] (for dim 0; likewise for others), of index's shape.

    ``index`` is int64 with x's number of dims, no larger than x outside ``dim``.
    The gradient scatter-adds back to the gathered positions.

    Raises:
        InvalidParameterError: index is not int64.
        ShapeError: index's rank differs or it is larger than x outside ``dim``.
        DimensionError: an index value outside [0, x.shape[dim]).
    """
    idx = _index_array("gather", index)
    if input.ndim == 0:
        return gather(input.reshape(1), dim, idx.reshape(1) if idx.ndim == 0 else idx).reshape(idx.shape)
    d = norm_dim(dim, input.ndim)
    _check_index("gather", idx, d, input.shape[d], "input", input.shape)
    return ops.Gather.apply(input, dim=d, index=idx)


def scatter_add(input: Tensor, dim: int, index: Tensor | Array, src: Tensor) -> Tensor:  # noqa: A002
    """A copy of x with src[i][j][k] added at x[index[i][j][k]][j][k] (for dim 0); repeats add up.

    Only the index-shaped corner of ``src`` is used, as in PyTorch. Gradients: x gets
    the upstream gradient unchanged, src gathers it from the scattered positions.

    Raises:
        InvalidParameterError: index is not int64.
        ShapeError: ranks differ, index is larger than src, or than x outside ``dim``.
        DimensionError: an index value outside [0, x.shape[dim]).
    """
    idx = _index_array("scatter_add", index)
    if input.ndim == 0:
        flat = idx.reshape(1) if idx.ndim == 0 else idx
        return scatter_add(input.reshape(1), dim, flat, src.reshape(flat.shape)).reshape(())
    d = norm_dim(dim, input.ndim)
    _check_index("scatter_add", idx, d, input.shape[d], "input", input.shape)
    _check_index("scatter_add", idx, d, input.shape[d], "src", src.shape, all_dims=True)
    if src.dtype != input.dtype:
        raise InvalidParameterError(
            f"scatter_add(): src dtype {src.dtype} differs from input dtype {input.dtype}")
    if src.shape != idx.shape:
        src = src[tuple(slice(0, n) for n in idx.shape)]
    return input + ops.ScatterAdd.apply(src, dim=d, index=idx, shape=input.shape)


def _order(a: Array, dim: int, descending: bool) -> Array:
    """Stable sort order along ``dim``; NaN counts as the largest value, as in PyTorch."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    # ascending order of the reversed array, reversed: largest first, ties keep their order
    n = a.shape[dim]
    rev = np.flip(np.argsort(np.flip(a, dim), axis=dim, kind="stable"), dim)
    return (n - 1) - rev  # type: ignore[no-any-return]


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:  # noqa: A002
    """Indices (int64) that sort x along ``dim``; ties keep their order (every sort here is stable)."""
    if input.ndim == 0:
        norm_dim(dim, 0)
        return from_numpy(np.zeros((), dtype=np.int64))
    return from_numpy(_order(input.numpy(), norm_dim(dim, input.ndim), descending))


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:  # noqa: A002
    """``(values, indices)``: x sorted along ``dim`` and where each value came from.

    NaN sorts as the largest value; ties keep their order whatever ``stable`` says
    (PyTorch leaves their order unspecified unless stable=True). The values'
    gradient is scattered back to the original positions.
    """
    idx = argsort(input, dim, descending)
    return ValuesIndices(gather(input, dim, idx), idx)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:  # noqa: A002
    """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim``, best first.

    The result is always sorted (PyTorch allows any order when sorted=False).

    Raises:
        InvalidParameterError: k is not an int in [0, x.shape[dim]].
    """
    n = input.shape[norm_dim(dim, input.ndim)] if input.ndim else 1
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise InvalidParameterError(f"topk(): k={k!r} is out of range for dimension {dim} of size {n}")
    if input.ndim == 0:
        return ValuesIndices(input[...], argsort(input))  # PyTorch: k=0 too
    d = norm_dim(dim, input.ndim)
    order = _order(input.numpy(), d, descending=largest)
    idx = order[(slice(None),) * d + (slice(0, k),)]
    return ValuesIndices(gather(input, d, idx), from_numpy(np.ascontiguousarray(idx)))


_tensor._providers.selection = sys.modules[__name__]  # what the Tensor methods of these names call
