"""Running sums, windows and selection along a dim: cumsum, unfold, gather, scatter_add.

Thin fronts over the primitives :class:`~minigrad.ops.Cumsum`, :class:`~minigrad.ops.Gather`,
:class:`~minigrad.ops.ScatterAdd` and :class:`~minigrad.ops.Unfold`, with PyTorch's argument
checks. ``mg.cumsum``, ``mg.gather``, ``mg.scatter_add`` and the Tensor methods of those names
are these functions; sorting (``sort``, ``topk``, ``median``, ...) in ``reductions.py``
gathers its values with :func:`gather`, so their gradients scatter back through
:class:`~minigrad.ops.ScatterAdd`.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._tensor_methods import dim_aliases, provide
from minigrad.dtypes import kernel_error
from minigrad.errors import DimensionError, InvalidParameterError, MinigradError, ShapeError, _NotTensorError
from minigrad.shapes import norm_dim
from minigrad.tensor import Array, DTypeLike, Tensor, _integer_result_check, from_numpy

__all__ = ["as_strided", "cumsum", "gather", "scatter_add", "unfold"]


@dim_aliases
def cumsum(input: Tensor, dim: int, *, dtype: DTypeLike = None) -> Tensor:  # noqa: A002
    """Running sums along ``dim``: y[..., i, ...] = x[..., :i+1, ...].sum(dim); same shape.

    Integer and bool inputs sum in int64 (as PyTorch); ``dtype`` converts the input first and is the
    result's dtype (an int32 or bool ``dtype`` too: the int64 sums cast back wrap as PyTorch's).
    The gradient is the running sum of the upstream gradient taken from the other end.

    Raises:
        MinigradError: an integer or bool ``dtype`` for an input that requires grad (as PyTorch).
    """
    x = input if dtype is None else input.astype(dtype)
    if dtype is not None:
        norm_dim(dim, input.ndim)  # (a dim out of range first: PyTorch's IndexError)
        if x.dtype == np.bool_ and x.ndim:  # (a bool input without dtype= sums in int64; PyTorch copies a
            raise kernel_error("cumsum_out", x.dtype)  # 0-d one without its bool kernel)
        _integer_result_check(input, x)
    if x.ndim == 0:
        norm_dim(dim, 0)
        out = ops.Cumsum.apply(x.reshape(1), dim=0).reshape(())
    else:
        out = ops.Cumsum.apply(x, dim=norm_dim(dim, x.ndim))
    return out if dtype is None or out.dtype == x.dtype else out.astype(x.dtype)


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:  # noqa: A002
    """Every slice of length ``size`` along ``dimension``, ``step`` apart, as PyTorch's ``Tensor.unfold``.

    ``dimension`` becomes the number of slices, (n - size) // step + 1, and a new last
    dim of length ``size`` holds each slice: a view of ``input`` (the :class:`~minigrad.ops.Windows`
    primitive), with PyTorch's strides, sharing its memory.

    Raises:
        InvalidParameterError: size < 0 or step <= 0.
        ShapeError: ``size`` exceeds the length of ``dimension``.
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise InvalidParameterError(f"unfold: size must be a non-negative int, got size={size!r}")
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step <= 0:
        raise InvalidParameterError(f"unfold: step must be a positive int, got step={step!r}")
    d = norm_dim(dimension, max(input.ndim, 1))
    if size > (input.shape[d] if input.ndim else 1):
        raise ShapeError(f"unfold: size {size} is larger than dimension {dimension} of shape {input.shape}")
    return input._view(ops.Windows.apply(input, dim=d, size=int(size), step=int(step)))


def as_strided(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:  # noqa: A002
    """The elements of ``input``'s memory at ``storage_offset + sum_k i_k * stride[k]``, for every index i
    of ``size``: PyTorch's ``as_strided`` (sliding or overlapping windows by hand).

    The result is gathered (a copy whose gradient adds back to each element read,
    overlaps included), not a view: writing into it leaves ``input`` unchanged. The
    memory read is ``input``'s own elements where its strides put them (``storage_offset``
    counts from its storage's start, as ``input.storage_offset()`` does): a transposed or
    strided-sliced input reads as in PyTorch as long as every read lands on one of its elements;
    a view reading past them reads its base's memory, as PyTorch's storage.

    Raises:
        MinigradError: (a RuntimeError, as PyTorch's) ``size`` and ``stride`` of different lengths, a
            negative stride, a read outside ``input``'s elements or between them (PyTorch would read
            the rest of the storage; minigrad does so only for a view, from its base), or an ``input``
            that overlaps itself (expanded).
    """
    shape, steps = tuple(int(n) for n in size), tuple(int(n) for n in stride)
    if len(shape) != len(steps):
        raise MinigradError("mismatch in length of strides and shape")
    if any(st < 0 for st in steps):
        raise MinigradError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                            f"{list(steps)}")
    start = 0 if storage_offset is None else int(storage_offset) - input.storage_offset()
    index = np.full(shape, start, dtype=np.int64)
    for k, (n, st) in enumerate(zip(shape, steps, strict=True)):
        index += (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (len(shape) - k - 1))
    position = _positions(input)  # memory offset -> the element there (-1: a gap)
    outside = index.size and (start < 0 or int(index.max()) >= len(position))
    if (outside or (not isinstance(position, range) and index.size and (position[index] < 0).any())) \
            and _reads_base(input):
        # PyTorch reads the view's storage (a[3:].as_strided((2,), (1,), 0) is a[:2]) and its gradient
        # reaches the view's own elements only: read the base's values, and input's where they are its
        offset = input.storage_offset() if storage_offset is None else int(storage_offset)
        values = as_strided(input._base.detach(), shape, steps, offset)
        where = np.arange(len(position)) if isinstance(position, range) else position
        inside = (index >= 0) & (index < len(where))
        element = where[np.where(inside, index, 0)]
        inside &= element >= 0
        # (from_numpy: under the torch alias, Tensor(array) is PyTorch's float constructor)
        own = input.reshape(-1)[from_numpy(np.where(inside, element, 0))] if input.numel() else values
        return own.where(from_numpy(inside), values)
    if outside:
        raise MinigradError(
            f"setStorage: sizes {list(shape)}, strides {list(steps)}, storage offset "
            f"{start + input.storage_offset()} reach element {int(index.max()) + input.storage_offset()}, "
            f"outside the {input.numel()} elements of this tensor (from offset {input.storage_offset()})")
    if not isinstance(position, range) and index.size:
        index = position[index]
        if (index < 0).any():
            raise MinigradError("as_strided: minigrad reads only the input's own elements, and these sizes "
                                "and strides reach memory between them; call .contiguous() first")
    return input.reshape(-1)[index]


def _reads_base(x: Tensor) -> bool:
    """Whether as_strided may read ``x``'s base for elements outside ``x``: a view sharing its memory."""
    base = x._base
    return base is not None and bool(np.shares_memory(base.numpy(force=True), x.numpy(force=True)))


def _positions(x: Tensor) -> range | Array:
    """For a tensor whose elements are not its memory in row-major order (a transpose, a strided slice:
    torchdiffeq's adjoint reads ``torch.as_strided(y, (), ())`` of such a y), the element (row-major
    number) at each memory offset from its first, -1 between elements; an array as long as the span.
    A contiguous tensor gives ``range(numel)``, its identity.

    Raises:
        MinigradError: ``x`` overlaps itself (an expanded tensor: two elements at one address).
    """
    if x.is_contiguous():
        return range(x.numel())
    offsets = np.zeros(x.shape, dtype=np.int64)
    for k, (n, st) in enumerate(zip(x.shape, x.stride(), strict=True)):
        offsets += (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (x.ndim - k - 1))
    flat = offsets.reshape(-1)
    position = np.full(int(flat.max()) + 1 if flat.size else 0, -1, dtype=np.int64)
    position[flat] = np.arange(flat.size)
    if (position >= 0).sum() != flat.size:
        raise MinigradError("as_strided: the input overlaps itself (an expanded tensor); call .contiguous() "
                            "first")
    return position


def _not_a_list(index: Any, what: str) -> Any:
    """``index``, unless a list or tuple: PyTorch's index arguments take a Tensor only (its argument parser's
    TypeError; minigrad made an array of it)."""
    if isinstance(index, (list, tuple)):
        name = "indices" if what in ("take_along_dim", "embedding", "embedding_bag") else "index"
        raise _NotTensorError(f"{what.split()[0]}(): argument '{name}' must be Tensor, not "
                              f"{type(index).__name__}")
    return index


def _index_array(fn: str, index: Any, int32: bool = False) -> Array:
    arr = index.numpy(force=True) if isinstance(index, Tensor) else np.asarray(_not_a_list(index, fn))
    if (int32 and arr.dtype == np.int32) or (arr.size == 0 and arr.dtype.kind in "iu"):
        # gather and scatter_add read int32 indices too; PyTorch checks no empty index's dtype
        return arr.astype(np.int64)
    if arr.dtype != np.int64:  # (PyTorch's words: scatter_add's kernel is scatter's)
        name = "scatter" if fn.startswith("scatter") else fn
        raise InvalidParameterError(f"{name}(): Expected dtype {'int32/' if int32 else ''}int64 for index "
                                    f"({fn}: got {arr.dtype})")
    return arr


def _check_index(fn: str, index: Array, dim: int, size: int, what: str, shape: tuple[int, ...],
                 all_dims: bool = False) -> None:
    """``index`` must have ``shape``'s rank, be no larger (except along ``dim``) and stay in range."""
    word = "self" if what == "input" and fn.startswith("scatter") else what  # (PyTorch's names)
    if what == "src" and 0 < len(shape) < index.ndim:  # (PyTorch reads src's size along the missing dims)
        raise DimensionError(f"Dimension out of range (expected to be in range of [-{len(shape)}, "
                             f"{len(shape) - 1}], but got {len(shape)}) ({fn}(): index has {index.ndim} dims "
                             f"{index.shape}, src {len(shape)} dims {shape})")
    if index.ndim != len(shape):
        raise ShapeError(f"Index tensor must have the same number of dimensions as {word} tensor ({fn}(): "
                         f"index has {index.ndim} dims {index.shape}, but {what} has {len(shape)} dims "
                         f"{shape}; they must have the same number of dims)")
    for d, (i, s) in enumerate(zip(index.shape, shape)):
        if i > s and (all_dims or d != dim):
            raise ShapeError(f"Size does not match at dimension {d} expected index "
                             f"{list(index.shape)} to be no larger than "
                             f"{'self' if what == 'input' else what} {list(shape)}"
                             + ("" if all_dims else f" apart from dimension {dim}")
                             + f" ({fn}(): index of shape {index.shape} must be no larger than {what} of "
                               f"shape {shape})")
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = int(index[(index < 0) | (index >= size)].flat[0])
        raise DimensionError(f"index {bad} is out of bounds for dimension {dim} with size {size} ({fn}())")


@dim_aliases
def gather(input: Tensor, dim: int, index: Tensor | Array, *, sparse_grad: bool = False) -> Tensor:  # noqa: A002
    """y[i][j][k] = x[index[i][j][k]][j][k] (for dim 0; likewise for others), of index's shape.

    ``index`` is int64 (or int32) with x's number of dims, no larger than x outside ``dim``.
    The gradient scatter-adds back to the gathered positions. ``sparse_grad=True`` asks PyTorch for a
    sparse-layout gradient; minigrad has no sparse layout, so it is dense with the same values (as
    ``Embedding(sparse=True)``'s).

    Raises:
        InvalidParameterError: index is not int64 or int32.
        ShapeError: index's rank differs or it is larger than x outside ``dim``.
        DimensionError: an index value outside [0, x.shape[dim]).
    """
    if not isinstance(sparse_grad, bool):
        raise TypeError(f"gather(): argument 'sparse_grad' must be bool, not {type(sparse_grad).__name__}")
    idx = _index_array("gather", index, int32=True)
    if input.ndim == 0:
        return gather(input.reshape(1), dim, idx.reshape(1) if idx.ndim == 0 else idx).reshape(idx.shape)
    d = norm_dim(dim, input.ndim)
    if idx.size == 0:  # PyTorch checks no shapes for an empty index
        return input.reshape(-1)[:0].reshape(idx.shape)
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
    idx = _index_array("scatter_add", index, int32=True)
    if input.ndim == 0:
        flat = idx.reshape(1) if idx.ndim == 0 else idx
        return scatter_add(input.reshape(1), dim, flat, src.reshape(flat.shape)).reshape(())
    d = norm_dim(dim, input.ndim)
    if src.dtype != input.dtype:  # (PyTorch's first check, in its scatter's words, even for an empty index)
        raise InvalidParameterError(f"scatter(): Expected self.dtype to be equal to src.dtype: src dtype "
                                    f"{src.dtype} differs from input dtype {input.dtype}")
    if idx.size == 0:  # nothing to add, and PyTorch checks no shapes then; src still gets its zero gradient
        if src.requires_grad and idx.ndim == src.ndim == input.ndim:
            return ops.IndexAddInto.apply(input, src[tuple(slice(0, n) for n in idx.shape)],
                                          index=ops._along(idx, d), label="ScatterAddBackward0")
        return input.clone()
    if idx.ndim == input.ndim and idx.ndim != src.ndim:  # ranks before bounds, as PyTorch
        _check_index("scatter_add", idx, d, input.shape[d], "src", src.shape, all_dims=True)
    _check_index("scatter_add", idx, d, input.shape[d], "input", input.shape)
    _check_index("scatter_add", idx, d, input.shape[d], "src", src.shape, all_dims=True)
    if src.shape != idx.shape:
        src = src[tuple(slice(0, n) for n in idx.shape)]
    return ops.IndexAddInto.apply(input, src, index=ops._along(idx, d), label="ScatterAddBackward0")


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
