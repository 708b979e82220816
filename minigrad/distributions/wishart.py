"""The Wishart distribution over positive-definite matrices."""

from __future__ import annotations

import math
import warnings
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws, linalg
from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, as_shape, as_tensor
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.distributions.location_scale import Chi2
from minigrad.errors import InvalidParameterError, _AssertedParameterError
from minigrad.linalg_functions import cholesky_solve
from minigrad.random import default_generator
from minigrad.tensor import Tensor, cat, from_numpy, where

__all__ = ["Wishart"]

_LOG_2 = math.log(2)


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    return (x.unsqueeze(-1) - from_numpy(np.arange(p, dtype=x.dtype) / 2)).digamma().sum(-1)


class Wishart(ExponentialFamily):
    """Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None), as
    PyTorch's: p x p positive-definite matrices ``X = sum of df outer products`` of N(0, Sigma) vectors,
    exactly one of the three matrices giving Sigma. ``rsample`` is Bartlett's decomposition with
    PyTorch's draws (chi-square diagonal, normal lower triangle), differentiable in df (implicit
    reparameterization) and the matrix; PyTorch's redraw of a singular sample is not made.

    Raises:
        AssertionError (also ValueError): not exactly one matrix.
        ValueError: a matrix of fewer than two dims, or df <= p - 1.
    """

    support = constraints.positive_definite
    has_rsample = True
    _lazy_params: ClassVar[tuple[str, ...]] = ("covariance_matrix", "precision_matrix", "scale_tril")
    _mean_carrier_measure = 0.0

    @property
    def arg_constraints(self) -> dict[str, Any]:  # type: ignore[override]
        """The matrices' constraints, and df > p - 1."""
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self._event_shape[-1] - 1)}

    def __init__(self, df: Any, covariance_matrix: Any = None, precision_matrix: Any = None,
                 scale_tril: Any = None, validate_args: bool | None = None) -> None:
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise _AssertedParameterError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        param = as_tensor(given[0])
        if param.ndim < 2:
            raise InvalidParameterError("scale_tril must be at least two-dimensional, with optional leading "
                                        "batch dimensions")
        df_t = as_tensor(df, param)
        batch = tuple(np.broadcast_shapes(param.shape[:-2], df_t.shape))
        p = param.shape[-1]
        self.df = df_t.expand(tuple(batch))
        with no_grad():
            too_small = bool((self.df.numpy(force=True) <= p - 1).any())
        if too_small:
            raise InvalidParameterError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        full = param.expand(*batch, p, p)
        if scale_tril is not None:
            self.scale_tril = full
            self._unbroadcasted_scale_tril = param
        elif covariance_matrix is not None:
            self.covariance_matrix = full
            self._unbroadcasted_scale_tril = linalg.cholesky(param)
        else:
            self.precision_matrix = full
            self._unbroadcasted_scale_tril = linalg.cholesky(linalg.inv(param))
        super().__init__(batch, (p, p), validate_args)
        ks = from_numpy(np.arange(p, dtype=param.dtype))
        self._chi2 = Chi2(self.df.unsqueeze(-1) - ks, validate_args=False)

    def __getattr__(self, name: str) -> Tensor:
        # the two matrices not given, computed from the Cholesky factor on first use
        lt: Tensor | None = self.__dict__.get("_unbroadcasted_scale_tril")
        if lt is None or name not in ("scale_tril", "covariance_matrix", "precision_matrix"):
            raise AttributeError(name)
        shape = (*self._batch_shape, *self._event_shape)
        if name == "scale_tril":
            value = lt.expand(tuple(shape))
        elif name == "covariance_matrix":
            value = (lt @ lt.mT).expand(tuple(shape))
        else:
            value = linalg.inv(lt @ lt.mT).expand(tuple(shape))
        self.__dict__[name] = value  # cached, as PyTorch's lazy property (its repr then lists it)
        return value

    def _df(self) -> Tensor:
        return self.df.reshape(*self._batch_shape, 1, 1)

    @property
    def mean(self) -> Tensor:
        """``df * Sigma``."""
        return self._df() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        """``(df - p - 1) Sigma``; nan where df <= p + 1."""
        factor = self._df() - self._event_shape[-1] - 1
        return where(factor > 0, factor, math.nan) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        """``df (Sigma_ij^2 + Sigma_ii Sigma_jj)``."""
        v = self.covariance_matrix
        d = v.diagonal(dim1=-2, dim2=-1)
        return self._df() * (v.pow(2) + d.unsqueeze(-1) * d.unsqueeze(-2))

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Matrices of shape ``sample_shape + batch_shape + (p, p)``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = (), max_try_correction: int | None = None) -> Tensor:
        """``(L A)(L A)^T`` with A lower triangular: sqrt of chi-square draws on the diagonal, standard
        normals below it (Bartlett). Then PyTorch's correction loop, drawing as many numbers as it does:
        its check marks the *valid* draws (any over the batch) as singular, so those are drawn again (with
        its "Singular sample detected." warning), up to ``max_try_correction`` (10) times while a redraw
        is not positive definite."""
        shape = as_shape(sample_shape)
        sample = self._bartlett_sampling(shape)
        batch_dims = tuple(range(-len(self._batch_shape), 0))
        with no_grad():
            valid = self.support.check(sample).numpy(force=True)
            redo = np.array(valid.any(batch_dims) if batch_dims else valid).reshape(-1)
        if not redo.any():
            return sample
        warnings.warn("Singular sample detected.", UserWarning, stacklevel=2)
        rest = sample.shape[len(shape):]
        flat = sample.reshape(-1, *rest)
        for _ in range(10 if max_try_correction is None else max_try_correction):
            where_redo = np.flatnonzero(redo)
            new = self._bartlett_sampling((len(where_redo),))
            index = np.arange(flat.shape[0])
            index[where_redo] = flat.shape[0] + np.arange(len(where_redo))
            flat = cat([flat, new], 0)[from_numpy(index)]
            with no_grad():
                singular = ~self.support.check(new).numpy(force=True)
                bad = singular.any(batch_dims) if batch_dims else singular
            redo[where_redo] = bad
            if not redo.any():
                break
        return flat.reshape((*shape, *rest))

    def _bartlett_sampling(self, shape: tuple[int, ...]) -> Tensor:
        p = self._event_shape[-1]
        diag = self._chi2.rsample(shape).sqrt()
        diag = diag.clamp(min=float(np.finfo(diag.dtype).eps))
        rows, cols = np.tril_indices(p, -1)
        below = np.zeros((*shape, *self._batch_shape, p, p), dtype=diag.dtype)
        below[..., rows, cols] = _draws.normal(default_generator, (*shape, *self._batch_shape, len(rows)),
                                               0.0, 1.0, diag.dtype)
        chol = self._unbroadcasted_scale_tril @ (diag.diag_embed() + from_numpy(below))
        return chol @ chol.mT

    def log_prob(self, value: Any) -> Tensor:
        """``-df (p log 2 / 2 + log det L) - mvlgamma(df/2, p) + (df - p - 1)/2 log det X -
        tr(Sigma^-1 X) / 2``."""
        x = as_tensor(value, self.df)
        if self._validate_args:
            self._validate_sample(x)
        nu, p = self.df, self._event_shape[-1]
        lt = self._unbroadcasted_scale_tril
        half_log_det = lt.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        trace = cholesky_solve(x, lt).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * (p * _LOG_2 / 2 + half_log_det) - (nu / 2).mvlgamma(p)
                + (nu - p - 1) / 2 * linalg.slogdet(x)[1] - trace / 2)

    def entropy(self) -> Tensor:
        """``(p + 1)(p log 2 / 2 + log det L) + mvlgamma(df/2, p) - (df - p - 1)/2 mvdigamma(df/2, p) +
        df p / 2``."""
        nu, p = self.df, self._event_shape[-1]
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return ((p + 1) * (p * _LOG_2 / 2 + half_log_det) + (nu / 2).mvlgamma(p)
                - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return -self.precision_matrix / 2, (self.df - self._event_shape[-1] - 1) / 2

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        x, y = natural_params
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-linalg.slogdet(-2 * x)[1] + _LOG_2 * p) + (y + (p + 1) / 2).mvlgamma(p)

    def _param_names(self) -> tuple[str, ...]:
        # PyTorch's: the matrix given and those computed so far (cached by __getattr__), then df
        return tuple(k for k in self.arg_constraints if isinstance(self.__dict__.get(k), Tensor))
