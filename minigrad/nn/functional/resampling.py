"""Resampling: F.interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area,
antialiased bilinear / bicubic / lanczos), pixel_shuffle and pixel_unshuffle.

A uint8 image resizes (bilinear, bicubic) in fixed-point integer arithmetic, as PyTorch does.
Interpolation is separable: one spatial dim at a time (the last first, as PyTorch's
kernels nest them), each output position is a weighted sum of a few input positions
picked with an integer index, so the gradient scatter-adds back through the index.
The source positions and weights follow PyTorch's formulas, in the same precision
(nearest's scale in float32, the linear and cubic ones in the input's dtype).
Antialiasing (PIL's resampling, as PyTorch's) widens the filter by the downscale
factor, so each output reads a variable window of inputs: the taps are padded to the
widest window with zero weights.
PixelShuffle and its inverse are a reshape, a permute and a reshape.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad._resize_kernels import resize_uint8
from minigrad.dtypes import kernel_error, scalar_type_name
from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    UnsupportedError,
    _ArgumentTypeError,
    _KernelParameterError,
    _NotTensorAttributeError,
    bool_error,
    public_stacklevel,
)
from minigrad.nn._checks import int_argument, is_int
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional._windows import Ints
from minigrad.nn.functional.pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d
from minigrad.tensor import Array, Tensor, from_numpy, where

__all__ = ["channel_shuffle", "interpolate", "pixel_shuffle", "pixel_unshuffle", "upsample",
           "upsample_bilinear", "upsample_nearest"]

_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area", "lanczos")
_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5, "lanczos": 4}
_AA_TAPS = {"bilinear": 2, "bicubic": 4, "lanczos": 6}  # the filter's width at scale 1


def _kernel(input: Tensor, mode: str, antialias: bool) -> str:  # noqa: A002
    """The name of PyTorch's kernel for ``mode`` (its argument errors name it)."""
    k = input.ndim - 2
    if mode == "area":
        return f"adaptive_avg_pool{k}d"
    if mode == "nearest-exact":
        return f"_upsample_nearest_exact{k}d"
    return f"_upsample_{mode}{k}d_aa" if antialias else f"upsample_{mode}{k}d"


def _spatial_error(input: Tensor, what: str, value: Any, form: str) -> ShapeError:  # noqa: A002
    return ShapeError(f"Input and {what} must have the same number of spatial dimensions, but got input "
                      f"with spatial dimensions of {list(input.shape[2:])} and {value}. Please provide input "
                      f"tensor in (N, C, d1, d2, ...,dK) format and {form} format.")


def _output_size(input: Tensor, size: Any, scale_factor: Any,  # noqa: A002
                 recompute_scale_factor: bool | None, mode: str,
                 antialias: bool = False) -> tuple[Ints, list[float | None]]:
    """The output size and the per-dim scale the kernels use (None: in / out), as PyTorch decides them
    (its checks in its order, its words: a value of a wrong type is the kernel's TypeError)."""
    nd = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise InvalidParameterError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, Tensor) and size.ndim == 0 and size.dtype.kind in "iu":
            size = int(size.item())  # (PyTorch's Python reads a 0-d integer tensor as the int)
        if isinstance(size, (tuple, list)):
            if len(size) != nd:
                raise _spatial_error(input, "output", f"output size of {size}",
                                     "output size in (o1, o2, ...,oK)")
            if not all(is_int(v) for v in size):
                raise _ArgumentTypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] "
                                         f"or Tuple[int, int, int], but got size with types "
                                         f"{[type(v) for v in size]}")
        elif not is_int(size):
            kernel = _kernel(input, mode, antialias)
            if mode == "area":
                raise _ArgumentTypeError(f"{kernel}(): argument 'output_size' (position 2) must be tuple of "
                                         f"ints, but found element of type {type(size).__name__} at pos 0")
            raise _ArgumentTypeError(f"{kernel}() received an invalid combination of arguments - got "
                                     f"(Tensor, list, ...), but expected one of: (Tensor input, SymInt[{nd}] "
                                     "output_size, ...)")
        if recompute_scale_factor:
            raise InvalidParameterError("recompute_scale_factor is not meaningful with an explicit size.")
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * nd
        return tuple(int(v) for v in sizes), [None] * nd
    if scale_factor is None:
        raise InvalidParameterError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (tuple, list)):
        if len(scale_factor) != nd:
            raise _spatial_error(input, "scale_factor", f"scale_factor of shape {scale_factor}",
                                 "scale_factor in (s1, s2, ...,sK)")
        scales = list(scale_factor)
        bad = [i for i, v in enumerate(scales) if not isinstance(v, (int, float)) or isinstance(v, bool)]
        if bad:
            raise _ArgumentTypeError(f"{_kernel(input, mode, antialias)}(): argument 'scale_factors' must be "
                                     f"tuple of floats, but found element of type "
                                     f"{type(scales[bad[0]]).__name__} at pos {bad[0] + 1}")
    elif not isinstance(scale_factor, (int, float)) or isinstance(scale_factor, bool):
        raise _ArgumentTypeError(f"{_kernel(input, mode, antialias)}() received an invalid combination of "
                                 f"arguments - got (Tensor, NoneType, list), but expected one of: (Tensor "
                                 f"input, SymInt[{nd}] output_size, ..., float[{nd}] scale_factors)")
    else:
        scales = [scale_factor] * nd
    out = tuple(math.floor(n * float(s)) for n, s in zip(input.shape[2:], scales))
    recompute = recompute_scale_factor or mode == "area"
    return out, [None if recompute else float(s) for s in scales]


def _nearest_index(n: int, o: int, scale: float | None, exact: bool, planar: bool, ft: Any) -> Array:
    """Source index of each output of 'nearest' / 'nearest-exact' along one dim.

    PyTorch's 2-d 'nearest' kernel copies a dim that keeps its size (or doubles it) and floors
    dst * ratio in float; its 1-d and 3-d kernels take no such shortcut (a scale of 1.3 on 3 elements
    gives [0, 0, 1], not a copy) and form the product in the input's precision, floored as a float.
    """
    if not exact and planar and o == n:
        return np.arange(o)
    if not exact and planar and o == 2 * n:
        return np.arange(o) >> 1
    ratio = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n) / np.float32(o)
    dst = np.arange(o)
    if exact:  # (dst + 0.5) is a double in PyTorch's kernel; floorf rounds the product to float first
        src = np.floor(((dst + 0.5) * np.float64(ratio)).astype(np.float32))
    elif planar or ft != np.float64:
        src = np.floor(dst.astype(np.float32) * ratio)
    else:  # (a double ratio and product, then floorf)
        wide = 1.0 / scale if scale is not None and scale > 0 else n / o
        src = np.floor((dst * wide).astype(np.float32))
    index: Array = np.minimum(src.astype(np.int64), n - 1)
    return index


def _ratio(n: int, o: int, align_corners: bool, scale: float | None, ft: Any) -> Any:
    if align_corners:
        return ft(n - 1) / ft(o - 1) if o > 1 else ft(0)
    return ft(1.0 / scale) if scale is not None and scale > 0 else ft(n) / ft(o)


def _source(n: int, o: int, align_corners: bool, scale: float | None, ft: Any, cubic: bool) -> Array:
    """The real-valued source position of each output position."""
    ratio = _ratio(n, o, align_corners, scale, ft)
    dst = np.arange(o).astype(ft)
    if align_corners:
        return np.asarray(ratio * dst)
    # one rounding of ratio * (dst + 0.5) - 0.5, as the fused multiply-add PyTorch's kernel compiles to
    # (it decides whether a source position is exactly on a pixel, so whether its zero weight meets an inf)
    wide = np.float64 if ft == np.float32 else np.longdouble
    src: Array = (wide(ratio) * (dst + ft(0.5)).astype(wide) - wide(0.5)).astype(ft)
    return src if cubic else np.maximum(src, ft(0))


def _linear_taps(n: int, o: int, align_corners: bool, scale: float | None,
                 ft: Any) -> list[tuple[Array, ...]]:
    if o == n:  # PyTorch still weighs the copy by (1, 0): inf there becomes nan, as here
        return [(np.arange(o), np.ones(o, ft)), (np.arange(o), np.zeros(o, ft))]
    src = _source(n, o, align_corners, scale, ft, cubic=False)
    # PyTorch floors with floorf: a double position is rounded to float first (1 - 2e-16 floors to 1)
    i0 = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n - 1)
    lam1 = np.clip(src - i0.astype(ft), ft(0), ft(1)).astype(ft)
    i1 = i0 + (i0 < n - 1)
    return [(i0, (ft(1) - lam1).astype(ft)), (i1, lam1)]


def _cubic_taps(n: int, o: int, align_corners: bool, scale: float | None,
                ft: Any) -> list[tuple[Array, ...]]:
    src = _source(n, o, align_corners, scale, ft, cubic=True)
    i = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n - 1)  # (floorf, as linear)
    t = np.clip(src - i.astype(ft), ft(0), ft(1)).astype(ft)
    a = ft(-0.75)

    def near(x: Array) -> Array:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1  # type: ignore[no-any-return]

    def far(x: Array) -> Array:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # type: ignore[no-any-return]

    weights = [far(t + ft(1)), near(t), near(ft(1) - t), far(ft(2) - t)]
    return [(np.clip(i - 1 + j, 0, n - 1), w.astype(ft)) for j, w in enumerate(weights)]


def _aa_filter(mode: str, x: Array, ft: Any) -> Array:
    """PIL's filters: triangle, Keys' cubic with a = -0.5 (not bicubic's -0.75), Lanczos-3."""
    x = np.abs(x)
    a = ft(-0.5)
    if mode == "bilinear":
        w = np.maximum(ft(1) - x, ft(0))
    elif mode == "bicubic":
        w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                     np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, ft(0)))
    else:
        w = np.where(x < 3, np.sinc(x) * np.sinc(x / ft(3)), ft(0))
    out: Array = w.astype(ft)
    return out


def _antialias_taps(n: int, o: int, align_corners: bool, scale: float | None, ft: Any,
                    mode: str) -> list[tuple[Array, ...]]:
    """Each output's window [xmin, xmin + xsize) of inputs and its normalized filter weights.

    The window is centred at ratio * (i + 0.5) and spans the filter's support,
    stretched by the ratio when downscaling (that stretch is the antialiasing).
    """
    ratio = _ratio(n, o, align_corners, scale, ft)
    half = _AA_TAPS[mode] * 0.5
    support = ft(half * float(ratio)) if ratio >= 1 else ft(half)
    invscale = ft(1.0 / float(ratio)) if ratio >= 1 else ft(1)
    width = int(np.ceil(support)) * 2 + 1
    center = (float(ratio) * (np.arange(o) + 0.5)).astype(ft)
    xmin = np.maximum(((center - support).astype(np.float64) + 0.5).astype(np.int64), 0)
    xsize = np.minimum(((center + support).astype(np.float64) + 0.5).astype(np.int64), n) - xmin
    xsize = np.clip(xsize, 0, width)
    weights = []
    for j in range(width):
        offset = ((xmin + j).astype(ft) - center).astype(np.float64) + 0.5
        w = _aa_filter(mode, (offset * float(invscale)).astype(ft), ft)
        weights.append(np.where(j < xsize, w, ft(0)).astype(ft))
    total = weights[0].copy()
    for w in weights[1:]:
        total = (total + w).astype(ft)
    total = np.where(total == 0, ft(1), total)
    # (a slot past the window, j >= xsize, adds nothing: PyTorch's loop stops there, so an inf it would
    # have read at weight 0 does not make a nan)
    return [(np.minimum(xmin + j, n - 1), (w / total).astype(ft), j < xsize) for j, w in enumerate(weights)]


def _along(x: Tensor, dim: int, taps: list[tuple[Array, ...]]) -> Tensor:
    """Sum over taps of x[..., index, ...] * weight along ``dim`` (one index, one weight per output; a
    third array, if given, says which outputs the tap reaches at all)."""
    at: list[Any] = [slice(None)] * (dim + 1)
    trail = (1,) * (x.ndim - dim - 1)
    out: Tensor | None = None
    for index, weight, *reach in taps:
        at[dim] = index
        picked = x[tuple(at)]
        unweighted = len(taps) == 1 and bool((weight == 1).all())
        term = picked if unweighted else picked * from_numpy(weight.reshape(-1, *trail))
        if reach and not reach[0].all():
            term = where(from_numpy(reach[0].reshape(-1, *trail)), term, 0.0)
        out = term if out is None else out + term
    assert out is not None
    return out


def _rank_words(ndim: int, mode: str) -> str:
    """PyTorch's words for an input of a rank ``mode`` does not take (or for an unknown mode)."""
    if ndim in (3, 4, 5) and mode in ("linear", "bilinear", "trilinear"):
        return f"Got {ndim}D input, but {mode} mode needs {_RANK[mode]}D input"
    return (f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})")


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,  # noqa: A002
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resample the spatial dims of (N, C, *spatial) to ``size`` or by ``scale_factor``, as PyTorch.

    Modes: 'nearest' (PyTorch's legacy floor rule), 'nearest-exact', 'area' (adaptive
    average pooling), 'linear' (3D input), 'bilinear' and 'bicubic' (4D), 'trilinear'
    (5D); ``antialias=True`` (bilinear, bicubic, and 'lanczos', which needs it) filters
    as PIL's resize does. ``align_corners`` (interpolating modes only) maps the corner pixels' centers
    onto each other; with ``scale_factor`` the output size is floor(n * scale), and the
    interpolation uses 1 / scale unless ``recompute_scale_factor`` asks for in / out.
    A uint8 input in 'bilinear' or 'bicubic' mode is resized in PyTorch's fixed-point integer
    arithmetic (bit for bit); the other interpolating modes need a floating-point input.

    Raises:
        InvalidParameterError: both or neither of size and scale_factor, a bad size or
            scale, align_corners with a non-interpolating mode; ValueError: antialias with a mode
            other than bilinear, bicubic and lanczos or a non-4D input, lanczos without antialias.
        UnsupportedError (a NotImplementedError too, as PyTorch's): an unknown mode or a mode that
            does not fit the input's rank.
    """
    if not isinstance(input, Tensor):
        got = type(input).__name__
        raise _NotTensorAttributeError(f"interpolate(): argument 'input' must be a Tensor, not {got}")
    if mode not in _MODES:
        raise UnsupportedError(f"{_rank_words(input.ndim, mode)} (interpolate: unknown mode {mode!r}; use "
                               f"one of {', '.join(_MODES)})")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise InvalidParameterError("align_corners option can only be set with the interpolating modes: "
                                        "linear | bilinear | bicubic | trilinear (interpolate: got "
                                        f"mode={mode!r})")
    elif align_corners is None:
        align_corners = False
    if antialias and not (mode in _AA_TAPS and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                         "requires a 4-D tensor as input")
    if mode == "lanczos" and (align_corners or not antialias):
        raise ValueError("Lanczos mode does not support align_corners=True" if align_corners
                         else "Lanczos mode requires antialias=True")
    if align_corners is not None and align_corners is not True and align_corners is not False:
        # (PyTorch's Python reads it by truth value up to here; its kernels take only a bool)
        raise bool_error(("_" if antialias else "") + f"upsample_{mode}{input.ndim - 2}d" +
                         ("_aa" if antialias else ""), "align_corners", align_corners)
    if input.ndim not in (3, 4, 5) or _RANK.get(mode, input.ndim) != input.ndim:
        if (input.ndim in (3, 4, 5) or any(isinstance(v, (tuple, list)) for v in (size, scale_factor))
                or (size is None) == (scale_factor is None)):
            # PyTorch checks size / scale_factor against the input's dims first
            _output_size(input, size, scale_factor, recompute_scale_factor, mode, antialias)
        if recompute_scale_factor and size is not None:  # (PyTorch's Python checks it before the rank)
            raise InvalidParameterError("recompute_scale_factor is not meaningful with an explicit size.")
        need = f"a {_RANK[mode]}D input" if mode in _RANK else "a 3D, 4D or 5D input"
        raise UnsupportedError(f"{_rank_words(input.ndim, mode)} (interpolate: mode {mode!r} needs {need} "
                               f"(N, C, *spatial), got input of shape {input.shape})")
    out, scales = _output_size(input, size, scale_factor, recompute_scale_factor, mode, antialias)
    if mode == "area":
        if input.ndim == 3:
            return adaptive_avg_pool1d(input, out[0])
        return (adaptive_avg_pool2d if input.ndim == 4 else adaptive_avg_pool3d)(input, out)
    if min(input.shape[2:]) < 1 or min(out) < 1:  # (PyTorch's kernel's words)
        names = "DHW"[3 - len(out):]
        shown = [", ".join(f"{c}: {v}" for c, v in zip(names, sizes)) for sizes in (input.shape[2:], out)]
        raise ShapeError(f"Input and output sizes should be greater than 0, but got input ({shown[0]}) "
                         f"{'and ' * (len(out) == 1)}output ({shown[1]})")  # (PyTorch's 1-D kernels' "and")
    if input.shape[1] == 0:  # (only the batch may be empty, as in PyTorch's kernels)
        raise ShapeError(f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes "
                         f"{list(input.shape)}")
    if input.dtype.kind != "f" and input.dtype != np.uint8 and mode in ("nearest", "nearest-exact"):
        # PyTorch's nearest kernels take floats and uint8 only (numpy would copy any dtype)
        kernel = "upsample_nearest2d_channels_last" if input.ndim == 4 else "compute_indices_weights_nearest"
        raise kernel_error(kernel, input.dtype, "")
    if input.dtype == np.uint8 and mode in ("bilinear", "bicubic"):
        cubic = mode == "bicubic"
        return from_numpy(resize_uint8(input.numpy(force=True), out, cubic, bool(align_corners), antialias,
                                       scales))
    if input.dtype.kind != "f" and mode != "nearest" and mode != "nearest-exact":
        # (PyTorch's NotImplementedError names its kernel)
        kernel = {"bilinear": "upsample_bilinear2d_channels_last",
                  "bicubic": "compute_indices_weights_cubic"}.get(mode, "compute_indices_weights_linear")
        raise _KernelParameterError(
            f'"{kernel}" not implemented for \'{scalar_type_name(input.dtype)}\' (interpolate: mode {mode!r} '
            f"needs a floating-point input, got {input.dtype})")
    ft = input.dtype.type
    # PyTorch's half kernels (not antialias's) compute in float32 and round once; bicubic's stores its
    # weights in half (its linear kernels' roundings are closer to this than to half throughout, not equal)
    wide = ft is np.float16 and not antialias and mode not in ("nearest", "nearest-exact")
    y, wt = (input.float(), np.float32) if wide else (input, ft)
    finite = antialias and bool(np.isfinite(input.numpy(force=True)).all())
    for dim in reversed(range(2, input.ndim)):  # the last dim first, as PyTorch nests its loops
        n, o, scale = input.shape[dim], out[dim - 2], scales[dim - 2]
        if antialias:
            if n == o:  # PyTorch skips a dim that keeps its size
                continue
            taps = _antialias_taps(n, o, bool(align_corners), scale, ft, mode)
            if finite:  # (the slots past a window only matter for an inf or nan; skip their masks)
                taps = [tap[:2] for tap in taps]
        elif mode in ("nearest", "nearest-exact"):
            taps = [(_nearest_index(n, o, scale, mode == "nearest-exact", input.ndim == 4, ft),
                     np.ones(o, ft))]
        elif mode == "bicubic":
            taps = _cubic_taps(n, o, bool(align_corners), scale, wt)
            if wide:
                taps = [(index, weight.astype(ft).astype(wt)) for index, weight in taps]
        else:
            taps = _linear_taps(n, o, bool(align_corners), scale, wt)
        y = _along(y, dim, taps)
    y = y.half() if wide else y
    if input.numpy(force=True).flags.c_contiguous:
        # PyTorch's result is row-major for a row-major input (a dropout or *_like on it draws in that order)
        y = y.contiguous()
    return named(y, _upsample_name(mode, input.ndim - 2, antialias))


def _upsample_name(mode: str, k: int, antialias: bool) -> str:
    """PyTorch's grad_fn for interpolate: its one upsample op (UpsampleBilinear2DBackward0, ...)."""
    kind = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear", "bilinear": "Bilinear",
            "bicubic": "Bicubic", "trilinear": "Trilinear"}.get(mode)
    return f"Upsample{kind}{k}D{'Aa' if antialias else ''}Backward0" if kind else ""


def _check_factor(fn: str, name: str, value: Any) -> int:
    int_argument(fn, name, 2, value)  # (PyTorch's argument parser: a TypeError)
    if value < 1:
        raise InvalidParameterError(f"{fn}: {name} must be a positive int, got {name}={value!r}")
    return int(value)


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.",
                  UserWarning, stacklevel=public_stacklevel(3))


#: F.interpolate as F exports it (set there): the upsample forms hand a Tensor subclass's
#: __torch_function__ that one, as PyTorch's
PUBLIC: dict[str, Callable[..., Tensor]] = {}


def upsample(input: Tensor, size: int | Sequence[int] | None = None,  # noqa: A002
             scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """The deprecated name of :func:`interpolate` (warns, as PyTorch's)."""
    _deprecated("upsample")
    public: Callable[..., Tensor] = PUBLIC.get("interpolate", interpolate)
    return public(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: int | Sequence[int] | None = None,  # noqa: A002
                     scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')`` (warns, as PyTorch's)."""
    _deprecated("upsample_nearest")
    public: Callable[..., Tensor] = PUBLIC.get("interpolate", interpolate)
    return public(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: int | Sequence[int] | None = None,  # noqa: A002
                      scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)`` of a
    4-D input (warns, as PyTorch's)."""
    _deprecated("upsample_bilinear")
    public: Callable[..., Tensor] = PUBLIC.get("interpolate", interpolate)
    return public(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r): each group of r^2 channels becomes an r x r block.

    y[..., c, h * r + i, w * r + j] = x[..., c * r^2 + i * r + j, h, w].

    Raises:
        InvalidParameterError: upscale_factor is not a positive int.
        ShapeError: fewer than 3 dims, or channels not divisible by r^2.
    """
    r = _check_factor("pixel_shuffle", "upscale_factor", upscale_factor)
    if input.ndim < 3:
        raise ShapeError(
            f"pixel_shuffle: expected an input of at least 3 dims (*, C, H, W), got {input.shape}")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise ShapeError(f"pixel_shuffle: the channel dim (-3) of input {input.shape} must be divisible by "
                         f"upscale_factor**2 = {r * r}, got {c}")
    b = len(batch)  # (an empty input too: PyTorch's forward takes it, though its backward fails)
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.permute(*range(b), b, b + 3, b + 1, b + 4, b + 2)
    return named(x.reshape(*batch, c // (r * r), h * r, w * r), "PixelShuffleBackward0", input)  # (one op)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C, H * r, W * r) -> (*, C * r^2, H, W), the inverse of :func:`pixel_shuffle`.

    Raises:
        InvalidParameterError: downscale_factor is not a positive int.
        ShapeError: fewer than 3 dims, H or W not divisible by r, or no elements with r > 1 (an empty
            input with r = 1 comes back as it is, as PyTorch's).
    """
    r = _check_factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    if input.ndim < 3:
        raise ShapeError(
            f"pixel_unshuffle: expected an input of at least 3 dims (*, C, H, W), got {input.shape}")
    *batch, c, h, w = input.shape
    if h % r or w % r:
        raise ShapeError(f"pixel_unshuffle: the height and width of input {input.shape} must be divisible by "
                         f"downscale_factor = {r}")
    if input.numel() == 0 and r > 1:  # PyTorch returns it with its shape unchanged, then fails in backward
        raise ShapeError(f"pixel_unshuffle: got an empty input of shape {input.shape}; minigrad refuses it "
                         "(PyTorch returns it unchanged, not rearranged)")
    b = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    x = x.permute(*range(b), b, b + 2, b + 4, b + 1, b + 3)
    return named(x.reshape(*batch, c * r * r, h // r, w // r), "PixelUnshuffleBackward0", input)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """(N, g * k, *) -> (N, k * g, *): the channels of ``groups`` groups interleaved (ShuffleNet).

    A reshape to (N, g, k, *), a swap of g and k, and a reshape back.

    Raises:
        InvalidParameterError: groups not a positive int.
        ShapeError: input has fewer than 3 dims, or its channels do not divide by groups.
    """
    if not is_int(groups) or groups <= 0:
        raise InvalidParameterError("channel_shuffle: number of groups to divide channels in must be "
                                    f"positive, got groups={groups!r}")
    if input.ndim <= 2:
        raise ShapeError(f"channel_shuffle: expected input with more than 2 dims, got shape {input.shape}")
    n, c, *rest = input.shape
    if c % groups:
        raise ShapeError(f"channel_shuffle: number of channels must be divisible by groups, got {c} channels "
                         f"(input shape {input.shape}) and groups={groups}")
    out = input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(tuple(input.shape))
    return named(out, "ChannelShuffleBackward0")  # (PyTorch's one op)
