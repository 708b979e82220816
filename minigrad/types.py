"""``torch.types``: the annotation aliases PyTorch code imports (``from torch.types import Number``).

``Number``, ``Device`` and ``FileLike`` are PyTorch's public ones; the underscore names (``_size``,
``_dtype``, ``_device``, ...) are the ones its own signatures use and libraries copy. Each is the same
union or class as PyTorch's, over minigrad's classes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, TypeAlias, Union

from minigrad.device import device as _device
from minigrad.dtypes import dtype as _dtype  # noqa: F401  (torch.types._dtype)
from minigrad.layouts import layout as _layout  # noqa: F401  (torch.types._layout)
from minigrad.size import Size
from minigrad.tensor import Tensor

_int: TypeAlias = int
_float: TypeAlias = float
_bool: TypeAlias = bool
_complex: TypeAlias = complex
_size: TypeAlias = Size | list[int] | tuple[int, ...]
_TensorOrTensors: TypeAlias = Tensor | Sequence[Tensor]

Number: TypeAlias = int | float | bool
Device: TypeAlias = _device | str | int | None
FileLike: TypeAlias = Union[str, os.PathLike[str], IO[bytes]]  # (a Union: it prints as PyTorch's)

__all__ = ["Device", "FileLike", "Number"]  # (the underscore aliases are importable, unlisted, as PyTorch's)
