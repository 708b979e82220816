"""BatchNorm1d/2d/3d: module state (affine parameters, running statistics) around ``F.batch_norm``.

``_NormBase`` holds what batch and instance normalization share: the
per-channel ``weight`` and ``bias``, the ``running_mean``/``running_var``/
``num_batches_tracked`` buffers, their resets and the repr.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _format
from minigrad.errors import ShapeError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Array, DTypeLike, Tensor, from_numpy, int64

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


class _NormBase(Module):
    """Per-channel affine parameters and running statistics, PyTorch's names and defaults.

    Args:
        num_features: C, a positive int.
        eps: added to the variance, > 0.
        momentum: in [0, 1], or None for a cumulative moving average.
        affine: learn ``weight`` (ones) and ``bias`` (zeros), shape (C,).
        track_running_stats: keep ``running_mean`` (zeros), ``running_var``
            (ones) and ``num_batches_tracked``; when False these are None.
        device: None or 'cpu'.
        dtype: float32 (default) or float64.
        bias: (keyword) with ``affine``, also learn the bias (PyTorch 2.13's flag).

    Raises:
        InvalidParameterError: any argument outside the ranges above.
    """

    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: DTypeLike = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = _checks.positive_int("num_features", num_features)
        self.eps = _checks.positive_float("eps", eps)
        self.momentum = None if momentum is None else _checks.unit_interval("momentum", momentum)
        self.affine = _checks.flag("affine", affine)
        self.track_running_stats = _checks.flag("track_running_stats", track_running_stats)
        with_bias = _checks.flag("bias", bias)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        c = self.num_features
        affine, tracked = self.affine, self.track_running_stats
        self.register_parameter("weight", Parameter(np.ones(c, dtype=dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(c, dtype=dt)) if affine and with_bias else None)
        self.register_buffer("running_mean", from_numpy(np.zeros(c, dtype=dt)) if tracked else None)
        self.register_buffer("running_var", from_numpy(np.ones(c, dtype=dt)) if tracked else None)
        count = from_numpy(np.zeros((), dtype=int64)) if tracked else None
        self.register_buffer("num_batches_tracked", count)

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

    _version = 2  # version 2 added num_batches_tracked

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str, local_metadata: dict[str, Any],
                              strict: bool, missing_keys: list[str], unexpected_keys: list[str],
                              error_msgs: list[str]) -> None:
        """As Module's; a checkpoint from before version 2 (or without versions) keeps the counter."""
        key = prefix + "num_batches_tracked"
        version = local_metadata.get("version")
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            count = self.num_batches_tracked
            state_dict[key] = count if count is not None else from_numpy(np.zeros((), dtype=int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def _check_rank(self, x: Tensor, ranks: tuple[int, ...], layout: str) -> None:
        if _checks.tensor(type(self).__name__, x).ndim not in ranks:
            expected = " or ".join(f"{r}D" for r in ranks)
            raise ShapeError(  # (PyTorch's words first)
                f"expected {expected} input (got {x.ndim}D input) ({type(self).__name__}: expected {layout} "
                f"input, got shape {x.shape})"
            )

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr: as issue 3 pins it (PyTorch's before
        2.13: ``bias=`` only when False), and PyTorch 2.13's (``bias=`` always) for PyTorch code run on
        minigrad (the compat hook, whose reprs say ``torch.``)."""
        has_bias = self.affine and self.bias is not None
        bias = f", bias={has_bias}" if _format.NAMESPACE == "torch" or (self.affine and not has_bias) else ""
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}{bias}, "
            f"track_running_stats={self.track_running_stats}"
        )


_ONE = np.ones((), dtype=np.int64)  # (0-d: numpy's fast path; a Python 1 is converted on each call)


def _plus_one(a: Array) -> None:
    np.add(a, _ONE, out=a, casting="unsafe")


class _BatchNorm(_NormBase):
    """Batch normalization per channel (dim 1) over the batch and spatial dims; see BatchNorm1d."""

    _ranks: tuple[int, ...] = ()
    _layout = ""
    #: torch.func.replace_all_batch_norm_modules_ finds batch-norm layers by this flag (minigrad.func
    #: cannot import this module: nn.functional's dependencies import func)
    _batch_norm: ClassVar[bool] = True

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Normalize per channel; batch statistics in training, running ones in eval (if tracked)."""
        self._check_rank(input, self._ranks, self._layout)
        shape = input._array.shape
        # the buffers read once: every attribute access of a parameter or buffer is a __getattr__ call
        buffers, training = self._buffers, self.training
        running_mean, running_var = buffers.get("running_mean"), buffers.get("running_var")
        # without weights or running statistics nothing is sized by num_features: PyTorch takes any
        # channel count then (a LazyBatchNorm with neither keeps num_features 0)
        # (nor for an input with no values: PyTorch's kernel returns before its checks)
        if shape[1] != self.num_features and (
                running_mean is not None or self._parameters["weight"] is not None) and 0 not in shape:
            name = "running_mean" if running_mean is not None else "weight"  # (PyTorch's words first)
            raise ShapeError(
                f"{name} should contain {shape[1]} elements not {self.num_features} ({type(self).__name__}: "
                f"expected {self.num_features} channels (dim 1) as num_features, got input of shape "
                f"{input.shape})"
            )
        use_batch_stats = training or running_mean is None
        if use_batch_stats and shape[0] * math.prod(shape[2:]) == 1:  # (0: an empty batch)
            raise ShapeError(  # (PyTorch's words)
                f"Expected more than 1 value per channel when training, got input size {input.shape} "
                f"({type(self).__name__})"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        count = buffers.get("num_batches_tracked")
        if training and self.track_running_stats and count is not None:
            # in place, the buffer staying the same tensor, as PyTorch's add_(1); one write, not an op
            count._check_inplace("num_batches_tracked update")
            count._write(_plus_one)
            if self.momentum is None:  # cumulative average: the k-th batch gets weight 1/k
                factor = 1.0 / count.item()
        track = not training or self.track_running_stats
        return F.batch_norm(
            input,
            running_mean if track else None,
            running_var if track else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs, per channel C.

    Training: y = (x - mean) / sqrt(var + eps) * weight + bias with the batch
    mean and biased variance over N (and L); with ``track_running_stats`` the
    buffers follow running = (1 - momentum) * running + momentum * batch_stat
    (unbiased variance for running_var; ``momentum=None`` gives the cumulative
    average over all batches so far) and ``num_batches_tracked`` counts batches.
    Eval: the running statistics are used, so outputs do not depend on the
    batch; without running statistics the batch ones are used in eval too.
    Arguments as ``_NormBase``.

    Raises:
        InvalidParameterError: any argument outside its range.
        ShapeError (call): input not 2-D or 3-D, its dim 1 not C, or one value
            per channel while training.
    """

    _ranks = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs per channel C, over N, H and W; as BatchNorm1d.

    Raises:
        InvalidParameterError: any argument outside its range.
        ShapeError (call): input not 4-D, its dim 1 not C, or one value per channel while training.
    """

    _ranks = (4,)
    _layout = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs per channel C, over N, D, H and W; as BatchNorm1d.

    Raises:
        InvalidParameterError: any argument outside its range.
        ShapeError (call): input not 5-D, its dim 1 not C, or one value per channel while training.
    """

    _ranks = (5,)
    _layout = "(N, C, D, H, W)"


class SyncBatchNorm(_BatchNorm):
    """Batch normalization of inputs of any rank >= 2, per channel C (dim 1), as PyTorch's SyncBatchNorm.

    PyTorch synchronizes the batch statistics across processes only while a process group with more than
    one member exists; otherwise (one process, as minigrad always is: ``distributed.is_initialized()``
    is False) it normalizes exactly as BatchNorm1d/2d/3d, which this does. ``process_group`` is kept for
    the repr and state. Scripts written for multi-GPU training convert their model with
    :meth:`convert_sync_batchnorm` unconditionally. Other arguments as ``_NormBase``.

    Raises:
        InvalidParameterError: any argument outside its range.
        ShapeError (call): input of fewer than 2 dims (a ValueError, as PyTorch's), its dim 1 not C, or
            one value per channel while training.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, process_group: Any = None,
                 device: Any = None, dtype: DTypeLike = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_rank(self, x: Tensor, ranks: tuple[int, ...], layout: str) -> None:
        if _checks.tensor(type(self).__name__, x).ndim < 2:
            raise ShapeError(f"expected at least 2D input (got {x.ndim}D input)")

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with every BatchNorm in it (itself included) replaced by a SyncBatchNorm that shares
        its parameters and running statistics and keeps its training flag; other modules are kept."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group, bias=module.bias is not None)
            if module.affine:
                out.weight = module.weight
                out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
