"""PyTorch's grad_fn names for functionals minigrad composes from primitives.

PyTorch computes ``F.mse_loss`` as one op, so ``print(loss)`` shows
``grad_fn=<MseLossBackward0>``; minigrad's result comes from its last primitive
(a mean). :func:`named` gives that node PyTorch's name (``grad_fn.name()`` and
the repr), nothing else: the graph and its gradients are unchanged.
"""

from __future__ import annotations

from minigrad.tensor import Tensor

__all__ = ["named"]


def named(out: Tensor, name: str, *inputs: Tensor) -> Tensor:
    """``out``, its grad_fn (if any) shown as ``name`` (unchanged for ""); only for a node the calling
    function created. ``inputs``: the function's differentiable arguments, which that node's
    ``next_functions`` then lists, as PyTorch's single op does (the blitz walks MseLossBackward0's)."""
    ctx = out._ctx
    if ctx is not None and name:
        ctx.label = name
        if inputs:
            ctx.label_inputs = inputs
    return out
