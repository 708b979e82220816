"""``torch.functional``: the module PyTorch defines ``einsum``, ``meshgrid``, ``norm``, ``split``,
``unique``... in before exporting them at top level. Each name here is minigrad's top-level function
itself (``torch.functional.einsum is torch.einsum``, as in PyTorch); ``stft`` and ``istft`` are not in
minigrad. Scripts reach it as ``import torch.functional as F`` (PyTorch's "Building Models" tutorial).
"""

from __future__ import annotations

import minigrad as _mg

_NAMES = (
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "cdist", "chain_matmul", "einsum", "lu", "meshgrid", "norm", "pca_lowrank", "split",
    "svd_lowrank", "tensordot", "unique", "unique_consecutive", "unravel_index",
)  # fmt: skip
globals().update({_name: getattr(_mg, _name) for _name in _NAMES})
__all__ = list(_NAMES)
