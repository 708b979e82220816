"""InstanceNorm1d/2d/3d: per-sample, per-channel normalization around ``F.instance_norm``.

PyTorch's defaults: ``affine=False`` and ``track_running_stats=False``. With
tracking, training updates the running statistics (the batch average of the
instances' statistics) and eval normalizes with them; ``num_batches_tracked``
is kept for checkpoints but, as in PyTorch, not counted up.
"""

from __future__ import annotations

import warnings
from typing import Any

from minigrad.errors import ShapeError
from minigrad.nn import functional as F
from minigrad.nn.batchnorm import _NormBase
from minigrad.tensor import DTypeLike, Tensor

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_NormBase):
    """Instance normalization of (N, C, *spatial) or unbatched (C, *spatial) inputs; see InstanceNorm1d."""

    _spatial = 0

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: DTypeLike = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Normalize each instance and channel over its spatial dims."""
        unbatched = self._spatial + 1
        self._check_rank(input, (unbatched, unbatched + 1), "(C, *spatial) or (N, C, *spatial)")
        channel_dim = input.ndim - unbatched
        channels = input.shape[channel_dim]
        if channels != self.num_features:
            if self.affine or self.track_running_stats:
                raise ShapeError(
                    f"expected input's size at dim={channel_dim} to match num_features "
                    f"({self.num_features}), but got: {channels}. ({type(self).__name__}: input of shape "
                    f"{input.shape})"
                )
            warnings.warn(
                f"input's size at dim={channel_dim} does not match num_features. You can silence this "
                "warning by not passing in num_features, which is not used because affine=False",
                UserWarning,
                stacklevel=2,
            )
        x = input.unsqueeze(0) if input.ndim == unbatched else input
        out = F.instance_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum,
            self.eps,
        )
        return out.squeeze(0) if input.ndim == unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) inputs: each sample's channel standardized over L.

    y = (x - mean) / sqrt(var + eps) (* weight + bias with ``affine``), mean and
    biased variance over L. Arguments as BatchNorm1d, with PyTorch's defaults
    ``affine=False, track_running_stats=False``.

    Raises:
        InvalidParameterError: any argument outside its range.
        ShapeError (call): input not 2-D or 3-D, its channels not num_features (with affine or
            tracking; else a warning, as PyTorch), or a single spatial element while using input statistics.
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) inputs over H and W; as InstanceNorm1d."""

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or (C, D, H, W) inputs over D, H and W; as InstanceNorm1d."""

    _spatial = 3
