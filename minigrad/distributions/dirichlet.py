"""The Dirichlet distribution over probability vectors, and the Beta distribution (its two-category case)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from minigrad import _draws, ops
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, as_tensor, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.dtypes import require_float_kernel
from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy, stack, where

__all__ = ["Beta", "Dirichlet"]


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration, validate_args=None), as ``torch.distributions.Dirichlet``: vectors on the
    simplex (``event_shape`` (K,)) with density proportional to ``prod(x_k ** (c_k - 1))``.

    ``log_prob``, ``entropy`` and the moments are differentiable in ``concentration``; ``sample`` draws
    PyTorch's numbers from the global generator. ``rsample`` is the same draw, normalized Gamma draws
    each carrying its implicit-reparameterization gradient (unbiased, like PyTorch's, though PyTorch
    differentiates the Dirichlet's own quantile, so the per-draw gradients differ).

    Raises:
        ValueError: a 0-d concentration, or (validating) a non-positive entry.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {
        "concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        c = as_tensor(concentration)
        if c.ndim < 1:
            raise InvalidParameterError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = c
        super().__init__(c.shape[:-1], c.shape[-1:], validate_args)

    @property
    def mean(self) -> Tensor:
        """``c / sum(c)``."""
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self) -> Tensor:
        """``(c - 1) / (sum(c) - K)`` clamped at 0 (PyTorch's formula, for every c > 1); where every c < 1,
        PyTorch's one-hot of the argmax of that 0/0 row: its first coordinate."""
        cm1 = (self.concentration - 1).clamp(min=0.0)
        mode = cm1 / cm1.sum(-1, keepdim=True)
        with no_grad():
            all_below = (self.concentration < 1).all(-1, keepdim=True)
        if not bool(all_below.any().item()):
            return mode
        first = from_numpy(np.eye(cm1.shape[-1], dtype=cm1.dtype)[0])
        return where(all_below, first, mode)

    @property
    def variance(self) -> Tensor:
        """``c (c0 - c) / (c0^2 (c0 + 1))`` with ``c0 = sum(c)``."""
        c0 = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (c0 - self.concentration) / (c0.pow(2) * (c0 + 1))

    has_rsample = True

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Probability vectors of shape ``sample_shape + batch_shape + (K,)``, without gradient."""
        shape = self._extended_shape(sample_shape)
        require_float_kernel("dirichlet", self.concentration.dtype)  # integer: PyTorch's error
        with no_grad():
            c = np.broadcast_to(self.concentration.numpy(force=True), shape)
        return from_numpy(_draws.dirichlet(default_generator, np.array(c)))

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """The draw of ``sample`` (the same numbers), differentiable in ``concentration`` by PyTorch's
        pathwise gradient (:class:`~minigrad.ops.ReparamDirichlet`)."""
        shape = self._extended_shape(sample_shape)
        c = self.concentration.expand(tuple(shape))
        require_float_kernel("dirichlet", c.dtype)  # an integer concentration: PyTorch's error
        with no_grad():
            x = _draws.dirichlet(default_generator, np.array(c.numpy(force=True)))
        return ops.ReparamDirichlet.apply(c, from_numpy(x))

    def log_prob(self, value: Any) -> Tensor:
        """``sum((c - 1) log x) + lgamma(sum(c)) - sum(lgamma(c))``."""
        x = self._checked(value, self.concentration)
        c = self.concentration
        return (c - 1).xlogy(x).sum(-1) + c.sum(-1).lgamma() - c.lgamma().sum(-1)

    def entropy(self) -> Tensor:
        """``sum(lgamma(c)) - lgamma(c0) - (K - c0) digamma(c0) - sum((c - 1) digamma(c))``."""
        c = self.concentration
        k, c0 = c.shape[-1], c.sum(-1)
        return c.lgamma().sum(-1) - c0.lgamma() - (k - c0) * c0.digamma() - ((c - 1) * c.digamma()).sum(-1)

    def _param_names(self) -> tuple[str, ...]:
        return ("concentration",)


    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.concentration,)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        (x,) = natural_params
        out: Tensor = x.lgamma().sum(-1) - x.sum(-1).lgamma()
        return out


class Beta(ExponentialFamily):
    """Beta(concentration1, concentration0, validate_args=None), as ``torch.distributions.Beta``: density
    proportional to ``x ** (c1 - 1) (1 - x) ** (c0 - 1)`` on (0, 1), computed as the Dirichlet of
    ``(c1, c0)``; ``rsample`` is the Dirichlet's first coordinate (see :class:`Dirichlet`).

    Raises:
        ValueError: (validating) a non-positive concentration.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"concentration1": constraints.positive,
                                                 "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(stack([self.concentration1, self.concentration0], -1), validate_args)
        super().__init__(self.concentration1.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``c1 / (c1 + c0)``."""
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self) -> Tensor:
        """The Dirichlet's mode in the first coordinate."""
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self) -> Tensor:
        """``c1 c0 / ((c1 + c0)^2 (c1 + c0 + 1))``."""
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    has_rsample = True

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Values in (0, 1) of shape ``sample_shape + batch_shape``, without gradient."""
        return self._dirichlet.sample(sample_shape)[..., 0]

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """The Dirichlet's reparameterized draw, first coordinate."""
        return self._dirichlet.rsample(sample_shape)[..., 0]

    def log_prob(self, value: Any) -> Tensor:
        """The Dirichlet log-density of ``(value, 1 - value)``."""
        x = self._checked(value, self.concentration1)
        return self._dirichlet.log_prob(stack([x, 1 - x], -1))

    def entropy(self) -> Tensor:
        """The Dirichlet's entropy."""
        return self._dirichlet.entropy()

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: the concentrations are read from the inner Dirichlet


    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        x, y = natural_params
        out: Tensor = x.lgamma() + y.lgamma() - (x + y).lgamma()
        return out
