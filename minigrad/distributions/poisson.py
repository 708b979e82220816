"""The Poisson distribution."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.dtypes import require_float_kernel
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """Poisson(rate, validate_args=None), as ``torch.distributions.Poisson``: counts k >= 0 with
    probability ``rate^k exp(-rate) / k!``.

    Samples are counts in ``rate``'s dtype (no rsample). Raises ValueError (validating) when
    ``rate`` is negative, or for a ``log_prob`` value that is not a non-negative integer.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``rate``."""
        return self.rate

    @property
    def mode(self) -> Tensor:
        """``floor(rate)``."""
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        """``rate``."""
        return self.rate

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Counts of shape ``sample_shape + batch_shape`` (floats), without gradient."""
        shape = self._extended_shape(sample_shape)
        require_float_kernel("poisson_cpu", self.rate.dtype)  # an integer rate: PyTorch's NotImplementedError
        with no_grad():
            lam = np.broadcast_to(self.rate.numpy(force=True), shape)
        return from_numpy(_draws.poisson(default_generator, np.array(lam)))

    def log_prob(self, value: Any) -> Tensor:
        """``value * log(rate) - rate - lgamma(value + 1)``."""
        v = self._checked(value, self.rate)
        return v.xlogy(self.rate) - self.rate - (v + 1).lgamma()

    def _param_names(self) -> tuple[str, ...]:
        return ("rate",)


    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.rate.log(),)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        (x,) = natural_params
        out: Tensor = x.exp()
        return out
