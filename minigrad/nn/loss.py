"""Loss modules: reduction and options around the functional losses."""

from __future__ import annotations

from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "MSELoss", "NLLLoss"]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _checks.reduction(reduction)
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error, reduce((input - target) ** 2); reduction 'mean' | 'sum' | 'none'.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.mse_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross entropy of softmax(logits) against class indices or probabilities; see ``F.cross_entropy``.

    Args:
        weight: optional per-class rescaling (C,), kept as a buffer.
        ignore_index: target value whose rows contribute nothing.
        reduction: 'mean' | 'sum' | 'none'.
        label_smoothing: in [0, 1].

    Raises:
        InvalidParameterError: unknown ``reduction``, label_smoothing outside [0, 1].
    """

    weight: Tensor | None

    def __init__(self, weight: Tensor | None = None, *, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        _checks.unit_interval("label_smoothing", label_smoothing)
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of logits ``input`` (N, C, ...) against ``target``."""
        return F.cross_entropy(input, target, self.ignore_index, self.reduction, self.label_smoothing,
                               weight=self.weight)


class NLLLoss(_Loss):
    """Negative log-likelihood of class indices given log-probabilities; see ``F.nll_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    weight: Tensor | None

    def __init__(self, weight: Tensor | None = None, *, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of log-probabilities ``input`` (N, C, ...) against ``target``."""
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy on logits, numerically stable; see ``F.binary_cross_entropy_with_logits``.

    Args:
        weight: optional elementwise rescaling (broadcast), kept as a buffer.
        reduction: 'mean' | 'sum' | 'none'.
        pos_weight: optional weight of the positive term per class, kept as a buffer.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    weight: Tensor | None
    pos_weight: Tensor | None

    def __init__(self, weight: Tensor | None = None, *, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of logits ``input`` against targets in [0, 1] of the same shape."""
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )
