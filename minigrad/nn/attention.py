"""Attention and lookup functionals: scaled dot-product attention, embedding, one_hot.

All three are compositions of Tensor operations (matmul, softmax, where,
indexing); their gradients come from the primitives in ``minigrad/ops.py``.
They are re-exported by :mod:`minigrad.nn.functional`, which this module must
not import at load time (functional imports us), so ``dropout`` is looked up
inside the function body.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np

from minigrad.errors import DimensionError, InvalidParameterError, ShapeError
from minigrad.tensor import Array, Tensor, int64, where

__all__ = ["embedding", "one_hot", "scaled_dot_product_attention"]

# Additive causal masks (0 on and below the diagonal, -inf above), one per
# (L, S, dtype). A training loop asks for the same few shapes every step, so
# building them once saves an (L, S) allocation and a pass per layer per step.
_CAUSAL_CACHE: OrderedDict[tuple[int, int, str], Array] = OrderedDict()
_CAUSAL_CACHE_SIZE = 32


def causal_mask(target_len: int, source_len: int, dtype: np.dtype[Any]) -> Array:
    """The additive causal mask of shape (L, S): 0 where ``j <= i``, -inf elsewhere.

    Aligned at the top-left like PyTorch's ``is_causal`` (row i attends to
    columns 0..i). The array is cached and read-only; do not modify it.
    """
    key = (target_len, source_len, np.dtype(dtype).str)
    mask = _CAUSAL_CACHE.get(key)
    if mask is not None:
        _CAUSAL_CACHE.move_to_end(key)
        return mask
    mask = np.where(np.tri(target_len, source_len, dtype=bool), 0.0, -np.inf).astype(dtype)
    mask.flags.writeable = False
    _CAUSAL_CACHE[key] = mask
    if len(_CAUSAL_CACHE) > _CAUSAL_CACHE_SIZE:
        _CAUSAL_CACHE.popitem(last=False)
    return mask


def _check_float(name: str, t: Any) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{name} must be a Tensor, got {type(t).__name__}")
    if t.dtype.kind != "f":
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {t.dtype}")
    return t


def attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    mask: Tensor | None,
    dropout_p: float,
    scale: float,
) -> tuple[Tensor, Tensor]:
    """softmax(q @ k^T * scale + mask) @ v, returning (output, attention weights).

    The shared core of :func:`scaled_dot_product_attention` and
    ``MultiheadAttention``. ``mask`` is additive (0 / -inf / any float),
    broadcastable to (..., L, S). Rows whose mask is -inf everywhere get zero
    weights and a zero output (PyTorch's ``_safe_softmax``), not NaN.
    ``dropout_p > 0`` drops weights (always, whatever the training mode).
    """
    scores = (query * scale) @ key.mT
    dead: Array | None = None
    if mask is not None:
        scores = scores + mask
        dead_rows: Array = np.asarray(np.isneginf(mask.numpy()).all(axis=-1, keepdims=True))
        if dead_rows.any():
            dead = dead_rows
            # A row of -inf would softmax to NaN (and warn); give it finite
            # scores, then zero its weights, so value and gradient are 0.
            scores = scores.masked_fill(dead, 0.0)
    weights = scores.softmax(-1)
    if dead is not None:
        weights = weights.masked_fill(dead, 0.0)
    if dropout_p > 0.0:
        from minigrad.nn import functional as F

        weights = F.dropout(weights, p=dropout_p, training=True)
    return weights @ value, weights


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, as PyTorch's math backend.

    Shapes: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev);
    the leading dims broadcast.

    Args:
        attn_mask: broadcastable to (..., L, S). A bool mask marks with True
            the pairs that take part (False becomes -inf); a float mask is
            added to the scores (and receives a gradient if it requires one).
        dropout_p: probability of zeroing an attention weight; applied
            whenever it is > 0 (pass 0.0 at evaluation, as PyTorch requires).
        is_causal: row i attends to columns 0..i only (top-left aligned).
        scale: defaults to 1 / sqrt(E).

    A row whose every entry is masked out gets zero weights and a zero output
    (and zero gradient), as PyTorch 2.13's math path (``_safe_softmax``).

    Raises:
        TypeError: a non-Tensor or non-float query, key or value; a mask
            that is neither bool nor float.
        ShapeError: E differs between query and key, S between key and
            value, or the mask does not broadcast to (..., L, S).
        InvalidParameterError: both ``attn_mask`` and ``is_causal``, or
            ``dropout_p`` outside [0, 1).
    """
    q = _check_float("query", query)
    k = _check_float("key", key)
    v = _check_float("value", value)
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ShapeError(
            f"scaled_dot_product_attention: query, key and value need at least 2 dims (..., L, E), "
            f"got shapes {q.shape}, {k.shape} and {v.shape}"
        )
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError(
            f"scaled_dot_product_attention: query, key and value must share a dtype, "
            f"got {q.dtype}, {k.dtype} and {v.dtype}"
        )
    if k.shape[-1] != q.shape[-1]:
        raise ShapeError(
            f"scaled_dot_product_attention: key's last dim must equal query's ({q.shape[-1]}), "
            f"got key shape {k.shape} for query shape {q.shape}"
        )
    if v.shape[-2] != k.shape[-2]:
        raise ShapeError(
            f"scaled_dot_product_attention: value must have key's sequence length {k.shape[-2]}, "
            f"got value shape {v.shape} for key shape {k.shape}"
        )
    if isinstance(dropout_p, bool) or not isinstance(dropout_p, (int, float)) or not 0.0 <= dropout_p < 1.0:
        raise InvalidParameterError(f"dropout_p must be a number in [0, 1), got dropout_p={dropout_p!r}")
    target_len, source_len = q.shape[-2], k.shape[-2]
    mask: Tensor | None = None
    if is_causal:
        if attn_mask is not None:
            raise InvalidParameterError(
                "scaled_dot_product_attention: pass either attn_mask or is_causal=True, not both"
            )
        mask = Tensor._wrap(causal_mask(target_len, source_len, q.dtype))
    elif attn_mask is not None:
        mask = additive_mask(attn_mask, q.dtype, true_means_masked=False, name="attn_mask")
        try:
            np.broadcast_shapes(mask.shape, (target_len, source_len))
        except ValueError:
            raise ShapeError(
                f"scaled_dot_product_attention: attn_mask of shape {mask.shape} does not broadcast "
                f"to (..., L, S) = (..., {target_len}, {source_len})"
            ) from None
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    return attention(q, k, v, mask, float(dropout_p), s)[0]


def additive_mask(mask: Any, dtype: np.dtype[Any], true_means_masked: bool, name: str) -> Tensor:
    """A bool or float mask as a float Tensor to add to attention scores.

    A bool mask becomes 0 / -inf; ``true_means_masked`` says which of True
    and False is -inf (True in ``MultiheadAttention``, False in
    :func:`scaled_dot_product_attention`). A float Tensor is returned as it
    is (cast to ``dtype``), so a mask that requires grad keeps its gradient.

    Raises:
        TypeError: the mask is neither bool nor floating point.
    """
    t = mask if isinstance(mask, Tensor) else Tensor._wrap(np.asarray(mask))
    if t.dtype == np.bool_:
        blocked = t.numpy() if true_means_masked else ~t.numpy()
        return Tensor._wrap(np.where(blocked, dtype.type(-np.inf), dtype.type(0.0)))
    if t.dtype.kind != "f":
        raise TypeError(f"{name} must be a bool or floating-point tensor, got dtype {t.dtype}")
    return t if t.dtype == dtype else t.astype(dtype)


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
    return where(cond, Tensor._wrap(const), t)


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
        return Tensor._wrap(np.zeros((*idx.shape, int(num_classes)), dtype=int64))
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
    return Tensor._wrap(out)
