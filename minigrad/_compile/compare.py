"""Comparing two traces of one signature: :func:`canonical` describes a record without its arrays' identities.

A signature is replayed only after two traced calls recorded the same thing
(so a tensor read through a closure that changes, or a Python number baked
into a kernel that changes, is caught). Arrays are named by the order in
which the trace first saw them, external ones by the tensor they belong to,
constants and plain arrays by their content.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np

from minigrad._compile.traced import Traced
from minigrad._compile.tracer import Reg, Tracer
from minigrad.tensor import Tensor

__all__ = ["canonical", "content_key"]


def canonical(tracer: Tracer) -> list[tuple[Any, ...]]:
    """The record as comparable tuples: same kernels, arguments and constants in the same order.

    Arrays are named by the order in which the trace first saw them (and
    external ones by the tensor they belong to), so two traces of one
    signature compare equal exactly when they did the same thing.
    """

    def name(x: Any) -> Any:
        if isinstance(x, Traced):
            reg = tracer.reg(x)
            root = reg.root
            head: Any
            if root.kind == "ext":
                owned = root.owner is not None
                head = ("ext", id(root.owner)) if owned else ("extarr", content_key(root.plain))
            elif root.kind == "input":
                head = ("in", root.owner)
            else:
                head = ("r", root.index, root.kind, _const_key(root))
            if reg.shape_dyn:  # its shape depends on the values: not part of what must agree
                return (*head, x.dtype.str)
            return (*head, x.shape, x.dtype.str, x.strides)
        if isinstance(x, np.ndarray):
            return ("plain", content_key(x))
        if isinstance(x, np.generic):
            return ("np", x.dtype.str, x.tobytes())
        if isinstance(x, (tuple, list)):  # with tuple subclasses: a shape is an mg.Size, compared by value
            return (type(x).__name__, *(name(v) for v in x))
        if type(x) is dict:
            return ("dict", *sorted((k, name(v)) for k, v in x.items()))
        if isinstance(x, slice):
            return ("slice", name(x.start), name(x.stop), name(x.step))
        if isinstance(x, float) and math.isnan(x):
            return ("nan",)
        if isinstance(x, Tensor):
            return ("tensor", id(x) if id(x) not in tracer.created else "new")
        if isinstance(x, (int, float, complex, str, bool, bytes, type(None), np.dtype, type)):
            return (type(x).__name__, x)
        return ("obj", id(x))

    out: list[tuple[Any, ...]] = []
    for op in tracer.ops:
        if op.kind == "guard":
            kw = dict(op.kwargs)
            kw.pop("where", None)
            out.append((op.kind, _fn_key(op.fn), name(op.args), name(kw)))
        else:
            out.append((op.kind, _fn_key(op.fn), name(op.args), name(op.kwargs), name(tuple(op.outs))))
    return out


def content_key(a: np.ndarray) -> Any:
    """Arrays made afresh each call compare by value (a digest), very large ones by identity."""
    if a.size > 1 << 20:
        return (a.shape, a.dtype.str, id(a))
    return (a.shape, a.dtype.str, hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=16).digest())


def _const_key(root: Reg) -> Any:
    if root.kind != "const":
        return None
    if root.fill and root.fill[0] == "copy":
        arr = root.snapshot if root.snapshot is not None else root.plain
        return content_key(arr)
    return root.fill


def _fn_key(fn: Any) -> Any:
    if isinstance(fn, tuple):
        return ("rng", id(fn[0]), fn[1])
    self = getattr(fn, "__self__", None)
    if self is not None:
        return (id(self), getattr(fn, "__name__", None))
    return id(fn)
