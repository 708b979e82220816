"""Pooling: max, average, adaptive and unpooling, as reductions over sliding windows.

Max pooling pads with -inf (the :class:`~minigrad.ops.Pad` primitive), takes the window
view (:class:`~minigrad.ops.Unfold`) and the max over each window: the gradient goes to
the first maximum of each window, as in PyTorch, through ``max``'s own backward and
the window view's col2im. Average pooling sums the windows and divides by a constant
count per output position. Adaptive pooling gathers each output's bin (bins may
differ in size and overlap) with an index, then reduces it; unpooling scatter-adds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.dtypes import kernel_error
from minigrad.errors import (
    DimensionError,
    InvalidParameterError,
    ShapeError,
    UnsupportedError,
    _ArgumentTypeError,
    _ShapeIndexError,
    bool_args,
)
from minigrad.nn._checks import is_int
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional._windows import Ints, dims_text, first_max, ntuple, spatial_input
from minigrad.tensor import Array, Tensor, from_numpy, where

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "max_pool1d", "max_pool2d", "max_pool3d", "max_unpool1d", "max_unpool2d",
    "max_unpool3d", "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
]  # fmt: skip

Size = int | Sequence[int]
OutSize = int | Sequence[int | None] | None


def _window_sizes(fn: str, nd: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> tuple[
        Ints, Ints, Ints, Ints]:
    k = ntuple(fn, "kernel_size", kernel_size, nd)
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) else ntuple(
        fn, "stride", stride, nd)
    p = ntuple(fn, "padding", padding, nd, low=0)
    d = ntuple(fn, "dilation", dilation, nd)
    return k, s, p, d


def _pooled_size(fn: str, x: Tensor, k: Ints, s: Ints, p: Ints, d: Ints, ceil_mode: bool,
                 original: tuple[int, ...]) -> Ints:
    """Pooled size (PyTorch's); in ceil_mode a last window must start inside the input or left padding."""
    out = []
    for n, kk, ss, pp, dd in zip(x.shape[2:], k, s, p, d):
        span = n + 2 * pp - dd * (kk - 1) - 1 + (ss - 1 if ceil_mode else 0)
        o = span // ss + 1
        if ceil_mode and (o - 1) * ss >= n + pp:
            o -= 1
        out.append(o)
    if min(out) < 1:
        plane = [x.shape[1], *x.shape[2:]]
        torch_words = (f"max_pool1d() Invalid computed output size: {min(out)}" if fn == "max_pool1d" else
                       f"Given input size: ({'x'.join(map(str, plane))}). Calculated output size: "
                       f"({'x'.join(map(str, [x.shape[1], *out]))}). Output size is too small")
        raise ShapeError(f"{torch_words} ({fn}: given input of shape {original}, the calculated output size "
                         f"{dims_text(out)} is too small: kernel {k}, stride {s}, padding {p}, dilation {d})")
    return tuple(out)


def _windows(x: Tensor, k: Ints, s: Ints, p: Ints, d: Ints, out: Ints, fill: float) -> Tensor:
    """(N, C, prod(k), prod(out)): every window of x padded with ``fill`` (more on the right in ceil mode)."""
    right = [max((o - 1) * ss + dd * (kk - 1) + 1 - n - pp, 0)
             for o, ss, dd, kk, n, pp in zip(out, s, d, k, x.shape[2:], p)]
    pairs = tuple(zip(p, right))
    n, c = x.shape[:2]
    if fill == 0:
        cols = ops.Unfold.apply(x, kernel=k, stride=s, dilation=d, padding=pairs)
    else:
        padded = ops.Pad.apply(x, pads=((0, 0), (0, 0), *pairs), value=fill) if any(p) or any(right) else x
        cols = ops.Unfold.apply(padded, kernel=k, stride=s, dilation=d, padding=((0, 0),) * len(k))
    return cols.reshape(n, c, math.prod(k), math.prod(out))


def _tiles(x: Tensor, k: Ints, s: Ints, p: Ints, d: Ints, out: Ints) -> Tensor | None:
    """(N, C, *out, *k) view of x if the windows tile it (stride = kernel, no padding or dilation), else None.

    No copy and no col2im in backward: a reshape and a permute of x (after
    cropping the rows no window reaches).
    """
    if k != s or any(p) or any(dd != 1 for dd in d):
        return None
    nd = len(k)
    if any(o * kk > n for o, kk, n in zip(out, k, x.shape[2:])):  # ceil mode's partial window
        return None
    if any(o * kk != n for o, kk, n in zip(out, k, x.shape[2:])):
        x = x[tuple([slice(None), slice(None)] + [slice(0, o * kk) for o, kk in zip(out, k)])]
    split = x.reshape((*x.shape[:2], *(v for o, kk in zip(out, k) for v in (o, kk))))
    return split.permute(0, 1, *range(2, 2 + 2 * nd, 2), *range(3, 3 + 2 * nd, 2))


def _real(x: Tensor, k: Ints, s: Ints, p: Ints, d: Ints, out: Ints) -> Array | None:
    """(1, 1, prod(k), prod(out)) bool: which window elements are the input's, not padding (None: all)."""
    right = [(o - 1) * ss + dd * (kk - 1) + 1 - n - pp
             for o, ss, dd, kk, n, pp in zip(out, s, d, k, x.shape[2:], p)]
    if not any(p) and max(right) <= 0:
        return None
    ones = from_numpy(np.ones((1, 1, *x.shape[2:]), dtype=np.float32))
    real = _windows(ones, k, s, p, d, out, 0).numpy(force=True) > 0
    return real


def _lowest(fn: str, x: Tensor) -> float:
    if x.dtype == np.bool_:
        raise UnsupportedError(f"{fn}: max pooling of bool tensors is not supported (as in PyTorch); "
                               "convert with .float() or .long()")
    return -math.inf if x.dtype.kind == "f" else int(np.iinfo(x.dtype).min)


def _half_kernel(fn: str, k: Ints, p: Ints, d: Ints) -> None:
    """PyTorch's rule (whatever the dilation): no padding beyond half the kernel, in its words."""
    for kk, pp, dd in zip(k, p, d):
        if pp > kk // 2:
            words = (f"pad should be at most half of effective kernel size, but got pad={pp}, "
                     f"kernel_size={kk} and dilation={dd}")
            if fn == "max_pool1d":  # (its kernel without grad words it so first, with_indices as above)
                words = (f"max_pool1d() padding should be at most half of kernel size, but got padding={pp} "
                         f"and kernel_size={kk} ({words})")
            raise InvalidParameterError(f"{words} ({fn}: padding={p}, kernel_size={k})")


def _nonempty(fn: str, nd: int, x: Tensor, input: Tensor) -> None:  # noqa: A002
    """PyTorch's check of max and average pooling: only the batch may be empty."""
    if 0 in x.shape[1:]:
        raise ShapeError(f"{fn}: " + (
            f"Expected input's non-batch dimensions to have positive length, but input has a shape of "
            f"{list(input.shape)}" if nd == 3 else f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor "
            f"with optional 0 dim batch size for input, but got:{list(input.shape)}"))


def _max_pool(fn: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,  # noqa: A002
              dilation: Any, ceil_mode: bool, return_indices: bool) -> Any:
    x, batched = spatial_input(fn, input, nd)
    k, s, p, d = _window_sizes(fn, nd, kernel_size, stride, padding, dilation)
    _half_kernel(fn, k, p, d)
    _nonempty(fn, nd, x, input)
    out = _pooled_size(fn, x, k, s, p, d, ceil_mode, input.shape)
    n, c = x.shape[:2]
    windows = _windows(x, k, s, p, d, out, _lowest(fn, x))
    real = _real(x, k, s, p, d, out)
    values, mask = first_max(windows, 2, real)
    if real is not None and not real.any(axis=2).all():  # dilated windows wholly in the padding: -inf
        values = where(from_numpy(np.asarray(~real.any(axis=2))), _lowest(fn, x), values)
    y = values.reshape(n, c, *out)
    # PyTorch's grad_fn: its 2-D and 3-D pools are one op; the 1-D ones unsqueeze into them and squeeze
    name = f"MaxPool{nd}DWithIndicesBackward0" if nd > 1 else "SqueezeBackward1"
    y = named(y if batched else y.squeeze(0), name)
    if not return_indices:
        return y
    first = np.argmax(mask, axis=2)  # (N, C, L) kernel offset of each window's max
    offsets = np.unravel_index(first, k)
    starts = np.unravel_index(np.arange(math.prod(out)), out)
    # (a window wholly in the padding has PyTorch's index: its start moved past the left padding by dilations)
    coords = [st * ss - pp + off * dd for st, ss, pp, off, dd in zip(starts, s, p, offsets, d)]
    coords = [np.where(at < 0, at % dd, at) for at, dd in zip(coords, d)]
    flat = sum(at * math.prod(x.shape[3 + i:]) for i, at in enumerate(coords)).reshape(n, c, *out)
    return y, from_numpy(flat if batched else flat[0])


@bool_args("ceil_mode")
def max_pool1d(input: Tensor, kernel_size: Size, stride: Size | None = None, padding: Size = 0,  # noqa: A002
               dilation: Size = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, L) or (C, L): y[n, c, i] = max_j x_pad[n, c, i stride + j dilation].

    ``stride`` defaults to ``kernel_size``; the padding (at most half the dilated
    kernel) never wins; ``ceil_mode`` keeps a last partial window. With
    ``return_indices`` also returns, per output, the index of the max within its
    (N, C) plane of the input (for :func:`max_unpool1d`). The gradient goes to each
    window's first maximum.

    Raises:
        InvalidParameterError: bad kernel_size / stride / padding / dilation.
        ShapeError: wrong input rank, or no window fits.
    """
    if not return_indices and isinstance(input, Tensor) and input.dtype.kind in "iu":
        raise kernel_error("max_pool1d_impl", input.dtype, "")  # (PyTorch's 1-D kernel is float only)
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


@bool_args("ceil_mode")
def max_pool2d(input: Tensor, kernel_size: Size, stride: Size | None = None, padding: Size = 0,  # noqa: A002
               dilation: Size = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """2-D max pooling of (N, C, H, W) or (C, H, W); per dim as :func:`max_pool1d` (indices are h * W + w)."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


@bool_args("ceil_mode")
def max_pool3d(input: Tensor, kernel_size: Size, stride: Size | None = None, padding: Size = 0,  # noqa: A002
               dilation: Size = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W); per dim as :func:`max_pool1d`."""
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def _avg_divisor(x: Tensor, k: Ints, s: Ints, p: Ints, out: Ints, count_include_pad: bool) -> Array:
    """Per output position: the window's size clipped to the padded input, or its real elements only."""
    counts = []
    for o, kk, ss, pp, n in zip(out, k, s, p, x.shape[2:]):
        start = np.arange(o) * ss - pp
        end = np.minimum(start + kk, n + pp)
        counts.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    grid = np.ones(out)
    for i, cnt in enumerate(counts):
        grid = grid * cnt.reshape((1,) * i + (-1,) + (1,) * (len(out) - i - 1))
    return grid


def _avg_pool(fn: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,  # noqa: A002
              ceil_mode: bool, count_include_pad: bool, divisor_override: Any) -> Tensor:
    x, batched = spatial_input(fn, input, nd)
    k, s, p, d = _window_sizes(fn, nd, kernel_size, stride, padding, 1)
    _half_kernel(fn, k, p, d)
    if divisor_override is not None and (not is_int(divisor_override) or divisor_override == 0):
        raise InvalidParameterError(f"{fn}: divisor must be not zero: divisor_override must be a non-zero "
                                    f"int, got divisor_override={divisor_override!r}")
    if x.dtype == np.bool_:
        raise UnsupportedError(f"{fn}: average pooling of bool tensors is not supported (as in PyTorch); "
                               "convert with .float()")
    if x.dtype.kind != "f" and x.dtype != np.int64:  # (PyTorch's kernels: floats and int64 only)
        raise kernel_error("avg_pool3d_out_frame" if nd == 3 else "avg_pool2d", x.dtype, "")
    _nonempty(fn, nd, x, input)
    if nd == 3 and any(size < kk for size, kk in zip(x.shape[2:], k)):  # (PyTorch's 3-D kernel alone)
        (t, h, w), (kt, kh, kw) = x.shape[2:], k
        raise ShapeError(f"input image (T: {t} H: {h} W: {w}) smaller than kernel size (kT: {kt} kH: {kh} "
                         f"kW: {kw})")
    out = _pooled_size(fn, x, k, s, p, d, ceil_mode, input.shape)
    n, c = x.shape[:2]
    tiles = _tiles(x, k, s, p, d, out)
    if tiles is not None:
        sums = tiles.sum(tuple(range(2 + len(k), 2 + 2 * len(k))))
    else:
        sums = _windows(x, k, s, p, d, out, 0).sum(2).reshape(n, c, *out)
    divisor: Array | int = (divisor_override if divisor_override is not None
                            else _avg_divisor(x, k, s, p, out, count_include_pad))
    if x.dtype.kind != "f":  # integers: the mean rounded toward zero, in the input's dtype (PyTorch)
        num, den = sums.numpy(force=True), np.asarray(divisor).astype(np.int64)
        y = from_numpy((np.abs(num) // np.abs(den) * (np.sign(num) * np.sign(den))).astype(x.dtype))
    else:
        same = isinstance(divisor, int) or bool((divisor == divisor.flat[0]).all())
        y = sums / (float(np.asarray(divisor).flat[0]) if same else from_numpy(np.asarray(divisor, x.dtype)))
    return named(y if batched else y.squeeze(0), f"AvgPool{nd}DBackward0" if nd > 1 else "SqueezeBackward1")


@bool_args("ceil_mode", "count_include_pad")
def avg_pool1d(input: Tensor, kernel_size: Size, stride: Size | None = None, padding: Size = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over sliding windows of (N, C, L) or (C, L).

    ``stride`` defaults to ``kernel_size``; zero padding (at most half the kernel) is
    counted in the mean when ``count_include_pad``; ``ceil_mode`` keeps a last partial
    window, whose part beyond the padded input never counts.

    Raises:
        InvalidParameterError: bad kernel_size / stride / padding.
        ShapeError: wrong input rank, or no window fits.
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


@bool_args("ceil_mode", "count_include_pad")
def avg_pool2d(input: Tensor, kernel_size: Size, stride: Size | None = None, padding: Size = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """2-D average pooling of (N, C, H, W) or (C, H, W), as :func:`avg_pool1d`.

    ``divisor_override`` replaces the count of each window.
    """
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


@bool_args("ceil_mode", "count_include_pad")
def avg_pool3d(input: Tensor, kernel_size: Size, stride: Size | None = None, padding: Size = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W), as :func:`avg_pool2d`."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def _lp_pool(fn: str, nd: int, input: Tensor, norm_type: float, kernel_size: Size,  # noqa: A002
             stride: Size | None, ceil_mode: bool) -> Tensor:
    """PyTorch's power-average pooling: (sum over each window of x^p)^(1/p), as the window's mean of x^p
    times its size; p = +-inf is the max (min) of |x|."""
    p = norm_type
    if isinstance(p, (int, float)) and math.isinf(p):
        pool_max = (max_pool1d, max_pool2d, max_pool3d)[nd - 1]
        magnitude = input.abs() if p > 0 else -input.abs()
        largest: Tensor = pool_max(magnitude, kernel_size, stride, 0, 1, ceil_mode)
        return largest if p > 0 else -largest
    pool_avg = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    out = pool_avg(input.pow(p), kernel_size, stride, 0, ceil_mode)
    if nd == 1 and isinstance(kernel_size, (tuple, list)):  # (PyTorch's lp_pool1d multiplies by it as is)
        raise _ArgumentTypeError(f"mul(): argument 'other' (position 1) must be Tensor, not "
                                 f"{type(kernel_size).__name__} (lp_pool1d: kernel_size must be an int)")
    size = math.prod(ntuple(fn, "kernel_size", kernel_size, nd))
    # sign * relu(|.|) as PyTorch: a window whose sum of x^p is 0 gets a zero gradient
    return (out.sign() * out.abs().relu()).mul(size).pow(1.0 / p)


@bool_args("ceil_mode")
def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int,  # noqa: A002
              stride: Size | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling of (N, C, L) or (C, L): (sum of x^p over each window)^(1/p).

    ``stride`` defaults to ``kernel_size``; no padding; ``ceil_mode`` keeps a last partial
    window. p = inf is max pooling of |x|. p = 1 is sum pooling; p = 2 the windows' L2 norms
    (for negative inputs and odd p, PyTorch's sign rule: the sum's sign, its magnitude's root).

    Raises:
        InvalidParameterError: bad kernel_size / stride.
        ShapeError: wrong input rank, or no window fits.
    """
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Size,  # noqa: A002
              stride: Size | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling of (N, C, H, W) or (C, H, W), as :func:`lp_pool1d`."""
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Size,  # noqa: A002
              stride: Size | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling of (N, C, D, H, W) or (C, D, H, W), as :func:`lp_pool1d`."""
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)


# ------------------------------------------------------------------ adaptive pooling


def _adaptive_words(fn: str, items: Any, x: Tensor, nd: int) -> str:
    """PyTorch's words for a bad output_size (a sequence of the wrong length, or a negative size) and '; '."""
    if not isinstance(items, (tuple, list)):
        return ""
    if len(items) != nd:
        if nd == 1:
            return f"{fn}() argument 'output_size' should contain one int (got {len(items)}); "
        return (f"{fn}(): internal error: output_size.size() must be {nd}; " if "max" in fn else
                f"{fn}: output_size must be {nd}; ")
    sizes = [n if v is None else v for v, n in zip(items, x.shape[2:])]
    if "max" in fn:
        bad = [v for v in sizes if is_int(v) and v < 0]
        shape = [*x.shape[:2], *sizes]
        return f"Trying to create tensor with negative dimension {bad[0]}: {shape}; " if bad else ""
    return f"elements of output_size must be greater than or equal to 0 but received {sizes}; "


def _adaptive_size(fn: str, output_size: Any, x: Tensor, nd: int) -> Ints:
    if output_size is None or (nd == 1 and isinstance(output_size, (tuple, list)) and None in output_size):
        # (PyTorch: None keeps a size only inside a tuple of 2d and 3d pools; else its argument's TypeError)
        what = "not NoneType" if output_size is None else \
            f"but found element of type NoneType at pos {list(output_size).index(None)}"
        raise _ArgumentTypeError(f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, {what}")
    items = [output_size] * nd if is_int(output_size) else output_size
    if not isinstance(items, (tuple, list)) or len(items) != nd or not all(
            v is None or (is_int(v) and v >= 0) for v in items):
        raise InvalidParameterError(f"{fn}: {_adaptive_words(fn, items, x, nd)}output_size must be a "
                                    f"non-negative int (or None) or a tuple of {nd} of them, got "
                                    f"output_size={output_size!r}")
    return tuple(n if v is None else int(v) for v, n in zip(items, x.shape[2:]))


def _bins(n: int, o: int) -> tuple[Array, Array]:
    """Bin i of an adaptive pool covers [floor(i n / o), ceil((i + 1) n / o))."""
    i = np.arange(o)
    return (i * n) // o, -((-(i + 1) * n) // o)


def _bin_positions(n: int, o: int) -> tuple[Array, Array]:
    """(o, longest bin) input positions of each bin (short bins repeat their last) and which are real."""
    start, end = _bins(n, o)
    longest = int((end - start).max()) if o else 0
    raw = start[:, None] + np.arange(longest)
    return np.minimum(raw, end[:, None] - 1), raw < end[:, None]


def _no_bins(x: Tensor, out: Ints, batched: bool) -> Tensor:
    """The empty (N, C, *out) result of an adaptive pool with an output size 0, still in x's graph (x's
    gradient is then zeros, as PyTorch's)."""
    zero = x.reshape(-1)[:0].sum()  # (the empty sum: a 0 in x's graph)
    y = (zero if zero.dtype == x.dtype else zero.astype(x.dtype)).expand((*x.shape[:2], *out))
    return y if batched else y.squeeze(0)


def _global_avg(input: Tensor, output_size: Any, nd: int) -> bool:  # noqa: A002
    """Whether output_size asks for one bin per dim (None keeps a size: one if that dim is 1)."""
    items = [output_size] * nd if is_int(output_size) else output_size
    if not isinstance(items, (tuple, list)) or len(items) != nd:
        return False
    if any(v is None for v in items) and input.ndim <= nd:
        return False  # (PyTorch reads None's size from the input: its ValueError for too few dims)
    return all(v == 1 if is_int(v) else v is None and input.shape[i - nd] == 1 for i, v in enumerate(items))


def _adaptive_avg(fn: str, nd: int, input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    floating = isinstance(input, Tensor) and input.dtype.kind == "f"
    if nd > 1 and floating and _global_avg(input, output_size, nd):
        # PyTorch's 2d/3d kernels take the mean of the last nd dims for a single bin before any check of
        # rank or emptiness: any rank of at least nd works (fewer: its mean's IndexError), empty means are nan
        if input.ndim < nd:
            low = max(input.ndim, 1)
            raise _ShapeIndexError(f"Dimension out of range (expected to be in range of [{-low}, {low - 1}], "
                                   f"but got {-nd}) ({fn}: input of shape {input.shape} for a single bin)")
        return input.mean(tuple(range(-nd, 0)), keepdim=True)
    x, batched = spatial_input(fn, input, nd)
    if x.dtype.kind != "f":
        raise UnsupportedError(f"{fn}: adaptive average pooling needs a floating-point input (as in "
                               f"PyTorch), got {x.dtype}; convert with .float()")
    items = output_size if isinstance(output_size, (tuple, list)) else (output_size,)
    if nd == 1 and None not in items and _global_avg(input, output_size, nd):
        # (1d pools as 2d and squeezes: an empty mean is nan; a None is its TypeError even for one bin)
        return named(input.mean(-1, keepdim=True), "SqueezeBackward1")
    empty = [d for d in range(input.ndim - nd, input.ndim) if input.shape[d] == 0]
    if empty:  # (no bins to average: PyTorch refuses rather than return nan means)
        raise ShapeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input "
                         f"has sizes {list(input.shape)} with dimension {empty[0]} being empty")
    out = _adaptive_size(fn, output_size, x, nd)
    if 0 in out:  # no bins: PyTorch's empty result (numpy's reshapes of empty bins raised)
        return _no_bins(x, out, batched)
    sizes = x.shape[2:]
    if x.dtype == np.float16 and nd < 3:  # PyTorch's half 1d/2d kernels sum and divide in float32, round once
        wide = _adaptive_avg(fn, nd, input.float(), output_size).half()
        return named(wide, f"AdaptiveAvgPool{nd}DBackward0" if nd > 1 else "SqueezeBackward1")
    if x.numel() and all(o and n % o == 0 for n, o in zip(sizes, out)):
        # equal bins side by side: blocks of the reshaped input, summed and divided by each side in turn
        # as PyTorch's kernel (sum / kh / kw), one sum for all dims instead of a gather per dim
        blocks = [d for n, o in zip(sizes, out) for d in (o, n // o)]
        y = x.reshape((*x.shape[:2], *blocks)).sum(tuple(range(3, 3 + 2 * nd, 2)))
        for n, o in zip(sizes, out):
            y = y / (n // o)
        return named(y if batched else y.squeeze(0),
                     f"AdaptiveAvgPool{nd}DBackward0" if nd > 1 else "SqueezeBackward1")
    y = x
    for i, (n, o) in enumerate(zip(sizes, out)):  # a box's mean is a mean of means, dim by dim
        dim = 2 + i
        if n == o:
            continue
        positions, real = _bin_positions(n, o)
        index: list[Any] = [slice(None)] * (dim + 1)
        index[dim] = positions  # (..., o, longest, ...): each bin's elements along a new dim
        trail = (1,) * (y.ndim - dim - 1)
        # where, not 0/1 weights: a nan or inf outside a bin must not reach it (0 * inf is nan)
        inside = from_numpy(real.reshape(o, -1, *trail))
        counts = from_numpy(real.sum(axis=1).astype(x.dtype).reshape(o, *trail))
        y = where(inside, y[tuple(index)], 0).sum(dim + 1) / counts
    y = y if y is not x else x.clone()  # (a new tensor when every size is kept, as PyTorch's)
    # PyTorch's grad_fn: a mean for one bin, its 2-d / 3-d op else, the 1-d form a squeezed 2-d one
    one = all(o == 1 for o in out) and nd > 1
    name = "SqueezeBackward1" if nd == 1 else "MeanBackward1" if one else f"AdaptiveAvgPool{nd}DBackward0"
    return named(y if batched else y.squeeze(0), name)


def adaptive_avg_pool1d(input: Tensor, output_size: int | None) -> Tensor:  # noqa: A002
    """Mean over ``output_size`` bins of (N, C, L) or (C, L); bin i is [floor(i L / o), ceil((i + 1) L / o)).

    Raises:
        InvalidParameterError: output_size is not a non-negative int.
        ShapeError: wrong input rank, or an empty length.
    """
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size: OutSize) -> Tensor:  # noqa: A002
    """Mean over bins of (N, C, H, W) or (C, H, W), as :func:`adaptive_avg_pool1d` per dim (None: keep)."""
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size: OutSize) -> Tensor:  # noqa: A002
    """Mean over bins of (N, C, D, H, W) or (C, D, H, W), as :func:`adaptive_avg_pool2d`."""
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def _adaptive_max(fn: str, nd: int, input: Tensor, output_size: Any,  # noqa: A002
                  return_indices: bool) -> Any:
    x, batched = spatial_input(fn, input, nd)
    hollow = [i for i, v in enumerate(input.shape) if i and v == 0]
    if hollow:  # (the first dim, a batch or the channels of one sample, may be empty: PyTorch's check)
        raise ShapeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input "
                         f"has sizes {list(input.shape)} with dimension {hollow[0]} being empty")
    if x.dtype.kind != "f":  # (PyTorch's kernels are float only)
        raise kernel_error("adaptive_max_pool3d_cpu" if nd == 3 else "adaptive_max_pool2d", x.dtype, "")
    out = _adaptive_size(fn, output_size, x, nd)
    if 0 in out or x.numel() == 0:  # no bins or no planes: PyTorch's empty result (numpy's max raised)
        y = _no_bins(x, out, batched)
        empty = np.zeros(y.shape, dtype=np.int64)
        return (y, from_numpy(empty)) if return_indices else y
    if all(size % o == 0 for size, o in zip(x.shape[2:], out)):  # equal bins: max_pool's windows, faster
        k = tuple(size // o for size, o in zip(x.shape[2:], out))  # (the same maxima, first maxima, indices)
        res = _max_pool(fn, nd, input, k, k, 0, 1, False, return_indices)
        y = res[0] if return_indices else res
        named(y, "SqueezeBackward1" if nd == 1 else f"AdaptiveMaxPool{nd}DBackward0")
        return res
    n, c = x.shape[:2]
    # each bin's input positions, the shorter bins padded by repeating their last position
    # (a repeat never changes a max, and the first occurrence takes the gradient)
    positions = [_bin_positions(size, o)[0] for size, o in zip(x.shape[2:], out)]
    index: list[Any] = [slice(None), slice(None)]
    for i, pos in enumerate(positions):  # broadcast to (o_1, ..., o_nd, len_1, ..., len_nd)
        shape = [1] * (2 * nd)
        shape[i], shape[nd + i] = pos.shape
        index.append(pos.reshape(shape))
    lengths = [pos.shape[1] for pos in positions]
    gathered = x[tuple(index)].reshape(n, c, *out, math.prod(lengths))
    y, mask = first_max(gathered, -1)
    if not batched:
        y = y.squeeze(0)
    y = named(y, "SqueezeBackward1" if nd == 1 else f"AdaptiveMaxPool{nd}DBackward0")  # (PyTorch's node)
    if not return_indices:
        return y
    first = np.unravel_index(np.argmax(mask, axis=-1), lengths)
    grids = np.ogrid[tuple(slice(0, o) for o in out)]
    coords = tuple(pos[grid, off] for pos, grid, off in zip(positions, grids, first))
    flat = np.ravel_multi_index(coords, x.shape[2:])
    return y, from_numpy(flat if batched else flat[0])


def adaptive_max_pool1d(input: Tensor, output_size: int | None,  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max over ``output_size`` bins of (N, C, L) or (C, L) (bins as :func:`adaptive_avg_pool1d`).

    The gradient goes to each bin's first maximum. With ``return_indices`` also
    returns each maximum's index within its (N, C) plane.

    Raises:
        InvalidParameterError: output_size is not a non-negative int.
        ShapeError: wrong input rank or an empty input.
    """
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input: Tensor, output_size: OutSize,  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max over bins of (N, C, H, W) or (C, H, W), as :func:`adaptive_max_pool1d` per dim."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size: OutSize,  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max over bins of (N, C, D, H, W) or (C, D, H, W), as :func:`adaptive_max_pool1d` per dim."""
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


@bool_args("ceil_mode")
def max_pool1d_with_indices(input: Tensor, kernel_size: Size, stride: Size | None = None,  # noqa: A002
                            padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`max_pool1d` returning (values, indices) whatever ``return_indices`` says, as PyTorch's."""
    values, indices = _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                                True)
    return values, indices


@bool_args("ceil_mode")
def max_pool2d_with_indices(input: Tensor, kernel_size: Size, stride: Size | None = None,  # noqa: A002
                            padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`max_pool2d` returning (values, indices) whatever ``return_indices`` says, as PyTorch's."""
    values, indices = _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                                True)
    return values, indices


@bool_args("ceil_mode")
def max_pool3d_with_indices(input: Tensor, kernel_size: Size, stride: Size | None = None,  # noqa: A002
                            padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`max_pool3d` returning (values, indices) whatever ``return_indices`` says, as PyTorch's."""
    values, indices = _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                                True)
    return values, indices


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: OutSize,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool1d` returning (values, indices), as PyTorch's."""
    values, indices = _adaptive_max("adaptive_max_pool1d", 1, input, output_size, True)
    return values, indices


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: OutSize,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool2d` returning (values, indices), as PyTorch's."""
    values, indices = _adaptive_max("adaptive_max_pool2d", 2, input, output_size, True)
    return values, indices


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: OutSize,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool3d` returning (values, indices), as PyTorch's."""
    values, indices = _adaptive_max("adaptive_max_pool3d", 3, input, output_size, True)
    return values, indices


# ------------------------------------------------------------------ unpooling


def _max_unpool(fn: str, nd: int, input: Tensor, indices: Tensor, kernel_size: Any, stride: Any,  # noqa: A002
                padding: Any, output_size: Any) -> Tensor:
    x, batched = spatial_input(fn, input, nd)
    k, s, p, _ = _window_sizes(fn, nd, kernel_size, stride, padding, 1)
    # (PyTorch's Python works out the output size, with its ValueErrors, before its kernel checks anything)
    default = [(n - 1) * ss + kk - 2 * pp for n, ss, kk, pp in zip(x.shape[2:], s, k, p)]
    if output_size is None and any(v < 0 for v in default):  # (PyTorch's ValueError, its words)
        i = next(i for i, v in enumerate(default) if v < 0)
        raise InvalidParameterError(f"max_unpooling: output_size must contain non-negative spatial "
                                    f"dimensions, but got output_size[{i}]={default[i]} ({fn}: input of "
                                    f"shape {input.shape})")
    if output_size is None:
        size = tuple(default)
    else:
        wanted = list(output_size)[-nd:] if isinstance(output_size, (tuple, list)) else None
        if wanted is None or len(output_size) not in (nd, nd + 2) or not all(is_int(v) for v in wanted):
            raise InvalidParameterError(f"{fn}: output_size must be {nd} ints (or {nd + 2} with batch and "
                                        f"channels), got output_size={output_size!r}")
        for v, dflt, ss in zip(wanted, default, s):
            if not dflt - ss < v < dflt + ss:
                raise InvalidParameterError(f"{fn}: invalid output_size {tuple(wanted)}: each size must lie "
                                            "strictly between default size - stride and default size + "
                                            f"stride, default {tuple(default)}, stride {s}")
        size = tuple(int(v) for v in wanted)
    idx = indices.numpy(force=True) if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype != np.int64:
        raise InvalidParameterError(f"{fn}: expected indices of dtype int64, got {idx.dtype}")
    if idx.shape != input.shape:
        raise ShapeError(f"{fn}: Expected shape of indices to be same as that of the input tensor "
                         f"({list(input.shape)}) but got indices tensor with shape: {list(idx.shape)}")
    if x.dtype.kind != "f":  # (PyTorch's kernels are float only)
        raise kernel_error("max_unpool3d" if nd == 3 else "max_unpool2d", x.dtype, "")
    empty = [i for i, v in enumerate(input.shape) if i and v == 0]
    if empty:  # (the dims after the first: PyTorch's kernel's check)
        shown = list(input.shape) + [1] * (nd == 1)
        raise ShapeError(f"max_unpooling{max(nd, 2)}d_forward_out_cpu(): Expected input to have non-zero "
                         f"size for non-batch dimensions, but got {shown} with dimension {empty[0]} being "
                         "empty.")
    n, c = x.shape[:2]
    plane = math.prod(size)
    if x.numel() == 0:  # an empty batch (or no channels unbatched): nothing to place
        return _no_bins(x, size, batched)
    flat_idx = (idx if batched else idx[None]).reshape(n, c, -1)
    if plane == 0:  # an empty output: PyTorch checks no index (nothing is written)
        y = x.reshape(n, c, -1)[:, :, :0].reshape(n, c, *size)
        return y if batched else y.squeeze(0)
    if flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= plane):
        bad = int(flat_idx[(flat_idx < 0) | (flat_idx >= plane)].flat[0])
        raise DimensionError(f"{fn}: found an invalid max index {bad} (output planes are of size "
                             f"{dims_text(size)})")
    y = ops.ScatterAdd.apply(x.reshape(n, c, -1), dim=2, index=flat_idx, shape=(n, c, plane), assign=True)
    y = y.reshape(n, c, *size)
    return y if batched else y.squeeze(0)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Size, stride: Size | None = None,  # noqa: A002
                 padding: Size = 0, output_size: Sequence[int] | None = None) -> Tensor:
    """The partial inverse of :func:`max_pool1d`: each value goes to its index, everything else is 0.

    Output length (L - 1) stride - 2 padding + kernel_size unless ``output_size``
    says otherwise (within a stride of it). Where indices repeat (overlapping windows
    that chose the same element) the last value is placed, and each repeat gets the
    gradient of its position, as PyTorch.

    Raises:
        InvalidParameterError: bad sizes, non-int64 indices.
        ShapeError: indices' shape differs from the input's.
        DimensionError: an index outside the output plane.
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Size, stride: Size | None = None,  # noqa: A002
                 padding: Size = 0, output_size: Sequence[int] | None = None) -> Tensor:
    """The partial inverse of :func:`max_pool2d`, as :func:`max_unpool1d` per dim."""
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Size, stride: Size | None = None,  # noqa: A002
                 padding: Size = 0, output_size: Sequence[int] | None = None) -> Tensor:
    """The partial inverse of :func:`max_pool3d`, as :func:`max_unpool1d` per dim."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
