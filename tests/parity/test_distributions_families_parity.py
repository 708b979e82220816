"""Exponential, Laplace, LogNormal, Poisson, MultivariateNormal and MixtureSameFamily against
torch.distributions in float64: log_prob, cdf/icdf, entropy and moments, with the gradients of each
in the parameters; rsample's gradient through its formula with the same noise; sample shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from tests.helpers import require_torch
from tests.parity.test_distributions_parity import _arr, _check, _pair

torch = require_torch()
torch.set_num_threads(1)
TD = torch.distributions
rng = np.random.default_rng(5)

POS = rng.random((3, 4)) + 0.5
LOC = rng.standard_normal((3, 4))
X = rng.standard_normal((2, 3, 4))
P = rng.uniform(0.05, 0.95, (2, 3, 4))
A = rng.standard_normal((2, 3, 3))
COV = A @ A.transpose(0, 2, 1) + 3 * np.eye(3)
MLOC = rng.standard_normal((2, 3))
MX = rng.standard_normal((4, 2, 3))


def _family(name: str) -> tuple[list[np.ndarray], Callable[..., Any], Callable[..., Any], np.ndarray]:
    """Parameter arrays, the two constructors and a value array in the support."""
    return {
        "exponential": ([POS], D.Exponential, TD.Exponential, np.abs(X)),
        "laplace": ([LOC, POS], D.Laplace, TD.Laplace, X),
        "lognormal": ([LOC, POS], D.LogNormal, TD.LogNormal, np.abs(X) + 0.1),
        "poisson": ([POS * 3], D.Poisson, TD.Poisson, np.floor(np.abs(X) * 3)),
        "normal": ([LOC, POS], D.Normal, TD.Normal, X),
        "gamma": ([POS * 2, POS[::-1]], D.Gamma, TD.Gamma, np.abs(X) + 0.05),
        "beta": ([POS * 2, POS[::-1] + 0.7], D.Beta, TD.Beta, P),
        "dirichlet": ([POS * 2], D.Dirichlet, TD.Dirichlet, P / P.sum(-1, keepdims=True)),
    }[name]


WHATS = {
    "exponential": ["log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev", "mode"],
    "laplace": ["log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev"],
    "lognormal": ["log_prob", "cdf", "icdf", "entropy", "mean", "variance", "mode"],
    "poisson": ["log_prob", "mean", "variance", "mode"],
    "normal": ["icdf"],
    "gamma": ["log_prob", "entropy", "mean", "variance", "mode"],
    "beta": ["log_prob", "entropy", "mean", "variance", "mode"],
    "dirichlet": ["log_prob", "entropy", "mean", "variance", "mode"],
}


@pytest.mark.parametrize(("name", "what"), [(n, w) for n, ws in WHATS.items() for w in ws])
def test_family_matches_torch(name: str, what: str) -> None:
    arrays, ours_cls, theirs_cls, x = _family(name)
    pairs = [_pair(a) for a in arrays]
    d_ours, d_theirs = ours_cls(*[p[0] for p in pairs]), theirs_cls(*[p[1] for p in pairs])
    assert d_ours.batch_shape == d_theirs.batch_shape and d_ours.event_shape == d_theirs.event_shape
    assert isinstance(d_ours.batch_shape, mg.Size) and isinstance(d_ours.event_shape, mg.Size)
    if what in ("log_prob", "cdf", "icdf"):
        v = P if what == "icdf" else x
        out = getattr(d_ours, what)(mg.tensor(v)), getattr(d_theirs, what)(torch.tensor(v))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    if what == "mode" and name in ("poisson", "exponential", "gamma", "beta", "dirichlet"):  # piecewise
        np.testing.assert_allclose(_arr(out[0]), _arr(out[1]), rtol=1e-12)
        return
    if what == "entropy" and name in ("gamma", "beta", "dirichlet"):
        # the gradient needs trigamma, which PyTorch computes to ~5e-10 relative (minigrad to ~1e-16)
        np.testing.assert_allclose(_arr(out[0]), _arr(out[1]), rtol=1e-10)
        out[0].sum().backward()
        out[1].sum().backward()
        for a, b in pairs:
            np.testing.assert_allclose(_arr(a.grad), _arr(b.grad), rtol=1e-8, atol=1e-9)
        return
    _check([p[0] for p in pairs], [p[1] for p in pairs], *out)


@pytest.mark.parametrize("name", ["exponential", "laplace", "lognormal"])
def test_rsample_is_differentiable_in_the_parameters(name: str) -> None:
    arrays, ours_cls, theirs_cls, _ = _family(name)
    pairs = [_pair(a) for a in arrays]
    d_ours = ours_cls(*[p[0] for p in pairs])
    s = d_ours.rsample((2,))
    # the same draw under torch: push the sample back through the inverse cdf of torch's distribution
    u = d_ours.cdf(s).detach()
    t = theirs_cls(*[p[1] for p in pairs]).icdf(torch.tensor(_arr(u)))
    _check([p[0] for p in pairs], [p[1] for p in pairs], s, t)


@pytest.mark.parametrize("param", ["covariance_matrix", "precision_matrix", "scale_tril"])
@pytest.mark.parametrize("what", ["log_prob", "entropy", "variance", "covariance_matrix", "precision_matrix",
                                  "scale_tril"])
def test_multivariate_normal_matches_torch(param: str, what: str) -> None:
    mat = np.linalg.cholesky(COV) if param == "scale_tril" else COV
    (loc, tloc), (m, tm) = _pair(MLOC), _pair(mat)
    d_ours = D.MultivariateNormal(loc, **{param: m})
    d_theirs = TD.MultivariateNormal(tloc, **{param: tm})
    assert d_ours.batch_shape == d_theirs.batch_shape == (2,) and d_ours.event_shape == (3,)
    if what == "log_prob":
        out = d_ours.log_prob(mg.tensor(MX)), d_theirs.log_prob(torch.tensor(MX))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    if param == "scale_tril" and what == "precision_matrix":  # torch's cholesky_inverse: a few ulps apart
        np.testing.assert_allclose(_arr(out[0]), _arr(out[1]), rtol=1e-9)
        return
    _check([loc, m], [tloc, tm], *out)


def test_multivariate_normal_rsample_and_broadcasting() -> None:
    (loc, tloc), (m, tm) = _pair(MLOC[0]), _pair(COV)
    d = D.MultivariateNormal(loc, covariance_matrix=m)
    s = d.rsample((5,))
    assert s.shape == (5, 2, 3) and d.batch_shape == (2,)
    lt = np.linalg.cholesky(COV)
    eps = np.linalg.solve(lt, (_arr(s) - MLOC[0])[..., None])[..., 0]
    t = tloc + (torch.linalg.cholesky(tm) @ torch.tensor(eps).unsqueeze(-1)).squeeze(-1)
    _check([loc, m], [tloc, tm], s, t)
    assert D.MultivariateNormal(mg.zeros(3), mg.eye(3)).sample((4,)).shape == (4, 3)


def test_multivariate_normal_errors_as_torch() -> None:
    cases: list[tuple[Callable[[], Any], Callable[[], Any]]] = [
        (lambda: D.MultivariateNormal(mg.tensor(0.0), mg.eye(1)),
         lambda: TD.MultivariateNormal(torch.tensor(0.0), torch.eye(1))),
        (lambda: D.MultivariateNormal(mg.zeros(2)), lambda: TD.MultivariateNormal(torch.zeros(2))),
        (lambda: D.MultivariateNormal(mg.zeros(2), mg.eye(2), scale_tril=mg.eye(2)),
         lambda: TD.MultivariateNormal(torch.zeros(2), torch.eye(2), scale_tril=torch.eye(2))),
        (lambda: D.MultivariateNormal(mg.zeros(2), -mg.eye(2)), lambda: TD.MultivariateNormal(torch.zeros(2),
                                                                                             -torch.eye(2))),
    ]
    # validation on in both libraries for this test: the last case is an error only under validation, and
    # the default is process-wide state that code run earlier in the process (a library imported under the
    # alias, a test's own switch) may have left off
    before = D.Distribution._validate_args, TD.Distribution._validate_args
    D.Distribution.set_default_validate_args(True)
    TD.Distribution.set_default_validate_args(True)
    try:
        for ours, theirs in cases:
            with pytest.raises(ValueError) as info:
                theirs()
            with pytest.raises(type(info.value)):
                ours()
    finally:
        D.Distribution.set_default_validate_args(before[0])
        TD.Distribution.set_default_validate_args(before[1])


@pytest.mark.parametrize("what", ["log_prob", "mean", "variance", "cdf"])
def test_mixture_same_family_matches_torch(what: str) -> None:
    (w, tw), (loc, tloc), (sc, tsc) = _pair(rng.random((3, 4)) + 0.1), _pair(LOC), _pair(POS)
    d_ours = D.MixtureSameFamily(D.Categorical(probs=w), D.Normal(loc, sc))
    d_theirs = TD.MixtureSameFamily(TD.Categorical(probs=tw), TD.Normal(tloc, tsc))
    assert d_ours.batch_shape == d_theirs.batch_shape == (3,) and d_ours.event_shape == ()
    x = rng.standard_normal((5, 3))
    if what in ("log_prob", "cdf"):
        out = getattr(d_ours, what)(mg.tensor(x)), getattr(d_theirs, what)(torch.tensor(x))
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    _check([w, loc, sc], [tw, tloc, tsc], *out)
    assert d_ours.sample((6,)).shape == (6, 3)


def test_mixture_of_multivariate_normals_matches_torch() -> None:
    (loc, tloc), (sc, tsc) = _pair(rng.standard_normal((4, 2))), _pair(rng.random((4, 2)) + 0.5)
    mix_o = D.Categorical(logits=mg.tensor(np.linspace(-1, 1, 4)))
    mix_t = TD.Categorical(logits=torch.tensor(np.linspace(-1, 1, 4)))
    d_ours = D.MixtureSameFamily(mix_o, D.Independent(D.Normal(loc, sc), 1))
    d_theirs = TD.MixtureSameFamily(mix_t, TD.Independent(TD.Normal(tloc, tsc), 1))
    assert d_ours.event_shape == d_theirs.event_shape == (2,)
    x = rng.standard_normal((7, 2))
    _check([loc, sc], [tloc, tsc], d_ours.log_prob(mg.tensor(x)), d_theirs.log_prob(torch.tensor(x)))
    assert d_ours.sample((3,)).shape == (3, 2)


def test_samples_have_torch_shapes_and_sane_statistics() -> None:
    mg.manual_seed(0)
    for d, mean in [(D.Exponential(mg.tensor([2.0])), 0.5), (D.Laplace(mg.tensor([1.0]), 2.0), 1.0),
                    (D.LogNormal(mg.tensor([0.0]), 0.5), float(np.exp(0.125))),
                    (D.Poisson(mg.tensor([3.0])), 3.0), (D.Gamma(mg.tensor([2.0]), 4.0), 0.5),
                    (D.Beta(mg.tensor([2.0]), 6.0), 0.25),
                    (D.MixtureSameFamily(D.Categorical(probs=mg.tensor([[0.3, 0.7]])),
                                         D.Normal(mg.tensor([[-5.0, 5.0]]), 0.1)), 2.0)]:
        s = d.sample((20000,))
        assert s.shape == (20000, 1) and s.dtype == mg.float32
        assert abs(s.mean().item() - mean) < 0.05 * max(mean, 1)


def test_dirichlet_samples_lie_on_the_simplex() -> None:
    mg.manual_seed(1)
    s = D.Dirichlet(mg.tensor([[1.0, 2.0, 3.0]])).sample((4000,))
    assert s.shape == (4000, 1, 3)
    np.testing.assert_allclose(s.numpy().sum(-1), 1, rtol=1e-5)
    np.testing.assert_allclose(s.numpy().mean(0)[0], [1 / 6, 2 / 6, 3 / 6], atol=0.02)
    assert D.Gamma(1.0, 1.0).has_rsample and TD.Gamma(1.0, 1.0).has_rsample  # the gap is closed
