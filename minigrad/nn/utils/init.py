"""``torch.nn.utils.init``: build a module without spending time (or random draws) on its initialization."""

from __future__ import annotations

import inspect
from typing import Any, TypeVar

from minigrad.nn.module import Module
from minigrad.random import fork_rng

__all__ = ["skip_init"]

M = TypeVar("M", bound=Module)


def skip_init(module_cls: type[M], *args: Any, **kwargs: Any) -> M:
    """``module_cls(*args, **kwargs)`` with uninitialized parameters and buffers, as PyTorch's.

    The global random stream is where it was before the call (no init draws are
    consumed, as PyTorch's meta-device construction consumes none); fill the
    values with ``reset_parameters()`` or ``load_state_dict``.

    Raises:
        RuntimeError: ``module_cls`` is not a Module class, or its constructor takes no ``device``
            argument (PyTorch's requirement).
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs.setdefault("device", "cpu")
    with fork_rng():  # minigrad has no meta device: build on the CPU and give back the draws
        module = module_cls(*args, **kwargs)
    return module.to_empty(device=kwargs["device"])
