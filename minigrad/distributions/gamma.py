"""The gamma distribution."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from minigrad import _draws, ops
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, as_tensor, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.dtypes import require_float_kernel
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Gamma"]


class Gamma(ExponentialFamily):
    """Gamma(concentration, rate, validate_args=None), as ``torch.distributions.Gamma``: density
    ``rate^c x^(c-1) exp(-rate x) / Gamma(c)`` on x > 0.

    ``log_prob``, ``entropy`` and the moments are differentiable in both parameters; ``sample`` draws
    from the global generator; ``rsample`` is the same draw with PyTorch's implicit reparameterization
    gradient (the ``ReparamGamma`` primitive: dx/dc from the quantile held fixed, exact to ~1e-11 where
    PyTorch's approximation is ~1e-4).

    Raises:
        ValueError: (validating) a non-positive parameter.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"concentration": constraints.positive,
                                                 "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``concentration / rate``."""
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        """``(concentration - 1) / rate``, at least 0."""
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        """``concentration / rate^2``."""
        return self.concentration / self.rate.pow(2)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape`` (at least the dtype's tiny), without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Standard gamma draws (PyTorch's sampler, draw for draw) divided by the rate, at least the
        dtype's tiny; differentiable in both parameters (implicit reparameterization)."""
        shape = self._extended_shape(sample_shape)
        c = self.concentration.expand(tuple(shape))
        require_float_kernel("gamma_cpu", c.dtype)  # an integer concentration: PyTorch's error
        with no_grad():
            x = _draws.gamma(default_generator, np.array(c.numpy(force=True)))
        value = ops.ReparamGamma.apply(c, from_numpy(x)) / self.rate.expand(tuple(shape))
        # PyTorch clamps the values in place through a detached alias: not recorded, the result a DivBackward0
        value.detach().clamp_(min=float(np.finfo(value.dtype).tiny))
        return value

    def log_prob(self, value: Any) -> Tensor:
        """``c log(rate) + (c - 1) log(value) - rate value - lgamma(c)``."""
        x = as_tensor(value, self.rate)
        if self._validate_args:
            self._validate_sample(x)
        c, r = self.concentration, self.rate
        return c.xlogy(r) + (c - 1).xlogy(x) - r * x - c.lgamma()

    def entropy(self) -> Tensor:
        """``c - log(rate) + lgamma(c) + (1 - c) digamma(c)``."""
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1 - c) * c.digamma()

    def _param_names(self) -> tuple[str, ...]:
        return ("concentration", "rate")

    def cdf(self, value: Any) -> Tensor:
        """``P(concentration, rate * value)``, the regularized lower incomplete gamma."""
        x = as_tensor(value, self.rate)
        if self._validate_args:
            self._validate_sample(x)
        return self.concentration.igamma(self.rate * x)

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        x, y = natural_params
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()

    @property
    def _mean_carrier_measure(self) -> float:
        return 0.0
