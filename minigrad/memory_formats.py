"""Memory formats: ``mg.contiguous_format``, ``mg.channels_last`` and friends, as ``torch.memory_format``.

A tensor's elements sit in a numpy array, which may be laid out in any order
of its dims. ``contiguous_format`` is row-major (C) order; ``channels_last``
stores a 4-D ``(N, C, H, W)`` tensor as ``(N, H, W, C)`` (the channel dim
innermost) and ``channels_last_3d`` a 5-D ``(N, C, D, H, W)`` one as
``(N, D, H, W, C)``; ``preserve_format`` keeps the input's order. A format
changes ``stride()`` and ``is_contiguous(memory_format=)``, never values.

Where minigrad honours the layout: ``Tensor.contiguous``, ``clone``, ``to``
and the ``*_like`` factories lay out their result as asked; elementwise ops
keep their input's order (numpy's); other ops return row-major arrays.
``Module.to(memory_format=)`` checks the argument but keeps parameters' layouts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.errors import MinigradError
from minigrad.layouts import NamedConstant

__all__ = ["channels_last", "channels_last_3d", "contiguous_format", "memory_format", "preserve_format"]


class memory_format(NamedConstant):  # noqa: N801 - PyTorch's name
    """The type of the four memory-format constants; as PyTorch, it has no public constructor."""

    __slots__ = ()


memory_format.__module__ = "minigrad"  # where pickle finds the constants, as PyTorch's under torch
preserve_format = memory_format._make("preserve_format")
contiguous_format = memory_format._make("contiguous_format")
channels_last = memory_format._make("channels_last")
channels_last_3d = memory_format._make("channels_last_3d")
_RANK = {channels_last: 4, channels_last_3d: 5}  # the tensor rank each format needs


def check_format(value: Any, fn: str, *, optional: bool = True) -> memory_format:
    """``value`` as a memory format (None is ``preserve_format`` where PyTorch allows it).

    Raises:
        TypeError: anything else, naming ``fn`` and the type.
    """
    if value is None and optional:
        return preserve_format
    if not isinstance(value, memory_format):
        raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, "
                        f"not {type(value).__name__}")
    return value


def _channels_last_order(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim), 1)


def is_laid_out(a: np.ndarray[Any, Any], fmt: memory_format) -> bool:
    """True if ``a`` is contiguous in ``fmt``'s order (False for channels_last at the wrong rank)."""
    if fmt not in _RANK:
        return bool(a.flags.c_contiguous)
    if a.ndim != _RANK[fmt]:
        return False
    expected = 1
    for d in reversed(_channels_last_order(a.ndim)):
        if a.shape[d] != 1 and a.strides[d] // a.itemsize != expected:
            return False
        expected *= a.shape[d]
    return True


def suggested_format(a: np.ndarray[Any, Any]) -> memory_format:
    """``channels_last`` (``_3d``) if ``a``'s strides order its dims that way, else ``contiguous_format``.

    PyTorch's ``suggest_memory_format``: ``Tensor.to(memory_format=f)`` returns
    the tensor itself when this is ``f``. A size-1 dim's stride does not count,
    and a stride order both formats fit (only N and one other dim above size 1) is row-major.
    """
    fmt = {4: channels_last, 5: channels_last_3d}.get(a.ndim)
    if fmt is None or a.strides[1] == 0:
        return contiguous_format
    least = 0
    for d in _channels_last_order(a.ndim)[::-1]:
        step = a.strides[d] // a.itemsize
        if a.shape[d] == 0 or step < least or (d == 0 and least == a.strides[1] // a.itemsize):
            return contiguous_format
        least = step * a.shape[d] if a.shape[d] > 1 else step
    return fmt


def _dense(a: np.ndarray[Any, Any]) -> bool:
    """Whether ``a``'s elements fill a block of memory with no gaps and no overlap, in some dim order."""
    if 0 in a.shape:
        return True
    expected = a.itemsize
    for stride, size in sorted((abs(st), n) for st, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _inferred_order(a: np.ndarray[Any, Any]) -> list[int]:
    """The dims of a strided array with gaps or overlap, innermost first, as a copy preserving its layout
    orders them (PyTorch's rule for ``empty_like``'s preserve_format, shared with its elementwise ops):
    a stable insertion sort by stride where a zero stride compares as a tie, so an expanded dim keeps
    its place; equal strides put the smaller dim inside. A negative stride (numpy's reversed view, as
    flip's) counts by its size: PyTorch lays flip's result out as its input."""
    perm = list(range(a.ndim))[::-1]
    strides, shape = [abs(st) for st in a.strides], a.shape

    def after(d0: int, d1: int) -> int:
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return 1 if s0 > s1 else -1
        return 1 if shape[d0] > shape[d1] else 0

    for i in range(1, a.ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = after(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm


def draw_laid_out(like: np.ndarray[Any, Any], draw: Callable[[tuple[int, ...]], np.ndarray[Any, Any]]
                  ) -> np.ndarray[Any, Any]:
    """``draw(shape)``'s values arranged as a ``preserve_format`` copy of ``like`` holds them in memory.

    PyTorch's ``rand_like``/``randn_like`` and dropout's mask fill a tensor laid out as their input's
    in memory order, so for a transposed input the k-th draw lands at the k-th element in memory, not
    in row-major order. ``draw`` gets the shape with the dims ordered outermost first in memory.
    """
    if like.flags.c_contiguous or like.size <= 1:
        return draw(like.shape)
    if _dense(like):  # (size-1 dims may sit anywhere: they do not change the order)
        outer = sorted(range(like.ndim), key=lambda d: -abs(like.strides[d]))
    else:
        outer = _inferred_order(like)[::-1]
    values = draw(tuple(like.shape[d] for d in outer))
    return np.transpose(values, np.argsort(outer))


def copy_as(array: np.ndarray[Any, Any], like: np.ndarray[Any, Any], fmt: Any,
            fn: str) -> np.ndarray[Any, Any]:
    """A copy of ``array`` (``like``'s shape) laid out as ``fmt`` asks for a copy of ``like``.

    ``preserve_format`` orders the copy's dims in memory as ``like``'s strides
    order them (numpy's ``order='K'`` for a dense ``like``; for one with gaps or overlap, PyTorch's
    stride sort in which expanded dims keep their place).

    Raises:
        TypeError: ``fmt`` is not a memory format.
        MinigradError: ``channels_last`` for an array that is not 4-D (5-D for ``channels_last_3d``).
    """
    fmt = check_format(fmt, fn)
    rank = _RANK.get(fmt)
    if rank is not None and like.ndim != rank:
        raise MinigradError(f"required rank {rank} tensor to use {fmt._name} format")
    if fmt is contiguous_format:
        return np.array(array, order="C", copy=True)
    if fmt is preserve_format:
        if like.flags.c_contiguous or like.flags.f_contiguous or _dense(like):
            out = np.empty_like(like, dtype=array.dtype, order="K")
        else:
            outer = _inferred_order(like)[::-1]
            out = np.empty([like.shape[d] for d in outer], dtype=array.dtype).transpose(np.argsort(outer))
        np.copyto(out, array)
        return out
    order = _channels_last_order(like.ndim)
    return array.transpose(order).copy().transpose(np.argsort(order))  # type: ignore[no-any-return]
