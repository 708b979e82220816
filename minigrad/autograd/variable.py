"""``torch.autograd.Variable``: the pre-0.4 wrapper, kept as PyTorch keeps it for old scripts.

Since PyTorch 0.4 a Variable is just a Tensor: ``Variable(t, requires_grad=True)`` returns
``t.detach()`` (sharing memory) with ``requires_grad`` set, and ``isinstance(x, Variable)`` is
true of every Tensor. WGAN-GP and other older training scripts still write it.
"""

from __future__ import annotations

import warnings
from typing import Any

from minigrad._leaf_rules import leaf_requires_grad
from minigrad.autograd.engine import queue_callback
from minigrad.factories import empty
from minigrad.tensor import Tensor

__all__ = ["Variable"]


class _VariableMeta(type):
    """Makes ``Variable(...)`` build a plain Tensor and every Tensor an instance of Variable."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor)

    def __call__(cls, data: Tensor | None = None, requires_grad: bool = False,
                 volatile: bool = False) -> Tensor:
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            out = empty(0)
        elif isinstance(data, Tensor):
            out = data.detach()
        else:
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return leaf_requires_grad(out) if requires_grad else out


class _ExecutionEngine:
    """``Variable._execution_engine``: PyTorch's handle on its backward engine, for ``queue_callback``."""

    @staticmethod
    def queue_callback(callback: Any) -> None:
        """Run ``callback()`` when the running backward pass ends; see :func:`engine.queue_callback`."""
        queue_callback(callback)


class Variable(metaclass=_VariableMeta):
    """``Variable(data=None, requires_grad=False, volatile=False)`` -> ``data.detach()`` with
    ``requires_grad`` set (an empty float tensor without data), as PyTorch's legacy constructor.

    Raises:
        TypeError: data is not a Tensor (PyTorch's message).
    """

    _execution_engine = _ExecutionEngine()
