"""PyTorch's CPU samplers, on a :class:`minigrad.random.Generator`'s MT19937 words.

Each function turns the stream's 32-bit words into numbers exactly as
PyTorch's CPU kernels do (ATen's ``DistributionTemplates.h`` and
``TransformationHelper.h``), in the same order, so a seeded minigrad program
draws what the same PyTorch program draws, bit for bit:

* a float32 uniform uses the low 24 bits of one word, a float64 uniform the
  low 53 bits of two (high word first); ``uniform_(a, b)`` is ``u * (b - a) + a``
  rounded once;
* ``normal_`` on 16 or more contiguous values fills uniforms, then turns each
  block of 16 into normals by Box-Muller (the first 8 as ``u1``, the last 8 as
  ``u2``), redrawing the last 16 when the count is not a multiple of 16; in
  float32 the log, sin and cos are the Cephes polynomials of PyTorch's AVX
  kernel (:func:`_log_f32`, :func:`_sincos_f32`), evaluated with the same
  fused multiply-adds; in float64 they are the C library's. Fewer values
  draw float64 pairs one at a time, keeping the second of each pair for the
  next draw;
* ``bernoulli_(p)`` keeps a float64 uniform below p; integers are a word
  (or a 64-bit pair, for ranges of 2**32 and more) modulo the range;
  ``randperm`` is a Fisher-Yates shuffle on words.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad import _kernels
from minigrad.random import Array, Generator

__all__ = ["bernoulli", "bernoulli_tensor", "dirichlet", "exponential", "gamma", "multinomial", "normal",
           "poisson", "randint", "randperm", "random_full", "uniform"]

_F16, _F32, _F64 = np.float16, np.float32, np.float64
_MASK53 = (1 << 53) - 1
_U53 = np.uint64(_MASK53)


def _unit_f32(gen: Generator, n: int) -> Array:
    """n float32 uniforms in [0, 1): the low 24 bits of a word, times 2**-24."""
    # (24-bit integers and their products with 2**-24 are exact in float32: no float64 detour)
    bits = gen.words(n).astype(np.uint32)
    bits &= np.uint32(0xFFFFFF)
    units: Array = np.multiply(bits, _F32(2.0**-24), dtype=_F32)
    return units


def _unit_f64(gen: Generator, n: int) -> Array:
    """n float64 uniforms in [0, 1): the low 53 bits of a 64-bit pair, times 2**-53."""
    return (gen.words64(n) & _U53) * 2.0**-53  # type: ignore[no-any-return]


def uniform(gen: Generator, shape: tuple[int, ...], low: float, high: float, dtype: np.dtype,
            fused: bool = True) -> Array:
    """U(low, high) of ``shape`` in ``dtype`` (float16/32/64), as ``Tensor.uniform_``.

    ``fused=False`` rounds the float64 product before adding ``low``, as code outside PyTorch's
    vectorized kernels (rrelu's slopes) does.
    A draw that rounds to ``high`` in ``dtype`` is ``low`` instead, as PyTorch's kernel keeps [low, high).
    """
    n = math.prod(shape)
    dt = np.dtype(dtype)
    if dt == _F64:
        u = _unit_f64(gen, n)
        if not fused:
            return (u * (high - low) + low).reshape(shape)
        out, top, bottom = _fma64(u, high - low, low), high, low
    else:
        lo, hi = _F32(low), _F32(high)  # (float16 too: its kernel draws in float32, then rounds)
        u = _unit_f32(gen, n)
        if lo == 0 and hi == 1 and dt == _F32:  # (torch.rand: u * 1 + 0 is u, below 1)
            return u.reshape(shape)
        # u * (hi - lo) + lo with one rounding (the kernel's fused multiply-add): exact products in float64
        out = (u if lo == 0 and hi == 1 else (u.astype(_F64) * _F64(hi - lo) + _F64(lo)).astype(_F32))
        out = out if dt == _F32 else out.astype(dt)
        top, bottom = dt.type(hi), dt.type(lo)
    out[out == top] = bottom
    return out.reshape(shape)


def _fma32(a: Array, b: float | Array, c: float | Array) -> Array:
    """float32 a * b + c rounded once (exact product in float64, then one rounding to float32)."""
    return (a.astype(_F64) * b + c).astype(_F32)


class _Lanes:
    """A float32 array and its float64 copy, for chains of float32 fused multiply-adds.

    ``fma(b, c)`` sets the value to float32(value * b + c) rounded once: the
    product of two float32 numbers is exact in float64, so one float64 sum and
    one rounding to float32 give the fused result (as :func:`_fma32`). The
    float64 copy is kept between steps, so a step is four passes over float64
    lanes with no new arrays, not a widening of every operand.
    """

    __slots__ = ("f32", "f64")

    def __init__(self, f32: Array, f64: Array | None = None) -> None:
        self.f32 = f32
        self.f64 = f32.astype(_F64) if f64 is None else f64

    def fma(self, b: float | Array, c: float | Array) -> _Lanes:
        """value = float32(value * b + c); ``b``, ``c``: float32 values (numbers or float64 copies)."""
        np.multiply(self.f64, b, out=self.f64)
        np.add(self.f64, c, out=self.f64)
        return self.round()

    def round(self) -> _Lanes:
        """The float64 lanes rounded to float32 (both copies updated)."""
        np.copyto(self.f32, self.f64, casting="same_kind")
        np.copyto(self.f64, self.f32)
        return self

    def sync(self) -> _Lanes:
        """The float64 copy refreshed after a float32 operation on ``f32``."""
        np.copyto(self.f64, self.f32)
        return self


def _w(v: float) -> float:
    """A constant rounded to float32, as a Python float (float64 arithmetic then uses its exact value)."""
    return float(_F32(v))


_LOG_P = tuple(_w(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                               1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                               3.3333331174e-1))


def _log_f32(x: Array) -> Array:
    """log(x) for float32 x > 0 by the Cephes polynomial PyTorch's AVX normal kernel uses."""
    # (np.clip with both bounds: one SIMD pass; np.maximum against a scalar runs a scalar loop, 3.6x slower)
    bits = np.clip(x, _F32(1.17549435e-38), _F32(np.inf)).view(np.int32)
    e = ((bits >> 23) - 0x7E).astype(_F32)  # the exponent + 1
    bits &= ~0x7F800000
    bits |= 0x3F000000
    m = bits.view(_F32)  # the mantissa in [0.5, 1)
    low = (m < _F32(0.707106781186547524)).astype(_F32)  # (1 or 0: a masked add would be slower)
    e -= low
    f = m - _F32(1)
    low *= m
    f += low  # below sqrt(1/2): 2m - 1, the exponent one less (elsewhere m - 1 + 0, exactly)
    z = f * f
    f64 = f.astype(_F64)
    y = _Lanes(np.empty_like(f), f64 * _LOG_P[0])  # (the first step's value is the constant)
    y.f64 += _LOG_P[1]
    y.round()
    for c in _LOG_P[2:]:
        y.fma(f64, c)
    y.f32 *= f
    y.sync().fma(z.astype(_F64), e * _F32(-2.12194440e-4))
    y.f64 += z * _F32(-0.5)  # (z * -0.5 is exact: a power of two)
    y.round()
    f += y.f32
    y.f64 = np.multiply(e, _F32(0.693359375), dtype=_F64)
    y.f64 += f
    return y.round().f32


#: the Cephes polynomials of sine and cosine on [-pi/4, pi/4], float32 coefficients, highest first
_SIN_P = tuple(_w(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1))
_COS_P = tuple(_w(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2))


def _sincos_f32(x: Array) -> tuple[Array, Array]:
    """(sin x, cos x) for float32 x >= 0 by the Cephes polynomials of PyTorch's AVX kernel
    (x is overwritten)."""
    j = (x * _F32(1.27323954473516)).astype(np.int32)  # the octant, by 4 / pi
    j += 1
    j &= ~1
    octant = j.astype(_F64)  # (small integers: exact)
    r = _Lanes(x)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):  # x - j * pi/4, in 3 parts
        r.f64 += octant * _w(dp)
        r.round()
    z32 = r.f32 * r.f32
    z = z32.astype(_F64)
    yc = _Lanes(np.empty_like(x), z * _COS_P[0])
    yc.f64 += _COS_P[1]
    yc.round().fma(z, _COS_P[2])
    yc.f32 *= z32
    yc.sync().fma(z, -(z32 * _F32(0.5)))
    yc.f32 += _F32(1)
    ys = _Lanes(np.empty_like(x), z * _SIN_P[0])
    ys.f64 += _SIN_P[1]
    ys.round().fma(z, _SIN_P[2])
    ys.f32 *= z32
    ys.sync().fma(r.f64, r.f64)
    swap = (j & 2) != 0
    s = np.where(swap, yc.f32, ys.f32)
    c = np.where(swap, ys.f32, yc.f32)
    # the signs, flipped by xor on the sign bit as the kernel does
    s.view(np.int32)[...] ^= (j & 4) << 29
    j -= 2
    np.invert(j, out=j)
    j &= 4
    j <<= 29
    c.view(np.int32)[...] ^= j
    return s, c


_libm_log = np.frompyfunc(math.log, 1, 1)
_libm_tan = np.frompyfunc(math.tan, 1, 1)
#: rows of 16 uniforms transformed at a time: the block's float64 scratch stays in cache
_BLOCK_ROWS = 2048


def _box_muller16(u: Array, mean: float, std: float, dt: np.dtype) -> Array:
    """Blocks of 16 uniforms (rows) to 16 normals: u1 = 1 - first 8, u2 = last 8."""
    out = np.empty_like(u)
    if dt != _F32:
        u1, u2 = 1 - u[:, :8], u[:, 8:]
        # the C library's log, as the kernel calls it: numpy's vectorized log is not always rounded alike
        radius = np.sqrt(-2 * _libm_log(u1).astype(_F64))
        theta = 2 * np.pi * u2
        out[:, :8] = _fma64(radius * np.cos(theta), std, mean)
        out[:, 8:] = _fma64(radius * np.sin(theta), std, mean)
        return out
    for i in range(0, len(u), _BLOCK_ROWS):
        block, res = u[i : i + _BLOCK_ROWS], out[i : i + _BLOCK_ROWS]
        radius = _log_f32(np.subtract(_F32(1), block[:, :8]))
        radius *= _F32(-2)
        np.sqrt(radius, out=radius)
        s, c = _sincos_f32(np.multiply(block[:, 8:], _F32(2 * np.pi)))
        if std == 1.0 and mean == 0.0:  # (the fused multiply-add changes nothing then)
            np.multiply(radius, c, out=res[:, :8])
            np.multiply(radius, s, out=res[:, 8:])
        else:
            res[:, :8] = _fma32(radius * c, _F32(std), _F32(mean))
            res[:, 8:] = _fma32(radius * s, _F32(std), _F32(mean))
    return out


def _fma64(a: Array, b: float, c: float) -> Array:
    """float64 a * b + c with (nearly always) one rounding, as the compiled kernel's fused multiply-add:
    the product's rounding error recovered exactly by Dekker's split, the sum's by Knuth's two-sum."""
    if (b == 1.0 and c == 0.0) or not np.isfinite(b):
        return a * b + c
    p = a * b
    split = 134217729.0  # 2**27 + 1
    ah = a * split - (a * split - a)
    al = a - ah
    bh = b * split - (b * split - b)
    bl = b - bh
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bv = s - p
    t = (p - (s - bv)) + (c - bv)
    return s + (err + t)


def _normal_pair(gen: Generator) -> float:
    """One float64 N(0, 1) draw: the cached one, or the cosine half of a fresh Box-Muller pair."""
    if gen.next_normal is not None:
        value, gen.next_normal = gen.next_normal, None
        return value
    u1, u2 = _unit_f64(gen, 2)
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    gen.next_normal = r * math.sin(theta)
    return r * math.cos(theta)


def _normals(gen: Generator, n: int) -> list[float]:
    """n float64 N(0, 1) draws, the ones n calls of :func:`_normal_pair` give, from one batch of words."""
    out: list[float] = []
    if n and gen.next_normal is not None:
        out.append(gen.next_normal)
        gen.next_normal = None
    pairs = (n - len(out) + 1) // 2
    words = gen.words(4 * pairs).tolist() if pairs else []
    for i in range(0, 4 * pairs, 4):  # (a float64 uniform: the low 53 bits of two words, high first)
        u1 = ((words[i] << 32 | words[i + 1]) & _MASK53) * 2.0**-53
        u2 = ((words[i + 2] << 32 | words[i + 3]) & _MASK53) * 2.0**-53
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        out += (r * math.cos(theta), r * math.sin(theta))
    if len(out) > n:
        gen.next_normal = out.pop()
    return out


def normal(gen: Generator, shape: tuple[int, ...], mean: float, std: float, dtype: np.dtype,
           contiguous: bool = True) -> Array:
    """N(mean, std**2) of ``shape`` in ``dtype``, as ``Tensor.normal_`` on a contiguous tensor (with
    ``contiguous=False``: on a non-contiguous one, which draws one pair per element in memory order)."""
    n = math.prod(shape)
    dt = np.dtype(dtype)
    if n < 16 or dt not in (_F16, _F32, _F64) or not contiguous:
        # (v * std + mean fused, as the compiled kernel)
        return _fma64(np.array(_normals(gen, n), dtype=_F64), std, mean).astype(dt).reshape(shape)
    # (float16: float32's kernel, rounded; it draws no uniforms for a last partial block it then redraws)
    work = np.dtype(_F32) if dt == _F16 else dt
    unit = _unit_f64 if dt == _F64 else _unit_f32
    whole = n // 16 * 16
    u = unit(gen, whole if dt == _F16 else n)
    out = np.empty(n, dtype=work)
    out[:whole] = _box_muller16(u[:whole].reshape(-1, 16), mean, std, work).ravel()
    if whole < n:  # the kernel redraws the last 16 and transforms them again
        out[n - 16:] = _box_muller16(unit(gen, 16).reshape(1, 16), mean, std, work).ravel()
    return (out if dt == work else out.astype(dt)).reshape(shape)


def bernoulli(gen: Generator, shape: tuple[int, ...], p: float) -> Array:
    """Booleans of ``shape``, each True with probability p: a float64 uniform below p."""
    return (_unit_f64(gen, math.prod(shape)) < p).reshape(shape)


def bernoulli_tensor(gen: Generator, probs: Array) -> Array:
    """Booleans, True with probability ``probs`` elementwise (float64 probabilities draw float64
    uniforms, others float32 ones)."""
    n = probs.size
    u = _unit_f64(gen, n) if probs.dtype == _F64 else _unit_f32(gen, n)
    return u.reshape(probs.shape) < probs


def randint(gen: Generator, shape: tuple[int, ...], low: int, high: int, wide: bool | None = None) -> Array:
    """int64 uniform in [low, high): a word, or a 64-bit pair for ranges of 2**28 or more, as PyTorch's
    kernel, keeping the modulo's skew small (``wide``: pairs or not, whatever the range), modulo the range."""
    n, span = math.prod(shape), high - low
    if wide is None:
        wide = span >= 2**28
    raw = gen.words64(n) if wide else gen.words(n)
    return ((raw % np.uint64(span)).astype(np.int64) + low).reshape(shape)  # type: ignore[no-any-return]


def random_full(gen: Generator, shape: tuple[int, ...]) -> Array:
    """int64 ``random_()``: a 64-bit pair modulo 2**63."""
    return (gen.words64(math.prod(shape)) & np.uint64(2**63 - 1)).astype(np.int64).reshape(shape)  # type: ignore[no-any-return]


def randperm(gen: Generator, n: int) -> Array:
    """A permutation of 0..n-1: Fisher-Yates, swapping position i with i + word % (n - i)."""
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    wide = n >= (2**32 - 1) // 20  # PyTorch switches to 64-bit draws for huge n
    raw = gen.words64(n - 1) if wide else gen.words(n - 1)
    offsets = (raw % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64).tolist()
    p = perm.tolist()
    for i, z in enumerate(offsets):
        k = i + z
        p[i], p[k] = p[k], p[i]
    return np.array(p, dtype=np.int64)


_libm_log1p = np.frompyfunc(math.log1p, 1, 1)


def exponential(gen: Generator, shape: tuple[int, ...], lambd: float, dtype: np.dtype) -> Array:
    """Exp(lambd) of ``shape``: -log1p(-u) / lambd for float64 uniforms u (the C library's log1p)."""
    logs: Array = np.asarray(_libm_log1p(_unit_f64(gen, math.prod(shape)) * -1.0), dtype=_F64)
    return ((-1.0 / lambd) * logs).astype(dtype).reshape(shape)


def geometric(gen: Generator, shape: tuple[int, ...], p: float, dtype: np.dtype) -> Array:
    """Geometric(p) of ``shape`` (trials up to the first success): ceil(log(u) / log1p(-p)) for float64
    uniforms u, as PyTorch's CPU kernel."""
    u = _unit_f64(gen, math.prod(shape))
    with np.errstate(divide="ignore"):
        return np.ceil(np.log(u) / math.log1p(-p)).astype(dtype).reshape(shape)


def log_normal(gen: Generator, shape: tuple[int, ...], mean: float, std: float, dtype: np.dtype) -> Array:
    """exp(N(mean, std**2)) of ``shape``, one float64 normal draw per element in order, as PyTorch's CPU
    kernel."""
    draws = [math.exp(mean + std * v) for v in _normals(gen, math.prod(shape))]
    return np.array(draws, dtype=_F64).astype(dtype).reshape(shape)


def cauchy(gen: Generator, shape: tuple[int, ...], median: float, sigma: float, dtype: np.dtype) -> Array:
    """Cauchy(median, sigma) of ``shape``: median + sigma * tan(pi * (u - 1/2)) for float64 uniforms u."""
    u = _unit_f64(gen, math.prod(shape))
    # (the C library's tan, and sigma * tan + median fused, as the compiled kernel: numpy's tan rounds
    # differently now and then)
    tan: Array = _libm_tan(math.pi * (u - 0.5)).astype(_F64)  # type: ignore[union-attr]
    return _fma64(tan, sigma, median).astype(dtype).reshape(shape)


def multinomial(gen: Generator, rows: Array, num_samples: int, replacement: bool) -> Array:
    """Category indices per row of the (R, K) weights ``rows`` (int64, (R, num_samples)), as PyTorch.

    One draw, or draws without replacement: the largest ``num_samples`` of weight / Exp(1) (one
    exponential per weight). Several draws with replacement: a float64 uniform per draw, located
    in the row's cumulative sums divided by their total.
    """
    if not replacement or num_samples == 1:
        q = exponential(gen, rows.shape, 1.0, rows.dtype)
        keys = rows / q
        if num_samples == 1:
            picked: Array = np.argmax(keys, axis=1)[:, None]
            return picked
        return _largest_first(keys, num_samples)
    out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for r, row in enumerate(rows):
        cum = np.cumsum(row)
        cum = cum / cum[-1]
        out[r] = np.searchsorted(cum.astype(_F64), _unit_f64(gen, num_samples), side="left")
    return out


def _largest_first(keys: Array, k: int) -> Array:
    """The positions of each row's k largest keys, largest first (ties: the lower position first, as a
    stable sort): :func:`~minigrad._kernels.best_first`, unless a tie reaches the cut (keys of zero
    weights), where the whole rows are sorted."""
    order = _kernels.best_first(keys, 1, k, True)
    if order is not None:
        cut = np.take_along_axis(keys, order[:, k - 1 : k + 1], 1)
        if not (cut[:, 0] == cut[:, 1]).any():
            return order[:, :k]
    return np.argsort(-keys, axis=1, kind="stable")[:, :k]


_F32_THIRD = float(np.float32(1.0 / 3.0))  # the kernel's float literals, widened to double
_F32_0331 = float(np.float32(0.0331))


def _gamma_one(gen: Generator, alpha: float, kind: type = _F64) -> float:
    """One Gamma(alpha, 1) draw: Marsaglia-Tsang with PyTorch's boost for alpha < 1, on float64
    uniforms and the generator's cached Box-Muller normals, draw for draw as ATen's sample_gamma
    (whose alpha stays in the input's precision ``kind`` until d is formed; the rest is float64)."""
    scale = 1.0
    a = kind(alpha)
    if a < 1.0:
        if a == 0.0:
            return 0.0
        scale *= (1.0 - float(_unit_f64(gen, 1)[0])) ** float(kind(1.0) / a)
        a = a + kind(1.0)
    d = float(a - kind(_F32_THIRD))
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = _normal_pair(gen)
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - float(_unit_f64(gen, 1)[0])
        xx = x * x
        if u < 1.0 - _F32_0331 * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def gamma(gen: Generator, alpha: Array) -> Array:
    """Gamma(alpha, 1) draws of alpha's shape and dtype, at least the dtype's smallest normal number."""
    tiny = np.finfo(alpha.dtype).tiny
    kind = _F64 if alpha.dtype == _F64 else _F32
    flat = [max(tiny, float(alpha.dtype.type(_gamma_one(gen, float(a), kind)))) for a in alpha.ravel()]
    return np.array(flat, dtype=alpha.dtype).reshape(alpha.shape)


def dirichlet_gammas(gen: Generator, alpha: Array) -> Array:
    """The float64 Gamma(alpha, 1) draws (at least float64's tiny) that ``dirichlet`` normalizes."""
    g = np.array([max(np.finfo(np.float64).tiny, _gamma_one(gen, float(a))) for a in alpha.ravel()])
    return g.reshape(alpha.shape)


def dirichlet(gen: Generator, alpha: Array) -> Array:
    """Dirichlet draws over alpha's last dim: float64 gamma draws normalized, then clamped into
    [smallest normal, largest number below 1] of alpha's dtype, as ATen's _s_dirichlet_cpu."""
    g = dirichlet_gammas(gen, alpha)
    out = (g / g.sum(-1, keepdims=True)).astype(alpha.dtype)
    top = np.nextafter(alpha.dtype.type(1), alpha.dtype.type(0))
    return np.minimum(top, np.maximum(np.finfo(alpha.dtype).tiny, out))  # type: ignore[no-any-return]


def _poisson_one(gen: Generator, lam: float) -> int:
    """One Poisson(lam) draw as ATen's sample_poisson: Hoermann's transformed rejection for lam >= 10,
    else multiplying uniforms until the product falls to exp(-lam)."""
    def unit() -> float:
        return float(_unit_f64(gen, 1)[0])

    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = unit() - 0.5
            v = unit()
            us = 0.5 - abs(u)
            kf = math.floor((2 * a / us + b) * u + lam + 0.43) if math.isfinite(lam) else math.nan
            # (C's conversion of an infinite or NaN count, as an infinite rate makes it, is int64's lowest)
            k = int(kf) if -2.0**63 <= kf < 2.0**63 else -(2**63)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= \
                    -lam + k * loglam - math.lgamma(k + 1.0):
                return k
    if lam == 0:
        return 0
    enlam, x, prod = math.exp(-lam), 0, 1.0
    while True:
        prod *= unit()
        if prod <= enlam:
            return x
        x += 1


def poisson(gen: Generator, rate: Array) -> Array:
    """Poisson(rate) counts of rate's shape, in rate's dtype."""
    return np.array([_poisson_one(gen, float(r)) for r in rate.ravel()], dtype=rate.dtype).reshape(rate.shape)


def _binomial_one(gen: Generator, count: float, prob: float) -> float:
    """One Binomial(count, prob) draw. For count * min(p, 1 - p) < 10 this is ATen's inversion sampler
    draw for draw (geometric waiting times summed until they pass count, on the smaller of p, 1 - p);
    beyond, where ATen switches to BTRS rejection, the same inversion keeps the distribution exact but
    not PyTorch's stream."""
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    flip = prob > 0.5
    q = 1.0 - prob if flip else prob
    log_q = math.log1p(-q)
    total, successes = 0.0, 0
    while True:
        total += math.ceil(math.log(float(_unit_f64(gen, 1)[0])) / log_q)
        if total > count:
            break
        successes += 1
    return count - successes if flip else float(successes)


def binomial(gen: Generator, count: Array, prob: Array) -> Array:
    """Binomial draws of the broadcast (equal) shapes of count and prob, in prob's dtype."""
    flat = [_binomial_one(gen, float(n), float(p)) for n, p in zip(count.ravel(), prob.ravel())]
    return np.array(flat, dtype=prob.dtype).reshape(prob.shape)
