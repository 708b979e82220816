"""Fold and Unfold layers (col2im and im2col) around ``F.fold`` and ``F.unfold``."""

from __future__ import annotations

from collections.abc import Sequence

from minigrad.nn import functional as F
from minigrad.nn.functional._windows import ntuple
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["Fold", "Unfold"]

Size = int | Sequence[int]


class Unfold(Module):
    """Sliding local blocks of (N, C, H, W) as columns (N, C * kH * kW, L); see ``F.unfold``.

    Raises:
        InvalidParameterError: kernel_size, dilation or stride not positive, padding negative.
    """

    def __init__(self, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1) -> None:
        super().__init__()
        for name, value, low in (("kernel_size", kernel_size, 1), ("dilation", dilation, 1),
                                 ("padding", padding, 0), ("stride", stride, 1)):
            ntuple("Unfold", name, value, 2, low)
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The columns of every block."""
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """Sum columns (N, C * kH * kW, L) back into (N, C, *output_size); see ``F.fold``.

    Raises:
        InvalidParameterError: a size, dilation or stride not positive, padding negative.
    """

    def __init__(self, output_size: Size, kernel_size: Size, dilation: Size = 1, padding: Size = 0,
                 stride: Size = 1) -> None:
        super().__init__()
        for name, value, low in (("output_size", output_size, 1), ("kernel_size", kernel_size, 1),
                                 ("dilation", dilation, 1), ("padding", padding, 0), ("stride", stride, 1)):
            ntuple("Fold", name, value, 2, low)
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The blocks summed into an image."""
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
