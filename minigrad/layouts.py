"""Layouts: ``mg.strided`` and PyTorch's other ``torch.layout`` constants.

minigrad's tensors are all dense (``x.layout`` is ``strided``); the sparse and
jagged constants exist so scripts can name and compare them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "jagged", "layout", "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc", "sparse_csr", "strided",
]  # fmt: skip


class layout:  # noqa: N801 - PyTorch's name
    """The type of the layout constants; as PyTorch, it has no public constructor.

    Raises:
        TypeError: on ``layout()``.
    """

    __slots__ = ("_name",)
    _name: str

    def __new__(cls, *args: Any, **kwargs: Any) -> layout:
        raise TypeError("cannot create 'torch.layout' instances")

    @classmethod
    def _make(cls, name: str) -> layout:
        new = object.__new__(cls)
        object.__setattr__(new, "_name", name)
        return new

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self) -> str:
        return self._name  # pickled and copied by name: each constant stays the one object


layout.__module__ = "minigrad"  # where pickle finds the constants, as PyTorch's under torch
strided = layout._make("strided")
sparse_coo = layout._make("sparse_coo")
sparse_csr = layout._make("sparse_csr")
sparse_csc = layout._make("sparse_csc")
sparse_bsr = layout._make("sparse_bsr")
sparse_bsc = layout._make("sparse_bsc")
jagged = layout._make("jagged")
