"""Resampling layers: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from minigrad.errors import InvalidParameterError
from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = [
    "ChannelShuffle", "PixelShuffle", "PixelUnshuffle", "Upsample", "UpsamplingBilinear2d",
    "UpsamplingNearest2d",
]  # fmt: skip


def _scale(value: Any) -> Any:
    """PyTorch keeps scale_factor as a float (or a tuple of floats)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(float(v) for v in value)
    ours = f"Upsample: scale_factor must be a number or a tuple of numbers, got scale_factor={value!r}"
    if isinstance(value, bool):
        raise InvalidParameterError(ours)
    if not isinstance(value, (numbers.Real, Tensor)):
        # (a list too: PyTorch converts anything but a tuple with float(), a TypeError there)
        raise _checks.value_error(value)(
            f"float() argument must be a string or a real number, not '{type(value).__name__}' ({ours})")
    return float(value) if value else None  # (PyTorch's test: a zero scale_factor reads as none given)


class Upsample(Module):
    """Resample (N, C, *spatial) to ``size`` or by ``scale_factor``; see ``F.interpolate``.

    Args:
        size: output spatial size (an int or one per dim).
        scale_factor: multiplier of the spatial size (a number or one per dim).
        mode: 'nearest' (default), 'nearest-exact', 'linear', 'bilinear', 'bicubic',
            'trilinear' or 'area'.
        align_corners: for the interpolating modes, align the corner pixels.
        recompute_scale_factor: interpolate with in / out instead of 1 / scale_factor.

    Raises:
        InvalidParameterError (call, from interpolate): both or neither of size and scale_factor,
            align_corners with a non-interpolating mode.
    """

    def __init__(self, size: int | Sequence[int] | None = None,
                 scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__  # (PyTorch's attribute, read by older code)
        self.size = size  # (as given, a list too, as PyTorch keeps and prints it)
        self.scale_factor = _scale(scale_factor)
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The resampled input."""
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        """scale_factor (or size) and mode, as PyTorch prints them."""
        scaled = self.scale_factor is not None
        info = f"scale_factor={self.scale_factor!r}" if scaled else f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W): ``Upsample(size, scale_factor, mode='nearest')``."""

    def __init__(self, size: int | Sequence[int] | None = None,
                 scale_factor: float | Sequence[float] | None = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W), corners aligned: Upsample(..., 'bilinear', align_corners=True)."""

    def __init__(self, size: int | Sequence[int] | None = None,
                 scale_factor: float | Sequence[float] | None = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


def _factor(cls: str, name: str, value: Any) -> int:
    # (not an int: the TypeError of PyTorch's functional form, which its forward calls)
    _checks.int_argument({"PixelShuffle": "pixel_shuffle", "PixelUnshuffle": "pixel_unshuffle"}.get(
        cls, "channel_shuffle"), name, 2, value)
    if value < 1:
        raise InvalidParameterError(f"{cls}: {name} must be a positive int, got {name}={value!r}")
    return int(value)


class PixelShuffle(Module):
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r); see :func:`minigrad.nn.functional.pixel_shuffle`.

    Raises:
        InvalidParameterError: upscale_factor is not a positive int.
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = _factor("PixelShuffle", "upscale_factor", upscale_factor)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Channels rearranged into r x r spatial blocks."""
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        """The factor."""
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H * r, W * r) -> (*, C * r^2, H, W), the inverse of :class:`PixelShuffle`.

    Raises:
        InvalidParameterError: downscale_factor is not a positive int.
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = _factor("PixelUnshuffle", "downscale_factor", downscale_factor)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """r x r spatial blocks rearranged into channels."""
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        """The factor."""
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """(N, g * k, *) -> (N, k * g, *): channels of ``groups`` groups interleaved; see ``F.channel_shuffle``.

    Raises:
        InvalidParameterError: groups is not a positive int.
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = _factor("ChannelShuffle", "groups", groups)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The channels shuffled."""
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        """The number of groups."""
        return f"groups={self.groups}"
