"""minigrad.distributions against torch.distributions in float64: log_prob, entropy, cdf,
moments and KL values, and the gradients of each with respect to the parameters.

Sampling streams differ between the libraries, so samples are checked for
shape, dtype and (in tests/distributions) their statistics, while rsample's
gradient is checked through its formula: d rsample / d loc is 1.
"""

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

RTOL, ATOL = 1e-10, 1e-12


def _arr(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


def _pair(a: np.ndarray) -> tuple[mg.Tensor, Any]:
    return mg.tensor(a.copy(), requires_grad=True), torch.tensor(a.copy(), requires_grad=True)


def _check(ours: list[mg.Tensor], theirs: list[Any], out_ours: mg.Tensor, out_theirs: Any) -> None:
    """Values agree, and so do the gradients of a weighted sum of the output."""
    np.testing.assert_allclose(_arr(out_ours), _arr(out_theirs), rtol=RTOL, atol=ATOL)
    w = np.cos(np.arange(out_ours.numel())).reshape(out_ours.shape)
    (out_ours * mg.tensor(w)).sum().backward()
    (out_theirs * torch.tensor(w)).sum().backward()
    for a, b in zip(ours, theirs):
        assert (a.grad is None) == (b.grad is None)  # e.g. Normal's entropy does not depend on loc
        if a.grad is None:
            continue
        np.testing.assert_allclose(_arr(a.grad), _arr(b.grad), rtol=1e-9, atol=1e-11)


rng = np.random.default_rng(0)
LOGITS = rng.standard_normal((4, 5))
PROBS = rng.random((4, 5)) + 0.05
VALUES = np.array([0, 4, 2, 1])


@pytest.mark.parametrize("param", ["logits", "probs"])
@pytest.mark.parametrize("what", ["log_prob", "entropy", "probs", "logits", "log_prob_broadcast"])
def test_categorical(param: str, what: str) -> None:
    a, b = _pair(LOGITS if param == "logits" else PROBS)
    d_ours, d_theirs = D.Categorical(**{param: a}), TD.Categorical(**{param: b})
    assert d_ours.batch_shape == tuple(d_theirs.batch_shape) and d_ours.event_shape == ()
    if what == "log_prob":
        out = d_ours.log_prob(mg.tensor(VALUES)), d_theirs.log_prob(torch.tensor(VALUES))
    elif what == "log_prob_broadcast":  # sample_shape (3,) in front of the batch
        v = np.stack([VALUES, VALUES[::-1], VALUES * 0])
        out = d_ours.log_prob(mg.tensor(v)), d_theirs.log_prob(torch.tensor(v))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    _check([a], [b], *out)


def test_categorical_zero_probability_entropy() -> None:
    p = np.array([[0.0, 0.3, 0.7], [0.5, 0.5, 0.0]])
    a, b = _pair(p)
    _check([a], [b], D.Categorical(probs=a).entropy(), TD.Categorical(probs=b).entropy())


@pytest.mark.parametrize("what", ["log_prob", "entropy", "cdf", "rsample_grad", "variance", "stddev"])
def test_normal(what: str) -> None:
    (loc, tloc), (scale, tscale) = _pair(rng.standard_normal((3, 1))), _pair(rng.random((1, 4)) + 0.5)
    d_ours, d_theirs = D.Normal(loc, scale), TD.Normal(tloc, tscale)
    assert d_ours.batch_shape == tuple(d_theirs.batch_shape) == (3, 4)
    x = rng.standard_normal((2, 3, 4))
    if what in ("log_prob", "cdf"):
        out = getattr(d_ours, what)(mg.tensor(x)), getattr(d_theirs, what)(torch.tensor(x))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    elif what == "rsample_grad":  # same eps for both: rsample = loc + eps * scale
        s = d_ours.rsample((2,))
        eps = (s - loc) / scale
        out = s, tloc + torch.tensor(_arr(eps)) * tscale
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    _check([loc, scale], [tloc, tscale], *out)


@pytest.mark.parametrize("param", ["logits", "probs"])
@pytest.mark.parametrize("what", ["log_prob", "entropy", "probs", "logits", "variance"])
def test_bernoulli(param: str, what: str) -> None:
    a, b = _pair(rng.standard_normal((2, 3)) if param == "logits" else rng.random((2, 3)) * 0.9 + 0.05)
    d_ours, d_theirs = D.Bernoulli(**{param: a}), TD.Bernoulli(**{param: b})
    if what == "log_prob":
        v = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
        out = d_ours.log_prob(mg.tensor(v)), d_theirs.log_prob(torch.tensor(v))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    _check([a], [b], *out)


@pytest.mark.parametrize("what", ["log_prob", "entropy", "cdf", "mean", "variance"])
def test_uniform(what: str) -> None:
    (low, tlow), (high, thigh) = _pair(np.array([-1.0, 0.0, 2.0])), _pair(np.array([1.0, 0.5, 5.0]))
    d_ours, d_theirs = D.Uniform(low, high), TD.Uniform(tlow, thigh)
    x = np.array([0.3, 0.25, 4.0])
    if what in ("log_prob", "cdf"):
        out = getattr(d_ours, what)(mg.tensor(x)), getattr(d_theirs, what)(torch.tensor(x))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    _check([low, high], [tlow, thigh], *out)


KL_CASES: list[tuple[str, Callable[[Any, Any], Any], Callable[[], list[np.ndarray]]]] = [
    ("normal", lambda m, a: m.Normal(a[0], a[1]), lambda: [rng.standard_normal(4), rng.random(4) + 0.3]),
    ("categorical", lambda m, a: m.Categorical(logits=a[0]), lambda: [rng.standard_normal((2, 5))]),
    ("bernoulli", lambda m, a: m.Bernoulli(logits=a[0]), lambda: [rng.standard_normal(3)]),
]


@pytest.mark.parametrize(("name", "make", "params"), KL_CASES, ids=[c[0] for c in KL_CASES])
def test_kl_divergence(name: str, make: Callable[[Any, Any], Any],
                       params: Callable[[], list[np.ndarray]]) -> None:
    p_pairs, q_pairs = [_pair(a) for a in params()], [_pair(a) for a in params()]
    ours = [t for t, _ in p_pairs + q_pairs]
    theirs = [t for _, t in p_pairs + q_pairs]
    out_ours = D.kl_divergence(make(D, [t for t, _ in p_pairs]), make(D, [t for t, _ in q_pairs]))
    out_theirs = TD.kl_divergence(make(TD, [t for _, t in p_pairs]), make(TD, [t for _, t in q_pairs]))
    _check(ours, theirs, out_ours, out_theirs)


def test_kl_uniform_including_infinite() -> None:
    p = D.Uniform(mg.tensor([0.0, 0.0]), mg.tensor([1.0, 3.0]))
    q = D.Uniform(mg.tensor([-1.0, 0.0]), mg.tensor([2.0, 2.0]))
    tp = TD.Uniform(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 3.0]))
    tq = TD.Uniform(torch.tensor([-1.0, 0.0]), torch.tensor([2.0, 2.0]))
    np.testing.assert_allclose(_arr(D.kl_divergence(p, q)), _arr(TD.kl_divergence(tp, tq)), rtol=1e-6)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda: D.Categorical(probs=mg.tensor([0.5, -0.1])),
         lambda: TD.Categorical(probs=torch.tensor([0.5, -0.1]))),
        (lambda: D.Categorical(), lambda: TD.Categorical()),
        (lambda: D.Normal(0.0, -1.0), lambda: TD.Normal(0.0, -1.0)),
        (lambda: D.Bernoulli(probs=mg.tensor([1.5])), lambda: TD.Bernoulli(probs=torch.tensor([1.5]))),
        (lambda: D.Uniform(1.0, 0.0), lambda: TD.Uniform(1.0, 0.0)),
        (lambda: D.Categorical(logits=mg.tensor([0.0, 1.0])).log_prob(mg.tensor(2)),
         lambda: TD.Categorical(logits=torch.tensor([0.0, 1.0])).log_prob(torch.tensor(2))),
        (lambda: D.Bernoulli(probs=mg.tensor([0.5])).log_prob(mg.tensor([0.5])),
         lambda: TD.Bernoulli(probs=torch.tensor([0.5])).log_prob(torch.tensor([0.5]))),
    ],
)
def test_invalid_arguments_raise_as_torch(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    with pytest.raises(Exception) as theirs_info:
        theirs()
    with pytest.raises(type(theirs_info.value)):
        ours()


def test_sample_shapes_and_dtypes_match_torch() -> None:
    cases = [
        (D.Categorical(logits=mg.zeros(2, 3)), TD.Categorical(logits=torch.zeros(2, 3))),
        (D.Normal(mg.zeros(2), 1.0), TD.Normal(torch.zeros(2), 1.0)),
        (D.Bernoulli(probs=mg.full((2,), 0.3)), TD.Bernoulli(probs=torch.full((2,), 0.3))),
        (D.Uniform(mg.zeros(2), 1.0), TD.Uniform(torch.zeros(2), 1.0)),
    ]
    for ours, theirs in cases:
        for shape in [(), (5,), (4, 1)]:
            s, t = ours.sample(shape), theirs.sample(shape)
            assert s.shape == tuple(t.shape)
            assert str(s.dtype) == str(t.dtype).replace("torch.", "")
        assert ours.sample(3).shape == tuple(theirs.sample((3,)).shape)


@pytest.mark.parametrize("what", ["log_prob", "entropy", "kl"])
def test_independent_normal(what: str) -> None:
    (loc, tloc), (scale, tscale) = _pair(rng.standard_normal((2, 3))), _pair(rng.random((2, 3)) + 0.5)
    d_ours, d_theirs = D.Independent(D.Normal(loc, scale), 1), TD.Independent(TD.Normal(tloc, tscale), 1)
    assert d_ours.batch_shape == tuple(d_theirs.batch_shape) == (2,)
    assert d_ours.event_shape == tuple(d_theirs.event_shape) == (3,)
    if what == "log_prob":
        x = rng.standard_normal((4, 2, 3))
        out = d_ours.log_prob(mg.tensor(x)), d_theirs.log_prob(torch.tensor(x))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        zeros, ones = np.zeros((2, 3)), np.ones((2, 3))
        q_ours = D.Independent(D.Normal(mg.tensor(zeros), mg.tensor(ones)), 1)
        q_theirs = TD.Independent(TD.Normal(torch.tensor(zeros), torch.tensor(ones)), 1)
        out = D.kl_divergence(d_ours, q_ours), TD.kl_divergence(d_theirs, q_theirs)
    _check([loc, scale], [tloc, tscale], *out)
    assert d_ours.sample((5,)).shape == (5, 2, 3)


@pytest.mark.parametrize("what", ["log_prob", "entropy", "mean", "variance"])
def test_one_hot_categorical(what: str) -> None:
    a, b = _pair(LOGITS)
    d_ours, d_theirs = D.OneHotCategorical(logits=a), TD.OneHotCategorical(logits=b)
    assert d_ours.event_shape == tuple(d_theirs.event_shape) == (5,)
    if what == "log_prob":
        v = np.eye(5)[VALUES]
        out = d_ours.log_prob(mg.tensor(v)), d_theirs.log_prob(torch.tensor(v))
    elif what == "entropy":
        out = d_ours.entropy(), d_theirs.entropy()
    else:
        out = getattr(d_ours, what), getattr(d_theirs, what)
    _check([a], [b], *out)
    s = d_ours.sample((3,))
    assert s.shape == (3, 4, 5) and str(s.dtype) == "float64"
    assert bool((s.sum(-1) == 1).all())
    np.testing.assert_array_equal(d_ours.mode.numpy(), d_theirs.mode.numpy())
