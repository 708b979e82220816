"""The continuous uniform distribution on [low, high)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.dtypes import require_float_kernel
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Uniform"]


class Uniform(Distribution):
    """Uniform(low, high, validate_args=None), as ``torch.distributions.Uniform``.

    ``low`` and ``high`` broadcast to ``batch_shape``; ``rsample`` is
    ``low + u * (high - low)``, differentiable in both. ``log_prob`` is
    ``-log(high - low)`` inside [low, high) and -inf outside. Raises ValueError
    (validating) unless low < high, or for a ``log_prob`` value outside [low, high].
    """

    has_rsample = True

    @property
    def arg_constraints(self) -> dict[str, Any]:  # type: ignore[override]
        """``low < high``, as PyTorch's."""
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:
        """The set the samples lie in: [low, high]."""
        return constraints.interval(self.low, self.high)

    def __init__(self, low: Any, high: Any, validate_args: bool | None = None) -> None:
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``(low + high) / 2``."""
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        """Every point is a mode: nan, as PyTorch."""
        return from_numpy(np.full(self._batch_shape, np.nan, dtype=self.low.dtype))

    @property
    def stddev(self) -> Tensor:
        """``(high - low) / sqrt(12)``."""
        return (self.high - self.low) / 12**0.5

    @property
    def variance(self) -> Tensor:
        """``(high - low)^2 / 12``."""
        return (self.high - self.low).pow(2) / 12

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``low + u * (high - low)`` with u uniform in [0, 1) from the global generator."""
        shape = self._extended_shape(sample_shape)
        require_float_kernel("check_uniform_bounds", self.low.dtype)  # integer bounds: PyTorch's error
        u = from_numpy(_draws.uniform(default_generator, shape, 0.0, 1.0, self.low.dtype))
        return self.low + u * (self.high - self.low)

    def log_prob(self, value: Any) -> Tensor:
        """``log(1[low <= value < high]) - log(high - low)``."""
        v = self._checked(value, self.low)
        inside = ((self.low <= v) & (self.high > v)).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def cdf(self, value: Any) -> Tensor:
        """``(value - low) / (high - low)`` clamped to [0, 1]."""
        return ((self._checked(value, self.low) - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value: Any) -> Tensor:
        """``low + value * (high - low)``."""
        return as_tensor(value, self.low) * (self.high - self.low) + self.low

    def entropy(self) -> Tensor:
        """``log(high - low)``."""
        return (self.high - self.low).log()

    def _param_names(self) -> tuple[str, ...]:
        return ("low", "high")
