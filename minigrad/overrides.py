"""``torch.overrides`` on minigrad: whether an object counts as a tensor, and the helpers a function of a
library's own uses to hand its call to the ``__torch_function__`` of its arguments.

Tensor subclasses dispatch minigrad's own methods and ``torch.*`` functions (see
:mod:`minigrad._subclass`); tensor-like objects that are not Tensors (a class with only a
``__torch_function__``) are dispatched only by :func:`handle_torch_function`, not by minigrad's functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from minigrad import _subclass
from minigrad.tensor import Tensor

__all__ = ["handle_torch_function", "has_torch_function", "has_torch_function_unary",
           "has_torch_function_variadic", "is_tensor_like"]


def is_tensor_like(inp: object) -> bool:
    """True for a Tensor, a Tensor subclass or instance of one, and anything with a ``__torch_function__``
    attribute, as PyTorch's (which asks ``type(inp) is Tensor or hasattr(inp, "__torch_function__")``,
    true for its Tensor class and subclasses too, since they define that method)."""
    is_tensor_class = isinstance(inp, type) and issubclass(inp, Tensor)
    return isinstance(inp, Tensor) or is_tensor_class or hasattr(inp, "__torch_function__")


def _dispatches(arg: object) -> bool:
    # (an exact Tensor, a Parameter and the like, or anything without the method do not)
    t = type(arg)
    if t is Tensor:
        return False
    method = getattr(t, "__torch_function__", None)
    return method is not None and method is not _subclass._disabled_torch_function_impl


def has_torch_function(relevant_args: Iterable[Any]) -> bool:
    """Whether an element of ``relevant_args`` has a ``__torch_function__`` of its own (exact Tensors and
    Parameters do not count), as PyTorch's; False inside ``DisableTorchFunctionSubclass``.

    Raises:
        TypeError: ``relevant_args`` is not a sequence (PyTorch's words).
    """
    if not isinstance(relevant_args, (tuple, list)):
        raise TypeError("expected a sequence")
    return not _subclass.state.disabled and any(_dispatches(a) for a in relevant_args)


def has_torch_function_unary(arg: object) -> bool:
    """:func:`has_torch_function` of the one argument ``arg``."""
    return not _subclass.state.disabled and _dispatches(arg)


def has_torch_function_variadic(*args: object) -> bool:
    """:func:`has_torch_function` of the arguments ``args``."""
    return not _subclass.state.disabled and any(_dispatches(a) for a in args)


def handle_torch_function(public_api: Callable[..., Any], relevant_args: Iterable[Any], *args: Any,
                          **kwargs: Any) -> Any:
    """Call the ``__torch_function__`` of the dispatching arguments among ``relevant_args`` with
    ``(public_api, types, args, kwargs)``, one argument per type, a subclass before its bases, as
    PyTorch's; the first result that is not NotImplemented is returned.

    Raises:
        TypeError: every one answered NotImplemented (PyTorch's words).
    """
    overloaded: list[Any] = []
    for a in relevant_args:
        t = type(a)
        method = getattr(t, "__torch_function__", None)
        if method is None or method is _subclass._disabled_torch_function_impl \
                or any(type(o) is t for o in overloaded):
            continue
        index = next((i for i, o in enumerate(overloaded) if issubclass(t, type(o))), len(overloaded))
        overloaded.insert(index, a)
    types = tuple(type(a) for a in overloaded)
    for a in overloaded:
        result = type(a).__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    name = f"{public_api.__module__}.{public_api.__name__}"
    raise TypeError(f"no implementation found for '{name}' on types that implement __torch_function__: "
                    f"{list(types)}")
