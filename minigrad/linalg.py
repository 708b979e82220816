"""``minigrad.linalg``, PyTorch's ``torch.linalg``: norms, the cross product, inverse, determinants, solve
and the decompositions (Cholesky, QR, SVD, symmetric eigen); solve_triangular, lstsq and matrix_exp are
compositions of solve, pinv and matmuls.

The norms are compositions; the matrix functions are primitives in ``minigrad.ops``
(``Inv``, ``Det``, ``Slogdet``, ``Solve``, ``Cholesky``, ``QR``, ``SVD``, ``Eigh``, ``Pinv``)
with PyTorch's gradient formulas, batched over leading dims; their numpy.linalg calls are in
``minigrad._kernels``. Decompositions return named tuples with PyTorch's field names (``Q, R``,
``U, S, Vh``, ``eigenvalues, eigenvectors``, ``sign, logabsdet``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from minigrad import _kernels, _out, _public, ops
from minigrad._tensor_methods import dim_aliases
from minigrad.dtypes import DTypeLike, kernel_error, resolve_dtype, scalar_type_name
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    LinAlgError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    _NotTensorError,
    bool_args,
)
from minigrad.matrix_ops import cross
from minigrad.reductions import norm as _norm
from minigrad.return_types import result_repr
from minigrad.shapes import check_broadcast, norm_dim
from minigrad.tensor import Tensor, _named, cat, from_numpy, matmul, where

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
    "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
    "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
    "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve",
    "vander", "vecdot", "vector_norm",
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


def square_error(fn: str, shape: tuple[int, ...]) -> ShapeError:
    """PyTorch's error for a ``shape`` that is not a batch of square matrices, in its words (``fn`` its
    prefix: 'linalg.inv', 'logdet')."""
    if len(shape) < 2:
        return ShapeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    return ShapeError(f"{fn}: A must be batches of square matrices, but they are {shape[-2]} by {shape[-1]} "
                      "matrices")


def _square(fn: str, a: Tensor, dtype_error: type[MinigradError] = InvalidParameterError,
            prefix: str = "linalg.") -> Tensor:
    """``a`` if it is a batch of square float matrices (an int tensor is refused, as PyTorch); ``prefix``
    and ``fn`` name the function in the error."""
    if not isinstance(a, Tensor):
        raise _NotTensorError(f"linalg.{fn}: expected a Tensor, got {type(a).__name__}")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise square_error(prefix + fn, a.shape)
    return _floating(fn, a, dtype_error)


# PyTorch's words for an integer input where they are not "linalg.<fn>: Expected a floating point ..."
_INTEGER_WORDS = {"eigh": "\"linalg_eigh_cpu\" not implemented for '{t}'",
                  "lu_factor_ex": "\"lu_cpu\" not implemented for '{t}'",
                  "pinv": "linalg.pinv({t}{{{shape}}}): expected a tensor with 2 or more dimensions of "
                          "float, double, cfloat or cdouble types",
                  "matrix_rank": "This function doesn't handle types other than float and double",
                  "logdet": "logdet: Expected a floating point or complex tensor as input. Got {t}"}


def _floating(fn: str, a: Tensor, error: type[MinigradError] = InvalidParameterError) -> Tensor:
    """``a`` if it is float32 or float64 (a float16 matrix_norm too: its 'fro' and 1/inf orders are sums).

    Raises:
        ``error``: an integer or bool tensor.
        UnsupportedError: a float16 tensor (PyTorch has no half kernels here; numpy's TypeError leaked).
    """
    if a.dtype.kind != "f":
        if fn == "lu_factor_ex":  # (PyTorch's NotImplementedError, as eigh's)
            error = UnsupportedError
        words = _INTEGER_WORDS.get(fn.split("(")[0], "linalg.{fn}: Expected a floating point or complex "
                                   "tensor as input. Got {t}")
        raise error(words.format(fn=fn, t=scalar_type_name(a.dtype), shape=list(a.shape)))
    if a.dtype == np.float16 and fn != "matrix_norm":
        raise UnsupportedError(f"linalg.{fn}: Low precision dtypes not supported. Got Half (as PyTorch)")
    return a


def _same_dtype(prefix: str, a: Tensor, b: Tensor, names: tuple[str, str]) -> None:
    """PyTorch's refusal of two operands of different dtypes (``prefix`` begins its message).

    Raises:
        DTypeError: a.dtype != b.dtype (PyTorch's RuntimeError).
    """
    if a.dtype != b.dtype:
        raise DTypeError(f"{prefix}Expected {names[0]} and {names[1]} to have the same dtype, but found "
                         f"{names[0]} of type {scalar_type_name(a.dtype)} and {names[1]} of type "
                         f"{scalar_type_name(b.dtype)} instead")


# PyTorch's words where they are not "linalg.<fn>: The input tensor A must have at least 2 dimensions."
_FEW_DIMS = {
    "matrix_rank": "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.",
    "cond": "linalg.cond: The input tensor must have at least 2 dimensions.",
    "pinv": "linalg.pinv({}{}): expected a tensor with 2 or more dimensions of float, double, cfloat or "
            "cdouble types",
    "lu": "linalg.lu: Expected tensor with 2 or more dimensions. Got size: {1} instead",
    "lu_factor_ex": "torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {1} instead",
}


def _matrix(fn: str, a: Tensor) -> Tensor:
    if a.ndim < 2:
        words = _FEW_DIMS.get(fn, f"linalg.{fn}: The input tensor A must have at least 2 dimensions.")
        raise ShapeError(words.format(scalar_type_name(a.dtype), "{" + str(list(a.shape)) + "}")
                         if fn == "pinv" else words.format(None, list(a.shape)))
    return _floating(fn, a)


def inv(A: Tensor) -> Tensor:  # noqa: N803 - PyTorch's name
    """The inverse of each square matrix of A (..., n, n).

    Raises:
        ShapeError: A is not a batch of square matrices.
        LinAlgError: a matrix is singular.
    """
    a = _square("inv", A)
    try:
        return ops.Inv.apply(a)
    except LinAlgError:  # (PyTorch's words: the first zero pivot of the LU factorization)
        with np.errstate(all="ignore"):  # (a NaN or inf matrix: the LU's arithmetic is quiet, as numpy's)
            _singular("linalg.inv", a, True, _INV_SINGULAR)
        raise


def det(A: Tensor) -> Tensor:  # noqa: N803
    """The determinant of each square matrix of A (..., n, n) -> (...)."""
    return ops.Det.apply(_square("det", A))


def slogdet(A: Tensor) -> SlogdetResult:  # noqa: N803
    """(sign, log|det|) of each square matrix: det = sign * exp(logabsdet), without overflow.

    A singular matrix gives (0, -inf), a NaN one (0, nan). Both come from one node, as PyTorch's: the
    sign requires grad when A does, but passes no gradient.
    """
    a = _square("slogdet", A)
    sign, logabsdet = _node(A, "LinalgSlogdet", *ops.unpack(ops.Slogdet.apply(a), ((), ())))
    return SlogdetResult(sign, logabsdet)


@bool_args("left")
def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803
    """X with A X = B (``left=False``: X A = B). B is (..., n, k), or (..., n) a batch of vectors when its
    shape is A's without the last dim (or when it is 1-D), as PyTorch decides.

    Raises:
        ShapeError: A not square, or B does not fit it.
        LinAlgError: a matrix of A is singular.
        DTypeError: A and B of two dtypes (PyTorch's RuntimeError).
    """
    if isinstance(A, Tensor) and isinstance(B, Tensor) and A.dtype.kind == "f":  # (first, as PyTorch)
        _same_dtype("linalg.solve: ", A, B, ("A", "B"))
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
    try:
        x = ops.Solve.apply(a, bm)
    except LinAlgError:
        with np.errstate(all="ignore"):
            _singular("torch.linalg.solve", a, True, _SOLVE_SINGULAR)
        raise
    # (PyTorch's vector solve is still its solve_ex node: the squeeze is inside that one op)
    return _named(x.squeeze(-1), A, "LinalgSolveExBackward0") if vector else x


@bool_args("upper")
def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:  # noqa: N803
    """L with A = L L^T (lower), or U = L^T with ``upper=True``, for symmetric positive-definite A.

    Raises:
        LinAlgError: a matrix is not positive definite (PyTorch's message: the batch element and the order
            of its first leading minor that is not positive definite).
    """
    try:
        lower = ops.Cholesky.apply(_square("cholesky", A))
    except LinAlgError:
        raise _not_positive_definite("linalg.cholesky", A._array) from None
    return _named(lower.mT, A, "LinalgCholeskyExBackward0") if upper else lower


def qr(A: Tensor, mode: str = "reduced") -> QRResult:  # noqa: N803
    """Q, R with A = Q R, Q orthonormal columns, R upper triangular (LAPACK's signs, as PyTorch).

    ``mode='reduced'``: Q (..., m, k), R (..., k, n), k = min(m, n); ``'complete'``: Q (..., m, m),
    R (..., m, n); ``'r'``: R alone, Q an empty tensor. Differentiable as PyTorch's: not for ``'r'``, nor
    ``'complete'`` with m > n (backward raises MinigradError).

    Raises:
        InvalidParameterError: another mode.
    """
    if mode not in ("reduced", "complete", "r"):
        raise InvalidParameterError(f"linalg.qr received unrecognized mode={mode!r} but expected one of "
                                    "'reduced' (default), 'r', or 'complete'")
    a = _matrix("qr", A)
    if mode == "r":
        r = _named(ops.QR.apply(a, mode="r"), A, "LinalgQrBackward0")
        if not r.requires_grad:
            return QRResult(from_numpy(np.empty(0, dtype=a.dtype)), r)
        # PyTorch's empty Q is an output of the same node: it requires grad, and backward through it raises
        return QRResult(_named(r.reshape(-1)[:0], A, "LinalgQrBackward0"), r)
    m, n = a.shape[-2:]
    return QRResult(*_node(A, "LinalgQr", *ops.unpack(ops.QR.apply(a, mode=mode), ops.QR.parts(m, n, mode))))


@bool_args("full_matrices")
def svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None) -> SVDResult:  # noqa: N803
    """U, S, Vh with A = U diag(S) Vh, S descending (..., k), k = min(m, n). With ``full_matrices`` U is
    (..., m, m) and Vh (..., n, n), else (..., m, k) and (..., k, n).

    The gradient is PyTorch's: valid for distinct (non-zero) singular values and a loss that does not
    depend on the singular vectors' signs; a loss of S alone is differentiable everywhere; the extra
    columns of a full U or Vh get no gradient.

    Raises:
        InvalidParameterError: ``driver`` given (PyTorch takes it only for CUDA inputs).
    """
    a = _matrix("svd", A)
    _no_driver("svd", driver)
    m, n = a.shape[-2:]
    u, s, vh = ops.unpack(ops.SVD.apply(a, full_matrices=bool(full_matrices)),
                          ops.SVD.parts(m, n, bool(full_matrices)))
    return SVDResult(*_node(A, "LinalgSvd", u, s.squeeze(-1), vh))


def _node(source: Tensor, op: str, *outs: Tensor) -> tuple[Tensor, ...]:
    """``outs``, each shown as PyTorch's one node ``<op>Backward0`` (minigrad unpacks them from a packed
    result, so their own nodes are views and squeezes)."""
    return tuple(_named(out, source, op + "Backward0") for out in outs)


def _no_driver(fn: str, driver: str | None) -> None:
    if driver is not None:
        raise InvalidParameterError(f"linalg.{fn}: keyword argument driver={driver!r} is only supported on "
                                    "CUDA inputs (by PyTorch); minigrad computes on the CPU")


def svdvals(A: Tensor, *, driver: str | None = None) -> Tensor:  # noqa: N803
    """The singular values of A, descending: (..., min(m, n))."""
    _no_driver("svdvals", driver)
    return svd(A, full_matrices=False).S


def eigh(A: Tensor, UPLO: str = "L") -> EighResult:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric A (its ``UPLO`` triangle read).

    The gradient is PyTorch's (symmetric): valid for distinct eigenvalues and a loss that does not depend
    on the eigenvectors' signs; a loss of the eigenvalues alone is differentiable everywhere.

    Raises:
        InvalidParameterError: UPLO is not 'L' or 'U' (either case).
        UnsupportedError: an integer A (PyTorch's NotImplementedError).
    """
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise InvalidParameterError(f"linalg.eigh: expected UPLO argument to be 'L' or 'U', got "
                                    f"UPLO={UPLO!r}")
    a = _square("eigh", A, UnsupportedError)
    if UPLO.upper() == "U":
        a = a.mT  # numpy reads the lower triangle; the upper one is the transpose's lower
    w, q = ops.unpack(ops.Eigh.apply(a), ops.Eigh.parts(a.shape[-1]))
    return EighResult(*_node(A, "LinalgEigh", w.squeeze(-1), q))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of symmetric A, ascending."""
    return eigh(A, UPLO).eigenvalues


def _tolerance(tol: float | Tensor) -> np.ndarray:
    return np.asarray(tol.numpy(force=True) if isinstance(tol, Tensor) else tol, dtype=np.float64)


def _tolerances(a: Tensor, atol: float | Tensor | None,
                rtol: float | Tensor | None) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's (atol, rtol) for pinv and matrix_rank: atol 0 and rtol eps * max(m, n) by default, rtol 0
    when only a positive atol is given."""
    default_rtol = np.finfo(a.dtype).eps * max(a.shape[-2:])
    at = _tolerance(0.0 if atol is None else atol)
    if rtol is not None:
        return at, _tolerance(rtol)
    return at, (np.where(at > 0, 0.0, default_rtol) if atol is not None else np.asarray(default_rtol))


@bool_args("hermitian")
def pinv(A: Tensor, *, atol: float | Tensor | None = None, rtol: float | Tensor | None = None,  # noqa: N803
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse (..., n, m) of A (..., m, n): V diag(1/s) U^T over the singular
    values s above max(atol, rtol * s_max), as PyTorch's, with its gradient. ``atol`` defaults to 0 and
    ``rtol`` to eps * max(m, n), or to 0 when ``atol`` is given and positive; both may be tensors
    broadcasting with the batch dims. ``hermitian=True`` takes A as symmetric (its lower triangle read)
    and uses eigh, the singular values being |eigenvalues|.

    Raises:
        ShapeError: ``hermitian`` and A not square.
    """
    a = _square("eigh", _matrix("pinv", A)) if hermitian and A.numel() else _matrix("pinv", A)
    at, rt = _tolerances(a, atol, rtol)
    return ops.Pinv.apply(a, atol=at, rtol=rt, hermitian=bool(hermitian))


# ------------------------------------------------------------------ norms


def _norm_dtype(fn: str, x: Tensor, dtype: DTypeLike) -> np.dtype[Any]:
    """A norm's ``dtype=``: floating, and not narrower than a float input (PyTorch's RuntimeErrors)."""
    want = resolve_dtype(dtype)
    if want.kind != "f":
        raise InvalidParameterError(f"linalg.{fn}: dtype should be floating point or complex, but got "
                                    f"{scalar_type_name(want)}")
    if x.dtype.kind == "f" and np.promote_types(x.dtype, want) != want:
        have, named = scalar_type_name(x.dtype), scalar_type_name(want)
        raise InvalidParameterError(f"linalg.{fn}: the dtype of the input ({have}) should be convertible "
                                    f"without narrowing to the specified dtype ({named})")
    return want


@dim_aliases
@bool_args("keepdim")
def vector_norm(x: Tensor, ord: float = 2, dim: int | Sequence[int] | None = None,  # noqa: A002
                keepdim: bool = False, *, dtype: DTypeLike = None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over ``dim`` (all elements if None); ord may be inf, -inf or 0 (non-zeros).

    Gradients as PyTorch's, including 0 at zero entries and where the norm is 0.

    Raises:
        TypeError: ord not a number.
        InvalidParameterError: an integer input without a float ``dtype``.
        MinigradError: a negative or infinite ord over an empty dim (no identity), PyTorch's RuntimeError.
    """
    if not isinstance(ord, (int, float)):
        raise TypeError(f"linalg.vector_norm: ord must be a number, got ord={ord!r}")
    if dtype is not None:
        x = x.astype(_norm_dtype("vector_norm", x, dtype))
    if x.dtype.kind != "f":
        raise InvalidParameterError("linalg.vector_norm: Expected a floating point or complex tensor as "
                                    f"input. Got {scalar_type_name(x.dtype)}")
    return _norm(x, ord, dim, keepdim)  # main's hardened p-norm (minigrad.reductions.norm)


def _two_dims(fn: str, a: Tensor, dim: Sequence[int]) -> tuple[int, int]:
    if len(dim) != 2:  # (PyTorch lists the dims with spaces)
        raise InvalidParameterError(f"linalg.{fn}: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (norm_dim(d, a.ndim) for d in dim)
    if d0 == d1:
        raise InvalidParameterError(f"linalg.{fn}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def _matrix_ord(ord: float | str) -> None:  # noqa: A002
    """PyTorch's first check of a matrix norm: the orders it has."""
    if ord not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        shown = f"{ord:g}" if isinstance(ord, (int, float)) and not isinstance(ord, bool) else ord
        raise InvalidParameterError(f"linalg.matrix_norm: Order {shown} not supported.")


def _max_min(x: Tensor, dim: int, largest: bool) -> Tensor:
    """amax (largest) or amin over ``dim``, kept; the largest of nothing is 0, a constant, as PyTorch's
    matrix norms say (the smallest has no answer: amin raises)."""
    if largest and x.shape[dim] == 0:
        return from_numpy(np.zeros(tuple(1 if i == dim % x.ndim else n for i, n in enumerate(x.shape)),
                                   dtype=x.dtype))
    return x.amax(dim, keepdim=True) if largest else x.amin(dim, keepdim=True)


@dim_aliases
@bool_args("keepdim")
def matrix_norm(A: Tensor, ord: float | str = "fro", dim: tuple[int, int] = (-2, -1),  # noqa: A002, N803
                keepdim: bool = False, *, dtype: DTypeLike = None) -> Tensor:
    """A matrix norm over the two dims ``dim``: 'fro' (sqrt of the sum of squares), 'nuc' (sum of the
    singular values), inf / -inf (max / min row sum of |a|), 1 / -1 (max / min column sum), 2 / -2
    (largest / smallest singular value).

    Raises:
        InvalidParameterError: another ord (checked first, as PyTorch), or dims that are not two
            different dims.
        ShapeError: A has fewer than 2 dims.
        DimensionError: a dim out of range (PyTorch's IndexError).
    """
    _matrix_ord(ord)
    if dtype is not None:
        A = A.astype(_norm_dtype("matrix_norm", A, dtype))  # noqa: N806
    a = _matrix("matrix_norm", A)
    d0, d1 = _two_dims("matrix_norm", a, dim)
    if ord == "fro":
        return _norm(a, 2, (d0, d1), keepdim)  # main's hardened p-norm, as vector_norm
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(a.ndim) if d not in (d0, d1)]
        s = svdvals(a.permute(*rest, d0, d1))
        out = s.sum(-1) if ord == "nuc" else _max_min(s, -1, ord > 0).squeeze(-1)  # type: ignore[operator]
        if keepdim:
            for d in sorted((d0, d1)):
                out = out.unsqueeze(d)
        # (PyTorch's last op: the max / min of the singular values, or a permute putting the kept dims back)
        name = "PermuteBackward0" if keepdim else {"nuc": "", 2: "AmaxBackward0"}.get(ord, "AminBackward0")
        return _named(out, A, name)
    if ord in (math.inf, -math.inf, 1, -1):
        summed, reduced = (d1, d0) if ord in (math.inf, -math.inf) else (d0, d1)
        out = _max_min(a.abs().sum(summed, keepdim=True), reduced, ord > 0)
        out = out if keepdim else out.squeeze(max(d0, d1)).squeeze(min(d0, d1))
        return _named(out, A, "AmaxBackward0" if ord > 0 else "AminBackward0")
    raise AssertionError(ord)  # (_matrix_ord let through only the orders above)


@dim_aliases
@bool_args("keepdim")
def norm(A: Tensor, ord: float | str | None = None, dim: int | Sequence[int] | None = None,  # noqa: A002, N803
         keepdim: bool = False, *, dtype: DTypeLike = None) -> Tensor:
    """A vector or matrix norm, by PyTorch's rules: ord None is the 2-norm over ``dim`` (all elements when
    None; a vector norm whatever dim's length); a string ord is a matrix norm over dim (default (0, 1));
    a number is a matrix norm over a 2-tuple dim, or with no dim over a 2-D input, else a vector norm.

    Raises:
        InvalidParameterError: dim of a length other than 1 or 2; ord given, dim not, and the input
            neither 1-D nor 2-D (PyTorch's RuntimeErrors); and from :func:`matrix_norm`.
        ShapeError, DimensionError: from :func:`matrix_norm` / :func:`vector_norm`.
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) not in (1, 2):
            raise InvalidParameterError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                                        f"Got {list(dim)}")
    elif ord is not None and A.ndim not in (1, 2):
        raise InvalidParameterError("linalg.norm: If dim is not specified but ord is, the input must be 1D "
                                    f"or 2D. Got {A.ndim}D.")
    if isinstance(ord, str) or (ord is not None and (len(dim) == 2 if dim is not None else A.ndim == 2)):
        return matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim,  # type: ignore[arg-type]
                           dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(A: Tensor, p: float | str | None = None) -> Tensor:  # noqa: N803
    """The condition number of each matrix of A (..., m, n) -> (...), as ``torch.linalg.cond``: for p None,
    2 or -2 the ratio of the largest and smallest singular values (smallest over largest for -2, any
    shape); for 'fro', inf, -inf, 1, -1 ``matrix_norm(A, p) * matrix_norm(inv(A), p)``, inf for a singular
    matrix; for 'nuc' sum(s) * sum(1 / s). A 0x0 matrix gives 0.

    Raises:
        ShapeError: A has fewer than 2 dims, or p needs a square A and A is not.
        InvalidParameterError: another p.
    """
    a = _matrix("cond", A)
    if a.numel() == 0:  # no entries (or no matrices): 0, outside the graph, as PyTorch
        if p is not None and not (not isinstance(p, str) and abs(p) == 2):
            _square(f"cond(ord={p})", a)
        return from_numpy(np.zeros(a.shape[:-2], dtype=a.dtype))
    if p is None or (not isinstance(p, str) and abs(p) == 2):
        s = svdvals(a)  # (as PyTorch's: ratios of the 1-wide end slices, then squeezed: SqueezeBackward1)
        hi, lo = s[..., :1], s[..., -1:]
        return (lo / hi if p == -2 else hi / lo).squeeze(-1)
    if p not in ("fro", "nuc", math.inf, -math.inf, 1, -1):
        raise InvalidParameterError(f"linalg.cond got an invalid norm type: {p}")
    a = _square(f"cond(ord={p})", a)
    if p == "nuc":  # matrix_norm('nuc') of an inverse full of inf would have no SVD
        s = svdvals(a)
        return s.sum(-1) * s.reciprocal().sum(-1)
    singular = from_numpy(np.linalg.slogdet(a.numpy(force=True))[0] == 0)[..., None, None]
    inverse = inv(a.masked_fill(singular, 0.0) + _eye_like(a) * singular).masked_fill(singular, math.inf)
    out = matrix_norm(a, p) * matrix_norm(inverse, p)
    return out.nan_to_num(nan=math.inf, posinf=math.inf, neginf=-math.inf)  # 0 * inf, as PyTorch's


_ = (LinAlgError, cross)  # re-exported: torch.linalg.LinAlgError, and main's cross (matrix_ops)


# ------------------------------------------------------------------ solvers built on solve and pinv


class LstsqResult(NamedTuple):
    """``linalg.lstsq``'s result."""

    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor



def _eye_like(a: Tensor) -> Tensor:
    return from_numpy(np.eye(a.shape[-1], dtype=a.dtype))


def solve_matrices(A: Tensor, B: Tensor, left: bool = True) -> Tensor:  # noqa: N803
    """``solve`` with B always a batch of matrices (never PyTorch's vector reading), batch dims broadcast."""
    # (check_broadcast: numpy's ValueError is no RuntimeError)
    batch = check_broadcast("linalg.solve", tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    return solve(A.expand((*batch, *A.shape[-2:])), B.expand((*batch, *B.shape[-2:])), left=left)


@bool_args("upper", "left", "unitriangular")
def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,  # noqa: N803 - PyTorch's names
                     unitriangular: bool = False) -> Tensor:
    """X with A X = B (``left=False``: X A = B) for triangular A (..., n, n): only its upper (``upper``)
    or lower triangle is read, and its diagonal taken as ones with ``unitriangular``. B is (..., n, k),
    solved in A's dtype when it is another float dtype (as PyTorch).

    Raises:
        ShapeError: B has fewer than 2 dims, or A is not square or does not fit B.
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:  # (checked first, as PyTorch)
        raise square_error("linalg.solve_triangular", A.shape)
    if B.ndim < 2:
        raise ShapeError("torch.linalg.solve_triangular: The input tensor B must have at least 2 "
                         f"dimensions, got shape {B.shape}")
    if A.dtype != B.dtype and A.dtype.kind == B.dtype.kind == "f":  # (PyTorch solves in A's dtype)
        B = B.to(A.dtype)  # noqa: N806
    t = A.triu() if upper else A.tril()
    if unitriangular:
        t = t - t.diagonal(dim1=-2, dim2=-1).diag_embed() + _eye_like(A)
    batch = check_broadcast("linalg.solve_triangular", tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    t, B = t.expand((*batch, *t.shape[-2:])), B.expand((*batch, *B.shape[-2:]))  # noqa: N806
    if left:  # (by substitution: a singular A gives inf and nan, not an error, as PyTorch's trsm)
        return _named(ops.SolveTriangular.apply(t, B, upper=upper), A, "LinalgSolveTriangularBackward0")
    x = ops.SolveTriangular.apply(t.mT, B.mT, upper=not upper).mT
    return _named(x, A, "LinalgSolveTriangularBackward0")


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *,  # noqa: N803
          driver: str | None = None) -> LstsqResult:
    """The least-squares solution X of A X = B for A (..., m, n), B (..., m, k) or (..., m), computed
    as pinv(A) B (its gradient too). As PyTorch's CPU drivers: ``rank`` is A's numerical rank
    (relative tolerance ``rcond``, default eps * max(m, n)) except for 'gels'; ``residuals`` (squared
    column norms of A X - B) with 'gels' (which assumes full rank), 'gelsd' and 'gelss', only when
    m > n (and, but for 'gels', A has full rank); ``singular_values`` only with 'gelsd'/'gelss'; empty
    tensors otherwise.

    Raises:
        InvalidParameterError: an unknown driver.
        ShapeError: A and B do not fit.
        DTypeError: A and B of two dtypes (PyTorch's RuntimeError).
    """
    drivers = ("gels", "gelsy", "gelsd", "gelss")
    if driver is not None and driver not in drivers:
        raise InvalidParameterError(f"torch.linalg.lstsq: parameter `driver` should be one of {drivers}, got "
                                    f"{driver!r}")
    drv = driver or "gelsy"
    if A.dtype != B.dtype:
        raise DTypeError("torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                         f"input's dtype {scalar_type_name(A.dtype)} and other's dtype "
                         f"{scalar_type_name(B.dtype)}")
    vector = B.ndim == A.ndim - 1
    bm = B.unsqueeze(-1) if vector else B
    if A.ndim < 2:
        raise ShapeError(f"torch.linalg.lstsq: input must have at least 2 dimensions. (got A {A.shape})")
    if bm.shape[-2] != A.shape[-2]:
        raise ShapeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), got A {A.shape} "
                         f"and B {B.shape}")
    m, n = A.shape[-2:]
    x = pinv(A) @ bm
    a = A.detach().numpy()
    tol = np.finfo(a.dtype).eps * max(m, n) if rcond is None else rcond
    s = np.linalg.svd(a, compute_uv=False) if a.size else np.zeros((*a.shape[:-2], 0), dtype=a.dtype)
    rank = (s > tol * s[..., :1]).sum(-1) if s.shape[-1] else np.zeros(a.shape[:-2], dtype=np.int64)
    empty = from_numpy(np.zeros(0, dtype=a.dtype))
    full = drv in ("gelsd", "gelss")
    residuals = empty
    if m > n and (drv == "gels" or (full and bool(np.all(rank == n)))):  # 'gels' assumes full rank
        residuals = (A @ x - bm).pow(2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    return LstsqResult(_named(x.squeeze(-1) if vector else x, A, "LinalgLstsqBackward0"), residuals,
                       empty.long() if drv == "gels" else from_numpy(np.asarray(rank, dtype=np.int64)),
                       from_numpy(s) if full else empty)


def matrix_exp(A: Tensor) -> Tensor:  # noqa: N803
    """The matrix exponential of square A (..., n, n): a degree-18 Taylor polynomial of A / 2^s (its
    1-norm at most 1/2) squared s times, accurate to the dtype's precision; differentiable.

    Raises:
        ShapeError: A is not square.
        InvalidParameterError: an integer or bool A (PyTorch's RuntimeError).
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise square_error("linalg.matrix_exp", A.shape)
    a = _floating("matrix_exp", A)
    norms = np.abs(a.detach().numpy()).sum(-2)
    norm = float(norms[np.isfinite(norms)].max(initial=0.0))  # (a matrix holding inf or nan gives nan)
    s = max(0, math.ceil(math.log2(norm)) + 1) if norm > 0 else 0
    x = a / 2**s
    eye = _eye_like(a)
    term, result = eye, eye + 0 * x
    for k in range(1, 19):
        term = (term @ x) / k
        result = result + term
    for _ in range(s):
        result = result @ result
    return _named(result, A, "LinalgMatrixExpBackward0")


# ------------------------------------------------------------------ products and rank (compositions)

def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of the vectors along ``dim`` of x and y (batch dims broadcast): sum(x * y, dim).

    Raises:
        DTypeError: an integer or bool input, or x and y of two dtypes (PyTorch's RuntimeError).
        ShapeError: the shapes do not broadcast.
    """
    for t in (x, y):
        if t.dtype.kind != "f":
            raise DTypeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                             f"{t.dtype}")
    _same_dtype("linalg.vecdot: ", x, y, ("x", "y"))
    return (x * y).sum(dim)


def _square_any(fn: str, a: Tensor) -> Tensor:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise square_error(fn, a.shape)
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
        # PyTorch copies the identity into A's clone: a zero gradient to A
        return where(np.ones((), dtype=bool), eye, a)
    if n < 0:
        a, n = inv(a), -n
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
            cost[i][j], split[i][j] = min(
                (cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1], s) for s in range(i, j))

    def product(i: int, j: int) -> Tensor:
        return mats[i] if i == j else product(i, split[i][j]) @ product(split[i][j] + 1, j)

    return product(0, k - 1)


@bool_args("hermitian")
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
    a = _square("eigh", _matrix("matrix_rank", A)) if hermitian else _matrix("matrix_rank", A)
    s = (eigvalsh(a).abs() if hermitian else svdvals(a)).numpy(force=True)
    at, rt = _tolerances(a, atol, rtol)
    smax = s.max(axis=-1, initial=0.0)
    limit = np.maximum(at, rt * smax)
    return from_numpy((s > limit[..., None]).sum(axis=-1).astype(np.int64))


# ------------------------------------------------------------------ the *_ex forms, diagonal, vander, tensor*


class SolveExResult(NamedTuple):
    """``linalg.solve_ex``'s result: the solutions and LAPACK's ``info`` per matrix (0: success)."""

    result: Tensor
    info: Tensor


class InvExResult(NamedTuple):
    """``linalg.inv_ex``'s result: the inverses and LAPACK's ``info`` per matrix (0: success)."""

    inverse: Tensor
    info: Tensor


class CholeskyExResult(NamedTuple):
    """``linalg.cholesky_ex``'s result: the factors and LAPACK's ``info`` per matrix (0: success)."""

    L: Tensor
    info: Tensor


def _ok(a: Tensor) -> Tensor:
    """``info`` of a batch of matrices that all succeeded: int32 zeros of the batch shape."""
    return from_numpy(np.zeros(a.shape[:-2], dtype=np.int32))


def _unchecked_solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X with A X = B through LAPACK's LU with no check for a zero pivot, for the singular matrices of
    the ``_ex`` functions: the infs and nans PyTorch's lu_solve leaves there (a (n, n), b (n, k))."""
    lu, piv = _kernels.lu(a)
    x = np.array(b, dtype=np.result_type(a, b), copy=True)
    n = a.shape[-1]
    with np.errstate(all="ignore"):
        for j, p in enumerate(piv):
            x[[j, p]] = x[[p, j]]
        for j in range(n):
            x[j + 1:] -= lu[j + 1:, j, None] * x[j]
        for j in reversed(range(n)):
            x[j] /= lu[j, j]
            x[:j] -= lu[:j, j, None] * x[j]
    return x


_INV_SINGULAR = ("The diagonal element {} is zero, the inversion could not be completed because the input "
                 "matrix is singular.")
_SOLVE_SINGULAR = "The solver failed because the input matrix is singular."


def _singular(fn: str, A: Tensor, check_errors: bool, message: str) -> np.ndarray:  # noqa: N803
    """LAPACK's ``info`` per matrix of A from its LU (the first zero pivot, 1-based; 0: invertible).

    Raises:
        LinAlgError: ``check_errors`` and a singular matrix, in PyTorch's words (``message`` gets the order).
    """
    info = lu_factor_ex(A.detach()).info.numpy(force=True)
    flat = info.reshape(-1)
    if check_errors and flat.any():
        first = int(np.argmax(flat != 0))
        where_ = f"(Batch element {first}): " if info.ndim else ""
        raise LinAlgError(f"{fn}: {where_}{message.format(flat[first])}")
    return info


def _patched(A: Tensor, B: Tensor | None, info: np.ndarray, left: bool) -> Tensor:  # noqa: N803
    """solve(A, B) (B None: inv(A)) with the singular matrices of A swapped for I, so gradients reach the
    others, then their results replaced by :func:`_unchecked_solve`'s."""
    failed = from_numpy((info != 0)[..., None, None])
    n = A.shape[-1]
    eye = from_numpy(np.eye(n, dtype=A.dtype))
    fixed = where(failed, eye, A)
    good = inv(fixed) if B is None else solve(fixed, B, left=left)
    a_arr = A.detach().numpy()
    b_arr = np.eye(n, dtype=a_arr.dtype) if B is None else B.detach().numpy()
    vector = B is not None and (B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1]))
    bm = b_arr[..., None] if vector else (b_arr if left else np.swapaxes(b_arr, -1, -2))
    am = a_arr if left else np.swapaxes(a_arr, -1, -2)
    batch = np.broadcast_shapes(am.shape[:-2], bm.shape[:-2])
    am, bm = np.broadcast_to(am, (*batch, *am.shape[-2:])), np.broadcast_to(bm, (*batch, *bm.shape[-2:]))
    bad = np.broadcast_to(info != 0, batch)
    out = np.zeros((*batch, *bm.shape[-2:]), dtype=good.dtype)
    for idx in np.ndindex(*batch):
        if bad[idx]:
            out[idx] = _unchecked_solve(am[idx], bm[idx])
    out = out[..., 0] if vector else (out if left else np.swapaxes(out, -1, -2))
    mask = from_numpy(bad[..., None] if vector else bad[..., None, None])
    return where(mask, from_numpy(np.ascontiguousarray(out)), good)


@bool_args("check_errors")
def inv_ex(A: Tensor, *, check_errors: bool = False) -> InvExResult:  # noqa: N803
    """``(inverse, info)``: :func:`inv` with LAPACK's status code per matrix instead of an error: ``info``
    is int32, 0 where the matrix is invertible, else the 1-based index of U's first zero diagonal element,
    and there the inverse holds the infs and nans LAPACK's LU solve gives (as PyTorch's; the pattern of
    non-finite values may differ). Gradients reach the invertible matrices.

    Raises:
        LinAlgError: with ``check_errors=True``, a singular matrix (PyTorch's message).
    """
    try:
        return InvExResult(inv(A), _ok(A))
    except LinAlgError:
        pass
    info = _singular("linalg.inv_ex", A, check_errors, _INV_SINGULAR)
    return InvExResult(_patched(A, None, info, True), from_numpy(info.astype(np.int32)))


def _partial_cholesky(a: np.ndarray) -> tuple[np.ndarray, int]:
    """LAPACK's unblocked potrf on one matrix that is not positive definite: the factor as far as it got
    (the failing pivot left holding its non-positive value, the columns after it A's own lower triangle)
    and ``info``, the order of the first leading minor that is not positive definite."""
    work = np.tril(a.astype(np.float64))
    for j in range(work.shape[0]):
        row = work[j, :j]
        ajj = work[j, j] - row @ row
        if not ajj > 0:  # (nan included)
            work[j, j] = ajj
            return work.astype(a.dtype), j + 1
        work[j, j] = math.sqrt(ajj)
        work[j + 1:, j] = (work[j + 1:, j] - work[j + 1:, :j] @ row) / work[j, j]
    return work.astype(a.dtype), 0  # (np.linalg refused a matrix this loop factors: a rounding tie)


def _cholesky_infos(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each matrix of ``a`` flattened over its batch dims: LAPACK's partial factor and ``info`` (int32, 0
    where the matrix factors). (Run under :func:`_kernels.quiet`: a failing pivot may be NaN or underflow.)"""
    flat = a.reshape(-1, *a.shape[-2:])
    partial, infos = np.zeros_like(flat), np.zeros(len(flat), dtype=np.int32)
    for i, m in enumerate(flat):
        try:
            _kernels.cholesky(m)
        except np.linalg.LinAlgError:
            partial[i], infos[i] = _partial_cholesky(m)
    return partial, infos


def _not_positive_definite(name: str, a: np.ndarray, infos: np.ndarray | None = None) -> LinAlgError:
    """PyTorch's error for ``a`` that does not factor: its first failing batch element (flat index) and
    the order of that matrix's first leading minor that is not positive definite."""
    if infos is None:
        infos = _kernels.quiet(_cholesky_infos, a)[1]
    first = int(np.argmax(infos != 0))
    where_ = f"(Batch element {first}): " if a.ndim > 2 else ""
    return LinAlgError(f"{name}: {where_}The factorization could not be completed because the input is not "
                       f"positive-definite (the leading minor of order {infos[first]} is not "
                       "positive-definite).")


@bool_args("upper", "check_errors")
def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> CholeskyExResult:  # noqa: N803
    """``(L, info)``: :func:`cholesky` with LAPACK's status code per matrix instead of an error, as
    scripts use it to add jitter until a covariance factors: ``info`` is int32, 0 where the matrix
    factored, else the order of its first leading minor that is not positive definite, and there ``L``
    holds LAPACK's partial factor (as PyTorch's). Gradients reach the matrices that factored.

    Raises:
        LinAlgError: with ``check_errors=True``, a matrix that is not positive definite.
        InvalidParameterError, ShapeError: as :func:`cholesky`.
    """
    try:
        return CholeskyExResult(cholesky(A, upper=upper), _ok(A))
    except LinAlgError:
        pass
    a = A._array
    partial, infos = _kernels.quiet(_cholesky_infos, a)
    info = infos.reshape(a.shape[:-2])
    if check_errors:
        raise _not_positive_definite("linalg.cholesky_ex", a, infos)
    failed = from_numpy((infos != 0).reshape(*a.shape[:-2], 1, 1))
    eye = from_numpy(np.eye(a.shape[-1], dtype=a.dtype))
    factored = cholesky(where(failed, eye, A))  # the failed matrices swapped for I: no gradient reaches them
    lower = where(failed, from_numpy(partial.reshape(a.shape)), factored)
    return CholeskyExResult(lower.mT if upper else lower, from_numpy(info))


@bool_args("left", "check_errors")
def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> SolveExResult:  # noqa: N803
    """``(result, info)``: :func:`solve` with LAPACK's status code per matrix of A instead of an error, as
    :func:`inv_ex` (the result of a singular matrix holds the infs and nans of LAPACK's LU solve).

    Raises:
        LinAlgError: with ``check_errors=True``, a singular matrix (PyTorch's message).
        ShapeError: as :func:`solve`.
    """
    try:
        return SolveExResult(solve(A, B, left=left), _ok(A))
    except LinAlgError:
        pass
    info = _singular("torch.linalg.solve_ex", A, check_errors, _SOLVE_SINGULAR)  # (PyTorch's "torch." prefix)
    return SolveExResult(_patched(A, B, info, left), from_numpy(info.astype(np.int32)))


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: N803
    """The ``offset`` diagonals of the matrices in dims ``dim1``, ``dim2`` of A (a view's values), last."""
    return A.diagonal(offset=offset, dim1=dim1, dim2=dim2)


def vander(x: Tensor, N: int | None = None) -> Tensor:  # noqa: N803
    """The Vandermonde matrices of the vectors x (..., n): (..., n, N) with columns x^0, x^1, ..., x^(N-1)
    (N = n by default; a 0-d x is one element), built by a cumulative product as PyTorch (so its
    gradient at x = 0 is finite). Integers give int64.

    Raises:
        InvalidParameterError: N < 2.
        DTypeError: a bool x.
    """
    if x.dtype == np.bool_:
        raise DTypeError("linalg.vander supports floating point, complex, and integer tensors, but got Bool")
    xs = x.reshape(1) if x.ndim == 0 else x
    n = xs.shape[-1] if N is None else N
    if n <= 1:
        raise InvalidParameterError(f"linalg.vander: N must be greater than 1, got N={n}")
    xx = xs if xs.dtype.kind == "f" else xs.long()
    ones = from_numpy(np.ones((*xs.shape, 1), dtype=xx.dtype))
    powers = xx.unsqueeze(-1).expand(*xs.shape, n - 1).cumprod(-1)
    return cat([ones, powers], -1)


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:  # noqa: N803
    """The inverse of A read as a matrix of its first ``ind`` dims by the rest: shape A.shape[ind:] +
    A.shape[:ind].

    Raises:
        InvalidParameterError: ``ind`` is not positive.
        ShapeError: the product of the first ``ind`` sizes differs from that of the rest.
    """
    if ind <= 0:
        raise InvalidParameterError(f"linalg.tensorinv: Expected a strictly positive integer for 'ind', but "
                                    f"got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise ShapeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) "
                         f"== prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape((*A.shape[ind:], *A.shape[:ind]))


def tensorsolve(A: Tensor, B: Tensor, dims: Sequence[int] | None = None) -> Tensor:  # noqa: N803
    """X with tensordot(A, X, X.ndim) = B: the dims ``dims`` of A are first moved to the end; X has the
    shape of A's trailing dims beyond B's.

    Raises:
        ShapeError: the product of B's sizes differs from that of X's.
    """
    if dims is not None:
        moved = [d % A.ndim for d in dims]
        A = A.permute((*[d for d in range(A.ndim) if d not in moved], *moved))  # noqa: N806
    x_shape = A.shape[B.ndim:]
    rows, cols = math.prod(B.shape), math.prod(x_shape)
    if rows != cols or math.prod(A.shape) != rows * cols:
        raise ShapeError(f"linalg.tensorsolve: Expected self to satisfy the requirement "
                         f"prod(result_shape) == prod(other.shape), but got {cols} != {math.prod(B.shape)}")
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(tuple(x_shape))


# ------------------------------------------------------------------ LU (one primitive, ops.LU)


class LUResult(NamedTuple):
    """``linalg.lu``'s result: A = P L U."""

    P: Tensor
    L: Tensor
    U: Tensor


class LUFactorResult(NamedTuple):
    """``linalg.lu_factor``'s result: L and U packed in one matrix, and LAPACK's 1-based int32 pivots."""

    LU: Tensor
    pivots: Tensor


class LUFactorExResult(NamedTuple):
    """``linalg.lu_factor_ex``'s result: ``lu_factor``'s and LAPACK's ``info`` per matrix."""

    LU: Tensor
    pivots: Tensor
    info: Tensor


def _permutation(pivots: np.ndarray, m: int) -> np.ndarray:
    """The row order (..., m) that LAPACK's 0-based pivot swaps (..., k) make of 0..m-1."""
    perm: np.ndarray = np.broadcast_to(np.arange(m), (*pivots.shape[:-1], m)).copy()
    for j in range(pivots.shape[-1]):
        p = pivots[..., j:j + 1]
        at_j, at_p = perm[..., j:j + 1].copy(), np.take_along_axis(perm, p, -1)
        perm[..., j:j + 1] = at_p
        np.put_along_axis(perm, p, at_j, -1)
    return perm


def _permutation_matrix(perm: np.ndarray, dtype: np.dtype[np.generic]) -> Tensor:
    """P with P[perm[i], i] = 1: P^T A is A's rows in the order ``perm``."""
    m = perm.shape[-1]
    return from_numpy(np.swapaxes(np.eye(m, dtype=dtype)[perm], -1, -2).copy())


def _lu(fn: str, A: Tensor, pivot: bool) -> tuple[Tensor, Tensor, Tensor, np.ndarray]:  # noqa: N803
    """P, L, U and the 0-based pivots of A: LAPACK's row swaps computed on A's values, then the
    differentiable factorization (``ops.LU``) of the permuted rows."""
    a = _matrix(fn, A)
    if not pivot:
        raise UnsupportedError(f"linalg.{fn}: LU without pivoting is not implemented on the CPU")
    m, n = a.shape[-2:]
    _, pivots = _kernels.lu(a.detach().numpy())
    perm = _permutation(pivots, m)
    rows = from_numpy(np.broadcast_to(perm[..., None], (*perm.shape, n)).copy())
    lower, upper = ops.unpack(ops.LU.apply(a.gather(-2, rows)), ops.LU.parts(m, n))
    return _permutation_matrix(perm, a.dtype), lower, upper, pivots


@bool_args("pivot")
def lu(A: Tensor, *, pivot: bool = True) -> LUResult:  # noqa: N803
    """P, L, U with A = P L U for A (..., m, n): P a permutation, L (..., m, k) unit lower triangular, U
    (..., k, n) upper, k = min(m, n), with LAPACK's partial pivoting; differentiable in A (PyTorch's
    gradient, for full-rank A).

    Raises:
        UnsupportedError: ``pivot=False`` (PyTorch has it only on CUDA).
    """
    p, lower, upper, _ = _lu("lu", A, pivot)
    return LUResult(p, *_node(A, "LinalgLu", lower, upper))


def _packed(lower: Tensor, upper: Tensor) -> Tensor:
    """L's multipliers below the diagonal and U on and above it, in one (..., m, n) matrix."""
    m, k, n = lower.shape[-2], lower.shape[-1], upper.shape[-1]
    if m > k:
        upper = cat([upper, from_numpy(np.zeros((*upper.shape[:-2], m - k, n), dtype=upper.dtype))], -2)
    if n > k:
        lower = cat([lower, from_numpy(np.zeros((*lower.shape[:-2], m, n - k), dtype=lower.dtype))], -1)
    return lower.tril(-1) + upper


@bool_args("pivot", "check_errors")
def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False) -> LUFactorExResult:  # noqa: N803
    """``lu_factor``'s result and LAPACK's ``info`` per matrix: 0, or i when U[i-1, i-1] is exactly 0."""
    _, lower, upper, pivots = _lu("lu_factor_ex", A, pivot)
    k = min(A.shape[-2:])
    diagonal = upper.detach().numpy()[..., np.arange(k), np.arange(k)] if k else np.ones((*A.shape[:-2], 0))
    zero = diagonal == 0
    info = np.where(zero.any(-1), zero.argmax(-1) + 1, 0).astype(np.int32)
    one_based = from_numpy((pivots + 1).astype(np.int32))
    packed = _named(_packed(lower, upper), A, "LinalgLuFactorExBackward0")
    return LUFactorExResult(packed, one_based, from_numpy(info))


@bool_args("pivot")
def lu_factor(A: Tensor, *, pivot: bool = True) -> LUFactorResult:  # noqa: N803
    """A's LU factorization with partial pivoting in LAPACK's compact form: (LU, pivots), LU holding L's
    multipliers below the diagonal and U on and above it, pivots the 1-based int32 row swaps;
    differentiable in A. Use with :func:`lu_solve` or ``mg.lu_unpack``.

    Raises:
        UnsupportedError: ``pivot=False`` (PyTorch has it only on CUDA).
    """
    lu_, pivots, _ = lu_factor_ex(A, pivot=pivot)
    return LUFactorResult(lu_, pivots)


def lu_unpack(LU: Tensor, pivots: Tensor, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> LUResult:
    """P, L, U from ``lu_factor``'s compact form (empty tensors for the parts not asked for);
    differentiable in LU."""
    m, n = LU.shape[-2:]
    k = min(m, n)
    empty = from_numpy(np.zeros(0, dtype=LU.dtype))
    p = empty
    if unpack_pivots:
        p = _permutation_matrix(_permutation(pivots.numpy(force=True).astype(np.int64) - 1, m), LU.dtype)
    if not unpack_data:
        return LUResult(p, empty, empty)
    lower = LU[..., :, :k].tril(-1) + from_numpy(np.eye(m, k, dtype=LU.dtype))
    return LUResult(p, lower, LU[..., :k, :].triu())


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,  # noqa: N803
             adjoint: bool = False) -> Tensor:
    """X with A X = B (``left=False``: X A = B; ``adjoint``: A^T in place of A) for A = P L U given by
    ``lu_factor``: triangular solves, differentiable in LU and B.

    Raises:
        DTypeError: LU and B of two dtypes (PyTorch's RuntimeError).
    """
    return _named(_lu_solve(LU, pivots, B, left, adjoint), LU, "LinalgLuSolveBackward0")


def _lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, left: bool, adjoint: bool) -> Tensor:  # noqa: N803
    _same_dtype("linalg.lu_solve: ", LU, B, ("LU", "B"))
    p, lower, upper = lu_unpack(LU, pivots)
    if left and not adjoint:
        y = solve_triangular(lower, p.mT @ B, upper=False, unitriangular=True)
        return solve_triangular(upper, y, upper=True)
    if left:
        y = solve_triangular(upper.mT, B, upper=False)
        return p @ solve_triangular(lower.mT, y, upper=True, unitriangular=True)
    if not adjoint:
        y = solve_triangular(upper, B, upper=True, left=False)
        return solve_triangular(lower, y, upper=False, left=False, unitriangular=True) @ p.mT
    y = solve_triangular(lower.mT, B @ p, upper=True, left=False, unitriangular=True)
    return solve_triangular(upper.mT, y, upper=False, left=False)


# ------------------------------------------------------------------ Householder products (compositions)


def householder_q(A: Tensor, tau: Tensor) -> Tensor:  # noqa: N803
    """The full (..., m, m) product H_1 ... H_k of the reflectors H_i = I - tau_i v_i v_i^T whose vectors
    v_i are A's columns below the diagonal with a 1 on it (LAPACK's geqrf form), k = tau.shape[-1]."""
    m, k = A.shape[-2], tau.shape[-1]
    v = A[..., :, :k].tril(-1) + from_numpy(np.eye(m, k, dtype=A.dtype))
    q = from_numpy(np.broadcast_to(np.eye(m, dtype=A.dtype), (*A.shape[:-2], m, m)).copy())
    if k == 0:  # no reflector: the identity, still a function of A and tau (as PyTorch's result is)
        return q + v @ (tau.unsqueeze(-1) * v.mT)
    for i in range(k):
        vi = v[..., :, i:i + 1]
        q = q - ((q @ vi) * tau[..., i:i + 1].unsqueeze(-1)) @ vi.mT
    return q


def householder_product(A: Tensor, tau: Tensor) -> Tensor:  # noqa: N803
    """The first n columns of the product of the Householder reflectors stored in A (..., m, n) and tau
    (..., k), as ``geqrf`` leaves them (the Q of a QR decomposition); differentiable in A and tau.

    Raises:
        ShapeError: A has fewer than 2 dims, tau not one dim fewer, m < n, k > n, or batch dims of A and
            tau that differ (each in PyTorch's words).
        DTypeError: tau's dtype is not A's.
        UnsupportedError: A is not float32 or float64 (PyTorch's NotImplementedError).
    """
    where_ = "torch.linalg.householder_product:"
    if A.ndim < 2:
        raise ShapeError(f"{where_} input must have at least 2 dimensions.")
    if tau.ndim != A.ndim - 1:
        raise ShapeError(f"{where_} Expected tau to have one dimension less than input, but got tau.ndim "
                         f"equal to {tau.ndim} and input.ndim is equal to {A.ndim}")
    m, n = A.shape[-2:]
    if m < n:
        raise ShapeError(f"{where_} input.shape[-2] must be greater than or equal to input.shape[-1]")
    if tau.shape[-1] > n:
        raise ShapeError(f"{where_} input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.shape[:-1] != A.shape[:-2]:
        raise ShapeError(f"{where_} Expected batch dimensions of tau to be equal to input.shape[:-2], but "
                         f"got {list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise DTypeError(f"{where_} tau dtype {scalar_type_name(tau.dtype)} does not match input dtype "
                         f"{scalar_type_name(A.dtype)}")
    if A.dtype not in (np.float32, np.float64):
        raise kernel_error("orgqr", A.dtype)
    return _named(householder_q(A, tau)[..., :, :n], A, "LinalgHouseholderProductBackward0", False, A, tau)


# PyTorch's type names and reprs (torch.return_types.linalg_qr(\nQ=...,\nR=...)): code and prints that read
# them see the same
for _result, _name in ((QRResult, "linalg_qr"), (SVDResult, "linalg_svd"), (EighResult, "linalg_eigh"),
                       (SlogdetResult, "linalg_slogdet"), (LstsqResult, "linalg_lstsq"),
                       (SolveExResult, "linalg_solve_ex"), (InvExResult, "linalg_inv_ex"),
                       (CholeskyExResult, "linalg_cholesky_ex"), (LUResult, "linalg_lu"),
                       (LUFactorResult, "linalg_lu_factor"), (LUFactorExResult, "linalg_lu_factor_ex")):
    _result.__name__ = _result.__qualname__ = _name
    _result.__repr__ = result_repr  # type: ignore[method-assign]

# torch.linalg's functions take out= (linear_operator's psd_safe_cholesky passes cholesky_ex's, None or an
# (L, info) pair), except these, whose out= is PyTorch's TypeError too
_out.accept_out(globals(), [n for n in __all__
                            if n not in ("LinAlgError", "diagonal", "matrix_exp", "vander")], "linalg_")
_public.expose(globals(), __all__, "linalg_")  # (the rest: __torch_function__ dispatch, numbers refused)
