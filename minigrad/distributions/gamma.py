"""The gamma distribution."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Gamma"]


class Gamma(Distribution):
    """Gamma(concentration, rate, validate_args=None), as ``torch.distributions.Gamma``: density
    ``rate^c x^(c-1) exp(-rate x) / Gamma(c)`` on x > 0.

    ``log_prob``, ``entropy`` and the moments are differentiable in both parameters; ``sample`` draws
    from the global generator. ``rsample`` (PyTorch's implicit reparameterization) is not implemented.

    Raises:
        ValueError: (validating) a non-positive parameter.
    """

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, (), validate_args)
        with no_grad():
            ok = bool(np.all(self.concentration.numpy() > 0)) and bool(np.all(self.rate.numpy() > 0))
        self._check(ok, f"parameters must be positive, got concentration={self.concentration}, "
                        f"rate={self.rate}")

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
        shape = self._extended_shape(sample_shape)
        with no_grad():
            c = np.broadcast_to(self.concentration.numpy(), shape)
            r = np.broadcast_to(self.rate.numpy(), shape)
        # PyTorch's: standard gamma draws (its sampler, draw for draw) divided by the rate
        dtype = self.concentration.dtype
        g = _draws.gamma(default_generator, np.ascontiguousarray(c)) / r.astype(dtype)
        return from_numpy(np.maximum(g, np.finfo(dtype).tiny).astype(dtype))

    def log_prob(self, value: Any) -> Tensor:
        """``c log(rate) + (c - 1) log(value) - rate value - lgamma(c)``."""
        x = as_tensor(value, self.rate)
        c, r = self.concentration, self.rate
        return c.xlogy(r) + (c - 1).xlogy(x) - r * x - c.lgamma()

    def entropy(self) -> Tensor:
        """``c - log(rate) + lgamma(c) + (1 - c) digamma(c)``."""
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1 - c) * c.digamma()

    def _param_names(self) -> tuple[str, ...]:
        return ("concentration", "rate")
