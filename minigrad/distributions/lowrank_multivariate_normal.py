"""The multivariate normal with a low-rank-plus-diagonal covariance ``W W^T + diag(D)``."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws, linalg
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor
from minigrad.distributions.multivariate_normal import mahalanobis
from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["LowRankMultivariateNormal"]


def _eye_like(n: int, like: Tensor) -> Tensor:
    return from_numpy(np.eye(n, dtype=like.dtype))


class LowRankMultivariateNormal(Distribution):
    """LowRankMultivariateNormal(loc, cov_factor, cov_diag, validate_args=None), as PyTorch's: covariance
    ``W W^T + diag(D)`` for ``cov_factor`` W (..., n, m) and ``cov_diag`` D (..., n). ``log_prob`` and
    ``entropy`` use the m x m capacitance ``I + W^T D^-1 W`` (Woodbury and the matrix determinant
    lemma); ``rsample`` is ``loc + W eps_W + sqrt(D) eps_D`` with PyTorch's normal draws in that order.

    Raises:
        ValueError: loc is 0-d, cov_factor is not (..., n, m), cov_diag is not (..., n), or the batch
            shapes do not broadcast; (validating) a non-positive cov_diag entry.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {
        "loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
        "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True
    _assigned: dict[str, Tensor] = {}  # noqa: RUF012 (never changed in place: a setter replaces it)

    def __init__(self, loc: Any, cov_factor: Any, cov_diag: Any, validate_args: bool | None = None) -> None:
        loc_t, factor, diag = as_tensor(loc), as_tensor(cov_factor), as_tensor(cov_diag)
        loc, cov_factor, cov_diag = loc_t, factor, diag
        if loc.ndim < 1:
            raise InvalidParameterError("loc must be at least one-dimensional.")
        n = loc.shape[-1]
        if cov_factor.ndim < 2:
            raise InvalidParameterError("cov_factor must be at least two-dimensional, with optional leading "
                                        "batch dimensions")
        if cov_factor.shape[-2] != n:
            raise InvalidParameterError(f"cov_factor must be a batch of matrices with shape {n} x m")
        if cov_diag.shape[-1:] != (n,):
            raise InvalidParameterError(f"cov_diag must be a batch of vectors with shape ({n},)")
        try:
            full = np.broadcast_shapes((*loc.shape, 1), cov_factor.shape, (*cov_diag.shape, 1))
        except ValueError as e:
            raise InvalidParameterError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor "
                                        f"{cov_factor.shape}, cov_diag {cov_diag.shape}") from e
        self.cov_factor: Tensor = factor.expand(tuple(full))
        self.loc: Tensor = loc_t.expand(tuple(full[:-1]))
        self.cov_diag: Tensor = diag.expand(tuple(full[:-1]))
        self._unbroadcasted_cov_factor: Tensor = factor
        self._unbroadcasted_cov_diag: Tensor = diag
        self._unbroadcasted_capacitance_tril = self._capacitance(factor, diag)
        super().__init__(full[:-2], (n,), validate_args)

    @staticmethod
    def _capacitance(w: Tensor, d: Tensor) -> Tensor:
        wt_dinv = w.mT / d.unsqueeze(-2)
        return linalg.cholesky(wt_dinv @ w + _eye_like(w.shape[-1], w))

    @property
    def _capacitance_tril(self) -> Tensor:
        return self._unbroadcasted_capacitance_tril

    def _log_det(self) -> Tensor:
        tril = self._capacitance_tril
        out: Tensor = (2 * tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
                       + self._unbroadcasted_cov_diag.log().sum(-1))
        return out

    def _full(self, t: Tensor) -> Tensor:
        n = self._event_shape[0]
        return t.expand(*self._batch_shape, n, n)

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
        """The covariance diagonal ``sum(W^2, -1) + D``."""
        if "variance" in self._assigned:
            return self._assigned["variance"]
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (w.pow(2).sum(-1) + d).expand((*self._batch_shape, *self._event_shape))

    @variance.setter
    def variance(self, value: Tensor) -> None:
        self._assigned = {**self._assigned, "variance": value}

    @property
    def covariance_matrix(self) -> Tensor:
        """``W W^T + diag(D)``."""
        if "covariance_matrix" in self._assigned:
            return self._assigned["covariance_matrix"]
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return self._full(w @ w.mT + d.diag_embed())

    @covariance_matrix.setter
    def covariance_matrix(self, value: Tensor) -> None:
        self._assigned = {**self._assigned, "covariance_matrix": value}

    @property
    def precision_matrix(self) -> Tensor:
        """``diag(1/D) - A^T A`` with ``A = C^-1 W^T D^-1`` (Woodbury; C the capacitance's Cholesky)."""
        if "precision_matrix" in self._assigned:
            return self._assigned["precision_matrix"]
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        a = linalg.solve_triangular(self._capacitance_tril, w.mT / d.unsqueeze(-2), upper=False)
        return self._full(d.reciprocal().diag_embed() - a.mT @ a)

    @precision_matrix.setter
    def precision_matrix(self, value: Tensor) -> None:
        self._assigned = {**self._assigned, "precision_matrix": value}

    @property
    def scale_tril(self) -> Tensor:
        """The Cholesky factor of the covariance: ``sqrt(D) cholesky(I + D^-1/2 W W^T D^-1/2)``."""
        if "scale_tril" in self._assigned:
            return self._assigned["scale_tril"]
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        sd = d.sqrt().unsqueeze(-1)
        k = w / sd
        return self._full(sd * linalg.cholesky(k @ k.mT + _eye_like(self._event_shape[0], w)))

    @scale_tril.setter
    def scale_tril(self, value: Tensor) -> None:
        self._assigned = {**self._assigned, "scale_tril": value}

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape + (n,)``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``loc + W eps_W + sqrt(D) eps_D``."""
        shape = self._extended_shape(sample_shape)
        dtype = self.loc.dtype
        eps_w = from_numpy(_draws.normal(default_generator, (*shape[:-1], self.cov_factor.shape[-1]), 0.0,
                                         1.0, dtype))
        eps_d = from_numpy(_draws.normal(default_generator, shape, 0.0, 1.0, dtype))
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return self.loc + (w @ eps_w.unsqueeze(-1)).squeeze(-1) + d.sqrt() * eps_d

    def log_prob(self, value: Any) -> Tensor:
        """``-(n log(2 pi) + log det + Mahalanobis) / 2`` by Woodbury."""
        v = as_tensor(value, self.loc)
        if self._validate_args:
            self._validate_sample(v)
        diff = v - self.loc
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        wt_dinv_x = ((w.mT / d.unsqueeze(-2)) @ diff.unsqueeze(-1)).squeeze(-1)
        m = (diff.pow(2) / d).sum(-1) - mahalanobis(self._capacitance_tril, wt_dinv_x)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + m)

    def entropy(self) -> Tensor:
        """``(n (1 + log(2 pi)) + log det) / 2``."""
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return h.expand(tuple(self._batch_shape))

    def _param_names(self) -> tuple[str, ...]:
        return ("loc", "cov_factor", "cov_diag")
