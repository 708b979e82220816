"""One recorded op as one zero-argument call of the tape.

:func:`compile_op` gets an op whose arguments were already resolved by the
builder (static arrays bound, per-call arrays as :class:`Slot` markers) and
returns the callable the replay runs: a ``functools.partial`` when nothing
changes between calls, a small closure that reads the slots otherwise.
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad._compile.tape import Miss, Slot, write_grad
from minigrad._compile.tracer import Op, Reg, Unreplayable, _owner, resolve

if TYPE_CHECKING:
    from minigrad._compile.build import Builder

__all__ = ["compile_op"]

Call = Callable[[], Any]


def has_slot(x: Any) -> bool:
    """True if ``x`` (or anything in it) is a :class:`Slot`."""
    if isinstance(x, Slot):
        return True
    if type(x) is tuple or type(x) is list:
        return any(has_slot(v) for v in x)
    if type(x) is dict:
        return any(has_slot(v) for v in x.values())
    if isinstance(x, slice):
        return has_slot((x.start, x.stop, x.step))
    return False


def fill(x: Any, slots: list[Any]) -> Any:
    """``x`` with each :class:`Slot` replaced by this call's array."""
    if isinstance(x, Slot):
        return slots[x.index]
    if type(x) is tuple or type(x) is list:
        return type(x)(fill(v, slots) for v in x)
    if type(x) is dict:
        return {k: fill(v, slots) for k, v in x.items()}
    if isinstance(x, slice):
        return slice(fill(x.start, slots), fill(x.stop, slots), fill(x.step, slots))
    return x


def filler(x: Any) -> Callable[[list[Any]], Any]:
    """:func:`fill` with its walk over ``x`` done once: a function of the slots that gives ``x`` filled.

    A replay fills the arguments of every call that reads a per-call array; walking them each time
    cost ~4 us a call (more than the small kernels the walk feeds), a prepared getter ~0.3 us.
    """
    if isinstance(x, Slot):
        return operator.itemgetter(x.index)
    if not has_slot(x):
        return lambda slots: x
    if type(x) is tuple and all(isinstance(v, Slot) or not has_slot(v) for v in x):
        where = [(i, v.index) for i, v in enumerate(x) if isinstance(v, Slot)]
        if len(where) == len(x) > 1:  # (slots only: one C call makes the tuple)
            return operator.itemgetter(*[k for _, k in where])
        template = list(x)

        def flat(slots: list[Any]) -> tuple[Any, ...]:
            t = template.copy()
            for i, k in where:
                t[i] = slots[k]
            return tuple(t)

        return flat
    if type(x) is dict:
        parts = [(k, filler(v)) for k, v in x.items()]
        return lambda slots: {k: f(slots) for k, f in parts}
    if type(x) is tuple or type(x) is list:
        kind, items = type(x), [filler(v) for v in x]
        return lambda slots: kind([f(slots) for f in items])
    return functools.partial(fill, x)  # (a slice holding a slot: rare)


def compile_op(op: Op, b: Builder) -> Call | None:
    """The call that performs ``op`` on replay (None: nothing to do every call)."""
    slots = b.tape.slots
    kind = op.kind
    if kind == "const":
        return _refill(b.reg(op.outs[0]), b)
    if kind == "setgrad":
        t, value = op.args
        if id(t) in b.tracer.arg_index:
            raise Unreplayable("the .grad of an argument is set inside the compiled function")
        return functools.partial(write_grad, t, value)
    if kind == "opaque":
        obj, *rest = op.args
        return functools.partial(op.fn, obj, *rest, **op.kwargs)
    args, kwargs = b.resolve(op.args), b.resolve(op.kwargs)
    dynamic = has_slot(args) or has_slot(kwargs)
    if kind == "guard":
        return _guard(op, args, kwargs, b)
    if kind == "rng":
        return _draw(op, args, kwargs, b)
    fn = op.fn
    out_reg = b.reg(op.outs[0]) if op.outs else None
    if kind == "out" and out_reg is not None and id(out_reg) in b.fresh:
        return _fresh_result(fn, args, kwargs, slots, b.fresh[id(out_reg)], out_reg.plain,
                             b.into.get(id(out_reg)))
    if kind == "out":
        bound = bind_out(fn, args, kwargs, tuple(b.resolve(o) for o in op.outs))
        if bound is not None:
            return _call(fn, *bound, dynamic, slots)
        kind = "fresh"
    if kind == "copy":
        dst = b.resolve(op.outs[0])
        src_shape = b.reg(op.args[0]).plain.shape
        target = dst if dst.shape == src_shape else dst.reshape(src_shape)
        if _owner(target) is _owner(dst):  # a view of the result's buffer: copied straight into it
            return _call(np.copyto, (target, args[0]), {"casting": "unsafe"}, dynamic, slots)
        kind = "fresh"
    if kind == "inplace":
        return _call(fn, args, kwargs, dynamic, slots)
    return _new_arrays(op, args, kwargs, b)


def _call(fn: Any, args: Any, kwargs: dict[str, Any], dynamic: bool, slots: list[Any]) -> Call:
    if not dynamic:
        return functools.partial(fn, *args, **kwargs)

    fa, fk = filler(args), filler(kwargs)
    if not kwargs:
        return lambda: fn(*fa(slots))

    def call() -> None:
        fn(*fa(slots), **fk(slots))

    return call


def _refill(reg: Reg, b: Builder) -> Call | None:
    """A constant that later kernels write into is given its first content again each call."""
    if not reg.written or reg.fill[0] == "empty":
        return None
    target = b.resolve(reg.obj)
    if reg.fill[0] == "fill":
        return functools.partial(np.ndarray.fill, target, reg.fill[1])
    assert reg.snapshot is not None
    return functools.partial(np.copyto, target, reg.snapshot)


def _guard(op: Op, args: Any, kwargs: dict[str, Any], b: Builder) -> Call:
    """A check minigrad's code made on values: re-made on replay, a different answer raises :class:`Miss`."""
    expected = kwargs.pop("expected")
    where = kwargs.pop("where")
    read = op.fn
    slots = b.tape.slots
    cell = [True]  # can a failure be undone? build decides once the tape is complete
    b.guard_cells.append(cell)

    fa = filler(args)

    def guard() -> None:
        got = read(*fa(slots), **kwargs)
        if not (got == expected or (isinstance(got, float) and math.isnan(got) and math.isnan(expected))):
            raise Miss(
                f"mg.compile: minigrad's code at {where} branched on a tensor value when the call was "
                f"traced ({expected!r}) and would branch differently now ({got!r}); call the function "
                "uncompiled for inputs like these", cell[0],
            )

    return guard


def _draw(op: Op, args: Any, kwargs: dict[str, Any], b: Builder) -> Call:
    """A random draw from the generator's numpy generator of the time (reseeding is seen)."""
    gen, path = op.fn
    slots = b.tape.slots
    out = b.slot(b.reg(op.outs[0])) if op.outs else None
    zero_d = bool(op.outs) and b.reg(op.outs[0]).plain.ndim == 0

    fa, fk = filler(args), filler(kwargs)

    def draw() -> None:
        fn = resolve(gen.__dict__["np"], path)
        r = fn(*fa(slots), **fk(slots))
        if out is not None:
            slots[out] = np.asarray(r) if zero_d else r

    return draw


def _fresh_result(fn: np.ufunc, args: Any, kwargs: dict[str, Any], slots: list[Any],
                  slot: int, like: np.ndarray, into: int | None = None) -> Call:
    """A result handed back to the caller: written into a new array every call (no copy needed), laid out
    as the traced one (a transposed input's product is column-major, as eager), or (``into``) over the
    new array of a dying input, in that input's slot."""
    n_in = fn.nin
    fa = filler(args[:n_in])
    if into is not None:

        def over() -> None:
            buf = slots[into]
            fn(*fa(slots), out=(buf,), **kwargs)
            slots[slot] = buf

        return over

    shape, dtype = like.shape, like.dtype
    template = None if like.flags.c_contiguous else np.empty_like(like)  # (keeps its strides' order)

    def kernel() -> None:
        buf = np.empty(shape, dtype) if template is None else np.empty_like(template)
        fn(*fa(slots), out=(buf,), **kwargs)
        slots[slot] = buf

    return kernel


def _new_arrays(op: Op, args: Any, kwargs: dict[str, Any], b: Builder) -> Call | None:
    """Results that are new arrays every call (no ``out=``) or views of such arrays."""
    slots = b.tape.slots
    fn = op.fn
    dynamic_outs = [(i, b.slot(b.reg(o)), b.reg(o).plain.ndim == 0) for i, o in enumerate(op.outs)
                    if b.is_dynamic(b.reg(o))]
    static_outs = [(i, b.resolve(o)) for i, o in enumerate(op.outs) if not b.is_dynamic(b.reg(o))]
    if op.kind == "view" and not dynamic_outs:
        return None  # a view of memory that is the same every call: the traced view object stays valid
    packed = len(op.outs) > 1 or op.packed

    fa, fk = filler(args), filler(kwargs)

    def call() -> None:
        r = fn(*fa(slots), **fk(slots))
        results = _flatten(r) if packed else [r]
        for i, s, zero_d in dynamic_outs:
            slots[s] = np.asarray(results[i]) if zero_d else results[i]
        for i, buf in static_outs:
            if results[i] is not buf:
                np.copyto(buf, results[i], casting="unsafe")

    return call


def _flatten(r: Any) -> list[Any]:
    if type(r) in (tuple, list):
        out: list[Any] = []
        for v in r:
            out += _flatten(v)
        return out
    return [r]


# Where ``out`` sits among the positional arguments (the array itself counted for methods).
_OUT_POSITION: dict[Any, int] = {
    "reduce": 3, "accumulate": 3, "reduceat": 4,
    np.ndarray.cumsum: 3, np.ndarray.cumprod: 3, np.ndarray.take: 3, np.ndarray.clip: 3,
    np.ndarray.round: 2, np.ndarray.dot: 2, np.ndarray.argmax: 2, np.ndarray.argmin: 2,
}  # fmt: skip


# numpy 2.4 deprecates outputs passed positionally to these two.
_KEYWORD_OUT = frozenset({np.maximum, np.minimum})


def bind_out(fn: Any, args: Any, kwargs: dict[str, Any], outs: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """``(args, kwargs)`` of ``fn`` with its result written into ``outs``; None if that cannot be done."""
    owner = getattr(fn, "__self__", None)
    if isinstance(fn, np.ufunc):
        if fn in _KEYWORD_OUT:
            return tuple(args[: fn.nin]), {**kwargs, "out": outs}
        return (*args[: fn.nin], *outs), kwargs  # (positional outputs: ~0.15 us a call less than out=)
    if isinstance(owner, np.ufunc):  # reduce, accumulate, reduceat, outer
        if fn.__name__ == "outer":
            return tuple(args), {**kwargs, "out": outs}
        pos = _OUT_POSITION.get(fn.__name__)
        if pos is None:
            return None
        if len(args) > pos:
            return (*args[:pos], outs, *args[pos + 1:]), kwargs
        return tuple(args), {**kwargs, "out": outs}
    pos = _OUT_POSITION.get(fn)
    if pos is not None:  # an ndarray method
        if len(args) > pos:
            return (*args[:pos], outs[0], *args[pos + 1:]), kwargs
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
