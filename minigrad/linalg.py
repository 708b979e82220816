"""``minigrad.linalg``, PyTorch's ``torch.linalg``: norms, the cross product, inverse, determinants, solve
and the decompositions (Cholesky, QR, SVD, symmetric eigen).

The norms are compositions; the matrix functions are primitives in ``minigrad.ops``
(``Inv``, ``Det``, ``LogAbsDet``, ``Solve``, ``Cholesky``, ``QR``, ``SVD``, ``Eigh``)
with PyTorch's gradient formulas, batched over leading dims. Decompositions return
named tuples with PyTorch's field names (``Q, R``, ``U, S, Vh``, ``eigenvalues,
eigenvectors``, ``sign, logabsdet``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from minigrad import ops
from minigrad._kernels import quiet
from minigrad.dtypes import DTypeLike, resolve_dtype
from minigrad.errors import DimensionError, InvalidParameterError, LinAlgError, ShapeError, UnsupportedError
from minigrad.matrix_ops import cross
from minigrad.nn.functional.vector import vector_norm as _vector_norm
from minigrad.reductions import norm as _norm
from minigrad.tensor import Tensor, from_numpy, where

__all__ = [
    "LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "matrix_norm", "norm", "pinv", "qr",
    "slogdet", "solve", "svd", "svdvals", "vector_norm",
]  # fmt: skip


class QRResult(NamedTuple):
    """``linalg.qr``'s result."""

    Q: Tensor
    R: Tensor


class SVDResult(NamedTuple):
    """``linalg.svd``'s result."""

    U: Tensor
    S: Tensor
    Vh: Tensor


class EighResult(NamedTuple):
    """``linalg.eigh``'s result."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class SlogdetResult(NamedTuple):
    """``linalg.slogdet``'s result."""

    sign: Tensor
    logabsdet: Tensor


def _square(fn: str, a: Tensor) -> Tensor:
    """``a`` if it is a batch of square float matrices (an int tensor is refused, as PyTorch)."""
    if not isinstance(a, Tensor):
        raise TypeError(f"linalg.{fn}: expected a Tensor, got {type(a).__name__}")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"linalg.{fn}: A must be batches of square matrices, but they are of shape "
                         f"{a.shape}")
    return _floating(fn, a)


def _floating(fn: str, a: Tensor) -> Tensor:
    if a.dtype.kind != "f":
        raise InvalidParameterError(f"linalg.{fn}: expected a floating point tensor, got {a.dtype}")
    return a


def _matrix(fn: str, a: Tensor) -> Tensor:
    if a.ndim < 2:
        raise ShapeError(f"linalg.{fn}: the input tensor A must have at least 2 dimensions, got shape "
                         f"{a.shape}")
    return _floating(fn, a)


def inv(A: Tensor) -> Tensor:  # noqa: N803 - PyTorch's name
    """The inverse of each square matrix of A (..., n, n).

    Raises:
        ShapeError: A is not a batch of square matrices.
        LinAlgError: a matrix is singular.
    """
    return ops.Inv.apply(_square("inv", A))


def det(A: Tensor) -> Tensor:  # noqa: N803
    """The determinant of each square matrix of A (..., n, n) -> (...)."""
    return ops.Det.apply(_square("det", A))


def slogdet(A: Tensor) -> SlogdetResult:  # noqa: N803
    """(sign, log|det|) of each square matrix: det = sign * exp(logabsdet), without overflow.

    The sign is a constant (no gradient); a singular matrix gives (0, -inf).
    """
    a = _square("slogdet", A)
    sign = from_numpy(np.asarray(quiet(np.linalg.slogdet, a.numpy())[0], dtype=a.dtype))
    return SlogdetResult(sign, ops.LogAbsDet.apply(a))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803
    """X with A X = B (``left=False``: X A = B). B is (..., n, k), or (..., n) a batch of vectors when its
    shape is A's without the last dim (or when it is 1-D), as PyTorch decides.

    Raises:
        ShapeError: A not square, or B does not fit it.
        LinAlgError: a matrix of A is singular.
    """
    a = _square("solve", A)
    b = _floating("solve", B)
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if not left:
        if vector:
            raise ShapeError(f"linalg.solve: vector broadcasting of the left hand side is not supported for "
                             f"left=False (A {a.shape}, B {b.shape}); it is B / A.squeeze(-1)")
        return solve(a.mT, b.mT).mT
    bm = b.unsqueeze(-1) if vector else b
    if bm.ndim < 2 or bm.shape[-2] != a.shape[-1]:
        raise ShapeError(f"linalg.solve: incompatible shapes of A {a.shape} and B {b.shape}")
    try:
        np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    except ValueError:
        raise ShapeError(f"linalg.solve: the batch dims of A {a.shape} and B {b.shape} do not "
                         "broadcast") from None
    x = ops.Solve.apply(a, bm)
    return x.squeeze(-1) if vector else x


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:  # noqa: N803
    """L with A = L L^T (lower), or U = L^T with ``upper=True``, for symmetric positive-definite A.

    Raises:
        LinAlgError: a matrix is not positive definite.
    """
    lower = ops.Cholesky.apply(_square("cholesky", A))
    return lower.mT if upper else lower


def qr(A: Tensor, mode: str = "reduced") -> QRResult:  # noqa: N803
    """Q, R with A = Q R, Q orthonormal columns, R upper triangular (LAPACK's signs, as PyTorch).

    Only ``mode='reduced'`` is supported (Q (..., m, k), R (..., k, n), k = min(m, n)); the gradient needs
    m >= n, as PyTorch's.

    Raises:
        UnsupportedError: another mode.
    """
    if mode != "reduced":
        raise UnsupportedError(f"linalg.qr: only mode='reduced' is supported by minigrad, got mode={mode!r}")
    a = _matrix("qr", A)
    m, n = a.shape[-2:]
    k = min(m, n)
    return QRResult(*ops.unpack(ops.QR.apply(a), ((m, k), (k, n))))


def svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None) -> SVDResult:  # noqa: N803
    """U, S, Vh with A = U diag(S) Vh, S descending. Only the reduced form (``full_matrices=False``)
    is supported; PyTorch's default True raises, since its extra columns of U/Vh have no gradient.

    The gradient is PyTorch's, valid for distinct (non-zero) singular values and a loss that does not
    depend on the singular vectors' signs.

    Raises:
        UnsupportedError: ``full_matrices=True`` on a non-square matrix.
    """
    a = _matrix("svd", A)
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        raise UnsupportedError("linalg.svd: full_matrices=True is not supported by minigrad for non-square "
                               f"input {a.shape}; pass full_matrices=False")
    k = min(m, n)
    u, s, vh = ops.unpack(ops.SVD.apply(a), ((m, k), (k, 1), (k, n)))
    return SVDResult(u, s.squeeze(-1), vh)


def svdvals(A: Tensor) -> Tensor:  # noqa: N803
    """The singular values of A, descending: (..., min(m, n))."""
    return svd(A, full_matrices=False).S


def eigh(A: Tensor, UPLO: str = "L") -> EighResult:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric A (its ``UPLO`` triangle read).

    The gradient is PyTorch's, valid for distinct eigenvalues and a loss that does not depend on the
    eigenvectors' signs.
    """
    if UPLO not in ("L", "U"):
        raise InvalidParameterError(f"linalg.eigh: UPLO must be 'L' or 'U', got UPLO={UPLO!r}")
    a = _square("eigh", A)
    if UPLO == "U":
        a = a.mT  # numpy reads the lower triangle; the upper one is the transpose's lower
    n = a.shape[-1]
    w, q = ops.unpack(ops.Eigh.apply(a), ((n, 1), (n, n)))
    return EighResult(w.squeeze(-1), q)


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of symmetric A, ascending."""
    return eigh(A, UPLO).eigenvalues


def pinv(A: Tensor, *, atol: float | None = None, rtol: float | None = None,  # noqa: N803
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse, V diag(1/s) U^T over the singular values above the cutoff
    max(atol, rtol * s_max) (rtol defaults to eps * max(m, n) when atol is not given, as PyTorch)."""
    a = _matrix("pinv", A)
    u, s, vh = svd(a, full_matrices=False)
    eps = float(np.finfo(a.dtype).eps)
    rt = (eps * max(a.shape[-2:]) if atol is None else 0.0) if rtol is None else rtol
    smax = s.numpy().max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros((*s.shape[:-1], 1))
    cutoff = np.maximum(0.0 if atol is None else atol, rt * smax)
    keep = s.numpy() > cutoff
    s_inv = where(keep, 1 / where(keep, s, 1.0), 0.0)
    return vh.mT @ (s_inv.unsqueeze(-1) * u.mT)


# ------------------------------------------------------------------ norms


def vector_norm(x: Tensor, ord: float = 2, dim: int | Sequence[int] | None = None,  # noqa: A002
                keepdim: bool = False, *, dtype: DTypeLike = None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over ``dim`` (all elements if None); ord may be inf, -inf or 0 (non-zeros).

    Gradients as PyTorch's, including 0 at zero entries and where the norm is 0.

    Raises:
        InvalidParameterError: ord not a number, or an integer input without a float ``dtype``.
    """
    if isinstance(ord, str) or not isinstance(ord, (int, float)) or isinstance(ord, bool):
        raise InvalidParameterError(f"linalg.vector_norm: ord must be a number, got ord={ord!r}")
    if dtype is not None:
        x = x.astype(resolve_dtype(dtype))
    if x.dtype.kind != "f":
        raise InvalidParameterError(f"linalg.vector_norm: expected a floating point input, got {x.dtype}")
    if ord < 0 and x.numel() == 0:
        raise ShapeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor")
    return _norm(x, ord, dim, keepdim)  # main's hardened p-norm (minigrad.reductions.norm)


def _two_dims(fn: str, a: Tensor, dim: Sequence[int]) -> tuple[int, int]:
    if len(dim) != 2:
        raise InvalidParameterError(f"linalg.{fn}: dim must be a 2-tuple, got dim={tuple(dim)!r}")
    d0, d1 = (d + a.ndim if d < 0 else d for d in dim)
    if not (0 <= d0 < a.ndim and 0 <= d1 < a.ndim):
        raise DimensionError(f"linalg.{fn}: dim {tuple(dim)} out of range for a tensor of {a.ndim} dims")
    if d0 == d1:
        raise InvalidParameterError(f"linalg.{fn}: dims must be different, got dim={tuple(dim)!r}")
    return d0, d1


def matrix_norm(A: Tensor, ord: float | str = "fro", dim: tuple[int, int] = (-2, -1),  # noqa: A002, N803
                keepdim: bool = False, *, dtype: DTypeLike = None) -> Tensor:
    """A matrix norm over the two dims ``dim``: 'fro' (sqrt of the sum of squares), 'nuc' (sum of the
    singular values), inf / -inf (max / min row sum of |a|), 1 / -1 (max / min column sum), 2 / -2
    (largest / smallest singular value).

    Raises:
        InvalidParameterError: another ord, or dims that are not two different dims.
        ShapeError: A has fewer than 2 dims.
    """
    if dtype is not None:
        A = A.astype(resolve_dtype(dtype))  # noqa: N806
    a = _matrix("matrix_norm", A)
    d0, d1 = _two_dims("matrix_norm", a, dim)
    if ord == "fro":
        return _vector_norm(a, 2.0, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(a.ndim) if d not in (d0, d1)]
        s = svdvals(a.permute(*rest, d0, d1))
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            for d in sorted((d0, d1)):
                out = out.unsqueeze(d)
        return out
    if ord in (math.inf, -math.inf, 1, -1):
        summed, reduced = (d1, d0) if ord in (math.inf, -math.inf) else (d0, d1)
        sums = a.abs().sum(summed, keepdim=True)
        out = sums.amax(reduced, keepdim=True) if ord > 0 else sums.amin(reduced, keepdim=True)
        return out if keepdim else out.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    raise InvalidParameterError(f"linalg.matrix_norm: order {ord!r} not supported")


def norm(A: Tensor, ord: float | str | None = None, dim: int | Sequence[int] | None = None,  # noqa: A002, N803
         keepdim: bool = False, *, dtype: DTypeLike = None) -> Tensor:
    """A vector or matrix norm, by PyTorch's rules: an int dim (or a 1-tuple) is a vector norm, a 2-tuple a
    matrix norm; with dim=None, ord=None is the 2-norm of all elements, else A must be 1-D (vector) or 2-D
    (matrix).

    Raises:
        InvalidParameterError: a string ord for a vector norm, or ord given for an input of 3+ dims
            without dim.
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dims = tuple(dim)
        if len(dims) == 1:
            if isinstance(ord, str):
                raise InvalidParameterError(f"linalg.norm: ord={ord!r} needs a 2-tuple dim (a matrix norm)")
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)  # type: ignore[arg-type]
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 1 and not isinstance(ord, str):
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    raise InvalidParameterError(
        f"linalg.norm: if dim is not given, the input must be 1D or 2D, got shape {A.shape} with ord={ord!r}")


_ = (LinAlgError, cross)  # re-exported: torch.linalg.LinAlgError, and main's cross (matrix_ops)
