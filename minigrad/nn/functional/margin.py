"""Margin losses on pairs and triplets: ``margin_ranking_loss``, ``cosine_embedding_loss``,
``triplet_margin_loss``.

Each is a hinge max(0, margin - ...) composed with ``clamp_min(0)`` (PyTorch's node), whose
gradient passes where the argument is >= 0, as PyTorch's ``clamp_min``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import _checks
from minigrad.nn.functional.loss import apply_reduction, legacy_reduction
from minigrad.nn.functional.vector import pairwise_distance
from minigrad.tensor import Tensor, where

__all__ = [
    "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]  # fmt: skip

# PyTorch's cosine_embedding_loss adds this (its float constant 1e-12) to each squared magnitude
_COS_EPS = float(np.float32(1e-12))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin), elementwise: target 1 wants input1 ranked higher.

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not a number.
        ShapeError: the three tensors differ in rank or do not broadcast.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    m = _checks.number("margin", margin)
    x1 = _checks.tensor("margin_ranking_loss", input1, "input1")
    x2 = _checks.tensor("margin_ranking_loss", input2, "input2")
    y = _checks.tensor("margin_ranking_loss", target, "target")
    if not x1.ndim == x2.ndim == y.ndim:
        raise ShapeError(
            "margin_ranking_loss : All input tensors should have same dimension: they should have the same "
            "number of dims, got sizes "
            f"input1: {x1.shape}, input2: {x2.shape}, target: {y.shape}"
        )
    try:
        np.broadcast_shapes(x1.shape, x2.shape, y.shape)
    except ValueError:
        raise ShapeError(
            f"margin_ranking_loss: shapes input1 {x1.shape}, input2 {x2.shape} and target {y.shape} "
            "do not broadcast"
        ) from None
    # the margin is a float (PyTorch's double argument): integer inputs give a float result
    return apply_reduction((-y * (x1 - x2) + float(m)).clamp_min(0), reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1, else 0.

    Shapes: (N, D), (N, D), (N,) or unbatched (D,), (D,), (). The cosine is
    PyTorch's: sum(x1 * x2) / sqrt((|x1|^2 + 1e-12) * (|x2|^2 + 1e-12)).

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not a number.
        ShapeError: target not 0-D or 1-D, or the inputs' rank does not fit it.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    m = _checks.number("margin", margin)
    x1 = _checks.tensor("cosine_embedding_loss", input1, "input1")
    x2 = _checks.tensor("cosine_embedding_loss", input2, "input2")
    y = _checks.tensor("cosine_embedding_loss", target, "target")
    if y.ndim > 1:
        raise ShapeError(f"cosine_embedding_loss: 0D or 1D target tensor expected, got shape {y.shape}")
    if not x1.ndim == x2.ndim == y.ndim + 1:
        raise ShapeError(
            f"cosine_embedding_loss: a {y.ndim}D target expects {y.ndim + 1}D inputs, got input1 of shape "
            f"{x1.shape} and input2 of shape {x2.shape}"
        )
    d = y.ndim
    mag1 = (x1 * x1).sum(d) + _COS_EPS
    mag2 = (x2 * x2).sum(d) + _COS_EPS
    cos = (x1 * x2).sum(d) / (mag1 * mag2).sqrt()
    yv = y.numpy(force=True)
    loss = where(yv == 1, 1 - cos, 0.0) + where(yv == -1, (cos - m).clamp(min=0), 0.0)
    return apply_reduction(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d the pairwise p-distance
    (``F.pairwise_distance``); ``swap`` uses min(d(a, n), d(p, n)) as the negative distance.

    Shapes: (N, D) each, or (D,).

    Raises:
        InvalidParameterError: unknown ``reduction``, margin <= 0.
        ShapeError: the three tensors differ in rank.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    m = _checks.number("margin", margin)
    if not m > 0:
        raise InvalidParameterError(f"triplet_margin_loss: margin must be greater than 0, got {margin!r}")
    a = _checks.tensor("triplet_margin_loss", anchor, "anchor")
    pos = _checks.tensor("triplet_margin_loss", positive, "positive")
    neg = _checks.tensor("triplet_margin_loss", negative, "negative")
    _same_ranks("triplet_margin_loss", a, pos, neg)
    swap = _checks.strict_flag("swap", swap)
    return _triplet_hinge(a, pos, neg, lambda u, v: pairwise_distance(u, v, p, eps), m, swap, reduction)


def _same_ranks(fn: str, a: Tensor, pos: Tensor, neg: Tensor) -> None:
    if not a.ndim == pos.ndim == neg.ndim:
        raise ShapeError(
            f"{fn}: The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {a.ndim}D, positive {pos.ndim}D, and negative {neg.ndim}D inputs "
            f"(shapes {a.shape}, {pos.shape} and {neg.shape})")


def _triplet_hinge(a: Tensor, pos: Tensor, neg: Tensor, distance: Callable[[Tensor, Tensor], Tensor],
                   margin: float, swap: bool, reduction: str) -> Tensor:
    d_pos = distance(a, pos)
    d_neg = distance(a, neg)
    if swap:  # (checked by the caller: triplet_margin_loss's kernel takes a bool, the other reads truth)
        d_neg = d_neg.minimum(distance(pos, neg))
    return apply_reduction((d_pos + margin - d_neg).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with any distance d (default
    ``F.pairwise_distance``); ``swap`` uses min(d(a, n), d(p, n)) as the negative distance.

    Raises:
        InvalidParameterError: unknown ``reduction``, margin <= 0.
        ShapeError: the three tensors differ in rank.
    """
    reduction = _checks.reduction(reduction, fn="triplet_margin_with_distance_loss")
    m = _checks.number("margin", margin)
    if not m > 0:
        raise InvalidParameterError(f"triplet_margin_with_distance_loss: margin must be greater than 0, got "
                                    f"{margin!r}")
    a = _checks.tensor("triplet_margin_with_distance_loss", anchor, "anchor")
    pos = _checks.tensor("triplet_margin_with_distance_loss", positive, "positive")
    neg = _checks.tensor("triplet_margin_with_distance_loss", negative, "negative")
    _same_ranks("triplet_margin_with_distance_loss", a, pos, neg)
    return _triplet_hinge(a, pos, neg, distance_function or pairwise_distance, m, swap, reduction)
