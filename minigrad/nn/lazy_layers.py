"""The lazy layers: LazyLinear, LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d and
LazyInstanceNorm1d/2d/3d.

Each is its regular layer built with no input size, its input-sized tensors
replaced by placeholders (see :mod:`minigrad.nn.lazy`); the first call sets the
size from the input (the last dim for Linear, the channel dim otherwise),
materializes the placeholders, runs the regular ``reset_parameters`` (PyTorch's
init, from minigrad's generator) and becomes the regular class.
"""

from __future__ import annotations

from typing import Any

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import _checks
from minigrad.nn.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, _NormBase
from minigrad.nn.conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    Size,
    _ConvNd,
)
from minigrad.nn.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from minigrad.nn.lazy import LazyModuleMixin, UninitializedBuffer, UninitializedParameter, is_lazy
from minigrad.nn.linear import Linear
from minigrad.random import default_generator
from minigrad.tensor import DTypeLike, Tensor, tensor

__all__ = [
    "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d", "LazyConv3d",
    "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyInstanceNorm1d",
    "LazyInstanceNorm2d", "LazyInstanceNorm3d", "LazyLinear",
]  # fmt: skip


def _materialize(t: Tensor, shape: tuple[int, ...]) -> None:
    """Materialize ``t`` if it is still a placeholder (a loaded state dict may have done it already)."""
    if is_lazy(t):
        t.materialize(shape)


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose ``in_features`` is the last dim of the first input (0 until then).

    Raises:
        InvalidParameterError: out_features not a non-negative int.
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        _checks.device(device)
        super().__init__(0, 0, False, dtype=dtype)
        self.out_features = _checks.nonnegative_int("out_features", out_features)
        self.weight = UninitializedParameter(dtype=dtype)
        if _checks.flag("bias", bias):
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        """Linear's init once the size is known (nothing before)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        """in_features = input's last dim; weight (out, in) and bias (out,) materialized and initialized
        (unless a loaded state dict has materialized them already)."""
        x = _checks.tensor(type(self).__name__, input)
        if x.ndim == 0:
            raise ShapeError(f"{type(self).__name__}: expected an input with at least 1 dim, got shape ()")
        self.in_features = x.shape[-1]
        if self.has_uninitialized_params():
            _materialize(self.weight, (self.out_features, self.in_features))
            if self.bias is not None:
                _materialize(self.bias, (self.out_features,))
            self.reset_parameters()


class _LazyConvMixin(LazyModuleMixin, _ConvNd):
    """in_channels from the first input's channel dim (dim 1 batched, dim 0 unbatched)."""

    def _make_lazy(self, out_channels: int, bias: bool, dtype: DTypeLike) -> None:
        self.in_channels = 0
        self.out_channels = _checks.positive_int("out_channels", out_channels)
        if self.out_channels % self.groups:
            raise InvalidParameterError(f"{type(self).__name__}: out_channels must be divisible by groups, "
                                        f"got out_channels={out_channels} and groups={self.groups}")
        self.weight = UninitializedParameter(dtype=dtype)
        if _checks.flag("bias", bias):
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.bias = None

    def reset_parameters(self) -> None:
        """The convolution's init once the size is known (nothing before)."""
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        """in_channels from the input; weight and bias materialized with the convolution's shapes and init.

        Raises:
            ShapeError: the input's rank fits neither the batched nor the unbatched layout.
            InvalidParameterError: in_channels not divisible by groups.
        """
        name, x = type(self).__name__, _checks.tensor(type(self).__name__, input)
        unbatched = self._nd + 1
        if x.ndim not in (unbatched, unbatched + 1):
            raise ShapeError(f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                             f"{name}, but got input of shape {x.shape}")
        self.in_channels = x.shape[1] if x.ndim == unbatched + 1 else x.shape[0]
        if self.in_channels % self.groups:
            raise InvalidParameterError(f"{name}: in_channels must be divisible by groups, got in_channels="
                                        f"{self.in_channels} (from input of shape {x.shape}) and "
                                        f"groups={self.groups}")
        if not self.has_uninitialized_params():
            return  # a loaded state dict materialized them
        g = self.groups
        shape = ((self.in_channels, self.out_channels // g) if self.transposed
                 else (self.out_channels, self.in_channels // g))
        _materialize(self.weight, (*shape, *self.kernel_size))
        if self.bias is not None:
            _materialize(self.bias, (self.out_channels,))
        self.reset_parameters()


def _conv_kwargs(groups: int) -> dict[str, Any]:
    # the regular constructor needs channel counts it can check; the real ones are set right after
    return {"in_channels": _checks.positive_int("groups", groups), "out_channels": groups, "groups": groups}


def _without_draws(build: Any) -> None:
    """Run ``build`` with the generator's state restored after: the regular constructor initializes a
    stand-in weight, but a lazy layer draws its init only when materialized (as PyTorch's)."""
    state = default_generator._get_dict()
    try:
        build()
    finally:
        default_generator._set_dict(state)


class _LazyConv(_LazyConvMixin):
    def __init__(self, out_channels: int, kernel_size: Size, stride: Size = 1, padding: str | Size = 0,
                 dilation: Size = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: DTypeLike = None) -> None:
        base = super()
        _without_draws(lambda: base.__init__(  # type: ignore[misc]
            kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation, bias=False,
            padding_mode=padding_mode, device=device, dtype=dtype, **_conv_kwargs(groups)))
        self._make_lazy(out_channels, bias, dtype)


class _LazyConvTranspose(_LazyConvMixin):
    def __init__(self, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                 output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: DTypeLike = None) -> None:
        base = super()
        _without_draws(lambda: base.__init__(  # type: ignore[misc]
            kernel_size=kernel_size, stride=stride, padding=padding, output_padding=output_padding,
            bias=False, dilation=dilation, padding_mode=padding_mode, device=device, dtype=dtype,
            **_conv_kwargs(groups)))
        self._make_lazy(out_channels, bias, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d whose ``in_channels`` comes from the first input; same arguments without in_channels."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose ``in_channels`` comes from the first input; same arguments without in_channels."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A Conv3d whose ``in_channels`` comes from the first input; same arguments without in_channels."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ConvTranspose1d whose ``in_channels`` comes from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ConvTranspose2d whose ``in_channels`` comes from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ConvTranspose3d whose ``in_channels`` comes from the first input."""

    cls_to_become = ConvTranspose3d


class _LazyNorm(LazyModuleMixin, _NormBase):
    """num_features from the first input's dim 1; affine=True and track_running_stats=True by default
    for every lazy norm (PyTorch's, also for the instance norms)."""

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: DTypeLike = None, *,
                 bias: bool = True) -> None:
        super().__init__(1, eps, momentum, False, False, device, dtype)
        self.num_features = 0
        self.affine = _checks.flag("affine", affine)
        self.track_running_stats = _checks.flag("track_running_stats", track_running_stats)
        if self.affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if _checks.flag("bias", bias):
                self.bias = UninitializedParameter(dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = tensor(0)

    def reset_parameters(self) -> None:
        """The norm's reset once the size is known (nothing before)."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:  # noqa: A002
        """num_features = input's dim 1; weight, bias and running statistics materialized and reset.

        Raises:
            ShapeError: input has fewer than 2 dims.
        """
        if self.weight is None and self.running_mean is None:
            return  # nothing is sized by the input: num_features stays 0, as PyTorch's
        x = _checks.tensor(type(self).__name__, input)
        if x.ndim < 2:
            raise ShapeError(f"{type(self).__name__}: expected an input with at least 2 dims, "
                             f"got shape {x.shape}")
        self.num_features = c = x.shape[1]
        if not self.has_uninitialized_params():
            return  # a loaded state dict materialized them
        for t in (self.weight, self.bias, self.running_mean, self.running_var):
            if t is not None:
                _materialize(t, (c,))
        self.reset_parameters()


class LazyBatchNorm1d(_LazyNorm, BatchNorm1d):
    """A BatchNorm1d whose ``num_features`` comes from the first input; same arguments without it."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNorm, BatchNorm2d):
    """A BatchNorm2d whose ``num_features`` comes from the first input; same arguments without it."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNorm, BatchNorm3d):
    """A BatchNorm3d whose ``num_features`` comes from the first input; same arguments without it."""

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNorm, InstanceNorm1d):
    """An InstanceNorm1d whose ``num_features`` is the first input's dim 1 (affine and tracked by default,
    as PyTorch's lazy version)."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNorm, InstanceNorm2d):
    """An InstanceNorm2d whose ``num_features`` is the first input's dim 1 (affine and tracked by default)."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNorm, InstanceNorm3d):
    """An InstanceNorm3d whose ``num_features`` is the first input's dim 1 (affine and tracked by default)."""

    cls_to_become = InstanceNorm3d

