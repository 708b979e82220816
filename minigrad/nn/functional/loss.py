"""Regression and distribution losses: mse, l1, smooth_l1, huber, kl_div, poisson_nll, gaussian_nll; and the
reductions every loss shares.

Each loss is elementwise, then reduced: ``'mean'`` (the default), ``'sum'``
or ``'none'`` (the elementwise losses). PyTorch's deprecated ``size_average``
and ``reduce`` arguments are accepted where PyTorch takes them and override
``reduction`` with PyTorch's warning.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.dtypes import bool_sub_error, kernel_error, scalar_type_name
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    bool_args,
    public_stacklevel,
)
from minigrad.grad_mode import is_grad_enabled
from minigrad.nn import _checks
from minigrad.nn.functional._constant import constant
from minigrad.nn.functional._grad_names import named
from minigrad.shapes import size_mismatch
from minigrad.tensor import Tensor, result_type, where

__all__ = [
    "gaussian_nll_loss", "huber_loss", "kl_div", "l1_loss", "mse_loss", "poisson_nll_loss", "smooth_l1_loss",
]  # fmt: skip


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """``reduction``, or the one PyTorch derives from the deprecated size_average / reduce (and warns)."""
    if size_average is None and reduce is None:
        return reduction
    mean, keep_reducing = size_average is None or size_average, reduce is None or reduce
    derived = "mean" if mean and keep_reducing else "sum" if keep_reducing else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{derived}' instead.",
        UserWarning,
        stacklevel=2,  # (as PyTorch's: the loss function's or _Loss.__init__'s line, so shown once per loss)
    )
    return derived


def apply_reduction(loss: Tensor, reduction: str) -> Tensor:
    """The elementwise ``loss`` reduced by 'mean', 'sum' or 'none'."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def target_like(fn: str, input: Tensor, target: Any) -> Tensor:  # noqa: A002
    """``target`` as a Tensor (a Python number or array takes the input's dtype)."""
    _checks.tensor(fn, input)
    return target if isinstance(target, Tensor) else Tensor(target, dtype=input.dtype)


def no_grad_for(kernel: str, **tensors: Tensor | None) -> None:
    """PyTorch's kernel has no gradient for these arguments: one that requires grad (in grad mode) raises
    its RuntimeError, whether or not the input needs a gradient."""
    for name, t in tensors.items():
        if t is not None and t.requires_grad and is_grad_enabled():
            raise MinigradError(f"The function '{kernel}' is not differentiable with respect to argument "
                                f"'{name}'. This input cannot have requires_grad True.")


def _float_kernel(kernel: str, x: Tensor, t: Tensor) -> None:
    """PyTorch's NotImplementedError for a loss whose kernel has float types only, given an input and
    target whose common dtype is an integer or bool (``"mse_cpu" not implemented for 'Long'``)."""
    dt = result_type(x, t)
    if dt.kind != "f":
        raise kernel_error(kernel, dt)


def _pointwise(fn: str, input: Tensor, target: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """(input, target) for an elementwise loss: differing shapes warn (PyTorch's UserWarning), then broadcast.

    Raises:
        ShapeError: the shapes do not broadcast.
    """
    t = target_like(fn, input, target)
    if input.shape != t.shape:
        if fn != "poisson_nll_loss":  # (PyTorch's poisson_nll_loss broadcasts without a word; the others warn
            # before they try to broadcast, so shapes that do not broadcast warn too)
            warnings.warn(  # (PyTorch's words)
                f"Using a target size ({t.shape}) that is different to the input size ({input.shape}). This "
                "will likely lead to incorrect results due to broadcasting. Please ensure they have the same "
                "size.",
                UserWarning,
                stacklevel=public_stacklevel(3),
            )
        try:
            np.broadcast_shapes(input.shape, t.shape)
        except ValueError:
            # PyTorch's poisson_nll_loss computes with the target first (its tensor a)
            first, second = (t.shape, input.shape) if fn == "poisson_nll_loss" else (input.shape, t.shape)
            raise ShapeError(f"{size_mismatch(first, second)} ({fn}: target of shape {t.shape} does "
                             f"not broadcast with input of shape {input.shape})") from None
        if fn != "poisson_nll_loss" and (input.ndim == 0) != (t.ndim == 0) and input.dtype != t.dtype:
            # PyTorch broadcasts both first (torch.broadcast_tensors): a 0-d side then has a dim and
            # no longer yields the dtype (a 0-d float32 input and a float16 target give float32)
            full = np.broadcast_shapes(input.shape, t.shape)
            return input.expand(full), t.expand(full)
    return input, t


def _unbool(t: Tensor, x: Tensor) -> Tensor:
    """A bool target as 0/1 of the input's dtype: PyTorch's mse/smooth_l1 kernels promote it (its ``-``
    refuses bools, so l1_loss and huber's gradient do not)."""
    return t.to(x.dtype) if t.dtype == np.bool_ else t


def _weighted(fn: str, loss: Tensor, input: Tensor, weight: Tensor | None, reduction: str,  # noqa: A002
              mean_by_weight: bool) -> Tensor:
    """loss * weight reduced; 'mean' divides by sum(weight) (mse, l1) or by the count (huber), as PyTorch."""
    if weight is None:
        return apply_reduction(loss, reduction)
    if weight.shape != input.shape:
        raise ShapeError(f"{fn}: weight and input must have the same size, got {weight.shape}, {input.shape}")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return apply_reduction(loss, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,  # noqa: A002
             reduce: bool | None = None, reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error: reduce((input - target) ** 2), optionally weighted ('mean': / sum(weight)).

    Shapes that differ are broadcast with a UserWarning, as in PyTorch.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: the shapes do not broadcast, or weight's shape is not input's.
        UnsupportedError: input and target of an integer or bool common dtype (PyTorch's
            NotImplementedError).
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    x, t = _pointwise("mse_loss", input, target)
    _float_kernel("mse", x, t)
    diff = x - _unbool(t, x)
    out = _weighted("mse_loss", diff * diff, x, weight, reduction, mean_by_weight=True)
    return out if weight is not None else named(out, "MseLossBackward0", x, t)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,  # noqa: A002
            reduce: bool | None = None, reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error: reduce(|input - target|), gradient 0 where they are equal (PyTorch's sign(0)).

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: the shapes do not broadcast, or weight's shape is not input's.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    x, t = _pointwise("l1_loss", input, target)
    return _weighted("l1_loss", (x - t).abs(), x, weight, reduction, mean_by_weight=True)


def _quadratic_then_linear(d: Tensor, cut: float, huber: bool) -> Tensor:
    """smooth_l1's (huber's) elementwise loss of d = input - target: the square below ``cut``, linear above.

    Float tensors take the primitive (PyTorch's kernel formulas); others are composed, the branch a
    constant mask on the closed [-cut, cut] (the pieces agree at its ends) and nan inside, as PyTorch's
    backward.
    """
    if d.dtype.kind == "f":
        return ops.SmoothL1.apply(d, cut=cut, huber=huber)
    quad_scale, lin_scale = (0.5, cut) if huber else (0.5 / cut, 1.0)
    a = d.numpy(force=True)
    inside = ~((a < -cut) | (a > cut))
    sign = constant(np.where(a < 0, -1.0, 1.0), d.dtype)
    near = where(inside, d, 0.0)  # an infinite d outside must not meet the square's zero gradient (inf * 0)
    return where(inside, near * near * quad_scale, (d * sign - cut * 0.5) * lin_scale)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,  # noqa: A002
                   reduce: bool | None = None, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 * d**2 / beta where |d| < beta, else |d| - beta / 2 (d = input - target); beta = 0 is l1_loss.

    Raises:
        InvalidParameterError: unknown ``reduction``, beta negative or not a number.
        ShapeError: the shapes do not broadcast.
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction))
    b = _checks.nonnegative("beta", beta)
    x, t = _pointwise("smooth_l1_loss", input, target)
    if b == 0:  # (l1_loss's forms and errors)
        return apply_reduction((x - t).abs(), reduction)
    _float_kernel("smooth_l1", x, t)
    loss = apply_reduction(_quadratic_then_linear(x - _unbool(t, x), b, False), reduction)
    return named(loss, "SmoothL1LossBackward0")


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,  # noqa: A002
               weight: Tensor | None = None) -> Tensor:
    """0.5 * d**2 where |d| < delta, else delta * (|d| - delta / 2); optionally weighted (then 'mean' is
    the mean of the weighted losses, as PyTorch).

    Raises:
        InvalidParameterError: unknown ``reduction``, delta not a positive number.
        ShapeError: the shapes do not broadcast, or weight's shape is not input's.
        UnsupportedError: input and target of an integer or bool common dtype (PyTorch's
            NotImplementedError).
        DTypeError: an integer input with a float target; at backward, input and target of two dtypes
            (PyTorch computes the value, in their common dtype, and raises in backward).
    """
    reduction = _checks.reduction(reduction)
    dl = _checks.number("delta", delta)
    if not dl > 0:
        raise InvalidParameterError("huber_loss does not support non-positive values for delta.: delta must "
                                    f"be a positive number, got delta={delta!r}")
    x, t = _pointwise("huber_loss", input, target)
    _float_kernel("huber", x, t)
    if x.dtype.kind != "f":  # (PyTorch's output takes the input's dtype)
        raise DTypeError(f"result type {scalar_type_name(result_type(x, t))} can't be cast to the desired "
                         f"output type {scalar_type_name(x.dtype)}")
    if t.dtype == x.dtype:
        elementwise = _quadratic_then_linear(x - t, dl, True)
    else:
        # PyTorch's kernel computes in the common dtype into an output of the input's; its backward
        # then refuses the pair ("Found dtype Double but expected Float")
        common = np.promote_types(x.dtype, t.dtype) if t.dtype.kind == "f" else x.dtype
        value = _quadratic_then_linear(x.detach().to(common) - t.detach().to(common), dl, True).to(x.dtype)
        inputs = [x, t] if is_grad_enabled() else []
        elementwise = ops.recorded(value.numpy(force=True), inputs, "HuberLossBackward0",
                                   refusal=f"Found dtype {scalar_type_name(t.dtype)} but expected "
                                           f"{scalar_type_name(x.dtype)} (huber_loss: input and target of "
                                           "two dtypes have no gradient)")
    loss = _weighted("huber_loss", elementwise, x, weight, reduction, mean_by_weight=False)
    return loss if weight is not None else named(loss, "HuberLossBackward0")


@bool_args("log_target")
def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,  # noqa: A002
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``, elementwise:
    target * (log(target) - input) (0 where target == 0), or exp(target) * (target - input) with
    ``log_target``.

    ``reduction='batchmean'`` divides the sum by the batch size (the KL
    divergence proper); ``'mean'`` divides by the number of elements and warns,
    as PyTorch does. Where target == 0, PyTorch's gradient with respect to the
    target is nan (0 / 0 in its xlogy); here that term contributes 0.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: the shapes do not broadcast.
        DTypeError: an integer or bool input or target (PyTorch's RuntimeError).
    """
    legacy = size_average is not None or reduce is not None
    given = legacy_reduction(size_average, reduce, reduction)
    reduction = _checks.reduction(given, ("mean", "batchmean", "sum", "none"))
    if given == "mean" and not legacy:
        warnings.warn(
            # PyTorch's text, its missing spaces included, so a script's stderr reads the same
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            UserWarning,
            stacklevel=public_stacklevel(3),  # (the caller, as PyTorch's stacklevel=2, past bool_args's)
        )
    x = _checks.tensor("kl_div", input)
    t = target_like("kl_div", x, target)
    if x.dtype.kind != "f" or t.dtype.kind != "f":
        raise DTypeError(  # (PyTorch's words first)
            f"kl_div: Integral inputs not supported. (got dtypes {x.dtype} and {t.dtype})"
        )
    if log_target:
        loss = t.exp() * (t - x)
    else:
        zero = t.numpy(force=True) == 0
        t_log_t = where(zero, 0.0, t * where(zero, 1.0, t).log())  # xlogy(t, t); log(negative) stays nan
        loss = t_log_t - t * x
    if reduction == "batchmean":
        return loss.sum() / x.shape[0] if x.ndim else loss.sum()
    return apply_reduction(loss, reduction)


@bool_args("log_input", "full")
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under Poisson(rate): exp(input) - target * input with
    ``log_input`` (input is the log-rate), else input - target * log(input + eps).

    ``full`` adds the Stirling term target * log(target) - target + log(2 pi target) / 2
    where target > 1.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: the shapes do not broadcast.
        DTypeError: a bool target with ``full`` (PyTorch's RuntimeError: its Stirling term subtracts it).
    """
    reduction = _checks.reduction(legacy_reduction(size_average, reduce, reduction), fn="poisson_nll_loss")
    e = _checks.number("eps", eps)
    x, t = _pointwise("poisson_nll_loss", input, target)
    loss = x.exp() - t * x if log_input else x - t * (x + e).log()
    if full:
        if t.dtype == np.bool_:  # PyTorch's Stirling term subtracts the bool target
            raise bool_sub_error(False)
        big = t.numpy(force=True) > 1
        safe = where(big, t, 2.0)
        stirling = safe * safe.log() - safe + (safe * (2 * math.pi)).log() * 0.5
        loss = loss + where(big, stirling, 0.0)
    return apply_reduction(loss, reduction)


def _variance_shape(var: Tensor, input: Tensor) -> Tensor:  # noqa: A002
    """``var`` broadcastable to the input: one dim short is unsqueezed, one size-1 dim is fine."""
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ShapeError(f"var is of incorrect size (gaussian_nll_loss: var of shape {var.shape} does not fit "
                     f"input of shape {input.shape})")


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,  # noqa: A002
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under N(input, var): (log(var) + (input - target)**2 / var) / 2,
    plus log(2 pi) / 2 with ``full``.

    ``var`` is a tensor of the input's shape (heteroscedastic), one dim short of
    it or with one size-1 dim (homoscedastic), or a float. It is clamped to at
    least ``eps`` in value only; the gradient flows as if unclamped, as PyTorch's.

    Raises:
        InvalidParameterError: unknown ``reduction``, a negative variance.
        ShapeError: var's shape fits none of the cases above.
    """
    reduction = _checks.reduction(reduction, fn="gaussian_nll_loss")
    e = _checks.number("eps", eps)
    x = _checks.tensor("gaussian_nll_loss", input)
    t = target_like("gaussian_nll_loss", x, target)
    v = var if isinstance(var, Tensor) else constant(np.full(x.shape, _checks.number("var", var)), x.dtype)
    if (v.numpy(force=True) < 0).any():
        raise InvalidParameterError("var has negative entry/entries")
    v = _variance_shape(v, x)
    va = v.numpy(force=True)
    # value clamped, gradient as v's (only where below eps: inf - inf would make an infinite var nan)
    v = v + constant(np.where(va < e, e - va, 0.0), v.dtype)
    loss = (v.log() + (x - t) ** 2 / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return apply_reduction(loss, reduction)

