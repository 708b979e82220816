"""Joining, splitting, reordering and repeating tensors, as PyTorch spells it.

Every function here is a composition of the shape primitives of
``minigrad/ops.py`` (reshape, permute, expand, getitem, cat), so gradients
route back without any code of their own: a flip's gradient is the flipped
gradient, a repeat's is the sum over the copies.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import grids as _grids
from minigrad import ops
from minigrad._kernels import memory_owner
from minigrad._tensor_methods import dim_aliases, multi_views, provide
from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import operands_result_type, tensor_type_name
from minigrad.errors import DimensionError, DTypeError, InvalidParameterError, MinigradError, ShapeError
from minigrad.memory_formats import check_format, contiguous_format, is_laid_out, preserve_format
from minigrad.shapes import int_argument, norm_dim, shape_arg
from minigrad.size import Size
from minigrad.tensor import Tensor, _named, cat, from_numpy, int64, stack

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
    "broadcast_to", "cartesian_prod", "chunk", "clone", "combinations", "dsplit", "hsplit", "vsplit",
    "column_stack", "concat", "concatenate", "dstack", "flatten", "flip", "fliplr", "flipud", "hstack",
    "movedim", "moveaxis", "narrow", "permute", "ravel", "repeat_interleave", "reshape", "roll",
    "rot90", "row_stack", "select", "split", "split_with_sizes", "squeeze", "swapaxes", "swapdims", "t",
    "tensor_split", "tile", "transpose", "unbind", "unflatten", "unsqueeze", "vstack",
]  # fmt: skip


def _int(fn: str, name: str, value: Any) -> int:
    if int_argument(value) is None:  # (a 0-d integer tensor counts, as in PyTorch)
        raise TypeError(f"{fn}: {name} must be an int, got {value!r}")
    return int(int_argument(value))


def _dims(fn: str, dims: Any, ndim: int, what: str = "dims", repeats: bool = False) -> tuple[int, ...]:
    items = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    out = tuple(norm_dim(_int(fn, "dims", d), ndim) for d in items)
    if not repeats and len(set(out)) != len(out):
        raise MinigradError(f"{fn}: repeated dim in `{what}` ({list(items)})")
    return out


def concat(tensors: Sequence[Tensor], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """``mg.cat`` under its other names (``axis`` is numpy's spelling of ``dim``)."""
    return cat(tensors, dim if axis is None else axis)


concatenate = concat


def _at_least(t: Tensor, n: int) -> Tensor:
    if t.ndim >= n:
        return t
    if n == 3 and t.ndim == 2:
        return t.unsqueeze(-1)
    if n == 3 and t.ndim == 1:
        return t.reshape(1, -1, 1)
    return t.reshape((1,) * (n - t.ndim) + t.shape)


def atleast_1d(*tensors: Any) -> Any:
    """The tensors with at least one dim (a 0-d tensor becomes shape (1,))."""
    return _each(tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """The tensors with at least two dims (leading dims of size 1 added)."""
    return _each(tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """The tensors with at least three dims (as numpy: (n,) becomes (1, n, 1), (m, n) becomes (m, n, 1))."""
    return _each(tensors, 3)


def _each(tensors: tuple[Any, ...], n: int) -> Any:
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = tuple(_at_least(t, n) for t in items)
    return out[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else out


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    ts = atleast_1d(list(tensors))
    if not ts:
        raise MinigradError("hstack expects a non-empty TensorList")
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 0, 1-D tensors as rows.

    Raises:
        MinigradError: no tensors (PyTorch's RuntimeError).
    """
    if not len(tensors):
        raise MinigradError("vstack expects a non-empty TensorList")
    return cat(atleast_2d(list(tensors)), 0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 2 (after making each at least 3-D).

    Raises:
        MinigradError: no tensors (PyTorch's RuntimeError).
    """
    if not len(tensors):
        raise MinigradError("dstack expects a non-empty TensorList")
    return cat(atleast_3d(list(tensors)), 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become columns, then hstack."""
    return hstack([t.reshape(-1, 1) if t.ndim < 2 else t for t in tensors])


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the listed sizes.

    Raises:
        MinigradError: listed sizes are negative or do not add up to the dim.
    """
    if isinstance(split_size_or_sections, (int, np.integer, Tensor)) or tensor.ndim == 0:
        return tensor.split(split_size_or_sections, dim)
    sizes = [_int("split", "split sizes", s) for s in split_size_or_sections]
    d = norm_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if any(s < 0 for s in sizes):
        raise MinigradError(f"split_with_sizes expects split_sizes to be non-negative, but got {sizes}")
    if sum(sizes) != n:
        raise MinigradError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension "
            f"{dim}), but got split_sizes={sizes}"
        )
    lead = (slice(None),) * d
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).tolist() if sizes else []
    pieces = tuple(_named(tensor[lead + (slice(a, a + s),)], tensor, "SplitWithSizesBackward0")  # noqa: RUF005
                   for a, s in zip(starts, sizes))
    return multi_views(pieces, tensor, "SplitWithSizes")


def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """Views of the listed sizes along ``dim``; see :func:`split` (the sizes must add up to the dim)."""
    return split(input, list(split_sizes), dim)


@dim_aliases
def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``sections`` nearly equal pieces (the first ones one longer), or pieces cut at the listed indices
    (``input[i:j]`` between neighbouring cuts, so a negative cut counts from the end, as PyTorch's).

    Raises:
        ShapeError: a 0-d input, or a tensor of cuts with more than 1 dim.
        DTypeError: a tensor of cuts that is not int64.
        InvalidParameterError: a number of sections that is not positive.
    """
    if input.ndim == 0:
        raise ShapeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 "
                         "dims")
    d = norm_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, Tensor):  # a 0-d integer tensor counts sections, a 1-D one lists cuts
        if indices_or_sections.dtype != np.int64:
            got = tensor_type_name(indices_or_sections.dtype)[6:].removesuffix("Tensor")
            raise DTypeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but "
                             f"got {got}")
        if indices_or_sections.ndim > 1:
            raise ShapeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                             f"one-dimensional tensor, but got a tensor with {indices_or_sections.ndim} dims")
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0:
            raise InvalidParameterError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        cuts = np.cumsum(sizes)[:-1].tolist()
    else:
        cuts = [int(i) for i in indices_or_sections]
    lead = (slice(None),) * d
    return tuple(input[lead + (slice(a, b),)] for a, b in itertools.pairwise([0, *cuts, None]))  # noqa: RUF005


def _split_along(name: str, input: Tensor, min_ndim: int, dim: int,  # noqa: A002
                 indices_or_sections: Any) -> tuple[Tensor, ...]:
    if input.ndim < min_ndim:
        raise ShapeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a "
                         f"tensor with {input.ndim} dimensions!")
    if isinstance(indices_or_sections, (str, bytes)) or not isinstance(
            indices_or_sections, (int, np.integer, Sequence, Tensor)):
        got = type(indices_or_sections).__name__
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, {got}): "
                        f"argument 'indices_or_sections' must be an int or a sequence of ints, not {got}")
    if isinstance(indices_or_sections, (int, np.integer)):
        n, k = input.shape[dim], int(indices_or_sections)
        if k <= 0 or n % k:
            raise InvalidParameterError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension {n} "
                f"is not divisible by the split_size {k}!"
            )
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:  # noqa: A002
    """Split along dim 1 (dim 0 of a 1-D tensor) into equal sections, or at the listed indices.

    Raises:
        ShapeError: a 0-d input.
        InvalidParameterError: the dim's size is not divisible by the number of sections.
    """
    return _split_along("hsplit", input, 1, 0 if input.ndim == 1 else 1, indices_or_sections)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:  # noqa: A002
    """Split along dim 0 of an input with at least 2 dims; raises as :func:`hsplit`."""
    return _split_along("vsplit", input, 2, 0, indices_or_sections)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:  # noqa: A002
    """Split along dim 2 of an input with at least 3 dims; raises as :func:`hsplit`."""
    return _split_along("dsplit", input, 3, 2, indices_or_sections)


def block_diag(*tensors: Tensor) -> Tensor:
    """The blocks (0-d as 1 x 1, 1-D as one row) on the diagonal of a zero matrix, promoted dtype.

    Raises:
        ShapeError: a block has more than 2 dims.
    """
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise ShapeError("torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                             f"Input {i} has {t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    # PyTorch's result type of the tensors as given (a 0-d block counts only with a higher category)
    dtype = (operands_result_type([(t.dtype, t.ndim == 0) for t in tensors], []) if blocks
             else get_default_dtype())
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        before, after = np.zeros((r, left), dtype), np.zeros((r, width - left - c), dtype)
        rows.append(cat([from_numpy(before), b.astype(dtype), from_numpy(after)], 1))
        left += c
    if not rows:
        return from_numpy(np.zeros((1, 0), dtype))  # PyTorch: one empty row
    out = cat(rows, 0)
    return _named(out, out, "BlockDiagBackward0", out._ctx is not None)  # (PyTorch's one node)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """All combinations of one element from each 1-D tensor, as rows (N1 * N2 * ..., k); one tensor as is.

    Raises:
        ShapeError: an input is not 1-D.
        DTypeError: the inputs' dtypes differ (PyTorch's meshgrid rule).
    """
    for t in tensors:
        if t.ndim != 1:
            raise ShapeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len({t.dtype for t in tensors}) > 1:
        raise DTypeError("meshgrid expects all tensors to have the same dtype")
    if len(tensors) == 1:
        return tensors[0]
    grids = [g.reshape(-1) for g in _grids.meshgrid(*tensors, indexing="ij")]
    return stack(grids, 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """The length-``r`` combinations of a 1-D tensor's elements as rows (M, r), as ``itertools.combinations``.

    Rows come in lexicographic order of positions; ``with_replacement`` allows
    repeats (``itertools.combinations_with_replacement``). ``r = 0`` gives an
    empty 1-D tensor; no combinations, an empty (0, r) one. The rows index the
    input, so gradients sum back to the elements used.

    Raises:
        TypeError: ``input`` not a Tensor, ``r`` not an int, ``with_replacement`` not a bool.
        ShapeError: ``input`` is not 1-D.
        InvalidParameterError: ``r`` is negative.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"combinations(): argument 'input' must be Tensor, not {type(input).__name__}")
    r = _int("combinations()", "r", r)
    if not isinstance(with_replacement, bool):
        raise TypeError(f"combinations(): with_replacement must be a bool, got {with_replacement!r}")
    if input.ndim != 1:
        raise ShapeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise InvalidParameterError(f"combinations(): expect a non-negative number as r, but got {r}")
    if r == 0:
        return from_numpy(np.empty(0, dtype=input.dtype))
    # PyTorch's composition, so its graph (StackBackward0 of one MaskedSelectBackward0 per column): r
    # meshgrid copies of input, each keeping the grid points whose indices rise (or do not fall)
    n = input.shape[0]
    index = np.indices((n,) * r)
    rising = (index[:-1] <= index[1:]) if with_replacement else (index[:-1] < index[1:])
    keep = from_numpy(np.logical_and.reduce(rising, axis=0) if r > 1 else np.ones((n,), dtype=bool))
    return stack([g.masked_select(keep) for g in _grids.meshgrid(*([input] * r), indexing="ij")], 1)


@dim_aliases
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``chunks`` nearly equal pieces along ``dim``; see :meth:`Tensor.chunk`."""
    return input.chunk(chunks, dim)


@dim_aliases
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """The slices along ``dim``, each without that dim.

    Raises:
        IndexError: a 0-d input (PyTorch's words).
    """
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = norm_dim(dim, input.ndim)
    lead = (slice(None),) * d
    take, view = ops.GetItem.apply, input._view  # (input[lead + (i,)] without normalizing a valid index)
    pieces = tuple(_named(view(take(input, index=(*lead, i))), input, "UnbindBackward0")
                   for i in range(input.shape[d]))
    return multi_views(pieces, input, "Unbind")


@dim_aliases
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:  # noqa: A002
    """The slice [start, start + length) along ``dim`` (negative start counts from the end).

    ``start`` may be a 0-d integer tensor, as in PyTorch.

    Raises:
        DimensionError: ``start`` outside [-size, size] (PyTorch's IndexError).
        InvalidParameterError: a 0-d input, or start + length beyond the dim (PyTorch's RuntimeError).
    """
    if input.ndim == 0:
        raise InvalidParameterError("narrow() cannot be applied to a 0-dim tensor.")
    if isinstance(start, Tensor):
        if start.ndim or start.dtype.kind not in "iu":
            raise InvalidParameterError("start must be an 0-dim integral Tensor.")
        start = start.item()
    d = norm_dim(dim, input.ndim)
    n = input.shape[d]
    s = _int("narrow", "start", start)
    if not -n <= s <= n:
        raise DimensionError(f"start out of range (expected to be in range of [{-n}, {n}], but got {s})")
    s = s + n if s < 0 else s
    if length < 0:
        # (PyTorch's narrow and narrow_copy word it differently: both are here)
        raise InvalidParameterError(f"narrow(): length must be non-negative. (start ({s}) + length "
                                    f"({length}) exceeds dimension size ({n}).)")
    if s + length > n:
        raise InvalidParameterError(f"start ({s}) + length ({length}) exceeds dimension size ({n}). (narrow)")
    return input[(slice(None),) * d + (slice(s, s + length),)]


@dim_aliases
def select(input: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """The slice at ``index`` along ``dim``, without that dim."""
    d = norm_dim(dim, input.ndim)
    i = _int("select", "index", index)
    size = input.shape[d] if input.ndim else 1
    if not -size <= i < size:  # (PyTorch's words)
        raise DimensionError(f"select(): index {i} out of range for tensor of size {list(input.shape)} at "
                             f"dimension {d}")
    return input[(slice(None),) * d + (i,)]


def flip(input: Tensor, dims: Any) -> Tensor:  # noqa: A002
    """Reverse the order of elements along ``dims``; a copy, as PyTorch's (writes to it leave input alone)."""
    ds = _dims("flip", dims, input.ndim)
    if not ds or input.ndim == 0:
        return _named(clone(input), input, "FlipBackward0")
    reversed_ = tuple(slice(None, None, -1) if i in ds else slice(None) for i in range(input.ndim))
    flipped = clone(input[reversed_])
    return _named(flipped, input, "FlipBackward0")


def fliplr(input: Tensor) -> Tensor:  # noqa: A002
    """Reverse dim 1 (left-right)."""
    if input.ndim < 2:
        raise ShapeError(f"fliplr: Input must be >= 2-d. (got shape {input.shape})")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:  # noqa: A002
    """Reverse dim 0 (up-down)."""
    if input.ndim < 1:
        raise ShapeError("flipud: Input must be >= 1-d.")
    return flip(input, 0)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:  # noqa: A002
    """Shift elements cyclically by ``shifts`` along ``dims`` (the flattened tensor when dims is None).

    Always a new tensor, as PyTorch's, also when every shift is a multiple of the size.

    Raises:
        InvalidParameterError: the numbers of shifts and dims differ (one shift without dims).
    """
    shift_list = (shifts,) if int_argument(shifts) is not None else tuple(shifts)
    if dims is None:
        if len(shift_list) != 1:
            words = "`shifts` required" if not shift_list else "shifts and dimensions must align"
            raise InvalidParameterError(f"roll: {words}: {len(shift_list)} shifts without dims (one shift "
                                        "rolls the flattened tensor)")
        rolled = roll(input.reshape(-1), _int("roll", "shifts", shift_list[0]), 0).reshape(input.shape)
        return _named(rolled, input, "RollBackward0")
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dims} but tensor has no dimensions")
    dim_list = _dims("roll", dims, input.ndim, repeats=True)  # (a dim named twice rolls twice, as PyTorch)
    if len(shift_list) != len(dim_list):
        raise InvalidParameterError(f"shifts and dimensions must align. shifts: {len(shift_list)}, "
                                    f"dims:{len(dim_list)} (roll)")
    out = input
    for s, d in zip(shift_list, dim_list):
        n = out.shape[d]
        k = _int("roll", "shifts", s) % n if n else 0
        if k:
            lead = (slice(None),) * d
            out = cat([out[lead + (slice(n - k, None),)], out[lead + (slice(0, n - k),)]], d)  # noqa: RUF005
    return _named(clone(out) if out is input else out, input, "RollBackward0")


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first toward the second).

    Raises:
        InvalidParameterError: ``dims`` is not two distinct dims (PyTorch's RuntimeError).
        DimensionError: a dim out of range (PyTorch's IndexError).
    """
    if len(dims) != 2:
        raise InvalidParameterError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise InvalidParameterError(f"rot90: expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = _dims("rot90", dims, input.ndim, repeats=True)  # (PyTorch wraps first: IndexError out of range)
    if d0 == d1:
        raise InvalidParameterError(f"rot90: expected rotation dims to be different, but got dim0 = "
                                    f"{dims[0]} and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        out = flip(input, d1).transpose(d0, d1)
    elif k == 2:
        out = flip(input, (d0, d1))
    elif k == 3:
        out = flip(input, d0).transpose(d0, d1)
    else:
        out = clone(input)
    return _named(out, input, "Rot90Backward0")  # (PyTorch's one node)


def repeat(input: Tensor, *sizes: Any) -> Tensor:  # noqa: A002
    """Tile the tensor ``sizes[i]`` times along each dim (more sizes than dims add leading dims).

    A view expanded over new interleaved dims, then reshaped: the gradient sums the copies.
    Always a new tensor, as PyTorch's (also when every size is 1).

    Raises:
        ShapeError: fewer sizes than dims, or a negative size.
    """
    reps = shape_arg(sizes)
    if len(reps) < input.ndim:
        raise ShapeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                         f"of tensor (repeat: {len(reps)} repeat sizes for a tensor of {input.ndim} dims)")
    shape = (1,) * (len(reps) - input.ndim) + input.shape
    sizes_out = [r * s for r, s in zip(reps, shape)]
    if min(sizes_out, default=0) < 0:  # expand would read a -1 as "keep this size"
        bad = next(d for d in sizes_out if d < 0)
        raise ShapeError(f"Trying to create tensor with negative dimension {bad}: {sizes_out}")
    inter = [d for s in shape for d in (1, s)]
    target = [d for r, s in zip(reps, shape) for d in (r, s)]
    out = input.reshape(inter).expand(tuple(target)).reshape(tuple(sizes_out))
    # The final reshape copies unless the expanded dims merge into a view ([2].repeat(4, 4), every count 1),
    # which would share input's memory (and write every copy at once): PyTorch's repeat always copies.
    out = clone(out) if memory_owner(out._array) == memory_owner(input._array) else out
    return _named(out, input, "RepeatBackward0")


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:  # noqa: A002
    """``repeat``, padding ``dims`` with leading 1s when shorter than the tensor's dims."""
    reps = shape_arg(tuple(dims) if not isinstance(dims, (int, np.integer)) else (dims,))
    return repeat(input, (1,) * (input.ndim - len(reps)) + reps)


@dim_aliases
def repeat_interleave(input: Any, repeats: Any = None, dim: int | None = None, *,  # noqa: A002
                      output_size: int | None = None) -> Tensor:
    """Repeat each element (of the flattened tensor, or each slice along ``dim``) ``repeats`` times.

    ``repeat_interleave(counts)`` alone gives index i repeated counts[i] times.
    """
    if repeats is None:
        counts = input.numpy(force=True)
        return from_numpy(np.repeat(np.arange(counts.size, dtype=int64), counts))
    if dim is not None and input.ndim == 0:  # (PyTorch's IndexError; norm_dim takes dim 0 of a 0-d tensor)
        raise DimensionError(f"repeat_interleave: Dimension specified as {dim} but tensor has no dimensions")
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else norm_dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    r = repeats.numpy(force=True) if isinstance(repeats, Tensor) else np.asarray(repeats)
    if r.size not in (1, n) or (r.size and r.min() < 0):  # (PyTorch's words for each case)
        words = (f"repeats must have the same size as input along dim, but got repeats.size(0) = {r.size} "
                 f"and input.size(0) = {n}" if r.size not in (1, n) else "repeats can not be negative"
                 if isinstance(repeats, Tensor) else "Repeats must be non-negative")
        raise InvalidParameterError(f"{words} (repeat_interleave: repeats must be non-negative, one or {n} "
                                    "of them)")
    idx = np.repeat(np.arange(n), np.broadcast_to(r.reshape(-1), (n,)))
    out: Tensor = x.reshape(1)[idx] if x.ndim == 0 else x[(slice(None),) * d + (idx,)]
    # PyTorch expands an int count and reshapes (ViewBackward0), and index_selects by a tensor of counts
    return _named(out, input, "IndexSelectBackward0" if isinstance(repeats, Tensor) else "ViewBackward0")


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:  # noqa: A002
    """``input.expand(size)``."""
    return input.expand(shape_arg(tuple(size)))


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape the given shapes (ints count as 1-D shapes) broadcast to, as a ``Size``.

    Raises:
        ShapeError: shapes that do not broadcast (PyTorch's RuntimeError).
    """
    for s in shapes:  # (PyTorch's check: a shape is an int or a sequence, not a float or a tensor)
        if not isinstance(s, (int, np.integer, tuple, list, Size)):
            words = "Input shapes should be of type ints, a tuple of ints, or a list of ints"
            raise MinigradError(f"{words}, got {s}")
    given = [(s,) if isinstance(s, (int, np.integer)) else s for s in shapes]
    try:
        return Size(np.broadcast_shapes(*(tuple(s) for s in given)))
    except ValueError:
        raise ShapeError(_broadcast_mismatch(given)) from None


def _broadcast_mismatch(shapes: list[Any]) -> str:
    """PyTorch's message for shapes that do not broadcast: the first size, walking the shapes in order
    and each from its last dim, that differs from the common shape built so far (neither being 1)."""
    common = [1] * max(len(s) for s in shapes)
    for k, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if common[i] == 1:
                common[i] = shape[i]
            elif shape[i] not in (1, common[i]):
                return (f"Attempting to broadcast a dimension of length {shape[i]} at {i}! Mismatching "
                        f"argument at index {k} had {shape}; but expected shape should be broadcastable to "
                        f"{common}")
    return f"Shape mismatch: objects cannot be broadcast to a single shape {shapes}"  # (negative sizes)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common broadcast shape."""
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError as e:
        raise ShapeError(f"broadcast_tensors: shapes {[t.shape for t in tensors]} do not broadcast") from e
    return tuple(t.expand(tuple(shape)) for t in tensors)


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:  # noqa: A002
    """``input.reshape(shape)``."""
    return input.reshape(tuple(shape))


def t(input: Tensor) -> Tensor:  # noqa: A002
    """The transpose of a matrix; a 0-d or 1-D tensor's values unchanged, in a new view (TBackward0, as
    PyTorch's: not the tensor itself, so ``x.t()`` of a leaf is no leaf).

    Raises:
        ShapeError: more than 2 dims.
    """
    if input.ndim > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D (got shape "
                         f"{input.shape})")
    if input.ndim == 2:
        return input.transpose(0, 1, "T")
    return input._view(ops.Permute.apply(input, dims=tuple(range(input.ndim)), kind="T"))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:  # noqa: A002
    """Swap two dims."""
    return input.transpose(dim0, dim1)


swapdims = transpose


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:  # noqa: A002
    """Swap two dims: ``transpose`` under numpy's argument names (keras calls ``torch.swapaxes(x, axis0=,
    axis1=)``)."""
    return input.transpose(axis0, axis1)


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:  # noqa: A002
    """Reorder the dims."""
    return input.permute(tuple(dims))


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:  # noqa: A002
    """Move dims ``source`` to positions ``destination``; the others keep their order.

    Raises:
        InvalidParameterError: source and destination differ in length.
    """
    given = [[d] if isinstance(d, (int, np.integer)) else list(d) for d in (source, destination)]
    if len(given[0]) != len(given[1]):  # (checked first, the dims as given: PyTorch's words)
        raise InvalidParameterError(f"movedim: Invalid source or destination dims: source ({given[0]} "
                                    "dims) should contain the same number of dims as destination "
                                    f"({given[1]} dims)")
    src = _dims("movedim", source, input.ndim, "source")
    dst = _dims("movedim", destination, input.ndim, "destination")
    if input.ndim == 0:  # (dims 0 and -1 only, checked above: nothing moves)
        return input
    order = [-1] * input.ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(input.ndim) if i not in src)
    order = [o if o >= 0 else next(rest) for o in order]
    return input.permute(tuple(order))  # (nothing moved: still a new view, as PyTorch's)


moveaxis = movedim


@dim_aliases
def squeeze(input: Tensor, dim: Any = None) -> Tensor:  # noqa: A002
    """Remove size-1 dims (all, or those in ``dim``)."""
    return input.squeeze(dim)


@dim_aliases
def unsqueeze(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """Insert a size-1 dim at ``dim``."""
    return input.unsqueeze(dim)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:  # noqa: A002
    """Merge dims start_dim..end_dim into one."""
    return input.flatten(start_dim, end_dim)


def ravel(input: Tensor) -> Tensor:  # noqa: A002
    """The elements as a 1-D tensor: a view of a contiguous input, else of a contiguous copy (PyTorch's
    contiguous().view(-1): unlike reshape, never a strided view of a non-contiguous input)."""
    return input.contiguous().view(-1)


@dim_aliases
def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:  # noqa: A002
    """Split dim ``dim`` into ``sizes`` (one may be -1).

    Raises:
        MinigradError: the sizes do not multiply to the dim's size, or a 0-d input (PyTorch's RuntimeError).
    """
    d = norm_dim(dim, input.ndim)
    if input.ndim == 0:  # (norm_dim takes dim 0 of a 0-d tensor; it has no size to split)
        raise MinigradError(f"unflatten got an unexpected error: Dimension specified as {dim} but tensor has "
                            "no dimensions")
    parts = shape_arg(tuple(sizes))
    n = input.shape[d]
    known = math.prod(s for s in parts if s != -1)
    if not parts:
        raise MinigradError("unflatten: sizes must be non-empty")
    if sum(s == -1 for s in parts) > 1:
        raise MinigradError("unflatten got an unexpected error: only one dimension can be inferred")
    if any(s < -1 for s in parts):
        raise MinigradError(f"unflatten: invalid sizes {list(parts)}")
    if -1 in parts:
        if known == 0 or n % known:
            raise MinigradError(f"unflatten: Provided sizes {list(parts)} don't multiply up to the size of "
                                f"dim {dim} ({n}) in the input tensor")
        parts = tuple(n // known if s == -1 else s for s in parts)
    elif known != n:  # (PyTorch's words)
        raise MinigradError(f"unflatten: Provided sizes {list(parts)} don't multiply up to the size of dim "
                            f"{dim} ({n}) in the input tensor")
    return input.view(input.shape[:d] + parts + input.shape[d + 1 :])  # (a view: ViewBackward0, as PyTorch's)


def contiguous(input: Tensor, memory_format: Any = contiguous_format) -> Tensor:  # noqa: A002
    """``input`` if its memory is laid out as ``memory_format`` says, else such a copy (in the graph).

    Raises:
        TypeError: ``memory_format`` is not a memory format (None included, as PyTorch).
        MinigradError: ``preserve_format`` for a tensor that is not contiguous, or
            ``channels_last`` for one that is not 4-D (as PyTorch).
    """
    fmt = check_format(memory_format, "contiguous", optional=False)
    if is_laid_out(input.numpy(force=True), fmt):
        return input
    if fmt is preserve_format:
        raise MinigradError("preserve memory format is unsupported by the contiguous operator")
    return ops.Contiguous.apply(input, memory_format=fmt)


def clone(input: Tensor, *, memory_format: Any = preserve_format) -> Tensor:  # noqa: A002
    """A copy with its own memory laid out as ``memory_format`` says, in the graph (gradient: unchanged).

    Raises:
        TypeError: ``memory_format`` is not a memory format.
        MinigradError: ``channels_last`` for a tensor that is not 4-D.
    """
    return ops.Contiguous.apply(input, memory_format=check_format(memory_format, "clone"))


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
