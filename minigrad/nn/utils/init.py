"""``torch.nn.utils.skip_init``: build a module without running its parameter initialization."""

from __future__ import annotations

import inspect
from typing import Any, TypeVar

import numpy as np

from minigrad.grad_mode import no_grad
from minigrad.nn.module import Module
from minigrad.random import fork_rng

__all__ = ["skip_init"]

M = TypeVar("M", bound=Module)


def skip_init(module_cls: type[M], *args: Any, **kwargs: Any) -> M:
    """``module_cls(*args, **kwargs)`` with its parameters and buffers left uninitialized.

    PyTorch builds the module on the meta device and then allocates empty storage; minigrad builds it
    on the CPU without moving the global random stream (as the meta build draws nothing) and fills the
    parameters and buffers with zeros, standing for the unspecified values of ``torch.empty``. The
    caller initializes them.

    Raises:
        TypeError: ``module_cls`` is not a class (PyTorch's ``issubclass``).
        RuntimeError: ``module_cls`` is not a Module class, or its constructor takes no ``device``.
    """
    if not isinstance(module_cls, type):
        raise TypeError(f"issubclass() arg 1 must be a class (a Module class, got {module_cls})")
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    with fork_rng():
        module = module_cls(*args, **kwargs)
    with no_grad():
        for t in [*module.parameters(), *module.buffers()]:
            t.numpy(force=True)[...] = np.zeros((), dtype=t.dtype)
    return module
