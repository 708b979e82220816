"""Selecting and placing elements by index, as PyTorch spells it: ``index_select``, ``take``,
``masked_select``, ``scatter``, ``index_add``, ``nonzero``, ...

Everything differentiable here is a composition of two primitives of
``minigrad/ops.py``: ``GetItem`` (select by a numpy index) and its adjoint
``IndexAdd`` (add into zeros at an index), joined by ``where``. The index
arrays are computed with numpy and enter the graph as constants, like
PyTorch's integer index tensors. ``gather`` and ``scatter_add`` themselves are
in ``selection.py``, on their own primitives.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._tensor_methods import dim_aliases, provide
from minigrad.dtypes import kernel_error, scalar_type_name
from minigrad.errors import (
    DimensionError,
    DTypeError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    _MaskDTypeError,
    _ShapeIndexError,
    bool_args,
    user_stacklevel,
)
from minigrad.selection import _not_a_list, gather
from minigrad.settings import warn_once_due
from minigrad.shapes import check_broadcast, index_error, norm_dim
from minigrad.tensor import Array, Tensor, _fill_scalar, _named, from_numpy, int64, mask_type_error, where

__all__ = [
    "argwhere", "index_add", "index_copy", "index_fill", "index_put", "index_select", "masked_fill",
    "masked_scatter", "masked_select", "nonzero", "nonzero_static", "scatter", "scatter_reduce", "take",
    "take_along_dim", "unravel_index",
]  # fmt: skip


# PyTorch's words for an index of the wrong dtype, by op ({} its scalar type name)
_INDEX_DTYPE_WORDS = {
    "scatter": "scatter(): Expected dtype int32/int64 for index",
    "index_fill": "index_fill_(): Expected dtype int64 for index.",
    "index_select": "index_select(): Expected dtype int32 or int64 for index",
    "index_add": "index_add_(): Expected dtype int32/int64 for index but got: {}",
    "index_copy": "index_copy_(): Expected a long tensor for index, but got {}",
    "take": "take(): Expected a long tensor for index, but got {}",
}  # fmt: skip


def _index_array(index: Any, what: str) -> Array:
    a = index.numpy(force=True) if isinstance(index, Tensor) else np.asarray(_not_a_list(index, what))
    if a.dtype.kind not in "iu":
        # (PyTorch's RuntimeError; also the TypeError minigrad raised first)
        words = _INDEX_DTYPE_WORDS.get("scatter" if what.startswith("scatter") else what)
        detail = f"{what}: the index must be an integer tensor, got {a.dtype}"
        raise _MaskDTypeError(f"{words.format(scalar_type_name(a.dtype))} ({detail})" if words else detail)
    return a.astype(np.int64, copy=False)


def _dim_index(fn: str, input: Tensor, d: int, index: Any, negative: bool = False) -> Array:  # noqa: A002
    """``index`` flattened, checked against the size of dim ``d`` (negative entries only if ``negative``).

    Raises:
        DimensionError: an entry out of range, as PyTorch's IndexError.
    """
    idx = _index_array(index, fn).reshape(-1)
    size = input.shape[d] if input.ndim else 1
    low = -size if negative else 0
    bad = idx[(idx < low) | (idx >= size)]
    if bad.size:
        words = f"index {int(bad[0])} is out of bounds for dimension {d} with size {size}"  # (PyTorch's)
        raise DimensionError(f"index_copy_(): {words}" if fn == "index_copy" else f"{words} ({fn})")
    return idx


def _one(source: Tensor, fn: str) -> Tensor:
    """The 0-d ``source`` of an index op on a 0-d tensor, as one element."""
    if source.ndim != 0:
        raise ShapeError(f"{fn}: source must be 0-d like the tensor, got shape {source.shape}")
    return source.reshape(1)


def along(shape: tuple[int, ...], index: Array, dim: int) -> tuple[Array, ...]:
    """The numpy index selecting ``index[i, j, ...]`` along ``dim`` at every other position.

    ``x[along(x.shape, idx, d)]`` is ``torch.gather(x, d, idx)``: the result has
    idx's shape, and idx may be smaller than x in the other dims.
    """
    mesh = list(np.ogrid[tuple(slice(0, n) for n in index.shape)]) if index.ndim else []
    mesh[dim] = index
    return tuple(mesh)


def _checked_along(fn: str, x: Tensor, dim: int, index: Any) -> tuple[int, Array]:
    d = norm_dim(dim, x.ndim)
    idx = _index_array(index, fn)
    if idx.size == 0:  # PyTorch checks no shapes for an empty index: nothing is scattered
        return d, np.zeros((0,) * max(x.ndim, 1), dtype=np.int64)
    if idx.ndim != max(x.ndim, 1) and not (x.ndim == 0 and idx.ndim <= 1):
        raise ShapeError(f"Index tensor must have the same number of dimensions as self tensor ({fn}: index "
                         f"has {idx.ndim} dims but the tensor has {x.ndim}, shape {x.shape})")
    if x.ndim == 0:
        idx = idx.reshape(())
    for i, (n, m) in enumerate(zip(idx.shape, x.shape)):
        if i != d and n > m:
            raise ShapeError(f"Expected index {list(idx.shape)} to be no larger than self {list(x.shape)} "
                             f"apart from dimension {d} ({fn})")
    size = x.shape[d] if x.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= size):  # (PyTorch's scatters take no negative index)
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise DimensionError(f"index {bad} is out of bounds for dimension {dim} with size {size} ({fn})")
    return d, idx


@dim_aliases
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """Values of ``input`` at ``indices`` along ``dim`` (flattened if dim is None); negative indices count
    from the end along a ``dim``.

    Raises:
        DTypeError: ``indices`` is not int64 (PyTorch's error).
        DimensionError: without ``dim``, a negative index or one past the end (PyTorch's RuntimeError).
        ShapeError: ``indices`` has another number of dims than ``input``.
    """
    got = indices.dtype if isinstance(indices, Tensor) else np.asarray(indices).dtype
    if got != int64:
        raise DTypeError(f"torch.take_along_dim(): dtype of indices should be Long but got {got}")
    if dim is not None and np.ndim(indices) != input.ndim:
        raise ShapeError(f"torch.take_along_dim(): input and indices should have the same number of "
                         f"dimensions, but got {input.ndim} dimensions for input, and {np.ndim(indices)} "
                         "dimensions for indices")
    if dim is None:  # (PyTorch gathers from the flattened input: GatherBackward0, no negative index)
        flat = _index_array(indices, "take_along_dim").reshape(-1)
        if flat.size and flat.min() < 0:
            raise DimensionError(f"index {int(flat[flat < 0][0])} is out of bounds for dimension 0 with size "
                                 f"{input.numel()}")
        return _named(input.reshape(-1)[flat], input, "GatherBackward0")
    d = norm_dim(dim, input.ndim)
    idx = _index_array(indices, "take_along_dim")
    size = input.shape[d]
    idx = np.where((idx < 0) & (idx >= -size), idx + size, idx)  # negative indices count from the end
    shape = list(check_broadcast("take_along_dim",
                                 tuple(1 if i == d else s for i, s in enumerate(input.shape)),
                                 tuple(1 if i == d else s for i, s in enumerate(idx.shape))))
    x = input.expand([input.shape[d] if i == d else s for i, s in enumerate(shape)])
    shape[d] = idx.shape[d]
    return gather(x, d, np.broadcast_to(idx, shape))


def put(x: Tensor, index: tuple[Any, ...], value: Tensor) -> Tensor:
    """x with ``x[index] = value`` (numpy index; value broadcast), differentiable in x and value.

    Where an advanced index repeats an element, the last value wins (numpy's
    assignment order; PyTorch leaves the choice undefined); every repeat gets the gradient.
    """
    xs = x.numpy(force=True)
    target = xs[index].shape
    v = value if value.dtype == x.dtype else value.astype(x.dtype)
    while v.ndim > len(target) and v.shape[0] == 1:  # x[0] = v of shape (1, n), as PyTorch allows
        v = v.reshape(v.shape[1:])
    try:
        v = v.expand(tuple(target)) if v.shape != target else v
    except ShapeError:
        raise ShapeError(f"shape mismatch: value of shape {value.shape} cannot be broadcast to the "
                         f"indexing result of shape {target}") from None
    return ops.IndexPut.apply(x, v, index=index)


def scatter_values(x: Tensor, dim: int, index: Any, src: Any, fn: str = "scatter") -> Tensor:
    """``torch.scatter``: x with x[i][index[i][j]] = src[i][j] for dim 1 (src a tensor or a number)."""
    norm_dim(dim, x.ndim)  # (a dim out of range first: PyTorch's IndexError)
    _same_dtype(fn, x, src)
    if x.ndim == 0:  # a 0-d tensor is scattered into as one element
        norm_dim(dim, 0)
        one = _index_array(index, fn).reshape(-1)
        return scatter_values(x.reshape(1), 0, one, src.reshape(1) if isinstance(src, Tensor) else src,
                              fn).reshape(())
    arr = _index_array(index, fn)
    if isinstance(src, Tensor) and arr.size and arr.ndim == x.ndim != src.ndim:  # (before the bounds)
        if 0 < src.ndim < arr.ndim:  # (PyTorch reads src's size along the missing dims: its IndexError)
            raise DimensionError(f"Dimension out of range (expected to be in range of [-{src.ndim}, "
                                 f"{src.ndim - 1}], but got {src.ndim}) ({fn}: src shape {src.shape}, index "
                                 f"{arr.ndim} dims)")
        raise ShapeError(f"Index tensor must have the same number of dimensions as src tensor ({fn}: src "
                         f"shape {src.shape}, self {x.shape})")
    d, idx = _checked_along(fn, x, dim, index)
    if idx.size == 0 and not (isinstance(src, Tensor) and src.requires_grad and src.ndim == idx.ndim):
        return x.clone()  # (else src, written nowhere, still gets its zero gradient below)
    if isinstance(src, Tensor):
        if src.ndim != idx.ndim or any(n > m for n, m in zip(idx.shape, src.shape)):
            raise ShapeError(f"{fn}: index shape {idx.shape} does not fit src shape {src.shape}")
        value = src[tuple(slice(0, n) for n in idx.shape)]
    else:  # (a number as PyTorch converts it: -3 into uint8 is 253, 300 overflows)
        value = from_numpy(np.asarray(_fill_scalar(src, x.dtype, f"{fn}: value"), dtype=x.dtype))
    return put(x, along(x.shape, idx, d), value)


def _same_dtype(fn: str, x: Tensor, src: Any) -> None:
    if isinstance(src, Tensor) and src.dtype != x.dtype:
        raise MinigradError(f"{fn}(): Expected self.dtype to be equal to src.dtype ({x.dtype} and "
                            f"{src.dtype})")


_REDUCE_PAD = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "amax": -np.inf, "amin": np.inf}


# the composed op's last node is a reshape or where: shown under PyTorch's name for the whole op
_SCATTER_REDUCE = "ScatterReduceBackward0"


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,  # noqa: A002
                   include_self: bool = True) -> Tensor:
    """Reduce ``src`` into ``input`` at ``index`` along ``dim`` with 'sum', 'prod', 'mean', 'amax' or 'amin'.

    Each destination gathers its contributions (and its own value if
    ``include_self``) into a padded row; the row is reduced with the
    ordinary differentiable reduction, so gradients are those of sum, prod,
    mean or amax (shared evenly among ties; without ``include_self`` the
    input's own value still takes a share when it ties, which is dropped, as
    PyTorch's). A destination nothing is scattered to keeps its value.

    Raises:
        InvalidParameterError: an unknown ``reduce``.
        MinigradError: ``src`` has another dtype than ``input`` (PyTorch's RuntimeError).
        UnsupportedError: 'mean' of a bool input (PyTorch's NotImplementedError).
    """
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # (PyTorch takes these names too, unlisted)
    if reduce not in _REDUCE_PAD:
        raise InvalidParameterError(  # (PyTorch's words: scripts print them)
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    norm_dim(dim, input.ndim)  # (a dim out of range first: PyTorch's IndexError)
    _same_dtype("scatter_reduce", input, src)
    if reduce == "mean" and input.dtype == np.bool_:  # (PyTorch has no kernel, even for an empty index)
        raise kernel_error("scatter_gather_tensor_cpu_reduce_mean", input.dtype, "")
    d, idx = _checked_along("scatter_reduce", input, dim, index)
    if idx.size == 0 and not (src.requires_grad and src.ndim == idx.ndim):
        return _named(input.clone(), input, _SCATTER_REDUCE)
    part = src[tuple(slice(0, n) for n in idx.shape)]
    if idx.size == 0:  # nothing reduced into input; src still gets its (zero) gradient, as in PyTorch
        empty = (np.zeros(0, dtype=np.int64),)
        out = ops.IndexAddInto.apply(input.reshape(-1), part.reshape(-1), index=empty, label=_SCATTER_REDUCE)
        return _named(out.reshape(input.shape), input, _SCATTER_REDUCE)
    dest = np.ravel_multi_index(along(input.shape, idx, d), input.shape).reshape(-1) if input.ndim else \
        np.zeros(idx.size, dtype=np.int64)
    n_dest = input.numel()
    counts = np.bincount(dest, minlength=n_dest)
    if reduce in ("sum", "mean") and input.dtype.kind == "f":
        # one value after another onto the start, as PyTorch (a padded row's numpy sum is pairwise)
        flat, touched = input.reshape(-1), from_numpy(counts > 0)
        start = flat if include_self else where(touched, from_numpy(np.zeros((), input.dtype)), flat)
        total = ops.IndexAddInto.apply(start, part.reshape(-1).astype(input.dtype), index=(dest,),
                                       label="ScatterReduceBackward0")
        if reduce == "mean":
            total = where(touched, total / from_numpy(np.maximum(counts + int(include_self), 1).astype(
                input.dtype)), flat)
        return _named(total.reshape(input.shape), input, _SCATTER_REDUCE)
    order = np.argsort(dest, kind="stable")
    width = int(counts.max()) if counts.size else 0
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    slot = np.arange(dest.size) - starts[dest[order]]
    pad_at = dest.size  # the pad value sits after the contributions in the value vector
    table = np.full((n_dest, width), pad_at, dtype=np.int64)
    table[dest[order], slot] = order
    pad_value: Any = _REDUCE_PAD[reduce]
    if input.dtype.kind in "iub" and reduce in ("amax", "amin"):  # an int has no infinity: its extremes
        info = np.iinfo(input.dtype) if input.dtype.kind != "b" else None
        pad_value = (info.min if reduce == "amax" else info.max) if info else reduce == "amin"
    pad = from_numpy(np.full(1, pad_value, dtype=input.dtype))
    values = ops.Cat.apply(part.reshape(-1).astype(input.dtype), pad, dim=0)[table]
    flat_self = input.reshape(n_dest, 1)
    if include_self:
        values = ops.Cat.apply(flat_self, values, dim=1)
    elif reduce in ("amax", "amin") and input.dtype.kind == "f":
        # PyTorch's gradient shares a tie with the input's own value even without include_self (and then
        # drops the input's share): a constant copy of it joins the row where it equals the others' extreme
        others = values.numpy(force=True)
        best = others.max(1) if reduce == "amax" else others.min(1)
        own = flat_self.numpy(force=True)[:, 0]
        values = ops.Cat.apply(from_numpy(np.where(own == best, own, pad_value).astype(input.dtype)[:, None]),
                               values, dim=1)
    if reduce == "sum":
        out = values.sum(1)
    elif reduce == "prod":
        out = values.prod(1)
    elif reduce == "amax":
        out = values.amax(1)
    elif reduce == "amin":
        out = values.amin(1)
    else:
        n = np.maximum(counts + int(include_self), 1)
        if input.dtype.kind != "f":  # PyTorch's sum in the tensor's own dtype (wrapping), floor-divided (a
            # float32 quotient rounded past 2**24)
            total = values.numpy(force=True).sum(1, dtype=input.dtype if input.dtype.kind in "iu" else None)
            out = from_numpy(np.floor_divide(total, n).astype(input.dtype))
        else:
            out = values.sum(1) / from_numpy(n.astype(input.dtype))
    if out.dtype != input.dtype:  # a bool sum is an any, a bool product an all, as in PyTorch
        out = out.astype(input.dtype)
    touched = from_numpy(counts > 0)
    return _named(where(touched, out, flat_self.reshape(-1)).reshape(input.shape), input, _SCATTER_REDUCE)


@dim_aliases
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:  # noqa: A002
    """The entries at ``index`` (1-D) along ``dim``; differentiable in input.

    Raises:
        DimensionError: an index out of range, any index into an empty dim, or ``index`` has more than
            one dim (PyTorch's messages).
        ShapeError: more than one index into a 0-d ``input``.
    """
    d = norm_dim(dim, input.ndim)
    idx = _index_array(index, "index_select")
    if idx.ndim > 1:  # (PyTorch's IndexError)
        raise DimensionError(f"index_select(): Index is supposed to be a vector (got shape {idx.shape})")
    if input.ndim and input.shape[d] == 0 and idx.size:
        raise DimensionError("index_select(): self indexing axis dim should be positive")
    if input.ndim == 0 and idx.size != 1:
        raise ShapeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
    try:
        _dim_index("index_select", input, d, idx)
    except DimensionError as e:
        if input.ndim >= 2 and d == 1:  # (PyTorch's kernel along dim 1 words it so)
            bad = int(idx[(idx < 0) | (idx >= input.shape[d])].flat[0])
            raise DimensionError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={input.shape[d]} "
                                 f"({e})") from None
        raise DimensionError(f"index out of range in self ({e})") from None
    if input.ndim == 0:
        return input.reshape(1)[idx.reshape(-1)].reshape(())
    return _named(input[(slice(None),) * d + (idx.reshape(-1),)], input, "IndexSelectBackward0")


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """input with alpha * source[..., i, ...] added at input[..., index[i], ...] along ``dim``."""
    _same_dtype("index_add", input, source)
    d = norm_dim(dim, input.ndim)
    if input.ndim == 0:  # a 0-d tensor is indexed as one element
        return index_add(input.reshape(1), d, index, _one(source, "index_add"), alpha=alpha).reshape(())
    idx = _dim_index("index_add", input, d, index)
    if input.dtype.kind in "iu":  # (PyTorch converts alpha to the int type: -1.5 overflows uint8)
        _fill_scalar(alpha, input.dtype, "index_add: alpha")
        alpha = int(alpha) if isinstance(alpha, float) else alpha
    src = source if source.dtype == input.dtype else source.astype(input.dtype)
    # alpha inside the op: float32 steps are PyTorch's fused multiply-adds (alpha * source rounded first
    # overflowed to inf where PyTorch's running sum stays finite, and differed in the last bit); PyTorch's
    # kernel for a 1-D (or 0-d) input rounds alpha * source first, so it overflows there
    fused = (input.dtype == np.float32 and input.ndim > 1 and isinstance(alpha, (int, float))
             and not isinstance(alpha, bool))
    if alpha != 1 and not fused:
        src = src * alpha
    at = (slice(None),) * d + (idx,)
    expected = input.numpy(force=True)[at].shape
    if src.shape != expected:
        raise ShapeError(f"source tensor shape must match self tensor shape, excluding the specified "
                         f"dimension. Got self.shape = {list(input.shape)} source.shape = "
                         f"{list(source.shape)} (index_add: expected {expected})")
    return ops.IndexAddInto.apply(input, src, index=at, label="IndexAddBackward0",
                                  alpha=float(alpha) if fused else 1.0)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """input with input[..., index[i], ...] = source[..., i, ...] along ``dim``.

    Raises:
        DTypeError: source of another dtype than input's (PyTorch's RuntimeError).
        ShapeError: source's slices beside ``dim`` differ from input's; as PyTorch's IndexError too, an
            index with 2 or more dims, or a number of indices other than ``source.size(dim)``.
    """
    d = norm_dim(dim, input.ndim)
    _check_copy_shapes(input, d, index, source)
    if input.ndim == 0:  # PyTorch copies a one-element 1-D source into a 0-d tensor too
        one = source.reshape(()) if source.shape == (1,) else source
        return index_copy(input.reshape(1), d, index, _one(one, "index_copy")).reshape(())
    idx = _dim_index("index_copy", input, d, index)
    return put(input, (slice(None),) * d + (idx,), source)


def _check_copy_shapes(input: Tensor, d: int, index: Any, source: Tensor) -> None:  # noqa: A002
    """PyTorch's index_copy_ checks of the index's and source's shapes, in its order and words."""
    n_dims, n = (index.ndim, index.numel()) if isinstance(index, Tensor) else (np.ndim(index), np.size(index))
    if n_dims > 1:
        raise _ShapeIndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {n_dims})")
    if source.ndim == 0 and n != 1:
        raise _ShapeIndexError(f"index_copy_(): When source is scalar, index should have one element "
                               f"(got {n})")
    if source.ndim != input.ndim and source.ndim and input.ndim:
        raise _ShapeIndexError(f"index_copy_(): When source and destination are not scalars, their "
                               f"dimensionality must match. Source dimensionality ({source.ndim}), "
                               f"destination dimensionality ({input.ndim})")
    if source.dtype != input.dtype:
        raise DTypeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                         f"{scalar_type_name(input.dtype)} and (source) {scalar_type_name(source.dtype)}")
    mine = [s for i, s in enumerate(input.shape) if i != d]
    theirs = [s for i, s in enumerate(source.shape) if i != d]
    if mine != theirs:
        raise ShapeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                         f"slice shape: {', '.join(map(str, mine))} at dimension {d} and source slice shape: "
                         f"{', '.join(map(str, theirs))} at dimension 0.")
    if source.ndim and n != source.shape[d]:
        raise _ShapeIndexError(f"index_copy_(): Number of indices ({n}) should be equal to source.size(dim) "
                               f"({source.shape[d]})")


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:  # noqa: A002
    """input with the entries at ``index`` along ``dim`` set to ``value`` (a number or 0-d tensor)."""
    d = norm_dim(dim, input.ndim)
    if input.ndim == 0:
        return index_fill(input.reshape(1), d, index, value).reshape(())
    idx = _dim_index("index_fill", input, d, index, negative=True)
    if isinstance(value, Tensor) and idx.size > 1:  # each position once: a repeat adds no gradient to value
        idx = np.unique(idx % input.shape[d])
    v = value if isinstance(value, Tensor) else from_numpy(np.asarray(_fill_scalar(value, input.dtype,
                                                                                  "index_fill: value")))
    # (PyTorch's own op: IndexFillBackward0 for a number, IndexFillBackward1 for a tensor value)
    name = "IndexFillBackward1" if isinstance(value, Tensor) else "IndexFillBackward0"
    return _named(put(input, (slice(None),) * d + (idx,), v), input, name)


def check_put_dtype(index: Any, value: Tensor, dtype: np.dtype[Any], accumulate: bool = False,
                     shape: tuple[int, ...] | None = None, python_index: bool = True) -> None:
    """PyTorch's index_put_ takes a value of the tensor's own dtype only: an index holding integer arrays
    (tensors or lists of ints) or more than one bool mask refuses another dtype, as one mask does unless the
    value has one element and nothing accumulates (then it fills, checking the value fits). Ints, slices and
    0-d integer tensors alone copy the value, converting it. ``python_index`` (``t[index] = value``): a bool
    inside a tuple and a 0-d bool tensor are integer arrays (PyTorch indexes with arange(1) or an empty
    one); else (index_put_) a 0-d integer tensor is one too. ``shape`` given: an index PyTorch refuses before
    reading dtypes (arrays that do not broadcast, an index into an empty dim) raises its IndexError first.

    Raises:
        DTypeError: the value's dtype differs where PyTorch refuses it (its RuntimeError).
        InvalidParameterError: a filling value that overflows ``dtype`` (PyTorch's RuntimeError).
        DimensionError: (with ``shape``) the index does not fit, as PyTorch finds first (its IndexError).
    """
    ints, masks = False, 0
    in_tuple = type(index) is tuple
    for part in index if in_tuple else (index,):
        if isinstance(part, Tensor):
            part = part._array
        elif isinstance(part, list):  # (an empty list is an empty int64 index, as in PyTorch)
            part = np.asarray(part) if part else np.zeros(0, dtype=np.int64)
        elif python_index and in_tuple and isinstance(part, bool):
            ints = True
        if isinstance(part, np.ndarray):
            if part.ndim == 0 and python_index and part.dtype in (np.bool_, np.uint8):
                ints = True
            elif part.dtype == np.bool_:
                masks += 1
            elif part.dtype.kind in "iu" and (part.ndim or not python_index):
                ints = True
    if ints or (masks and (masks > 1 or accumulate or value._array.size != 1)):
        if shape is not None:
            _index_fits(index, shape)
        raise DTypeError(
            "Index put requires the source and destination dtypes match, got "
            f"{scalar_type_name(dtype)} for the destination and {scalar_type_name(value._array.dtype)} for "
            "the source."
        )
    if masks:
        _fill_scalar(value, dtype, "setitem: value", True)  # (PyTorch's masked_fill_ reads it as a number)


def _index_fits(index: Any, shape: tuple[int, ...]) -> None:
    """PyTorch's index checks that come before index_put_'s dtype check: ints out of range, masks of the
    wrong shape, index arrays that do not broadcast together, an index into an empty dim (an array's
    out-of-range entry in a non-empty dim is found later, so it passes here)."""
    from minigrad.tensor import _index

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idx = _index(index, shape)
    probe = np.broadcast_to(np.zeros((), np.bool_), shape)
    try:  # (ints, 0-d integer tensors among them, are selected first: any out of range raises first)
        probe[tuple(np.zeros_like(i) if type(i) is np.ndarray else i for i in idx)]
    except IndexError as e:
        raise index_error(index, shape, e) from None
    try:
        probe[idx]
    except IndexError as e:
        if "shape mismatch" in str(e) or "with size 0" in str(e) or "too many indices" in str(e):
            raise index_error(index, shape, e) from None


def index_put(input: Tensor, indices: tuple[Any, ...], values: Tensor,  # noqa: A002
              accumulate: bool = False) -> Tensor:
    """input with input[indices] = values (or += with ``accumulate``, repeats adding up).

    Raises:
        MinigradError: no indices (PyTorch's RuntimeError).
        DTypeError: values of another dtype than input's, but for one bool mask and a one-element value
            without ``accumulate`` (PyTorch's masked_fill path) (PyTorch's RuntimeError).
    """
    from minigrad.tensor import _index

    if not len(indices):  # (PyTorch's kernel fails on an empty list: masked_fill_ with no mask, or an assert)
        raise MinigradError("index_put_: expected at least one index tensor, got an empty tuple")
    if values.dtype != input.dtype:
        check_put_dtype(tuple(indices), values, input.dtype, accumulate, input.shape, python_index=False)
    idx = _index(tuple(indices), input.shape)
    try:
        if not accumulate:
            return put(input, idx, values)
        target = input.numpy(force=True)[idx].shape
    except IndexError as e:
        if isinstance(e, DimensionError):
            raise
        raise DimensionError(str(e).replace(" for axis ", " for dimension ")) from None  # (PyTorch's word)
    v = values.astype(input.dtype) if values.dtype != input.dtype else values
    return ops.IndexAddInto.apply(input, v.expand(tuple(target)) if v.shape != target else v, index=idx,
                                  label="IndexPutBackward0")


def take(input: Tensor, index: Tensor) -> Tensor:  # noqa: A002
    """Elements of the flattened input at ``index`` (negative counts from the end); index's shape."""
    idx = _index_array(index, "take")
    n = input.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx[(idx < -n) | (idx >= n)].flat[0])
        raise DimensionError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return _named(input.reshape(-1)[idx], input, "TakeBackward0")


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:  # noqa: A002
    """input with ``value`` where ``mask`` (broadcast) is True."""
    if not isinstance(mask, (Tensor, np.ndarray)):
        raise mask_type_error("masked_fill", mask, value, function=True)
    return input.masked_fill(mask, value)


def _bool_mask(mask: Any, fn: str) -> Array:
    m = mask.numpy(force=True) if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise _MaskDTypeError(f"{fn}: expected BoolTensor for mask")
    return m


def masked_select(input: Tensor, mask: Tensor) -> Tensor:  # noqa: A002
    """The elements where ``mask`` is True, input and mask broadcast together, as a 1-D tensor."""
    m = _bool_mask(mask, "masked_select")
    try:
        shape = np.broadcast_shapes(input.shape, m.shape)
    except ValueError:
        raise ShapeError(f"masked_select: mask of shape {m.shape} does not broadcast with shape "
                         f"{input.shape}") \
            from None
    x = input.expand(tuple(shape)) if input.shape != shape else input
    if not shape:  # numpy has no nonzero() of a 0-d array
        return x.reshape(1)[m.reshape(1).nonzero()]
    return _named(x[np.broadcast_to(m, shape).nonzero()], input, "MaskedSelectBackward0")


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """input with its True-mask positions (in order) filled from source's first elements.

    input and mask broadcast together, as in PyTorch's out-of-place form.

    Raises:
        DTypeError: a mask that is not bool (PyTorch's RuntimeError).
        ShapeError: source has fewer elements than the mask has True entries.
    """
    mask_array = mask.numpy(force=True) if isinstance(mask, Tensor) else np.asarray(mask)
    # PyTorch's order: the shapes broadcast, source has input's dtype, the mask is bool
    shape = check_broadcast("masked_scatter", tuple(input.shape), mask_array.shape)
    if isinstance(source, Tensor) and source.dtype != input.dtype:  # (no promotion: PyTorch's words)
        raise DTypeError(f"masked_scatter: expected self and source to have same dtypes but got"
                         f"{scalar_type_name(input.dtype)} and {scalar_type_name(source.dtype)}")
    if mask_array.dtype != np.bool_:
        raise DTypeError("masked_scatter_ only supports boolean masks, but got mask with dtype "
                         f"{mask_array.dtype}")
    if not shape:  # 0-d: as one element (numpy's nonzero refuses 0-d arrays)
        return masked_scatter(input.reshape(1), from_numpy(mask_array.reshape(1)), source).reshape(())
    m = np.broadcast_to(mask_array, shape)
    input = input if input.shape == shape else input.expand(tuple(shape))  # noqa: A001
    k = int(m.sum())
    if source.numel() < k:
        raise ShapeError(f"masked_scatter: source has {source.numel()} elements, the mask selects {k}")
    return _named(put(input, m.nonzero(), source.reshape(-1)[:k]), input, "MaskedScatterBackward0")


@bool_args("as_tuple")
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:  # noqa: A002
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    x = input.numpy(force=True)
    if as_tuple:
        if x.ndim == 0:
            return (from_numpy(np.zeros(int(x != 0), dtype=int64)),)
        return tuple(from_numpy(i.astype(int64)) for i in np.nonzero(x))
    return from_numpy(np.argwhere(x).astype(int64))


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:  # noqa: A002
    """``nonzero(input)`` cut or padded to ``size`` rows: (size, ndim) int64, the missing rows filled with
    ``fill_value`` (a shape known before the values, for compiled code).

    Raises:
        InvalidParameterError: a negative ``size``.
    """
    if size < 0:
        raise InvalidParameterError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    found = np.argwhere(input.numpy(force=True))[:size].astype(int64)
    out = np.full((size, input.ndim), fill_value, dtype=int64)
    out[:len(found)] = found
    return from_numpy(out)


def argwhere(input: Tensor) -> Tensor:  # noqa: A002
    """``nonzero(input)``: an (n, ndim) tensor of the indices of the non-zero elements."""
    out: Tensor = nonzero(input)
    return out


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,  # noqa: A002
            reduce: str | None = None) -> Tensor:
    """input with input[..., index[i, j], ...] = src[i, j] along ``dim`` (or a number ``value``).

    ``reduce='add'``/``'multiply'`` combine instead of overwriting (no gradient to src, as PyTorch); with a
    Tensor src that warns (UserWarning, once per process) that it is deprecated, as PyTorch's.
    """
    source = value if src is None else src
    if source is None:
        raise TypeError("scatter: give src (a tensor or a number) or value")
    if reduce is None:  # (PyTorch's ScatterBackward0 for a tensor src, ScatterBackward1 for a number)
        return _named(scatter_values(input, dim, index, source), input,
                      f"ScatterBackward{int(not isinstance(source, Tensor))}")
    kind = {"add": "sum", "multiply": "prod"}.get(reduce)
    if kind is None:
        raise InvalidParameterError("reduce argument must be either add or multiply.")  # (PyTorch's words)
    if isinstance(source, Tensor) and warn_once_due("scatter reduce"):  # (PyTorch's TORCH_WARN_ONCE)
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be "
                      "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
                      "reduction options.", UserWarning, stacklevel=user_stacklevel())
    if not isinstance(source, Tensor):
        _d, idx = _checked_along("scatter", input, dim, index)
        source = from_numpy(np.full(idx.shape, _fill_scalar(source, input.dtype, "scatter: value"),
                                    dtype=input.dtype))
    return scatter_reduce(input, dim, index, source.detach(), kind)


def unravel_index(indices: Tensor, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """The coordinates in ``shape`` of flat (row-major) indices: one int64 tensor of indices' shape per
    dim. As PyTorch's, an index out of range wraps (floor division, then modulo each size).

    Raises:
        TypeError: indices are not integers.
        TypeError: shape is not an int or a sequence of ints.
        InvalidParameterError: a negative size (PyTorch's ValueError).
        MinigradError: a size 0 (PyTorch's RuntimeError, a division by zero).
    """
    if indices.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    sizes = [shape] if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(sizes, Sequence) or not all(isinstance(n, (int, np.integer)) for n in sizes):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {shape!r}")
    if any(n < 0 for n in sizes):
        raise InvalidParameterError(f"'shape' cannot have negative values, but got {tuple(sizes)}")
    if 0 in sizes:
        raise MinigradError(f"unravel_index: ZeroDivisionError, a size 0 in shape {tuple(sizes)}")
    strides = np.cumprod([1, *sizes[:0:-1]])[::-1].astype(np.int64)
    flat = indices.numpy(force=True).astype(np.int64)[..., None]
    coords = np.mod(np.floor_divide(flat, strides), np.asarray(sizes, dtype=np.int64))
    return tuple(from_numpy(np.array(coords[..., k])) for k in range(len(sizes)))


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
