"""Padding layers around F.pad: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad (1d-3d)."""

from __future__ import annotations

from collections.abc import Sequence

from minigrad.errors import ShapeError
from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.functional._windows import ntuple
from minigrad.nn.module import Module
from minigrad.tensor import Tensor, _fill_scalar, float64

__all__ = [
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
]  # fmt: skip


class _PadNd(Module):
    """Pads the last ``_nd`` dims: an int for every side or (left, right[, top, bottom[, front, back]])."""

    _nd: int
    _mode: str

    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__()
        if isinstance(padding, (tuple, list)) and all(_checks.is_int(v) for v in padding):
            # A tuple of ints is kept as given, of any length, as PyTorch's layers keep it: F.pad reads it
            # at call time ((1, 2) pads the last dim only; a length it cannot use is its error there).
            self.padding: tuple[int, ...] = tuple(int(v) for v in padding)
        else:  # an int for every side (negative amounts crop, as in PyTorch)
            self.padding = ntuple(type(self).__name__, "padding", padding, 2 * self._nd, low=None)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The padded input."""
        return F.pad(input, self.padding, mode=self._mode)

    def extra_repr(self) -> str:
        """The padding, as PyTorch prints it."""
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    _mode = "constant"

    def __init__(self, padding: int | Sequence[int], value: float) -> None:
        super().__init__(padding)
        self.value = _fill_scalar(value, float64, "value")

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The input padded with ``value``."""
        return F.pad(input, self.padding, mode="constant", value=self.value)

    def extra_repr(self) -> str:
        """The padding and the value."""
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``: padding is an int or (left, right); negative amounts crop."""

    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value``: padding is an int or (left, right, top, bottom)."""

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value``: padding is an int or (left, right, top, bottom, front, back)."""

    _nd = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        """The padding, as PyTorch prints it."""
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros: padding is an int or (left, right)."""

    _nd = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 dims with zeros: padding is an int or (left, right, top, bottom)."""

    _nd = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 dims with zeros: padding is an int or (left, right, top, bottom, front, back)."""

    _nd = 3


class ReflectionPad1d(_PadNd):
    """Mirror the last dim at its edges (the edge not repeated): (N, C, L) or (C, L); padding < L."""

    _nd, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Mirror the last 2 dims at their edges: (N, C, H, W) or (C, H, W)."""

    _nd, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Mirror the last 3 dims at their edges: (N, C, D, H, W) or (C, D, H, W)."""

    _nd, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Repeat the edge values of the last dim: (N, C, L) or (C, L)."""

    _nd, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Repeat the edge values of the last 2 dims: (N, C, H, W) or (C, H, W)."""

    _nd, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Repeat the edge values of the last 3 dims: (N, C, D, H, W) or (C, D, H, W)."""

    _nd, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The padded input; an input of another rank is PyTorch's ValueError (the layer checks it)."""
        if _checks.tensor(type(self).__name__, input).ndim not in (self._nd + 1, self._nd + 2):
            raise ShapeError(f"{type(self).__name__}: expected {self._nd + 1}D or {self._nd + 2}D input "
                             f"(got {input.ndim}D input)")
        return F.pad(input, self.padding, mode="circular")


class CircularPad1d(_CircularPadNd):
    """Wrap the last dim around (periodic padding): (N, C, L) or (C, L); padding <= L.

    Raises:
        ShapeError: an input that is not 2-D or 3-D (forward).
    """

    _nd = 1


class CircularPad2d(_CircularPadNd):
    """Wrap the last 2 dims around: (N, C, H, W) or (C, H, W).

    Raises:
        ShapeError: an input that is not 3-D or 4-D (forward).
    """

    _nd = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last 3 dims around: (N, C, D, H, W) or (C, D, H, W).

    Raises:
        ShapeError: an input that is not 4-D or 5-D (forward).
    """

    _nd = 3
