"""Products of several matrices and vectors, as PyTorch's: ``linalg.vecdot``, ``linalg.matrix_power``,
``linalg.multi_dot``, ``linalg.matrix_rank`` and the ``torch.*`` forms ``matrix_power``, ``chain_matmul``
and ``cross`` (whose ``dim`` defaults to the first dim of size 3).

All are compositions of matmul, inverse, sum and the singular values, so their gradients come from the
graph; ``linalg`` re-exports the first four.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

import numpy as np

from minigrad import linalg, matrix_ops
from minigrad._tensor_methods import provide
from minigrad.errors import DTypeError, InvalidParameterError, ShapeError
from minigrad.tensor import Tensor, from_numpy, where

__all__ = ["chain_matmul", "cross", "matrix_power"]


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of the vectors along ``dim`` of x and y (batch dims broadcast): sum(x * y, dim).

    Raises:
        DTypeError: an integer or bool input (PyTorch's RuntimeError).
        ShapeError: the shapes do not broadcast.
    """
    for t in (x, y):
        if t.dtype.kind != "f":
            raise DTypeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                             f"{t.dtype}")
    return (x * y).sum(dim)


def _square_any(fn: str, a: Tensor) -> Tensor:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{fn}: A must be batches of square matrices, but they are of shape {a.shape}")
    return a


def matrix_power(A: Tensor, n: int) -> Tensor:  # noqa: N803 - PyTorch's name
    """A^n for each square matrix of A (..., m, m) by repeated squaring: the identity for n = 0, the
    inverse's power for n < 0 (float A only); differentiable (n = 0 gives a zero gradient, as PyTorch's).

    Raises:
        ShapeError: A is not a batch of square matrices.
        LinAlgError: n < 0 and a matrix is singular.
    """
    a = _square_any("linalg.matrix_power", A)
    if n == 0:
        eye = from_numpy(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype.type), a.shape).copy())
        return where(True, eye, a)  # PyTorch copies the identity into A's clone: a zero gradient to A
    if n < 0:
        a, n = linalg.inv(a), -n
    out: Tensor | None = None
    while True:  # binary powering: at most 2 log2(n) products
        if n & 1:
            out = a if out is None else out @ a
        n >>= 1
        if not n:
            assert out is not None
            return out
        a = a @ a


def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of a chain of 2-D matrices, the first and last of which may be 1-D (a row and a
    column vector, dropped from the result's shape), in the cheapest order, as ``torch.linalg.multi_dot``.

    Raises:
        InvalidParameterError: fewer than two tensors (PyTorch's RuntimeError).
        ShapeError: a middle tensor that is not 2-D, or neighbours whose sizes do not match.
    """
    ts = list(tensors)
    if len(ts) < 2:
        raise InvalidParameterError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].ndim == 1, ts[-1].ndim == 1
    mats = [ts[0].unsqueeze(0) if first_vec else ts[0], *ts[1:-1],
            ts[-1].unsqueeze(1) if last_vec else ts[-1]]
    for i, m in enumerate(mats):
        if m.ndim != 2:
            raise ShapeError(f"multi_dot(): tensor {i} must be 2D but got {ts[i].ndim}D")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ShapeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {tuple(ts[i].shape)} and "
                             f"{tuple(ts[i + 1].shape)} cannot be multiplied")
    out = _chain(mats)
    if first_vec:
        out = out.squeeze(0)
    return out.squeeze(-1) if last_vec else out


def _chain(mats: list[Tensor]) -> Tensor:
    """The product in the order of fewest scalar multiplications (the textbook dynamic program)."""
    dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    k = len(mats)
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j], split[i][j] = min((cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1], s)
                                          for s in range(i, j))

    def product(i: int, j: int) -> Tensor:
        return mats[i] if i == j else product(i, split[i][j]) @ product(split[i][j] + 1, j)

    return product(0, k - 1)


def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of 2-D matrices (``torch.chain_matmul``, deprecated in PyTorch in favour of
    ``linalg.multi_dot``: warns); one matrix is returned as a copy.

    Raises:
        ShapeError: a tensor that is not 2-D, or neighbours whose sizes do not match.
    """
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.", UserWarning, stacklevel=2)
    for i, m in enumerate(matrices):
        if m.ndim != 2:
            raise ShapeError(f"chain_matmul(): tensor {i} must be 2D but got {m.ndim}D")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)


def matrix_rank(A: Tensor, *, atol: float | Tensor | None = None,  # noqa: N803
                rtol: float | Tensor | None = None, hermitian: bool = False,
                tol: float | Tensor | None = None) -> Tensor:
    """The number of singular values of each matrix of A (..., m, n) above max(atol, rtol * s_max), as
    int64 (...,); the tolerances default as :func:`minigrad.linalg.pinv`'s. ``hermitian`` reads A's lower
    triangle as a symmetric matrix (|eigenvalues|); PyTorch's legacy ``tol`` is ``atol`` with rtol 0.

    Raises:
        ShapeError: A has fewer than 2 dims (or is not square with ``hermitian``).
        InvalidParameterError: an integer A, or ``tol`` with ``atol`` or ``rtol``.
    """
    if tol is not None:
        if atol is not None or rtol is not None:
            raise InvalidParameterError("linalg.matrix_rank: tol cannot be combined with atol or rtol")
        atol, rtol = tol, 0.0
    a = linalg._square("matrix_rank", A) if hermitian else linalg._matrix("matrix_rank", A)
    s = (linalg.eigvalsh(a).abs() if hermitian else linalg.svdvals(a)).numpy()
    at, rt = linalg._tolerances(a, atol, rtol)
    smax = s.max(axis=-1, initial=0.0)
    limit = np.maximum(at, rt * smax)
    return from_numpy((s > limit[..., None]).sum(axis=-1).astype(np.int64))


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """``torch.cross``: :func:`minigrad.linalg.cross` along ``dim``; without ``dim``, along the first dim
    of size 3 of the broadcast shape (deprecated in PyTorch: warns).

    Raises:
        ShapeError: no dim of size 3, or ``dim``'s size is not 3.
    """
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
                      "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
                      "change to agree with that of linalg.cross in a future release.", UserWarning,
                      stacklevel=2)
        shape = np.broadcast_shapes(input.shape, other.shape)
        dim = next((i for i, size in enumerate(shape) if size == 3), None)
        if dim is None:
            raise ShapeError(f"no dimension of size 3 in input: {tuple(shape)}")
    return matrix_ops.cross(input, other, dim)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
