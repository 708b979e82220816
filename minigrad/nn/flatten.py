"""Flatten and Unflatten: reshaping layers that merge dims into one and split one dim into several."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from minigrad.errors import DimensionError, ShapeError, _ArgumentTypeError
from minigrad.nn import _checks
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge dims ``start_dim..end_dim`` into one: (N, C, L) -> (N, C * L) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The input with the dims merged."""
        return _checks.tensor("Flatten", input).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def _int_sizes(value: Any) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or not all(_checks.is_int(s) for s in value):
        raise _ArgumentTypeError(  # (PyTorch's TypeError)
            f"unflattened_size must be a tuple or list of ints, got unflattened_size={value!r}"
        )
    return tuple(int(s) for s in value)


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size``: Unflatten(1, (2, 5)) maps (N, 10) to (N, 2, 5).

    One entry of ``unflattened_size`` may be -1 (inferred). The sizes' product
    must equal the input's size along ``dim``.

    Raises:
        InvalidParameterError: ``dim`` not an int, ``unflattened_size`` not a sequence of ints.
        ShapeError (call): the sizes do not multiply to the input's size along ``dim``.
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        _checks.int_argument("unflatten", "dim", 1, dim)  # (the TypeError of PyTorch's forward's unflatten)
        self.dim = int(dim)
        self.unflattened_size = unflattened_size
        self._sizes = _int_sizes(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The input with dim ``dim`` split."""
        shape = _checks.tensor("Unflatten", input).shape
        d = self.dim + len(shape) if self.dim < 0 else self.dim
        if not 0 <= d < len(shape):
            raise DimensionError(  # (PyTorch's words and IndexError)
                f"Dimension out of range (expected to be in range of [{-max(len(shape), 1)}, "
                f"{max(len(shape), 1) - 1}], but got {self.dim}) (Unflatten: dim {self.dim} is out of range "
                f"for input of shape {shape})")
        known = math.prod(s for s in self._sizes if s != -1)
        fits = shape[d] == known if -1 not in self._sizes else known and shape[d] % known == 0
        if not fits or self._sizes.count(-1) > 1:
            raise ShapeError(
                f"unflatten: Provided sizes {list(self._sizes)} don't multiply up to the size of dim "
                f"{self.dim} ({shape[d]}) in the input tensor (Unflatten: unflattened_size "
                f"{self.unflattened_size} does not fit input of shape {shape})"
            )
        return input.reshape((*shape[:d], *self._sizes, *shape[d + 1:]))

    def extra_repr(self) -> str:
        """``dim=..., unflattened_size=...``."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
