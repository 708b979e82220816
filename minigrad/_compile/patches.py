"""The patches that make a traced call visible to its :class:`~minigrad._compile.tracer.Tracer`.

:func:`tracing` swaps, for the duration of one traced call and in a way
that other threads do not notice: numpy's constructors (so arrays made
during the call are tracked), the ``Tensor._array`` and ``Tensor.grad``
slots (tensors hand out Traced views; ``.grad`` assignments are recorded),
``Generator.np`` (random draws are recorded), ``Module.__call__`` (the
training flags of the modules that ran join the guard) and the ``step``
of optimizers and learning-rate schedulers (recorded as opaque: run again
as Python on replay, so they read their hyperparameters then).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from minigrad._compile.traced import Traced, active, plain, set_active
from minigrad._compile.tracer import Tracer, location, resolve

__all__ = ["tracing"]

_view = np.ndarray.view
_MISSING = object()


class _RngProxy:
    """Stands in for ``Generator.np`` while tracing: draws are recorded."""

    def __init__(self, tracer: Tracer, gen: Any, path: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "_t", (tracer, gen, path))

    def __getattr__(self, name: str) -> Any:
        tracer: Tracer
        tracer, gen, path = object.__getattribute__(self, "_t")
        target = resolve(gen.__dict__["np"], (*path, name))
        if name == "bit_generator":
            return _RngProxy(tracer, gen, (*path, name))
        if callable(target):
            def draw(*args: Any, **kwargs: Any) -> Any:
                if active() is not tracer:
                    return target(*plain(args), **plain(kwargs))
                return tracer.rng(gen, (*path, name), args, kwargs)
            return draw
        if active() is tracer:
            tracer.fail(f"{location()}: the random generator's state is read")
        return target

    def __setattr__(self, name: str, value: Any) -> None:
        tracer: Tracer
        tracer, gen, path = object.__getattribute__(self, "_t")
        tracer.fail(f"{location()}: the random generator's state is set")
        setattr(resolve(gen.__dict__["np"], path), name, value)


def _all_subclasses(cls: type) -> list[type]:
    out: list[type] = [cls]
    todo: list[type] = [cls]
    while todo:
        subs: list[type] = todo.pop().__subclasses__()
        for sub in subs:
            if sub not in out:
                out.append(sub)
                todo.append(sub)
    return out


_NUMPY_CREATORS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
                   "array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "arange", "eye",
                   "identity")


@contextmanager
def tracing(tracer: Tracer) -> Iterator[Tracer]:
    """Make ``tracer`` record everything this thread computes inside the block (see the module docstring)."""
    from minigrad._leaf_rules import check_assigned_grad
    from minigrad.autograd import engine
    from minigrad.nn.module import Module
    from minigrad.optim.lr_scheduler import LRScheduler
    from minigrad.optim.optimizer import Optimizer
    from minigrad.random import Generator
    from minigrad.tensor import Tensor, _grad_slot, held_grad, warn_non_leaf_grad

    restore: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, value: Any) -> None:
        restore.append((owner, name, owner.__dict__.get(name, _MISSING) if isinstance(owner, type)
                        else getattr(owner, name)))
        setattr(owner, name, value)

    for name in _NUMPY_CREATORS:
        orig = getattr(np, name)

        def creator(*args: Any, _orig: Any = orig, _name: str = name, **kwargs: Any) -> Any:
            tr = active()
            if tr is None:
                return _orig(*args, **kwargs)
            return tr.create(_name, _orig, args, kwargs)

        creator.__name__ = name
        patch(np, name, creator)

    array_slot = Tensor.__dict__["_array"]

    def get_array(t: Any) -> Any:
        raw = array_slot.__get__(t, Tensor)
        tr = active()
        return raw if tr is None else tr.traced_of(raw, t)

    def set_array(t: Any, value: Any) -> None:
        tr = active()
        if tr is not None:
            if isinstance(value, Traced):
                value = tr.reg(value).plain
            try:
                old = array_slot.__get__(t, Tensor)
            except AttributeError:
                tr.created.add(id(t))
            else:
                tr.array_set(t, old, value)
        elif isinstance(value, Traced):
            value = _view(value, np.ndarray)
        array_slot.__set__(t, value)

    def held(t: Any) -> Any:
        value = held_grad(t)
        tr = active()
        if tr is not None:
            tr.grad_touch(t, value, False)
        return value

    def get_grad(t: Any) -> Any:
        value = held(t)
        warn_non_leaf_grad(t, value, 2)
        return value

    def store(t: Any, value: Any) -> None:
        tr = active()
        if tr is not None:
            tr.grad_set(t, value)
        _grad_slot.__set__(t, value)

    def set_grad(t: Any, value: Any) -> None:
        check_assigned_grad(t, value)
        store(t, value)

    patch(Tensor, "_array", property(get_array, set_array))
    patch(Tensor, "grad", property(get_grad, set_grad))
    patch(engine, "_held_grad", held)  # backward's own reads of .grad are seen too
    patch(engine, "_store_grad", store)  # and its stores

    def get_np(gen: Any) -> Any:
        tr = active()
        return gen.__dict__["np"] if tr is None else _RngProxy(tr, gen)

    def set_np(gen: Any, value: Any) -> None:
        tr = active()
        if tr is not None:
            tr.fail(f"{location()}: the random generator is reseeded inside the compiled function")
        gen.__dict__["np"] = value

    patch(Generator, "np", property(get_np, set_np))

    module_call = Module.__call__

    def call(m: Any, *args: Any, **kwargs: Any) -> Any:
        tr = active()
        if tr is not None:
            tr.module_called(m)
        return module_call(m, *args, **kwargs)

    patch(Module, "__call__", call)

    for base in (Optimizer, LRScheduler):
        for cls in _all_subclasses(base):
            if "step" in cls.__dict__:
                inner = cls.__dict__["step"]

                def step(obj: Any, *args: Any, _inner: Any = inner, **kwargs: Any) -> Any:
                    tr = active()
                    if tr is None:
                        return _inner(obj, *args, **kwargs)
                    return tr.opaque(_inner, obj, args, kwargs)

                step.__qualname__ = getattr(inner, "__qualname__", "step")
                patch(cls, "step", step)

    set_active(tracer)
    try:
        yield tracer
    finally:
        set_active(None)
        for owner, name, value in reversed(restore):
            if value is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, value)
