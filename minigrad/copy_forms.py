"""PyTorch's ``*_copy`` functions (``torch.view_copy``, ``torch.transpose_copy``, ...) and its
``unsafe_split`` / ``unsafe_chunk``.

PyTorch's functionalization spells each view op a second time, returning a fresh tensor instead of a
view (compilers and exported graphs call these names). In minigrad each is the view op followed by a
clone, so the gradient is the view's; ``unsafe_split`` and ``unsafe_chunk`` are ``split`` and
``chunk`` (PyTorch's forms that skip its view-aliasing checks, which minigrad does not make).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minigrad.tensor import Tensor

__all__ = [
    "alias_copy", "diagonal_copy", "expand_copy", "narrow_copy", "permute_copy", "split_copy",
    "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
    "unsafe_chunk", "unsafe_split", "unsqueeze_copy", "view_copy",
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


diagonal_copy = _copy_of("diagonal")
expand_copy = _copy_of("expand")
narrow_copy = _copy_of("narrow")
permute_copy = _copy_of("permute")
split_copy = _copy_of("split")
split_with_sizes_copy = _copy_of("split_with_sizes")
squeeze_copy = _copy_of("squeeze")
t_copy = _copy_of("t")
transpose_copy = _copy_of("transpose")
unbind_copy = _copy_of("unbind")
unfold_copy = _copy_of("unfold")
unsqueeze_copy = _copy_of("unsqueeze")
view_copy = _copy_of("view")


def alias_copy(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """A new tensor with the values of input (``input.clone()``), differentiable."""
    return input.clone()


def unsafe_split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """:meth:`Tensor.split` (PyTorch's form without its view-aliasing checks)."""
    return tuple(tensor.split(split_size_or_sections, dim))


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """:meth:`Tensor.chunk` (PyTorch's form without its view-aliasing checks)."""
    return tuple(input.chunk(chunks, dim))
