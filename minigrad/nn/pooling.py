"""Pooling layers: MaxPool, AvgPool, AdaptiveAvgPool, AdaptiveMaxPool (1d-3d) and MaxUnpool, around ``F``.

Each module checks its arguments at construction (naming the argument and the value)
and keeps them as PyTorch does, so its repr reads the same; the math is in
``minigrad.nn.functional.pooling``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from minigrad.errors import InvalidParameterError, _ArgumentTypeError, python_type_name
from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn._checks import is_int
from minigrad.nn.functional._windows import ntuple
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = [
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
    "LPPool1d", "LPPool2d", "LPPool3d",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
]  # fmt: skip

Size = int | Sequence[int]


def _size(cls: str, name: str, value: Any, nd: int, low: int = 1) -> Any:
    """Validate an int-or-tuple size argument; keep it as given (PyTorch prints it as given)."""
    ntuple(cls, name, value, nd, low)
    return tuple(value) if isinstance(value, list) else value


class _MaxPoolNd(Module):
    _nd: int
    _pool: Callable[..., Any]

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = _size(name, "kernel_size", kernel_size, self._nd)
        self.stride = self.kernel_size if stride is None else _size(name, "stride", stride, self._nd)
        self.padding = _size(name, "padding", padding, self._nd, low=0)
        self.dilation = _size(name, "dilation", dilation, self._nd)
        self.return_indices = _checks.flag("return_indices", return_indices)
        self.ceil_mode = _checks.strict_flag("ceil_mode", ceil_mode)

    def forward(self, input: Tensor) -> Any:  # noqa: A002
        """Max over each window; with ``return_indices`` also the per-plane index of each max."""
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding, self.dilation,
                                ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over sliding windows of (N, C, L) or (C, L); see :func:`minigrad.nn.functional.max_pool1d`.

    Args:
        kernel_size: window size (positive); stride: step, default ``kernel_size``;
        padding: implicit -inf on both sides (at most half the dilated kernel);
        dilation: spacing of window elements; return_indices: also return the argmax
            indices (for :class:`MaxUnpool1d`); ceil_mode: keep a last partial window.

    Raises:
        InvalidParameterError: a size that is not a positive int (padding: non-negative).
        ShapeError (call): wrong input rank, or no window fits.
    """

    _nd = 1
    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Max over sliding windows of (N, C, H, W) or (C, H, W); arguments as MaxPool1d (ints or pairs)."""

    _nd = 2
    _pool = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Max over sliding windows of (N, C, D, H, W) or (C, D, H, W); as MaxPool1d (ints or triples)."""

    _nd = 3
    _pool = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    _nd: int
    _pool: Callable[..., Tensor]

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = _size(name, "kernel_size", kernel_size, self._nd)
        self.stride = self.kernel_size if stride is None else _size(name, "stride", stride, self._nd)
        self.padding = _size(name, "padding", padding, self._nd, low=0)
        self.ceil_mode = _checks.strict_flag("ceil_mode", ceil_mode)
        self.count_include_pad = _checks.strict_flag("count_include_pad", count_include_pad)
        if divisor_override is not None:  # (a non-int: the TypeError of PyTorch's forward's avg_pool)
            _checks.int_argument(f"avg_pool{self._nd}d", "divisor_override", 7, divisor_override)
        if divisor_override == 0:
            raise InvalidParameterError(f"{name}: divisor_override must be a non-zero int, got "
                                        f"divisor_override={divisor_override!r}")
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Mean over each window."""
        extra = {} if self._nd == 1 else {"divisor_override": self.divisor_override}
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                self.count_include_pad, **extra)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over sliding windows of (N, C, L) or (C, L); see :func:`minigrad.nn.functional.avg_pool1d`.

    Args:
        kernel_size: window size; stride: default ``kernel_size``; padding: zeros on both
            sides (at most half the kernel); ceil_mode: keep a last partial window;
        count_include_pad: count the zero padding in the mean.

    Raises:
        InvalidParameterError: a size that is not a positive int (padding: non-negative).
        ShapeError (call): wrong input rank, or no window fits.
    """

    _nd = 1
    _pool = staticmethod(F.avg_pool1d)

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        # PyTorch keeps AvgPool1d's sizes as 1-tuples (and prints them so)
        k = ntuple("AvgPool1d", "kernel_size", kernel_size, 1)
        super().__init__(k, k if stride is None else ntuple("AvgPool1d", "stride", stride, 1),
                         ntuple("AvgPool1d", "padding", padding, 1, low=0), ceil_mode, count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean over sliding windows of (N, C, H, W) or (C, H, W); as AvgPool1d, plus ``divisor_override``."""

    _nd = 2
    _pool = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """Mean over sliding windows of (N, C, D, H, W) or (C, D, H, W); as :class:`AvgPool2d`."""

    _nd = 3
    _pool = staticmethod(F.avg_pool3d)


class _LPPoolNd(Module):
    """Power-average pooling, (sum of x^p over each window)^(1/p): :func:`minigrad.nn.functional.lp_pool1d`.

    Args:
        norm_type: p, a number (inf: max pooling of |x|).
        kernel_size: window size; stride: default ``kernel_size`` (no padding);
        ceil_mode: keep a last partial window.

    The settings are kept as given, as PyTorch's layer does.

    Raises:
        InvalidParameterError: ``norm_type`` is not a number; (call) a bad kernel_size or stride.
        ShapeError (call): wrong input rank, or no window fits.
    """

    _pool: Callable[..., Tensor]

    def __init__(self, norm_type: float, kernel_size: Size, stride: Size | None = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = _checks.number("norm_type", norm_type)
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = _checks.strict_flag("ceil_mode", ceil_mode)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The pooled input."""
        return type(self)._pool(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr (PyTorch's)."""
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling of (N, C, L) or (C, L); as :class:`_LPPoolNd`."""

    _pool = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling of (N, C, H, W) or (C, H, W); as :class:`_LPPoolNd` (ints or pairs)."""

    _pool = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling of (N, C, D, H, W) or (C, D, H, W); as :class:`_LPPoolNd` (ints or triples)."""

    _pool = staticmethod(F.lp_pool3d)


def _output_size(cls: str, value: Any, nd: int) -> Any:
    items = [value] if is_int(value) else value
    # (not ints or Nones: PyTorch's TypeError, from its argument parser or len())
    typed = isinstance(items, (tuple, list)) and all(v is None or is_int(v) for v in items)
    if not typed or len(items) not in (1, nd) or not all(v is None or v >= 0 for v in items):
        # (PyTorch's parser's words where its functional form sees the value: a 1-d pool's non-tuple)
        fn = "adaptive_" + cls[8:11].lower() + "_pool1d"
        words = "" if typed or nd != 1 or isinstance(value, (tuple, list)) else (
            f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, not "
            f"{python_type_name(value)}; ")
        raise (InvalidParameterError if typed else _ArgumentTypeError)(
            f"{words}{cls}: output_size must be a non-negative int (or None) or a tuple of {nd} of them, got "
            f"output_size={value!r}")
    return tuple(value) if isinstance(value, list) else value


class _AdaptivePool(Module):
    _nd: int
    _pool: Callable[..., Any]

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = _output_size(type(self).__name__, output_size, self._nd)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"output_size={self.output_size}"


class _AdaptiveAvgPool(_AdaptivePool):
    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Mean over each bin."""
        out: Tensor = type(self)._pool(input, self.output_size)
        return out


class AdaptiveAvgPool1d(_AdaptiveAvgPool):
    """Mean over ``output_size`` bins of (N, C, L) or (C, L); see ``F.adaptive_avg_pool1d``.

    Raises:
        InvalidParameterError: output_size is not a non-negative int.
    """

    _nd = 1
    _pool = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPool):
    """Mean over bins of (N, C, H, W) or (C, H, W) to ``output_size`` (an int or a pair; None: keep)."""

    _nd = 2
    _pool = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPool):
    """Mean over bins of (N, C, D, H, W) or (C, D, H, W) to ``output_size`` (an int or a triple)."""

    _nd = 3
    _pool = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPool(_AdaptivePool):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = _checks.flag("return_indices", return_indices)

    def forward(self, input: Tensor) -> Any:  # noqa: A002
        """Max over each bin; with ``return_indices`` also the per-plane index of each max."""
        return type(self)._pool(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Max over ``output_size`` bins of (N, C, L) or (C, L); see ``F.adaptive_max_pool1d``.

    Raises:
        InvalidParameterError: output_size is not a non-negative int.
    """

    _nd = 1
    _pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Max over bins of (N, C, H, W) or (C, H, W) to ``output_size`` (an int or a pair; None: keep)."""

    _nd = 2
    _pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Max over bins of (N, C, D, H, W) or (C, D, H, W) to ``output_size`` (an int or a triple)."""

    _nd = 3
    _pool = staticmethod(F.adaptive_max_pool3d)


class _MaxUnpoolNd(Module):
    _nd: int
    _unpool: Callable[..., Tensor]

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = ntuple(name, "kernel_size", kernel_size, self._nd)
        self.stride = self.kernel_size if stride is None else ntuple(name, "stride", stride, self._nd)
        self.padding = ntuple(name, "padding", padding, self._nd, low=0)

    def forward(self, input: Tensor, indices: Tensor,  # noqa: A002
                output_size: Sequence[int] | None = None) -> Tensor:
        """Place each value at its index in a zero output (the partial inverse of max pooling)."""
        return type(self)._unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool1d`; see :func:`minigrad.nn.functional.max_unpool1d`.

    Raises:
        InvalidParameterError: a size that is not a positive int (padding: non-negative).
    """

    _nd = 1
    _unpool = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool2d`: (N, C, H, W) values and indices -> (N, C, H_out, W_out)."""

    _nd = 2
    _unpool = staticmethod(F.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of :class:`MaxPool3d`."""

    _nd = 3
    _unpool = staticmethod(F.max_unpool3d)


class _FractionalMaxPoolNd(Module):
    _nd: int

    def __init__(self, kernel_size: Size, output_size: Size | None = None,
                 output_ratio: float | Sequence[float] | None = None, return_indices: bool = False,
                 _random_samples: Tensor | None = None) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd
        self.kernel_size = ntuple(name, "kernel_size", kernel_size, nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else ntuple(name, "output_size", output_size, nd)
        ratio: tuple[float, ...] | None = None
        if output_ratio is not None:
            ratio = tuple(output_ratio) if isinstance(output_ratio, Sequence) else (output_ratio,) * nd
        self.output_ratio = ratio
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if ratio is not None and not all(0 < r < 1 for r in ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor) -> Any:  # noqa: A002
        """Fractional max pooling (see :func:`~minigrad.nn.functional.fractional_max_pool2d`)."""
        pool = F.fractional_max_pool2d if self._nd == 2 else F.fractional_max_pool3d
        return pool(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                    _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) inputs to ``output_size`` or
    ``output_ratio`` of the input; ``_random_samples`` (N, C, 2), a buffer, fixes the windows.

    Raises:
        ValueError: neither or both of output_size and output_ratio, a ratio outside (0, 1)
            (PyTorch's class and messages).
        InvalidParameterError: a bad kernel_size or output_size.
    """

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """:class:`FractionalMaxPool2d` for (N, C, T, H, W) or (C, T, H, W); ``_random_samples`` (N, C, 3).

    Raises:
        as :class:`FractionalMaxPool2d`.
    """

    _nd = 3
