"""KL divergences: PyTorch's registry (``register_kl``, most specific match wins) and its closed forms
for the common pairs, written with Tensor ops so they are differentiable."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad import linalg
from minigrad.autograd import grad
from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.counts import Binomial, Geometric
from minigrad.distributions.dirichlet import Beta, Dirichlet
from minigrad.distributions.distribution import Distribution
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.distributions.exponential import Exponential
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.independent import Independent
from minigrad.distributions.laplace import Laplace
from minigrad.distributions.location_scale import EULER, Cauchy, Gumbel, HalfNormal
from minigrad.distributions.lowrank_multivariate_normal import LowRankMultivariateNormal
from minigrad.distributions.multivariate_normal import MultivariateNormal, mahalanobis
from minigrad.distributions.normal import Normal
from minigrad.distributions.one_hot_categorical import OneHotCategorical
from minigrad.distributions.poisson import Poisson
from minigrad.distributions.positive import Pareto
from minigrad.distributions.relaxed import ContinuousBernoulli
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.uniform import Uniform
from minigrad.errors import InvalidParameterError
from minigrad.nn.functional import softplus
from minigrad.tensor import Tensor

__all__ = ["kl_divergence", "register_kl"]

KLFn = Callable[[Any, Any], Tensor]
_KL_REGISTRY: dict[tuple[type, type], KLFn] = {}


def register_kl(type_p: type, type_q: type) -> Callable[[KLFn], KLFn]:
    """Decorator registering ``fn(p, q)`` as KL(p || q) for instances of ``type_p`` and ``type_q`` (and
    their subclasses, unless a more specific pair is registered), as ``torch.distributions.register_kl``.
    Raises TypeError when either is not a class; as PyTorch's, any class is taken (pyro registers its
    Distribution base, which is not a torch Distribution subclass)."""
    for t in (type_p, type_q):
        if not isinstance(t, type):
            raise TypeError(f"issubclass() arg 1 must be a class, got {t!r}")

    def decorator(fn: KLFn) -> KLFn:
        _KL_REGISTRY[type_p, type_q] = fn
        return fn

    return decorator


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q), shape the broadcast batch shape, by the registered formula for the most specific pair
    of classes (p's class hierarchy first). Raises NotImplementedError for a pair with no formula, as
    PyTorch does."""
    tp, tq = type(p), type(q)
    best: tuple[tuple[int, int], KLFn] | None = None
    for (sp, sq), fn in _KL_REGISTRY.items():
        if issubclass(tp, sp) and issubclass(tq, sq):
            rank = (tp.__mro__.index(sp), tq.__mro__.index(sq))
            if best is None or rank < best[0]:
                best = rank, fn
    if best is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type {tp.__name__} and q type "
                                  f"{tq.__name__}")
    return best[1](p, q)


def _inf_where(result: Tensor, mask: Tensor) -> Tensor:
    return result.masked_fill(mask, math.inf)


def _trace_xxt(m: Tensor) -> Tensor:
    return m.pow(2).sum((-2, -1))


@register_kl(ExponentialFamily, ExponentialFamily)
def _expfamily_expfamily(p: ExponentialFamily, q: ExponentialFamily) -> Tensor:
    # the Bregman divergence of the log normalizer, its gradient by autograd (PyTorch's fallback)
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential families cannot be "
                                  "computed using Bregman divergences")
    p_params = [t.detach().requires_grad_() for t in p._natural_params]
    q_params = q._natural_params
    log_norm = p._log_normalizer(*p_params)
    grads = grad(log_norm.sum(), p_params, create_graph=True)
    result = q._log_normalizer(*q_params) - log_norm
    n = len(q.event_shape)
    for pp, qp, g in zip(p_params, q_params, grads):
        term = (qp - pp) * g
        result = result - (term.reshape(*term.shape[:term.ndim - n], -1).sum(-1) if n else term)
    return result


@register_kl(Normal, Normal)
def _normal_normal(p: Normal, q: Normal) -> Tensor:
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Categorical, Categorical)
def _categorical_categorical(p: Categorical, q: Categorical) -> Tensor:
    t = p.probs * (p.logits - q.logits)
    # terms where q has no mass but p does are +inf; where p has none they are 0
    return t.masked_fill(p.probs == 0, 0.0).sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _onehot_onehot(p: OneHotCategorical, q: OneHotCategorical) -> Tensor:
    return _categorical_categorical(p._categorical, q._categorical)


@register_kl(Bernoulli, Bernoulli)
def _bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Tensor:
    t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    return t1 + t2


@register_kl(Uniform, Uniform)
def _uniform_uniform(p: Uniform, q: Uniform) -> Tensor:
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return _inf_where(result, (q.low > p.low) | (q.high < p.high))


@register_kl(Independent, Independent)
def _independent_independent(p: Independent, q: Independent) -> Tensor:
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    kl = kl_divergence(p.base_dist, q.base_dist)
    n = p.reinterpreted_batch_ndims
    return kl.sum(tuple(range(-n, 0))) if n > 0 else kl


@register_kl(TransformedDistribution, TransformedDistribution)
def _transformed_transformed(p: TransformedDistribution, q: TransformedDistribution) -> Tensor:
    if p.transforms != q.transforms or p.event_shape != q.event_shape:
        raise NotImplementedError
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Beta, Beta)
def _beta_beta(p: Beta, q: Beta) -> Tensor:
    sum_p = p.concentration1 + p.concentration0
    sum_q = q.concentration1 + q.concentration0
    t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + sum_p.lgamma()
    t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + sum_q.lgamma()
    t3 = (p.concentration1 - q.concentration1) * p.concentration1.digamma()
    t4 = (p.concentration0 - q.concentration0) * p.concentration0.digamma()
    return t1 - t2 + t3 + t4 + (sum_q - sum_p) * sum_p.digamma()


@register_kl(Dirichlet, Dirichlet)
def _dirichlet_dirichlet(p: Dirichlet, q: Dirichlet) -> Tensor:
    sum_p, sum_q = p.concentration.sum(-1), q.concentration.sum(-1)
    t1 = sum_p.lgamma() - sum_q.lgamma()
    t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
    t4 = p.concentration.digamma() - sum_p.digamma().unsqueeze(-1)
    return t1 - t2 + ((p.concentration - q.concentration) * t4).sum(-1)


@register_kl(Exponential, Exponential)
def _exponential_exponential(p: Exponential, q: Exponential) -> Tensor:
    ratio = q.rate / p.rate
    return -ratio.log() + ratio - 1


@register_kl(Gamma, Gamma)
def _gamma_gamma(p: Gamma, q: Gamma) -> Tensor:
    t1 = q.concentration * (p.rate / q.rate).log()
    t2 = q.concentration.lgamma() - p.concentration.lgamma()
    t3 = (p.concentration - q.concentration) * p.concentration.digamma()
    return t1 + t2 + t3 + (q.rate - p.rate) * (p.concentration / p.rate)


@register_kl(Laplace, Laplace)
def _laplace_laplace(p: Laplace, q: Laplace) -> Tensor:
    ratio = p.scale / q.scale
    diff = (p.loc - q.loc).abs()
    return -ratio.log() + diff / q.scale + ratio * (-diff / p.scale).exp() - 1


@register_kl(Normal, Laplace)
def _normal_laplace(p: Normal, q: Laplace) -> Tensor:
    diff = p.loc - q.loc
    ratio = p.scale / q.scale
    z = diff / p.scale
    t2 = math.sqrt(2 / math.pi) * p.scale * (-0.5 * z.pow(2)).exp()
    t3 = diff * (math.sqrt(0.5) * z).erf()
    return -ratio.log() + (t2 + t3) / q.scale - 0.5 * (1 + math.log(0.5 * math.pi))


@register_kl(Poisson, Poisson)
def _poisson_poisson(p: Poisson, q: Poisson) -> Tensor:
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Geometric, Geometric)
def _geometric_geometric(p: Geometric, q: Geometric) -> Tensor:
    return -p.entropy() - (-q.probs).log1p() / p.probs - q.logits


@register_kl(Binomial, Binomial)
def _binomial_binomial(p: Binomial, q: Binomial) -> Tensor:
    if bool((p.total_count < q.total_count).any().item()):
        raise NotImplementedError("KL between Binomials where q.total_count > p.total_count is not "
                                  "implemented")
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() - (-q.probs).log1p())
    return _inf_where(kl, p.total_count > q.total_count)


@register_kl(Gumbel, Gumbel)
def _gumbel_gumbel(p: Gumbel, q: Gumbel) -> Tensor:
    ct1, ct2, ct3 = p.scale / q.scale, q.loc / q.scale, p.loc / q.scale
    t3 = (ct2 + (1 + ct1).lgamma() - ct3).exp()
    return -ct1.log() - ct2 + ct3 + ct1 * EULER + t3 - (1 + EULER)


@register_kl(HalfNormal, HalfNormal)
def _halfnormal_halfnormal(p: HalfNormal, q: HalfNormal) -> Tensor:
    return _normal_normal(p.base_dist, q.base_dist)  # type: ignore[arg-type,unused-ignore]


@register_kl(Cauchy, Cauchy)
def _cauchy_cauchy(p: Cauchy, q: Cauchy) -> Tensor:
    return ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log() - (4 * p.scale * q.scale).log()


@register_kl(Pareto, Pareto)
def _pareto_pareto(p: Pareto, q: Pareto) -> Tensor:
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * (p.scale / q.scale).log() - alpha_ratio.log() + alpha_ratio - 1
    return _inf_where(result, p.scale < q.scale)


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _cb_cb(p: ContinuousBernoulli, q: ContinuousBernoulli) -> Tensor:
    t1 = p.mean * (p.logits - q.logits)
    return t1 + p._cont_bern_log_norm() + (-p.probs).log1p() - q._cont_bern_log_norm() - (-q.probs).log1p()


@register_kl(MultivariateNormal, MultivariateNormal)
def _mvn_mvn(p: MultivariateNormal, q: MultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise InvalidParameterError("KL-divergence between two Multivariate Normals with different event "
                                    "shapes cannot be computed")
    lp, lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = lq.diagonal(dim1=-2, dim2=-1).log().sum(-1) - lp.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    n = p.event_shape[0]
    batch = tuple(np.broadcast_shapes(lq.shape[:-2], lp.shape[:-2]))
    term2 = _trace_xxt(linalg.solve_triangular(lq.expand(*batch, n, n), lp.expand(*batch, n, n), upper=False))
    term3 = mahalanobis(lq, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - n)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _lowrank_lowrank(p: LowRankMultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise InvalidParameterError("KL-divergence between two Low Rank Multivariate Normals with different "
                                    "event shapes cannot be computed")
    pw, pd = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    qw, qd = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    term1 = q._log_det() - p._log_det()
    diff = q.loc - p.loc
    qwt_dinv = qw.mT / qd.unsqueeze(-2)
    term3 = (diff.pow(2) / qd).sum(-1) - mahalanobis(q._capacitance_tril,
                                                     (qwt_dinv @ diff.unsqueeze(-1)).squeeze(-1))
    a = linalg.solve_triangular(q._capacitance_tril, qwt_dinv, upper=False)
    term2 = ((pd / qd).sum(-1) + _trace_xxt(pw * qd.rsqrt().unsqueeze(-1))
             - _trace_xxt(a * pd.sqrt().unsqueeze(-2)) - _trace_xxt(a @ pw))
    out: Tensor = 0.5 * (term1 + term2 + term3 - p.event_shape[0])
    return out


def _lowrank_mahalanobis(q: LowRankMultivariateNormal, diff: Tensor) -> Tensor:
    qw, qd = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    wt_dinv_x = ((qw.mT / qd.unsqueeze(-2)) @ diff.unsqueeze(-1)).squeeze(-1)
    out: Tensor = (diff.pow(2) / qd).sum(-1) - mahalanobis(q._capacitance_tril, wt_dinv_x)
    return out


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _mvn_lowrank(p: MultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise InvalidParameterError("KL-divergence between two (Low Rank) Multivariate Normals with "
                                    "different event shapes cannot be computed")
    lp = p._unbroadcasted_scale_tril
    qw, qd = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    term1 = q._log_det() - 2 * lp.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    # inv(q cov) p cov = (inv(D) - A^T A) L L^T with A = C^-1 W^T inv(D)
    a = linalg.solve_triangular(q._capacitance_tril, qw.mT / qd.unsqueeze(-2), upper=False)
    term2 = _trace_xxt(lp * qd.rsqrt().unsqueeze(-1)) - _trace_xxt(a @ lp)
    out: Tensor = 0.5 * (term1 + term2 + _lowrank_mahalanobis(q, q.loc - p.loc) - p.event_shape[0])
    return out


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _lowrank_mvn(p: LowRankMultivariateNormal, q: MultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise InvalidParameterError("KL-divergence between two (Low Rank) Multivariate Normals with "
                                    "different event shapes cannot be computed")
    lq = q._unbroadcasted_scale_tril
    pw, pd = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    term1 = 2 * lq.diagonal(dim1=-2, dim2=-1).log().sum(-1) - p._log_det()
    n = p.event_shape[0]
    batch = tuple(np.broadcast_shapes(lq.shape[:-2], pw.shape[:-2]))
    lq_b = lq.expand(*batch, n, n)
    term2 = (_trace_xxt(linalg.solve_triangular(lq_b, pw.expand(*batch, n, pw.shape[-1]), upper=False))
             + _trace_xxt(linalg.solve_triangular(lq_b, pd.sqrt().diag_embed().expand(*batch, n, n),
                                                  upper=False)))
    out: Tensor = 0.5 * (term1 + term2 + mahalanobis(lq, q.loc - p.loc) - n)
    return out
