"""Transformer building blocks: Embedding, MultiheadAttention, the encoder/decoder layers and stacks.

Parameter and sub-module names are PyTorch's (``in_proj_weight``,
``out_proj.weight``, ``self_attn``, ``linear1``, ``norm1``, ...), so a
``state_dict`` copies across to ``torch.nn`` and back unchanged. The math is
in :mod:`minigrad.nn.attention` and :mod:`minigrad.nn.functional`; these
classes hold parameters, validate, and choose policy (dropout only in
training, masks' meaning).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import minigrad.factories as factories
from minigrad import backends
from minigrad.amp import is_autocast_enabled
from minigrad.dtypes import resolve_dtype
from minigrad.errors import (
    DimensionError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    _ArgumentTypeError,
    _AssertedParameterError,
    _AssertedShapeError,
    _AssertedTypeError,
    _IndexParameterError,
)
from minigrad.grad_mode import is_grad_enabled
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.activation import GELU, ReLU
from minigrad.nn.container import ModuleList
from minigrad.nn.dropout import Dropout
from minigrad.nn.functional.embedding import empty_padding_row_error, normalize_padding_idx
from minigrad.nn.functional.multihead import float_masks, mha_forward
from minigrad.nn.linear import Linear, NonDynamicallyQuantizableLinear
from minigrad.nn.module import Module, Parameter
from minigrad.nn.normalization import LayerNorm
from minigrad.tensor import DTypeLike, Tensor, from_numpy

__all__ = [
    "Embedding", "MultiheadAttention", "Transformer", "TransformerDecoder", "TransformerDecoderLayer",
    "TransformerEncoder", "TransformerEncoderLayer",
]  # fmt: skip


class Embedding(Module):
    """A lookup table: row ``i`` of ``weight`` is the vector of index ``i``.

    Args:
        num_embeddings: size of the vocabulary (rows of ``weight``).
        embedding_dim: length of each vector.
        padding_idx: a row (negative counts from the end) that starts at
            zero and never receives a gradient, for padding tokens.
        max_norm, norm_type: renormalize each looked-up row to at most
            ``max_norm`` in the ``norm_type``-norm, in place (see
            :func:`minigrad.nn.functional.embedding`).
        scale_grad_by_freq: divide each row's gradient by how often the row occurs in the
            input (see :func:`minigrad.nn.functional.embedding`).
        sparse: mark the weight's gradient as PyTorch's sparse one: it stays a
            dense array, and the rows looked up are recorded, so that
            :class:`minigrad.optim.SparseAdam` updates exactly those rows.
        device: ``None`` or the CPU.
        dtype: of ``weight``; float32 by default.

    Shapes: input (*) of int indices -> (*, embedding_dim).
    ``weight`` is drawn from N(0, 1) with minigrad's seeded generator.

    Raises:
        InvalidParameterError: a negative size, a non-int (also a TypeError), a
            ``padding_idx`` outside [-num_embeddings, num_embeddings) (also an
            AssertionError, as PyTorch's assert), a non-float dtype.
        ShapeError: ``_weight`` not (num_embeddings, embedding_dim) (also an AssertionError).
    """

    weight: Parameter

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Tensor | None = None, _freeze: bool = False,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        for name, size in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if _checks.is_int(size) and size < 0:  # (PyTorch's words: torch.empty's, then ours)
                raise InvalidParameterError(
                    f"Trying to create tensor with negative dimension {size}: [{num_embeddings}, "
                    f"{embedding_dim}] ({name} must be a non-negative int, got {name}={size!r})")
        self.num_embeddings = _checks.nonnegative_int("num_embeddings", num_embeddings)
        self.embedding_dim = _checks.nonnegative_int("embedding_dim", embedding_dim)
        self.padding_idx = (None if padding_idx is None
                            else normalize_padding_idx(padding_idx, self.num_embeddings))
        self.max_norm = None if max_norm is None else _checks.number("max_norm", max_norm)
        self.norm_type = _checks.number("norm_type", norm_type)
        self.scale_grad_by_freq = _checks.strict_flag("scale_grad_by_freq", scale_grad_by_freq)
        self.sparse = _checks.strict_flag("sparse", sparse)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        if _weight is None and self.padding_idx == 0 == self.num_embeddings:
            raise empty_padding_row_error("Embedding")
        if _weight is not None:
            # from_pretrained: the given table as it is (padding row included), no random draw
            if _weight.shape != (self.num_embeddings, self.embedding_dim):  # (asserted by PyTorch)
                raise _AssertedShapeError(
                    f"Shape of weight does not match num_embeddings and embedding_dim (Embedding: _weight "
                    f"must be {(self.num_embeddings, self.embedding_dim)}, "
                    f"got {_weight.shape}"
                )
            self.weight = Parameter(_weight.numpy(force=True).astype(dt, copy=True),
                                    requires_grad=not _freeze)
            return
        self.weight = Parameter(factories.randn(self.num_embeddings, self.embedding_dim, dtype=dt))
        if self.padding_idx is not None:
            self.weight.numpy(force=True)[self.padding_idx] = 0.0

    def reset_parameters(self) -> None:
        """weight drawn again from N(0, 1), the padding row zeroed (what a fresh Embedding holds)."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        # (PyTorch's private helper, which some scripts call after writing their own init)
        if self.padding_idx is not None:
            init.zeros_(self.weight[self.padding_idx])

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, sparse: bool = False) -> Embedding:
        """An Embedding whose weight is a copy of the 2-D ``embeddings`` (frozen by default).

        Raises:
            ShapeError: ``embeddings`` is not 2-D (also an AssertionError, as PyTorch's).
        """
        if embeddings.ndim != 2:  # PyTorch asserts this: its AssertionError too
            raise _AssertedShapeError(
                f"Embeddings parameter is expected to be 2-dimensional (Embedding.from_pretrained: embeddings"
                f" must be 2-D, got shape {embeddings.shape})"
            )
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   dtype=embeddings.dtype, _weight=embeddings, _freeze=freeze)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """``weight[input]``; see :func:`minigrad.nn.functional.embedding` (its public form, which hands a
        Tensor subclass input to ``__torch_function__``, as PyTorch's)."""
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        """``num_embeddings, embedding_dim`` and the options that differ from their defaults."""
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        return text + (", sparse=True" if self.sparse else "")


class MultiheadAttention(Module):
    """Multi-head scaled dot-product attention, PyTorch's ``nn.MultiheadAttention``.

    ``query``, ``key`` and ``value`` are projected (q by the first E rows of
    ``in_proj_weight`` (3E, E), k by the next E, v by the last E, plus the
    matching thirds of ``in_proj_bias`` (3E,)), split into ``num_heads`` heads
    of E / num_heads, attended per head, concatenated and projected by
    ``out_proj``. When ``kdim`` or ``vdim`` differ from E the projections are
    separate parameters instead, as in PyTorch: ``q_proj_weight`` (E, E),
    ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim).

    Args:
        embed_dim: E, the model width.
        num_heads: number of heads; must divide ``embed_dim``.
        dropout: probability of dropping an attention weight in training.
        bias: learn ``in_proj_bias`` and ``out_proj.bias`` (initialised to 0).
        add_bias_kv: learn ``bias_k`` and ``bias_v`` (1, 1, E), appended to the
            projected keys and values as one more source position.
        add_zero_attn: append a zero key and value (after ``bias_k``/``bias_v``).
        kdim, vdim: feature sizes of key and value (default E).
        batch_first: inputs are (N, L, E) if True, (L, N, E) if False (the default, as PyTorch).
        device: accepted for PyTorch code; only the CPU exists.
        dtype: of the parameters; float32 by default.

    ``in_proj_weight`` (or each of the three projections) is Xavier-uniform,
    ``out_proj.weight`` is Linear's default U(±1/sqrt(E)), ``bias_k``/``bias_v``
    are Xavier-normal, all from minigrad's seeded generator.

    Raises:
        InvalidParameterError: ``embed_dim`` not divisible by ``num_heads``,
            non-positive sizes, ``dropout`` outside [0, 1], a non-bool flag.
    """

    in_proj_weight: Parameter | None
    q_proj_weight: Parameter | None
    k_proj_weight: Parameter | None
    v_proj_weight: Parameter | None
    in_proj_bias: Parameter | None
    out_proj: Linear
    bias_k: Parameter | None
    bias_v: Parameter | None

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        _assert_head_split(embed_dim, num_heads)
        self.embed_dim = _checks.positive_int("embed_dim", embed_dim)
        self.num_heads = _checks.positive_int("num_heads", num_heads)
        if embed_dim % num_heads:  # (an assert in PyTorch: an AssertionError too)
            raise _AssertedParameterError(
                "embed_dim must be divisible by num_heads, "
                f"got embed_dim={embed_dim} and num_heads={num_heads}"
            )
        _checks.probability("dropout", dropout)
        self.kdim = embed_dim if kdim is None else _checks.positive_int("kdim", kdim)
        self.vdim = embed_dim if vdim is None else _checks.positive_int("vdim", vdim)
        self.batch_first = _checks.flag("batch_first", batch_first)
        bias = _checks.flag("bias", bias)
        add_bias_kv = _checks.flag("add_bias_kv", add_bias_kv)
        self.add_zero_attn = _checks.flag("add_zero_attn", add_zero_attn)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        self.dropout = float(dropout)
        self.head_dim = embed_dim // num_heads
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype=dt))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dtype=dt))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dtype=dt))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dtype=dt))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype=dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dt)
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, embed_dim), dtype=dt))
            self.bias_v = Parameter(np.empty((1, 1, embed_dim), dtype=dt))
        else:
            self.bias_k = self.bias_v = None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
        if self.out_proj.bias is not None:
            init.zeros_(self.out_proj.bias)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.xavier_normal_(b)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns ``(output, weights or None)``.

        Shapes (``batch_first=False``): query (L, N, E), key (S, N, kdim),
        value (S, N, vdim) -> output (L, N, E); with ``batch_first=True`` the
        first two dims swap; unbatched (L, E), (S, kdim), (S, vdim) also work.
        ``weights`` (only with ``need_weights=True``, the default) are the
        attention probabilities (after dropout), averaged over heads to
        (N, L, S), or (N, num_heads, L, S) with ``average_attn_weights=False``
        (S counts the ``bias_k`` and zero-attention positions too).

        Args:
            key_padding_mask: (N, S). Bool: True marks a padding key that
                nobody attends to. Float: added to the scores.
            attn_mask: (L, S) or (N * num_heads, L, S). Bool: True means
                "may not attend". Float: added to the scores.
            is_causal: a hint that ``attn_mask`` is the causal mask; the mask is
                what is applied. Without ``attn_mask`` it raises, as PyTorch's
                (on PyTorch's inference fast path it is ignored, as there).

        A query that may attend to no key gets a zero output with
        ``need_weights=False`` and NaN with ``need_weights=True``, as in PyTorch;
        NaN also on PyTorch's inference fast path (see :meth:`_on_fast_path`).

        Raises:
            ShapeError: wrong ranks, a feature size other than ``embed_dim``
                (query), ``kdim`` (key) or ``vdim`` (value), key/value or mask
                shapes that do not fit (the first three, asserted by PyTorch, are
                also AssertionErrors).
            TypeError: a mask neither bool nor float, or query/key/value not a Tensor.
            InvalidParameterError: ``is_causal`` without ``attn_mask`` (PyTorch's RuntimeError too).
        """
        fast = self._on_fast_path(query, key, value, key_padding_mask, attn_mask)
        return mha_forward(self, query, key, value, key_padding_mask, need_weights, attn_mask,
                           average_attn_weights, is_causal and not fast, safe=not (need_weights or fast))

    def _on_fast_path(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                      attn_mask: Tensor | None) -> bool:
        """Whether PyTorch would run its fused inference kernel (``_native_multi_head_attention``): batched
        self-attention (one tensor), batch-first, eval mode, an even number of heads, packed in-projection
        with bias, no extra keys, bool or no masks, no autocast, nothing needing a gradient. That kernel's
        softmax gives a row with no key to attend to NaN where the default path's gives zeros, and it ignores
        ``is_causal`` (only a mask masks there)."""
        masks_ok = all(m is None or (isinstance(m, Tensor) and m._array.dtype == np.bool_)
                       for m in (key_padding_mask, attn_mask))
        if not (masks_ok and backends.mha.get_fastpath_enabled() and isinstance(query, Tensor)
                and query.ndim == 3 and query is key is value
                and self.in_proj_weight is not None and self.in_proj_bias is not None and not self.training
                and self.num_heads % 2 == 0 and self.batch_first and self.bias_k is None
                and not self.add_zero_attn and not is_autocast_enabled()
                and query.dtype == self.in_proj_weight.dtype == self.in_proj_bias.dtype):
            return False
        watched = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)
        return not (is_grad_enabled() and any(t is not None and t.requires_grad for t in watched))


_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {"relu": F.relu, "gelu": F.gelu}


def _why_not_nested(layer: Module) -> str:
    """Why PyTorch's nested-tensor path can't run an encoder of ``layer`` copies ('' if it can)."""
    name = "encoder_layer"
    if not isinstance(layer, TransformerEncoderLayer):
        return f"{name} was not TransformerEncoderLayer"
    attn = layer.self_attn
    reasons = ((layer.norm_first, f"{name}.norm_first was True"),
               (not attn.batch_first, f"{name}.self_attn.batch_first was not True(use batch_first for better "
                                      "inference performance)"),
               (not attn._qkv_same_embed_dim, f"{name}.self_attn._qkv_same_embed_dim was not True"),
               (attn.in_proj_bias is None, f"{name}.self_attn was passed bias=False"),
               (not layer.activation_relu_or_gelu, f"{name}.activation_relu_or_gelu was not True"),
               (layer.norm1.eps != layer.norm2.eps, f"{name}.norm1.eps was not equal to {name}.norm2.eps"),
               (attn.num_heads % 2 == 1, f"{name}.self_attn.num_heads is odd"))
    return next((why for failed, why in reasons if failed), "")


def _activation(activation: Any) -> Callable[[Tensor], Tensor]:
    """'relu', 'gelu' or a callable, as the function the feed-forward block applies."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise InvalidParameterError(
                f"activation should be relu/gelu, not {activation} (got activation={activation!r})"
            )
        return _ACTIVATIONS[activation]
    if callable(activation):
        return activation  # type: ignore[no-any-return]
    # (PyTorch calls it: its TypeError, "'int' object is not callable")
    raise _ArgumentTypeError(
        f"'{type(activation).__name__}' object is not callable: activation must be 'relu', 'gelu' or a "
        f"callable, got activation={activation!r}"
    )


def _assert_head_split(embed_dim: Any, num_heads: Any, names: str = "embed_dim and num_heads") -> None:
    """PyTorch's first check of a float (or bool) size: ``assert embed_dim // num_heads * num_heads ==
    embed_dim``, its AssertionError where that fails (else the size's TypeError follows)."""
    if _checks.is_int(embed_dim) and _checks.is_int(num_heads):
        return
    try:
        fits = embed_dim // num_heads * num_heads == embed_dim
    except (TypeError, ZeroDivisionError, ValueError):
        return
    if not fits:
        raise _AssertedTypeError(f"embed_dim must be divisible by num_heads ({names} must be positive ints, "
                                 f"got {embed_dim!r} and {num_heads!r})")


def _check_heads(d_model: Any, nhead: Any) -> None:
    # checked before building the attention, so the message names this layer's arguments
    _assert_head_split(d_model, nhead, "d_model and nhead")
    d_model = _checks.positive_int("d_model", d_model)
    nhead = _checks.positive_int("nhead", nhead)
    if d_model % nhead:  # (an assert in PyTorch's attention: an AssertionError too)
        raise _AssertedParameterError(  # (PyTorch's attention's words)
            f"embed_dim must be divisible by num_heads (d_model must be divisible by nhead, got d_model="
            f"{d_model}, nhead={nhead}; num_heads={nhead})"
        )


def _feed_forward(layer: Any, x: Tensor) -> Tensor:
    """linear2(dropout(activation(linear1(x)))), the sub-modules called on x as PyTorch's (hooks see its
    shapes); F.linear and matmul fold the leading dims into one GEMM themselves."""
    out: Tensor = layer.linear2(layer.dropout(layer.activation(layer.linear1(x))))
    return out


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual and a LayerNorm.

    ``norm_first=False`` (post-norm, the original Transformer)::

        x = norm1(x + dropout1(self_attn(x)))
        x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))

    ``norm_first=True`` (pre-norm, as in GPT-2) normalises the input of each
    block instead: ``x = x + dropout1(self_attn(norm1(x)))``, then the same
    for the feed-forward block with ``norm2``.

    Args mirror PyTorch's, in its order: ``activation`` is 'relu', 'gelu' or a
    callable (a Module is registered as a sub-module); ``dropout`` is used in
    the attention weights and after each block; ``bias`` applies to every
    Linear and LayerNorm. Shapes: src (L, N, d_model) -> (L, N, d_model), or
    (N, L, d_model) with ``batch_first=True``, or unbatched (L, d_model).

    Raises:
        InvalidParameterError: bad sizes, ``dropout`` outside [0, 1], an
            unknown activation name, a non-bool flag.
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
                 activation: str | Callable[[Tensor], Tensor] = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        _check_heads(d_model, nhead)
        _checks.positive_float("layer_norm_eps", layer_norm_eps)
        dim_feedforward = _checks.positive_int("dim_feedforward", dim_feedforward)
        act = _activation(activation)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, device=device, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = _checks.flag("norm_first", norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = act
        # PyTorch's flag for its fused path: 1 relu, 2 gelu, 0 anything else
        self.activation_relu_or_gelu = (1 if act is F.relu or isinstance(act, ReLU)
                                        else 2 if act is F.gelu or isinstance(act, GELU) else 0)

    @property
    def batch_first(self) -> bool:
        """The layout of ``src``: its attention's ``batch_first``."""
        return self.self_attn.batch_first

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        """One encoder layer over ``src``; masks as in :class:`MultiheadAttention`.

        Raises:
            ShapeError: ``src`` has the wrong rank or feature size, or a mask does not fit.
            TypeError: ``src`` is not a Tensor.
        """
        x: Tensor = _checks.tensor("TransformerEncoderLayer", src, "src")
        fast = self._on_fast_path(x)
        if fast:  # PyTorch's fused layer reads a float mask as a bool one: any nonzero entry masks
            src_mask, src_key_padding_mask = (m if not isinstance(m, Tensor) or m._array.dtype == np.bool_
                                              else m != 0 for m in (src_mask, src_key_padding_mask))
        else:  # and its composed path hands float masks to the attention, which keeps that off its fast path
            src_mask, src_key_padding_mask = float_masks(src_mask, src_key_padding_mask, x._array.dtype)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal, fast)
            x = x + self.dropout2(_feed_forward(self, self.norm2(x)))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal, fast))
            x = self.norm2(x + self.dropout2(_feed_forward(self, x)))
        return x

    def _on_fast_path(self, src: Tensor) -> bool:
        """Whether PyTorch would run its fused layer (``_transformer_encoder_layer_fwd``): batched, eval
        mode, batch-first attention with an even number of heads and a bias, relu or gelu, one LayerNorm eps,
        no hooks, no autocast, nothing needing a gradient. Its numbers differ from the composed path's in
        three ways this layer follows: a query with no key to attend to is NaN, a float mask acts as a bool,
        and ``is_causal`` is ignored."""
        a = self.self_attn
        if not (backends.mha.get_fastpath_enabled() and src.ndim == 3 and not self.training and a.batch_first
                and a.in_proj_bias is not None and a.in_proj_weight is not None
                and self.activation_relu_or_gelu and self.norm1.eps == self.norm2.eps and a.num_heads % 2 == 0
                and not is_autocast_enabled()):
            return False
        if any(m._forward_hooks or m._forward_pre_hooks for m in self.modules()):
            return False
        return not (is_grad_enabled() and any(p.requires_grad for p in (src, *self.parameters())))

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool, fast: bool = False) -> Tensor:
        if fast:  # (no hooks on the fast path: the attention's math is called directly)
            out = mha_forward(self.self_attn, x, x, x, key_padding_mask, False, attn_mask, True, False,
                              safe=False)[0]
        else:
            out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                 need_weights=False, is_causal=is_causal)[0]
        result: Tensor = self.dropout1(out)
        return result


class TransformerDecoderLayer(Module):
    """Self-attention, attention to the encoder's memory, then a feed-forward block.

    Each of the three blocks has a residual connection and a LayerNorm
    (``norm1``, ``norm2``, ``norm3``); ``norm_first=False`` (the default)
    normalises after each residual sum::

        x = norm1(x + dropout1(self_attn(x, x, x)))
        x = norm2(x + dropout2(multihead_attn(x, memory, memory)))
        x = norm3(x + dropout3(linear2(dropout(activation(linear1(x))))))

    and ``norm_first=True`` normalises each block's input instead
    (``x = x + dropout1(self_attn(norm1(x)))``, ...).

    Args: as :class:`TransformerEncoderLayer`, PyTorch's names, order and defaults.
    Shapes: tgt (T, N, E), memory (S, N, E) -> (T, N, E); batch-first with
    ``batch_first=True``; unbatched (T, E), (S, E).

    Raises:
        InvalidParameterError: bad sizes, ``dropout`` outside [0, 1], an
            unknown activation name, a non-bool flag.
    """

    self_attn: MultiheadAttention
    multihead_attn: MultiheadAttention
    linear1: Linear
    dropout: Dropout
    linear2: Linear
    norm1: LayerNorm
    norm2: LayerNorm
    norm3: LayerNorm
    dropout1: Dropout
    dropout2: Dropout
    dropout3: Dropout

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        _check_heads(d_model, nhead)
        _checks.positive_float("layer_norm_eps", layer_norm_eps)
        dim_feedforward = _checks.positive_int("dim_feedforward", dim_feedforward)
        act = _activation(activation)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, device=device, dtype=dtype)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                 batch_first=batch_first, device=device, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = _checks.flag("norm_first", norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = act

    @property
    def batch_first(self) -> bool:
        """The layout of ``tgt`` and ``memory``: the attentions' ``batch_first``."""
        return self.self_attn.batch_first

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:
        """One decoder layer: ``tgt`` attends to itself (``tgt_mask``) and to ``memory`` (``memory_mask``).

        Masks as in :class:`MultiheadAttention`: ``tgt_mask`` (T, T),
        ``memory_mask`` (T, S), key padding masks (N, T) and (N, S).

        Raises:
            ShapeError: wrong ranks or feature sizes, or a mask that does not fit.
            TypeError: ``tgt`` or ``memory`` is not a Tensor.
        """
        x: Tensor = _checks.tensor("TransformerDecoderLayer", tgt, "tgt")
        _checks.tensor("TransformerDecoderLayer", memory, "memory")
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask,
                                    memory_is_causal)
            x = x + self.dropout3(_feed_forward(self, self.norm3(x)))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                               memory_is_causal))
            x = self.norm3(x + self.dropout3(_feed_forward(self, x)))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool) -> Tensor:
        out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]
        result: Tensor = self.dropout1(out)
        return result

    def _mha_block(self, x: Tensor, memory: Tensor, attn_mask: Tensor | None,
                   key_padding_mask: Tensor | None, is_causal: bool) -> Tensor:
        out = self.multihead_attn(x, memory, memory, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                  need_weights=False, is_causal=is_causal)[0]
        result: Tensor = self.dropout2(out)
        return result


def _get_activation_fn(activation: str) -> Callable[[Tensor], Tensor]:
    """PyTorch's helper (torch.nn.modules.transformer), which DETR-style code imports: 'relu' or 'gelu' as
    the function; anything else is its RuntimeError."""
    if activation in ("relu", "gelu"):
        return _ACTIVATIONS[activation]
    raise MinigradError(f"activation should be relu/gelu, not {activation}")


def _get_clones(module: Module, N: int) -> ModuleList:  # noqa: N803  (PyTorch's parameter name)
    """PyTorch's helper, which DETR-style code imports: a ModuleList of ``N`` deep copies of ``module``."""
    return ModuleList([copy.deepcopy(module) for _ in range(N)])


def _clones(layer: Module, num_layers: int) -> ModuleList:
    """``num_layers`` deep copies of ``layer`` (each with its own parameters), as PyTorch does."""
    if not isinstance(layer, Module):
        raise _ArgumentTypeError(
            f"{type(layer).__name__} is not a Module subclass: expected a Module layer to copy")
    if _checks.is_int(num_layers) and num_layers < 0:  # (PyTorch's forward indexes layers[0]: IndexError)
        raise _IndexParameterError(f"index 0 is out of range: num_layers must be a non-negative int, got "
                                   f"num_layers={num_layers!r}")
    count = _checks.nonnegative_int("num_layers", num_layers)
    return ModuleList([copy.deepcopy(layer) for _ in range(count)])


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer``, then an optional ``norm``.

    The layers are deep copies (``layers.0``, ``layers.1``, ...), so each has
    its own parameters, starting equal to ``encoder_layer``'s, as in PyTorch.

    Args:
        encoder_layer: the layer to copy (usually a :class:`TransformerEncoderLayer`).
        num_layers: how many copies.
        norm: a module applied to the last layer's output (e.g. a LayerNorm), or None.
        enable_nested_tensor: PyTorch's switch for its nested-tensor path, which
            minigrad follows in what it outputs: with it on (``use_nested_tensor``,
            which needs a batch_first post-norm layer of relu/gelu, an even head
            count and equal norm eps, else PyTorch's warning says why not), an
            encoder in eval mode given a ``src_key_padding_mask`` (and no
            ``mask``) while no gradient is needed returns zeros at the padded
            positions (before ``norm``), as PyTorch does there.
        mask_check: with it, that happens only when every padding mask row is
            padded at the end (PyTorch's check).

    Raises:
        InvalidParameterError: ``num_layers`` negative or ``encoder_layer`` not a Module.
    """

    layers: ModuleList
    norm: Module | None

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = _checks.flag("enable_nested_tensor", enable_nested_tensor)
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = _checks.flag("mask_check", mask_check)
        why_not = _why_not_nested(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn("enable_nested_tensor is True, but self.use_nested_tensor is False because "
                          f"{why_not}", UserWarning, stacklevel=2)
            self.use_nested_tensor = False

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        """Run ``src`` through every layer with the same masks, then ``norm``.

        ``is_causal=None`` (PyTorch's default) means "tell from the mask"; the
        mask is what is applied either way, so it only matters without one.

        Raises:
            ShapeError: as the layers raise, or ``src_key_padding_mask`` pads every position where PyTorch
                runs its nested-tensor path (eval mode, no gradient, no ``mask``).
            DimensionError: no layers (``num_layers=0``; PyTorch's forward indexes ``layers[0]``).
        """
        if not self.layers:
            raise DimensionError("index 0 is out of range: a TransformerEncoder of num_layers=0 layers")
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                        is_causal=bool(is_causal))
        padded = self._nested_padding(src, mask, src_key_padding_mask)
        if padded is not None:
            out = out.masked_fill(padded.unsqueeze(-1), 0.0)
        return out if self.norm is None else self.norm(out)

    def _nested_padding(self, src: Tensor, mask: Tensor | None,
                        src_key_padding_mask: Tensor | None) -> Tensor | None:
        """The (N, S) bool mask of padded positions where PyTorch's nested-tensor path runs, else None."""
        if (not self.use_nested_tensor or src_key_padding_mask is None or mask is not None or src.ndim != 3
                or not len(self.layers) or self.layers[0].training or is_autocast_enabled()):
            return None
        first = self.layers[0]
        watched = (src, first.self_attn.in_proj_weight, first.self_attn.in_proj_bias,
                   first.self_attn.out_proj.weight, first.self_attn.out_proj.bias, first.norm1.weight,
                   first.norm1.bias, first.norm2.weight, first.norm2.bias, first.linear1.weight,
                   first.linear1.bias, first.linear2.weight, first.linear2.bias)
        if is_grad_enabled() and any(t is not None and t.requires_grad for t in watched):
            return None
        kpm = src_key_padding_mask
        padded = kpm if kpm.dtype == np.bool_ else kpm != 0
        keep = (~padded).numpy(force=True)
        if self.mask_check and (keep[:, 1:] > keep[:, :-1]).any():  # a kept position after a padded one
            return None
        if not keep.any():  # the nested batch is empty: PyTorch fails when it pads it back
            raise ShapeError("to_padded_tensor: at least one constituent tensor should have non-zero numel "
                             f"(TransformerEncoder: src_key_padding_mask pads every position of src "
                             f"{src.shape})")
        return padded


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer``, then an optional ``norm``.

    The layers are deep copies (``layers.0``, ...), as in PyTorch.

    Raises:
        InvalidParameterError: ``num_layers`` negative or ``decoder_layer`` not a Module.
    """

    layers: ModuleList
    norm: Module | None

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        """Run ``tgt`` through every layer, each attending to ``memory``, then ``norm``.

        Raises:
            ShapeError: as the layers raise.
            DimensionError: no layers (``num_layers=0``; PyTorch's forward indexes ``layers[0]``).
        """
        if not self.layers:
            raise DimensionError("index 0 is out of range: a TransformerDecoder of num_layers=0 layers")
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask,
                        memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return out if self.norm is None else self.norm(out)


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need", PyTorch's ``nn.Transformer``.

    ``encoder`` is a :class:`TransformerEncoder` of ``num_encoder_layers``
    layers and a final LayerNorm, ``decoder`` a :class:`TransformerDecoder`
    likewise (unless ``custom_encoder``/``custom_decoder`` are given). After
    building, every parameter with more than one dim is redrawn
    Xavier-uniform, as PyTorch does (biases and norms keep their init).

    Args (PyTorch's names, order and defaults): d_model=512, nhead=8,
    num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
    dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None,
    layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
    device=None, dtype=None.

    Shapes: src (S, N, E), tgt (T, N, E) -> (T, N, E) (batch-first with
    ``batch_first=True``; unbatched (S, E), (T, E) too).

    Raises:
        InvalidParameterError: as the layers raise for bad arguments.
    """

    encoder: Module
    decoder: Module

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = "relu", custom_encoder: Module | None = None,
                 custom_decoder: Module | None = None, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                      norm_first, bias, device, dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(
                TransformerEncoderLayer(*layer_args), num_encoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(
                TransformerDecoderLayer(*layer_args), num_decoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def _reset_parameters(self) -> None:
        """Every matrix parameter (dim > 1) drawn again by xavier_uniform_ (PyTorch's name)."""
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None,
                tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        """Encode ``src`` into memory, then decode ``tgt`` attending to it.

        Masks: ``src_mask`` (S, S), ``tgt_mask`` (T, T) (usually
        :meth:`generate_square_subsequent_mask`), ``memory_mask`` (T, S), key
        padding masks (N, S), (N, T), (N, S); as in :class:`MultiheadAttention`.

        Raises:
            ShapeError: batch sizes of src and tgt differ, or a feature size is not ``d_model``.
            TypeError: src or tgt is not a Tensor.
        """
        _checks.tensor("Transformer", src, "src")
        _checks.tensor("Transformer", tgt, "tgt")
        batch_dim = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_dim] != tgt.shape[batch_dim]):
            raise ShapeError(
                f"the batch number of src and tgt must be equal (Transformer: got src {src.shape} and tgt "
                f"{tgt.shape}, batch_first={self.batch_first})"
            )
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ShapeError(
                f"the feature number of src and tgt must be equal to d_model (Transformer: d_model="
                f"{self.d_model}, got src {src.shape} and tgt {tgt.shape})"
            )
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        out: Tensor = self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                                   tgt_key_padding_mask=tgt_key_padding_mask,
                                   memory_key_padding_mask=memory_key_padding_mask,
                                   tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        return out

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: DTypeLike = None) -> Tensor:
        """The (sz, sz) float causal mask: -inf above the diagonal, 0 on and below it (``dtype=bool``:
        True above it, PyTorch's -inf cast to bool, MultiheadAttention's "may not attend").

        Raises:
            InvalidParameterError: ``sz`` is negative, or ``dtype`` is neither a float dtype nor bool.
        """
        sz = _checks.nonnegative_int("sz", sz)
        _checks.device(device)
        if dtype is not None and resolve_dtype(dtype) == np.bool_:
            return from_numpy(np.triu(np.ones((sz, sz), dtype=np.bool_), 1))
        dt = _checks.float_dtype(dtype)
        return from_numpy(np.triu(np.full((sz, sz), -np.inf, dtype=dt), 1))
