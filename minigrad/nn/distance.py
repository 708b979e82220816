"""CosineSimilarity and PairwiseDistance: ``F.cosine_similarity`` and ``F.pairwise_distance`` as layers."""

from __future__ import annotations

from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine of the angle between x1 and x2 along ``dim``: (N, D), (N, D) -> (N,) for dim=1.

    Raises:
        InvalidParameterError: eps not a number.
        ShapeError (call): x1 and x2 do not broadcast.
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = _checks.number("eps", eps)

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """cosine_similarity(x1, x2, dim, eps)."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last dim: (N, D), (N, D) -> (N,) ((N, 1) with keepdim).

    Raises:
        InvalidParameterError: p or eps not a number, keepdim not a bool.
        ShapeError (call): x1 and x2 do not broadcast.
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = _checks.number("p", p)
        self.eps = _checks.number("eps", eps)
        self.keepdim = _checks.strict_flag("keepdim", keepdim)

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """pairwise_distance(x1, x2, p, eps, keepdim)."""
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
