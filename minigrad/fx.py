"""``torch.fx``, present for the module-level ``@torch.fx.wrap`` markers libraries carry (timm, torchvision).

minigrad has no symbolic tracer, so a function marked as a tracing leaf runs as it is written.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["wrap"]

F = TypeVar("F", bound="Callable[..., Any] | str")


def wrap(fn_or_name: F) -> F:
    """``torch.fx.wrap``: mark a module's global function (or the name of one) as a leaf for FX tracing.

    Returns ``fn_or_name`` unchanged; it is only a marker (minigrad has no symbolic tracer to honour it).

    Raises:
        RuntimeError: ``fn_or_name`` is neither callable nor a string, as PyTorch.
        NotImplementedError: not called at the top level of a module, as PyTorch.
    """
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    if caller is not None and caller.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    return fn_or_name
