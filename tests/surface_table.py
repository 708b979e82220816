"""The PyTorch-surface table: each row is one call, written once for both libraries.

A row's ``call(lib, *inputs)`` runs unchanged with ``lib`` = minigrad and
minigrad tensors, or ``lib`` = torch and torch tensors: minigrad spells its
functions, methods and arguments as PyTorch does, so one lambda is the test.
``tests/parity/test_torch_surface.py`` runs every row on the same data in both
and compares values, dtypes, shapes, ``requires_grad`` and (float64) the
gradients of a random upstream gradient. Rows marked ``inplace`` mutate their
first input: the driver also checks that the op returns that tensor, writes
its memory, is recorded in the graph on a non-leaf and raises PyTorch's error
on a leaf that requires grad.

Inputs are named by domain and shape, ``"real:3,4"``; see :func:`make_input`.
``covers`` lists the public names a row exercises (``"mg.exp"`` for a module
function, ``"exp"`` for a Tensor method or operator); ``tests/test_ops.py``
counts them with the op table's when it checks that every public op is tested.
No torch import here: the table is data.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    """One call of the surface, run in minigrad and in PyTorch."""

    name: str
    call: Callable[..., Any]
    inputs: tuple[str, ...]
    covers: tuple[str, ...]
    grad: bool = True  # compare float64 gradients where torch's output requires grad
    check_requires_grad: bool = True  # False where torch records an op it cannot differentiate
    float32: bool = True
    rtol32: float = 1e-5
    atol32: float = 1e-6
    rtol64: float = 1e-10  # looser only where PyTorch's own float64 kernel is less accurate
    inplace: bool = False  # call(lib, target, *others) mutates target (the first input)


# ------------------------------------------------------------------ inputs

_FLOAT_KINDS = {"real", "pos", "unit", "gt1", "distinct", "nonzero", "prob", "special", "ties"}


def _away_from_halves(x: np.ndarray) -> np.ndarray:
    """Push values at least 0.05 from every multiple of 0.5 (round/floor/frac kinks, and 0)."""
    frac = np.mod(x, 0.5)
    x = np.where(frac < 0.05, x + 0.05, x)
    return np.where(frac > 0.45, x - 0.05, x)


def make_input(spec: str, seed: int) -> np.ndarray:
    """The array for a domain spec ``kind[:d0,d1,...]`` (default shape (3, 4)).

    real: uniform(-2, 2) away from multiples of 0.5; pos: [0.5, 2); unit:
    (-0.9, 0.9); gt1: [1.2, 3); distinct: no two values within 0.2; nonzero:
    real with |x| >= 0.5; prob: (0.05, 1); special: +-0, +-inf, nan and finite
    values; ties: small integers as floats (many ties); int: [-9, 9] without 0;
    int0: [-9, 9]; small: [0, 5); bool.
    """
    kind, _, dims = spec.partition(":")
    shape = tuple(int(d) for d in dims.split(",")) if dims else (3, 4)
    rng = np.random.default_rng(seed)
    n = math.prod(shape)
    if kind == "real":
        return _away_from_halves(rng.uniform(-2, 2, shape))
    if kind == "pos":
        return rng.uniform(0.5, 2.0, shape)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape)
    if kind == "gt1":
        return rng.uniform(1.2, 3.0, shape)
    if kind == "distinct":
        return ((rng.permutation(n) - n / 2) * 0.3 + rng.uniform(-0.05, 0.05, n)).reshape(shape)
    if kind == "nonzero":
        x = rng.uniform(0.5, 2.0, shape)
        return np.where(rng.random(shape) < 0.5, -x, x)
    if kind == "prob":
        return rng.uniform(0.05, 1.0, shape)
    if kind == "special":
        vals = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5, -2.5, 3.0])
        return np.resize(vals, shape)
    if kind == "ties":
        return rng.integers(-2, 3, shape).astype(np.float64)
    if kind == "int":
        x = rng.integers(1, 10, shape)
        return np.where(rng.random(shape) < 0.5, -x, x)
    if kind == "int0":
        return rng.integers(-9, 10, shape)
    if kind == "small":
        return rng.integers(0, 5, shape)
    if kind == "bool":
        return rng.random(shape) < 0.5
    raise ValueError(f"unknown input domain {spec!r}")


def is_float_input(spec: str) -> bool:
    """Whether the domain gives floating-point data (then it is cast to the test dtype)."""
    return spec.partition(":")[0] in _FLOAT_KINDS


# ------------------------------------------------------------------ builders

CASES: list[Case] = []


def _add(*cases: Case) -> None:
    CASES.extend(cases)


def _forms(name: str, inputs: tuple[str, ...], *args: Any, inplace: bool = True, grad: bool = True,
           alias_of: str | None = None, **kwargs: Any) -> None:
    """``lib.name(x, ...)``, ``x.name(...)`` and (if torch has one) ``x.name_(...)``.

    ``alias_of``: the name also exists under another name; both are covered.
    """
    tag = f"{name}{args or ''}{kwargs or ''}"
    _add(
        Case(f"mg.{tag}", lambda m, *xs: getattr(m, name)(*xs, *args, **kwargs), inputs,
             (f"mg.{name}",), grad=grad),
        Case(f"Tensor.{tag}", lambda m, x, *xs: getattr(x, name)(*xs, *args, **kwargs), inputs, (name,),
             grad=grad),
    )
    if inplace:  # torch cannot differentiate some in-place forms (asinh_, atanh_, acosh_)
        _add(Case(f"Tensor.{tag}_", lambda m, x, *xs: getattr(x, name + "_")(*xs, *args, **kwargs), inputs,
                  (name + "_",), grad=grad and name not in _NO_INPLACE_GRAD, inplace=True))


# -- unary elementwise: function, method and in-place forms
_NO_INPLACE_GRAD = {"asinh", "arcsinh", "atanh", "arctanh", "acosh", "arccosh"}
_UNARY = {
    "real": "sin cos tan atan sinh cosh asinh tanh sigmoid exp exp2 expm1 abs absolute neg negative erf erfc "
            "square frac reciprocal arctan arcsinh relu sinc deg2rad rad2deg",
    "unit": "asin acos atanh erfinv arcsin arccos arctanh",
    "prob": "logit",
    "gt1": "acosh arccosh",
    "pos": "log log2 log10 log1p sqrt rsqrt",
    # piecewise constant: torch records them with a zero gradient
    "distinct": "sign floor ceil round trunc fix sgn",
}
for _dom, _names in _UNARY.items():
    for _n in _names.split():
        _forms(_n, (_dom,))
# -- torch.exp_(x) and the other top-level in-place functions (the method of the same name, in place)
_INPLACE_FUNCTIONS = {
    ("real",): "abs_ arctan_ arcsinh_ asinh_ atan_ ceil_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ exp2_ exp_ "
               "expm1_ fix_ floor_ frac_ neg_ negative_ rad2deg_ reciprocal_ round_ sigmoid_ sin_ sinc_ "
               "sinh_ square_ tan_ tanh_ trunc_ nan_to_num_",
    ("unit",): "acos_ arccos_ arcsin_ arctanh_ asin_ atanh_", ("gt1",): "acosh_ arccosh_",
    ("prob",): "logit_ i0_", ("pos",): "log10_ log1p_ log2_ log_ rsqrt_ sqrt_",
    ("real", "real"): "ldexp_ xlogy_", ("int", "int"): "gcd_ lcm_",
}
for _ins, _names in _INPLACE_FUNCTIONS.items():
    for _n in _names.split():
        _add(Case(f"mg.{_n}", lambda m, x, *xs, n=_n: getattr(m, n)(x, *xs), _ins, (f"mg.{_n}",),
                  grad=False, inplace=True))
_add(Case("mg.clamp_ family", lambda m, x: m.clip_(m.clamp_max_(m.clamp_min_(m.clamp_(x, -1.5, 1.5), -1), 1),
                                                    -0.5, 0.5), ("real",),
          ("mg.clamp_", "mg.clamp_min_", "mg.clamp_max_", "mg.clip_"), grad=False, inplace=True),
     Case("mg.addmv_", lambda m, x, a, v: m.addmv_(x, a, v, beta=0.5), ("real:3", "real:3,4", "real:4"),
          ("mg.addmv_",), grad=False, inplace=True))
_forms("logit", ("real",), eps=0.25)  # p outside [eps, 1 - eps] clamped: there the gradient is 0
_forms("clamp_min", ("real",), -0.5)
_forms("clamp_max", ("real", "real:4"))  # a tensor bound
_add(
    Case("sinc(0), rad2deg(int)", lambda m, x, i: (m.sinc(x * 0), m.rad2deg(i), m.deg2rad(i), i.sinc()),
         ("real", "int0"), ("mg.sinc", "mg.rad2deg", "mg.deg2rad", "sinc")),
    Case("logit(0, 1)", lambda m, x: m.logit((x > 0).to(x.dtype)), ("real",), ("mg.logit",)),
)
_forms("round", ("real",), decimals=2)
# the gamma family ("real" stays 0.05 from every multiple of 0.5: off the poles); PyTorch's trigamma
# (polygamma(1), digamma's derivative) is accurate to ~1e-9, so those compare at 1e-8
_forms("lgamma", ("real",))
_forms("digamma", ("real",))
CASES[-3:] = [replace(c, rtol64=1e-8) for c in CASES[-3:]]
_forms("mvlgamma", ("gt1",), p=2)
# torch.special: the primitives on wide ranges (tails), and every alias once
_add(
    Case("erfc tails", lambda m, x: (m.erfc(x * 5), x.mul(5).erfc()), ("real",), ("mg.erfc", "erfc")),
    Case("special.ndtr, log_ndtr", lambda m, x: (m.special.ndtr(x * 15), m.special.log_ndtr(x * 15)),
         ("real",), ("mg.special.ndtr", "mg.special.log_ndtr")),
    Case("special.ndtri", lambda m, p: (m.special.ndtri(p), m.special.ndtri(p**20)), ("prob",),
         ("mg.special.ndtri",)),
    Case("special.i0, i0e, i1, i1e on both branches", lambda m, x: (*(
        f(x * 20) for f in (m.i0, m.special.i0, m.special.i0e, m.special.i1, m.special.i1e)), x.mul(3).i0()),
         ("real",), ("mg.i0", "mg.special.i0", "mg.special.i0e", "mg.special.i1", "mg.special.i1e", "i0")),
    Case("Tensor.i0_", lambda m, x: x.i0_(), ("real",), ("i0_",), inplace=True),
    Case("special.i0 family at 0, +-inf, nan",
         lambda m, x: (m.special.i0e(x), m.special.i1(x), m.special.i1e(x)), ("special",),
         ("mg.special.i0e",), grad=False),
    Case("special.entr", lambda m, p, x: (m.special.entr(p), m.special.entr(x)), ("prob", "special"),
         ("mg.special.entr",)),
    Case("special.xlog1py", lambda m, x, p: (m.special.xlog1py(x, p), m.special.xlog1py(x * 0, p - 1.5),
                                             m.special.xlog1py(2, p), m.special.xlog1py(x, 0.5)),
         ("real", "prob:4"), ("mg.special.xlog1py",)),
    Case("special aliases", lambda m, x, p: (
        m.special.expit(x), m.special.gammaln(x), m.special.psi(x), m.special.digamma(x), m.special.erf(x),
        m.special.erfc(x), m.special.erfinv(p - 0.5), m.special.exp2(x), m.special.expm1(x),
        m.special.log1p(p),
        m.special.logit(p), m.special.round(x, decimals=1), m.special.sinc(x), m.special.xlogy(x, p),
        m.special.polygamma(2, x), m.special.multigammaln(p + 2, 3), m.special.logsumexp(x, 1),
        m.special.softmax(x, 0), m.special.log_softmax(x, dim=1)), ("real", "prob"),
        tuple(f"mg.special.{n}" for n in (
            "expit", "gammaln", "psi", "digamma", "erf", "erfc", "erfinv", "exp2", "expm1", "log1p", "logit",
            "round", "sinc", "xlogy", "polygamma", "multigammaln", "logsumexp", "softmax", "log_softmax")),
        rtol64=1e-8),
    Case("special(int)", lambda m, i: (m.special.entr(i), m.special.ndtr(i), m.special.log_ndtr(i),
                                       m.special.ndtri(i), m.special.xlog1py(i, i)), ("int0",),
         ("mg.special.entr",)),
)
_add(
    Case("mg.polygamma", lambda m, x: (m.polygamma(1, x), m.polygamma(2, x), m.polygamma(0, x)), ("real",),
         ("mg.polygamma",), rtol64=1e-8),
    Case("Tensor.polygamma", lambda m, x: x.polygamma(3), ("real",), ("polygamma",)),
    Case("Tensor.polygamma_", lambda m, x: x.polygamma_(2), ("real",), ("polygamma_",), inplace=True),
    Case("lgamma(int), digamma(bool)",
         lambda m, i, b: (m.lgamma(i), i.digamma(), m.polygamma(2, i), b.lgamma(),
                          m.mvlgamma(i.abs() + 1, 2)),
         ("int", "bool"), ("mg.lgamma", "mg.digamma", "mg.mvlgamma")),
    Case("lgamma at the poles",
         lambda m, x: (m.lgamma(x), m.digamma(x), m.polygamma(2, x), m.polygamma(3, x)), ("special",),
         ("mg.lgamma",)),
)
_forms("round", ("real",), decimals=-1)
_add(
    Case("clamp(tensor bounds)", lambda m, x, lo, hi: x.clamp(min=lo, max=hi - 1),
         ("distinct", "distinct:4", "distinct:3,1"), ("clamp",)),
    Case("clamp_()", lambda m, x: x.clamp_(-0.5, 0.5), ("real",), ("clamp_",), inplace=True),
    Case("clip_()", lambda m, x: x.clip_(max=0.25), ("real",), ("clip_",), inplace=True),
    Case("mg.clamp", lambda m, x: m.clamp(x, min=-1.0), ("real",), ("mg.clamp",)),
    Case("mg.clip", lambda m, x: m.clip(x, -1.0, 1.0), ("real",), ("mg.clip",)),
    Case("mg.relu", lambda m, x: m.relu(x), ("real",), ("mg.relu",)),
    Case("mg.softmax", lambda m, x: (m.softmax(x, 1), m.log_softmax(x, dim=0)), ("real",),
         ("mg.softmax", "mg.log_softmax")),
    Case("nan_to_num", lambda m, x: x.nan_to_num(), ("special",), ("nan_to_num",)),
    Case("nan_to_num(args)", lambda m, x: m.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0), ("special",),
         ("mg.nan_to_num",)),
    Case("nan_to_num_", lambda m, x: x.nan_to_num_(nan=-1.0), ("special",), ("nan_to_num_",), inplace=True),
)
for _n in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"):
    _add(Case(f"mg.{_n}", lambda m, x, n=_n: getattr(m, n)(x), ("special",), (f"mg.{_n}",)),
         Case(f"Tensor.{_n}", lambda m, x, n=_n: getattr(x, n)(), ("special",), (_n,)))

# -- binary elementwise, tensor with tensor (broadcasting) and with Python numbers
_BINARY = {
    ("real", "real:4"): "add sub mul atan2 arctan2 hypot copysign logaddexp logaddexp2 maximum minimum fmax "
                        "fmin multiply subtract",
    ("real", "nonzero:3,1"): "div divide true_divide fmod remainder",
    ("pos", "real:4"): "pow float_power xlogy",
}
_NO_INPLACE = {"logaddexp", "logaddexp2", "maximum", "minimum", "fmax", "fmin", "float_power"}
for _ins, _names in _BINARY.items():
    for _n in _names.split():
        _forms(_n, _ins, inplace=_n not in _NO_INPLACE)
_add(
    Case("add(alpha)", lambda m, x, y: x.add(y, alpha=2), ("real", "real:4"), ("add",)),
    Case("mg.add(alpha)", lambda m, x, y: m.add(x, y, alpha=-0.5), ("real", "real:4"), ("mg.add",)),
    Case("add_(alpha)", lambda m, x, y: x.add_(y, alpha=3), ("real", "real:4"), ("add_",), inplace=True),
    Case("sub(alpha)", lambda m, x, y: x.sub(y, alpha=0.5), ("real", "real:4"), ("sub",)),
    Case("sub_(alpha)", lambda m, x, y: x.sub_(y, alpha=2), ("real", "real:4"), ("sub_",), inplace=True),
    Case("add(scalar)", lambda m, x: x.add(2.5), ("real",), ("add",)),
    Case("mul(scalar)", lambda m, x: x.mul(3), ("real",), ("mul",)),
    Case("mul_(scalar)", lambda m, x: x.mul_(-2.0), ("real",), ("mul_",), inplace=True),
    Case("div(scalar)", lambda m, x: x.div(4), ("real",), ("div",)),
    Case("rsub", lambda m, x, y: m.rsub(x, y), ("real", "real:4"), ("mg.rsub",)),
    Case("pow(scalar)", lambda m, x: x.pow(3), ("real",), ("pow",)),
    Case("mg.pow(scalar, x)", lambda m, x: m.pow(2.0, x), ("real",), ("mg.pow",)),
    Case("pow_(scalar)", lambda m, x: x.pow_(2), ("real",), ("pow_",), inplace=True),
    Case("div(floor)", lambda m, x, y: x.div(y, rounding_mode="floor"), ("real", "nonzero:3,1"), ("div",)),
    Case("div(trunc)", lambda m, x, y: x.div(y, rounding_mode="trunc"), ("real", "nonzero:3,1"), ("div",)),
    Case("mg.div(floor)", lambda m, x, y: m.div(x, y, rounding_mode="floor"), ("real", "nonzero:3,1"),
         ("mg.div",)),
    Case("div_(trunc)", lambda m, x, y: x.div_(y, rounding_mode="trunc"), ("real", "nonzero:3,1"), ("div_",),
         inplace=True),
    Case("floor_divide", lambda m, x, y: m.floor_divide(x, y), ("real", "nonzero:3,1"), ("mg.floor_divide",),
         grad=False, check_requires_grad=False),
    Case("Tensor.floor_divide", lambda m, x, y: x.floor_divide(y), ("real", "nonzero:3,1"),
         ("floor_divide",), grad=False, check_requires_grad=False),
    Case("//", lambda m, x, y: x // y, ("real", "nonzero:3,1"), ("__floordiv__",), grad=False,
         check_requires_grad=False),
    Case("// scalar", lambda m, x: x // 0.75, ("real",), ("__floordiv__",), grad=False,
         check_requires_grad=False),
    Case("r// scalar", lambda m, x: 3.0 // x, ("nonzero",), ("__rfloordiv__",), grad=False,
         check_requires_grad=False),
    Case("%", lambda m, x, y: x % y, ("real", "nonzero:3,1"), ("__mod__",)),
    Case("% scalar", lambda m, x: x % -0.75, ("real",), ("__mod__",)),
    Case("r% scalar", lambda m, x: 3.0 % x, ("nonzero",), ("__rmod__",), grad=False,
         check_requires_grad=False),
    Case("fmod(scalar)", lambda m, x: m.fmod(x, -0.75), ("real",), ("mg.fmod",)),
    Case("remainder(scalar)", lambda m, x: x.remainder(0.75), ("real",), ("remainder",)),
    Case("lerp(scalar)", lambda m, x, y: m.lerp(x, y, 0.3), ("real", "real:4"), ("mg.lerp",)),
    Case("lerp(tensor)", lambda m, x, y, w: x.lerp(y, w), ("real", "real:4", "prob:3,1"), ("lerp",)),
    Case("lerp_", lambda m, x, y: x.lerp_(y, 0.75), ("real", "real:4"), ("lerp_",), inplace=True),
    Case("addcmul", lambda m, x, a, b: m.addcmul(x, a, b, value=0.5), ("real", "real:4", "real:3,1"),
         ("mg.addcmul",)),
    Case("Tensor.addcmul", lambda m, x, a, b: x.addcmul(a, b), ("real", "real:4", "real:3,1"), ("addcmul",)),
    Case("addcmul_", lambda m, x, a, b: x.addcmul_(a, b, value=-2), ("real", "real:4", "real:3,1"),
         ("addcmul_",), inplace=True),
    Case("addcdiv", lambda m, x, a, b: m.addcdiv(x, a, b, value=2), ("real", "real:4", "nonzero:3,1"),
         ("mg.addcdiv",)),
    Case("Tensor.addcdiv", lambda m, x, a, b: x.addcdiv(a, b), ("real", "real:4", "nonzero:3,1"),
         ("addcdiv",)),
    Case("addcdiv_", lambda m, x, a, b: x.addcdiv_(a, b, value=0.5), ("real", "real:4", "nonzero:3,1"),
         ("addcdiv_",), inplace=True),
    Case("mg.maximum", lambda m, x, y: m.max(x, y), ("distinct", "distinct:4"), ("mg.max",)),
    Case("mg.minimum", lambda m, x, y: m.min(x, y), ("distinct", "distinct:4"), ("mg.min",)),
    Case("Tensor.max(other)", lambda m, x, y: x.max(y), ("distinct", "distinct:4"), ("max",)),
)
# in-place operators on a float tensor
for _sym, _iop in [("__iadd__", operator.iadd), ("__isub__", operator.isub), ("__imul__", operator.imul),
                   ("__itruediv__", operator.itruediv), ("__imod__", operator.imod),
                   ("__ipow__", operator.ipow)]:
    _add(Case(_sym, lambda m, x, y, f=_iop: f(x, y), ("pos", "nonzero:4"), (_sym,), inplace=True))
_add(Case("__ifloordiv__", lambda m, x, y: operator.ifloordiv(x, y), ("pos", "nonzero:4"), ("__ifloordiv__",),
          inplace=True, grad=False, check_requires_grad=False))

# -- comparisons (bool results, no grad), as functions, methods, aliases and with numbers
for _n in ["eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal", "not_equal"]:
    _add(
        Case(f"mg.{_n}", lambda m, x, y, n=_n: getattr(m, n)(x, y), ("ties", "ties:4"), (f"mg.{_n}",)),
        Case(f"Tensor.{_n}", lambda m, x, y, n=_n: getattr(x, n)(y), ("ties", "ties:4"), (_n,)),
        Case(f"Tensor.{_n}(scalar)", lambda m, x, n=_n: getattr(x, n)(1), ("ties",), (_n,)),
    )
_add(
    Case("mg.equal", lambda m, x: (m.equal(x, x.clone()), m.equal(x, x + 1)), ("real",), ("mg.equal",)),
    Case("Tensor.equal", lambda m, x, y: x.equal(y), ("real", "real"), ("equal",)),
    Case("isclose", lambda m, x: m.isclose(x, x + 1e-9), ("real",), ("mg.isclose",)),
    Case("Tensor.isclose", lambda m, x, y: x.isclose(y, rtol=0.5, atol=0.1), ("real", "real"), ("isclose",)),
    Case("isclose(nan)", lambda m, x: m.isclose(x, x, equal_nan=True), ("special",), ("mg.isclose",)),
    Case("allclose", lambda m, x: (m.allclose(x, x + 1e-9), m.allclose(x, x + 1)), ("real",),
         ("mg.allclose",)),
    Case("Tensor.allclose", lambda m, x, y: x.allclose(y, atol=5.0), ("real", "real"), ("allclose",)),
)

# -- logical and bitwise ops, on bool and integer tensors
for _n in ("logical_and", "logical_or", "logical_xor"):
    _forms(_n, ("bool", "bool:4"), grad=False)
    _add(Case(f"{_n}(float)", lambda m, x, y, n=_n: getattr(m, n)(x, y), ("ties", "ties:4"), (f"mg.{_n}",)))
_forms("logical_not", ("bool",), grad=False)
_add(Case("logical_not(float)", lambda m, x: m.logical_not(x), ("ties",), ("mg.logical_not",)))
for _n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    _forms(_n, ("int0", "int0:4"), grad=False)
    _add(Case(f"{_n}(bool)", lambda m, x, y, n=_n: getattr(x, n)(y), ("bool", "bool:4"), (_n,)))
_forms("bitwise_not", ("int0",), grad=False)
_forms("bitwise_left_shift", ("int0", "small:4"), grad=False)
_forms("bitwise_right_shift", ("int0", "small:4"), grad=False)
_add(Case("bitwise_not(bool)", lambda m, x: m.bitwise_not(x), ("bool",), ("mg.bitwise_not",)))

# -- Python operators with PyTorch's integer semantics (floor division, sign of % and fmod, shifts)
_INT_OPERATORS = [
    ("__floordiv__", operator.floordiv), ("__mod__", operator.mod), ("__and__", operator.and_),
    ("__or__", operator.or_), ("__xor__", operator.xor), ("__lshift__", operator.lshift),
    ("__rshift__", operator.rshift), ("__truediv__", operator.truediv), ("__mul__", operator.mul),
    ("__add__", operator.add), ("__sub__", operator.sub), ("__pow__", operator.pow),
]
for _sym, _f in _INT_OPERATORS:
    _rhs = "small:4" if _sym in ("__lshift__", "__rshift__", "__pow__") else "int:4"
    _add(Case(f"int {_sym}", lambda m, x, y, f=_f: f(x, y), ("int0", _rhs), (_sym,)))
    _add(Case(f"int {_sym} 3", lambda m, x, f=_f: f(x, 3), ("int0",), (_sym,)))
    if _sym not in ("__truediv__", "__pow__"):
        _add(Case(f"int {_sym} -3", lambda m, x, f=_f: f(x, -3 if f not in (operator.lshift, operator.rshift)
                                                          else 2), ("int0",), (_sym,)))
for _sym, _f in [("__rfloordiv__", operator.floordiv), ("__rmod__", operator.mod),
                 ("__rand__", operator.and_), ("__ror__", operator.or_), ("__rxor__", operator.xor),
                 ("__rlshift__", operator.lshift), ("__rrshift__", operator.rshift)]:
    _add(Case(f"int {_sym}", lambda m, x, f=_f: f(-7, x), ("int",), (_sym,)))
_add(
    Case("int ~", lambda m, x: ~x, ("int0",), ("__invert__",)),
    Case("bool ~", lambda m, x: ~x, ("bool",), ("__invert__",)),
    Case("bool ^", lambda m, x, y: x ^ y, ("bool", "bool:4"), ("__xor__",)),
    Case("int fmod", lambda m, x, y: m.fmod(x, y), ("int0", "int:4"), ("mg.fmod",)),
    Case("int remainder", lambda m, x, y: m.remainder(x, y), ("int0", "int:4"), ("mg.remainder",)),
    Case("int div floor", lambda m, x, y: x.div(y, rounding_mode="floor"), ("int0", "int:4"), ("div",)),
    Case("int div trunc", lambda m, x, y: x.div(y, rounding_mode="trunc"), ("int0", "int:4"), ("div",)),
    Case("int / int", lambda m, x, y: m.true_divide(x, y), ("int0", "int:4"), ("mg.true_divide",)),
    Case("int // float", lambda m, x: x // 2.5, ("int0",), ("__floordiv__",)),
    Case("int % float", lambda m, x: x % 2.5, ("int0",), ("__mod__",)),
    Case("int abs neg sign", lambda m, x: (x.abs(), -x, x.sign(), x.square()), ("int0",),
         ("abs", "__neg__", "sign", "square")),
    Case("int clamp", lambda m, x: x.clamp(-3, 4), ("int0",), ("clamp",)),
    Case("int maximum", lambda m, x, y: m.maximum(x, y), ("int0", "int:4"), ("mg.maximum",)),
)
for _sym, _op in [("__ifloordiv__", operator.ifloordiv), ("__imod__", operator.imod),
                  ("__iand__", operator.iand), ("__ior__", operator.ior), ("__ixor__", operator.ixor),
                  ("__ilshift__", operator.ilshift),
                  ("__irshift__", operator.irshift), ("__iadd__", operator.iadd), ("__imul__", operator.imul),
                  ("__isub__", operator.isub)]:
    _rhs = "small:4" if _sym in ("__ilshift__", "__irshift__") else "int:4"
    _add(Case(f"int {_sym}", lambda m, x, y, f=_op: f(x, y), ("int0", _rhs), (_sym,), inplace=True))

# -- reductions
_add(
    Case("sum(dtype)", lambda m, x: x.sum(dtype=m.float64), ("real",), ("sum",)),
    Case("sum(dim, dtype)", lambda m, x: m.sum(x, 1, dtype=m.float64), ("real",), ("mg.sum",)),
    Case("sum(int)", lambda m, x: (x.sum(), x.sum(0), m.sum(x, dtype=m.float32)), ("int0",), ("sum",)),
    Case("sum(bool)", lambda m, x: x.sum(1), ("bool",), ("sum",)),
    Case("sum(axis)", lambda m, x: x.sum(axis=1), ("real",), ("sum",)),
    Case("sum(axis, keepdims)", lambda m, x: m.sum(x, axis=(0, 1), keepdims=True), ("real",), ("mg.sum",)),
    Case("nansum", lambda m, x: (x.nansum(), m.nansum(x, 1)), ("special",), ("nansum", "mg.nansum")),
    Case("nansum(int)", lambda m, i: (i.nansum(), m.nansum(i.to(m.int32), 0)), ("int0",), ("nansum",)),
    Case("mean(axis)", lambda m, x: x.mean(axis=0, keepdims=True), ("real",), ("mean",)),
    Case("mg.mean", lambda m, x: m.mean(x, dim=(0, 1)), ("real:2,3,4",), ("mg.mean",)),
    Case("mean(dtype)", lambda m, x: x.mean(dtype=m.float64), ("real",), ("mean",)),
    Case("nanmean", lambda m, x: (m.nanmean(x, 1), m.nanmean(x[:, :1] * m.nan, 1)), ("special",),
         ("mg.nanmean",)),
    Case("prod", lambda m, x: x.prod(), ("nonzero",), ("prod",)),
    Case("prod(dim)", lambda m, x: m.prod(x, 1, keepdim=True), ("nonzero",), ("mg.prod",)),
    Case("prod(zeros)", lambda m, x: x.prod(0), ("ties",), ("prod",)),
    Case("prod(int)", lambda m, x: x.prod(1), ("int",), ("prod",)),
    Case("var(unbiased)", lambda m, x: (x.var(unbiased=False), x.var(1, unbiased=True),
                                       x.var(0, keepdim=True, unbiased=False), x.var(False)),
         ("real",), ("var",)),
    Case("std(unbiased)", lambda m, x: (x.std(unbiased=False), x.std(dim=1, unbiased=False, keepdim=True)),
         ("real",), ("std",)),
    Case("var(axis)", lambda m, x: x.var(axis=1, keepdims=True), ("real",), ("var",)),
    Case("mg.var", lambda m, x: m.var(x, 0, correction=0), ("real",), ("mg.var",)),
    Case("mg.std", lambda m, x: m.std(x, dim=1), ("real",), ("mg.std",)),
    Case("var_mean", lambda m, x: m.var_mean(x, 1), ("real",), ("mg.var_mean",)),
    Case("var_mean(unbiased)", lambda m, x: m.var_mean(x, unbiased=False), ("real",), ("mg.var_mean",)),
    Case("std_mean", lambda m, x: m.std_mean(x, dim=0, correction=0, keepdim=True), ("real",),
         ("mg.std_mean",)),
    Case("trapezoid/trapz",
         lambda m, y, x: (m.trapezoid(y), m.trapezoid(y, x[0], dim=1), m.trapz(y, dx=0.5, dim=0),
                          m.trapezoid(y, x)),
         ("real", "distinct"), ("mg.trapezoid", "mg.trapz")),
    Case("cumulative_trapezoid",
         lambda m, y, x: (m.cumulative_trapezoid(y), m.cumulative_trapezoid(y, x[1]),
                          m.cumulative_trapezoid(y, dx=2.0, dim=0)), ("real", "distinct"),
         ("mg.cumulative_trapezoid",)),
    Case("cov/corrcoef", lambda m, x: (m.cov(x), m.cov(x, correction=0), m.cov(x[0]), m.corrcoef(x),
                                       m.corrcoef(x[1])), ("real",), ("mg.cov", "mg.corrcoef")),
    Case("cov(weights)", lambda m, x, f, a: m.cov(x, fweights=f.abs() + 1, aweights=a),
         ("real", "small:4", "pos:4"), ("mg.cov",)),
    Case("cov(int)", lambda m, x: m.cov(x), ("int0",), ("mg.cov",)),
    Case("max(dim)", lambda m, x: x.max(1), ("distinct",), ("max",)),
    Case("max(dim, keepdim)", lambda m, x: x.max(dim=0, keepdim=True), ("distinct",), ("max",)),
    Case("max(axis)", lambda m, x: x.max(axis=1), ("distinct",), ("max",)),
    Case("mg.max(dim)", lambda m, x: m.max(x, 1), ("distinct",), ("mg.max",)),
    Case("mg.max()", lambda m, x: m.max(x), ("distinct",), ("mg.max",)),
    Case("min(dim)", lambda m, x: x.min(-1), ("distinct",), ("min",)),
    Case("mg.min(dim)", lambda m, x: m.min(x, dim=0), ("distinct",), ("mg.min",)),
    Case("max(int dim)", lambda m, x: x.max(1), ("int0",), ("max",)),
    Case("amax(tuple)", lambda m, x: x.amax((0, 2)), ("distinct:2,3,4",), ("amax",)),
    Case("mg.amax", lambda m, x: m.amax(x, dim=(-1, 0), keepdim=True), ("distinct:2,3,4",), ("mg.amax",)),
    Case("mg.amin", lambda m, x: m.amin(x, 1), ("distinct",), ("mg.amin",)),
    Case("aminmax", lambda m, x: m.aminmax(x, dim=1), ("distinct",), ("mg.aminmax",)),
    Case("mg.argmax", lambda m, x: (m.argmax(x), m.argmax(x, dim=1), m.argmax(x, 0, keepdim=True)),
         ("distinct",), ("mg.argmax",)),
    Case("mg.argmin", lambda m, x: (m.argmin(x), m.argmin(x, dim=1)), ("distinct",), ("mg.argmin",)),
    Case("argmax(axis)", lambda m, x: x.argmax(axis=1), ("distinct",), ("argmax",)),
    Case("mg.logsumexp", lambda m, x: m.logsumexp(x, 1), ("real",), ("mg.logsumexp",)),
    Case("logsumexp(tuple)", lambda m, x: x.logsumexp((0, 1), keepdim=True), ("real",), ("logsumexp",)),
    Case("cumsum", lambda m, x: x.cumsum(1), ("real",), ("cumsum",)),
    Case("mg.cumsum", lambda m, x: m.cumsum(x, dim=0), ("real",), ("mg.cumsum",)),
    Case("cumsum(int)", lambda m, x: x.cumsum(0), ("int0",), ("cumsum",)),
    Case("cumsum(dtype)", lambda m, x: x.cumsum(1, dtype=m.float64), ("real",), ("cumsum",)),
    Case("cumsum_", lambda m, x: x.cumsum_(0), ("real",), ("cumsum_",), inplace=True),
    Case("cumprod", lambda m, x: x.cumprod(1), ("nonzero",), ("cumprod",)),
    Case("mg.cumprod", lambda m, x: m.cumprod(x, 0), ("ties",), ("mg.cumprod",)),
    Case("cummax", lambda m, x: x.cummax(1), ("distinct",), ("cummax",)),
    Case("mg.cummax", lambda m, x: m.cummax(x, 0), ("distinct",), ("mg.cummax",)),
    Case("cummin", lambda m, x: m.cummin(x, dim=1), ("distinct",), ("mg.cummin",)),
    Case("Tensor.cummin", lambda m, x: x.cummin(0), ("distinct",), ("cummin",)),
    Case("diff", lambda m, x: (x.diff(), x.diff(dim=0), x.diff(n=2), x.diff(n=5), x.diff(n=0)), ("real",),
         ("diff",)),
    Case("mg.diff(prepend, append)",
         lambda m, x, p, a, q: (m.diff(x, prepend=p, append=a), m.diff(x, 2, 0, q)),
         ("real", "real:3,2", "real:3,1", "real:1,4"), ("mg.diff",)),
    Case("diff(int, bool)", lambda m, x, b: (x.diff(), m.diff(x, dim=0), b.diff(), m.diff(b, n=2, dim=0)),
         ("int0", "bool"), ("diff", "mg.diff")),
    Case("logcumsumexp", lambda m, x: x.logcumsumexp(1), ("real",), ("logcumsumexp",)),
    Case("mg.logcumsumexp", lambda m, x: m.logcumsumexp(x, 0), ("real",), ("mg.logcumsumexp",)),
    Case("norm", lambda m, x: x.norm(), ("real",), ("norm",)),
    Case("norm(p, dim)", lambda m, x: (x.norm(1, dim=1), x.norm(p=3, dim=0, keepdim=True),
                                       x.norm(float("inf"), 1), x.norm("fro")), ("real",), ("norm",)),
    Case("mg.norm", lambda m, x: m.norm(x, dim=(0, 1)), ("real",), ("mg.norm",)),
    Case("norm(zero row)", lambda m, x: (x * m.tensor([[1.0], [0.0], [1.0]], dtype=x.dtype)).norm(dim=1),
         ("real",), ("norm",)),
    Case("all/any", lambda m, x: (x.all(), x.any(), x.all(1), x.any(dim=0, keepdim=True), m.all(x),
                                  m.any(x, 1)), ("bool",), ("all", "any", "mg.all", "mg.any")),
    Case("all/any(float)", lambda m, x: (x.all(), x.any(1)), ("ties",), ("all", "any")),
    Case("count_nonzero", lambda m, x: (x.count_nonzero(), m.count_nonzero(x, dim=1),
                                        m.count_nonzero(x, (0, 1))), ("ties",),
         ("count_nonzero", "mg.count_nonzero")),
)

# -- sorting and selection
_add(
    Case("sort", lambda m, x: x.sort(), ("distinct",), ("sort",)),
    Case("mg.sort", lambda m, x: m.sort(x, dim=0, descending=True), ("distinct",), ("mg.sort",)),
    Case("sort(stable)", lambda m, x: m.sort(x, stable=True), ("ties",), ("mg.sort",)),
    Case("argsort", lambda m, x: (x.argsort(), m.argsort(x, dim=0, descending=True)), ("distinct",),
         ("argsort", "mg.argsort")),
    Case("argsort(stable)", lambda m, x: x.argsort(stable=True, dim=1), ("ties",), ("argsort",)),
    Case("msort", lambda m, x: m.msort(x), ("distinct",), ("mg.msort",)),
    Case("topk", lambda m, x: x.topk(2), ("distinct",), ("topk",)),
    Case("mg.topk", lambda m, x: m.topk(x, 2, dim=0, largest=False), ("distinct",), ("mg.topk",)),
    Case("kthvalue", lambda m, x: x.kthvalue(2), ("distinct",), ("kthvalue",)),
    Case("mg.kthvalue", lambda m, x: m.kthvalue(x, 1, 0, keepdim=True), ("distinct",), ("mg.kthvalue",)),
    Case("median", lambda m, x: (x.median(), x.median(1)), ("distinct",), ("median",)),
    Case("mg.median", lambda m, x: m.median(x, dim=0), ("distinct",), ("mg.median",)),
    Case("median(even)", lambda m, x: x.median(), ("distinct:2,2",), ("median",)),
    Case("nanmedian", lambda m, x: m.nanmedian(x), ("distinct",), ("mg.nanmedian",)),
    Case("quantile", lambda m, x: (x.quantile(0.3), x.quantile(0.6, 1, True, interpolation="midpoint")),
         ("ties",), ("quantile",)),
    Case("mg.quantile", lambda m, x: m.quantile(x, m.tensor([0.0, 0.25, 0.9], dtype=x.dtype), dim=0,
                                                 interpolation="nearest"), ("real",), ("mg.quantile",)),
    Case("nanquantile", lambda m, x: (x.nanquantile(0.4, -1), m.nanquantile(x, 0.75, interpolation="higher")),
         ("special:3,4",), ("nanquantile", "mg.nanquantile")),
    Case("mode", lambda m, x: x.mode(1), ("ties:3,7",), ("mode",), grad=False),
    Case("mg.mode", lambda m, x: m.mode(x, 0), ("ties:7,3",), ("mg.mode",), grad=False),
    Case("unique", lambda m, x: x.unique(), ("ties",), ("unique",), grad=False, check_requires_grad=False),
    Case("mg.unique", lambda m, x: m.unique(x, return_inverse=True, return_counts=True), ("ties",),
         ("mg.unique",), grad=False, check_requires_grad=False),
    Case("unique(dim)", lambda m, x: m.unique(x, dim=0, return_counts=True), ("small:6,2",), ("mg.unique",)),
    Case("unique_consecutive", lambda m, x: m.unique_consecutive(x, return_counts=True), ("small:9",),
         ("mg.unique_consecutive",)),
)

# -- shape and join ops
_add(
    Case("mg.concat", lambda m, x, y: m.concat([x, y], dim=1), ("real", "real:3,2"), ("mg.concat",)),
    Case("mg.concatenate", lambda m, x, y: m.concatenate((x, y), axis=0), ("real", "real:1,4"),
         ("mg.concatenate",)),
    Case("mg.cat(axis)", lambda m, x, y: m.cat((x, y), axis=1), ("real", "real:3,2"), ("mg.cat",)),
    Case("mg.cat(1-d empty)", lambda m, x: m.cat([x, m.zeros(0, dtype=x.dtype)]), ("real:4",), ("mg.cat",)),
    Case("mg.hstack", lambda m, x, y: m.hstack([x, y]), ("real", "real:3,2"), ("mg.hstack",)),
    Case("mg.hstack(1-d)", lambda m, x, y: m.hstack([x, y]), ("real:4", "real:2"), ("mg.hstack",)),
    Case("mg.vstack", lambda m, x, y: m.vstack([x, y]), ("real", "real:4"), ("mg.vstack",)),
    Case("mg.dstack", lambda m, x, y: m.dstack([x, y]), ("real", "real"), ("mg.dstack",)),
    Case("mg.column_stack", lambda m, x, y: m.column_stack([x, y]), ("real:3", "real:3,2"),
         ("mg.column_stack",)),
    Case("mg.row_stack", lambda m, x, y: m.row_stack([x, y]), ("real", "real:4"), ("mg.row_stack",)),
    Case("mg.stack(dim)", lambda m, x, y: m.stack([x, y], dim=-1), ("real", "real"), ("mg.stack",)),
    Case("split(list)", lambda m, x: x.split([1, 3], dim=1), ("real",), ("split",)),
    Case("split(int)", lambda m, x: x.split(2, 0), ("real",), ("split",)),
    Case("mg.split", lambda m, x: m.split(x, [2, 0, 1]), ("real",), ("mg.split",)),
    Case("split(split_size_or_sections)", lambda m, x: x.split(split_size=2, dim=1), ("real",), ("split",)),
    Case("tensor_split", lambda m, x: (x.tensor_split(3, dim=1), m.tensor_split(x, [1, 2])), ("real",),
         ("tensor_split", "mg.tensor_split")),
    Case("hsplit", lambda m, x: (x.hsplit(2), m.hsplit(x, [1, 3])), ("real",), ("hsplit", "mg.hsplit")),
    Case("vsplit", lambda m, x: (x.vsplit([1]), m.vsplit(x, 3)), ("real",), ("vsplit", "mg.vsplit")),
    Case("dsplit", lambda m, x: (x.dsplit(2), m.dsplit(x, [1])), ("real:2,3,4",), ("dsplit", "mg.dsplit")),
    Case("mg.block_diag", lambda m, x, y, z: m.block_diag(x, y, z), ("real", "real:2", "real:2,1"),
         ("mg.block_diag",)),
    Case("mg.cartesian_prod", lambda m, x, y: m.cartesian_prod(x, y), ("real:3", "real:2"),
         ("mg.cartesian_prod",)),
    Case("mg.combinations", lambda m, x: (m.combinations(x), m.combinations(x, 3, with_replacement=True)),
         ("real:4",), ("mg.combinations",)),
    Case("chunk", lambda m, x: m.chunk(x, 2, dim=1), ("real",), ("mg.chunk",)),
    Case("unsafe splits", lambda m, x: (*x.unsafe_split(2, 1), *x.unsafe_split_with_sizes([1, 2]),
                                        *x.unsafe_chunk(2, dim=1), *m.unsafe_split_with_sizes(x, [3], 0)),
         ("real",),
         ("unsafe_split", "unsafe_split_with_sizes", "unsafe_chunk", "mg.unsafe_split_with_sizes")),
    Case("unbind", lambda m, x: (x.unbind(), m.unbind(x, dim=1)), ("real",), ("unbind", "mg.unbind")),
    Case("narrow", lambda m, x: (x.narrow(1, 1, 2), m.narrow(x, 0, -2, 2)), ("real",),
         ("narrow", "mg.narrow")),
    Case("select", lambda m, x: (x.select(1, 2), m.select(x, 0, -1)), ("real",), ("select", "mg.select")),
    Case("flip", lambda m, x: (x.flip(0), m.flip(x, (0, 1)), x.flip([-1])), ("real",), ("flip", "mg.flip")),
    Case("fliplr/flipud", lambda m, x: (x.fliplr(), m.flipud(x), m.fliplr(x), x.flipud()), ("real",),
         ("fliplr", "flipud", "mg.fliplr", "mg.flipud")),
    Case("roll", lambda m, x: (x.roll(1), x.roll(-1, 1), m.roll(x, (1, 5), (0, 1))), ("real",),
         ("roll", "mg.roll")),
    Case("rot90", lambda m, x: (x.rot90(), m.rot90(x, 3, [0, 1]), m.rot90(x, -2)), ("real",),
         ("rot90", "mg.rot90")),
    Case("repeat", lambda m, x: (x.repeat(2, 1), x.repeat((2, 1, 3))), ("real",), ("repeat",)),
    Case("tile", lambda m, x: (x.tile(2), m.tile(x, (1, 2, 2))), ("real",), ("tile", "mg.tile")),
    Case("repeat_interleave", lambda m, x: (x.repeat_interleave(2), x.repeat_interleave(2, dim=0),
                                            m.repeat_interleave(x, m.tensor([1, 0, 2, 1]), dim=1)),
         ("real",), ("repeat_interleave", "mg.repeat_interleave")),
    Case("repeat_interleave(counts)", lambda m: m.repeat_interleave(m.tensor([2, 0, 3])), (),
         ("mg.repeat_interleave",)),
    Case("expand_as", lambda m, x, y: x.expand_as(y), ("real:4", "real"), ("expand_as",)),
    Case("broadcast_to", lambda m, x: (x.broadcast_to((2, 3, 4)), m.broadcast_to(x, (3, 4))), ("real:4",),
         ("broadcast_to", "mg.broadcast_to")),
    Case("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x, y), ("real:3,1", "real:4"),
         ("mg.broadcast_tensors",)),
    Case("view_as", lambda m, x, y: x.view_as(y), ("real", "real:2,6"), ("view_as",)),
    Case("reshape_as", lambda m, x, y: x.reshape_as(y), ("real", "real:6,2"), ("reshape_as",)),
    Case("mg.reshape", lambda m, x: m.reshape(x, (2, -1)), ("real",), ("mg.reshape",)),
    Case("view(-1)", lambda m, x: x.view(-1), ("real",), ("view",)),
    Case("t", lambda m, x: (x.t(), m.t(x), x[0].t()), ("real",), ("t", "mg.t")),
    Case("t_", lambda m, x: x.t_(), ("real",), ("t_",), inplace=True),
    Case("transpose_", lambda m, x: x.transpose_(0, 1), ("real",), ("transpose_",), inplace=True),
    Case("swapdims_", lambda m, x: x.swapdims_(1, 0), ("real",), ("swapdims_",), inplace=True),
    Case("swapaxes_", lambda m, x: x.swapaxes_(0, -1), ("real",), ("swapaxes_",), inplace=True),
    Case("swapaxes", lambda m, x: (x.swapaxes(0, 2), m.swapaxes(x, 1, 0), x.swapdims(2, 1),
                                   m.swapdims(x, 0, 1)), ("real:2,3,4",),
         ("swapaxes", "mg.swapaxes", "swapdims", "mg.swapdims")),
    Case("mg.transpose", lambda m, x: m.transpose(x, 0, 1), ("real",), ("mg.transpose",)),
    Case("mg.permute", lambda m, x: (m.permute(x, (2, 0, 1)), x.permute([1, 2, 0])), ("real:2,3,4",),
         ("mg.permute", "permute")),
    Case("movedim", lambda m, x: (x.movedim(0, -1), m.movedim(x, (0, 1), (2, 0)), x.moveaxis(1, 0),
                                  m.moveaxis(x, -1, 0)), ("real:2,3,4",),
         ("movedim", "mg.movedim", "moveaxis", "mg.moveaxis")),
    Case("squeeze", lambda m, x: (x.squeeze(), x.squeeze((0, 2)), m.squeeze(x, 2), x.squeeze(dim=1)),
         ("real:1,3,1,2",), ("squeeze", "mg.squeeze")),
    Case("squeeze_", lambda m, x: x.squeeze_(0), ("real:1,3,1,2",), ("squeeze_",), inplace=True),
    Case("unsqueeze", lambda m, x: (m.unsqueeze(x, 1), x.unsqueeze(-1)), ("real",),
         ("mg.unsqueeze", "unsqueeze")),
    Case("unsqueeze_", lambda m, x: x.unsqueeze_(0), ("real",), ("unsqueeze_",), inplace=True),
    Case("flatten", lambda m, x: (m.flatten(x), m.flatten(x, 1), x.flatten(0, 1)), ("real:2,3,4",),
         ("mg.flatten", "flatten")),
    Case("ravel", lambda m, x: (x.ravel(), m.ravel(x)), ("real",), ("ravel", "mg.ravel")),
    Case("unflatten", lambda m, x: (x.unflatten(1, (2, 2)), m.unflatten(x, 0, (3, 1)),
                                    x.unflatten(-1, (-1, 2))), ("real",), ("unflatten", "mg.unflatten")),
    Case("contiguous", lambda m, x: (x.t().contiguous(), x.is_contiguous(), x.t().is_contiguous(),
                                     x.t().contiguous().is_contiguous(), x.t().contiguous().stride()),
         ("real",), ("contiguous", "is_contiguous")),
    Case("clone", lambda m, x: (x.clone(), m.clone(x)), ("real",), ("clone", "mg.clone")),
    Case("atleast", lambda m, x: (m.atleast_1d(x[0, 0]), m.atleast_2d(x[0]), m.atleast_3d(x)), ("real",),
         ("mg.atleast_1d", "mg.atleast_2d", "mg.atleast_3d")),
)

# -- linear algebra
_add(
    Case("mm", lambda m, a, b: (a.mm(b), m.mm(a, b)), ("real", "real:4,2"), ("mm", "mg.mm")),
    Case("spmm", lambda m, a, b: (m.spmm(a, b), m.sparse.mm(a, b), m.sparse.addmm(b[0], a, b, beta=0.5),
                                  a.to_dense()), ("real", "real:4,2"), ("mg.spmm", "to_dense")),
    Case("dsmm", lambda m, a, b: m.dsmm(a.to_sparse(), b), ("real", "real:4,2"), ("mg.dsmm",)),
    Case("sparse_coo", lambda m, a: (a.to_sparse().to_dense(), a.to_sparse_coo().coalesce().values(),
                                      m.sparse_coo_tensor([[0, 1, 0], [2, 0, 2]], a[0, :3], (3, 4),
                                                          check_invariants=False).to_dense(),
                                      a.sparse_mask(m.sparse_coo_tensor([[2, 0, 2], [1, 3, 1]], [1.0] * 3,
                                                                        (3, 4), check_invariants=False)
                                                    .coalesce()).to_dense()),
         ("real:3,4",), ("to_sparse", "to_sparse_coo", "mg.sparse_coo_tensor", "sparse_mask")),
    Case("bmm", lambda m, a, b: (a.bmm(b), m.bmm(a, b)), ("real:2,3,4", "real:2,4,2"), ("bmm", "mg.bmm")),
    Case("outer", lambda m, a, b: (a.outer(b), m.outer(a, b), m.ger(a, b)), ("real:3", "real:4"),
         ("outer", "mg.outer", "mg.ger")),
    Case("dot", lambda m, a, b: (m.dot(a, b), m.inner(a, b), a.inner(b), m.vdot(a, b)), ("real:4", "real:4"),
         ("mg.dot", "mg.inner", "inner", "mg.vdot")),
    Case("inner(matrix)", lambda m, a, b: m.inner(a, b), ("real", "real:2,4"), ("mg.inner",)),
    Case("mv", lambda m, a, b: (a.mv(b), m.mv(a, b)), ("real", "real:4"), ("mv", "mg.mv")),
    Case("addmm", lambda m, c, a, b: (m.addmm(c, a, b), c.addmm(a, b, beta=0.5, alpha=2)),
         ("real:3,2", "real", "real:4,2"), ("mg.addmm", "addmm")),
    Case("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b, alpha=0.5), ("real:2,3,2", "real:2,3,4",
                                                                        "real:2,4,2"), ("mg.baddbmm",)),
    Case("kron", lambda m, a, b: m.kron(a, b), ("real:2,2", "real:2,3"), ("mg.kron",)),
    # values only: PyTorch 2.13's vander cannot be differentiated (its in-place cumprod trips its own
    # version check); minigrad's gradient is cumprod's
    Case("vander", lambda m, x: (m.vander(x), m.vander(x, 2, increasing=True), m.vander(x, N=5)), ("real:4",),
         ("mg.vander",), grad=False),
    Case("cross", lambda m, a, b: m.linalg.cross(a, b), ("real:4,3", "real:4,3"), ("mg.linalg.cross",)),
    Case("torch.cross", lambda m, a, b: (m.cross(a, b, dim=1), a.cross(b, 0), m.cross(a, b, -2)),
         ("real:3,3", "real:3,3"), ("mg.cross", "cross")),
    Case("vecdot", lambda m, a, b: (m.linalg.vecdot(a, b), m.linalg.vecdot(a, b, dim=0)),
         ("real:2,3,4", "real:3,4"), ("mg.linalg.vecdot",)),
    Case("matrix_power", lambda m, a: (m.linalg.matrix_power(a, 3), m.matrix_power(a, 1), a.matrix_power(6),
                                       m.linalg.matrix_power(a, -2), a.matrix_power(-1)),
         ("real:2,3,3",), ("mg.linalg.matrix_power", "mg.matrix_power", "matrix_power"), rtol32=1e-4),
    Case("multi_dot", lambda m, a, b, c, d: (m.linalg.multi_dot([a, b, c, d]), m.linalg.multi_dot([b, c]),
                                             m.linalg.multi_dot([a, b]), m.linalg.multi_dot([c, d])),
         ("real:3", "real:3,5", "real:5,2", "real:2"), ("mg.linalg.multi_dot",)),
    Case("multi_dot(chain)", lambda m, a, b, c, d: m.linalg.multi_dot((a, b, c, d)),
         ("real:6,1", "real:1,5", "real:5,7", "real:7,2"), ("mg.linalg.multi_dot",)),
    Case("matrix_rank", lambda m, a: (m.linalg.matrix_rank(a), m.linalg.matrix_rank(a, atol=1.0),
                                      m.linalg.matrix_rank(a, atol=0.5, rtol=0.3),
                                      m.linalg.matrix_rank(a @ a.mT, hermitian=True),
                                      m.linalg.matrix_rank(a[..., :1] * a, rtol=0.2),
                                      m.linalg.matrix_rank(a, tol=0.5)),
         ("real:2,3,4",), ("mg.linalg.matrix_rank",), grad=False),
    Case("select_scatter", lambda m, a, b: (m.select_scatter(a, b, 1, -2), a.select_scatter(b, -2, 0)),
         ("real:2,3,4", "real:2,4"), ("mg.select_scatter", "select_scatter")),
    Case("slice_scatter", lambda m, a, b: (m.slice_scatter(a, b, 2, 1, None, 2), a.slice_scatter(
        b, dim=-1, start=-3, end=-1), m.slice_scatter(a, a[:, :1] * 2, dim=1, start=2)),
         ("real:2,3,4", "real:2,3,2"), ("mg.slice_scatter", "slice_scatter")),
    Case("diagonal_scatter", lambda m, a, b, c: (m.diagonal_scatter(a, b), a.diagonal_scatter(c, 1, 2, 0),
                                                 m.diagonal_scatter(a, b.mT, offset=-1, dim1=-2, dim2=0)),
         ("real:3,4,3", "real:3,3", "real:4,2"), ("mg.diagonal_scatter", "diagonal_scatter")),
    Case("renorm", lambda m, a: (m.renorm(a, 2, 0, 2.5), a.renorm(1.5, -1, 1.0),
                                 a.renorm(float("inf"), 1, 1.5)),
         ("real:3,4,2",), ("mg.renorm", "renorm")),
    Case("renorm_", lambda m, a: a.renorm_(3, 1, 1.5), ("real",), ("renorm_",), inplace=True),
    Case("split_with_sizes", lambda m, a: (*m.split_with_sizes(a, [1, 0, 3], 1), *a.split_with_sizes((2, 1))),
         ("real",), ("mg.split_with_sizes", "split_with_sizes")),
    Case("unravel_index", lambda m, i: (*m.unravel_index(i, (2, 3, 2)), *m.unravel_index(i, 5),
                                        *m.unravel_index(i[0, 0], [4, 3])), ("int",), ("mg.unravel_index",)),
    Case("fill", lambda m, a, v: (m.fill(a, 2.5), m.fill(a, v.sum())), ("real", "real:2"), ("mg.fill",)),
    Case("fill_/zero_", lambda m, a: (m.fill_(a.detach()[0].clone(), -1.5), m.zero_(a.detach().clone())),
         ("real",), ("mg.fill_", "mg.zero_"), grad=False),
    Case("erfcx", lambda m, x: (m.special.erfcx(x), m.special.erfcx(x * 4), m.special.erfcx(x * -3)),
         ("real",), ("mg.special.erfcx",), rtol64=1e-13),
    Case("zeta", lambda m, x, q: (m.special.zeta(x.detach(), q), m.special.zeta(x.detach() + 2, q * 3 - 5),
                                  m.special.zeta(2.5, q), m.special.zeta(x.detach(), 1.5)),
         ("gt1", "pos"), ("mg.special.zeta",), rtol32=1e-4),
    Case("igamma", lambda m, a, x: (m.igamma(a.detach(), x), a.detach().igammac(x * 5), m.special.gammainc(
        a.detach() * 6, x * 4), m.special.gammaincc(a.detach(), x), m.igammac(a.detach(), x)), ("pos", "pos"),
         ("mg.igamma", "igammac", "mg.special.gammainc", "mg.special.gammaincc", "mg.igammac", "igamma"),
         rtol32=1e-4),
    Case("igamma_", lambda m, a, x: a.igamma_(x.detach()).igammac_(x.detach() * 3), ("pos", "pos"),
         ("igamma_", "igammac_"), grad=False, inplace=True),
    Case("tensordot(int)", lambda m, a, b: m.tensordot(a, b, dims=1), ("real:2,3,4", "real:4,2"),
         ("mg.tensordot",)),
    Case("tensordot(lists)", lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [1, 0])),
         ("real:2,3,4", "real:4,2,5"), ("mg.tensordot",)),
    Case("tensordot(0)", lambda m, a, b: m.tensordot(a, b, 0), ("real:2", "real:3"), ("mg.tensordot",)),
    Case("tril/triu", lambda m, x: (x.tril(), m.triu(x, 1), m.tril(x, diagonal=-1), x.triu(-2)), ("real",),
         ("tril", "triu", "mg.tril", "mg.triu")),
    Case("tril(batched)", lambda m, x: m.tril(x), ("real:2,3,3",), ("mg.tril",)),
    Case("tril_", lambda m, x: x.tril_(), ("real",), ("tril_",), inplace=True),
    Case("triu_", lambda m, x: x.triu_(1), ("real",), ("triu_",), inplace=True),
    Case("diag", lambda m, x, v: (x.diag(), m.diag(x, 1), m.diag(v), v.diag(-1)), ("real", "real:3"),
         ("diag", "mg.diag")),
    Case("diag_embed", lambda m, v: m.diag_embed(v), ("real:2,3",), ("mg.diag_embed",)),
    Case("diagonal", lambda m, x: (x.diagonal(), m.diagonal(x, offset=1, dim1=0, dim2=2),
                                   x.diagonal(-1, 1, 2)), ("real:3,3,4",), ("diagonal", "mg.diagonal")),
    Case("trace", lambda m, x: (x.trace(), m.trace(x)), ("real",), ("trace", "mg.trace")),
    Case("einsum matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), ("real", "real:4,2"), ("mg.einsum",)),
    Case("einsum list", lambda m, a, b: m.einsum("ij,jk", [a, b]), ("real", "real:4,2"), ("mg.einsum",)),
    Case("einsum batch", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), ("real:2,3,4", "real:2,4,2"),
         ("mg.einsum",)),
    Case("einsum trace/diag", lambda m, a: (m.einsum("ii", a), m.einsum("ii->i", a)), ("real:3,3",),
         ("mg.einsum",)),
    Case("einsum transpose/sum", lambda m, a: (m.einsum("ij->ji", a), m.einsum("ij->", a),
                                               m.einsum("ij->j", a)), ("real",), ("mg.einsum",)),
    Case("einsum outer", lambda m, a, b: m.einsum("i,j->ij", a, b), ("real:3", "real:4"), ("mg.einsum",)),
    Case("einsum bilinear", lambda m, a, w, b: m.einsum("bn,anm,bm->ba", a, w, b),
         ("real:2,3", "real:4,3,2", "real:2,2"), ("mg.einsum",)),
    Case("einsum ellipsis", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b),
         ("real:2,3,4", "real:4,2"), ("mg.einsum",)),
    Case("einsum attention", lambda m, q, k: m.einsum("bhqd,bhkd->bhqk", q, k),
         ("real:2,2,3,4", "real:2,2,5,4"), ("mg.einsum",)),
    Case("einsum spaces, broadcast", lambda m, a, b: m.einsum("b i , j -> b i j", a, b),
         ("real:1,3", "real:2"), ("mg.einsum",)),
    Case("einsum repeated across", lambda m, a, b: m.einsum("ij,ij->i", a, b), ("real", "real"),
         ("mg.einsum",)),
    Case("einsum sublists",
         lambda m, a, b: (m.einsum(a, [0, 1], b, [1, 2], [0, 2]), m.einsum(a, [0, 1], b, [1, 2]),
                          m.einsum(a, [..., 1], a, [..., 1], [1])),
         ("real:3,4", "real:4,2"), ("mg.einsum",)),
)

# -- indexing, gathering and scattering
_add(
    Case("index_select", lambda m, x: (x.index_select(1, m.tensor([0, 2, 2])),
                                       m.index_select(x, 0, m.tensor([2, 0]))), ("real",),
         ("index_select", "mg.index_select")),
    Case("index_add", lambda m, x, s: (x.index_add(0, m.tensor([0, 2, 0]), s),
                                       m.index_add(x, 0, m.tensor([1, 1, 2]), s, alpha=2)),
         ("real", "real"), ("index_add", "mg.index_add")),
    Case("index_add_", lambda m, x, s: x.index_add_(1, m.tensor([3, 3]), s), ("real", "real:3,2"),
         ("index_add_",), inplace=True),
    Case("index_copy", lambda m, x, s: (x.index_copy(1, m.tensor([3, 0]), s),
                                        m.index_copy(x, 0, m.tensor([2]), s.reshape(1, 6)[:, :4])),
         ("real", "real:3,2"), ("index_copy", "mg.index_copy")),
    Case("index_copy_", lambda m, x, s: x.index_copy_(0, m.tensor([2, 0]), s), ("real", "real:2,4"),
         ("index_copy_",), inplace=True),
    Case("index_fill", lambda m, x: (x.index_fill(1, m.tensor([0, 3]), -1.0),), ("real",), ("index_fill",)),
    Case("index_fill_", lambda m, x: x.index_fill_(0, m.tensor([1]), 2.5), ("real",), ("index_fill_",),
         inplace=True),
    Case("mg.index_fill", lambda m, x: m.index_fill(x, 1, m.tensor([2]), m.tensor(-3.0, dtype=x.dtype)),
         ("real",), ("mg.index_fill",)),
    Case("mg.index_put", lambda m, x, v: m.index_put(x, (m.tensor([1, 1]),), v, accumulate=True),
         ("real", "real:2,4"), ("mg.index_put",)),
    Case("take", lambda m, x: (x.take(m.tensor([0, 5, -1, 5])), m.take(x, m.tensor([[1, 2], [3, 11]]))),
         ("real",), ("take", "mg.take")),
    Case("take_along_dim", lambda m, x: m.take_along_dim(x, x.argsort(1)[:, :2], dim=1), ("distinct",),
         ("mg.take_along_dim",)),
    Case("masked_select", lambda m, x: (x.masked_select(x > 0), m.masked_select(x, m.tensor([True, False,
                                                                                              True, True]))),
         ("real",), ("masked_select", "mg.masked_select")),
    Case("masked_scatter", lambda m, x, s: (x.masked_scatter(x > 0, s), m.masked_scatter(x, x < 0, s)),
         ("real", "real:4,4"), ("masked_scatter", "mg.masked_scatter")),
    Case("masked_scatter_", lambda m, x, s: x.masked_scatter_(m.tensor([[True], [False], [True]]), s),
         ("real", "real:2,4"), ("masked_scatter_",), inplace=True),
    Case("masked_fill_", lambda m, x: x.masked_fill_(m.tensor([True, False, False, True]), 0.5), ("real",),
         ("masked_fill_",), inplace=True),
    Case("mg.masked_fill", lambda m, x: m.masked_fill(x, x > 0, -1.0), ("real",), ("mg.masked_fill",)),
    Case("nonzero", lambda m, x: (x.nonzero(), m.nonzero(x, as_tuple=True), m.argwhere(x), x.argwhere()),
         ("ties",), ("nonzero", "mg.nonzero", "mg.argwhere", "argwhere")),
    Case("where(cond)", lambda m, x: m.where(x > 0), ("ties",), ("mg.where",)),
    Case("Tensor.where", lambda m, x, y: x.where(x > 0, y), ("real", "real:4"), ("where",)),
    Case("gather", lambda m, x: (x.gather(1, m.tensor([[0, 0], [1, 3], [2, 1]])),
                                 m.gather(x, 0, m.tensor([[2, 1, 0, 0]]))), ("real",),
         ("gather", "mg.gather")),
    Case("mg.as_strided", lambda m, x: (m.as_strided(x, (3, 3), (1, 1)), x.as_strided((2, 2), (4, 0), 3)),
         ("real",), ("mg.as_strided",)),
    Case("scatter(src)", lambda m, x, s: (x.scatter(1, m.tensor([[0, 3], [1, 2], [3, 0]]), s),
                                          m.scatter(x, 0, m.tensor([[2, 0]]), s[:1])),
         ("real", "real:3,2"), ("scatter", "mg.scatter")),
    Case("scatter(value)", lambda m, x: x.scatter(1, m.tensor([[0], [2], [3]]), -1.5), ("real",),
         ("scatter",)),
    Case("scatter_", lambda m, x, s: x.scatter_(1, m.tensor([[0, 1], [2, 3], [3, 0]]), s),
         ("real", "real:3,2"), ("scatter_",), inplace=True),
    Case("scatter_add", lambda m, x, s, r: (x.scatter_add(1, m.tensor([[0, 0], [1, 3], [3, 3]]), s),
                                            m.scatter_add(x, 0, m.tensor([[0, 0, 1, 2], [0, 2, 2, 2]]), r)),
         ("real", "real:3,2", "real:2,4"), ("scatter_add", "mg.scatter_add")),
    Case("scatter_add_", lambda m, x, s: x.scatter_add_(0, m.tensor([[0, 0, 1, 2]]), s), ("real", "real:1,4"),
         ("scatter_add_",), inplace=True),
    Case("index_put", lambda m, x, v: x.index_put((m.tensor([0, 2]), m.tensor([1, 3])), v, accumulate=True),
         ("real", "real:2"), ("index_put",)),
    Case("index_put_", lambda m, x, v: x.index_put_((m.tensor([0, 2]),), v), ("real", "real:4"),
         ("index_put_",), inplace=True),
    Case("put_", lambda m, x, v: x.put_(m.tensor([0, 7]), v), ("real", "real:2"), ("put_",), inplace=True),
)
for _reduce in ("sum", "prod", "mean", "amax", "amin"):
    for _self in (True, False):
        _add(Case(f"scatter_reduce({_reduce}, include_self={_self})",
                  lambda m, x, s, r=_reduce, i=_self: x.scatter_reduce(
                      1, m.tensor([[0, 0, 2], [1, 3, 3], [2, 2, 2]]), s, reduce=r, include_self=i),
                  ("distinct", "distinct:3,3"), ("scatter_reduce",)))
_add(Case("mg.scatter_reduce", lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([[0, 1, 0, 1]]), s, "sum"),
          ("real", "real:1,4"), ("mg.scatter_reduce",)),
     Case("scatter_reduce_", lambda m, x, s: x.scatter_reduce_(0, m.tensor([[0, 1, 0, 1]]), s, "amax"),
          ("distinct", "distinct:1,4"), ("scatter_reduce_",), inplace=True))

_add(
    Case("Tensor.aminmax", lambda m, x: x.aminmax(dim=0, keepdim=True), ("distinct",), ("aminmax",)),
    Case("Tensor.diag_embed", lambda m, x: x.diag_embed(1), ("real:2,3",), ("diag_embed",)),
    Case("Tensor.msort", lambda m, x: x.msort(), ("distinct",), ("msort",)),
    Case("Tensor.nanmean", lambda m, x: x.nanmean(dim=0), ("special",), ("nanmean",)),
    Case("Tensor.nanmedian", lambda m, x: ((x + 1).nanmedian(), (x + 1).nanmedian(1)), ("special:3,3",),
         ("nanmedian",),
         grad=False, check_requires_grad=False),
    Case("Tensor.take_along_dim", lambda m, x: x.take_along_dim(x.argsort(0)[:1], 0), ("distinct",),
         ("take_along_dim",)),
    Case("Tensor.unique_consecutive", lambda m, x: x.unique_consecutive(return_inverse=True), ("small:9",),
         ("unique_consecutive",)),
    Case("floor_divide_", lambda m, x, y: x.floor_divide_(y), ("real", "nonzero:4"), ("floor_divide_",),
         inplace=True, grad=False, check_requires_grad=False),
)

# -- counting and histograms
_add(
    Case("searchsorted",
         lambda m, s, v: (m.searchsorted(s.sort().values, v), m.searchsorted(s.sort().values, v, right=True)),
         ("small:10", "int0"), ("mg.searchsorted",)),
    Case("searchsorted(rows, side, sorter)",
         lambda m, s, v: (m.searchsorted(s.sort().values, v, side="right", out_int32=True),
                          m.searchsorted(s, v, sorter=s.argsort())), ("distinct:3,5", "real:3,2"),
         ("mg.searchsorted",), grad=False, check_requires_grad=False),
    Case("bucketize",
         lambda m, x, b: (m.bucketize(x, b.sort().values), m.bucketize(x, b.sort().values, right=True)),
         ("ties", "ties:4"), ("mg.bucketize",), grad=False, check_requires_grad=False),
    Case("fake_quantize",
         lambda m, x: (m.fake_quantize_per_tensor_affine(x, 0.25, 2, -4, 4),
                       m.fake_quantize_per_channel_affine(x.float(), m.tensor([0.25, 0.5, 0.3]),
                                                          m.tensor([0, 1, -1], dtype=m.int32), 0, -3, 3)),
         ("real:3,4",), ("mg.fake_quantize_per_tensor_affine", "mg.fake_quantize_per_channel_affine")),
    Case("bincount", lambda m, x: (x.bincount(), m.bincount(x, minlength=8)), ("small:10",),
         ("bincount", "mg.bincount")),
    Case("isin", lambda m, x, t: (m.isin(x, t), m.isin(x, t, invert=True), m.isin(x, 3.0), m.isin(2.0, t)),
         ("ties", "ties:4"), ("mg.isin",), grad=False, check_requires_grad=False),
    Case("heaviside", lambda m, x, v: (m.heaviside(x, v), m.heaviside(x.round(), v[0])), ("ties", "real:4"),
         ("mg.heaviside",), grad=False, check_requires_grad=False),
    Case("bincount(weights)", lambda m, x, w: m.bincount(x, weights=w), ("small:10", "real:10"),
         ("mg.bincount",), grad=False, check_requires_grad=False),
    Case("histc", lambda m, x: (x.histc(4), m.histc(x, bins=5, min=-1, max=1)), ("real",),
         ("histc", "mg.histc"), grad=False, check_requires_grad=False),
    Case("histogramdd",
         lambda m, x, w: (m.histogramdd(x, bins=[2, 3]),
                          m.histogramdd(x, bins=2, range=[-1.0, 1.0, -1.0, 1.0], weight=w, density=True)),
         ("real:12,2", "pos:12"), ("mg.histogramdd",), grad=False, check_requires_grad=False),
    Case("histogram", lambda m, x: m.histogram(x, bins=4), ("real",), ("mg.histogram",), grad=False,
         check_requires_grad=False),
    Case("histogram(range, weight)",
         lambda m, x, w: x.histogram(3, range=(-1.0, 1.0), weight=w, density=True), ("real", "pos"),
         ("histogram",), grad=False, check_requires_grad=False),
)

# -- factories (no tensor inputs; floating results in the default dtype)
_add(
    Case("eye", lambda m: (m.eye(3), m.eye(2, 4), m.eye(3, dtype=m.int64)), (), ("mg.eye",)),
    Case("linspace", lambda m: (m.linspace(0, 1, 5), m.linspace(-2, 3, steps=7, dtype=m.float64),
                                m.linspace(1, 1, 1)), (), ("mg.linspace",)),
    Case("logspace", lambda m: (m.logspace(0, 2, 3), m.logspace(-1, 1, 4, base=2.0)), (), ("mg.logspace",)),
    Case("arange(float)", lambda m: (m.arange(0, 1, 0.1), m.arange(5.0), m.arange(1, 4, dtype=m.float64),
                                     m.arange(10, 0, -3)), (), ("mg.arange",)),
    Case("meshgrid", lambda m, a, b: (m.meshgrid(a, b, indexing="ij"), m.meshgrid([a, b], indexing="xy")),
         ("real:3", "real:2"), ("mg.meshgrid",)),
    Case("empty", lambda m: (m.empty(2, 3).shape, m.empty((4,), dtype=m.int64).dtype), (), ("mg.empty",)),
    Case("like", lambda m, x: (m.zeros_like(x), m.ones_like(x, dtype=m.int64), m.full_like(x, 7),
                               m.empty_like(x).shape), ("real",),
         ("mg.zeros_like", "mg.ones_like", "mg.full_like", "mg.empty_like")),
    Case("new_*", lambda m, x: (x.new_zeros(2, 3), x.new_ones((2,)), x.new_full((2, 2), 3.5),
                                x.new_tensor([1, 2]), x.new_empty(3).shape),
         ("real",), ("new_zeros", "new_ones", "new_full", "new_tensor", "new_empty")),
    Case("cdist", lambda m, a, b: (m.cdist(a, b), m.cdist(a, b, p=1), m.cdist(a, b, 3.0), m.cdist(a, a),
                                   m.cdist(a, b, p=float("inf")), m.cdist(a, b, 0.0)),
         ("real:4,3", "real:5,3"), ("mg.cdist",)),
    Case("cdist(batched)", lambda m, a, b: m.cdist(a, b), ("real:2,4,3", "real:5,3"), ("mg.cdist",)),
    Case("pdist", lambda m, a: (m.pdist(a), m.pdist(a, p=1), m.pdist(a, 3.0)), ("real:5,3",), ("mg.pdist",)),
    Case("pairwise_distance",
         lambda m, a, b: (m.pairwise_distance(a, b), m.pairwise_distance(a, b, 1.0, 1e-3, True)),
         ("real:4,3", "real:4,3"), ("mg.pairwise_distance",)),
    Case("cosine_similarity", lambda m, a, b: (m.cosine_similarity(a, b), m.cosine_similarity(a, b, 0, 1e-6)),
         ("real:4,3", "real:4,3"), ("mg.cosine_similarity",)),
    Case("new", lambda m, x: (x.new(2, 3).shape, x.new([1, 2]), x.new().shape, x.new((2, 3))), ("real",),
         ("new",)),
    Case("fill_diagonal_", lambda m, x: x.fill_diagonal_(-1.5), ("real",), ("fill_diagonal_",), inplace=True),
    Case("fill_diagonal_(wrap)", lambda m, x: x.fill_diagonal_(2.0, wrap=True), ("real:7,3",),
         ("fill_diagonal_",), inplace=True),
    Case("stride", lambda m, x: (x.stride(), x.t().stride(), x.stride(-1), x[1:].storage_offset(), x.nbytes,
                                 x.itemsize, x.expand(2, 3, 4).stride(), x.is_pinned()), ("real",),
         ("stride", "storage_offset", "nbytes", "itemsize", "is_pinned")),
    Case("dim_order", lambda m, x: (x.dim_order(), x.t().dim_order(),
                                    x.unsqueeze(0).permute(2, 0, 1).dim_order(),
                                    m.empty_permuted((2, 3, 4), (2, 0, 1)).dim_order()), ("real",),
         ("dim_order",)),
    Case("type_as", lambda m, x, i: (x.type_as(i), i.type_as(x), x.type_as(x), x.type_as(x.float())),
         ("real", "int0"), ("type_as",)),
    Case("mg.numel", lambda m, x: (m.numel(x), m.numel(x[:0]), m.numel(x.sum())), ("real",), ("mg.numel",)),
    Case("zero_/fill_", lambda m, x: x.fill_(2.5), ("real",), ("fill_",), inplace=True),
    Case("zero_", lambda m, x: x.zero_(), ("real",), ("zero_",), inplace=True),
    Case("copy_", lambda m, x, y: x.copy_(y), ("real", "real:4"), ("copy_",), inplace=True),
    Case("tril_indices", lambda m: (m.tril_indices(3, 3), m.triu_indices(3, 4, 1)), (),
         ("mg.tril_indices", "mg.triu_indices")),
)

# covariance, correlation, trapezoidal integration and the window functions (surface5a)
_add(
    Case("cov", lambda m, x: (m.cov(x), x.cov(correction=0), m.cov(x[0]), m.cov(x, correction=2),
                              m.cov(x.t()[0])), ("real:3,5",), ("mg.cov", "cov")),
    Case("cov(weights)", lambda m, x, a: (
        m.cov(x, fweights=m.tensor([1, 2, 0, 3, 1]), aweights=a), m.cov(x, aweights=a, correction=0),
        m.cov(x, fweights=m.tensor([2, 1, 1, 1, 4]), correction=3), x.cov(aweights=a * 3)),
        ("real:3,5", "prob:5"), ("mg.cov", "cov")),
    Case("cov(int), corrcoef(int)", lambda m, i: (m.cov(i), m.corrcoef(i), i.cov(fweights=i[0].abs())),
         ("int:2,6",), ("mg.cov", "mg.corrcoef")),
    Case("corrcoef", lambda m, x: (m.corrcoef(x), x.corrcoef(), m.corrcoef(x[1]), m.corrcoef(x[:1])),
         ("real:4,6",), ("mg.corrcoef", "corrcoef")),
    Case("trapezoid", lambda m, y, x, x2: (
        m.trapezoid(y), m.trapezoid(y, x), m.trapezoid(y, dx=0.5, dim=0), m.trapz(y, x), m.trapz(y, dx=2),
        m.trapezoid(y, x2, dim=1), m.trapezoid(y, x2[0]), m.trapezoid(y, dim=0), m.trapezoid(y[:, :0]),
        m.trapezoid(y[:, :1], dx=3)),
        ("real:3,4", "distinct:4", "real:3,4"), ("mg.trapezoid", "mg.trapz")),
    Case("cumulative_trapezoid", lambda m, y, x, x2: (
        m.cumulative_trapezoid(y), m.cumulative_trapezoid(y, x), m.cumulative_trapezoid(y, dx=0.5, dim=0),
        m.cumulative_trapezoid(y, x2, dim=0), m.cumulative_trapezoid(y[:, :1]),
        m.cumulative_trapezoid(y, x2)),
        ("real:3,4", "distinct:4", "real:3,4"), ("mg.cumulative_trapezoid",)),
    Case("trapezoid(int)", lambda m, i, x: (m.trapezoid(i), m.trapezoid(i, dx=2), m.cumulative_trapezoid(i),
                                            m.trapezoid(i, x), m.trapezoid(i[:, :0])),
         ("int0", "real:4"), ("mg.trapezoid", "mg.cumulative_trapezoid")),
    Case("windows", lambda m: (
        m.hann_window(8), m.hann_window(7, False), m.hamming_window(6), m.hann_window(1), m.hann_window(0),
        m.hamming_window(5, periodic=False, alpha=0.5, beta=0.3), m.bartlett_window(7),
        m.bartlett_window(6, False),
        m.bartlett_window(2), m.blackman_window(9), m.blackman_window(8, False), m.kaiser_window(9),
        m.kaiser_window(8, False, beta=5.0), m.kaiser_window(1), m.kaiser_window(2, False),
        m.hann_window(5, dtype=m.float64), m.hann_window(3, requires_grad=True)), (),
        tuple(f"mg.{n}_window" for n in ("hann", "hamming", "bartlett", "blackman", "kaiser")), grad=False),
)

# -- found by running tinygrad's test/backend/test_ops.py torch lambdas on minigrad
_CROPS = ((-1, 2, 2, -1), (3, -3, 0, -3), (2, -4, 1, -4), (3, -6, 0, 0))  # of W=4, H=5: pad, then crop
_I64 = np.int64
_add(
    Case("view(dtype)", lambda m, x, i: (x.view(m.int32), x.view(m.uint8), x.view(dtype=m.int16),
                                         i.view(m.float64), x.view(x.dtype), x.view(-1)),
         ("real", "int0"), ("view",), grad=False),
    Case("int ** negative int", lambda m, i, j: (i ** -j.abs(), m.pow(-1, -j.abs()), 1 ** -j.abs(),
                                                 i.to(m.int8) ** m.tensor([-1, 2, -3, 0], dtype=m.int8)),
         ("int0", "int:4"), ("__pow__", "__rpow__", "mg.pow")),
    Case("max_pool(int)", lambda m, i: (m.nn.functional.max_pool2d(i.int()[None], 2, padding=1),
                                        m.nn.functional.max_pool1d(i, 2, return_indices=True)),
         ("int0",), ()),
    Case("pad reflect/replicate, negative", lambda m, x: tuple(
        m.nn.functional.pad(x, p, mode=mode) for mode in ("reflect", "replicate") for p in _CROPS),
        ("real:1,3,5,4",), ()),
    Case("axis=, keepdims=", lambda m, x: (
        m.std_mean(x, axis=1), m.var_mean(x, axis=0, keepdims=True), m.std(x, axis=1), m.var(x, axis=0),
        m.cumsum(x, axis=1), x.cumprod(axis=0), m.logcumsumexp(x, axis=1), x.cummax(axis=0),
        m.cummin(x, axis=1), m.sort(x, axis=0), x.argsort(axis=1), x.topk(2, axis=1), m.kthvalue(x, 2, 0),
        x.median(axis=0), m.mode(x, axis=1), m.nansum(x, axis=0), x.nanmean(axis=1, keepdims=True),
        m.prod(x, axis=1), m.quantile(x, 0.25, axis=1), x.nanquantile(0.5, axis=0), m.aminmax(x, axis=1),
        m.count_nonzero(x, axis=0), m.diff(x, axis=1), x.chunk(2, axis=1), m.unbind(x, axis=1),
        x.narrow(axis=1, start=1, length=2), m.select(x, axis=0, index=1), m.tensor_split(x, 2, axis=1),
        m.squeeze(x[:1], axis=0), m.unsqueeze(x, axis=2), m.unflatten(x, axis=1, sizes=(2, 2)),
        x.repeat_interleave(2, axis=0), m.gather(x, axis=1, index=m.tensor(np.zeros((3, 2), _I64))),
        x.index_select(axis=0, index=m.tensor([2, 0])), m.take_along_dim(x, m.tensor([[1], [3], [0]]), 1),
        m.kthvalue(x, 2, axis=0)),
        ("distinct",), ("mg.std_mean", "mg.var_mean", "mg.cummin", "mg.kthvalue", "mg.mode", "mg.aminmax",
                        "mg.count_nonzero", "mg.diff", "mg.unbind", "mg.select", "mg.tensor_split",
                        "mg.unflatten", "mg.take_along_dim")),
)

# -- found by running PyTorch's OpInfo samples (torch.testing._internal's op_db) on minigrad
_add(
    Case("complex parts of a real tensor", lambda m, x: (
        m.conj(x), x.conj(), m.conj_physical(x), x.conj_physical(), m.resolve_conj(x), x.resolve_conj(),
        m.resolve_neg(x), x.resolve_neg(), m.positive(x), x.positive(), m.real(x), x.real, m.isreal(x),
        x.isreal(), m.angle(x), x.angle(), x.is_conj(), x.is_neg(), m.is_conj(x), m.is_neg(x),
        m.is_complex(x)), ("special",),
        ("mg.conj", "conj", "mg.conj_physical", "conj_physical", "mg.resolve_conj", "resolve_conj",
         "mg.resolve_neg", "resolve_neg", "mg.positive", "positive", "mg.real", "real", "mg.isreal", "isreal",
         "mg.angle", "angle", "is_conj", "is_neg", "mg.is_conj", "mg.is_neg", "mg.is_complex")),
    Case("angle(int), H, mH", lambda m, x, i: (m.angle(i), x.H, x.mH, x[None].mH, x.angle()),
         ("real", "int0"), ("mg.angle", "H", "mH")),
    Case("adjoint", lambda m, x: (x.adjoint(), x[None].adjoint()), ("real",), ("adjoint",)),
    Case("index_put_", lambda m, x: m.index_put_(x, (m.tensor([0, 2, 0]),), m.full((), 1.5, dtype=x.dtype),
                                                True), ("real",), ("mg.index_put_",), inplace=True),
    Case("sum_to_size", lambda m, x: (x.sum_to_size(1, 4), x.sum_to_size((3, 1)), x.sum_to_size(4),
                                      x.sum_to_size(3, 4), x.sum_to_size(1), x[0, 0].sum_to_size(())),
         ("real",), ("sum_to_size",)),
    Case("__rdiv__, conversions with memory_format", lambda m, x: (
        x.__rdiv__(2.0), x.float(memory_format=m.contiguous_format),
        x.double(memory_format=m.preserve_format), x.long(memory_format=m.preserve_format),
        x.bool(memory_format=m.contiguous_format)),
        ("nonzero",), ("__rdiv__", "float", "double", "long", "bool")),
    Case("bool flips and rotations", lambda m, b: (
        m.flip(b, ()), m.flip(b, (0,)), m.rot90(b, 4), m.rot90(b, -4), m.rot90(b, 2), b.sign(), m.sgn(b),
        m.prod(b, 1, dtype=m.bool), m.prod(b), m.cummax(b[0, 0], 0), m.mode(b[0, 0]), m.logsumexp(b, 1),
        m.scatter_reduce(b, 1, m.tensor([[1, 1], [0, 0], [2, 2]]), b[:, :2], "sum"),
        m.scatter_reduce(b, 1, m.tensor([[1, 1], [0, 0], [2, 2]]), b[:, :2], "prod", include_self=False)),
        ("bool",), ("mg.flip", "mg.rot90", "sign", "mg.sgn", "mg.prod", "mg.cummax", "mg.mode",
                    "mg.logsumexp", "mg.scatter_reduce")),
    Case("indices of 1-D and 0-d selections", lambda m, x: (
        m.kthvalue(x[0], 2, 0), m.median(x[0], dim=-1), m.nanmedian(x[0], dim=0), m.mode(x[0]),
        m.cumprod(x[0, 0], 0), m.index_select(x[0, 0], 0, m.tensor([0])),
        m.scatter(x[0, 0], 0, m.tensor(0), x[1, 1]), m.unique_consecutive(x[0, 0].detach()),
        m.cumprod(x.long()[0, 0], 0)),
        ("distinct",), ("mg.kthvalue", "mg.median", "mg.nanmedian", "mg.mode", "mg.cumprod",
                        "mg.index_select", "mg.scatter", "mg.unique_consecutive")),
    Case("integer addmm/baddbmm scales truncate", lambda m, i: (
        m.baddbmm(i[None, :, :3], i[None, :, :3], i[None, :3, :3], beta=0.2, alpha=0.6),
        m.baddbmm(i[None, :, :3], i[None, :, :3], i[None, :3, :3], beta=1.7, alpha=2.6),
        m.addmm(i[:, :3], i[:, :3], i[:3, :3], beta=2.5, alpha=-1.5)), ("int0",), ("mg.baddbmm", "mg.addmm")),
)

_add(
    Case("masked_fill with a 0-d tensor value", lambda m, x, v: (
        x.masked_fill(x > 0, v[0]), m.masked_fill(x, m.tensor([True, False, True, False]), v[1])),
        ("real", "real:2"), ("masked_fill", "mg.masked_fill")),
    Case("max_unpool of overlapping windows", lambda m, x: tuple(
        m.nn.functional.max_unpool2d(*m.nn.functional.max_pool2d(x, 3, 1, return_indices=True), 3, 1)
        for _ in range(1)), ("ties:1,2,5,5",), ()),
    Case("norm: p < 1 at zero, nuclear norm", lambda m, x: (
        m.linalg.norm(x[0] * 0, 0.5), m.linalg.vector_norm(x * 0, -1.5), m.norm(x, "nuc"), x.norm(p="nuc"),
        m.norm(x[None], "nuc", dim=(1, 2), keepdim=True), m.linalg.vector_norm(x, 0.5, dim=1)),
        ("real",), ("mg.norm",)),
    Case("lstsq(driver='gels') residuals", lambda m, a, b: m.linalg.lstsq(a, b, driver="gels"),
         ("real:5,3", "real:5,2"), (), rtol64=1e-8, rtol32=1e-4, atol32=1e-5),
    Case("integer arange and linspace truncate their bounds", lambda m: (
        m.arange(0.0, -8.000001, -4.0, dtype=m.int64), m.arange(1.0, 5.000001, 2.0, dtype=m.int64),
        m.arange(-0.9, 2.1, 2.0, dtype=m.int64), m.arange(3.1, dtype=m.int64),
        m.linspace(4.3, -3, 50, dtype=m.int64), m.linspace(-2.7, 8.9, 7, dtype=m.int32)), (),
        ("mg.arange", "mg.linspace")),
    Case("tensor arguments: narrow, tensor_split", lambda m, x: (
        x.narrow(1, m.tensor(1), 2), m.tensor_split(x, m.tensor(2), 1),
        m.tensor_split(x, m.tensor([1, 3]), 1), m.narrow(x, 0, -3, 2)), ("real",),
        ("narrow", "mg.tensor_split")),
    Case("negative take_along_dim, int32 gather", lambda m, x: (
        m.take_along_dim(x, m.tensor([[-1], [0], [-4]]), 1),
        m.gather(x, 1, m.tensor([[1, 0], [3, 3], [0, 2]], dtype=m.int32))), ("real",),
        ("mg.take_along_dim", "mg.gather")),
    Case("broadcasting masked_scatter, legacy empty cat, empty matmul", lambda m, x, y: (
        m.masked_scatter(x[0], x > 0, y), m.cat([x[0, :0], x], 1), m.cat([x.new_zeros(0).long(), x[0]]),
        m.matmul(x[:, :, None][:, :, :0], x[:0]), m.ones(5, 5, 0) @ m.ones(0, 5)),
        ("real", "real"), ("mg.masked_scatter", "mg.cat", "mg.matmul")),
    Case("diag_embed in other dims", lambda m, x: (
        m.diag_embed(x, 1, 0, 2), m.diag_embed(x, -1, 2, 0), x.diag_embed(dim1=0, dim2=1)), ("real",),
        ("mg.diag_embed", "diag_embed")),
    Case("one-element window sizes", lambda m, x: (
        m.nn.functional.avg_pool2d(x, (3, 3), (1,), (1,)), m.nn.functional.max_pool2d(x, (2,), (1,))),
        ("real:1,2,5,5",), ()),
)

# -- ops PyTorch's OpInfo database has that minigrad lacked
_forms("gcd", ("int0", "int0"))
_forms("lcm", ("int0", "int:4"))
_forms("ldexp", ("real", "small"))  # (PyTorch differentiates 2 ** other in integers: 0 for other < 0)
_forms("ldexp", ("real", "real:4"))
_forms("nextafter", ("real", "real:4"), grad=False)
CASES[-3:] = [replace(c, check_requires_grad=False) for c in CASES[-3:]]  # PyTorch records no gradient
_forms("addmv", ("real:3", "real:3,4", "real:4"), beta=0.5, alpha=2.0)
_forms("addr", ("real:3,4", "real:3", "real:4"), beta=-1.0, alpha=0.5)
_forms("addbmm", ("real:3,4", "real:2,3,5", "real:2,5,4"), beta=2, alpha=-1)
_forms("diagflat", ("real",), inplace=False)
_forms("diagflat", ("real",), -2, inplace=False)
_forms("dist", ("real", "real:4"), inplace=False)
_forms("dist", ("real", "real:4"), 1, inplace=False)
_forms("dist", ("real", "real"), float("inf"), inplace=False)
_forms("frexp", ("special",), inplace=False)
_add(
    Case("frexp of integer-valued floats, ldexp(int, int), lcm/gcd with 0", lambda m, x, i: (
        m.frexp(x), m.ldexp(i, i.abs()), m.gcd(i, i * 0), m.lcm(i * 0, i), m.addmv(x[:, 0], x, x[0]),
        m.addr(x, x[:, 0], x[0], beta=0)), ("ties", "int0"), ("mg.frexp", "mg.ldexp", "mg.gcd", "mg.lcm")),
)
_add(Case("broadcast_shapes", lambda m: (m.broadcast_shapes((3, 1), (1, 4)), m.broadcast_shapes(2, (3, 1)),
                                           m.broadcast_shapes(), m.broadcast_shapes((0, 1), [5])), (),
          ("mg.broadcast_shapes",)))
_forms("nextafter", ("special", "special"), grad=False, inplace=False)
CASES[-2:] = [replace(c, check_requires_grad=False) for c in CASES[-2:]]

# torchsuite (PyTorch's test_torch.py): the method forms it calls
_add(
    Case("cumprod_", lambda m, x: x.cumprod_(1), ("nonzero",), ("cumprod_",), inplace=True),
    Case("addmm_", lambda m, x, a, b: x.addmm_(a, b, beta=0.5, alpha=2), ("real:3,4", "real:3,2", "real:2,4"),
         ("addmm_",), inplace=True),
    Case("baddbmm", lambda m, x, a, b: x.baddbmm(a, b, alpha=0.5), ("real:2,3,4", "real:2,3,5", "real:2,5,4"),
         ("baddbmm",)),
    Case("baddbmm_", lambda m, x, a, b: x.baddbmm_(a, b, beta=2), ("real:2,3,4", "real:2,3,5", "real:2,5,4"),
         ("baddbmm_",), inplace=True),
    Case("heaviside", lambda m, x, v: (x.heaviside(v), x.clone().heaviside_(v)), ("int0", "int0"),
         ("heaviside", "heaviside_")),
    Case("kron", lambda m, a, b: a.kron(b), ("real:2,3", "real:3,2"), ("kron",)),
    Case("ger", lambda m, a, b: a.ger(b), ("real:3", "real:4"), ("ger",)),
    Case("vdot", lambda m, a, b: a.vdot(b), ("real:4", "real:4"), ("vdot",)),
    Case("narrow_copy", lambda m, x: x.narrow_copy(1, 1, 2), ("real",), ("narrow_copy",)),
    Case("unsafe_chunk/split", lambda m, x: (*x.unsafe_chunk(3, 1), *x.unsafe_split(2, 1),
                                             *x.unsafe_split_with_sizes([1, 3], 1)), ("real",),
         ("unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes")),
    Case("reversed", lambda m, x: reversed(x), ("real",), ("__reversed__",)),
)
for _cmp in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
             "not_equal"):
    _add(Case(f"{_cmp}_", lambda m, x, y, _cmp=_cmp: getattr(x, _cmp + "_")(y), ("ties", "ties"),
              (_cmp + "_",), grad=False, inplace=True))

#: Tensor names exercised elsewhere (Python protocols, dtypes, random draws): not value ops.
#: tests/parity/test_torch_surface.py, test_dtypes_parity.py and tests/test_random_draws.py test them.
SURFACE_NOT_OPS = frozenset({
    "__format__", "__contains__", "element_size", "nelement", "ndimension",
    "is_floating_point", "is_signed", "is_complex", "type", "half", "int", "short", "char", "byte",
    "uniform_", "normal_", "bernoulli_", "random_", "exponential_", "bernoulli", "multinomial",
    "imag",  # raises on a real tensor: tests/parity/test_opinfo_parity.py checks the error class
    "hardshrink", "prelu",  # F's functions as methods: tests/parity/test_torch_functional_forms_parity.py
    # against PyTorch's OpInfo samples (values, float64 gradients, error classes; random draws only their
    # errors) in tests/parity/test_opinfo_parity.py
    "cauchy_", "geometric_", "log_normal_", "geqrf", "index_reduce", "index_reduce_", "lu", "lu_solve",
    "matrix_exp", "new_empty_strided", "nonzero_static", "ormqr", "put", "qr", "resize_", "resize_as_", "svd",
    "triangular_solve",
    # checks and Python-callable maps: tests/parity/test_torch_suite_fixes.py against PyTorch
    "is_nonzero", "is_same_size", "apply_", "map_", "map2_",
    "set_",  # memory sharing and resizing under no_grad: tests/parity/test_autograd_engine_api_parity.py
    "is_set_to",  # the same memory: tests/parity/test_tensor_gaps_parity.py against PyTorch
    "__getstate__",  # pickle/deepcopy: tests/parity/test_moduleinfo_probe_fixes.py against PyTorch
    "orgqr",  # householder_product's older name: tests/parity/test_suites33_fixes.py against PyTorch
})  # fmt: skip
