"""A Module call with hooks, in PyTorch's order: forward pre-hooks, the backward hooks' wrapping of
the inputs, forward, forward hooks, then the wrapping of the outputs (see minigrad.utils.hooks).

``Module.__call__`` comes here only when the module has a hook, so plain calls pay one check.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from minigrad.tensor import Tensor
from minigrad.utils.hooks import BackwardHook

if TYPE_CHECKING:
    from minigrad.nn.module import Module

__all__ = ["HOOK_REGISTRIES", "call", "empty_registries"]

#: the registries every Module holds (PyTorch's attribute names), hook id -> hook or flag
HOOK_REGISTRIES = (
    "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks", "_forward_hooks_with_kwargs",
    "_forward_hooks_always_called", "_backward_pre_hooks", "_backward_hooks",
)


def empty_registries(module: Module) -> None:
    """Give ``module`` its empty hook registries."""
    for name in HOOK_REGISTRIES:
        object.__setattr__(module, name, OrderedDict())


def _pre_hooks(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any]
               ) -> tuple[tuple[Any, ...], dict[str, Any]]:
    for hook_id, hook in list(module._forward_pre_hooks.items()):
        if hook_id in module._forward_pre_hooks_with_kwargs:
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {res}.")
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    return args, kwargs


def _forward_hooks(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any,
                   called: set[int]) -> Any:
    for hook_id, hook in list(module._forward_hooks.items()):
        called.add(hook_id)
        if hook_id in module._forward_hooks_with_kwargs:
            res = hook(module, args, kwargs, result)
        else:
            res = hook(module, args, result)
        if res is not None:
            result = res
    return result


def call(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``module.forward`` with its hooks; forward hooks with ``always_call`` also run if it raises."""
    called: set[int] = set()
    result = None
    try:
        args, kwargs = _pre_hooks(module, args, kwargs)
        bw_hook = None
        if module._backward_hooks or module._backward_pre_hooks:
            bw_hook = BackwardHook(module, list(module._backward_hooks.values()),
                                   list(module._backward_pre_hooks.values()))
            args = bw_hook.setup_input_hook(args)
        result = module.forward(*args, **kwargs)
        result = _forward_hooks(module, args, kwargs, result, called)
        if bw_hook is not None:
            if not isinstance(result, (Tensor, tuple)):
                warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple "
                              f"of Tensors but received {type(result)}", stacklevel=3)
            result = bw_hook.setup_output_hook(result)
        return result
    except Exception:
        for hook_id, hook in list(module._forward_hooks.items()):
            if hook_id in module._forward_hooks_always_called and hook_id not in called:
                try:
                    with_kwargs = hook_id in module._forward_hooks_with_kwargs
                    res = hook(module, args, kwargs, result) if with_kwargs else hook(module, args, result)
                    if res is not None:
                        result = res
                except Exception as e:
                    warnings.warn("module forward hook with ``always_call=True`` raised an exception that "
                                  f"was silenced as another error was raised in forward: {e}", stacklevel=3)
        raise
