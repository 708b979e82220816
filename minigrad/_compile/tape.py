"""The tape: a traced call turned into a flat list of prebound numpy calls, and its replay.

:func:`build` takes a :class:`~minigrad._compile.tracer.Tracer`'s record and
decides, for every array it saw, whether the replay can use the very same
memory every call (*static*: parameters, buffers, kernel results whose shape
is fixed) or gets a new array each call (*dynamic*: the arguments, random
draws, results of numpy functions without ``out=``, value-dependent
shapes), which then lives in a slot of ``Tape.slots``. Each recorded kernel
becomes one zero-argument callable; where every array it touches is static
that is a ``functools.partial`` of the numpy function with its arrays bound,
writing its result through ``out=`` into the buffer the traced call
allocated. Kernels whose inputs are all constants are folded away, and
kernels whose results nothing observable reads are dropped.

:func:`canonical` describes a record independently of the particular array
objects, so that two traces of the same signature can be compared.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad._compile.plan import plan
from minigrad._compile.traced import Traced
from minigrad._compile.tracer import Op, Reg, Tracer, Unreplayable, _owner, _resolve
from minigrad.errors import MinigradError
from minigrad.ops import _IGNORE, _errstate_reset, _errstate_set

__all__ = ["GuardFailed", "Redo", "Slot", "Tape", "build", "canonical", "make_output"]


class GuardFailed(MinigradError):
    """A value minigrad's own code branched on while tracing came out differently on replay."""


class Slot:
    """Marks an argument that is a different array each call: ``slots[index]``."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _has_slot(x: Any) -> bool:
    if isinstance(x, Slot):
        return True
    if type(x) is tuple or type(x) is list:
        return any(_has_slot(v) for v in x)
    if type(x) is dict:
        return any(_has_slot(v) for v in x.values())
    if isinstance(x, slice):
        return _has_slot((x.start, x.stop, x.step))
    return False


def _fill(x: Any, slots: list[Any]) -> Any:
    if isinstance(x, Slot):
        return slots[x.index]
    if type(x) is tuple or type(x) is list:
        return type(x)(_fill(v, slots) for v in x)
    if type(x) is dict:
        return {k: _fill(v, slots) for k, v in x.items()}
    if isinstance(x, slice):
        return slice(_fill(x.start, slots), _fill(x.stop, slots), _fill(x.step, slots))
    return x


def _traced_args(op: Op) -> list[Traced]:
    from minigrad._compile.tracer import _traced_in

    found = list(_traced_in((op.args, op.kwargs)))
    if op.kind == "setgrad":
        value = op.args[1]
        arr = _tensor_array(value)
        if isinstance(arr, Traced):
            found.append(arr)
    return found


def _tensor_array(t: Any) -> Any:
    from minigrad.tensor import Tensor

    if not isinstance(t, Tensor):
        return None
    return _TRACED_ARRAY.get(id(t))


# id(tensor) -> its Traced array, filled by build() for the tensors it must rebind.
_TRACED_ARRAY: dict[int, Any] = {}


class Tape:
    """A replayable call: guards, a flat list of calls, and how to build the result."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], Any]] = []
        self.slots: list[Any] = []
        self.input_slots: list[tuple[int, int]] = []  # (slot, argument number)
        self.ext_guards: list[tuple[Any, Any, bool]] = []  # (tensor, the array it holds, requires_grad)
        self.grad_guards: list[tuple[Any, bool]] = []  # (tensor or argument number, whether .grad is None)
        self.grad_is: list[tuple[Any, Any]] = []  # (tensor, the .grad tensor it must still have)
        self.module_guards: list[tuple[Any, bool]] = []
        self.n_kernels = 0
        self.static_bytes = 0
        self.keep: list[Any] = []  # the planned memory
        self.split = 0  # with build(split=...): where the second part of the calls begins
        # What a failed check must undo before the call is redone eagerly (see _recovery()).
        self.undo_arrays: list[Any] = []  # static arrays or Slots written before the last check
        self.undo_rngs: list[Any] = []
        self.undo_grads: list[Any] = []
        self.guard_cells: list[list[bool]] = []
        self.fresh: dict[int, int] = {}  # id(Reg) of a result written into a new array each call -> its slot

    def check(self, args: list[Any]) -> bool:
        """True if this tape applies to a call with tensor arguments ``args`` (same signature)."""
        for t, raw, rg in self.ext_guards:
            if _ARRAY_SLOT.__get__(t) is not raw or t.requires_grad is not rg:
                return False
        for target, is_none in self.grad_guards:
            t = args[target] if type(target) is int else target
            if (_GRAD_SLOT.__get__(t) is None) is not is_none:
                return False
        for t, g in self.grad_is:
            if _GRAD_SLOT.__get__(t) is not g:
                return False
        return all(m.training == flag for m, flag in self.module_guards)

    def bind(self, arrays: list[Any]) -> None:
        """Put ``arrays[k]`` in the slot of tensor argument ``k`` (None: leave it)."""
        slots = self.slots
        n = len(arrays)
        for slot, k in self.input_slots:
            if k < n and arrays[k] is not None:
                slots[slot] = arrays[k]

    def run(self, arrays: list[Any], calls: list[Callable[[], Any]] | None = None) -> None:
        """Replay ``calls`` (all of them by default) with the arguments' arrays bound.

        Raises:
            Redo: a check on values failed and everything the calls changed
                was undone: the caller runs the function eagerly instead.
            GuardFailed: a check failed where that cannot be undone.
        """
        self.bind(arrays)
        undo = self._snapshot() if self.undo_arrays or self.undo_rngs or self.undo_grads else None
        token = _errstate_set(_IGNORE)  # the traced kernels ran quiet or never warned: same values
        try:
            for call in self.calls if calls is None else calls:
                call()
        except _Miss as miss:
            if not miss.recoverable:
                raise GuardFailed(str(miss)) from None
            if undo is not None:
                self._restore(undo)
            raise Redo(str(miss)) from None
        finally:
            _errstate_reset(token)

    def _snapshot(self) -> tuple[list[Any], list[Any], list[Any]]:
        slots = self.slots
        arrays = [(a, np.array(slots[a.index] if isinstance(a, Slot) else a, copy=True)) for a in self.undo_arrays]
        rngs = [(gen, gen.__dict__["np"].bit_generator.state) for gen in self.undo_rngs]
        grads = [(t, _GRAD_SLOT.__get__(t)) for t in self.undo_grads]
        return arrays, rngs, grads

    def _restore(self, undo: tuple[list[Any], list[Any], list[Any]]) -> None:
        arrays, rngs, grads = undo
        for a, saved in arrays:
            np.copyto(self.slots[a.index] if isinstance(a, Slot) else a, saved)
        for gen, state in rngs:
            gen.__dict__["np"].bit_generator.state = state
        for t, g in grads:
            _GRAD_SLOT.__set__(t, g)


class _Miss(Exception):  # noqa: N818 - internal control flow
    def __init__(self, message: str, recoverable: bool) -> None:
        super().__init__(message)
        self.recoverable = recoverable


class Redo(Exception):  # noqa: N818 - internal control flow, never reaches the user
    """A replay stopped at a failed check and undid its effects: run the call eagerly."""


def _slot_descriptors() -> tuple[Any, Any]:
    from minigrad.tensor import Tensor

    return Tensor.__dict__["_array"], Tensor.__dict__["grad"]


_ARRAY_SLOT, _GRAD_SLOT = _slot_descriptors()


def build(tracer: Tracer, args: list[Any], result: Any, split: int | None = None) -> tuple[Tape, Any]:
    """Turn a finished trace into a :class:`Tape`; also return the output template.

    ``args`` are the call's tensor arguments (in order); ``result`` is what
    the function returned. With ``split`` (a number of recorded ops), the
    tape's calls are in two parts: ``calls[:tape.split]`` replays the ops
    recorded before it (a forward), the rest those after (its backward).
    Raises :class:`Unreplayable` when the record cannot be replayed faithfully.
    """
    from minigrad.tensor import Tensor

    regs = tracer.regs
    ops = tracer.ops
    tape = Tape()

    # Tensors the replay hands out (results, .grad values) and whose arrays it may have to rebind.
    out_tensors: list[Any] = []

    def collect(x: Any) -> None:
        if isinstance(x, Tensor):
            out_tensors.append(x)
        elif type(x) in (tuple, list):
            for v in x:
                collect(v)
        elif type(x) is dict:
            for v in x.values():
                collect(v)

    collect(result)
    for op in ops:
        if op.kind == "setgrad" and isinstance(op.args[1], Tensor):
            out_tensors.append(op.args[1])
    _TRACED_ARRAY.clear()
    traced_of: dict[int, Traced] = {}
    for t in out_tensors:
        raw = _ARRAY_SLOT.__get__(t)
        obj = tracer.by_plain.get(id(raw))
        if obj is not None:
            traced_of[id(t)] = obj
            _TRACED_ARRAY[id(t)] = obj

    # 1. Constant folding: kernels all of whose array inputs are unwritten constants.
    folded_roots: set[int] = {id(r) for r in regs.values() if r.kind == "const" and not r.written}
    folded_ops: set[int] = set()
    for op in ops:
        if op.kind not in ("out", "fresh", "copy", "view"):
            continue
        traced = [regs[id(t)] for t in _traced_args(op)]
        if any(isinstance(a, np.ndarray) and not isinstance(a, Traced) for a in _plain_arrays(op)):
            continue
        if all(id(r.root) in folded_roots for r in traced) and not any(
                regs[id(o)].root.written for o in op.outs):
            folded_ops.add(id(op))
            for o in op.outs:
                folded_roots.add(id(regs[id(o)].root))

    def is_folded(reg: Reg) -> bool:
        return id(reg.root) in folded_roots

    # 2. Dynamic roots: a new array every call.
    def root_dynamic(root: Reg) -> bool:
        if root.kind == "input":
            return True
        if root.kind == "op":
            src = root.source
            return src is not None and src.kind in ("fresh", "rng", "view") and id(src) not in folded_ops
        return False

    # 3. Liveness, backwards: what the caller can observe.
    live: set[int] = set()

    def mark(reg: Reg) -> None:
        live.add(id(reg.root))

    for obj in traced_of.values():
        mark(regs[id(obj)])
    for reg in regs.values():
        if reg.kind in ("ext", "input"):
            mark(reg)
    keep_ops: list[Op] = []
    for op in reversed(ops):
        if id(op) in folded_ops:
            continue
        if op.kind in ("rng", "guard", "setgrad", "opaque"):
            needed = True
        elif op.kind == "const":
            needed = id(regs[id(op.outs[0])].root) in live
        elif op.kind == "inplace":
            needed = any(id(regs[id(t)].root) in live for t in _inplace_targets(op))
        else:
            needed = any(id(regs[id(o)].root) in live for o in op.outs)
        if needed:
            keep_ops.append(op)
            for t in _traced_args(op):
                mark(regs[id(t)])
            for o in op.outs:
                mark(regs[id(o)])
    keep_ops.reverse()

    # 4. Slots for the dynamic arrays (roots and views of dynamic roots).
    slot_of: dict[int, int] = {}

    def is_dynamic(reg: Reg) -> bool:
        if is_folded(reg):
            return False
        if reg.kind == "view":
            return root_dynamic(reg.root)
        return root_dynamic(reg)

    def slot(reg: Reg) -> int:
        s = slot_of.get(id(reg))
        if s is None:
            s = slot_of[id(reg)] = len(tape.slots)
            tape.slots.append(reg.plain)  # the traced call's value, until a replay replaces it
        return s

    dynamic_owners = {id(_owner(r.plain)) for r in regs.values() if r.kind != "view" and is_dynamic(r)}

    # 5. Memory: static kernel results whose lifetimes do not overlap share buffers.
    escaping = {id(regs[id(obj)].root) for obj in traced_of.values()}
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    roots: dict[int, Reg] = {}
    for k, op in enumerate(keep_ops):
        for t in (*_traced_args(op), *op.outs):
            root = regs[id(t)].root
            roots[id(root)] = root
            first.setdefault(id(root), k)
            last[id(root)] = k
    eligible = {i for i, r in roots.items() if i not in escaping and not is_folded(r) and not is_dynamic(r)
                and (r.kind == "op" or (r.kind == "const" and r.written))}
    planned = [(roots[i].plain, first[i], last[i]) for i in eligible]
    memory = plan(planned, _in_place(keep_ops, regs, eligible, first, last))
    tape.keep = memory.blocks

    def remap(x: np.ndarray, root: Reg) -> np.ndarray:
        return memory.remap(x, root.plain)

    def res(x: Any) -> Any:
        if isinstance(x, Traced):
            reg = tracer.reg(x)
            return Slot(slot(reg)) if is_dynamic(reg) else remap(reg.plain, reg.root)
        if isinstance(x, np.ndarray):
            if id(_owner(x)) in dynamic_owners:
                raise Unreplayable("a plain view of a per-call array reached a kernel")
            root = tracer.root_by_owner.get(id(_owner(x)))
            return x if root is None else remap(x, root)
        if type(x) is tuple or type(x) is list:
            return type(x)(res(v) for v in x)
        if type(x) is dict:
            return {k: res(v) for k, v in x.items()}
        if isinstance(x, slice):
            return slice(res(x.start), res(x.stop), res(x.step))
        return x

    for reg in regs.values():
        if reg.kind == "input":
            tape.input_slots.append((slot(reg), reg.owner))

    # 6. Results handed back that a ufunc wrote and nothing later reads get a new array every call
    # (written through out=, no copy); other results are copied out of their buffers.
    result_roots = _result_roots(result, traced_of, regs)
    later: dict[int, int] = {}
    for k, op in enumerate(keep_ops):
        for t in _traced_args(op):
            later[id(regs[id(t)].root)] = k
    for k, op in enumerate(keep_ops):
        if op.kind == "out" and isinstance(op.fn, np.ufunc) and len(op.outs) == 1:
            reg = regs[id(op.outs[0])]
            if id(reg) in result_roots and reg.root is reg and later.get(id(reg), -1) <= k \
                    and not is_dynamic(reg):
                tape.fresh[id(reg)] = slot(reg)

    ext_seen: set[int] = set()
    meta: list[Op] = []  # the op behind each call
    before_split = set() if split is None else {id(op) for op in ops[:split]}
    tape.split = 0
    for op in keep_ops:
        for t in _traced_args(op):
            root = regs[id(t)].root
            if root.kind == "ext" and id(root) not in ext_seen and isinstance(root.owner, Tensor):
                ext_seen.add(id(root))
                tape.ext_guards.append((root.owner, root.plain, bool(root.owner.requires_grad)))
        call = _compile_op(op, tracer, res, slot, is_dynamic, tape)
        if call is None:
            continue
        tape.calls.append(call)
        meta.append(op)
        if id(op) in before_split:
            tape.split = len(tape.calls)
        if op.kind in ("out", "fresh", "copy", "inplace", "rng"):
            tape.n_kernels += 1

    tape.static_bytes = memory.bytes + sum(
        r.plain.nbytes for i, r in roots.items() if r.kind == "op" and not is_dynamic(r) and i not in memory.home)

    _recovery(tape, meta, regs, slot, is_dynamic, split is not None)

    # Guards on .grad: what the call found there on first use (a read before any write). Where the
    # tape works on that gradient's array, it must be that very tensor; otherwise only None or not.
    used_owners = {id(regs[id(t)].root.owner) for op in keep_ops for t in _traced_args(op)
                   if regs[id(t)].root.kind == "ext"}
    for t, was_read, value in tracer.grad_first.values():
        if not was_read:
            continue
        if value is not None and id(value) in used_owners:
            tape.grad_is.append((t, value))
        else:
            tape.grad_guards.append((tracer.arg_index.get(id(t), t), value is None))
    tape.module_guards = list(tracer.modules.values())

    # Rebinding of handed-out tensors whose arrays are dynamic.
    rebind: list[tuple[Any, int]] = []
    for t in out_tensors:
        obj = traced_of.get(id(t))
        if obj is not None and is_dynamic(tracer.reg(obj)):
            rebind.append((t, slot(tracer.reg(obj))))
    if rebind:
        slots = tape.slots

        def rebind_all() -> None:
            for t, s in rebind:
                _ARRAY_SLOT.__set__(t, slots[s])

        tape.calls.append(rebind_all)

    template = _output_template(result, tracer, traced_of, res, tape.fresh)
    _TRACED_ARRAY.clear()
    return tape, template


def _in_place(ops: list[Op], regs: dict[int, Reg], eligible: set[int], first: dict[int, int],
              last: dict[int, int]) -> dict[int, np.ndarray]:
    """Results an elementwise ufunc may write over one of its inputs: id(result) -> that input's array.

    The input must die at that very kernel and be passed whole, laid out
    exactly as the result (no broadcasting): then ``out=`` the input is the
    same computation, in place.
    """
    inherit: dict[int, np.ndarray] = {}
    for k, op in enumerate(ops):
        if op.kind != "out" or not isinstance(op.fn, np.ufunc) or op.fn.signature is not None \
                or len(op.outs) != 1:
            continue
        out = regs[id(op.outs[0])]
        if out.root is not out or id(out) not in eligible or first.get(id(out)) != k:
            continue
        for arg in op.args[: op.fn.nin]:
            if not isinstance(arg, Traced):
                continue
            reg = regs[id(arg)]
            root = reg.root
            a, o = reg.plain, out.plain
            if id(root) in eligible and last.get(id(root)) == k and a.shape == o.shape \
                    and a.strides == o.strides and a.dtype == o.dtype and a.nbytes == root.plain.nbytes:
                inherit[id(out.plain)] = root.plain
                break
    return inherit


def _recovery(tape: Tape, meta: list[Op], regs: dict[int, Reg], slot: Callable[[Reg], int],
              is_dynamic: Callable[[Reg], bool], split: bool) -> None:
    """Decide which failed checks can be undone, and what undoing them takes.

    A check (a value minigrad's code branched on) that fails on replay is
    recoverable when nothing before it is beyond undoing (an opaque Python
    call, or the forward of a split tape having returned): the replay then
    restores the arrays, generators and ``.grad`` attributes written before
    it, and the call runs eagerly.
    """
    limit = len(meta)
    for i, op in enumerate(meta):
        if op.kind == "opaque":
            limit = i
            break
    if split:
        limit = min(limit, tape.split)
    last = -1
    for i, op in enumerate(meta):
        if op.kind == "guard":
            if i < limit:
                last = i
            else:
                tape.guard_cells[sum(1 for o in meta[:i] if o.kind == "guard")][0] = False
    seen: set[int] = set()
    for op in meta[:max(last, 0)]:
        if op.kind == "setgrad":
            if id(op.args[0]) not in seen:
                seen.add(id(op.args[0]))
                tape.undo_grads.append(op.args[0])
            continue
        if op.kind == "inplace":
            for t in _inplace_targets(op):
                root = regs[id(t)].root
                if root.kind in ("ext", "input") and id(root) not in seen:
                    seen.add(id(root))
                    tape.undo_arrays.append(Slot(slot(root)) if is_dynamic(root) else root.plain)
        elif op.kind == "rng":
            if op.fn[0] not in tape.undo_rngs:
                tape.undo_rngs.append(op.fn[0])


def _plain_arrays(op: Op) -> list[Any]:
    from minigrad._compile.tracer import _arrays_in

    return list(_arrays_in((op.args, op.kwargs)))


def _inplace_targets(op: Op) -> list[Traced]:
    from minigrad._compile.tracer import _traced_in

    if "out" in op.kwargs:
        return list(_traced_in(op.kwargs["out"]))
    if getattr(op.fn, "__name__", "") == "at":
        return list(_traced_in(op.args[0]))
    return list(_traced_in(op.args[0]))


def _result_roots(result: Any, traced_of: dict[int, Traced], regs: dict[int, Reg]) -> set[int]:
    from minigrad.tensor import Tensor

    found: set[int] = set()
    todo = [result]
    while todo:
        x = todo.pop()
        if isinstance(x, Tensor):
            obj = traced_of.get(id(x))
            if obj is not None:
                found.add(id(regs[id(obj)].root))
        elif type(x) in (tuple, list):
            todo += list(x)
        elif type(x) is dict:
            todo += list(x.values())
    return found


def _output_template(result: Any, tracer: Tracer, traced_of: dict[int, Traced], res: Callable[[Any], Any],
                     fresh: dict[int, int]) -> Any:
    from minigrad.tensor import Tensor

    if isinstance(result, Tensor):
        k = tracer.arg_index.get(id(result))
        if k is not None:
            return ("arg", k)
        obj = traced_of.get(id(result))
        if obj is None:
            return ("tensor", result)  # existed before the call (a parameter...): the same object
        reg = tracer.reg(obj)
        if id(reg) in fresh:
            return ("fresh", Slot(fresh[id(reg)]))
        return ("new", res(obj), result.requires_grad)
    if type(result) in (tuple, list):
        return (type(result), [_output_template(v, tracer, traced_of, res, fresh) for v in result])
    if type(result) is dict:
        return (dict, {k: _output_template(v, tracer, traced_of, res, fresh) for k, v in result.items()})
    if isinstance(result, (np.ndarray, np.generic)):
        raise Unreplayable("the function returns a numpy array; return tensors")
    return ("value", result)


def make_output(template: Any, args: list[Any], slots: list[Any]) -> Any:
    """Build a call's result from the tape's template: new tensors hold copies of the values."""
    from minigrad.tensor import Tensor

    kind = template[0]
    if kind == "fresh":  # written into a new array by this very call: handed over as is
        return Tensor._wrap(slots[template[1].index])
    if kind == "new":
        arr = template[1]
        arr = slots[arr.index] if isinstance(arr, Slot) else arr
        return Tensor._wrap(np.array(arr, copy=True))
    if kind == "arg":
        return args[template[1]]
    if kind in ("tensor", "value"):
        return template[1]
    if kind is dict:
        return {k: make_output(v, args, slots) for k, v in template[1].items()}
    items = [make_output(v, args, slots) for v in template[1]]
    return kind(items) if kind is not tuple or not hasattr(kind, "_fields") else kind(*items)


def _compile_op(op: Op, tracer: Tracer, res: Callable[[Any], Any], slot: Callable[[Reg], int],
                is_dynamic: Callable[[Reg], bool], tape: Tape) -> Callable[[], Any] | None:
    """One zero-argument callable that performs ``op`` on replay."""
    slots = tape.slots
    kind = op.kind
    if kind == "const":
        reg = tracer.reg(op.outs[0])
        if not reg.written:
            return None
        target = res(op.outs[0])
        if reg.fill[0] == "fill":
            return functools.partial(np.ndarray.fill, target, reg.fill[1])
        if reg.fill[0] == "empty":
            return _noop
        assert reg.snapshot is not None
        return functools.partial(np.copyto, target, reg.snapshot)
    if kind == "setgrad":
        t, value = op.args
        k = tracer.arg_index.get(id(t))
        if k is None:
            return functools.partial(_GRAD_SLOT.__set__, t, value)
        raise Unreplayable("the .grad of an argument is set inside the compiled function")
    if kind == "opaque":
        obj, *rest = op.args
        return functools.partial(op.fn, obj, *rest, **op.kwargs)
    args, kwargs = res(op.args), res(op.kwargs)
    dynamic_in = _has_slot(args) or _has_slot(kwargs)
    if kind == "guard":
        expected = kwargs.pop("expected")
        where = kwargs.pop("where")
        base = op.fn

        state = [True]  # can a failure be undone? decided once the tape is built (see build)
        tape.guard_cells.append(state)

        def guard() -> None:
            a = _fill(args, slots) if dynamic_in else args
            got = base(*a, **kwargs)
            if not (got == expected or (isinstance(got, float) and math.isnan(got) and math.isnan(expected))):
                raise _Miss(
                    f"mg.compile: minigrad's code at {where} branched on a tensor value when the call was "
                    f"traced ({expected!r}) and would branch differently now ({got!r}); call the function "
                    "uncompiled for inputs like these", state[0]
                )

        return guard
    if kind == "rng":
        gen, path = op.fn
        outs = [(i, slot(tracer.reg(o))) for i, o in enumerate(op.outs)]
        scalar = bool(op.outs) and tracer.reg(op.outs[0]).plain.ndim == 0

        def draw() -> None:
            fn = _resolve(gen.__dict__["np"], path)
            r = fn(*(_fill(args, slots) if dynamic_in else args), **(_fill(kwargs, slots) if dynamic_in else kwargs))
            if outs:
                slots[outs[0][1]] = np.asarray(r) if scalar else r

        return draw
    fn = op.fn
    if kind == "out" and id(tracer.reg(op.outs[0])) in tape.fresh:
        s = tape.fresh[id(tracer.reg(op.outs[0]))]
        like = tracer.reg(op.outs[0]).plain
        shape, dtype = like.shape, like.dtype
        n_in = fn.nin

        def kernel_fresh() -> None:
            buf = np.empty(shape, dtype)
            fn(*(_fill(args[:n_in], slots) if dynamic_in else args[:n_in]), out=(buf,), **kwargs)
            slots[s] = buf

        return kernel_fresh
    if kind == "out":
        outs = tuple(res(o) for o in op.outs)
        bound = _bind_out(fn, args, kwargs, outs)
        if bound is None:
            kind = "fresh"
        else:
            args, kwargs = bound
            if not dynamic_in:
                return functools.partial(fn, *args, **kwargs)

            def kernel_out() -> None:
                fn(*_fill(args, slots), **_fill(kwargs, slots))

            return kernel_out
    if kind == "copy":
        dst = res(op.outs[0])
        src_t = op.args[0]
        src_shape = tracer.reg(src_t).plain.shape
        target = dst if dst.shape == src_shape else dst.reshape(src_shape)
        if _owner(target) is not _owner(dst):
            kind = "fresh"
        else:
            src = args[0]
            if isinstance(src, Slot):
                i = src.index
                return lambda: np.copyto(target, slots[i], casting="unsafe")
            return functools.partial(np.copyto, target, src, casting="unsafe")
    if kind == "inplace":
        if not dynamic_in:
            return functools.partial(fn, *args, **kwargs)

        def inplace() -> None:
            fn(*_fill(args, slots), **_fill(kwargs, slots))

        return inplace
    # fresh results, views of per-call arrays, copies that cannot be written in place
    targets = []
    for i, o in enumerate(op.outs):
        reg = tracer.reg(o)
        if is_dynamic(reg):
            targets.append((i, slot(reg), reg.plain.ndim == 0))
    static_out = [(i, res(o)) for i, o in enumerate(op.outs) if not is_dynamic(tracer.reg(o))]
    if kind == "view" and not targets:
        return None  # a view of memory that is the same every call: the traced view object stays valid
    multi = len(op.outs) > 1 or op.packed

    def fresh() -> None:
        r = fn(*(_fill(args, slots) if dynamic_in else args), **(_fill(kwargs, slots) if dynamic_in else kwargs))
        if multi:
            flat = _flatten_result(r)
            for i, s, zero_d in targets:
                slots[s] = np.asarray(flat[i]) if zero_d else flat[i]
            for i, buf in static_out:
                if flat[i] is not buf:
                    np.copyto(buf, flat[i], casting="unsafe")
        else:
            for _, s, zero_d in targets:
                slots[s] = np.asarray(r) if zero_d else r
            for _, buf in static_out:
                if r is not buf:
                    np.copyto(buf, r, casting="unsafe")

    return fresh


def _flatten_result(r: Any) -> list[Any]:
    if type(r) in (tuple, list):
        out: list[Any] = []
        for v in r:
            out += _flatten_result(v)
        return out
    return [r]


# Where ``out`` sits among the positional arguments (the array itself counted for methods).
_OUT_POSITION = {
    "reduce": 3, "accumulate": 3, "reduceat": 4,
    np.ndarray.cumsum: 3, np.ndarray.cumprod: 3, np.ndarray.take: 3, np.ndarray.clip: 3,
    np.ndarray.round: 2, np.ndarray.dot: 2, np.ndarray.argmax: 2, np.ndarray.argmin: 2,
}  # fmt: skip


def _bind_out(fn: Any, args: Any, kwargs: dict[str, Any], outs: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """``(args, kwargs)`` of ``fn`` with its result written into ``outs``; None if that cannot be done."""
    owner = getattr(fn, "__self__", None)
    if isinstance(fn, np.ufunc):
        return tuple(args[: fn.nin]), {**kwargs, "out": outs}
    if isinstance(owner, np.ufunc):
        pos = _OUT_POSITION.get(fn.__name__)
        if fn.__name__ == "outer":
            return tuple(args), {**kwargs, "out": outs}
        if pos is None:
            return None
        if len(args) > pos:
            return (*args[:pos], outs, *args[pos + 1:]), kwargs
        return tuple(args), {**kwargs, "out": outs}
    pos = _OUT_POSITION.get(fn)
    if pos is not None:
        if len(args) > pos:
            return tuple(args[:pos]) + (outs[0],) + tuple(args[pos + 1:]), kwargs
        return tuple(args), {**kwargs, "out": outs[0]}
    try:
        sig = inspect.signature(fn)
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    if "out" not in sig.parameters:
        return None
    bound.arguments["out"] = outs[0]
    return bound.args, bound.kwargs


def _noop() -> None:
    pass


# ------------------------------------------------------------------ comparison


def canonical(tracer: Tracer) -> list[tuple[Any, ...]]:
    """The record as comparable tuples: same kernels, arguments and constants in the same order.

    Arrays are named by the order in which the trace first saw them (and
    external ones by the tensor they belong to), so two traces of one
    signature compare equal exactly when they did the same thing.
    """
    regs = tracer.regs

    def name(x: Any) -> Any:
        if isinstance(x, Traced):
            reg = tracer.reg(x)
            root = reg.root
            head: Any
            if root.kind == "ext":
                head = ("ext", id(root.owner)) if root.owner is not None else ("extarr", _content_key(root.plain))
            elif root.kind == "input":
                head = ("in", root.owner)
            else:
                head = ("r", root.index, root.kind, _const_key(root))
            if reg.shape_dyn:  # its shape depends on the values: not part of what must agree
                return (*head, x.dtype.str)
            return (*head, x.shape, x.dtype.str, x.strides)
        if isinstance(x, np.ndarray):
            return ("plain", _content_key(x))
        if isinstance(x, np.generic):
            return ("np", x.dtype.str, x.tobytes())
        if type(x) in (tuple, list):
            return (type(x).__name__, *(name(v) for v in x))
        if type(x) is dict:
            return ("dict", *sorted((k, name(v)) for k, v in x.items()))
        if isinstance(x, slice):
            return ("slice", name(x.start), name(x.stop), name(x.step))
        if isinstance(x, float) and math.isnan(x):
            return ("nan",)
        from minigrad.tensor import Tensor

        if isinstance(x, Tensor):
            return ("tensor", id(x) if id(x) not in tracer.created else "new")
        if isinstance(x, (int, float, complex, str, bool, bytes, type(None), np.dtype, type)):
            return (type(x).__name__, x)
        return ("obj", id(x))

    out = []
    for op in tracer.ops:
        if op.kind == "guard":
            kw = dict(op.kwargs)
            kw.pop("where", None)
            out.append((op.kind, _fn_key(op.fn), name(op.args), name(kw)))
        else:
            out.append((op.kind, _fn_key(op.fn), name(op.args), name(op.kwargs), name(tuple(op.outs))))
    del regs
    return out


def _content_key(a: np.ndarray) -> Any:
    """Arrays made afresh each call compare by value (a digest), very large ones by identity."""
    if a.size > 1 << 20:
        return (a.shape, a.dtype.str, id(a))
    return (a.shape, a.dtype.str, hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=16).digest())


def _const_key(root: Reg) -> Any:
    if root.kind != "const":
        return None
    if root.fill and root.fill[0] == "copy":
        arr = root.snapshot if root.snapshot is not None else root.plain
        return _content_key(arr)
    return root.fill


def _fn_key(fn: Any) -> Any:
    if isinstance(fn, tuple):
        return ("rng", id(fn[0]), fn[1])
    self = getattr(fn, "__self__", None)
    if self is not None:
        return (id(self), getattr(fn, "__name__", None))
    return id(fn)
