"""Function forms of the Tensor's core reductions: ``mg.sum(x, 1)``, ``mg.max(x, dim=0)``, ``mg.max(a, b)``.

Each calls the Tensor method of the same name (kept apart from
``reductions.py`` because these names shadow Python's ``sum``, ``max``,
``min``, ``all`` and ``any``).
"""

from __future__ import annotations

from typing import Any

from minigrad._tensor_methods import dim_aliases
from minigrad.tensor import Tensor

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "log_softmax", "logsumexp", "max", "mean", "min",
    "softmax", "sum",
]  # fmt: skip


@dim_aliases
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001, A002
    """``input.sum(dim, keepdim, dtype=dtype)``."""
    return input.sum(dim, keepdim, dtype=dtype)


@dim_aliases
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """``input.mean(dim, keepdim, dtype=dtype)``."""
    return input.mean(dim, keepdim, dtype=dtype)


@dim_aliases
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:  # noqa: A001, A002
    """The largest value, ``(values, indices)`` along an int ``dim``, or with a tensor (``dim`` or ``other``,
    PyTorch's keyword) the elementwise max."""
    return input.max(dim if other is None else other, keepdim)


@dim_aliases
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:  # noqa: A001, A002
    """The smallest value, ``(values, indices)`` along an int ``dim``; with a tensor (``dim`` or ``other``,
    PyTorch's keyword), the elementwise min."""
    return input.min(dim if other is None else other, keepdim)


@dim_aliases
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:  # noqa: A002
    """The maximum over ``dim`` (an int or a tuple; all dims when empty)."""
    return input.amax(dim if dim != () else None, keepdim)


@dim_aliases
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:  # noqa: A002
    """The minimum over ``dim`` (an int or a tuple; all dims when empty)."""
    return input.amin(dim if dim != () else None, keepdim)


@dim_aliases
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The index of the first maximum (of the flattened tensor when dim is None)."""
    return input.argmax(dim, keepdim)


@dim_aliases
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The index of the first minimum (of the flattened tensor when dim is None)."""
    return input.argmin(dim, keepdim)


@dim_aliases
def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    """log(sum(exp(input))) over ``dim``, computed stably."""
    return input.logsumexp(dim, keepdim)


@dim_aliases
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """True where every element over ``dim`` is non-zero."""
    return input.all(dim, keepdim)


@dim_aliases
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """True where any element over ``dim`` is non-zero."""
    return input.any(dim, keepdim)


@dim_aliases
def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along ``dim``."""
    return input.softmax(dim, dtype)


@dim_aliases
def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along ``dim``."""
    return input.log_softmax(dim, dtype)
