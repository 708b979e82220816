"""``F.multi_head_attention_forward``: multi-head attention with its weights as arguments, the math of
``nn.MultiheadAttention`` (which calls :func:`mha_forward` with itself as the weights).

Queries, keys and values are projected (one 2-D matmul each), split into heads, attended by the
shared ``attention`` core, joined and projected out; gradients come from the primitives.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minigrad.dtypes import scalar_type_name
from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    UnsupportedError,
    _AssertedShapeError,
    _MaskDTypeError,
    public_stacklevel,
)
from minigrad.nn import _checks
from minigrad.nn.functional.attention import additive_mask, attention, causal_mask, check_sdpa_mask
from minigrad.nn.functional.linear import linear
from minigrad.tensor import Tensor, cat, from_numpy

__all__ = ["multi_head_attention_forward"]


class _AttentionWeights:
    """The weights and settings :func:`mha_forward` reads from a MultiheadAttention, given as arguments."""

    batch_first = False

    def __init__(self, **settings: Any) -> None:
        self.__dict__.update(settings)


def multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None, bias_v: Tensor | None,
    add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
    training: bool = True, key_padding_mask: Tensor | None = None, need_weights: bool = True,
    attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None, static_k: Tensor | None = None, static_v: Tensor | None = None,
    average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """MultiheadAttention's forward with its weights as arguments: query (L, N, E) or (L, E), key
    (S, N, kdim), value (S, N, vdim) -> (output (L, N, E), weights (N, L, S) or None).

    ``in_proj_weight`` (3E, E) holds the three projections, or with ``use_separate_proj_weight``
    ``q_proj_weight``/``k_proj_weight``/``v_proj_weight`` do; masks and flags as the module's forward.

    Raises:
        ShapeError: query's last dim is not ``embed_dim_to_check`` (also PyTorch's AssertionError), or
            the module's shape errors.
        UnsupportedError: ``static_k``/``static_v`` (precomputed keys and values).
    """
    if static_k is not None or static_v is not None:
        raise UnsupportedError("multi_head_attention_forward: static_k/static_v are not supported")
    e = query.shape[-1]
    if e != embed_dim_to_check:
        raise _AssertedShapeError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {e}")
    if use_separate_proj_weight:
        in_proj_weight = None
    else:
        q_proj_weight = k_proj_weight = v_proj_weight = None
    weights = _AttentionWeights(
        embed_dim=e, num_heads=num_heads, head_dim=e // num_heads, kdim=key.shape[-1], vdim=value.shape[-1],
        in_proj_weight=in_proj_weight, q_proj_weight=q_proj_weight, k_proj_weight=k_proj_weight,
        v_proj_weight=v_proj_weight, in_proj_bias=in_proj_bias, bias_k=bias_k, bias_v=bias_v,
        add_zero_attn=add_zero_attn, dropout=dropout_p, training=training,
        out_proj=_AttentionWeights(weight=out_proj_weight, bias=out_proj_bias))
    return mha_forward(weights, query, key, value, key_padding_mask, need_weights, attn_mask,
                       average_attn_weights, is_causal, safe=not need_weights)


def mha_forward(m: Any, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                need_weights: bool, attn_mask: Tensor | None, average_attn_weights: bool,
                is_causal: bool, safe: bool) -> tuple[Tensor, Tensor | None]:
    """:meth:`nn.MultiheadAttention.forward` with ``m`` (the module, or :class:`_AttentionWeights`) holding
    the weights and settings; see there for shapes, masks and errors. ``safe``: a row with no key to attend
    to gives zeros (PyTorch's SDPA path), else NaN (its explicit softmax, and its fused inference kernel)."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        _checks.tensor("MultiheadAttention", t, name)
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        layout = "(N, L, E)" if m.batch_first else "(L, N, E)"
        raise _AssertedShapeError(
            f"MultiheadAttention: query, key and value must all be {layout} or all unbatched (L, E), "
            f"got shapes {query.shape}, {key.shape} and {value.shape}"
        )
    batched = query.ndim == 3
    seq_major = batched and not m.batch_first
    _mask_dims(query.ndim, key_padding_mask, attn_mask,
               (query.shape[1 if seq_major else 0], key.shape[0 if seq_major else -2]))
    if is_causal and attn_mask is None:
        raise InvalidParameterError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
            "`generate_square_subsequent_mask` to create this mask. (MultiheadAttention: is_causal=True is "
            "a hint about attn_mask, which must be given)")
    if not batched:
        query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
        if key_padding_mask is not None:
            key_padding_mask = _unsqueeze0(key_padding_mask)
    # (N, L, E) when batch-first or unbatched, else (L, N, E): the projections
    # run on the rows as they lie and only the head split differs.
    seq_first = batched and not m.batch_first
    batch_dim, seq_dim = (1, 0) if seq_first else (0, 1)
    n, tgt_len, e = query.shape[batch_dim], query.shape[seq_dim], query.shape[2]
    src_len = key.shape[seq_dim]
    # PyTorch asserts these shapes: its AssertionError too
    if e != m.embed_dim or key.shape[2] != m.kdim or value.shape[2] != m.vdim:
        first = (f"was expecting embedding dimension of {m.embed_dim}, but got {e}. " if e != m.embed_dim
                 else "")  # (PyTorch's words first)
        raise _AssertedShapeError(
            f"{first}MultiheadAttention: expected last dims embed_dim={m.embed_dim} (query), "
            f"kdim={m.kdim} (key) and vdim={m.vdim} (value), got query {query.shape}, "
            f"key {key.shape} and value {value.shape}"
        )
    if key.shape[:2] != value.shape[:2] or key.shape[batch_dim] != n:
        raise _AssertedShapeError(
            f"MultiheadAttention: key and value must share their first two dims and query's batch "
            f"size N={n}, got key {key.shape} and value {value.shape}"
        )
    if is_causal and key_padding_mask is None and not need_weights:
        # PyTorch trusts the hint here: it drops attn_mask and applies its own causal mask
        attn_mask = None
    # a causal mask built from the hint covers the bias_k / zero-attention keys too (PyTorch's SDPA is_causal)
    extra = (m.bias_k is not None) + bool(m.add_zero_attn) if attn_mask is None and is_causal else 0
    mask = _mask(m, attn_mask, key_padding_mask, is_causal, n, tgt_len, src_len, query.dtype, extra)
    if mask is not None and mask.dtype != query.dtype:
        # PyTorch keeps a float mask's dtype (adding a converted bool key_padding_mask promotes it): its
        # weights path (baddbmm) then wants the query's dtype, its fused path takes float32 too
        if need_weights:
            raise _MaskDTypeError(
                f"Input dtypes must be the same, got: input {scalar_type_name(mask.dtype).lower()}, batch1: "
                f"{scalar_type_name(query.dtype).lower()}, batch2: {scalar_type_name(query.dtype).lower()}")
        check_sdpa_mask(mask, query.dtype)
    b = m.in_proj_bias
    b_q, b_k, b_v = (None, None, None) if b is None else (b[:e], b[e : 2 * e], b[2 * e :])
    if m.in_proj_weight is not None:
        w = m.in_proj_weight
        w_q, w_k, w_v = w[:e], w[e : 2 * e], w[2 * e :]
    else:
        assert m.q_proj_weight is not None and m.k_proj_weight is not None
        assert m.v_proj_weight is not None
        w_q, w_k, w_v = m.q_proj_weight, m.k_proj_weight, m.v_proj_weight
    q = _heads(m, query, w_q, b_q, seq_first)
    k = _heads(m, key, w_k, b_k, seq_first)
    v = _heads(m, value, w_v, b_v, seq_first)
    k, v, mask = _extra_keys(m, k, v, mask)
    dropout_p = m.dropout if m.training else 0.0
    out, weights = attention(q, k, v, mask, dropout_p, 1.0 / math.sqrt(m.head_dim), safe=safe)
    # (N, H, L, D) back to the input's layout, heads concatenated, then out_proj on the rows
    # Rows in (L, N) order whatever the layout: PyTorch's batch-first output is then, as here, the
    # transpose of an (L, N, E) block, which decides the order in which a dropout or a *_like on it draws.
    rows = linear(out.permute(2, 0, 1, 3).reshape(tgt_len * n, e), m.out_proj.weight, m.out_proj.bias)
    out = rows.reshape(tgt_len, n, e) if seq_first else rows.reshape(tgt_len, n, e).transpose(0, 1)
    result: Tensor | None = None
    if need_weights:
        result = weights.mean(1) if average_attn_weights else weights
        if not batched:
            result = result.squeeze(0)
    if not batched:
        out = out.squeeze(0)
    return out, result


def _heads(m: Any, x: Tensor, weight: Tensor, bias: Tensor | None, seq_first: bool) -> Tensor:
    """(N, L, E_in) or (L, N, E_in) -> projected and split into heads, (N, H, L, D)."""
    a, b, e_in = x.shape
    # One 2-D matmul over all rows: BLAS runs a single GEMM (and one
    # for each gradient) instead of N small ones plus a reduction.
    y = linear(x.reshape(a * b, e_in), weight, bias).reshape(a, b, m.num_heads, m.head_dim)
    return y.permute(1, 2, 0, 3) if seq_first else y.permute(0, 2, 1, 3)

def _extra_keys(m: Any, k: Tensor, v: Tensor, mask: Tensor | None) -> tuple[Tensor, Tensor, Tensor | None]:
    """Append ``bias_k``/``bias_v`` and the zero attention position (PyTorch's order)."""
    n, h, _, d = k.shape
    extra = 0
    if m.bias_k is not None and m.bias_v is not None:
        k = cat([k, m.bias_k.reshape(1, h, 1, d).expand(n, h, 1, d)], dim=2)
        v = cat([v, m.bias_v.reshape(1, h, 1, d).expand(n, h, 1, d)], dim=2)
        extra += 1
    if m.add_zero_attn:
        zeros = from_numpy(np.zeros((n, h, 1, d), dtype=k.dtype))
        k, v = cat([k, zeros], dim=2), cat([v, zeros], dim=2)
        extra += 1
    if extra and mask is not None and mask.shape[-1] < k.shape[2]:
        # the new positions are never masked (PyTorch pads the masks with 0)
        mask = cat([mask, from_numpy(np.zeros((*mask.shape[:-1], extra), dtype=mask.dtype))], dim=-1)
    return k, v, mask

def _mask_dims(query_dims: int, key_padding_mask: Any, attn_mask: Any, ns: tuple[int, int]) -> None:
    """PyTorch's asserts on the masks' numbers of dims for a batched (3-D) or unbatched query, its words
    (``ns``: the batch size N and source length S a key_padding_mask must match)."""
    kind = "batched (3-D)" if query_dims == 3 else "unbatched (2-D)"
    want = 2 if query_dims == 3 else 1
    if isinstance(key_padding_mask, Tensor) and key_padding_mask.ndim != want:
        shape = f"(N, S) = {ns}" if want == 2 else f"(S,) = {ns[1:]}"
        raise _AssertedShapeError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or {want}-D "
                                  f"but found {key_padding_mask.ndim}-D tensor instead (MultiheadAttention: "
                                  f"key_padding_mask must be {shape}, got {key_padding_mask.shape})")
    if isinstance(attn_mask, Tensor) and attn_mask.ndim not in (2, 3):
        raise _AssertedShapeError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                  f"found {attn_mask.ndim}-D tensor instead")


def _mask(m: Any, attn_mask: Any, key_padding_mask: Any, is_causal: bool, n: int, tgt_len: int,
          src_len: int, dtype: np.dtype[Any], extra: int = 0) -> Tensor | None:
    """The additive mask, broadcastable to (N, H, L, S), or None (``extra`` more keys when causal)."""
    _warn_if_mismatched(attn_mask, key_padding_mask, "key_padding_mask and attn_mask")
    mask: Tensor | None = None
    if attn_mask is not None:
        mask = additive_mask(attn_mask, dtype, true_means_masked=True, name="attn_mask", asserted=True)
        if mask.ndim == 2:
            if mask.shape != (tgt_len, src_len):  # (PyTorch's words)
                raise ShapeError(f"The shape of the 2D attn_mask is torch.Size({list(mask.shape)}), but "
                                 f"should be {(tgt_len, src_len)}. (MultiheadAttention: a 2-D attn_mask must "
                                 f"be (L, S) = {(tgt_len, src_len)}, got {mask.shape})")
        elif mask.ndim == 3:
            expected = (n * m.num_heads, tgt_len, src_len)
            if mask.shape != expected:
                raise ShapeError(f"The shape of the 3D attn_mask is torch.Size({list(mask.shape)}), but "
                                 f"should be {expected}. (MultiheadAttention: a 3-D attn_mask must be "
                                 f"(N * num_heads, L, S) = {expected}, got {mask.shape})")
            mask = mask.reshape(n, m.num_heads, tgt_len, src_len)
        else:
            raise ShapeError(f"MultiheadAttention: attn_mask must be 2-D or 3-D, got shape {mask.shape}")
    elif is_causal:
        mask = from_numpy(causal_mask(tgt_len, src_len + extra, dtype))
    if key_padding_mask is not None:
        pad = additive_mask(key_padding_mask, dtype, true_means_masked=True, name="key_padding_mask",
                            asserted=True)
        if pad.shape != (n, src_len):  # (PyTorch's words)
            d = 0 if pad.shape[0] != n else 1
            raise _AssertedShapeError(f"Expected key_padded_mask.shape[{d}] to be {(n, src_len)[d]}, but got "
                                      f"{pad.shape[d]}")
        pad = pad.reshape(n, 1, 1, src_len)
        if extra:
            pad = cat([pad, from_numpy(np.zeros((n, 1, 1, extra), dtype=pad.dtype))], dim=-1)
        mask = pad if mask is None else mask + pad
    return mask


def _warn_if_mismatched(attn_mask: Any, key_padding_mask: Any, names: str) -> None:
    if attn_mask is not None and key_padding_mask is not None and (
            _is_bool(attn_mask) != _is_bool(key_padding_mask)):
        warnings.warn(f"Support for mismatched {names} is deprecated. Use same type for both instead.",
                      stacklevel=public_stacklevel(4))


def float_masks(src_mask: Any, src_key_padding_mask: Any, dtype: np.dtype[Any]) -> tuple[Any, Any]:
    """An encoder layer's masks as PyTorch's layer hands them to its attention (``F._canonical_mask``): a
    bool one as 0 / -inf of ``dtype``, a float one as it is; warns when one is bool and the other float.

    Raises:
        TypeError: a mask neither bool nor float (also PyTorch's AssertionError).
    """
    _warn_if_mismatched(src_mask, src_key_padding_mask, "src_key_padding_mask and src_mask")
    def canonical(m: Any, name: str) -> Tensor | None:
        return None if m is None else additive_mask(m, dtype, True, name, asserted=True)
    return canonical(src_mask, "src_mask"), canonical(src_key_padding_mask, "src_key_padding_mask")


def _is_bool(mask: Any) -> bool:
    return bool(np.asarray(mask.numpy(force=True) if isinstance(mask, Tensor) else mask).dtype == np.bool_)


def _unsqueeze0(mask: Any) -> Tensor:
    t = mask if isinstance(mask, Tensor) else from_numpy(np.asarray(mask))
    return t.unsqueeze(0)
