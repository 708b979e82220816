"""Tensor subclasses that keep their class through ops, as PyTorch's default ``__torch_function__``.

In PyTorch every method and ``torch.*`` function called with an instance of a Tensor subclass goes to
the subclass's ``__torch_function__``; the default one (``Tensor.__torch_function__``) runs the function
with that dispatch switched off and turns a plain Tensor result into the subclass (``as_subclass``), so
``MyT`` instances stay ``MyT`` through ``a + b``, ``a.sum()``, ``F.relu(a)``. A subclass that sets
``__torch_function__ = torch._C._disabled_torch_function_impl`` (``nn.Parameter``) gets plain results.

minigrad's plain Tensor pays nothing for this: when a subclass is defined, :func:`install` puts a thin
wrapper for each Tensor method on the subclass itself (Python finds it before Tensor's), and the ops
(``Function.apply``) test one flag, set once such a subclass exists, to give ``torch.*`` functions'
results the class of their subclass input.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from types import FunctionType, TracebackType
from typing import TYPE_CHECKING, Any

from minigrad.grad_mode import _extras

if TYPE_CHECKING:
    from minigrad.tensor import Tensor


class _State(threading.local):
    disabled = False  # inside DisableTorchFunctionSubclass (or a default __torch_function__ running func)


state = _State()


class DisableTorchFunctionSubclass:
    """Context manager (``torch._C.DisableTorchFunctionSubclass``): inside it, methods and functions
    called with Tensor-subclass instances run as for plain Tensors, without their ``__torch_function__``."""

    def __enter__(self) -> None:
        self._old = state.disabled
        state.disabled = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        state.disabled = self._old


def _disabled_torch_function_impl(func: Callable[..., Any], types: Any, args: Iterable[Any] = (),
                                  kwargs: dict[str, Any] | None = None) -> Any:
    """``func(*args, **kwargs)`` with subclass dispatch off: the ``__torch_function__`` of a subclass whose
    results stay plain Tensors (``nn.Parameter``'s, as ``torch._C._disabled_torch_function_impl``)."""
    with DisableTorchFunctionSubclass():
        return func(*args, **(kwargs or {}))


def dispatching(cls: type) -> bool:
    """Whether instances of ``cls`` (a Tensor subclass) take over the functions they are passed."""
    return getattr(cls, "__torch_function__", None) is not _disabled_torch_function_impl


def _add_type(found: list[type], t: type) -> None:
    # PyTorch's order: left to right, except that a subclass goes before its superclasses
    if t in found:
        return
    for i, f in enumerate(found):
        if issubclass(t, f):
            found.insert(i, t)
            return
    found.append(t)


def overloaded(args: Iterable[Any], plain: type) -> list[type]:
    """The types of ``args`` (and of the items of list or tuple arguments) that dispatch, in PyTorch's
    order (the first one's ``__torch_function__`` is asked first)."""
    found: list[type] = []
    for a in args:
        t = type(a)
        if t is not plain and isinstance(a, plain) and dispatching(t):
            _add_type(found, t)
        elif t is list or t is tuple:
            for b in a:
                u = type(b)
                if u is not plain and isinstance(b, plain) and dispatching(u):
                    _add_type(found, u)
    return found


def dispatches(plain: type, *args: Any) -> bool:
    """Whether one of ``args`` (or an item of one, a tuple or list) is a dispatching Tensor subclass
    instance, outside a default ``__torch_function__``: a plain tensor's ``x[i] = v`` and ``x[i]`` with
    such a ``v`` or ``i`` go to its ``__torch_function__``, as PyTorch's (``plain``: the Tensor class)."""
    return not state.disabled and bool(overloaded(args, plain))


def handle(func: Callable[..., Any], name: str, args: tuple[Any, ...], kwargs: dict[str, Any],
           plain: type) -> Any:
    """Call ``func`` through the ``__torch_function__`` of the dispatching types (subclasses of ``plain``,
    the Tensor class) among its arguments.

    Raises:
        TypeError: every one of them answered NotImplemented (PyTorch's words).
    """
    types = overloaded((*args, *kwargs.values()), plain)
    if not types:
        return func(*args, **kwargs)
    for t in types:
        ret = t.__torch_function__(func, tuple(types), args, kwargs)  # type: ignore[attr-defined]
        if ret is not NotImplemented:
            return ret
    raise TypeError(refused(f"{plain.__module__.split('.')[0]}.Tensor.{name}", types))


def like(value: Any, plain: type) -> bool:
    """Whether ``value`` is no Tensor (``plain``) but its class has a ``__torch_function__``
    (linear_operator's LinearOperator): PyTorch hands a Tensor method or operator called with it to that
    (:func:`hand_over`)."""
    method = getattr(type(value), "__torch_function__", None)
    return method is not None and method is not _disabled_torch_function_impl and not isinstance(value, plain)


def hand_over(plain: type, name: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None) -> Any:
    """``plain.<name>(*args, **kwargs)`` (a Tensor method) handed to the ``__torch_function__`` of the
    tensor-like objects among ``args`` (see :func:`like`), left to right, as PyTorch's methods and operators
    do; the first answer that is not NotImplemented.

    Raises:
        TypeError: every one of them answered NotImplemented (PyTorch's words).
    """
    kwargs = {} if kwargs is None else kwargs
    found: list[type] = []
    first: dict[type, Any] = {}  # (each type's first instance, whose __torch_function__ is asked)
    for a in args:
        if like(a, plain):
            _add_type(found, type(a))
            first.setdefault(type(a), a)
    func = getattr(plain, name)
    for t in found:
        ret = first[t].__torch_function__(func, tuple(found), args, kwargs)
        if ret is not NotImplemented:
            return ret
    raise TypeError(refused(f"{plain.__module__.split('.')[0]}.Tensor.{name}", found))


def refused(name: str, types: Iterable[type], python: bool = False) -> str:
    """PyTorch's words when every ``__torch_function__`` handed the call of ``name`` answered NotImplemented:
    those of its C functions and methods, or (``python``) of the functions it writes in Python."""
    if python:
        return (f"no implementation found for '{name}' on types that implement __torch_function__: "
                f"{list(types)}")
    each = "".join(f"  - tensor subclass {t}\n" for t in types)
    return (f"Multiple dispatch failed for '{name}'; all __torch_function__ handlers returned NotImplemented:"
            f"\n\n{each}\nFor more information, try re-running with TORCH_LOGS=not_implemented")


def convert(ret: Any, cls: type, plain: type, args: Iterable[Any] = ()) -> Any:
    """``ret`` with each plain Tensor in it (or in a tuple or list it is) made a ``cls`` instance, as
    PyTorch's ``_convert``: a result made for this call takes the class in place; one that is also an
    argument (``x.to(y)`` handing back ``y``) or requires grad is aliased by :meth:`Tensor.as_subclass`
    instead, as PyTorch's always is (``plain``: the Tensor class)."""
    if cls is plain:
        return ret
    if isinstance(ret, plain):
        if not isinstance(ret, cls):
            # (one in a graph takes the alias node PyTorch's as_subclass adds: grad_fn=<AliasBackward0>)
            if type(ret) is plain and not ret.requires_grad and not any(  # type: ignore[attr-defined]
                    ret is a for a in _flat(args)):
                try:
                    ret.__class__ = cls
                    return ret
                except TypeError:  # (a subclass with __slots__ of its own: another layout)
                    pass
            ret = ret.as_subclass(cls)  # type: ignore[attr-defined]
        return ret
    if isinstance(ret, (tuple, list)):
        items = [convert(r, cls, plain, args) for r in ret]
        make = getattr(type(ret), "_make", None)  # (named tuples: minigrad's return types are such)
        return make(items) if make is not None else type(ret)(items)
    return ret


def _flat(args: Iterable[Any]) -> Iterable[Any]:
    for a in args:
        yield a
        if type(a) is list or type(a) is tuple:
            yield from a


def torch_function(plain: type, cls: type, func: Callable[..., Any], types: Iterable[type],
                   args: Iterable[Any] = (), kwargs: dict[str, Any] | None = None) -> Any:
    """PyTorch's default ``Tensor.__torch_function__``: run ``func`` with subclass dispatch off and give a
    Tensor result (or the Tensors of a tuple or list result) the class ``cls``; NotImplemented when some
    type of ``types`` is no superclass of ``cls``. The field reads ``grad`` and ``_base`` keep their
    result as it is (PyTorch's ``get_default_nowrap_functions``). ``plain``: the Tensor class."""
    if kwargs is None:
        kwargs = {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisableTorchFunctionSubclass():
        ret = func(*args, **kwargs)
        if func in _nowrap(plain):
            return ret
        return convert(ret, cls, plain, args)


@functools.cache
def _nowrap(plain: Any) -> frozenset[Any]:
    return frozenset({plain.grad.__get__, plain._base.__get__})


# Tensor attributes left alone: construction, copying, Python's and numpy's protocols PyTorch does not
# dispatch (hash, pickling), and ``__iter__``, which PyTorch writes with dim() and unbind() (:func:`_iter`).
_SKIP = frozenset({
    "__init__", "__new__", "__init_subclass__", "__getattr__", "__getattribute__", "__setattr__",
    "__delattr__", "__array_wrap__", "__copy__", "__getstate__", "__setstate__", "__reduce__",
    "__reduce_ex__", "__hash__", "__dlpack__", "__dlpack_device__", "__torch_function__", "__iter__",
    "as_subclass",
})


# The operators whose ``__torch_function__`` PyTorch hands the named method (``a + 1`` and ``1 + a`` pass
# ``Tensor.add``); the other operators pass themselves (``Tensor.__rsub__``, ``Tensor.__getitem__``).
_NAMED = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__mul__": "mul", "__rmul__": "mul",
          "__truediv__": "div", "__matmul__": "matmul", "__neg__": "neg", "__pow__": "pow", "__lt__": "lt",
          "__gt__": "gt", "__abs__": "abs", "__mod__": "remainder", "__iadd__": "add_",
          "__rtruediv__": "__rdiv__"}


def _method(name: str, func: Callable[..., Any], public: Callable[..., Any],
            plain: type) -> Callable[..., Any]:
    def method(*args: Any, **kwargs: Any) -> Any:
        if state.disabled:
            return func(*args, **kwargs)
        return handle(public, name, args, kwargs, plain)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = func.__doc__
    method.__wrapped__ = func  # type: ignore[attr-defined]
    method._stands_for_tensor = True  # type: ignore[attr-defined]  # (see _unshadow)
    return method


def _getter(name: str, prop: property, plain: type) -> property:
    get, put = prop.__get__, prop.__set__

    def fget(self: Any) -> Any:
        if state.disabled:
            return get(self)
        return handle(get, name, (self,), {}, plain)

    def fset(self: Any, value: Any) -> None:
        if state.disabled:
            return put(self, value)
        return handle(put, name, (self, value), {}, plain)  # type: ignore[no-any-return]

    wrapper = _Getter(fget, fset if prop.fset is not None else None, prop.fdel, prop.__doc__)
    wrapper.original = prop
    return wrapper


class _Getter(property):
    """A dispatching wrapper of a Tensor property (see :func:`_unshadow`); ``original``: the property it
    wraps, whose ``__get__``/``__set__`` reach ``__torch_function__``."""

    original: property


def _iter(self: Any) -> Any:
    # PyTorch's Tensor.__iter__ (not dispatched itself): the calls it makes are
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(self.unbind(0))


_iter._stands_for_tensor = True  # type: ignore[attr-defined]


def _wrapper(value: Any) -> bool:
    return type(value) is _Getter or getattr(value, "_stands_for_tensor", False) is True


def _unshadow(cls: type, plain: type) -> None:
    """Give ``cls`` the methods another of its Tensor-subclass bases defines itself where a dispatching base
    before it in the MRO holds only a wrapper of Tensor's (``TaggedParameter(Tagged, nn.Parameter)`` finds
    Parameter's ``__repr__``, not Tagged's wrapper): the wrappers stand for Tensor's own methods, which
    come last, as PyTorch's C methods do."""
    mro = cls.__mro__[1:cls.__mro__.index(plain)]
    seen: set[str] = set(vars(cls))
    for i, klass in enumerate(mro):
        for name, value in vars(klass).items():
            if name in seen:
                continue
            seen.add(name)
            if _wrapper(value):
                later = (vars(k)[name] for k in mro[i + 1:] if name in vars(k))
                real = next((v for v in later if not _wrapper(v)), None)
                if real is not None:
                    setattr(cls, name, real)


def install(cls: type[Tensor], plain: type[Tensor]) -> None:
    """Put on ``cls`` (a Tensor subclass just defined) a dispatching wrapper of each Tensor method and
    property it does not define itself, and switch on the ops' conversion of results."""
    _unshadow(cls, plain)
    if not dispatching(cls):
        return
    _extras.subclass = True
    own = _own(cls, plain)  # the subclass's own names, and those of its bases between it and Tensor
    if "__iter__" not in own:
        cls.__iter__ = _iter  # type: ignore[method-assign]
    for klass in plain.__mro__[:-1]:
        for name, value in vars(klass).items():
            if name in _SKIP or name in own or (name.startswith("_") and not name.startswith("__")):
                continue
            if type(value) is FunctionType:
                setattr(cls, name, _method(name, value, getattr(plain, _NAMED.get(name, name)), plain))
            elif type(value) is property and value.fget is not None:
                setattr(cls, name, _getter(name, value, plain))
            own.add(name)  # (Tensor's own overrides TensorMethods')


def _own(cls: type, plain: type) -> set[str]:
    names: set[str] = set()
    for k in cls.__mro__:
        if k is plain:
            break
        names.update(vars(k))
    return names


def result_class(inputs: Iterable[Tensor], plain: type) -> type | None:
    """For an op's result: the class it takes from its inputs (None: it stays plain), or None inside a
    default ``__torch_function__`` (whose caller converts the final result)."""
    if state.disabled:
        return None
    found: list[type] = []
    for t in inputs:
        k = type(t)
        if k is not plain and dispatching(k):
            _add_type(found, k)
    return found[0] if found else None


def take_class(out: Tensor, inputs: Iterable[Tensor], plain: type) -> Tensor:
    """``out`` (a new result of ``inputs``) given the class :func:`result_class` picks, if any."""
    sub = result_class(inputs, plain)
    if sub is not None:
        try:
            out.__class__ = sub
        except TypeError:  # (a subclass with __slots__ of its own)
            return convert(out, sub, plain)  # type: ignore[no-any-return]
    return out


def construct(cls: type[Tensor], args: tuple[Any, ...], kwargs: dict[str, Any], plain: Any,
              built_in_new: Callable[..., None]) -> Any:
    """``Tensor.__new__`` for a subclass: PyTorch's builds the instance there (``MyT(data)``, or
    ``super().__new__(cls, data)`` in a subclass's ``__new__``): an alias of a lone tensor argument that
    keeps its graph (:func:`as_subclass`), else a new tensor of the data (``__init__`` then does nothing).
    A subclass with an ``__init__`` of its own gets a bare instance for that ``__init__`` to set up.
    (``plain``: the Tensor class; ``built_in_new``: the ``__init__`` that does nothing.)"""
    made: Any = object.__new__(cls)
    if cls.__init__ is not built_in_new:
        return made
    if len(args) == 1 and not kwargs and isinstance(args[0], plain):
        return as_subclass(args[0], cls, plain)
    plain.__init__(made, *args, **kwargs)
    return made


def as_subclass(t: Tensor, cls: type[Tensor], plain: Any) -> Any:
    """``t.as_subclass(cls)``: a ``cls`` instance sharing ``t``'s memory and staying in its graph (an
    alias view, ``AliasBackward0``), as PyTorch's (``plain``: the Tensor class).

    Raises:
        TypeError: ``cls`` is not a subclass of Tensor.
    """
    if not (isinstance(cls, type) and issubclass(cls, plain)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not "
                        "possible. Make sure your class inherits from Tensor.")
    with DisableTorchFunctionSubclass():
        out: Any = plain.__getitem__(t, ...)
    if cls is plain:
        return out
    try:
        out.__class__ = cls
    except TypeError:  # (a subclass with __slots__ of its own: the Tensor slots copied over)
        made: Any = object.__new__(cls)
        for name in plain.__slots__[2:]:  # (after __dict__ and __weakref__)
            if hasattr(out, name):
                setattr(made, name, getattr(out, name))
        made.__dict__.update(out.__dict__)
        out = made
    return out
