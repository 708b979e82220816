"""The declared op table: one entry per differentiable op, driving every op test.

Each :class:`OpSpec` names a minigrad callable, the PyTorch callable it must
match, a hypothesis strategy for the arguments (shapes, dims, keepdim, index,
...), the input domain (where the op is smooth: positive for log, away from the
kink for abs/relu/clamp, tie-free for max/min) and whether it is twice
differentiable. ``tests/test_ops.py`` (gradcheck, gradgradcheck, float32,
invariants) and ``tests/parity/test_ops_parity.py`` (values and gradients vs
PyTorch) are written once against this table; an op is tested by adding a row.

``covers`` lists the public names an entry exercises; ``test_ops.py`` fails if
a public Tensor method or operator is neither covered nor listed in
:data:`NOT_OPS`, so a new op without a row is a failing test.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import minigrad as mg
from minigrad import copy_forms, functional_forms, ops, top_level

Shape = tuple[int, ...]
Domain = Callable[[np.random.Generator, Sequence[Shape]], list[np.ndarray]]


def _torch() -> ModuleType:
    import torch

    return torch


# ------------------------------------------------------------------ domains


def real(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Standard normal values."""
    return [rng.standard_normal(s) for s in shapes]


def positive(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Values in [0.5, 2): inside the domain of log, sqrt, x ** 2.5, ..."""
    return [rng.uniform(0.5, 2.0, s) for s in shapes]


def away(*points: float, gap: float = 0.1) -> Domain:
    """Normal values pushed at least ``gap`` away from each kink in ``points``."""

    def domain(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
        out = []
        for s in shapes:
            x = rng.standard_normal(s)
            for p in points:
                d = x - p
                x = np.where(np.abs(d) < gap, p + np.where(d >= 0, gap, -gap) + d, x)
            out.append(np.asarray(x, dtype=np.float64))
        return out

    return domain


def distinct(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Values at least 0.2 apart across all inputs, so max/min/maximum have no ties."""
    sizes = [math.prod(s) for s in shapes]
    total = sum(sizes)
    vals = (rng.permutation(total) - total / 2) * 0.3 + rng.uniform(-0.05, 0.05, total)
    out, start = [], 0
    for s, n in zip(shapes, sizes, strict=True):
        out.append(vals[start : start + n].reshape(s))
        start += n
    return out


def per_input(*domains: Domain) -> Domain:
    """A different domain for each input (e.g. a positive base and a real exponent)."""

    def domain(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
        return [d(rng, [s])[0] for d, s in zip(domains, shapes, strict=True)]

    return domain


# ------------------------------------------------------------------ samples


@dataclass
class Sample:
    """One call of an op: the shapes of its differentiable inputs and its other arguments."""

    shapes: list[Shape]
    kwargs: dict[str, Any] = field(default_factory=dict)


SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
NONEMPTY_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def _t(a: Any) -> Any:
    """``a.T`` for any rank: PyTorch (and minigrad) warn once per process that it is deprecated for other
    than 2 dims; the values are what this table checks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return a.T


def unary(shapes: st.SearchStrategy[Shape] = SHAPES) -> st.SearchStrategy[Sample]:
    """One input of any small shape, 0-d and size-1 dims included."""
    return shapes.map(lambda s: Sample([s]))


def binary() -> st.SearchStrategy[Sample]:
    """Two mutually broadcastable shapes: either operand may broadcast, or be 0-d."""
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3).map(
        lambda b: Sample(list(b.input_shapes))
    )


@st.composite
def _dim(draw: st.DrawFn, ndim: int, kinds: Sequence[str]) -> Any:
    """A reduction dim: None, an int (maybe negative) or a tuple of distinct ints."""
    n = max(ndim, 1)
    kind = draw(st.sampled_from(list(kinds)))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-n, n - 1))
    dims = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    return tuple(d - n if draw(st.booleans()) else d for d in dims)


def _count(shape: Shape, dim: Any) -> int:
    if dim is None:
        return math.prod(shape)
    dims = (dim,) if isinstance(dim, int) else dim
    return math.prod(shape[d] for d in dims) if shape else 1


@st.composite
def reduction(draw: st.DrawFn, kinds: Sequence[str] = ("none", "int", "tuple"), keepdim: bool = True,
              correction: bool = False, dim_name: str = "dim", min_count: int = 1) -> Sample:
    """A shape, a dim drawn from ``kinds``, keepdim, and optionally a correction below N.

    ``min_count``: the least number of elements reduced together (std needs 2:
    the standard deviation of one element is 0, where sqrt has no derivative).
    """
    shape = draw(SHAPES)
    dim = draw(_dim(len(shape), kinds))
    assume(_count(shape, dim) >= min_count)
    kwargs: dict[str, Any] = {dim_name: dim}
    if keepdim:
        kwargs["keepdim"] = draw(st.booleans())
    if correction:
        n = _count(shape, dim)
        kwargs["correction"] = draw(st.integers(0, min(2, n - 1)))
    return Sample([shape], kwargs)


@st.composite
def _reshape(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    n = math.prod(shape)
    targets = [t for k in range(4) for t in _factorizations(n, k)]
    target = list(draw(st.sampled_from(targets)))
    if target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return Sample([shape], {"shape": tuple(target)})


def _factorizations(n: int, k: int) -> list[Shape]:
    if k == 0:
        return [()] if n == 1 else []
    return [(d, *rest) for d in range(1, n + 1) if n % d == 0 for rest in _factorizations(n // d, k - 1)]


@st.composite
def _flatten(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    n = max(len(shape), 1)
    a, b = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2)))
    a = a - n if draw(st.booleans()) else a
    b = b - n if draw(st.booleans()) else b
    return Sample([shape], {"start_dim": a, "end_dim": b})


@st.composite
def _transpose(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    n = max(len(shape), 1)
    d = st.integers(-n, n - 1)
    return Sample([shape], {"dim0": draw(d), "dim1": draw(d)})


@st.composite
def _permute(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    order = draw(st.permutations(list(range(n))))
    return Sample([shape], {"dims": tuple(d - n if draw(st.booleans()) else d for d in order)})


@st.composite
def _unsqueeze(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    n = len(shape) + 1
    return Sample([shape], {"dim": draw(st.integers(-n, n - 1))})


@st.composite
def _squeeze(draw: st.DrawFn) -> Sample:
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=2))
    return Sample([shape], {"dim": draw(_dim(len(shape), ("none", "int", "tuple")))})


@st.composite
def _expand(draw: st.DrawFn) -> Sample:
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=2))
    target = [draw(st.integers(1, 3)) if s == 1 else (-1 if draw(st.booleans()) else s) for s in shape]
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    return Sample([shape], {"shape": (*lead, *target)})


@st.composite
def _expand_as(draw: st.DrawFn) -> Sample:
    s = draw(_expand())
    (shape,) = s.shapes
    target = s.kwargs["shape"]
    lead = len(target) - len(shape)
    full = tuple(shape[i - lead] if t == -1 else t for i, t in enumerate(target))
    return Sample(s.shapes, {"other": full})


@st.composite
def _matmul(draw: st.DrawFn) -> Sample:
    m, n, p = (draw(st.integers(1, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["vv", "mv", "vm", "mm", "batched", "batched-v", "v-batched"]))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2))
    ba, bb = batch.input_shapes
    shapes = {
        "vv": [(n,), (n,)],
        "mv": [(m, n), (n,)],
        "vm": [(n,), (n, p)],
        "mm": [(m, n), (n, p)],
        "batched": [(*ba, m, n), (*bb, n, p)],
        "batched-v": [(*ba, m, n), (n,)],
        "v-batched": [(n,), (*bb, n, p)],
    }[kind]
    return Sample(shapes)


@st.composite
def _cat(draw: st.DrawFn) -> Sample:
    base = draw(NONEMPTY_SHAPES)
    n = len(base)
    dim = draw(st.integers(-n, n - 1))
    count = draw(st.integers(1, 3))
    shapes = []
    for _ in range(count):
        s = list(base)
        s[dim] = draw(st.integers(1, 3))
        shapes.append(tuple(s))
    return Sample(shapes, {"dim": dim})


@st.composite
def _stack(draw: st.DrawFn) -> Sample:
    base = draw(SHAPES)
    n = len(base) + 1
    return Sample([base] * draw(st.integers(1, 3)), {"dim": draw(st.integers(-n, n - 1))})


@st.composite
def _split(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    return Sample([shape], {"size": draw(st.integers(1, 3)), "dim": dim})


@st.composite
def _where(draw: st.DrawFn) -> Sample:
    b = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
    cshape, ashape, bshape = b.input_shapes
    cond = draw(hnp.arrays(np.bool_, cshape))
    return Sample([ashape, bshape], {"cond": cond})


@st.composite
def _where_scalar(draw: st.DrawFn) -> Sample:
    b = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
    cshape, xshape = b.input_shapes
    cond = draw(hnp.arrays(np.bool_, cshape))
    scalar = draw(st.sampled_from([0, 1.5, -2.0]))
    return Sample([xshape], {"cond": cond, "scalar": scalar, "left": draw(st.booleans())})


@st.composite
def _masked_fill(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    mshape = draw(hnp.broadcastable_shapes(shape, min_dims=0, max_dims=len(shape), max_side=3))
    mask = draw(hnp.arrays(np.bool_, mshape))
    return Sample([shape], {"mask": mask, "value": draw(st.sampled_from([0, -1.5, 1e4]))})


def _positive_steps(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(not isinstance(i, slice) or i.step is None or i.step > 0 for i in items)


@st.composite
def _getitem_basic(draw: st.DrawFn, positive_steps: bool) -> Sample:
    shape = draw(SHAPES)
    ix = hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True)
    if positive_steps:
        ix = ix.filter(_positive_steps)
    return Sample([shape], {"index": draw(ix), "as_tensor": False})


@st.composite
def _getitem_advanced(draw: st.DrawFn) -> Sample:
    """Integer arrays (repeats and negative indices included), as arrays or Tensors, alone or mixed."""
    shape = draw(NONEMPTY_SHAPES)
    kind = draw(st.sampled_from(["arrays", "first-dim", "mixed", "list"]))
    if kind == "arrays":
        result = hnp.array_shapes(min_dims=0, max_dims=2, max_side=4)
        index: Any = draw(hnp.integer_array_indices(shape, result_shape=result))
    elif kind == "list":
        index = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5))
    else:
        idx = draw(hnp.arrays(np.int64, draw(st.integers(1, 5)),
                              elements=st.integers(-shape[-1 if kind == "mixed" else 0],
                                                   shape[-1 if kind == "mixed" else 0] - 1)))
        index = (Ellipsis, idx) if kind == "mixed" else idx
        if kind == "mixed" and len(shape) >= 2 and draw(st.booleans()):
            index = (slice(None), None, *([slice(None)] * (len(shape) - 2)), idx)
    return Sample([shape], {"index": index, "as_tensor": kind != "list" and draw(st.booleans())})


@st.composite
def _getitem_mask(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    k = draw(st.integers(1, len(shape)))
    mask = draw(hnp.arrays(np.bool_, shape[:k]))
    index = mask if draw(st.booleans()) or k == len(shape) else (mask, Ellipsis)
    return Sample([shape], {"index": index, "as_tensor": draw(st.booleans())})


def mg_index(index: Any, as_tensor: bool) -> Any:
    """The index for minigrad: arrays optionally wrapped as Tensors."""
    items = index if isinstance(index, tuple) else (index,)
    conv = tuple(mg.tensor(i) if as_tensor and isinstance(i, np.ndarray) else i for i in items)
    return conv if isinstance(index, tuple) else conv[0]


def torch_index(index: Any) -> Any:
    """The same index for PyTorch: arrays and lists become torch tensors."""
    torch = _torch()
    items = index if isinstance(index, tuple) else (index,)
    conv = tuple(torch.as_tensor(np.asarray(i)) if isinstance(i, (np.ndarray, list)) else i for i in items)
    return conv if isinstance(index, tuple) else conv[0]


def torch_via_index_map(a: Any, index: Any, as_tensor: bool) -> Any:
    """``a[index]`` for any numpy index, negative steps included (which torch refuses).

    numpy maps the index onto element numbers; torch gathers those elements,
    so the gradient (a scatter-add) is torch's own.
    """
    torch = _torch()
    numbers = np.array(np.arange(a.numel()).reshape(tuple(a.shape))[index])  # a copy: no negative strides
    return a.reshape(-1)[torch.as_tensor(numbers)]


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class OpSpec:
    """One row: an op, its oracle, its arguments, its domain, its differentiability."""

    name: str
    mg: Callable[..., Any]
    torch: Callable[..., Any]
    sample: st.SearchStrategy[Sample]
    domain: Domain = real
    covers: tuple[str, ...] = ()
    differentiable: bool = True
    twice_differentiable: bool = True
    float32_rtol: float = 2e-5
    float32_atol: float = 2e-5
    float64_rtol: float = 1e-10  # against PyTorch; looser only where PyTorch's own kernel is less accurate


def _gelu_torch(x: Any, approximate: str = "none") -> Any:
    return _torch().nn.functional.gelu(x, approximate=approximate)


def _max_torch(fn: str) -> Callable[..., Any]:
    """torch.max(x) for dim=None, torch.max(x, dim) (values, indices) for an int, amax for a tuple."""

    def call(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
        if dim is None:
            return getattr(x, fn)() if not keepdim else getattr(x, "a" + fn)(
                tuple(range(x.ndim)), keepdim=True)
        if isinstance(dim, int):  # (values, indices), as minigrad's
            return getattr(x, fn)(dim, keepdim=keepdim)
        return getattr(x, "a" + fn)(dim, keepdim=keepdim)

    return call


def _amax_torch(fn: str) -> Callable[..., Any]:
    def call(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
        dims = tuple(range(x.ndim)) if dim is None else dim
        return getattr(x, fn)(dims, keepdim=keepdim)

    return call


def _arg_torch(fn: str) -> Callable[..., Any]:
    def call(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
        return getattr(x, fn)(dim, keepdim=keepdim)

    return call


def _reverse_dims(t: Any) -> Any:
    # torch's .T warns (an error here) outside 2-D; permute is the same thing
    return t.permute(tuple(reversed(range(t.ndim))))


_SCALARS: list[tuple[str, float | int, Domain]] = [
    ("int", 2, real), ("float", 2.5, real), ("neg", -1.5, real),
]

OP_TABLE: list[OpSpec] = []

# -- binary arithmetic, tensor with tensor
OP_TABLE += [
    OpSpec("add", lambda a, b: a + b, lambda a, b: a + b, binary(), covers=("__add__",)),
    OpSpec("sub", lambda a, b: a - b, lambda a, b: a - b, binary(), covers=("__sub__",)),
    OpSpec("mul", lambda a, b: a * b, lambda a, b: a * b, binary(), covers=("__mul__",)),
    OpSpec("div", lambda a, b: a / b, lambda a, b: a / b, binary(), per_input(real, away(0.0, gap=0.5)),
           covers=("__truediv__",)),
    OpSpec("pow", lambda a, b: a**b, lambda a, b: a**b, binary(), per_input(positive, real),
           covers=("__pow__",)),
    OpSpec("pow_method", lambda a, b: a.pow(b), lambda a, b: a.pow(b), binary(), per_input(positive, real),
           covers=("pow",)),
    OpSpec("maximum", lambda a, b: a.maximum(b), lambda a, b: a.maximum(b), binary(), distinct,
           covers=("maximum",)),
    OpSpec("minimum", lambda a, b: a.minimum(b), lambda a, b: a.minimum(b), binary(), distinct,
           covers=("minimum",)),
    OpSpec("matmul", lambda a, b: a @ b, lambda a, b: a @ b, _matmul(), covers=("__matmul__",)),
    OpSpec("matmul_method", lambda a, b: a.matmul(b), lambda a, b: a.matmul(b), _matmul(),
           covers=("matmul",)),
    OpSpec("rmatmul", lambda a, b: b.__rmatmul__(a), lambda a, b: b.__rmatmul__(a), _matmul(),
           covers=("__rmatmul__",)),
    OpSpec("mg.matmul", lambda a, b: mg.matmul(a, b), lambda a, b: _torch().matmul(a, b), _matmul(),
           covers=("mg.matmul",)),
    OpSpec("dot", lambda a, b: a.dot(b), lambda a, b: a.dot(b),
           st.integers(1, 4).map(lambda n: Sample([(n,), (n,)])), covers=("dot",)),
]

# -- binary arithmetic with a Python scalar on either side
for _tag, _c, _dom in _SCALARS:
    OP_TABLE += [
        OpSpec(f"add_{_tag}_scalar", lambda a, c=_c: a + c, lambda a, c=_c: a + c, unary(), _dom,
               covers=("__add__",)),
        OpSpec(f"radd_{_tag}_scalar", lambda a, c=_c: c + a, lambda a, c=_c: c + a, unary(), _dom,
               covers=("__radd__",)),
        OpSpec(f"sub_{_tag}_scalar", lambda a, c=_c: a - c, lambda a, c=_c: a - c, unary(), _dom,
               covers=("__sub__",)),
        OpSpec(f"rsub_{_tag}_scalar", lambda a, c=_c: c - a, lambda a, c=_c: c - a, unary(), _dom,
               covers=("__rsub__",)),
        OpSpec(f"mul_{_tag}_scalar", lambda a, c=_c: a * c, lambda a, c=_c: a * c, unary(), _dom,
               covers=("__mul__",)),
        OpSpec(f"rmul_{_tag}_scalar", lambda a, c=_c: c * a, lambda a, c=_c: c * a, unary(), _dom,
               covers=("__rmul__",)),
        OpSpec(f"div_{_tag}_scalar", lambda a, c=_c: a / c, lambda a, c=_c: a / c, unary(), _dom,
               covers=("__truediv__",)),
        OpSpec(f"rdiv_{_tag}_scalar", lambda a, c=_c: c / a, lambda a, c=_c: c / a, unary(),
               away(0.0, gap=0.5), covers=("__rtruediv__",)),
        OpSpec(f"rpow_{_tag}_scalar", lambda a, c=_c: abs(c) ** a, lambda a, c=_c: abs(c) ** a, unary(), _dom,
               covers=("__rpow__",)),
    ]
OP_TABLE += [
    OpSpec("pow_int2", lambda a: a**2, lambda a: a**2, unary(), covers=("__pow__",)),
    OpSpec("pow_int3", lambda a: a**3, lambda a: a**3, unary(), covers=("__pow__",)),
    OpSpec("pow_int0", lambda a: a**0, lambda a: a**0, unary(), covers=("__pow__",)),
    OpSpec("pow_neg_int", lambda a: a**-1, lambda a: a**-1, unary(), away(0.0, gap=0.5), covers=("__pow__",)),
    OpSpec("pow_float", lambda a: a**2.5, lambda a: a**2.5, unary(), positive, covers=("__pow__",)),
    OpSpec("pow_half", lambda a: a**0.5, lambda a: a**0.5, unary(), positive, covers=("__pow__",)),
    OpSpec("square", lambda a: a.square(), lambda a: a.square(), unary(), covers=("square",)),
]

# -- unary elementwise
OP_TABLE += [
    OpSpec("neg", lambda a: -a, lambda a: -a, unary(), covers=("__neg__",)),
    OpSpec("pos", lambda a: +a, lambda a: +a, unary(), covers=("__pos__",)),
    OpSpec("exp", lambda a: a.exp(), lambda a: a.exp(), unary(), covers=("exp",)),
    OpSpec("log", lambda a: a.log(), lambda a: a.log(), unary(), positive, covers=("log",)),
    OpSpec("sqrt", lambda a: a.sqrt(), lambda a: a.sqrt(), unary(), positive, covers=("sqrt",)),
    OpSpec("rsqrt", lambda a: a.rsqrt(), lambda a: a.rsqrt(), unary(), positive, covers=("rsqrt",)),
    OpSpec("abs", lambda a: a.abs(), lambda a: a.abs(), unary(), away(0.0), covers=("abs",)),
    OpSpec("builtin_abs", lambda a: abs(a), lambda a: abs(a), unary(), away(0.0), covers=("__abs__",)),
    OpSpec("sign", lambda a: a.sign(), lambda a: a.sign(), unary(), away(0.0), covers=("sign",)),
    OpSpec("tanh", lambda a: a.tanh(), lambda a: a.tanh(), unary(), covers=("tanh",)),
    OpSpec("sigmoid", lambda a: a.sigmoid(), lambda a: a.sigmoid(), unary(), covers=("sigmoid",)),
    OpSpec("relu", lambda a: a.relu(), lambda a: a.relu(), unary(), away(0.0), covers=("relu",)),
    OpSpec("gelu", lambda a: a.gelu(), _gelu_torch, unary(), covers=("gelu",)),
    OpSpec("gelu_tanh", lambda a: a.gelu(approximate="tanh"), lambda a: _gelu_torch(a, "tanh"), unary(),
           covers=("gelu",)),
    OpSpec("sin", lambda a: a.sin(), lambda a: a.sin(), unary(), covers=("sin",)),
    OpSpec("cos", lambda a: a.cos(), lambda a: a.cos(), unary(), covers=("cos",)),
    OpSpec("erf", lambda a: a.erf(), lambda a: a.erf(), unary(), covers=("erf",)),
    OpSpec("clamp_min", lambda a: a.clamp(min=-0.5), lambda a: a.clamp(min=-0.5), unary(), away(-0.5),
           covers=("clamp",)),
    OpSpec("clamp_max", lambda a: a.clamp(max=0.5), lambda a: a.clamp(max=0.5), unary(), away(0.5),
           covers=("clamp",)),
    OpSpec("clamp_both", lambda a: a.clamp(-0.5, 0.5), lambda a: a.clamp(-0.5, 0.5), unary(), away(-0.5, 0.5),
           covers=("clamp",)),
    OpSpec("clamp_int_bound", lambda a: a.clamp(min=0), lambda a: a.clamp(min=0), unary(), away(0.0),
           covers=("clamp",)),
    OpSpec("clip", lambda a: a.clip(-1.0, 1.0), lambda a: a.clip(-1.0, 1.0), unary(), away(-1.0, 1.0),
           covers=("clip",)),
]

def _pair(first: Any, second: Any) -> Any:
    """Two results of one call as one output (var_mean, std_mean): their sum, so both get a gradient."""
    return first * 2 + second


def _var_centered(a: Any, dim: Any, keepdim: bool, correction: int) -> Any:
    from minigrad.ops import Var
    from minigrad.shapes import norm_dims

    if a.dtype.kind != "f":
        return a.var()  # refused, as every variance of integers is (the internal path is for floats)
    return Var.apply(a, dims=norm_dims(dim, a.ndim), keepdim=keepdim, correction=correction, centered=True)


def _second_moment_torch(a: Any, dim: Any, keepdim: bool, correction: int) -> Any:
    if not a.is_floating_point():
        return a.var()  # PyTorch refuses integer variances too
    dims = tuple(range(a.ndim)) if dim is None else dim
    n = a.numel() // max((a ** 2).sum(dims, keepdim=True).numel(), 1) if a.ndim else 1
    return (a ** 2).sum(dims, keepdim=keepdim) / max(n - correction, 0)  # as torch.var: no negative dof


# -- reductions
OP_TABLE += [
    OpSpec("sum", lambda a, **k: a.sum(**k), lambda a, **k: a.sum(**k) if k["dim"] is not None
           else (a.sum(tuple(range(a.ndim)), keepdim=k["keepdim"]) if a.ndim else a.sum()),
           reduction(), covers=("sum",)),
    OpSpec("mean", lambda a, **k: a.mean(**k), lambda a, **k: a.mean(**k) if k["dim"] is not None
           else (a.mean(tuple(range(a.ndim)), keepdim=k["keepdim"]) if a.ndim else a.mean()),
           reduction(), covers=("mean",)),
    OpSpec("var", lambda a, **k: a.var(**k), lambda a, **k: a.var(**k), reduction(correction=True),
           covers=("var",)),
    OpSpec("std", lambda a, **k: a.std(**k), lambda a, **k: a.std(**k),
           reduction(correction=True, min_count=2), covers=("std",)),
    OpSpec("var_function", lambda a, **k: mg.var(a, **k), lambda a, **k: _torch().var(a, **k),
           reduction(correction=True)),
    OpSpec("var_mean", lambda a, **k: _pair(*mg.var_mean(a, **k)),
           lambda a, **k: _pair(*_torch().var_mean(a, **k)),
           reduction(correction=True)),
    OpSpec("std_mean", lambda a, **k: _pair(*mg.std_mean(a, **k)),
           lambda a, **k: _pair(*_torch().std_mean(a, **k)),
           reduction(correction=True, min_count=2)),
    # the normalization layers' form: the input is already centered, so the spread is measured about 0
    OpSpec("var_centered", lambda a, **k: _var_centered(a, **k), _second_moment_torch,
           reduction(correction=True)),
    OpSpec("max", lambda a, **k: a.max(**k), _max_torch("max"), reduction(), distinct, covers=("max",)),
    OpSpec("min", lambda a, **k: a.min(**k), _max_torch("min"), reduction(), distinct, covers=("min",)),
    OpSpec("amax", lambda a, **k: a.amax(**k), _amax_torch("amax"), reduction(), distinct, covers=("amax",)),
    OpSpec("amin", lambda a, **k: a.amin(**k), _amax_torch("amin"), reduction(), distinct, covers=("amin",)),
    OpSpec("argmax", lambda a, **k: a.argmax(**k), _arg_torch("argmax"), reduction(("none", "int")), distinct,
           covers=("argmax",), differentiable=False),
    OpSpec("argmin", lambda a, **k: a.argmin(**k), _arg_torch("argmin"), reduction(("none", "int")), distinct,
           covers=("argmin",), differentiable=False),
    OpSpec("logsumexp", lambda a, **k: a.logsumexp(**k), lambda a, **k: a.logsumexp(**k),
           reduction(("int", "tuple")), covers=("logsumexp",)),
    OpSpec("softmax", lambda a, **k: a.softmax(**k), lambda a, **k: a.softmax(**k),
           reduction(("int",), keepdim=False), covers=("softmax",)),
    OpSpec("log_softmax", lambda a, **k: a.log_softmax(**k), lambda a, **k: a.log_softmax(**k),
           reduction(("int",), keepdim=False), covers=("log_softmax",)),
]

# -- shape ops
OP_TABLE += [
    # (x.reshape(), x.view(), x.expand(), x.permute(), x.repeat() and zeros() with no size are PyTorch's
    # TypeError: a 0-d target is given as ())
    OpSpec("reshape", lambda a, shape: a.reshape(*shape) if shape else a.reshape(()),
           lambda a, shape: a.reshape(shape), _reshape(), covers=("reshape",)),
    OpSpec("reshape_tuple", lambda a, shape: a.reshape(shape), lambda a, shape: a.reshape(shape), _reshape(),
           covers=("reshape",)),
    OpSpec("view", lambda a, shape: a.view(*shape) if shape else a.view(()),
           lambda a, shape: a.reshape(shape), _reshape(), covers=("view",)),
    OpSpec("flatten", lambda a, **k: a.flatten(**k), lambda a, **k: a.flatten(**k), _flatten(),
           covers=("flatten",)),
    OpSpec("transpose", lambda a, **k: a.transpose(**k), lambda a, **k: a.transpose(**k), _transpose(),
           covers=("transpose",)),
    OpSpec("permute", lambda a, dims: a.permute(*dims) if dims else a.permute(()),
           lambda a, dims: a.permute(*dims) if dims else a.permute(()), _permute(),
           covers=("permute",)),
    OpSpec("T", _t, _reverse_dims, unary(), covers=("T",)),
    OpSpec("mT", lambda a: a.mT, lambda a: a.mT, unary(hnp.array_shapes(min_dims=2, max_dims=4, max_side=3)),
           covers=("mT",)),
    OpSpec("unsqueeze", lambda a, dim: a.unsqueeze(dim), lambda a, dim: a.unsqueeze(dim), _unsqueeze(),
           covers=("unsqueeze",)),
    OpSpec("squeeze", lambda a, dim: a.squeeze(dim),
           lambda a, dim: a.squeeze() if dim is None else a.squeeze(dim), _squeeze(), covers=("squeeze",)),
    OpSpec("expand", lambda a, shape: a.expand(*shape) if shape else a.expand(()),
           lambda a, shape: a.expand(shape), _expand(), covers=("expand",)),
    OpSpec("expand_as", lambda a, other: a.expand_as(mg.zeros(tuple(other))),
           lambda a, other: a.expand_as(_torch().zeros(other)), _expand_as(), covers=("expand_as",)),
    OpSpec("getitem_basic", lambda a, index, as_tensor: a[mg_index(index, as_tensor)],
           lambda a, index, as_tensor: a[torch_index(index)], _getitem_basic(positive_steps=True),
           covers=("__getitem__",)),
    OpSpec("getitem_any_step", lambda a, index, as_tensor: a[mg_index(index, as_tensor)], torch_via_index_map,
           _getitem_basic(positive_steps=False), covers=("__getitem__",)),
    OpSpec("getitem_advanced", lambda a, index, as_tensor: a[mg_index(index, as_tensor)],
           lambda a, index, as_tensor: a[torch_index(index)], _getitem_advanced(), covers=("__getitem__",)),
    OpSpec("getitem_mask", lambda a, index, as_tensor: a[mg_index(index, as_tensor)],
           lambda a, index, as_tensor: a[torch_index(index)], _getitem_mask(), covers=("__getitem__",)),
    OpSpec("masked_fill", lambda a, mask, value: a.masked_fill(mg.tensor(mask), value),
           lambda a, mask, value: a.masked_fill(_torch().as_tensor(mask), value), _masked_fill(),
           covers=("masked_fill",)),
    OpSpec("split", lambda a, size, dim: a.split(size, dim), lambda a, size, dim: a.split(size, dim),
           _split(), covers=("split",)),
    OpSpec("chunk", lambda a, size, dim: a.chunk(size, dim), lambda a, size, dim: a.chunk(size, dim),
           _split(), covers=("chunk",)),
    OpSpec("cat", lambda *ts, dim: mg.cat(ts, dim), lambda *ts, dim: _torch().cat(ts, dim), _cat(),
           covers=("mg.cat",)),
    OpSpec("stack", lambda *ts, dim: mg.stack(ts, dim), lambda *ts, dim: _torch().stack(ts, dim), _stack(),
           covers=("mg.stack",)),
    OpSpec("where", lambda a, b, cond: mg.where(mg.tensor(cond), a, b),
           lambda a, b, cond: _torch().where(_torch().as_tensor(cond), a, b), _where(), covers=("mg.where",)),
    OpSpec("where_scalar",
           lambda a, cond, scalar, left: mg.where(mg.tensor(cond), scalar, a) if left
           else mg.where(mg.tensor(cond), a, scalar),
           lambda a, cond, scalar, left: _torch().where(_torch().as_tensor(cond), scalar, a) if left
           else _torch().where(_torch().as_tensor(cond), a, scalar), _where_scalar(), covers=("mg.where",)),
]

# -- the PyTorch surface (issue 12): differentiable ops beyond API.md, method forms.
#    tests/surface_table.py checks every form (function, method, in-place) on fixed data;
#    these rows add shapes, dims, gradcheck and gradgradcheck.


def unit(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Values in (-0.9, 0.9): inside the domain of asin, atanh, erfinv, away from their poles."""
    return [rng.uniform(-0.9, 0.9, s) for s in shapes]


def above_one(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Values in [1.2, 3): inside the domain of acosh."""
    return [rng.uniform(1.2, 3.0, s) for s in shapes]


def off_grid(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Values at least 0.1 from every integer (floor, round, frac are smooth there)."""
    out = []
    for s in shapes:
        x = rng.uniform(-3, 3, s)
        f = x - np.floor(x)
        out.append(np.floor(x) + np.clip(f, 0.1, 0.9))
    return out


def off_tenths(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Values at least 0.01 from every rounding boundary of round(x, decimals=1) (k + 0.5) / 10."""
    return [(rng.integers(-30, 31, s) + rng.uniform(-0.4, 0.4, s)) / 10 for s in shapes]


def _small_over_large(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """a in +-[0.1, 1), b in +-[1.5, 2): |a / b| < 1 and a away from 0, so fmod/remainder are smooth."""
    a = rng.uniform(0.1, 1.0, shapes[0]) * rng.choice([-1.0, 1.0], shapes[0])
    b = rng.uniform(1.5, 2.0, shapes[1]) * rng.choice([-1.0, 1.0], shapes[1])
    return [a, b]


def _torch_method(name: str, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    return lambda x, *xs, **k: getattr(x, name)(*xs, *args, **kwargs, **k)


def _method(name: str, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    return lambda x, *xs, **k: getattr(x, name)(*xs, *args, **kwargs, **k)


def _row(name: str, sample: st.SearchStrategy[Sample], domain: Domain = real, *args: Any,
         method: str | None = None, **kwargs: Any) -> OpSpec:
    """A row whose minigrad and torch calls are the same method call."""
    m = method or name
    return OpSpec(name, _method(m, *args, **kwargs), _torch_method(m, *args, **kwargs), sample, domain,
                  covers=(m,))


@st.composite
def _dim_sample(draw: st.DrawFn, shapes: st.SearchStrategy[Shape] = NONEMPTY_SHAPES, **extra: Any) -> Sample:
    """A non-empty shape and an int ``dim`` (maybe negative)."""
    shape = draw(shapes)
    n = len(shape)
    kwargs = {"dim": draw(st.integers(-n, n - 1))}
    kwargs.update({k: draw(v) for k, v in extra.items()})
    return Sample([shape], kwargs)


@st.composite
def _k_sample(draw: st.DrawFn, largest: bool) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    k = draw(st.integers(1, shape[dim]))
    kwargs: dict[str, Any] = {"k": k, "dim": dim}
    if largest:
        kwargs["largest"] = draw(st.booleans())
    else:
        kwargs["keepdim"] = draw(st.booleans())
    return Sample([shape], kwargs)


@st.composite
def _norm(draw: st.DrawFn) -> Sample:
    s = draw(reduction(("none", "int", "tuple")))
    dim = s.kwargs["dim"]
    ps = [1, 2, 3, 0.5, math.inf, -math.inf]
    if dim is None or isinstance(dim, int) or len(dim) == 1:
        p: Any = draw(st.sampled_from(ps))
    else:  # "fro" over two dims is a matrix norm; torch has none over three
        p = draw(st.sampled_from([2, "fro"])) if len(dim) == 2 else 2
    return Sample(s.shapes, {"p": p, **s.kwargs})


@st.composite
def _unflatten(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    sizes = list(draw(st.sampled_from([t for k in (1, 2, 3) for t in _factorizations(shape[dim], k)])))
    if draw(st.booleans()):
        sizes[draw(st.integers(0, len(sizes) - 1))] = -1
    return Sample([shape], {"dim": dim, "sizes": tuple(sizes)})


@st.composite
def _split_sizes(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    cuts = sorted(draw(st.lists(st.integers(0, shape[dim]), max_size=3)))
    bounds = [0, *cuts, shape[dim]]
    return Sample([shape], {"split_size": [b - a for a, b in itertools.pairwise(bounds)], "dim": dim})


@st.composite
def _narrow(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    start = draw(st.integers(0, shape[dim] - 1))
    length = draw(st.integers(0, shape[dim] - start))
    return Sample([shape], {"dim": dim, "start": start, "length": length})


@st.composite
def _roll(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    if draw(st.booleans()):
        return Sample([shape], {"shifts": draw(st.integers(-5, 5)), "dims": None})
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n, unique_by=lambda d: d % n))
    return Sample([shape], {"shifts": tuple(draw(st.integers(-4, 4)) for _ in dims), "dims": tuple(dims)})


@st.composite
def _repeat(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    reps = tuple(draw(st.integers(1, 3)) for _ in range(len(shape) + draw(st.integers(0, 1))))
    return Sample([shape], {"reps": reps or (2,)})


@st.composite
def _repeat_interleave(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.one_of(st.none(), st.integers(-n, n - 1)))
    size = math.prod(shape) if dim is None else shape[dim]
    if draw(st.booleans()):
        repeats: Any = draw(st.integers(0, 3))
    else:
        repeats = draw(st.lists(st.integers(0, 3), min_size=size, max_size=size))
    return Sample([shape], {"repeats": repeats, "dim": dim})


@st.composite
def _movedim(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    k = draw(st.integers(1, n))
    src = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k, unique=True))
    dst = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k, unique=True))
    return Sample([shape], {"source": tuple(src), "destination": tuple(dst)})


@st.composite
def _diagonal(draw: st.DrawFn) -> Sample:
    shape = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    n = len(shape)
    d1, d2 = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    return Sample([shape], {"offset": draw(st.integers(-3, 3)), "dim1": d1 - n * draw(st.integers(0, 1)),
                            "dim2": d2})


@st.composite
def _tri(draw: st.DrawFn) -> Sample:
    shape = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    return Sample([shape], {"diagonal": draw(st.integers(-3, 3))})


@st.composite
def _diag(draw: st.DrawFn) -> Sample:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4))
    return Sample([shape], {"diagonal": draw(st.integers(-2, 2))})


@st.composite
def _index_select(draw: st.DrawFn) -> Sample:
    shape = draw(NONEMPTY_SHAPES)
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    idx = draw(st.lists(st.integers(0, shape[dim] - 1), max_size=5))
    return Sample([shape], {"dim": dim, "index": np.asarray(idx, dtype=np.int64)})


@st.composite
def _take(draw: st.DrawFn) -> Sample:
    shape = draw(SHAPES)
    size = math.prod(shape)
    index = draw(hnp.arrays(np.int64, draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)),
                            elements=st.integers(-size, size - 1)))
    return Sample([shape], {"index": index})


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("ij,ij->", [(2, 3), (2, 3)]),
    ("bn,anm,bm->ba", [(2, 3), (2, 3, 2), (2, 2)]), ("...ij,...jk", [(2, 2, 3), (3, 2)]),
    ("ijk->kj", [(2, 3, 2)]), ("iij->j", [(2, 2, 3)]), ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("i,i", [(3,), (3,)]), ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 2, 2)]),
]


def _einsum_sample() -> st.SearchStrategy[Sample]:
    return st.sampled_from(EINSUM).map(lambda e: Sample(list(e[1]), {"equation": e[0]}))


@st.composite
def _tensordot(draw: st.DrawFn) -> Sample:
    shared = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    a_rest = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    b_rest = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    if draw(st.booleans()):
        return Sample([a_rest + shared, shared + b_rest], {"dims": len(shared)})
    pa = draw(st.permutations(list(range(len(a_rest) + len(shared)))))
    pb = draw(st.permutations(list(range(len(shared) + len(b_rest)))))
    a_shape = tuple((a_rest + shared)[i] for i in pa)
    b_shape = tuple((shared + b_rest)[i] for i in pb)
    dims_a = [pa.index(len(a_rest) + k) for k in range(len(shared))]
    dims_b = [pb.index(k) for k in range(len(shared))]
    return Sample([a_shape, b_shape], {"dims": (dims_a, dims_b)})


def _three() -> st.SearchStrategy[Sample]:
    return hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3).map(
        lambda b: Sample(list(b.input_shapes)))


@st.composite
def _clamp_bounds(draw: st.DrawFn) -> Sample:
    """x and two bounds that broadcast to x's shape (PyTorch's clamp keeps x's shape)."""
    shape = draw(SHAPES)

    def bound() -> Shape:  # a suffix of x's shape, some dims squeezed to 1: it broadcasts *to* x
        k = draw(st.integers(0, len(shape)))
        return tuple(1 if draw(st.booleans()) else n for n in shape[len(shape) - k:])

    return Sample([shape, bound(), bound()])


def _pos_third(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    return [rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1]), rng.uniform(0.5, 2.0, shapes[2])]


def _bounds(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """x, a lower bound in (-1.2, -0.8) and an upper bound in (0.8, 1.2); x is never within 0.1 of them."""
    pieces = np.stack([rng.uniform(-2.0, -1.3, shapes[0]), rng.uniform(-0.7, 0.7, shapes[0]),
                       rng.uniform(1.3, 2.0, shapes[0])])
    x = np.take_along_axis(pieces, rng.integers(0, 3, (1, *shapes[0])), 0)[0]
    return [x, rng.uniform(-1.2, -0.8, shapes[1]), rng.uniform(0.8, 1.2, shapes[2])]


def _wide(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Standard normal values, times 10 in half the places: both sides of I0's and I1's branch switch."""
    return [x * np.where(rng.random(x.shape) < 0.5, 1.0, 10.0) for x in real(rng, shapes)]


def _special(name: str) -> Callable[..., Any]:
    return lambda x: getattr(mg.special, name)(x)


def _torch_special(name: str) -> Callable[..., Any]:
    return lambda x: getattr(_torch().special, name)(x)


def _values(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The values of a (values, indices) result: the part with a gradient."""
    return lambda *a, **k: fn(*a, **k)[0]


for _name, _dom in [("tan", unit), ("asin", unit), ("acos", unit), ("atan", real), ("sinh", real),
                    ("cosh", real), ("asinh", real), ("acosh", above_one), ("atanh", unit), ("exp2", real),
                    ("expm1", real), ("log2", positive), ("log10", positive), ("log1p", positive),
                    ("erfc", real), ("erfinv", unit), ("reciprocal", away(0.0, gap=0.5)), ("frac", off_grid),
                    ("floor", off_grid), ("ceil", off_grid), ("round", off_grid), ("trunc", off_grid)]:
    OP_TABLE.append(_row(_name, unary(), _dom))
OP_TABLE += [
    _row("round_decimals", unary(), off_tenths, decimals=1, method="round"),
    _row("atan2", binary(), distinct),
    _row("hypot", binary(), away(0.0)),
    _row("copysign", binary(), away(0.0)),
    _row("logaddexp", binary()),
    _row("logaddexp2", binary()),
    _row("fmax", binary(), distinct),
    _row("fmin", binary(), distinct),
    _row("fmod", binary(), _small_over_large),
    _row("remainder", binary(), _small_over_large),
    _row("xlogy", binary(), per_input(real, positive)),
    # the gamma family off the poles (off_grid: 0.1 from every integer, negatives included); PyTorch's
    # trigamma (polygamma(1), digamma's derivative) is accurate to ~1e-9 only, so those rows compare at 1e-8
    _row("lgamma", unary(), off_grid),
    replace(_row("digamma", unary(), off_grid), float64_rtol=1e-8),
    replace(_row("polygamma_1", unary(), off_grid, 1, method="polygamma"), float64_rtol=1e-8),
    _row("polygamma_3", unary(), off_grid, 3, method="polygamma"),
    _row("mvlgamma", unary(), above_one, p=3),
    # the modified Bessel functions I0, I1 and their scaled forms (primitive BesselI)
    _row("i0", unary(), _wide),
    *(OpSpec(f"special.{n}", _special(n), _torch_special(n), unary(), _wide, covers=(f"mg.special.{n}",))
      for n in ("i0e", "i1", "i1e")),
    OpSpec("mod_operator", lambda a, b: a % b, lambda a, b: a % b, binary(), _small_over_large,
           covers=("__mod__",)),
    _row("lerp", _three(), _pos_third),
    _row("addcmul", _three(), value=0.5),
    # the primitive behind the normalization layers' x_hat * weight + bias (a + b * c, one node)
    OpSpec("Addcmul", lambda a, b, c: ops.Addcmul.apply(a, b, c), lambda a, b, c: _torch().addcmul(a, b, c),
           _three()),
    _row("addcdiv", _three(), _pos_third, value=-2.0),
    _row("div_floor", binary(), _small_over_large, rounding_mode="floor", method="div"),
    _row("div_trunc", binary(), _small_over_large, rounding_mode="trunc", method="div"),
    _row("add_alpha", binary(), alpha=2.5, method="add"),
    _row("sub_alpha", binary(), alpha=-0.5, method="sub"),
    _row("div_method", binary(), per_input(real, away(0.0, gap=0.5)), method="div"),
    _row("mul_method", binary(), method="mul"),
    _row("clamp_tensor", _clamp_bounds(), _bounds, method="clamp"),
    # reductions
    OpSpec("prod", lambda a, dim: a.prod() if dim is None else a.prod(dim),
           lambda a, dim: a.prod() if dim is None else a.prod(dim), reduction(("none", "int"), keepdim=False),
           away(0.0, gap=0.3), covers=("prod",)),
    OpSpec("prod_keepdim", lambda a, dim: a.prod(dim, keepdim=True), lambda a, dim: a.prod(dim, keepdim=True),
           _dim_sample(), away(0.0, gap=0.3), covers=("prod",)),
    OpSpec("prod_with_zeros", lambda a, dim: a.prod(dim) * 1, lambda a, dim: a.prod(dim) * 1,
           _dim_sample(), lambda rng, s: [np.where(rng.random(s[0]) < 0.3, 0.0, rng.standard_normal(s[0]))],
           covers=("prod",), twice_differentiable=False),
    _row("cumprod", _dim_sample(), away(0.0, gap=0.3)),
    _row("logcumsumexp", _dim_sample()),
    OpSpec("cummax", _values(_method("cummax")), _values(_torch_method("cummax")), _dim_sample(), distinct,
           covers=("cummax",)),
    OpSpec("cummin", _values(_method("cummin")), _values(_torch_method("cummin")), _dim_sample(), distinct,
           covers=("cummin",)),
    _row("norm", _norm(), away(0.0, gap=0.2)),
    OpSpec("kthvalue", _values(_method("kthvalue")), _values(_torch_method("kthvalue")),
           _k_sample(largest=False), distinct, covers=("kthvalue",)),
    OpSpec("median_dim", _values(_method("median")), _values(_torch_method("median")),
           _dim_sample(keepdim=st.booleans()), distinct, covers=("median",)),
    OpSpec("median", lambda a: a.median(), lambda a: a.median(), unary(), distinct, covers=("median",)),
    OpSpec("nanmedian", lambda a: a.nanmedian(), lambda a: a.nanmedian(), unary(), distinct,
           covers=("nanmedian",)),
    OpSpec("max_dim_values", lambda a, **k: a.max(**k).values, lambda a, **k: a.max(**k).values,
           _dim_sample(keepdim=st.booleans()), distinct, covers=("max",)),
    # shape
    _row("unflatten", _unflatten()),
    _row("split_sizes", _split_sizes(), method="split"),
    _row("narrow", _narrow()),
    _row("roll", _roll()),
    OpSpec("repeat", lambda a, reps: a.repeat(*reps) if reps else a.repeat(()),
           lambda a, reps: a.repeat(*reps) if reps else a.repeat(()), _repeat(),
           covers=("repeat",)),
    OpSpec("tile", lambda a, reps: a.tile(reps), lambda a, reps: a.tile(reps), _repeat(), covers=("tile",)),
    OpSpec("repeat_interleave",
           lambda a, repeats, dim: a.repeat_interleave(
               repeats if isinstance(repeats, int) else mg.tensor(repeats), dim),
           lambda a, repeats, dim: a.repeat_interleave(
               repeats if isinstance(repeats, int) else _torch().tensor(repeats), dim),
           _repeat_interleave(), covers=("repeat_interleave",)),
    _row("unbind", _dim_sample()),
    _row("movedim", _movedim()),
    OpSpec("swapaxes", lambda a, dim0, dim1: a.swapaxes(dim0, dim1),
           lambda a, dim0, dim1: a.swapaxes(dim0, dim1), _transpose(), covers=("swapaxes",)),
    OpSpec("t", lambda a: a.t(), lambda a: a.t(), unary(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)),
           covers=("t",)),
    _row("diagonal", _diagonal()),
    _row("tril", _tri()),
    _row("triu", _tri()),
    _row("diag", _diag()),
    OpSpec("trace", lambda a: a.trace(), lambda a: a.trace(),
           unary(hnp.array_shapes(min_dims=2, max_dims=2, max_side=4)), covers=("trace",)),
    OpSpec("clone", lambda a: a.clone(), lambda a: a.clone(), unary(), covers=("clone",)),
    OpSpec("contiguous", lambda a: a.mT.contiguous(), lambda a: a.mT.contiguous(),
           unary(hnp.array_shapes(min_dims=2, max_dims=3, max_side=3)), covers=("contiguous",)),
    # products
    OpSpec("einsum", lambda *xs, equation: mg.einsum(equation, *xs),
           lambda *xs, equation: _torch().einsum(equation, *xs), _einsum_sample(), covers=("mg.einsum",)),
    OpSpec("tensordot", lambda a, b, dims: mg.tensordot(a, b, dims=dims),
           lambda a, b, dims: _torch().tensordot(a, b, dims=dims), _tensordot(), covers=("mg.tensordot",)),
    OpSpec("outer", lambda a, b: a.outer(b), lambda a, b: a.outer(b),
           st.tuples(st.integers(1, 4), st.integers(1, 4)).map(lambda t: Sample([(t[0],), (t[1],)])),
           covers=("outer",)),
    OpSpec("mm", lambda a, b: a.mm(b), lambda a, b: a.mm(b),
           st.tuples(*[st.integers(1, 3)] * 3).map(lambda t: Sample([(t[0], t[1]), (t[1], t[2])])),
           covers=("mm",)),
    OpSpec("bmm", lambda a, b: a.bmm(b), lambda a, b: a.bmm(b),
           st.tuples(*[st.integers(1, 3)] * 4).map(
               lambda t: Sample([(t[3], t[0], t[1]), (t[3], t[1], t[2])])),
           covers=("bmm",)),
    # gathering and scattering
    OpSpec("index_select", lambda a, dim, index: a.index_select(dim, mg.tensor(index)),
           lambda a, dim, index: a.index_select(dim, _torch().as_tensor(index)), _index_select(),
           covers=("index_select",)),
    OpSpec("take", lambda a, index: a.take(mg.tensor(index)),
           lambda a, index: a.take(_torch().as_tensor(index)), _take(), covers=("take",)),
    OpSpec("index_add", lambda a, s, dim, index: a.index_add(dim, mg.tensor(index), s, alpha=2.0),
           lambda a, s, dim, index: a.index_add(dim, _torch().as_tensor(index), s, alpha=2.0),
           _index_select().map(lambda s: Sample(
               [s.shapes[0], tuple(len(s.kwargs["index"]) if i == s.kwargs["dim"] % len(s.shapes[0]) else d
                                   for i, d in enumerate(s.shapes[0]))], s.kwargs)),
           covers=("index_add",)),
    OpSpec("masked_select", lambda a, mask: a.masked_select(mg.tensor(mask)),
           lambda a, mask: a.masked_select(_torch().as_tensor(mask)), _masked_fill().map(
               lambda s: Sample(s.shapes, {"mask": s.kwargs["mask"]})), covers=("masked_select",)),
]
# -- scans, selection, windows, padding, convolution, pooling, resampling (tests/op_table_windows.py)
from tests.op_table_windows import WINDOW_OPS  # noqa: E402  (it builds on the helpers above)

OP_TABLE += WINDOW_OPS

# -- linear algebra (tests/op_table_linalg.py)
from tests.op_table_linalg import LINALG_OPS  # noqa: E402  (it builds on the helpers above)

OP_TABLE += LINALG_OPS

#: Public Tensor names that are not ops on values (attributes, conversions,
#: autograd plumbing, in-place updates, comparisons, devices); tested in test_tensor.py (devices in
#: test_device.py).
NOT_OPS = frozenset({
    "add_", "all", "any", "astype", "backward", "bool", "clamp_", "copy_", "data", "detach", "dim", "div_",
    "double", "dtype", "fill_", "mul_", "sub_",
    "float", "grad", "grad_fn", "is_leaf", "isfinite", "isnan", "item", "long", "ndim", "numel", "numpy",
    "is_inference",  # grad mode: tested in tests/parity/test_grad_mode_parity.py
    "register_post_accumulate_grad_hook",  # a hook: tested in tests/parity/test_autograd_graph_parity.py
    "register_hook", "requires_grad", "requires_grad_", "retain_grad", "shape", "size", "to", "tolist",
    "zero_", "cpu", "cuda", "device", "is_cuda",  # devices: tested in test_device.py
    "get_device",  # tests/parity/test_common_nn_parity.py
    # layout flags: tests/parity/test_compat_tutorial_fixes.py
    "is_cpu", "is_meta", "is_mkldnn", "is_nested", "is_quantized", "is_sparse",
    # other devices' flags: tests/parity/test_xpu_mps_parity.py
    "is_ipu", "is_maia", "is_mps", "is_mtia", "is_sparse_csr", "is_vulkan", "is_xla", "is_xpu",
    "layout",  # tests/parity/test_compat_progs10_fixes.py
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__invert__", "__and__", "__or__",
    "__iadd__", "__isub__", "__imul__", "__itruediv__", "__setitem__", "__bool__", "__float__", "__int__",
    "__index__", "__len__", "__iter__", "__array__", "__hash__", "__repr__",
    "detach_",  # graph surgery, not a value op: tests/parity/test_torch_switches.py
    "data_ptr", "pin_memory", "share_memory_",  # memory, not values: tests/parity/test_torch_switches.py
    "is_shared",  # memory, not values: tests/parity/test_dataloader_suite_fixes.py
    "__deepcopy__",  # copying: tests/parity/test_compat_course_fixes.py
    "untyped_storage",  # memory, not values: tests/parity/test_view_base_parity.py
    "storage",  # memory, not values: tests/parity/test_compat_progs16_fixes.py
    "__array_wrap__",  # numpy's ufuncs on a tensor: tests/parity/test_compat_progs16_fixes.py
    "output_nr",  # graph metadata: tests/parity/test_autograd_suite_fixes.py
    "retains_grad",  # graph metadata: tests/parity/test_grad_fn_graph.py
    "solve", "symeig", "eig", "lstsq",  # removed from PyTorch, raise: tests/parity/test_gaps22_fixes.py
    # DLPack export, deprecated resizes, float64-only float_power_: tests/parity/test_surface26_fixes.py
    "__dlpack__", "__dlpack_device__", "resize", "resize_as", "float_power_",
    "__init_subclass__",  # subclasses built in __new__ (geoopt's): tests/parity/test_libs28_fixes.py
    # Tensor subclasses keeping their class through ops: tests/parity/test_suites34_fixes.py
    "__new__", "__torch_function__", "as_subclass",
    "volatile",  # the removed Variable flag (False, warns): tests/parity/test_scripts52_fixes.py
})  # fmt: skip

#: Public minigrad functions that are not ops on values: grad mode, seeding, I/O, checks,
#: factories and random draws (tests/test_factories.py, tests/test_random_draws.py,
#: tests/parity/test_dtypes_parity.py test them).
MODULE_NOT_OPS = frozenset({
    "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "save", "load", "grad",
    "gradcheck", "gradgradcheck", "is_grad_enabled", "from_numpy", "tensor", "as_tensor", "is_tensor",
    "is_floating_point", "result_type", "promote_types", "can_cast", "zeros", "ones", "full", "rand",
    "randn", "randint", "randperm", "multinomial", "bernoulli", "poisson", "binomial", "normal",
    "rand_like", "randn_like", "randint_like", "get_default_device", "get_default_dtype",
    "set_default_device", "set_default_dtype",
    # process-wide switches and printing: tests/parity/test_torch_switches.py, test_tensor_repr.py
    "set_num_threads", "get_num_threads", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
    "set_deterministic_debug_mode", "get_deterministic_debug_mode", "set_printoptions",
    "is_autocast_enabled",  # a grad-mode-like query: tests/amp/test_autocast.py
    "compile",  # wraps a step or a module, not an op on values: tests/test_compile.py
    "chain_matmul",  # warns (deprecated): tests/parity/test_linalg_products_parity.py
    # removed from PyTorch, raise its RuntimeError: tests/parity/test_gaps22_fixes.py
    "solve", "symeig", "eig", "lstsq", "matrix_rank",
    "set_float32_matmul_precision", "get_float32_matmul_precision", "set_num_interop_threads",
    "get_num_interop_threads",
    "is_inference_mode_enabled",  # grad mode: tests/parity/test_grad_mode_parity.py
    "is_inference",  # tests/parity/test_autograd_inplace_parity.py
    "is_warn_always_enabled", "set_warn_always",  # tests/parity/test_autograd_modes_parity.py
    # anomaly-mode switches: tests/parity/test_anomaly_parity.py
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled",
    "vmap",  # a function transform, not an op on values: tests/parity/test_func_parity.py
    "imag",  # raises on a real tensor: its error class is checked in tests/parity/test_opinfo_parity.py
    # a factory, a query and a process-wide switch: tests/parity/test_compat_tutorial_fixes.py
    "asarray", "is_nonzero", "set_default_tensor_type",
    # autocast's process-wide state, deprecated norms, segment_reduce: tests/parity/test_surface26_fixes.py
    "autocast_decrement_nesting", "autocast_increment_nesting", "clear_autocast_cache",
    "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype", "is_autocast_cache_enabled",
    "is_autocast_cpu_enabled",
    "set_autocast_cache_enabled", "set_autocast_cpu_dtype", "set_autocast_cpu_enabled", "set_autocast_dtype",
    "set_autocast_enabled", "set_autocast_gpu_dtype", "frobenius_norm", "nuclear_norm", "segment_reduce",
})  # fmt: skip
# the torch.* forms of nn.functional (adapters onto F, which has its own tests): values and gradients
# against torch.* in tests/parity/test_torch_functional_forms_parity.py
MODULE_NOT_OPS |= frozenset(functional_forms.__all__)
# frombuffer, range, detach, is_signed, get_device, typename: against PyTorch in
# tests/parity/test_torch_suite_fixes.py
MODULE_NOT_OPS |= frozenset(top_level.__all__)
# values (and float64 gradients) against PyTorch's OpInfo samples in tests/parity/test_opinfo_parity.py
MODULE_NOT_OPS |= frozenset(copy_forms.__all__) | {
    "empty_permuted", "empty_strided", "geqrf", "gradient", "index_reduce", "lu", "lu_solve", "lu_unpack",
    "matrix_exp", "nonzero_static", "ormqr", "put", "qr", "resize_as_", "scalar_tensor", "svd",
    "triangular_solve",
}
# values, signs aside, and float64 gradients against PyTorch's (same seed) in
# tests/parity/test_opinfo_sweep3_parity.py
MODULE_NOT_OPS |= {"svd_lowrank", "pca_lowrank"}
# values, float64 gradients, out= and errors against PyTorch's in tests/parity/test_suites33_fixes.py
MODULE_NOT_OPS |= {"orgqr"}

#: The operators API.md promises, which must each have a row.
OPERATORS = (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__pow__", "__rpow__", "__matmul__", "__neg__", "__getitem__",
)  # fmt: skip

#: Every Tensor method and module function named in API.md's Tensor section.
API_OPS = (
    "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "gelu", "sin", "cos", "clamp", "maximum",
    "minimum", "sum", "mean", "var", "std", "max", "min", "argmax", "logsumexp", "softmax", "log_softmax",
    "reshape", "view", "flatten", "transpose", "permute", "T", "mT", "unsqueeze", "squeeze", "expand",
    "masked_fill", "matmul", "mg.cat", "mg.stack", "mg.where", "erf",
)  # fmt: skip
