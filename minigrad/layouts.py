"""Layouts: ``mg.strided`` and PyTorch's other ``torch.layout`` constants.

minigrad's tensors are all dense (``x.layout`` is ``strided``); the sparse and
jagged constants exist so scripts can name and compare them.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = [
    "jagged", "layout", "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc", "sparse_csr", "strided",
]  # fmt: skip


_C = TypeVar("_C", bound="NamedConstant")


class NamedConstant:
    """The base of PyTorch's constant types (``torch.layout``, ``torch.memory_format``): a fixed set of
    named objects, shown as ``torch.<name>``, with no public constructor.

    Raises:
        TypeError: on calling the type (``layout()``), as PyTorch.
    """

    __slots__ = ("_name",)
    _name: str

    def __new__(cls, *args: Any, **kwargs: Any) -> NamedConstant:
        raise TypeError(f"cannot create 'torch.{cls.__name__}' instances")

    @classmethod
    def _make(cls: type[_C], name: str) -> _C:
        new = object.__new__(cls)
        object.__setattr__(new, "_name", name)
        return new

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self) -> str:
        return self._name  # pickled and copied by name: each constant stays the one object


class layout(NamedConstant):  # noqa: N801 - PyTorch's name
    """The type of the layout constants; as PyTorch, it has no public constructor."""

    __slots__ = ()


layout.__module__ = "minigrad"  # where pickle finds the constants, as PyTorch's under torch
strided = layout._make("strided")
sparse_coo = layout._make("sparse_coo")
sparse_csr = layout._make("sparse_csr")
sparse_csc = layout._make("sparse_csc")
sparse_bsr = layout._make("sparse_bsr")
sparse_bsc = layout._make("sparse_bsc")
jagged = layout._make("jagged")
