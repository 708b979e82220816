"""``mg.compile``: trace a function (or a module's forward) once per signature, then replay it.

A :class:`CompiledFunction` keeps, per input signature, the tapes of its
traced calls. Two kinds of call are replayed:

* a *step*: the function does its own backward (or none) and returns tensors
  without a graph; the tape holds everything, down to the optimizer step;
* a *differentiable* call: the function returns tensors whose graph the
  caller will differentiate (a module's forward). The replay returns
  tensors made by one :class:`~minigrad.ops.Replayed` node whose backward
  replays the recorded backward kernels (several tensors are packed into
  the node's one output and handed back as views of it); the backward is
  traced when the caller's ``backward()`` first reaches the node.

The first call of a signature is traced, the second traced again and
compared with the first; replays start from the third. See :func:`compile`.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad import autograd
from minigrad._compile.build import build
from minigrad._compile.compare import canonical
from minigrad._compile.patches import tracing
from minigrad._compile.tape import Redo, Tape, make_output
from minigrad._compile.traced import tracing_now
from minigrad._compile.tracer import Tracer, Unreplayable
from minigrad.ops import Replayed
from minigrad.tensor import Tensor, from_numpy, held_grad

__all__ = ["CompiledFunction", "compile"]

_ARRAY = Tensor.__dict__["_array"]
#: replays a signature may have undone (a check on values failed) before it runs eagerly for good
_MAX_MISSES = 3


class _Entry:
    """One traced variant of a signature: its tape, and whether a second trace confirmed it."""

    def __init__(self, tape: Tape, template: Any, tracer: Tracer) -> None:
        self.tape = tape
        self.template = template
        self.canon = canonical(tracer)
        self.sites = [op.where for op in tracer.ops]  # where each recorded op was made (for messages)
        self.confirmed = False
        self.misses = 0  # replays undone because a check on values came out differently


class _NodeEntry(_Entry):
    """A differentiable variant: forward calls, backward calls, the node's parents."""

    def __init__(self, tape: Tape, template: Any, tracer: Tracer, parents: list[Any], seed: Any) -> None:
        super().__init__(tape, template, tracer)
        self.parents = parents  # per parent of the node: an argument number or the tensor itself
        self.seed = seed  # per traced gradient, (shape, strides): the layout the backward expects
        self.paths: list[tuple[Any, ...]] | None = None  # where the packed outputs are (None: one)
        self.forward_calls = tape.calls[: tape.split]
        self.backward_calls = tape.calls[tape.split:]
        self.in_flight: weakref.ref[Tensor] | None = None

    def busy(self) -> bool:
        """True while the last replay's output still waits for its backward (its buffers are taken)."""
        out = self.in_flight() if self.in_flight is not None else None
        return out is not None and out._ctx is not None and bool(out._ctx.parents)


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
            grad_none = held_grad(x) is None if x.requires_grad else None
            return ("T", a.shape, a.dtype.str, getattr(a, "strides", ()), x.requires_grad, x._ctx is None,
                    grad_none, alias)
        if x is None or isinstance(x, (bool, int, float, complex, str, bytes)):
            return (type(x), x)
        if type(x) in (tuple, list):
            return (type(x), tuple(walk(v) for v in x))
        if type(x) is dict:
            return (dict, tuple((k, walk(v)) for k, v in x.items()))
        if isinstance(x, np.ndarray):
            raise TypeError("mg.compile: pass tensors, not numpy arrays, as arguments (mg.from_numpy wraps "
                            "one)")
        return ("id", id(x))

    key = (walk(args), walk(kwargs), autograd.is_grad_enabled())
    return key, tensors


class CompiledFunction:
    """A function that replays its traced kernels for signatures it has seen (made by :func:`compile`)."""

    def __init__(self, fn: Callable[..., Any], cache_size: int = 8) -> None:
        self._fn = fn
        self._cache: OrderedDict[Any, list[_Entry] | _Eager] = OrderedDict()
        self._cache_size = cache_size
        self._warned: set[str] = set()
        self.traces = 0  # calls traced so far (for tests and the curious)
        self.replays = 0  # calls replayed
        functools.update_wrapper(self, fn)

    def __deepcopy__(self, memo: dict[int, Any]) -> CompiledFunction:
        owner = getattr(self._fn, "__self__", None)  # a module's bound forward: bind it to the copy
        if owner is not None and id(owner) in memo:
            copy = memo[id(owner)]
            return CompiledFunction(getattr(type(copy), self._fn.__name__).__get__(copy))
        return CompiledFunction(self._fn, self._cache_size)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if tracing_now():  # called inside another compiled function's trace: part of that record
            return self._fn(*args, **kwargs)
        key, tensors = _signature(args, kwargs)
        entries = self._cache.get(key)
        if entries is not None:
            self._cache.move_to_end(key)
            if isinstance(entries, _Eager):
                return self._fn(*args, **kwargs)
            for entry in entries:
                if entry.confirmed and entry.tape.check(tensors):
                    if isinstance(entry, _NodeEntry):
                        if entry.busy():  # its buffers still hold the last call's values for backward
                            return self._fn(*args, **kwargs)
                        return self._replay_node(key, entry, tensors, args, kwargs)
                    try:
                        entry.tape.run([_ARRAY.__get__(t) for t in tensors])
                    except Redo as redo:
                        return self._redo(key, entry, str(redo), args, kwargs)
                    self.replays += 1
                    return make_output(entry.template, tensors, entry.tape.slots)
        return self._trace(key, tensors, args, kwargs)

    # ------------------------------------------------------------ tracing

    def _trace(self, key: Any, tensors: list[Tensor], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        entries = self._cache.get(key)
        # Unconfirmed traces that were valid in the state this call starts from: this trace must match one.
        earlier = [e for e in entries if not e.confirmed and e.tape.check(tensors)] \
            if isinstance(entries, list) else []
        tracer = Tracer()
        for k, t in enumerate(tensors):
            tracer.arg_index[id(t)] = k
            raw = _ARRAY.__get__(t)
            if type(raw) is not np.ndarray:  # a numpy scalar left by an op on 0-d arrays
                raw = np.asarray(raw)
                _ARRAY.__set__(t, raw)
            tracer.input(raw, k)
        self.traces += 1
        with tracing(tracer):
            result = self._fn(*args, **kwargs)
        if tracer.unreplayable is not None:
            self._give_up(key, tracer.unreplayable)
            return result
        if _live_paths(result):
            return self._trace_node(key, tracer, tensors, result, earlier)
        try:
            tape, template = build(tracer, tensors, result)
        except Unreplayable as e:
            self._give_up(key, str(e))
            return result
        entry = _Entry(tape, template, tracer)
        if self._store(key, entry, earlier):
            return make_output(template, tensors, tape.slots)
        return result

    def _store(self, key: Any, entry: _Entry, earlier: list[_Entry]) -> bool:
        """Keep a traced variant, confirmed if an earlier trace from the same state did the same.

        ``earlier`` are the unconfirmed traces whose guards held when this
        call started. Returns False (and gives the signature up) if one of
        them recorded something else.
        """
        entries = self._cache.get(key)
        if isinstance(entries, _Eager):
            return False
        entries = entries or []
        earlier = [e for e in earlier if type(e) is type(entry) and any(e is x for x in entries)]
        if earlier:
            if not any(e.canon == entry.canon for e in earlier):
                self._give_up(key, _difference(earlier[0], entry))
                return False
            entry.confirmed = True
        keep = [e for e in entries if not any(e is x for x in earlier)][-(self._cache_size - 1):]
        self._cache[key] = [*keep, entry]
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return True

    def _redo(self, key: Any, entry: _Entry, reason: str, args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> Any:
        """A replay undone after a failed check: run eagerly; after a few, stop trying for the signature."""
        entry.misses += 1
        if entry.misses >= _MAX_MISSES:
            self._give_up(key, reason)
        return self._fn(*args, **kwargs)

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

    # ------------------------------------------------------------ differentiable calls

    def _trace_node(self, key: Any, tracer: Tracer, tensors: list[Tensor], result: Any,
                    earlier: list[_Entry]) -> Any:
        """Return ``result`` joined to the graph by one node whose first backward is traced too.

        One output tensor is the node's output; several are packed into one
        flat node output and handed back as views of it (their gradients
        arrive there together).
        """
        from minigrad.utils.checkpoint import _frontier

        split = len(tracer.ops)
        paths = _live_paths(result)
        live = [_at(result, p) for p in paths]
        parents = _frontier(live, [t for t in tensors if t.requires_grad])
        arg_of = {id(t): k for k, t in enumerate(tensors)}
        template_parents = [arg_of.get(id(p), p) for p in parents]
        n = len(tensors)
        single = isinstance(result, Tensor)
        if not single and len({t.dtype for t in live}) > 1:
            self._give_up(key, "the result's tensors that need gradients have different dtypes")
            return result

        def trace_backward(g: Tensor) -> list[Tensor | None]:
            seeds_raw = _split(_ARRAY.__get__(g), live, single)
            seeds = [from_numpy(a) for a in seeds_raw]
            cut = [(p, p._ctx) for p in parents if p._ctx is not None]  # arguments from an outer graph
            with tracing(tracer):
                for k, a in enumerate(seeds_raw):
                    tracer.input(a, n + k)
                for p, _ in cut:
                    p._ctx = None  # the backward stops at the arguments: the outer graph is the caller's
                try:
                    grads = autograd.grad(live, parents, seeds, allow_unused=True) if parents else ()
                finally:
                    for p, ctx in cut:
                        p._ctx = ctx
            out = [None if gr is None else from_numpy(np.array(gr.numpy(force=True), copy=True))
                   for gr in grads]
            if tracer.unreplayable is not None:
                self._give_up(key, tracer.unreplayable)
                return out
            try:
                tape, template = build(tracer, [*tensors, *seeds], (result, list(grads)), split=split)
            except Unreplayable as e:
                self._give_up(key, str(e))
                return out
            layouts = [(a.shape, a.strides) for a in seeds_raw]
            entry = _NodeEntry(tape, tuple(template[1]), tracer, template_parents, layouts)
            entry.paths = None if single else paths
            self._store(key, entry, earlier)
            return out

        node_out = Replayed.apply(*parents, value=_packed(live, single), backward_tape=trace_backward)
        return node_out if single else _unpacked(result, paths, live, node_out)

    def _replay_node(self, key: Any, entry: _NodeEntry, tensors: list[Tensor], args: tuple[Any, ...],
                     kwargs: dict[str, Any]) -> Any:
        tape = entry.tape
        try:
            tape.run([_ARRAY.__get__(t) for t in tensors], entry.forward_calls)
        except Redo as redo:
            return self._redo(key, entry, str(redo), args, kwargs)
        self.replays += 1
        result = make_output(entry.template[0], tensors, tape.slots)
        paths = entry.paths
        single = paths is None
        live = [result] if paths is None else [_at(result, p) for p in paths]
        parents = [tensors[p] if type(p) is int else p for p in entry.parents]
        n = len(tensors)
        layouts = entry.seed

        def replay_backward(g: Tensor) -> list[Tensor | None]:
            seeds = _split(_ARRAY.__get__(g), live, single)
            for k, (a, (shape, strides)) in enumerate(zip(seeds, layouts, strict=True)):
                if a.strides != strides:  # the layout the backward kernels were traced with
                    seeds[k] = _laid_out(a, shape, strides)
            tape.run([None] * n + seeds, entry.backward_calls)
            return make_output(entry.template[1], tensors, tape.slots)  # type: ignore[no-any-return]

        node_out = Replayed.apply(*parents, value=_packed(live, single), backward_tape=replay_backward)
        entry.in_flight = weakref.ref(node_out)
        return node_out if paths is None else _unpacked(result, paths, live, node_out)


def _live_paths(result: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where in ``result`` the tensors that still need their backward are (index paths)."""
    if isinstance(result, Tensor):
        ctx = result._ctx
        return [path] if ctx is not None and ctx.parents else []
    if type(result) in (tuple, list):
        return [p for i, v in enumerate(result) for p in _live_paths(v, (*path, i))]
    if type(result) is dict:
        return [p for k, v in result.items() for p in _live_paths(v, (*path, k))]
    return []


def _at(result: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        result = result[step]
    return result


def _order(a: np.ndarray) -> tuple[list[int], tuple[int, ...]]:
    """The axes of ``a`` from the largest stride down, and its shape in that order.

    A packed tensor is stored in its own memory order and handed back with
    eager's strides (a transposed view stays one): a sum over it then adds
    in the same order as eagerly.
    """
    perm = sorted(range(a.ndim), key=lambda d: -a.strides[d])
    return perm, tuple(a.shape[d] for d in perm)


def _packed(live: list[Tensor], single: bool) -> np.ndarray:
    """The node's output value: the one tensor's array, or all of them raveled into one."""
    if single:
        return live[0].numpy(force=True)
    parts = []
    for t in live:
        a = t.numpy(force=True)
        perm, _ = _order(a)
        parts.append(a.transpose(perm).reshape(-1))
    return np.concatenate(parts)


def _split(g: np.ndarray, live: list[Tensor], single: bool) -> list[np.ndarray]:
    """The node's gradient cut into one gradient per packed tensor (views, laid out as the tensors)."""
    if single:
        return [g]
    out, start = [], 0
    for t in live:
        stop = start + t.numel()
        perm, shape = _order(t.numpy(force=True))
        out.append(g[start:stop].reshape(shape).transpose(np.argsort(perm)))
        start = stop
    return out


def _unpacked(result: Any, paths: list[tuple[Any, ...]], live: list[Tensor], node_out: Tensor) -> Any:
    """``result`` with each packed tensor replaced by its view of the node's output (eager's strides)."""
    start = 0
    views = []
    for t in live:
        stop = start + t.numel()
        perm, shape = _order(t.numpy(force=True))
        view = node_out[start:stop].reshape(shape)
        views.append(view if perm == sorted(perm) else view.permute(np.argsort(perm).tolist()))
        start = stop
    return _replaced(result, dict(zip(paths, views, strict=True)), ())


def _replaced(x: Any, views: dict[tuple[Any, ...], Tensor], path: tuple[Any, ...]) -> Any:
    if path in views:
        return views[path]
    if type(x) in (tuple, list):
        items = [_replaced(v, views, (*path, i)) for i, v in enumerate(x)]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
    if type(x) is dict:
        return {k: _replaced(v, views, (*path, k)) for k, v in x.items()}
    return x


def _laid_out(g: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    """``g``'s values in an array of the given layout (stride 0 where the traced gradient was broadcast)."""
    if 0 in strides:
        out = np.lib.stride_tricks.as_strided(np.empty(max(g.size, 1), g.dtype), shape, strides)
    else:
        out = np.empty(shape, g.dtype)
    np.copyto(out, g)
    return out


def _expected(guard: tuple[Any, ...]) -> Any:
    """The value a recorded guard expects, read from its canonical form."""
    return next((item[1][-1] for item in guard[-1][1:] if item[0] == "expected"), "?")


def _difference(a: _Entry, b: _Entry) -> str:
    """Why two traces of one signature differ, for the warning that the signature runs eagerly."""
    i = next((i for i, (x, y) in enumerate(zip(a.canon, b.canon)) if x != y), min(len(a.canon), len(b.canon)))
    x, y = (a.canon[i] if i < len(a.canon) else None), (b.canon[i] if i < len(b.canon) else None)
    if x is not None and y is not None and x[0] == y[0] == "guard" and x[1] == y[1]:
        return (f"minigrad's code called at {b.sites[i]} reads a tensor value into Python that changed "
                f"between two calls ({_expected(x)} then {_expected(y)}; a counter such as BatchNorm's "
                "num_batches_tracked with momentum=None), so each call would run different kernels")
    where = f"kernel {i}: {x[:2] if x else None} vs {y[:2] if y else None}"
    return (f"two calls with the same signature ran different kernels ({where}); a tensor read through a "
            "closure or global that changes between calls, or a Python number that changes, is baked into "
            "the trace: pass it as an argument")


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
    """Trace ``model`` (a function or a Module) once per input signature and replay its numpy kernels.

    The first call with a given signature runs eagerly while every
    array-level kernel (forward, the backward pass, optimizer updates, random
    draws) is recorded; the second is recorded again and compared. When both
    agree, later calls replay the kernels as a flat list of numpy calls on
    preallocated (and shared, where lifetimes allow) buffers: no Tensor
    objects, no graph, no per-op dispatch. Results are bit-identical to eager.

    **A function** is typically a whole training step (``zero_grad``,
    forward, ``backward``, ``optimizer.step()``) returning the loss. If it
    returns instead tensors that still need their backward (a forward
    function; one tensor, or several in tuples, lists and dicts such as an
    LSTM's ``output, (h, c)``), the call is *differentiable*: the result
    joins the caller's graph as one node whose backward replays the
    recorded backward kernels.

    **A Module** is returned in PyTorch's ``OptimizedModule`` wrapper whose
    calls run the module's forward compiled (``module.compile()`` compiles it
    in place instead), so under grad mode the module is one such node and
    stays trainable by an ordinary eager loop, and under ``no_grad``
    (evaluation) its forward is replayed plainly. Parameters and buffers are
    the module's; the wrapper's ``state_dict`` keys carry ``_orig_mod.``.

    The signature: the tensor arguments' shapes, dtypes, layouts,
    ``requires_grad`` and whether their ``.grad`` is None; the values of
    Python number, string and None arguments; the grad mode. Each recorded
    variant is also guarded by the ``training`` flag of every module that
    ran, whether the parameters' ``.grad`` was None, the arrays parameters and
    buffers hold and their ``requires_grad``. A new signature is traced
    again (8 are cached, least recently used first out).

    Replayed, as eagerly: in-place updates of parameters, buffers
    (BatchNorm's running statistics) and optimizer state; ``.grad``
    assignments (``zero_grad(set_to_none=...)`` behaves as eagerly);
    ``optimizer.step()`` and ``scheduler.step()``, which run again as Python
    on each call, so they read their hyperparameters then (a learning-rate
    schedule works, and so does one set by hand); draws from minigrad's
    generators, so dropout masks are fresh and the generator advances exactly
    as eagerly. A step's tensors are returned as new tensors holding copies
    of the values (detached). One difference: a ``.grad`` that was None
    receives the same tensor (its values rewritten) on every replay, where
    eager code makes a new one; keep a copy to compare steps.

    Not replayed: other Python side effects (printing, appending to lists,
    setting attributes); tensors reached through closures or globals are
    bound when traced, like parameters (a different one on the second call
    is detected and the signature runs eagerly), so pass changing data as
    arguments. Reading tensor values into Python inside the function
    (``.item()``, ``bool(t)``, ``float(t)``, ``.tolist()``, printing a
    tensor, using a shape that depends on values) cannot be replayed: the
    signature **falls back to eager** with a one-time ``RuntimeWarning``
    naming the line; so does a value minigrad's own code reads that changes
    every call (BatchNorm's batch counter with ``momentum=None``).
    ``.numpy()`` is fine while its values only flow into
    numpy computations. Checks minigrad itself makes on values (a target
    index in range, finite gradients for a fast path) are re-checked on
    replay; if one comes out differently the replay undoes what it did and
    the call runs eagerly (inside a compiled module's backward, where that is
    no longer possible, it raises instead). A compiled module has no second
    derivative; a second call made before the first one's backward runs
    eagerly.

    Args:
        model: the function or Module (also usable as ``@mg.compile`` or
            ``@mg.compile()``).
        fullgraph, dynamic, backend, mode, options: accepted for code
            written for ``torch.compile`` and ignored: there is one backend
            (replay), shapes are always specialized, and a call is always
            replayed whole or run eagerly whole.
        disable: return ``model`` unchanged.

    Returns:
        A :class:`CompiledFunction`, or for a Module an ``OptimizedModule`` wrapping it, as PyTorch's:
        ``_orig_mod`` is the module (itself still eager), ``state_dict`` keys carry the ``_orig_mod.``
        prefix, and other attributes are the module's; calls through the wrapper run the compiled
        forward (``module.compile()`` compiles in place, without the wrapper).
        With ``backend="eager"`` nothing is traced (PyTorch's eager backend runs the ops as written).
    """
    del fullgraph, dynamic, mode, options
    if model is None:
        return lambda m: compile(m, disable=disable, backend=backend)
    if disable or isinstance(model, CompiledFunction):
        return model
    from minigrad.nn.module import Module
    from minigrad.nn.optimized_module import OptimizedModule

    eager = backend == "eager"  # (PyTorch's "eager" backend runs the ops as written: the same graph nodes)
    if isinstance(model, OptimizedModule):
        return model
    if isinstance(model, Module):  # (PyTorch's wrapper: state_dict keys get the _orig_mod. prefix)
        return OptimizedModule(model, None if eager else CompiledFunction(type(model).forward.__get__(model)))
    if eager:
        fn = model

        def run_eagerly(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        return functools.wraps(fn)(run_eagerly)
    return CompiledFunction(model)


def compile_in_place(module: Any, *args: Any, **kwargs: Any) -> None:
    """``Module.compile(**kwargs)``: compile ``module``'s forward in place (no wrapper, keys unchanged).

    Raises:
        TypeError: positional arguments (the options are keywords).
    """
    if args:
        raise TypeError(f"compile() takes from 0 to 1 positional arguments but {len(args) + 1} were given")
    if kwargs.get("disable") or kwargs.get("backend") == "eager":
        return
    if not isinstance(module.__dict__.get("forward"), CompiledFunction):
        object.__setattr__(module, "forward", CompiledFunction(type(module).forward.__get__(module)))
