"""Numerical integration along a dim by the trapezoidal rule: ``trapezoid`` (``trapz``) and
``cumulative_trapezoid``, as torch's; compositions of slices, sums and ``cumsum``, so differentiable."""

from __future__ import annotations

from typing import Any

from minigrad.errors import MinigradError
from minigrad.factories import zeros
from minigrad.shapes import norm_dim
from minigrad.tensor import Tensor

__all__ = ["cumulative_trapezoid", "trapezoid", "trapz"]


def _spacing(fn: str, y: Tensor, x: Tensor | None, dx: Any, dim: int) -> tuple[int, Tensor | float]:
    """``dim`` normalised and the spacing: the differences of ``x`` shaped to broadcast with ``y``, or ``dx``.

    Raises:
        TypeError: both ``x`` and ``dx``.
        MinigradError: a bool ``y``, or a 1-D ``x`` of another length than ``y`` along ``dim``.
    """
    if x is not None and dx is not None:
        raise TypeError(f"{fn}() received an invalid combination of arguments: give x or dx, not both")
    dim = norm_dim(dim, y.ndim)
    for name, t in (("y", y), ("x", x)):
        if t is not None and t.dtype.kind == "b":
            raise MinigradError(f"{fn}: received a bool input for `{name}`, but bool is not supported")
    if x is None:
        return dim, 1 if dx is None else dx
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise MinigradError(f"{fn}: There must be one `x` value for each sample point")
        x = x.reshape([x.shape[0] if d == dim else 1 for d in range(y.ndim)])
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + tuple(x.shape))
    return dim, x[_along(dim, slice(1, None))] - x[_along(dim, slice(None, -1))]


def _along(dim: int, s: slice) -> tuple[Any, ...]:
    return (slice(None),) * dim + (s,)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at sample points ``x`` or ``dx`` apart.

    ``x`` is 1-D (one point per sample) or broadcasts with ``y``; without it the
    samples are ``dx`` apart (1 by default). ``dim`` is removed from the result;
    an empty ``dim`` integrates to zeros.

    Raises:
        TypeError: both ``x`` and ``dx``.
        MinigradError: a bool input, or a 1-D ``x`` of another length than ``y`` along ``dim``.
        DimensionError: ``dim`` out of range.
    """
    dim, step = _spacing("trapezoid", y, x, dx, dim)
    if y.shape[dim] == 0:
        return zeros(*(n for d, n in enumerate(y.shape) if d != dim), dtype=y.dtype)
    if not isinstance(step, Tensor):
        return (y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5) * step
    return ((y[_along(dim, slice(None, -1))] + y[_along(dim, slice(1, None))]) * step).sum(dim) / 2.0


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid` (PyTorch's older name)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:
    """The running trapezoidal integral of ``y`` along ``dim``: one value per interval (size - 1 of them).

    Raises:
        TypeError: both ``x`` and ``dx``.
        MinigradError: a bool input, or a 1-D ``x`` of another length than ``y`` along ``dim``.
        DimensionError: ``dim`` out of range.
    """
    dim, step = _spacing("cumulative_trapezoid", y, x, dx, dim)
    pairs = y[_along(dim, slice(None, -1))] + y[_along(dim, slice(1, None))]
    if not isinstance(step, Tensor):
        return (pairs * (step / 2.0)).cumsum(dim)
    return (pairs * step).cumsum(dim) / 2.0
