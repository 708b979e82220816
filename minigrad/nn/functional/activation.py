"""Activation functions: elementwise nonlinearities and the softmax family.

Each is a composition of Tensor operations. Where a function has a kink, the
branch is chosen by a constant mask with PyTorch's comparison (``x > 0`` for
leaky_relu, ``min < x < max`` for hardtanh, ...), so values *and* gradients at
the kink equal PyTorch's. ``inplace=True`` works as in PyTorch: the input takes
the result's values and is returned (its version bumped), recorded as the
Tensor's in-place methods are (see :func:`_into`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.dtypes import dtype_arg, kernel_error, scalar_type_name
from minigrad.errors import DTypeError, InvalidParameterError, ShapeError, public_stacklevel
from minigrad.nn import _checks
from minigrad.nn.functional._grad_names import named
from minigrad.ops import (
    Elu,
    EluInplace,
    Hardsigmoid,
    Hardswish,
    LeakyRelu,
    LeakyReluInplace,
    LogSigmoid,
    Masked,
    Softplus,
)
from minigrad.tensor import DTypeLike, Tensor, where

__all__ = [
    "celu", "elu", "gelu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "leaky_relu",
    "log_softmax", "logsigmoid", "mish", "prelu", "relu", "relu6", "selu", "sigmoid", "silu", "softmax",
    "softmin", "softplus", "softshrink", "softsign", "tanh", "tanhshrink", "threshold",
]  # fmt: skip

# SELU's constants (Klambauer et al. 2017), as PyTorch spells them
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _into(name: str, input: Any, compute: Callable[[Tensor], Tensor]) -> Tensor:  # noqa: A002
    """PyTorch's in-place form of an activation: ``input`` takes ``compute(input)``'s values and is returned.

    Recorded as the Tensor's in-place methods are (``x.relu_()``): on a tensor that
    requires grad, ``compute`` runs on a copy of its old values and the input
    becomes the result's node, so the gradient is the out-of-place one; the
    version is bumped once, so a graph that saved the input notices.

    Raises:
        MinigradError: the input is a leaf that requires grad and grad mode is on (PyTorch's
            RuntimeError; fine under no_grad), or the result cannot be stored in its dtype.
    """
    return _checks.tensor(name.rstrip("_"), input)._update(name, compute)


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(x, 0), elementwise (gradient 0 at x == 0); ``inplace=True``: ``input.relu_()``."""
    if inplace:
        return _into("relu_", input, Tensor.relu)
    return _checks.tensor("relu", input).relu()


def gelu(input: Tensor, *, approximate: str = "none") -> Tensor:  # noqa: A002 - keyword-only, as PyTorch
    """x * Phi(x) (exact) or its tanh approximation; InvalidParameterError for another ``approximate``."""
    return _float_input("gelu", input, "GeluKernelImpl", "").gelu(approximate)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent, elementwise."""
    return _checks.tensor("tanh", input).tanh()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + exp(-x)), elementwise and overflow-free."""
    return _checks.tensor("sigmoid", input).sigmoid()


def legacy_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """PyTorch's implicit dim for a softmax without ``dim``: 0 for 0-, 1- and 3-D input, else 1.

    Warns (UserWarning, as PyTorch) that the implicit choice is deprecated;
    ``stacklevel`` is passed to ``warnings.warn``.
    """
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=public_stacklevel(stacklevel),
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(name: str, input: Tensor, dim: int | None, dtype: DTypeLike) -> tuple[Tensor, int]:  # noqa: A002
    x = _checks.tensor(name, input)
    if dtype is not None:
        x = x.astype(dtype_arg(name, dtype))
    return x, legacy_softmax_dim(name, x.ndim, 4) if dim is None else dim


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
            dtype: DTypeLike = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (cast to ``dtype`` first if given)."""
    x, d = _softmax_input("softmax", input, dim, dtype)
    return x.softmax(d)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
                dtype: DTypeLike = None) -> Tensor:
    """x - logsumexp(x) along ``dim`` (cast to ``dtype`` first if given)."""
    x, d = _softmax_input("log_softmax", input, dim, dtype)
    return x.log_softmax(d)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
            dtype: DTypeLike = None) -> Tensor:
    """softmax(-x) along ``dim``: the smallest entries get the largest weights."""
    x, d = _softmax_input("softmin", input, dim, None)
    return (-x).softmax(d, dtype)  # (PyTorch's order: negated, then cast; a bool input's error is -'s)


# ------------------------------------------------------------------ exp/log building blocks


# ------------------------------------------------------------------ piecewise activations


def _float_input(name: str, input: Any, kernel: str | None = None, suffix: str = "_cpu") -> Tensor:  # noqa: A002
    """``input`` checked as a tensor of a float dtype: PyTorch has float kernels only for these activations.

    Raises:
        UnsupportedError: an integer or bool tensor (PyTorch's NotImplementedError naming its kernel,
            ``kernel`` or else ``name``: ``"elu_cpu" not implemented for 'Long'``).
    """
    x = _checks.tensor(name, input)
    if x.dtype.kind != "f":
        raise kernel_error(kernel or name, x.dtype, suffix)
    return x


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    """x if x > 0 else negative_slope * x; the gradient at 0 is negative_slope (PyTorch's).

    ``inplace=True`` writes into ``input`` (see :func:`_into`); as in PyTorch, backward
    through it then raises for a negative slope.
    """
    slope = _checks.number("negative_slope", negative_slope)
    x = _float_input("leaky_relu", input)
    if inplace:
        return _into("leaky_relu_", x, lambda t: LeakyReluInplace.apply(t, slope=float(slope)))
    return LeakyRelu.apply(x, slope=float(slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x if x > 0 else alpha * expm1(x); the gradient at 0 is alpha (PyTorch's).

    ``inplace=True`` writes into ``input`` (see :func:`_into`); as in PyTorch, backward
    through it then raises for a negative alpha.
    """
    a = _checks.number("alpha", alpha)
    if inplace:
        _float_input("elu", input)
        return _into("elu_", input, lambda t: named(EluInplace.apply(_float_input("elu", t), neg=a, pos=1.0,
                                                                     inner=1.0), "EluBackward1"))
    x = _float_input("elu", input)
    return named(Elu.apply(x, neg=a, pos=1.0, inner=1.0), "EluBackward0")


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """scale * elu(x, alpha) with SELU's fixed alpha ~ 1.6733 and scale ~ 1.0507 (``inplace``: see
    :func:`_into`)."""
    if inplace:
        return _into("selu_", input, lambda t: _selu(_float_input("selu", t, "elu"), EluInplace,
                                                     "EluBackward1"))
    return _selu(_float_input("selu", input, "elu"), Elu, "EluBackward0")


def _selu(x: Tensor, op: type[Elu], name: str) -> Tensor:
    # PyTorch's kernel multiplies by alpha * scale rounded to the input's dtype, in one step
    neg = float(np.asarray(SELU_ALPHA, x.dtype) * np.asarray(SELU_SCALE, x.dtype))
    return named(op.apply(x, neg=neg, pos=SELU_SCALE, inner=1.0), name)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x if x > 0 else alpha * expm1(x / alpha); gradient 1 at 0 from either side.

    ``inplace=True`` writes into ``input`` (see :func:`_into`); as in PyTorch, backward
    through it then raises for a negative alpha.

    Raises:
        InvalidParameterError: ``alpha`` is 0 (PyTorch: "ZeroDivisionError").
    """
    a = _checks.number("alpha", alpha)
    if a == 0:
        raise InvalidParameterError(f"celu: alpha must not be 0 (it divides x), got alpha={alpha!r}")
    if inplace:
        return _into("celu_", input, lambda t: _celu(_float_input("celu", t, "elu"), a, EluInplace,
                                                     "CeluBackward1"))
    return _celu(_float_input("celu", input, "elu"), a, Elu, "CeluBackward0")


def _celu(x: Tensor, a: float, op: type[Elu], name: str) -> Tensor:
    return named(op.apply(x, neg=a, pos=1.0, inner=1.0 / a, grad_inner=1.0 / float(np.float32(a))), name)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * sigmoid(x) (also called swish; ``inplace``: see :func:`_into`)."""
    if inplace:
        return _into("silu_", input, silu)
    x = _float_input("silu", input)
    if x.dtype == np.float16:  # PyTorch's half kernel: float32 math, rounded once (not after each op)
        return named(silu(x.float()).half(), "SiluBackward0")
    return named(x * x.sigmoid(), "SiluBackward0")


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (PyTorch's switch)."""
    b = _checks.number("beta", beta)
    t = _checks.number("threshold", threshold)
    x = _float_input("softplus", input)
    return Softplus.apply(x, beta=float(b), threshold=float(t))  # (beta = 0 gives inf, as PyTorch)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * tanh(softplus(x)) (``inplace``: see :func:`_into`)."""
    if inplace:
        return _into("mish_", input, mish)
    x = _float_input("mish", input)
    if x.dtype == np.float16:  # (as silu)
        return named(mish(x.float()).half(), "MishBackward0")
    # (PyTorch's mish takes log1p(exp(x)) everywhere: past the threshold its tanh is 1 either way)
    return named(x * Softplus.apply(x, beta=1.0, threshold=20.0).tanh(), "MishBackward0")


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """log(sigmoid(x)) = -softplus(-x), finite for any x."""
    return LogSigmoid.apply(_float_input("logsigmoid", input, "log_sigmoid"))


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """x / (1 + |x|)."""
    x = _checks.tensor("softsign", input)
    return x / (x.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """x - tanh(x)."""
    x = _checks.tensor("tanhshrink", input)
    return x - x.tanh()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside, 0 at and beyond the ends
    (``inplace``: see :func:`_into`).

    Raises:
        InvalidParameterError: ``min_val > max_val``.
        DTypeError: a bool input, or an unsigned one with a negative limit (PyTorch's RuntimeError).
    """
    lo = _checks.number("min_val", min_val)
    hi = _checks.number("max_val", max_val)
    if lo > hi:
        raise InvalidParameterError(
            f"hardtanh: min_val cannot be greater than max_val, got min_val={min_val!r}, max_val={max_val!r}"
        )
    x = _checks.tensor("hardtanh", input)
    if x.dtype == np.bool_:  # (PyTorch's words, here and below)
        raise DTypeError("Bool inputs not supported for hardtanh (convert with x.float())")
    if x.dtype.kind == "u" and (lo < 0 or hi < 0):
        raise DTypeError("cannot do hardtanh on an unsigned type with negative limits")
    if inplace:
        return _into("hardtanh_", x, lambda t: hardtanh(t, lo, hi))
    a = x.numpy(force=True)
    # PyTorch's gradient mask: 0 at and beyond the ends, 1 elsewhere (nan included, which stays nan)
    passes = ~((a <= lo) | (a >= hi))
    return named(Masked.apply(x, fill=np.clip(a, lo, hi).astype(x.dtype), keep=passes), "HardtanhBackward0")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x, 0), 6): hardtanh(x, 0, 6), so the gradient is 0 at 0 and at 6 (``inplace``: hardtanh's)."""
    return hardtanh(_checks.tensor("relu6", input), 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, x / 6 + 1/2 strictly between (gradient 0 at +-3;
    ``inplace``: see :func:`_into`)."""
    if inplace:
        return _into("hardsigmoid_", input, hardsigmoid)
    return Hardsigmoid.apply(_float_input("hardsigmoid", input))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * relu6(x + 3) / 6; gradient x / 3 + 1/2 strictly inside (-3, 3), 0 at -3 and 1 at 3 (PyTorch's;
    ``inplace``: see :func:`_into`)."""
    if inplace:
        return _into("hardswish_", input, hardswish)
    return Hardswish.apply(_float_input("hardswish", input))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x - lambd above lambd, x + lambd below -lambd, 0 between (gradient 0 at +-lambd).

    Raises:
        InvalidParameterError: ``lambd < 0``.
        UnsupportedError: an integer or bool tensor (PyTorch's NotImplementedError, "softshrink_check").
    """
    x = _float_input("softshrink", input, "softshrink_check", "")
    if _checks.is_real(lambd) and lambd < 0:  # (PyTorch's words)
        dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        top = float(np.finfo(dt).max)
        raise InvalidParameterError(f"softshrink: lambda must be in range [0, {top:g}] for input dtype "
                                    f"{scalar_type_name(dt)}, but found {lambd}")
    lam = _checks.nonnegative("lambd", lambd)
    a = x.numpy(force=True)
    inside = (a >= -lam) & (a <= lam)  # nan is outside: it passes through, as in PyTorch
    # x * 0 between, as PyTorch's kernel: -0.0 for negative x (a constant there: the gradient is 0)
    shifted = where(a < -lam, x + lam, x - lam)
    return named(Masked.apply(shifted, fill=(x.detach() * 0.0)._array, keep=~inside), "SoftshrinkBackward0")


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > lambd, else 0 (gradient 0 at +-lambd)."""
    lam = _checks.number("lambd", lambd)
    x = _float_input("hardshrink", input)
    a = x.numpy(force=True)
    keep = ~((a >= -lam) & (a <= lam))
    return named(Masked.apply(x, fill=np.zeros((), x.dtype), keep=keep), "HardshrinkBackward0")


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > threshold, else ``value`` (gradient 0 at and below the threshold; ``inplace``: see
    :func:`_into`)."""
    th = _checks.number("threshold", threshold)
    v = _checks.number("value", value)
    x = _checks.tensor("threshold", input)
    if x.dtype == np.bool_:  # (integers are fine: PyTorch's kernel has them)
        raise kernel_error("threshold", x.dtype)
    if inplace:  # (the argument ``threshold`` hides this function: the same where, PyTorch's in-place name)
        return _into("threshold_", x, lambda t: named(_threshold(t, th, v), "ThresholdBackward1"))
    return named(_threshold(x, th, v), "ThresholdBackward0")


def _threshold(x: Tensor, th: float, v: float) -> Tensor:
    return Masked.apply(x, fill=np.asarray(v, x.dtype), keep=~(x.numpy(force=True) <= th))


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """x if x > 0 else weight * x, with one slope per channel (dim 1) or one for all.

    ``weight`` is 0-d or 1-D with 1 element or C = input.shape[1] elements
    (a 1-D input has one channel). The gradient at 0 is the slope, as PyTorch's.

    Raises:
        ShapeError: a 0-d input with several slopes, a 2-D weight, or a slope count that is neither 1 nor C.
        DTypeError: input and weight of two dtypes (PyTorch's RuntimeError).
        UnsupportedError: an integer or bool input and weight (PyTorch's NotImplementedError).
    """
    x = _checks.tensor("prelu", input)
    w = _checks.tensor("prelu", weight, "weight")
    if x.dtype == w.dtype and x.dtype.kind != "f":  # one non-float dtype: the kernel has none
        raise kernel_error("prelu", x.dtype)
    if x.dtype.kind != "f" or x.dtype != w.dtype:
        words = (f"prelu: Type promoting not supported. Got {scalar_type_name(x.dtype)} and "
                 f"{scalar_type_name(w.dtype)} (" if x.dtype != w.dtype else "")  # (PyTorch's words first)
        close = ")" if words else ""
        raise DTypeError(f"{words}prelu: input of dtype {x.dtype} and weight of dtype {w.dtype}: PyTorch "
                         f"does not promote them either; pass a float input of the weight's dtype{close}")
    if w.ndim > 1:
        raise ShapeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.ndim} "
                         f"(shape {w.shape})")
    n = w.numel()
    channels = x.shape[1] if x.ndim >= 2 else 1
    if n != 1 and (x.ndim == 0 or n != channels):
        words = ("Not allow zero-dim input tensor." if x.ndim == 0 else "Mismatch of parameter numbers and "
                 f"input channel size. Found parameter numbers = {n} and channel size = {channels}.")
        raise ShapeError(
            f"{words} (prelu: weight holds {n} slopes but input of shape {x.shape} has {channels} channel(s) "
            "(dim 1); pass 1 slope or one per channel)"
        )
    slope = w.reshape(()) if n == 1 else w.reshape(channels, *([1] * (x.ndim - 2)))
    pos = x.numpy(force=True) > 0
    # the slope sees 0 where x > 0, so an infinite x there gives the slope gradient 0, not inf * 0
    # (Masked: PyTorch's prelu backward takes the input, so a second derivative reaches it as zeros)
    negative = Masked.apply(x, fill=np.zeros((), x.dtype), keep=~pos)
    return named(where(pos, x, negative * slope), "PreluKernelBackward0")


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: a * sigmoid(b), where a and b are the halves of ``input`` along ``dim``.

    Raises:
        ShapeError: the input is 0-d or its size along ``dim`` is odd.
    """
    x = _float_input("glu", input)
    if x.ndim == 0:
        # (PyTorch's words, here and below: scripts print them)
        raise ShapeError("glu does not support scalars because halving size must be even")
    size = x.size(dim)  # DimensionError for a dim out of range
    if not isinstance(size, int) or size % 2:  # (the dim made non-negative, as PyTorch's)
        raise ShapeError(f"Halving dimension must be even, but dimension {dim % x.ndim} is size {size}")
    if size == 0:  # two empty halves
        return x * x.sigmoid()
    a, b = x.chunk(2, dim)
    return named(a * b.sigmoid(), "GluBackward0")

