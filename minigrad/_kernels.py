"""Numpy kernels that are not derivatives: the computations behind some primitives' forward.

``ops.py`` says *what* each primitive computes and how its gradient follows;
the numerics of *how* to compute some of them fast or exactly live here:
numpy's error state (:func:`quiet`), the BLAS and einsum paths for sums
(and for sums of squares and of products), softmax and log-softmax, the
row scatter-add of embedding gradients, sign with PyTorch's NaN rule, an
overflow-free sigmoid, xlogy, PyTorch's float remainder, and the numpy.linalg
calls behind torch.linalg's primitives with PyTorch's NaN rules. (erf and erfinv
are in ``_special.py``, im2col and padding in ``_window_kernels.py``.) Plain
numpy in, plain numpy out; of minigrad this module imports only the shape rules.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from minigrad.shapes import keepdim_shape

__all__ = [
    "QUIET", "add_at", "add_rows", "add_rows_along", "best_first", "bounded", "cholesky", "eigh",
    "gemm_ready", "geqrf", "inv", "log_softmax", "lu",
    "memory_owner", "pack", "pinv", "product_sum_to", "qr", "qr_positive", "quiet", "remainder",
    "reset_errstate", "round_to_bfloat16", "select", "set_errstate", "shared_left_grad", "sigmoid", "sign",
    "slogdet",
    "softmax", "solve", "stack_first", "sum_of_squares", "sum_over", "svd", "xlogy",
]  # fmt: skip

Array: TypeAlias = npt.NDArray[Any]
R = TypeVar("R")


# ----------------------------------------------------------------- error state


class _SeterrVar:
    """The public (slower) way to the same effect, for numpy without the context variable."""

    def set(self, _: object) -> dict[str, str]:
        return np.seterr(all="ignore")  # type: ignore[return-value]

    def reset(self, old: dict[str, str]) -> None:
        np.seterr(**old)  # type: ignore[arg-type]


try:  # numpy's own errstate is ~1 us; setting its context variable directly is ~0.2 us
    from numpy._core._multiarray_umath import (  # type: ignore[import-not-found,unused-ignore]
        _extobj_contextvar as _errstate,
    )
    from numpy._core._multiarray_umath import (  # type: ignore[import-not-found,unused-ignore]
        _make_extobj,
    )

    QUIET: Any = _make_extobj(all="ignore")
except ImportError:  # pragma: no cover - a numpy 2 build without the private name
    _errstate = _SeterrVar()
    QUIET = None

try:  # np.clip's Python wrapper costs ~2.5 us a call; its ufunc, the same kernel, ~0.1 us
    from numpy._core.umath import clip as clip  # type: ignore[attr-defined,import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - a numpy 2 build without the private name
    clip = np.clip

# QUIET is numpy's error state with every floating-point error ignored; set_errstate(QUIET)
# switches to it and returns a token, reset_errstate(token) switches back. They are the two
# halves of quiet(), for Function.apply, which inlines it on minigrad's hottest path.
set_errstate, reset_errstate = _errstate.set, _errstate.reset


def quiet(f: Callable[..., R], *args: Any) -> R:
    """``f(*args)`` with numpy's floating-point errors ignored, as PyTorch's kernels are.

    1/0 is inf, inf - inf is nan, exp(-1000) is 0: silently, whatever the
    user set with ``np.seterr`` (restored afterwards). The one way minigrad
    touches numpy's error state: a block of numpy code runs quiet as a
    function (``quiet(step, group)``), never under ``np.errstate``.
    """
    token = set_errstate(QUIET)
    try:
        return f(*args)
    finally:
        reset_errstate(token)


def memory_root(a: Array) -> Array:
    """The array that owns ``a``'s memory (its last ndarray base; ``a`` itself unless it is a view)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def element_view(a: Array) -> tuple[Array, int, tuple[int, ...]] | None:
    """``a`` as (its memory owner, element offset, element strides), for storing it as a view of the owner's
    saved elements (what checkpoints do with tensors sharing memory); None where that cannot describe it:
    an owner of another dtype, not C-contiguous or of objects, or an offset or stride between elements."""
    root = memory_root(a)
    if root.dtype != a.dtype or not root.flags.c_contiguous or root.dtype.hasobject:
        return None
    offset, size = a.__array_interface__["data"][0] - root.__array_interface__["data"][0], a.itemsize
    if offset < 0 or offset % size or any(st % size for st in a.strides):
        return None
    return root, offset // size, tuple(st // size for st in a.strides)


def memory_owner(a: Array) -> int:
    """The id of the array that owns ``a``'s memory (``a`` itself unless it is a view)."""
    return id(memory_root(a))


def partial_overlap(a: Array, b: Array, full: bool = False) -> bool:
    """Whether writing ``a`` while reading ``b`` is what PyTorch refuses as a partial overlap: both dense
    (a permutation of a contiguous layout), their memory spans intersecting, and not the same span with
    the same strides (``x.add_(x)``, ``x.add_(x.detach())`` are fine, ``x[1:].add_(x[:-1])`` and
    ``x.add_(x.t())`` are not). Arrays that are not dense PyTorch does not check ("too hard"), nor here.
    ``full``: any overlap counts (PyTorch's assert_no_overlap, index_put_'s rule)."""
    if a is b:
        return full
    # numpy points a view (of a view) at the owner of its memory: two owners share none (the common case)
    if (a if a.base is None else a.base) is not (b if b.base is None else b.base):
        return False
    if not a.size or not b.size or not np.may_share_memory(a, b):  # (spans only, no exact solve)
        return False
    if not (_dense(a) and _dense(b)):
        return False
    same_span = np.lib.array_utils.byte_bounds(a) == np.lib.array_utils.byte_bounds(b)
    return full or not same_span or a.strides != b.strides


def _dense(a: Array) -> bool:
    """PyTorch's is_non_overlapping_and_dense: the elements fill their span exactly once."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return True
    expected = a.itemsize
    for st, n in sorted((st, n) for st, n in zip(a.strides, a.shape) if n != 1):
        if st != expected:
            return False
        expected *= n
    return True


def writable_alias(a: Array) -> Array | None:
    """A writable array over ``a``'s memory (``a`` read-only as a broadcast view, ``expand``'s result, whose
    memory may be written, as PyTorch's may); None if the memory itself is read-only."""
    owner = memory_root(a)
    if not owner.flags.writeable or not (owner.flags.c_contiguous or owner.flags.f_contiguous):
        return None
    offset = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    alias: Array = np.ndarray(a.shape, a.dtype, buffer=owner, offset=offset, strides=a.strides)
    return alias


# ------------------------------------------------------------------------- sums

_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # einsum subscripts, one per dim
_np_ones = np.ones  # bound at import: mg.compile's tracer swaps np.ones, and a cached array must stay plain

#: from this many elements up, partial sums of float arrays run as einsum instead of BLAS. An array
#: this large (4 MB of float32) has usually left the 1 MB L2 cache by the time it is summed, and
#: streamed from memory BLAS's gemv runs at under half einsum's speed (0.37 vs 0.16 ms on 4096 rows
#: of 256, LayerNorm's shape, on a Zen 4 guest); on arrays still in cache BLAS is the faster one.
_STREAMING = 1 << 20


@functools.lru_cache(maxsize=64)
def _ones(n: int, dtype: np.dtype[Any]) -> Array:
    ones = _np_ones(n, dtype=dtype)
    ones.flags.writeable = False
    return ones


BOUNDED_MIN_SIZE = 2048


def bounded(fn: np.ufunc, bound: Any, a: Array) -> Array:
    """``fn(bound, a)`` (a's element on a tie) for ``fn`` np.maximum or np.minimum, ``bound`` of a's dtype.

    The same values as the plain call, faster: numpy 2.4 runs maximum/minimum against a broadcast
    scalar in a scalar loop, ~3x slower than against a whole array, which takes the SIMD loop (a
    128x256 float32 ReLU 13.6 against 4.6 us, filling the array included, on a Zen 4 guest). The
    bound is filled into the result's memory and the kernel writes over it in place. Below
    ``BOUNDED_MIN_SIZE`` elements filling costs more than it saves (the crossover was ~2,500
    float32 elements on a Zen 5 guest: at 512, 0.68 us plain against 1.3 us filled).
    """
    # On a tie (-0.0 against 0.0) the result is a's element, as PyTorch's: numpy's float16 loops return
    # their first operand there, the others their second.
    a_first = a.dtype == np.float16
    if a.ndim and a.size >= BOUNDED_MIN_SIZE and a.flags.c_contiguous:
        zero = bound == 0 and not np.signbit(bound)
        out = np.zeros(a.shape, a.dtype) if zero else np.full(a.shape, bound, a.dtype)
        return fn(a, out, out=out) if a_first else fn(out, a, out=out)  # type: ignore[no-any-return]
    return fn(a, bound) if a_first else fn(bound, a)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=256)  # (a handful of (ndim, dims) pairs per model: one dict lookup per sum)
def _kept(ndim: int, dims: tuple[int, ...] | None) -> tuple[str, str]:
    """einsum subscripts of an ``ndim``-dim array and of its sum over ``dims`` (None: all)."""
    letters = _LETTERS[:ndim]
    return letters, "".join(c for i, c in enumerate(letters) if dims is not None and i not in dims)


_add_reduce: Any = np.add.reduce  # (numpy's stubs have no overload for a bool keepdims)


def sum_over(a: Array, dims: tuple[int, ...] | None, keepdim: bool) -> Array:
    """np.sum over ``dims`` (None: all); partial sums of large float arrays go to BLAS or einsum.

    A sum over rows is a product with a ones vector: on data in cache BLAS is
    3-4x faster than np.sum over short rows (0.06 vs 0.23 ms on 4096 rows of
    256, LayerNorm's shape). Arrays too large to stay in cache are summed by
    einsum instead (see ``_STREAMING``).
    """
    if a.dtype.char == "e":  # PyTorch's CPU sum of half: accumulated in float32, rounded once
        return np.asarray(_add_reduce(a, dims, np.float32, None, keepdim)).astype(np.float16)
    if a.size >= _STREAMING and dims and a.dtype.kind == "f" and len(dims) < a.ndim:
        letters, kept = _kept(a.ndim, dims)
        y: Array = np.einsum(f"{letters}->{kept}", a)
        return y.reshape(keepdim_shape(a.shape, dims)) if keepdim else y
    # (not for empty arrays: reshape(0, -1) has no answer)
    if a.size >= 4096 and dims and a.dtype.kind == "f" and a.flags.c_contiguous and len(dims) < a.ndim:
        k = len(dims)
        if dims == tuple(range(a.ndim - k, a.ndim)):  # trailing dims: rows of a matrix
            rows = a.reshape(-1, math.prod(a.shape[a.ndim - k :]))
            out: Array = np.matmul(rows, _ones(rows.shape[1], a.dtype))
            return out.reshape(keepdim_shape(a.shape, dims) if keepdim else a.shape[: a.ndim - k])
        if dims == tuple(range(k)):  # leading dims: columns of a matrix
            cols = a.reshape(math.prod(a.shape[:k]), -1)
            out = np.matmul(_ones(cols.shape[0], a.dtype), cols)
            return out.reshape(keepdim_shape(a.shape, dims) if keepdim else a.shape[k:])
    if a.dtype.kind == "f" and dims and len(dims) < a.ndim and a.size >= 4096 \
            and 0 < math.prod([a.shape[i] for i in dims]) <= 16 and dims != tuple(range(len(dims))):
        if len(dims) == 1 and a.flags.c_contiguous and math.prod(a.shape[dims[0] + 1 :]) >= 8:
            # one middle dim over rows of 8 or more: numpy's reduce adds its terms one after another
            # into the output (the rows are its inner loop), as _window_sums does, 7x faster; + 0 as
            # _window_sums's sum from 0 (a sum of -0.0s is +0.0)
            return np.asarray(np.add(_add_reduce(a, dims[0], None, None, keepdim), a.dtype.type(0)))
        return _window_sums(a, dims, keepdim)
    if a.dtype.kind == "f":  # np.sum's Python wrapper costs more than a small sum itself
        return np.asarray(_add_reduce(a, dims, None, None, keepdim))
    return np.asarray(np.sum(a, dims, None, None, keepdim))


def _window_sums(a: Array, dims: tuple[int, ...], keepdim: bool) -> Array:
    """The sums over a few small dims (at most 16 terms; pooling windows: (N, C, oh, kh, ow, kw) over kh
    and kw), one term after another in row-major order, as PyTorch's pooling kernels add a window: a
    pass per term over the output instead of numpy's reduce, which loops per output when the summed
    dims are not the leading ones (13x faster for 2 x 2 windows)."""
    terms = np.ndindex(*[a.shape[i] for i in dims])

    def term(at: tuple[int, ...]) -> Array:
        index: list[Any] = [slice(None)] * a.ndim
        for d, i in zip(dims, at):
            index[d] = i
        picked: Array = a[tuple(index)]
        return picked

    out: Array = np.add(term(next(terms)), a.dtype.type(0))  # (0 + first, as a sum from 0)
    for at in terms:
        out += term(at)
    return out.reshape(keepdim_shape(a.shape, dims)) if keepdim else out


#: from this many terms per sum up, a sum of squares is summed pairwise (numpy's reduce) instead of by einsum
_PAIRWISE = 8192


def sum_of_squares(d: Array, dims: tuple[int, ...] | None) -> Array:
    """sum(d * d) over ``dims`` (None: all, dims dropped); short sums in one einsum pass without the
    squared temporary, long ones pairwise."""
    if d.size >= _PAIRWISE and d.dtype.itemsize < 8 and \
            (dims is None or math.prod([d.shape[i] for i in dims]) >= _PAIRWISE):
        # einsum keeps a few running sums: over 20k quantized pixels float32 rounding reaches ~7e-6 where
        # PyTorch's cascaded sum stays at ~1e-7; numpy's reduce sums the contiguous runs pairwise
        return np.asarray(_add_reduce(np.square(d), axis=dims))
    letters, kept = _kept(d.ndim, dims)
    return np.asarray(np.einsum(f"{letters},{letters}->{kept}", d, d))


def product_sum_to(g: Array, other: Array, shape: tuple[int, ...]) -> Array:
    """(g * other) summed down to ``shape``, a broadcast-compatible shape of g's (= other's) shape.

    One einsum pass instead of a full-size product and then a sum: the
    gradient of a broadcast operand of a product (a LayerNorm weight).
    """
    return np.asarray(np.einsum(_product_subscripts(g.shape, shape), g, other)).reshape(shape)


@functools.lru_cache(maxsize=256)  # (a few shape pairs per model: one dict lookup per product)
def _product_subscripts(gshape: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """einsum subscripts of :func:`product_sum_to`; an empty string if ``shape`` is no broadcast of
    ``gshape`` (more dims, or a dim that is neither 1 nor g's)."""
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s not in (1, gshape[lead + i]) for i, s in enumerate(shape)):
        return ""
    letters = _LETTERS[: len(gshape)]
    kept = "".join(c for i, c in enumerate(letters) if i >= lead and shape[i - lead] != 1)
    return f"{letters},{letters}->{kept}"


def broadcast_view(a: Array, shape: tuple[int, ...]) -> Array:
    """np.broadcast_to(a, shape): a read-only view, built directly for a contiguous plain ``a`` of
    ``len(shape)`` dims (np.broadcast_to's nditer costs more than a small reduction's gradient).
    Subclasses (mg.compile's traced arrays) take np.broadcast_to, which they see."""
    if type(a) is not np.ndarray or a.ndim != len(shape) or not a.flags.c_contiguous:
        return np.broadcast_to(a, shape)
    strides = tuple(0 if n == 1 and m != 1 else s for n, m, s in zip(a.shape, shape, a.strides))
    view: Array = np.ndarray(shape, a.dtype, a, 0, strides)
    view.flags.writeable = False
    return view


def fma32(x: Array | float, y: Array | float, z: Array | float) -> Array:
    """x * y + z of float32 operands rounded once, as the fused multiply-add of PyTorch's CPU kernels (add and
    sub with alpha, lerp) rounds it: in float64, where the product of two float32 values is exact.

    (float64 then float32 rounds twice, which differs from one rounding only when the float64 sum falls
    exactly halfway between two float32 values: never in 100,000 random trials of each use.)
    """
    f64 = np.float64
    wide = np.multiply(np.asarray(x, np.float32), np.asarray(y, np.float32), dtype=f64)
    zz = np.asarray(z, np.float32)
    if zz.shape == wide.shape or not zz.ndim:
        wide += zz
    else:  # z broadcasts the product up
        wide = np.add(wide, zz)
    return wide.astype(np.float32)


def clamp_into(a: Array, lo: float | None, hi: float | None) -> None:
    """a = min(max(a, lo), hi) in place, as the Clamp op computes it (bound first: x on a tie; nan kept)."""
    if lo is not None:
        np.maximum(a.dtype.type(lo), a, out=a)
    if hi is not None:
        np.minimum(a.dtype.type(hi), a, out=a)


def ema_(running: Array, value: Array, momentum: float) -> None:
    """running = (1 - momentum) * running + momentum * value, in place (a norm layer's running statistic).

    The two products rounded as PyTorch's kernel rounds them, in ``running``'s dtype.
    """
    running *= np.asarray(1 - momentum, dtype=running.dtype)
    running += momentum * value.astype(running.dtype, copy=False)


# ------------------------------------------------------------- softmax family


def row_max(a: Array, dim: int) -> Array:
    """The max along ``dim``, kept as a size-1 dim.

    numpy reduces short contiguous rows one inner loop per row: over rows of up to 32
    (attention scores of a short sequence) the transposed copy, reduced down its columns,
    is twice as fast; rows of up to 64 are first folded in halves (elementwise maxima of
    the two halves) to 16 columns, 2.4x faster than the reduce. (A max is exact in any
    order: the same values either way, only a zero's sign may differ, which softmax's
    x - max cannot show.)
    """
    n = a.shape[dim]
    if dim % a.ndim == a.ndim - 1 and n <= 64 and a.size >= 1024 and a.flags.c_contiguous:
        rows = a.reshape(-1, n)
        while rows.shape[1] > 16 and n > 32:
            k = rows.shape[1] // 2
            top = np.maximum(rows[:, :k], rows[:, k : 2 * k])
            if rows.shape[1] % 2:  # (an odd last column folds into the first)
                np.maximum(top[:, :1], rows[:, 2 * k :], out=top[:, :1])
            rows = top
        columns: Array = np.maximum.reduce(rows.T.copy(), axis=0)
        return columns.reshape(*a.shape[:-1], 1)
    if a.dtype.kind == "f":  # (given an initial value, numpy's loop takes each row whole instead of from its
        # second element: measured 1.1-1.6x faster over rows of 64 to 10,000 floats; a NaN still wins)
        return np.asarray(np.maximum.reduce(a, axis=dim, keepdims=True, initial=-np.inf))
    return np.asarray(np.maximum.reduce(a, axis=dim, keepdims=True))


def matmul(a: Array, b: Array) -> Array:
    """a @ b with PyTorch's arithmetic: :func:`small_bmm` where both are batched float32/64 matrices under
    400 multiply-adds each (its bmm's own loop), else BLAS on arrays it takes as they are."""
    if a.ndim > 2 and b.ndim > 2 and a.dtype.char in "fd" and a.shape[-2] * a.shape[-1] * b.shape[-1] < 400:
        return small_bmm(a, b)
    if a.ndim >= 2 and b.ndim >= 2 and a.shape[-1] == 1 and b.shape[-2] == 1 and a.dtype == b.dtype:
        # an inner dim of 1 (a depthwise convolution's input gradient): each entry is one product, which
        # the broadcast product gives exactly; numpy's batched matmul loops without BLAS here, 8x slower
        outer: Array = np.multiply(a, b)
        return outer
    out: Array = gemm_ready(a) @ gemm_ready(b)
    return out


def small_bmm(a: Array, b: Array) -> Array:
    """a @ b for batched float matrices as PyTorch's bmm computes those under 400 multiply-adds each
    (m * k * n < 400): every product rounded, then summed in order from 0, with no fused multiply-add (BLAS's
    kernels, which fuse, can differ where products cancel; a following relu or leaky_relu sees the sign)."""
    k = a.shape[-1]
    if k == 0:
        empty: Array = np.matmul(a, b)
        return empty
    if k <= 16:
        # a few terms: add each rank-1 product in place, in order (the same roundings as the cumsum
        # below, which along a strided axis costs 4-5x more: attention scores of 8-dim heads)
        acc = a[..., :, 0, None] * b[..., None, 0, :]
        for i in range(1, k):
            acc += a[..., :, i, None] * b[..., None, i, :]
        summed: Array = np.add(acc, a.dtype.type(0))  # (+ 0: -0.0 as +0.0)
        return summed
    prods = a[..., :, :, None] * b[..., None, :, :]
    total: Array = np.add(np.cumsum(prods, axis=-2)[..., -1, :], a.dtype.type(0))
    return total


def softmax(a: Array, dim: int) -> Array:
    """exp(a - max) / sum(exp(a - max)) along ``dim``.

    The sum is numpy's pairwise reduce, not :func:`sum_over`'s faster BLAS product with ones: the
    latter's rounding, amplified by training, moved a transformer's losses 1e-4 away from PyTorch's.
    """
    if a.size == 0:  # max has no identity; an empty softmax is empty (PyTorch)
        return np.array(a)
    e: Array = np.exp(np.subtract(a, row_max(a, dim), order="C"))  # (row-major, as PyTorch's result)
    e /= np.add.reduce(e, axis=dim, keepdims=True)
    return e


def log_softmax(a: Array, dim: int) -> Array:
    """a - max - log(sum(exp(a - max))) along ``dim``."""
    if a.size == 0:
        return np.array(a)
    if row_blocks(a, dim):
        return _log_softmax_rows(a)
    shifted: Array = np.subtract(a, row_max(a, dim), order="C")  # (row-major: as softmax)
    shifted -= np.log(np.add.reduce(np.exp(shifted), axis=dim, keepdims=True))
    return shifted


#: elements per block of rows in the blocked row-wise kernels: their temporaries stay in cache
ROW_BLOCK = 1 << 15


def row_blocks(a: Array, dim: int) -> bool:
    """Whether a row-wise kernel over ``dim`` runs a block of rows at a time: large C-ordered float arrays
    reduced over their last dim (a language model's logits, 700 x 10,000 for the LSTM example)."""
    return a.size >= 8 * ROW_BLOCK and dim % a.ndim == a.ndim - 1 and a.flags.c_contiguous \
        and a.dtype.kind == "f"


def _log_softmax_rows(a: Array) -> Array:
    # The general form's kernels in its order, a block of rows at a time: the exponentials and the
    # shifted values stay in cache rather than making two passes out to memory (13 -> 6 ms on
    # 700 x 10,000 float32). Each row is still summed pairwise on its own: the same bits.
    rows = a.reshape(-1, a.shape[-1])
    out = np.empty(rows.shape, a.dtype)
    top = row_max(rows, 1)
    step = max(1, ROW_BLOCK // rows.shape[1])
    scratch = np.empty((min(step, rows.shape[0]), rows.shape[1]), a.dtype)
    for i in range(0, rows.shape[0], step):
        block = out[i : i + step]
        np.subtract(rows[i : i + step], top[i : i + step], out=block)
        e = np.exp(block, out=scratch[: len(block)])
        block -= np.log(np.add.reduce(e, axis=1, keepdims=True))
    return out.reshape(a.shape)


def log_softmax_grad(g: Array, y: Array, dim: int) -> Array:
    """g - exp(y) * sum(g) along ``dim``: log_softmax's input gradient from its result ``y``, a block of
    rows at a time where :func:`row_blocks` says so (the same kernels in the same order). The result
    goes to new memory even when g could take it: on a classifier's (700, 10000) logits writing the rows
    back into g measured 1.3x slower than this (the block of exp(y) then stays in cache for the
    subtraction that writes it)."""
    total = sum_over(g, (dim,), True)
    if not (row_blocks(y, dim) and g.flags.c_contiguous and g.dtype == y.dtype and g.shape == y.shape):
        if g.dtype != y.dtype or g.shape != y.shape or not y.ndim:
            return np.asarray(g - np.exp(y) * total)
        e = np.exp(y)  # (the same three steps in one array)
        e *= total
        return np.subtract(g, e, out=e)
    n = y.shape[-1]
    grows, yrows, trows = g.reshape(-1, n), y.reshape(-1, n), total.reshape(-1, 1)
    out = np.empty(yrows.shape, y.dtype)
    step = max(1, ROW_BLOCK // n)
    for i in range(0, yrows.shape[0], step):
        block = np.exp(yrows[i : i + step], out=out[i : i + step])
        block *= trows[i : i + step]
        np.subtract(grows[i : i + step], block, out=block)
    return out.reshape(y.shape)


def sigmoid(a: Array) -> Array:
    """1 / (1 + exp(-a)) for a float array, PyTorch's formula (callers run quiet).

    For a << 0 exp(-a) overflows to inf and the quotient is 0, the limit; 1 + exp(-a)
    is never 0. PyTorch's CPU kernel rounds the same three steps, so this agrees with
    it more often than a two-branch form (exp(a) / (1 + exp(a)) below 0) would, and it
    is five times faster: np.where over an irregular mask is the slowest pass here.
    """
    y = np.empty_like(a)  # (an out= array: a 0-d a stays an array, not a numpy scalar)
    np.negative(a, out=y)
    np.exp(y, out=y)
    y += 1
    return np.divide(1, y, out=y)


def angle(a: Array) -> Array:
    """The argument of real numbers as complex ones: 0 for a >= 0 (and -0, +inf), pi below 0, nan at nan."""
    out: Array = np.where(np.isnan(a), a, np.where(a < 0, a.dtype.type(np.pi), a.dtype.type(0)))
    return out


_BITS = {2: np.int16, 4: np.int32, 8: np.int64}  # the integer of each float's width


def select(cond: Array, a: Array, b: Array) -> Array:
    """np.where(cond, a, b), bit for bit, for float arrays of one dtype (shapes broadcast).

    Picked with integer bit operations, b ^ ((a ^ b) & -cond): np.where branches per element, and on
    an irregular mask (an activation's sign) it runs at 3 ns per element, six times slower.
    """
    if a.dtype != b.dtype or a.dtype.kind != "f" or max(cond.size, a.size, b.size) <= 2048:  # (np.where wins)
        return np.where(cond, a, b)
    bits = _BITS[a.dtype.itemsize]
    bi = b.view(bits)
    shape = np.broadcast_shapes(cond.shape, a.shape, b.shape)
    if b.ndim == 0 and not bi:  # b is +0.0 (a ReLU's or a max's gradient): its bits are all zero
        # in a's memory order, as a product a * cond would be: a permuted gradient (a convolution's)
        # stays permuted, and what is summed from it later is summed in the same order
        out = np.empty_like(a, dtype=bits) if a.shape == shape else np.empty(shape, dtype=bits)
        np.negative(cond, dtype=bits, out=out)
        out &= a.view(bits)
        return out.view(a.dtype)
    out = np.empty(shape, dtype=bits)  # (0-d stays an array)
    np.bitwise_xor(a.view(bits), bi, out=out)
    out &= np.negative(cond, dtype=bits)  # (True -> all ones)
    out ^= bi
    return out.view(a.dtype)


def sign(a: Array) -> Array:
    """np.sign, but 0 at NaN as PyTorch's sign (and so abs's gradient there); a bool is its own sign."""
    s: Array = a.copy() if a.dtype == np.bool_ else np.sign(a)
    if s.dtype.kind == "f":
        nan = np.isnan(s)
        if nan.any():
            s = np.where(nan, s.dtype.type(0), s)
    return s


# ------------------------------------------------------------------ selection


def best_first(a: Array, d: int, k: int, largest: bool) -> Array | None:
    """The positions of the k + 1 best values along ``d`` (largest or smallest), best first, equal values
    by position (a stable sort's order), for a float array without NaN where k + 1 < its size along d;
    None otherwise (the caller sorts everything).

    A partition finds the k + 1 best in one O(n) pass; only they are sorted. Which of several values
    equal to the (k + 1)-th the partition keeps can differ from a full sort's, so a caller that needs
    the cut exact checks for a tie there. (topk(x, 10) of (256, 1000): 15 -> 1 ms.)
    """
    if a.dtype.kind != "f" or k + 1 >= a.shape[d] or np.isnan(a).any():
        return None
    key = -a if largest else a
    if d == a.ndim - 1:  # along the last dim (a sampling loop's logits): rows, by plain indexing
        rows = key.reshape(-1, a.shape[d])
        part = np.argpartition(rows, k, axis=1)[:, : k + 1]
        r = np.arange(rows.shape[0])[:, None]
        ordered: Array = part[r, np.lexsort((part, rows[r, part]), axis=1)]
        return ordered.reshape(*a.shape[:-1], k + 1)
    best = np.take(np.argpartition(key, k, axis=d), np.arange(k + 1), axis=d)
    ranked: Array = np.take_along_axis(best, np.lexsort((best, np.take_along_axis(key, best, d)), axis=d), d)
    return ranked


# ------------------------------------------------------------------ scatter-add


def add_rows(out: Array, rows: Array, a: Array) -> None:
    """out[rows[i]] += a[i] for each i in order (repeats accumulate onto the running value, as PyTorch's
    index_add_): ``np.add.at(out, (rows,), a)`` for a C-contiguous ``out`` and ``a`` of shape
    ``rows.shape + out.shape[1:]``, the same sums bit for bit.

    np.add.at takes whole rows on its slow path, element by element; on the flat
    view (row r's column c is element r * width + c, negative r counting from the end
    alike) it takes its fast path: 3-4x faster on an embedding gradient. The flat
    indices go in blocks of ~64K, so they cost a bounded temporary.

    Raises:
        IndexError: a row outside [-n, n) (numpy's, from the flat index).
    """
    width = math.prod(out.shape[1:])
    if rows.size == 0 or width == 0:
        return
    flat_rows, flat_out = rows.reshape(-1), out.reshape(-1)
    flat_a = a.reshape(-1)
    step = max(1, CHUNK_ELEMENTS // width)
    columns = np.arange(width)
    for i in range(0, flat_rows.size, step):
        block = flat_rows[i : i + step, None] * width + columns
        np.add.at(flat_out, block.reshape(-1), flat_a[i * width : (i + step) * width])


CHUNK_ELEMENTS = 1 << 16


def add_at(out: Array, index: Any, values: Array) -> None:
    """``np.add.at(out, index, values)``, the same sums in the same order; an index of one integer array
    per dim (scatter_add's, index_put_'s) goes through the flat view, where np.add.at takes its fast
    path (4x faster on a (256, 64) scatter_add); any other index, or one out of range (for numpy's
    IndexError), goes to np.add.at as it is.
    """
    if type(index) is tuple and len(index) == out.ndim and out.flags.c_contiguous and all(
            isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in index):
        try:
            flat = np.ravel_multi_index([np.where(i < 0, i + n, i) for i, n in zip(index, out.shape)],
                                        out.shape)
        except ValueError:
            flat = None
        if flat is not None:
            np.add.at(out.reshape(-1), flat.reshape(-1), np.broadcast_to(values, flat.shape).reshape(-1))
            return
    np.add.at(out, index, values)


def add_rows_along(out: Array, d: int, rows: Array, a: Array) -> None:
    """``np.add.at(out, (slice(None),) * d + (rows,), a)``: :func:`add_rows` along dim ``d`` (the backward
    of picking positions along a dim, as interpolation and index_select do), the same sums in the same
    order. ``rows`` must lie in [-n, n) for n = out.shape[d] (an index numpy has already applied
    forward): each leading position p takes rows p * n + r of out viewed as (lead * n, width).
    """
    if d == 0:
        add_rows(out, rows, a)
        return
    n, flat = out.shape[d], rows.reshape(-1)
    lead, width = math.prod(out.shape[:d]), math.prod(out.shape[d + 1 :])
    starts = np.arange(lead)[:, None] * n
    picked = (starts + np.where(flat < 0, flat + n, flat)).reshape(-1)
    add_rows(out.reshape(lead * n, width), picked, a.reshape(lead * flat.size, width))


# ------------------------------------------------------------- pointwise rules


def round_to_bfloat16(a: Array) -> Array:
    """``a`` rounded to bfloat16 (to nearest, ties to even, via float32 as PyTorch's ``.bfloat16()``),
    held in float32; NaN stays NaN. numpy has no bfloat16: the top 16 bits of a float32 are one."""
    single = np.asarray(a, dtype=np.float32)
    bits = single.view(np.uint32)
    half_up = np.uint32(0x7FFF) + ((bits >> 16) & np.uint32(1))  # ties go to the even neighbour
    rounded = ((bits + half_up) & np.uint32(0xFFFF0000)).view(np.float32)
    return np.where(np.isnan(single), single, rounded)


def xlogy(a: Array, b: Array, log: Any = np.log) -> Array:
    """a * log(b), 0 where a == 0 unless b is nan (PyTorch's xlogy; ``log=np.log1p`` gives xlog1py)."""
    out: Array = np.where((a == 0) & ~np.isnan(b), a.dtype.type(0), a * log(b))
    return out


def power(a: Array, b: Array) -> Array:
    """a ** b; integers follow PyTorch where b < 0 (numpy raises): 1 ** b is 1, (-1) ** b is +-1, else 0."""
    if a.dtype.kind == "f" or not (b < 0).any():
        return np.asarray(np.power(a, b))
    neg, odd = b < 0, (b % 2) == 1
    out: Array = np.where(neg, np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)),
                          np.power(a, np.where(neg, 0, b))).astype(np.result_type(a, b))
    return out


def remainder(a: Array, b: Array) -> Array:
    """PyTorch's float remainder: fmod, plus b where the signs differ (so -5 % 2.5 is -0.0, as there)."""
    m = np.fmod(a, b)
    out: Array = np.where((m != 0) & ((b < 0) != (m < 0)), m + b, m)
    return out


# --------------------------------------------------------------- linear algebra
# numpy.linalg's LAPACK calls, batched over the leading dims. A failure raises numpy's LinAlgError, which
# ops.py turns into minigrad's. A primitive has one output, so a decomposition's results come back packed.


def stack_first(arrays: Sequence[Array]) -> Array | None:
    """``np.stack(arrays)`` for same-shape, same-dtype arrays of rank >= 1: one concatenate and a reshape.

    np.stack makes a new-axis view of each array first (~0.2 us each, more than copying a sample's
    row); joining them flat and viewing the result as (n, *shape) copies each array once and
    nothing else. None for 0-d arrays and when the joined result is not row-major (inputs laid out
    otherwise, whose stacking the caller lays out itself).
    """
    first = arrays[0]
    if not first.ndim:
        return None
    out = np.concatenate(arrays)
    if not out.flags.c_contiguous:
        return None
    return out.reshape((len(arrays), *first.shape))


def pack(*parts: Array) -> Array:
    """Parts of shape (*batch, p, q) as one (*batch, sum of p * q) array, each flattened in turn."""
    batch = parts[0].shape[:-2]
    return np.concatenate([p.reshape(*batch, p.shape[-2] * p.shape[-1]) for p in parts], axis=-1)


def inv(a: Array) -> Array:
    """The inverse of each matrix; all NaN for a matrix holding a NaN (LAPACK leaves part of it finite,
    PyTorch's is all NaN)."""
    out: Array = np.linalg.inv(a)
    bad = np.isnan(a).any(axis=(-2, -1))
    if bad.any():
        out[bad] = np.nan
    return out


def solve_triangular(a: Array, b: Array, upper: bool) -> Array:
    """X with A X = B for triangular A (..., n, n) (zero outside the ``upper`` or lower triangle), B
    (..., n, k), batch dims broadcast. As BLAS's trsm, which PyTorch calls, a singular A is no error: a
    zero on the diagonal gives inf and nan by substitution (done only then; LAPACK's solve otherwise)."""
    if np.all(np.diagonal(a, axis1=-2, axis2=-1) != 0):
        return solve(a, b)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    n = a.shape[-1]
    x = np.zeros(b.shape, dtype=np.result_type(a, b))
    with np.errstate(all="ignore"):
        for i in range(n - 1, -1, -1) if upper else range(n):
            done = slice(i + 1, n) if upper else slice(0, i)
            rest = a[..., i:i + 1, done] @ x[..., done, :]
            x[..., i:i + 1, :] = (b[..., i:i + 1, :] - rest) / a[..., i:i + 1, i:i + 1]
    return x


def solve(a: Array, b: Array) -> Array:
    """X with A X = B (batch dims broadcast); all NaN for a matrix A holding a NaN, as PyTorch's (its LU
    spreads the NaN; LAPACK's pivoting can leave part of X finite)."""
    out: Array = np.linalg.solve(a, b)
    bad = np.asarray(np.isnan(a).any(axis=(-2, -1), keepdims=True))
    return np.where(bad, np.nan, out).astype(out.dtype, copy=False) if bad.any() else out


def slogdet(a: Array) -> Array:
    """[sign, log|det|] of each matrix, packed (..., 2); the sign is 0 where log|det| is NaN (PyTorch's
    sign of a NaN pivot; numpy says 1)."""
    sign, logabs = np.linalg.slogdet(a)
    sign = np.where(np.isnan(logabs), 0, sign)
    return np.stack([sign, logabs], axis=-1).astype(a.dtype, copy=False)


def cholesky(a: Array) -> Array:
    """The lower Cholesky factor; a NaN matrix is refused as PyTorch's (LAPACK's potrf stops at the NaN
    pivot without an error)."""
    out: Array = np.linalg.cholesky(a)
    if np.isnan(a).any() and not np.isfinite(out).all():
        raise np.linalg.LinAlgError("the input is not positive-definite (it holds NaN)")
    return out


def lu(a: Array, pivot: bool = True) -> tuple[Array, Array]:
    """Gaussian elimination with partial pivoting (LAPACK getrf's choices): the packed factors (L's
    multipliers below the diagonal, U on and above it) of each matrix (..., m, n) and LAPACK's pivots
    (..., min(m, n)), 0-based: row j was swapped with row pivots[j] at step j. A zero pivot column is
    left as is (multipliers 0), as LAPACK does for singular matrices."""
    out = np.array(a, dtype=a.dtype, copy=True)
    m, n = out.shape[-2:]
    k = min(m, n)
    pivots = np.zeros((*out.shape[:-2], k), dtype=np.int64)
    for j in range(k):
        if pivot and j + 1 < m:
            p = j + np.argmax(np.abs(out[..., j:, j]), axis=-1)
            pivots[..., j] = p
            rows = np.broadcast_to(np.arange(m), out.shape[:-1]).copy()
            rows[..., j] = p
            np.put_along_axis(rows, p[..., None], j, axis=-1)
            out = np.take_along_axis(out, rows[..., None], axis=-2)
        else:
            pivots[..., j] = j
        head = out[..., j, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            factors = np.where(head[..., None] != 0, out[..., j + 1:, j] / head[..., None], 0.0)
        out[..., j + 1:, j] = factors
        out[..., j + 1:, j + 1:] -= factors[..., :, None] * out[..., j, None, j + 1:]
    return out, pivots


def qr(a: Array, mode: str) -> Array:
    """[Q | R] packed (mode 'reduced' or 'complete'), or R alone (mode 'r')."""
    if mode == "r":
        return np.asarray(np.linalg.qr(a, mode="r"))
    q, r = np.linalg.qr(a, mode=mode)  # type: ignore[call-overload]
    return pack(q, r)


def geqrf(a: Array) -> tuple[Array, Array]:
    """LAPACK's geqrf, as ``torch.geqrf``: R on and above the diagonal, the Householder vectors below
    it (their leading 1 implicit), and the scalars tau."""
    h, tau = np.linalg.qr(a, mode="raw")
    return np.swapaxes(h, -1, -2), tau


def qr_positive(a: Array) -> Array:
    """The reduced Q of ``a``'s QR decomposition, each column times the sign of R's diagonal entry
    (so that R's diagonal is non-negative: the unique Q of a full-rank ``a``; a zero sign zeroes it)."""
    q, r = np.linalg.qr(a)
    signed: Array = q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    return signed


class WordedLinAlgError(np.linalg.LinAlgError):
    """A LAPACK failure whose message is already PyTorch's whole message (no name or shape to add)."""


def _svd(a: Array, full_matrices: bool) -> tuple[Array, Array, Array]:
    """numpy's SVD, refusing a matrix with NaN or inf in PyTorch's words for one with NaN, naming the
    first such batch element (LAPACK's gesdd never returns on inf; PyTorch's ends as MKL's gesdd does)."""
    finite = np.isfinite(a).all(axis=(-2, -1))
    if not finite.all():
        where = f"(Batch element {int(np.argmin(finite.reshape(-1)))}): " if a.ndim > 2 else ""
        raise WordedLinAlgError(f"linalg.svd: {where}The algorithm failed to converge because the input "
                                "matrix contained non-finite values.")
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u, s, vh


def svd(a: Array, full_matrices: bool) -> Array:
    """[U | S | Vh] packed, S as a column."""
    u, s, vh = _svd(a, full_matrices)
    return pack(u, s[..., None], vh)


def eigh(a: Array) -> Array:
    """[eigenvalues | eigenvectors] packed, the eigenvalues (ascending) as a column; the lower triangle
    is read."""
    w, q = np.linalg.eigh(a)
    return pack(w[..., None], q)


def pinv(a: Array, atol: Array, rtol: Array, hermitian: bool) -> Array:
    """The pseudo-inverse V diag(1/s) U^T over the singular values s > max(atol, rtol * s_max) (atol and
    rtol broadcast with the batch dims); ``hermitian``: Q diag(1/w) Q^T from eigh (the lower triangle),
    over the eigenvalues with |w| above the cutoff, as PyTorch's."""
    if a.size == 0:  # (then PyTorch does not ask for a square matrix even if hermitian)
        return np.zeros((*a.shape[:-2], a.shape[-1], a.shape[-2]), dtype=a.dtype)
    if hermitian:
        w, q = np.linalg.eigh(a)
        s, left, right = np.abs(w), q, q
    else:
        left, w, vh = _svd(a, False)
        s, right = w, np.swapaxes(vh, -1, -2)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros((*s.shape[:-1], 1), dtype=s.dtype)
    keep = s > np.maximum(atol[..., None], rtol[..., None] * smax)
    inverse = np.where(keep, 1 / np.where(keep, w, 1), 0).astype(a.dtype, copy=False)
    return np.asarray((right * inverse[..., None, :]) @ np.swapaxes(left, -1, -2))


def gemm_ready(x: Array) -> Array:
    """x, or a contiguous copy of it where numpy would not hand its matrices to BLAS.

    numpy runs its own slow loop for matrices that repeat a row or a column (a
    stride of 0: a ``sum()``'s gradient is such a broadcast; copying is 10-20x
    faster) and, in a batch, for matrices stored by columns (``k.transpose(-2, -1)``
    in attention, and every batched product's gradient: 3x faster with the copy).
    """
    if x.ndim >= 2 and x.size > 1:
        strides = x.strides
        if 0 in strides[-2:] or (x.ndim > 2 and strides[-1] != x.itemsize and x.shape[-1] > 1):
            return np.ascontiguousarray(x)
    return x


def mm(a: Array, b: Array) -> Array:
    """a @ b for matrices a (m, k) and b (k, n), as BLAS runs them fastest.

    A Linear on a small batch is x @ w.T: a narrow matrix times a transposed
    row-major weight. OpenBLAS's kernels for that orientation are slow when m
    is small, while w @ x.T (the same products, summed in the same order: the
    same bits) is fast: for m <= 32 rows and k, n >= 128, 0.53-0.75x the time
    with the copy back to row-major, and 0.85-0.9x for m = 64 (measured for
    k, n in 128..4096, float32, one thread; larger batches and float64 gain
    nothing). The result is row-major, as the plain product's.
    """
    m, k = a.shape
    n = b.shape[1]
    if (m <= 64 and k >= 128 and n >= 128 and a.dtype == b.dtype == np.float32
            and a.flags.c_contiguous and b.flags.f_contiguous and not b.flags.c_contiguous):
        return np.ascontiguousarray((b.T @ a.T).T)
    return gemm_ready(a) @ gemm_ready(b)


def few_rows(x: Array, w: Array, d: Array) -> bool:
    """Whether the gradient of x in x @ w (upstream d) suits :func:`few_rows_left_grad`: x a batch of
    matrices of at most 4 rows broadcast along some of w's batch dims (w's batch dims d's)."""
    return (2 < x.ndim <= d.ndim and w.ndim == d.ndim and x.shape[-2] <= 4 and x.dtype == w.dtype == d.dtype
            and w.shape[:-2] == d.shape[:-2] and x.shape[:-2] != d.shape[:-2])


def few_rows_left_grad(d: Array, w: Array, shape: tuple[int, ...]) -> Array:
    """The gradient of x (of ``shape``) in x @ w: d @ w^T summed over the batch dims x broadcasts along,
    by one einsum.

    A grouped convolution with one filter per group (depthwise) is a batch of (1, K) @ (K, L)
    products; through BLAS its weight gradient needs a transposed copy of every image's columns
    (kernel-size times the input) and N products of one row, 8x slower than the einsum.
    """
    nb = d.ndim - 2
    letters = _LETTERS[:nb]
    batch = (1,) * (d.ndim - len(shape)) + shape[:-2]
    kept = "".join(c for c, n in zip(letters, batch) if n != 1)
    out: Array = np.einsum(f"{letters}YZ,{letters}XZ->{kept}YX", d, w)
    return out.reshape(shape)


def shared_left_grad(d: Array, w: Array) -> Array:
    """The gradient of a matrix a in a @ w for a batch w (N, K, L): the sum over i of d[i] @ w[i]^T.

    A convolution's weight times its im2col columns is this product. With
    short rows (few windows per image: deep layers, LeNet's last conv) the N
    small products waste the GEMM; one (K, N * L) @ (N * L, M) product after
    two transposing copies is 1.4-50x faster on this project's machines. With
    long rows (L > 256) the copies cost more than they save: then the
    per-image products (N, M, K) are returned, for the engine to sum.
    """
    n, k, length = w.shape
    if length > 256:
        out: Array = d @ w.swapaxes(-1, -2)  # (the engine sums it over the batch)
        return out
    cols = np.ascontiguousarray(w.transpose(1, 0, 2)).reshape(k, n * length)
    rows = np.ascontiguousarray(d.transpose(1, 0, 2)).reshape(d.shape[1], n * length)
    out = (cols @ rows.T).T
    return out
