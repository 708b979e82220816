"""The float64 accuracy of the gamma family and the normal-distribution functions against mpmath.

mpmath comes with PyTorch (through sympy), so this runs beside the parity tests.
PyTorch itself is not the reference here: its trigamma is accurate to ~1e-9 only.
Near a zero of the function relative error is not meaningful, so there the
bound is absolute (1e-15 times the size of the terms that cancel).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")
mpmath = pytest.importorskip("mpmath")
torch.set_num_threads(1)


def _points() -> np.ndarray:
    rng = np.random.default_rng(7)
    xs = np.concatenate([
        rng.uniform(0, 3, 60), rng.uniform(-30, 0, 60), np.exp(rng.uniform(-30, 40, 60)),
        -np.exp(rng.uniform(-10, 25, 30)) + 0.37, rng.uniform(3, 12, 30),
        [1e-300, 0.5, 1.5, 2.5, 170.5, 1e15],
    ])  # fmt: skip
    return xs[xs != np.floor(xs)]


def _reference(name: str, n: int, x: float) -> float:
    with mpmath.workdps(30):
        v = mpmath.mpf(x)
        if name == "lgamma":
            return float(mpmath.log(abs(mpmath.gamma(v))))
        if name == "digamma" or v < 0:
            return float(mpmath.polygamma(n, v))
        return float((-1) ** (n + 1) * mpmath.factorial(n) * mpmath.zeta(n + 1, v))


@pytest.mark.parametrize(("name", "n"), [("lgamma", 0), ("digamma", 0), ("polygamma", 1), ("polygamma", 2),
                                         ("polygamma", 5)])
def test_float64_within_1e_13(name: str, n: int) -> None:
    xs = _points()
    if name == "polygamma":
        xs = xs[xs > -1e4]  # (mpmath's polygamma is slow at large negative x)
    x = mg.tensor(xs)
    out = mg.lgamma(x) if name == "lgamma" else mg.digamma(x) if name == "digamma" else mg.polygamma(n, x)
    got = out.numpy()
    for xi, gi in zip(xs, got, strict=True):
        ref = _reference(name, n, float(xi))
        if not math.isfinite(ref) or ref == 0:
            same = gi == ref or (math.isnan(ref) and math.isnan(gi))
            assert same, f"{name}({n}, {xi!r}): {gi!r}, not {ref!r}"
            continue
        # near a zero (lgamma at 1, 2 and between negative integers; digamma at 1.46 and below 0) the bound is
        # absolute, set by the size of the largest term: log|x| or 1/|x - nearest pole|
        scale = 1 + abs(math.log(abs(xi))) + 1 / abs(xi - round(xi)) if xi < 0 or abs(ref) < 0.1 else 0.0
        assert abs(gi - ref) <= 1e-13 * abs(ref) + 2e-15 * scale, f"{name}({n}, {xi!r}) = {gi!r}, not {ref!r}"


def test_float32_is_float64_rounded() -> None:
    xs = _points()
    got32 = mg.lgamma(mg.tensor(xs.astype(np.float32))).numpy()
    ref = mg.lgamma(mg.tensor(xs.astype(np.float32).astype(np.float64))).numpy()
    np.testing.assert_array_equal(got32, ref.astype(np.float32))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_poles_and_infinities_as_torch(n: int) -> None:
    x = np.array([0.0, -0.0, -3.0, -np.inf, np.inf, np.nan, -1e20, 5e-324, 1e300])
    if n == 1:
        x = x[:2]  # (PyTorch's trigamma at a negative integer is a large finite number; ours is +inf)
        x = np.concatenate([x, [np.inf, -np.inf, np.nan]])
    t = torch.tensor(x)
    got, want = mg.polygamma(n, mg.tensor(x)).numpy(), torch.polygamma(n, t).numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got[~np.isnan(got)]), np.signbit(want[~np.isnan(want)]))
    np.testing.assert_array_equal(mg.lgamma(mg.tensor(x)).numpy(), torch.lgamma(t).numpy())
    assert mg.polygamma(1, mg.tensor([-3.0, -1e20])).tolist() == [math.inf, math.inf]


def test_errors_as_torch() -> None:
    with pytest.raises(RuntimeError, match="negative n"):
        mg.polygamma(-1, mg.tensor([1.0]))
    with pytest.raises(TypeError, match="must be int"):
        mg.polygamma(1.0, mg.tensor([1.0]))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="greater than or equal to 1"):
        mg.mvlgamma(mg.tensor([3.0]), p=0)
    with pytest.raises(RuntimeError, match="boolean"):
        mg.mvlgamma(mg.tensor([True]), p=1)


@pytest.mark.parametrize("name", ["erfc", "log_ndtr", "ndtri"])
def test_normal_tails_within_1e_13(name: str) -> None:
    if name == "ndtri":
        xs = np.concatenate([np.exp(-np.linspace(0.01, 700, 40)), 1 - np.exp(-np.linspace(0.01, 36, 20))])
        got = mg.special.ndtri(mg.tensor(xs)).numpy()
    else:
        xs = np.linspace(-38, 26, 81) if name == "erfc" else np.append(np.linspace(-300, 8, 81), -1e5)
        got = (mg.erfc if name == "erfc" else mg.special.log_ndtr)(mg.tensor(xs)).numpy()
    with mpmath.workdps(80):
        for xi, gi in zip(xs, got, strict=True):
            v = mpmath.mpf(float(xi))
            if name == "ndtri":  # (the root of Phi(y) = p: mpmath's erfinv(2p - 1) is poor for tiny p)
                ref = mpmath.findroot(lambda y, v=v: mpmath.log(mpmath.ncdf(y)) - mpmath.log(v), float(gi))
            else:
                ref = mpmath.erfc(v) if name == "erfc" else mpmath.log(mpmath.ncdf(v))
            assert abs(gi - ref) <= 1e-13 * abs(ref), f"{name}({xi!r}) = {gi!r}, not {float(ref)!r}"


@pytest.mark.parametrize("name", ["i0", "i0e", "i1", "i1e"])
def test_bessel_i_float64_within_1e_14_and_like_torch(name: str) -> None:
    """Both sides of the series/asymptotic switch at |x| = 30, tiny and huge x, and I0's overflow."""
    rng = np.random.default_rng(3)
    spread = np.exp(rng.uniform(-30, 6.5, 40)) * rng.choice([-1, 1], 40)
    xs = np.concatenate([rng.uniform(-40, 40, 80), spread, [29.9999, 30.0, 30.0001, -30.0001, 1e-300, 1e6]])
    got = getattr(mg.special, name)(mg.tensor(xs)).numpy()
    order, scaled = int(name[1]), name.endswith("e")
    for x, value in zip(xs, got, strict=True):
        if not scaled and abs(x) > 700:
            continue
        with mpmath.workdps(30):
            want = mpmath.besseli(order, x) * (mpmath.exp(-abs(x)) if scaled else 1)
        assert value == pytest.approx(float(want), rel=1e-14, abs=1e-300), f"{name}({x!r})"
    big = np.array([709.0, 712.0, -715.0, np.inf, -np.inf, np.nan, 0.0])
    want_t = getattr(torch.special, name)(torch.tensor(big)).numpy()
    np.testing.assert_allclose(getattr(mg.special, name)(mg.tensor(big)).numpy(), want_t, rtol=1e-14)
