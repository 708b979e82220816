"""The ``torch.*`` forms of ``torch.linalg``'s functions: ``inverse``, ``det``, ``logdet``, ``slogdet``,
``cholesky``, ``pinverse``, ``norm``, ``matrix_power``, ``cross`` (whose ``dim`` defaults to the first dim of
size 3), ``chain_matmul``, the older ``svd`` (V, not Vh), ``qr`` (``some=``), ``triangular_solve``,
``matrix_exp``, ``lu`` / ``lu_unpack`` / ``lu_solve``, ``geqrf`` / ``ormqr``, and ``cholesky_solve`` /
``cholesky_inverse`` (also Tensor methods); and the functions PyTorch removed (``solve``, ``symeig``, ``eig``,
``lstsq``, ``matrix_rank``), which raise its RuntimeError naming their ``torch.linalg`` replacement."""

from __future__ import annotations

import sys
import warnings
from typing import Any, NamedTuple, NoReturn

import numpy as np

from minigrad import _kernels, linalg, reductions, return_types
from minigrad._tensor_methods import dim_aliases, provide
from minigrad.dtypes import kernel_error
from minigrad.errors import (
    InvalidParameterError,
    LinAlgError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    bool_args,
    public_stacklevel,
    user_stacklevel,
)
from minigrad.factories import randn
from minigrad.settings import warn_once_due
from minigrad.shapes import check_broadcast
from minigrad.tensor import Tensor, _named, from_numpy, where

__all__ = [
    "chain_matmul", "cholesky", "cholesky_inverse", "cholesky_solve", "cross", "det", "eig", "geqrf",
    "inverse", "logdet", "lstsq", "lu", "lu_solve", "lu_unpack", "matrix_exp", "matrix_power", "matrix_rank",
    "frobenius_norm", "norm", "nuclear_norm", "orgqr", "ormqr", "pca_lowrank", "pinverse", "qr", "slogdet",
    "solve",
    "svd", "svd_lowrank", "symeig",
    "triangular_solve",
]  # fmt: skip


@bool_args("keepdim")
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,  # noqa: A002
         dtype: Any = None) -> Tensor:
    """torch.norm: the p-norm over ``dim`` (:func:`minigrad.reductions.norm`: a number, inf, 'fro'), or
    with ``p='nuc'`` the nuclear norm of the matrices in the two dims ``dim`` (by default all dims: a
    2-d input's).

    Raises:
        InvalidParameterError: an unknown p, 'nuc' with dims that are not two different dims (without
            ``dim``, an input that is not 2-d), or 'fro' over more than two dims (PyTorch's
            matrix_norm error, a RuntimeError).
    """
    many_fro = p == "fro" and isinstance(dim, (list, tuple)) and len(dim) > 2
    if p == "nuc" or many_fro:
        x = input if dtype is None else input.to(dtype)
        # (one int dim: matrix_norm's 2-tuple error, not a TypeError)
        dims: Any = tuple(range(x.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
        return linalg.matrix_norm(x, p, dim=dims, keepdim=keepdim)
    return reductions.norm(input, p, dim, keepdim, dtype)


def _warn_once(name: str, message: str, here: bool = False) -> None:
    """Warn ``message`` at the user's call (``here``: at the caller's own line, where PyTorch's Python
    wrapper calls its kernel) the first time in the process, or every time under ``set_warn_always``
    (PyTorch's TORCH_WARN_ONCE)."""
    if warn_once_due(name):
        warnings.warn(message, UserWarning, stacklevel=2 if here else user_stacklevel())


def _deprecated(name: str, use: str) -> None:
    if warn_once_due(name):
        warnings.warn(f"at::{name} is deprecated and it is just left for JIT compatibility. It will be "
                      f"removed in a future PyTorch release. Please use `{use}` instead", UserWarning,
                      stacklevel=public_stacklevel(3))


@dim_aliases
@bool_args("keepdim")
def frobenius_norm(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The deprecated ATen form of ``linalg.vector_norm(input, 2, dim, keepdim)`` over at most two dims
    (warns once, as PyTorch).

    Raises:
        MinigradError: more than two dims; otherwise as :func:`minigrad.linalg.vector_norm`.
    """
    _deprecated("frobenius_norm", "linalg.vector_norm(A, 2., dim, keepdim)")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise MinigradError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions instead.")
    return linalg.vector_norm(input, 2, dims, keepdim)


def nuclear_norm(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The deprecated ATen form of ``linalg.matrix_norm(input, 'nuc', dim, keepdim)``, ``dim`` the last two
    dims by default; ``nuclear_norm(input, keepdim)`` also (warns once, as PyTorch).

    Raises:
        As :func:`minigrad.linalg.matrix_norm`.
    """
    _deprecated("nuclear_norm", "linalg.matrix_norm(A, 'nuc', dim, keepdim)")
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim): PyTorch's other overload
        dim, keepdim = None, dim
    return linalg.matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)


def inverse(input: Tensor) -> Tensor:  # noqa: A002
    """The inverse of each square matrix (torch.inverse); see :func:`minigrad.linalg.inv`."""
    return linalg.inv(input)


def det(input: Tensor) -> Tensor:  # noqa: A002
    """The determinant of each square matrix; see :func:`minigrad.linalg.det`."""
    return linalg.det(input)


def slogdet(input: Tensor) -> return_types.slogdet:  # noqa: A002
    """``(sign, logabsdet)`` of each square matrix (``torch.return_types.slogdet``, as PyTorch's: the
    linalg form's type is ``linalg_slogdet``); see :func:`minigrad.linalg.slogdet`."""
    return return_types.slogdet(*linalg.slogdet(input))


def logdet(input: Tensor) -> Tensor:  # noqa: A002
    """log(det) of each square matrix: logabsdet where the determinant is positive, nan where it is
    negative (gradient 0 there, as PyTorch's), -inf where it is 0."""
    if isinstance(input, Tensor) and (input.ndim < 2 or input.shape[-1] != input.shape[-2]):
        raise linalg.square_error("logdet", input.shape)
    if isinstance(input, Tensor):
        linalg._floating("logdet", input)
    sign, logabs = linalg.slogdet(input)
    return where(sign.numpy(force=True) < 0, float("nan"), logabs)


@bool_args("upper")
def cholesky(input: Tensor, upper: bool = False) -> Tensor:  # noqa: A002
    """The Cholesky factor (``upper`` may be positional here); see :func:`minigrad.linalg.cholesky`.

    Deprecated in PyTorch in favour of ``linalg.cholesky``: warns once per process, as PyTorch.
    """
    _warn_once("cholesky", "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
               "removed in a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
               "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
               "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results for "
               "all valid (symmetric positive definite) inputs.")
    try:
        factor = linalg.cholesky(input, upper=upper)
    except LinAlgError as e:  # (PyTorch's message names the function called)
        raise LinAlgError(str(e).replace("linalg.cholesky:", "cholesky:", 1)) from None
    return _named(factor, input, "CholeskyBackward0")


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:  # noqa: A002
    """The pseudo-inverse, singular values below ``rcond`` times the largest dropped (torch.pinverse)."""
    return linalg.pinv(input, rtol=rcond)


def matrix_power(input: Tensor, n: int) -> Tensor:  # noqa: A002
    """input^n for each square matrix; see :func:`minigrad.linalg.matrix_power`."""
    return linalg.matrix_power(input, n)


def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of 2-D matrices (``torch.chain_matmul``, deprecated in PyTorch in favour of
    ``linalg.multi_dot``: warns); one matrix is returned as a copy.

    Raises:
        ShapeError: a tensor that is not 2-D, or neighbours whose sizes do not match.
    """
    _warn_once("chain_matmul", "torch.chain_matmul is deprecated and will be removed in a future PyTorch "
               "release. Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors "
               "rather than multiple parameters.", here=True)  # (PyTorch's is raised in torch/functional.py)
    for i, m in enumerate(matrices):
        if m.ndim != 2:
            raise ShapeError(f"chain_matmul(): tensor {i} must be 2D but got {m.ndim}D")
    if len(matrices) == 1:
        return matrices[0].clone()
    return linalg.multi_dot(matrices)


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """``torch.cross``: :func:`minigrad.linalg.cross` along ``dim``; without ``dim``, along the first dim
    of size 3 of ``input`` (deprecated in PyTorch: warns).

    Raises:
        ShapeError: no dim of size 3 in ``input``, inputs with different numbers of dims, or ``dim``'s size
            is not 3 or the shapes do not broadcast.
    """
    if dim is None:
        _warn_once("cross", "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
                   "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
                   "change to agree with that of linalg.cross in a future release.")
        if input.ndim != other.ndim:  # (checked first, as PyTorch)
            raise ShapeError(f"linalg.cross: inputs must have the same number of dimensions, got "
                             f"{input.shape} and {other.shape}")
        # PyTorch's default: the first dim of size 3 of input itself (not of the broadcast shape, whose
        # first 3 may be a dim where input has size 1)
        dim = next((i for i, size in enumerate(input.shape) if size == 3), None)
        if dim is None:
            raise ShapeError(f"no dimension of size 3 in input: {tuple(input.shape)}")
    return linalg.cross(input, other, dim)


@bool_args("some", "compute_uv")
def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> return_types.svd:  # noqa: A002
    """torch.svd, the older form of :func:`minigrad.linalg.svd`: ``(U, S, V)`` with A = U diag(S) V^T (V,
    not its transpose), reduced unless ``some=False``. With ``compute_uv=False``, U and V are zeros of
    shape (..., m, m) and (..., n, n) (and S carries no gradient, as PyTorch's)."""
    if not compute_uv:
        s = linalg.svdvals(input.detach())
        m, n = input.shape[-2:]
        zeros = [from_numpy(np.zeros((*input.shape[:-2], k, k), dtype=input.dtype)) for k in (m, n)]
        return return_types.svd(zeros[0], s, zeros[1])
    u, s, vh = linalg.svd(input, full_matrices=not some)
    return return_types.svd(u, s, vh.mT)


def _times(a: Tensor, m: Tensor | None, x: Tensor) -> Tensor:
    """(a - m) @ x as a @ x - m @ x (PyTorch's order of operations)."""
    return a @ x if m is None else a @ x - m @ x


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int = 2,  # noqa: N803
                M: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:  # noqa: N803
    """The randomized rank-``q`` SVD of A - M (Halko, Martinsson and Tropp): (U (..., m, q), S (..., q),
    V (..., n, q)) with A - M ~ U diag(S) V^T; a composition (differentiable). The random (n, q) test matrix
    is ``randn`` from minigrad's generator, as PyTorch draws it, so a seeded run gives PyTorch's numbers;
    ``niter`` power iterations sharpen the basis. A wide A is handled as its transpose."""
    k = 6 if q is None else q
    tall = A.shape[-2] >= A.shape[-1]
    a = A if tall else A.mT
    m = None if M is None else (M.expand(tuple(A.shape)) if tall else M.expand(tuple(A.shape)).mT)
    dt = a.dtype if a.dtype.kind == "f" else np.dtype(np.float32)

    test = randn(a.shape[-1], k, dtype=dt)
    basis = linalg.qr(_times(a, m, test)).Q
    for _ in range(niter):  # power iterations: alternate between the column and row spaces
        basis = linalg.qr(_times(a.mT, None if m is None else m.mT, basis)).Q
        basis = linalg.qr(_times(a, m, basis)).Q
    small = basis.mT @ a if m is None else basis.mT @ a - basis.mT @ m
    u, s, vh = linalg.svd(small, full_matrices=False)
    u, v = basis @ u, vh.mT
    return (u, s, v) if tall else (v, s, u)


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True,  # noqa: N803
                niter: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    """Principal components of the rows of A (..., m, n): :func:`svd_lowrank` of A minus its column means
    (not centred with ``center=False``), rank ``q`` (default min(6, m, n)).

    Raises:
        InvalidParameterError: q outside [0, min(m, n)] or a negative niter (PyTorch's ValueError).
    """
    m, n = A.shape[-2:]
    k = min(6, m, n) if q is None else q
    if not 0 <= k <= min(m, n):
        raise InvalidParameterError(f"q(={q}) must be non-negative integer and not greater than min(m, n)="
                                    f"{min(m, n)}")
    if not niter >= 0:
        raise InvalidParameterError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, k, niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), k, niter)


@bool_args("some")
def qr(input: Tensor, some: bool = True) -> return_types.qr:  # noqa: A002
    """torch.qr, the older form of :func:`minigrad.linalg.qr`: reduced, or complete with ``some=False``.

    Deprecated in PyTorch in favour of ``linalg.qr``: warns once per process, as PyTorch.
    """
    result = return_types.qr(*linalg.qr(input, "reduced" if some else "complete"))
    _warn_once("qr", "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
               "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string parameter "
               "'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\n"
               "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
    return result


@bool_args("upper", "transpose", "unitriangular")
def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,  # noqa: N803
                     unitriangular: bool = False) -> return_types.triangular_solve:
    """torch.triangular_solve: X with A X = b (A^T X = b with ``transpose``) for triangular A (..., n, n),
    its upper triangle read (lower with ``upper=False``), batch dims broadcast; returns ``(X, A.clone())``
    (the copy of A broadcast to the batch shape).

    Deprecated in PyTorch in favour of ``linalg.solve_triangular``: warns once per process, as PyTorch.

    Raises:
        ShapeError: b or A has fewer than 2 dims, or they do not fit.
        DTypeError: b and A of two dtypes (PyTorch's RuntimeError).
    """
    if b.ndim < 2 or A.ndim < 2:
        raise ShapeError(f"triangular_solve: expected b and A to have at least 2 dimensions, got {b.shape} "
                         f"and {A.shape}")
    linalg._same_dtype("", b, A, ("b", "A"))
    batch = check_broadcast("triangular_solve", tuple(b.shape[:-2]), tuple(A.shape[:-2]))  # (not numpy's)
    a = A.expand((*batch, *A.shape[-2:]))
    coeff = a.mT if transpose else a
    x = linalg.solve_triangular(coeff, b.expand((*batch, *b.shape[-2:])), upper=upper != transpose,
                                unitriangular=unitriangular)
    if warn_once_due("triangular_solve"):  # (after the checks: PyTorch raises first)
        warnings.warn(  # (PyTorch's words, missing space included)
            "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be "
            "removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed "
            "and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\n"
            "should be replaced with\nX = torch.linalg.solve_triangular(A, B).", UserWarning,
            stacklevel=user_stacklevel())
    return return_types.triangular_solve(x, a.clone())


@bool_args("pivot")
def lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> tuple[Tensor, ...]:  # noqa: N803
    """torch.lu, the older form of :func:`minigrad.linalg.lu_factor`: ``(LU, pivots)``, and LAPACK's
    ``infos`` too with ``get_infos``. Deprecated in PyTorch: warns once per process, as PyTorch."""
    if warn_once_due("lu"):
        warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
                      "and will be removed in a future PyTorch release.\n"
                      "LU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\n"
                      "LU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\n"
                      "LU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\n"
                      "should be replaced with\n"
                      "LU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)", UserWarning,
                      stacklevel=1)  # (PyTorch's names its own Python wrapper of torch.lu: here, this line)
    lu_, pivots, info = linalg.lu_factor_ex(A, pivot=pivot)
    return (lu_, pivots, info) if get_infos else (lu_, pivots)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> linalg.LUResult:
    """``(P, L, U)`` from the compact form of ``lu`` / ``linalg.lu_factor``; differentiable in LU_data."""
    return linalg.lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
    """torch.lu_solve, the older form of :func:`minigrad.linalg.lu_solve`: X with A X = b.

    Deprecated in PyTorch in favour of ``linalg.lu_solve``: warns once per process, as PyTorch.
    """
    x = linalg.lu_solve(LU_data, LU_pivots, b)
    _warn_once("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be "
               "removed in a future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments "
               "reversed.\nX = torch.lu_solve(B, LU, pivots)\nshould be replaced with\n"
               "X = torch.linalg.lu_solve(LU, pivots, B)")  # (PyTorch's words, missing space included)
    return x


def orgqr(input: Tensor, input2: Tensor) -> Tensor:  # noqa: A002
    """The first n columns of the product of the Householder reflectors in ``geqrf``'s compact form (input
    (..., m, n), input2 = tau (..., k)); torch.orgqr, the older name of
    :func:`minigrad.linalg.householder_product`.

    Raises:
        ShapeError: as :func:`minigrad.linalg.householder_product`.
    """
    return linalg.householder_product(input, input2)


class GeqrfResult(NamedTuple):
    """``geqrf``'s result: R and the Householder vectors in one matrix, and the reflectors' scalars."""

    a: Tensor
    tau: Tensor


GeqrfResult.__name__ = GeqrfResult.__qualname__ = "geqrf"  # PyTorch's name and repr
GeqrfResult.__repr__ = return_types.result_repr  # type: ignore[method-assign]


def geqrf(input: Tensor) -> GeqrfResult:  # noqa: A002
    """LAPACK's geqrf, a QR decomposition in compact form: R on and above the diagonal, the Householder
    vectors below it, and tau (..., min(m, n)); not differentiable (as PyTorch's). See
    :func:`minigrad.linalg.householder_product` and :func:`ormqr`.

    Raises:
        UnsupportedError: a tensor that is not float32 or float64 (PyTorch's NotImplementedError; numpy
            answered integers in float64 and raised a TypeError for float16).
    """
    if input.dtype not in (np.float32, np.float64):
        raise kernel_error("geqrf", input.dtype)
    a, tau = _kernels.geqrf(input.detach().numpy())
    return GeqrfResult(from_numpy(np.ascontiguousarray(a)), from_numpy(np.ascontiguousarray(tau)))


def ormqr(input: Tensor, input2: Tensor, input3: Tensor, left: bool = True,  # noqa: A002
          transpose: bool = False) -> Tensor:
    """input3 multiplied by the full (m, m) Q of the reflectors in ``geqrf``'s compact form (input,
    input2 = tau): Q C (``left``) or C Q, with Q^T for ``transpose``; differentiable in all three.

    Raises:
        ShapeError: input or input3 has fewer than 2 dims, or (``left``) tau's length is not
            min(input3.shape[-2], input.shape[-1]).
    """
    if input.ndim < 2 or input3.ndim < 2:
        which = "input" if input.ndim < 2 else "other"
        raise ShapeError(f"torch.ormqr: {which} must have at least 2 dimensions. (input and input3 must have "
                         f"at least 2 dimensions, got {input.shape} and {input3.shape})")
    if input2.shape[-1:] != (min(input3.shape[-2], input.shape[-1]),) and left:
        raise ShapeError("torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-2], input.shape[-1])")
    q = linalg.householder_q(input, input2)
    q = q.mT if transpose else q
    return q @ input3 if left else input3 @ q


def matrix_exp(input: Tensor) -> Tensor:  # noqa: A002
    """The matrix exponential of each square matrix; see :func:`minigrad.linalg.matrix_exp`."""
    return linalg.matrix_exp(input)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions


@bool_args("upper")
def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """X with A X = B for A = L L^T (``upper``: A = U^T U) given its Cholesky factor, as
    ``torch.cholesky_solve``; differentiable in B and L.

    Raises:
        DTypeError: B and L of two dtypes (PyTorch's RuntimeError).
    """
    linalg._same_dtype("", B, L, ("b", "A"))
    a = L.mT @ L if upper else L @ L.mT
    return _named(linalg.solve_matrices(a, B), L, "CholeskySolveBackward0")


@bool_args("upper")
def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """The inverse of A = L L^T (``upper``: A = U^T U) from its Cholesky factor (..., n, n), as
    ``torch.cholesky_inverse``; differentiable in L.

    Raises:
        ShapeError: L has fewer than 2 dims or is not a batch of square matrices.
        UnsupportedError: an integer L (PyTorch's NotImplementedError).
    """
    if L.ndim < 2 or L.shape[-1] != L.shape[-2]:
        raise linalg.square_error("cholesky_inverse", L.shape)
    if L.dtype.kind != "f":
        raise UnsupportedError(f"cholesky_inverse: not implemented for {L.dtype}")
    out = cholesky_solve(linalg._eye_like(L).expand(tuple(L.shape)), L, upper)
    return _named(out, L, "CholeskyInverseBackward0")


# ------------------------------------------------------------------ removed from PyTorch
# PyTorch 2.x keeps these names (as functions and, but for matrix_rank, Tensor methods) only to raise a
# RuntimeError saying what replaces them; a script calling one fails as it does under PyTorch, not with
# an AttributeError that hides the way out.


def _removed(use: str) -> MinigradError:
    return MinigradError(f"This function was deprecated since version 1.9 and is now removed. {use}")


def solve(input: Tensor, A: Tensor, *, out: Any = None) -> NoReturn:  # noqa: A002, N803
    """Removed from PyTorch: raises its RuntimeError (use ``linalg.solve(A, B)``, arguments reversed)."""
    raise _removed("Use torch.linalg.solve(A, B) for torch.solve(B, A).solution: the arguments are reversed "
                   "and only X is returned (for the LU factors, torch.linalg.lu_factor).")


def symeig(input: Tensor, eigenvectors: bool = False, upper: bool = True, *, out: Any = None) -> NoReturn:  # noqa: A002
    """Removed from PyTorch: raises its RuntimeError (use ``linalg.eigvalsh`` or ``linalg.eigh``)."""
    raise _removed("Use torch.linalg.eigvalsh(A, UPLO='U') for the eigenvalues, or torch.linalg.eigh(A, "
                   "UPLO='U') with eigenvectors=True (UPLO='L', the lower triangle, is their default; "
                   "symeig read the upper one).")


def eig(self: Tensor, eigenvectors: bool = False, *, e: Any = None, v: Any = None) -> NoReturn:
    """Removed from PyTorch: raises its RuntimeError (use ``linalg.eigvals`` or ``linalg.eig``)."""
    raise _removed("Use torch.linalg.eigvals(A) for the eigenvalues, or torch.linalg.eig(A) with "
                   "eigenvectors=True: they return complex tensors, not real pairs standing for them.")


def lstsq(input: Tensor, A: Tensor, *, out: Any = None) -> NoReturn:  # noqa: A002, N803
    """Removed from PyTorch: raises its RuntimeError (use ``linalg.lstsq(A, B)``, arguments reversed)."""
    raise _removed("Use torch.linalg.lstsq(A, B).solution for torch.lstsq(B, A).solution[:A.size(1)]: the "
                   "arguments are reversed, and the residuals are the result's 'residuals' field (for "
                   "the QR factors, torch.linalg.qr).")


def matrix_rank(input: Tensor, tol: Any = None, symmetric: bool = False, *, out: Any = None) -> NoReturn:  # noqa: A002
    """Removed from PyTorch: raises its RuntimeError (use ``linalg.matrix_rank``)."""
    raise _removed("Use torch.linalg.matrix_rank(A) instead (its 'hermitian' is the old 'symmetric').")
