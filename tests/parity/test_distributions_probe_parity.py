"""Fixes found by probing minigrad.distributions against torch.distributions (every family, float64 and
float32, scalar and batched parameters): modes at the parameter edges, MultivariateNormal's
arg_constraints and PyTorch's validation message, cdf validation of transformed distributions, the
support message of Pareto/Weibull and the KL divergence of two transformed distributions."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from tests.helpers import require_torch

torch = require_torch()
TD = torch.distributions


def _np(t: object) -> np.ndarray:
    return np.asarray(t.detach().numpy())  # type: ignore[attr-defined]


def _error(fn: object) -> tuple[type, str]:
    try:
        fn()  # type: ignore[operator]
    except Exception as e:
        return type(e), str(e)
    raise AssertionError("no error raised")


@pytest.mark.parametrize("p", [0.3, 0.5, 0.8])
def test_bernoulli_mode_of_a_number(p: float) -> None:
    np.testing.assert_array_equal(_np(D.Bernoulli(probs=p).mode), TD.Bernoulli(probs=p).mode.numpy())


def test_beta_and_dirichlet_mode_where_every_concentration_is_below_one() -> None:
    c1 = np.array([0.6, 1.2, 2.0, 0.9])
    c0 = np.array([0.7, 0.7, 3.0, 0.2])
    got = D.Beta(mg.tensor(c1), mg.tensor(c0)).mode
    np.testing.assert_allclose(_np(got), TD.Beta(torch.tensor(c1), torch.tensor(c0)).mode.numpy())
    c = np.array([[0.5, 0.6, 0.9], [2.0, 0.5, 3.0]])
    want = TD.Dirichlet(torch.tensor(c)).mode.numpy()
    np.testing.assert_allclose(_np(D.Dirichlet(mg.tensor(c)).mode), want)


def test_multivariate_normal_arg_constraints_and_validation() -> None:
    assert sorted(D.MultivariateNormal.arg_constraints) == sorted(TD.MultivariateNormal.arg_constraints)
    bad = [[1.0, 2.0], [2.0, 1.0]]
    t_cls, t_msg = _error(lambda: TD.MultivariateNormal(torch.zeros(2), torch.tensor(bad),
                                                        validate_args=True))
    m_cls, m_msg = _error(lambda: D.MultivariateNormal(mg.zeros(2), mg.tensor(bad), validate_args=True))
    assert issubclass(m_cls, t_cls)
    head = "Expected parameter covariance_matrix (Tensor of shape (2, 2)) of distribution MultivariateNormal("
    assert t_msg.startswith(head) and m_msg.startswith(head)
    assert "to satisfy the constraint PositiveDefinite(), but found invalid values" in m_msg
    # the Cholesky factor given: its matrix is validated as lower_cholesky
    tril = [[1.0, 0.0], [0.5, -1.0]]
    t_cls, t_msg = _error(lambda: TD.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor(tril)))
    m_cls, m_msg = _error(lambda: D.MultivariateNormal(mg.zeros(2), scale_tril=mg.tensor(tril)))
    assert issubclass(m_cls, t_cls)
    assert m_msg.split(" of distribution")[0] == t_msg.split(" of distribution")[0]
    # valid parameters still give PyTorch's densities
    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    x = np.array([[0.1, -0.4], [1.0, 2.0]])
    for kw in ("covariance_matrix", "precision_matrix", "scale_tril"):
        m = np.linalg.cholesky(cov) if kw == "scale_tril" else cov
        t = TD.MultivariateNormal(torch.zeros(2, dtype=torch.float64), **{kw: torch.tensor(m)})
        g = D.MultivariateNormal(mg.zeros(2, dtype=mg.float64), **{kw: mg.tensor(m)})
        want = t.log_prob(torch.tensor(x)).numpy()
        np.testing.assert_allclose(_np(g.log_prob(mg.tensor(x))), want, rtol=1e-12)


def test_transformed_cdf_validates_the_inverted_value() -> None:
    # LogNormal's cdf at 0 is 0 (log 0 = -inf is a real number for the base Normal), as in PyTorch
    for lib, dist in ((mg, D), (torch, TD)):
        d = dist.LogNormal(lib.tensor(0.0), lib.tensor(1.0), validate_args=True)
        assert float(d.cdf(lib.tensor(0.0))) == 0.0
        base = dist.Normal(lib.tensor(0.0), lib.tensor(1.0), validate_args=True)
        e = dist.TransformedDistribution(base, [dist.transforms.ExpTransform()], validate_args=True)
        assert float(e.cdf(lib.tensor(0.0))) == 0.0


@pytest.mark.parametrize("name", ["Pareto", "Weibull"])
def test_support_message_of_transformed_families(name: str) -> None:
    kw = {"Pareto": {"scale": 1.0, "alpha": 2.0}, "Weibull": {"scale": 1.0, "concentration": 2.0}}[name]

    def make(lib: object, dist: object) -> object:
        args = {k: lib.tensor(v) for k, v in kw.items()}  # type: ignore[attr-defined]
        return getattr(dist, name)(**args, validate_args=True)

    t_cls, t_msg = _error(lambda: make(torch, TD).log_prob(torch.tensor(-1.0)))  # type: ignore[attr-defined]
    m_cls, m_msg = _error(lambda: make(mg, D).log_prob(mg.tensor(-1.0)))  # type: ignore[attr-defined]
    assert issubclass(m_cls, t_cls)
    assert m_msg.split(" of the distribution")[0] == t_msg.split(" of the distribution")[0]
    assert m_msg.startswith("Expected value argument (Tensor of shape ()) to be within the support")


def test_kl_of_two_inverse_gammas_through_their_power_transforms() -> None:
    c_p, r_p, c_q, r_q = [2.0, 3.0], [1.0, 2.0], [2.5, 3.0], [1.0, 0.5]
    want = TD.kl_divergence(TD.InverseGamma(torch.tensor(c_p), torch.tensor(r_p)),
                            TD.InverseGamma(torch.tensor(c_q), torch.tensor(r_q)))
    got = D.kl_divergence(D.InverseGamma(mg.tensor(c_p), mg.tensor(r_p)),
                          D.InverseGamma(mg.tensor(c_q), mg.tensor(r_q)))
    np.testing.assert_allclose(_np(got), want.numpy(), rtol=1e-5)
    assert D.transforms.PowerTransform(2.0) == D.transforms.PowerTransform(2.0)
    assert D.transforms.PowerTransform(2.0) != D.transforms.PowerTransform(3.0)


@pytest.mark.parametrize("sample_shape", [(), (3,), (2, 2)])
@pytest.mark.parametrize("batched", [False, True])
def test_wishart_draws_pytorch_numbers(sample_shape: tuple[int, ...], batched: bool) -> None:
    # PyTorch's correction loop redraws every valid sample once: the same numbers need the same redraws
    a = np.random.default_rng(0).standard_normal((2, 3, 3))
    cov = a @ a.transpose(0, 2, 1) + 3 * np.eye(3)
    df, cov = (np.array([4.0, 6.0]), cov) if batched else (np.array(5.0), cov[0])
    torch.manual_seed(5)
    with pytest.warns(UserWarning, match="Singular sample detected"):
        want = TD.Wishart(torch.tensor(df), torch.tensor(cov)).sample(sample_shape)
    after_t = torch.rand(2, dtype=torch.float64).numpy()
    mg.manual_seed(5)
    with pytest.warns(UserWarning, match="Singular sample detected"):
        got = D.Wishart(mg.tensor(df), mg.tensor(cov)).sample(sample_shape)
    np.testing.assert_allclose(_np(got), want.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(mg.rand(2, dtype=mg.float64).numpy(), after_t, rtol=1e-12)


@pytest.mark.parametrize(
    "name", ["positive", "nonnegative", "greater_than", "less_than", "unit_interval", "interval"])
def test_biject_to_builds_pytorch_transforms(name: str) -> None:
    def constraint(c: Any) -> object:
        made = {"greater_than": lambda: c.greater_than(1.5), "less_than": lambda: c.less_than(2.0),
                "interval": lambda: c.interval(-1.0, 3.0)}.get(name)
        return made() if made else getattr(c, name)

    for registry in ("biject_to", "transform_to"):
        t = getattr(TD, registry)(constraint(TD.constraints))
        m = getattr(D, registry)(constraint(D.constraints))
        assert repr(m) == repr(t)
        x = np.array([-2.0, 0.0, 0.7])
        y = m(mg.tensor(x))
        np.testing.assert_allclose(_np(y), t(torch.tensor(x)).numpy(), rtol=1e-12)
        ladj = m.log_abs_det_jacobian(mg.tensor(x), y)
        want = t.log_abs_det_jacobian(torch.tensor(x), t(torch.tensor(x)))
        np.testing.assert_allclose(_np(ladj), want.numpy(), rtol=1e-12)


def test_categorical_log_prob_with_masked_out_actions() -> None:
    # RL action masking: logits of invalid actions are -inf; the valid ones keep finite log-probs
    inf = float("-inf")
    logits = [[0.0, inf, 1.0], [inf, 0.5, 0.2]]
    actions = [2, 1]
    out = []
    for lib, dist in ((torch, TD), (mg, D)):
        lg = lib.tensor(logits, requires_grad=True)
        d = dist.Categorical(logits=lg)
        lp = d.log_prob(lib.tensor(actions))
        (lp.sum() + d.entropy().sum()).backward()
        marked = lib.tensor([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
        one_hot = dist.OneHotCategorical(logits=lg.detach()).log_prob(marked)
        out.append((_np(lp), _np(lg.grad), _np(one_hot), lp.grad_fn.name()))
    (t_lp, t_grad, t_oh, t_name), (m_lp, m_grad, m_oh, m_name) = out
    assert np.all(np.isfinite(m_lp)) and m_name == t_name
    np.testing.assert_allclose(m_lp, t_lp, rtol=1e-6)
    np.testing.assert_allclose(m_grad, t_grad, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(m_oh, t_oh, rtol=1e-6)


def test_categorical_log_prob_broadcasts_and_one_hot_repr() -> None:
    logits = np.random.default_rng(3).standard_normal((4, 3))
    for value in ([[0], [1]], 2, [[0, 1, 2, 2]]):
        want = TD.Categorical(logits=torch.tensor(logits)).log_prob(torch.tensor(value))
        got = D.Categorical(logits=mg.tensor(logits)).log_prob(mg.tensor(value))
        np.testing.assert_allclose(_np(got), want.numpy(), rtol=1e-12)
    for name in ("OneHotCategorical", "OneHotCategoricalStraightThrough"):
        assert repr(getattr(D, name)(probs=mg.tensor([0.2, 0.8]))) == repr(
            getattr(TD, name)(probs=torch.tensor([0.2, 0.8])))


@pytest.mark.parametrize("case", ["params", "params3", "expand"])
def test_shape_errors_in_pytorch_words(case: str) -> None:
    def make(lib: Any, dist: Any) -> object:
        if case == "params":
            return dist.Normal(lib.zeros(2), lib.ones(3))
        if case == "params3":
            return dist.Gamma(lib.ones(4, 1), lib.ones(2, 3))
        return dist.Normal(lib.zeros(2), lib.ones(2)).expand((3, 3))

    t_cls, t_msg = _error(lambda: make(torch, TD))
    m_cls, m_msg = _error(lambda: make(mg, D))
    assert issubclass(m_cls, t_cls) and issubclass(m_cls, ValueError)
    assert m_msg.startswith(t_msg)


def test_repr_of_one_element_parameters() -> None:
    def make(lib: Any, dist: Any) -> list[str]:
        return [repr(dist.Uniform(lib.tensor([0.0]), lib.tensor([1.0]))),
                repr(dist.Normal(0.0, lib.tensor([[2.0]]))),
                repr(dist.Gamma(lib.tensor([1.0], requires_grad=True), lib.tensor(2.0))),
                repr(dist.Normal(lib.tensor(0.5), lib.tensor(2.0)))]

    assert make(mg, D) == make(torch, TD)


def _logistic_class(lib: Any, dist: Any) -> type:
    class Logistic(dist.Distribution):  # type: ignore[misc,name-defined]
        arg_constraints: ClassVar[dict[str, Any]] = {"loc": dist.constraints.real,
                                                     "scale": dist.constraints.positive}
        support = dist.constraints.real
        has_rsample = True

        def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
            self.loc, self.scale = dist.utils.broadcast_all(loc, scale)
            super().__init__(self.loc.size(), validate_args=validate_args)

        def expand(self, batch_shape: Any, _instance: Any = None) -> Any:
            new = self._get_checked_instance(Logistic, _instance)
            new.loc, new.scale = self.loc.expand(batch_shape), self.scale.expand(batch_shape)
            super(Logistic, new).__init__(batch_shape, validate_args=False)
            new._validate_args = self._validate_args
            return new

        def rsample(self, sample_shape: Any = ()) -> Any:
            u = lib.rand(self._extended_shape(sample_shape), dtype=self.loc.dtype).clamp(1e-6, 1 - 1e-6)
            return self.loc + self.scale * (lib.log(u) - lib.log1p(-u))

    return Logistic


def test_a_user_distribution_with_only_rsample_samples_and_expands() -> None:
    # PyTorch's base sample() is rsample() without grad; _get_checked_instance serves custom expand()s
    out = []
    for lib, dist in ((torch, TD), (mg, D)):
        cls = _logistic_class(lib, dist)
        lib.manual_seed(0)
        d = cls(lib.zeros(3, requires_grad=True), lib.ones(3))
        s = d.sample((2,))
        e = d.expand((4, 3))
        out.append((_np(s), s.requires_grad, tuple(e.sample().shape), tuple(e.batch_shape)))
        with pytest.warns(FutureWarning, match="sample_n"):
            assert tuple(d.sample_n(2).shape) == (2, 3)

        class Bare(cls):  # type: ignore[valid-type,misc]
            def __init__(self, zero: Any) -> None:
                super().__init__(zero, zero + 1)

        with pytest.raises(NotImplementedError, match="must also define a custom"):
            Bare(lib.zeros(1))._get_checked_instance(cls)
    (t_s, t_grad, t_shape, t_batch), (m_s, m_grad, m_shape, m_batch) = out
    np.testing.assert_allclose(m_s, t_s, rtol=1e-6)
    assert (m_grad, m_shape, m_batch) == (t_grad, t_shape, t_batch) == (False, (4, 3), (4, 3))
