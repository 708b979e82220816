"""Special-function kernels on numpy arrays, which numpy lacks: ``erf`` and its inverse ``erfinv``.

The primitives ``Erf``, ``Erfinv`` and ``Gelu`` of ``minigrad/ops.py`` call
these for their forward values (so with numpy's floating-point errors
ignored: ``Function.apply`` runs every forward quiet); no gradient code lives here.
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

Array: TypeAlias = npt.NDArray[Any]

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


# float32: erf(x) = tanh(x * P(x**2)) for |x| <= 4.1 (beyond, erf is +-1 in float32 and so is the
# clamped form: from there numpy's tanh gives 1). atanh(erf(x)) / x is smooth and even, so a degree-6
# P holds it to float32 precision: its coefficients were fitted (iteratively reweighted least squares,
# Lawson's minimax scheme) to the error in ulps of erf on 40,000 points of [0, 3.92]. Measured against
# math.erf on 520,000 points of [-6, 6]: at most 3.7 ulps, 0.72 on average (Eigen's rational form,
# used before: 7.3 and 0.73). numpy's tanh is one pass as fast as a product, so this is 16 passes
# over the data instead of 24.
_ERF32_LIMIT = np.float32(4.1)
_ERF32_P = (1.4514293411593826e-07, -5.724522452510428e-06, 8.795813482720405e-05, -0.000620514911133796,
            -0.00019125120888929814, 0.10276899486780167, 1.128379225730896)  # fmt: skip
# GELU's Phi(x) = (1 + erf(x / sqrt(2))) / 2 takes x unscaled: tanh(x * Q(x**2)) with
# Q(y) = P(y / 2) / sqrt(2), so the scaling pass goes into the coefficients.
_GELU32_LIMIT = np.float32(4.1 * math.sqrt(2))
_GELU32_Q = tuple(c / math.sqrt(2) / 2.0 ** (len(_ERF32_P) - 1 - i) for i, c in enumerate(_ERF32_P))
CHUNK = 1 << 16  # elements per block: the temporaries stay in cache (4x faster at 0.5M)


def _erf32(x: Array) -> Array:
    # C order: the blocks are written through out.reshape(-1), a view only of a C-contiguous array
    # (empty_like keeps a strided input's layout, and the writes went to a copy)
    out = np.empty(x.shape, dtype=x.dtype)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)
    scratch = Erf32Scratch(min(flat_x.size, CHUNK))
    for i in range(0, flat_x.size, CHUNK):
        scratch.tanh_form(flat_x[i : i + CHUNK], _ERF32_LIMIT, _ERF32_P, flat_out[i : i + CHUNK])
    return out


class Erf32Scratch:
    """Reused block-sized buffers for float32 erf: one allocation per call instead of two per block.

    A fresh block-sized temporary is a page-faulting allocation each time; reusing
    one set keeps the whole evaluation in cache (1.4 -> 1.0 ms on 0.5M elements).
    """

    __slots__ = ("p", "x")

    def __init__(self, n: int) -> None:
        self.x, self.p = np.empty(n, np.float32), np.empty(n, np.float32)

    def tanh_form(self, block: Array, limit: np.float32, coeffs: tuple[float, ...], out: Array) -> None:
        """out = tanh(xc * P(xc**2)) for xc = block clamped to [-limit, limit], P of ``coeffs`` (highest
        first), by Horner's rule in float32."""
        n = block.size
        xc, p = self.x[:n], self.p[:n]
        np.clip(block, -limit, limit, out=xc)
        np.multiply(xc, xc, out=out)  # (out holds x**2 until the last pass)
        np.multiply(out, np.float32(coeffs[0]), out=p)
        p += np.float32(coeffs[1])
        for c in coeffs[2:]:
            p *= out
            p += np.float32(c)
        p *= xc
        np.tanh(p, out=out)


def gelu32(a: Array) -> tuple[Array, Array]:
    """(a * Phi(a), Phi(a)) for a non-empty float32 array, Phi(a) = (1 + erf(a / sqrt(2))) / 2.

    erf's tanh form on unscaled a, + 1, * 0.5 and a * Phi in that order, one
    cache-sized block at a time: on a transformer's widest activation the
    full-size passes around erf otherwise cost as much as erf itself.
    """
    out, half = np.empty(a.shape, np.float32), np.empty(a.shape, np.float32)
    flat_a, flat_out, flat_half = a.reshape(-1), out.reshape(-1), half.reshape(-1)
    scratch = Erf32Scratch(min(a.size, CHUNK))
    for i in range(0, a.size, CHUNK):
        block, h = flat_a[i : i + CHUNK], flat_half[i : i + CHUNK]
        scratch.tanh_form(block, _GELU32_LIMIT, _GELU32_Q, h)
        h += 1
        h *= 0.5
        np.multiply(block, h, out=flat_out[i : i + CHUNK])
    return out, half


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

    float32 uses tanh(x * P(x**2)) with a degree-6 polynomial P (error at most 3.7 ulps);
    float64 uses fdlibm's piecewise method (error below 1 ulp).
    """
    if x.dtype == np.float32:
        return _erf32(x)
    return _erf64(x.astype(np.float64, copy=False)).astype(x.dtype, copy=False)


# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011): a single-precision
# polynomial start, then Newton steps on erf(y) = x with minigrad's erf (two reach float64 precision).
_GILES_CENTRAL = (1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.000218580870,
                  -4.39150654e-06, -3.52338770e-06, 3.43273939e-07, 2.81022636e-08)  # fmt: skip
_GILES_TAIL = (2.83297682, 1.00167406, 0.00943887047, -0.00767691030, 0.00573950773, -0.00367342844,
               0.00134934322, 0.000100950558, -0.000200214257)  # fmt: skip


def erfinv(x: Array) -> Array:
    """The inverse error function, elementwise: erf(erfinv(x)) == x on (-1, 1); +-inf at +-1, nan outside."""
    dtype = x.dtype
    x64 = x.astype(np.float64)
    w = -np.log((1 - x64) * (1 + x64))
    central = w < 5
    wc = np.where(central, w - 2.5, np.sqrt(w) - 3)
    p = np.where(central, _GILES_CENTRAL[-1], _GILES_TAIL[-1])
    for c_central, c_tail in zip(_GILES_CENTRAL[-2::-1], _GILES_TAIL[-2::-1]):
        p = np.where(central, c_central, c_tail) + p * wc
    y = p * x64
    inside = np.abs(x64) < 1
    for _ in range(2):  # Newton: y -= (erf(y) - x) / erf'(y)
        step = (erf(y) - x64) / (2 / math.sqrt(math.pi) * np.exp(-y * y))
        y = np.where(inside, y - step, y)
    y = np.where(np.abs(x64) == 1, np.copysign(np.inf, x64), y)
    y = np.where(np.abs(x64) > 1, np.nan, y)
    return y.astype(dtype, copy=False)


# ----------------------------------------------------------------- the gamma family
# Bernoulli numbers B_2, B_4, ..., B_20: the coefficients of Stirling's series and of the
# Euler-Maclaurin tail of the Hurwitz zeta function.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330)  # fmt: skip
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _shift_up(x: Array, to: float, fn: Any) -> tuple[Array, Array]:
    """(sum of fn(x + k) over k = 0, 1, ... while x + k < to, and the first x + k >= to), for x > 0."""
    steps = np.ceil(np.fmax(to - x, 0.0))  # (fmax: nan takes no steps)
    total = np.zeros_like(x)
    for k in range(int(steps.max(initial=0.0))):
        total += np.where(k < steps, fn(x + k), 0.0)
    return total, x + steps


def _hurwitz_zeta(s: int, q: Array) -> Array:
    """zeta(s, q) = sum over k >= 0 of (q + k) ** -s, for an integer s >= 2 and q > 0.

    Direct terms until q + k >= s + 9, then the Euler-Maclaurin tail with ten
    Bernoulli terms (each term is at most a tenth of the last there: error below 1e-16).
    """
    head, y = _shift_up(q, s + 9.0, lambda t: t ** float(-s))
    p = y ** float(1 - s)
    inv2 = 1 / (y * y)
    series = np.zeros_like(y)
    rising, fact = float(s), 2.0  # s (s+1) ... (s+2k-2) and (2k)!
    coeffs = []
    for k, b in enumerate(_BERNOULLI, start=1):
        coeffs.append(b / fact * rising)
        rising *= (s + 2 * k - 1) * (s + 2 * k)
        fact *= (2 * k + 1) * (2 * k + 2)
    for c in reversed(coeffs):
        series = (series + c) * inv2
    return head + p / (s - 1) + p / y * (0.5 + series * y)


# lgamma(2 + z) = (1 - euler_gamma) z + sum over k >= 2 of (-1)**k (zeta(k) - 1) / k z**k; for |z| <= 1/2
# the k-th term is below 4**-k / k, so 30 terms reach double precision.
_EULER_GAMMA = 0.57721566490153286061
_LGAMMA2 = (0.0, 1 - _EULER_GAMMA,
            *((-1) ** k * float(_hurwitz_zeta(k, np.array(2.0))) / k for k in range(2, 31)))


def _lgamma_positive(x: Array) -> Array:
    """log Gamma(x) for x > 0: near 1 and 2 by the series about 2, beyond 10 Stirling's series."""
    big = x >= 10
    xb = np.where(big, x, 10.0)
    inv2 = 1 / (xb * xb)
    stirling = np.zeros_like(xb)
    for k in range(len(_BERNOULLI) - 1, -1, -1):  # sum of B_2k / (2k (2k-1) x**(2k-1))
        stirling = stirling * inv2 + _BERNOULLI[k] / ((2 * k + 2) * (2 * k + 1))
    stirling = (xb - 0.5) * np.log(xb) - xb + _HALF_LOG_2PI + stirling / xb
    xs = np.where(big, 2.0, x)
    n = np.floor(xs - 1.5)  # xs = 2 + n + z with z in [-1/2, 1/2)
    z = xs - 2 - n
    near = _poly(z, _LGAMMA2)
    prod = np.ones_like(xs)
    for j in range(1, 9):
        prod *= np.where(j <= n, xs - j, 1.0)
    near += np.log(prod)
    near -= np.where(n < 0, np.log1p(np.where(n == -1, z, xs)), 0.0)  # lgamma(x) = lgamma(x + 1) - log x
    near -= np.where(n == -2, np.log(np.where(n == -2, xs, 1.0)), 0.0)
    return np.where(big, stirling, near)


def lgamma(x: Array) -> Array:
    """log |Gamma(x)|, elementwise, in x's floating dtype (computed in float64).

    +inf at 0, the negative integers and +-inf; nan at nan. Below 0 the
    reflection formula lgamma(x) = -log|x' sinc(x')| - lgamma(1 - x) with x' the
    distance from x to the nearest integer; relative error about 1e-15 away from
    the zeros of lgamma (1, 2 and one between each pair of negative integers).
    """
    x64 = x.astype(np.float64)
    neg = x64 < 0
    pos = _lgamma_positive(np.where(neg, 1 - x64, np.where(x64 == 0, 1.0, x64)))
    frac = np.abs(x64 - np.trunc(x64))
    d = np.where(neg, np.minimum(frac, 1 - frac), 1.0)
    out = np.where(neg, -np.log(d) - np.log(np.sinc(d)) - pos, pos)
    out = np.where((x64 <= 0) & (x64 == np.floor(x64)) | np.isinf(x64), np.inf, out)
    return out.astype(x.dtype, copy=False)


_DIGAMMA_SERIES = tuple(b / (2 * k) for k, b in enumerate(_BERNOULLI, start=1))


def _digamma_positive(x: Array) -> Array:
    """psi(x) for x > 0: the recurrence up to 10, then the asymptotic series in 1/x**2."""
    head, y = _shift_up(x, 10.0, lambda t: 1 / t)
    inv2 = 1 / (y * y)
    return np.log(y) - 0.5 / y - _poly(inv2, (0.0, *_DIGAMMA_SERIES)) - head


def _cot_derivative(n: int) -> tuple[float, ...]:
    """Coefficients (lowest first) of P_n with d^n/dx^n cot(pi x) = pi**n P_n(cot(pi x))."""
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        p = -np.polynomial.Polynomial([1.0, 0.0, 1.0]) * p.deriv()
    return tuple(float(c) for c in p.coef)


def polygamma(n: int, x: Array) -> Array:
    """The n-th derivative of digamma, elementwise (n = 0: digamma), in x's floating dtype.

    x > 0: psi from its recurrence and asymptotic series; for n >= 1,
    (-1)**(n+1) n! zeta(n + 1, x). Below 0 the reflection formula
    psi^(n)(x) = (-1)**n psi^(n)(1 - x) - pi**(n+1) P_n(cot(pi x)). At the poles
    (0, the negative integers) PyTorch's values: digamma(+-0) = -+inf and nan
    below 0, otherwise (-1)**(n+1) inf; at -inf as a pole for n >= 2 (nan for
    n <= 1); at +inf digamma = inf, trigamma = 0 and nan for n >= 2, as PyTorch.
    """
    x64 = x.astype(np.float64)
    neg = x64 < 0
    y = np.where(neg, 1 - x64, np.where(x64 == 0, 1.0, x64))
    sign = 1.0 if n % 2 else -1.0
    if n == 0:
        core = _digamma_positive(np.where(np.isinf(y), 1.0, y))
    else:
        scale = float(math.factorial(n)) if n <= 170 else math.inf
        core = sign * scale * _hurwitz_zeta(n + 1, np.where(np.isinf(y), 1.0, y))
    r = x64 - np.round(np.where(neg & np.isfinite(x64), x64, 0.0))
    cot = 1 / np.tan(math.pi * np.where(neg & (r != 0), r, 0.5))
    out = np.where(neg, (-1) ** n * core - math.pi ** (n + 1) * _poly(cot, _cot_derivative(n)), core)
    pole = (x64 <= 0) & (x64 == np.floor(x64))
    if n == 0:
        out = np.where(pole, np.where(x64 == 0, np.copysign(np.inf, -x64), np.nan), out)
        out = np.where(x64 == np.inf, np.inf, out)
    else:
        out = np.where(pole, sign * np.inf, out)
        out = np.where(x64 == np.inf, 0.0 if n == 1 else np.nan, out)
        if n == 1:
            out = np.where(x64 == -np.inf, np.nan, out)
    return out.astype(x.dtype, copy=False)


# ----------------------------------------------------------------- erfc and the normal distribution
def _erfc64(x: Array) -> Array:
    """erfc(x) = 1 - erf(x) without the cancellation: fdlibm's pieces, with the tail out to |x| = 28."""
    ax = np.abs(x)
    small = ax < 0.84375
    s = ax - 1
    pq = _poly(s, _PA) / _poly(s, _QA)
    mid = np.where(x > 0, 1 - _ERX - pq, 1 + _ERX + pq)
    at = np.clip(ax, 1.25, 28.0)
    s2 = 1 / (at * at)
    r = np.where(at < 1 / 0.35, _poly(s2, _RA) / _poly(s2, _SA), _poly(s2, _RB) / _poly(s2, _SB))
    zz = (at.view(np.int64) & np.int64(-(1 << 32))).view(np.float64)  # high word only
    e = np.exp(-zz * zz - 0.5625) * np.exp((zz - at) * (zz + at) + r) / at
    e = np.where(ax < 28, e, 0.0)
    big = np.where(ax < 1.25, mid, np.where(x > 0, e, 2 - e))
    out = np.where(small, 1 - _erf64(np.where(small, x, 0.0)), big)
    return np.where(np.isnan(x), np.nan, out)


def erfc(x: Array) -> Array:
    """The complementary error function 1 - erf(x), elementwise, accurate in the upper tail (error ~1 ulp)."""
    return _erfc64(x.astype(np.float64)).astype(x.dtype, copy=False)


_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_FRAC_SQRT_2 = 0.707106781186547524400844362104849039  # c10::frac_sqrt_2, 1 / sqrt(2)


def _log_ndtr64(x: Array) -> Array:
    xc = np.minimum(x, -20.0)
    inv2 = 1 / (xc * xc)
    series = np.ones_like(xc)  # log Phi(x) ~ -x**2/2 - log(-x sqrt(2 pi)) + log(1 - 1/x**2 + 3/x**4 - ...)
    term = np.ones_like(xc)
    for k in range(1, 13):
        term = term * -(2 * k - 1) * inv2
        series = series + term
    tail = -0.5 * xc * xc - np.log(-xc) - _LOG_SQRT_2PI + np.log(series)
    upper = np.log1p(-0.5 * _erfc64(x / math.sqrt(2)))
    lower = np.log(0.5 * _erfc64(-x / math.sqrt(2)))
    return np.where(x < -20, tail, np.where(x > 0, upper, lower))


def log_ndtr(x: Array) -> Array:
    """log of the standard normal CDF, accurate far into the lower tail.

    Below -1 it is PyTorch's formula, log(erfcx(-t) / 2) - t * t with t = x / sqrt(2), t and t * t
    rounded to x's dtype as PyTorch's kernel rounds them: where t * t swamps the log (x below about
    -1e4 in float32), the result is t * t's rounding, and the gradient exp(-x**2/2 - y) / sqrt(2 pi)
    (ops.LogNdtr) is PyTorch's too, overflow to inf included (botorch's tests rely on it).
    """
    out = _log_ndtr64(x.astype(np.float64)).astype(x.dtype, copy=False)
    lower = x < -1
    if lower.any():
        t = x * x.dtype.type(_FRAC_SQRT_2)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            tt = t * t
            head = np.log(erfcx(-t.astype(np.float64)) / 2).astype(x.dtype, copy=False)
            out = np.where(lower, head - tt, out)
    return out


def ndtri(p: Array) -> Array:
    """The standard normal quantile (the inverse of its CDF), elementwise: -inf at 0, inf at 1, nan outside.

    A start from erfinv (centre) or Abramowitz-Stegun 26.2.23 (tails), then three
    Newton steps on log Phi(y) = log q, q = min(p, 1 - p): full precision in both tails.
    """
    p64 = p.astype(np.float64)
    q = np.where(p64 < 0.5, p64, 1 - p64)
    inside = q > 0
    q = np.where(inside, q, 0.25)
    t = np.sqrt(-2 * np.log(q))
    tail = _poly(t, (2.515517, 0.802853, 0.010328)) / _poly(t, (1.0, 1.432788, 0.189269, 0.001308)) - t
    y = np.where(q > 0.02, math.sqrt(2) * erfinv(2 * q - 1), tail)
    log_q = np.log(q)
    for _ in range(3):
        log_cdf = _log_ndtr64(y)
        y = y - (log_cdf - log_q) * np.exp(log_cdf + 0.5 * y * y + _LOG_SQRT_2PI)
    y = np.where(inside, y, -np.inf)
    out = np.where(p64 < 0.5, y, -y) + 0.0  # (+ 0.0: ndtri(0.5) is +0, as PyTorch's)
    out = np.where((p64 >= 0) & (p64 <= 1), out, np.nan)
    return out.astype(p.dtype, copy=False)


_BESSEL_SERIES_MAX = 30.0  # |x| up to here: the power series (positive terms); beyond: the asymptotic one


def bessel_i(order: int, x: Array, scaled: bool) -> Array:
    """I0 or I1 (``order``), the modified Bessel functions of the first kind, or ``exp(-|x|)`` times them.

    Computed in float64 and returned in x's dtype. For |x| <= 30 the power
    series ``(x/2)**order * sum_k (x**2/4)**k / (k! (k + order)!)`` (positive
    terms: no cancellation); beyond, Hankel's asymptotic expansion
    ``exp(|x|) / sqrt(2 pi |x|) * sum_k (-1)**k a_k / |x|**k`` with
    ``a_k = a_(k-1) (4 order**2 - (2k - 1)**2) / (8k)``, whose terms fall
    below 1e-17 before they start to grow. I1 is odd, I0 even.
    """
    x64 = x.astype(np.float64)
    ax = np.abs(x64)
    small = ax <= _BESSEL_SERIES_MAX
    xs = np.where(small, ax, 0.0)
    q = xs * xs / 4
    term = (xs / 2) ** order
    total = term.copy()
    for k in range(1, 60):  # 225**k / (k!)**2 is below 1e-23 of I0(30) by k = 50
        term = term * q / (k * (k + order))
        total += term
    xl = np.where(small, _BESSEL_SERIES_MAX, ax)
    coeff, tail, sign = 1.0, np.ones_like(xl), 1.0
    for k in range(1, 30):
        coeff *= (4 * order * order - (2 * k - 1) ** 2) / (8 * k)
        sign = -sign
        tail += sign * coeff / xl**k
    tail = tail / (math.sqrt(2 * math.pi) * np.sqrt(xl))  # (2 pi x would overflow near 1e308, giving nan)
    if scaled:
        out = np.where(small, total * np.exp(-xs), tail)
    else:
        out = np.where(small, total, tail * np.exp(ax))
    if order == 1:
        out = np.where(x64 < 0, -out, out)  # I1(-0) is +0, as PyTorch's
    out = np.where(np.isnan(x64), x64, out)
    return out.astype(x.dtype, copy=False)


# ----------------------------------------------------------------- erfcx, Hurwitz zeta, incomplete gamma
def erfcx(x: Array) -> Array:
    """exp(x**2) erfc(x), elementwise, accurate for large x (~1 / (x sqrt(pi))); inf below about -26.6.

    exp(x**2) erfc(x) directly below 4, where erfc is not yet tiny; above, the Laplace continued
    fraction 1 / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), 80 levels deep from the tail
    (its error at x = 4 is below 1e-17).
    """
    x64 = x.astype(np.float64)
    small = x64 < 4
    with np.errstate(over="ignore", invalid="ignore"):
        direct = np.exp(np.where(small, x64, 0.0) ** 2) * _erfc64(np.where(small, x64, 0.0))
    big = np.where(small, 4.0, x64)
    frac = np.zeros_like(big)
    for k in range(80, 0, -1):
        frac = (k / 2) / (big + frac)
    tail = np.where(np.isinf(big), 0.0, 1 / (math.sqrt(math.pi) * (big + frac)))
    return np.where(small, direct, tail).astype(x.dtype, copy=False)


# Cephes' Euler-Maclaurin coefficients for zeta: (2k)! / B_2k
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)
_EPS = float(np.finfo(np.float64).eps) / 2


def zeta(x: Array, q: Array) -> Array:
    """The Hurwitz zeta function sum over k >= 0 of (q + k) ** -x, elementwise, as Cephes (and PyTorch):
    inf at x == 1 and (for x > 1) at q a non-positive integer, nan for x < 1 and for q <= 0 with x not an
    integer.

    Direct terms (at least nine, until q + k > 9 or a term is below eps of the sum), then the
    Euler-Maclaurin tail with up to twelve Bernoulli terms.
    """
    dtype = np.result_type(x, q)
    x64, q64 = (a.astype(np.float64) for a in np.broadcast_arrays(x, q))
    with np.errstate(all="ignore"):
        s = q64 ** -x64
        a, b = q64.copy(), np.zeros_like(q64)
        # Cephes' order of checks: x == 1, then x < 1, then q a non-positive integer, then q <= 0
        pole = (x64 == 1) | ((x64 > 1) & (q64 <= 0) & (q64 == np.floor(q64)))
        bad = (x64 < 1) | ((q64 <= 0) & (x64 != np.floor(x64))) | np.isnan(x64) | np.isnan(q64)
        # their answers need no sum: counting a = q + k up to 9 from q = -1e308 would never end
        done = pole | bad
        i = 0
        while True:
            active = ~done & ((i < 9) | (a <= 9))
            if not active.any():
                break
            i += 1
            a = np.where(active, a + 1, a)
            b = np.where(active, a ** -x64, b)
            s = np.where(active, s + b, s)
            done |= active & (np.abs(b / s) < _EPS)
        w = a
        s = np.where(done, s, s + b * w / (x64 - 1) - 0.5 * b)
        fact, k = np.ones_like(s), 0.0
        for coeff in _ZETA_A:
            fact = fact * (x64 + k)
            b = b / w
            t = fact * b / coeff
            s = np.where(done, s, s + t)
            done |= np.abs(t / s) < _EPS
            k += 1
            fact = fact * (x64 + k)
            b = b / w
            k += 1
        out = np.where(pole, np.inf, np.where(bad, np.nan, s))
    return out.astype(dtype, copy=False)


def _igamma_prefix(a: Array, x: Array) -> Array:
    """x**a exp(-x) / Gamma(a), the factor in front of both incomplete-gamma expansions."""
    out: Array = np.exp(a * np.log(x) - x - lgamma(a))
    return out


def _igamma_series(a: Array, x: Array) -> Array:
    """P(a, x) by its power series (for x < a + 1, where the terms shrink at once)."""
    term = 1 / a
    total = term.copy()
    for n in range(1, 5000):
        term = term * x / (a + n)
        total = total + term
        if np.all(np.abs(term) <= np.abs(total) * _EPS):
            break
    out: Array = total * _igamma_prefix(a, x)
    return out


def _igammac_fraction(a: Array, x: Array) -> Array:
    """Q(a, x) by Legendre's continued fraction (x >= a + 1): see :func:`_gamma_fraction`."""
    out: Array = _gamma_fraction(a, x) * _igamma_prefix(a, x)
    return out


def igamma(a: Array, x: Array, upper: bool) -> Array:
    """The regularized lower incomplete gamma P(a, x) (``upper``: Q = 1 - P), elementwise, with PyTorch's
    edge values: nan for a < 0, x < 0 or a = x = 0 and for infinite a and x; P = 1 at a = 0 or x = inf;
    P = 0 at x = 0 or a = inf."""
    dtype = np.result_type(a, x)
    a64, x64 = (v.astype(np.float64) for v in np.broadcast_arrays(a, x))
    with np.errstate(all="ignore"):
        use_series = x64 < a64 + 1
        sa, sx = np.where(use_series, a64, 1.0), np.where(use_series, x64, 0.5)
        fa, fx = np.where(use_series, 1.0, a64), np.where(use_series, 3.0, x64)
        ok = (a64 > 0) & (x64 > 0) & np.isfinite(a64) & np.isfinite(x64)
        series = _igamma_series(np.where(ok, sa, 1.0), np.where(ok, sx, 0.5))
        fraction = _igammac_fraction(np.where(ok, fa, 1.0), np.where(ok, fx, 3.0))
        p = np.where(use_series, series, 1 - fraction)
        q = np.where(use_series, 1 - series, fraction)
        lower = np.where((a64 == 0) | np.isposinf(x64), 1.0, np.where((x64 == 0) | np.isposinf(a64), 0.0, p))
        upper_ = np.where((a64 == 0) | np.isposinf(x64), 0.0, np.where((x64 == 0) | np.isposinf(a64), 1.0, q))
        out = np.where(ok, p if not upper else q, lower if not upper else upper_)
        bad = (a64 < 0) | (x64 < 0) | ((a64 == 0) & (x64 == 0)) | (np.isinf(a64) & np.isinf(x64))
        out = np.where(bad | np.isnan(a64) | np.isnan(x64), np.nan, out)
    return out.astype(dtype, copy=False)


def _gamma_fraction(a: Array, x: Array) -> Array:
    """Q(a, x) / (x**a exp(-x) / Gamma(a)): Legendre's continued fraction alone (x >= a + 1), by the
    modified Lentz method, stopped at a relative step of 1e-15 (a few ulps: the steps stall there)."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full_like(b, 1 / tiny)
    d = 1 / b
    h = d.copy()
    for i in range(1, 5000):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        step = d * c
        h = h * step
        if np.all(np.abs(step - 1) <= 1e-15):
            break
    out: Array = h
    return out
