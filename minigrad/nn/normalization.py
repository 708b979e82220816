"""Per-sample normalization layers: LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm.

Each holds its settings and learnable affine parameters and calls the
matching ``F.*`` function; none keeps running statistics, so training and
eval compute the same thing. (BatchNorm is in ``nn/batchnorm.py``, InstanceNorm
in ``nn/instancenorm.py``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError, _ZeroDivisorParameterError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DTypeLike, Tensor, from_numpy

__all__ = ["CrossMapLRN2d", "GroupNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm"]


class LayerNorm(Module):
    """Layer normalization over the trailing ``normalized_shape`` dims of each sample.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance
    over the last len(normalized_shape) dims; identical in training and eval,
    no running statistics. Input (*, *normalized_shape), output the same shape.

    Args:
        normalized_shape: an int or a non-empty sequence of positive ints.
        eps: added to the variance, > 0.
        elementwise_affine: learn ``weight`` (ones, shape normalized_shape).
        bias: with elementwise_affine, also learn ``bias`` (zeros).
        device: None or the CPU.
        dtype: float32 (default) or float64.

    Raises:
        InvalidParameterError: normalized_shape empty or non-positive, eps <= 0, a device other than the CPU.
        ShapeError (call): the input's trailing dims differ from normalized_shape.
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        _checks.device(device)
        self.normalized_shape = _checks.normalized_shape(normalized_shape)
        self.eps = _checks.positive_float("eps", eps)
        self.elementwise_affine = _checks.flag("elementwise_affine", elementwise_affine)
        with_bias = _checks.flag("bias", bias)
        dt = _checks.float_dtype(dtype)
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dt))
        else:
            self.register_parameter("weight", None)
        if self.elementwise_affine and with_bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dt))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """weight to ones, bias to zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Normalize each sample over the trailing dims."""
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Group normalization: the C channels of (N, C, *) inputs in ``num_groups`` groups, each group of each
    sample standardized over its channels and spatial dims, then per channel ``* weight + bias``.

    Args:
        num_groups: groups; must divide num_channels.
        num_channels: C.
        eps: added to the variance, > 0.
        affine: learn ``weight`` (ones) and ``bias`` (zeros), shape (C,).
        device: None or 'cpu'.
        dtype: float32 (default) or float64.
        bias: (keyword) with ``affine``, also learn the bias.

    Raises:
        InvalidParameterError: a non-positive count, num_groups not dividing num_channels, eps <= 0.
        ShapeError (call): the input's dim 1 is not num_channels.
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: DTypeLike = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_groups == 0 and not isinstance(num_groups, bool):  # PyTorch's num_channels % 0 comes first
            raise _ZeroDivisorParameterError(f"integer modulo by zero: num_groups must be a positive int, "
                                             f"got num_groups={num_groups!r}")
        self.num_groups = _checks.positive_int("num_groups", num_groups)
        self.num_channels = _checks.positive_int("num_channels", num_channels)
        if self.num_channels % self.num_groups:
            raise InvalidParameterError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups}) (got "
                f"num_channels={num_channels}, num_groups={num_groups})"
            )
        self.eps = _checks.positive_float("eps", eps)
        self.affine = _checks.flag("affine", affine)
        with_bias = _checks.flag("bias", bias)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        c = self.num_channels
        affine = self.affine
        self.register_parameter("weight", Parameter(np.ones(c, dtype=dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(c, dtype=dt)) if affine and with_bias else None)

    def reset_parameters(self) -> None:
        """weight to ones, bias to zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """group_norm(x)."""
        # Without affine parameters PyTorch checks only what group_norm does (C divisible by num_groups),
        # so an input of another channel count is normalized; with them, its weight check's words.
        if (self.weight is not None and _checks.tensor("GroupNorm", input).ndim >= 2
                and input.shape[1] != self.num_channels):
            raise ShapeError(
                "Expected weight to be a vector of size equal to the number of channels in input, but got "
                f"weight of shape {list(self.weight.shape)} and input of shape {list(input.shape)} "
                f"(GroupNorm: expected input of shape (N, {self.num_channels}, *), got {input.shape})")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """``num_groups, num_channels, eps=..., affine=..., bias=...``."""
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalization over the trailing ``normalized_shape`` dims:
    y = x / sqrt(mean(x**2) + eps) * weight.

    Args:
        normalized_shape: an int or a non-empty sequence of positive ints.
        eps: added to the mean square; None (default) means the input dtype's
            machine epsilon (``np.finfo(dtype).eps``), as PyTorch's torch.finfo.
        elementwise_affine: learn ``weight`` (ones, shape normalized_shape).
        device: None or 'cpu'.
        dtype: float32 (default) or float64.

    Raises:
        InvalidParameterError: normalized_shape empty or non-positive, eps not a positive number.
        ShapeError (call): the input's trailing dims differ from normalized_shape.
    """

    weight: Parameter | None

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        self.normalized_shape = _checks.normalized_shape(normalized_shape)
        self.eps = None if eps is None else _checks.positive_float("eps", eps)
        self.elementwise_affine = _checks.flag("elementwise_affine", elementwise_affine)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        weight = Parameter(np.ones(self.normalized_shape, dtype=dt)) if self.elementwise_affine else None
        self.register_parameter("weight", weight)

    def reset_parameters(self) -> None:
        """weight to ones."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """rms_norm(x)."""
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        """``normalized_shape, eps=..., elementwise_affine=...``."""
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LocalResponseNorm(Module):
    """Local response normalization across channels (AlexNet's): x / (k + alpha * mean of x**2 over
    ``size`` neighbouring channels) ** beta. Input (N, C, *) with at least 3 dims.

    Raises:
        InvalidParameterError: size not a positive int, alpha, beta or k not numbers.
        ShapeError (call): input with fewer than 3 dims.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size = _checks.positive_int("size", size)
        self.alpha = _checks.number("alpha", alpha)
        self.beta = _checks.number("beta", beta)
        self.k = _checks.number("k", k)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """local_response_norm(x)."""
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        """``size, alpha=..., beta=..., k=...``."""
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _cross_map_window(channels: int, size: int) -> np.ndarray:
    """(C, C) 0/1 matrix: row c marks the channels whose squares PyTorch's CrossMapLRN2d sums for
    channel c. Its running sum (from Lua Torch) starts with channels 0 .. (size-1)//2, then adds the
    next and drops the oldest per step, except that channel 0 is never dropped; replayed here."""
    pre_pad = int((size - 1) / 2 + 1)
    window = np.zeros((channels, channels))
    window[0, :min(pre_pad, channels)] = 1
    for c in range(1, channels):
        window[c] = window[c - 1]
        if c < channels - pre_pad + 1:
            window[c, c + pre_pad - 1] += 1
        if c > pre_pad:
            window[c, c - pre_pad] -= 1
    return window


def _cross_map_backward_window(channels: int, size: int) -> np.ndarray:
    """(C, C) 0/1 matrix: entry [c', c] is 1 when PyTorch's CrossMapLRN2d backward adds channel c''s
    ratio into channel c''s gradient: the channels c - i .. c - i + size - 1 with
    i = int(size - (size - 1) / 2), a window of its own (not the forward's), so the transpose of the
    matrix the forward's gradient would use."""
    shift = int(size - (size - 1) / 2)
    window = np.zeros((channels, channels))
    for c in range(channels):
        window[max(c - shift, 0):max(min(c - shift + size, channels), 0), c] = 1
    return window


class CrossMapLRN2d(Module):
    """PyTorch's legacy cross-channel LRN of (N, C, H, W) inputs: x * (k + alpha / size * s) ** -beta,
    s the sum of x**2 over a window of channels (see :func:`_cross_map_window`; for C <= (size+1)//2
    every channel). The gradient is PyTorch's: its hand-written backward sums over another window of
    channels (:func:`_cross_map_backward_window`), so it is not quite this forward's exact one.

    Raises:
        ValueError (call): input not 4-D (PyTorch's class and message).
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """x * (k + alpha / size * window @ x**2) ** -beta over the channel dim."""
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
        n, c, h, w = input.shape
        window = from_numpy(_cross_map_window(c, self.size).astype(input.dtype))
        backward = from_numpy(_cross_map_backward_window(c, self.size).astype(input.dtype))
        squares = (input * input).reshape(n, c, h * w)
        # the forward's sums, with the gradient of the backward's window (its value adds an exact 0)
        through = backward @ squares
        sums = ((window @ squares).detach() + (through - through.detach())).reshape(n, c, h, w)
        return input * (sums * (self.alpha / self.size) + self.k) ** -self.beta

    def extra_repr(self) -> str:
        """``size, alpha=..., beta=..., k=...``."""
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
