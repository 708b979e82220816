"""Cauchy, HalfCauchy, HalfNormal, Gumbel and StudentT, as ``torch.distributions``: each draws with the
same random stream as PyTorch (a transform of its uniform, normal, Cauchy or gamma draws), so a seeded
``rsample`` gives PyTorch's numbers, differentiable in the parameters."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.normal import Normal
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.transforms import AbsTransform, AffineTransform, ExpTransform
from minigrad.distributions.uniform import Uniform
from minigrad.dtypes import finfo, require_float_kernel
from minigrad.factories import zeros_like
from minigrad.random import default_generator
from minigrad.sampling import check_continuous
from minigrad.tensor import Tensor, from_numpy, where

__all__ = ["Cauchy", "Chi2", "Gumbel", "HalfCauchy", "HalfNormal", "StudentT"]

EULER = 0.57721566490153286060


def full(shape: Shape, value: float, like: Tensor) -> Tensor:
    """A constant Tensor of ``shape`` in ``like``'s dtype (nan/inf moments)."""
    return from_numpy(np.full(tuple(shape), value, dtype=like.dtype))


def checked(d: Distribution, value: Any, like: Tensor) -> Tensor:
    """``value`` as a Tensor, validated against ``d``'s support when ``d`` validates."""
    v = as_tensor(value, like)
    if d._validate_args:
        d._validate_sample(v)
    return v


class Cauchy(Distribution):
    """Cauchy(loc, scale, validate_args=None): density ``1 / (pi scale (1 + ((x - loc) / scale)^2))``.
    ``rsample`` is ``loc + scale * tan(pi (u - 1/2))`` (PyTorch's ``cauchy_`` stream). Mean nan,
    variance inf. Raises ValueError (validating) for a non-positive scale."""

    arg_constraints: ClassVar[dict[str, Any]] = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """nan (the mean does not exist)."""
        return full(self._extended_shape(), math.nan, self.loc)

    @property
    def mode(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def variance(self) -> Tensor:
        """inf."""
        return full(self._extended_shape(), math.inf, self.loc)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``loc + eps * scale`` with standard Cauchy eps."""
        check_continuous("Cauchy", self.loc.dtype)  # integer parameters: PyTorch's error
        eps = _draws.cauchy(default_generator, self._extended_shape(sample_shape), 0.0, 1.0, self.loc.dtype)
        return self.loc + from_numpy(eps) * self.scale

    def log_prob(self, value: Any) -> Tensor:
        """``-log(pi) - log(scale) - log1p(((value - loc) / scale)^2)``."""
        z = (checked(self, value, self.loc) - self.loc) / self.scale
        return -math.log(math.pi) - self.scale.log() - (z**2).log1p()

    def cdf(self, value: Any) -> Tensor:
        """``atan((value - loc) / scale) / pi + 1/2``."""
        return ((checked(self, value, self.loc) - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value: Any) -> Tensor:
        """``loc + scale * tan(pi (value - 1/2))``."""
        return (math.pi * (as_tensor(value, self.loc) - 0.5)).tan() * self.scale + self.loc

    def entropy(self) -> Tensor:
        """``log(4 pi) + log(scale)``."""
        return math.log(4 * math.pi) + self.scale.log()


class _Half(TransformedDistribution):
    """|X| for a symmetric base X: density doubled on x >= 0, -inf below."""

    arg_constraints: ClassVar[dict[str, Any]] = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    @property
    def scale(self) -> Tensor:
        """The base distribution's scale."""
        return self.base_dist.scale  # type: ignore[attr-defined,no-any-return]

    @property
    def mode(self) -> Tensor:
        """Zero."""
        return zeros_like(self.scale)

    def log_prob(self, value: Any) -> Tensor:
        """The base log-density plus log 2 on x >= 0; -inf below."""
        v = checked(self, value, self.scale)
        lp = self.base_dist.log_prob(v) + math.log(2)
        return where(v >= 0, lp, -math.inf)

    def cdf(self, value: Any) -> Tensor:
        """``2 F_base(value) - 1``."""
        return 2 * self.base_dist.cdf(checked(self, value, self.scale)) - 1

    def icdf(self, prob: Any) -> Tensor:
        """``F_base^-1((prob + 1) / 2)``."""
        return self.base_dist.icdf((as_tensor(prob, self.scale) + 1) / 2)

    def entropy(self) -> Tensor:
        """The base entropy minus log 2."""
        return self.base_dist.entropy() - math.log(2)

    def __repr__(self) -> str:
        return Distribution.__repr__(self)

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: scale is read from the base distribution


class HalfNormal(_Half):
    """HalfNormal(scale, validate_args=None): ``|X|`` for X ~ Normal(0, scale), as PyTorch's (a
    TransformedDistribution of the Normal by AbsTransform; same draws)."""

    def __init__(self, scale: Any, validate_args: bool | None = None) -> None:
        super().__init__(Normal(0, scale, validate_args=False), AbsTransform(), validate_args)

    @property
    def mean(self) -> Tensor:
        """``scale sqrt(2 / pi)``."""
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self) -> Tensor:
        """``scale^2 (1 - 2 / pi)``."""
        return self.scale.pow(2) * (1 - 2 / math.pi)


class HalfCauchy(_Half):
    """HalfCauchy(scale, validate_args=None): ``|X|`` for X ~ Cauchy(0, scale), as PyTorch's."""

    def __init__(self, scale: Any, validate_args: bool | None = None) -> None:
        super().__init__(Cauchy(0, scale, validate_args=False), AbsTransform(), validate_args)

    @property
    def mean(self) -> Tensor:
        """inf."""
        return full(self._extended_shape(), math.inf, self.scale)

    @property
    def variance(self) -> Tensor:
        """inf."""
        return full(self._extended_shape(), math.inf, self.scale)


class Gumbel(TransformedDistribution):
    """Gumbel(loc, scale, validate_args=None): ``loc - scale log(-log U)`` for U uniform on
    [tiny, 1 - eps), as PyTorch's (the same uniform stream). Density
    ``exp(z - exp(z)) / scale`` with ``z = (loc - x) / scale``."""

    arg_constraints: ClassVar[dict[str, Any]] = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        info = finfo(self.loc.dtype)  # (a TypeError for integer parameters, as PyTorch's)
        base = Uniform(full(self.loc.shape, float(info.tiny), self.loc),
                       full(self.loc.shape, float(1 - info.eps), self.loc), validate_args=validate_args)
        transforms = [ExpTransform().inv, AffineTransform(0, -1.0), ExpTransform().inv,
                      AffineTransform(self.loc, -self.scale)]
        super().__init__(base, transforms, validate_args)

    def log_prob(self, value: Any) -> Tensor:
        """``z - exp(z) - log(scale)`` with ``z = (loc - value) / scale``."""
        z = (self.loc - checked(self, value, self.loc)) / self.scale
        return (z - z.exp()) - self.scale.log()

    def cdf(self, value: Any) -> Tensor:
        """``exp(-exp((loc - value) / scale))``."""
        return (-((self.loc - checked(self, value, self.loc)) / self.scale).exp()).exp()

    def icdf(self, value: Any) -> Tensor:
        """``loc - scale log(-log(value))``."""
        return self.loc - self.scale * (-as_tensor(value, self.loc).log()).log()

    @property
    def mean(self) -> Tensor:
        """``loc + scale * euler_gamma``."""
        return self.loc + self.scale * EULER

    @property
    def mode(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def stddev(self) -> Tensor:
        """``pi scale / sqrt(6)``."""
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self) -> Tensor:
        """``stddev^2``."""
        return self.stddev.pow(2)

    def entropy(self) -> Tensor:
        """``log(scale) + 1 + euler_gamma``."""
        return self.scale.log() + (1 + EULER)

    def __repr__(self) -> str:
        return Distribution.__repr__(self)

    def _param_names(self) -> tuple[str, ...]:
        return ("loc", "scale")


class Chi2(Gamma):
    """Chi2(df, validate_args=None): ``Gamma(df / 2, 1 / 2)``, as PyTorch's."""

    arg_constraints: ClassVar[dict[str, Any]] = {"df": constraints.positive}

    def __init__(self, df: Any, validate_args: bool | None = None) -> None:
        super().__init__(0.5 * as_tensor(df), 0.5, validate_args)

    @property
    def df(self) -> Tensor:
        """The degrees of freedom, ``2 * concentration``."""
        return self.concentration * 2

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: df is computed from the Gamma's concentration


class StudentT(Distribution):
    """StudentT(df, loc=0.0, scale=1.0, validate_args=None), as PyTorch's. ``rsample`` is
    ``loc + scale * X / sqrt(Z / df)`` with X standard normal and Z ~ Chi2(df) drawn in that order
    (PyTorch's stream), differentiable in all three parameters (Z by implicit reparameterization)."""

    arg_constraints: ClassVar[dict[str, Any]] = {"df": constraints.positive, "loc": constraints.real,
                                                 "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0, validate_args: bool | None = None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df, validate_args=False)
        super().__init__(self.df.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``loc``; nan where df <= 1."""
        return where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def variance(self) -> Tensor:
        """``scale^2 df / (df - 2)`` for df > 2; inf for 1 < df <= 2; nan for df <= 1."""
        big = self.df > 2
        safe = where(big, self.df, 3.0)
        v = self.scale.pow(2) * safe / (safe - 2)
        return where(big, v, where(self.df > 1, math.inf, math.nan))

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``loc + scale * X * rsqrt(Z / df)``."""
        require_float_kernel("normal_kernel_cpu", self.df.dtype)  # an integer df: PyTorch's error
        x = from_numpy(_draws.normal(default_generator, self._extended_shape(sample_shape), 0.0, 1.0,
                                     self.df.dtype))
        z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * (x * (z / self.df).rsqrt())

    def log_prob(self, value: Any) -> Tensor:
        """``-(df + 1)/2 log1p(y^2 / df) - log(scale) - log(df)/2 - log(pi)/2 - lgamma(df/2) +
        lgamma((df + 1)/2)`` with ``y = (value - loc) / scale``."""
        y = (checked(self, value, self.loc) - self.loc) / self.scale
        z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + (0.5 * self.df).lgamma()
             - (0.5 * (self.df + 1.0)).lgamma())
        return -0.5 * (self.df + 1.0) * (y**2 / self.df).log1p() - z

    def entropy(self) -> Tensor:
        """``log(scale) + (df+1)/2 (digamma((df+1)/2) - digamma(df/2)) + log(df)/2 + log B(df/2, 1/2)``."""
        half = 0.5 * self.df
        lbeta = half.lgamma() + math.lgamma(0.5) - (half + 0.5).lgamma()
        return (self.scale.log() + (half + 0.5) * ((half + 0.5).digamma() - half.digamma())
                + 0.5 * self.df.log() + lbeta)
