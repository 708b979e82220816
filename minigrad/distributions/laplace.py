"""The Laplace (double exponential) distribution."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.dtypes import finfo
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Laplace"]


class Laplace(Distribution):
    """Laplace(loc, scale, validate_args=None), as ``torch.distributions.Laplace``: density
    ``exp(-|x - loc| / scale) / (2 scale)``.

    ``rsample`` is ``loc - scale * sign(u) * log(1 - |u|)`` with u uniform in (-1, 1) from the
    global generator, differentiable in both parameters. Raises ValueError (validating) when
    ``scale`` is not positive.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def mode(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def stddev(self) -> Tensor:
        """``sqrt(2) * scale``."""
        return math.sqrt(2) * self.scale

    @property
    def variance(self) -> Tensor:
        """``2 * scale ** 2``."""
        return 2 * self.scale.pow(2)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``loc - scale * sign(u) * log1p(-|u|)``, u uniform in (-1, 1)."""
        shape = self._extended_shape(sample_shape)
        dtype = self.loc.dtype
        lo = finfo(dtype).eps - 1  # (a TypeError for integer parameters, as PyTorch's)
        u = from_numpy(_draws.uniform(default_generator, shape, lo, 1.0, dtype))
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Any) -> Tensor:
        """``-log(2 scale) - |value - loc| / scale``."""
        return -(2 * self.scale).log() - (self._checked(value, self.loc) - self.loc).abs() / self.scale

    def cdf(self, value: Any) -> Tensor:
        """``1/2 - sign(value - loc) * expm1(-|value - loc| / scale) / 2``."""
        d = self._checked(value, self.loc) - self.loc
        return 0.5 - 0.5 * d.sign() * (-d.abs() / self.scale).expm1()

    def icdf(self, value: Any) -> Tensor:
        """``loc - scale * sign(value - 1/2) * log1p(-2 |value - 1/2|)``."""
        term = as_tensor(value, self.loc) - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        """``1 + log(2 scale)``."""
        return 1 + (2 * self.scale).log()

    def _param_names(self) -> tuple[str, ...]:
        return ("loc", "scale")
