"""Normalization functions: ``batch_norm``, ``instance_norm``, ``layer_norm``, ``group_norm``, ``rms_norm``,
``local_response_norm``.

Each standardizes with a mean and a *biased* variance over some dims
(``(x - mean) / sqrt(var + eps)``), composed from mean, mul and pow, so the
gradients come from the primitives; they differ in the dims they reduce.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from minigrad import _kernels
from minigrad._kernels import quiet
from minigrad.autograd import no_grad
from minigrad.dtypes import c_type_name, kernel_error, scalar_type_name
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    _ShapeIndexError,
    bool_args,
    bool_error,
    user_stacklevel,
)
from minigrad.nn import _checks
from minigrad.nn.functional._constant import constant
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional._windows import keep_channels_last
from minigrad.ops import Add, Addcmul, Mean, PowScalar, Sub, Var
from minigrad.settings import warn_once_due
from minigrad.tensor import Array, Tensor, cat

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm", "rms_norm"]


def _moments(x: Tensor, dims: tuple[int, ...]) -> tuple[Tensor, Tensor, Tensor]:
    """(mean, x - mean, biased var) over ``dims``, kept as size-1 dims.

    Three passes over x (mean, x - mean, var); the variance's backward is one
    more: the var primitive takes the centered values it would otherwise
    compute again (``centered=True``). The primitives are applied directly:
    these dims are valid by construction, and the Tensor methods' argument
    handling would cost more than the ops on a small batch.
    """
    if x._array.dtype.kind != "f":
        x.mean()  # raises PyTorch's error for an integer input
    mean = Mean.apply(x, dims=dims, keepdim=True)
    centered = Sub.apply(x, mean)
    return mean, centered, Var.apply(centered, dims=dims, keepdim=True, correction=0, centered=True)


def _inv_std(var: Tensor, eps: float) -> Tensor:
    """(var + eps) ** -0.5: two ops on the small statistics (rsqrt would be two: 1 / sqrt)."""
    return PowScalar.apply(Add.apply(var, constant(eps, var._array.dtype)), p=-0.5, wide=False)


def _standardize(x: Tensor, dims: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """((x - mean) / sqrt(var + eps), mean, biased var) over ``dims`` (kept as size-1 dims):
    four passes over x forward (see :func:`_moments`)."""
    mean, centered, var = _moments(x, dims)
    return centered * _inv_std(var, eps), mean, var


def _floats(*ts: Tensor | None) -> list[Tensor | None]:
    """Each tensor as float32 (None kept): PyTorch's CPU norm kernels compute a half input in float32 (its
    opmath type) and round the result once, so a half batch's x * x neither overflows nor rounds twice."""
    return [None if t is None else t.float() for t in ts]


def _as(t: Tensor, shape: tuple[int, ...]) -> Tensor:
    return t if t._array.shape == shape else t.reshape(shape)


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]) -> Tensor:
    """out * weight + bias, with weight and bias reshaped to ``shape`` (either may be None): one addcmul
    when both are given and of out's dtype (one full-size result, not two)."""
    if weight is not None and bias is not None and \
            weight._array.dtype == bias._array.dtype == out._array.dtype:
        return Addcmul.apply(_as(bias, shape), out, _as(weight, shape))
    if weight is not None:
        out = out * _as(weight, shape)
    if bias is not None:
        out = out + _as(bias, shape)
    return out


def _check_dtypes(input: Tensor, *params: Tensor | None, kernel: str = "batch_norm") -> None:  # noqa: A002
    """PyTorch's CPU kernels take weights and statistics of the input's dtype (float32 ones for a 16-bit
    input) and raise for any other mix, which numpy would promote (a float64 batch, a float32 layer).
    An integer or bool input is refused as by ``kernel``: layer and group norm with a weight or bias
    first see the mix, the others (and they without parameters) are not implemented for it."""
    xd = input._array.dtype
    if xd.kind not in "fc":
        if kernel.endswith("KernelImpl") and any(t is not None for t in params):
            raise DTypeError(f"mixed dtype (CPU): all inputs must share same datatype. (input {xd})")
        raise UnsupportedError(f'"{kernel}" not implemented for \'{scalar_type_name(xd)}\'')
    ok = (xd, np.float32 if xd.itemsize == 2 else xd)
    for t in params:
        if xd.kind == "f" and t is not None and t._array.dtype not in ok:
            raise DTypeError("mixed dtype (CPU): " + ("expect parameter to have scalar type of Float"
                             if xd.itemsize <= 4 else "all inputs must share same datatype.")
                             + f" (input {xd}, parameter {t._array.dtype})")


def _check_vector(name: str, t: Tensor | None, size: int, where_: str, input: Tensor) -> None:  # noqa: A002
    if t is None or t._array.shape == (size,):
        return
    # PyTorch's words first: batch_norm counts elements; instance_norm, which repeats the statistics per
    # instance, counts them times the batch; group_norm names the shapes
    n = input._array.shape[0] if where_ == "instance_norm" else 1
    words = (f"{name} should contain {n * size} elements not {n * t._array.size}" if where_ != "group_norm"
             else f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
             f"{name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    raise ShapeError(f"{words} ({where_}: expected {name} of shape ({size},), got {t.shape})")


def batch_norm(
    input: Tensor,  # noqa: A002
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalization over dim 1 (the channels) of an (N, C, *) input.

    Training: y = (x - mean) / sqrt(var + eps) * weight + bias with the batch
    mean and *biased* variance over every dim but 1; if running buffers are
    given they are updated in place, without recording a graph:
    running = (1 - momentum) * running + momentum * batch_stat, using the
    *unbiased* variance for ``running_var``. Eval (``training=False``):
    the running statistics replace the batch ones.

    An input with no values is returned as ``input * weight[0] + bias[0]`` (PyTorch's
    kernel, which then checks no shape and updates no statistic).

    Raises:
        ShapeError: input has fewer than 2 dims (PyTorch's IndexError, also one), a buffer or weight/bias is
            not of shape (C,), or (training) there is one value per channel.
        MinigradError: eval without running statistics.
        InvalidParameterError: training with one running statistic but not the other (PyTorch's ValueError).
        DTypeError: a buffer or weight/bias of another float dtype than the input (PyTorch's
            "mixed dtype" RuntimeError; float32 ones with a 16-bit float input are allowed).
    """
    shape = _checks.tensor("batch_norm", input)._array.shape
    if training is not True and training is not False:  # (PyTorch's kernel takes only a bool)
        raise bool_error("batch_norm", "training", training, 6)
    if training and shape and shape[0] * math.prod(shape[2:]) == 1:  # (PyTorch's Python checks it first)
        raise ShapeError("Expected more than 1 value per channel when training, got input size "
                         f"{input.shape} (batch_norm)")
    if 0 in shape:  # PyTorch's kernel returns input * weight[0] + bias[0] for no values, checking no shape
        out = input.clone() if weight is None else input * weight[0]
        return out if bias is None else out + bias[0]
    if len(shape) < 2:
        raise _ShapeIndexError(  # (PyTorch's words: its kernel reads the channel count at dim 1)
            f"Dimension out of range (expected to be in range of [-{max(len(shape), 1)}, "
            f"{max(len(shape), 1) - 1}], but got 1) (batch_norm: expected an input of shape (N, C, *), "
            f"got {input.shape})")
    c = shape[1]
    # (PyTorch counts weight's and bias's elements: any shape holding C of them is read as (C,))
    weight, bias = (t.reshape(c) if t is not None and t.ndim != 1 and t.numel() == c else t
                    for t in (weight, bias))
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_vector(name, t, c, "batch_norm", input)
    if training and (running_mean is None) != (running_var is None):  # (PyTorch's ValueError, checked first)
        raise InvalidParameterError("batch_norm: running_mean and running_var must either both be None or "
                                    "neither be None")
    _check_dtypes(input, running_mean, running_var, weight, bias, kernel="batch_norm")
    bshape = (c,) + (1,) * (len(shape) - 2)
    dims = (0, *range(2, len(shape)))
    if not training:
        if running_mean is None or running_var is None:
            raise MinigradError("batch_norm: running_mean and running_var must be given when training=False")
        # (x - mean) * invstd * w + b folded into x * scale + shift: two passes over x
        scale = (running_var + eps) ** -0.5
        if weight is not None:
            scale = scale * weight
        shift = -(running_mean * scale)
        if bias is not None:
            shift = shift + bias
        out = input * scale.reshape(bshape) + shift.reshape(bshape)
        if out.dtype != input.dtype:  # (float32 statistics of a 16-bit input: PyTorch's result is input's)
            out = out.to(input.dtype)
        return named(out, "NativeBatchNormBackward0")
    count = math.prod(shape) // c
    mean, centered, var = _moments(input, dims)
    scale = _inv_std(var, eps)
    if weight is not None:  # weight folded into the small scale: one full-size multiply less
        scale = scale * _as(weight, bshape)
    if bias is not None and bias._array.dtype == scale._array.dtype == centered._array.dtype:
        out = Addcmul.apply(_as(bias, bshape), centered, scale)  # one full-size result, not two
    else:
        out = _affine(centered * scale, None, bias, bshape)
    # the buffers are updated on their arrays, so no graph is recorded (no no_grad block needed)
    # PyTorch's kernel updates them in place without a version bump: an eval output recorded before still
    # backpropagates (reading the statistics as they are then)
    if running_mean is not None:
        _ema(running_mean, mean._array.reshape(c), momentum, bump=False)
    if running_var is not None:
        _ema(running_var, var._array.reshape(c) * (count / (count - 1)), momentum, bump=False)
    return named(out if out.dtype == input.dtype else out.to(input.dtype), "NativeBatchNormBackward0")


def _ema(buffer: Tensor, value: Array, momentum: float, bump: bool = True) -> None:
    # one write of the buffer (one version bump, unless not ``bump``) instead of two in-place ops
    if buffer.requires_grad:  # a statistic that requires grad is still updated outside the graph
        with no_grad():
            return _ema(buffer, value, momentum, bump)
    buffer._check_inplace("running statistics update")  # (an inference tensor refuses it, as in PyTorch)
    quiet(_kernels.ema_, buffer.numpy(force=True), value, momentum)
    if bump:
        buffer._write()


def layer_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalization over the trailing dims ``normalized_shape``, per sample.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and *biased* variance
    over the last ``len(normalized_shape)`` dims; weight and bias (if given)
    have shape ``normalized_shape``. Input (*, *normalized_shape), output alike.

    Raises:
        InvalidParameterError: normalized_shape empty or holding a non-positive size.
        ShapeError: the input's trailing dims, or weight/bias, do not match normalized_shape.
        DTypeError: weight/bias of another float dtype than the input (as :func:`batch_norm`).
    """
    shape = _checks.normalized_shape(normalized_shape)
    k = len(shape)
    _check_trailing("layer_norm", _checks.tensor("layer_norm", input), shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._array.shape != shape:
            raise ShapeError(f"layer_norm: Expected {name} to be of same shape as normalized_shape, but "
                             f"got {name} of shape {list(t.shape)} and normalized_shape = {list(shape)} "
                             f"(expected {name} of shape {shape}, got {t.shape})")
    _check_dtypes(input, weight, bias, kernel="LayerNormKernelImpl")
    if input._array.dtype == np.float16:  # (see _floats)
        w, b = _floats(weight, bias)
        return named(layer_norm(input.float(), shape, w, b, eps).half(), "NativeLayerNormBackward0")
    ndim = input._array.ndim
    dims = tuple(range(ndim - k, ndim))
    # PyTorch normalizes a row-major copy: its result is row-major (a dropout on it draws in that order)
    x = input if input._array.flags.c_contiguous else input.contiguous()
    return named(_affine(_standardize(x, dims, eps)[0], weight, bias, shape), "NativeLayerNormBackward0")


def _check_trailing(fn: str, input: Tensor, shape: tuple[int, ...]) -> None:  # noqa: A002
    k = len(shape)
    have = input._array.shape
    if len(have) < k or have[len(have) - k:] != shape:
        star = "*" if fn == "rms_norm" else "*, "  # (PyTorch's two messages differ so)
        dims = ", ".join(map(str, shape))
        raise ShapeError(  # (PyTorch's words first)
            f"Given normalized_shape={list(shape)}, expected input with shape [{star}{dims}], but got input "
            f"of size{list(input.shape)} ({fn}: got {input.shape})"
        )


@bool_args("use_input_stats")
def instance_norm(
    input: Tensor,  # noqa: A002
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Instance normalization: each (sample, channel) of an (N, C, *) input standardized over its own
    spatial dims, then per channel ``* weight + bias``.

    With ``use_input_stats`` the running buffers (if given, shape (C,)) are
    updated in place as PyTorch does: running = (1 - momentum) * running +
    momentum * (the batch average of the per-instance mean / *unbiased*
    variance). Without it, the running statistics are used (as batch_norm in eval).

    Raises:
        ShapeError: input has fewer than 2 dims (PyTorch's IndexError, also one), a buffer or weight/bias
            is not of shape (C,), (with input stats) one spatial element per instance (or none: a 2-D
            input), or weight/bias with an empty batch (PyTorch's IndexError, also one).
        MinigradError: ``use_input_stats=False`` without running statistics.
        DTypeError: weight/bias of another float dtype than the input (running statistics may differ).
    """
    _checks.tensor("instance_norm", input)
    if use_input_stats and math.prod(input.shape[2:]) == 1:  # (0 passes: PyTorch's kernel then returns the
        raise ShapeError(  # empty input, statistics untouched) (PyTorch's words, then where)
            f"Expected more than 1 spatial element when training, got input size {input.shape} "
            "(instance_norm)")
    if not use_input_stats and (running_mean is None or running_var is None):  # (also for no elements)
        raise MinigradError("Expected running_mean and running_var to be defined when use_input_stats is "
                            "false")
    if input.ndim < 2:  # ((N, C) passes: running statistics or no spatial element)
        raise _ShapeIndexError(
            f"Dimension out of range (expected to be in range of [-1, 0], but got 1) (instance_norm: "
            f"expected an input of shape (N, C, *spatial), got {input.shape})")
    # PyTorch's instance_norm is batch_norm over the (1, N * C, *) view, viewed back (ViewBackward0), with
    # weight and bias of the input's dtype but running statistics of any float dtype (repeated per instance)
    _check_dtypes(input, weight, bias, kernel="batch_norm")
    if not use_input_stats:
        _empty_batch_affine(input, weight, bias)
        stats = [t.to(input.dtype) if t is not None and input.dtype.kind == "f" and t.dtype.kind == "f" else t
                 for t in (running_mean, running_var)]
        return named(batch_norm(input, stats[0], stats[1], weight, bias, False, momentum, eps),
                     "ViewBackward0")
    n, c = input.shape[:2]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_vector(name, t, c, "instance_norm", input)
    spatial = math.prod(input.shape[2:])
    _empty_batch_affine(input, weight, bias)
    out, mean, var = _standardize(input, tuple(range(2, input.ndim)), eps)
    # an empty batch: the average of no instance (NaN); no spatial values: kept (PyTorch's kernel returns)
    with no_grad():
        nan = np.full(c, np.nan)
        if running_mean is not None and (spatial or not n):
            _ema(running_mean, mean.numpy(force=True).reshape(n, c).mean(0) if n else nan, momentum)
        if running_var is not None and (spatial or not n):
            unbiased = var.numpy(force=True) * (spatial / (spatial - 1)) if n else nan
            _ema(running_var, unbiased.reshape(n, c).mean(0) if n else nan, momentum)
    return named(_affine(out, weight, bias, (c,) + (1,) * (input.ndim - 2)), "ViewBackward0")


def _empty_batch_affine(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> None:  # noqa: A002
    """PyTorch's instance_norm repeats weight and bias per instance: an empty batch fails (IndexError)."""
    if input.shape[0] == 0 and (weight is not None or bias is not None):
        raise _ShapeIndexError("select(): index 0 out of range for tensor of size [0] at dimension 0 "
                               f"(instance_norm: weight or bias with an empty batch, input {input.shape})")


def group_norm(
    input: Tensor,  # noqa: A002
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Group normalization: the C channels of an (N, C, *) input split into ``num_groups`` groups, each
    group of each sample standardized over its channels and spatial dims, then per channel
    ``* weight + bias``.

    Raises:
        InvalidParameterError: ``num_groups`` is not a positive int.
        ShapeError: input has fewer than 2 dims, C is not divisible by num_groups, a group would
            normalize a single value (PyTorch's ValueError), or weight/bias is not of shape (C,).
        DTypeError: weight/bias of another float dtype than the input (as :func:`batch_norm`).
    """
    groups = _checks.positive_int("num_groups", num_groups)
    if _checks.tensor("group_norm", input).ndim < 2:
        raise ShapeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim} "
                         f"(group_norm: expected an input of shape (N, C, *), got {input.shape})")
    n, c = input.shape[:2]
    if c % groups:
        raise ShapeError(
            f"Expected number of channels in input to be divisible by num_groups, "
            f"but got input of shape {list(input.shape)} and num_groups={groups} (group_norm)"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        _check_vector(name, t, c, "group_norm", input)
    _check_dtypes(input, weight, bias, kernel="GroupNormKernelImpl")
    if n * c // groups * math.prod(input.shape[2:]) == 1:  # (PyTorch's check, its words: one value per group)
        raise ShapeError(f"Expected more than 1 value per channel when training, got input size "
                         f"{list(input.shape)}")
    if input._array.dtype == np.float16:  # (see _floats)
        w, b = _floats(weight, bias)
        return named(group_norm(input.float(), groups, w, b, eps).half(), "NativeGroupNormBackward0")
    grouped = input.reshape(n, groups, (c // groups) * math.prod(input.shape[2:]))
    out = _standardize(grouped, (2,), eps)[0].reshape(input.shape)
    out = _affine(out, weight, bias, (c,) + (1,) * (input.ndim - 2))
    return named(keep_channels_last(out, input), "NativeGroupNormBackward0")


def rms_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """Root-mean-square normalization: x / sqrt(mean(x**2) + eps) * weight over the trailing
    ``normalized_shape`` dims; ``eps=None`` is the input dtype's machine epsilon, as in PyTorch.

    Raises:
        InvalidParameterError: normalized_shape empty or non-positive, eps not a number.
        ShapeError: the input's trailing dims, or weight, do not match normalized_shape.
    """
    shape = _checks.normalized_shape(normalized_shape)
    x = _checks.tensor("rms_norm", input)
    if x.dtype.kind not in "fc":  # (PyTorch has float kernels only)
        raise kernel_error("rms_norm", x.dtype, "")
    _check_trailing("rms_norm", x, shape)
    if weight is not None and weight.shape != shape:
        raise ShapeError(f"rms_norm: Expected weight to be of same shape as normalized_shape, but got weight "
                         f"of shape {list(weight.shape)} and normalized_shape = {list(shape)}")
    if x.dtype.kind not in "fc":
        _check_dtypes(x, kernel="rms_norm")
    dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    e = float(np.finfo(dt).eps) if eps is None else _checks.number("eps", eps)
    if x.dtype == np.float16 and (weight is None or weight.dtype == np.float16):  # (see _floats: the weight
        return rms_norm(x.float(), shape, _floats(weight)[0], eps).half()  # too; eps=None: float32's)
    dims = tuple(range(x.ndim - len(shape), x.ndim))
    out = x * ((x**2).mean(dims, keepdim=True) + e) ** -0.5
    if weight is None:
        return out
    if weight.dtype != x.dtype and x.dtype.kind == "f" and warn_once_due("rms_norm"):  # (TORCH_WARN_ONCE)
        warnings.warn(f"Mismatch dtype between input and weight: input dtype = {c_type_name(x.dtype)}, "
                      f"weight dtype = {c_type_name(weight.dtype)}, Cannot dispatch to fused implementation.",
                      UserWarning, stacklevel=user_stacklevel())
    out = out * weight
    # PyTorch's unfused path (a weight of another dtype) casts the result back to the input's dtype
    return out if out.dtype == x.dtype or x.dtype.kind != "f" else out.to(x.dtype)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,  # noqa: A002
                        k: float = 1.0) -> Tensor:
    """Local response normalization across channels: x / (k + alpha * mean of x**2 over a window of
    ``size`` neighbouring channels) ** beta, the window zero-padded at the ends (PyTorch's).

    Input (N, C, *) with at least 3 dims; output alike.

    Raises:
        InvalidParameterError: ``size`` not a positive int, alpha/beta/k not numbers.
        ShapeError: input has fewer than 3 dims.
    """
    n = _checks.positive_int("size", size)
    a, b, kk = (_checks.number(name, v) for name, v in (("alpha", alpha), ("beta", beta), ("k", k)))
    if _checks.tensor("local_response_norm", input).ndim < 3:
        raise ShapeError(
            f"local_response_norm: expected 3D or higher dimensionality input, got shape {input.shape}"
        )
    if input.numel() == 0:
        return input
    # PyTorch averages the window with avg_pool2d (3-D input) or avg_pool3d: their CPU kernels take
    # floats (avg_pool3d no half precision) and int64 only
    dt = input.dtype
    if (dt.kind != "f" and dt != np.int64) or (input.ndim > 3 and dt == np.float16):
        raise kernel_error("avg_pool2d" if input.ndim == 3 else "avg_pool3d_out_frame", dt, "")
    sq = input * input
    rest = input.shape[2:]
    before, after = n // 2, (n - 1) // 2
    parts = [constant(np.zeros((input.shape[0], before, *rest)), input.dtype)] if before else []
    parts += [sq] + ([constant(np.zeros((input.shape[0], after, *rest)), input.dtype)] if after else [])
    padded = cat(parts, dim=1) if len(parts) > 1 else sq
    c = input.shape[1]
    window = padded[:, 0:c]
    for i in range(1, n):
        window = window + padded[:, i:i + c]
    # (avg_pool's int64 kernel divides in integers: the window's mean truncated)
    mean = window.div(n, rounding_mode="trunc") if dt == np.int64 else window * (1.0 / n)
    return input / (mean * a + kk) ** b
