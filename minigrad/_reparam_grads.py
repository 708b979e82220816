"""The pathwise (reparameterized) gradients of Gamma and Dirichlet draws, as PyTorch approximates them.

A Gamma(alpha) draw x held at its quantile moves with alpha by -(d/dalpha CDF) / pdf; a Dirichlet draw's
coordinate by the analogous ratio for the Beta(alpha, total - alpha) marginal. Neither has a closed
form: PyTorch evaluates Jankowiak and Obermeyer's approximations ("Pathwise Derivatives Beyond the
Reparameterization Trick", 2018), each region of (alpha, x) by its own series, saddle-point expansion
or fitted rational function. They are within ~1e-3 of the exact values in places, so an exact
computation would give other gradients than PyTorch's; these kernels evaluate the same approximations
in the same order (float64 where PyTorch accumulates in double, the operands' dtype where it does not).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

_F64 = np.float64
_PSI_10 = 2.25175258906672110764
# Cephes's asymptotic digamma coefficients (highest power first)
_PSI_SERIES = (8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
               -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
               8.33333333333333333333e-2)
# the Gamma gradient's rational fit in u = log(x / alpha) (rows: u**0, u**1, u**2) and v = log(alpha)
_GAMMA_UV = ((0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084),
             (0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915,
              -0.00058392623),
             (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326,
              0.00085092367, -1.5247877e-07))
# the Dirichlet gradient's rational correction: [numerator, denominator][power of u][power of a], cubic in b
_DIRICHLET_C = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]],
])


def _psi(x: Array, dtype: Any) -> Array:
    """digamma of positive ``x`` as PyTorch's samplers compute it: x stepped up to 10 in ``dtype``, the
    sum of -1/x and the asymptotic series in float64, the result in ``dtype``."""
    x = x.astype(dtype)
    head = np.zeros(x.shape, _F64)
    low = x < 10
    while low.any():
        head[low] -= (1 / x[low]).astype(_F64)
        x[low] += 1
        low = x < 10
    z = 1.0 / (x * x).astype(_F64)
    tail = np.full(x.shape, _PSI_SERIES[0])
    for c in _PSI_SERIES[1:]:
        tail = tail * z + c
    body = head + np.log(x).astype(_F64) - (0.5 / x).astype(_F64) - z * tail
    return np.where(x == 10, head + _PSI_10, body).astype(dtype)


def standard_gamma_grad(alpha: Array, x: Array) -> Array:
    """d x / d alpha of a standard Gamma(alpha) draw x, elementwise, in float64 then the inputs' dtype:
    a Taylor series in x below 0.8, Rice's saddle-point expansion for alpha above 8, else a rational fit.
    0 where the series gives nan (x = 0)."""
    dtype = np.result_type(alpha, x)
    a, v = (t.astype(_F64) for t in np.broadcast_arrays(alpha, x))
    with np.errstate(all="ignore"):
        out = np.where(v < _F64(np.float32(0.8)), _gamma_small_x(a, v),
                       np.where(a > 8, _gamma_large_alpha(a, v), _gamma_rational(a, v)))
    return out.astype(dtype)


def _gamma_small_x(a: Array, x: Array) -> Array:
    numer, denom = np.ones_like(x), a.copy()
    series1, series2 = numer / denom, numer / (denom * denom)
    for i in range(1, 6):
        numer = numer * (-x / i)
        denom = denom + 1
        series1 = series1 + numer / denom
        series2 = series2 + numer / (denom * denom)
    pow_x_alpha = x**a
    pdf = x ** (a - 1) * np.exp(-x)
    cdf_alpha = (np.log(x) - _psi(a, _F64)) * (pow_x_alpha * series1) - pow_x_alpha * series2
    result = -cdf_alpha / pdf
    return np.where(np.isnan(result), 0.0, result)


def _gamma_large_alpha(a: Array, x: Array) -> Array:
    near = (_F64(np.float32(0.9)) * a <= x) & (x <= _F64(np.float32(1.1)) * a)
    numer_1 = 1 + 24 * a * (1 + 12 * a)
    numer_2 = 1440 * (a * a) + 6 * x * (53 - 120 * x) - 65 * x * x / a + a * (107 + 3600 * x)
    at_mean = numer_1 * numer_2 / (1244160 * (a * a) * (a * a))
    denom = np.sqrt(8 * a)
    term2 = denom / (a - x)
    term3 = (x - a - a * np.log(x / a)) ** -1.5
    term23 = np.where(x < a, term2 - term3, term2 + term3)
    term1 = np.log(x / a) * term23 - np.sqrt(2 / a) * (a + x) / ((a - x) * (a - x))
    stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
    out: Array = np.where(near, at_mean, -stirling * (x * term1) / denom)
    return out


def _gamma_rational(a: Array, x: Array) -> Array:
    u, v = np.log(x / a), np.log(a)
    c = [_GAMMA_UV[0][i] + u * (_GAMMA_UV[1][i] + u * _GAMMA_UV[2][i]) for i in range(8)]
    p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
    q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
    out: Array = np.exp(p / q)
    return out


def dirichlet_grad(x: Array, alpha: Array, total: Array) -> Array:
    """d x / d alpha, scaled by 1 / (1 - x), of a Dirichlet draw's coordinate x with concentration alpha
    out of ``total`` (its Beta(alpha, total - alpha) marginal), elementwise in the inputs' dtype: series
    near x = 0 and x = 1, a saddle-point expansion when both Beta parameters exceed 6, else a rational
    correction of an analytic approximation."""
    dtype = np.result_type(x, alpha, total)
    x, alpha, total = (t.astype(dtype) for t in np.broadcast_arrays(x, alpha, total))
    beta = total - alpha
    boundary = total * x * (1 - x)
    near_0 = (x <= 0.5) & (boundary < 2.5)
    near_1 = ~near_0 & (x >= 0.5) & (boundary < 0.75)
    mid = ~near_0 & ~near_1 & (alpha > 6) & (beta > 6)
    with np.errstate(all="ignore"):
        out = np.where(near_0, _beta_alpha_small(x, alpha, beta),
                       np.where(near_1, -_beta_beta_small(1 - x, beta, alpha),
                                np.where(mid, _beta_alpha_mid(x, alpha, total),
                                         _dirichlet_rational(x, alpha, total))))
    return out.astype(dtype)


def _beta_alpha_small(x: Array, alpha: Array, beta: Array) -> Array:
    dt = x.dtype.type
    factor = _psi(alpha, x.dtype) - _psi(alpha + beta, x.dtype) - np.log(x)
    numer = np.ones_like(x)
    series = numer / alpha * (factor + 1 / alpha)
    for i in range(1, 11):
        numer = numer * ((dt(i) - beta) * x / dt(i))
        denom = alpha + dt(i)
        series = series + numer / denom * (factor + 1 / denom)
    result: Array = x * (1 - x) ** -beta * series
    return np.where(np.isnan(result), dt(0), result)


def _beta_beta_small(x: Array, alpha: Array, beta: Array) -> Array:
    dt = x.dtype.type
    factor = _psi(alpha + beta, x.dtype) - _psi(beta, x.dtype)
    numer, betas, dbetas, series = np.ones_like(x), np.ones_like(x), np.zeros_like(x), factor / alpha
    for i in range(1, 9):
        numer = numer * (-x / dt(i))
        dbetas = dbetas * (beta - dt(i)) + betas
        betas = betas * (beta - dt(i))
        series = series + numer / (alpha + dt(i)) * (dbetas + factor * betas)
    result: Array = -((1 - x) ** (1 - beta)) * series
    return np.where(np.isnan(result), dt(0), result)


def _beta_alpha_mid(x_: Array, alpha_: Array, total_: Array) -> Array:
    x, alpha, total = x_.astype(_F64), alpha_.astype(_F64), total_.astype(_F64)
    beta = total - alpha
    mean = alpha / total
    std = np.sqrt(alpha * beta / (total + 1)) / total
    at_mean = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    b2 = beta * beta
    poly = 47 * x * b2 * b2 + alpha * (
        (43 + 20 * (16 + 27 * beta) * x) * b2 * beta + alpha * (
            3 * (59 + 180 * beta - 90 * x) * b2 + alpha * (
                (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (8 * (1 - x) * (135 * beta - 11)))))
    prefactor_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
    prefactor_den = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total)
    near = prefactor_num / (1 - x) * poly / prefactor_den
    prefactor = -x / np.sqrt(2 * alpha * beta / total)
    stirling = ((1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha)) * (1 + 1 / (12 * beta) + 1 / (288 * b2))
                / (1 + 1 / (12 * total) + 1 / (288 * total * total)))
    term1_num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * b2
    axbx = alpha * (x - 1) + beta * x
    term1 = term1_num / (np.sqrt(2 * alpha / beta) * total**1.5 * axbx * axbx)
    term2 = 0.5 * np.log(alpha / (total * x))
    term3 = np.sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1))
    term4 = (beta * np.log(beta / (total * (1 - x))) + alpha * np.log(alpha / (total * x))) ** -1.5
    far = stirling * prefactor * (term1 + term2 * (term3 + np.where(x < mean, term4, -term4)))
    out: Array = np.where(at_mean, near, far)
    return out


def _dirichlet_rational(x_: Array, alpha_: Array, total_: Array) -> Array:
    x, alpha, total = x_.astype(_F64), alpha_.astype(_F64), total_.astype(_F64)
    u = np.log(x)
    a = np.log(alpha) - u
    b = np.log(total) - a
    p = np.zeros_like(x)
    q = np.zeros_like(x)
    pow_u, pow_a = (np.ones_like(x), u, u * u), (np.ones_like(x), a, a * a)
    for i in range(3):
        for j in range(3):
            ua = pow_u[i] * pow_a[j]
            cp, cq = _DIRICHLET_C[0, i, j], _DIRICHLET_C[1, i, j]
            p = p + ua * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])))
            q = q + ua * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])))
    dt = x_.dtype
    approx = x * (_psi(total, dt).astype(_F64) - _psi(alpha, dt).astype(_F64)) / (total - alpha)
    out: Array = p / q * approx
    return out
