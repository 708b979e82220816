"""``torch.nn.utils.stateless``: the deprecated home of ``functional_call`` (now ``torch.func``), and
``_reparametrize_module``, the context manager under both that libraries also call directly."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["functional_call"]

_MISSING: Any = object()  # the module had no attribute of that name: swapping back deletes it


def _owner(module: Module, path: str, memo: dict[str, Module]) -> Module:
    """The submodule at dotted ``path`` ('' is ``module``); AttributeError/TypeError in PyTorch's words."""
    if not path:
        return module
    if path not in memo:
        prefix, dot, attr = path.rpartition(".")
        parent = _owner(module, prefix, memo) if dot else module
        try:
            sub = getattr(parent, attr)
        except AttributeError as ex:
            raise AttributeError(f"{type(parent).__name__} has no attribute `{attr}`") from ex
        if not isinstance(sub, Module):
            raise TypeError(f"submodule `{path}`: {sub} is not an instance of torch.nn.Module")
        memo[path] = sub
    return memo[path]


def _swap_one(module: Module, attr: str, value: Any) -> Any:
    """Put ``value`` (a tensor, None or ``_MISSING``) under ``attr``; returns what was there."""
    if value is not _MISSING and value is not None and not isinstance(value, Tensor):
        raise TypeError(f"{value} is not an instance of torch.Tensor")
    if "." in attr:
        raise KeyError('tensor name can\'t contain "."')
    if attr == "":
        raise KeyError('tensor name can\'t be empty string ""')
    for registry in (module._parameters, module._buffers):
        if attr in registry:
            old = registry[attr]
            if value is _MISSING:
                del registry[attr]
            else:
                registry[attr] = value  # a plain tensor in a Parameter's slot, as PyTorch's
            return old
    old = getattr(module, attr) if hasattr(module, attr) else _MISSING
    if old is not _MISSING and old is not None and not isinstance(old, Tensor):
        raise TypeError(f"attribute `{attr}`: {old} is not an instance of torch.Tensor")
    if value is not _MISSING:
        setattr(module, attr, value)
    elif hasattr(module, attr):
        delattr(module, attr)
    return old


def _swap_all(module: Module, values: dict[str, Any]) -> dict[str, Any]:
    """Swap every dotted name in ``values`` in; returns the previous values (undone on an error)."""
    memo: dict[str, Module] = {}
    previous: dict[str, Any] = {}
    try:
        for name, value in values.items():
            prefix, _, attr = name.rpartition(".")
            previous[name] = _swap_one(_owner(module, prefix, memo), attr, value)
    except Exception:
        for name, old in previous.items():
            prefix, _, attr = name.rpartition(".")
            _swap_one(_owner(module, prefix, memo), attr, old)
        raise
    return previous


def _untied(module: Module, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` plus, for each given name of a tensor the module holds under several names, the
    other names with the same value. ValueError if tied names are given different values."""
    names_of: dict[int, set[str]] = {}
    for name, t in [*module.named_parameters(remove_duplicate=False),
                    *module.named_buffers(remove_duplicate=False)]:
        names_of.setdefault(id(t), set()).add(name)
    tied = {n: names for names in names_of.values() if len(names) > 1 for n in names}
    out = dict(values)
    for given in [n for n in values if n in tied]:
        names = tied[given]
        if len(names & values.keys()) > 1 and len({id(values[n]) for n in names if n in values}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. "
                             "Consider using tie_weights=False")
        out.update(dict.fromkeys(names, values[given]))
    return out


@contextlib.contextmanager
def _reparametrize_module(module: Module, parameters_and_buffers: dict[str, Any], tie_weights: bool = False,
                          strict: bool = False, stack_weights: bool = False) -> Iterator[None]:
    """Within the block, ``module``'s parameters, buffers and tensor attributes named (dotted) in
    ``parameters_and_buffers`` are the given tensors; a name the module lacks is set as an attribute
    and removed afterwards. On exit the originals come back, and the given dict is updated with what
    the module held under its keys at that moment.

    ``tie_weights`` also replaces the other names of a tensor held under several; ``stack_weights``
    restores in reverse order.

    Raises:
        RuntimeError: (``strict``) names the module lacks, or parameters/buffers left out.
        ValueError: (``tie_weights``) tied names given different tensors.
        AttributeError: a dotted name through a submodule that does not exist.
        TypeError: a value that is not a tensor (or None).
    """
    values = _untied(module, parameters_and_buffers) if tie_weights else parameters_and_buffers
    if strict:
        known = {n for n, _ in module.named_parameters(remove_duplicate=False)} | {
            n for n, _ in module.named_buffers(remove_duplicate=False)}
        unexpected, missing = sorted(values.keys() - known), sorted(known - values.keys())
        errors = [f"{what} key(s): {', '.join(map(repr, keys))}." for what, keys in
                  (("Unexpected", unexpected), ("Missing", missing)) if keys]
        if errors:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                               + "\n\t".join(errors))
    previous: dict[str, Any] = {}
    try:
        previous = _swap_all(module, values)
        yield
    finally:
        if stack_weights:
            previous = dict(reversed(previous.items()))
        held = _swap_all(module, previous)
        parameters_and_buffers.update({k: held[k] for k in parameters_and_buffers if k in held})


def _functional_call(module: Module, parameters_and_buffers: dict[str, Any], args: Any = None,
                     kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                     strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` inside :func:`_reparametrize_module` (``args`` a tuple or one value)."""
    call_args = args if isinstance(args, tuple) else () if args is None else (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights, strict=strict):
        return module(*call_args, **(kwargs or {}))


def functional_call(module: Module, parameters_and_buffers: dict[str, Any], args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """:func:`minigrad.func.functional_call` for one dict, with PyTorch's FutureWarning (this spelling is
    deprecated)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
                  "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
                  "which is a drop-in replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights,
                            strict=strict)
