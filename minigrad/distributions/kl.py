"""KL divergences between distributions of the same family."""

from __future__ import annotations

import numpy as np

from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.distribution import Distribution
from minigrad.distributions.independent import Independent
from minigrad.distributions.normal import Normal
from minigrad.distributions.uniform import Uniform
from minigrad.tensor import Tensor

__all__ = ["kl_divergence"]


def _normal(p: Normal, q: Normal) -> Tensor:
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


def _categorical(p: Categorical, q: Categorical) -> Tensor:
    t = p.probs * (p.logits - q.logits)
    # terms where q has no mass but p does are +inf; where p has none they are 0
    return t.masked_fill(p.probs == 0, 0.0).sum(-1)


def _bernoulli(p: Bernoulli, q: Bernoulli) -> Tensor:
    from minigrad.nn.functional import softplus

    t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    return t1 + t2


def _uniform(p: Uniform, q: Uniform) -> Tensor:
    result = ((q.high - q.low) / (p.high - p.low)).log()
    outside = (q.low > p.low) | (q.high < p.high)
    return result.masked_fill(outside, float(np.inf))


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q), shape the broadcast batch shape, for two distributions of the same family.

    Covers Normal, Categorical, Bernoulli and Uniform pairs, and Independent
    wrappers of them with the same reinterpreted_batch_ndims. Raises
    NotImplementedError for any other pair, as PyTorch does when no formula is registered.
    """
    if isinstance(p, Normal) and isinstance(q, Normal):
        return _normal(p, q)
    if isinstance(p, Categorical) and isinstance(q, Categorical):
        return _categorical(p, q)
    if isinstance(p, Bernoulli) and isinstance(q, Bernoulli):
        return _bernoulli(p, q)
    if isinstance(p, Uniform) and isinstance(q, Uniform):
        return _uniform(p, q)
    if isinstance(p, Independent) and isinstance(q, Independent) \
            and p.reinterpreted_batch_ndims == q.reinterpreted_batch_ndims:
        kl = kl_divergence(p.base_dist, q.base_dist)
        n = p.reinterpreted_batch_ndims
        return kl.sum(tuple(range(-n, 0))) if n > 0 else kl
    raise NotImplementedError(f"No KL(p || q) is implemented for p={type(p).__name__}, q={type(q).__name__}")
