"""special.erfcx, special.zeta and igamma/igammac over wide ranges: against mpmath (30 digits) for accuracy,
and against PyTorch for its edge values (poles, nan, infinities) and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")
mpmath = pytest.importorskip("mpmath")
torch.set_num_threads(1)

_RNG = np.random.default_rng(11)


def _mp(fn, *args: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    with mpmath.workdps(30):
        return np.array([float(fn(*(mpmath.mpf(float(v)) for v in vs))) for vs in zip(*args)])


def test_erfcx_is_accurate_from_minus_26_to_1e7() -> None:
    x = np.concatenate([_RNG.uniform(-26, 6, 150), np.exp(_RNG.uniform(1.4, 16, 60)), [3.9999999, 4.0]])
    want = _mp(lambda v: mpmath.exp(v * v) * mpmath.erfc(v), x)
    got = mg.special.erfcx(mg.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-13)
    edges = np.array([-np.inf, -30.0, np.inf, np.nan, 0.0, -0.0, 1e300])
    np.testing.assert_allclose(mg.special.erfcx(mg.tensor(edges)).numpy(),
                               torch.special.erfcx(torch.tensor(edges)).numpy(), rtol=1e-15)


def test_zeta_is_accurate_and_has_pytorchs_poles() -> None:
    s = np.concatenate([_RNG.uniform(1.01, 30, 120), [2.0, 3.0, 1.0 + 1e-9]])
    q = np.concatenate([_RNG.uniform(0.01, 50, 120), [1.0, 0.5, 1.0]])
    got = mg.special.zeta(mg.tensor(s), mg.tensor(q)).numpy()
    np.testing.assert_allclose(got, torch.special.zeta(torch.tensor(s), torch.tensor(q)).numpy(), rtol=1e-13)
    # Cephes' algorithm (PyTorch's and this one) loses digits for large s; still 1e-9 of mpmath's value
    np.testing.assert_allclose(got, _mp(mpmath.zeta, s, q), rtol=1e-9)
    # negative q: a pole at the integers, nan unless s is an integer; s <= 1: inf at 1, nan below
    s2 = np.array([2.0, 2.5, 3.0, 1.0, 0.5, 2.0, np.nan, 2.0, np.inf])
    q2 = np.array([-2.0, -2.5, -2.5, 3.0, 3.0, 0.0, 1.0, np.inf, 2.0])
    got = mg.special.zeta(mg.tensor(s2), mg.tensor(q2)).numpy()
    exp = torch.special.zeta(torch.tensor(s2), torch.tensor(q2)).numpy()
    np.testing.assert_allclose(got, exp, rtol=1e-12)


def test_igamma_is_accurate_and_matches_pytorch() -> None:
    a = np.concatenate([_RNG.uniform(0.01, 20, 100), np.exp(_RNG.uniform(-5, 6, 60))])
    x = np.concatenate([_RNG.uniform(0.0, 40, 100), a[100:] * np.exp(_RNG.uniform(-1, 1, 60))])
    lower = _mp(lambda s, v: mpmath.gammainc(s, 0, v, regularized=True), a, x)
    upper = _mp(lambda s, v: mpmath.gammainc(s, v, mpmath.inf, regularized=True), a, x)
    np.testing.assert_allclose(mg.igamma(mg.tensor(a), mg.tensor(x)).numpy(), lower, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(mg.igammac(mg.tensor(a), mg.tensor(x)).numpy(), upper, rtol=1e-11, atol=1e-300)
    small = a < 20  # PyTorch's own asymptotic expansion for a > 20 is good to ~1e-9 only
    for mine, theirs in ((mg.igamma, torch.igamma), (mg.igammac, torch.igammac)):
        np.testing.assert_allclose(mine(mg.tensor(a[small]), mg.tensor(x[small])).numpy(),
                                   theirs(torch.tensor(a[small]), torch.tensor(x[small])).numpy(), rtol=1e-10)
    ea = np.array([0.0, 0.0, 1.0, np.inf, np.inf, -1.0, 2.0, 0.0, np.nan, 3.0])
    ex = np.array([0.0, 1.0, 0.0, 1.0, np.inf, 1.0, -1.0, np.inf, 1.0, np.inf])
    for mine, theirs in ((mg.igamma, torch.igamma), (mg.igammac, torch.igammac)):
        np.testing.assert_array_equal(mine(mg.tensor(ea), mg.tensor(ex)).numpy(),
                                      theirs(torch.tensor(ea), torch.tensor(ex)).numpy())
