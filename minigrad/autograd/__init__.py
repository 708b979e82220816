"""The backward engine and grad mode.

Every Tensor produced by a primitive op while grad mode is on points at the op
that made it (``tensor._ctx``); the op holds its input tensors. ``backward``
walks that graph once, iteratively, in reverse topological order, asks each op
for the vector-Jacobian products of its inputs (see ``minigrad/ops.py``, the
only place that knows derivatives), reduces each gradient to its input's shape
(this is where broadcasting is undone, in one place) and sums the gradients
that meet at a tensor. Leaves collect theirs in ``.grad``.
"""

from __future__ import annotations

import functools
import heapq
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from minigrad.errors import MinigradError, ShapeError

if TYPE_CHECKING:
    from minigrad.ops import Function
    from minigrad.tensor import Array, Tensor

__all__ = ["backward", "enable_grad", "grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode(threading.local):
    # Thread-local so that ``no_grad`` in a data-loading thread cannot switch
    # recording off for the training thread.
    enabled: bool = True


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Return True if operations are currently recorded for backward."""
    return _mode.enabled


class _GradModeContext:
    """Base of the grad-mode switches: a context manager and a decorator."""

    _target: bool

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_mode.enabled)
        _mode.enabled = self._target

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._prev.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Context manager and decorator that stops recording operations.

    Tensors created inside have ``requires_grad=False``; nothing is kept for
    backward, so no memory is spent on the graph.
    """

    _target = False


class enable_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    _target = True


class set_grad_enabled(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Context manager that sets grad mode to ``mode``; also takes effect when called."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._target = bool(mode)


# --------------------------------------------------------------------------- engine


def _released_error(fn: Function) -> MinigradError:
    return MinigradError(
        f"Trying to backward through the graph a second time: the buffers saved by "
        f"{fn.name} were freed by the first backward(). Pass retain_graph=True to the "
        "first backward() (or mg.grad) if you need to backward through it again."
    )


def _ancestors_to(roots: Sequence[Tensor], targets: set[int]) -> set[int]:
    """ids of the tensors on some path from ``roots`` down to a tensor in ``targets``.

    Iterative depth-first search (graph depth is bounded by memory, not by
    Python's recursion limit); used by :func:`grad` to skip unneeded ops.
    """
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(r, False) for r in roots]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in visited:
            continue
        visited.add(id(t))
        stack.append((t, True))
        fn = t._ctx
        if fn is not None and id(t) not in targets:
            if not fn.parents:
                raise _released_error(fn)
            stack.extend((p, False) for p in fn.parents if p.requires_grad and id(p) not in visited)
    wanted: set[int] = set()
    for t in order:  # inputs come before their users
        fn = t._ctx
        if id(t) in targets or (
            fn is not None and fn.parents and any(id(p) in wanted for p in fn.parents)
        ):
            wanted.add(id(t))
    return wanted


def _sum_to(g: Tensor, shape: tuple[int, ...], fn: Function) -> Tensor:
    """Reduce a gradient of a broadcast result back to an input's ``shape``.

    Broadcasting copies an input along new leading dims and along its size-1
    dims; the gradient of a copy is the sum of the copies' gradients. This is
    the one place where broadcasting is undone.
    """
    lead = g.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != gs for s, gs in zip(shape, g.shape[lead:])):
        raise ShapeError(
            f"{fn.name} returned a gradient of shape {g.shape} for an input of shape {shape}"
        )
    inner = tuple(lead + i for i, s in enumerate(shape) if s == 1 and g.shape[lead + i] != 1)
    if not inner:  # only new leading dims (a bias added to a batch): one sum, no reshape
        return g.sum(tuple(range(lead)))
    g = g.sum(tuple(range(lead)) + inner, keepdim=True)
    return g.reshape(shape) if lead else g


def _memory_owner(a: Array) -> int:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return id(a)


def _run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None,
) -> dict[int, Tensor]:
    """Propagate ``root_grads`` from ``roots`` through the recorded graph.

    Nodes are visited from a max-heap on their creation number: every user of
    a tensor was created after it, so when a tensor is popped all gradient
    contributions to it have arrived (PyTorch orders its engine the same way).
    With ``inputs=None`` gradients accumulate into the ``.grad`` of leaves (and
    of tensors that called ``retain_grad``); otherwise nothing is written and
    the gradients of ``inputs`` are returned, keyed by ``id``.
    """
    targets: set[int] = set() if inputs is None else {id(t) for t in inputs}
    wanted = None if inputs is None else _ancestors_to(roots, targets)
    grads: dict[int, Tensor] = {}
    heap: list[tuple[int, Tensor]] = []
    leaves: list[Tensor] = []

    def arrive(t: Tensor, g: Tensor) -> None:
        key = id(t)
        prev = grads.get(key)
        if prev is not None:
            grads[key] = prev + g
            return
        grads[key] = g
        if t._ctx is None:
            leaves.append(t)
        else:
            heapq.heappush(heap, (-t._ctx.seq, t))

    # Arrays already handed to a leaf's .grad (or owned by the caller): a second
    # leaf receiving the same memory gets a copy, so in-place updates of one
    # .grad (clip_grad_norm_, accumulation) never change another.
    handed: set[int] = {_memory_owner(g._array) for g in root_grads}
    captured: dict[int, Tensor] = {}
    with set_grad_enabled(create_graph), np.errstate(all="ignore"):
        for r, g in zip(roots, root_grads):
            arrive(r, g)
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            t = pop(heap)[1]
            g = grads.pop(id(t))
            if t._hooks:
                g = _call_hooks(t, g)
            if t._retains_grad and inputs is None:
                _accumulate(t, g, create_graph, handed)
            if wanted is not None:
                if id(t) in targets:
                    captured[id(t)] = g
                if id(t) not in wanted:
                    continue
            fn: Function = t._ctx  # type: ignore[assignment]  # only op outputs enter the heap
            parents = fn.parents
            if not parents:
                raise _released_error(fn)
            for p, v in zip(parents, fn.versions):
                if p._version != v:
                    fn.check_versions()
            for p, pg in zip(parents, fn.backward(g, t)):
                if pg is None or not p.requires_grad:
                    continue
                if pg._array.shape != p._array.shape:
                    pg = _sum_to(pg, p._array.shape, fn)
                if pg._array.dtype != p._array.dtype:
                    pg = pg.astype(p._array.dtype)
                key = id(p)  # arrive(p, pg), inlined: this loop runs once per edge
                prev = grads.get(key)
                if prev is not None:
                    grads[key] = _add_into(prev, pg, create_graph)
                    continue
                grads[key] = pg
                if p._ctx is None:
                    leaves.append(p)
                else:
                    push(heap, (-p._ctx.seq, p))
            if not retain_graph:
                fn.parents = ()  # fn.release(), inlined for ops that save nothing
                if fn.saved:
                    fn.release()
        for leaf in leaves:
            g = grads.pop(id(leaf))
            if leaf._hooks:
                g = _call_hooks(leaf, g)
            if inputs is None:
                _accumulate(leaf, g, create_graph, handed)
            elif id(leaf) in targets:
                captured[id(leaf)] = g
    return captured


def _add_into(prev: Tensor, g: Tensor, create_graph: bool) -> Tensor:
    """prev + g, written into prev's array when nothing else can see that array.

    Sums of gradients meeting at a tensor are the engine's own temporaries;
    reusing one saves a full-size allocation (and its cache misses) per join.
    The reference counts prove exclusivity: they equal those of an object
    held only by one dict entry, measured the same way at import (so the test
    adapts to interpreters that count frame references differently), and the
    array owns its memory.
    """
    data = prev._array
    if (
        not create_graph
        and sys.getrefcount(prev) <= _EXCLUSIVE_REFS[0]
        and sys.getrefcount(data) <= _EXCLUSIVE_REFS[1]
        and data.base is None
        and data.flags.writeable
        and data.shape == g._array.shape
        and data.dtype == g._array.dtype
    ):
        np.add(data, g._array, out=data)
        return prev
    return prev + g


class _Probe:
    __slots__ = ("_array",)
    _array: Array


def _refcounts(prev: _Probe) -> tuple[int, int]:
    data = prev._array  # the same frame shape as _add_into's
    return sys.getrefcount(prev), sys.getrefcount(data)


def _exclusive_refcounts() -> tuple[int, int]:
    probe = _Probe()
    probe._array = np.empty(1)
    table = {0: probe}
    del probe
    prev = table.get(0)
    assert prev is not None
    return _refcounts(prev)


_EXCLUSIVE_REFS = _exclusive_refcounts()


def _call_hooks(t: Tensor, g: Tensor) -> Tensor:
    for hook in list((t._hooks or {}).values()):
        new = hook(g)
        if new is not None:
            g = new
    return g


def _accumulate(t: Tensor, g: Tensor, create_graph: bool, handed: set[int]) -> None:
    from minigrad.tensor import Tensor

    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
        return
    data = g._array
    if t.grad is None:
        owner = _memory_owner(data)
        # A strided .grad would slow every optimizer step that reads it.
        if owner in handed or not data.flags.writeable or not data.flags.c_contiguous:
            data = np.array(data, order="C")
            owner = id(data)
        handed.add(owner)
        t.grad = Tensor._wrap(data)
    elif t.grad.shape == data.shape and t.grad._array.flags.writeable:
        np.add(t.grad._array, data, out=t.grad._array, casting="unsafe")
    else:
        t.grad = Tensor._wrap(t.grad._array + data)


def _as_tensors(x: Tensor | Sequence[Tensor]) -> list[Tensor]:
    from minigrad.tensor import Tensor

    return [x] if isinstance(x, Tensor) else list(x)


def _root_grads(
    outputs: list[Tensor], grad_outputs: Sequence[Tensor | None] | None
) -> list[Tensor]:
    from minigrad.tensor import Tensor

    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise MinigradError(
            f"got {len(grad_outputs)} gradients for {len(outputs)} outputs"
        )
    result = []
    for out, g in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise MinigradError(
                "element of the outputs does not require grad and has no grad_fn: nothing in "
                "its history requires grad (set requires_grad=True on an input, and do not "
                "compute it under no_grad)"
            )
        if g is None:
            if out._array.size != 1:
                raise MinigradError(
                    f"grad can be implicitly created only for scalar outputs; this output has "
                    f"shape {out.shape}: pass gradient= with that shape"
                )
            result.append(Tensor._wrap(np.ones(out.shape, dtype=out.dtype)))
            continue
        if not isinstance(g, Tensor):
            g = Tensor(g, dtype=out.dtype)
        if g.shape != out.shape:
            raise ShapeError(
                f"backward: gradient has shape {g.shape} but the output has shape {out.shape}"
            )
        if g.dtype != out.dtype:  # as PyTorch: a float64 gradient of a float32 output is rounded to float32
            g = g.astype(out.dtype)
        result.append(g)
    return result


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate d(tensors)/d(leaf) into ``leaf.grad`` for every leaf requiring grad.

    Args:
        tensors: output tensor(s) to differentiate.
        grad_tensors: the gradient w.r.t. each output (same shape); may be
            omitted for outputs with a single element (1 is used).
        retain_graph: keep the saved buffers so the graph can be walked again;
            defaults to ``create_graph``.
        create_graph: record the backward pass, so gradients can be
            differentiated again (second derivatives).

    Raises:
        MinigradError: an output does not require grad, a non-scalar output has
            no gradient, or the graph was already freed by an earlier backward.
        ShapeError: a given gradient's shape differs from its output's.
    """
    from minigrad.tensor import Tensor

    outs = _as_tensors(tensors)
    if isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    gs = _root_grads(outs, grad_tensors)
    keep = create_graph if retain_graph is None else retain_graph
    _run_backward(outs, gs, keep, create_graph, None)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return d(outputs)/d(inputs) as a tuple, one entry per input; ``.grad`` is untouched.

    Args mirror :func:`backward`; ``inputs`` may be leaves or intermediate
    tensors of the graph. With ``allow_unused=True`` an input the outputs do
    not depend on gets ``None``; otherwise that raises ``MinigradError``.
    """
    from minigrad.tensor import Tensor

    outs = _as_tensors(outputs)
    ins = _as_tensors(inputs)
    for i, t in enumerate(ins):
        if not t.requires_grad:
            raise MinigradError(f"input {i} of grad() does not require grad")
    if isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    gs = _root_grads(outs, grad_outputs)
    keep = create_graph if retain_graph is None else retain_graph
    captured = _run_backward(outs, gs, keep, create_graph, ins)
    result: list[Tensor | None] = []
    for i, t in enumerate(ins):
        g = captured.get(id(t))
        if g is None and not allow_unused:
            raise MinigradError(
                f"input {i} of grad() was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        result.append(g)
    return tuple(result)


def __getattr__(name: str) -> Any:
    """``Function``, ``FunctionCtx`` and ``once_differentiable`` (PyTorch's paths), imported on first use.

    They build on the Tensor and the primitive ops, which import this module:
    importing them here eagerly would be circular.
    """
    if name in ("Function", "FunctionCtx", "once_differentiable", "function"):
        import importlib

        function = importlib.import_module("minigrad.autograd.function")
        return function if name == "function" else getattr(function, name)
    raise AttributeError(f"module 'minigrad.autograd' has no attribute {name!r}")
