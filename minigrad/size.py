"""Shapes and element counts: ``mg.Size`` (``Tensor.shape``'s type, as ``torch.Size``) and ``mg.numel``."""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from typing import Any, SupportsIndex, overload

from minigrad import _format

__all__ = ["Size"]


class Size(tuple[int, ...]):
    """A tensor's shape: a tuple of ints, as ``torch.Size`` (``Size([2, 3]) == (2, 3)``).

    Everything a tuple does works (indexing, unpacking, ``==`` with tuples,
    hashing); slicing, ``+`` and ``*`` give a ``Size`` again, and
    ``numel()`` is the number of elements a tensor of this shape holds.
    ``Size(sizes)`` takes an iterable of ints (or of one-element integer
    tensors).

    Raises:
        TypeError: ``sizes`` is not iterable, or an item is not an int.
    """

    __slots__ = ()

    def __new__(cls, sizes: Iterable[Any] = ()) -> Size:
        items = []
        for i, s in enumerate(sizes):
            if not hasattr(s, "__index__"):
                raise TypeError(f"Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')")
            items.append(operator.index(s))
        return super().__new__(cls, items)

    def numel(self) -> int:
        """The number of elements of a tensor of this shape (1 for ``Size([])``)."""
        return math.prod(self)

    @overload
    def __getitem__(self, index: SupportsIndex) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Size: ...

    def __getitem__(self, index: SupportsIndex | slice) -> int | Size:
        if isinstance(index, slice):
            return tuple.__new__(Size, super().__getitem__(index))
        return super().__getitem__(index)

    def __add__(self, other: tuple[Any, ...]) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + other)

    def __radd__(self, other: tuple[Any, ...]) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(other + tuple(self))

    def __mul__(self, n: SupportsIndex) -> Size:
        return tuple.__new__(Size, tuple(self) * n)

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"{_format.NAMESPACE}.Size({list(self)})"

    __str__ = __repr__


def as_size(shape: tuple[int, ...]) -> Size:
    """A numpy shape (a tuple of ints already) as a ``Size``, without checking the items again."""
    return tuple.__new__(Size, shape)
