"""``torch.linalg.solve_triangular``, ``lstsq`` and ``matrix_exp``, and ``torch.cholesky_solve``:
compositions of the linalg primitives (``solve``, ``pinv``) and matmuls, so their gradients are
PyTorch's (a triangular solve's gradient stays on the triangle it reads).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.tensor import Tensor, from_numpy

__all__ = ["LstsqResult", "cholesky_solve", "lstsq", "matrix_exp", "solve_triangular"]


class LstsqResult(NamedTuple):
    """``linalg.lstsq``'s result."""

    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


def _eye_like(a: Tensor) -> Tensor:
    return from_numpy(np.eye(a.shape[-1], dtype=a.dtype))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,  # noqa: N803 - PyTorch's names
                     unitriangular: bool = False) -> Tensor:
    """X with A X = B (``left=False``: X A = B) for triangular A (..., n, n): only its upper (``upper``)
    or lower triangle is read, and its diagonal taken as ones with ``unitriangular``. B is (..., n, k).

    Raises:
        ShapeError: B has fewer than 2 dims, or A is not square or does not fit B.
    """
    from minigrad import linalg

    if B.ndim < 2:
        raise ShapeError("torch.linalg.solve_triangular: The input tensor B must have at least 2 "
                         f"dimensions, got shape {B.shape}")
    t = A.triu() if upper else A.tril()
    if unitriangular:
        t = t - t.diagonal(dim1=-2, dim2=-1).diag_embed() + _eye_like(A)
    return linalg.solve(t, B, left=left)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """X with A X = B for A = L L^T (``upper``: A = U^T U) given its Cholesky factor, as
    ``torch.cholesky_solve``; differentiable in B and L."""
    from minigrad import linalg

    a = L.mT @ L if upper else L @ L.mT
    return linalg.solve(a, B)


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *,  # noqa: N803
          driver: str | None = None) -> LstsqResult:
    """The least-squares solution X of A X = B for A (..., m, n), B (..., m, k) or (..., m), computed
    as pinv(A) B (its gradient too). As PyTorch's CPU drivers: ``rank`` is A's numerical rank
    (relative tolerance ``rcond``, default eps * max(m, n)) except for 'gels'; ``residuals`` (squared
    column norms of A X - B) and ``singular_values`` only with 'gelsd'/'gelss', residuals only when
    m > n and A has full rank; empty tensors otherwise.

    Raises:
        InvalidParameterError: an unknown driver.
        ShapeError: A and B do not fit.
    """
    from minigrad import linalg

    drivers = ("gels", "gelsy", "gelsd", "gelss")
    if driver is not None and driver not in drivers:
        raise InvalidParameterError(f"torch.linalg.lstsq: parameter `driver` should be one of {drivers}, got "
                                    f"{driver!r}")
    drv = driver or "gelsy"
    vector = B.ndim == A.ndim - 1
    bm = B.unsqueeze(-1) if vector else B
    if A.ndim < 2 or bm.shape[-2] != A.shape[-2]:
        raise ShapeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), got A {A.shape} "
                         f"and B {B.shape}")
    m, n = A.shape[-2:]
    x = linalg.pinv(A) @ bm
    a = A.detach().numpy()
    tol = np.finfo(a.dtype).eps * max(m, n) if rcond is None else rcond
    s = np.linalg.svd(a, compute_uv=False) if a.size else np.zeros((*a.shape[:-2], 0), dtype=a.dtype)
    rank = (s > tol * s[..., :1]).sum(-1) if s.shape[-1] else np.zeros(a.shape[:-2], dtype=np.int64)
    empty = from_numpy(np.zeros(0, dtype=a.dtype))
    full = drv in ("gelsd", "gelss")
    residuals = empty
    if full and m > n and bool(np.all(rank == n)):
        residuals = (A @ x - bm).pow(2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    return LstsqResult(x.squeeze(-1) if vector else x, residuals,
                       empty.long() if drv == "gels" else from_numpy(np.asarray(rank, dtype=np.int64)),
                       from_numpy(s) if full else empty)


def matrix_exp(A: Tensor) -> Tensor:  # noqa: N803
    """The matrix exponential of square A (..., n, n): a degree-18 Taylor polynomial of A / 2^s (its
    1-norm at most 1/2) squared s times, accurate to the dtype's precision; differentiable.

    Raises:
        ShapeError: A is not square.
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"linalg.matrix_exp: A must be batches of square matrices, but they are "
                         f"{A.shape[-2:] if A.ndim >= 2 else A.shape} matrices")
    a = A if A.dtype.kind == "f" else A.double()
    norm = float(np.abs(a.detach().numpy()).sum(-2).max()) if a.numel() else 0.0
    s = max(0, math.ceil(math.log2(norm)) + 1) if norm > 0 else 0
    x = a / 2**s
    eye = _eye_like(a)
    term, result = eye, eye + 0 * x
    for k in range(1, 19):
        term = (term @ x) / k
        result = result + term
    for _ in range(s):
        result = result @ result
    return result  # type: ignore[no-any-return]
