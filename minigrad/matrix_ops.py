"""Products and matrix structure, as PyTorch spells them: ``mm``, ``bmm``, ``outer``, ``einsum``,
``tensordot``, ``tril``, ``diag``, ``trace``, ...

All are compositions: every contraction ends in the ``Matmul`` primitive
after permutes and reshapes (``einsum`` takes diagonals, sums out indices
used once, then multiplies operands pairwise), and the triangle and diagonal
helpers are ``where``, ``GetItem`` and ``IndexAdd``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._tensor_methods import provide
from minigrad.dtypes import c_type_name, kernel_error, scalar_type_name, tensor_type_name
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    _BoolProductError,
    _NotTensorError,
    bool_args,
    int_error,
    not_tensor_error,
)
from minigrad.shapes import check_broadcast, expand_to_error, norm_dim
from minigrad.tensor import Tensor, _named, cat, from_numpy, matmul, stack, where

__all__ = [
    "addbmm", "addmm", "addmv", "addr", "baddbmm", "bmm", "diag", "diag_embed", "diagflat", "diagonal", "dot",
    "einsum", "ger", "inner", "kron", "mm", "mv", "outer", "tensordot", "trace", "tril", "triu", "vander",
    "vdot",
]  # fmt: skip


def _need(fn: str, t: Tensor, ndim: int, words: str = "") -> None:
    """``t`` a Tensor of ``ndim`` dims, else a ShapeError led by PyTorch's ``words`` ({nd}: its dims)."""
    if not isinstance(t, Tensor):
        raise _NotTensorError(f"{fn}: expected a Tensor, got {type(t).__name__}")
    if t.ndim != ndim:
        torch_words = words.format(nd=t.ndim) + " (" if words else ""
        close = ")" if words else ""
        raise ShapeError(f"{torch_words}{fn}: expected a {ndim}-D tensor, got shape {t.shape}{close}")


def mm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    """The matrix product of (n, m) and (m, p) matrices."""
    _need("mm", input, 2, "self must be a matrix")
    _need("mm", mat2, 2, "mat2 must be a matrix")
    if input.is_sparse and mat2.is_sparse:
        return input.mm(mat2)  # (sparse, as PyTorch's)
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    """Batched matrix product of (b, n, m) and (b, m, p), without broadcasting.

    Raises:
        ShapeError: not 3-D, or the batch sizes differ.
    """
    _need("bmm", input, 3, "batch1 must be a 3D tensor")
    _need("bmm", mat2, 3, "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:  # (PyTorch's words first)
        raise ShapeError(f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, "
                         f"{input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]. "
                         f"(bmm of {input.shape} and {mat2.shape})")
    return _named(matmul(input, mat2), input, "BmmBackward0")


def mv(input: Tensor, vec: Tensor) -> Tensor:  # noqa: A002
    """Matrix (n, m) times vector (m,)."""
    if isinstance(input, Tensor) and isinstance(vec, Tensor) and (input.ndim != 2 or vec.ndim != 1):
        raise ShapeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim} (mv of "
                         f"{input.shape} and {vec.shape})")
    _need("mv", input, 2)
    _need("mv", vec, 1)
    return matmul(input, vec)


def dot(input: Tensor, tensor: Tensor) -> Tensor:  # noqa: A002
    """The inner product of two 1-D tensors of the same size.

    Raises:
        ShapeError: not two 1-D tensors of one size (PyTorch's words).
    """
    if isinstance(input, Tensor) and isinstance(tensor, Tensor) and (input.ndim != 1 or tensor.ndim != 1):
        raise ShapeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors (dot of "
                         f"{input.shape} and {tensor.shape})")
    _need("dot", input, 1)
    _need("dot", tensor, 1)
    if input.shape != tensor.shape and input.dtype == tensor.dtype:  # (matmul words a dtype clash first)
        n, m = input.shape[0], tensor.shape[0]
        raise ShapeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
                         f"number of elements, but got {n} and {m} elements respectively (dot)")
    return matmul(input, tensor)


def vdot(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The inner product of two 1-D tensors of the same size (real tensors: ``dot``'s value), as its own
    op (VdotBackward0).

    Raises:
        ShapeError: not two 1-D tensors of one size.
    """
    return _named(dot(input, other), input, "VdotBackward0")


def inner(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Sum of products over the last dims (a scalar times a tensor for 0-d inputs)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


def outer(input: Tensor, vec2: Tensor) -> Tensor:  # noqa: A002
    """The outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    _need("outer", input, 1, "outer: Expected 1-D argument self, but got {nd}-D")
    _need("outer", vec2, 1, "outer: Expected 1-D argument vec2, but got {nd}-D")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * (mat1 @ mat2); input is ignored when beta is 0.

    Shapes: mat1 (n, m), mat2 (m, p), input broadcastable to (n, p) -> (n, p).

    Raises:
        ShapeError: mat1 or mat2 is not 2-D, their inner sizes differ, or input
            does not broadcast to (n, p).
    """
    _need("addmm", mat1, 2, "mat1 must be a matrix, got {nd}-D tensor")
    _need("addmm", mat2, 2, "mat2 must be a matrix, got {nd}-D tensor")
    _fits("addmm", input, (mat1.shape[0], mat2.shape[1]))
    if mat1._array.dtype != mat2._array.dtype:  # (nn.Linear's product: a float64 batch into a float32 layer)
        raise DTypeError(f"mat1 and mat2 must have the same dtype, but got {scalar_type_name(mat1.dtype)} "
                         f"and {scalar_type_name(mat2.dtype)} (convert one with .to(other.dtype))")
    if mat1._array.dtype == np.bool_:  # (the fused op would take numpy's logical product)
        raise _BoolProductError('"addmm_impl_cpu_" not implemented for \'Bool\' (as PyTorch)')
    _same_dtype("self and mat2", input, mat2)
    if _unit(beta) and _unit(alpha) and input._array.dtype == mat1._array.dtype == mat2._array.dtype:
        return ops.Addmm.apply(input, mat1, mat2)  # one op, AddmmBackward0 as in PyTorch
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * (mat @ vec); input (broadcastable to (n,)) is ignored when beta is 0.

    Raises:
        ShapeError: mat is not 2-D, vec not 1-D, their sizes differ, or input does not broadcast to (n,).
    """
    product = mv(mat, vec)
    _fits("addmv", input, product.shape)
    if not input._array.dtype == mat._array.dtype == vec._array.dtype:  # (PyTorch does not promote)
        got = ", ".join(scalar_type_name(t.dtype) for t in (input, mat))
        got += f", and {scalar_type_name(vec.dtype)}"
        raise DTypeError(f"addmv input tensors must have the same dtype, but got {got}")
    return _scaled_sum(input, product, beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * outer(vec1, vec2); input (broadcastable to (n, m)) is ignored when beta is 0.

    Raises:
        ShapeError: vec1 or vec2 is not 1-D, or input does not broadcast to (n, m).
    """
    product = outer(vec1, vec2)
    _fits("addr", input, product.shape)
    return _scaled_sum(input, product, beta, alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i].

    Shapes: batch1 (b, n, m), batch2 (b, m, p), input broadcastable to (n, p) -> (n, p).

    Raises:
        ShapeError: batch1 or batch2 is not 3-D, their sizes do not fit, or input does not broadcast.
    """
    product = bmm(batch1, batch2)
    # an integer sum keeps the batches' dtype (int32 stays int32, as PyTorch's addbmm)
    product = product.sum(0) if product.is_floating_point() else product.sum(0, dtype=product.dtype)
    _fits("addbmm", input, product.shape)
    _same_dtype("self and mat2", input, batch2)
    return _named(_scaled_sum(input, product, beta, alpha), input, "AddbmmBackward0")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:  # noqa: A002
    """The square matrix with the flattened input on its ``offset`` diagonal."""
    return diag_embed(input.reshape(-1), offset)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta * input + alpha * (batch1 @ batch2) for batches of matrices.

    Shapes: batch1 (b, n, m), batch2 (b, m, p), input broadcastable to (b, n, p) -> (b, n, p).

    Raises:
        ShapeError: batch1 or batch2 is not 3-D, their sizes do not fit, or
            input does not broadcast to (b, n, p).
    """
    _need("baddbmm", batch1, 3, "batch1 must be a 3D tensor")
    _need("baddbmm", batch2, 3, "batch2 must be a 3D tensor")
    _fits("baddbmm", input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    if batch1._array.dtype == batch2._array.dtype != input._array.dtype:  # (PyTorch does not promote)
        a, b = (c_type_name(t._array.dtype) for t in (input, batch1))  # (the C++ names PyTorch prints)
        raise DTypeError(f"Input dtypes must be the same, got: input {a}, batch1: {b}, batch2: {b}")
    return _named(_scaled_sum(input, bmm(batch1, batch2), beta, alpha), input, "BaddbmmBackward0")


def _same_dtype(words: str, input: Tensor, mat: Tensor) -> None:  # noqa: A002
    """PyTorch's addmm/addbmm refuse an ``input`` whose dtype is not the matrices' (no promotion)."""
    if input._array.dtype != mat._array.dtype:
        raise DTypeError(f"{words} must have the same dtype, but got {scalar_type_name(input.dtype)} and "
                         f"{scalar_type_name(mat.dtype)}")


def _unit(scale: Any) -> bool:
    return type(scale) is int and scale == 1


def _fits(fn: str, c: Any, shape: tuple[int, ...]) -> None:
    """Raise unless ``c`` is a Tensor that broadcasts to ``shape`` (the product's), as PyTorch's expand."""
    if not isinstance(c, Tensor):
        raise TypeError(f"{fn}: expected input to be a Tensor, got {type(c).__name__}")
    own = c.shape
    error = expand_to_error(tuple(own), tuple(shape), tensor_type_name(c.dtype))
    if error is not None:  # (PyTorch's expand words first)
        raise ShapeError(f"{error} ({fn}: input of shape {own} does not broadcast to the product's shape "
                         f"{shape})")


def _scaled_sum(c: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    if product.dtype == np.bool_:  # PyTorch's bool addr: (beta and input) or (alpha and product)
        p = product if alpha else product & False
        return p | c if beta else p
    if product.dtype.kind in "iu":  # integer products take whole scales (truncated), as PyTorch's kernels
        beta, alpha = int(beta), int(alpha)
    p = product if alpha == 1 else product * alpha
    if beta == 0:  # PyTorch ignores the values of input then (nan and inf included)
        return p
    return (c if beta == 1 else c * beta) + p


def kron(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The Kronecker product: blocks other * input[i, j, ...].

    Raises:
        TypeError: ``other`` is not a Tensor.
    """
    check_tensor("kron", "other", other, 2)
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + input.shape)
    b = other.reshape((1,) * (n - other.ndim) + other.shape)
    a2 = a.reshape(tuple(d for s in a.shape for d in (s, 1)))
    b2 = b.reshape(tuple(d for s in b.shape for d in (1, s)))
    # (PyTorch's kron ends in _unsafe_view, as its grad_fn shows)
    out = (a2 * b2).reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))
    return _named(out, input, "UnsafeViewBackward0")


@bool_args("increasing")
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803 - PyTorch's name
    """The Vandermonde matrix of a 1-D ``x``: column j is ``x ** (N - 1 - j)`` (``x ** j`` if increasing),
    shape (len(x), N), N defaulting to len(x); integer and bool x give int64. Built by cumulative
    products, as PyTorch's, so the values are the same repeated multiplications and the gradient is
    cumprod's.

    Raises:
        MinigradError: (RuntimeError, as PyTorch's) ``x`` is not 1-D, or N is negative.
    """
    if x.ndim != 1:
        raise MinigradError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise MinigradError("N must be non-negative.")
    x = x if x.dtype.kind == "f" else x.long()  # (PyTorch: integers and bools give int64, for any N)
    if n == 0:
        return x.new_empty((x.shape[0], 0))
    ones = x.new_ones((x.shape[0], 1))
    out = ones if n == 1 else cat([ones, x.unsqueeze(1).expand(x.shape[0], n - 1).cumprod(1)], 1)
    return out if increasing else out.flip(1)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract the last ``dims`` dims of a with the first of b, or the listed dims ([a dims], [b dims]).
    A contracted dim of size 1 broadcasts against the other tensor's.

    Raises:
        ShapeError: the contracted dims differ in size (and neither is 1), or an int ``dims`` exceeds
            either tensor's number of dims.
    """
    if isinstance(dims, (int, np.integer)):
        k = int(dims)
        if k < 0:
            raise InvalidParameterError(f"tensordot: dims must be non-negative, got {k}")
        if k > min(a.ndim, b.ndim):  # (PyTorch's words; shape[i] below would be a bare IndexError)
            raise ShapeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={k} "
                             f"(shapes {a.shape} and {b.shape})")
        da, db = list(range(a.ndim - k, a.ndim)), list(range(k))
    else:
        da_raw, db_raw = dims
        da = [norm_dim(d, a.ndim) for d in ([da_raw] if isinstance(da_raw, int) else da_raw)]
        db = [norm_dim(d, b.ndim) for d in ([db_raw] if isinstance(db_raw, int) else db_raw)]
    if len(da) != len(db) or any(a.shape[i] != b.shape[j] and 1 not in (a.shape[i], b.shape[j])
                                 for i, j in zip(da, db)):
        raise ShapeError(f"tensordot: contracted dims {da} of {a.shape} and {db} of {b.shape} differ")
    for i, j in zip(da, db):  # a size-1 dim broadcasts against the other's: sum that one first, as PyTorch
        if a.shape[i] != b.shape[j]:
            a, b = (a, b.sum(j, keepdim=True)) if a.shape[i] == 1 else (a.sum(i, keepdim=True), b)
    free_a = [i for i in range(a.ndim) if i not in da]
    free_b = [j for j in range(b.ndim) if j not in db]
    c = math.prod(a.shape[i] for i in da)
    # the free sizes spelled out, not -1: with c == 0, reshape cannot infer them
    na, nb = math.prod(a.shape[i] for i in free_a), math.prod(b.shape[j] for j in free_b)
    left = a.permute((*free_a, *da)).reshape(na, c) if a.ndim else a.reshape(1, 1)
    right = b.permute((*db, *free_b)).reshape(c, nb) if b.ndim else b.reshape(1, 1)
    out_shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b)
    # (PyTorch's tensordot ends in a reshape of its mm, a ViewBackward0 even where the shape is the mm's)
    return _named(matmul(left, right).reshape(out_shape), a, "ViewBackward0")


# ------------------------------------------------------------------ einsum


def _parse(equation: str, operands: Sequence[Tensor]) -> tuple[list[list[str]], list[str]]:
    """Per-operand label lists and the output labels, with '...' expanded to one label per dim."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):  # (PyTorch's words first)
        which = "fewer" if len(operands) < len(terms) else "more"
        raise InvalidParameterError(f"einsum(): {which} operands were provided than specified in the "
                                    f"equation ({len(terms)} operand terms in {equation!r} for "
                                    f"{len(operands)} tensors)")
    n_ell = 0
    for term, t in zip(terms, operands):
        if "..." in term:
            n_ell = max(n_ell, t.ndim - (len(term) - 3))
    ell = [f"\u2026{i}" for i in range(n_ell)]  # labels no equation can contain
    labels: list[list[str]] = []
    for term, t in zip(terms, operands):
        if not all(ch.isalpha() for ch in term.replace("...", "")):
            raise InvalidParameterError(f"einsum: invalid subscript in {equation!r}")
        head, _, tail = term.partition("...")
        k = t.ndim - len(head) - len(tail) if "..." in term else 0
        ls = [*head, *ell[n_ell - k :], *tail] if "..." in term else list(term)
        if len(ls) != t.ndim:
            raise ShapeError(f"einsum: term {term!r} has {len(ls)} subscripts for a tensor of shape "
                             f"{t.shape}")
        labels.append(ls)
    seen: dict[str, int] = {}
    for i, (ls, t) in enumerate(zip(labels, operands)):
        for lab, n in zip(ls, t.shape):
            if seen.get(lab, n) not in (n, 1) and n != 1:  # (PyTorch's words; a size 1 broadcasts)
                raise ShapeError(f"einsum(): subscript {lab} has size {n} for operand {i} which does not "
                                 f"broadcast with previously seen size {seen[lab]}")
            if seen.get(lab, 1) == 1:
                seen[lab] = n
    if arrow:
        head, _, tail = rhs.partition("...")
        out = [*head, *ell, *tail] if "..." in rhs else list(rhs)
    else:
        counts: dict[str, int] = {}
        for ls in labels:
            for lab in ls:
                counts[lab] = counts.get(lab, 0) + 1
        out = ell + sorted(lab for lab, c in counts.items() if c == 1 and lab not in ell)
    return labels, out


def _diagonals(t: Tensor, ls: list[str]) -> tuple[Tensor, list[str]]:
    """Take the diagonal over each repeated label of one operand ('ii->i')."""
    while len(set(ls)) < len(ls):
        lab = next(lab for lab in ls if ls.count(lab) > 1)
        i = ls.index(lab)
        j = ls.index(lab, i + 1)
        if t.shape[i] != t.shape[j]:
            raise ShapeError(f"einsum: subscript {lab!r} is repeated for an operand but the sizes don't "
                             f"match, {t.shape[i]} != {t.shape[j]}")
        t = diagonal(t, 0, i, j)
        ls = [x for k, x in enumerate(ls) if k not in (i, j)] + [lab]
    return t, ls


def _sum_out(t: Tensor, ls: list[str], keep: set[str]) -> tuple[Tensor, list[str]]:
    drop = [i for i, lab in enumerate(ls) if lab not in keep]
    if drop:
        t = t.sum(tuple(drop))
        ls = [lab for lab in ls if lab in keep]
    return t, ls


def _both_wide(lab: str, a: Tensor, la: list[str], b: Tensor, lb: list[str]) -> bool:
    """Whether label ``lab`` has a size other than 1 in both operands (only those reach the matmul)."""
    return a.shape[la.index(lab)] != 1 and b.shape[lb.index(lab)] != 1


def _contract(a: Tensor, la: list[str], b: Tensor, lb: list[str], keep: set[str]) -> tuple[Tensor, list[str]]:
    """One pairwise contraction as a batched matmul: (batch, left, k) @ (batch, k, right)."""
    sizes: dict[str, int] = {}
    for t, ls in ((a, la), (b, lb)):
        for lab, n in zip(ls, t.shape):
            if sizes.get(lab, n) not in (n, 1) and n != 1:
                raise ShapeError(f"einsum: subscript {lab!r} has sizes {sizes[lab]} and {n}")
            sizes[lab] = n if sizes.get(lab, 1) == 1 else sizes[lab]  # (a size 1 broadcasts, to 0 too)
    for lab in [x for x in la if x in lb and x not in keep and not _both_wide(x, a, la, b, lb)]:
        # PyTorch sums a contracted label of size 1 on one side out of the other side first (a sum, so
        # integers widen to int64), leaving to the product only labels wide on both sides
        ia, ib = la.index(lab), lb.index(lab)
        a = a.sum(ia) if a.shape[ia] != 1 else a.squeeze(ia)
        b = b.sum(ib) if b.shape[ib] != 1 else b.squeeze(ib)
        la, lb = [x for x in la if x != lab], [x for x in lb if x != lab]
    batch = [lab for lab in la if lab in lb and lab in keep]
    summed = [lab for lab in la if lab in lb and lab not in keep]
    left = [lab for lab in la if lab not in lb]
    right = [lab for lab in lb if lab not in la]
    pa = a.permute([la.index(x) for x in batch + left + summed])
    pb = b.permute([lb.index(x) for x in batch + summed + right])
    # a batch or summed label of size 1 on one side broadcasts against the other's size
    pa = pa.expand([s if x in left else sizes[x] for x, s in zip(batch + left + summed, pa.shape)])
    pb = pb.expand([s if x in right else sizes[x] for x, s in zip(batch + summed + right, pb.shape)])
    if not summed:  # nothing summed: a broadcast product, which promotes dtypes (and takes bools) as mul
        pa = pa.reshape((*pa.shape, *[1] * len(right)))
        pb = pb.reshape((*pb.shape[: len(batch)], *[1] * len(left), *pb.shape[len(batch) :]))
        return pa * pb, batch + left + right
    if a.dtype == np.bool_:  # PyTorch's einsum contracts with bmm, whose kernel is chosen by a's dtype
        raise _BoolProductError('"bmm" not implemented for \'Bool\' (einsum: bool tensors have no matrix '
                                "product; convert them with .long() or .float())")
    if a.dtype != b.dtype:  # (bmm's words; it does not promote)
        raise DTypeError(f"expected scalar type {scalar_type_name(a.dtype)} but found "
                         f"{scalar_type_name(b.dtype)} (einsum of {a.dtype} and {b.dtype})")
    nb = [sizes[x] for x in batch]
    m, k, n = (math.prod(sizes[x] for x in group) for group in (left, summed, right))
    out = matmul(pa.reshape(*nb, m, k), pb.reshape(*nb, k, n))
    return out.reshape((*nb, *[sizes[x] for x in left], *[sizes[x] for x in right])), batch + left + right


def _sublist_equation(args: Sequence[Any]) -> tuple[str, list[Any]]:
    """NumPy's sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` as an equation and its operands."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def term(sub: Any) -> str:
        if not isinstance(sub, (list, tuple)):
            raise TypeError(f"einsum(): expected a sublist of subscripts, got {type(sub).__name__}")
        for x in sub:
            if x is not Ellipsis and not (isinstance(x, int) and 0 <= x < len(letters)):
                raise InvalidParameterError(f"einsum(): subscript in subscript list is not within the valid "
                                            f"range [0, 52), got {x!r}")
        return "".join("..." if x is Ellipsis else letters[x] for x in sub)

    tensors, terms = list(args[0::2]), [term(sub) for sub in args[1::2]]
    if len(args) % 2:  # a last sublist gives the output
        return ",".join(terms) + "->" + term(tensors.pop()), tensors
    return ",".join(terms), tensors


def einsum(equation: Any, *operands: Any) -> Tensor:
    """Einstein summation: ``einsum('bij,bjk->bik', a, b)``; '...' and implicit outputs as in PyTorch.

    Operands may also come as one list, or in NumPy's sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` (ints 0-51 and Ellipsis). Repeated
    subscripts in one operand take a diagonal; subscripts absent from the
    output are summed.

    Raises:
        InvalidParameterError: a malformed equation, or a lone argument (PyTorch's ValueError).
        ShapeError: sizes disagree.
    """
    if not operands:  # (einsum('ij'), einsum(x): PyTorch's check comes first)
        raise InvalidParameterError("einsum(): must specify the equation string and at least one operand, or "
                                    "at least one operand and its subscripts list")
    if not isinstance(equation, str):
        equation, ops_list = _sublist_equation((equation, *operands))
        operands = tuple(ops_list)
    listed = len(operands) == 1 and isinstance(operands[0], (list, tuple))
    ts = list(operands[0]) if listed else list(operands)
    labels, out = _parse(equation, ts)
    pairs = [_diagonals(t, ls) for t, ls in zip(ts, labels)]
    for i, (t, ls) in enumerate(pairs):
        needed = set(out).union(*(set(other) for j, (_, other) in enumerate(pairs) if j != i))
        pairs[i] = _sum_out(t, ls, needed)
    acc, la = pairs[0]
    name = ""
    for i in range(1, len(pairs)):
        b, lb = pairs[i]
        keep = set(out).union(*(set(ls) for _, ls in pairs[i + 1 :]))
        # PyTorch's last pairwise step shows as its grad_fn: a contraction is a bmm viewed back to the
        # output's shape, in the output's order (ViewBackward0); a product summing nothing, a mul
        name = "ViewBackward0" if any(x in lb and x not in keep for x in la) else "MulBackward0"
        acc, la = _contract(acc, la, b, lb, keep)
    summed, la = _sum_out(acc, la, set(out))
    if len(la) != len(out) or set(la) != set(out):
        raise InvalidParameterError(f"einsum: output subscripts {''.join(out)!r} do not match the inputs")
    result = summed.permute([la.index(x) for x in out]) if la != out else summed
    return _named(result, ts[0], name) if name and summed is acc else result


# ------------------------------------------------------------------ triangles and diagonals


def check_int(fn: str, name: str, value: Any, position: int) -> None:
    """PyTorch's argument-parser TypeError for a non-int ``value`` (numpy would take 1.5 as a diagonal)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise int_error(fn, name, position, value)


def check_tensor(fn: str, name: str, value: Any, position: int) -> None:
    """PyTorch's argument-parser TypeError for a ``value`` that is not a Tensor (None, a list)."""
    if not isinstance(value, Tensor):
        raise not_tensor_error(fn, name, position, value)


def _triangle(input: Tensor, diagonal: int, lower: bool) -> Tensor:  # noqa: A002
    check_int("tril" if lower else "triu", "diagonal", diagonal, 2)
    if input.ndim < 2:
        raise ShapeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions, got "
                         f"shape {input.shape}")
    m, n = input.shape[-2:]
    ones = np.ones((m, n), dtype=bool)
    keep = np.tril(ones, diagonal) if lower else np.triu(ones, diagonal)
    return where(from_numpy(keep), input, from_numpy(np.zeros((m, n), dtype=input.dtype)))  # +0.0, as PyTorch


def tril(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    """The lower triangle (on and below ``diagonal``) of the last two dims; zeros elsewhere.

    Raises:
        TypeError: ``diagonal`` is not an int.
    """
    return _named(_triangle(input, diagonal, lower=True), input, "TrilBackward0")


def triu(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    """The upper triangle (on and above ``diagonal``) of the last two dims; zeros elsewhere.

    Raises:
        TypeError: ``diagonal`` is not an int.
    """
    return _named(_triangle(input, diagonal, lower=False), input, "TriuBackward0")


def _diag_positions(m: int, n: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    length = max(0, min(m + min(offset, 0), n - max(offset, 0)))
    rows = np.arange(length) - min(offset, 0)
    return rows, rows + offset


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:  # noqa: A002
    """The diagonal of the (dim1, dim2) planes, as a new last dim (offset > 0: above the main one)."""
    d1, d2 = norm_dim(dim1, input.ndim), norm_dim(dim2, input.ndim)
    if d1 == d2:
        raise InvalidParameterError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return input._view(ops.Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2))


def diag(input: Tensor, diagonal: int = 0) -> Tensor:  # noqa: A002
    """A 1-D tensor's square matrix with it on ``diagonal``, or a matrix's diagonal as 1-D.

    Raises:
        ShapeError: the input is not 1-D or 2-D.
    """
    if input.ndim == 2:  # a copy, as PyTorch's (not diagonal's view)
        return ops.Diagonal.apply(input, offset=diagonal, dim1=0, dim2=1, copy=True)
    if input.ndim != 1:
        raise ShapeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D (shape {input.shape})")
    return diag_embed(input, diagonal)



def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: A002
    """Matrices with the last dim of ``input`` on their ``offset`` diagonal, in the new dims ``dim1``
    (rows) and ``dim2`` (columns) of the result (which has one dim more than input).

    Raises:
        DimensionError: dim1 or dim2 out of range.
        InvalidParameterError: dim1 and dim2 name the same dim.
    """
    d1, d2 = norm_dim(dim1, input.ndim + 1), norm_dim(dim2, input.ndim + 1)
    if d1 == d2:
        raise InvalidParameterError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input.shape[-1] + abs(offset)
    rows, cols = _diag_positions(n, n, offset)
    out = ops.IndexAdd.apply(input, index=(Ellipsis, rows, cols), shape=(*input.shape[:-1], n, n))
    if (d1, d2) != (input.ndim - 1, input.ndim):  # (a new tensor, row-major as PyTorch's: not a view)
        out = out.movedim((-2, -1), (d1, d2)).contiguous()
    return _named(out, input, "DiagEmbedBackward0")  # (PyTorch's one op; diag() of 1-D is it too)


def trace(input: Tensor) -> Tensor:  # noqa: A002
    """The sum of a matrix's main diagonal.

    Raises:
        ShapeError: the input is not 2-D (PyTorch's words).
    """
    if isinstance(input, Tensor) and input.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if isinstance(input, Tensor) and input.dtype == np.bool_:
        raise kernel_error("trace", input.dtype, "")
    return _named(diagonal(input).sum(), input, "TraceBackward0")


def cross(input: Tensor, other: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (batch dims broadcast).

    Raises:
        ShapeError: inputs with different numbers of dims, ``dim`` not of size 3 in both, or shapes that do
            not broadcast.
    """
    if input.ndim != other.ndim:
        raise ShapeError(f"linalg.cross: inputs must have the same number of dimensions, got {input.shape} "
                         f"and {other.shape}")
    d = norm_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:  # both need size 3 there, not a broadcast 1
        raise ShapeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                         f"{other.shape[d]} (shapes {input.shape} and {other.shape})")
    # (check_broadcast: numpy's ValueError is no RuntimeError)
    shape = check_broadcast("linalg.cross", tuple(input.shape), tuple(other.shape))
    if input.dtype == np.bool_:  # (the kernel is chosen by input's dtype, then other's is checked against it)
        raise kernel_error("cross", input.dtype, "")
    if other.dtype != input.dtype:  # PyTorch does not promote here
        raise DTypeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                         f"{scalar_type_name(other.dtype)} (linalg.cross of {input.dtype} and {other.dtype})")
    a, b = input.expand(tuple(shape)), other.expand(tuple(shape))
    lead = (slice(None),) * d
    x = [a[lead + (i,)] for i in range(3)]  # noqa: RUF005
    y = [b[lead + (i,)] for i in range(3)]  # noqa: RUF005
    out = stack([x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]], d)
    return _named(out, input, "LinalgCrossBackward0")


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
