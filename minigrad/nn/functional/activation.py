"""Activation functions: elementwise nonlinearities and the softmax family."""

from __future__ import annotations

import numpy as np

from minigrad.nn import _checks
from minigrad.nn.functional._constant import constant
from minigrad.tensor import Tensor, from_numpy, where

__all__ = ["gelu", "log_softmax", "relu", "sigmoid", "softmax", "tanh"]


def relu(input: Tensor) -> Tensor:  # noqa: A002
    """max(x, 0), elementwise."""
    return _checks.tensor("relu", input).relu()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """x * Phi(x) (exact) or its tanh approximation; InvalidParameterError for another ``approximate``."""
    return _checks.tensor("gelu", input).gelu(approximate)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent, elementwise."""
    return _checks.tensor("tanh", input).tanh()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + exp(-x)), elementwise and overflow-free."""
    return _checks.tensor("sigmoid", input).sigmoid()


def softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along ``dim``."""
    return _checks.tensor("softmax", input).softmax(dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along ``dim``."""
    return _checks.tensor("log_softmax", input).log_softmax(dim)


def _log1p(e: Tensor) -> Tensor:
    """log(1 + e) for e >= 0 to full precision, composed from log, add and div.

    u = 1 + e rounds away the low bits of e; log(u) * e / (u - 1) restores
    them exactly (Goldberg's trick), and where u == 1, log1p(e) == e.
    The denominator is made non-zero there so the unused branch's gradient
    stays finite.
    """
    u = e + 1
    d = u - 1
    tiny = from_numpy(d.numpy() == 0)
    safe = where(tiny, constant(1.0, e.dtype), d)
    return where(tiny, e, u.log() * (e / safe))


def _softplus(z: Tensor) -> Tensor:
    """log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), with derivative sigmoid(z) also at z = 0."""
    # constant masks (sign(0) taken as +1) instead of relu/abs, whose gradient at 0 is 0
    pos = z.numpy() >= 0
    sign = constant(np.where(pos, 1.0, -1.0), z.dtype)
    # where, not z * mask: -inf * 0 would make softplus(-inf) nan instead of 0
    return where(from_numpy(pos), z, constant(0.0, z.dtype)) + _log1p((-(z * sign)).exp())
