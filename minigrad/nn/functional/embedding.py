"""Lookups by integer index: ``embedding`` (rows of a table) and ``one_hot``."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import DimensionError, InvalidParameterError, ShapeError
from minigrad.tensor import Array, Tensor, from_numpy, int64, where

__all__ = ["embedding", "normalize_padding_idx", "one_hot"]


def _index_array(input: Any, fn: str) -> Array:  # noqa: A002
    idx = input.numpy() if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{fn}: indices must be an integer tensor (int64), got dtype {idx.dtype}")
    return idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:  # noqa: A002
    """Rows of ``weight`` picked by the integer indices ``input``: ``weight[input]``.

    Shapes: input (*) of ints, weight (num_embeddings, embedding_dim)
    -> (*, embedding_dim). Repeated indices accumulate their gradients in the
    same row. The row ``padding_idx`` (negative counts from the end) is read
    from a detached copy of the weight, so it receives no gradient.

    Raises:
        TypeError: ``input`` is not integer-valued.
        ShapeError: ``weight`` is not 2-D.
        InvalidParameterError: ``padding_idx`` is outside [-num_embeddings, num_embeddings).
        DimensionError: an index is outside [0, num_embeddings).
    """
    idx = _index_array(input, "embedding")
    if weight.ndim != 2:
        raise ShapeError(
            f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}"
        )
    num = weight.shape[0]
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= num:
            bad = lo if lo < 0 else hi
            raise DimensionError(
                f"embedding: index {bad} is out of range for num_embeddings={num} "
                f"(indices must be in [0, {num - 1}])"
            )
    pad = None if padding_idx is None else normalize_padding_idx(padding_idx, num)
    out = weight[idx]
    if pad is not None and out.requires_grad:
        at_pad = (idx == pad)[..., None]
        if at_pad.any():
            out = _where_const(at_pad, weight.numpy()[pad], out)
    return out


def _where_const(cond: Array, const: Array, t: Tensor) -> Tensor:
    """``const`` where ``cond`` else ``t``; the constant takes no gradient."""
    return where(cond, from_numpy(const), t)


def normalize_padding_idx(padding_idx: int, num_embeddings: int) -> int:
    """``padding_idx`` as a row number in [0, num_embeddings).

    Raises:
        InvalidParameterError: it is not an int in [-num_embeddings, num_embeddings).
    """
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise InvalidParameterError(f"padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise InvalidParameterError(
            f"padding_idx={padding_idx} must be within num_embeddings={num_embeddings} "
            f"(in [{-num_embeddings}, {num_embeddings - 1}])"
        )
    return int(padding_idx) % num_embeddings


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """One-hot encoding: (*) int64 class indices -> (*, num_classes) int64 of 0/1.

    ``num_classes=-1`` uses max(tensor) + 1. The result has no gradient.

    Raises:
        TypeError: ``tensor`` is not int64.
        InvalidParameterError: a class value is negative or not below
            ``num_classes``, ``num_classes`` is below -1, or it must be
            inferred from an empty tensor.
    """
    idx = tensor.numpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    if idx.dtype != int64:
        raise TypeError(f"one_hot is only applicable to int64 index tensors, got dtype {idx.dtype}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise InvalidParameterError(f"num_classes must be an int, got {num_classes!r}")
    if idx.size == 0:
        if num_classes <= 0:
            raise InvalidParameterError(
                "one_hot: cannot infer the number of classes from an empty tensor "
                f"(num_classes={num_classes})"
            )
        return from_numpy(np.zeros((*idx.shape, int(num_classes)), dtype=int64))
    lo, hi = int(idx.min()), int(idx.max())
    if lo < 0:
        raise InvalidParameterError(f"one_hot: class values must be non-negative, got {lo}")
    if num_classes == -1:
        num_classes = hi + 1
    elif hi >= num_classes:
        raise InvalidParameterError(
            f"one_hot: class values must be smaller than num_classes={num_classes}, got {hi}"
        )
    out = np.zeros((*idx.shape, int(num_classes)), dtype=int64)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return from_numpy(out)
