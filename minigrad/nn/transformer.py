"""Transformer building blocks: Embedding, MultiheadAttention, TransformerEncoderLayer.

Parameter and sub-module names are PyTorch's (``in_proj_weight``,
``out_proj.weight``, ``self_attn``, ``linear1``, ``norm1``, ...), so a
``state_dict`` copies across to ``torch.nn`` and back unchanged. The math is
in :mod:`minigrad.nn.attention` and :mod:`minigrad.nn.functional`; these
classes hold parameters, validate, and choose policy (dropout only in
training, masks' meaning).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import minigrad.factories as factories
from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.attention import additive_mask, attention, causal_mask, embedding, normalize_padding_idx
from minigrad.nn.dropout import Dropout
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module, Parameter
from minigrad.nn.normalization import LayerNorm
from minigrad.tensor import DTypeLike, Tensor

__all__ = ["Embedding", "MultiheadAttention", "TransformerEncoderLayer"]


class Embedding(Module):
    """A lookup table: row ``i`` of ``weight`` is the vector of index ``i``.

    Args:
        num_embeddings: size of the vocabulary (rows of ``weight``).
        embedding_dim: length of each vector.
        padding_idx: a row (negative counts from the end) that starts at
            zero and never receives a gradient, for padding tokens.
        dtype: of ``weight``; float32 by default.

    Shapes: input (*) of int indices -> (*, embedding_dim).
    ``weight`` is drawn from N(0, 1) with minigrad's seeded generator.

    Raises:
        InvalidParameterError: a negative size, a non-int, a ``padding_idx``
            outside [-num_embeddings, num_embeddings), a non-float dtype.
    """

    weight: Parameter

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 dtype: DTypeLike = None, *, _weight: Tensor | None = None, _freeze: bool = False) -> None:
        super().__init__()
        self.num_embeddings = _checks.nonnegative_int("num_embeddings", num_embeddings)
        self.embedding_dim = _checks.nonnegative_int("embedding_dim", embedding_dim)
        self.padding_idx = (None if padding_idx is None
                            else normalize_padding_idx(padding_idx, self.num_embeddings))
        dt = _checks.float_dtype(dtype)
        if _weight is not None:
            # from_pretrained: the given table as it is (padding row included), no random draw
            if _weight.shape != (self.num_embeddings, self.embedding_dim):
                raise ShapeError(
                    f"Embedding: _weight must be {(self.num_embeddings, self.embedding_dim)}, "
                    f"got {_weight.shape}"
                )
            self.weight = Parameter(_weight.numpy().astype(dt, copy=True), requires_grad=not _freeze)
            return
        self.weight = Parameter(factories.randn(self.num_embeddings, self.embedding_dim, dtype=dt))
        if self.padding_idx is not None:
            self.weight.numpy()[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        padding_idx: int | None = None) -> Embedding:
        """An Embedding whose weight is a copy of the 2-D ``embeddings`` (frozen by default).

        Raises:
            ShapeError: ``embeddings`` is not 2-D.
        """
        if embeddings.ndim != 2:
            raise ShapeError(
                f"Embedding.from_pretrained: embeddings must be 2-D, got shape {embeddings.shape}"
            )
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx=padding_idx, dtype=embeddings.dtype, _weight=embeddings,
                   _freeze=freeze)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``weight[input]``; see :func:`minigrad.nn.functional.embedding`."""
        return embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        """``num_embeddings, embedding_dim[, padding_idx=p]``."""
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"


class MultiheadAttention(Module):
    """Multi-head scaled dot-product attention, PyTorch's ``nn.MultiheadAttention``.

    ``query``, ``key`` and ``value`` are projected by the rows of
    ``in_proj_weight`` (3E, E) (first E rows for q, then k, then v) plus
    ``in_proj_bias`` (3E,), split into ``num_heads`` heads of E / num_heads,
    attended per head, concatenated and projected by ``out_proj``.

    Args:
        embed_dim: E, the model width.
        num_heads: number of heads; must divide ``embed_dim``.
        dropout: probability of dropping an attention weight in training.
        bias: learn ``in_proj_bias`` and ``out_proj.bias`` (initialised to 0).
        batch_first: must be True: inputs are (N, L, E).
        dtype: of the parameters; float32 by default.

    ``in_proj_weight`` is Xavier-uniform, ``out_proj.weight`` is Linear's
    default U(±1/sqrt(E)), both from minigrad's seeded generator.

    Raises:
        InvalidParameterError: ``embed_dim`` not divisible by ``num_heads``,
            non-positive sizes, ``dropout`` outside [0, 1), ``batch_first=False``.
    """

    in_proj_weight: Parameter
    in_proj_bias: Parameter | None
    out_proj: Linear

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 batch_first: bool = True, dtype: DTypeLike = None) -> None:
        super().__init__()
        self.embed_dim = _checks.positive_int("embed_dim", embed_dim)
        self.num_heads = _checks.positive_int("num_heads", num_heads)
        if embed_dim % num_heads:
            raise InvalidParameterError(
                "embed_dim must be divisible by num_heads, "
                f"got embed_dim={embed_dim} and num_heads={num_heads}"
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise InvalidParameterError(f"dropout must be a number in [0, 1), got dropout={dropout!r}")
        if not _checks.flag("batch_first", batch_first):
            raise InvalidParameterError(
                "batch_first=False is not supported: minigrad's MultiheadAttention takes (N, L, E) "
                "inputs; pass batch_first=True"
            )
        bias = _checks.flag("bias", bias)
        dt = _checks.float_dtype(dtype)
        self.dropout = float(dropout)
        self.batch_first = True
        self.head_dim = embed_dim // num_heads
        self.kdim = self.vdim = self.embed_dim
        self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype=dt))
        if bias:
            self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype=dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dt)
        init.xavier_uniform_(self.in_proj_weight)
        if self.out_proj.bias is not None:
            init.zeros_(self.out_proj.bias)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        attn_mask: Tensor | None = None,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = False,
        is_causal: bool = False,
        *,
        average_attn_weights: bool = True,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns ``(output, weights or None)``.

        Shapes: query (N, L, E), key and value (N, S, E) -> output (N, L, E);
        unbatched (L, E), (S, E) also work. ``weights`` (only with
        ``need_weights=True``) are the attention probabilities (after
        dropout), averaged over heads to (N, L, S), or (N, num_heads, L, S)
        with ``average_attn_weights=False``.

        Args:
            attn_mask: (L, S) or (N * num_heads, L, S). Bool: True means
                "may not attend". Float: added to the scores.
            key_padding_mask: (N, S). Bool: True marks a padding key that
                nobody attends to. Float: added to the scores.
            is_causal: with no ``attn_mask``, position i attends to keys
                0..i only (PyTorch raises instead; here it builds the causal
                mask). With an ``attn_mask`` it is a hint and the mask is used.

        A query that may attend to no key gets a zero output (PyTorch gives
        zeros on its default path, ``need_weights=False``, but NaN with
        ``need_weights=True``; minigrad gives zeros on both).

        Raises:
            ShapeError: wrong ranks, a feature size other than ``embed_dim``,
                key/value or mask shapes that do not fit.
            TypeError: a mask neither bool nor float, or query/key/value not a Tensor.
        """
        for name, t in (("query", query), ("key", key), ("value", value)):
            _checks.tensor("MultiheadAttention", t, name)
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ShapeError(
                "MultiheadAttention: query, key and value must all be (N, L, E) or all unbatched (L, E), "
                f"got shapes {query.shape}, {key.shape} and {value.shape}"
            )
        batched = query.ndim == 3
        if not batched:
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
            if key_padding_mask is not None:
                key_padding_mask = _unsqueeze0(key_padding_mask)
        n, tgt_len, e = query.shape
        src_len = key.shape[1]
        if e != self.embed_dim or key.shape[2] != e or value.shape[2] != e:
            raise ShapeError(
                f"MultiheadAttention: expected a last dim of embed_dim={self.embed_dim}, got query "
                f"{query.shape}, key {key.shape} and value {value.shape}"
            )
        if key.shape[:2] != value.shape[:2] or key.shape[0] != n:
            raise ShapeError(
                f"MultiheadAttention: key and value must be (N, S, E) with query's N={n}, got key "
                f"{key.shape} and value {value.shape}"
            )
        mask = self._mask(attn_mask, key_padding_mask, is_causal, n, tgt_len, src_len, query.dtype)
        w, b = self.in_proj_weight, self.in_proj_bias
        q = self._heads(query, w[:e], None if b is None else b[:e])
        k = self._heads(key, w[e : 2 * e], None if b is None else b[e : 2 * e])
        v = self._heads(value, w[2 * e :], None if b is None else b[2 * e :])
        dropout_p = self.dropout if self.training else 0.0
        out, weights = attention(q, k, v, mask, dropout_p, 1.0 / math.sqrt(self.head_dim))
        out = out.permute(0, 2, 1, 3).reshape(n * tgt_len, e)
        out = F.linear(out, self.out_proj.weight, self.out_proj.bias).reshape(n, tgt_len, e)
        result: Tensor | None = None
        if need_weights:
            result = weights.mean(1) if average_attn_weights else weights
            if not batched:
                result = result.squeeze(0)
        if not batched:
            out = out.squeeze(0)
        return out, result

    def _heads(self, x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """(N, L, E) -> projected and split into heads, (N, H, L, D)."""
        n, length, e = x.shape
        # One 2-D matmul over all N * L rows: BLAS runs a single GEMM (and one
        # for each gradient) instead of N small ones plus a reduction.
        y = F.linear(x.reshape(n * length, e), weight, bias)
        return y.reshape(n, length, self.num_heads, self.head_dim).permute(0, 2, 1, 3)

    def _mask(self, attn_mask: Any, key_padding_mask: Any, is_causal: bool, n: int, tgt_len: int,
              src_len: int, dtype: np.dtype[Any]) -> Tensor | None:
        """The additive mask, broadcastable to (N, H, L, S), or None."""
        mask: Tensor | None = None
        if attn_mask is not None:
            mask = additive_mask(attn_mask, dtype, true_means_masked=True, name="attn_mask")
            if mask.ndim == 2:
                if mask.shape != (tgt_len, src_len):
                    raise ShapeError(
                        f"MultiheadAttention: a 2-D attn_mask must be (L, S) = {(tgt_len, src_len)}, "
                        f"got {mask.shape}"
                    )
            elif mask.ndim == 3:
                expected = (n * self.num_heads, tgt_len, src_len)
                if mask.shape != expected:
                    raise ShapeError(
                        f"MultiheadAttention: a 3-D attn_mask must be (N * num_heads, L, S) = {expected}, "
                        f"got {mask.shape}"
                    )
                mask = mask.reshape(n, self.num_heads, tgt_len, src_len)
            else:
                raise ShapeError(f"MultiheadAttention: attn_mask must be 2-D or 3-D, got shape {mask.shape}")
        elif is_causal:
            mask = Tensor._wrap(causal_mask(tgt_len, src_len, dtype))
        if key_padding_mask is not None:
            pad = additive_mask(key_padding_mask, dtype, true_means_masked=True, name="key_padding_mask")
            if pad.shape != (n, src_len):
                raise ShapeError(
                    f"MultiheadAttention: key_padding_mask must be (N, S) = {(n, src_len)}, got {pad.shape}"
                )
            pad = pad.reshape(n, 1, 1, src_len)
            mask = pad if mask is None else mask + pad
        return mask

    def extra_repr(self) -> str:
        """Sizes and dropout."""
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
                "batch_first=True")


def _unsqueeze0(mask: Any) -> Tensor:
    t = mask if isinstance(mask, Tensor) else Tensor._wrap(np.asarray(mask))
    return t.unsqueeze(0)


_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {"relu": F.relu, "gelu": F.gelu}


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual and a LayerNorm.

    ``norm_first=False`` (post-norm, the original Transformer)::

        x = norm1(x + dropout1(self_attn(x)))
        x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))

    ``norm_first=True`` (pre-norm, as in GPT-2) normalises the input of each
    block instead: ``x = x + dropout1(self_attn(norm1(x)))``, then the same
    for the feed-forward block with ``norm2``.

    Args mirror PyTorch's: ``activation`` is 'relu', 'gelu' or a callable
    (a Module is registered as a sub-module); ``dropout`` is used in the
    attention weights and after each block; ``bias`` applies to every Linear
    and LayerNorm. Shapes: src (N, L, d_model) -> (N, L, d_model).

    Raises:
        InvalidParameterError: bad sizes, ``dropout`` outside [0, 1), an
            unknown activation name, ``batch_first=False``.
    """

    self_attn: MultiheadAttention
    linear1: Linear
    dropout: Dropout
    linear2: Linear
    norm1: LayerNorm
    norm2: LayerNorm
    dropout1: Dropout
    dropout2: Dropout

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = "relu", batch_first: bool = True,
                 norm_first: bool = False, layer_norm_eps: float = 1e-5, bias: bool = True,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        # checked here too so that the message names this layer's arguments, not MultiheadAttention's
        d_model = _checks.positive_int("d_model", d_model)
        nhead = _checks.positive_int("nhead", nhead)
        if d_model % nhead:
            raise InvalidParameterError(
                f"d_model must be divisible by nhead (its attention's num_heads), got d_model={d_model}, "
                f"nhead={nhead} (num_heads={nhead})"
            )
        _checks.positive_float("layer_norm_eps", layer_norm_eps)
        dim_feedforward = _checks.positive_int("dim_feedforward", dim_feedforward)
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise InvalidParameterError(
                    f"activation should be 'relu' or 'gelu', got activation={activation!r}"
                )
            act: Callable[[Tensor], Tensor] = _ACTIVATIONS[activation]
        elif callable(activation):
            act = activation
        else:
            raise InvalidParameterError(
                f"activation must be 'relu', 'gelu' or a callable, got activation={activation!r}"
            )
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = _checks.flag("norm_first", norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = act
        self.batch_first = True

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        """One encoder layer over ``src`` (N, L, d_model); masks as in :class:`MultiheadAttention`.

        Raises:
            ShapeError: ``src`` is not (N, L, d_model) or (L, d_model), or a mask does not fit.
            TypeError: ``src`` is not a Tensor.
        """
        x = _checks.tensor("TransformerEncoderLayer", src, "src")
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool) -> Tensor:
        out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]
        result: Tensor = self.dropout1(out)
        return result

    def _ff_block(self, x: Tensor) -> Tensor:
        # Rows of a 2-D matrix: each Linear is then one GEMM forward and one per
        # gradient, not a batch of small ones plus a reduction for the weight.
        rows = x.reshape(-1, x.shape[-1]) if x.ndim > 2 else x
        hidden = self.dropout(self.activation(self.linear1(rows)))
        result: Tensor = self.dropout2(self.linear2(hidden))
        return result.reshape(x.shape)
