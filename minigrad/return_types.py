"""Named tuples returned by reductions that give values and indices, as ``torch.return_types``.

``values, indices = x.max(1)`` unpacks like a tuple; ``x.max(1).values``
reads by name. Each class is a ``typing.NamedTuple`` of tensors.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any, NamedTuple

from minigrad import _format

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

__all__ = [
    "aminmax", "cummax", "cummin", "frexp", "histogram", "histogramdd", "kthvalue", "max", "median", "min",
    "mode", "nanmedian", "qr", "slogdet", "sort", "svd", "topk", "triangular_solve",
]  # fmt: skip


class max(NamedTuple):  # noqa: N801, A001 - PyTorch's names
    """``x.max(dim)``: the largest values and their indices along dim."""

    values: Tensor
    indices: Tensor


class min(NamedTuple):  # noqa: N801, A001
    """``x.min(dim)``: the smallest values and their indices along dim."""

    values: Tensor
    indices: Tensor


class sort(NamedTuple):  # noqa: N801
    """``x.sort(dim)``: the sorted values and the permutation that sorts."""

    values: Tensor
    indices: Tensor


class topk(NamedTuple):  # noqa: N801
    """``x.topk(k)``: the k largest (or smallest) values and their indices."""

    values: Tensor
    indices: Tensor


class kthvalue(NamedTuple):  # noqa: N801
    """``x.kthvalue(k)``: the k-th smallest value and its index."""

    values: Tensor
    indices: Tensor


class median(NamedTuple):  # noqa: N801
    """``x.median(dim)``: the lower median and its index."""

    values: Tensor
    indices: Tensor


class nanmedian(NamedTuple):  # noqa: N801
    """``x.nanmedian(dim)``: the lower median ignoring nan, and its index."""

    values: Tensor
    indices: Tensor


class mode(NamedTuple):  # noqa: N801
    """``x.mode(dim)``: the most frequent value (the smallest on ties) and its last index."""

    values: Tensor
    indices: Tensor


class cummax(NamedTuple):  # noqa: N801
    """``x.cummax(dim)``: running maxima and where each was reached."""

    values: Tensor
    indices: Tensor


class cummin(NamedTuple):  # noqa: N801
    """``x.cummin(dim)``: running minima and where each was reached."""

    values: Tensor
    indices: Tensor


class aminmax(NamedTuple):  # noqa: N801
    """``mg.aminmax(x)``: the minimum and the maximum."""

    min: Tensor
    max: Tensor


class frexp(NamedTuple):  # noqa: N801
    """``mg.frexp(x)``: the mantissas (in [0.5, 1) by magnitude) and the int32 exponents."""

    mantissa: Tensor
    exponent: Tensor


class histogram(NamedTuple):  # noqa: N801
    """``mg.histogram(x, bins)``: the counts (or densities) and the bin edges."""

    hist: Tensor
    bin_edges: Tensor


class histogramdd(NamedTuple):  # noqa: N801
    """``mg.histogramdd(x, bins)``: the N-dimensional counts (or densities) and a tuple of N edge tensors."""

    hist: Tensor
    bin_edges: tuple[Tensor, ...]


class svd(NamedTuple):  # noqa: N801
    """``mg.svd(A)``: U, the singular values S and V (not its transpose) with A = U diag(S) V^T."""

    U: Tensor
    S: Tensor
    V: Tensor


class qr(NamedTuple):  # noqa: N801
    """``mg.qr(A)``: Q with orthonormal columns and upper-triangular R, A = Q R."""

    Q: Tensor
    R: Tensor


class slogdet(NamedTuple):  # noqa: N801
    """``mg.slogdet(A)``: the sign and the log of the absolute value of the determinant."""

    sign: Tensor
    logabsdet: Tensor


class triangular_solve(NamedTuple):  # noqa: N801
    """``mg.triangular_solve(B, A)``: the solution X and a copy of A."""

    solution: Tensor
    cloned_coefficient: Tensor


def result_repr(self: Any) -> str:
    """PyTorch's layout: ``torch.return_types.max(\nvalues=...,\nindices=...)`` (also linalg's results)."""
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
    return f"{_format.NAMESPACE}.return_types.{type(self).__name__}(\n{fields})"


for _cls in (max, min, sort, topk, kthvalue, median, nanmedian, mode, cummax, cummin, aminmax, frexp,
             histogram, histogramdd, svd, qr, slogdet, triangular_solve):
    _cls.__repr__ = result_repr  # type: ignore[method-assign]


def _out_form(cls: type) -> type:
    """``cls``'s twin that PyTorch returns when the function was given ``out=`` (``torch.sort(x, out=(v,
    i))`` is a ``torch.return_types.sort_out`` holding v and i)."""
    fields: tuple[str, ...] = cls._fields  # type: ignore[attr-defined]
    form: type = collections.namedtuple(cls.__name__ + "_out", fields)  # type: ignore[misc]
    form.__module__ = __name__
    form.__doc__ = f"What ``{cls.__name__}`` is when the function was given ``out=``: the out tensors."
    form.__repr__ = result_repr  # type: ignore[method-assign]
    return form


#: each result type's ``*_out`` twin, by result type (see :func:`_out_form`); also module attributes
OUT_FORMS: dict[type, type] = {cls: _out_form(cls) for cls in (
    max, min, sort, topk, kthvalue, median, nanmedian, mode, cummax, cummin, aminmax, frexp, histogram, svd,
    qr, slogdet, triangular_solve)}
globals().update({form.__name__: form for form in OUT_FORMS.values()})
