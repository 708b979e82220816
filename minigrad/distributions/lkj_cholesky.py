"""The LKJ distribution over Cholesky factors of correlation matrices."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.dirichlet import Beta
from minigrad.distributions.distribution import Distribution, Shape, as_tensor, broadcast_all
from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """LKJCholesky(dim, concentration=1.0, validate_args=None): lower Cholesky factors L of dim x dim
    correlation matrices with density proportional to ``det(L L^T) ** (concentration - 1)``, as PyTorch's.
    ``sample`` is the onion method with PyTorch's draws (Beta, then normals), so seeded samples agree;
    no ``rsample``.

    Raises:
        ValueError: dim < 2, or (validating) a non-positive concentration.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0, validate_args: bool | None = None) -> None:
        if dim < 2:
            raise InvalidParameterError(f"Expected dim to be an integer greater than or equal to 2. Found "
                                        f"dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal = self.concentration + 0.5 * (dim - 2)
        offset = np.concatenate([[0.0], np.arange(dim - 1)]).astype(self.concentration.dtype)
        self._beta = Beta(from_numpy(offset + 0.5), marginal.unsqueeze(-1) - from_numpy(0.5 * offset))
        super().__init__(self.concentration.shape, (dim, dim), validate_args)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Cholesky factors of shape ``sample_shape + batch_shape + (dim, dim)``."""
        with no_grad():
            y = self._beta.sample(sample_shape).numpy(force=True)[..., None]
        shape = self._extended_shape(sample_shape)
        u = np.tril(_draws.normal(default_generator, shape, 0.0, 1.0, y.dtype), -1)
        with np.errstate(invalid="ignore"):
            u = u / np.linalg.norm(u, axis=-1, keepdims=True)
        u[..., 0, :] = 0.0
        w = np.sqrt(y) * u
        diag = np.sqrt(np.maximum(1 - (w**2).sum(-1), np.finfo(w.dtype).tiny))
        return from_numpy((w + diag[..., None] * np.eye(self.dim, dtype=w.dtype)).astype(y.dtype))

    def log_prob(self, value: Any) -> Tensor:
        """``sum_i (2 (c - 1) + dim - i) log L_ii`` (i = 2..dim) minus the normalizer."""
        v = as_tensor(value, self.concentration)
        if self._validate_args:
            self._validate_sample(v)
        diag = v.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - from_numpy(
            np.arange(2, self.dim + 1).astype(v.dtype))
        unnormalized = (order * diag.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalizer = 0.5 * dm1 * math.log(math.pi) + (alpha - 0.5).mvlgamma(dm1) - alpha.lgamma() * dm1
        return unnormalized - normalizer

    def _param_names(self) -> tuple[str, ...]:
        return ("concentration",)
