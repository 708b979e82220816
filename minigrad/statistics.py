"""Variance and standard deviation as functions: ``var``, ``std``, ``var_mean``, ``std_mean`` (as torch's).

Each is a thin front over ``Tensor.var`` / ``Tensor.std`` (one ``ops.Var``
primitive) accepting PyTorch's spellings: ``correction=`` (keyword), the
older ``unbiased`` flag (positional after ``dim``, or alone in place of
``dim``: ``torch.var(x, False)``), ``dim`` as an int, a tuple or negative.
"""

from __future__ import annotations

from collections.abc import Sequence

from minigrad._tensor_methods import dim_aliases
from minigrad.tensor import Tensor

__all__ = ["std", "std_mean", "var", "var_mean"]

Dim = int | Sequence[int] | None


def _args(dim: Dim | bool, unbiased: bool | None, correction: float | None) -> tuple[Dim, float, bool | None]:
    if isinstance(dim, bool):  # torch.var(x, unbiased)
        dim, unbiased = None, dim
    return dim, 1 if correction is None else correction, unbiased


@dim_aliases
def var(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002 - PyTorch's name
        keepdim: bool = False, *, correction: float | None = None) -> Tensor:
    """Variance of ``input`` over ``dim`` (see :meth:`Tensor.var`); ``correction`` defaults to 1."""
    d, c, u = _args(dim, unbiased, correction)
    return input.var(d, keepdim, c, unbiased=u)


@dim_aliases
def std(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002
        keepdim: bool = False, *, correction: float | None = None) -> Tensor:
    """Standard deviation of ``input`` over ``dim`` (see :meth:`Tensor.std`)."""
    d, c, u = _args(dim, unbiased, correction)
    return input.std(d, keepdim, c, unbiased=u)


@dim_aliases
def var_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` of ``input`` over ``dim``, as ``torch.var_mean``."""
    d, c, u = _args(dim, unbiased, correction)
    return input.var(d, keepdim, c, unbiased=u), input.mean(d, keepdim)


@dim_aliases
def std_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` of ``input`` over ``dim``, as ``torch.std_mean``."""
    d, c, u = _args(dim, unbiased, correction)
    return input.std(d, keepdim, c, unbiased=u), input.mean(d, keepdim)
