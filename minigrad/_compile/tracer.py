"""The tracer: runs a function eagerly and records every array-level kernel it runs.

A :class:`Tracer` owns the record of one traced call: the arrays it saw
(:class:`Reg`, one per :class:`~minigrad._compile.traced.Traced` object) and
the ordered list of kernel calls (:class:`Op`). Every call is computed for
real, on plain arrays, exactly as the eager code asked for it, so the traced
call *is* an eager call; the record is what :mod:`minigrad._compile.tape`
turns into a replayable tape.

What each array is, for the replay:

* ``input``: the values of a tensor argument of the function (new every call);
* ``ext``: the values of a tensor that existed before the call (a parameter,
  a buffer, an existing ``.grad``), bound by reference: the replay reads and
  writes the same memory, as eager code would;
* ``const``: created during the call from no tensor data (``np.zeros``,
  ``np.asarray(0.5)``); re-initialised on replay if something writes into it;
* ``op``: the result of a recorded kernel;
* ``view``: a view of one of the above (its memory belongs to that one).

Things Python code decides from tensor values (``item()``, ``bool()``,
printing, a data-dependent shape read from Python) are noted as *reads*: a
read in the user's code makes the call unreplayable (the caller falls back to
eager); a read inside minigrad becomes a guard the replay re-checks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import numpy as np

from minigrad._compile.traced import Traced

__all__ = ["Op", "Reg", "Tracer", "Unreplayable", "location", "resolve"]

# The originals, captured before anything is patched.
_asarray = np.asarray
_view = np.ndarray.view
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # minigrad/
_NUMPY = os.path.dirname(os.path.abspath(np.__file__)) + os.sep
_THIS_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# Tensor methods through which user code reads values: the read is charged to their caller.
_TENSOR_READERS = frozenset({
    "item", "tolist", "__bool__", "__float__", "__int__", "__index__", "__repr__", "__str__",
    "__format__", "__array__", "__iter__", "__len__", "__complex__",
})  # fmt: skip

# numpy functions that look at metadata only: run, never recorded.
_METADATA = frozenset({
    np.shape, np.ndim, np.size, np.result_type, np.may_share_memory, np.shares_memory,
    np.iscomplexobj, np.isrealobj, np.min_scalar_type, np.can_cast,
})  # fmt: skip
# numpy functions (and methods) whose output shape depends on the values.
_VALUE_SHAPED = frozenset({
    np.nonzero, np.flatnonzero, np.argwhere, np.unique, np.compress, np.extract, np.trim_zeros,
    np.setdiff1d, np.intersect1d, np.union1d, np.setxor1d, np.repeat, np.delete, np.insert,
})  # fmt: skip
_VALUE_SHAPED_METHODS = frozenset({"nonzero", "compress", "repeat"})
# numpy functions that write their single result into ``out=`` on replay.
_OUT_FUNCTIONS = frozenset({
    np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.any, np.all, np.cumsum,
    np.cumprod, np.concatenate, np.clip, np.take, np.dot, np.einsum, np.matmul, np.around, np.round,
    np.argmax, np.argmin,
})  # fmt: skip
_CREATIONS_LIKE = {np.zeros_like: 0, np.ones_like: 1, np.empty_like: None, np.full_like: "full"}
# Methods that return views when they can (classified by memory), and copies that replay as copyto.
_COPY_METHODS = frozenset({"copy", "astype", "flatten", "ravel", "reshape"})


def _owner(a: np.ndarray) -> np.ndarray:
    """The array at the bottom of ``a``'s chain of views: the one that owns the memory."""
    while True:
        b = a.base
        if isinstance(b, np.ndarray):
            a = b
            continue
        bb = getattr(b, "base", None)  # as_strided wraps its base in a plain object
        if isinstance(bb, np.ndarray):
            a = bb
            continue
        return a


def location() -> str:
    """``file:line`` of the innermost frame outside minigrad and numpy (the user's line)."""
    f = sys._getframe(1)
    while f is not None:
        name = f.f_code.co_filename
        if not (name.startswith(_PKG) or name.startswith(_NUMPY)):
            return f"{name}:{f.f_lineno}"
        f = f.f_back  # type: ignore[assignment]
    return "<unknown>"


def _read_site() -> tuple[bool, str]:
    """Who read a value: (True, where) for the user's code, (False, where) for minigrad's."""
    f = sys._getframe(1)
    while f is not None and (f.f_code.co_filename.startswith(_NUMPY)
                             or f.f_code.co_filename.startswith(_THIS_DIR)):
        f = f.f_back  # type: ignore[assignment]
    if f is None:
        return True, "<unknown>"
    name = f.f_code.co_filename
    if not name.startswith(_PKG):
        return True, f"{name}:{f.f_lineno}"
    caller: FrameType | None = f
    while caller is not None and caller.f_code.co_filename.endswith(os.sep + "tensor.py") \
            and caller.f_code.co_name in _TENSOR_READERS:  # float(t) -> Tensor.__float__ -> Tensor.item
        caller = caller.f_back
    if caller is not f and caller is not None and not caller.f_code.co_filename.startswith(_PKG):
        return True, f"{caller.f_code.co_filename}:{caller.f_lineno}"
    return False, f"{name}:{f.f_lineno}"


class Reg:
    """What the tracer knows about one Traced array object."""

    __slots__ = ("dead_slot", "fill", "index", "kind", "obj", "owner", "plain", "root", "shape_dyn",
                 "snapshot", "source", "written")

    def __init__(self, obj: Traced, plain_obj: np.ndarray, kind: str, root: Reg | None, index: int) -> None:
        self.obj = obj
        self.plain = plain_obj
        self.kind = kind
        self.root: Reg = self if root is None else root
        self.index = index
        self.shape_dyn = False
        self.owner: Any = None  # ext: the tensor the array belongs to; input: the argument number
        self.fill: Any = None  # const: ("fill", value) or ("copy",) for arrays made from data
        self.snapshot: np.ndarray | None = None  # const written later: its content at creation
        self.written = False
        self.source: Op | None = None  # op: the op that produced it
        self.dead_slot = -1


class Op:
    """One recorded call.

    ``kind`` is one of ``out`` (a kernel whose fresh results ``outs`` can be
    written through ``out=``), ``fresh`` (results are new arrays every call),
    ``view`` (results are views of an argument), ``copy`` (``outs[0]`` is a
    copy of ``args[0]``, possibly converted), ``inplace`` (writes into an
    argument, returns nothing new), ``rng`` (a draw from a minigrad
    generator), ``guard`` (a value minigrad's own code read),
    ``setgrad`` (``args[0].grad = args[1]``), ``opaque`` (a Python method run
    again as is on replay, e.g. ``optimizer.step``), ``init`` (refill a
    constant that later ops write into).
    """

    __slots__ = ("args", "fn", "kind", "kwargs", "outs", "packed", "where")

    def __init__(self, kind: str, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                 outs: list[Traced], where: str) -> None:
        self.kind = kind
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.outs = outs
        self.where = where
        self.packed = False  # the call returns a tuple or list of arrays

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", repr(self.fn))
        return f"Op({self.kind}, {name}, at {self.where})"


def _has_traced(x: Any) -> bool:
    if isinstance(x, Traced):
        return True
    if type(x) is tuple or type(x) is list:
        return any(_has_traced(v) for v in x)
    if type(x) is dict:
        return any(_has_traced(v) for v in x.values())
    return False


def _traced_in(x: Any) -> Iterator[Traced]:
    if isinstance(x, Traced):
        yield x
    elif type(x) is tuple or type(x) is list:
        for v in x:
            yield from _traced_in(v)
    elif type(x) is dict:
        for v in x.values():
            yield from _traced_in(v)
    elif isinstance(x, slice):
        for v in (x.start, x.stop, x.step):
            yield from _traced_in(v)


def _arrays_in(x: Any) -> Iterator[np.ndarray]:
    if isinstance(x, np.ndarray):
        yield x
    elif type(x) is tuple or type(x) is list:
        for v in x:
            yield from _arrays_in(v)
    elif type(x) is dict:
        for v in x.values():
            yield from _arrays_in(v)


class Unreplayable(Exception):  # noqa: N818 - a reason, not an error the user sees
    """Raised inside the tracer when recording cannot continue (never escapes tracing)."""


class Tracer:
    """The record of one traced call (see the module docstring)."""

    def __init__(self) -> None:
        self.regs: dict[int, Reg] = {}  # id(Traced object) -> Reg
        self.by_plain: dict[int, Traced] = {}  # id(plain array in a tensor's slot) -> its Traced
        self.root_by_owner: dict[int, Reg] = {}  # id(memory-owning array) -> root Reg
        self.ops: list[Op] = []
        self.keep: list[Any] = []  # everything whose id is a key above stays alive
        self.suspended = 0
        self.unreplayable: str | None = None
        self.created: set[int] = set()  # ids of tensors created during the call
        self.arg_index: dict[int, int] = {}  # id(argument tensor) -> argument number
        self.grad_first: dict[int, tuple[Any, bool, Any]] = {}  # id(tensor) -> (tensor, was it a read, .grad)
        self.modules: dict[int, tuple[Any, bool]] = {}
        self.replaced: list[str] = []

    # ------------------------------------------------------------ registers

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``fn`` on plain arrays with recording off (numpy's own Python code may call np.empty...)."""
        self.suspended += 1
        try:
            return fn(*args, **kwargs)
        finally:
            self.suspended -= 1

    def unwrap(self, x: Any) -> Any:
        """``x`` with each Traced array replaced by its plain array (the same object every time)."""
        if isinstance(x, Traced):
            return self.reg(x).plain
        if type(x) is tuple or type(x) is list:
            return type(x)(self.unwrap(v) for v in x)
        if type(x) is dict:
            return {k: self.unwrap(v) for k, v in x.items()}
        return x

    def _new(self, arr: np.ndarray, kind: str, root: Reg | None = None) -> Traced:
        obj = _view(arr, Traced)
        reg = Reg(obj, arr, kind, root, len(self.regs))
        self.regs[id(obj)] = reg
        self.by_plain[id(arr)] = obj
        self.keep += (obj, arr)
        if root is None:
            self.root_by_owner.setdefault(id(_owner(arr)), reg)
        return obj

    def reg(self, obj: Traced) -> Reg:
        """The Reg of a Traced object; one the tracer never made becomes a view or an error."""
        reg = self.regs.get(id(obj))
        if reg is None:
            # A view numpy made without telling us (an unrecorded C path): usable if its memory is static.
            root = self.root_by_owner.get(id(_owner(obj)))
            if root is None:
                raise Unreplayable("an array of unknown origin reached a recorded kernel")
            reg = Reg(obj, _view(obj, np.ndarray), "view", root, len(self.regs))
            reg.shape_dyn = root.shape_dyn
            reg.source = None
            self.regs[id(obj)] = reg
            self.keep.append(obj)
            self.keep.append(reg.plain)
        return reg

    def input(self, arr: np.ndarray, k: int) -> Traced:
        """Register the array of tensor argument ``k``."""
        obj = self.by_plain.get(id(arr))
        if obj is not None:
            return obj
        t = self._new(arr, "input")
        self.regs[id(t)].owner = k
        return t

    def traced_of(self, raw: Any, tensor: Any) -> Any:
        """What a tensor's ``_array`` reads as during the trace (its Traced view)."""
        obj = self.by_plain.get(id(raw))
        if obj is not None:
            return obj
        if type(raw) is not np.ndarray:
            return raw  # numpy scalars are immutable: constants
        t = self._new(raw, "ext")
        # A tensor made during the call around an outside array (a cached mask): no owner to guard.
        self.regs[id(t)].owner = None if id(tensor) in self.created else tensor
        return t

    def _wrap_result(self, res: Any, sources: list[np.ndarray], kind: str,
                     shape_dyn: bool) -> tuple[Any, list[Traced]]:
        """Turn a kernel's plain result into Traced objects; return (result for the caller, new fresh outs).

        A result sharing memory with one of ``sources`` is a view of it.
        """
        if isinstance(res, np.generic):
            res = _asarray(res)
        if isinstance(res, np.ndarray):
            root = self.root_by_owner.get(id(_owner(res)))
            if root is not None and any(_owner(s) is _owner(res) for s in sources):
                if res is root.plain and type(res) is np.ndarray:
                    return root.obj, []
                obj = self._new(res, "view", root)
                self.regs[id(obj)].shape_dyn = shape_dyn or root.shape_dyn
                return obj, [obj]
            obj = self._new(res, kind)
            self.regs[id(obj)].shape_dyn = shape_dyn
            return obj, [obj]
        if type(res) is tuple or type(res) is list:
            items, outs = [], []
            for r in res:
                o, new = self._wrap_result(r, sources, kind, shape_dyn)
                items.append(o)
                outs += new
            return type(res)(items), outs
        return res, []

    def _plain_sources(self, *xs: Any) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for x in xs:
            for t in _traced_in(x):
                out.append(self.reg(t).plain)
        return out

    def _mark_written(self, targets: Any) -> None:
        for t in _traced_in(targets):
            root = self.reg(t).root
            if root.kind == "const" and not root.written and root.fill is not None and root.fill[0] == "copy":
                root.snapshot = root.plain.copy()
            root.written = True

    def _record(self, kind: str, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                outs: list[Traced], packed: bool = False) -> None:
        for t in _traced_in((args, kwargs)):
            self.reg(t)  # every traced argument must be known (raises for unknown ones)
        op = Op(kind, fn, args, kwargs, outs, location())
        op.packed = packed
        for o in outs:
            self.regs[id(o)].source = op
        self.ops.append(op)

    # ------------------------------------------------------------ kernels

    def ufunc(self, ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A ufunc call (``__call__``, ``reduce``, ``accumulate``, ``reduceat``, ``outer``, ``at``)."""
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        out: tuple[Any, ...] | None = kwargs.get("out")
        shape_dyn = any(self.reg(t).shape_dyn for t in _traced_in((inputs, kwargs)))
        if method == "at" or out is not None:
            self.run(fn, *self.unwrap(inputs), **self.unwrap(kwargs))
            self._mark_written(inputs[0] if method == "at" else out)
            self._record("inplace", fn, inputs, kwargs, [])
            if method == "at" or out is None:
                return None
            return out[0] if len(out) == 1 else out
        res = self.run(fn, *self.unwrap(inputs), **self.unwrap(kwargs))
        if method == "reduceat" and any(self.reg(t).shape_dyn for t in _traced_in(inputs[1:2])):
            shape_dyn = True
        static = not shape_dyn and method in ("__call__", "reduce", "accumulate", "reduceat", "outer")
        result, outs = self._wrap_result(res, [], "op", shape_dyn)
        self._record("out" if static else "fresh", fn, inputs, kwargs, outs, type(res) is tuple)
        return result

    def function(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A numpy function dispatched through ``__array_function__``."""
        if func in _METADATA:
            return self.run(func, *self.unwrap(args), **self.unwrap(kwargs))
        if func in _CREATIONS_LIKE and not _has_traced((args[1:], kwargs)):
            return self._create(func, args, kwargs, _CREATIONS_LIKE[func])
        out = kwargs.get("out")
        shape_dyn = func in _VALUE_SHAPED or any(self.reg(t).shape_dyn for t in _traced_in((args, kwargs)))
        if func is np.where and len(args) == 1 and not kwargs:
            shape_dyn = True
        res = self.run(func, *self.unwrap(args), **self.unwrap(kwargs))
        if out is not None:
            self._mark_written(out)
            self._record("inplace", func, args, kwargs, [])
            return out
        if res is None:  # an in-place function: copyto, put_along_axis, place, ...
            self._mark_written(args[0])
            self._record("inplace", func, args, kwargs, [])
            return None
        if isinstance(res, (bool, int, float, complex)) and not isinstance(res, np.generic):
            self.read_value(func.__name__, res)
            return res
        result, outs = self._wrap_result(res, self._plain_sources(args, kwargs), "op", shape_dyn)
        packed = type(res) in (tuple, list)
        if outs and all(self.regs[id(o)].kind == "view" for o in outs):
            self._record("view", func, args, kwargs, outs, packed)
        elif len(outs) == 1 and not packed and func in _OUT_FUNCTIONS and not shape_dyn:
            self._record("out", func, args, kwargs, outs)
        else:
            for o in outs:  # a mixture of views and fresh arrays: replayed whole, every call
                self.regs[id(o)].kind = "op"
            self._record("fresh", func, args, kwargs, outs, packed)
        return result

    def method(self, obj: Traced, name: str, base: Callable[..., Any], args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> Any:
        """An ndarray method that numpy does not dispatch (see ``traced._METHODS``)."""
        self_plain = self.reg(obj).plain
        if name == "__setitem__":
            self.run(base, self_plain, *self.unwrap(args))
            self._mark_written(obj)
            self._record("inplace", base, (obj, *args), kwargs, [])
            return None
        if name in ("fill", "sort", "put", "partition"):
            res = self.run(base, self_plain, *self.unwrap(args), **self.unwrap(kwargs))
            self._mark_written(obj)
            self._record("inplace", base, (obj, *args), kwargs, [])
            return res
        shape_dyn = self.reg(obj).shape_dyn or any(self.reg(t).shape_dyn for t in _traced_in((args, kwargs)))
        if name in _VALUE_SHAPED_METHODS:
            shape_dyn = True
        if name == "__getitem__":
            index = args[0]
            items = index if type(index) is tuple else (index,)
            if any(isinstance(i, Traced) and i.dtype == np.bool_ and i.ndim > 0 for i in items):
                shape_dyn = True
            res = self.run(base, self_plain, *self.unwrap(args))
            if not isinstance(res, np.ndarray):  # an element: read it as a 0-d view instead
                args = ((*items, Ellipsis),)
                res = self.run(base, self_plain, *self.unwrap(args))
        else:
            res = self.run(base, self_plain, *self.unwrap(args), **self.unwrap(kwargs))
        if isinstance(res, (bool, int, float)) and not isinstance(res, np.generic):
            self.read_value(name, res)
            return res
        sources = [self_plain, *self._plain_sources(args, kwargs)]
        result, outs = self._wrap_result(res, sources, "op", shape_dyn)
        full_args = (obj, *args)
        packed = type(res) in (tuple, list)
        if packed:
            for o in outs:
                self.regs[id(o)].kind = "op"
            self._record("fresh", base, full_args, kwargs, outs, packed)
        elif outs and all(self.regs[id(o)].kind == "view" for o in outs):
            self._record("view", base, full_args, kwargs, outs)
        elif len(outs) == 1 and name in _COPY_METHODS and not shape_dyn:
            self._record("copy", base, full_args, kwargs, outs)
        elif len(outs) == 1 and name in ("cumsum", "cumprod", "take", "clip", "round", "dot", "argmax",
                                         "argmin") and not shape_dyn and "out" not in kwargs:
            self._record("out", base, full_args, kwargs, outs)
        else:
            for o in outs:
                self.regs[id(o)].kind = "op"
            self._record("fresh", base, full_args, kwargs, outs)
        return result

    def create(self, name: str, orig: Callable[..., Any], args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> Any:
        """A patched numpy constructor (``np.zeros``, ``np.asarray``, ...)."""
        if _has_traced((args, kwargs)):
            src = args[0] if args else None
            res = self.run(orig, *self.unwrap(args), **self.unwrap(kwargs))
            sources = self._plain_sources(args, kwargs)
            if isinstance(src, Traced) and res is self.reg(src).plain:
                return src
            result, outs = self._wrap_result(res, sources, "op", any(
                self.reg(t).shape_dyn for t in _traced_in((args, kwargs))))
            if not outs:
                return result
            if all(self.regs[id(o)].kind == "view" for o in outs) and type(res) is np.ndarray:
                self._record("view", orig, args, kwargs, outs)
            elif isinstance(src, Traced) and len(outs) == 1 and name in (
                    "array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray") \
                    and res.shape == src.shape and not self.reg(src).shape_dyn:
                self._record("copy", np.ndarray.copy, (src,), {}, outs)
            else:
                for o in outs:
                    self.regs[id(o)].kind = "op"
                self._record("fresh", orig, args, kwargs, outs)
            return result
        res = self.run(orig, *args, **kwargs)
        if not isinstance(res, np.ndarray) or any(_owner(a) is _owner(res)
                                                  for a in _arrays_in((args, kwargs))):
            return res  # np.asarray of an existing array: that array, as is
        fill: Any
        if name in ("zeros", "zeros_like"):
            fill = ("fill", 0)
        elif name in ("ones", "ones_like"):
            fill = ("fill", 1)
        elif name in ("empty", "empty_like"):
            fill = ("empty",)
        elif name in ("full", "full_like"):
            fill = ("fill", args[1] if len(args) > 1 else kwargs["fill_value"])
        else:
            fill = ("copy",)
        return self._const(res, fill)

    def _create(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], value: Any) -> Any:
        res = self.run(func, *self.unwrap(args), **self.unwrap(kwargs))
        if value == "full":
            fill: Any = ("fill", args[1] if len(args) > 1 else kwargs["fill_value"])
        else:
            fill = ("empty",) if value is None else ("fill", value)
        return self._const(res, fill)

    def _const(self, res: np.ndarray, fill: Any) -> Traced:
        obj = self._new(res, "const")
        self.regs[id(obj)].fill = fill
        self._record("const", None, (), {}, [obj])  # where the replay refills it, if it is written
        return obj

    # ------------------------------------------------------------ reads

    def read(self, obj: Traced, name: str, base: Callable[..., Any], args: tuple[Any, ...],
             kwargs: dict[str, Any], value: Any) -> None:
        """Python code turned values of ``obj`` into a Python object."""
        user, where = _read_site()
        reg = self.reg(obj)
        if reg.root.kind == "const" and not reg.root.written:
            return  # a constant's value is the same every call
        if user:
            self.fail(f"{where} reads tensor values into Python ({name})")
            return
        self._record("guard", base, (obj, *args), {"expected": value, "where": where, **kwargs}, [])

    def read_value(self, name: str, value: Any) -> None:
        """A numpy function returned a Python number computed from traced arrays."""
        _, where = _read_site()
        self.fail(f"{where}: np.{name} turns tensor values into a Python {type(value).__name__}")

    def shape_read(self, obj: Traced, name: str) -> None:
        """Python read the shape of an array; fine unless that shape depends on values."""
        reg = self.regs.get(id(obj))
        if reg is not None and reg.shape_dyn:
            user, where = _read_site()
            inside = "" if user else f", in {where}"
            self.fail(f"{location()} reads the shape of a value-dependent selection ({name}{inside})")

    def fail(self, reason: str) -> None:
        """Mark the call unreplayable (the first reason is kept)."""
        if self.unreplayable is None:
            self.unreplayable = reason

    # ------------------------------------------------------------ python-level effects

    def rng(self, gen: Any, path: tuple[str, ...], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A draw from a minigrad Generator's numpy generator (replayed on the generator of that time)."""
        fn = resolve(gen.__dict__["np"], path)
        res = self.run(fn, *self.unwrap(args), **self.unwrap(kwargs))
        if path[-1] == "shuffle":
            self._mark_written(args[0])
            self._record("rng", (gen, path), args, kwargs, [])
            return res
        if not isinstance(res, (np.ndarray, np.generic)):
            self.fail(f"{location()}: a random Python number is drawn inside the compiled function")
            return res
        result, outs = self._wrap_result(res, [], "op", False)
        self._record("rng", (gen, path), args, kwargs, outs, type(res) in (tuple, list))
        return result

    def opaque(self, fn: Callable[..., Any], obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run a stateful Python method untraced and record it to run again on replay."""
        if _has_traced((args, kwargs)):
            self.fail(f"{location()}: tensor values passed to {fn.__qualname__}")
        self._record("opaque", fn, (obj, *args), kwargs, [])
        self.suspended += 1
        try:
            result = fn(obj, *args, **kwargs)
        finally:
            self.suspended -= 1
        if result is not None:
            self.fail(f"{location()}: the result of {fn.__qualname__} is used inside the compiled function")
        return result

    def grad_touch(self, t: Any, value: Any, write: bool) -> None:
        """First access to ``t.grad`` decides what the replay must find there (see ``guards``)."""
        if id(t) in self.grad_first or id(t) in self.created:
            return
        self.grad_first[id(t)] = (t, not write, value)
        self.keep.append(t)
        if not write and value is not None and id(t) in self.arg_index:
            self.fail(f"{location()}: an argument's existing .grad is used (pass tensors whose .grad is "
                      "None)")

    def grad_set(self, t: Any, value: Any) -> None:
        """``t.grad = value`` inside the call: replayed at the same point."""
        self.grad_touch(t, None, True)
        if id(t) in self.created and id(t) not in self.arg_index:
            return
        self._record("setgrad", None, (t, value), {}, [])
        self.keep.append(value)

    def array_set(self, t: Any, old: Any, new: Any) -> None:
        """A tensor that existed before the call got a new array: not replayable."""
        if id(t) in self.created or new is old:
            return
        if isinstance(old, np.generic):
            return  # Tensor.numpy() turning a numpy scalar into a 0-d array
        self.fail(f"{location()}: a tensor's storage is replaced (p.data = ..., or similar)")

    def module_called(self, m: Any) -> None:
        """A module ran: its ``training`` flag becomes part of the guard."""
        if id(m) not in self.modules:
            self.modules[id(m)] = (m, bool(m.training))


def resolve(obj: Any, path: tuple[str, ...]) -> Any:
    """``obj.a.b`` for ``path == ('a', 'b')``."""
    for name in path:
        obj = getattr(obj, name)
    return obj
