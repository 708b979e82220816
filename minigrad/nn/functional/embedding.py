"""Lookups by integer index: ``embedding`` (rows of a table), ``embedding_bag`` (reduced bags of rows)
and ``one_hot``."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._sparse_grads import note_sparse_lookup
from minigrad.autograd import no_grad
from minigrad.dtypes import tensor_type_name
from minigrad.errors import (
    DimensionError,
    DTypeError,
    InvalidParameterError,
    ShapeError,
    _ArgumentTypeError,
    _AssertedParameterError,
    _IndexArgumentError,
    _IndexParameterError,
    _KernelParameterError,
    _NotTensorError,
    bool_args,
)
from minigrad.nn import _checks
from minigrad.nn.functional._grad_names import named
from minigrad.selection import _not_a_list
from minigrad.shapes import int_argument
from minigrad.tensor import Array, Tensor, from_numpy, int64, where

__all__ = ["embedding", "embedding_bag", "embedding_renorm_", "normalize_padding_idx", "one_hot"]


def _index_array(input: Any, fn: str) -> Array:  # noqa: A002
    idx = input.numpy(force=True) if isinstance(input, Tensor) else np.asarray(_not_a_list(input, fn))
    if idx.dtype != np.int64 and idx.dtype != np.int32:  # (PyTorch's kernels: Long or Int only)
        try:
            kind = "CPUBoolType" if idx.dtype == np.bool_ else tensor_type_name(idx.dtype)  # (PyTorch's)
        except KeyError:  # (not a tensor dtype at all: an array of strings or objects)
            kind = str(idx.dtype)
        raise DTypeError(  # (PyTorch's words first)
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, "
            f"Int; but got {kind} instead (while checking arguments for {fn}) ({fn}: indices must be an "
            f"integer tensor (int64), got dtype {idx.dtype})"
        )
    return idx


@bool_args("scale_grad_by_freq", "sparse")
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer indices ``input``: ``weight[input]``.

    Shapes: input (*) of ints, weight (num_embeddings, embedding_dim)
    -> (*, embedding_dim). Repeated indices accumulate their gradients in the
    same row. The row ``padding_idx`` (negative counts from the end) is read
    from a detached copy of the weight, so it receives no gradient. With
    ``max_norm``, the rows looked up are first renormalized in place to at most
    that ``norm_type``-norm (PyTorch's ``embedding_renorm_``). With
    ``sparse=True`` the gradient is dense, with the same values, and the rows
    looked up (the padding row left out) are recorded as those PyTorch's
    sparse gradient would hold, for :class:`minigrad.optim.SparseAdam`. With
    ``scale_grad_by_freq``, each row's gradient is divided by the number of
    times the row occurs in ``input`` (the values are unchanged).

    Raises:
        DTypeError: ``input`` is not integer-valued (a RuntimeError, as PyTorch's).
        ShapeError: ``weight`` is not 2-D.
        InvalidParameterError: ``padding_idx`` is outside [-num_embeddings, num_embeddings).
        DimensionError: an index is outside [0, num_embeddings).
    """
    idx = _index_array(input, "embedding")
    if weight.ndim != 2:
        raise ShapeError(
            f"embedding: 'weight' must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}"
        )
    num = weight.shape[0]
    _check_range(idx, num, "embedding")
    pad = None if padding_idx is None else normalize_padding_idx(padding_idx, num)
    if max_norm is not None:
        limit = _checks.number("max_norm", max_norm)
        embedding_renorm_(weight, idx, limit, _checks.number("norm_type", norm_type))
    out = weight[idx]
    if scale_grad_by_freq and out.requires_grad:
        # out - out.detach() is exactly 0 forward; backward it carries the gradient, scaled by 1 / count
        counts = np.bincount(idx.reshape(-1), minlength=num)[idx][..., None]
        held = out.detach()
        out = (out - held) * from_numpy((1.0 / counts).astype(out.dtype)) + held
    if pad is not None and out.requires_grad:
        at_pad = (idx == pad)[..., None]
        if at_pad.any():
            out = _where_const(at_pad, weight.numpy(force=True)[pad], out)
    if sparse:
        note_sparse_lookup(weight, out, idx, pad)
    return named(out, "EmbeddingBackward0")


def _check_range(idx: Array, num: int, fn: str) -> None:
    # One yes/no question first (mg.compile replays it as a check); the details only on failure.
    if idx.size and ((idx < 0) | (idx >= num)).any():
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= num:
            bad = lo if lo < 0 else hi
            raise DimensionError(  # (PyTorch's words first)
                f"index out of range in self ({fn}: index {bad} is out of range for num_embeddings={num}, "
                f"indices must be in [0, {num - 1}])"
            )


def _where_const(cond: Array, const: Array, t: Tensor) -> Tensor:
    """``const`` where ``cond`` else ``t``; the constant takes no gradient."""
    return where(cond, from_numpy(const), t)


def normalize_padding_idx(padding_idx: int, num_embeddings: int, word: str = "Padding_idx") -> int:
    """``padding_idx`` as a row number in [0, num_embeddings) (0 kept for an empty table, as PyTorch keeps it:
    its layers then fail zeroing that row). ``word``: how PyTorch's message spells it (EmbeddingBag's is
    lower-case).

    Raises:
        InvalidParameterError: it is not an int in [-num_embeddings, num_embeddings).
    """
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        # PyTorch indexes the weight with a float (IndexError) and compares anything else (TypeError)
        kind = _IndexArgumentError if isinstance(padding_idx, (float, np.floating)) else _ArgumentTypeError
        raise kind(f"padding_idx must be an int or None, got {padding_idx!r}")
    if padding_idx == 0 and num_embeddings == 0:  # (PyTorch checks only a positive or a negative index)
        return 0
    if not -num_embeddings <= padding_idx < num_embeddings:  # (asserted by PyTorch: an AssertionError too)
        raise _AssertedParameterError(
            f"{word} must be within num_embeddings (padding_idx={padding_idx}, "
            f"num_embeddings={num_embeddings}: it must be in [{-num_embeddings}, {num_embeddings - 1}])"
        )
    return int(padding_idx) % num_embeddings


def empty_padding_row_error(layer: str) -> InvalidParameterError:
    """PyTorch's IndexError for ``layer`` zeroing the row padding_idx=0 of a table with no rows."""
    return _IndexParameterError(f"index 0 is out of bounds for dimension 0 with size 0 ({layer}: "
                                f"padding_idx=0 names no row of a table of num_embeddings=0)")


def one_hot(input: Tensor, num_classes: int = -1) -> Tensor:  # noqa: A002 - PyTorch's keyword name
    """One-hot encoding: (*) int64 class indices -> (*, num_classes) int64 of 0/1.

    ``num_classes=-1`` uses max(input) + 1. The result has no gradient.

    Raises:
        DTypeError: ``input`` is not int64 (a RuntimeError, as PyTorch's).
        InvalidParameterError: a class value is negative or not below
            ``num_classes``, ``num_classes`` is below -1, or it must be
            inferred from an empty tensor.
    """
    tensor = input  # (PyTorch documents it as tensor; its parser's keyword is input)
    if isinstance(tensor, (list, tuple)):  # (PyTorch's argument parser's TypeError)
        raise _NotTensorError(f"one_hot(): argument 'input' (position 1) must be Tensor, not "
                              f"{type(tensor).__name__}")
    idx = tensor.numpy(force=True) if isinstance(tensor, Tensor) else np.asarray(tensor)
    if idx.dtype != int64:
        raise DTypeError(
            "one_hot is only applicable to index tensor of type LongTensor. "
            f"(one_hot: expected int64 indices, got {idx.dtype})")
    if int_argument(num_classes) is None:  # (PyTorch's argument parser's TypeError)
        raise _ArgumentTypeError(f"one_hot(): argument 'num_classes' (position 2) must be int, not "
                                 f"{type(num_classes).__name__} (num_classes must be an int, got "
                                 f"{num_classes!r})")
    num_classes = int_argument(num_classes)
    if idx.size == 0:
        if num_classes <= 0:
            raise InvalidParameterError(
                "one_hot: cannot infer the number of classes from an empty tensor "
                f"(num_classes={num_classes})"
            )
        return from_numpy(np.zeros((*idx.shape, int(num_classes)), dtype=int64))
    lo, hi = int(idx.min()), int(idx.max())
    if lo < 0:
        raise InvalidParameterError(f"Class values must be non-negative. (one_hot: got {lo})")  # (PyTorch's)
    if num_classes == -1:
        num_classes = hi + 1
    elif hi >= num_classes:
        raise InvalidParameterError(  # (PyTorch's words first)
            f"Class values must be smaller than num_classes. (one_hot: num_classes={num_classes}, got {hi})"
        )
    out = np.zeros((*idx.shape, int(num_classes)), dtype=int64)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return from_numpy(out)


def embedding_renorm_(weight: Tensor, indices: Array, max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Rescale in place, outside any graph, each row of ``weight`` named in ``indices`` whose p-norm
    exceeds ``max_norm`` to norm max_norm (PyTorch's ``embedding_renorm_``: scale max_norm / (norm + 1e-7)).

    Returns ``weight``.
    """
    rows = np.unique(indices)
    if rows.size:
        w = weight.numpy(force=True)
        norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
        big = norms > max_norm
        if big.any():
            scaled = w[rows[big]] * (max_norm / (norms[big] + 1e-7))[:, None]
            with no_grad():
                weight[from_numpy(rows[big])] = from_numpy(scaled.astype(w.dtype))
    return weight


def _bags(idx: Array, offsets: Any, include_last_offset: bool) -> tuple[Array, Array]:
    """(flat indices, bag start positions with the end appended) of 1-D or 2-D ``idx``."""
    if idx.ndim == 2:
        if offsets is not None:
            raise InvalidParameterError(
                "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed "
                f"length sequences. However, found offsets of type {type(offsets)} (embedding_bag: got "
                f"offsets={offsets!r})"
            )
        n, length = idx.shape
        return idx.reshape(-1), np.arange(n + 1, dtype=np.int64) * length
    if idx.ndim != 1:
        raise ShapeError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim} "
                         f"(embedding_bag: got shape {idx.shape})")
    if offsets is None:
        raise InvalidParameterError("offsets has to be a 1D Tensor but got None (embedding_bag: a 1D input "
                                    "needs offsets)")
    off = _index_array(offsets, "embedding_bag (offsets)")
    if off.ndim != 1:
        raise ShapeError(f"offsets has to be a 1D Tensor (embedding_bag: got shape {off.shape})")
    if off.size and off[0] != 0:
        raise ShapeError(
            f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position "
            f"0. However, got {int(off[0])} (embedding_bag)"
        )
    if off.size and off[-1] > idx.size:
        raise ShapeError(f"offsets[-1] can not be greater than input's length {idx.size} but got "
                         f"offsets[-1] of {int(off[-1])} (embedding_bag)")
    bounds = off if include_last_offset else np.append(off, idx.size)
    if (np.diff(bounds) < 0).any() or (bounds.size and bounds[-1] > idx.size):
        raise ShapeError(
            f"embedding_bag: offsets {off.tolist()} must be non-decreasing and within the input's "
            f"{idx.size} indices"
        )
    return idx, bounds.astype(np.int64)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,  # noqa: A002
                  max_norm: float | None = None, norm_type: float = 2, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """Sum, mean or max of bags of rows of ``weight``, without building the (bags, length, dim) lookups
    the caller would otherwise reduce.

    ``input`` is (B, N) (B bags of N indices) or 1-D with ``offsets`` (B,)
    giving each bag's start (with ``include_last_offset``, B + 1 entries, the
    last the end). Output (B, embedding_dim). Entries equal to ``padding_idx``
    are left out (also from the mean's count); an empty bag gives zeros.
    ``per_sample_weights`` (input's shape, mode 'sum' only) scales each row.
    ``mode='max'`` passes each feature's gradient to the first row holding
    the maximum. ``max_norm`` renormalizes the rows used, in place, first.
    With ``sparse=True`` the gradient is dense, with the same values, and the rows looked up (padding
    left out) are recorded as the rows a PyTorch sparse gradient would hold, for
    :class:`minigrad.optim.SparseAdam`; mode 'max' refuses it, as PyTorch.
    ``scale_grad_by_freq`` divides each row's gradient by how often it is looked up, as PyTorch's CPU
    kernel counts (see :func:`_bag_frequency_scale`); the values are unchanged.

    Raises:
        InvalidParameterError: unknown mode, per_sample_weights outside mode 'sum', scale_grad_by_freq
            or sparse with mode 'max' (PyTorch's ValueErrors), offsets with a 2-D input or none with a
            1-D one.
        DTypeError: input or offsets not integer, weight not float (a RuntimeError, as PyTorch's).
        ShapeError: weight not 2-D, per_sample_weights not input's shape, bad offsets.
        DimensionError: an index outside [0, num_embeddings).
    """
    out, rows = _embedding_bag(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode,
                               sparse, per_sample_weights, include_last_offset, padding_idx)
    if sparse:  # (rows looked up, padding left out: what PyTorch's sparse gradient holds)
        note_sparse_lookup(weight, out, rows, None if padding_idx is None else normalize_padding_idx(
            padding_idx, weight.shape[0]))
    return named(out, "EmbeddingBagBackward0")  # (PyTorch's one op)


def _bag_frequency_scale(flat: Array, num: int) -> Array:
    """Per row of the weight, the factor ``embedding_bag(scale_grad_by_freq=True)`` gives its gradient,
    as PyTorch's CPU kernel computes it: the k-th distinct index (in sorted order) is divided by the
    count of the k-th smallest index looked up, padding entries included. That is the row's own count
    when each row occurs once, or only the smallest repeats (PyTorch's kernel reads
    ``counts[sorted[k]]`` where ``counts[sorted[start of group k]]`` was meant); matched, as scripts are
    compared with it."""
    ordered = np.sort(flat)
    distinct = np.unique(ordered)
    scale = np.ones(num)
    scale[distinct] = 1.0 / np.bincount(flat, minlength=num)[ordered[:distinct.size]]
    return scale


def _embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None,  # noqa: A002
                   max_norm: float | None, norm_type: float, scale_grad_by_freq: bool, mode: str,
                   sparse: bool, per_sample_weights: Tensor | None, include_last_offset: bool,
                   padding_idx: int | None) -> tuple[Tensor, Array]:
    # The bags' reduction and the flat indices looked up (for a sparse gradient's rows).
    mode = _checks.one_of("mode", mode, ("sum", "mean", "max"))
    idx = _index_array(input, "embedding_bag")
    if scale_grad_by_freq and mode == "max":  # (PyTorch's ValueError)
        raise InvalidParameterError("max mode does not support scaling the gradient by the frequency")
    if sparse and mode == "max":  # (PyTorch's ValueError, after the one above)
        raise InvalidParameterError("max mode does not support sparse weights")
    if _checks.tensor("embedding_bag", weight, "weight").ndim != 2:
        raise ShapeError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim} "
                         f"(embedding_bag: got shape {weight.shape})")
    if weight.dtype.kind != "f":
        got = tensor_type_name(weight.dtype)
        raise DTypeError("Expected tensor for argument #1 'weight' to have one of the following scalar "
                         f"types: Half, BFloat16, Float, Double; but got {got} instead (while checking "
                         "arguments for embedding_bag)")
    if per_sample_weights is not None:
        if per_sample_weights.shape != idx.shape:
            raise ShapeError(
                f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                f"must have the same shape as the input ({input.shape})"
            )
        if mode != "sum":  # (PyTorch's NotImplementedError: a feature it lacks)
            raise _KernelParameterError(
                f"embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for "
                f"mode='sum' (got mode={mode!r})"
            )
        if per_sample_weights.dtype != weight.dtype:  # (PyTorch's kernel takes one dtype, no promotion)
            raise DTypeError(
                f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                f"'per_sample_weights'; but type {tensor_type_name(weight.dtype)} does not equal "
                f"{tensor_type_name(per_sample_weights.dtype)} (while checking arguments for embedding_bag)"
            )
    num, dim = weight.shape
    flat, bounds = _bags(idx, offsets, include_last_offset)
    _check_range(flat, num, "embedding_bag")
    pad = None if padding_idx is None else normalize_padding_idx(padding_idx, num)
    if max_norm is not None:
        limit = _checks.number("max_norm", max_norm)
        embedding_renorm_(weight, flat, limit, _checks.number("norm_type", norm_type))
    starts, lengths = bounds[:-1], np.diff(bounds)
    bags, longest = starts.size, int(lengths.max()) if lengths.size else 0
    # (bags, longest) positions into flat; slots past a bag's end and padding entries are masked out
    pos = np.minimum(starts[:, None] + np.arange(longest)[None, :], max(flat.size - 1, 0))
    used = np.arange(longest)[None, :] < lengths[:, None]
    rows = np.where(used, flat[pos], 0) if flat.size else np.zeros(pos.shape, dtype=np.int64)
    if pad is not None:
        used &= rows != pad
    gathered = weight[from_numpy(rows)]  # (bags, longest, dim)
    if scale_grad_by_freq and gathered.requires_grad:
        # gathered - held is exactly 0 forward; backward it carries each lookup's gradient times its factor
        held = gathered.detach()
        factor = from_numpy(_bag_frequency_scale(flat, num)[rows][..., None].astype(weight.dtype))
        gathered = (gathered - held) * factor + held
    mask = used[..., None]
    if mode == "max":
        if not longest:  # every bag empty: zeros, still on weight's graph (PyTorch's output requires grad)
            return gathered.sum(1), flat
        filled = where(mask, gathered, -np.inf)
        # pick each (bag, feature)'s first maximal row by index: its gradient goes there alone, as PyTorch's
        first = filled.numpy(force=True).argmax(axis=1)
        best = filled[np.arange(bags)[:, None], first, np.arange(dim)[None, :]]
        return where(np.asarray(used.any(axis=1))[:, None], best, 0.0), flat
    if per_sample_weights is not None:
        psw = per_sample_weights.reshape(-1)[from_numpy(pos)]
        gathered = gathered * psw.unsqueeze(-1)
    total = where(mask, gathered, 0.0).sum(1)
    if mode == "sum":
        return total, flat
    count = np.maximum(used.sum(1), 1).astype(weight.dtype)[:, None]
    return total / from_numpy(count), flat
