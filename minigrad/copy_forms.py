"""PyTorch's ``*_copy`` functions (``torch.view_copy``, ``torch.transpose_copy``, ...) and its
``unsafe_split`` / ``unsafe_chunk``.

PyTorch's functionalization spells each view op a second time, returning a fresh tensor instead of a
view (compilers and exported graphs call these names). In minigrad each is the view op followed by a
clone, so the gradient is the view's; ``unsafe_split``, ``unsafe_split_with_sizes`` and ``unsafe_chunk``
are ``split`` and ``chunk`` without their views' mark (PyTorch's forms that skip the check refusing an
in-place change of one of several views).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._tensor_methods import BaseRef, CreationRef, dim_aliases, provide
from minigrad.tensor import Tensor, from_numpy

__all__ = [
    "alias_copy", "as_strided_copy", "as_strided_scatter", "detach_copy", "diagonal_copy", "expand_copy",
    "narrow_copy", "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
    "squeeze_copy", "t_copy", "transpose_copy",
    "unbind_copy", "unfold_copy",
    "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes", "unsqueeze_copy", "view_copy",
]  # fmt: skip


def _copy_of(method: str) -> Callable[..., Any]:
    """``name_copy(input, *args)``: a copy of ``input.method(*args)`` (a tuple of copies for splits)."""

    def fn(input: Tensor, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - PyTorch's name
        out = getattr(input, method)(*args, **kwargs)
        return tuple(t.clone() for t in out) if isinstance(out, (tuple, list)) else out.clone()

    fn.__name__ = fn.__qualname__ = f"{method}_copy"
    fn.__doc__ = (f"A new tensor with the values of ``input.{method}(...)`` (not a view of input); its "
                  f"gradient is that of :meth:`Tensor.{method}`.")
    return fn


as_strided_copy = _copy_of("as_strided")
diagonal_copy = _copy_of("diagonal")
expand_copy = _copy_of("expand")
narrow_copy = _copy_of("narrow")
permute_copy = _copy_of("permute")
select_copy = _copy_of("select")
split_copy = _copy_of("split")
split_with_sizes_copy = _copy_of("split_with_sizes")
squeeze_copy = _copy_of("squeeze")
t_copy = _copy_of("t")
transpose_copy = _copy_of("transpose")
unbind_copy = _copy_of("unbind")
unfold_copy = _copy_of("unfold")
unsqueeze_copy = _copy_of("unsqueeze")
view_copy = _copy_of("view")


def as_strided_scatter(input: Tensor, src: Tensor, size: Any, stride: Any,  # noqa: A002
                       storage_offset: int | None = None) -> Tensor:
    """A copy of (contiguous) ``input`` with ``src`` written where ``input.as_strided(size, stride,
    storage_offset)`` reads; differentiable in both (input's gradient is 0 where src was written).

    Raises:
        MinigradError: as :func:`minigrad.as_strided`.
    """
    everywhere = from_numpy(np.arange(input.numel()).reshape(input.shape))
    positions = everywhere.as_strided(size, stride, storage_offset)
    flat = input.reshape(-1).scatter(0, positions.reshape(-1), src.reshape(-1).to(input.dtype))
    return flat.reshape(input.shape)


@dim_aliases
def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,  # noqa: A002
               step: int = 1) -> Tensor:
    """A new tensor with the values of ``input[..., start:end:step, ...]`` (the slice in ``dim``);
    its gradient is the slice's."""
    index = (slice(None),) * (dim % max(input.ndim, 1)) + (slice(start, end, step),)
    return input[index].clone()


def detach_copy(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """A new tensor with input's values. As PyTorch's, it requires grad when input does but has no
    derivative: backward through it raises (``derivative for aten::detach_copy is not implemented``)."""
    return ops.recorded(input.numpy(force=True).copy(), [input], "detach_copy", "aten::detach_copy")


def alias_copy(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """A new tensor with the values of input (``input.clone()``), differentiable."""
    return input.clone()


def _unsafe(pieces: tuple[Tensor, ...], name: str) -> tuple[Tensor, ...]:
    """The pieces as plain views of their base, their grad_fn named ``name`` (UnsafeSplitBackward0)."""
    for t in pieces:
        ref = getattr(t, "_viewbase", None)
        base = ref() if type(ref) is CreationRef else None
        if base is not None:
            t._viewbase = BaseRef(base)
        if t._ctx is not None:
            t._ctx.label = name
        ref = getattr(t, "_viewbase", None)
        owner = ref() if ref is not None else None
        views = getattr(owner, "_views", None)
        if views:  # unchecked: writes to the base leave the piece's version alone (see Tensor._write)
            views[:] = [r for r in views if r() is not t]
        group = getattr(t, "_vgroup", None)
        if group:
            group[:] = [r for r in group if r() is not t]
            del t._vgroup
    return pieces


def unsafe_split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """:meth:`Tensor.split` whose pieces may be changed in place under grad (PyTorch's unchecked form)."""
    sizes = not isinstance(split_size_or_sections, int)
    name = "UnsafeSplitWithSizesBackward0" if sizes else "UnsafeSplitBackward0"
    return _unsafe(tuple(tensor.split(split_size_or_sections, dim)), name)


def unsafe_split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """:meth:`Tensor.split_with_sizes` whose pieces may be changed in place under grad (unchecked)."""
    return _unsafe(tuple(input.split_with_sizes(split_sizes, dim)), "UnsafeSplitWithSizesBackward0")


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """:meth:`Tensor.chunk` whose pieces may be changed in place under grad (PyTorch's unchecked form)."""
    return _unsafe(tuple(input.chunk(chunks, dim)), "UnsafeSplitBackward0")


provide(sys.modules[__name__])  # (the Tensor methods unsafe_split, ... reach it through _tensor_methods)
