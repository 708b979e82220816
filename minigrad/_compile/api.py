"""``mg.compile``: trace a function once per input signature, then replay it.

See :func:`compile` for what is captured and what is not.
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad._compile.tape import Tape, build, canonical, make_output
from minigrad._compile.tracer import Tracer, Unreplayable, tracing
from minigrad.autograd import is_grad_enabled
from minigrad.tensor import Tensor

__all__ = ["CompiledFunction", "compile"]

_ARRAY = Tensor.__dict__["_array"]
_GRAD = Tensor.__dict__["grad"]


class _Entry:
    """One traced variant of a signature: its tape, and whether a second trace confirmed it."""

    __slots__ = ("canon", "confirmed", "tape", "template")

    def __init__(self, tape: Tape, template: Any, canon: list[Any]) -> None:
        self.tape = tape
        self.template = template
        self.canon = canon
        self.confirmed = False


class _Eager:
    """Marks a signature that runs eagerly (it could not be replayed faithfully)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _signature(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, list[Tensor]]:
    """The cache key of a call and its tensor arguments, in order."""
    tensors: list[Tensor] = []
    arrays: dict[int, int] = {}

    def walk(x: Any) -> Any:
        if isinstance(x, Tensor):
            a = _ARRAY.__get__(x)
            tensors.append(x)
            alias = arrays.setdefault(id(a), len(tensors) - 1)
            grad_none = _GRAD.__get__(x) is None if x.requires_grad else None
            return ("T", a.shape, a.dtype.str, getattr(a, "strides", ()), x.requires_grad, x._ctx is None,
                    grad_none, alias)
        if x is None or isinstance(x, (bool, int, float, complex, str, bytes)):
            return (type(x), x)
        if type(x) in (tuple, list):
            return (type(x), tuple(walk(v) for v in x))
        if type(x) is dict:
            return (dict, tuple((k, walk(v)) for k, v in x.items()))
        if isinstance(x, np.ndarray):
            raise TypeError("mg.compile: pass tensors, not numpy arrays, as arguments (mg.from_numpy wraps one)")
        return ("id", id(x))

    key = (walk(args), walk(kwargs), is_grad_enabled())
    return key, tensors


class CompiledFunction:
    """A function that replays its traced kernels for signatures it has seen (made by :func:`compile`)."""

    def __init__(self, fn: Callable[..., Any], cache_size: int = 8) -> None:
        self._fn = fn
        self._cache: OrderedDict[Any, list[_Entry] | _Eager] = OrderedDict()
        self._cache_size = cache_size
        self._warned: set[str] = set()
        self.traces = 0  # how many calls were traced (for tests and curiosity)
        self.replays = 0
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key, tensors = _signature(args, kwargs)
        entries = self._cache.get(key)
        if entries is not None:
            self._cache.move_to_end(key)
            if isinstance(entries, _Eager):
                return self._fn(*args, **kwargs)
            for entry in entries:
                if entry.confirmed and entry.tape.check(tensors):
                    self.replays += 1
                    entry.tape.run([_ARRAY.__get__(t) for t in tensors])
                    return make_output(entry.template, tensors, entry.tape.slots)
        return self._trace(key, tensors, args, kwargs)

    def _trace(self, key: Any, tensors: list[Tensor], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        pending = [e for e in self._cache.get(key) or () if not e.confirmed  # type: ignore[union-attr]
                   and e.tape.check(tensors)]
        tracer = Tracer()
        for k, t in enumerate(tensors):
            tracer.arg_index[id(t)] = k
            raw = _ARRAY.__get__(t)
            if type(raw) is not np.ndarray:
                raw = np.asarray(raw)
                _ARRAY.__set__(t, raw)
            tracer.input(raw, k)
        self.traces += 1
        with tracing(tracer):
            result = self._fn(*args, **kwargs)
        reason = tracer.unreplayable or _live_graph(result)
        tape = None
        if reason is None:
            try:
                tape, template = build(tracer, tensors, result)
            except Unreplayable as e:
                reason = str(e)
        if reason is not None or tape is None:
            self._give_up(key, reason or "unreplayable")
            return result
        canon = canonical(tracer)
        del tracer
        entry = _Entry(tape, template, canon)
        if pending:
            if any(p.canon == canon for p in pending):
                entry.confirmed = True
            else:
                where = _first_difference(pending[0].canon, canon)
                self._give_up(key, f"two calls with the same signature ran different kernels ({where}); "
                                   "a tensor read through a closure or global that changes between calls, or "
                                   "a Python number that changes, is baked into the trace: pass them as "
                                   "arguments")
                return result
        entries = self._cache.get(key)
        if not isinstance(entries, list):
            entries = []
        entries = [e for e in entries if e.confirmed] + [entry]
        self._cache[key] = entries[-self._cache_size:]
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return make_output(template, tensors, tape.slots)

    def _give_up(self, key: Any, reason: str) -> None:
        self._cache[key] = _Eager(reason)
        if reason not in self._warned:
            self._warned.add(reason)
            warnings.warn(
                f"mg.compile({getattr(self._fn, '__qualname__', self._fn)!r}): runs eagerly for this input "
                f"signature: {reason}",
                RuntimeWarning,
                stacklevel=4,
            )


def _live_graph(result: Any) -> str | None:
    """A result tensor that still has a graph to differentiate cannot come from a replay."""
    todo = [result]
    while todo:
        x = todo.pop()
        if isinstance(x, Tensor):
            ctx = x._ctx
            if ctx is not None and ctx.parents:
                return ("the function returns a tensor whose graph was not differentiated inside it; call "
                        "backward() inside the compiled function, or compile the module (mg.compile(model))")
        elif type(x) in (tuple, list):
            todo += list(x)
        elif type(x) is dict:
            todo += list(x.values())
    return None


def _first_difference(a: list[Any], b: list[Any]) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"kernel {i}: {x[:2]} vs {y[:2]}"
    return f"{len(a)} vs {len(b)} kernels"


def compile(  # noqa: A001 - PyTorch's name
    model: Any = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: Any = "replay",
    mode: str | None = None,
    options: dict[str, Any] | None = None,
    disable: bool = False,
) -> Any:
    """Trace ``model`` (a function) once per input signature and replay its numpy kernels afterwards.

    The first two calls with a given signature run eagerly while every
    array-level kernel (forward, the backward pass, optimizer updates, random
    draws) is recorded; when both recordings agree, later calls replay the
    kernels as a flat list of numpy calls on preallocated buffers: no Tensor
    objects, no graph, no per-op dispatch. The result is bit-identical to
    eager.

    The signature is: the tensor arguments' shapes, dtypes, layouts,
    ``requires_grad`` and whether their ``.grad`` is None; the values of
    Python number, string and None arguments; the grad mode; the
    ``training`` flag of every module that ran; which parameters' ``.grad``
    was None; which arrays the parameters and buffers held. A new signature
    is traced again (up to 8 are cached).

    Replayed, as eager: in-place updates of parameters, buffers (BatchNorm's
    running statistics) and optimizer state; ``.grad`` assignments (so
    ``zero_grad(set_to_none=...)`` behaves as eagerly); ``optimizer.step()``
    and ``scheduler.step()``, which run again as Python on each call, reading
    their hyperparameters then (a learning-rate schedule works); draws from
    minigrad's generators, so dropout masks are fresh each call and the
    generator advances exactly as eagerly. The result's tensors are new
    tensors holding copies of the values (detached).

    Not replayed: other Python side effects (printing, appending to lists,
    assigning attributes); tensors reached through closures or globals are
    bound at trace time, like parameters, so pass data that changes between
    calls as arguments (a changed tensor is detected: the two recordings
    differ, and the signature runs eagerly). Reading tensor values into
    Python inside the function (``.item()``, ``bool(t)``, ``float(t)``,
    ``.tolist()``, printing a tensor, a shape that depends on values) cannot
    be replayed: that signature **falls back to eager** with a one-time
    ``RuntimeWarning`` naming the line. ``.numpy()`` itself is fine as long as
    the array's values are only used in numpy computations.

    Args:
        model: the function to compile (also usable as ``@mg.compile`` or
            ``@mg.compile()``).
        fullgraph, dynamic, backend, mode, options: accepted for
            compatibility with ``torch.compile`` and ignored: there is one
            backend (replay), shapes are always specialized, and the whole
            function is always captured or run eagerly.
        disable: return ``model`` unchanged.

    Returns:
        A :class:`CompiledFunction` wrapping ``model``.
    """
    del fullgraph, dynamic, backend, mode, options
    if model is None:
        return lambda m: compile(m, disable=disable)
    if disable:
        return model
    if isinstance(model, CompiledFunction):
        return model
    return CompiledFunction(model)
