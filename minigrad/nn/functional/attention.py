"""Scaled dot-product attention and its masks: ``scaled_dot_product_attention``, causal and additive masks.

``attention`` is the shared core of the functional form and of
``nn.MultiheadAttention``; all are compositions of Tensor operations (matmul,
softmax, masked_fill), so gradients come from the primitives in ``minigrad/ops.py``.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np

from minigrad.backends import cuda as _cuda
from minigrad.dtypes import scalar_type_name
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    ShapeError,
    _ArgumentTypeError,
    _AssertedTypeError,
    _MaskDTypeError,
    bool_args,
    python_type_name,
)
from minigrad.nn import _checks
from minigrad.nn.functional.dropout import dropout_row_major
from minigrad.shapes import size_mismatch
from minigrad.tensor import Array, Tensor, _named, from_numpy

__all__ = ["additive_mask", "attention", "causal_mask", "scaled_dot_product_attention"]

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
    safe: bool = True,
) -> tuple[Tensor, Tensor]:
    """softmax(q @ k^T * scale + mask) @ v, returning (output, attention weights).

    The shared core of :func:`scaled_dot_product_attention` and
    ``MultiheadAttention``. ``mask`` is additive (0 / -inf / any float),
    broadcastable to (..., L, S). With ``safe``, rows whose mask is -inf everywhere get
    zero weights and a zero output (PyTorch's ``_safe_softmax``); without, NaN (its plain softmax).
    ``dropout_p > 0`` drops weights (always, whatever the training mode).
    """
    scores = (query * scale) @ key.mT
    dead: Array | None = None
    if mask is not None:
        scores = scores + mask
    if mask is not None and safe:
        dead_rows: Array = np.asarray(np.isneginf(mask.numpy(force=True)).all(axis=-1, keepdims=True))
        if dead_rows.any():
            dead = dead_rows
            # A row of -inf would softmax to NaN (and warn); give it finite
            # scores, then zero its weights, so value and gradient are 0.
            scores = scores.masked_fill(dead, 0.0)
    weights = scores.softmax(-1)
    if dead is not None:
        weights = weights.masked_fill(dead, 0.0)
    if dropout_p > 0.0:
        # PyTorch's weights are a fresh row-major tensor, so its mask is drawn in row-major order
        weights = dropout_row_major(weights, dropout_p)
    return weights @ value, weights


@bool_args("is_causal")
def _bmm_words(shape: tuple[int, ...], rows: int, inner: int, got: int, cols: int) -> str:
    """PyTorch's words for the product its math attention fails on: (rows, inner) @ (got, cols) of
    matrices batched as ``shape``'s leading dims."""
    if len(shape) == 2:
        return f"mat1 and mat2 shapes cannot be multiplied ({rows}x{inner} and {got}x{cols})"
    b = math.prod(shape[:-2])
    return (f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {inner}] but got: "
            f"[{b}, {got}].")


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
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
        is_causal: row i attends to columns 0..i only (top-left aligned); with ``attn_mask`` too
            only where PyTorch's CPU build would use its fused kernel (:func:`_fused_cpu`).
        scale: defaults to 1 / sqrt(E).
        enable_gqa: grouped-query attention: key and value have Hk heads (dim -3)
            where query has Hq, a multiple of Hk; each key/value head serves
            Hq / Hk consecutive query heads (repeated, so its gradient sums theirs).

    A row whose every entry is masked out gets zero weights and a zero output
    (and zero gradient), as PyTorch 2.13's math path (``_safe_softmax``).

    Raises:
        TypeError: a non-Tensor or non-float query, key or value; a mask
            that is neither bool nor float.
        ShapeError: E differs between query and key, S between key and
            value, or the mask does not broadcast to (..., L, S).
        InvalidParameterError: both ``attn_mask`` and ``is_causal`` where PyTorch's CPU build runs its
            math kernel (its fused one, picked by :func:`_fused_cpu`, applies both), or ``dropout_p``
            outside [0, 1].
        DimensionError: a 4-D query, key and value with a mask of fewer than 2 dims (PyTorch's
            IndexError from its kernel choice).
        ShapeError (enable_gqa): query's heads are not a multiple of key's and value's.
    """
    q = _check_float("query", query)
    k = _check_float("key", key)
    v = _check_float("value", value)
    gqa = _checks.strict_flag("enable_gqa", enable_gqa)
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ShapeError(
            f"scaled_dot_product_attention: query, key and value need at least 2 dims (..., L, E), "
            f"got shapes {q.shape}, {k.shape} and {v.shape}"
        )
    if q.shape[-2] == 0 or v.numel() == 0:
        return _empty_attention(q, k, v, attn_mask)
    fused = _fused_cpu(q, k, v, attn_mask, dropout_p, gqa)
    if gqa:
        k, v = _repeat_heads(q, k, "key"), _repeat_heads(q, v, "value")
    if not q.dtype == k.dtype == v.dtype:
        raise _MaskDTypeError(
            f"scaled_dot_product_attention: query, key and value must share a dtype, "
            f"got {q.dtype}, {k.dtype} and {v.dtype}"
        )
    if k.shape[-1] != q.shape[-1]:
        raise ShapeError(
            _bmm_words(q.shape, q.shape[-2], q.shape[-1], k.shape[-1], k.shape[-2])
            + f" (scaled_dot_product_attention: key's last dim must equal query's ({q.shape[-1]}), "
            f"got key shape {k.shape} for query shape {q.shape})"
        )
    if v.shape[-2] != k.shape[-2]:
        raise ShapeError(
            _bmm_words(q.shape, q.shape[-2], k.shape[-2], v.shape[-2], v.shape[-1])
            + f" (scaled_dot_product_attention: value must have key's sequence length {k.shape[-2]}, "
            f"got value shape {v.shape} for key shape {k.shape})"
        )
    p = _checks.probability("dropout_p", dropout_p)
    target_len, source_len = q.shape[-2], k.shape[-2]
    mask: Tensor | None = None
    if is_causal and attn_mask is not None and not fused:  # (PyTorch's math kernel's check)
        raise InvalidParameterError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"
        )
    if attn_mask is not None:
        mask = additive_mask(attn_mask, q.dtype, true_means_masked=False, name="attn_mask")
        check_sdpa_mask(mask, q.dtype)
        _check_mask_shape(tuple(mask.shape), q, k)
    if is_causal:  # (with a mask only in the fused kernel, which applies both)
        causal = from_numpy(causal_mask(target_len, source_len, q.dtype))
        mask = causal if mask is None else mask + causal
    # E = 0: PyTorch's 1 / sqrt(0) is inf, and the (empty) scores stay 0, so each query averages the values
    if scale is not None and not isinstance(scale, (int, float, np.integer, np.floating, Tensor)):
        raise _ArgumentTypeError(f"scaled_dot_product_attention(): argument 'scale' must be float, not "
                                 f"{python_type_name(scale)}")
    s = (1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else math.inf) if scale is None else float(scale)
    return attention(q, k, v, mask, p, s)[0]


def _empty_attention(q: Tensor, k: Tensor, v: Tensor, attn_mask: Any) -> Tensor:
    """PyTorch's answer when there are no queries (L = 0) or no values (an empty value): zeros of shape
    (*query's leading dims, L, Ev), not broadcast, connected to the inputs through their sums times 0 (so a
    NaN or inf input makes every entry NaN, and the gradients are zeros), the mask unchecked and unused.

    Raises:
        TypeError: a mask that is neither bool nor float (checked first, as PyTorch).
    """
    if attn_mask is not None:
        check_sdpa_mask(additive_mask(attn_mask, q.dtype, true_means_masked=False, name="attn_mask"), q.dtype)
    zeros = from_numpy(np.zeros((*q.shape[:-1], v.shape[-1]), dtype=q.dtype))
    total = q.sum() + k.sum() + v.sum()
    return zeros + _named(total * 0, total, "MulBackward1", False, total)  # (PyTorch's number overload)


def _fused_cpu(q: Tensor, k: Tensor, v: Tensor, attn_mask: Any, dropout_p: float, gqa: bool) -> bool:
    """Whether PyTorch's CPU build runs its fused (flash) kernel rather than the math one, by its gates in
    their order: flash enabled, no dropout, 4-D inputs with one batch size and head counts that match (or
    divide, with enable_gqa), a 2-D or 4-D mask not requiring grad whose last two sizes are L or 1 and S or 1
    (and leading ones B or 1, H or 1), one head size, nonzero sequence lengths, unit last strides, a float
    dtype. The two kernels differ where a mask meets ``is_causal``: the fused one applies both.

    Raises:
        DimensionError: a mask of fewer than 2 dims reaching the mask gate (PyTorch's IndexError: the gate
            reads its size(-2)).
    """
    if not _cuda._SDP["flash"] or dropout_p > 0 or not q.ndim == k.ndim == v.ndim == 4:
        return False
    (b, hq, length, e), (bk, hk, source, ek), (bv, hv, _, ev) = q.shape, k.shape, v.shape
    if not b == bk == bv or (hk != hv or hq % hk if gqa else not hq == hk == hv):
        return False
    if attn_mask is not None:
        m = attn_mask if isinstance(attn_mask, Tensor) else from_numpy(np.asarray(attn_mask))
        if m.requires_grad:
            return False
        if m.size(-2) not in (length, 1) or m.size(-1) not in (source, 1):
            return False
        if not (m.ndim == 2 or (m.ndim == 4 and m.shape[0] in (b, 1) and m.shape[1] in (hq, 1))):
            return False
    return (e == ek == ev and length > 0 and source > 0 and q.stride(-1) == k.stride(-1) == v.stride(-1) == 1
            and q.dtype.kind == "f")


def _check_mask_shape(mask: tuple[int, ...], q: Tensor, k: Tensor) -> None:
    """PyTorch's errors for a mask that does not broadcast to the scores (..., L, S), or that would grow
    them (it adds the mask to the scores in place): RuntimeErrors, as ShapeError is."""
    try:
        scores = (*np.broadcast_shapes(q.shape[:-2], k.shape[:-2]), q.shape[-2], k.shape[-2])
    except ValueError:
        return  # (the product query @ key^T raises its own error)
    ours = f"(scaled_dot_product_attention: attn_mask of shape {mask} does not fit the scores' {scores})"
    try:
        full = np.broadcast_shapes(scores, mask)
    except ValueError:
        raise ShapeError(f"{size_mismatch(scores, mask)} {ours}") from None
    if full != scores:
        raise ShapeError(f"output with shape {list(scores)} doesn't match the broadcast shape {list(full)} "
                         f"{ours}")


def _repeat_heads(q: Tensor, kv: Tensor, name: str) -> Tensor:
    """kv with each head (dim -3) repeated Hq / Hk times (``repeat_interleave``): grouped-query attention."""
    if q.ndim < 3 or kv.ndim < 3 or q.shape[-3] % kv.shape[-3]:
        raise ShapeError(f"scaled_dot_product_attention with enable_gqa: the number of query heads (dim "
                         f"-3) must be a multiple of {name}'s, got query {q.shape} and {name} {kv.shape}")
    groups = q.shape[-3] // kv.shape[-3]
    if groups == 1:
        return kv
    *lead, heads, seq, width = kv.shape
    repeated = kv.unsqueeze(-3).expand(*lead, heads, groups, seq, width)
    return repeated.reshape(*lead, heads * groups, seq, width)


def additive_mask(mask: Any, dtype: np.dtype[Any], true_means_masked: bool, name: str,
                  asserted: bool = False) -> Tensor:
    """A bool or float mask as a float Tensor to add to attention scores.

    A bool mask becomes 0 / -inf; ``true_means_masked`` says which of True
    and False is -inf (True in ``MultiheadAttention``, False in
    :func:`scaled_dot_product_attention`). A float Tensor is returned as it
    is, so a mask that requires grad keeps its gradient.

    Raises:
        TypeError: the mask is neither bool nor floating point (also PyTorch's class there: an
            AssertionError when ``asserted``, as MultiheadAttention's, else a RuntimeError); a
            float mask of another dtype than ``dtype`` (PyTorch's RuntimeError: it does not cast).
    """
    t = mask if isinstance(mask, Tensor) else from_numpy(np.asarray(mask))
    if t.dtype == np.bool_:
        if dtype.kind != "f":  # (PyTorch fills -inf into a mask of the integer query's dtype)
            raise DTypeError(f"value cannot be converted to type {dtype.name}_t without overflow")
        blocked = t.numpy(force=True) if true_means_masked else ~t.numpy(force=True)
        return from_numpy(np.where(blocked, dtype.type(-np.inf), dtype.type(0.0)))
    if t.dtype.kind != "f":
        error = _AssertedTypeError if asserted else _MaskDTypeError
        raise error(f"{name} must be a bool or floating-point tensor, got dtype {t.dtype}")
    return t


def check_sdpa_mask(mask: Tensor, dtype: np.dtype[Any]) -> None:
    """PyTorch's scaled_dot_product_attention takes a float mask of the query's dtype or float32 (its
    "float"; added to the scores with promotion), and refuses any other float dtype.

    Raises:
        TypeError: the mask's float dtype is neither float32 nor ``dtype`` (PyTorch's RuntimeError).
    """
    if mask.dtype != dtype and mask.dtype != np.float32:
        raise _MaskDTypeError(
            f"Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: "
            f"{scalar_type_name(mask.dtype).lower()} and  query.dtype: "
            f"{scalar_type_name(dtype).lower()} instead."
        )

