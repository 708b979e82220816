"""F.pad: constant, reflect, replicate and circular padding.

Constant padding is the :class:`~minigrad.ops.Pad` primitive (its gradient is the
slice of the upstream gradient over the input). The other modes are compositions of
slices, flips, ``expand`` and ``cat`` of the input itself, so their gradients add the
copies' gradients back where they were read.
"""

from __future__ import annotations

from collections.abc import Sequence

from minigrad import errors, ops
from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    UnsupportedError,
    _ArgumentTypeError,
    _NotTensorAttributeError,
)
from minigrad.nn._checks import is_int
from minigrad.nn.functional._grad_names import named
from minigrad.shapes import int_argument
from minigrad.tensor import Tensor, _fill_scalar, cat

__all__ = ["pad"]

_MODES = ("constant", "reflect", "replicate", "circular")


def _pairs(fn: str, pad: Sequence[int], size: tuple[int, ...], mode: str) -> list[tuple[int, int]]:
    """(before, after) per padded dim, last dim first, from PyTorch's flat pad list (input of ``size``)."""
    if isinstance(pad, (tuple, list)):  # (a 0-d int tensor is an int to PyTorch: x-transformers pads by one)
        pad = [int(int_argument(p)) if not is_int(p) and int_argument(p) is not None else p for p in pad]
    if not isinstance(pad, (tuple, list)) or not all(is_int(p) for p in pad):
        raise _ArgumentTypeError(f"{fn}: pad must be a tuple of ints, got pad={pad!r}")  # (a TypeError)
    if len(pad) % 2:
        raise InvalidParameterError(f"Padding length must be divisible by 2 ({fn}: got pad={tuple(pad)})")
    ndim = len(size)
    if len(pad) > 2 * ndim:
        raise InvalidParameterError(f"Padding length should be less than or equal to two times the input "
                                    f"dimension but got padding length {len(pad)} and input of dimension "
                                    f"{ndim} ({fn}: got pad={tuple(pad)})")
    return [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)]


def _check_crops(fn: str, pairs: list[tuple[int, int]], size: tuple[int, ...], mode: str) -> None:
    """Negative pads (a crop) must leave elements to crop (and for reflect and replicate, to pad)."""
    ndim = len(size)
    for i, (lo, hi) in enumerate(pairs):
        dim = ndim - 1 - i
        pads_first = mode in ("reflect", "replicate")  # the others crop first: there must be enough to crop
        if mode == "circular" and size[dim] + lo + hi == 0:  # (PyTorch's empty result: see _pad_dim)
            continue
        if size[dim] + (lo + hi if pads_first else min(lo, 0) + min(hi, 0)) < 0:
            raise ShapeError(f"{fn}: negative padding ({lo}, {hi}) would remove more than the "
                             f"{size[dim]} elements of dim {dim} of input shape {tuple(size)}")


def _part(x: Tensor, dim: int, start: int, stop: int) -> Tensor:
    """x[start:stop] along ``dim`` (a view)."""
    index: list[slice] = [slice(None)] * (dim + 1)
    index[dim] = slice(start, stop)
    return x[tuple(index)]


def _with(shape: tuple[int, ...], dim: int, size: int) -> tuple[int, ...]:
    return (*shape[:dim], size, *shape[dim + 1:])


def _pad_dim(x: Tensor, dim: int, lo: int, hi: int, mode: str) -> Tensor:
    """Pad one dim by copying the input's own elements (reflect / replicate / circular).

    A negative amount crops, as PyTorch: circular mode crops first and wraps what
    is left; reflect and replicate pad from the whole input, then crop.
    """
    n = x.shape[dim]
    if mode == "circular" and n + lo + hi == 0 and max(lo, hi) <= n:  # PyTorch's output is then empty (any
        return _part(x, dim, 0, 0)  # other crop past the wrapped part reads memory it never wrote)
    crop = (max(-lo, 0), max(-hi, 0))
    if mode == "circular" and any(crop):
        x = _part(x, dim, crop[0], n - crop[1])
        crop, n = (0, 0), x.shape[dim]
    lo, hi = max(lo, 0), max(hi, 0)
    if mode == "reflect" and (lo >= n or hi >= n):
        raise ShapeError(  # (PyTorch's words first)
            "Argument #4: Padding size should be less than the corresponding input dimension, but got: "
            f"padding ({lo}, {hi}) at dimension {dim} of input {list(x.shape)} (pad: reflect padding must be "
            "less than the size of the padded dim)")
    if mode == "circular" and (lo > n or hi > n):
        raise ShapeError("Padding value causes wrapping around more than once. (pad: circular padding "
                         f"({lo}, {hi}) for dim {dim} of input shape {x.shape})")
    if mode == "replicate" and n == 0 and (lo or hi):
        raise ShapeError(f"pad: cannot replicate-pad the empty dim {dim} of input shape {x.shape}")
    pieces = []
    if lo:
        if mode == "reflect":
            pieces.append(_part(x, dim, 1, lo + 1).flip(dim))
        elif mode == "replicate":
            pieces.append(_part(x, dim, 0, 1).expand(_with(x.shape, dim, lo)))
        else:
            pieces.append(_part(x, dim, n - lo, n))
    pieces.append(x)
    if hi:
        if mode == "reflect":
            pieces.append(_part(x, dim, n - 1 - hi, n - 1).flip(dim))
        elif mode == "replicate":
            pieces.append(_part(x, dim, n - 1, n).expand(_with(x.shape, dim, hi)))
        else:
            pieces.append(_part(x, dim, 0, hi))
    out = pieces[0] if len(pieces) == 1 else cat(pieces, dim)
    return _part(out, dim, crop[0], out.shape[dim] - crop[1]) if any(crop) else out


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad the last ``len(pad) // 2`` dims: pad = (before, after) for the last dim, then the one before, ...

    mode 'constant' fills with ``value`` (default 0) and works on any rank; negative
    amounts remove elements. 'reflect' mirrors without repeating the edge, 'replicate'
    repeats the edge, 'circular' wraps around; these pad the last 1, 2 or 3 dims of a
    batched or unbatched input, as in PyTorch.

    Raises:
        InvalidParameterError: a bad ``pad`` list, or a value with a non-constant mode.
        UnsupportedError (a NotImplementedError too, as PyTorch's): an unknown mode, or a
            non-constant mode with a pad length that does not fit the input's rank.
        ShapeError: negative padding removing more elements than a dim has, reflect
            padding not smaller than the dim, circular padding wrapping more than once, an
            empty channel or padded dim with a non-constant mode.
    """
    if not isinstance(input, Tensor):
        got = type(input).__name__
        raise _NotTensorAttributeError(f"pad(): argument 'input' must be a Tensor, not {got}")
    if mode not in _MODES:
        raise UnsupportedError(f"Unrecognised padding mode {mode} (pad: use one of {', '.join(_MODES)})")
    pairs = _pairs("pad", pad, input.shape, mode)
    if mode == "constant":
        _check_crops("pad", pairs, input.shape, mode)
        fill = 0.0 if value is None else _fill_scalar(value, input.dtype, "pad: value")
        if not any(pairs):
            return input[...]
        full = [(0, 0)] * (input.ndim - len(pairs)) + pairs[::-1]
        return named(ops.Pad.apply(input, pads=tuple(full), value=fill), "ConstantPadNdBackward0")
    if value is not None and value != 0:
        raise InvalidParameterError(
            f"pad: padding mode {mode!r} doesn't take a value argument, got value={value!r}")
    k = len(pairs)
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        # (PyTorch's words first; also the InvalidParameterError its padding layers' callers catch)
        raise errors._KernelParameterError(
            f"Padding size {2 * k} is not supported for {input.ndim}D input tensor. pad: {mode} padding of "
            f"the last {k} dims needs a {k + 1}D or {k + 2}D input, got input of shape {input.shape} "
            f"(non-constant modes pad the last 1, 2 or 3 dims of (N, C, ...) or (C, ...)")
    _check_crops("pad", pairs, input.shape, mode)  # (after the rank: PyTorch's order)
    # only a batch dim may be empty (PyTorch's rule for reflect and replicate; circular checks only the wrap)
    if mode != "circular" and 0 in input.shape[input.ndim - k - 1:]:
        raise ShapeError(f"pad: {mode} padding needs non-empty channel and padded dims, got input of shape "
                         f"{input.shape}")
    if mode != "circular" and all(input.shape[-1 - i] + lo + hi < 1 for i, (lo, hi) in enumerate(pairs)):
        raise ShapeError(f"pad: {mode} padding {tuple(pad)} leaves no elements of input shape {input.shape}")
    out = input
    for i, (lo, hi) in enumerate(pairs):
        if lo or hi:
            out = _pad_dim(out, input.ndim - 1 - i, lo, hi, mode)
    if out is input:
        return out
    # PyTorch's one op per mode and rank (its circular mode writes slices of a new tensor: CopySlices)
    if mode == "circular":
        return named(out, "torch::autograd::CopySlices")
    return named(out, f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{k}DBackward0", input)
