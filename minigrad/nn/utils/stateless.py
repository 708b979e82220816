"""``torch.nn.utils.stateless``: the deprecated home of ``functional_call`` (now ``torch.func``)."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad.nn.module import Module

__all__ = ["functional_call"]


def functional_call(module: Module, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """:func:`minigrad.func.functional_call`, with PyTorch's FutureWarning (this spelling is deprecated)."""
    from minigrad.func import functional_call as call

    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
                  "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
                  "which is a drop-in replacement.", FutureWarning, stacklevel=2)
    return call(module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights, strict=strict)
