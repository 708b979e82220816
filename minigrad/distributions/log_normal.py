"""The log-normal distribution: exp of a normal variable."""

from __future__ import annotations

from typing import Any, ClassVar

from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor
from minigrad.distributions.normal import Normal
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.transforms import ExpTransform
from minigrad.tensor import Tensor

__all__ = ["LogNormal"]


class LogNormal(TransformedDistribution):
    """LogNormal(loc, scale, validate_args=None), as ``torch.distributions.LogNormal``: ``exp(X)``
    for X ~ Normal(loc, scale) (``base_dist``).

    ``rsample`` is ``exp`` of the normal's reparameterized sample. Raises ValueError (validating)
    when ``scale`` is not positive.
    """

    has_rsample = True

    arg_constraints: ClassVar[dict[str, Any]] = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        base = Normal(loc, scale, validate_args)
        self.loc, self.scale = base.loc, base.scale
        super().__init__(base, ExpTransform(), validate_args)

    @property
    def mean(self) -> Tensor:
        """``exp(loc + scale^2 / 2)``."""
        return (self.loc + self.scale.pow(2) / 2).exp()

    @property
    def mode(self) -> Tensor:
        """``exp(loc - scale^2)``."""
        return (self.loc - self.scale.pow(2)).exp()

    @property
    def variance(self) -> Tensor:
        """``(exp(scale^2) - 1) * exp(2 loc + scale^2)``."""
        s2 = self.scale.pow(2)
        return s2.expm1() * (2 * self.loc + s2).exp()

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        return self.base_dist.sample(sample_shape).exp()

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``exp`` of the base normal's rsample: differentiable in ``loc`` and ``scale``."""
        return self.base_dist.rsample(sample_shape).exp()

    def log_prob(self, value: Any) -> Tensor:
        """The normal log-density of ``log(value)`` minus ``log(value)`` (the change of variables)."""
        y = self._checked(value, self.loc).log()
        return self.base_dist.log_prob(y) - y

    def cdf(self, value: Any) -> Tensor:
        """The base normal's cdf at ``log(value)`` (0 at 0: validating, only the log is checked)."""
        return self.base_dist.cdf(as_tensor(value, self.loc).log())

    def icdf(self, value: Any) -> Tensor:
        """``exp`` of the base normal's icdf."""
        return self.base_dist.icdf(value).exp()

    def entropy(self) -> Tensor:
        """The base normal's entropy plus ``loc``."""
        return self.base_dist.entropy() + self.loc

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: loc and scale are read from the base Normal

    def __repr__(self) -> str:
        return Distribution.__repr__(self)
