"""torch.distributions.transforms, constraints and TransformedDistribution against PyTorch in float64:
each transform's forward, inverse and log-det with gradients, caching, composition and event dims, and
TransformedDistribution's shapes, log_prob (flows, a log-normal, SAC's tanh-squashed Gaussian), cdf/icdf
and support check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import InvalidParameterError
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

X = np.array([[-1.5, -0.2, 0.3], [0.8, 2.0, -3.0]])
POS = np.array([[0.5, 1.2, 2.0], [0.1, 3.0, 0.7]])
UNIT = np.array([[0.1, 0.45, 0.9], [0.02, 0.6, 0.75]])

TRANSFORMS: dict[str, tuple[Callable[[Any, Any], Any], np.ndarray]] = {
    "exp": (lambda tr, p: tr.ExpTransform(), X),
    "power": (lambda tr, p: tr.PowerTransform(p[1]), POS),
    "sigmoid": (lambda tr, p: tr.SigmoidTransform(), X),
    "softplus": (lambda tr, p: tr.SoftplusTransform(), X),
    "tanh": (lambda tr, p: tr.TanhTransform(), X),
    "affine": (lambda tr, p: tr.AffineTransform(p[0], p[1]), X),
    "affine number": (lambda tr, p: tr.AffineTransform(0.5, -2.0), X),
    "affine event_dim": (lambda tr, p: tr.AffineTransform(p[0], p[1], event_dim=1), X),
    "compose": (lambda tr, p: tr.ComposeTransform([tr.AffineTransform(p[0], p[1]), tr.SigmoidTransform(),
                                                 tr.AffineTransform(1.0, 3.0)]), X),
    "independent": (lambda tr, p: tr.IndependentTransform(tr.TanhTransform(), 1), X),
    "inverse sigmoid": (lambda tr, p: tr.SigmoidTransform().inv, UNIT),
    "inverse compose": (lambda tr, p: tr.ComposeTransform([tr.ExpTransform(),
                                                           tr.AffineTransform(p[0], p[1])]).inv, X + 4.0),
}


def _params(lib: Any) -> list[Any]:
    return [lib.tensor(np.array([0.3, -0.4, 1.1]), requires_grad=True),
            lib.tensor(np.array([1.5, 0.6, 2.5]), requires_grad=True)]


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_matches_torch(name: str) -> None:
    build, data = TRANSFORMS[name]
    results = []
    for lib in (mg, torch):
        params = _params(lib)
        t = build(lib.distributions.transforms, params)
        x = lib.tensor(data, requires_grad=True)
        y = t(x)
        back = t.inv(y.detach())
        ladj = t.log_abs_det_jacobian(x, y)
        (y.sin().sum() + ladj.sum() * 0.7).backward()
        grads = [p.grad if p.grad is not None else lib.zeros(3) for p in params]
        results.append([y, back, ladj, x.grad, *grads])
        assert t.inv.inv is t and t.bijective is True
        results[-1].append((t.domain.event_dim, t.codomain.event_dim))
    ours, theirs = results
    assert ours[-1] == theirs[-1]
    for got, want in zip(ours[:-1], theirs[:-1]):
        assert_close(np.array(got.detach().numpy()), np.array(want.detach().numpy()), rtol=1e-10, atol=1e-12)


def test_cache_returns_the_remembered_pair() -> None:
    for lib in (mg, torch):
        T = lib.distributions.transforms
        cached, plain = T.TanhTransform(cache_size=1), T.TanhTransform()
        x = lib.tensor([20.0, -0.5], dtype=lib.float64)
        y = cached(x)
        assert cached(x) is y and cached.inv(y) is x  # atanh(1.0) would be inf
        assert plain.inv(plain(x)).tolist()[0] == float("inf")
        assert cached.with_cache(1) is cached and cached.with_cache(0) is not cached
        with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
            T.ExpTransform(cache_size=2)


def test_abs_sign_shapes_and_repr() -> None:
    for lib in (mg, torch):
        T = lib.distributions.transforms
        assert T.AbsTransform()(lib.tensor([-2.0, 3.0])).tolist() == [2.0, 3.0]
        assert T.AbsTransform().bijective is False
        assert T.AffineTransform(0.0, -2.0).sign == -1
        assert T.ComposeTransform([T.AffineTransform(0.0, -2.0), T.ExpTransform()]).sign == -1
        loc = lib.zeros(4, 3)
        assert tuple(T.AffineTransform(loc, 1.0).forward_shape((3,))) == (4, 3)
        assert T.identity_transform(lib.tensor([1.0])).tolist() == [1.0]
        assert repr(T.ExpTransform()) == "ExpTransform()"
        assert T.ExpTransform() == T.ExpTransform()
        assert T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0)


def _dists(lib: Any, loc: Any, scale: Any) -> dict[str, Any]:
    D, T = lib.distributions, lib.distributions.transforms
    return {
        "bounded flow": D.TransformedDistribution(D.Normal(loc, scale),
                                                  [T.AffineTransform(0.2, 1.5), T.SigmoidTransform(),
                                                   T.AffineTransform(-1.0, 4.0)]),
        "log-normal": D.TransformedDistribution(D.Normal(loc, scale), [T.ExpTransform()]),
        "squashed": D.TransformedDistribution(D.Independent(D.Normal(loc, scale), 1),
                                              [T.TanhTransform(cache_size=1)]),
        "vector affine": D.TransformedDistribution(D.Normal(loc, scale),
                                                   T.AffineTransform(loc, scale, event_dim=1)),
        "decreasing": D.TransformedDistribution(D.Normal(loc, scale), [T.AffineTransform(1.0, -2.0)]),
    }


VALUES = {"bounded flow": np.array([[0.5, 2.9, -0.2]]), "log-normal": POS,
          "squashed": np.array([0.3, -0.95, 0.1]), "vector affine": X, "decreasing": X}


@pytest.mark.parametrize("name", list(VALUES))
def test_transformed_distribution_matches_torch(name: str) -> None:
    results = []
    for lib in (mg, torch):
        loc, scale = _params(lib)
        dist = _dists(lib, loc, scale)[name]
        value = lib.tensor(VALUES[name])
        lp = dist.log_prob(value)
        lp.sum().backward()
        results.append([lp, loc.grad, scale.grad])
        results[-1].append((tuple(dist.batch_shape), tuple(dist.event_shape), dist.has_rsample))
    ours, theirs = results
    assert ours[-1] == theirs[-1]
    for got, want in zip(ours[:-1], theirs[:-1]):
        assert_close(np.array(got.detach().numpy()), np.array(want.detach().numpy()), rtol=1e-10, atol=1e-12)


def test_log_normal_agrees_and_cdf_icdf_match_torch() -> None:
    cdfs = []
    for lib in (mg, torch):
        loc, scale = _params(lib)
        dists = _dists(lib, loc, scale)
        direct = lib.distributions.LogNormal(loc, scale).log_prob(lib.tensor(POS))
        assert_close(dists["log-normal"].log_prob(lib.tensor(POS)).detach().numpy(), direct.detach().numpy(),
                     rtol=1e-12)
        dec = dists["decreasing"]
        cdfs.append([dec.cdf(lib.tensor(X)), dec.icdf(lib.tensor(UNIT)),
                     dists["log-normal"].cdf(lib.tensor(POS))])
    for got, want in zip(*cdfs):
        assert_close(got.detach().numpy(), want.detach().numpy(), rtol=1e-10)


def test_squashed_rsample_then_log_prob_uses_the_cache() -> None:
    """SAC's policy: the log-prob of an action drawn by rsample is the base log-prob of the pre-tanh draw
    minus the tanh log-det, and gradients reach loc and scale through both."""
    mg.manual_seed(0)
    loc, scale = _params(mg)
    loc = mg.tensor(np.array([30.0, 0.0, -1.0]), requires_grad=True)  # tanh(30) rounds to 1.0
    dist = _dists(mg, loc, scale)["squashed"]
    action = dist.rsample((4,))
    lp = dist.log_prob(action)
    assert tuple(lp.shape) == (4,) and bool(mg.isfinite(lp).all())
    pre = dist.transforms[0].inv(action)
    want = (mg.distributions.Normal(loc, scale).log_prob(pre)
            - 2 * (np.log(2.0) - pre - mg.nn.functional.softplus(-2 * pre))).sum(-1)
    assert_close(lp.detach().numpy(), want.detach().numpy(), rtol=1e-12)
    (lp.sum() + action.sum()).backward()
    assert loc.grad is not None and scale.grad is not None and bool(mg.isfinite(scale.grad).all())


def test_constraints_and_validation() -> None:
    C = mg.distributions.constraints
    value = mg.tensor([[0.5, 2.0], [float("nan"), -1.0]])
    assert C.real.check(value).tolist() == [[True, True], [False, True]]
    assert C.positive.check(value).tolist() == [[True, True], [False, False]]
    assert C.unit_interval.check(value).tolist() == [[True, False], [False, False]]
    assert C.independent(C.real, 1).check(value).tolist() == [True, False]
    assert C.interval(-1.0, 1.0).event_dim == 0 and C.real_vector.event_dim == 1
    for lib in (mg, torch):
        D, T = lib.distributions, lib.distributions.transforms
        dist = D.TransformedDistribution(D.Normal(lib.zeros(2), lib.ones(2)), [T.SigmoidTransform()])
        with pytest.raises(ValueError, match="support"):
            dist.log_prob(lib.tensor([0.5, 1.5]))
        with pytest.raises(ValueError, match="transforms must be a Transform"):
            D.TransformedDistribution(D.Normal(0.0, 1.0), "exp")
    D, T = mg.distributions, mg.distributions.transforms
    with pytest.raises(InvalidParameterError, match="at least 1"):
        D.TransformedDistribution(D.Normal(0.0, 1.0), T.AffineTransform(0.0, 1.0, event_dim=1))
    # transforms whose parameters broadcast the base expand it, as PyTorch's
    ours = D.TransformedDistribution(D.Normal(0.0, 1.0), T.AffineTransform(mg.zeros(3), 1.0))
    TD = torch.distributions
    theirs = TD.TransformedDistribution(TD.Normal(0.0, 1.0), TD.AffineTransform(torch.zeros(3), 1.0))
    assert ours.batch_shape == theirs.batch_shape == (3,) and ours.base_dist.batch_shape == (3,)
    assert ours.sample((2,)).shape == theirs.sample((2,)).shape == (2, 3)
