"""``minigrad.linalg``: the vector operations of ``torch.linalg`` that small scripts use.

``cross``, ``vector_norm`` and ``norm`` (vector norms, and the Frobenius
norm of the whole tensor); compositions of the ops in ``matrix_ops`` and
``reductions``. Matrix decompositions are not part of minigrad.
"""

from __future__ import annotations

from typing import Any

from minigrad.matrix_ops import cross
from minigrad.reductions import norm as _norm
from minigrad.tensor import Tensor

__all__ = ["cross", "norm", "vector_norm"]


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,  # noqa: A002
                dtype: Any = None) -> Tensor:
    """The ``ord``-norm of the flattened tensor (or over ``dim``): (sum |x|**ord) ** (1/ord)."""
    return _norm(x, ord, dim, keepdim, dtype)


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,  # noqa: A002, N803
         dtype: Any = None) -> Tensor:
    """A vector norm (``ord`` a number, or None for 2 / Frobenius over all elements).

    Raises:
        InvalidParameterError: matrix orders ('nuc', 2 over two dims) are not supported.
    """
    from minigrad.errors import InvalidParameterError

    if ord in ("nuc",) or (ord is not None and ord != "fro" and isinstance(dim, tuple) and len(dim) == 2):
        raise InvalidParameterError(f"linalg.norm: matrix norm ord={ord!r} is not supported by minigrad")
    return _norm(A, 2 if ord in (None, "fro") else ord, dim, keepdim, dtype)
