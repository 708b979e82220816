"""The backward engine: ``backward`` and ``grad``.

Every Tensor produced by a primitive op while grad mode is on points at the op
that made it (``tensor._ctx``); the op holds its input tensors. ``backward``
walks that graph once, iteratively, in reverse creation order, asks each op
for the vector-Jacobian products of its inputs (see ``minigrad/ops.py``, the
only place that knows derivatives), reduces each gradient to its input's shape
(this is where broadcasting is undone, in one place) and sums the gradients
that meet at a tensor. Leaves collect theirs in ``.grad``.
"""

from __future__ import annotations

import functools
import heapq
import operator
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from minigrad import _public, _subclass
from minigrad import ops as _ops
from minigrad._kernels import memory_owner, quiet
from minigrad._tensor_methods import provide
from minigrad.dtypes import tensor_type_name
from minigrad.errors import MinigradError, ShapeError, _ArgumentTypeError, _AssertedParameterError
from minigrad.grad_mode import _extras, set_grad_enabled
from minigrad.memory_formats import contiguous_format as _contiguous_format
from minigrad.memory_formats import preserve_format as _preserve_format
from minigrad.ops import Shell, as_recorded, inputs_kept, sum_to
from minigrad.ops import released_error as _released_error
from minigrad.settings import is_warn_always_enabled as _warn_always
from minigrad.shapes import size_mismatch
from minigrad.tensor import Tensor, from_numpy, held_grad, retained, stack, store_grad

if TYPE_CHECKING:
    from minigrad.ops import Function

__all__ = ["backward", "grad"]

# "minigrad.ops": its backward formulas keep no gradient they are given ("builtins": one of them that
# ops.torch_typed named as PyTorch's class)
_PRIMITIVES = frozenset({sum_to.__module__, "builtins"})


def _read(fn: Function) -> tuple[Tensor, ...]:
    """The inputs ``fn`` read, as :func:`_propagate` will send its gradients to them (see :func:`_as_read`):
    a view changed in place since and used again has a new history that leads back to its own base."""
    parents = fn.parents
    if any(p._version != v for p, v in zip(parents, fn.versions)):
        return _as_read(fn, parents)
    return parents


def _ancestors_to(roots: Sequence[Tensor], targets: set[int], made: dict[int, Tensor]) -> set[int]:
    """ids of the tensors whose op must run backward for :func:`grad` to reach every tensor in ``targets``.

    Those on a path from ``roots`` down to a target, including paths through
    another target (x - mean(x) with targets x - mean(x) and x). Iterative
    depth-first search (graph depth is bounded by memory, not by Python's
    recursion limit). A target whose op was freed by an earlier backward
    ends its paths; a freed op anywhere else runs again if it saved nothing (:func:`_revive`), or raises.
    """
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(r, False) for r in roots]
    # With one target nothing below it can matter: its own history is not searched (grad(H, x) in a loop
    # that grows x's history would otherwise walk all of it at every step)
    only = next(iter(targets)) if len(targets) == 1 else None
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
        if fn is not None and id(t) != only:
            if not fn.parents:
                if id(t) in targets:
                    continue
                _revive(fn, made)
            stack.extend((p, False) for p in _read(fn) if p._requires_grad and id(p) not in visited)
    leads: set[int] = set()  # on a path to a target
    run: set[int] = set()
    for t in order:  # inputs come before their users
        fn = t._ctx
        if fn is not None and fn.parents and any(id(p) in leads for p in _read(fn)):
            run.add(id(t))
            leads.add(id(t))
        elif id(t) in targets:
            leads.add(id(t))
    return run


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
    hooks = list(_extras.pack)  # saved tensors hooks entered or left by a hook during backward end with it
    retain_graph = retain_graph or _extras.retain  # (a vmap slice before the last: see _AutogradExtras)
    global _depth
    _depth += 1
    callbacks: list[Callable[[], None]] = []
    _callbacks.append(callbacks)
    try:
        if _depth % _THREAD_EVERY == 0:  # a backward inside a backward inside ...: see _in_new_thread
            captured = _in_new_thread(roots, root_grads, retain_graph, create_graph, inputs)
        else:
            with set_grad_enabled(create_graph):
                captured = quiet(_propagate, roots, root_grads, retain_graph, create_graph, inputs)
        for callback in callbacks:  # (one may queue another: it runs too)
            callback()
        return captured
    finally:
        _depth -= 1
        _callbacks.pop()
        _extras.pack[:] = hooks


_depth = 0  # backward calls running now, each inside the one before (a custom backward calling backward)
_callbacks: list[list[Callable[[], None]]] = []  # per running backward pass: its queue_callback functions


def queue_callback(callback: Callable[[], None]) -> None:
    """Run ``callback()`` once the backward pass running now has finished (PyTorch's
    ``Variable._execution_engine.queue_callback``; a custom backward inside a backward called from
    another's queues it on the inner pass).

    Raises:
        MinigradError: no backward pass is running (PyTorch's error).
    """
    if not _callbacks:
        raise MinigradError("Final callbacks can only be installed during backward pass.")
    _callbacks[-1].append(callback)


_THREAD_EVERY = 64  # (see _in_new_thread)


def _in_new_thread(roots: Sequence[Tensor], root_grads: Sequence[Tensor], retain_graph: bool,
                   create_graph: bool, inputs: Sequence[Tensor] | None) -> dict[int, Tensor]:
    """Run one pass in a thread of its own, with a fresh Python stack, while this one waits: backward
    calls nested thousands deep (a custom backward that calls backward) then cannot exhaust the
    recursion limit, as PyTorch's engine moves deep reentrant passes to other threads."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            with set_grad_enabled(create_graph):  # (grad mode is per thread; anomaly mode is global)
                outcome.append(quiet(_propagate, roots, root_grads, retain_graph, create_graph, inputs))
        except BaseException as e:  # (re-raised in the waiting thread)
            outcome.append(e)

    worker = threading.Thread(target=run, name="minigrad-reentrant-backward")
    worker.start()
    worker.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[no-any-return]


def _propagate(
    roots: Sequence[Tensor],
    root_grads: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None,
) -> dict[int, Tensor]:
    targets: set[int] = set() if inputs is None else {id(t) for t in inputs}
    made: dict[int, Tensor] = {}  # the stand-ins made this pass for the inputs of revived nodes (_revive)
    wanted = None if inputs is None else _ancestors_to(roots, targets, made)
    grads: dict[int, Tensor] = {}  # pending gradient sums, by id of the tensor they belong to
    # ids of tensors whose pending sum is an array this pass made (a + b of two contributions):
    # nobody else holds it, so further contributions are added into it in place (HIPS
    # autograd's add_outgrads). Anything else may be shared (a hook's, an op's input g).
    # An owned sum that a primitive passes on unchanged to exactly one input (x of x - mean,
    # the product of a Linear's bias add) stays owned by that input: the normalization
    # layers' input gradient then takes the mean's share in place, not in a new array.
    owned: set[int] = set()
    mine: Tensor | None = None  # the owned gradient the current node received
    heap: list[tuple[int, Tensor]] = []
    leaves: list[Tensor] = []
    # Arrays already handed to a leaf's .grad (or owned by the caller): a second
    # leaf receiving the same memory gets a copy, so in-place updates of one
    # .grad (clip_grad_norm_, accumulation) never change another.
    handed: set[int] = {memory_owner(g.numpy(force=True)) for g in root_grads}
    captured: dict[int, Tensor] = {}
    push, pop = heapq.heappush, heapq.heappop
    fn: Function | None = None  # the node whose gradients are being delivered (None: the roots')
    edges: Iterator[tuple[Tensor, Tensor | None]] = zip(roots, root_grads)
    # With hooks on leaves, each leaf is finished as soon as its last gradient has arrived (PyTorch's
    # AccumulateGrad nodes run first among the ready ones), so the hooks of leaves and of intermediate
    # tensors run in PyTorch's order; otherwise no hook can tell, and all leaves are finished at the end.
    hooked = _extras.leaf_hooks or _extras.post_accumulate
    waiting = _leaf_edges(roots, made) if inputs is None and hooked else None
    parents: tuple[Tensor, ...] = ()
    since, late = _extras.regrad, False  # (late: the node was recorded before a leaf was switched on)
    while True:
        for p, pg in edges:
            if pg is None or not p._requires_grad:
                continue
            if late and p._ctx is None and _was_off(p, fn.seq):  # type: ignore[union-attr]
                continue  # (a constant when the op ran: PyTorch's node has no edge to it)
            arr, parr = pg._array, p._array
            if arr.shape != parr.shape:
                pg = sum_to(pg, parr.shape, fn)
                arr = pg._array
            if arr.dtype is not parr.dtype and arr.dtype != parr.dtype:  # (one dtype object: the usual case)
                pg = pg.astype(parr.dtype)
            key = id(p)
            prev = grads.get(key)
            if prev is None:
                grads[key] = pg
                if pg is mine:
                    owned.add(key)
                ctx = p._ctx
                if ctx is None:
                    leaves.append(p)
                else:
                    push(heap, (-ctx.seq, p))
            elif key in owned or _unshared(prev, pg, create_graph):
                np.add(prev._array, pg._array, out=prev._array)
                owned.add(key)
            else:
                total = grads[key] = prev + pg
                if not create_graph and type(total._array) is np.ndarray:  # (0-d sums are numpy scalars)
                    owned.add(key)
        if waiting is not None and fn is not None:  # (the leaves the last node's edges completed)
            for p in parents:
                key = id(p)
                if p._ctx is None and key in waiting:
                    waiting[key] -= 1
                    if not waiting[key] and key in grads:
                        _finish_leaf(p, grads.pop(key), create_graph, handed)
        if not heap:
            break
        t = pop(heap)[1]
        key = id(t)
        g = grads.pop(key)
        mine = None
        if key in owned:
            owned.discard(key)
            mine = g
        if (t._hooks or t._retains_grad) and (wanted is None or key in wanted or key in targets):
            # (only where the pass needs t's gradient: backward(inputs=...) skips the rest, as PyTorch)
            if t._hooks:
                g, mine = _call_hooks(t, g), None  # (a hook may keep the gradient it is shown)
            if t._retains_grad:  # (in grad() and backward(inputs=...) too: PyTorch's hook is on the node)
                _accumulate(t, g, create_graph, handed)
                mine = None
        if wanted is not None:
            if key in targets:
                captured[key] = _laid_out_as(t, g, create_graph)
                mine = None
            if key not in wanted:
                edges = zip((), ())
                continue
        node: Function = t._ctx  # type: ignore[assignment]  # only op outputs enter the heap
        parents = node.parents or _revive(node, made)
        if node.seq < _extras.written:  # (recorded before some in-place write: one int test otherwise)
            for p, v in zip(parents, node.versions):
                if p._version != v:  # an input changed in place since: its old history gets the gradient
                    node.check_versions()
                    # (its backward reads them too: a view's input shape, changed since by a view op in place)
                    parents = node.parents = _as_read(node, parents)
                    break
        if t._version:  # (0 unless the result was changed in place: one int test per node)
            node.check_output_version(t)
        if _extras.nodes and getattr(node, "hooks", None) is not None:  # (False until a node got hooks)
            out_grads = _run_special(node, g, t, retain_graph, parents)
        elif node.adds_in_place and not create_graph:  # a slice
            if _add_in_place(node, g, parents[0], grads, owned):
                out_grads = ()  # added into its input's pending sum
            else:  # a new zero-padded array nobody else holds: owned, later slices add into it
                out_grads = node.backward(g, t)
                mine = out_grads[0]
        else:
            if (_EXACT_REFCOUNTS and not create_graph and type(g) is Tensor  # (a hook may return anything)
                    and g._array.nbytes >= _SCRATCH_BYTES):
                # The names still holding the last delivered gradient let go of it, so that the
                # reference counts below see only g's own: nothing else holds g or its memory, so
                # the node may write its input's gradient into g's array (``ops.scratch``), as
                # numpy reuses a temporary: a new full-size array costs ~1.7x an in-place pass.
                # (Not for small arrays: numpy's allocation cache hands those out for less than
                # these tests cost.)
                pg = prev = total = None  # type: ignore[assignment]
                arr = None  # type: ignore[assignment]
                out_grads, edges = (), _DONE
                garr = g._array
                if (type(garr) is np.ndarray and garr.base is None
                        and sys.getrefcount(g) == (3 if g is mine else 2) and sys.getrefcount(garr) == 3
                        and garr.flags.writeable):
                    _ops.scratch = g
                del garr
                try:
                    out_grads = node.backward(g, t)
                finally:  # (a backward that raised must not leave its gradient marked for a later node)
                    _ops.scratch = None
            else:
                out_grads = node.backward(g, t)
        if mine is not None:
            hits = 0
            for x in out_grads:  # (a loop, not sum() over a generator: this runs for most nodes)
                if x is mine:
                    hits += 1
            if hits != 1 or type(node).__module__ not in _PRIMITIVES:
                mine = None  # shared by two inputs, or seen by a backward outside ops.py (which may keep it)
        edges = zip(parents, out_grads)
        fn, late = node, node.seq < since
        if retain_graph:
            continue
        # The inputs are dropped (they may hold a step's activations), the edges kept, as PyTorch's outlive
        # the saved tensors: what next_functions shows (the op that made an input, a leaf, None) and, for a
        # node that saved nothing, what a second backward runs it on (see _revive).
        nothing = not (node.reads_inputs or node.reads_output or node._needs_saved())
        if nothing and inputs_kept(node):
            continue  # (leaves and views of leaves: the inputs themselves stay, see Function.keeps_inputs)
        if nothing and parents is node.parents:
            if len(parents) == 2:  # (unrolled, the common case: x + b, x - mean)
                p, q = parents
                node.edges = (p if p._ctx is None and p._requires_grad
                              else (p._ctx, p._array.shape, p._array.dtype, p._hooks),
                              q if q._ctx is None and q._requires_grad
                              else (q._ctx, q._array.shape, q._array.dtype, q._hooks))
            elif len(parents) == 1:  # (x * 0.9, a sum, a reshape)
                p = parents[0]
                node.edges = (p if p._ctx is None and p._requires_grad
                              else (p._ctx, p._array.shape, p._array.dtype, p._hooks),)
            else:
                node.edges = tuple([p if p._ctx is None and p._requires_grad
                                    else (p._ctx, p._array.shape, p._array.dtype, p._hooks) for p in parents])
            node.parents = ()
        else:  # (the op that made each input, a leaf that requires grad, or None: unrolled, the common case)
            ps = node.parents
            if len(ps) == 2:
                p, q = ps
                node.edges = [p._ctx or (p if p._requires_grad else None),
                              q._ctx or (q if q._requires_grad else None)]
            elif len(ps) == 1:
                p = ps[0]
                node.edges = [p._ctx or (p if p._requires_grad else None)]
            else:
                node.edges = [p._ctx or (p if p._requires_grad else None) for p in ps]
            node.parents = ()  # node.release(), inlined for ops that save nothing
            if node.saved:
                node.release()
    for leaf in leaves:
        if id(leaf) not in grads:  # finished already (a leaf is listed again if a gradient came after that)
            continue
        g = grads.pop(id(leaf))
        if inputs is None:
            _finish_leaf(leaf, g, create_graph, handed)
            continue
        if id(leaf) in targets:  # (a leaf outside ``inputs`` is not reached: no hook runs, as in PyTorch)
            captured[id(leaf)] = _laid_out_as(leaf, _call_hooks(leaf, g) if leaf._hooks else g, create_graph)
    return captured


def _was_off(leaf: Tensor, seq: int) -> bool:
    """Whether ``leaf`` did not require grad when the op numbered ``seq`` ran (user code switched it on
    since; see ``Tensor._grad_gaps``)."""
    return any(off <= seq < on for off, on in getattr(leaf, "_grad_gaps", ()))


def _revive(node: Function, made: dict[int, Tensor]) -> tuple[Tensor, ...]:
    """The inputs a node freed by a backward runs on again, if it saved nothing (PyTorch lets a second
    backward through nodes that saved no tensors: ``(x + 1).sum()`` twice).

    The node kept its edges (see :func:`_propagate`): a leaf that requires grad, or the op that made the
    input with its shape, dtype and hooks. Each op's stand-in (a :class:`~minigrad.ops.Shell`, which holds
    no memory) is made once per pass (``made``, by the op's id), so the nodes sharing an input send their
    gradients to one place.

    Raises:
        MinigradError: the node saved values, now freed (PyTorch's error).
    """
    edges = getattr(node, "edges", None)
    if type(edges) is not tuple:  # (a list: what a node that saved values keeps, for next_functions only)
        raise _released_error(node)
    shells: list[Tensor] = []
    for e in edges:
        if isinstance(e, Tensor):
            shells.append(e)
            continue
        ctx, shape, dtype, hooks = e
        s = made.get(id(ctx)) if ctx is not None else None
        if s is None and ctx is not None and (kept := retained.get(id(ctx))) is not None and kept._ctx is ctx:
            s = made[id(ctx)] = kept  # (its retained .grad accumulates again, as PyTorch's node hook does)
        if s is None:
            s = object.__new__(Shell)
            s._array = np.broadcast_to(np.zeros((), dtype), shape)
            s._ctx, s._requires_grad = ctx, ctx is not None
            s._version = 0
            if hooks is not None:  # (PyTorch keeps a tensor's hooks on its node: a second backward runs them)
                s._hooks = hooks
            if ctx is not None:
                made[id(ctx)] = s
        shells.append(s)
    node.parents = tuple(shells)
    node.versions = [p._version for p in shells]  # (it reads no values: no version can be stale)
    return node.parents


def _finish_leaf(leaf: Tensor, g: Tensor, create_graph: bool, handed: set[int]) -> None:
    """A leaf's whole gradient ``g``: its hooks, the accumulation into ``.grad``, post-accumulate hooks."""
    if leaf._hooks:
        g = _call_hooks(leaf, g)
    if _extras.post_accumulate:  # (some leaf has post-accumulate or AccumulateGrad hooks)
        from minigrad.autograd.graph import accumulate_hooked
        accumulate_hooked(leaf, g, lambda grad: _accumulate(leaf, grad, create_graph, handed))
        return
    _accumulate(leaf, g, create_graph, handed)


def _leaf_edges(roots: Sequence[Tensor], made: dict[int, Tensor]) -> dict[int, int]:
    """For each leaf (by id) under ``roots``, how many edges of the graph's nodes lead to it: backward has
    its whole gradient once that many nodes' gradients have been delivered (PyTorch's dependency counts)."""
    counts: dict[int, int] = {}
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        fn = stack.pop()._ctx
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        if not fn.parents and type(getattr(fn, "edges", None)) is tuple:
            _revive(fn, made)
        for p in fn.parents:
            if not p._requires_grad:
                continue
            if p._ctx is None:
                counts[id(p)] = counts.get(id(p), 0) + 1
            else:
                stack.append(p)
    return counts


def _add_in_place(node: Function, g: Tensor, p: Tensor, grads: dict[int, Tensor], owned: set[int]) -> bool:
    """Add ``node``'s gradient for its input ``p`` into p's pending sum in place, if p has one that this
    pass owns and the node can (:meth:`~minigrad.ops.GetItem.add_grad_to`): a tensor read in T slices
    then costs one zero array and T slice writes, not T zero arrays and T full-size additions."""
    total = grads.get(id(p))
    if total is None:
        return False
    a = total._array
    # Not owned yet: _unshared's test of references, counted for this frame (the dict, this name and
    # getrefcount's argument hold the Tensor; it, this name and the argument hold its array)
    if id(p) not in owned and not (_EXACT_REFCOUNTS and type(a) is np.ndarray and a.base is None
                                   and a.flags.writeable and sys.getrefcount(total) == 3
                                   and sys.getrefcount(a) == 3):
        return False
    if not node.add_grad_to(a, g):
        return False
    owned.add(id(p))
    return True


def _unshared(prev: Tensor, pg: Tensor, create_graph: bool) -> bool:
    # A first contribution that a backward made fresh and nobody else holds can take the second
    # one in place, as an owned sum does (x of x - mean(x) in every normalization layer): one
    # full-size array less. "Nobody else" by reference counts, as numpy's temporary elision
    # decides: the pending dict, the caller's and this frame's names and getrefcount's argument
    # hold the Tensor; it, this frame's name and the argument hold its memory-owning array.
    a = prev._array
    return (_EXACT_REFCOUNTS and not create_graph and type(a) is np.ndarray and a.base is None
            and sys.getrefcount(prev) == 4 and sys.getrefcount(a) == 3
            and a.shape == pg._array.shape and a.dtype == pg._array.dtype and a.flags.writeable)


#: the smallest gradient a node may overwrite (``ops.scratch``): numpy caches allocations up to 1 KB
_SCRATCH_BYTES = 1025

_DONE: Iterator[Any] = iter(())  # an exhausted iterator: no gradients left to deliver

#: CPython before 3.14 counts every reference a frame holds; 3.14 may borrow them uncounted,
#: so an array shared elsewhere could look private: there the check is off, as numpy's elision is.
_EXACT_REFCOUNTS = sys.implementation.name == "cpython" and sys.version_info < (3, 14)


def _run_special(node: Function, g: Tensor, t: Tensor, retain_graph: bool,
                 parents: tuple[Tensor, ...]) -> tuple[Tensor | None, ...]:
    """The backward of a node with hooks: its hooks and packed saved tensors (``autograd.graph``), which
    are dropped with the node's other saved values unless ``retain_graph``; ``parents``: its inputs as
    it read them (see :func:`_as_read`)."""
    from minigrad.autograd.graph import run_node
    grads = run_node(node, g, t, parents)
    if not retain_graph:
        node.hooks.saved = None
    return grads


def _as_read(node: Function, parents: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    """The inputs ``node`` read, as they were when it was recorded: a tensor changed in place since (its
    history now ends in an op recorded after ``node``) stands for its old history there, as PyTorch's edges
    point at the grad_fn a tensor had when it was used (y = x * 3; x.mul_(2): y's gradient skips the mul_).
    (The same rule as ``grad_fn.next_functions``: :func:`minigrad.ops.as_recorded`.)"""
    return tuple(as_recorded(p, node.seq) for p in parents)


def _call_hooks(t: Tensor, g: Tensor) -> Tensor:
    for hook in list((t._hooks or {}).values()):
        new = hook(g)
        if new is not None:
            _check_hook_result(hook, g, new)
            g = new
    return g


def _check_hook_result(hook: Any, g: Tensor, new: Any) -> None:
    """A tensor hook's result must be a tensor of the gradient's shape and dtype (PyTorch's errors)."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    name = getattr(hook, "__name__", type(hook).__name__)
    if new.shape != g.shape:
        raise MinigradError(f"hook '{name}' has changed the size of value")
    if new.dtype != g.dtype:
        raise MinigradError(f"hook '{name}' has changed the type of value (was {tensor_type_name(g.dtype)} "
                            f"got {tensor_type_name(new.dtype)})")


def _accumulate(t: Tensor, g: Tensor, create_graph: bool, handed: set[int]) -> None:
    held = _held_grad(t)
    if create_graph:
        # PyTorch stores a copy in the parameter's layout (its CopyBackwards node), never the gradient
        # itself: that may be a view (a Linear weight's is a transpose) or a tensor the caller holds, and
        # optimizers that call p.grad.detach_() (AdaHessian) need a .grad that is neither.
        # (a retained non-leaf's hook clones the gradient: CloneBackward0, not a leaf's CopyBackwards)
        _store_grad(t, _copied(g, t._array, t._ctx is None) if held is None else held + g)
        return
    data = g.numpy(force=True)
    if held is not None and t._ctx is not None:  # a retained non-leaf's hook adds out of place (PyTorch's)
        _store_grad(t, from_numpy(held._array + data))
        return
    if held is None:
        owner = id(data) if data.base is None else memory_owner(data)
        if owner in handed or not data.flags.writeable or not _fits_layout(data, t._array):
            data = _in_layout_of(data, t._array)
            owner = id(data)
        handed.add(owner)
        _store_grad(t, from_numpy(data))
    elif held.shape == data.shape and held.numpy(force=True).flags.writeable:
        np.add(held._array, data, out=held._array, casting="unsafe")
    else:
        try:
            total = held._array + data
        except ValueError:  # a .grad of another shape (p.data was replaced by another shape): PyTorch's error
            raise ShapeError(size_mismatch(held.shape, data.shape)) from None
        _store_grad(t, from_numpy(total))


def _copied(g: Tensor, a: np.ndarray, leaf: bool = True) -> Tensor:
    """A recorded copy of ``g`` laid out as :func:`_fits_layout` asks for the gradient of ``a``, its grad_fn
    named as PyTorch's (a leaf's ``CopyBackwards``; a clone's own name for a retained non-leaf)."""
    fmt = _contiguous_format if a.flags.c_contiguous or not _dense(a) else _preserve_format
    out = g.clone(memory_format=fmt)
    if out._ctx is not None and leaf:
        out._ctx.label = "torch::autograd::CopyBackwards"
    return out


def _laid_out_as(t: Tensor, g: Tensor, create_graph: bool) -> Tensor:
    """``g`` (a gradient ``grad()`` returns for ``t``) in ``t``'s memory order, as PyTorch's kernels hand
    them back: a convolution's weight gradient comes out of its GEMM channels-last, and what a script
    then draws like it (``randn_like``, in memory order) must be what PyTorch draws."""
    data, a = g._array, t._array
    if create_graph or type(data) is not np.ndarray or data.shape != a.shape or _fits_layout(data, a):
        return g
    return from_numpy(_in_layout_of(data, a))


def _fits_layout(data: np.ndarray, a: np.ndarray) -> bool:
    """Whether gradient ``data`` is laid out as PyTorch lays out the gradient of ``a``: row-major, or, for a
    dense ``a`` in another order (channels_last, a transposed weight), in ``a``'s order."""
    if a.flags.c_contiguous or not _dense(a):  # (a strided .grad would slow every optimizer step)
        return bool(data.flags.c_contiguous)
    return data.strides == a.strides


def _in_layout_of(data: np.ndarray, a: np.ndarray) -> np.ndarray:
    """A copy of ``data`` laid out as :func:`_fits_layout` asks for the gradient of ``a``."""
    if a.flags.c_contiguous or not _dense(a):
        return np.array(data, order="C")
    like = np.empty_like(a, dtype=data.dtype)
    np.copyto(like, data)
    return like


def _dense(a: np.ndarray) -> bool:
    """Whether ``a``'s elements fill a block of memory, in some order of its dims, with no gap or overlap."""
    step = a.itemsize
    for stride, n in sorted((abs(st), n) for st, n in zip(a.strides, a.shape) if n > 1):
        if stride != step:
            return False
        step *= n
    return True


def _held_grad(t: Tensor) -> Tensor | None:
    """``t.grad`` without the non-leaf warning (backward fills it); mg.compile's tracer swaps this name."""
    return held_grad(t)


# ``t.grad = g`` without the public setter's checks (the gradients backward makes fit their leaves);
# mg.compile's tracer swaps this name to see backward's stores.
_store_grad = store_grad


def _as_tensors(x: Tensor | Sequence[Tensor]) -> list[Tensor]:
    return [x] if isinstance(x, Tensor) else list(x)


def _root_grads(outputs: list[Tensor], grad_outputs: Sequence[Tensor | None] | None) -> list[Tensor]:
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise MinigradError(f"got {len(grad_outputs)} gradients for {len(outputs)} outputs")
    result = []
    try:
        # the gradients are checked first, then whether each output requires grad: PyTorch's order (its
        # _make_grads, then the engine)
        for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
            if g is None:
                if out.requires_grad and out.numel() != 1:
                    raise MinigradError(
                        f"grad can be implicitly created only for scalar outputs (this output has "
                        f"shape {out.shape}: pass gradient= with that shape)"
                    )
                result.append(from_numpy(np.ones(out.shape, dtype=out.dtype)))
                continue
            if not isinstance(g, Tensor):  # (PyTorch's TypeError; a list or a number was taken before)
                raise _ArgumentTypeError(f"gradients can be either Tensors or None, but got "
                                         f"{type(g).__name__} (the gradient for output {i}, of shape "
                                         f"{tuple(out.shape)})")
            if g.shape != out.shape:
                raise ShapeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                 f"torch.Size({list(g.shape)}) and output[{i}] has a shape of "
                                 f"torch.Size({list(out.shape)}). (gradient {tuple(g.shape)}, output "
                                 f"{tuple(out.shape)})")
            result.append(g)
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                # PyTorch's words first (scripts match on them), then what to do about it
                raise MinigradError(
                    f"element {i} of tensors does not require grad and does not have a grad_fn: nothing "
                    "in its history requires grad (set requires_grad=True on an input, and do not "
                    "compute it under no_grad)"
                )
    except AttributeError:
        for out in outputs:
            if not isinstance(out, Tensor):  # (PyTorch's assert in _make_grads; minigrad read its attributes)
                raise _AssertedParameterError(f"Expected output to be a torch.Tensor (an output given to "
                                              f"backward/grad is a {type(out).__name__})") from None
        raise
    return result


def _c_int(flag: Any) -> bool:
    """A flag PyTorch's engine reads as a C integer: a bool, an int or a numpy integer, else Python's
    TypeError ("'float' object cannot be interpreted as an integer", as PyTorch raises; None too)."""
    return flag if flag is True or flag is False else bool(operator.index(flag))


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: None = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
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
        grad_variables: PyTorch's long-removed name for ``grad_tensors``; must be None.
        inputs: accumulate only into the ``.grad`` of these tensors (leaves or
            not), as PyTorch's ``inputs=``; the rest of the graph's leaves are untouched.

    Raises:
        MinigradError: an output does not require grad, a non-scalar output has
            no gradient, ``inputs`` is empty, or the graph was already freed by an
            earlier backward.
        ShapeError: a given gradient's shape differs from its output's.
    """
    if create_graph and _warn_always():
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the parameter and "
            "its gradient which can cause a memory leak. We recommend using autograd.grad when creating the "
            "graph to avoid this. If you have to use this function, make sure to reset the .grad fields of "
            "your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
            stacklevel=2)
    outs = _as_tensors(tensors)
    if _extras.stale:  # a view whose base changed in place: its new history
        from minigrad.autograd.graph import refresh_views
        refresh_views(outs)
    if isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    gs = _root_grads(outs, grad_tensors)
    keep, create_graph = _c_int(create_graph if retain_graph is None else retain_graph), _c_int(create_graph)
    if inputs is None:
        _run_backward(outs, gs, keep, create_graph, None)
        return
    ins = _as_tensors(inputs)
    if not ins:
        raise MinigradError("`inputs` argument to `backward()` cannot be empty.")
    for t in ins:
        if not t.requires_grad:
            raise MinigradError("One of the differentiated Tensors does not require grad")
    captured = _run_backward(outs, gs, keep, create_graph, ins)
    handed: set[int] = set()
    for t in dict.fromkeys(ins):  # (a tensor listed twice gets its gradient once, as in PyTorch)
        g = captured.get(id(t))
        if g is None or (t._retains_grad and t._ctx is not None):  # (a retained one has it already)
            continue
        if _extras.post_accumulate and t._ctx is None:
            from minigrad.autograd.graph import accumulate_hooked
            accumulate_hooked(t, g, functools.partial(_accumulate, t, create_graph=create_graph,
                                                      handed=handed))
        else:
            _accumulate(t, g, create_graph, handed)


@overload
def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Tensor | Sequence[Tensor | None] | None = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None, *, only_inputs: bool = True,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple[Tensor | None, ...]: ...


@overload
def grad(outputs: Tensor | Sequence[Tensor], inputs: Mapping[str, Tensor],
         grad_outputs: Tensor | Sequence[Tensor | None] | None = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None, *, only_inputs: bool = True,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> dict[str, Tensor | None]: ...


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor] | Mapping[str, Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    *,
    only_inputs: bool = True,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...] | dict[str, Tensor | None]:
    """Return d(outputs)/d(inputs) as a tuple, one entry per input; ``.grad`` is untouched.

    Args mirror :func:`backward`; ``inputs`` may be leaves or intermediate
    tensors of the graph, or a dict of them (the result is then a dict with
    the same keys). With ``allow_unused=True`` an input the outputs do not
    depend on gets ``None`` (``materialize_grads=True``: zeros); otherwise that
    raises ``MinigradError``. ``allow_unused`` defaults to ``materialize_grads``.
    ``is_grads_batched=True``: the first dim of each ``grad_outputs`` entry is a
    batch of vectors, and each result has that batch dim in front (one
    vector-Jacobian product per vector). ``only_inputs`` is PyTorch's
    deprecated flag: ignored, with a ``FutureWarning`` when False.

    Raises:
        ValueError: ``materialize_grads=True`` with ``allow_unused=False``.
    """
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but "
                         "got: allow_unused=False.")
    if not only_inputs:
        warnings.warn("grad(): only_inputs is deprecated and ignored (it is always True); use "
                      "backward() to accumulate gradients into other parts of the graph", FutureWarning,
                      stacklevel=2)
    if isinstance(inputs, Mapping):
        values = grad(outputs, list(inputs.values()), grad_outputs, retain_graph, create_graph, allow_unused,
                      is_grads_batched=is_grads_batched, materialize_grads=materialize_grads)
        return dict(zip(inputs.keys(), values))
    outs = _as_tensors(outputs)
    ins = _as_tensors(inputs)
    if _extras.subclass and not _subclass.state.disabled:  # (PyTorch hands the call to a subclass's)
        found = _public.overloaded((tuple(outs), tuple(ins)), {})
        if found:
            given = {"grad_outputs": grad_outputs, "retain_graph": retain_graph, "create_graph": create_graph,
                     "allow_unused": allow_unused, "is_grads_batched": is_grads_batched,
                     "materialize_grads": materialize_grads}
            return _public.dispatch(grad, found, (outputs, inputs), given)  # type: ignore[no-any-return]
    if not ins:  # (PyTorch's check: there is nothing to differentiate with respect to)
        raise MinigradError("`inputs` argument to `grad()` cannot be empty.")
    if _extras.stale:
        from minigrad.autograd.graph import refresh_views
        refresh_views(outs)
    if any(not isinstance(t, Tensor) for t in ins):
        ins = _edge_tensors(outs, ins, materialize_grads)
    if isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    # (PyTorch checks the outputs, "element i of tensors does not require grad", before the inputs)
    roots = None if is_grads_batched else _root_grads(outs, grad_outputs)
    for i, t in enumerate(ins):
        if not t.requires_grad:
            raise MinigradError(
                f"One of the differentiated Tensors does not require grad (input {i} of grad())")
    keep, create_graph = _c_int(create_graph if retain_graph is None else retain_graph), _c_int(create_graph)
    unused_ok = _c_int(materialize_grads if allow_unused is None else allow_unused)
    if roots is None:
        return _batched_grad(outs, ins, grad_outputs, keep, create_graph, unused_ok, materialize_grads)
    captured = _run_backward(outs, roots, keep, create_graph, ins)
    result: list[Tensor | None] = []
    for i, t in enumerate(ins):
        g = captured.get(id(t))
        if g is None and materialize_grads:
            g = t.new_zeros(t.shape, requires_grad=create_graph)
        if g is None and not unused_ok:
            raise MinigradError(
                f"The differentiated Tensor at index {i} appears to not have been used in the graph. Set "
                "allow_unused=True if this is the desired behavior."
            )
        result.append(g)
    return tuple(result)


def _edge_tensors(outs: list[Tensor], ins: list[Any], materialize: bool) -> list[Tensor]:
    """``grad``'s inputs with each ``GradientEdge`` (node, output_nr) replaced by the tensor of the
    outputs' graph that node made (a leaf for an ``AccumulateGrad`` node).

    Raises:
        MinigradError: with ``materialize_grads``, or a node the outputs' graph does not hold.
    """
    from minigrad.autograd.graph import GradientEdge
    from minigrad.ops import AccumulateGrad

    for x in ins:
        if not isinstance(x, (Tensor, GradientEdge)):  # (PyTorch's words; minigrad read x.node off it)
            kind = type(x).__name__ if type(x).__module__ == "builtins" else (
                f"{type(x).__module__}.{type(x).__qualname__}")
            raise MinigradError(f"all inputs have to be Tensors or GradientEdges, but got {kind}")
    if materialize:
        raise MinigradError("materialize_grads cannot be used when the given input is a GradientEdge")
    made: dict[int, Tensor] = {}
    todo, seen = list(outs), set()
    while todo:
        t = todo.pop()
        if id(t) not in seen and t._ctx is not None:
            seen.add(id(t))
            made[id(t._ctx)] = t
            todo.extend(t._ctx.parents)
    result = []
    for x in ins:
        if isinstance(x, Tensor):
            result.append(x)
        elif isinstance(x.node, AccumulateGrad):
            result.append(x.node.variable)
        elif id(x.node) in made:
            result.append(made[id(x.node)])
        else:
            raise MinigradError(f"grad(): the gradient edge {x} is not in the outputs' graph")
    return result


def _batched_grad(outs: list[Tensor], ins: list[Tensor], grad_outputs: Sequence[Tensor | None] | None,
                  keep: bool, create_graph: bool, allow_unused: bool,
                  materialize_grads: bool) -> tuple[Tensor | None, ...]:
    """``grad(..., is_grads_batched=True)``: one backward pass per vector of the batch, results stacked."""
    if grad_outputs is None or any(g is None for g in grad_outputs):
        raise MinigradError("grad(is_grads_batched=True) needs a batch of vectors in grad_outputs per output")
    batches = {g.shape[0] for g in grad_outputs if g is not None and g.ndim}
    if len(batches) != 1:
        raise ShapeError(f"grad(is_grads_batched=True): grad_outputs need one common first dim, got "
                         f"shapes {[tuple(g.shape) for g in grad_outputs if g is not None]}")
    n = batches.pop()
    rows = []
    for k in range(n):
        row = grad(outs, ins, [g[k] for g in grad_outputs if g is not None], keep or k < n - 1, create_graph,
                   allow_unused, materialize_grads=materialize_grads)
        rows.append(row)
    result: list[Tensor | None] = []
    for i in range(len(ins)):
        column = [row[i] for row in rows]
        result.append(None if any(c is None for c in column) else stack(column))  # type: ignore[arg-type]
    return tuple(result)


provide(sys.modules[__name__])  # Tensor.backward calls this module's backward
