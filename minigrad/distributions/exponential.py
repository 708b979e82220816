"""The exponential distribution."""

from __future__ import annotations

from typing import Any, ClassVar

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, as_tensor, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.random import default_generator
from minigrad.sampling import check_continuous
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Exponential"]


class Exponential(ExponentialFamily):
    """Exponential(rate, validate_args=None), as ``torch.distributions.Exponential``: density
    ``rate * exp(-rate * x)`` on x >= 0.

    ``rsample`` is ``e / rate`` with a standard exponential ``e`` from the global generator,
    differentiable in ``rate``. Raises ValueError (validating) when ``rate`` is not positive.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``1 / rate``."""
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        """Zero."""
        return self.rate * 0

    @property
    def stddev(self) -> Tensor:
        """``1 / rate``."""
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        """``rate ** -2``."""
        return self.rate.pow(-2)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``e / rate`` with e standard exponential: differentiable in ``rate``."""
        shape = self._extended_shape(sample_shape)
        check_continuous("Exponential", self.rate.dtype)  # an integer rate: PyTorch's error
        e = from_numpy(_draws.exponential(default_generator, shape, 1.0, self.rate.dtype))
        return e / self.rate

    def log_prob(self, value: Any) -> Tensor:
        """``log(rate) - rate * value``."""
        return self.rate.log() - self.rate * self._checked(value, self.rate)

    def cdf(self, value: Any) -> Tensor:
        """``1 - exp(-rate * value)``."""
        return 1 - (-self.rate * self._checked(value, self.rate)).exp()

    def icdf(self, value: Any) -> Tensor:
        """``-log(1 - value) / rate``."""
        return -(-as_tensor(value, self.rate)).log1p() / self.rate

    def entropy(self) -> Tensor:
        """``1 - log(rate)``."""
        return 1.0 - self.rate.log()

    def _param_names(self) -> tuple[str, ...]:
        return ("rate",)

    _mean_carrier_measure = 0.0

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (-self.rate,)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        (x,) = natural_params
        out: Tensor = -(-x).log()
        return out
