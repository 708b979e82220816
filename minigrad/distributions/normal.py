"""The normal (Gaussian) distribution."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, as_tensor, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.dtypes import require_float_kernel
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Normal"]


class Normal(ExponentialFamily):
    """Normal(loc, scale, validate_args=None), as ``torch.distributions.Normal``.

    ``loc`` and ``scale`` (Tensors or numbers) broadcast to ``batch_shape``.
    ``rsample`` is ``loc + eps * scale`` with standard-normal ``eps`` from the
    global generator, so gradients reach both parameters. Raises ValueError
    (validating) when ``scale`` is not positive.
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
        """``scale``."""
        return self.scale

    @property
    def variance(self) -> Tensor:
        """``scale ** 2``."""
        return self.scale.pow(2)

    def _eps(self, sample_shape: Shape | int) -> Tensor:
        shape = self._extended_shape(sample_shape)
        require_float_kernel("normal_kernel_cpu", self.loc.dtype)  # integer parameters: PyTorch's error
        return from_numpy(_draws.normal(default_generator, shape, 0.0, 1.0, self.loc.dtype))

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``loc + eps * scale``: differentiable in ``loc`` and ``scale``."""
        return self.loc + self._eps(sample_shape) * self.scale

    def log_prob(self, value: Any) -> Tensor:
        """``-(value - loc)^2 / (2 scale^2) - log(scale) - log(sqrt(2 pi))``."""
        var = self.scale**2
        sq = (self._checked(value, self.loc) - self.loc) ** 2
        return -sq / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value: Any) -> Tensor:
        """``(1 + erf((value - loc) / (scale sqrt 2))) / 2``."""
        z = (self._checked(value, self.loc) - self.loc) * (1 / self.scale) / math.sqrt(2)
        return 0.5 * (1 + z.erf())

    def icdf(self, value: Any) -> Tensor:
        """The inverse cdf: ``loc + scale * erfinv(2 value - 1) * sqrt(2)``."""
        return self.loc + self.scale * (2 * as_tensor(value, self.loc) - 1).erfinv() * math.sqrt(2)

    def entropy(self) -> Tensor:
        """``1/2 + log(2 pi)/2 + log(scale)``."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    def _param_names(self) -> tuple[str, ...]:
        return ("loc", "scale")

    _mean_carrier_measure = 0.0

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        x, y = natural_params
        out: Tensor = -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()
        return out
