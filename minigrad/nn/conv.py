"""Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d around ``F.conv*`` and ``F.conv_transpose*``.

The modules hold the weight and bias, validate their arguments as PyTorch does, and
apply a non-zero ``padding_mode`` with ``F.pad`` before convolving; the math (and so
the gradient) is all in the functionals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError, _ArgumentTypeError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.functional._windows import Ints, ntuple
from minigrad.nn.functional.conv import transposed_size
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DTypeLike, Tensor

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
Size = int | Sequence[int]


class _ConvNd(Module):
    """The shared constructor, initialisation and repr of the six convolution layers."""

    _nd: int
    weight: Parameter
    bias: Parameter | None
    padding: Ints | str

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size,
                 padding: str | Size, dilation: Size, transposed: bool, output_padding: Size, groups: int,
                 bias: bool, padding_mode: str, device: Any, dtype: DTypeLike) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd
        _checks.device(device)
        self.in_channels = _checks.positive_int("in_channels", in_channels)
        self.out_channels = _checks.positive_int("out_channels", out_channels)
        if _checks.is_int(groups) and groups <= 0:  # (PyTorch's words first)
            raise InvalidParameterError(f"groups must be a positive integer ({name}: got groups={groups})")
        self.groups = _checks.positive_int("groups", groups)
        if self.in_channels % self.groups:
            raise InvalidParameterError(f"in_channels must be divisible by groups ({name}: got "
                                        f"in_channels={in_channels} and groups={groups})")
        if self.out_channels % self.groups:
            raise InvalidParameterError(f"out_channels must be divisible by groups ({name}: got "
                                        f"out_channels={out_channels} and groups={groups})")
        self.kernel_size = ntuple(name, "kernel_size", kernel_size, nd)
        self.stride = ntuple(name, "stride", stride, nd)
        self.dilation = ntuple(name, "dilation", dilation, nd)
        self.transposed = transposed
        self.output_padding = ntuple(name, "output_padding", output_padding, nd, low=0)
        if isinstance(padding, str):
            if transposed or padding not in ("same", "valid"):
                allowed = "an int or a tuple of ints" if transposed else "'valid', 'same', an int or a tuple"
                # (a transposed conv's string padding is PyTorch's TypeError, from its forward)
                words = "" if transposed else f"Invalid padding string {padding!r}, should be one of " \
                    "{'valid', 'same'} ("  # (PyTorch's words first; a transposed conv's: its forward's)
                raise (_ArgumentTypeError if transposed else InvalidParameterError)(
                    f"{words}{name}: invalid padding={padding!r}, should be {allowed}{')' * bool(words)}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise InvalidParameterError(f"padding='same' is not supported for strided convolutions "
                                            f"({name}: got stride={self.stride})")
            self.padding = padding
        else:
            # (a negative one crops, as F.pad's, with a non-zero padding_mode: PyTorch builds it and
            # its forward runs; with zeros its forward refuses it, here the constructor)
            low = None if padding_mode in ("reflect", "replicate", "circular") and not transposed else 0
            self.padding = ntuple(name, "padding", padding, nd, low=low)
        if padding_mode not in _PADDING_MODES:
            raise InvalidParameterError("padding_mode must be one of {'reflect', 'replicate', 'zeros', "
                                        f"'circular'}}, but got padding_mode={padding_mode!r} ({name})")
        if transposed and padding_mode != "zeros":
            raise InvalidParameterError(f'Only "zeros" padding mode is supported for {name} ({name}: '
                                        f'only "zeros" padding mode is supported, got '
                                        f"padding_mode={padding_mode!r})")
        self.padding_mode = padding_mode
        dt = _checks.float_dtype(dtype)
        shape = ((self.in_channels, self.out_channels // self.groups) if transposed
                 else (self.out_channels, self.in_channels // self.groups))
        self.weight = Parameter(np.empty((*shape, *self.kernel_size), dtype=dt))
        if _checks.flag("bias", bias):
            self.bias = Parameter(np.empty(self.out_channels, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's init: weight and bias U(-b, b), b = 1 / sqrt(fan_in) (kaiming_uniform_, a=sqrt(5))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _pad_for_mode(self) -> list[int]:
        """F.pad's list (last dim first) for padding_mode: the padding, the odd 'same' one on the right."""
        if self.padding == "same":
            totals = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            pairs = [(t // 2, t - t // 2) for t in totals]
        elif self.padding == "valid":
            pairs = [(0, 0)] * self._nd
        else:
            pairs = [(p, p) for p in self.padding if isinstance(p, int)]
        return [v for pair in reversed(pairs) for v in pair]

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr, as PyTorch prints them."""
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _conv: Callable[..., Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
                 padding: str | Size = 0, dilation: Size = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups,
                         bias, padding_mode, device, dtype)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Convolve (N, C_in, *spatial) or (C_in, *spatial) with the weight, add the bias."""
        conv = type(self)._conv
        if self.padding_mode != "zeros":
            _checks.tensor(type(self).__name__, input)
            padded = F.pad(input, self._pad_for_mode(), mode=self.padding_mode)
            return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) or (C_in, L) inputs -> (N, C_out, L_out).

    Args:
        in_channels, out_channels: channel counts, positive and divisible by ``groups``.
        kernel_size, stride, dilation: an int (or a 1-tuple), positive.
        padding: a non-negative int, 'valid' (none) or 'same' (stride 1 only).
        groups: split channels into groups convolved separately (``groups=in_channels``:
            depthwise).
        bias: learn an additive bias of shape (out_channels,).
        padding_mode: 'zeros', 'reflect', 'replicate' or 'circular'.
        device: None or 'cpu'.
        dtype: float32 (default) or float64.

    Parameters ``weight`` (out_channels, in_channels / groups, k) and ``bias`` start as
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels / groups * k, drawn from the
    seeded generator (PyTorch's default). L_out = (L + 2 padding - dilation (k - 1) - 1)
    // stride + 1.

    Raises:
        InvalidParameterError: any argument outside the ranges above.
        ShapeError (call): wrong input rank or channel count, or a kernel larger than
            the padded input.
    """

    _nd = 1
    _conv = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W) inputs -> (N, C_out, H_out, W_out).

    Arguments, initialisation and errors as :class:`Conv1d`, with ``kernel_size``,
    ``stride``, ``padding`` and ``dilation`` an int or a pair; the weight is
    (out_channels, in_channels / groups, kH, kW).
    """

    _nd = 2
    _conv = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W) or (C_in, D, H, W) inputs; as :class:`Conv2d` with triples."""

    _nd = 3
    _conv = staticmethod(F.conv3d)


class _ConvTranspose(_ConvNd):
    _conv: Callable[..., Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
                 padding: Size = 0, output_padding: Size = 0, groups: int = 1, bias: bool = True,
                 dilation: Size = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> Ints:  # noqa: A002
        """output_padding, or the one that gives ``output_size`` (spatial, or with batch and channels)."""
        if output_size is None:
            return self.output_padding
        nd, name = self._nd, type(self).__name__
        lead = 2 if input.ndim == nd + 2 else 1
        # (shown as given, a list or a tuple)
        shown = output_size[lead:] if len(output_size) == lead + nd else output_size
        wanted = list(shown)
        if len(wanted) != nd:  # (PyTorch's words, its 'D' upper case)
            raise InvalidParameterError(f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have "
                                        f"{nd} or {lead + nd} elements (got {len(output_size)})")
        assert not isinstance(self.padding, str)
        smallest = transposed_size(name, input.shape[lead:], self.kernel_size, self.stride, self.padding,
                                   self.dilation, (0,) * nd, least=None)  # (the convolution checks the size)
        largest = [s + st - 1 for s, st in zip(smallest, self.stride)]
        if any(not lo <= w <= hi for w, lo, hi in zip(wanted, smallest, largest)):
            raise InvalidParameterError(f"requested an output size of {shown}, but valid sizes range from "
                                        f"{list(smallest)} to {largest} (for an input of "
                                        f"{input.shape[lead:]})")
        return tuple(int(w) - s for w, s in zip(wanted, smallest))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:  # noqa: A002
        """Transposed conv of (N, C_in, *spatial) or (C_in, *spatial); output_size sets output_padding."""
        _checks.tensor(type(self).__name__, input)
        if input.ndim not in (self._nd + 1, self._nd + 2):
            raise ShapeError(f"{type(self).__name__}: expected a {self._nd + 1}D (unbatched) or "
                             f"{self._nd + 2}D (batched) input, got shape {input.shape}")
        op = self._output_padding(input, output_size)
        return type(self)._conv(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution (Conv1d's input gradient): (N, C_in, L) -> (N, C_out, L_out).

    Args:
        in_channels, out_channels: channel counts, positive and divisible by ``groups``.
        kernel_size, stride, dilation: positive ints (or 1-tuples).
        padding: removed from both ends of the output; output_padding (smaller than stride
            or dilation) is added back on one side.
        groups, bias, dtype: as :class:`Conv1d`; padding_mode must be 'zeros'.

    ``weight`` is (in_channels, out_channels / groups, k), initialised as PyTorch's
    (fan_in = out_channels / groups * k). L_out = (L - 1) stride - 2 padding +
    dilation (k - 1) + output_padding + 1; ``forward(x, output_size=...)`` picks the
    output_padding that gives a requested size.

    Raises:
        InvalidParameterError: any argument outside the ranges above, or an output_size
            out of reach.
        ShapeError (call): wrong input rank or channel count.
    """

    _nd = 1
    _conv = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution: (N, C_in, H, W) -> (N, C_out, H_out, W_out); as ConvTranspose1d per dim."""

    _nd = 2
    _conv = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """3-D transposed convolution: (N, C_in, D, H, W) -> (N, C_out, ...); as ConvTranspose1d per dim."""

    _nd = 3
    _conv = staticmethod(F.conv_transpose3d)
