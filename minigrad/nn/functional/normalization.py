"""Normalization functions: ``batch_norm`` (per channel, over the batch) and ``layer_norm`` (per sample)."""

from __future__ import annotations

from collections.abc import Sequence

from minigrad.autograd import no_grad
from minigrad.errors import MinigradError, ShapeError
from minigrad.nn import _checks
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["batch_norm", "layer_norm"]


def _check_vector(name: str, t: Tensor | None, size: int, where_: str) -> None:
    if t is not None and t.shape != (size,):
        raise ShapeError(f"{where_}: expected {name} of shape ({size},), got {t.shape}")


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

    Raises:
        ShapeError: input has fewer than 2 dims, a buffer or weight/bias is not
            of shape (C,), or (training) there is one value per channel.
        MinigradError: eval without running statistics.
    """
    if _checks.tensor("batch_norm", input).ndim < 2:
        raise ShapeError(f"batch_norm: expected an input of shape (N, C, *), got {input.shape}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_vector(name, t, c, "batch_norm")
    bshape = (c,) + (1,) * (input.ndim - 2)
    dims = (0, *range(2, input.ndim))
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
        return input * scale.reshape(bshape) + shift.reshape(bshape)
    n = input.numel() // c if c else 0
    if n <= 1:
        raise ShapeError(
            "batch_norm: expected more than 1 value per channel when training, "
            f"got input of shape {input.shape}"
        )
    mean = input.mean(dims, keepdim=True)
    # x + (-mean), not x - mean: the gradient of the small mean is negated after the
    # engine sums it down to the mean's shape, instead of negating a full-size array first
    centered = input + (-mean)
    var = (centered**2).mean(dims, keepdim=True)  # x**2's backward takes two passes, c * c's three
    scale = (var + eps) ** -0.5  # one op (rsqrt is 1 / sqrt: two), fewer in backward too
    if weight is not None:
        scale = scale * weight.reshape(bshape)
    out = centered * scale
    if bias is not None:
        out = out + bias.reshape(bshape)
    if running_mean is not None or running_var is not None:
        with no_grad():
            if running_mean is not None:
                _ema(running_mean, mean.numpy().reshape(c), momentum)
            if running_var is not None:
                _ema(running_var, var.numpy().reshape(c) * (n / (n - 1)), momentum)
    return out


def _ema(buffer: Tensor, value: Array, momentum: float) -> None:
    buffer *= 1 - momentum
    buffer += from_numpy(momentum * value.astype(buffer.dtype, copy=False))


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
    """
    shape = _checks.normalized_shape(normalized_shape)
    k = len(shape)
    _checks.tensor("layer_norm", input)
    if input.shape[input.ndim - k:] != shape or input.ndim < k:
        raise ShapeError(
            f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
            f"(*, {', '.join(map(str, shape))}), got {input.shape}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != shape:
            raise ShapeError(f"layer_norm: expected {name} of shape {shape}, got {t.shape}")
    dims = tuple(range(input.ndim - k, input.ndim))
    mean = input.mean(dims, keepdim=True)
    # x + (-mean), not x - mean: the gradient of the small mean is negated after the
    # engine sums it down to the mean's shape, instead of negating a full-size array first
    centered = input + (-mean)
    var = (centered**2).mean(dims, keepdim=True)  # x**2's backward takes two passes, c * c's three
    out = centered * (var + eps) ** -0.5
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out

