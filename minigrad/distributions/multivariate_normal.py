"""The multivariate normal distribution, parameterized by a covariance, precision or Cholesky factor."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws, linalg
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor
from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["MultivariateNormal"]


def mahalanobis(scale_tril: Tensor, diff: Tensor) -> Tensor:
    """``|L^-1 diff|^2`` over the last dim, batch dims broadcast (PyTorch's ``_batch_mahalanobis``).

    Only L's lower triangle is read (a triangular solve), so entries above it get no gradient.
    """
    shape = np.broadcast_shapes(scale_tril.shape[:-2], diff.shape[:-1])
    k = diff.shape[-1]
    if diff.dtype != scale_tril.dtype:  # (PyTorch's triangular solve works in L's dtype)
        diff = diff.to(scale_tril.dtype)
    solved = linalg.solve(scale_tril.tril().expand(*shape, k, k), diff.expand(*shape, k).unsqueeze(-1))
    return solved.squeeze(-1).pow(2).sum(-1)


class MultivariateNormal(Distribution):
    """MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
    validate_args=None), as ``torch.distributions.MultivariateNormal``.

    ``loc`` (..., k) and exactly one of the (..., k, k) matrices broadcast to ``batch_shape``;
    ``event_shape`` is (k,). The lower Cholesky factor L of the covariance drives everything:
    ``rsample`` is ``loc + L eps`` (differentiable), ``log_prob`` uses ``|L^-1 (x - loc)|^2`` and
    ``sum(log diag L)``.

    Raises:
        ValueError: ``loc`` is 0-d, not exactly one matrix is given, a matrix is not at least 2-D, or
            (validating) the covariance/precision is not positive definite.
    """

    has_rsample = True
    arg_constraints: ClassVar[dict[str, Any]] = {
        "loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    # defaults for subclasses that set loc / _unbroadcasted_scale_tril without this __init__ (gpytorch's lazy
    # MultivariateNormal does; PyTorch computes its matrices lazily): no matrix given, none shown yet
    _given = ""
    _shown: frozenset[str] = frozenset()
    _assigned: dict[str, Tensor] = {}  # noqa: RUF012 (never changed in place: _assign replaces it)

    @property
    def support(self) -> constraints.Constraint:
        """The set the samples lie in: real vectors."""
        return constraints.real_vector

    def __init__(self, loc: Any, covariance_matrix: Any = None, precision_matrix: Any = None,
                 scale_tril: Any = None, validate_args: bool | None = None) -> None:
        loc = as_tensor(loc)
        if loc.ndim < 1:
            raise InvalidParameterError("loc must be at least one-dimensional.")
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise InvalidParameterError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        matrix = as_tensor(given[0], loc)
        if matrix.ndim < 2:
            name = ("covariance_matrix" if covariance_matrix is not None else
                    "precision_matrix" if precision_matrix is not None else "scale_tril")
            raise InvalidParameterError(f"{name} must be at least two-dimensional, with optional leading "
                                        "batch dimensions")
        batch = np.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        k = loc.shape[-1]
        # the parameters are validated once stored (PyTorch's messages name them), before the Cholesky
        super().__init__(batch, (k,), False)
        if validate_args is None:
            del self._validate_args  # (the class-wide default again)
        else:
            self._validate_args = validate_args
        self.loc: Tensor = loc.expand(*batch, k)
        self._unbroadcasted_scale_tril: Tensor = matrix
        self._given = ("covariance_matrix" if covariance_matrix is not None else
                       "precision_matrix" if precision_matrix is not None else "scale_tril")
        self._unbroadcasted_matrix = matrix
        self._shown = frozenset({self._given})  # the matrices repr lists: given or computed (lazily cached)
        for name in ("covariance_matrix", "precision_matrix", "scale_tril"):  # the given one is validated
            setattr(self, "_" + name, matrix if name == self._given else None)
        if self._validate_args:
            self._validate_params()
        if scale_tril is None:
            cov = matrix if covariance_matrix is not None else linalg.inv(matrix)
            self._unbroadcasted_scale_tril = linalg.cholesky(cov)

    @property
    def scale_tril(self) -> Tensor:
        """The lower Cholesky factor of the covariance, shape ``batch_shape + (k, k)``."""
        self._shown = self._shown | {"scale_tril"}
        if "scale_tril" in self._assigned:
            return self._assigned["scale_tril"]
        return self._full(self._unbroadcasted_scale_tril)

    @scale_tril.setter
    def scale_tril(self, value: Tensor) -> None:
        self._assign("scale_tril", value)

    def _full(self, m: Tensor) -> Tensor:
        return m.expand((*self._batch_shape, *self._event_shape, *self._event_shape))

    @property
    def covariance_matrix(self) -> Tensor:
        """The covariance (the given one, else ``L L^T``), shape ``batch_shape + (k, k)``."""
        self._shown = self._shown | {"covariance_matrix"}
        if "covariance_matrix" in self._assigned:
            return self._assigned["covariance_matrix"]
        if self._given == "covariance_matrix":
            return self._full(self._unbroadcasted_matrix)
        lt = self._unbroadcasted_scale_tril
        return self._full(lt @ lt.mT)

    @covariance_matrix.setter
    def covariance_matrix(self, value: Tensor) -> None:
        self._assign("covariance_matrix", value)

    @property
    def precision_matrix(self) -> Tensor:
        """The inverse covariance (the given one, else from L's lower triangle), ``batch_shape + (k, k)``."""
        self._shown = self._shown | {"precision_matrix"}
        if "precision_matrix" in self._assigned:
            return self._assigned["precision_matrix"]
        if self._given == "precision_matrix":
            return self._full(self._unbroadcasted_matrix)
        lt = self._unbroadcasted_scale_tril.tril()
        return self._full(linalg.inv(lt @ lt.mT))

    @precision_matrix.setter
    def precision_matrix(self, value: Tensor) -> None:
        self._assign("precision_matrix", value)

    def _assign(self, name: str, value: Tensor) -> None:
        """PyTorch's matrices are lazy properties cached on the instance, so one can be assigned (botorch's
        ``mvn.covariance_matrix *= -1``): it reads back the value given; nothing else changes."""
        self._shown = self._shown | {name}
        self._assigned = {**self._assigned, name: value}

    @property
    def mean(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def mode(self) -> Tensor:
        """``loc``."""
        return self.loc

    @property
    def variance(self) -> Tensor:
        """The covariance's diagonal: the row sums of ``L ** 2``."""
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand((*self._batch_shape, *self._event_shape))

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape + (k,)``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``loc + L eps`` with standard-normal eps: differentiable in loc and the matrix."""
        shape = self._extended_shape(sample_shape)
        eps = from_numpy(_draws.normal(default_generator, shape, 0.0, 1.0, self.loc.dtype))
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Any) -> Tensor:
        """``-(k log(2 pi) + |L^-1 (value - loc)|^2) / 2 - sum(log diag L)``."""
        diff = self._checked(value, self.loc) - self.loc
        m = mahalanobis(self._unbroadcasted_scale_tril, diff)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self) -> Tensor:
        """``k (1 + log(2 pi)) / 2 + sum(log diag L)``, shape ``batch_shape``."""
        h = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h.expand(tuple(self._batch_shape)) if self._batch_shape else h

    def _param_names(self) -> tuple[str, ...]:
        matrices = ("covariance_matrix", "precision_matrix", "scale_tril")
        return ("loc", *(k for k in matrices if k in self._shown))
