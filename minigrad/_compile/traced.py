"""The array type the tracer hands out: an ndarray whose every operation reports to the tracer.

While :mod:`minigrad._compile` traces a function, every numpy array that holds
a tensor's values is seen through a :class:`Traced` view. numpy routes ufuncs
(``a + b``, ``np.exp``, reductions, ``out=`` writes) through
``__array_ufunc__`` and its public functions (``np.where``, ``np.concatenate``,
...) through ``__array_function__``; the ndarray methods that do not dispatch
(``reshape``, ``__getitem__``, ``astype``, ``argmax``, ``item``, ...) are
overridden here. Each of them calls the thread's active tracer, which
computes the real result on plain arrays and records the call.

With no tracer active (another thread, the tracer suspended, or a Traced
array that outlived its trace) every operation simply runs on the plain
array and returns plain results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from minigrad._compile.tracer import Tracer

__all__ = ["Traced", "active", "plain", "set_active", "tracing_now"]


class _Local(threading.local):
    tracer: Tracer | None = None


_local = _Local()


def active() -> Tracer | None:
    """The tracer recording in this thread, or None (also while it is suspended)."""
    tr = _local.tracer
    return tr if tr is not None and not tr.suspended else None


def tracing_now() -> bool:
    """True while this thread is tracing a call (even inside an opaque step)."""
    return _local.tracer is not None


def set_active(tracer: Tracer | None) -> None:
    """Make ``tracer`` the one recording in this thread (None: stop)."""
    _local.tracer = tracer


_view = np.ndarray.view


def plain(x: Any) -> Any:
    """``x`` with every Traced array (also inside lists, tuples and dicts) replaced by a plain view."""
    if isinstance(x, Traced):
        return _view(x, np.ndarray)
    if type(x) is tuple or type(x) is list:
        return type(x)(plain(v) for v in x)
    if type(x) is dict:
        return {k: plain(v) for k, v in x.items()}
    return x


def _passthrough_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    out = kwargs.get("out")
    result = getattr(ufunc, method)(*plain(inputs), **plain(kwargs))
    if out is not None and method != "at":  # return the caller's own out objects, as numpy does
        return out[0] if len(out) == 1 else out
    return result


def _method(name: str) -> Callable[..., Any]:
    base = getattr(np.ndarray, name)

    def method(self: Traced, *args: Any, **kwargs: Any) -> Any:
        tr = active()
        if tr is None:
            return base(_view(self, np.ndarray), *plain(args), **plain(kwargs))
        return tr.method(self, name, base, args, kwargs)

    method.__name__ = name
    method.__doc__ = base.__doc__
    return method


def _reader(name: str) -> Callable[..., Any]:
    base = getattr(np.ndarray, name)

    def read(self: Traced, *args: Any, **kwargs: Any) -> Any:
        value = base(_view(self, np.ndarray), *plain(args), **plain(kwargs))
        tr = active()
        if tr is not None:
            tr.read(self, name, base, args, kwargs, value)
        return value

    read.__name__ = name
    return read


def _shape_reader(name: str) -> property:
    prop = getattr(np.ndarray, name)

    def get(self: Traced) -> Any:
        value = prop.__get__(self, np.ndarray)
        tr = active()
        if tr is not None:
            tr.shape_read(self, name)
        return value

    return property(get)


# Methods that do not dispatch to __array_ufunc__/__array_function__ by themselves.
_METHODS = (
    "__getitem__", "__setitem__", "argmax", "argmin", "argsort", "astype", "choose", "clip", "compress",
    "copy", "cumprod", "cumsum", "diagonal", "dot", "fill", "flatten", "nonzero", "partition", "put",
    "ravel", "repeat", "reshape", "round", "searchsorted", "sort", "squeeze", "swapaxes", "take",
    "trace", "transpose", "view",
)  # fmt: skip
# Methods that turn values into Python objects: what the Python code does with them cannot be recorded.
_READERS = (
    "__bool__", "__complex__", "__float__", "__format__", "__index__", "__int__", "__repr__", "__str__",
    "item", "tobytes", "tolist", "__contains__",
)  # fmt: skip


class Traced(np.ndarray):
    """An ndarray whose operations are recorded by the active tracer (see the module docstring)."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        tr = active()
        if tr is None:
            return _passthrough_ufunc(ufunc, method, inputs, kwargs)
        return tr.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        tr = active()
        if tr is None:
            return func(*plain(args), **plain(kwargs))
        return tr.function(func, args, kwargs)

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self)))

    @property
    def T(self) -> Any:  # noqa: N802 - numpy's name
        """The transposed view (recorded)."""
        return self.transpose()

    def __reduce__(self) -> Any:  # pickling reads every value: hand over a plain copy
        return _view(self, np.ndarray).__reduce__()


for _name in _METHODS:
    setattr(Traced, _name, _method(_name))
for _name in _READERS:
    setattr(Traced, _name, _reader(_name))
for _name in ("shape", "size", "nbytes", "strides"):
    setattr(Traced, _name, _shape_reader(_name))
del _name
