"""Unflatten: one dim split into several (the inverse of ``Flatten``, which lives in ``activation.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn.functional._windows import _is_int
from minigrad.nn.module import Module
from minigrad.tensor import Tensor, _norm_dim

__all__ = ["Unflatten"]


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (one entry may be -1): (*, n, *) -> (*, s1, s2, ..., *).

    Raises:
        InvalidParameterError: dim is not an int, or unflattened_size is not a non-empty
            tuple of ints (positive, or one -1).
        ShapeError (call): the sizes' product differs from the size of ``dim``.
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if not _is_int(dim):
            raise InvalidParameterError(f"Unflatten: dim must be an int, got dim={dim!r}")
        sizes = tuple(unflattened_size) if isinstance(unflattened_size, (tuple, list)) else None
        if (not sizes or not all(_is_int(s) and (s >= 0 or s == -1) for s in sizes)
                or sum(s == -1 for s in sizes) > 1):
            raise InvalidParameterError("Unflatten: unflattened_size must be a non-empty tuple of sizes (at "
                                        f"most one -1), got unflattened_size={unflattened_size!r}")
        self.dim = int(dim)
        self.unflattened_size = sizes

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The input with dim ``dim`` split."""
        d = _norm_dim(self.dim, input.ndim)
        try:
            return input.reshape(*input.shape[:d], *self.unflattened_size, *input.shape[d + 1:])
        except ShapeError:
            raise ShapeError(f"Unflatten: unflattened_size {self.unflattened_size} does not fit dim "
                             f"{self.dim} of size {input.shape[d]} in input of shape {input.shape}") from None

    def extra_repr(self) -> str:
        """dim and the sizes."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
