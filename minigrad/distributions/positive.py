"""Weibull, Pareto, InverseGamma, FisherSnedecor, Kumaraswamy, GeneralizedPareto and LogisticNormal, as
``torch.distributions``: transformed exponential, gamma, uniform and normal draws (PyTorch's streams),
so ``rsample`` gives PyTorch's numbers and is differentiable in the parameters."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.distributions.exponential import Exponential
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.location_scale import EULER, checked, full
from minigrad.distributions.normal import Normal
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.transforms import (
    AffineTransform,
    ExpTransform,
    PowerTransform,
    StickBreakingTransform,
)
from minigrad.distributions.uniform import Uniform
from minigrad.factories import ones_like
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy, where

__all__ = ["FisherSnedecor", "GeneralizedPareto", "InverseGamma", "Kumaraswamy", "LogisticNormal", "Pareto",
           "Weibull"]


class _Named(TransformedDistribution):
    """A TransformedDistribution family that prints its own parameters."""

    def __repr__(self) -> str:
        return Distribution.__repr__(self)

    def _param_names(self) -> tuple[str, ...]:
        return tuple(self.arg_constraints)


class Weibull(_Named):
    """Weibull(scale, concentration, validate_args=None): ``scale * E ** (1 / concentration)`` for E a
    standard exponential draw, as PyTorch's."""

    arg_constraints: ClassVar[dict[str, Any]] = {"scale": constraints.positive,
                                                 "concentration": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, scale: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(ones_like(self.scale), validate_args=validate_args)
        transforms = [PowerTransform(self.concentration_reciprocal), AffineTransform(0, self.scale)]
        super().__init__(base, transforms, validate_args)

    @property
    def mean(self) -> Tensor:
        """``scale Gamma(1 + 1/k)``."""
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self) -> Tensor:
        """``scale ((k - 1) / k) ** (1 / k)`` (nan for k < 1, as PyTorch)."""
        return self.scale * ((self.concentration - 1) / self.concentration) ** self.concentration_reciprocal

    @property
    def variance(self) -> Tensor:
        """``scale^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2)``."""
        r = self.concentration_reciprocal
        return self.scale.pow(2) * ((1 + 2 * r).lgamma().exp() - (2 * (1 + r).lgamma()).exp())

    def entropy(self) -> Tensor:
        """``euler (1 - 1/k) + log(scale / k) + 1``."""
        r = self.concentration_reciprocal
        return EULER * (1 - r) + (self.scale * r).log() + 1


class Pareto(_Named):
    """Pareto(scale, alpha, validate_args=None): ``scale * exp(E)`` for E ~ Exponential(alpha), as
    PyTorch's (Pareto type I on x >= scale)."""

    arg_constraints: ClassVar[dict[str, Any]] = {"alpha": constraints.positive, "scale": constraints.positive}
    has_rsample = True

    def __init__(self, scale: Any, alpha: Any, validate_args: bool | None = None) -> None:
        self.scale, self.alpha = broadcast_all(scale, alpha)
        base = Exponential(self.alpha, validate_args=validate_args)
        super().__init__(base, [ExpTransform(), AffineTransform(0, self.scale)], validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:
        """x >= scale."""
        return constraints.greater_than_eq(self.scale)

    @property
    def mean(self) -> Tensor:
        """``a scale / (a - 1)`` with a = max(alpha, 1) (inf for alpha <= 1)."""
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    @property
    def mode(self) -> Tensor:
        """``scale``."""
        return self.scale

    @property
    def variance(self) -> Tensor:
        """``scale^2 a / ((a - 1)^2 (a - 2))`` with a = max(alpha, 2)."""
        a = self.alpha.clamp(min=2)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    def entropy(self) -> Tensor:
        """``log(scale / alpha) + 1 + 1 / alpha``."""
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


class InverseGamma(_Named):
    """InverseGamma(concentration, rate, validate_args=None): ``1 / X`` for X ~ Gamma(concentration, rate),
    as PyTorch's; ``rsample`` uses the Gamma's implicit reparameterization."""

    arg_constraints: ClassVar[dict[str, Any]] = {"concentration": constraints.positive,
                                                 "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        base = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = from_numpy(np.array(-1.0, dtype=base.rate.dtype))
        super().__init__(base, PowerTransform(neg_one), validate_args)

    @property
    def concentration(self) -> Tensor:
        """The base Gamma's concentration."""
        return self.base_dist.concentration  # type: ignore[attr-defined,no-any-return]

    @property
    def rate(self) -> Tensor:
        """The base Gamma's rate."""
        return self.base_dist.rate  # type: ignore[attr-defined,no-any-return]

    @property
    def mean(self) -> Tensor:
        """``rate / (c - 1)`` for c > 1, else inf."""
        return where(self.concentration > 1, self.rate / (self.concentration - 1), math.inf)

    @property
    def mode(self) -> Tensor:
        """``rate / (c + 1)``."""
        return self.rate / (self.concentration + 1)

    @property
    def variance(self) -> Tensor:
        """``rate^2 / ((c - 1)^2 (c - 2))`` for c > 2, else inf."""
        c = self.concentration
        return where(c > 2, self.rate.square() / ((c - 1).square() * (c - 2)), math.inf)

    def entropy(self) -> Tensor:
        """``c + log(rate) + lgamma(c) - (1 + c) digamma(c)``."""
        c = self.concentration
        return c + self.rate.log() + c.lgamma() - (1 + c) * c.digamma()

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: concentration and rate are read from the base Gamma



class FisherSnedecor(Distribution):
    """FisherSnedecor(df1, df2, validate_args=None): the F distribution, ``(X1 / df1) / (X2 / df2)`` for
    chi-square X1, X2, drawn as PyTorch does (two Gamma draws, reparameterized)."""

    arg_constraints: ClassVar[dict[str, Any]] = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1: Any, df2: Any, validate_args: bool | None = None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1, validate_args=False)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2, validate_args=False)
        super().__init__(self.df1.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``df2 / (df2 - 2)``; nan for df2 <= 2."""
        df2 = where(self.df2 > 2, self.df2, math.nan)
        return df2 / (df2 - 2)

    @property
    def mode(self) -> Tensor:
        """``(df1 - 2) / df1 * df2 / (df2 + 2)``; nan for df1 <= 2."""
        return where(self.df1 > 2, (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2), math.nan)

    @property
    def variance(self) -> Tensor:
        """``2 df2^2 (df1 + df2 - 2) / (df1 (df2 - 2)^2 (df2 - 4))``; nan for df2 <= 4."""
        df2 = where(self.df2 > 4, self.df2, math.nan)
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``X1 / X2`` for the two Gamma draws, each ratio term at least the dtype's tiny."""
        x1 = self._gamma1.rsample(sample_shape)
        x2 = self._gamma2.rsample(sample_shape)
        tiny = float(np.finfo(x2.dtype).tiny)  # the draws' dtype: integer df are fine, as in PyTorch
        x2 = x2.clamp(min=tiny)
        return (x1 / x2).clamp(min=tiny)

    def log_prob(self, value: Any) -> Tensor:
        """The F log-density: ``lgamma((d1+d2)/2) - lgamma(d1/2) - lgamma(d2/2) + d1/2 log(d1/d2) +
        (d1/2 - 1) log x - (d1+d2)/2 log1p(d1 x / d2)``."""
        x = checked(self, value, self.df1)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * x.log()
        t3 = (ct1 + ct2) * (ct3 * x).log1p()
        return t1 + t2 - t3


def _kumaraswamy_moment(a: Tensor, b: Tensor, n: int) -> Tensor:
    arg = 1 + n / a
    return b * (arg.lgamma() + b.lgamma() - (arg + b).lgamma()).exp()


class Kumaraswamy(_Named):
    """Kumaraswamy(concentration1, concentration0, validate_args=None): ``(1 - U ** (1/c0)) ** (1/c1)`` for
    U uniform, as PyTorch's; density ``c1 c0 x^(c1-1) (1 - x^c1)^(c0-1)`` on (0, 1)."""

    arg_constraints: ClassVar[dict[str, Any]] = {"concentration1": constraints.positive,
                                                 "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        c0 = self.concentration0
        base = Uniform(full(c0.shape, 0.0, c0), full(c0.shape, 1.0, c0), validate_args=validate_args)
        transforms = [PowerTransform(c0.reciprocal()), AffineTransform(1.0, -1.0),
                      PowerTransform(self.concentration1.reciprocal())]
        super().__init__(base, transforms, validate_args)

    @property
    def mean(self) -> Tensor:
        """``c0 B(1 + 1/c1, c0)``."""
        return _kumaraswamy_moment(self.concentration1, self.concentration0, 1)

    @property
    def mode(self) -> Tensor:
        """``((c1 - 1) / (c1 c0 - 1)) ** (1 / c1)``; nan where either concentration is below 1. (PyTorch
        2.13's formula gives nan for every c0 > 1; this is the mode itself.)"""
        a, b = self.concentration1, self.concentration0
        ok = (a >= 1) & (b >= 1)
        return where(ok, ((a - 1) / (a * b - 1)) ** a.reciprocal(), math.nan)

    @property
    def variance(self) -> Tensor:
        """The second moment minus the squared mean."""
        return _kumaraswamy_moment(self.concentration1, self.concentration0, 2) - self.mean.pow(2)

    def entropy(self) -> Tensor:
        """``(1 - 1/c0) + (1 - 1/c1) (digamma(c0 + 1) + euler) - log c1 - log c0``."""
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        h0 = (self.concentration0 + 1).digamma() + EULER
        return t0 + t1 * h0 - self.concentration1.log() - self.concentration0.log()


class GeneralizedPareto(Distribution):
    """GeneralizedPareto(loc, scale, concentration, validate_args=None), as PyTorch's: support from loc
    up to ``loc - scale / concentration`` for a negative concentration (else unbounded); an exponential
    tail at concentration 0. ``rsample`` is the icdf of a uniform draw."""

    arg_constraints: ClassVar[dict[str, Any]] = {"loc": constraints.real, "scale": constraints.positive,
                                                 "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:
        """[loc, loc - scale / concentration] for concentration < 0, else [loc, inf]."""
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration, math.inf)
        return constraints.interval(self.loc, upper)

    def _safe(self) -> tuple[Tensor, Tensor]:
        # PyTorch's isclose(concentration, 0) switch to the exponential limit
        zero = (self.concentration.abs() <= 1e-8).detach()
        return zero, where(zero, 1.0, self.concentration)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``icdf(u)`` for u uniform in [0, 1)."""
        from minigrad import _draws

        u = _draws.uniform(default_generator, self._extended_shape(sample_shape), 0.0, 1.0, self.loc.dtype)
        return self.icdf(from_numpy(u))

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def log_prob(self, value: Any) -> Tensor:
        """``-log(scale) - (1/c + 1) log1p(c z)`` (``-log(scale) - z`` at c = 0), z = (x - loc) / scale."""
        z = (checked(self, value, self.loc) - self.loc) / self.scale
        zero, c = self._safe()
        y = 1 / c + 1
        nonzero = where(y == 0, y, y * (c * z).log1p())
        return -self.scale.log() - where(zero, z, nonzero)

    def log_survival_function(self, value: Any) -> Tensor:
        """``log(1 - cdf)``: ``-log1p(c z) / c`` (``-z`` at c = 0)."""
        z = (as_tensor(value, self.loc) - self.loc) / self.scale
        zero, c = self._safe()
        return where(zero, -z, -(c * z).log1p() / c)

    def log_cdf(self, value: Any) -> Tensor:
        """``log1p(-exp(log_survival_function))``."""
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value: Any) -> Tensor:
        """``exp(log_cdf(value))``."""
        return self.log_cdf(value).exp()

    def icdf(self, value: Any) -> Tensor:
        """``loc + scale / c * expm1(-c log1p(-u))`` (``loc - scale log1p(-u)`` at c = 0)."""
        logu = (-as_tensor(value, self.loc)).log1p()
        zero, c = self._safe()
        return where(zero, self.loc - self.scale * logu, self.loc + self.scale / c * (-c * logu).expm1())

    @property
    def mean(self) -> Tensor:
        """``loc + scale / (1 - c)`` for c < 1, else nan."""
        valid = self.concentration < 1
        c = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - c), math.nan)

    @property
    def variance(self) -> Tensor:
        """``scale^2 / ((1 - c)^2 (1 - 2c))`` for c < 1/2, else nan."""
        valid = self.concentration < 0.5
        c = where(valid, self.concentration, 0.25)
        return where(valid, self.scale**2 / ((1 - c) ** 2 * (1 - 2 * c)), math.nan)

    @property
    def mode(self) -> Tensor:
        """``loc``."""
        return self.loc

    def entropy(self) -> Tensor:
        """``log(scale) + c + 1``."""
        return (self.scale.log() + self.concentration + 1).expand(tuple(self._batch_shape))


class LogisticNormal(_Named):
    """LogisticNormal(loc, scale, validate_args=None): ``StickBreakingTransform`` of a Normal vector, a
    distribution on the simplex with one more entry than ``loc``, as PyTorch's."""

    arg_constraints: ClassVar[dict[str, Any]] = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        base: Distribution = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand((1,))
        super().__init__(base, StickBreakingTransform(), validate_args)

    @property
    def loc(self) -> Tensor:
        """The Normal's loc."""
        return self.base_dist.base_dist.loc  # type: ignore[attr-defined,no-any-return]

    @property
    def scale(self) -> Tensor:
        """The Normal's scale."""
        return self.base_dist.base_dist.scale  # type: ignore[attr-defined,no-any-return]

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: loc and scale are read from the base Normal
