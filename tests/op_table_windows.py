"""Op-table rows for scans, selection, windows, padding, convolution, pooling and resampling.

Imported by ``tests/op_table.py`` (``OP_TABLE += WINDOW_OPS``), so every row here gets
the same gradcheck, gradgradcheck, float32 and PyTorch-parity tests as the rest of
the table. Shapes stay tiny: each example's gradcheck differentiates every output
element.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from tests.op_table import (
    NONEMPTY_SHAPES,
    OpSpec,
    Sample,
    _torch,
    distinct,
    reduction,
)


def _tf() -> Any:
    return _torch().nn.functional


# ------------------------------------------------------------------ scans and selection


@st.composite
def _flip(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n, unique_by=lambda d: d % n))
    return Sample([shape], {"dims": tuple(dims)})


@st.composite
def _tensor_unfold(draw: st.DrawFn) -> Sample:
    shape = draw(hnp_shapes(1, 3, 4))
    d = draw(st.integers(0, len(shape) - 1))
    return Sample([shape], {"dimension": d - len(shape) * draw(st.integers(0, 1)),
                            "size": draw(st.integers(1, shape[d])), "step": draw(st.integers(1, 3))})


@st.composite
def _as_strided(draw: st.DrawFn) -> Sample:
    shape = draw(hnp_shapes(1, 2, 4))
    size = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
    stride = tuple(draw(st.integers(0, 2)) for _ in size)
    offset = draw(st.integers(0, 2))
    assume(offset + sum((n - 1) * k for n, k in zip(size, stride)) < math.prod(shape))
    return Sample([shape], {"size": size, "stride": stride, "storage_offset": offset})


def hnp_shapes(min_dims: int, max_dims: int, max_side: int) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with sides >= 1."""
    return st.lists(st.integers(1, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def _gather(draw: st.DrawFn, scatter: bool = False) -> Sample:
    shape = draw(hnp_shapes(1, 3, 3))
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    d = dim % n
    ishape = tuple(draw(st.integers(1, 4 if i == d else s)) for i, s in enumerate(shape))
    seed = draw(st.integers(0, 2**32 - 1))
    index = np.random.default_rng(seed).integers(0, shape[d], ishape)
    if scatter:
        return Sample([shape, ishape], {"dim": dim, "index": index})
    return Sample([shape], {"dim": dim, "index": index})


def _sorting(kind: str) -> Any:
    def call(a: Any, **k: Any) -> Any:
        dim, flag = k["dim"], k["flag"]
        if kind == "sort":
            return a.sort(dim, descending=flag).values
        if kind == "sort_indices":
            return a.sort(dim, descending=flag).indices
        if kind == "argsort":
            return a.argsort(dim, descending=flag)
        top = a.topk(k["k"], dim, largest=flag)
        return top.values if kind == "topk" else top.indices

    return call


@st.composite
def _sort(draw: st.DrawFn) -> Sample:
    s = draw(reduction(("int",), keepdim=False))
    shape, dim = s.shapes[0], s.kwargs["dim"]
    n = shape[dim] if shape else 1
    return Sample([shape], {"dim": dim, "flag": draw(st.booleans()), "k": draw(st.integers(0, n))})


# ------------------------------------------------------------------ windows


@st.composite
def _conv(draw: st.DrawFn, nd: int, transposed: bool = False) -> Sample:
    """Shapes of x, weight and (maybe) bias plus stride/padding/dilation/groups that fit."""
    groups = draw(st.integers(1, 2))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kmax = 2 if nd == 3 else 3
    kernel = tuple(draw(st.integers(1, kmax)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    kwargs: dict[str, Any] = {"stride": stride, "dilation": dilation, "groups": groups}
    if transposed:
        padding = tuple(draw(st.integers(0, 1)) for _ in range(nd))
        size = tuple(draw(st.integers(1, 3 if nd < 3 else 2)) for _ in range(nd))
        out_pad = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        outs = [(n - 1) * s - 2 * p + d * (k - 1) + o + 1
                for n, s, p, d, k, o in zip(size, stride, padding, dilation, kernel, out_pad)]
        assume(min(outs) >= 1)
        kwargs.update(padding=padding, output_padding=out_pad)
        wshape = (cin, cout // groups, *kernel)
    else:
        choice = draw(st.sampled_from(["int", "same", "valid"] if all(s == 1 for s in stride) else ["int"]))
        padding_any: Any = choice if choice != "int" else tuple(draw(st.integers(0, 1)) for _ in range(nd))
        pads = [0] * nd if choice != "int" else list(padding_any)
        extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        if choice == "same":
            pads = [0] * nd  # 'same' keeps the size; any size >= 1 works
            extent = [1] * nd
        size = tuple(draw(st.integers(max(1, e - 2 * p), max(1, e - 2 * p) + (1 if nd == 3 else 2)))
                     for e, p in zip(extent, pads))
        kwargs["padding"] = padding_any
        wshape = (cout, cin // groups, *kernel)
    batch = draw(st.integers(1, 2))
    shapes = [(batch, cin, *size), wshape]
    if draw(st.booleans()):
        shapes.append((cout,))
    return Sample(shapes, kwargs)


def _conv_call(fn: str, lib: str) -> Any:
    def call(x: Any, w: Any, b: Any = None, **k: Any) -> Any:
        with warnings.catch_warnings():  # PyTorch's note that 'same' with an even kernel copies the input
            warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)  # (minigrad's too)
            return getattr(F if lib == "mg" else _tf(), fn)(x, w, b, **k)

    return call


@st.composite
def _pool(draw: st.DrawFn, nd: int, kind: str) -> Sample:
    kernel = tuple(draw(st.integers(1, 2 if nd == 3 else 3)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd)) if kind == "max" else (1,) * nd
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    # (PyTorch's avg_pool3d also wants the unpadded input to hold a kernel)
    low = [max(1, e - 2 * p, e if kind == "avg" and nd == 3 else 1) for e, p in zip(extent, padding)]
    size = tuple(draw(st.integers(lo, lo + 3)) for lo in low)
    kwargs: dict[str, Any] = {"kernel_size": kernel, "stride": draw(st.sampled_from([None, stride])),
                              "padding": padding, "ceil_mode": draw(st.booleans())}
    if kind == "max":  # a window of padding alone is -inf, where finite differences are nan
        steps = kernel if kwargs["stride"] is None else stride
        for n, k, s, p, d in zip(size, kernel, steps, padding, dilation):
            span = n + 2 * p - d * (k - 1) - 1 + (s - 1 if kwargs["ceil_mode"] else 0)
            for o in range(span // s + 1):
                assume(any(0 <= o * s - p + j * d < n for j in range(k)))
    if kind == "max":
        kwargs["dilation"] = dilation
    else:
        kwargs["count_include_pad"] = draw(st.booleans())
        if nd > 1 and draw(st.booleans()):
            kwargs["divisor_override"] = draw(st.sampled_from([1, 3]))
    channels = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    return Sample([(*channels, *size)], kwargs)


@st.composite
def _adaptive(draw: st.DrawFn, nd: int) -> Sample:
    size = tuple(draw(st.integers(1, 5)) for _ in range(nd))
    out = tuple(draw(st.one_of(st.integers(1, 5), st.none())) if nd > 1 else draw(st.integers(1, 5))
                for _ in range(nd))
    return Sample([(draw(st.integers(1, 2)), 2, *size)], {"output_size": out if nd > 1 else out[0]})


@st.composite
def _pad(draw: st.DrawFn, mode: str) -> Sample:
    if mode == "constant":
        shape = draw(hnp_shapes(1, 4, 3))
        k = draw(st.integers(1, len(shape)))
        pairs = [(draw(st.integers(-min(1, s - 1), 2)), draw(st.integers(0, 2))) for s in shape[::-1][:k]]
        return Sample([shape], {"pad": tuple(v for p in pairs for v in p), "mode": mode,
                                "value": draw(st.sampled_from([0.0, -1.5]))})
    k = draw(st.integers(1, 3))
    shape = (*((2,) if draw(st.booleans()) else ()), 1 + (k < 3), *draw(hnp_shapes(k, k, 4 - (k == 3))))
    limit = {"reflect": -1, "replicate": 2, "circular": 0}[mode]
    pad = []
    for s in shape[::-1][:k]:
        top = s + limit if mode != "replicate" else limit
        lo, hi = draw(st.integers(0, max(top, 0))), draw(st.integers(0, max(top, 0)))
        if mode != "circular" and draw(st.booleans()):  # crops what padding the whole input gives
            lo = -draw(st.integers(0, s + hi - 1))
        pad += [lo, hi]
    return Sample([shape], {"pad": tuple(pad), "mode": mode})


@st.composite
def _interp(draw: st.DrawFn, mode: str) -> Sample:
    nd = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}.get(mode, draw(st.integers(1, 3)))
    size = tuple(draw(st.integers(1, 4 if nd < 3 else 3)) for _ in range(nd))
    kwargs: dict[str, Any] = {"mode": mode}
    if mode in ("linear", "bilinear", "bicubic", "trilinear"):
        kwargs["align_corners"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["size"] = tuple(draw(st.integers(1, 5 if nd < 3 else 3)) for _ in range(nd))
    else:
        kwargs["scale_factor"] = tuple(draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.5])) for _ in range(nd))
        assume(all(int(n * f) >= 1 for n, f in zip(size, kwargs["scale_factor"])))
        if mode != "area":
            kwargs["recompute_scale_factor"] = draw(st.booleans())
    return Sample([(draw(st.integers(1, 2)), 2, *size)], kwargs)


@st.composite
def _fold(draw: st.DrawFn, unfold: bool) -> Sample:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 5))
                 for k, d, p in zip(kernel, dilation, padding))
    kwargs = {"kernel_size": kernel, "dilation": dilation, "padding": padding, "stride": stride}
    c = draw(st.integers(1, 2))
    if unfold:
        return Sample([(draw(st.integers(1, 2)), c, *size)], kwargs)
    blocks = math.prod((n + 2 * p - d * (k - 1) - 1) // s + 1
                       for n, p, d, k, s in zip(size, padding, dilation, kernel, stride))
    return Sample([(draw(st.integers(1, 2)), c * math.prod(kernel), blocks)], {"output_size": size, **kwargs})


@st.composite
def _pixel(draw: st.DrawFn, shuffle: bool) -> Sample:
    r = draw(st.integers(1, 3))
    lead = draw(hnp_shapes(0, 2, 2))
    h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    c = draw(st.integers(1, 2))
    shape = (*lead, c * r * r, h, w) if shuffle else (*lead, c, h * r, w * r)
    return Sample([shape], {"factor": r})


@st.composite
def _unpool(draw: st.DrawFn) -> Sample:
    shape = tuple(draw(st.integers(1, m)) for m in (2, 2, 3, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = np.arange(shape[2])[:, None] * 2 + rng.integers(0, 2, shape)
    cols = np.arange(shape[3])[None, :] * 2 + rng.integers(0, 2, shape)
    return Sample([shape], {"indices": rows * (2 * shape[3]) + cols})


def _mg_f(fn: str, **fixed: Any) -> Any:
    return lambda *xs, **k: getattr(F, fn)(*xs, **fixed, **k)


def _torch_f(fn: str, **fixed: Any) -> Any:
    return lambda *xs, **k: getattr(_tf(), fn)(*xs, **fixed, **k)


def _first(fn: Any) -> Any:
    """The values of a (values, indices) result."""
    return lambda *xs, **k: fn(*xs, **k)[0]


WINDOW_OPS: list[OpSpec] = [
    OpSpec("cumsum", lambda a, dim: a.cumsum(dim), lambda a, dim: a.cumsum(dim),
           reduction(("int",), keepdim=False), covers=("cumsum",)),
    OpSpec("flip", lambda a, dims: a.flip(dims), lambda a, dims: a.flip(dims), _flip(), covers=("flip",)),
    OpSpec("tensor_unfold", lambda a, **k: a.unfold(**k), lambda a, **k: a.unfold(**k), _tensor_unfold(),
           covers=("unfold",)),
    # overlapping windows (stride 0 repeats an element): the gradient adds back every read
    OpSpec("as_strided", lambda a, **k: a.as_strided(**k), lambda a, **k: a.as_strided(**k), _as_strided(),
           covers=("as_strided",)),
    OpSpec("gather", lambda a, dim, index: a.gather(dim, mg.tensor(index)),
           lambda a, dim, index: a.gather(dim, _torch().as_tensor(index)), _gather(), covers=("gather",)),
    OpSpec("scatter_add", lambda a, s, dim, index: a.scatter_add(dim, mg.tensor(index), s),
           lambda a, s, dim, index: a.scatter_add(dim, _torch().as_tensor(index), s), _gather(scatter=True),
           covers=("scatter_add",)),
    OpSpec("sort", _sorting("sort"), _sorting("sort"), _sort(), distinct, covers=("sort",)),
    OpSpec("sort_indices", _sorting("sort_indices"), _sorting("sort_indices"), _sort(), distinct,
           covers=("sort",), differentiable=False),
    OpSpec("argsort", _sorting("argsort"), _sorting("argsort"), _sort(), distinct, covers=("argsort",),
           differentiable=False),
    OpSpec("topk", _sorting("topk"), _sorting("topk"), _sort(), distinct, covers=("topk",)),
    OpSpec("topk_indices", _sorting("topk_indices"), _sorting("topk_indices"), _sort(), distinct,
           covers=("topk",), differentiable=False),
]

for _nd in (1, 2, 3):
    WINDOW_OPS += [
        OpSpec(f"F.conv{_nd}d", _conv_call(f"conv{_nd}d", "mg"), _conv_call(f"conv{_nd}d", "torch"),
               _conv(_nd), float32_rtol=1e-4, float32_atol=1e-5),
        OpSpec(f"F.conv_transpose{_nd}d", _conv_call(f"conv_transpose{_nd}d", "mg"),
               _conv_call(f"conv_transpose{_nd}d", "torch"), _conv(_nd, transposed=True),
               float32_rtol=1e-4, float32_atol=1e-5),
        OpSpec(f"F.max_pool{_nd}d", _mg_f(f"max_pool{_nd}d"), _torch_f(f"max_pool{_nd}d"), _pool(_nd, "max"),
               distinct),
        OpSpec(f"F.avg_pool{_nd}d", _mg_f(f"avg_pool{_nd}d"), _torch_f(f"avg_pool{_nd}d"), _pool(_nd, "avg")),
        OpSpec(f"F.adaptive_avg_pool{_nd}d", _mg_f(f"adaptive_avg_pool{_nd}d"),
               _torch_f(f"adaptive_avg_pool{_nd}d"), _adaptive(_nd)),
        OpSpec(f"F.adaptive_max_pool{_nd}d", _mg_f(f"adaptive_max_pool{_nd}d"),
               _torch_f(f"adaptive_max_pool{_nd}d"), _adaptive(_nd), distinct),
    ]
WINDOW_OPS += [
    OpSpec("F.max_pool2d_indices", _first(_mg_f("max_pool2d", return_indices=True)),
           _first(_torch_f("max_pool2d", return_indices=True)), _pool(2, "max"), distinct),
    OpSpec("F.max_unpool2d", lambda a, indices: F.max_unpool2d(a, mg.tensor(indices), 2),
           lambda a, indices: _tf().max_unpool2d(a, _torch().as_tensor(indices), 2), _unpool()),
    OpSpec("F.unfold", _mg_f("unfold"), _torch_f("unfold"), _fold(unfold=True)),
    OpSpec("F.fold", _mg_f("fold"), _torch_f("fold"), _fold(unfold=False)),
    OpSpec("F.pixel_shuffle", lambda a, factor: F.pixel_shuffle(a, factor),
           lambda a, factor: _tf().pixel_shuffle(a, factor), _pixel(shuffle=True)),
    OpSpec("F.pixel_unshuffle", lambda a, factor: F.pixel_unshuffle(a, factor),
           lambda a, factor: _tf().pixel_unshuffle(a, factor), _pixel(shuffle=False)),
]
WINDOW_OPS += [OpSpec(f"F.pad_{m}", _mg_f("pad"), _torch_f("pad"), _pad(m)) for m in
               ("constant", "reflect", "replicate", "circular")]
WINDOW_OPS += [OpSpec(f"F.interpolate_{m}", _mg_f("interpolate"), _torch_f("interpolate"), _interp(m))
               for m in ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")]
