"""Numpy kernels that are not derivatives: the computations behind some primitives' forward.

``ops.py`` says *what* each primitive computes and how its gradient follows;
the numerics of *how* to compute some of them fast or exactly live here:
numpy's error state (:func:`quiet`), the BLAS and einsum paths for sums
(and for sums of squares and of products), softmax and log-softmax, the
row scatter-add of embedding gradients, erf (numpy has none), sign with
PyTorch's NaN rule, and an overflow-free sigmoid. Plain numpy in, plain
numpy out; of minigrad this module imports only the shape rules.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from minigrad.shapes import keepdim_shape

__all__ = [
    "QUIET", "add_rows", "erf", "log_softmax", "memory_owner", "product_sum_to", "quiet",
    "reset_errstate", "set_errstate", "sigmoid", "sign", "softmax", "sum_of_squares", "sum_over",
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


def memory_owner(a: Array) -> int:
    """The id of the array that owns ``a``'s memory (``a`` itself unless it is a view)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return id(a)


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


def _kept(ndim: int, dims: tuple[int, ...] | None) -> tuple[str, str]:
    """einsum subscripts of an ``ndim``-dim array and of its sum over ``dims`` (None: all)."""
    letters = _LETTERS[:ndim]
    return letters, "".join(c for i, c in enumerate(letters) if dims is not None and i not in dims)


def sum_over(a: Array, dims: tuple[int, ...] | None, keepdim: bool) -> Array:
    """np.sum over ``dims`` (None: all); partial sums of large float arrays go to BLAS or einsum.

    A sum over rows is a product with a ones vector: on data in cache BLAS is
    3-4x faster than np.sum over short rows (0.06 vs 0.23 ms on 4096 rows of
    256, LayerNorm's shape). Arrays too large to stay in cache are summed by
    einsum instead (see ``_STREAMING``).
    """
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
    return np.asarray(np.sum(a, dims, None, None, keepdim))


def sum_of_squares(d: Array, dims: tuple[int, ...] | None) -> Array:
    """sum(d * d) over ``dims`` (None: all, dims dropped) in one pass, without the squared temporary."""
    letters, kept = _kept(d.ndim, dims)
    return np.asarray(np.einsum(f"{letters},{letters}->{kept}", d, d))


def product_sum_to(g: Array, other: Array, shape: tuple[int, ...]) -> Array:
    """(g * other) summed down to ``shape``, a broadcast-compatible shape of g's (= other's) shape.

    One einsum pass instead of a full-size product and then a sum: the
    gradient of a broadcast operand of a product (a LayerNorm weight).
    """
    lead = g.ndim - len(shape)
    letters = _LETTERS[: g.ndim]
    kept = "".join(c for i, c in enumerate(letters) if i >= lead and shape[i - lead] != 1)
    return np.asarray(np.einsum(f"{letters},{letters}->{kept}", g, other)).reshape(shape)


# ------------------------------------------------------------- softmax family


def softmax(a: Array, dim: int) -> Array:
    """exp(a - max) / sum(exp(a - max)) along ``dim``."""
    if a.size == 0:  # max has no identity; an empty softmax is empty (PyTorch)
        return np.array(a)
    e: Array = np.exp(a - a.max(axis=dim, keepdims=True))
    e /= e.sum(axis=dim, keepdims=True)
    return e


def log_softmax(a: Array, dim: int) -> Array:
    """a - max - log(sum(exp(a - max))) along ``dim``."""
    if a.size == 0:
        return np.array(a)
    shifted: Array = a - a.max(axis=dim, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
    return shifted


def sigmoid(a: Array) -> Array:
    """1 / (1 + exp(-a)), each half of the real line computed without overflow."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def sign(a: Array) -> Array:
    """np.sign, but 0 at NaN as PyTorch's sign (and so abs's gradient there)."""
    s: Array = np.sign(a)
    if s.dtype.kind == "f":
        nan = np.isnan(s)
        if nan.any():
            s = np.where(nan, s.dtype.type(0), s)
    return s


# ------------------------------------------------------------------ scatter-add


def add_rows(out: Array, rows: Array, a: Array) -> None:
    """out[rows[i]] += a[i] for an integer array of row numbers (repeats accumulate).

    np.add.at adds one element at a time, 20x slower than this for the
    embedding gradient: sort the rows, sum each run of equal rows with one
    reduceat, write each distinct row once.
    """
    if rows.size == 0:
        return
    flat = rows.reshape(-1) % out.shape[0]  # -1 and n-1 are the same row
    order = np.argsort(flat, kind="stable")
    sorted_rows = flat[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_rows[1:] != sorted_rows[:-1])))
    values = a.reshape(flat.size, -1)[order]
    out.reshape(out.shape[0], -1)[sorted_rows[starts]] = np.add.reduceat(values, starts, axis=0)


# ---------------------------------------------------------------- error function

# Coefficients of the rational approximations of erf/erfc from Sun's fdlibm
# (s_erf.c, Copyright (C) 1993 by Sun Microsystems, Inc.; "Permission to use,
# copy, modify, and distribute this software is freely granted, provided that
# this notice is preserved."). Error below 1 ulp in float64; numpy has no erf.
_ERX = 8.45062911510467529297e-01
_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)  # fmt: skip
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
       1.32494738004321644526e-04, -3.96022827877536812320e-06)  # fmt: skip
_PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
       3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
       -2.16637559486879084300e-03)  # fmt: skip
_QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
       1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02)  # fmt: skip
_RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e01,
       -6.23753324503260060396e01, -1.62396669462573470355e02, -1.84605092906711035994e02,
       -8.12874355063065934246e01, -9.81432934416914548592e00)  # fmt: skip
_SA = (1.0, 1.96512716674392571292e01, 1.37657754143519042600e02, 4.34565877475229228821e02,
       6.45387271733267880336e02, 4.29008140027567833386e02, 1.08635005541779435134e02,
       6.57024977031928170135e00, -6.04244152148580987438e-02)  # fmt: skip
_RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e01,
       -1.60636384855821916062e02, -6.37566443368389627722e02, -1.02509513161107724954e03,
       -4.83519191608651397019e02)  # fmt: skip
_SB = (1.0, 3.03380607434824582924e01, 3.25792512996573918826e02, 1.53672958608443695994e03,
       3.19985821950859553908e03, 2.55305040643316442583e03, 4.74528541206955367215e02,
       -2.24409524465858183362e01)  # fmt: skip


def _poly(x: Array, coeffs: tuple[float, ...]) -> Array:
    acc = np.full_like(x, coeffs[-1])
    for c in coeffs[-2::-1]:
        acc = acc * x + c
    return acc


# float32: Eigen's rational approximation (max abs error 4.2e-7, measured over
# [-6, 6] against math.erf), clamped to [-4, 4] where erf is +-1 in float32.
_ERF32_P = np.array([-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
                     -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
                     -1.60960333262415e-02], dtype=np.float32)  # fmt: skip
_ERF32_Q = np.array([-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
                     -7.37332916720468e-03, -1.42647390514189e-02], dtype=np.float32)  # fmt: skip
_CHUNK = 1 << 16  # elements per block: the temporaries stay in cache (4x faster at 0.5M)


def _erf32(x: Array) -> Array:
    out = np.empty_like(x)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)
    for i in range(0, flat_x.size, _CHUNK):
        xc = np.clip(flat_x[i : i + _CHUNK], np.float32(-4), np.float32(4))
        x2 = xc * xc
        p = x2 * _ERF32_P[0]
        p += _ERF32_P[1]
        for c in _ERF32_P[2:]:
            p *= x2
            p += c
        q = x2 * _ERF32_Q[0]
        q += _ERF32_Q[1]
        for c in _ERF32_Q[2:]:
            q *= x2
            q += c
        p *= xc
        np.divide(p, q, out=flat_out[i : i + _CHUNK])
    return out


def _erf64(x64: Array) -> Array:
    ax = np.abs(x64)
    out = np.empty_like(x64)
    small = ax < 0.84375
    z = x64[small] ** 2
    out[small] = x64[small] + x64[small] * (_poly(z, _PP) / _poly(z, _QQ))
    mid = (ax >= 0.84375) & (ax < 1.25)
    s = ax[mid] - 1
    out[mid] = np.copysign(_ERX + _poly(s, _PA) / _poly(s, _QA), x64[mid])
    tail = (ax >= 1.25) & (ax < 6)
    at = ax[tail]
    s = 1 / (at * at)
    near = at < 1 / 0.35
    r = np.where(near, _poly(s, _RA) / _poly(s, _SA), _poly(s, _RB) / _poly(s, _SB))
    zz = (at.view(np.int64) & np.int64(-(1 << 32))).view(np.float64)  # high word only
    e = np.exp(-zz * zz - 0.5625) * np.exp((zz - at) * (zz + at) + r) / at
    out[tail] = np.copysign(1 - e, x64[tail])
    big = ~(small | mid | tail)
    out[big] = np.where(np.isnan(x64[big]), np.nan, np.copysign(1.0, x64[big]))
    return out


def erf(x: Array) -> Array:
    """The error function, elementwise, in x's floating dtype.

    float32 uses a single rational approximation (error below 4.2e-7);
    float64 uses fdlibm's piecewise method (error below 1 ulp).
    """
    if x.dtype == np.float32:
        return _erf32(x)
    return _erf64(x.astype(np.float64, copy=False)).astype(x.dtype, copy=False)
