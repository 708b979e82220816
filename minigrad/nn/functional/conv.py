"""Convolutions, transposed convolutions, unfold and fold, composed on the sliding-window primitive.

A convolution is the window view of the input (im2col, :class:`~minigrad.ops.Unfold`)
times the weight as a matrix: with C * prod(kernel) window elements per output
position, y (N, O, L) = W (O, C * K) @ cols (N, C * K, L), one matrix product per batch
element, then the bias. Its gradient needs no code of its own: the product's backward
gives the weight's and the columns' gradients, and the window view's backward (col2im,
:class:`~minigrad.ops.Fold`) adds the columns' gradient back onto the input.

A transposed convolution is the same thing read backwards: W^T @ x gives columns and
Fold adds them into the (larger) output.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

from minigrad import ops
from minigrad.dtypes import c_type_name, kernel_error
from minigrad.dtypes import scalar_type_name as _scalar_name
from minigrad.errors import (
    InvalidParameterError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    _ArgumentTypeError,
    _ShapeIndexError,
    user_stacklevel,
)
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional._windows import (
    Ints,
    check_fits,
    dims_text,
    keep_channels_last,
    ntuple,
    spatial_input,
)
from minigrad.settings import warn_once_due
from minigrad.tensor import Tensor, matmul

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "fold",
    "unfold",
]  # fmt: skip

Pairs = tuple[tuple[int, int], ...]
Size = int | Sequence[int]


def _groups(fn: str, groups: Any) -> int:
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise InvalidParameterError(f"{fn}: non-positive groups is not supported: groups must be a positive "
                                    f"int, got groups={groups!r}")
    return groups


def _groups_words(fn: str, g: int, shape: tuple[int, ...]) -> str:
    """PyTorch's error for a weight whose dim 0 the groups do not divide."""
    rule = f"at least {g}" if shape[0] < g else f"divisible by {g}"
    return (f"{fn}: Given groups={g}, expected weight to be {rule} at dimension 0, but got weight of size "
            f"{list(shape)} instead (its out_channels must be divisible by {g} at dim 0)")


def _check_dtypes(fn: str, x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    if not isinstance(weight, Tensor):
        raise TypeError(f"{fn}(): argument 'weight' must be a Tensor, not {type(weight).__name__}")
    if bias is not None and not isinstance(bias, Tensor):
        raise TypeError(f"{fn}(): argument 'bias' must be a Tensor, not {type(bias).__name__}")
    if bias is not None and bias.dtype != x.dtype and "transpose" not in fn:  # (PyTorch checks bias first)
        raise MinigradError(f"Input type ({c_type_name(x.dtype)}) and bias type ({c_type_name(bias.dtype)}) "
                            "should be the same")
    # (a 1-d or 2-d transposed convolution converts its bias to the input's dtype, as PyTorch's kernels do;
    # its 3-d one refuses it)
    for t in (weight,) if fn in ("conv_transpose1d", "conv_transpose2d") else (weight, bias):
        if t is not None and t.dtype != x.dtype:
            raise MinigradError(
                f"expected scalar type {_scalar_name(x.dtype)} but found {_scalar_name(t.dtype)}")
    if x.dtype.kind not in "fiu":  # (PyTorch convolves integer tensors exactly on the CPU, not bools)
        raise UnsupportedError(f"{fn}: not implemented for '{_scalar_name(x.dtype)}'")


def _check_bias(fn: str, bias: Tensor | None, weight: Tensor, channels: int) -> None:
    if bias is not None and bias.shape != (channels,):
        raise ShapeError(f"{fn}: given weight of shape {weight.shape}, expected bias of shape ({channels},), "
                         f"got {bias.shape}")


def _same_padding(kernel: Ints, dilation: Ints) -> Pairs:
    """'same': total d(k-1) per dim, the odd one on the right (as PyTorch)."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple((t // 2, t - t // 2) for t in totals)


def _conv(fn: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None,  # noqa: A002
          stride: Any, padding: Any, dilation: Any, groups: Any) -> Tensor:
    x, batched = spatial_input(fn, input, nd)
    _check_dtypes(fn, x, weight, bias)
    g = _groups(fn, groups)
    if weight.ndim != nd + 2:
        torch_words = ("weight should have at least three dimensions" if weight.ndim < 3 else
                       f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight"
                       f"{list(weight.shape)}, but got {input.ndim}-dimensional input of size "
                       f"{list(input.shape)} instead")
        raise ShapeError(f"{fn}: {torch_words}: expected a {nd + 2}D weight (out_channels, in_channels / "
                         f"groups, *kernel), got weight of shape {weight.shape}")
    out_ch, cg, *kernel_list = weight.shape
    kernel = tuple(kernel_list)
    s = ntuple(fn, "stride", stride, nd)
    d = ntuple(fn, "dilation", dilation, nd)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise InvalidParameterError(f"{fn}: invalid padding string {padding!r}, should be one of "
                                        "'valid', 'same'")
        if padding == "same" and any(v != 1 for v in s):
            raise InvalidParameterError("padding='same' is not supported for strided convolutions "
                                        f"({fn}: stride={s})")
        pads = _same_padding(kernel, d) if padding == "same" else ((0, 0),) * nd
        if any(lo != hi for lo, hi in pads) and warn_once_due("conv_same_asymmetric"):  # (TORCH_WARN_ONCE)
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                          "zero-padded copy of the input be created", UserWarning,
                          stacklevel=user_stacklevel())
    else:
        pads = tuple((p, p) for p in ntuple(fn, "padding", padding, nd, low=0))
    if out_ch % g or out_ch < g:  # (a weight with no output channels too: PyTorch's "at least g")
        raise ShapeError(_groups_words(fn, g, weight.shape))
    if x.shape[1] != cg * g:
        raise ShapeError(f"Given groups={g}, weight of size {list(weight.shape)}, expected input"
                         f"{list(x.shape)} to have {cg * g} channels, but got {x.shape[1]} channels instead")
    _check_bias(fn, bias, weight, out_ch)
    n, c, *size = x.shape
    padded = [v + lo + hi for v, (lo, hi) in zip(size, pads)]
    check_fits(fn, padded, kernel, d, input.shape)
    windows = tuple((p - dd * (k - 1) - 1) // ss + 1 for p, k, dd, ss in zip(padded, kernel, d, s))
    if all(k == 1 for k in kernel) and all(v == 1 for v in s) and not any(lo or hi for lo, hi in pads):
        cols = x.reshape(n, c, math.prod(size))  # 1x1 windows: the input is its own im2col
    else:
        cols = ops.Unfold.apply(x, kernel=kernel, stride=s, dilation=d, padding=pads)
    if g == 1:
        out = matmul(weight.reshape(out_ch, -1), cols)
    else:  # one product per group: (G, O/G, C/G * K) @ (N, G, C/G * K, L) (sizes spelled out: N may be 0)
        rows = cg * math.prod(kernel)
        out = matmul(weight.reshape(g, out_ch // g, rows), cols.reshape(n, g, rows, cols.shape[-1]))
    out = out.reshape(n, out_ch, *windows)
    if bias is not None:
        out = out + bias.reshape(out_ch, *(1,) * nd)
    # PyTorch's grad_fn: one convolution op (an unbatched input is unsqueezed into it and squeezed back)
    if not batched:
        return named(out.squeeze(0), "SqueezeBackward1")
    return named(keep_channels_last(out, x, weight), "ConvolutionBackward0")


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,  # noqa: A002
           padding: str | Size = 0, dilation: Size = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation, as PyTorch): (N, C, L) or (C, L) by weight (O, C / groups, k).

    y[n, o, i] = bias[o] + sum over c in o's group and j < k of
    weight[o, c, j] * x_pad[n, c, i * stride + j * dilation]. ``padding`` is an int,
    'valid' (none) or 'same' (output as long as the input; stride 1 only).
    Output (N, O, L_out), L_out = (L + 2 padding - dilation (k - 1) - 1) // stride + 1.

    Raises:
        InvalidParameterError: bad stride / padding / dilation / groups.
        ShapeError: input rank, channel count (C != weight.shape[1] * groups), bias shape,
            or a kernel larger than the padded input.
        MinigradError: input, weight and bias dtypes differ.
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,  # noqa: A002
           padding: str | Size = 0, dilation: Size = 1, groups: int = 1) -> Tensor:
    """2-D convolution: (N, C, H, W) or (C, H, W) by weight (O, C / groups, kH, kW) -> (N, O, H_out, W_out).

    Per spatial dim as :func:`conv1d`; ``groups=C`` with O a multiple of C is a depthwise
    convolution. Raises as :func:`conv1d`.
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,  # noqa: A002
           padding: str | Size = 0, dilation: Size = 1, groups: int = 1) -> Tensor:
    """3-D convolution: (N, C, D, H, W) by weight (O, C / groups, kD, kH, kW). As :func:`conv1d` per dim."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def transposed_size(fn: str, size: Sequence[int], kernel: Ints, stride: Ints, padding: Ints, dilation: Ints,
                    output_padding: Ints, least: int | None = 1) -> Ints:
    """Transposed convolution's output size per dim.

    (n - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1; a ShapeError when a size is
    below ``least`` (0 where PyTorch allows an empty output; None: no check).
    """
    out = tuple((v - 1) * s - 2 * p + d * (k - 1) + op + 1
                for v, k, s, p, d, op in zip(size, kernel, stride, padding, dilation, output_padding))
    if least is not None and any(o < least for o in out):
        raise ShapeError(f"{fn}: the output size {dims_text(out)} computed from input size "
                         f"{dims_text(size)}, kernel {dims_text(kernel)}, stride {stride}, padding {padding} "
                         f"and dilation {dilation} is too small")
    return out


def _conv_transpose(fn: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None,  # noqa: A002
                    stride: Any, padding: Any, output_padding: Any, groups: Any, dilation: Any) -> Tensor:
    x, batched = spatial_input(fn, input, nd)
    _check_dtypes(fn, x, weight, bias)
    g = _groups(fn, groups)
    if weight.ndim != nd + 2:
        raise ShapeError(f"{fn}: expected a {nd + 2}D weight (in_channels, out_channels / groups, *kernel), "
                         f"got weight of shape {weight.shape}")
    in_ch, og, *kernel_list = weight.shape
    kernel = tuple(kernel_list)
    s = ntuple(fn, "stride", stride, nd)
    d = ntuple(fn, "dilation", dilation, nd)
    if isinstance(padding, str):  # (PyTorch's argument parser: a TypeError)
        raise _ArgumentTypeError(
            f"{fn}: padding must be an int or a tuple of ints, got padding={padding!r}")
    p = ntuple(fn, "padding", padding, nd, low=0)
    op = ntuple(fn, "output_padding", output_padding, nd, low=0)
    n = x.shape[0]  # (PyTorch checks neither output_padding nor a zero output size for an empty batch)
    if n and any(o >= max(ss, dd) for o, ss, dd in zip(op, s, d)):
        raise InvalidParameterError(f"{fn}: output padding must be smaller than either stride or dilation, "
                                    f"got output_padding={op}, stride={s}, dilation={d}")
    if in_ch % g:
        raise ShapeError(_groups_words(fn, g, weight.shape))
    if x.shape[1] != in_ch:
        raise ShapeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                         f"{list(x.shape)} to have {in_ch} channels, but got {x.shape[1]} channels instead")
    out_ch = og * g
    _check_bias(fn, bias, weight, out_ch)
    size = x.shape[2:]
    # an empty output: allowed for an empty batch (PyTorch's oneDNN kernel also allows it for some float32
    # shapes, by batch, groups, kernel and thread count; its native kernel, as here, calls it too small)
    out_size = transposed_size(fn, size, kernel, s, p, d, op, least=1 if n else 0)
    length = math.prod(size)
    if g == 1:
        cols = matmul(weight.reshape(in_ch, -1).mT, x.reshape(n, in_ch, length))
    else:  # (G, O/G * K, C/G) @ (N, G, C/G, L)
        w = weight.reshape(g, in_ch // g, -1).mT
        cols = matmul(w, x.reshape(n, g, in_ch // g, length)).reshape(n, out_ch * math.prod(kernel), length)
    # the output padding is taken from the right padding (negative: zeros beyond every window)
    pads = tuple((pp, pp - o) for pp, o in zip(p, op))
    if n == 0:  # nothing to scatter; weight stays in the graph (zero gradient), as PyTorch's
        out = cols.sum(-1).reshape(n, out_ch, math.prod(kernel)).sum(-1).reshape(n, out_ch, *(1,) * nd)
        out = out.expand(n, out_ch, *out_size)
    else:
        out = ops.Fold.apply(cols, size=out_size, kernel=kernel, stride=s, dilation=d, padding=pads)
    if bias is not None:
        out = out + (bias if bias.dtype == out.dtype else bias.to(out.dtype)).reshape(out_ch, *(1,) * nd)
    if not batched:
        return out.squeeze(0)
    return named(keep_channels_last(out, x, weight), "ConvolutionBackward0")  # (PyTorch's one op)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                     stride: Size = 1, padding: Size = 0, output_padding: Size = 0, groups: int = 1,
                     dilation: Size = 1) -> Tensor:
    """1-D transposed convolution (conv1d's input gradient): (N, C, L) by weight (C, O / groups, k).

    Each input position scatters weight[c] * x[n, c, i] onto the output positions
    i * stride + j * dilation - padding. Output (N, O, L_out) with
    L_out = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1;
    ``output_padding`` (smaller than stride or dilation) picks among the sizes that
    a strided conv1d maps to L.

    Raises:
        InvalidParameterError: bad stride / padding / output_padding / dilation / groups.
        ShapeError: input rank, channel count (C != weight.shape[0]), bias shape.
        MinigradError: input, weight and bias dtypes differ.
    """
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding,
                           groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                     stride: Size = 1, padding: Size = 0, output_padding: Size = 0, groups: int = 1,
                     dilation: Size = 1) -> Tensor:
    """2-D transposed convolution: (N, C, H, W) by weight (C, O / groups, kH, kW); see conv_transpose1d."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding,
                           groups, dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                     stride: Size = 1, padding: Size = 0, output_padding: Size = 0, groups: int = 1,
                     dilation: Size = 1) -> Tensor:
    """3-D transposed conv: (N, C, D, H, W) by weight (C, O / groups, kD, kH, kW); as conv_transpose1d."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding,
                           groups, dilation)


def _pair(fn: str, name: str, value: Any, low: int = 1) -> Ints:
    """fold/unfold's two ints: unlike the conv and pooling sizes, a sequence must hold exactly 2."""
    if isinstance(value, (tuple, list)) and len(value) != 2:  # (PyTorch's im2col check, a RuntimeError)
        raise InvalidParameterError(f"It is expected {name} equals to 2, but got size {len(value)} ({fn}: "
                                    f"{name}={value!r})")
    return ntuple(fn, name, value, 2, low=low)


def unfold(input: Tensor, kernel_size: Size, dilation: Size = 1, padding: Size = 0,  # noqa: A002
           stride: Size = 1) -> Tensor:
    """Sliding local blocks (im2col) of a (N, C, H, W) or (C, H, W) input: (N, C * kH * kW, L).

    Column l holds the window at output position l (row-major), its rows ordered
    (channel, kernel row, kernel column), as PyTorch.

    Raises:
        InvalidParameterError: bad kernel_size / dilation / padding / stride.
        ShapeError: the input is not 3D or 4D (below 3D also PyTorch's IndexError), has an empty
            non-batch dim, or the kernel does not fit the padded input.
        UnsupportedError: an integer input (PyTorch's kernel takes floats and bool).
    """
    if isinstance(input, Tensor) and input.ndim not in (3, 4):  # (PyTorch's words first)
        ours = f"(unfold: expected 3D (unbatched) or 4D (batched) input, got input of shape {input.shape})"
        if input.ndim >= 3:
            raise ShapeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
                             f"non-zero dimensions for input, but got: {list(input.shape)} {ours}")
        # (PyTorch reads the input's dim 1 or 2 first, of a tensor that lacks it)
        raise _ShapeIndexError(
            f"Dimension specified as 1 but tensor has no dimensions {ours}" if input.ndim == 0 else
            f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], but got "
            f"{input.ndim}) {ours}")
    x, batched = spatial_input("unfold", input, 2)
    k = _pair("unfold", "kernel_size", kernel_size)
    d = _pair("unfold", "dilation", dilation)
    p = _pair("unfold", "padding", padding, low=0)
    s = _pair("unfold", "stride", stride)
    if 0 in input.shape[input.ndim - 3:]:  # (a batch of 4D input may be empty)
        raise ShapeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
                         f"non-zero dimensions for input, but got: {list(input.shape)} (unfold)")
    size = x.shape[2:]
    blocks = [(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, pp, dd, kk, ss in zip(size, p, d, k, s)]
    if min(blocks) < 1:  # (PyTorch's words)
        raise ShapeError(f"Given input with spatial size {tuple(size)}, kernel_size={tuple(k)}, "
                         f"dilation={tuple(d)}, padding={tuple(p)}, calculated shape of the array of sliding "
                         f"blocks as {tuple(blocks)}, but its components must be at least one.")
    if x.dtype.kind in "iu":  # (PyTorch's kernel takes floats and bool)
        raise kernel_error("im2col_out_cpu", x.dtype, "")
    cols = ops.Unfold.apply(x, kernel=k, stride=s, dilation=d, padding=tuple((v, v) for v in p))
    return named(cols if batched else cols.squeeze(0), "Im2ColBackward0")  # (PyTorch's one op)


def fold(input: Tensor, output_size: Size, kernel_size: Size, dilation: Size = 1,  # noqa: A002
         padding: Size = 0, stride: Size = 1) -> Tensor:
    """Sum sliding blocks back into an image (col2im): (N, C * kH * kW, L) or unbatched -> (N, C, H, W).

    The adjoint of :func:`unfold`: overlapping blocks add up, the padding is dropped.

    Raises:
        InvalidParameterError: bad sizes, dilation, padding or stride.
        ShapeError: the input is not 2D or 3D or has an empty non-batch dim, its second-to-last dim is
            not a multiple of kH * kW, or its last dim is not the number of blocks.
        UnsupportedError: an integer input (PyTorch's kernel takes floats and bool).
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fold(): argument 'input' must be a Tensor, not {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise ShapeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                         f"non-zero dimensions for input, but got: {list(input.shape)} (fold: expected a 2D "
                         f"(unbatched) or 3D (batched) input, got shape {input.shape})")
    x = input if input.ndim == 3 else input.unsqueeze(0)
    size = _pair("fold", "output_size", output_size)
    k = _pair("fold", "kernel_size", kernel_size)
    d = _pair("fold", "dilation", dilation)
    p = _pair("fold", "padding", padding, low=0)
    s = _pair("fold", "stride", stride)
    blocks = [(v + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for v, pp, dd, kk, ss in zip(size, p, d, k, s)]
    kk = math.prod(k)
    if 0 in input.shape[input.ndim - 2:]:  # (a batch of 3D input may be empty)
        raise ShapeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                         f"non-zero dimensions for input, but got: {list(input.shape)} (fold)")
    if x.shape[1] % kk:
        raise ShapeError("Expected size of input's dimension 1 to be divisible by the product of "
                         f"kernel_size, but got input.size(1)={x.shape[1]} and kernel_size={k}. (fold: input "
                         f"of shape {input.shape})")
    if min(blocks) >= 1 and x.shape[2] != math.prod(blocks):  # (PyTorch's words)
        raise ShapeError(f"Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, "
                         f"stride={s}, expected size of input's dimension 2 to match the calculated number "
                         f"of sliding blocks {' * '.join(map(str, blocks))} = {math.prod(blocks)}, but got "
                         f"input.size(2)={x.shape[2]}.")
    if min(blocks) < 1:
        raise ShapeError(f"fold: given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, "
                         f"stride={s}, expected the last dim of input of shape {input.shape} to be "
                         f"{math.prod(blocks)} blocks {dims_text(blocks)}, got {x.shape[2]}")
    if x.dtype.kind in "iu":  # (PyTorch's kernel takes floats and bool)
        raise kernel_error("col2im_out_cpu", x.dtype, "")
    out = ops.Fold.apply(x, size=size, kernel=k, stride=s, dilation=d, padding=tuple((v, v) for v in p))
    return named(out if input.ndim == 3 else out.squeeze(0), "Col2ImBackward0")
