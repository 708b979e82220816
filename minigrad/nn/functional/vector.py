"""Vector norms and what is built on them: ``normalize``, ``cosine_similarity``, ``pairwise_distance``.

``vector_norm`` composes the p-norm so that its gradient matches PyTorch's
``linalg.vector_norm`` also where it is not differentiable: an entry equal to
0 and a norm equal to 0 get gradient 0 (instead of the 0 * inf = nan a plain
``sum(|x| ** p) ** (1 / p)`` would give).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from minigrad import ops
from minigrad.dtypes import scalar_type_name
from minigrad.errors import DTypeError, InvalidParameterError, MinigradError, ShapeError, bool_args
from minigrad.nn import _checks
from minigrad.nn.functional._constant import constant
from minigrad.nn.functional._grad_names import named
from minigrad.reductions import _no_identity_message
from minigrad.shapes import size_mismatch
from minigrad.tensor import Tensor, result_type, where

__all__ = ["cosine_similarity", "normalize", "pairwise_distance", "pdist", "vector_norm"]


def vector_norm(x: Tensor, p: float = 2.0, dim: int | Sequence[int] | None = None,
                keepdim: bool = False) -> Tensor:
    """(sum |x| ** p) ** (1 / p) over ``dim`` (all dims if None); p may be inf, -inf or 0 (non-zeros).

    Gradients as PyTorch's: 0 at zero entries (p > 0) and where the norm is 0;
    for p = +-inf the gradient is shared evenly among the extreme entries.
    """
    dims = None if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    if x.dtype.kind != "f":
        x = x.astype(np.float32)
    if x.dtype == np.float16:  # PyTorch's half norms accumulate in float32 and round once (no overflow)
        return vector_norm(x.astype(np.float32), p, dim, keepdim).astype(np.float16)
    if p == 2:  # (before |x|: x * x needs no abs pass)
        powered = x * x
    elif math.isinf(p):
        return x.abs().amax(dims, keepdim=keepdim) if p > 0 else x.abs().amin(dims, keepdim=keepdim)
    elif p == 0:
        # the count of non-zeros, in the graph with no gradient (PyTorch's leaves .grad None)
        counted = np.count_nonzero(x.numpy(force=True), axis=dims, keepdims=keepdim)
        return ops.Undefined.apply(x, value=np.asarray(counted, dtype=x.dtype))
    elif p == 1:
        return x.abs().sum(dims, keepdim=keepdim)
    else:
        a = x.abs()
        # |x| ** p with 0 ** p kept out of the graph: its derivative p * 0 ** (p - 1) is inf for p < 1
        # (0 ** p is inf for p < 0: the norm of a vector holding a 0 is then 0, as PyTorch's)
        nonzero = x.numpy(force=True) != 0
        powered = where(nonzero, where(nonzero, a, 1.0) ** p, 0.0 if p > 0 else math.inf)
    total = powered.sum(dims, keepdim=keepdim)
    positive = total.numpy(force=True) != 0  # (NaN included: its norm is NaN, as PyTorch's)
    # the root of 0 is 0 with gradient 0, as PyTorch's norm backward masks norm == 0
    root = where(positive, total, 1.0) ** (0.5 if p == 2 else 1.0 / p)
    return where(positive, root, 0.0)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,  # noqa: A002
              out: None = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``: unit p-norm vectors (the zero vector stays zero).

    Raises:
        InvalidParameterError: ``p`` or ``eps`` is not a number.
        DTypeError: an integer or bool input (PyTorch's norm refuses it).
        MinigradError: a negative or infinite p over an empty dim (no identity, PyTorch's RuntimeError).
    """
    norm_p = _checks.number("p", p)
    e = _checks.number("eps", eps)
    x = _checks.tensor("normalize", input)
    if x.dtype.kind not in "fc":
        raise DTypeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                         f"{scalar_type_name(x.dtype)}")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if (norm_p < 0 or norm_p == math.inf) and any(-x.ndim <= d < x.ndim and x.shape[d] == 0 for d in dims):
        raise MinigradError(_no_identity_message(norm_p, dim, x.shape))  # (PyTorch's norm: no identity)
    return x / vector_norm(x, norm_p, dim, keepdim=True).clamp(min=e)


def _broadcast(fn: str, x1: Tensor, x2: Tensor) -> tuple[Tensor, Tensor]:
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"{size_mismatch(x1.shape, x2.shape)} ({fn}: the shapes of x1 {x1.shape} and x2 "
                         f"{x2.shape} do not broadcast)") from None
    return x1.expand(tuple(shape)), x2.expand(tuple(shape))


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along ``dim``, after broadcasting x1 and x2.

    As in PyTorch, the clamp to ``eps`` changes the norms' values but not their
    gradients (it is applied outside the graph).

    Raises:
        ShapeError: x1 and x2 do not broadcast.
        InvalidParameterError: a negative ``eps`` (PyTorch's RuntimeError; also a ValueError).
    """
    e = _checks.number("eps", eps)
    if e < 0:  # (a negative floor would divide by a norm clamped below zero: PyTorch's RuntimeError)
        raise InvalidParameterError(f"eps must be non-negative, got: {eps} (cosine_similarity)")
    if not isinstance(dim, (int, np.integer)):  # (None would reduce every dim: PyTorch's parser refuses it)
        raise TypeError(f"cosine_similarity(): argument 'dim' must be int, not {type(dim).__name__}")
    dim = int(dim)
    x1, x2 = _checks.tensor("cosine_similarity", x1, "x1"), _checks.tensor("cosine_similarity", x2, "x2")
    # PyTorch: an integer (or bool) input takes the inputs' common dtype (a 0-d one counts less), which must
    # be a float; two float inputs keep theirs, and their product (once broadcast) promotes in full
    common = result_type(x1, x2)
    if common.kind != "f":
        raise DTypeError(f"expected common dtype to be floating point, yet common dtype is "
                         f"{scalar_type_name(common)}")
    a, b = _broadcast("cosine_similarity", x1 if x1.dtype.kind == "f" else x1.astype(common),
                      x2 if x2.dtype.kind == "f" else x2.astype(common))

    def unit(v: Tensor) -> Tensor:
        n = vector_norm(v, 2.0, dim, keepdim=True)
        clamped = np.maximum(n.numpy(force=True), e)
        return v / (n + constant(clamped - n.numpy(force=True), n.dtype))  # value clamped, gradient n's

    return (unit(a) * unit(b)).sum(dim)


@bool_args("keepdim")
def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim: (N, D), (N, D) -> (N,) (the shapes broadcast).

    Raises:
        ShapeError: x1 and x2 do not broadcast.
    """
    norm_p = _checks.number("p", p)
    e = _checks.number("eps", eps)
    a = _checks.tensor("pairwise_distance", x1, "x1")
    b = _checks.tensor("pairwise_distance", x2, "x2")
    _broadcast("pairwise_distance", a, b)
    diff = a - b + e
    out = vector_norm(diff, norm_p, max(a.ndim, b.ndim) - 1 if diff.ndim else None, keepdim=keepdim)
    return named(out, "NormBackward1")  # (PyTorch's norm op)


def pdist(input: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The p-norm distances between all pairs of rows i < j of an (N, M) input, in row-major order:
    N (N - 1) / 2 values.

    As ``vector_norm`` of the row differences (gradient 0 where two rows are equal).

    Raises:
        ShapeError: input is not 2-D.
        InvalidParameterError: p negative or not a number.
    """
    x = _checks.tensor("pdist", input)
    if x.ndim != 2:
        raise ShapeError(f"pdist only supports 2D tensors, got: {x.ndim}D (shape {x.shape})")
    norm_p = _checks.number("p", p)
    if not norm_p >= 0:
        raise InvalidParameterError(f"pdist only supports non-negative p values, got p={p!r}")
    i, j = np.triu_indices(x.shape[0], k=1)
    diff = x[i] - x[j]
    # (p = 0 counts the non-zeros: the gradient is zeros, PyTorch's pdist backward's, unlike norm's none)
    return named(diff.abs().sign().sum(1) if norm_p == 0 else vector_norm(diff, norm_p, 1), "PdistBackward0")
