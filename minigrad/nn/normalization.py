"""BatchNorm1d and LayerNorm: module state and validation around ``F.batch_norm`` / ``F.layer_norm``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from minigrad.errors import ShapeError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DTypeLike, Tensor, int64

__all__ = ["BatchNorm1d", "LayerNorm"]


class BatchNorm1d(Module):
    """Batch normalization of (N, C) or (N, C, L) inputs, per channel C.

    Training: y = (x - mean) / sqrt(var + eps) * weight + bias with the batch
    mean and biased variance over N (and L); with ``track_running_stats`` the
    buffers follow running = (1 - momentum) * running + momentum * batch_stat
    (unbiased variance for running_var; ``momentum=None`` gives the cumulative
    average over all batches so far) and ``num_batches_tracked`` counts batches.
    Eval: the running statistics are used, so outputs do not depend on the
    batch; without running statistics the batch ones are used in eval too.

    Args:
        num_features: C, a positive int.
        eps: added to the variance, > 0.
        momentum: in [0, 1], or None for a cumulative moving average.
        affine: learn ``weight`` (ones) and ``bias`` (zeros), shape (C,).
        track_running_stats: keep ``running_mean`` (zeros), ``running_var``
            (ones) and ``num_batches_tracked``; when False these are None.
        dtype: float32 (default) or float64.
        bias: (keyword) with ``affine``, also learn the bias (PyTorch 2.13's flag).

    Raises:
        InvalidParameterError: any argument outside the ranges above.
        ShapeError (call): input not 2-D or 3-D, its dim 1 not C, or one value
            per channel while training.
    """

    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: DTypeLike = None,
                 *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = _checks.positive_int("num_features", num_features)
        self.eps = _checks.positive_float("eps", eps)
        self.momentum = _checks.unit_interval("momentum", momentum, allow_none=True)
        self.affine = _checks.flag("affine", affine)
        self.track_running_stats = _checks.flag("track_running_stats", track_running_stats)
        with_bias = _checks.flag("bias", bias)
        dt = _checks.float_dtype(dtype)
        c = self.num_features
        if self.affine:
            self.weight = Parameter(np.ones(c, dtype=dt))
        else:
            self.register_parameter("weight", None)
        if self.affine and with_bias:
            self.bias = Parameter(np.zeros(c, dtype=dt))
        else:
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", Tensor._wrap(np.zeros(c, dtype=dt)))
            self.register_buffer("running_var", Tensor._wrap(np.ones(c, dtype=dt)))
            self.register_buffer("num_batches_tracked", Tensor._wrap(np.zeros((), dtype=int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """running_mean to zeros, running_var to ones, num_batches_tracked to 0."""
        for buf, fill in ((self.running_mean, 0), (self.running_var, 1), (self.num_batches_tracked, 0)):
            if buf is not None:
                init.constant_(buf, fill)

    def reset_parameters(self) -> None:
        """Running statistics reset; weight to ones and bias to zeros."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _optional_state_keys(self) -> tuple[str, ...]:
        # PyTorch accepts checkpoints from before num_batches_tracked existed and keeps the counter
        return ("num_batches_tracked",)

    def _check_input(self, x: Tensor) -> None:
        if _checks.tensor("BatchNorm1d", x).ndim not in (2, 3):
            raise ShapeError(
                "BatchNorm1d: expected 2D (N, C) or 3D (N, C, L) input, "
                f"got {x.ndim}D input of shape {x.shape}"
            )
        if x.shape[1] != self.num_features:
            raise ShapeError(
                f"BatchNorm1d: expected {self.num_features} channels (dim 1) as num_features, "
                f"got input of shape {x.shape}"
            )

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Normalize per channel; see the class docstring for train vs eval."""
        self._check_input(input)
        use_batch_stats = self.training or self.running_mean is None
        if use_batch_stats and math.prod(input.shape) // self.num_features <= 1:
            raise ShapeError(
                "BatchNorm1d: expected more than 1 value per channel when training, "
                f"got input of shape {input.shape}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.data += 1
            self.num_batches_tracked._version += 1
            if self.momentum is None:  # cumulative average: the k-th batch gets weight 1/k
                factor = 1.0 / float(self.num_batches_tracked.numpy())
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        bias = ", bias=False" if self.affine and self.bias is None else ""
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}{bias}, "
            f"track_running_stats={self.track_running_stats}"
        )


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
        dtype: float32 (default) or float64.

    Raises:
        InvalidParameterError: normalized_shape empty or non-positive, eps <= 0.
        ShapeError (call): the input's trailing dims differ from normalized_shape.
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: DTypeLike = None) -> None:
        super().__init__()
        self.normalized_shape = F._normalized_shape(normalized_shape)
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
