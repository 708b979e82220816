"""``torch.functional``: the module PyTorch defines ``torch.norm``, ``torch.einsum``, ``torch.split``, ... in.

Code imports it by that path (blitz's ``import torch.functional as F``, then ``F.norm``), so it exists
here with PyTorch's ``__all__``, each name the same object as minigrad's top-level one. ``stft`` and
``istft`` are not here: they return complex tensors, and minigrad has no complex dtypes.
"""

from __future__ import annotations

from minigrad import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    block_diag,
    broadcast_shapes,
    broadcast_tensors,
    cartesian_prod,
    cdist,
    chain_matmul,
    einsum,
    lu,
    meshgrid,
    norm,
    pca_lowrank,
    split,
    svd_lowrank,
    tensordot,
    unique,
    unique_consecutive,
    unravel_index,
)

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "cdist", "chain_matmul", "einsum", "lu", "meshgrid", "norm", "pca_lowrank", "split",
    "svd_lowrank", "tensordot", "unique", "unique_consecutive", "unravel_index",
]  # fmt: skip
