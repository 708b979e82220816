"""Argument rules shared by the sliding-window functionals (convolution, pooling, fold).

Sizes, strides, paddings and dilations come as an int or one int per spatial dim,
as in PyTorch; these helpers normalize them to tuples and raise
:class:`InvalidParameterError` naming the argument and the value, or a
:class:`ShapeError` naming the expected and the actual input shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    _ArgumentTypeError,
    _NotTensorAttributeError,
    _ShapeIndexError,
)
from minigrad.memory_formats import contiguous_format, is_laid_out, suggested_format
from minigrad.nn._checks import is_int
from minigrad.ops import Masked
from minigrad.tensor import Array, Tensor

Ints = tuple[int, ...]


def ntuple(fn: str, name: str, value: Any, n: int, low: int | None = 1) -> Ints:
    """``value`` (an int, or a sequence of ``n`` ints or of one) as ``n`` ints, each at least ``low``
    (None: any)."""
    items = [value] * n if is_int(value) else value
    if isinstance(items, (tuple, list)) and len(items) == 1:  # PyTorch repeats a one-element size
        items = list(items) * n
    if (not isinstance(items, (tuple, list)) or len(items) != n or not all(is_int(v) for v in items)
            or (low is not None and any(v < low for v in items))):
        kind = {1: "a positive int", 0: "a non-negative int", None: "an int"}.get(low, f"an int >= {low}")
        # a value that is no int (3.0, None) is PyTorch's TypeError too; a wrong count or range is not
        typed = not isinstance(items, (tuple, list)) or not all(is_int(v) for v in items)
        raise (_ArgumentTypeError if typed else InvalidParameterError)(
            f"{fn}: {_torch_words(fn, name, items, low)}{name} must be {kind} or a tuple of {n} such ints, "
            f"got {name}={value!r}")
    return tuple(int(v) for v in items)


#: PyTorch's words for an out-of-range window argument (scripts and its OpInfo tests match on them):
#: (convolution?, name) -> the phrase, with {v} the first offending value
_WORDS = {
    (True, "stride"): "non-positive stride is not supported",
    (True, "padding"): "negative padding is not supported",
    (True, "dilation"): "dilation should be greater than zero",
    (False, "kernel_size"): "kernel_size must be greater than zero, but got {v}",
    (False, "stride"): "stride must be greater than zero, but got {v}",
    (False, "padding"): "pad must be non-negative, but got pad: {v}",
    (False, "dilation"): "dilation must be greater than zero, but got {v}",
}


def _torch_words(fn: str, name: str, items: Any, low: int | None) -> str:
    """PyTorch's phrase for the first int in ``items`` below ``low`` (and '; '), or '' (another fault)."""
    if low is None or not isinstance(items, (tuple, list)):
        return ""
    bad = [v for v in items if is_int(v) and v < low]
    words = _WORDS.get((fn.startswith("conv"), name))
    return words.format(v=bad[0]) + "; " if bad and words else ""


def spatial_input(fn: str, input: Tensor, nd: int) -> tuple[Tensor, bool]:  # noqa: A002
    """The input as (N, C, *spatial) and whether it came unbatched ((C, *spatial), as PyTorch allows).

    Raises:
        TypeError: input is not a Tensor.
        ShapeError: input has neither nd + 1 nor nd + 2 dims.
    """
    if not isinstance(input, Tensor):
        got = type(input).__name__
        raise _NotTensorAttributeError(f"{fn}(): argument 'input' must be a Tensor, not {got}")
    if input.ndim not in (nd + 1, nd + 2):
        ours = f"{fn}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input, got input of shape " \
            f"{input.shape}"
        words = _rank_words(fn, nd, input.shape)
        # PyTorch's avg_pool2d wraps dim -3 and its max_unpool indexes the spatial sizes: an IndexError
        low = input.ndim < 3 if fn == "avg_pool2d" else input.ndim < nd and fn.startswith("max_unpool")
        raise (_ShapeIndexError if low else ShapeError)(f"{words} ({ours})" if words else ours)
    batched = input.ndim == nd + 2
    return (input if batched else input.unsqueeze(0)), batched


def _rank_words(fn: str, nd: int, shape: tuple[int, ...]) -> str:
    """PyTorch's message for a convolution or pooling input of the wrong rank ('' for the others): it begins
    minigrad's."""
    if fn.startswith("adaptive"):
        return f"Input dimension should be at least {nd + 1}"
    if fn.startswith("conv") and not fn.startswith("conv_transpose"):
        return (f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fn}, but got input of "
                f"size: {list(shape)}")
    if fn in ("max_pool2d", "max_pool3d", "avg_pool3d"):
        return f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input"
    if fn == "max_pool1d":
        return (f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                f"input, but got:{list(shape)}")
    if fn == "avg_pool1d":
        return (f"Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for argument #1 'self' "
                "(while checking arguments for avg_pool1d)")
    return ""


def dims_text(values: Sequence[int]) -> str:
    """(3 x 4), PyTorch's way of printing per-dim sizes in these messages."""
    return "(" + " x ".join(str(v) for v in values) + ")"


def check_fits(fn: str, padded: Sequence[int], kernel: Sequence[int], dilation: Sequence[int],
               shape: tuple[int, ...]) -> None:
    """Raise ShapeError if the dilated kernel is larger than the padded input in some dim."""
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(e > p for e, p in zip(extent, padded)):
        raise ShapeError(  # (PyTorch's words first; its kernel size is the dilated one)
            f"Calculated padded input size per channel: {dims_text(padded)}. Kernel size: "
            f"{dims_text(extent)}. Kernel size can't be greater than actual input size ({fn}: input of shape "
            f"{shape}, the padded input {dims_text(padded)} is smaller than the dilated kernel "
            f"{dims_text(extent)})"
        )


def _first_true(eq: Array, dim: int) -> Array:
    """Keep only the first True along ``dim`` of a bool array."""
    n = eq.shape[dim]
    if n > 16:  # long rows: one argmax (numpy's argmax along an inner dim copies, so only here)
        only = np.zeros_like(eq)
        np.put_along_axis(only, np.expand_dims(np.argmax(eq, axis=dim), dim), True, axis=dim)
        only &= eq
        return only
    first: Array = eq.copy()
    index: list[Any] = [slice(None)] * eq.ndim
    index[dim] = 0
    seen = eq[tuple(index)].copy()
    for k in range(1, n):
        index[dim] = k
        first[tuple(index)] &= ~seen
        seen |= eq[tuple(index)]
    return first


def max_mask(a: Array, dim: int, eligible: Array | None = None) -> Array:
    """Bool mask of each row's max by PyTorch's pooling rule: the first maximum, or the last NaN.

    (PyTorch's kernels scan with ``if (val > max || isnan(val))``.) Where ``eligible``
    (broadcastable) is False the element is padding: it never wins, even on a tie.
    """
    top = a.max(axis=dim, keepdims=True)
    eq = a == top
    if eligible is not None:
        eq &= eligible
    chosen = _first_true(eq, dim)
    if a.dtype.kind == "f":
        nan_rows = np.isnan(top)
        if nan_rows.any():
            last_nan = np.flip(_first_true(np.flip(np.isnan(a), dim), dim), dim)
            chosen = np.where(nan_rows, last_nan, chosen)
    return chosen


def first_max(t: Tensor, dim: int, eligible: Array | None = None) -> tuple[Tensor, Array]:
    """Max along ``dim`` whose gradient goes to the element :func:`max_mask` picks; also that mask.

    Composed as ``where(mask, t, 0).sum(dim)`` with a constant mask: a few vectorized
    comparisons cost less than the argmax that ``max``'s own backward takes along a
    dim that is not the last. (``Masked``: PyTorch's max-pool backward takes the input, so a
    second derivative reaches it, as zeros.)
    """
    mask = max_mask(t.numpy(force=True), dim, eligible)
    values = Masked.apply(t, fill=np.zeros((), t.dtype), keep=mask).sum(dim)
    return (values if values.dtype == t.dtype else values.astype(t.dtype)), mask  # int sums widen to int64


def keep_channels_last(out: Tensor, *sources: Tensor) -> Tensor:
    """``out`` laid out channels-last (``_3d``) when one of ``sources`` is, else ``out`` itself.

    PyTorch's CPU convolution (input or weight) and group_norm (input) kernels give a channels-last
    result for a channels-last source; what comes after sees the layout (a dropout draws its mask in
    memory order, ``.stride()``). A recorded copy: the values and gradients are unchanged.
    """
    for t in sources:
        fmt = suggested_format(t._array)
        if fmt is not contiguous_format and t.ndim == out.ndim:
            return out if is_laid_out(out._array, fmt) else out.contiguous(memory_format=fmt)
    return out
