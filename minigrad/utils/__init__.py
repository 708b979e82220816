"""``torch.utils``: ``utils.data`` (datasets and the DataLoader), ``utils.checkpoint`` and
``utils.benchmark``; :func:`swap_tensors`."""

import copyreg
import weakref
from typing import Any

from minigrad.utils import _pytree as _pytree  # (torch.utils._pytree is there after import torch)
from minigrad.utils import benchmark as benchmark
from minigrad.utils import checkpoint as checkpoint
from minigrad.utils import data as data

__all__ = ["benchmark", "checkpoint", "data", "swap_tensors"]


def swap_tensors(t1: Any, t2: Any) -> None:
    """Swap the contents of two tensors, each keeping its identity: afterwards ``t1`` has ``t2``'s values,
    shape, dtype, class (Tensor/Parameter), attributes, gradient and history, and ``t2`` has ``t1``'s.

    Raises:
        RuntimeError: either tensor has a weak reference to it (a view of it, or a ``detach()`` alias,
            holds one: PyTorch's error), or their classes have different slots.
    """
    for name, t in (("t1", t1), ("t2", t2)):
        if weakref.getweakrefs(t):
            raise RuntimeError(f"Cannot swap {name} because it has weakref associated with it")
    slots = set(copyreg._slotnames(type(t1)))  # type: ignore[attr-defined]
    if slots != set(copyreg._slotnames(type(t2))):  # type: ignore[attr-defined]
        raise RuntimeError("Cannot swap t1 and t2 if they have different slots")
    t1.__class__, t2.__class__ = t2.__class__, t1.__class__
    t1.__dict__, t2.__dict__ = t2.__dict__, t1.__dict__
    missing = object()
    for slot in slots - {"__dict__", "__weakref__"}:
        a, b = getattr(t1, slot, missing), getattr(t2, slot, missing)
        for t, value in ((t1, b), (t2, a)):
            if value is missing:
                if hasattr(t, slot):
                    delattr(t, slot)
            else:
                setattr(t, slot, value)
