"""From a finished trace to a :class:`~minigrad._compile.tape.Tape`.

:func:`build` decides, for every array the trace saw, whether the replay
can use the same memory every call (*static*: parameters, buffers, kernel
results of fixed shape) or gets a new array each call (*dynamic*: the
arguments, random draws, results of numpy functions without ``out=``,
value-dependent shapes), kept in a slot of ``Tape.slots``. Then:

1. kernels whose every input is an unwritten constant are folded away;
2. kernels whose results nothing observable reads are dropped;
3. results handed back that a ufunc writes get a new array every call
   (or the new array of an input that dies there, written over);
4. static results whose lifetimes do not overlap share memory
   (:mod:`minigrad._compile.plan`), elementwise kernels overwrite inputs
   that die with them;
5. each remaining op becomes one call (:mod:`minigrad._compile.calls`);
6. guards: the arrays parameters hold, ``.grad`` states, training flags;
   and what a failed value check must undo.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._compile.calls import compile_op
from minigrad._compile.plan import plan
from minigrad._compile.tape import ARRAY, Slot, Tape
from minigrad._compile.traced import Traced
from minigrad._compile.tracer import Op, Reg, Tracer, Unreplayable, _arrays_in, _owner, _traced_in
from minigrad.tensor import Tensor

__all__ = ["Builder", "build"]


def build(tracer: Tracer, args: list[Tensor], result: Any, split: int | None = None) -> tuple[Tape, Any]:
    """Turn a finished trace into a :class:`Tape` and the template of its result.

    ``args`` are the call's tensor arguments (in order); ``result`` is what
    the function returned. With ``split`` (a number of recorded ops) the
    tape's calls come in two parts: ``calls[:tape.split]`` replays the ops
    recorded before it (a forward), the rest those after (its backward).

    Raises:
        Unreplayable: the record cannot be replayed faithfully.
    """
    return Builder(tracer, result).run(split)


class Builder:
    """The state of one :func:`build`: which arrays are static, their slots and planned memory."""

    def __init__(self, tracer: Tracer, result: Any) -> None:
        self.tracer = tracer
        self.regs = tracer.regs
        self.result = result
        self.tape = Tape()
        self.slot_of: dict[int, int] = {}
        self.fresh: dict[int, int] = {}  # id(Reg) of a result written into a new array each call -> slot
        self.into: dict[int, int] = {}  # id(Reg) of a fresh result -> the slot of the array it overwrites
        self.guard_cells: list[list[bool]] = []
        # Tensors the replay hands out (results, .grad values), with the Traced array they hold.
        self.handed: dict[int, tuple[Tensor, Traced]] = {}
        for t in _tensors_in(result) + [op.args[1] for op in tracer.ops
                                         if op.kind == "setgrad" and isinstance(op.args[1], Tensor)]:
            obj = tracer.by_plain.get(id(ARRAY.__get__(t)))
            if obj is not None:
                self.handed[id(t)] = (t, obj)
        self.folded_roots: set[int] = set()
        self.folded_ops: set[int] = set()

    def reg(self, obj: Traced) -> Reg:
        """The Reg of a Traced object."""
        return self.tracer.reg(obj)

    # ------------------------------------------------------------ classification

    def _fold(self) -> None:
        """Kernels all of whose array inputs are unwritten constants: their results are constants too."""
        regs = self.regs
        self.folded_roots = {id(r) for r in regs.values() if r.kind == "const" and not r.written}
        for op in self.tracer.ops:
            if op.kind not in ("out", "fresh", "copy", "view"):
                continue
            if any(not isinstance(a, Traced) for a in _arrays_in((op.args, op.kwargs))):
                continue  # a plain array is bound by reference: it may change between calls
            if all(id(regs[id(t)].root) in self.folded_roots for t in self.args_of(op)) and not any(
                    regs[id(o)].root.written for o in op.outs):
                self.folded_ops.add(id(op))
                self.folded_roots.update(id(regs[id(o)].root) for o in op.outs)

    def is_folded(self, reg: Reg) -> bool:
        """True for a constant, or a value computed from constants only."""
        return id(reg.root) in self.folded_roots

    def is_dynamic(self, reg: Reg) -> bool:
        """True if the replay gets a new array for ``reg`` every call (it then lives in a slot)."""
        if self.is_folded(reg):
            return False
        root = reg.root
        if root.kind == "input":
            return True
        src = root.source
        return root.kind == "op" and src is not None and src.kind in ("fresh", "rng", "view") \
            and id(src) not in self.folded_ops

    def args_of(self, op: Op) -> list[Traced]:
        """The Traced arrays ``op`` reads or writes (for a ``.grad`` assignment, the new gradient's)."""
        found = list(_traced_in((op.args, op.kwargs)))
        if op.kind == "setgrad" and isinstance(op.args[1], Tensor) and id(op.args[1]) in self.handed:
            found.append(self.handed[id(op.args[1])][1])
        return found

    def _live_ops(self) -> list[Op]:
        """The ops whose effects the caller can observe, walking backwards from what it sees."""
        regs = self.regs
        live: set[int] = {id(regs[id(obj)].root) for _, obj in self.handed.values()}
        live.update(id(r) for r in regs.values() if r.kind in ("ext", "input"))
        kept: list[Op] = []
        for op in reversed(self.tracer.ops):
            if id(op) in self.folded_ops:
                continue
            if op.kind in ("rng", "guard", "setgrad", "opaque"):
                needed = True
            elif op.kind == "inplace":
                needed = any(id(regs[id(t)].root) in live for t in _inplace_targets(op))
            else:
                needed = any(id(regs[id(o)].root) in live for o in op.outs)
            if needed:
                kept.append(op)
                live.update(id(regs[id(t)].root) for t in (*self.args_of(op), *op.outs))
        kept.reverse()
        return kept

    # ------------------------------------------------------------ memory

    def slot(self, reg: Reg) -> int:
        """The slot of a dynamic array (made on first use; it holds the traced value until a replay)."""
        s = self.slot_of.get(id(reg))
        if s is None:
            s = self.slot_of[id(reg)] = len(self.tape.slots)
            self.tape.slots.append(reg.plain)
        return s

    def _plan(self, ops: list[Op]) -> None:
        regs = self.regs
        escaping = {id(regs[id(obj)].root) for _, obj in self.handed.values()}
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        self.roots: dict[int, Reg] = {}
        for k, op in enumerate(ops):
            for t in (*self.args_of(op), *op.outs):
                root = regs[id(t)].root
                self.roots[id(root)] = root
                first.setdefault(id(root), k)
                last[id(root)] = k
        eligible = {i for i, r in self.roots.items() if i not in escaping and not self.is_folded(r)
                    and not self.is_dynamic(r) and (r.kind == "op" or (r.kind == "const" and r.written))}
        # Results handed back that a ufunc writes and nothing later reads get a new array every call.
        results = {id(regs[id(obj)].root) for t, obj in self.handed.values() if _in(t, self.result)}
        for k, op in enumerate(ops):
            if op.kind == "out" and isinstance(op.fn, np.ufunc) and len(op.outs) == 1:
                reg = regs[id(op.outs[0])]
                if id(reg) in results and reg.root is reg and last[id(reg)] <= k and not self.is_dynamic(reg):
                    self.fresh[id(reg)] = self.slot(reg)
                    self._chain(op, reg, ops, eligible, first, last)
        self.memory = plan([(self.roots[i].plain, first[i], last[i]) for i in eligible],
                           _in_place(ops, regs, eligible, first, last))
        self.tape.keep = self.memory.blocks
        self.dynamic_owners = {id(_owner(r.plain)) for r in regs.values()
                               if r.kind != "view" and self.is_dynamic(r)}

    def _chain(self, op: Op, reg: Reg, ops: list[Op], eligible: set[int], first: dict[int, int],
               last: dict[int, int]) -> None:
        """A new result whose elementwise kernel reads an input that dies there (``b * c + a``'s
        product): that input's own kernel writes into a new array each call, and the result's kernel
        into the same one, in place, as numpy code writes ``y = b * c; y += a``: one full-size buffer
        less to pass through the cache, and the same values."""
        regs = self.regs
        o = reg.plain
        for arg in op.args[: op.fn.nin]:
            if not isinstance(arg, Traced):
                continue
            src = regs[id(arg)]
            made = src.source
            i, a = id(src), src.plain
            if src.root is not src or i not in eligible or last.get(i) != first[id(reg)] or made is None \
                    or made.kind != "out" or not isinstance(made.fn, np.ufunc) or len(made.outs) != 1 \
                    or (a.shape, a.strides, a.dtype) != (o.shape, o.strides, o.dtype):
                continue
            if any(regs[id(t)].root is src and regs[id(t)] is not src  # (a view of it: bound statically)
                   for k in range(first[i], last[i] + 1) for t in (*self.args_of(ops[k]), *ops[k].outs)):
                continue
            eligible.discard(i)
            self.fresh[i] = self.slot(src)
            self.into[id(reg)] = self.fresh[i]
            return

    def resolve(self, x: Any) -> Any:
        """``x`` as the replay binds it: static arrays on their planned memory, dynamic ones as Slots."""
        if isinstance(x, Traced):
            reg = self.reg(x)
            if self.is_dynamic(reg) or id(reg) in self.fresh:
                return Slot(self.slot(reg))
            return self.memory.remap(reg.plain, reg.root.plain)
        if isinstance(x, np.ndarray):
            if id(_owner(x)) in self.dynamic_owners:
                raise Unreplayable("a plain view of a per-call array reached a kernel")
            root = self.tracer.root_by_owner.get(id(_owner(x)))
            return x if root is None else self.memory.remap(x, root.plain)
        if type(x) is tuple or type(x) is list:
            return type(x)(self.resolve(v) for v in x)
        if type(x) is dict:
            return {k: self.resolve(v) for k, v in x.items()}
        if isinstance(x, slice):
            return slice(self.resolve(x.start), self.resolve(x.stop), self.resolve(x.step))
        return x

    # ------------------------------------------------------------ the tape

    def run(self, split: int | None) -> tuple[Tape, Any]:
        """Build the tape (see the module docstring) and the result's template."""
        tracer, regs, tape = self.tracer, self.regs, self.tape
        self._fold()
        ops = self._live_ops()
        self._plan(ops)
        for reg in regs.values():
            if reg.kind == "input":
                tape.input_slots.append((self.slot(reg), reg.owner))
        before_split = set() if split is None else {id(op) for op in tracer.ops[:split]}
        guarded: set[int] = set()
        meta: list[Op] = []  # the op behind each call
        for op in ops:
            for t in self.args_of(op):
                root = regs[id(t)].root
                if root.kind == "ext" and id(root) not in guarded and isinstance(root.owner, Tensor):
                    guarded.add(id(root))
                    tape.ext_guards.append((root.owner, root.plain, bool(root.owner.requires_grad)))
            call = compile_op(op, self)
            if call is None:
                continue
            tape.calls.append(call)
            meta.append(op)
            if id(op) in before_split:
                tape.split = len(tape.calls)
            if op.kind in ("out", "fresh", "copy", "inplace", "rng"):
                tape.n_kernels += 1
        tape.static_bytes = self.memory.bytes + sum(
            r.plain.nbytes for i, r in self.roots.items()
            if r.kind == "op" and not self.is_dynamic(r) and id(r.plain) not in self.memory.home
            and i not in self.fresh)
        self._recovery(meta, split is not None)
        self._grad_guards(ops)
        tape.module_guards = list(tracer.modules.values())
        rebind = [(t, self.slot(self.reg(obj))) for t, obj in self.handed.values()
                  if self.is_dynamic(self.reg(obj))]
        if rebind:  # handed-out tensors whose values are new arrays every call get them
            slots = tape.slots

            def rebind_all() -> None:
                for t, s in rebind:
                    ARRAY.__set__(t, slots[s])

            tape.calls.append(rebind_all)
        return tape, self._template(self.result)

    def _grad_guards(self, ops: list[Op]) -> None:
        """What the call found in ``.grad`` on first use (a read before any write).

        Where the tape works on that gradient's array it must be that very
        tensor; otherwise only whether it was None matters.
        """
        tracer, regs = self.tracer, self.regs
        used = {id(regs[id(t)].root.owner) for op in ops for t in self.args_of(op)
                if regs[id(t)].root.kind == "ext"}
        for t, was_read, value in tracer.grad_first.values():
            if not was_read:
                continue
            if value is not None and id(value) in used:
                self.tape.grad_is.append((t, value))
            else:
                self.tape.grad_guards.append((tracer.arg_index.get(id(t), t), value is None))

    def _recovery(self, meta: list[Op], split: bool) -> None:
        """Decide which failed checks can be undone, and what undoing them takes.

        A check (a value minigrad's code branched on) that fails on replay is
        recoverable when nothing before it is beyond undoing (an opaque
        Python call, or the forward part of a split tape having returned):
        the replay then restores the arrays, generators and ``.grad``
        attributes written before it, and the call runs eagerly.
        """
        tape, regs = self.tape, self.regs
        limit = next((i for i, op in enumerate(meta) if op.kind == "opaque"), len(meta))
        if split:
            limit = min(limit, tape.split)
        guards = [i for i, op in enumerate(meta) if op.kind == "guard"]
        for i, cell in zip(guards, self.guard_cells, strict=True):
            cell[0] = i < limit
        last = max((i for i in guards if i < limit), default=-1)
        seen: set[int] = set()
        for op in meta[: max(last, 0)]:
            if op.kind == "setgrad" and id(op.args[0]) not in seen:
                seen.add(id(op.args[0]))
                tape.undo_grads.append(op.args[0])
            elif op.kind == "inplace":
                for t in _inplace_targets(op):
                    root = regs[id(t)].root
                    if root.kind in ("ext", "input") and id(root) not in seen:
                        seen.add(id(root))
                        dynamic = self.is_dynamic(root)
                        tape.undo_arrays.append(Slot(self.slot(root)) if dynamic else root.plain)
            elif op.kind == "rng" and all(g is not op.fn[0] for g in tape.undo_rngs):
                tape.undo_rngs.append(op.fn[0])

    def _template(self, result: Any) -> Any:
        """How :func:`~minigrad._compile.tape.make_output` rebuilds the result each call."""
        if isinstance(result, Tensor):
            k = self.tracer.arg_index.get(id(result))
            if k is not None:
                return ("arg", k)
            handed = self.handed.get(id(result))
            if handed is None:
                return ("tensor", result)  # existed before the call (a parameter...): the same object
            reg = self.reg(handed[1])
            if id(reg) in self.fresh:
                return ("fresh", Slot(self.fresh[id(reg)]))
            return ("new", self.resolve(handed[1]))
        if type(result) in (tuple, list):
            return (type(result), [self._template(v) for v in result])
        if type(result) is dict:
            return (dict, {k: self._template(v) for k, v in result.items()})
        if isinstance(result, (np.ndarray, np.generic)):
            raise Unreplayable("the function returns a numpy array; return tensors")
        return ("value", result)


def _tensors_in(x: Any) -> list[Tensor]:
    if isinstance(x, Tensor):
        return [x]
    if type(x) in (tuple, list):
        return [t for v in x for t in _tensors_in(v)]
    if type(x) is dict:
        return [t for v in x.values() for t in _tensors_in(v)]
    return []


def _in(t: Tensor, result: Any) -> bool:
    return any(t is r for r in _tensors_in(result))


def _inplace_targets(op: Op) -> list[Traced]:
    """The arrays an in-place op writes: its ``out=``, else its first argument."""
    return list(_traced_in(op.kwargs["out"] if "out" in op.kwargs else op.args[0]))


def _in_place(ops: list[Op], regs: dict[int, Reg], eligible: set[int], first: dict[int, int],
              last: dict[int, int]) -> dict[int, np.ndarray]:
    """Results an elementwise ufunc may write over one of its inputs: id(result array) -> that input's.

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
            a, o, root = reg.plain, out.plain, reg.root
            if id(root) in eligible and last.get(id(root)) == k and a.shape == o.shape \
                    and a.strides == o.strides and a.dtype == o.dtype and a.nbytes == root.plain.nbytes:
                inherit[id(o)] = root.plain
                break
    return inherit
