"""Loss modules: PyTorch's constructor arguments (reduction, weights, margins) around the ``F.*`` losses.

Every loss takes ``reduction`` = 'mean' | 'sum' | 'none' (KLDivLoss also
'batchmean'), checked when the loss is built; PyTorch's deprecated
``size_average``/``reduce`` are accepted in PyTorch's positions and turned into
a reduction with its warning. Class weights are buffers, as in PyTorch.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

from minigrad.errors import InvalidParameterError, _ArgumentTypeError, python_type_name
from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.distance import PairwiseDistance
from minigrad.nn.functional.cross_entropy import smoothing
from minigrad.nn.functional.loss import legacy_reduction
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CosineEmbeddingLoss", "CrossEntropyLoss", "GaussianNLLLoss", "HuberLoss",
    "KLDivLoss", "L1Loss", "MSELoss", "MarginRankingLoss", "MultiLabelSoftMarginLoss", "NLLLoss",
    "NLLLoss2d",
    "PoissonNLLLoss", "SmoothL1Loss", "TripletMarginLoss",
    "HingeEmbeddingLoss", "MultiLabelMarginLoss", "MultiMarginLoss", "SoftMarginLoss",
    "TripletMarginWithDistanceLoss", "CTCLoss",
]  # fmt: skip


class _Loss(Module):
    _reductions: tuple[str, ...] = _checks.REDUCTIONS

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        given = legacy_reduction(size_average, reduce, reduction)
        # (PyTorch 0.4's 'elementwise_mean' is kept as given: the functional warns on each call, as PyTorch's)
        legacy_mean = given == "elementwise_mean" and "mean" in self._reductions
        self.reduction = given if legacy_mean else _checks.reduction(given, self._reductions)


class _WeightedLoss(_Loss):
    weight: Tensor | None

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error, reduce((input - target) ** 2).

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, reduce(|input - target|).

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """0.5 * d**2 / beta where |d| < beta, else |d| - beta / 2 (d = input - target); see ``F.smooth_l1_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, beta negative or not a number.
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = _checks.nonnegative("beta", beta)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """0.5 * d**2 where |d| < delta, else delta * (|d| - delta / 2); see ``F.huber_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, delta not a positive number.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = _checks.positive_float("delta", delta)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``; see ``F.kl_div``.

    Args:
        reduction: 'mean' (per element, with PyTorch's warning), 'batchmean'
            (per sample: the KL divergence proper), 'sum' or 'none'.
        log_target: ``target`` holds log-probabilities too.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    _reductions = ("mean", "batchmean", "sum", "none")

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = _checks.strict_flag("log_target", log_target)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of log-probabilities ``input`` against ``target`` of the same shape."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood; see ``F.poisson_nll_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, eps not a number, a flag not a bool.
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average: bool | None = None,
                 eps: float = 1e-8, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = _checks.strict_flag("log_input", log_input)
        self.full = _checks.strict_flag("full", full)
        self.eps = _checks.number("eps", eps)

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        """The loss of the (log-)rate ``log_input`` against counts ``target``."""
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood of ``target`` under N(input, var); see ``F.gaussian_nll_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, eps not a number, full not a bool.
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full = _checks.flag("full", full)
        self.eps = _checks.number("eps", eps)

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:  # noqa: A002
        """The loss of means ``input`` and variances ``var`` against ``target``."""
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross entropy of ``linear(input)`` against ``target``, a Linear and a CrossEntropyLoss in one module.

    PyTorch 2.13's; see ``F.linear_cross_entropy``.

    ``self.linear`` is ``Linear(in_features, num_classes * prod(out_features), bias)``; forward reshapes its
    weight to (C, *out_features, in_features) for a K-dimensional loss, as PyTorch stores it.

    Raises:
        InvalidParameterError: ``weight`` not of shape (num_classes,), label_smoothing outside [0, 1],
            unknown ``reduction`` (PyTorch's RuntimeError for the first two).
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple[int, ...] = (),
                 bias: bool = False, device: Any = None, dtype: Any = None, reduction: str = "mean",
                 weight: Tensor | None = None, ignore_index: int | None = None, label_smoothing: float = 0.0,
                 options: Any = None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise InvalidParameterError(f"expected weight shape to be {(num_classes,)}, "
                                        f"got {tuple(weight.shape)}")
        if not 0 <= label_smoothing <= 1:
            raise InvalidParameterError(f"expected label_smoothing to be in range [0, 1], "
                                        f"got {label_smoothing}")
        super().__init__(weight, None, None, reduction)
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias,
                             device=device, dtype=dtype)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of ``input`` (N, in_features) or (in_features,) against ``target``."""
        classes = (self.num_classes, *self.out_features)
        bias = self.linear.bias
        return F.linear_cross_entropy(
            input, self.linear.weight.reshape(*classes, self.linear.in_features), target,
            linear_bias=None if bias is None else bias.reshape(classes), weight=self.weight,
            reduction=self.reduction, ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
            options=self.options)

    def extra_repr(self) -> str:
        """PyTorch's: every constructor setting, the Linear's below."""
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of softmax(logits) against class indices or probabilities; see ``F.cross_entropy``.

    Args:
        weight: optional per-class rescaling (C,), kept as a buffer.
        ignore_index: target value whose rows contribute nothing.
        reduction: 'mean' | 'sum' | 'none'.
        label_smoothing: at most 1 (a negative one smooths nothing, as PyTorch's).

    Raises:
        InvalidParameterError: unknown ``reduction``, label_smoothing above 1 or not a number.
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        _checks.int_argument("cross_entropy_loss", "ignore_index", 5, ignore_index)  # (PyTorch's forward's)
        self.ignore_index = ignore_index
        smoothing(label_smoothing)  # (what the forward would refuse; a negative one is 0, as PyTorch's)
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of logits ``input`` (N, C, ...) against ``target``."""
        return F.cross_entropy(input, target, self.ignore_index, self.reduction, self.label_smoothing,
                               weight=self.weight)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices given log-probabilities; see ``F.nll_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        _checks.int_argument("nll_loss_nd", "ignore_index", 5, ignore_index)  # (PyTorch's forward's)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of log-probabilities ``input`` (N, C, ...) against ``target``."""
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class NLLLoss2d(NLLLoss):
    """PyTorch's deprecated name for :class:`NLLLoss` (older segmentation code builds it): the same loss,
    after PyTorch's FutureWarning.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> None:
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in "
                      "replacement and see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more "
                      "details.", FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities against targets in [0, 1], logs clamped at -100;
    see ``F.binary_cross_entropy``. ``weight`` (a buffer) rescales each element (broadcast).

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of probabilities ``input`` against ``target`` of the same shape."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):  # (a _Loss, as PyTorch's: isinstance checks against _WeightedLoss say no)
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

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of logits ``input`` against targets in [0, 1] of the same shape."""
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Multi-label one-versus-all loss on logits (N, C) against 0/1 targets; see
    ``F.multilabel_soft_margin_loss``. ``weight`` (C,) rescales each class.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of logits ``input`` against ``target`` of the same shape."""
        return F.multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class _MarginLoss(_Loss):
    def __init__(self, margin: float = 0.0, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _checks.number("margin", margin)


class MarginRankingLoss(_MarginLoss):
    """max(0, -target * (input1 - input2) + margin); see ``F.margin_ranking_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not a number.
    """

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        """The loss of scores ``input1``, ``input2`` against ranks ``target`` in {1, -1}."""
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_MarginLoss):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1; see
    ``F.cosine_embedding_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not a number.
    """

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        """The loss of embeddings (N, D), (N, D) against ``target`` (N,) in {1, -1}."""
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)); see ``F.triplet_margin_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not > 0, p or eps not numbers.
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _checks.positive_float("margin", margin)
        self.p = _checks.number("p", p)
        self.eps = _checks.number("eps", eps)
        self.swap = _checks.strict_flag("swap", swap)

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        """The loss of the triplets (N, D) each."""
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + exp(-target * input)) with targets +-1; see ``F.soft_margin_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """The multi-class hinge sum over i != y of w[y] max(0, margin - x[y] + x[i]) ** p / C; see
    ``F.multi_margin_loss``. ``weight`` (C,) is a buffer.

    Raises:
        InvalidParameterError: p not 1 or 2, weight not 1-D, margin not a number, unknown ``reduction``.
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        if p not in (1, 2) or isinstance(p, bool):
            raise InvalidParameterError(f"MultiMarginLoss: only p == 1 and p == 2 supported, got p={p!r}")
        if weight is not None and not isinstance(weight, Tensor):  # (PyTorch's buffer assignment refuses it)
            raise _ArgumentTypeError(f"cannot assign '{python_type_name(weight)}' object to buffer 'weight' "
                                     "(torch Tensor or None required)")
        if weight is not None and weight.ndim != 1:
            raise InvalidParameterError(f"MultiMarginLoss: weight must be one-dimensional, got shape "
                                        f"{weight.shape}")
        super().__init__(weight, size_average, reduce, reduction)
        self.p = p
        self.margin = _checks.number("margin", margin)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of scores (N, C) or (C,) against class indices (N,) or ()."""
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """The multi-label hinge; ``target`` lists each sample's classes, ended by -1; see
    ``F.multilabel_margin_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss of scores (N, C) or (C,) against a target of the same shape."""
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x where target is 1, max(0, margin - x) where it is -1; see ``F.hinge_embedding_loss``.

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not a number.
    """

    def __init__(self, margin: float = 1.0, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _checks.number("margin", margin)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        """The loss; input and target of the same shape."""
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """The triplet hinge with any distance; see ``F.triplet_margin_with_distance_loss``.

    The default distance is a ``PairwiseDistance()`` child module (in the repr, as PyTorch's).

    Raises:
        InvalidParameterError: unknown ``reduction``, margin not > 0.
    """

    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                 margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        if not _checks.number("margin", margin) > 0:
            raise InvalidParameterError(f"TripletMarginWithDistanceLoss: margin must be greater than 0, got "
                                        f"margin={margin!r}")
        if distance_function is not None and not callable(distance_function):  # (PyTorch's forward calls it)
            raise _ArgumentTypeError(f"'{type(distance_function).__name__}' object is not callable: "
                                     f"distance_function must be a callable, got {distance_function!r}")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin = margin
        self.swap = _checks.flag("swap", swap)

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        """The loss of the triplets (N, D) each, or (D,)."""
        return F.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                   distance_function=self.distance_function,
                                                   margin=self.margin, swap=self.swap,
                                                   reduction=self.reduction)


class CTCLoss(_Loss):
    """The connectionist temporal classification loss; see ``F.ctc_loss``.

    Args:
        blank: the blank class.
        reduction: 'mean' (losses divided by their target lengths, then averaged), 'sum' or 'none'.
        zero_infinity: zero the infinite losses (and gradients) of impossible alignments.

    Raises:
        InvalidParameterError: unknown ``reduction``.
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor,
                target_lengths: Tensor) -> Tensor:
        """The loss of log_probs (T, N, C) against targets; see ``F.ctc_loss`` for the shapes."""
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
