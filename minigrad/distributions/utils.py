"""The helpers of ``torch.distributions.utils``: broadcasting parameters, probabilities <-> logits,
a lazily computed property, and lower-triangular matrices <-> vectors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.autograd import enable_grad
from minigrad.distributions.distribution import broadcast_all
from minigrad.errors import InvalidParameterError
from minigrad.factories import empty
from minigrad.tensor import Tensor, cat, from_numpy

__all__ = ["broadcast_all", "clamp_probs", "euler_constant", "lazy_property", "logits_to_probs",
           "probs_to_logits", "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060


def _sum_rightmost(value: Any, dim: int) -> Any:
    """``value`` summed over its rightmost ``dim`` dims (``value`` itself when ``dim`` is 0), as
    PyTorch's private helper that flow libraries (zuko) import from here."""
    return value.reshape(*value.shape[:value.ndim - dim], -1).sum(-1) if dim > 0 else value


def _standard_normal(shape: Any, dtype: Any, device: Any) -> Tensor:
    """A tensor of ``shape`` drawn from N(0, 1) (``dtype`` None: the default dtype), as PyTorch's
    private helper that libraries (gpytorch's MultivariateNormal) import from here: the draw is
    ``empty(shape).normal_()``, so it reads the global stream as PyTorch's does."""
    return empty(shape, dtype=dtype, device=device).normal_()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """``sigmoid(logits)`` (``is_binary``) or ``softmax(logits, -1)``."""
    return logits.sigmoid() if is_binary else logits.softmax(-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """``probs`` clamped into [eps, 1 - eps] of its dtype (so their logs are finite)."""
    eps = float(np.finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """``log p - log1p(-p)`` (``is_binary``) or ``log p``, of the clamped probabilities."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


class lazy_property:  # noqa: N801 (PyTorch's name)
    """A property computed on first access (with grad enabled, so the cached value keeps its graph)
    and then stored on the instance; on the class it returns itself."""

    def __init__(self, wrapped: Callable[[Any], Any]) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance: Any, obj_type: Any = None) -> Any:
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _tril_index(n: int, diag: int) -> np.ndarray:
    rows, cols = np.tril_indices(n, diag)
    return rows * n + cols


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries on and below diagonal ``diag`` of (a batch of) n x n matrices, in row order.
    Raises ValueError for ``diag`` outside [-n, n - 1]."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise InvalidParameterError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    flat = mat.reshape(*mat.shape[:-2], n * n)
    return flat[..., from_numpy(_tril_index(n, diag))]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of :func:`tril_matrix_to_vec`: n x n lower-triangular matrices (zeros above diagonal
    ``diag``). Raises ValueError when the length is not that of such a triangle."""
    m = vec.shape[-1]
    n_float = (-(1 + 2 * diag) + math.sqrt((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1))) / 2
    n = round(n_float)
    if abs(n - n_float) > float(np.finfo(vec.dtype).eps) or len(_tril_index(n, diag)) != m:
        raise InvalidParameterError(f"The size of last dimension is {m} which cannot be expressed as the "
                                    "lower triangular part of a square D x D matrix.")
    where_from = np.full(n * n, m)  # entry m is the appended zero
    where_from[_tril_index(n, diag)] = np.arange(m)
    padded = cat([vec, vec.new_zeros((*vec.shape[:-1], 1))], -1)
    return padded[..., from_numpy(where_from)].reshape(*vec.shape[:-1], n, n)
