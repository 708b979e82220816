"""Margin losses on class scores: ``soft_margin_loss``, ``multi_margin_loss``, ``multilabel_margin_loss``,
``hinge_embedding_loss``.

The multi-class hinges take the gradient only where the hinge is strictly
positive, as PyTorch's kernels do (``z > 0``); the hinge embedding loss, which
PyTorch composes with ``clamp_min``, passes it where the argument is >= 0.
"""

from __future__ import annotations

import numpy as np

from minigrad.dtypes import kernel_error, scalar_type_name
from minigrad.errors import DTypeError, InvalidParameterError, ShapeError
from minigrad.nn import _checks
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional.activation import logsigmoid
from minigrad.nn.functional.loss import apply_reduction, legacy_reduction, no_grad_for, target_like
from minigrad.shapes import check_broadcast
from minigrad.tensor import Tensor, tensor, where

__all__ = ["hinge_embedding_loss", "multi_margin_loss", "multilabel_margin_loss", "soft_margin_loss"]


def _strict_hinge(z: Tensor) -> Tensor:
    """max(z, 0) with gradient 1 only where z > 0 (0 at the kink)."""
    return where(z.numpy(force=True) > 0, z, 0.0)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,  # noqa: A002
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input)), elementwise (targets are +-1): the logistic loss of a two-class margin.

    The loss has the input's dtype, as PyTorch's (a float64 target of a float32 input is cast).

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: the target does not broadcast to the input's shape.
        MinigradError: a target that requires grad (in grad mode): PyTorch's kernel has no target gradient.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    x = _checks.tensor("soft_margin_loss", input)
    y = target_like("soft_margin_loss", x, target)
    full = check_broadcast("soft_margin_loss", x.shape, y.shape)
    if full != tuple(x.shape):  # PyTorch's kernel writes into an output of the input's shape
        raise ShapeError(f"soft_margin_loss: output with shape {list(x.shape)} doesn't match the broadcast "
                         f"shape {list(full)} (the target {tuple(y.shape)} must broadcast to the input)")
    no_grad_for("soft_margin_loss", target=y)
    if y.dtype != x.dtype and y.dtype.kind == "f":
        y = y.to(x.dtype)
    return named(apply_reduction(-logsigmoid(y * x), reduction), "SoftMarginLossBackward0", input)


def _class_targets(fn: str, x: Tensor, target: Tensor, target_ndim: int) -> np.ndarray:
    """The integer class targets as an array, after PyTorch's shape checks for (C,) / (N, C) input
    (a 0-d input is passed here as one class, shape (1,): the target's shape is checked for that)."""
    if x.ndim not in (1, 2) or (x.ndim == 2 and x.shape[1] == 0) or x.shape[-1] == 0:
        raise ShapeError(f"{fn}: Expected non-empty vector or matrix with optional 0-dim batch size, but "
                         f"got: {list(x.shape)} (expected non-empty 1D or 2D input, got input of shape "
                         f"{x.shape})")
    want = (() if x.ndim == 1 else x.shape[:1]) + ((x.shape[-1],) if target_ndim else ())
    t = _checks.tensor(fn, target, "target")
    # (PyTorch takes any target with one element per sample: a (1,) one for (C,), a 0-d one for (1, C))
    one = t.shape == (1,) if x.ndim == 1 else t.shape == () and x.shape[0] == 1
    if t.shape != want and not (one and not target_ndim):
        ours = f"{fn}: inconsistent target size: expected {want} for input of shape {x.shape}, got {t.shape}"
        if target_ndim:  # PyTorch's words first
            raise ShapeError(f"inconsistent target size: {list(t.shape)} for input of size: {list(x.shape)} "
                             f"({ours})")
        raise ShapeError(f"{fn}: target tensor should be 1-D with size equal to the number of input samples "
                         f"(batch size). Expected target size [{x.shape[0] if x.ndim == 2 else 1}], but got "
                         f"{list(t.shape)}. Input has shape {list(x.shape)}. ({ours})")
    if t.dtype != np.int64:  # (after the shapes, as PyTorch checks; its kernels take Long only)
        raise InvalidParameterError(f"expected scalar type Long but found {scalar_type_name(t.dtype)} ({fn}: "
                                    f"target must hold class indices (an integer tensor), got {t.dtype})")
    return t.numpy(force=True).reshape(want)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,  # noqa: A002
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """sum over i != y of w[y] * max(0, margin - x[y] + x[i]) ** p, divided by C: the multi-class hinge.

    Shapes: input (N, C) or (C,), target (N,) or () of class indices, weight (C,).

    Raises:
        InvalidParameterError: p not 1 or 2 (a ValueError, as PyTorch), weight not 1-D, unknown reduction,
            a target out of [0, C).
        ShapeError: input not 1-D or 2-D, target of the wrong shape.
        DTypeError: weight of another dtype than input (PyTorch's RuntimeError).
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    if p not in (1, 2) or isinstance(p, bool):
        raise InvalidParameterError(f"multi_margin_loss: only p == 1 and p == 2 supported, got p={p!r}")
    m = _checks.number("margin", margin)
    x = _checks.tensor("multi_margin_loss", input)
    x = x.reshape(1) if x.ndim == 0 else x  # PyTorch: a 0-d input is one class
    if weight is not None and weight.ndim != 1:
        raise InvalidParameterError(f"multi_margin_loss: weight must be one-dimensional, "
                                    f"got shape {weight.shape}")
    no_grad_for("multi_margin_loss", weight=weight)
    c = x.shape[-1]
    if weight is not None and x.ndim in (1, 2) and c and weight.numel() != c:
        raise ShapeError(f"multi_margin_loss: inconsistent weight size, expected {c} but got "
                         f"{list(weight.shape)}")
    if weight is not None and weight.dtype != x.dtype:  # (PyTorch's kernel reads weight as input's dtype)
        raise DTypeError(f"expected scalar type {scalar_type_name(x.dtype)} but found "
                         f"{scalar_type_name(weight.dtype)} (multi_margin_loss: weight of input's dtype)")
    y = _class_targets("multi_margin_loss", x, target, 0)
    if y.size and (y.min() < 0 or y.max() >= c):
        raise InvalidParameterError(f"multi_margin_loss: target out of range [0, {c}): {y.tolist()}")
    if x._array.dtype.kind != "f" or x._array.dtype == np.float16:  # (PyTorch's kernel: float, double)
        raise kernel_error("multi_margin_loss_cpu_kernel", x._array.dtype, "")
    picked = (y[..., None] == np.arange(c)) if x.ndim == 2 else (y == np.arange(c))
    x_y = where(picked, x, 0.0).sum(-1, keepdim=True)
    z = _strict_hinge(x - x_y + m)
    hinge = z * z if p == 2 else z
    if weight is not None:
        hinge = hinge * weight.astype(x.dtype)[y][..., None]
    loss = where(picked, 0.0, hinge).sum(-1) / c
    if x.ndim == 1 and getattr(target, "ndim", 0) == 1:  # one sample: 'none' keeps the target's (1,)
        loss = loss.reshape(1)
    elif x.ndim == 2 and getattr(target, "ndim", 1) == 0:  # (and a 0-d target's ())
        loss = loss.reshape(())
    return named(apply_reduction(loss, reduction), "MultiMarginLossBackward0", input)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,  # noqa: A002
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])), divided by C.

    ``target`` (N, C) or (C,) lists each sample's classes, ended by the first -1.

    Raises:
        InvalidParameterError: unknown reduction, a target class out of [-1, C).
        ShapeError: input not 1-D or 2-D, target not of the input's shape.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    x = _checks.tensor("multilabel_margin_loss", input)
    if x.ndim == 0:  # PyTorch: one class, with a target of one entry (0-d or (1,)) and a 0-d loss
        x = x.reshape(1)
        if isinstance(target, Tensor) and target.ndim == 0:
            target = target.reshape(1)
    t = _class_targets("multilabel_margin_loss", x, target, 1)
    c = x.shape[-1]
    if t.size and (t.min() < -1 or t.max() >= c):
        raise InvalidParameterError(f"multilabel_margin_loss: target out of range [-1, {c}): {t.tolist()}")
    if x._array.dtype.kind != "f" or x._array.dtype == np.float16:  # (PyTorch's kernel: float, double)
        raise kernel_error("multilabel_margin_loss_forward_out_frame", x._array.dtype, "")
    rows = t.reshape(-1, c)
    # the targets of a row are the entries before its first -1
    valid = np.cumprod(rows >= 0, axis=1).astype(bool)
    cls = np.where(valid, rows, 0)
    is_target = ((cls[:, :, None] == np.arange(c)) & valid[:, :, None]).any(1)
    x2 = x.reshape(-1, c)
    x_targets = x2.gather(1, tensor(cls))  # (N, C): the score of each listed target j
    z = _strict_hinge(1 - x_targets.unsqueeze(2) + x2.unsqueeze(1))  # (N, j, i)
    mask = valid[:, :, None] & ~is_target[:, None, :]
    loss = where(mask, z, 0.0).sum((1, 2)) / c
    out = apply_reduction(loss.reshape(x.shape[:-1]), reduction)
    return named(out, "MultilabelMarginLossBackward0", input)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,  # noqa: A002
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """x where target == 1, max(0, margin - x) where target == -1 (a target neither 1 nor -1 gets both).

    Raises:
        InvalidParameterError: unknown reduction, margin not a number.
        ShapeError: target and input shapes do not broadcast.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    m = _checks.number("margin", margin)
    x = _checks.tensor("hinge_embedding_loss", input)
    y = target_like("hinge_embedding_loss", x, target)
    check_broadcast("hinge_embedding_loss", y.shape, x.shape)  # (PyTorch's tensor a is the target)
    yv = y.numpy(force=True)
    # PyTorch fills the margin into a tensor like the input and subtracts: an integer input keeps its dtype
    # (the margin truncated), a bool one raises bool subtraction's error
    zeros = x.new_zeros(x.shape)
    loss = where(yv != 1, (x.new_full(x.shape, m) - x).clamp(min=0), zeros) + where(yv != -1, x, zeros)
    return apply_reduction(loss, reduction)
