"""The relaxed (Concrete / Gumbel-softmax) distributions, the straight-through one-hot categorical and
the continuous Bernoulli, as ``torch.distributions``: reparameterized transforms of PyTorch's uniform
stream, so seeded ``rsample`` gives PyTorch's numbers with gradients to the parameters."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import enable_grad, no_grad
from minigrad.distributions import constraints
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.counts import _Binary
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.distributions.location_scale import checked
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.transforms import ExpTransform, SigmoidTransform
from minigrad.nn.functional import binary_cross_entropy_with_logits
from minigrad.random import default_generator
from minigrad.size import Size
from minigrad.tensor import Tensor, from_numpy, where

__all__ = ["ContinuousBernoulli", "ExpRelaxedCategorical", "LogitRelaxedBernoulli",
           "RelaxedBernoulli", "RelaxedOneHotCategorical"]


def clamp_probs(p: Tensor) -> Tensor:
    """``p`` clamped into [eps, 1 - eps] of its dtype."""
    eps = float(np.finfo(p.dtype).eps)
    return p.clamp(min=eps, max=1 - eps)


def _uniforms(shape: tuple[int, ...], like: Tensor) -> Tensor:
    return from_numpy(_draws.uniform(default_generator, shape, 0.0, 1.0, like.dtype))


class _Relaxed(TransformedDistribution):
    """A relaxed distribution as a transform of its log-space base: temperature, logits and probs are the
    base's."""

    @property
    def temperature(self) -> Tensor:
        """The relaxation temperature."""
        return self.base_dist.temperature  # type: ignore[attr-defined,no-any-return]

    @property
    def logits(self) -> Tensor:
        """The (normalized) log-probabilities: log-odds for the binary case."""
        return self.base_dist.logits  # type: ignore[attr-defined,no-any-return]

    @property
    def probs(self) -> Tensor:
        """The probabilities (of 1, for the binary case)."""
        return self.base_dist.probs  # type: ignore[attr-defined,no-any-return]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class LogitRelaxedBernoulli(_Binary):
    """LogitRelaxedBernoulli(temperature, probs=None, logits=None, validate_args=None): the logit of a
    RelaxedBernoulli sample, ``(logit(u) + logit(p)) / temperature`` for u uniform (both clamped)."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.unit_interval,
                                                 "logits": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._set(probs, logits)
        self.temperature = as_tensor(temperature, self._param)
        super().__init__(self._param.shape, (), validate_args)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``(log u - log1p(-u) + log p - log1p(-p)) / temperature``."""
        shape = self._extended_shape(sample_shape)
        p = clamp_probs(self.probs.expand(tuple(shape)))
        u = clamp_probs(_uniforms(shape, p))
        return (u.log() - (-u).log1p() + p.log() - (-p).log1p()) / self.temperature

    def log_prob(self, value: Any) -> Tensor:
        """``log t + d - 2 log1p(exp(d))`` with ``d = logits - t value``."""
        v = checked(self, value, self._param)  # (before the logits are cached, as PyTorch's error shows)
        logits, v = broadcast_all(self.logits, v)
        diff = logits - v * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(_Relaxed):
    """RelaxedBernoulli(temperature, probs=None, logits=None, validate_args=None): the sigmoid of a
    LogitRelaxedBernoulli (the binary Concrete distribution) on [0, 1], as PyTorch's."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.unit_interval,
                                                 "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        base = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base, SigmoidTransform(), validate_args)


class ExpRelaxedCategorical(Distribution):
    """ExpRelaxedCategorical(temperature, probs=None, logits=None, validate_args=None): the log of a
    RelaxedOneHotCategorical sample, ``log_softmax((logits + gumbel) / temperature)``."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.simplex,
                                                 "logits": constraints.real_vector}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        self.temperature = as_tensor(temperature, self._categorical.logits)
        super().__init__(self._categorical.batch_shape, (self._categorical._num_events,), validate_args)

    @property
    def param_shape(self) -> Size:
        """The shape of the parameter given."""
        return self._categorical.param_shape

    @property
    def logits(self) -> Tensor:
        """The normalized log-probabilities."""
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        """The normalized probabilities."""
        return self._categorical.probs

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape + (K,)``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``scores - logsumexp(scores)`` with ``scores = (logits - log(-log u)) / temperature``."""
        u = clamp_probs(_uniforms(self._extended_shape(sample_shape), self.logits))
        scores = (self.logits - (-u.log()).log()) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value: Any) -> Tensor:
        """PyTorch's Concrete log-density of the log-simplex vector ``value``."""
        k = self._categorical._num_events
        logits, v = broadcast_all(self.logits, checked(self, value, self.logits))
        # lgamma(K) rounded in the temperature's dtype before the sum, as PyTorch's full_like(t, K).lgamma()
        log_scale = self.temperature.new_full(self.temperature.shape, float(k)).lgamma() \
            - self.temperature.log().mul(-(k - 1))
        score = logits - v * self.temperature
        return (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(_Relaxed):
    """RelaxedOneHotCategorical(temperature, probs=None, logits=None, validate_args=None): the Concrete /
    Gumbel-softmax distribution on the simplex, ``softmax((logits + gumbel) / temperature)``."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.simplex,
                                                 "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args)


class ContinuousBernoulli(_Binary, ExponentialFamily):
    """ContinuousBernoulli(probs=None, logits=None, lims=(0.499, 0.501), validate_args=None): density
    ``C(p) p^x (1 - p)^(1 - x)`` on [0, 1], as PyTorch's (Taylor expansions for p within ``lims`` of 1/2).
    ``rsample`` is the icdf of a uniform draw."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.unit_interval,
                                                 "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True
    _mean_carrier_measure = 0.0

    def __init__(self, probs: Any = None, logits: Any = None, lims: tuple[float, float] = (0.499, 0.501),
                 validate_args: bool | None = None) -> None:
        self._set(probs, logits)
        if self._probs is not None:
            if validate_args is not None:
                with no_grad():
                    ok = bool(constraints.unit_interval.check(self._probs).all().item())
                if not ok:
                    raise ValueError("The parameter probs has invalid values")
            self._probs = clamp_probs(self._probs)
        self._lims = lims
        super().__init__(self._param.shape, (), validate_args)

    @property
    def probs(self) -> Tensor:
        """The parameter in (0, 1) (clamped by eps)."""
        if self._probs is None:
            assert self._logits is not None
            with enable_grad():
                self._probs = clamp_probs(self._logits.sigmoid())
        return self._probs

    @probs.setter
    def probs(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._probs = value

    def _outside(self) -> Tensor:
        out: Tensor = (self.probs <= self._lims[0]) | (self.probs > self._lims[1])
        return out

    def _cut_probs(self) -> Tensor:
        return where(self._outside(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self) -> Tensor:
        cut = self._cut_probs()
        below = where(cut <= 0.5, cut, 0.0)
        above = where(cut >= 0.5, cut, 1.0)
        log_norm = ((-cut).log1p() - cut.log()).abs().log() - where(
            cut <= 0.5, (-2.0 * below).log1p(), (2.0 * above - 1.0).log())
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._outside(), log_norm, taylor)

    @property
    def mean(self) -> Tensor:
        """``p / (2p - 1) + 1 / (log1p(-p) - log p)`` (a Taylor series near p = 1/2)."""
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return where(self._outside(), mus, taylor)

    @property
    def variance(self) -> Tensor:
        """PyTorch's closed form (a Taylor series near p = 1/2)."""
        cut = self._cut_probs()
        var = cut * (cut - 1.0) / (1.0 - 2.0 * cut).pow(2) + 1.0 / ((-cut).log1p() - cut.log()).pow(2)
        x = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return where(self._outside(), var, taylor)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``icdf(u)`` for u uniform in [0, 1)."""
        return self.icdf(_uniforms(self._extended_shape(sample_shape), self.probs))

    def log_prob(self, value: Any) -> Tensor:
        """``-BCE(logits, value) + log C(p)``."""
        v = checked(self, value, self._param)  # (before the logits are cached, as PyTorch's error shows)
        logits, v = broadcast_all(self.logits, v)
        return -binary_cross_entropy_with_logits(logits, v, reduction="none") + self._cont_bern_log_norm()

    def cdf(self, value: Any) -> Tensor:
        """``(p^x (1 - p)^(1 - x) + p - 1) / (2p - 1)`` clamped to [0, 1] outside the support."""
        v = checked(self, value, self._param)
        cut = self._cut_probs()
        cdfs = (cut.pow(v) * (1.0 - cut).pow(1.0 - v) + cut - 1.0) / (2.0 * cut - 1.0)
        inner = where(self._outside(), cdfs, v)
        return where(v <= 0.0, 0.0, where(v >= 1.0, 1.0, inner))

    def icdf(self, value: Any) -> Tensor:
        """``(log1p(-p + u (2p - 1)) - log1p(-p)) / (log p - log1p(-p))``."""
        u = as_tensor(value, self._param)
        cut = self._cut_probs()
        inner = ((-cut + u * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (cut.log() - (-cut).log1p())
        return where(self._outside(), inner, u)

    def entropy(self) -> Tensor:
        """``mean (log(1-p) - log p) - log C(p) - log(1-p)``."""
        log0, log1 = (-self.probs).log1p(), self.probs.log()
        return self.mean * (log0 - log1) - self._cont_bern_log_norm() - log0

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.logits,)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        (x,) = natural_params
        outside = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = where(outside, x, self._lims[0] - 0.5)
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        taylor = 0.5 * x + x.pow(2) / 24.0 - x.pow(4) / 2880.0
        return where(outside, log_norm, taylor)
