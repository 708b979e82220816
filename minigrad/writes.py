"""Out-of-place writes, as PyTorch's: ``select_scatter``, ``slice_scatter`` and ``diagonal_scatter`` (a copy
of the input with one slice replaced by ``src``), ``fill`` (a filled copy), and the function forms
``fill_`` / ``zero_`` of the in-place methods.

Each scatter is a clone written through indexing, so the graph gives both gradients: the output's
gradient outside the slice to the input, inside it to ``src``.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad._tensor_methods import provide
from minigrad.errors import ShapeError
from minigrad.shapes import norm_dim
from minigrad.tensor import Tensor, where

__all__ = ["diagonal_scatter", "fill", "fill_", "select_scatter", "slice_scatter", "zero_"]


def _write(input: Tensor, index: tuple[Any, ...], src: Tensor) -> Tensor:  # noqa: A002
    out = input.clone()
    target = out[index].shape
    if tuple(src.shape) != tuple(target):
        raise ShapeError(f"expected src to have a size equal to the slice of self. src size = "
                         f"{list(src.shape)}, slice size = {list(target)}")
    out[index] = src
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
