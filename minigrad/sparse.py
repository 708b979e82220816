"""``torch.sparse`` and ``torch.spmm`` on the tensors minigrad has: dense ones.

PyTorch's sparse matrix products also take dense (strided) operands, and
graph-network scripts call them on dense adjacency matrices: ``torch.spmm(adj,
x)``, ``torch.sparse.mm(adj, x)``, ``torch.sparse.addmm``. These are those
forms, with PyTorch's results, gradients and errors. minigrad has no sparse
layout, so ``torch.sparse_coo_tensor`` and ``Tensor.to_sparse`` do not exist.
"""

from __future__ import annotations

from minigrad.tensor import Tensor

__all__ = ["addmm", "mm", "spmm"]


def spmm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input @ mat2`` of (n, m) and (m, p) matrices, as ``torch.spmm`` on dense operands.

    Raises:
        ShapeError: the shapes cannot be multiplied.
    """
    return input.mm(mat2)


def mm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """``mat1 @ mat2``, as ``torch.sparse.mm`` on dense operands (which computes ``(mat2ᵀ mat1ᵀ)ᵀ``: its
    errors name the transposed shapes, as PyTorch's do).

    Raises:
        ShapeError: the shapes cannot be multiplied.
    """
    return mat2.t().mm(mat1.t()).transpose(0, 1)


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1.0, alpha: float = 1.0) -> Tensor:
    """``beta * mat + alpha * (mat1 @ mat2)``, as ``torch.sparse.addmm`` on dense operands.

    Raises:
        ShapeError: the shapes cannot be multiplied or ``mat`` does not broadcast to the product.
    """
    return mat.addmm(mat1, mat2, beta=beta, alpha=alpha)
