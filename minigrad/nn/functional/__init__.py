"""nn.functional: the math of the layers, as functions of Tensors.

Every function here is a composition of Tensor operations, so gradients come
from the autograd engine; modules in ``minigrad.nn`` hold state and call these.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from minigrad.autograd import no_grad
from minigrad.errors import DimensionError, InvalidParameterError, MinigradError, ShapeError
from minigrad.nn import _checks
from minigrad.random import default_generator
from minigrad.tensor import Array, Tensor, matmul, where

__all__ = [
    "batch_norm", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "gelu",
    "layer_norm", "linear", "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid", "softmax",
    "tanh",
]  # fmt: skip


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """y = input @ weight.T + bias; input (*, in), weight (out, in), bias (out,) -> (*, out).

    Raises:
        ShapeError: the last dim of input differs from weight's in_features.
        TypeError: input, weight or bias is not a Tensor.
    """
    _checks.tensor("linear", input)
    _checks.tensor("linear", weight, "weight")
    if bias is not None:
        _checks.tensor("linear", bias, "bias")
    out = matmul(input, weight.T)
    return out if bias is None else out + bias


def relu(input: Tensor) -> Tensor:  # noqa: A002
    """max(x, 0), elementwise."""
    return _checks.tensor("relu", input).relu()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """x * Phi(x) (exact) or its tanh approximation; InvalidParameterError for another ``approximate``."""
    return _checks.tensor("gelu", input).gelu(approximate)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent, elementwise."""
    return _checks.tensor("tanh", input).tanh()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + exp(-x)), elementwise and overflow-free."""
    return _checks.tensor("sigmoid", input).sigmoid()


def softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along ``dim``."""
    return _checks.tensor("softmax", input).softmax(dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along ``dim``."""
    return _checks.tensor("log_softmax", input).log_softmax(dim)


def _check_p(p: object) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or not 0 <= p < 1:
        raise InvalidParameterError(f"dropout probability p must be a number with 0 <= p < 1, got p={p!r}")
    return float(p)


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    The mask is drawn from minigrad's seeded generator (``mg.manual_seed``
    reproduces it). With ``training=False`` or ``p == 0`` the input is
    returned unchanged. Output has the input's shape and dtype.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1).
    """
    p = _check_p(p)
    _checks.tensor("dropout", input)
    if not training or p == 0.0:
        return input
    dt = input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)
    # Keep an element when 32 random bits reach p * 2**32: P(keep) = 1 - p to
    # within 2**-32, and raw bits cost a third less than float draws.
    n = input.numel()
    bits = default_generator.np.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    keep = (bits >= np.uint32(min(round(p * 2.0**32), 2**32 - 1))).reshape(input.shape)
    # mask / (1-p) in the input's dtype, as PyTorch computes it; float32 reuses the bits' memory
    scale = bits.view(np.float32).reshape(input.shape) if dt == np.float32 else np.empty(input.shape, dt)
    np.divide(keep, dt.type(1.0 - p), out=scale, casting="unsafe")
    return input * Tensor._wrap(scale)


# ------------------------------------------------------------------ normalization


def _const(value: Array | float, dtype: np.dtype[np.floating]) -> Tensor:
    return Tensor._wrap(np.asarray(value, dtype=dtype))


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
    buf = buffer.numpy()
    buf *= 1 - momentum
    buf += momentum * value.astype(buf.dtype, copy=False)
    buffer._version += 1


def _normalized_shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(normalized_shape, (int, np.integer)):
        shape: tuple[int, ...] = (normalized_shape,)
    elif isinstance(normalized_shape, (tuple, list)):
        shape = tuple(normalized_shape)
    else:  # 2.5 or None: not a size at all (was "'float' object is not iterable")
        shape = ()
    if not shape or any(
        isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s <= 0 for s in shape
    ):
        raise InvalidParameterError(
            f"normalized_shape must be a positive int or a non-empty sequence of positive ints, "
            f"got normalized_shape={normalized_shape!r}"
        )
    return tuple(int(s) for s in shape)


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
    shape = _normalized_shape(normalized_shape)
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


# ------------------------------------------------------------------ losses

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise InvalidParameterError(
            f"reduction must be one of 'mean', 'sum', 'none', got reduction={reduction!r}"
        )


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean squared error: reduce((input - target) ** 2).

    Shapes that differ are broadcast with a UserWarning, as in PyTorch.

    Raises:
        InvalidParameterError: unknown ``reduction``.
        ShapeError: the shapes do not broadcast.
    """
    _check_reduction(reduction)
    _checks.tensor("mse_loss", input)
    if not isinstance(target, Tensor):
        target = Tensor(target, dtype=input.dtype)
    if input.shape != target.shape:
        warnings.warn(
            f"mse_loss: target size {target.shape} differs from input size {input.shape}; "
            "they are broadcast, which is likely wrong",
            UserWarning,
            stacklevel=2,
        )
    diff = input - target
    return _reduce(diff * diff, reduction)


def _class_indices(logp: Tensor, target: Tensor, ignore_index: int, fn: str) -> tuple[Tensor, Array, Array]:
    """Flatten (N, C, d...) scores to (M, C) and validate (N, d...) integer targets.

    Returns the (M, C) scores, the safe class index per row (ignored rows
    point at class 0) and the bool mask of rows that count.
    """
    if target.dtype.kind not in "iu":
        raise InvalidParameterError(f"{fn}: class-index targets must be integers, got dtype {target.dtype}")
    if logp.ndim == 1:
        if target.ndim != 0:  # PyTorch: "size mismatch" (its reduction='none' alone lets (1,) through)
            raise ShapeError(
                f"{fn}: unbatched input of shape {logp.shape} expects a 0-d target, got {target.shape}"
            )
        logp, target = logp.reshape(1, -1), target.reshape(1)
    if logp.ndim < 2 or target.shape != (logp.shape[0], *logp.shape[2:]):
        expected = (logp.shape[0], *logp.shape[2:]) if logp.ndim >= 2 else ()
        raise ShapeError(
            f"{fn}: input of shape {logp.shape} expects target of shape {expected}, got {target.shape}"
        )
    c = logp.shape[1]
    if logp.ndim > 2:
        logp = logp.permute(0, *range(2, logp.ndim), 1)
    flat = logp.reshape(-1, c)
    t = target.numpy().reshape(-1)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        raise DimensionError(f"{fn}: target {int(t[bad][0])} is out of bounds for {c} classes")
    return flat, np.where(valid, t, 0), valid


def _weighted_nll(flat: Tensor, safe: Array, valid: Array, weight: Tensor | None) -> tuple[Tensor, Array]:
    """Per-row -w[t] * logp[t] (0 on ignored rows) and the per-row weights w[t]."""
    dt = flat.dtype
    w = (valid.astype(dt) if weight is None
         else np.where(valid, weight.numpy()[safe], 0).astype(dt, copy=False))
    picked = flat[np.arange(flat.shape[0]), safe]
    # where, not * 0: an ignored row adds exactly 0 (and gradient 0) even if its scores are nan/inf
    return where(Tensor._wrap(valid), -(picked * _const(w, dt)), _const(0.0, dt)), w


def nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities.

    input (N, C) or (N, C, d1, ...) (or (C,)); target (N,) / (N, d1, ...)
    integers in [0, C) or ``ignore_index``. Row loss -weight[t] * input[n, t];
    'mean' divides the sum by the total weight of the non-ignored targets.

    Raises:
        InvalidParameterError: unknown ``reduction``, non-integer target.
        ShapeError: target's shape does not fit input's.
        DimensionError: a target outside [0, C) that is not ``ignore_index``.
    """
    _check_reduction(reduction)
    _checks.tensor("nll_loss", input)
    target = target if isinstance(target, Tensor) else Tensor(target)
    flat, safe, valid = _class_indices(input, target, ignore_index, "nll_loss")
    _check_weight(weight, flat.shape[1], "nll_loss")
    loss, w = _weighted_nll(flat, safe, valid, weight)
    return _reduce_weighted(loss, reduction, _const(w.sum(), loss.dtype), target.shape)


def _reduce_weighted(loss: Tensor, reduction: str, total_weight: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Per-target losses reduced as PyTorch's class-index losses do: 'mean' divides by the total weight."""
    if reduction == "mean":
        return loss.sum() / total_weight
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(shape)


def _check_weight(weight: Tensor | None, c: int, fn: str) -> None:
    if weight is not None and weight.shape != (c,):
        raise ShapeError(f"{fn}: expected weight of shape ({c},) (one per class), got {weight.shape}")


def _check_label_smoothing(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0.0 <= value <= 1.0:
        raise InvalidParameterError(
            f"label_smoothing must be a number in [0, 1], got label_smoothing={value!r}"
        )
    return float(value)


def cross_entropy(
    logits: Tensor,
    target: Tensor,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    *,
    weight: Tensor | None = None,
) -> Tensor:
    """Cross entropy of softmax(logits) over dim 1 against class indices or probabilities.

    logits (N, C) or (N, C, d1, ...) (or (C,)). ``target`` is either integer class
    indices of shape (N, d1, ...) (``ignore_index`` rows contribute nothing and
    'mean' divides by the total weight of the others) or float probabilities of
    logits' shape ('mean' divides by N * d1 * ...). With label smoothing eps the
    target becomes (1 - eps) * target + eps / C. Stable for logits of any size.

    Raises:
        InvalidParameterError: unknown ``reduction``, label_smoothing outside [0, 1].
        ShapeError: target's shape does not fit logits'.
        DimensionError: a class index outside [0, C) that is not ``ignore_index``.
    """
    _check_reduction(reduction)
    eps = _check_label_smoothing(label_smoothing)
    if _checks.tensor("cross_entropy", logits).ndim == 0:
        raise ShapeError("cross_entropy: expected logits of shape (C,), (N, C) or (N, C, d1, ...), got ()")
    target = target if isinstance(target, Tensor) else Tensor(target)
    class_dim = 0 if logits.ndim == 1 else 1
    c = logits.shape[class_dim]
    if c == 0:  # no class to be right about (PyTorch answers nan or raises, by target kind)
        raise ShapeError(
            f"cross_entropy: logits of shape {logits.shape} have no classes (dim {class_dim} is 0)"
        )
    _check_weight(weight, c, "cross_entropy")
    logp = logits.log_softmax(class_dim)
    wshape = (c,) + (1,) * (logits.ndim - class_dim - 1)
    if target.dtype.kind == "f":
        if ignore_index != -100:  # PyTorch refuses rather than silently ignoring it
            raise InvalidParameterError(
                f"cross_entropy: ignore_index is not supported for probability (float) targets, "
                f"got ignore_index={ignore_index!r}"
            )
        if target.shape != logits.shape:
            raise ShapeError(
                "cross_entropy: probability targets must have the logits' shape "
                f"{logits.shape}, got {target.shape}"
            )
        probs = target if eps == 0 else target * (1 - eps) + eps / c
        if weight is not None:
            probs = probs * weight.detach().reshape(wshape)
        loss = -(logp * probs).sum(class_dim)
        return _reduce(loss, reduction)
    flat, safe, valid = _class_indices(logp, target, ignore_index, "cross_entropy")
    nll, w = _weighted_nll(flat, safe, valid, weight)
    total_w = _const(w.sum(), nll.dtype)
    out = _reduce_weighted(nll, reduction, total_w, target.shape)
    if eps == 0:
        return out
    per_class = flat if weight is None else flat * weight.detach()
    smooth = where(Tensor._wrap(valid), -per_class.sum(1), _const(0.0, flat.dtype))
    return out * (1 - eps) + _reduce_weighted(smooth, reduction, total_w, target.shape) * (eps / c)


def _log1p(e: Tensor) -> Tensor:
    """log(1 + e) for e >= 0 to full precision, composed from log, add and div.

    u = 1 + e rounds away the low bits of e; log(u) * e / (u - 1) restores
    them exactly (Goldberg's trick), and where u == 1, log1p(e) == e.
    The denominator is made non-zero there so the unused branch's gradient
    stays finite.
    """
    u = e + 1
    d = u - 1
    tiny = Tensor._wrap(d.numpy() == 0)
    safe = where(tiny, _const(1.0, e.dtype), d)
    return where(tiny, e, u.log() * (e / safe))


def _softplus(z: Tensor) -> Tensor:
    """log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), with derivative sigmoid(z) also at z = 0."""
    # constant masks (sign(0) taken as +1) instead of relu/abs, whose gradient at 0 is 0
    pos = z.numpy() >= 0
    sign = _const(np.where(pos, 1.0, -1.0), z.dtype)
    # where, not z * mask: -inf * 0 would make softplus(-inf) nan instead of 0
    return where(Tensor._wrap(pos), z, _const(0.0, z.dtype)) + _log1p((-(z * sign)).exp())


def binary_cross_entropy_with_logits(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    *,
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
    """
    _check_reduction(reduction)
    _checks.tensor("binary_cross_entropy_with_logits", input)
    if not isinstance(target, Tensor):
        target = Tensor(target, dtype=input.dtype)
    if target.shape != input.shape:
        raise ShapeError(
            f"binary_cross_entropy_with_logits: target size {target.shape} must be the same as "
            f"input size {input.shape}"
        )
    neg_part = _softplus(-input)
    if pos_weight is not None:
        neg_part = neg_part * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input + neg_part
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


from minigrad.nn.attention import embedding, one_hot, scaled_dot_product_attention  # noqa: E402

__all__ += ["embedding", "one_hot", "scaled_dot_product_attention"]
