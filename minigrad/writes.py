"""Out-of-place writes, as PyTorch's: ``select_scatter``, ``slice_scatter`` and ``diagonal_scatter`` (a copy
of the input with one slice replaced by ``src``), ``fill`` (a filled copy), and the function forms
``fill_`` / ``zero_`` of the in-place methods; ``put`` (at flat indices) and ``index_reduce`` (reduce rows
of ``source`` into the rows ``index`` names, ``scatter_reduce`` with a whole-row index).

Each scatter is a clone written through indexing, so the graph gives both gradients: the output's
gradient outside the slice to the input, inside it to ``src``.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np

from minigrad import indexing
from minigrad._tensor_methods import provide
from minigrad.dtypes import kernel_error, scalar_type_name
from minigrad.errors import (
    DimensionError,
    DTypeError,
    InvalidParameterError,
    ShapeError,
    _ShapeIndexError,
    user_stacklevel,
)
from minigrad.settings import warn_once_due
from minigrad.shapes import norm_dim
from minigrad.tensor import Tensor, _named, from_numpy, where

__all__ = [
    "diagonal_scatter", "fill", "fill_", "index_put_", "index_reduce", "put", "resize_as_", "select_scatter",
    "slice_scatter", "zero_",
]  # fmt: skip


def _write(input: Tensor, index: tuple[Any, ...], src: Tensor) -> Tensor:  # noqa: A002
    out = input.clone()
    target = out[index].shape
    if tuple(src.shape) != tuple(target):
        raise ShapeError(f"expected src to have a size equal to the slice of self. src size = "
                         f"{list(src.shape)}, slice size = {list(target)}")
    # (PyTorch copies src in, converting its dtype; diagonal_scatter's index is advanced, whose index_put
    # would refuse another dtype)
    out[index] = src if src.dtype == out.dtype else src.to(out.dtype)
    return out


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """A copy of input with ``input.select(dim, index)`` replaced by src (of that slice's shape).

    Raises:
        ShapeError: src's shape is not the slice's.
        IndexError: ``dim`` or ``index`` out of range.
    """
    d = norm_dim(dim, input.ndim)
    return _write(input, (slice(None),) * d + (index,), src)


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,  # noqa: A002
                  end: int | None = None, step: int = 1) -> Tensor:
    """A copy of input with the slice ``start:end:step`` of ``dim`` replaced by src (of that slice's shape).

    Raises:
        ShapeError: src's shape is not the slice's.
    """
    d = norm_dim(dim, input.ndim)
    return _write(input, (slice(None),) * d + (slice(start, end, step),), src)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,  # noqa: A002
                     dim2: int = 1) -> Tensor:
    """A copy of input with ``input.diagonal(offset, dim1, dim2)`` replaced by src (of its shape: the
    other dims, then the diagonal).

    Raises:
        ShapeError: src's shape is not the diagonal's.
    """
    d1, d2 = norm_dim(dim1, input.ndim), norm_dim(dim2, input.ndim)
    moved = input.movedim((d1, d2), (-2, -1))
    rows, cols = moved.shape[-2:]
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    i = np.arange(n)
    index = (Ellipsis, i - min(offset, 0), i + max(offset, 0))
    return _write(moved, index, src).movedim((-2, -1), (d1, d2))


def fill(input: Tensor, value: Any) -> Tensor:  # noqa: A002
    """A copy of input with every element ``value`` (its gradient to input is 0, as PyTorch's)."""
    v = value.to(input.dtype) if isinstance(value, Tensor) else value
    return where(np.ones((), dtype=bool), v, input).to(input.dtype)


def fill_(input: Tensor, value: Any) -> Tensor:  # noqa: A002
    """``input.fill_(value)`` as a function: fills input in place and returns it."""
    return input.fill_(value)


def zero_(input: Tensor) -> Tensor:  # noqa: A002
    """``input.zero_()`` as a function: zeroes input in place and returns it."""
    return input.zero_()


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """input, read as 1-D, with the elements at ``index`` (negative counts from the end) replaced by
    ``source``'s (index's and source's elements in order), or added to with ``accumulate``;
    differentiable in input and source.

    Raises:
        ShapeError: index and source have different numbers of elements (also an IndexError, as PyTorch's).
        DimensionError: an index out of range (PyTorch's IndexError).
        DTypeError: source of another dtype than input's (PyTorch's RuntimeError).
    """
    if source.dtype != input.dtype:
        raise DTypeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                         f"{scalar_type_name(input.dtype)} and source.dtype = "
                         f"{scalar_type_name(source.dtype)}")
    idx = indexing._index_array(index, "put").reshape(-1)
    if idx.size != source.numel():
        raise _ShapeIndexError(f"put_(): Expected source and index to have the same number of elements, but "
                               f"got source.numel() = {source.numel()}, index.numel() = {idx.size}")
    n = input.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx[(idx < -n) | (idx >= n)].flat[0])
        raise DimensionError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    flat = indexing.index_put(input.reshape(-1), (idx % max(n, 1),), source.reshape(-1), accumulate)
    return _named(flat.reshape(input.shape), input, "PutBackward0")


def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,  # noqa: A002
                 include_self: bool = True) -> Tensor:
    """input with each slice ``source.select(dim, i)`` reduced into ``input.select(dim, index[i])`` by
    'prod', 'mean', 'amax' or 'amin' (with the slice's own values if ``include_self``): ``scatter_reduce``
    with ``index`` spread over the other dims, and its gradients.

    Warns (once per process, as PyTorch) that index_reduce is in beta.

    Raises:
        InvalidParameterError: another ``reduce``.
        ShapeError: index is not 1-D or source does not fit.
        UnsupportedError: a bool input of 1 dim, with 'mean' or without ``include_self`` (PyTorch has no
            kernel: its NotImplementedError).
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise InvalidParameterError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin "
                                    f"but got {reduce}.")
    if input.ndim == 0:
        return index_reduce(input.reshape(1), dim, index, source.reshape(1), reduce,
                            include_self=include_self).reshape(())
    d = norm_dim(dim, input.ndim)
    idx = indexing._index_array(index, "index_reduce")
    if idx.ndim > 1 or source.ndim != input.ndim or idx.size != source.shape[d] or any(
            a != b for i, (a, b) in enumerate(zip(source.shape, input.shape)) if i != d):
        raise ShapeError(f"index_reduce: index {idx.shape} and source {source.shape} do not fit input "
                         f"{input.shape} along dim {d}")
    if warn_once_due("index_reduce"):
        warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning,
                      stacklevel=user_stacklevel())
    if input.dtype == np.bool_ and (not include_self or reduce == "mean" or input.ndim == 1):
        # (PyTorch's 1-D kernel has no bool; the others reduce bools, but neither start without self nor
        # divide for a mean)
        raise kernel_error("index_reduce_func_exclude_input_init" if not include_self else
                           "index_func_" if input.ndim == 1 else "div_floor", input.dtype,
                           "" if not include_self or input.ndim == 1 else "_cpu")
    if idx.size and (idx.min() < 0 or idx.max() >= input.shape[d]):  # (PyTorch's IndexError, in its words)
        raise DimensionError(f"index out of range in self (index_reduce: dim {d} has size {input.shape[d]})")
    if input.dtype == np.bool_:  # PyTorch's bool kernel: prod and amin an and, amax an or
        u8 = np.dtype(np.uint8)
        return index_reduce(input.to(u8), d, index, source.to(u8), reduce).to(np.dtype(np.bool_))
    shape = [1] * input.ndim
    shape[d] = idx.size
    spread = np.broadcast_to(idx.reshape(shape), source.shape)
    out = indexing.scatter_reduce(input, d, from_numpy(np.ascontiguousarray(spread)), source, reduce,
                                  include_self=include_self)
    return _named(out, input, "IndexReduceBackward0")


def resize_as_(input: Tensor, the_template: Tensor) -> Tensor:  # noqa: A002
    """The function form of :meth:`Tensor.resize_as_`: input takes the template's shape; returns input."""
    return input.resize_as_(the_template)


def index_put_(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """The function form of :meth:`Tensor.index_put_`: ``input[indices] = values`` (``+=`` if ``accumulate``,
    repeated indices then add up), in place; returns input."""
    inplace: Any = input.index_put_  # type: ignore[attr-defined]  # (generated: _tensor_methods.INPLACE_NAMES)
    return inplace(indices, values, accumulate)  # type: ignore[no-any-return]
