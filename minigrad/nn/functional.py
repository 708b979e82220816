"""nn.functional: the math of the layers, as functions of Tensors.

Every function here is a composition of Tensor operations, so gradients come
from the autograd engine; modules in ``minigrad.nn`` hold state and call these.
"""

from __future__ import annotations

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.tensor import Tensor, matmul

__all__ = ["dropout", "gelu", "linear", "log_softmax", "relu", "sigmoid", "softmax", "tanh"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """y = input @ weight.T + bias; input (*, in), weight (out, in), bias (out,) -> (*, out).

    Raises:
        ShapeError: the last dim of input differs from weight's in_features.
    """
    out = matmul(input, weight.T)
    return out if bias is None else out + bias


def relu(input: Tensor) -> Tensor:  # noqa: A002
    """max(x, 0), elementwise."""
    return input.relu()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """x * Phi(x) (exact) or its tanh approximation; InvalidParameterError for another ``approximate``."""
    return input.gelu(approximate)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent, elementwise."""
    return input.tanh()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + exp(-x)), elementwise and overflow-free."""
    return input.sigmoid()


def softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along ``dim``."""
    return input.softmax(dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along ``dim``."""
    return input.log_softmax(dim)


def _check_p(p: object) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or not 0 <= p < 1:
        raise InvalidParameterError(f"dropout probability p must be a number with 0 <= p < 1, got p={p!r}")
    return float(p)


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    The mask is drawn from minigrad's seeded generator (``mg.manual_seed``
    reproduces it). With ``training=False`` or ``p == 0`` the input is
    returned unchanged. Output has the input's shape and dtype.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1).
    """
    p = _check_p(p)
    if not training or p == 0.0:
        return input
    dt = input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)
    u = default_generator.np.random(input.shape, dtype=dt)
    keep = u >= p
    # mask / (1-p) in the input's dtype, as PyTorch computes it; reuse u's memory
    np.divide(keep, dt.type(1.0 - p), out=u, casting="unsafe")
    return input * Tensor._wrap(u)
