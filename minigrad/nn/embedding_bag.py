"""EmbeddingBag: a lookup table whose rows are summed, averaged or maxed per bag (``F.embedding_bag``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.autograd import no_grad
from minigrad.errors import InvalidParameterError, _AssertedShapeError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.functional.embedding import empty_padding_row_error, normalize_padding_idx
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DTypeLike, Tensor

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Module):
    """Bags of rows of ``weight`` (num_embeddings, embedding_dim) reduced by ``mode``: 'sum', 'mean', 'max'.

    Forward takes (B, N) indices (B bags of N) or 1-D indices with ``offsets``
    (each bag's start), and optional ``per_sample_weights`` (mode 'sum');
    output (B, embedding_dim). ``weight`` starts N(0, 1) with the
    ``padding_idx`` row zeroed; padding entries are left out of every bag.

    Args:
        num_embeddings, embedding_dim: the table's shape (ints >= 0).
        max_norm: if given, rows used are renormalized in place to at most this p-norm.
        norm_type: the p of max_norm.
        scale_grad_by_freq: divide each row's gradient by how often it is looked up (as
            ``F.embedding_bag``; mode 'max' refuses it in the forward, as PyTorch's).
        mode: 'sum', 'mean' (default) or 'max'.
        sparse: gradients are dense (same values); the rows looked up are recorded for SparseAdam.
        include_last_offset: offsets has B + 1 entries, the last the end.
        padding_idx: a row (negative counts from the end) excluded from bags.
        device: None or 'cpu'.
        dtype: float32 (default) or float64.

    Raises:
        InvalidParameterError: a bad size, mode or padding_idx.
    """

    weight: Parameter

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Tensor | None = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        for name, size in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if _checks.is_int(size) and size < 0:  # (PyTorch's words: torch.empty's, then ours)
                raise InvalidParameterError(
                    f"Trying to create tensor with negative dimension {size}: [{num_embeddings}, "
                    f"{embedding_dim}] ({name} must be a non-negative int, got {name}={size!r})")
        self.num_embeddings = _checks.nonnegative_int("num_embeddings", num_embeddings)
        self.embedding_dim = _checks.nonnegative_int("embedding_dim", embedding_dim)
        self.max_norm = None if max_norm is None else _checks.number("max_norm", max_norm)
        self.norm_type = _checks.number("norm_type", norm_type)
        self.scale_grad_by_freq = _checks.strict_flag("scale_grad_by_freq", scale_grad_by_freq)
        self.mode = _checks.one_of("mode", mode, ("sum", "mean", "max"))
        self.sparse = _checks.strict_flag("sparse", sparse)
        self.include_last_offset = _checks.strict_flag("include_last_offset", include_last_offset)
        self.padding_idx = (None if padding_idx is None
                            else normalize_padding_idx(padding_idx, self.num_embeddings, "padding_idx"))
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None and self.padding_idx == 0 == self.num_embeddings:
            raise empty_padding_row_error("EmbeddingBag")
        if _weight is not None:
            if _weight.shape != shape:  # (asserted by PyTorch: an AssertionError too)
                raise _AssertedShapeError(f"Shape of weight does not match num_embeddings and embedding_dim "
                                          f"(EmbeddingBag: _weight must be {shape}, got {_weight.shape})")
            self.weight = Parameter(_weight.numpy(force=True).astype(dt, copy=True))
        else:
            self.weight = Parameter(np.empty(shape, dtype=dt))
            self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight from N(0, 1), the padding row zeroed."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        # (PyTorch's private helper, which some scripts call after writing their own init)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag whose weight is a copy of the 2-D ``embeddings`` (frozen by default).

        Raises:
            ShapeError: ``embeddings`` is not 2-D (also an AssertionError, as PyTorch's).
        """
        if embeddings.ndim != 2:  # PyTorch asserts this: its AssertionError too
            raise _AssertedShapeError(
                f"Embeddings parameter is expected to be 2-dimensional (EmbeddingBag.from_pretrained: must"
                f" be 2-D, got {embeddings.shape})"
            )
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx, dtype=embeddings.dtype)
        bag.weight.requires_grad_(not freeze)
        return bag

    def forward(self, input: Tensor, offsets: Tensor | None = None,  # noqa: A002
                per_sample_weights: Tensor | None = None) -> Tensor:
        """embedding_bag of ``input`` with this layer's settings; (B, embedding_dim)."""
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
                               self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        """``num_embeddings, embedding_dim[, max_norm=...][, norm_type=...][, scale_grad_by_freq=True],
        mode=...[, padding_idx=...]``."""
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        text += f", mode={self.mode!r}"
        return text + ("" if self.padding_idx is None else f", padding_idx={self.padding_idx!r}")
