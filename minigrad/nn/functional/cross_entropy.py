"""The cross-entropy family: ``nll_loss`` and ``cross_entropy`` (class indices or probabilities),
``binary_cross_entropy`` (probabilities), ``binary_cross_entropy_with_logits`` and
``multilabel_soft_margin_loss`` (logits).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._kernels import quiet
from minigrad.dtypes import kernel_error, scalar_type_name
from minigrad.errors import (
    DimensionError,
    DomainError,
    DTypeError,
    InvalidParameterError,
    ShapeError,
    _ArgumentTypeError,
    _ShapeIndexError,
    python_type_name,
)
from minigrad.nn import _checks
from minigrad.nn.functional._constant import constant
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional.activation import logsigmoid
from minigrad.nn.functional.linear import linear
from minigrad.nn.functional.loss import apply_reduction, legacy_reduction, no_grad_for, target_like
from minigrad.ops import BceWithLogits, NllLoss
from minigrad.shapes import size_mismatch
from minigrad.tensor import Array, Tensor, from_numpy, where

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "linear_cross_entropy",
    "multilabel_soft_margin_loss", "nll_loss",
]  # fmt: skip


_UNSIGNED = {n: np.dtype(f"u{n}") for n in (1, 2, 4, 8)}  # integers of each size, read as unsigned


def smoothing(value: Any) -> float:
    """``label_smoothing`` as a float if a number (a bool counts) at most 1; a negative one smooths nothing:
    0, as PyTorch's kernel smooths only above 0 (and its CrossEntropyLoss takes it too).

    Raises:
        InvalidParameterError: a value above 1 or nan (PyTorch's words); for a value that is no number,
            also PyTorch's TypeError.
    """
    if not _checks.is_real(value) and not isinstance(value, bool):
        raise _ArgumentTypeError(f"cross_entropy_loss(): argument 'label_smoothing' (position 6) must be "
                                 f"float, not {python_type_name(value)} (label_smoothing={value!r})")
    if not value <= 1:
        raise InvalidParameterError(f"label_smoothing must be between 0.0 and 1.0. Got: {value} "
                                    f"(label_smoothing={value!r})")
    return max(float(value), 0.0)


def _target_shape_error(logp: Tensor, target: Tensor, fn: str, shape: tuple[int, ...]) -> None:
    """Raise PyTorch's error for class indices of the wrong shape (its words first, then the shapes)."""
    lshape = logp.shape
    expected = (lshape[0], *lshape[2:]) if len(lshape) >= 2 else ()
    ours = f"{fn}: input of shape {lshape} expects target of shape {expected}, got {target.shape}"
    if fn == "cross_entropy" and target.shape == shape:
        raise DTypeError(f"Expected floating point type for target with class probabilities, got "
                         f"{scalar_type_name(target.dtype)} ({ours})")
    if len(lshape) >= 2 and not target.ndim and not lshape[0]:  # (PyTorch's target.size(0): an IndexError)
        raise _ShapeIndexError(f"Dimension specified as 0 but tensor has no dimensions ({ours})")
    tbatch = target.shape[0] if target.ndim else 0  # (PyTorch reads a 0-dim target's batch size as 0)
    if len(lshape) >= 2 and tbatch != lshape[0]:
        raise ShapeError(f"Expected input batch_size ({lshape[0]}) to match target batch_size "
                         f"({tbatch}). ({ours})")
    if len(lshape) == 2 and target.ndim > 1:
        raise ShapeError(f"0D or 1D target tensor expected, multi-target not supported ({ours})")
    if len(lshape) > 2:
        raise ShapeError(f"Expected target size {list(expected)}, got {list(target.shape)} ({ours})")
    raise ShapeError(ours)


def _class_indices(
    logp: Tensor, target: Tensor, ignore_index: int, fn: str
) -> tuple[Tensor, Array, Array | None]:
    """Validate (N, d...) integer targets of (N, C, d...) scores (M = N * d... rows).

    Returns the scores ((1, C) for unbatched (C,) ones; :func:`_rows` views them as (M, C)), the
    safe class index per row (ignored rows point at class 0) and the bool mask of rows that count,
    None when every row counts. Shapes are checked before the dtype, as PyTorch does.
    """
    shape = logp.shape
    if len(shape) == 1:
        if target.ndim != 0:  # PyTorch: "size mismatch" (its reduction='none' alone lets (1,) through)
            words = (f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]} ("
                     if target.ndim == 1 and target.shape[0] != 1 else "")  # (PyTorch's words there)
            raise ShapeError(f"{words}{fn}: unbatched input of shape {logp.shape} expects a 0-d target, got "
                             f"{target.shape}{')' if words else ''}")
        logp, target = logp.reshape(1, -1), target.reshape(1)
    lshape = logp._array.shape
    if len(lshape) < 2 or target._array.shape != (lshape[0], *lshape[2:]):
        _target_shape_error(logp, target, fn, shape)
    tdt = target._array.dtype
    if tdt != np.int64 and tdt != np.uint8:  # (PyTorch's kernels take Long or Byte, no other integers)
        probs = (
            "float targets of the logits' shape are class probabilities"
            if fn == "cross_entropy"
            else "for class probabilities use cross_entropy with float targets of the input's shape"
        )
        raise DTypeError(
            f"expected target dtype to be Long or Byte, but got {scalar_type_name(target.dtype)} ({fn}: "
            f"expected integer class indices (int64) as target, got dtype {target.dtype}; "
            f"convert labels with target.long() ({probs}: {shape}))"
        )
    c = lshape[1]
    t = target.numpy(force=True).reshape(-1)
    if tdt == np.uint8:  # (read as indices, not as a legacy byte mask)
        if len(shape) > 2:  # PyTorch's spatial kernel (nll_loss2d) takes Long only
            raise DTypeError(f"expected scalar type Long but found Byte ({fn}: class indices of "
                             f"(N, C, d...) scores must be int64)")
        t = t.astype(np.int64)
    if t.size and not 0 <= ignore_index < c:  # the usual batch: one reduction decides
        # read as unsigned, a negative index is huge: one max checks both bounds
        if np.maximum.reduce(t.view(_UNSIGNED[t.itemsize])) < c:
            return logp, t, None
    elif t.size:
        lo, hi = t.min(), t.max()
        if bool((lo >= 0) & (hi < c) & ((ignore_index < lo) | (ignore_index > hi))):
            return logp, t, None
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        raise DimensionError(f"Target {int(t[bad][0])} is out of bounds. ({fn}: {c} classes)")  # (PyTorch's)
    return logp, np.where(valid, t, 0), valid


def _rows(scores: Tensor) -> Tensor:
    """(N, C, d...) scores as (M, C) rows in (n, d...) order: the classes moved last, flattened."""
    if scores.ndim == 2:
        return scores
    return scores.permute(0, *range(2, scores.ndim), 1).reshape(-1, scores.shape[1])


def _plain_nll(scores: Tensor, t: Array, reduction: str, shape: tuple[int, ...]) -> Tensor:
    """The reduced -logp[t] of (N, C, d...) scores when every row counts with weight 1.

    The values of :func:`_weighted_nll` and :func:`_reduce_weighted` (a
    negated sum is the sum of the negated terms, exactly) in one op, the
    ``NllLoss`` primitive: a training loop's usual loss.
    """
    if reduction != "none":
        return NllLoss.apply(scores, target=t, mean=reduction == "mean")
    flat = _rows(scores)
    return (-flat[np.arange(flat.shape[0]), t]).reshape(shape)


def _weighted_nll(flat: Tensor, safe: Array, valid: Array | None,
                  weight: Tensor | None) -> tuple[Tensor, Array]:
    """Per-row -w[t] * logp[t] (0 on ignored rows) and the per-row weights w[t]."""
    if valid is None:
        valid = np.ones(safe.shape, dtype=bool)
    dt = flat.dtype
    w = valid.astype(dt) if weight is None else np.where(valid, weight.numpy(force=True)[safe], 0).astype(dt)
    picked = flat[np.arange(flat.shape[0]), safe]
    # where, not * 0: an ignored row adds exactly 0 (and gradient 0) even if its scores are nan/inf
    return where(from_numpy(valid), -(picked * constant(w, dt)), constant(0.0, dt)), w


def nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities.

    input (N, C) or (N, C, d1, ...) (or (C,)); target (N,) / (N, d1, ...)
    integers in [0, C) or ``ignore_index``. Row loss -weight[t] * input[n, t];
    'mean' divides the sum by the total weight of the non-ignored targets.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: target's shape does not fit input's.
        DTypeError: target is not integer-valued (a RuntimeError, as in PyTorch).
        DimensionError: a target outside [0, C) that is not ``ignore_index``.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    if _checks.tensor("nll_loss", input).dtype.kind not in "fc":  # (PyTorch has float kernels only)
        raise kernel_error("nll_loss_out_frame" if input.ndim <= 2 else "nll_loss2d_forward_out_frame",
                           input.dtype, "")
    target = target if isinstance(target, Tensor) else Tensor(target)
    _checks.int_argument("nll_loss_nd", "ignore_index", 5, ignore_index)
    scores, safe, valid = _class_indices(input, target, ignore_index, "nll_loss")
    _check_weight(weight, scores.shape[1], "nll_loss", input.dtype, input.ndim)
    if input._array.dtype.kind != "f":  # PyTorch's kernels are float only (numpy would promote)
        raise kernel_error("nll_loss2d_forward_out_frame" if input.ndim > 2 else "nll_loss_out_frame",
                           input._array.dtype, "")
    name = _nll_name(input.ndim, reduction)
    if valid is None and weight is None:
        return named(_plain_nll(scores, safe, reduction, target.shape), name, input)
    loss, w = _weighted_nll(_rows(scores), safe, valid, weight)
    return named(_reduce_weighted(loss, reduction, constant(w.sum(), loss.dtype), target.shape), name)


def _nll_name(ndim: int, reduction: str) -> str:
    """PyTorch's grad_fn for nll_loss of an ndim-D input: one NllLoss op for (C,) and (N, C), NllLoss2d for
    (N, C, H, W) and for other ranks viewed as that (whose unreduced loss is then a view of it)."""
    if ndim <= 2:
        return "NllLossBackward0"
    return "ViewBackward0" if ndim != 4 and reduction == "none" else "NllLoss2DBackward0"


def _reduce_weighted(loss: Tensor, reduction: str, total_weight: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Per-target losses reduced as PyTorch's class-index losses do: 'mean' divides by the total weight."""
    if reduction == "mean":
        return loss.sum() / total_weight
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(shape)


def _check_weight(weight: Tensor | None, c: int, fn: str, dtype: np.dtype[Any] | None = None,
                  ndim: int = 2) -> None:
    """The weight's shape, and (class-index targets: ``dtype``) its dtype, which PyTorch does not promote,
    and that it needs no gradient (PyTorch's nll_loss kernel for ``ndim``-D scores has none for it)."""
    if weight is not None and dtype is not None and weight.dtype != dtype:
        raise DTypeError(
            f"expected scalar type {scalar_type_name(dtype)} but found {scalar_type_name(weight.dtype)}")
    if dtype is not None:
        no_grad_for("nll_loss_forward" if ndim <= 2 else "nll_loss2d_forward", weight=weight)
    if weight is not None and weight.shape != (c,):
        raise ShapeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                         f"weight tensor of shape: {list(weight.shape)} ({fn}: expected weight of shape "
                         f"({c},), one per class)")


def cross_entropy(
    logits: Tensor | None = None,
    target: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    *torch_order: Any,
    weight: Tensor | None = None,
    input: Tensor | None = None,  # noqa: A002 - PyTorch's keyword name for logits
    size_average: bool | None = None,
    reduce: bool | None = None,
) -> Tensor:
    """Cross entropy of softmax(logits) over dim 1 against class indices or probabilities.

    logits (N, C) or (N, C, d1, ...) (or (C,)). ``target`` is either integer class
    indices of shape (N, d1, ...) (``ignore_index`` rows contribute nothing and
    'mean' divides by the total weight of the others) or float probabilities of
    logits' shape ('mean' divides by N * d1 * ...). With label smoothing eps the
    target becomes (1 - eps) * target + eps / C. Stable for logits of any size.

    PyTorch's own spellings work too: ``input=`` for logits, the deprecated
    ``size_average`` / ``reduce``, and its positional order
    ``(input, target, weight, size_average, ignore_index, reduce, reduction, label_smoothing)``,
    recognized by a Tensor (or None) in the third place, where minigrad's order has the
    integer ``ignore_index``.

    Raises:
        InvalidParameterError: unknown ``reduction``, label_smoothing above 1 (a negative one is 0, as
            PyTorch's) or not a number (then also PyTorch's TypeError).
        ShapeError: target's shape does not fit logits'.
        DTypeError: a float target of the class-index shape (labels that should be int64).
        DimensionError: a class index outside [0, C) that is not ``ignore_index``.
        InvalidParameterError: probability targets with an ``ignore_index`` >= 0 (a negative one is
            taken, as PyTorch takes it).
        TypeError: logits given twice (positionally and as ``input``) or not at all, weight given
            twice, or more positional arguments than PyTorch takes.
    """
    if input is not None:
        if logits is not None:
            raise TypeError("cross_entropy() got multiple values for argument 'input'")
        logits = input
    if logits is None or target is None:
        missing = "input" if logits is None else "target"
        raise TypeError(f"cross_entropy() missing required argument '{missing}'")
    if isinstance(ignore_index, Tensor) or ignore_index is None or torch_order:
        third: Any = ignore_index
        fourth: Any = reduction
        fifth: Any = label_smoothing
        if weight is not None and third is not None:
            raise TypeError("cross_entropy() got multiple values for argument 'weight'")
        if len(torch_order) > 3:
            raise TypeError(f"cross_entropy() takes at most 8 positional arguments "
                            f"({5 + len(torch_order)} given)")
        # PyTorch's places 4 and 5 (size_average, ignore_index) hold minigrad's reduction and
        # label_smoothing slots: only values of PyTorch's kinds there were passed, the rest are defaults
        rest: tuple[Any, ...] = (*torch_order, *(reduce, "mean", 0.0)[len(torch_order):])
        weight = weight if third is None else third
        size_average = fourth if fourth is None or isinstance(fourth, bool) else size_average
        ignore_index = fifth if isinstance(fifth, int) else -100
        reduce, reduction, label_smoothing = rest
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    return _cross_entropy(logits, target, ignore_index, reduction, label_smoothing, weight)


def _cross_entropy(logits: Tensor, target: Tensor, ignore_index: int, reduction: str, label_smoothing: float,
                   weight: Tensor | None) -> Tensor:
    reduction = _checks.reduction(reduction)
    _checks.int_argument("cross_entropy_loss", "ignore_index", 5, ignore_index)
    eps = smoothing(label_smoothing)
    shape = _checks.tensor("cross_entropy", logits)._array.shape
    if not shape:  # (PyTorch's class dim 1 of a 0-d tensor: an IndexError)
        raise _ShapeIndexError("Dimension specified as 1 but tensor has no dimensions (cross_entropy: "
                               "expected logits of shape (C,), (N, C) or (N, C, d1, ...), got ())")
    target = target if isinstance(target, Tensor) else Tensor(target)
    class_dim = 0 if len(shape) == 1 else 1
    c = shape[class_dim]
    if c == 0 and target._array.dtype.kind != "f" and target.numel():  # (probabilities: PyTorch's sums)
        raise _ShapeIndexError(f"Target {int(target._array.flat[0])} is out of bounds. (cross_entropy: "
                               f"logits of shape {logits.shape} have no classes)")
    _check_weight(weight, c, "cross_entropy")
    logp = logits.log_softmax(class_dim)
    if target._array.dtype.kind != "f":
        scores, safe, valid = _class_indices(logp, target, ignore_index, "cross_entropy")
        _check_weight(weight, c, "cross_entropy", logp.dtype, len(shape))
        name = _nll_name(len(shape), reduction) if eps == 0 else ""  # (PyTorch's grad_fn then)
        if valid is None and weight is None and eps == 0:
            return named(_plain_nll(scores, safe, reduction, target.shape), name, logp)
        loss = _class_index_loss(_rows(scores), safe, valid, weight, reduction, eps, target.shape)
        return named(loss, name, logp)
    wshape = (c,) + (1,) * (len(shape) - class_dim - 1)
    index_shape = logits.shape[:class_dim] + logits.shape[class_dim + 1:]
    if target.shape not in (logits.shape, index_shape):
        _class_indices(logp, target, ignore_index, "cross_entropy")  # (read as indices: PyTorch's error)
        raise ShapeError(
            f"cross_entropy: logits of shape {logits.shape} take class indices of shape {index_shape} "
            f"or class probabilities of shape {logits.shape}, got a {target.dtype} target of shape "
            f"{target.shape}"
        )
    if target.shape == logits.shape:
        if ignore_index >= 0:  # PyTorch refuses a class to ignore (any negative index matches none: taken)
            raise InvalidParameterError(
                f"ignore_index is not supported for floating point target (cross_entropy: probability "
                f"targets, got ignore_index={ignore_index!r})"
            )
        probs = target if eps == 0 or c == 0 else target * (1 - eps) + eps / c
        if weight is not None:
            probs = probs * weight.reshape(wshape)  # (differentiable in weight, as in PyTorch)
        loss = -(logp * probs).sum(class_dim)
        if c == 0 and reduction == "mean":  # (PyTorch divides the sum by numel / C: 0 / 0)
            return named(loss.sum() * float("nan"), "NegBackward0")
        # PyTorch: -(x * p).sum() (NegBackward0), divided by the row count for 'mean' (DivBackward1)
        return named(apply_reduction(loss, reduction), {"mean": "DivBackward1", "sum": "NegBackward0"}.get(
            reduction, ""))
    # a float target of the class-index shape: _class_indices raises the dtype error
    scores, safe, valid = _class_indices(logp, target, ignore_index, "cross_entropy")
    return _class_index_loss(_rows(scores), safe, valid, weight, reduction, eps, target.shape)


def _class_index_loss(flat: Tensor, safe: Array, valid: Array | None, weight: Tensor | None,
                      reduction: str, eps: float, shape: tuple[int, ...]) -> Tensor:
    """cross_entropy of (M, C) log-probabilities against class indices, label smoothing ``eps``."""
    nll, w = _weighted_nll(flat, safe, valid, weight)
    total_w = constant(w.sum(), nll.dtype)
    out = _reduce_weighted(nll, reduction, total_w, shape)
    if eps == 0:
        return out
    per_class = flat if weight is None else flat * weight.detach()
    smooth = -per_class.sum(1)
    if valid is not None:
        smooth = where(from_numpy(valid), smooth, constant(0.0, flat.dtype))
    c = flat.shape[1]
    return out * (1 - eps) + _reduce_weighted(smooth, reduction, total_w, shape) * (eps / c)


def binary_cross_entropy_with_logits(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross entropy of sigmoid(input) against targets in [0, 1], computed stably.

    loss = (1 - y) * x + lw * softplus(-x), lw = 1 + (pos_weight - 1) * y (1 without
    pos_weight); equal to max(x, 0) - x * y + log1p(exp(-|x|)). ``weight``
    rescales each element (broadcast), ``pos_weight`` the positive term per
    class (broadcast along the last dim). Finite for logits of any size.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: target's shape differs from input's.
        DTypeError: an integer or bool target (PyTorch's RuntimeError); the loss has the float
            target's dtype, as PyTorch's.
        UnsupportedError: an integer or bool input (PyTorch's NotImplementedError, checked first).
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    _checks.tensor("binary_cross_entropy_with_logits", input)
    if not isinstance(target, Tensor):
        target = Tensor(target, dtype=input.dtype)
    if target.shape != input.shape:
        raise ShapeError(  # (PyTorch's words)
            f"Target size ({target.shape}) must be the same as input size ({input.shape}) "
            "(binary_cross_entropy_with_logits)"
        )
    tdt = target.dtype
    if input.dtype.kind != "f":  # (PyTorch's log_sigmoid of the input has float kernels only: checked first)
        raise kernel_error("log_sigmoid", input.dtype)
    if tdt.kind not in "f":  # PyTorch's kernel computes (1 - target).mul_(input): in the target's dtype
        if tdt == np.bool_:
            raise DTypeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                             "`^` or `logical_xor()` operator instead.")
        raise DTypeError(f"result type {scalar_type_name(input.dtype)} can't be cast to the desired output "
                         f"type {scalar_type_name(tdt)}")
    if pos_weight is not None:
        try:  # (numpy's broadcasting error otherwise; PyTorch's words name pos_weight first, its tensor a)
            np.broadcast_shapes(pos_weight.shape, input.shape)
        except ValueError:
            raise ShapeError(f"{size_mismatch(pos_weight.shape, input.shape)} (binary_cross_entropy_with_"
                             f"logits: pos_weight of shape {pos_weight.shape} does not broadcast with input "
                             f"of shape {input.shape})") from None
    no_grad_for("binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight)
    pw = None if pos_weight is None else np.asarray(pos_weight.detach().numpy())
    if input._array.dtype.kind != "f":  # (PyTorch's kernel starts with log_sigmoid of the input)
        raise kernel_error("log_sigmoid", input._array.dtype)
    loss = BceWithLogits.apply(input, target, pos_weight=pw)
    if weight is not None:
        loss = loss * weight
    if loss.dtype != tdt:  # (PyTorch's in-place steps keep the target's float dtype)
        loss = loss.to(tdt)
    return named(apply_reduction(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0", input, target)


# PyTorch clamps x * (1 - x) to at least this (its float constant 1e-12) in BCE's gradient
_BCE_EPS = float(np.float32(1e-12))


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross entropy of probabilities ``input`` against targets in [0, 1]:
    -(target * log(input) + (1 - target) * log(1 - input)), each log clamped at -100, times ``weight``.

    As PyTorch: the gradient with respect to the input is
    (input - target) / max(input * (1 - input), 1e-12), so inputs of exactly
    0 or 1 give large finite gradients; there (only) the gradient with respect
    to the target is taken as 0 where PyTorch's is infinite.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: target's shape differs from input's, or weight does not broadcast to it.
        DTypeError: input and target not of one float dtype (PyTorch's RuntimeError).
        DomainError: an input or target value outside [0, 1].
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    x = _checks.tensor("binary_cross_entropy", input)
    t = target_like("binary_cross_entropy", x, target)
    if t.shape != x.shape:
        raise ShapeError(  # (PyTorch's words; its "deprecated" size mismatch has long been an error)
            f"Using a target size ({t.shape}) that is different to the input size ({x.shape}) is deprecated. "
            "Please ensure they have the same size. (binary_cross_entropy)"
        )
    if weight is not None:
        _bce_weight_broadcasts(weight, x)
        no_grad_for("binary_cross_entropy", weight=weight)
    if x.dtype.kind != "f" or t.dtype != x.dtype:
        raise DTypeError(
            f"Found dtype {scalar_type_name(t.dtype)} but expected {scalar_type_name(x.dtype)} "
            f"(binary_cross_entropy: expected input and target of one float dtype, got {x.dtype} and "
            f"{t.dtype})"
        )
    xa, ta = x.numpy(force=True), t.numpy(force=True)
    for name, a in (("input", xa), ("target", ta)):
        if not ((a >= 0) & (a <= 1)).all():
            raise DomainError(f"all elements of {name} should be between 0 and 1 (binary_cross_entropy)")
    edge = xa * (1 - xa) < _BCE_EPS
    loss = _bce_interior(x, t, edge)
    if edge.any():
        loss = where(edge, _bce_edge(x, t, edge), loss)
    if weight is not None:
        loss = loss * weight
        if loss.dtype != x.dtype:  # (PyTorch multiplies the weight into the loss in place: input's dtype)
            loss = loss.to(x.dtype)
    return named(apply_reduction(loss, reduction), "BinaryCrossEntropyBackward0")


def _bce_weight_broadcasts(weight: Tensor, x: Tensor) -> None:
    """binary_cross_entropy's weight broadcasts to the input's shape (PyTorch's words otherwise)."""
    try:
        np.broadcast_shapes(weight.shape, x.shape)
    except ValueError:
        bad = next((i for i in range(-1, -min(weight.ndim, x.ndim) - 1, -1)
                    if weight.shape[i] not in (1, x.shape[i])), None)
        words = ("" if bad is None else f"Attempting to broadcast a dimension of length "
                 f"{weight.shape[bad]} at {bad}! Mismatching argument at index 1 had torch.Size("
                 f"{list(weight.shape)}); but "
                 f"expected shape should be broadcastable to {list(x.shape)} ")  # (PyTorch's words)
        raise ShapeError(f"{words}(binary_cross_entropy: weight of shape {weight.shape} does not "
                         f"broadcast to {x.shape})") from None


def _bce_interior(x: Tensor, t: Tensor, edge: Array) -> Tensor:
    """The composed loss where x * (1 - x) >= 1e-12 (logs > -28, so no clamp); edge points get x = 1/2."""
    safe = where(edge, 0.5, x) if edge.any() else x
    return -(t * safe.log() + (1 - t) * (-safe).log1p())


def _bce_edge(x: Tensor, t: Tensor, edge: Array) -> Tensor:
    """Where x is within 1e-12 of 0 or 1: PyTorch's clamped value, with its gradient (x - t) / 1e-12."""
    dt = x.dtype
    xa, ta = x.numpy(force=True), t.numpy(force=True)
    log_x, log_1mx = quiet(np.log, xa), quiet(np.log1p, -xa)  # log(0) is -inf, silently
    value = (ta - 1) * np.maximum(log_1mx, -100) - ta * np.maximum(log_x, -100)
    dt_slope = np.where(np.isfinite(log_1mx - log_x), log_1mx - log_x, 0.0)
    # linear pieces that are exactly 0 at this point, carrying the two slopes; -(c - x) is -0 there, so that
    # PyTorch's -0 loss at input = target = 1 keeps its sign (adding +0 would make it +0)
    x_part = -(constant(xa, dt) - x) * constant(np.where(edge, (xa - ta) / _BCE_EPS, 0.0), dt)
    t_part = -(constant(ta, dt) - t) * constant(np.where(edge, dt_slope, 0.0), dt)
    return constant(np.where(edge, value, 0.0), dt) + x_part + t_part


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """Multi-label one-versus-all loss of logits (N, C) against 0/1 targets (N, C):
    the mean over classes of -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x)) (times ``weight``), per sample.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        DimensionError: a 0-d input (PyTorch's IndexError).
        ShapeError: shapes that do not broadcast.
        TypeError: input or target is not a Tensor.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction),
                                  fn="multilabel_soft_margin_loss")
    x = _checks.tensor("multilabel_soft_margin_loss", input)
    t = _checks.tensor("multilabel_soft_margin_loss", target, "target")
    if x.dtype.kind != "f":  # (PyTorch's logsigmoid of the input runs first: its kernel is float only)
        raise kernel_error("log_sigmoid", x.dtype)
    if x.ndim == 0:
        raise DimensionError("Dimension specified as -1 but tensor has no dimensions "
                             "(multilabel_soft_margin_loss: expected an input (C,) or (N, C), got shape ())")
    try:
        np.broadcast_shapes(x.shape, t.shape)
    except ValueError:
        raise ShapeError(  # (PyTorch's words first: its target is tensor a)
            f"{size_mismatch(t.shape, x.shape)} (multilabel_soft_margin_loss: target of shape {t.shape} does "
            f"not fit input of shape {x.shape})"
        ) from None
    loss = -(t * logsigmoid(x) + (1 - t) * logsigmoid(-x))
    if weight is not None:
        loss = loss * weight
    per_sample = loss.sum(x.ndim - 1) / x.shape[-1]
    return apply_reduction(per_sample, reduction)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *,  # noqa: A002
                         linear_bias: Tensor | None = None, weight: Tensor | None = None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options: Any = None) -> Tensor:
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...): input (N, in) or (in,),
    linear_weight (C, *out, in) giving logits (N, C, *out) (a K-dimensional loss for a non-empty ``out``),
    linear_bias (C, *out). ``ignore_index=None`` ignores -100, as cross_entropy's default; ``options``
    (PyTorch's chunking) changes nothing here.

    Raises:
        ShapeError: input not 1-D or 2-D, linear_weight under 2-D, in_features or the bias not fitting, or
            a K-dimensional weight with unbatched input (PyTorch's RuntimeErrors).
        InvalidParameterError: ignore_index with probability targets.
    """
    if input.ndim not in (1, 2):
        raise ShapeError(f"linear_cross_entropy: expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise ShapeError("linear_cross_entropy: expected linear_weight with dimensionality at least 2, got "
                         f"{linear_weight.ndim}")
    if input.shape[-1] != linear_weight.shape[-1]:
        raise ShapeError("linear_cross_entropy: expected equal input and linear_weight last dimensions "
                         f"(in_features), got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    classes = tuple(linear_weight.shape[:-1])  # (C, *out)
    if linear_bias is not None and tuple(linear_bias.shape) != classes:
        raise ShapeError(f"linear_cross_entropy: expected linear_bias shape {classes}, got "
                         f"{tuple(linear_bias.shape)}")
    if len(classes) > 1 and input.ndim == 1:
        raise ShapeError(f"linear_cross_entropy: K-dimensional loss defined by linear_weight shape "
                         f"{tuple(linear_weight.shape)} requires batched input, (N, {input.shape[0]}), got "
                         f"unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*input.shape[:-1], *classes)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise InvalidParameterError("ignore_index cannot be specified when target contains probabilities")
    flat = linear_weight.reshape(-1, input.shape[-1])
    bias = None if linear_bias is None else linear_bias.reshape(-1)
    logits = linear(input, flat, bias).reshape(tuple(logits_shape))
    return cross_entropy(logits, target, -100 if ignore_index is None else ignore_index, reduction,
                         label_smoothing, weight=weight)
