"""``torch.overrides`` on minigrad: whether an object counts as a tensor, and the helpers a function of a
library's own uses to hand its call to the ``__torch_function__`` of its arguments.

Tensor subclasses dispatch minigrad's own methods and ``torch.*`` functions (see
:mod:`minigrad._subclass`); tensor-like objects that are not Tensors (a class with only a
``__torch_function__``) are dispatched only by :func:`handle_torch_function`, not by minigrad's functions.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from minigrad import _subclass
from minigrad.tensor import Tensor

__all__ = ["handle_torch_function", "has_torch_function", "has_torch_function_unary",
           "has_torch_function_variadic", "is_tensor_like", "is_tensor_method_or_property", "resolve_name",
           "wrap_torch_function"]

_F = TypeVar("_F", bound=Callable[..., Any])


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


def wrap_torch_function(dispatcher: Callable[..., Iterable[Any]]) -> Callable[[_F], _F]:
    """A decorator making a function dispatch through ``__torch_function__``: the wrapped function calls
    ``dispatcher`` with its arguments, and when one of the tensor-likes it returns has a
    ``__torch_function__`` of its own, hands the call (as the wrapper) to :func:`handle_torch_function`;
    otherwise it runs the function. ``dispatcher`` takes the function's signature."""
    def inner(func: _F) -> _F:
        @functools.wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return inner


_NAMESPACES = (("torch", "minigrad"), ("torch.nn.functional", "minigrad.nn.functional"),
               ("torch.nn.init", "minigrad.nn.init"), ("torch.linalg", "minigrad.linalg"),
               ("torch.fft", "minigrad.fft"), ("torch.special", "minigrad.special"))


@functools.cache
def _names() -> dict[Any, str]:
    index: dict[Any, str] = {}
    for shown, module in _NAMESPACES:
        try:
            ns = importlib.import_module(module)
        except ImportError:
            continue
        names = ns.__all__ if module == "minigrad" else dir(ns)
        for name in names:
            f = getattr(ns, name, None)
            if callable(f) and not isinstance(f, type) and not name.startswith("__"):
                index.setdefault(f, f"{shown}.{name}")
    for name in dir(Tensor):
        f = getattr(Tensor, name)
        if name == "__weakref__" or getattr(object, name, None) is f:
            continue
        attr = next((c.__dict__[name] for c in Tensor.__mro__ if name in c.__dict__), None)
        if isinstance(attr, property):
            index[attr.__get__] = f"torch.Tensor.{name}.__get__"
            index[attr.__set__] = f"torch.Tensor.{name}.__set__"
            original = getattr(attr, "original", None)
            if original is not None:
                index[original.__get__] = f"torch.Tensor.{name}.__get__"
                index[original.__set__] = f"torch.Tensor.{name}.__set__"
        elif callable(f):
            index[f] = f"torch.Tensor.{name}"
            wrapped = getattr(f, "__wrapped__", None)
            if wrapped is not None and getattr(f, "_stands_for_tensor", False):
                index.setdefault(wrapped, f"torch.Tensor.{name}")
    return index


def resolve_name(f: Callable[..., Any]) -> str | None:
    """The name ``torch.<namespace>.<name>`` of a function handed to ``__torch_function__`` (a top-level,
    ``nn.functional``, ``nn.init``, ``linalg``, ``fft``, ``special`` function, a Tensor method, or a
    property's ``__get__``/``__set__``), as PyTorch's; None for anything else."""
    try:
        return _names().get(f)
    except TypeError:  # (an unhashable object)
        return None


def is_tensor_method_or_property(func: Callable[..., Any]) -> bool:
    """Whether ``func`` is a Tensor method, or a property getter (anything named ``__get__``), as handed to
    ``__torch_function__`` (PyTorch's test)."""
    name = _names().get(func, "") if getattr(func, "__hash__", None) else ""
    return name.startswith("torch.Tensor.") or getattr(func, "__name__", "") == "__get__"
