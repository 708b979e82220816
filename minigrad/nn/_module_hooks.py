"""A Module call with hooks, in PyTorch's order: forward pre-hooks, the backward hooks' wrapping of
the inputs, forward, forward hooks, then the wrapping of the outputs (see minigrad.utils.hooks).

``Module.__call__`` comes here only when the module (or any module: the global hooks of
``torch.nn.modules.module.register_module_*``) has a hook; :data:`GLOBAL_CALL_HOOKS` is non-empty exactly
while a global call hook exists, so plain calls pay one more truth test of a usually empty dict.
"""

from __future__ import annotations

import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from minigrad.tensor import Tensor
from minigrad.utils.hooks import BackwardHook, RemovableHandle

if TYPE_CHECKING:
    from minigrad.nn.module import Module

__all__ = [
    "GLOBAL_CALL_HOOKS", "HOOK_REGISTRIES", "WrappedHook", "call", "empty_registries",
    "register_module_backward_hook",
    "register_module_buffer_registration_hook", "register_module_forward_hook",
    "register_module_forward_pre_hook", "register_module_full_backward_hook",
    "register_module_full_backward_pre_hook", "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
]

#: the registries every Module holds (PyTorch's attribute names), hook id -> hook or flag
HOOK_REGISTRIES = (
    "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks", "_forward_hooks_with_kwargs",
    "_forward_hooks_always_called", "_backward_pre_hooks", "_backward_hooks", "_state_dict_hooks",
    "_state_dict_pre_hooks", "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks",
)


def empty_registries(module: Module) -> None:
    """Give ``module`` its empty hook registries."""
    for name in HOOK_REGISTRIES:
        object.__setattr__(module, name, OrderedDict())
    object.__setattr__(module, "_is_full_backward_hook", None)


class _WrappedHook:
    """A load_state_dict pre-hook, called with its module first when registered ``with_module``.
    Named as PyTorch's class, so a pickled module carrying one (spectral_norm's) loads under either name.

    The module is held by weak reference, so the hook does not keep it alive (PyTorch's ``_WrappedHook``).

    Raises:
        RuntimeError: (when called) the module is gone.
    """

    def __init__(self, hook: Callable[..., Any], module: Module | None = None) -> None:
        self.hook = hook
        self.with_module = module is not None
        self.module = weakref.ref(module) if module is not None else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.module is None:
            return self.hook(*args, **kwargs)
        module = self.module()
        if module is None:
            raise RuntimeError("You are trying to call the hook of a dead Module!")
        return self.hook(module, *args, **kwargs)

    def __getstate__(self) -> dict[str, Any]:
        return {"hook": self.hook, "with_module": self.with_module,
                "module": self.module() if self.module is not None else None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.hook, self.with_module = state["hook"], state["with_module"]
        self.module = weakref.ref(state["module"]) if state["with_module"] else None


WrappedHook = _WrappedHook
Registry = OrderedDict[int, Callable[..., Any]]
# the global registries, PyTorch's names (torch.nn.modules.module re-exports them); hook id -> hook or flag
_global_forward_pre_hooks: Registry = OrderedDict()
_global_forward_hooks: Registry = OrderedDict()
_global_forward_hooks_with_kwargs: dict[int, bool] = OrderedDict()
_global_forward_hooks_always_called: dict[int, bool] = OrderedDict()
_global_backward_pre_hooks: Registry = OrderedDict()
_global_backward_hooks: Registry = OrderedDict()
_global_buffer_registration_hooks: Registry = OrderedDict()
_global_module_registration_hooks: Registry = OrderedDict()
_global_parameter_registration_hooks: Registry = OrderedDict()
#: the ids of every global forward/backward hook: Module.__call__ tests only this dict
GLOBAL_CALL_HOOKS: dict[int, bool] = OrderedDict()
_CALL_REGISTRIES = (_global_forward_pre_hooks, _global_forward_hooks, _global_backward_pre_hooks,
                    _global_backward_hooks)
_full: list[bool | None] = [None]  # whether the global backward hooks are full ones (None: none yet)


def _register(registry: dict[int, Any], hook: Callable[..., Any], *flags: dict[int, Any]) -> RemovableHandle:
    handle = RemovableHandle(registry, extra_dict=[GLOBAL_CALL_HOOKS, *flags])
    registry[handle.id] = hook
    if any(registry is r for r in _CALL_REGISTRIES):
        GLOBAL_CALL_HOOKS[handle.id] = True
    for flag in flags:
        flag[handle.id] = True
    return handle


def register_module_forward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Register ``hook(module, args)`` to run before every module's forward (before the module's own
    pre-hooks); a non-None result replaces the arguments. Returns a removable handle."""
    return _register(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable[..., Any], *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """Register ``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with ``with_kwargs``)
    to run after every module's forward, before the module's own forward hooks; a non-None result replaces
    the output. ``always_call`` runs it even when forward raises. Returns a removable handle."""
    flags = [d for d, on in ((_global_forward_hooks_with_kwargs, with_kwargs),
                             (_global_forward_hooks_always_called, always_call)) if on]
    return _register(_global_forward_hooks, hook, *flags)


def _check_kind(full: bool) -> None:
    if _full[0] is not None and _global_backward_hooks and _full[0] is not full:
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a global "
                           "Module hook. Please use only one of them.")
    _full[0] = full


def register_module_full_backward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Register ``hook(module, grad_output)`` for every module, run before the module's own backward
    pre-hooks; a non-None result replaces ``grad_output``. Returns a removable handle."""
    return _register(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Register ``hook(module, grad_input, grad_output)`` for every module (see
    ``Module.register_full_backward_hook``). Returns a removable handle.

    Raises:
        RuntimeError: a global non-full backward hook is registered.
    """
    _check_kind(True)
    return _register(_global_backward_hooks, hook)


def register_module_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """The deprecated global backward hook; here it sees what a full backward hook sees.

    Raises:
        RuntimeError: a global full backward hook is registered.
    """
    _check_kind(False)
    return _register(_global_backward_hooks, hook)


def register_module_buffer_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Register ``hook(module, name, buffer)``, called by every ``register_buffer``; a non-None result
    is registered instead. Returns a removable handle."""
    return _register(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Register ``hook(module, name, submodule)``, called by every ``register_module`` (and attribute
    assignment of a Module); a non-None result is registered instead. Returns a removable handle."""
    return _register(_global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Register ``hook(module, name, param)``, called by every ``register_parameter``; a non-None result
    is registered instead. Returns a removable handle."""
    return _register(_global_parameter_registration_hooks, hook)


def registered(registry: Registry, module: Module, name: str, value: Any) -> Any:
    """``value`` after the global registration hooks of ``registry`` have seen (and maybe replaced) it."""
    for hook in list(registry.values()):
        out = hook(module, name, value)
        if out is not None:
            value = out
    return value


def _pre_hooks(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any]
               ) -> tuple[tuple[Any, ...], dict[str, Any]]:
    for hook_id, hook in [*_global_forward_pre_hooks.items(), *module._forward_pre_hooks.items()]:
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
    for hook_id, hook in [*_global_forward_hooks.items(), *module._forward_hooks.items()]:
        called.add(hook_id)
        if hook_id in module._forward_hooks_with_kwargs or hook_id in _global_forward_hooks_with_kwargs:
            res = hook(module, args, kwargs, result)
        else:
            res = hook(module, args, result)
        if res is not None:
            result = res
    return result


def _warn_non_full(plain: tuple[Any, ...], args: tuple[Any, ...], result: Any) -> None:
    """PyTorch's FutureWarnings for a (deprecated) non-full backward hook whose module is not one op on
    tensors: judged from the graph forward built, the hooks' own input wrapping looked through."""
    # an input returned as it is comes back as the hooks' wrapped tensor: judge the input itself
    plain_of = {id(w): p for w, p in zip(args, plain)}
    var = result
    while not isinstance(var, Tensor):
        var = next(v for v in var.values() if isinstance(v, Tensor)) if isinstance(var, dict) else var[0]
    grad_fn = plain_of.get(id(var), var).grad_fn
    if grad_fn is None:
        return
    tail = "is deprecated and will be removed in future versions. This hook will be missing some "
    outs = (result,) if isinstance(result, Tensor) else result
    if isinstance(outs, tuple):
        outs = tuple(plain_of.get(id(r), r) for r in outs)
    if not (isinstance(outs, tuple) and all(isinstance(r, Tensor) for r in outs)):
        msg = ("Using non-full backward hooks on a Module that does not return a single Tensor or a tuple of "
               f"Tensors {tail}of the grad_output. Please use register_full_backward_hook to get the "
               "documented behavior.")
    elif not all(isinstance(i, Tensor) for i in plain):
        msg = ("Using non-full backward hooks on a Module that does not take as input a single Tensor or a "
               f"tuple of Tensors {tail}of the grad_input. Please use register_full_backward_hook to get the "
               "documented behavior.")
    else:
        out_fns = {r.grad_fn for r in outs if r.grad_fn is not None}
        if not out_fns or (len(out_fns) == 1 and grad_fn not in out_fns):
            msg = ("Using a non-full backward hook when outputs are nested in python data structure "
                   f"{tail}grad_output.")
        elif len(out_fns) > 1:
            msg = ("Using a non-full backward hook when outputs are generated by different autograd Nodes "
                   f"{tail}grad_output. Please use register_full_backward_hook to get the documented "
                   "behavior.")
        else:
            # an input's node as forward saw it is the hook wrapping's: read the input's own through it
            seen = {id(w.grad_fn): (p.grad_fn if p.grad_fn is not None or not p.requires_grad else p)
                    for w, p in zip(args, plain) if w.grad_fn is not None}
            nexts = {seen.get(id(n), n) for n, _ in grad_fn.next_functions}
            if {i.grad_fn for i in plain if i.grad_fn is not None} == nexts:
                return
            msg = (f"Using a non-full backward hook when the forward contains multiple autograd Nodes {tail}"
                   "grad_input. Please use register_full_backward_hook to get the documented behavior.")
    warnings.warn(msg, FutureWarning, stacklevel=1)  # (located here, as PyTorch's: shown once per process)


def call(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``module.forward`` with its hooks; forward hooks with ``always_call`` also run if it raises."""
    called: set[int] = set()
    result = None
    try:
        args, kwargs = _pre_hooks(module, args, kwargs)
        bw_hook = None
        if module._backward_hooks or module._backward_pre_hooks or _global_backward_hooks \
                or _global_backward_pre_hooks:
            hooks = [*_global_backward_hooks.values(), *module._backward_hooks.values()]
            pre = [*_global_backward_pre_hooks.values(), *module._backward_pre_hooks.values()]
            bw_hook = BackwardHook(module, hooks, pre)
            bw_hook.full = bool(pre or (module._backward_hooks and module._is_full_backward_hook)
                                or (_global_backward_hooks and _full[0]))
            plain, args = args, bw_hook.setup_input_hook(args)
        result = module.forward(*args, **kwargs)
        result = _forward_hooks(module, args, kwargs, result, called)
        if bw_hook is not None and ((module._backward_hooks and module._is_full_backward_hook is False)
                                    or (_global_backward_hooks and _full[0] is False)):
            _warn_non_full(plain, args, result)  # (PyTorch's checks for its deprecated non-full hooks)
        if bw_hook is not None and module._is_full_backward_hook is False and isinstance(result, dict):
            # PyTorch hangs a non-full hook on the first tensor of a dict output
            key = next((k for k, v in result.items() if isinstance(v, Tensor)), None)
            if key is not None:
                result[key] = bw_hook.setup_output_hook(result[key])  # (in place: the dict keeps its type)
        elif bw_hook is not None:
            if bw_hook.full and not isinstance(result, (Tensor, tuple)):
                warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple "
                              f"of Tensors but received {type(result)}", stacklevel=3)
            result = bw_hook.setup_output_hook(result)
        return result
    except Exception:
        for hook_id, hook in list(_global_forward_hooks.items()):
            if hook_id in _global_forward_hooks_always_called and hook_id not in called:
                try:  # (PyTorch calls a global one without kwargs here)
                    res = hook(module, args, result)
                    if res is not None:
                        result = res
                except Exception as e:
                    warnings.warn("global module forward hook with ``always_call=True`` raised an exception "
                                  f"that was silenced as another error was raised in forward: {e}",
                                  stacklevel=3)
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
