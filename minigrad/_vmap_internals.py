"""``torch._vmap_internals._vmap``: PyTorch's legacy vmap, which pytorch-minimize (torchmin) imports to
batch Hessian-vector and vector-Jacobian products over the rows of an identity matrix.

Here it is :func:`minigrad.func.vmap`: ``func`` runs once per slice and the results are stacked, so an
``autograd.grad`` inside it runs once per row and the values are PyTorch's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from minigrad.factories import zeros
from minigrad.func import vmap

__all__: list[str] = []


def _vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0,
          allow_none_pass_through: bool = False) -> Callable[..., Any]:
    """``func`` mapped over dim ``in_dims`` of its tensor arguments, results stacked along ``out_dims``.

    The legacy vmap calls ``func`` once on batched tensors, so a random draw inside it is made once:
    each slice here draws the same. With ``allow_none_pass_through`` an output that is None stays None.

    Raises:
        ValueError: as :func:`minigrad.func.vmap` (mapped sizes differ, ``func`` returns a non-tensor).
    """
    if not allow_none_pass_through:
        return vmap(func, in_dims, out_dims, randomness="same")
    nones: list[bool] = []

    def filled(*args: Any) -> Any:
        # a None output is stacked as a 0-d placeholder, then given back as None
        result = func(*args)
        items = result if isinstance(result, tuple) else (result,)
        nones[:] = [r is None for r in items]
        items = tuple(zeros(()) if r is None else r for r in items)
        return items if isinstance(result, tuple) else items[0]

    mapped = vmap(filled, in_dims, out_dims, randomness="same")

    @functools.wraps(func)
    def wrapped(*args: Any) -> Any:
        result = mapped(*args)
        if isinstance(result, tuple):
            return tuple(None if none else r for r, none in zip(result, nones))
        return None if nones and nones[0] else result

    return wrapped
