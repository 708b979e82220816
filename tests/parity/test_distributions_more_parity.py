"""The wider torch.distributions surface against PyTorch in float64: each family's log_prob, cdf/icdf,
entropy and moments with their parameter gradients; seeded sample/rsample drawing PyTorch's numbers,
with rsample's gradients; shapes, expand, argument and support validation; the transform exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)
TD = torch.distributions
rng = np.random.default_rng(11)

LOC = rng.standard_normal((2, 3))
POS = rng.random((2, 3)) + 0.5
DF = np.array([[0.8, 2.0, 5.0], [1.5, 3.0, 12.0]])
PROB = rng.uniform(0.1, 0.9, (2, 3))
X = rng.standard_normal((4, 2, 3))
AX = np.abs(X) + 0.05
U = rng.uniform(0.05, 0.95, (4, 2, 3))
N = np.full((2, 3), 6.0)
K = np.floor(U * 7).clip(0, 6)
CPROB = rng.random((2, 4)) + 0.1
COUNTS = np.array([[[1.0, 2, 0, 3], [0, 0, 6, 0]], [[2, 2, 1, 1], [6, 0, 0, 0]]])
TEMP = np.array(0.7)
SIMPLEX = rng.random((4, 2, 4)) + 0.05
SIMPLEX /= SIMPLEX.sum(-1, keepdims=True)
ONE_HOT = np.eye(4)[rng.integers(0, 4, (4, 2))]
FACTOR = rng.standard_normal((3, 2))
CPROB_HALF = PROB.copy()
CPROB_HALF[0, 0] = 0.5  # inside ContinuousBernoulli's Taylor region

Ctor = Callable[[Any, list[Any]], Any]
# name: (constructor for either library, parameter arrays, value array, what to compare, rsample grad rtol)
FAMILIES: dict[str, tuple[Ctor, list[np.ndarray], np.ndarray, list[str], float | None]] = {
    "cauchy": (lambda m, p: m.Cauchy(p[0], p[1]), [LOC, POS], X,
               ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"], 1e-12),
    "half_normal": (lambda m, p: m.HalfNormal(p[0]), [POS], AX,
                    ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev"], 1e-12),
    "half_cauchy": (lambda m, p: m.HalfCauchy(p[0]), [POS], AX,
                    ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"], 1e-12),
    "gumbel": (lambda m, p: m.Gumbel(p[0], p[1]), [LOC, POS], X,
               ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev"], 1e-12),
    "student_t": (lambda m, p: m.StudentT(p[0], p[1], p[2]), [DF, LOC, POS], X,
                  ["log_prob", "entropy", "mean", "mode", "variance"], 1e-3),
    "chi2": (lambda m, p: m.Chi2(p[0]), [DF], AX, ["log_prob", "cdf", "entropy", "mean", "mode", "variance"],
             1e-3),
    "gamma": (lambda m, p: m.Gamma(p[0], p[1]), [DF, POS], AX, ["cdf"], 1e-3),
    "geometric": (lambda m, p: m.Geometric(probs=p[0]), [PROB], K, ["log_prob", "entropy", "mean", "mode",
                                                                    "variance"], None),
    "geometric_logits": (lambda m, p: m.Geometric(logits=p[0]), [LOC], K, ["log_prob", "entropy", "mean",
                                                                          "variance"], None),
    "binomial": (lambda m, p: m.Binomial(m_tensor(m, N), probs=p[0]), [PROB], K,
                 ["log_prob", "entropy", "mean", "mode", "variance"], None),
    "binomial_logits": (lambda m, p: m.Binomial(m_tensor(m, N), logits=p[0]), [LOC], K,
                        ["log_prob", "entropy", "mean", "variance"], None),
    "negative_binomial": (lambda m, p: m.NegativeBinomial(p[0], probs=p[1]), [POS * 3, PROB], K,
                          ["log_prob", "mean", "mode", "variance"], None),
    "multinomial": (lambda m, p: m.Multinomial(6, probs=p[0]), [CPROB], COUNTS,
                    ["log_prob", "entropy", "mean", "variance"], None),
    "weibull": (lambda m, p: m.Weibull(p[0], p[1]), [POS, DF], AX,
                ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"], 1e-12),
    "pareto": (lambda m, p: m.Pareto(p[0], p[1]), [POS * 0.1, DF], AX + 0.2,
               ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"], 1e-12),
    "inverse_gamma": (lambda m, p: m.InverseGamma(p[0], p[1]), [DF, POS], AX,
                      ["log_prob", "cdf", "entropy", "mean", "mode", "variance"], 1e-3),
    "fisher_snedecor": (lambda m, p: m.FisherSnedecor(p[0], p[1]), [DF * 2, DF + 3], AX,
                        ["log_prob", "mean", "mode", "variance"], 1e-2),
    "kumaraswamy": (lambda m, p: m.Kumaraswamy(p[0], p[1]), [DF, POS * 2], U,
                    ["log_prob", "cdf", "icdf", "entropy", "mean", "variance"], 1e-12),
    "generalized_pareto": (lambda m, p: m.GeneralizedPareto(p[0], p[1], p[2]), [LOC, POS, LOC * 0.3], U + LOC,
                           ["icdf", "entropy", "mean", "mode", "variance"], 1e-12),
    "logistic_normal": (lambda m, p: m.LogisticNormal(p[0], p[1]), [LOC, POS], SIMPLEX, ["log_prob"], 1e-12),
    "relaxed_bernoulli": (lambda m, p: m.RelaxedBernoulli(p[0], probs=p[1]), [TEMP, PROB], U, ["log_prob"],
                          1e-12),
    "relaxed_bernoulli_logits": (lambda m, p: m.RelaxedBernoulli(p[0], logits=p[1]), [TEMP, LOC], U,
                                 ["log_prob"], 1e-12),
    "relaxed_one_hot": (lambda m, p: m.RelaxedOneHotCategorical(p[0], probs=p[1]), [TEMP, CPROB], SIMPLEX,
                        ["log_prob"], 1e-12),
    "straight_through": (lambda m, p: m.OneHotCategoricalStraightThrough(probs=p[0]), [CPROB], ONE_HOT,
                         ["log_prob", "entropy", "mean", "mode", "variance"], 1e-12),
    "continuous_bernoulli": (lambda m, p: m.ContinuousBernoulli(probs=p[0]), [CPROB_HALF], U,
                             ["log_prob", "cdf", "icdf", "entropy", "mean", "variance"], 1e-12),
    "continuous_bernoulli_logits": (lambda m, p: m.ContinuousBernoulli(logits=p[0]), [LOC], U,
                                    ["log_prob", "cdf", "icdf", "entropy", "mean", "variance"], 1e-12),
    "lowrank_mvn": (lambda m, p: m.LowRankMultivariateNormal(p[0], p[1], p[2]), [LOC, FACTOR, POS[0]], X,
                    ["log_prob", "entropy", "mean", "variance", "covariance_matrix", "precision_matrix",
                     "scale_tril"], 1e-12),
}


def m_tensor(m: Any, a: np.ndarray) -> Any:
    """``a`` as a Tensor of the library ``m`` (minigrad.distributions or torch.distributions)."""
    return mg.tensor(a) if m is D else torch.tensor(a)


def _arr(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _pairs(arrays: list[np.ndarray]) -> tuple[list[mg.Tensor], list[Any]]:
    return ([mg.tensor(a.copy(), requires_grad=True) for a in arrays],
            [torch.tensor(a.copy(), requires_grad=True) for a in arrays])


def _check(ours: list[mg.Tensor], theirs: list[Any], out_ours: Any, out_theirs: Any, rtol: float = 1e-10,
           grad_rtol: float = 1e-9) -> None:
    """Values agree (nan where PyTorch has nan), and so do the gradients of a weighted sum of the finite
    entries."""
    a, b = _arr(out_ours), _arr(out_theirs)
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)
    if not (out_ours.requires_grad and out_theirs.requires_grad):
        assert out_ours.requires_grad == out_theirs.requires_grad
        return
    w = np.cos(np.arange(a.size)).reshape(a.shape) * np.isfinite(b)
    (out_ours.masked_fill(mg.tensor(~np.isfinite(a)), 0.0) * mg.tensor(w)).sum().backward()
    (out_theirs.masked_fill(torch.tensor(~np.isfinite(b)), 0.0) * torch.tensor(w)).sum().backward()
    for x, y in zip(ours, theirs):
        assert (x.grad is None) == (y.grad is None)
        if x.grad is not None:
            np.testing.assert_allclose(_arr(x.grad), _arr(y.grad), rtol=grad_rtol, atol=1e-10)


@pytest.mark.parametrize(("name", "what"), [(n, w) for n, spec in FAMILIES.items() for w in spec[3]])
def test_family_matches_torch(name: str, what: str) -> None:
    ctor, arrays, x, _, _ = FAMILIES[name]
    ours, theirs = _pairs(arrays)
    d_ours, d_theirs = ctor(D, ours), ctor(TD, theirs)
    assert d_ours.batch_shape == d_theirs.batch_shape and d_ours.event_shape == d_theirs.event_shape
    for base in type(d_theirs).__mro__[1:-1]:  # e.g. TransformedDistribution, ExponentialFamily
        assert isinstance(d_ours, getattr(D, base.__name__)), base
    if what in ("log_prob", "cdf"):
        out = getattr(d_ours, what)(mg.tensor(x)), getattr(d_theirs, what)(torch.tensor(x))
    elif what == "icdf":
        out = d_ours.icdf(mg.tensor(U)), d_theirs.icdf(torch.tensor(U))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    if what == "cdf" and name in ("chi2", "gamma", "inverse_gamma"):  # neither differentiates igamma in a
        np.testing.assert_allclose(_arr(out[0]), _arr(out[1]), rtol=1e-10)
        return
    # the entropies' gradients need trigamma, which PyTorch computes to ~5e-10 relative (minigrad ~1e-16)
    _check(ours, theirs, *out, grad_rtol=1e-7 if what == "entropy" else 1e-9)


@pytest.mark.parametrize("name", list(FAMILIES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_seeded_draws_are_torchs(name: str, dtype: str) -> None:
    """``sample`` (and ``rsample`` with its gradients, where the family has it) draw PyTorch's numbers."""
    ctor, arrays, _, _, grad_rtol = FAMILIES[name]
    arrays = [a.astype(dtype) for a in arrays]
    ours, theirs = _pairs(arrays)
    d_ours, d_theirs = ctor(D, ours), ctor(TD, theirs)
    assert d_ours.has_rsample == d_theirs.has_rsample
    mg.manual_seed(7)
    torch.manual_seed(7)
    s_ours, s_theirs = d_ours.sample((5,)), d_theirs.sample((5,))
    assert s_ours.shape == s_theirs.shape and not s_ours.requires_grad
    rtol = 1e-5 if dtype == "float32" else 1e-12  # float32: a few ulps from the order of operations
    np.testing.assert_allclose(_arr(s_ours), _arr(s_theirs), rtol=rtol, atol=rtol / 10)
    if grad_rtol is None:
        return
    r_ours, r_theirs = d_ours.rsample((3,)), d_theirs.rsample((3,))
    _check(ours, theirs, r_ours, r_theirs, rtol=rtol, grad_rtol=max(grad_rtol, rtol * 100))


@pytest.mark.parametrize("name", list(FAMILIES))
def test_expand_matches_torch(name: str) -> None:
    ctor, arrays, x, _, _ = FAMILIES[name]
    d_ours, d_theirs = ctor(D, [mg.tensor(a) for a in arrays]), ctor(TD, [torch.tensor(a) for a in arrays])
    shape = (4, *d_theirs.batch_shape)
    e_ours, e_theirs = d_ours.expand(shape), d_theirs.expand(shape)
    assert e_ours.batch_shape == e_theirs.batch_shape and e_ours.event_shape == e_theirs.event_shape
    assert type(e_ours) is type(d_ours)
    what = "icdf" if name == "generalized_pareto" else "log_prob"  # see the float32 test below
    x = (x if what == "log_prob" else U)[:, None]  # the sample dim, then the new batch dim
    np.testing.assert_allclose(_arr(getattr(e_ours, what)(mg.tensor(x))),
                               _arr(getattr(e_theirs, what)(torch.tensor(x))), rtol=1e-10)
    assert e_ours.sample((2,)).shape == e_theirs.sample((2,)).shape


BAD: dict[str, Ctor] = {
    "cauchy": lambda m, t: m.Cauchy(t(0.0), t(-1.0)),
    "half_normal": lambda m, t: m.HalfNormal(t([1.0, 0.0])),
    "student_t": lambda m, t: m.StudentT(t(-1.0)),
    "chi2": lambda m, t: m.Chi2(t(0.0)),
    "gumbel": lambda m, t: m.Gumbel(t(0.0), t(0.0)),
    "geometric": lambda m, t: m.Geometric(t(0.0)),
    "geometric_both": lambda m, t: m.Geometric(t(0.5), t(0.0)),
    "binomial": lambda m, t: m.Binomial(t(2.5), t(0.5)),
    "binomial_probs": lambda m, t: m.Binomial(t(2.0), t(1.5)),
    "negative_binomial": lambda m, t: m.NegativeBinomial(t(2.0), t(1.0)),
    "gamma_log_prob": lambda m, t: m.Gamma(t(1.0), t(1.0)).log_prob(t(-1.0)),
    "half_normal_log_prob": lambda m, t: m.HalfNormal(t(1.0)).log_prob(t([-1.0])),
    "binomial_log_prob": lambda m, t: m.Binomial(t(3.0), t(0.5)).log_prob(t(4.0)),
    "multinomial_log_prob": lambda m, t: m.Multinomial(2, t([0.5, 0.5])).log_prob(t([3.0, 0.0])),
    "log_prob_shape": lambda m, t: m.Cauchy(t([0.0, 1.0]), t(1.0)).log_prob(t([0.0, 1.0, 2.0])),
}


@pytest.mark.parametrize("name", list(BAD))
def test_validation_raises_like_torch(name: str) -> None:
    with pytest.raises(ValueError) as theirs:
        BAD[name](TD, torch.tensor)
    with pytest.raises(ValueError) as ours:
        BAD[name](D, mg.tensor)
    first = str(theirs.value).split("(")[0].split(":")[0]
    assert str(ours.value).startswith(first)


def test_exports_match_torch() -> None:
    wanted = {"AbsTransform", "AffineTransform", "ComposeTransform", "CumulativeDistributionTransform",
              "ExpTransform", "IndependentTransform", "LowerCholeskyTransform", "PowerTransform",
              "SigmoidTransform", "SoftmaxTransform", "SoftplusTransform", "StickBreakingTransform",
              "TanhTransform", "Transform", "ExponentialFamily", "identity_transform"}
    assert wanted <= set(dir(TD)) and wanted <= set(dir(D))
    for family in ("Normal", "Gamma"):
        assert issubclass(getattr(TD, family), TD.ExponentialFamily)
    assert issubclass(D.Gamma, D.ExponentialFamily) and issubclass(D.Chi2, D.Gamma)


@pytest.mark.parametrize("name", ["SoftmaxTransform", "StickBreakingTransform"])
def test_simplex_transforms_match_torch(name: str) -> None:
    (x,), (tx,) = _pairs([LOC])
    t_ours, t_theirs = getattr(D, name)(), getattr(TD, name)()
    y, ty = t_ours(x), t_theirs(tx)
    assert t_ours.forward_shape((2, 3)) == tuple(t_theirs.forward_shape((2, 3)))
    np.testing.assert_allclose(_arr(t_ours.inv(y)), _arr(t_theirs.inv(ty)), rtol=1e-10)
    if t_theirs.bijective:
        lad, tlad = t_ours.log_abs_det_jacobian(x, y), t_theirs.log_abs_det_jacobian(tx, ty)
        _check([x], [tx], y + lad.unsqueeze(-1), ty + tlad.unsqueeze(-1))
    else:
        _check([x], [tx], y, ty)


def test_gamma_rsample_gradient_is_pytorchs_approximation_of_the_implicit_one() -> None:
    """dx/dc of a Gamma draw: PyTorch's (Jankowiak and Obermeyer's approximations), and within their error
    (here 5e-5) of a central difference of the draw at a fixed quantile, the exact implicit gradient."""
    c = np.array([0.05, 0.4, 1.0, 3.0, 40.0])
    mg.manual_seed(3)
    conc = mg.tensor(c, requires_grad=True)
    x = D.Gamma(conc, 1.0).rsample()
    x.sum().backward()
    torch.manual_seed(3)
    theirs = torch.tensor(c, requires_grad=True)
    torch.distributions.Gamma(theirs, 1.0).rsample().sum().backward()
    np.testing.assert_allclose(conc.grad.numpy(), theirs.grad.numpy(), rtol=1e-13)
    q = mg.tensor(c).igamma(x.detach()).numpy()

    def quantile(a: np.ndarray) -> np.ndarray:  # invert P(a, .) at q by bisection
        lo, hi = np.zeros_like(a), np.full_like(a, 200.0)
        for _ in range(200):
            mid = (lo + hi) / 2
            below = mg.tensor(a).igamma(mg.tensor(mid)).numpy() < q
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return (lo + hi) / 2

    h = 1e-6 * c
    numeric = (quantile(c + h) - quantile(c - h)) / (2 * h)
    np.testing.assert_allclose(conc.grad.numpy(), numeric, rtol=1e-4)


def _mvn_or_lowrank(m: Any, p: list[Any]) -> Any:
    """A MultivariateNormal from (loc, scale_tril), a LowRankMultivariateNormal from three parameters."""
    return m.MultivariateNormal(p[0], scale_tril=p[1]) if len(p) == 2 else m.LowRankMultivariateNormal(*p)


KL_PAIRS: dict[str, tuple[Ctor, list[np.ndarray], list[np.ndarray]]] = {
    "normal": (lambda m, p: m.Normal(p[0], p[1]), [LOC, POS], [LOC[::-1], POS + 0.3]),
    "normal_laplace": (lambda m, p: m.Normal(p[0], p[1]) if len(p) == 2 else m.Laplace(p[0], p[1]),
                       [LOC, POS], [LOC[::-1], POS + 0.3]),
    "beta": (lambda m, p: m.Beta(p[0], p[1]), [DF, POS], [POS, DF]),
    "dirichlet": (lambda m, p: m.Dirichlet(p[0]), [CPROB * 3], [CPROB[::-1] + 1]),
    "gamma": (lambda m, p: m.Gamma(p[0], p[1]), [DF, POS], [POS, DF]),
    "exponential": (lambda m, p: m.Exponential(p[0]), [POS], [DF]),
    "laplace": (lambda m, p: m.Laplace(p[0], p[1]), [LOC, POS], [LOC[::-1], DF]),
    "poisson": (lambda m, p: m.Poisson(p[0]), [POS], [DF]),
    "geometric": (lambda m, p: m.Geometric(p[0]), [PROB], [PROB[::-1]]),
    "binomial": (lambda m, p: m.Binomial(m_tensor(m, N), p[0]), [PROB], [PROB[::-1]]),
    "gumbel": (lambda m, p: m.Gumbel(p[0], p[1]), [LOC, POS], [LOC[::-1], DF]),
    "half_normal": (lambda m, p: m.HalfNormal(p[0]), [POS], [DF]),
    "cauchy": (lambda m, p: m.Cauchy(p[0], p[1]), [LOC, POS], [LOC[::-1], DF]),
    "pareto": (lambda m, p: m.Pareto(p[0], p[1]), [POS, DF], [POS * 0.9, DF[::-1]]),
    "one_hot": (lambda m, p: m.OneHotCategorical(p[0]), [CPROB], [CPROB[::-1]]),
    "continuous_bernoulli": (lambda m, p: m.ContinuousBernoulli(p[0]), [PROB], [PROB[::-1]]),
    "lognormal": (lambda m, p: m.LogNormal(p[0], p[1]), [LOC, POS], [LOC[::-1], DF]),
    "mvn": (lambda m, p: m.MultivariateNormal(p[0], scale_tril=p[1]),
            [LOC, np.tril(FACTOR @ FACTOR.T) + 2 * np.eye(3)], [LOC[::-1], np.eye(3) * 1.5]),
    "lowrank_mvn": (lambda m, p: m.LowRankMultivariateNormal(p[0], p[1], p[2]), [LOC, FACTOR, POS[0]],
                    [LOC[::-1], FACTOR[::-1], DF[1]]),
    "independent": (lambda m, p: m.Independent(m.Normal(p[0], p[1]), 1), [LOC, POS], [LOC[::-1], DF]),
    "mvn_lowrank": (lambda m, p: _mvn_or_lowrank(m, p),
                    [LOC, np.tril(FACTOR @ FACTOR.T) + 2 * np.eye(3)], [LOC[::-1], FACTOR[::-1], DF[1]]),
    "lowrank_mvn_to_full": (lambda m, p: _mvn_or_lowrank(m, p),
                    [LOC, FACTOR, POS[0]], [LOC[::-1], np.tril(FACTOR @ FACTOR.T) + 2 * np.eye(3)]),
}


@pytest.mark.parametrize("name", list(KL_PAIRS))
def test_kl_divergence_matches_torch(name: str) -> None:
    ctor, arrays_p, arrays_q = KL_PAIRS[name]
    ours_p, theirs_p = _pairs(arrays_p)
    ours_q, theirs_q = _pairs(arrays_q)
    q_ctor: Callable[[Any, list[Any]], Any] = ctor
    if name == "normal_laplace":
        def q_ctor(m: Any, p: list[Any]) -> Any:
            return m.Laplace(p[0], p[1])
    kl_ours = D.kl_divergence(ctor(D, ours_p), q_ctor(D, ours_q))
    kl_theirs = TD.kl_divergence(ctor(TD, theirs_p), q_ctor(TD, theirs_q))
    _check(ours_p + ours_q, theirs_p + theirs_q, kl_ours, kl_theirs, grad_rtol=1e-7)


def test_register_kl_picks_the_most_specific_pair() -> None:
    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _mine(p: Any, q: Any) -> mg.Tensor:
        return p.loc * 0 + 42.0

    p, q = MyNormal(mg.zeros(2), 1.0), D.Normal(mg.zeros(2), 2.0)
    assert D.kl_divergence(p, q).tolist() == [42.0, 42.0]
    assert D.kl_divergence(q, p).tolist() != [42.0, 42.0]  # the (Normal, Normal) formula
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.VonMises(0.0, 1.0), D.Normal(0.0, 1.0))


@pytest.mark.parametrize("family", ["Dirichlet", "Beta"])
def test_dirichlet_rsample_draws_torchs_numbers_with_unbiased_gradients(family: str) -> None:
    conc = np.array([[0.5, 2.0, 3.0], [1.0, 1.0, 7.0]])
    args = (lambda t: [t]) if family == "Dirichlet" else (lambda t: [t[..., 0], t[..., 1]])
    mg.manual_seed(2)
    torch.manual_seed(2)
    c = mg.tensor(conc, requires_grad=True)
    s = getattr(D, family)(*args(c)).rsample((4,))
    t = getattr(TD, family)(*args(torch.tensor(conc))).rsample((4,))
    np.testing.assert_allclose(s.detach().numpy(), t.numpy(), rtol=1e-12)
    # E[d/dc sum(w x)] = d/dc sum(w E[x]); the Monte Carlo mean of the pathwise gradient agrees
    n = 5000
    x = getattr(D, family)(*args(c)).rsample((n,))
    w = mg.tensor(np.cos(np.arange(x.shape[-1]) + 1.0))
    (x * w).sum().backward()
    c2 = mg.tensor(conc, requires_grad=True)
    mean = getattr(D, family)(*args(c2)).mean
    (mean * w).sum().backward()
    assert c.grad is not None and c2.grad is not None
    np.testing.assert_allclose(c.grad.numpy() / n, c2.grad.numpy(), atol=0.005)


def test_von_mises_matches_torch() -> None:
    loc, conc = np.array([0.3, -2.0, 3.0]), np.array([0.5, 4.0, 40.0])
    d, t = D.VonMises(mg.tensor(loc), mg.tensor(conc)), TD.VonMises(torch.tensor(loc), torch.tensor(conc))
    for dtype in ("float64", "float32"):
        mg.manual_seed(4)
        torch.manual_seed(4)
        a = D.VonMises(mg.tensor(loc, dtype=getattr(mg, dtype)), mg.tensor(conc, dtype=getattr(mg, dtype)))
        b = TD.VonMises(torch.tensor(loc, dtype=getattr(torch, dtype)),
                        torch.tensor(conc, dtype=getattr(torch, dtype)))
        # the same draws; the rejection sampler's cos/exp round as each library's vector math does on
        # this CPU (an ulp apart on AVX-512 machines)
        np.testing.assert_allclose(a.sample((50,)).numpy(), b.sample((50,)).numpy(),
                                   rtol=1e-13 if dtype == "float64" else 1e-6)
    x = np.linspace(-3, 3, 6)[:, None]
    # PyTorch's log I0 is a polynomial fit good to ~1e-7; minigrad's Bessel function is exact
    np.testing.assert_allclose(d.log_prob(mg.tensor(x)).numpy(), t.log_prob(torch.tensor(x)).numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(d.variance.numpy(), t.variance.numpy(), atol=1e-6)
    assert not d.has_rsample and not t.has_rsample


def test_generalized_pareto_log_prob_and_cdf_match_torch_in_float32() -> None:
    # PyTorch 2.13's GeneralizedPareto.log_prob/cdf fail for float64 parameters (a float32 isclose)
    args = [a.astype(np.float32) for a in (LOC, POS, LOC * 0.3)]
    d = D.GeneralizedPareto(*[mg.tensor(a) for a in args])
    t = TD.GeneralizedPareto(*[torch.tensor(a) for a in args])
    v = (U + LOC).astype(np.float32)
    for what in ("log_prob", "cdf"):
        np.testing.assert_allclose(getattr(d, what)(mg.tensor(v)).numpy(),
                                   getattr(t, what)(torch.tensor(v)).numpy(), rtol=1e-5)


def test_kumaraswamy_mode_is_the_density_maximum() -> None:
    a, b = np.array([2.0, 5.0, 1.5]), np.array([3.0, 1.2, 8.0])
    d = D.Kumaraswamy(mg.tensor(a), mg.tensor(b))
    grid = np.linspace(1e-4, 1 - 1e-4, 20001)[:, None]
    best = grid[np.argmax(d.log_prob(mg.tensor(grid)).numpy(), axis=0), 0]
    np.testing.assert_allclose(d.mode.numpy(), best, atol=1e-4)


EXTRA_TRANSFORMS: dict[str, tuple[Callable[[Any], Any], np.ndarray]] = {
    "corr_cholesky": (lambda tr: tr.CorrCholeskyTransform(), rng.standard_normal((2, 6))),
    "reshape": (lambda tr: tr.ReshapeTransform((6,), (2, 3)), rng.standard_normal((2, 6))),
    "positive_definite": (lambda tr: tr.PositiveDefiniteTransform(), rng.standard_normal((2, 3, 3))),
    "cat": (lambda tr: tr.CatTransform([tr.ExpTransform(), tr.SigmoidTransform()], 1, [2, 4]),
            rng.standard_normal((2, 6))),
    "stack": (lambda tr: tr.StackTransform([tr.ExpTransform(), tr.TanhTransform()], 0),
              rng.standard_normal((2, 6))),
}


@pytest.mark.parametrize("name", list(EXTRA_TRANSFORMS))
def test_more_transforms_match_torch(name: str) -> None:
    make, x = EXTRA_TRANSFORMS[name]
    t_ours, t_theirs = make(D), make(TD)
    (a,), (b,) = _pairs([x])
    y, ty = t_ours(a), t_theirs(b)
    np.testing.assert_allclose(_arr(t_ours.inv(y)), _arr(t_theirs.inv(ty)), rtol=1e-10, atol=1e-12)
    assert t_ours.forward_shape((5, *x.shape[1:])) == tuple(t_theirs.forward_shape((5, *x.shape[1:])))
    assert t_ours.bijective == t_theirs.bijective
    if name == "positive_definite":  # neither library gives it a log-det
        _check([a], [b], y, ty)
        return
    lad, tlad = t_ours.log_abs_det_jacobian(a, y), t_theirs.log_abs_det_jacobian(b, ty)
    _check([a], [b], y.sum() + lad, ty.sum() + tlad)
    assert bool(t_ours.codomain.check(y.detach()).all())


CONSTRAINTS: dict[str, Callable[[Any], Any]] = {
    "real": lambda c: c.real, "positive": lambda c: c.positive, "nonnegative": lambda c: c.nonnegative,
    "unit_interval": lambda c: c.unit_interval, "simplex": lambda c: c.simplex,
    "real_vector": lambda c: c.real_vector, "greater_than": lambda c: c.greater_than(2.0),
    "less_than": lambda c: c.less_than(-1.0), "interval": lambda c: c.interval(-1.0, 3.0),
    "half_open_interval": lambda c: c.half_open_interval(0.5, 2.0),
    "independent_positive": lambda c: c.independent(c.positive, 1),
}


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name", list(CONSTRAINTS))
def test_constraint_registry_matches_torch(registry: str, name: str) -> None:
    c_ours, c_theirs = CONSTRAINTS[name](D.constraints), CONSTRAINTS[name](TD.constraints)
    t_ours, t_theirs = getattr(D, registry)(c_ours), getattr(TD, registry)(c_theirs)
    (a,), (b,) = _pairs([LOC])
    y, ty = t_ours(a), t_theirs(b)
    _check([a], [b], y, ty)
    assert bool(c_ours.check(y.detach()).all())


def test_constraint_registry_has_pytorch_matrix_transforms() -> None:
    assert isinstance(D.transform_to(D.constraints.lower_cholesky), D.LowerCholeskyTransform)
    assert isinstance(D.transform_to(D.constraints.positive_definite), D.PositiveDefiniteTransform)
    assert isinstance(D.biject_to(D.constraints.corr_cholesky), D.CorrCholeskyTransform)
    with pytest.raises(NotImplementedError):
        D.biject_to(D.constraints.boolean)


def test_utils_match_torch() -> None:
    tu, mu = TD.utils, D.utils
    p = PROB
    for binary in (False, True):
        np.testing.assert_allclose(_arr(mu.probs_to_logits(mg.tensor(p), binary)),
                                   _arr(tu.probs_to_logits(torch.tensor(p), binary)), rtol=1e-12)
        np.testing.assert_allclose(_arr(mu.logits_to_probs(mg.tensor(LOC), binary)),
                                   _arr(tu.logits_to_probs(torch.tensor(LOC), binary)), rtol=1e-12)
    np.testing.assert_allclose(_arr(mu.clamp_probs(mg.tensor([0.0, 1.0]))),
                               _arr(tu.clamp_probs(torch.tensor([0.0, 1.0]))))
    for diag in (0, -1, 1):
        vec = np.arange(1.0, 1 + {0: 6, -1: 3, 1: 8}[diag])
        mat = mu.vec_to_tril_matrix(mg.tensor(vec), diag)
        np.testing.assert_array_equal(_arr(mat), _arr(tu.vec_to_tril_matrix(torch.tensor(vec), diag)))
        np.testing.assert_array_equal(_arr(mu.tril_matrix_to_vec(mat, diag)), vec)
    assert mu.euler_constant == tu.euler_constant


def test_pytorch_module_names_import() -> None:
    import importlib

    for name in dir(TD):
        if type(getattr(TD, name)).__name__ == "module":
            module = importlib.import_module(f"minigrad.distributions.{name}")
            for cls_name in getattr(getattr(TD, name), "__all__", []):
                assert hasattr(module, cls_name), (name, cls_name)


@pytest.mark.parametrize("conc", [1.5, [0.5, 3.0]])
def test_lkj_cholesky_matches_torch(conc: Any) -> None:
    c = np.asarray(conc)
    mg.manual_seed(3)
    torch.manual_seed(3)
    s, ts = D.LKJCholesky(4, mg.tensor(c)).sample((2,)), TD.LKJCholesky(4, torch.tensor(c)).sample((2,))
    np.testing.assert_allclose(_arr(s), _arr(ts), rtol=1e-12, atol=1e-15)
    assert bool(D.constraints.corr_cholesky.check(s).all())
    (a,), (b,) = _pairs([c])
    _check([a], [b], D.LKJCholesky(4, a).log_prob(s), TD.LKJCholesky(4, b).log_prob(ts))
    with pytest.raises(ValueError):
        D.LKJCholesky(1)


@pytest.mark.parametrize("param", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_wishart_matches_torch(param: str) -> None:
    a = rng.standard_normal((2, 3, 3))
    cov = a @ a.transpose(0, 2, 1) + np.eye(3)
    mat = np.linalg.cholesky(cov) if param == "scale_tril" else cov
    (df, m), (tdf, tm) = _pairs([np.array([4.5, 6.0]), mat])
    d, t = D.Wishart(df, **{param: m}), TD.Wishart(tdf, **{param: tm})
    assert d.batch_shape == t.batch_shape and d.event_shape == t.event_shape
    x = np.linalg.cholesky(cov)[None] @ np.swapaxes(np.linalg.cholesky(cov), -1, -2)[None] * 2.0
    for what in ("log_prob", "entropy", "mean", "mode", "variance", "covariance_matrix", "precision_matrix",
                 "scale_tril"):
        if what == "log_prob":
            out = d.log_prob(mg.tensor(x)), t.log_prob(torch.tensor(x))
        elif what == "entropy":
            out = d.entropy(), t.entropy()
        else:
            out = getattr(d, what), getattr(t, what)
        np.testing.assert_allclose(_arr(out[0]), _arr(out[1]), rtol=1e-10, atol=1e-12)
    _check([df, m], [tdf, tm], d.log_prob(mg.tensor(x)), t.log_prob(torch.tensor(x)), grad_rtol=1e-7)
    # PyTorch 2.13's rsample inverts its singular-sample test and redraws every sample (warning each
    # time); its Bartlett draw itself is what minigrad's _bartlett_sampling makes, and minigrad's rsample
    # makes the same redraws (test_distributions_probe_parity checks its numbers)
    mg.manual_seed(5)
    torch.manual_seed(5)
    (df, m), (tdf, tm) = _pairs([np.array([4.5, 6.0]), mat])
    d, t = D.Wishart(df, **{param: m}), TD.Wishart(tdf, **{param: tm})
    _check([df, m], [tdf, tm], d._bartlett_sampling((2,)), t._bartlett_sampling((2,)), grad_rtol=1e-3)


BAD_EXISTING: dict[str, Ctor] = {
    "normal_value": lambda m, t: m.Normal(t([0.0]), t([1.0])).log_prob(t([float("nan")])),
    "exponential_value": lambda m, t: m.Exponential(t([1.0])).log_prob(t([-1.0])),
    "exponential_cdf": lambda m, t: m.Exponential(t([1.0])).cdf(t([-1.0])),
    "laplace_value": lambda m, t: m.Laplace(t([0.0]), t([1.0])).log_prob(t([float("nan")])),
    "lognormal_value": lambda m, t: m.LogNormal(t([0.0]), t([1.0])).log_prob(t([-1.0])),
    "poisson_value": lambda m, t: m.Poisson(t([1.0])).log_prob(t([1.5])),
    "uniform_value": lambda m, t: m.Uniform(t([0.0]), t([1.0])).log_prob(t([2.0])),
    "beta_value": lambda m, t: m.Beta(t([1.0]), t([1.0])).log_prob(t([1.5])),
    "dirichlet_value": lambda m, t: m.Dirichlet(t([1.0, 1.0])).log_prob(t([0.7, 0.7])),
    "categorical_value": lambda m, t: m.Categorical(t([0.5, 0.5])).log_prob(t([3.0])),
    "one_hot_value": lambda m, t: m.OneHotCategorical(t([0.5, 0.5])).log_prob(t([1.0, 1.0])),
    "bernoulli_value": lambda m, t: m.Bernoulli(t([0.5])).log_prob(t([0.5])),
    "mvn_value": lambda m, t: m.MultivariateNormal(t([0.0, 0.0]), t([[1.0, 0], [0, 1]])).log_prob(
        t([float("nan"), 0.0])),
    "normal_scale": lambda m, t: m.Normal(t([0.0]), t([-1.0])),
    "normal_nan_loc": lambda m, t: m.Normal(t([float("nan")]), t([1.0])),
    "exponential_rate": lambda m, t: m.Exponential(t([-1.0])),
    "poisson_rate": lambda m, t: m.Poisson(t([-1.0])),
    "uniform_bounds": lambda m, t: m.Uniform(t([1.0]), t([0.0])),
    "beta_concentration": lambda m, t: m.Beta(t([-1.0]), t([1.0])),
    "dirichlet_concentration": lambda m, t: m.Dirichlet(t([1.0, -1.0])),
    "categorical_probs": lambda m, t: m.Categorical(t([-0.5, 0.5])),
    "bernoulli_probs": lambda m, t: m.Bernoulli(t([1.5])),
    "laplace_scale": lambda m, t: m.Laplace(t([0.0]), t([0.0])),
    "lognormal_scale": lambda m, t: m.LogNormal(t([0.0]), t([0.0])),
}


@pytest.mark.parametrize("name", list(BAD_EXISTING))
def test_existing_families_validate_like_torch(name: str) -> None:
    """Values outside the support and bad parameters raise ValueError with PyTorch's message."""
    with pytest.raises(ValueError) as theirs:
        BAD_EXISTING[name](TD, torch.tensor)
    with pytest.raises(ValueError) as ours:
        BAD_EXISTING[name](D, mg.tensor)
    assert str(ours.value).split("(")[0] == str(theirs.value).split("(")[0]


EXP_FAMILIES: dict[str, Callable[[Any, Callable[[Any], Any]], tuple[Any, Any]]] = {
    "normal": lambda m, t: (m.Normal(t(LOC), t(POS)), m.Normal(t(-LOC), t(DF))),
    "bernoulli": lambda m, t: (m.Bernoulli(t(PROB)), m.Bernoulli(t(1 - PROB))),
    "exponential": lambda m, t: (m.Exponential(t(POS)), m.Exponential(t(DF))),
    "poisson": lambda m, t: (m.Poisson(t(POS)), m.Poisson(t(DF))),
    "gamma": lambda m, t: (m.Gamma(t(POS), t(DF)), m.Gamma(t(DF), t(POS))),
    "beta": lambda m, t: (m.Beta(t(POS), t(DF)), m.Beta(t(DF), t(POS))),
    "dirichlet": lambda m, t: (m.Dirichlet(t(POS)), m.Dirichlet(t(DF))),
    "continuous_bernoulli": lambda m, t: (m.ContinuousBernoulli(t(PROB)), m.ContinuousBernoulli(t(1 - PROB))),
}


@pytest.mark.parametrize("name", list(EXP_FAMILIES))
def test_exponential_family_entropy_and_bregman_kl_match_torch(name: str) -> None:
    p, q = EXP_FAMILIES[name](D, mg.tensor)
    tp, tq = EXP_FAMILIES[name](TD, torch.tensor)
    assert isinstance(p, D.ExponentialFamily) and isinstance(tp, TD.ExponentialFamily)
    kl = D.kl._expfamily_expfamily(p, q)  # type: ignore[attr-defined]
    np.testing.assert_allclose(_arr(kl), _arr(TD.kl._kl_expfamily_expfamily(tp, tq)), rtol=1e-10)
    np.testing.assert_allclose(_arr(kl), _arr(D.kl_divergence(p, q)), rtol=1e-9)  # the closed form
    if name not in ("poisson", "beta", "dirichlet"):  # PyTorch gives these no carrier measure
        generic = D.ExponentialFamily.entropy(p)
        np.testing.assert_allclose(_arr(generic), _arr(TD.ExponentialFamily.entropy(tp)), rtol=1e-10)
        np.testing.assert_allclose(_arr(generic), _arr(p.entropy()), rtol=1e-9)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sampling_functions_draw_torchs_numbers(dtype: str) -> None:
    n = np.array([[3.0, 10, 50], [0, 7, 200]])
    p = np.array([[0.2, 0.5, 0.9], [0.3, 0.05, 0.01]])  # every n * min(p, 1 - p) < 10: PyTorch's inversion
    mg.manual_seed(1)
    torch.manual_seed(1)
    ours = mg.binomial(mg.tensor(n, dtype=getattr(mg, dtype)), mg.tensor(p, dtype=getattr(mg, dtype)))
    theirs = torch.binomial(torch.tensor(n, dtype=getattr(torch, dtype)),
                            torch.tensor(p, dtype=getattr(torch, dtype)))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    (a,), (b,) = _pairs([np.array([0.3, 2.0, 9.0]).astype(dtype)])
    _check([a], [b], mg._standard_gamma(a), torch._standard_gamma(b), rtol=1e-6, grad_rtol=1e-3)
    c = np.array([[1.0, 2.0, 3.0]], dtype=dtype)
    np.testing.assert_allclose(mg._sample_dirichlet(mg.tensor(c)).numpy(),
                               torch._sample_dirichlet(torch.tensor(c)).numpy(), rtol=1e-6)


SCALAR_FAMILIES: dict[str, Callable[[Any, Callable[[Any], Any]], Any]] = {
    "poisson": lambda m, t: m.Poisson(t(2.0)), "bernoulli": lambda m, t: m.Bernoulli(t(0.3)),
    "categorical": lambda m, t: m.Categorical(t([0.3, 0.7])), "gamma": lambda m, t: m.Gamma(t(2.0), t(1.0)),
    "binomial": lambda m, t: m.Binomial(3, t(0.3)), "student_t": lambda m, t: m.StudentT(t(2.0)),
    "beta": lambda m, t: m.Beta(t(2.0), t(0.3)),
    "negative_binomial": lambda m, t: m.NegativeBinomial(t(2.0), t(0.3)),
    "fisher": lambda m, t: m.FisherSnedecor(t(2.0), t(3.0)), "geometric": lambda m, t: m.Geometric(t(0.3)),
    "mixture": lambda m, t: m.MixtureSameFamily(m.Categorical(t([0.3, 0.7])),
                                                m.Normal(t([0.2, -0.4]), t([1.5, 2.5]))),
    "one_hot": lambda m, t: m.OneHotCategorical(t([0.3, 0.7])),
    "von_mises": lambda m, t: m.VonMises(t(0.0), t(1.0)),
}


@pytest.mark.parametrize("name", list(SCALAR_FAMILIES))
def test_unbatched_draws_have_torchs_shapes(name: str) -> None:
    """A distribution with batch shape () draws shape-() samples (not shape (1,))."""
    ours, theirs = SCALAR_FAMILIES[name](D, mg.tensor), SCALAR_FAMILIES[name](TD, torch.tensor)
    for shape in ((), (2,)):
        assert ours.sample(shape).shape == theirs.sample(shape).shape
        if ours.has_rsample:
            assert ours.rsample(shape).shape == theirs.rsample(shape).shape
    assert ours.has_enumerate_support == theirs.has_enumerate_support
    if theirs.has_enumerate_support:
        np.testing.assert_array_equal(_arr(ours.enumerate_support()), _arr(theirs.enumerate_support()))
    else:
        with pytest.raises(NotImplementedError):
            ours.enumerate_support()


# one member of each family for the cross-family KL table (parameters in the ranges the formulas need)
CROSS: dict[str, tuple[Ctor, list[np.ndarray]]] = {
    "Normal": (lambda m, p: m.Normal(p[0], p[1]), [LOC[0] * 0.3 + 0.5, POS[0]]),
    "Laplace": (lambda m, p: m.Laplace(p[0], p[1]), [LOC[0] * 0.3 + 0.5, POS[0]]),
    "Gumbel": (lambda m, p: m.Gumbel(p[0], p[1]), [LOC[0] * 0.3 + 0.5, POS[0]]),
    "Exponential": (lambda m, p: m.Exponential(p[0]), [POS[0]]),
    "Gamma": (lambda m, p: m.Gamma(p[0], p[1]), [POS[0] + 1, POS[1]]),
    "Beta": (lambda m, p: m.Beta(p[0], p[1]), [POS[0] + 1, POS[1]]),
    "Uniform": (lambda m, p: m.Uniform(p[0], p[1]), [PROB[0] * 0.5, PROB[0] * 0.5 + 0.4]),
    "Pareto": (lambda m, p: m.Pareto(p[0], p[1]), [POS[0] * 0.1, DF[1]]),
    "ContinuousBernoulli": (lambda m, p: m.ContinuousBernoulli(p[0]), [PROB[0]]),
    "Bernoulli": (lambda m, p: m.Bernoulli(p[0]), [PROB[0]]),
    "Poisson": (lambda m, p: m.Poisson(p[0]), [POS[0]]),
    "Binomial": (lambda m, p: m.Binomial(m_tensor(m, np.full(3, 4.0)), p[0]), [PROB[0]]),
}
CROSS_PAIRS = [(a, b) for a in CROSS for b in CROSS if a != b and (getattr(TD, a), getattr(TD, b)) in
               TD.kl._KL_REGISTRY]


@pytest.mark.parametrize(("p_name", "q_name"), CROSS_PAIRS)
def test_cross_family_kl_matches_torch(p_name: str, q_name: str) -> None:
    (p_ctor, p_arrays), (q_ctor, q_arrays) = CROSS[p_name], CROSS[q_name]
    ours_p, theirs_p = _pairs(p_arrays)
    ours_q, theirs_q = _pairs(q_arrays)
    kl = D.kl_divergence(p_ctor(D, ours_p), q_ctor(D, ours_q))
    tkl = TD.kl_divergence(p_ctor(TD, theirs_p), q_ctor(TD, theirs_q))
    if not np.isfinite(_arr(tkl)).any():
        np.testing.assert_array_equal(_arr(kl), _arr(tkl))
        return
    _check(ours_p + ours_q, theirs_p + theirs_q, kl, tkl, grad_rtol=1e-7)
