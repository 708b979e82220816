"""Elementwise functions as PyTorch spells them: ``mg.atan2(a, b)``, ``mg.floor(x)``, ``mg.isclose(a, b)``.

Each is a primitive of ``minigrad/ops.py`` applied after PyTorch's dtype rules
(integers become the default float dtype for transcendental functions, mixed dtypes promote),
or a short composition of primitives, or (comparisons, bitwise and logical
ops, tests such as ``isnan``) a plain numpy computation whose result has no
gradient, as in PyTorch. The Tensor methods of the same names call these.
"""

from __future__ import annotations

import math
import sys
import warnings
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._state_array import StateArray
from minigrad._tensor_methods import provide
from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import (
    bool_alpha_error,
    bool_sub_error,
    kernel_error,
    operands_result_type,
    scalar_type_name,
)
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    _KernelParameterError,
    _NotTensorError,
    bool_args,
    not_tensor_error,
    public_stacklevel,
    python_type_name,
)
from minigrad.grad_mode import no_grad
from minigrad.settings import warn_once_due
from minigrad.shapes import broadcast_error, check_broadcast
from minigrad.tensor import (
    Array,
    Tensor,
    _is_bool,
    _lift,
    _named,
    _promote,
    from_numpy,
    not_operand,
    state_operand,
    tensor,
    where,
)

__all__ = [
    "abs", "absolute", "acos", "acosh", "add", "addcdiv", "addcmul", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctan2", "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "ceil", "clamp",
    "clip", "copysign", "cos", "cosh", "div", "divide", "eq", "equal", "erf", "erfc", "erfinv", "exp", "exp2",
    "expm1", "fix", "float_power", "floor", "floor_divide", "fmax", "fmin", "fmod", "frac", "ge", "greater",
    "greater_equal", "gt", "hypot", "isclose", "allclose", "is_nonzero", "isfinite", "isinf", "isnan",
    "isneginf", "isposinf", "le", "lerp", "less", "less_equal", "log", "log10", "log1p", "log2", "logaddexp",
    "logaddexp2", "logical_and", "logical_not", "logical_or", "logical_xor", "lt", "maximum", "minimum",
    "mul", "multiply", "ne", "neg", "negative", "not_equal", "nan_to_num", "pow", "reciprocal", "relu",
    "remainder", "round", "rsqrt", "rsub", "sgn", "sigmoid", "sign", "signbit", "sin", "sinh", "sqrt",
    "square", "sub", "subtract", "tan", "tanh", "true_divide", "trunc", "xlogy",
    "clamp_max", "clamp_min", "deg2rad", "heaviside", "logit", "rad2deg", "sinc",
]  # fmt: skip


def _tensor(x: Any, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    return _lift(x, like) if like is not None else tensor(x)


def _wrapped_number(input: Any, other: Any) -> Any:  # noqa: A002
    """``input`` as a 0-d tensor if it and ``other`` are both Python numbers, else unchanged.

    PyTorch's add, sub, mul, div, true_divide and floor_divide (and their aliases) take numbers where
    tensors go, each as a tensor of its own type (int64, the default float, bool): ``torch.add(3, 2)``
    is ``tensor(5)``, ``torch.div(3, 2)`` is ``tensor(1.5000)``; other functions refuse them.
    """
    if _is_number(input) and _is_number(other):
        return tensor(input)
    return input


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.number, np.bool_)) and not isinstance(x, np.complexfloating)


def _pair(a: Any, b: Any, fn: str = "") -> tuple[Tensor, Tensor]:
    """Two operands as tensors of PyTorch's result type (a Python number takes the tensor's dtype).

    Raises:
        TypeError: neither is a Tensor, or one is a list or tuple (PyTorch's argument error for ``fn``).
    """
    if not isinstance(b, Tensor):
        b = state_operand(b)
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise TypeError(f"expected a Tensor operand, got {type(a).__name__} and {type(b).__name__}")
        if not_operand(a):
            raise sequence_error(fn or "binary op", a, method=False, name="input")
        a = _lift(a, b)
    elif not isinstance(b, Tensor):
        if not_operand(b):
            raise sequence_error(fn or "binary op", b, method=False)
        b = _lift(b, a)
    if a.dtype != b.dtype:
        a, b = _promote(a, b)
    return a, b


def _floats(a: Any, b: Any, int_kernel: str | None = None, fn: str = "") -> tuple[Tensor, Tensor]:
    """_pair, then integers and bools in the default float dtype (atan2(int, int) is a float in PyTorch).

    With ``int_kernel``, integer operands raise PyTorch's NotImplementedError instead (hypot of ints).
    """
    ka = a._array.dtype.kind if isinstance(a, Tensor) else "i"  # (a number: as an integer here)
    kb = b._array.dtype.kind if isinstance(b, Tensor) else "i"
    if int_kernel is None and ka in "biu" and kb in "biu":
        # each integer becomes a float from its own value: int16 / 70000 must not wrap 70000 into int16 first
        a, b = (v.astype(get_default_dtype()) if isinstance(v, Tensor) else v for v in (a, b))
    a, b = _pair(a, b, fn)
    if a.dtype.kind != "f":
        raise kernel_error(int_kernel or "", a.dtype)
    return a, b


def _apply2(op: type[ops.Function], a: Tensor, b: Tensor) -> Tensor:
    try:
        return op.apply(a, b)
    except ValueError as e:
        if isinstance(e, MinigradError):
            raise
        raise broadcast_error(op.__name__.lower(), a.shape, b.shape) from None


def _unary(x: Tensor, op: type[ops.Function]) -> Tensor:
    if not isinstance(x, Tensor):
        raise _NotTensorError(f"{op.__name__.lower()}(): expected a Tensor, got {type(x).__name__}")
    return op.apply(x if x.dtype.kind == "f" else x.astype(get_default_dtype()))


def _values(x: Tensor) -> Array:
    if not isinstance(x, Tensor):
        raise _NotTensorError(f"expected a Tensor, got {type(x).__name__}")
    return x.numpy(force=True)


# ------------------------------------------------------------------ unary, differentiable


def sin(input: Tensor) -> Tensor:  # noqa: A002
    """sin(x), elementwise."""
    return input.sin()


def cos(input: Tensor) -> Tensor:  # noqa: A002
    """cos(x), elementwise."""
    return input.cos()


def tan(input: Tensor) -> Tensor:  # noqa: A002
    """tan(x), elementwise; d/dx = 1 + tan(x)**2."""
    return _unary(input, ops.Tan)


def asin(input: Tensor) -> Tensor:  # noqa: A002
    """arcsin(x) on [-1, 1] (nan outside)."""
    return _unary(input, ops.Asin)


def acos(input: Tensor) -> Tensor:  # noqa: A002
    """arccos(x) on [-1, 1] (nan outside)."""
    return _unary(input, ops.Acos)


def atan(input: Tensor) -> Tensor:  # noqa: A002
    """arctan(x), elementwise."""
    return _unary(input, ops.Atan)


def sinh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic sine, elementwise."""
    return _unary(input, ops.Sinh)


def cosh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic cosine, elementwise."""
    return _unary(input, ops.Cosh)


def asinh(input: Tensor) -> Tensor:  # noqa: A002
    """Inverse hyperbolic sine, elementwise."""
    return _unary(input, ops.Asinh)


def acosh(input: Tensor) -> Tensor:  # noqa: A002
    """Inverse hyperbolic cosine on [1, inf) (nan below)."""
    return _unary(input, ops.Acosh)


def atanh(input: Tensor) -> Tensor:  # noqa: A002
    """Inverse hyperbolic tangent on (-1, 1) (+-inf at +-1, nan outside)."""
    return _unary(input, ops.Atanh)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent, elementwise."""
    return input.tanh()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + exp(-x)), elementwise."""
    return input.sigmoid()


def relu(input: Tensor) -> Tensor:  # noqa: A002
    """max(x, 0), elementwise."""
    return input.relu()


def exp(input: Tensor) -> Tensor:  # noqa: A002
    """e ** x, elementwise."""
    return input.exp()


def exp2(input: Tensor) -> Tensor:  # noqa: A002
    """2 ** x, elementwise."""
    return _unary(input, ops.Exp2)


def expm1(input: Tensor) -> Tensor:  # noqa: A002
    """exp(x) - 1, accurate near 0."""
    return _unary(input, ops.Expm1)


def log(input: Tensor) -> Tensor:  # noqa: A002
    """Natural log (-inf at 0, nan below)."""
    return input.log()


def log2(input: Tensor) -> Tensor:  # noqa: A002
    """Base-2 log."""
    return _unary(input, ops.Log2)


def log10(input: Tensor) -> Tensor:  # noqa: A002
    """Base-10 log."""
    return _unary(input, ops.Log10)


def log1p(input: Tensor) -> Tensor:  # noqa: A002
    """log(1 + x), accurate near 0."""
    return _unary(input, ops.Log1p)


def sqrt(input: Tensor) -> Tensor:  # noqa: A002
    """Square root (nan for negative inputs)."""
    return input.sqrt()


def rsqrt(input: Tensor) -> Tensor:  # noqa: A002
    """1 / sqrt(x)."""
    return input.rsqrt()


def erf(input: Tensor) -> Tensor:  # noqa: A002
    """The error function."""
    return input.erf()


def erfc(input: Tensor) -> Tensor:  # noqa: A002
    """1 - erf(x), computed without that cancellation: accurate in the upper tail (erfc(10) = 2.09e-45)."""
    return _unary(input, ops.Erfc)


def erfinv(input: Tensor) -> Tensor:  # noqa: A002
    """The inverse of erf on (-1, 1) (+-inf at +-1, nan outside)."""
    return _unary(input, ops.Erfinv)


def abs(input: Tensor) -> Tensor:  # noqa: A001, A002
    """|x|; the gradient at 0 is 0."""
    return input.abs()


def neg(input: Tensor) -> Tensor:  # noqa: A002
    """-x.

    Raises:
        TypeError: ``input`` is not a Tensor (``-`` of a number would be a number: PyTorch refuses it).
    """
    return input.neg()


def reciprocal(input: Tensor) -> Tensor:  # noqa: A002
    """1 / x (integers give the default float dtype)."""
    return input._float_unary(ops.Reciprocal)


def square(input: Tensor) -> Tensor:  # noqa: A002
    """x * x."""
    return input.square()


def sign(input: Tensor) -> Tensor:  # noqa: A002
    """-1, 0 or 1 by sign (0 at nan); zero gradient."""
    return input.sign()


def sgn(input: Tensor) -> Tensor:  # noqa: A002
    """sign(x) (PyTorch's complex-aware name, the same for real tensors; its grad_fn SgnBackward0)."""
    return input.sgn()


def _rounding(x: Tensor, kind: str, decimals: int = 0) -> Tensor:
    if not isinstance(x, Tensor):
        raise _NotTensorError(f"{kind}(): expected a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":  # integers are already whole; PyTorch returns a copy
        if decimals:  # PyTorch's NotImplementedError (no kernel), also the InvalidParameterError of old
            raise _KernelParameterError(f'"round_cpu" not implemented for \'{scalar_type_name(x.dtype)}\' '
                                        f"(round: decimals={decimals} is only defined for floating tensors)")
        if x.dtype == np.bool_:  # (PyTorch's vml kernels have no bool)
            raise kernel_error(f"{kind}_vml", x.dtype)
        return x.clone()
    return ops.Rounding.apply(x, kind=kind, decimals=decimals)


def floor(input: Tensor) -> Tensor:  # noqa: A002
    """The largest integer <= x (as a float); zero gradient."""
    return _rounding(input, "floor")


def ceil(input: Tensor) -> Tensor:  # noqa: A002
    """The smallest integer >= x; zero gradient."""
    return _rounding(input, "ceil")


def trunc(input: Tensor) -> Tensor:  # noqa: A002
    """x rounded toward zero; zero gradient."""
    return _rounding(input, "trunc")


def round(input: Tensor, *, decimals: int | None = None) -> Tensor:  # noqa: A001, A002
    """x rounded half to even, at ``decimals`` digits (negative: tens, hundreds; None: 0); zero gradient.

    Given ``decimals`` (0 too), the node is PyTorch's ``RoundBackward1``, its overload with decimals.

    Raises:
        UnsupportedError: ``decimals`` given for an integer or bool tensor (PyTorch's NotImplementedError).
    """
    if decimals is None:
        return _rounding(input, "round")
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}")
    if decimals == 0 and input.dtype.kind != "f":  # (the overload with decimals has no integer kernel)
        raise kernel_error("round_vml", input.dtype)
    out = _rounding(input, "round", decimals)
    if out._ctx is not None and isinstance(out._ctx, ops.Rounding):
        out._ctx.label = "RoundBackward1"
    return out


def frac(input: Tensor) -> Tensor:  # noqa: A002
    """x - trunc(x): the fractional part, with x's sign; gradient 1.

    Raises:
        UnsupportedError: an integer or bool tensor (PyTorch's NotImplementedError: no frac kernel).
    """
    if input.dtype.kind != "f":
        raise kernel_error("frac", input.dtype)
    return _named(input - trunc(input), input, "FracBackward0")


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Limit values to [min, max] (numbers or broadcastable tensors); see :meth:`Tensor.clamp`."""
    return input.clamp(min, max)


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """max(x, min): ``clamp`` with only a lower bound (a number or a broadcastable tensor).

    Raises:
        TypeError: ``min`` is None (PyTorch's argument error: this form has no optional bound).
    """
    if min is None:
        raise TypeError("clamp_min() received an invalid combination of arguments - got (NoneType), but "
                        "expected one of: (Tensor min) or (Number min)")
    return _named(input.clamp(min=min), input, f"ClampMinBackward{int(isinstance(min, Tensor))}")


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """min(x, max): ``clamp`` with only an upper bound (a number or a broadcastable tensor).

    Raises:
        TypeError: ``max`` is None (PyTorch's argument error: this form has no optional bound).
    """
    if max is None:
        raise TypeError("clamp_max() received an invalid combination of arguments - got (NoneType), but "
                        "expected one of: (Tensor max) or (Number max)")
    return _named(input.clamp(max=max), input, f"ClampMaxBackward{int(isinstance(max, Tensor))}")


def _as_float(input: Tensor, fn: str) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        raise _NotTensorError(f"{fn}(): expected a Tensor, got {type(input).__name__}")
    return input if input.dtype.kind == "f" else input.astype(get_default_dtype())


def logit(input: Tensor, eps: float | None = None) -> Tensor:  # noqa: A002
    """log(p / (1 - p)), the inverse of sigmoid; with ``eps``, p is first clamped to [eps, 1 - eps].

    The gradient is 1 / (p (1 - p)), and 0 where ``eps`` clamped p (as PyTorch's); nan (as PyTorch's
    kernel) where p is outside [0, 1] without ``eps``, or nan with it.
    """
    x = _as_float(input, "logit")
    p = x if eps is None else x.clamp(eps, 1 - eps)
    out = p.log() - (-p).log1p()
    a = x.numpy(force=True)
    with np.errstate(invalid="ignore"):
        bad = (a < 0) | (a > 1) if eps is None else np.isnan(a)
    if bad.any():  # the values there are nan already; x * nan there brings the gradient (0 elsewhere)
        mask = from_numpy(bad)
        out = where(mask, where(mask, x, 0.0) * from_numpy(np.where(bad, np.nan, 0.0).astype(a.dtype)), out)
    return _named(out, input, "LogitBackward0")


def sinc(input: Tensor) -> Tensor:  # noqa: A002
    """sin(pi x) / (pi x), and 1 at x = 0 (where the gradient is 0).

    As PyTorch's gradient, the one at an x whose x * x * pi underflows to 0 (a denormal) is 0 too, not the
    0/0 of the formula; the value there is 1, what sin(pi x) / (pi x) rounds to."""
    x = _as_float(input, "sinc")
    a = x.numpy(force=True)
    zero = from_numpy(a * a * a.dtype.type(math.pi) == 0)
    safe = where(zero, 1.0, x) * math.pi  # the 0/0 branch never reaches the gradient
    return _named(where(zero, 1.0, safe.sin() / safe), input, "SincBackward0")


def deg2rad(input: Tensor) -> Tensor:  # noqa: A002
    """Degrees to radians: x * pi / 180 (integers give the default float dtype)."""
    return _named(_as_float(input, "deg2rad") * (math.pi / 180), input, "Deg2RadBackward0", False, input)


def rad2deg(input: Tensor) -> Tensor:  # noqa: A002
    """Radians to degrees: x * 180 / pi (integers give the default float dtype)."""
    return _named(_as_float(input, "rad2deg") * (180 / math.pi), input, "Rad2DegBackward0", False, input)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,  # noqa: A002
               neginf: float | None = None) -> Tensor:
    """nan -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (default: the dtype's largest and smallest).

    The gradient passes where the input is finite, as PyTorch's.
    """
    if input.dtype.kind != "f":
        return input.clone()
    info = np.finfo(input.dtype)
    x = input.numpy(force=True)
    fill = np.where(np.isnan(x), nan, np.where(x > 0, info.max if posinf is None else posinf,
                                               info.min if neginf is None else neginf))
    out = where(from_numpy(np.isfinite(x)), input, from_numpy(fill.astype(input.dtype)))
    return _named(out, input, "NanToNumBackward0", False, input)  # (PyTorch's node: the input alone)


# ------------------------------------------------------------------ binary arithmetic


def scalar_first(fn: str, scalar: str, tensors: tuple[str, ...], given: tuple[Any, ...],
                 function: bool = False) -> tuple[Any, ...]:
    """The operands of PyTorch's deprecated scalar-first overloads, still accepted with a warning:
    ``x.add_(alpha, other)``, ``torch.addcmul(input, value, tensor1, tensor2)``, ... (old optimizer code
    writes ``exp_avg.mul_(beta).add_(1 - beta, grad)``).

    ``given`` holds the positional arguments after ``self`` (or ``input``, for the ``torch.`` ``function``
    form): the scalar, then the ``tensors``. Returns the tensors, then the scalar (a 0-d tensor as its
    number, as PyTorch's argument parser reads it).

    Raises:
        TypeError: not that overload either (PyTorch's count of the positional arguments).
    """
    first = given[0]
    number = isinstance(first, (int, float, np.number)) or (isinstance(first, Tensor) and first.ndim == 0)
    if len(given) != len(tensors) + 1 or not number:
        takes = len(tensors) + function
        raise TypeError(f"{fn}() takes {takes} positional argument{'s' if takes > 1 else ''} but "
                        f"{len(given) + function} were given")
    if warn_once_due("scalar-first overload"):  # (PyTorch's one TORCH_WARN_ONCE for all of them)
        head, tail = ("Tensor input, ", ", Tensor out = None") if function else ("", "")
        operands = ", ".join(f"Tensor {t}" for t in tensors)
        warnings.warn(f"This overload of {fn} is deprecated:\n\t{fn}({head}Number {scalar}, {operands}"
                      f"{', *' + tail if function else ''})\nConsider using one of the following signatures "
                      f"instead:\n\t{fn}({head}{operands}, *, Number {scalar} = 1{tail})", UserWarning,
                      stacklevel=public_stacklevel(3))
    return (*given[1:], first.item() if isinstance(first, Tensor) else first)


def _alpha(a: Tensor, b: Tensor, alpha: Any) -> None:
    """PyTorch's checks of add/sub's alpha: a bool only for a bool result, a float only for floats."""
    if isinstance(alpha, bool) and not a.dtype == b.dtype == np.bool_:
        raise bool_alpha_error()
    if isinstance(alpha, float) and a.dtype.kind != "f":
        raise MinigradError("For integral input tensors, argument alpha must not be a floating point number. "
                            f"(alpha={alpha!r})")


def add(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:  # noqa: A002
    """input + alpha * other (also PyTorch's deprecated ``add(input, alpha, other)``, with its warning).

    Raises:
        MinigradError: a float alpha with integer or bool tensors (PyTorch's rule).
    """
    if deprecated:
        other, alpha = scalar_first("add", "alpha", ("other",), (other, *deprecated), function=True)
    if not isinstance(input, Tensor):
        input = _wrapped_number(input, other)  # noqa: A001
    a, b = _pair(input, other, "add")
    _alpha(a, b, alpha)
    if alpha != 1 and a.dtype == b.dtype == np.bool_:
        alpha = bool(alpha)  # (PyTorch casts alpha to the bool result: bools stay bools)
    if alpha != 1 and _fusable(a, b, alpha):
        return ops.AddScaled.apply(a, b, alpha=float(alpha), sub=False)
    return a + (b if alpha == 1 else b * alpha)


def _fusable(a: Tensor, b: Tensor, alpha: Any) -> bool:
    """Whether ``a + alpha * b`` can be the one fused primitive: float tensors of one dtype that broadcast, a
    real alpha (anything else keeps the composed form and its promotion and errors)."""
    return (a.dtype.kind == "f" and a.dtype == b.dtype and isinstance(alpha, (int, float))
            and not isinstance(alpha, bool) and _broadcasts(a.shape, b.shape))


def _broadcasts(x: tuple[int, ...], y: tuple[int, ...]) -> bool:
    return all(m == n or m == 1 or n == 1 for m, n in zip(x[::-1], y[::-1]))


def sub(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:  # noqa: A002
    """input - alpha * other (errors as :func:`add`; DTypeError for a bool operand, as PyTorch; also the
    deprecated ``sub(input, alpha, other)``)."""
    if deprecated:
        other, alpha = scalar_first("sub", "alpha", ("other",), (other, *deprecated), function=True)
    if _is_bool(input) or _is_bool(other):
        raise bool_sub_error(_is_bool(input) and _is_bool(other))
    if not isinstance(input, Tensor):
        input = _wrapped_number(input, other)  # noqa: A001
    a, b = _pair(input, other, "sub")
    _alpha(a, b, alpha)
    if alpha != 1 and _fusable(a, b, alpha):
        return ops.AddScaled.apply(a, b, alpha=-float(alpha), sub=True)
    return a - (b if alpha == 1 else b * alpha)


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """other - alpha * input (TypeError if input is not a Tensor, as PyTorch's)."""
    _tensor_args("rsub", input, other)
    if alpha == 1 and isinstance(input, Tensor) and not isinstance(other, Tensor):
        return input.__rsub__(other)  # (PyTorch's Scalar overload: RsubBackward1)
    return sub(other, input, alpha=alpha)


def mul(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input * other."""
    if isinstance(input, Tensor) and isinstance(other, float):
        return input * other  # (the operator's path: a half tensor takes the number in float32)
    if not isinstance(input, Tensor):
        input = _wrapped_number(input, other)  # noqa: A001
    a, b = _pair(input, other, "mul")
    return a * b


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:  # noqa: A002
    """input / other; ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient (zero gradient).

    Raises:
        InvalidParameterError: an unknown rounding mode.
        MinigradError: integer division by zero with a rounding mode (PyTorch's ZeroDivisionError).
        UnsupportedError: two bools with a rounding mode (PyTorch's NotImplementedError).
    """
    if not isinstance(input, Tensor):
        input = _wrapped_number(input, other)  # noqa: A001
    if rounding_mode is None:
        if isinstance(input, Tensor) and input.dtype.kind == "f" and isinstance(other, float):
            return input / other  # (the operator's path: a half tensor takes the number in float32)
        a, b = _floats(input, other, fn="div")
        return a / b
    if not_operand(other) and isinstance(input, Tensor):  # (not floor_divide's error, below)
        raise sequence_error("div", other, method=False, keywords=", rounding_mode=str")
    if rounding_mode == "floor":
        return _floor_quotient(input, other, recorded=False)
    if rounding_mode != "trunc":
        raise InvalidParameterError(f"div: rounding_mode must be None, 'trunc' or 'floor', got "
                                    f"{rounding_mode!r}")
    a, b = _integral_pair(input, other, "div_trunc")
    if a.dtype.kind == "f":
        return _apply2q(a, b, "trunc")
    n, d = a.numpy(force=True), _nonzero_divisor(b, a, "div")
    q = np.floor_divide(n, d)
    return from_numpy(np.asarray(q + ((q * d != n) & ((n < 0) != (d < 0))), dtype=q.dtype))


def _integral_pair(x: Any, other: Any, kernel: str, fn: str = "") -> tuple[Tensor, Tensor]:
    """_pair, refusing two bools as PyTorch does (numpy would answer in int8)."""
    a, b = _pair(x, other, fn)
    if a.dtype == np.bool_:
        raise UnsupportedError(f'"{kernel}_cpu" not implemented for \'Bool\'')
    return a, b


def _nonzero_divisor(b: Tensor, a: Tensor, what: str) -> Array:
    d = b.numpy(force=True)
    shape = check_broadcast(what, tuple(a.shape), d.shape)  # (numpy's ValueError is no RuntimeError)
    # PyTorch's kernel raises dividing an element: an empty result (a or b empty) divides none
    if d.dtype.kind in "iub" and (d == 0).any() and math.prod(shape):
        raise MinigradError("ZeroDivisionError")  # (PyTorch's whole message)
    return d


def floor_divide(input: Any, other: Any) -> Tensor:  # noqa: A002
    """floor(input / other), as Python's // (no gradient: PyTorch cannot differentiate it either).

    Raises:
        MinigradError: integer division by zero (PyTorch's ZeroDivisionError).
        UnsupportedError: both operands are bool (PyTorch's NotImplementedError).
    """
    if not isinstance(input, Tensor):
        input = _wrapped_number(input, other)  # noqa: A001
    return _floor_quotient(input, other, recorded=True)


def _floor_quotient(input: Any, other: Any, recorded: bool) -> Tensor:  # noqa: A002
    """floor(input / other): div's zero gradient, or (``recorded``) floor_divide's, which PyTorch records
    with no derivative (its backward raises)."""
    a, b = _integral_pair(input, other, "div_floor", "floor_divide")
    if a.dtype.kind == "f" and not (recorded and (a._requires_grad or b._requires_grad)):
        return _apply2q(a, b, "floor")  # (nothing to record: the plain quotient, at its cost)
    if a.dtype.kind == "f":
        with no_grad():
            q = _apply2q(a, b, "floor")
        return ops.recorded(q.numpy(force=True), [a, b], "", "aten::floor_divide")
    d = _nonzero_divisor(b, a, "floor_divide")
    return from_numpy(np.asarray(np.floor_divide(a.numpy(force=True), d)))


def _apply2q(a: Tensor, b: Tensor, mode: str) -> Tensor:
    try:
        return ops.RoundedQuotient.apply(a, b, mode=mode)
    except ValueError as e:
        raise broadcast_error("div", a.shape, b.shape) from e


def true_divide(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input / other, always a float (TypeError for a list or tuple operand, as PyTorch's)."""
    for name, value in (("input", input), ("other", other)):
        if not_operand(value):  # (div would name itself)
            raise sequence_error("true_divide", value, method=False, name=name)
    return div(input, other)


def remainder(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input - other * floor(input / other): Python's %, the sign of the divisor.

    Raises:
        MinigradError: integer division by zero (PyTorch's ZeroDivisionError).
        UnsupportedError: both operands are bool (PyTorch's NotImplementedError).
    """
    a, b = _integral_pair(input, other, "remainder", "remainder")
    if a.dtype.kind != "f":
        return from_numpy(np.asarray(np.remainder(a.numpy(force=True), _nonzero_divisor(b, a, "remainder"))))
    return _apply2(ops.Remainder, a, b)


def fmod(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input - other * trunc(input / other): C's fmod, the sign of the dividend.

    Raises:
        MinigradError: integer division by zero (PyTorch's ZeroDivisionError).
        UnsupportedError: both operands are bool (PyTorch's NotImplementedError).
        TypeError: input is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("fmod", input, other)
    a, b = _integral_pair(input, other, "fmod")
    if a.dtype.kind != "f":
        return from_numpy(np.asarray(np.fmod(a.numpy(force=True), _nonzero_divisor(b, a, "fmod"))))
    return _apply2(ops.Fmod, a, b)


_TENSORS = (Tensor, StateArray)


def _tensor_args(fn: str, input: Any, other: Any, both: bool = False) -> None:  # noqa: A002
    """PyTorch's argument parser: ``input`` must be a Tensor (and ``other`` too if ``both``: the op has no
    Number overload; a list or tuple is neither), else its TypeError. A state dict's value (a StateArray)
    stands for the tensor PyTorch's ``state_dict()`` would hold there."""
    if isinstance(input, _TENSORS) and (isinstance(other, _TENSORS) or not both):
        if not_operand(other):
            raise sequence_error(fn, other, method=False)
        return
    if both:
        name, pos, value = ("input", 1, input) if not isinstance(input, _TENSORS) else ("other", 2, other)
        raise TypeError(*not_tensor_error(fn, name, pos, value).args)
    got = ", ".join("Tensor" if isinstance(v, Tensor) else python_type_name(v) for v in (input, other))
    raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one "
                    "of: (Tensor input, Tensor other), (Tensor input, Number other)")


#: the ops whose list or tuple operand PyTorch reports in one line ("add(): argument 'other' (position 1)
#: must be Tensor, not list"); the others list their overloads ("received an invalid combination ...")
_ONE_LINE = frozenset({"add", "sub", "mul", "div", "add_", "sub_", "mul_", "div_", "atan2", "atan2_", "hypot",
                       "hypot_", "logaddexp", "logaddexp2", "fmax", "fmin", "maximum", "minimum"})


def sequence_error(fn: str, value: Any, method: bool = True, name: str = "other",
                   keywords: str | None = "") -> TypeError:
    """PyTorch's TypeError for a list or tuple operand of a binary op ``fn``: the method form
    (``t.add([1.0])``) counts ``other`` as position 1, the function form (``torch.add(t, [1.0])``) as 2
    (``name='input'`` for a sequence first operand); ``keywords`` is how PyTorch shows the keyword
    arguments given (``', rounding_mode=str'``), which always make the overload listing."""
    kind = python_type_name(value)
    if fn in _ONE_LINE and not keywords:
        return TypeError(*not_tensor_error(fn, name, 1 if method or name == "input" else 2, value).args)
    got = kind if method else (f"{kind}, Tensor" if name == "input" else f"Tensor, {kind}")
    got, head = got + (keywords or ""), "" if method else "Tensor input, "
    arg = "other" if name == "input" else name  # (the overloads list the operand's own name: pow's exponent)
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but "
                 f"expected one of:\n * ({head}Tensor {arg})\n * ({head}Number {arg})\n")


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001, A002
    """input ** exponent; either (not both) may be a Python number.

    Raises:
        TypeError: neither is a Tensor (PyTorch's argument error).
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        _tensor_args("pow", input, exponent)
    if not_operand(exponent):  # (numpy would compute it: PyTorch's argument error)
        raise sequence_error("pow", exponent, method=False, name="exponent")
    out: Tensor = input**exponent if isinstance(input, Tensor) else _tensor(exponent).__rpow__(input)
    return out


def float_power(input: Any, exponent: Any) -> Tensor:  # noqa: A002
    """input ** exponent computed in float64 (PyTorch's float_power); TypeError if neither is a Tensor."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        _tensor_args("float_power", input, exponent)
    a = input.double() if isinstance(input, Tensor) else input
    e = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a if isinstance(a, Tensor) else Tensor(a, dtype=np.float64), e)


def atan2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The angle of the point (other, input): atan(input / other) in the right quadrant.

    Raises:
        TypeError: either is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("atan2", input, other, both=True)
    return _apply2(ops.Atan2, *_floats(input, other))


def hypot(input: Any, other: Any) -> Tensor:  # noqa: A002
    """sqrt(input**2 + other**2) without overflow (TypeError unless both are Tensors, as PyTorch's)."""
    _tensor_args("hypot", input, other, both=True)
    return _apply2(ops.Hypot, *_floats(input, other, "hypot"))


def copysign(input: Any, other: Any) -> Tensor:  # noqa: A002
    """|input| with the sign of other (the sign bit: -0.0 counts as negative).

    Raises:
        TypeError: input is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("copysign", input, other)
    out = _apply2(ops.Copysign, *_floats(input, other))
    if isinstance(other, Tensor):
        return out
    return _named(out, input, "CopysignBackward1", False, input)  # (PyTorch's overload for a number)


def logaddexp(input: Any, other: Any) -> Tensor:  # noqa: A002
    """log(exp(input) + exp(other)), computed stably (TypeError unless both are Tensors, as PyTorch's)."""
    _tensor_args("logaddexp", input, other, both=True)
    return _named(_apply2(ops.LogAddExp, *_floats(input, other, "logaddexp")), input, "LogaddexpBackward0")


def logaddexp2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """log2(2**input + 2**other), computed stably (TypeError unless both are Tensors, as PyTorch's)."""
    _tensor_args("logaddexp2", input, other, both=True)
    return _named(_apply2(ops.LogAddExp2, *_floats(input, other, "logaddexp2")), input, "Logaddexp2Backward0")


def maximum(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise max (nan if either is nan); ties split the gradient.

    Raises:
        TypeError: either is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("maximum", input, other, both=True)
    return _tensor(input).maximum(other)


def minimum(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise min (nan if either is nan); ties split the gradient.

    Raises:
        TypeError: either is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("minimum", input, other, both=True)
    return _tensor(input).minimum(other)


def _nan_ignoring(name: str, input: Any, other: Any, keep: np.ufunc) -> Tensor:  # noqa: A002
    """input where ``keep(input, other)`` or other is nan, else other: fmax/fmin's choice."""
    a, b = _pair(input, other)
    x, y = a.numpy(force=True), b.numpy(force=True)
    try:
        take_a = keep(x, y) | np.isnan(y)
    except ValueError as e:
        raise broadcast_error(name, a.shape, b.shape) from e
    return where(from_numpy(take_a), a, b)


def fmax(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise max ignoring nan (nan only if both are); the gradient goes to the chosen side.

    Raises:
        TypeError: either is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("fmax", input, other, both=True)
    return _named(_nan_ignoring("fmax", input, other, np.greater_equal), input, "FmaxBackward0")


def fmin(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise min ignoring nan (nan only if both are); the gradient goes to the chosen side.

    Raises:
        TypeError: either is not a Tensor (PyTorch's argument error).
    """
    _tensor_args("fmin", input, other, both=True)
    return _named(_nan_ignoring("fmin", input, other, np.less_equal), input, "FminBackward0")


def heaviside(input: Tensor, values: Tensor) -> Tensor:  # noqa: A002
    """The step function: 0 where input < 0, 1 where input > 0, ``values`` (broadcast) where it is 0.
    No gradient (PyTorch has no derivative for it either).

    Raises:
        TypeError: input or values is not a Tensor (a number, as PyTorch's).
        DTypeError: input and values of different dtypes (as PyTorch).
        ShapeError: shapes that do not broadcast.
    """
    for name, arg in (("input", input), ("values", values)):
        if not isinstance(arg, Tensor):
            raise TypeError(f"heaviside(): argument '{name}' must be Tensor, not {type(arg).__name__}")
    if input.dtype != values.dtype:
        raise DTypeError("heaviside is not yet implemented for tensors with different dtypes.")
    try:
        x = input.numpy(force=True)  # (a NaN input is not > 0: PyTorch's step gives 0 there, numpy's NaN)
        v = values.numpy(force=True)
        out = np.where(np.isnan(x), 0, np.heaviside(x, v)) if x.dtype.kind == "f" else np.heaviside(x, v)
    except ValueError as e:
        raise broadcast_error("heaviside", input.shape, values.shape) from e
    return ops.recorded(np.asarray(out, dtype=input.dtype), [input, values], "", "aten::heaviside")


def xlogy(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input * log(other), and 0 where input is 0 (unless other is nan)."""
    return _apply2(ops.Xlogy, *_floats(input, other, fn="xlogy"))


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:  # noqa: A002
    """input + weight * (end - input) (PyTorch's two-sided formula); weight a number or tensor.

    Raises:
        TypeError: ``input`` or ``end`` is not a Tensor (PyTorch's argument parser: a number end too).
        DTypeError: ``end``, or a ``weight`` tensor that is not 0-d, has another dtype than ``input``.
        UnsupportedError: integer or bool tensors (PyTorch's NotImplementedError: lerp has float kernels
            only; numpy would truncate, or fail on bools).
    """
    input, end = state_operand(input), state_operand(end)  # noqa: A001 (a state dict's value is a tensor)
    if not isinstance(input, Tensor) or not isinstance(end, Tensor):
        got = ", ".join(type(v).__name__ for v in (input, end, weight))
        raise TypeError(f"lerp() received an invalid combination of arguments - got ({got}), but expected "
                        "one of:\n * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n * "
                        "(Tensor input, Tensor end, Number weight, *, Tensor out = None)\n")
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(input, Tensor) and isinstance(other, Tensor) and other.dtype != input.dtype and (
                name == "end" or other.ndim):
            raise DTypeError(f"lerp: expected dtype {input.dtype} for `{name}` but got dtype {other.dtype}")
    if isinstance(input, Tensor) and input.dtype.kind in "biu":
        raise kernel_error("lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar",
                           input.dtype, suffix="")
    a, b = _pair(input, end)
    w = weight if isinstance(weight, Tensor) else _lift(weight, a)
    if a.dtype == np.float16 and not isinstance(weight, Tensor):  # PyTorch's half kernel takes a number in
        w = _lift(weight, a.float())  # float32 (its opmath type; 0.3 is not rounded to half's 0.2998)
    elif w.dtype != a.dtype:
        w = w.astype(a.dtype)
    try:
        out = ops.Lerp.apply(a, b, w)  # (PyTorch numbers the tensor-weight overload 1)
        return _named(out, a, "LerpBackward1") if isinstance(weight, Tensor) else out
    except ValueError as e:
        raise ShapeError(f"lerp: shapes {a.shape}, {b.shape} and {w.shape} cannot be broadcast") from e


def _expanded(fn: str, input: Tensor, tensor1: Tensor, tensor2: Tensor) -> tuple[Tensor, Tensor]:  # noqa: A002
    """tensor1 and tensor2 expanded to the result's shape: as in PyTorch's fused kernel, each element's
    gradient term is formed before a broadcast sums them (so inf times upstream gradients of both signs
    is nan, as PyTorch's, not the inf of summing the gradients first)."""
    try:
        shape = np.broadcast_shapes(input.shape, tensor1.shape, tensor2.shape)
    except ValueError as e:
        raise ShapeError(f"{fn}: shapes {input.shape}, {tensor1.shape} and {tensor2.shape} cannot be "
                         "broadcast") from e
    return tensor1.expand(tuple(shape)), tensor2.expand(tuple(shape))


def _three_tensors(fn: str, input: Any, tensor1: Any, tensor2: Any) -> None:  # noqa: A002
    """PyTorch's argument parser for addcmul/addcdiv: three Tensors (numbers raised AttributeErrors)."""
    for pos, (name, value) in enumerate((("input", input), ("tensor1", tensor1), ("tensor2", tensor2)), 1):
        if not isinstance(value, _TENSORS):
            raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(value).__name__}")


def _common_dtype(fn: str, input: Tensor, tensor1: Tensor, tensor2: Tensor,  # noqa: A002
                  value: Any) -> tuple[Tensor, Tensor, Tensor, Any]:
    """The three operands cast to their common dtype, taken at once as PyTorch's fused kernel does (a 0-d
    operand counts only with a higher category: float32 (2,) and uint8 (2,) with a float64 0-d are float32,
    where promoting pairwise gave float64), and ``value`` as that dtype's scalar (2.5 is 2 for int tensors).

    Raises:
        UnsupportedError: the common dtype is bool (PyTorch has no bool kernel).
    """
    dt = operands_result_type([(t.dtype, t.ndim == 0) for t in (input, tensor1, tensor2)], [])
    if dt == np.bool_:
        raise kernel_error(f"{fn}_cpu_out", dt, suffix="")
    if dt.kind in "iu" and isinstance(value, float):
        value = int(value)  # PyTorch's Scalar to an integer dtype truncates
    cast = [t if t.dtype == dt else t.astype(dt) for t in (input, tensor1, tensor2)]
    return cast[0], cast[1], cast[2], value


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *deprecated: Any,  # noqa: A002
            value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2, in PyTorch's order: value * tensor1 first; for float32 tensors the
    product with tensor2 and the sum rounded once (its fused multiply-add: the same bits). The dtype is the
    three tensors' common one (see _common_dtype). Also the deprecated ``addcmul(input, value, tensor1,
    tensor2)``, with PyTorch's warning.

    Raises:
        TypeError: an operand is not a Tensor (PyTorch's argument error).
        UnsupportedError: all three are bool (PyTorch's NotImplementedError).
    """
    if deprecated:
        tensor1, tensor2, value = scalar_first("addcmul", "value", ("tensor1", "tensor2"),
                                               (tensor1, tensor2, *deprecated), function=True)
    _three_tensors("addcmul", input, tensor1, tensor2)
    input, tensor1, tensor2, value = _common_dtype("addcmul", input, tensor1, tensor2, value)  # noqa: A001
    if input.dtype == np.float16 and tensor1.dtype == tensor2.dtype == np.float16:  # PyTorch's half kernel:
        wide = addcmul(input.float(), tensor1.float(), tensor2.float(), value=value)  # float32, rounded once
        return _named(wide.half(), input, "AddcmulBackward0")
    a, b = _expanded("addcmul", input, tensor1, tensor2)
    scaled = a if value == 1 else a * value
    if isinstance(input, Tensor) and input.dtype == scaled.dtype == b.dtype == np.float32:
        return ops.Addcmul.apply(input, scaled, b, fused=True)
    return _named(input + scaled * b, input, "AddcmulBackward0")


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *deprecated: Any,  # noqa: A002
            value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2 (also the deprecated ``addcdiv(input, value, tensor1, tensor2)``).

    Raises:
        MinigradError: both divisor operands are integral (PyTorch no longer divides integers here).
        TypeError: an operand is not a Tensor (PyTorch's argument error).
    """
    if deprecated:
        tensor1, tensor2, value = scalar_first("addcdiv", "value", ("tensor1", "tensor2"),
                                               (tensor1, tensor2, *deprecated), function=True)
    _three_tensors("addcdiv", input, tensor1, tensor2)
    if tensor1.dtype.kind in "biu" and tensor2.dtype.kind in "biu":
        raise MinigradError("Integer division with addcdiv is no longer supported (as in PyTorch); "
                            "use (input + value * tensor1 / tensor2) with float tensors")
    input, tensor1, tensor2, value = _common_dtype("addcdiv", input, tensor1, tensor2, value)  # noqa: A001
    a, b = _expanded("addcdiv", input, tensor1, tensor2)
    # (PyTorch's order: value * tensor1 first)
    return _named(input + ((a if value == 1 else a * value) / b), input, "AddcdivBackward0")


# ------------------------------------------------------------------ comparisons and tests (no gradient)


def eq(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """input == other, elementwise (bool); other may be a number (TypeError if input is not a Tensor)."""
    _tensor_args("eq", input, other)
    out: Tensor = input == other
    return out


def ne(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """input != other, elementwise (bool); other may be a number (TypeError if input is not a Tensor)."""
    _tensor_args("ne", input, other)
    out: Tensor = input != other
    return out


def lt(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """input < other, elementwise (bool); other may be a number (TypeError if input is not a Tensor)."""
    _tensor_args("lt", input, other)
    out: Tensor = input < other
    return out


def le(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """input <= other, elementwise (bool); other may be a number (TypeError if input is not a Tensor)."""
    _tensor_args("le", input, other)
    out: Tensor = input <= other
    return out


def gt(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """input > other, elementwise (bool); other may be a number (TypeError if input is not a Tensor)."""
    _tensor_args("gt", input, other)
    out: Tensor = input > other
    return out


def ge(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """input >= other, elementwise (bool); other may be a number (TypeError if input is not a Tensor)."""
    _tensor_args("ge", input, other)
    out: Tensor = input >= other
    return out


def isnan(input: Tensor) -> Tensor:  # noqa: A002
    """True where the value is nan."""
    return from_numpy(np.isnan(_values(input)))


def isinf(input: Tensor) -> Tensor:  # noqa: A002
    """True where the value is +inf or -inf."""
    return from_numpy(np.isinf(_values(input)))


def isfinite(input: Tensor) -> Tensor:  # noqa: A002
    """True where the value is neither inf nor nan."""
    return from_numpy(np.isfinite(_values(input)))


def isposinf(input: Tensor) -> Tensor:  # noqa: A002
    """True where the value is +inf."""
    return from_numpy(np.isposinf(_values(input)))


def isneginf(input: Tensor) -> Tensor:  # noqa: A002
    """True where the value is -inf."""
    return from_numpy(np.isneginf(_values(input)))


def signbit(input: Tensor) -> Tensor:  # noqa: A002
    """True where the sign bit is set (negative numbers and -0.0)."""
    return from_numpy(np.signbit(_values(input)))


@bool_args("equal_nan")
def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
            equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (bool); nan == nan if ``equal_nan``.

    Raises:
        InvalidParameterError: a negative rtol or atol (a RuntimeError, as PyTorch's).
        TypeError: input or other is not a Tensor (PyTorch's argument error).
        DTypeError: input and other differ in dtype (a RuntimeError, as PyTorch's).
        ShapeError: the shapes do not broadcast (a RuntimeError, as PyTorch's; numpy's is a ValueError).
    """
    _tensor_args("isclose", input, other, both=True)
    check_broadcast("isclose", tuple(input.shape), tuple(other.shape))
    if input.dtype != other.dtype:  # PyTorch compares without promoting
        raise DTypeError(f"{scalar_type_name(input.dtype)} did not match {scalar_type_name(other.dtype)}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol < 0:
            raise InvalidParameterError(f"{name} must be greater than or equal to zero, but got {tol}")
    a, b = _pair(input, other)
    return from_numpy(np.asarray(np.isclose(a.numpy(force=True), b.numpy(force=True), rtol=rtol, atol=atol,
                                            equal_nan=equal_nan)))


@bool_args("equal_nan")
def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
             equal_nan: bool = False) -> bool:
    """True if every element is close (see :func:`isclose`; raises as it does)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).numpy(force=True).all())


def is_nonzero(input: Tensor) -> bool:  # noqa: A002 - PyTorch's argument name
    """Whether a one-element tensor is not zero (``bool(input)``).

    Raises:
        MinigradError: (a RuntimeError, as PyTorch's) no element, or more than one.
    """
    if input.numel() != 1:
        count = "no values" if input.numel() == 0 else "more than one value"
        raise MinigradError(f"Boolean value of Tensor with {count} is ambiguous")
    return bool(input.numpy(force=True).reshape(()) != 0)


def equal(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """True if both tensors have the same shape and the same values.

    Raises:
        TypeError: either is not a tensor (PyTorch's parser: a number or list is no Tensor here).
    """
    _tensor_args("equal", input, other, both=True)
    return input.shape == other.shape and bool((input == other).numpy(force=True).all())


# ------------------------------------------------------------------ logical and bitwise (no gradient)


def _logical(ufunc: np.ufunc, a: Any, b: Any) -> Tensor:
    _tensor_args(str(ufunc.__name__), a, b, both=True)
    x = a.numpy(force=True) if isinstance(a, Tensor) else np.asarray(a)
    y = b.numpy(force=True) if isinstance(b, Tensor) else np.asarray(b)
    try:
        return from_numpy(np.asarray(ufunc(x != 0, y != 0)))
    except ValueError as e:
        raise broadcast_error(str(ufunc.__name__), x.shape, y.shape) from e


def logical_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise 'and' of the truth values (non-zero is True)."""
    return _logical(np.logical_and, input, other)


def logical_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise 'or' of the truth values."""
    return _logical(np.logical_or, input, other)


def logical_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise 'xor' of the truth values."""
    return _logical(np.logical_xor, input, other)


def logical_not(input: Tensor) -> Tensor:  # noqa: A002
    """Elementwise 'not' of the truth values."""
    return from_numpy(_values(input) == 0)


def _integral(kernel: str, a: Any, b: Any, kinds: str = "biu") -> tuple[Tensor, Tensor]:
    """_pair for the integer-only ops: another result dtype raises PyTorch's NotImplementedError."""
    x, y = _pair(a, b)
    if x.dtype.kind not in kinds:
        raise kernel_error(kernel, x.dtype)
    return x, y


def _bitwise(ufunc: np.ufunc, a: Any, b: Any) -> Tensor:
    x, y = _integral(str(ufunc.__name__), a, b)
    try:
        return from_numpy(np.asarray(ufunc(x.numpy(force=True), y.numpy(force=True))))
    except ValueError as e:
        raise broadcast_error(str(ufunc.__name__), x.shape, y.shape) from e


def bitwise_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Bitwise and of integers (logical and of bools)."""
    return _bitwise(np.bitwise_and, input, other)


def bitwise_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Bitwise or of integers (logical or of bools)."""
    return _bitwise(np.bitwise_or, input, other)


def bitwise_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Bitwise xor of integers (logical xor of bools)."""
    return _bitwise(np.bitwise_xor, input, other)


def bitwise_not(input: Tensor) -> Tensor:  # noqa: A002
    """Bitwise not: ~x = -x - 1 for integers, logical not for bools."""
    x, _ = _integral("bitwise_not", input, input)
    return from_numpy(np.invert(x.numpy(force=True)))


def _shift(a: Any, b: Any, left: bool) -> Tensor:
    x, y = _integral("lshift" if left else "rshift", a, b, kinds="iu")  # bools shift only beside an int
    xs, ys = x.numpy(force=True), y.numpy(force=True)
    check_broadcast("bitwise_left_shift" if left else "bitwise_right_shift", xs.shape, ys.shape)
    bits = xs.dtype.itemsize * 8
    out_of_range = (ys < 0) | (ys >= bits)  # C leaves these undefined; PyTorch fills them
    safe = np.where(out_of_range, 0, ys).astype(xs.dtype)
    if left:
        shifted = np.left_shift(xs, safe)
        return from_numpy(np.asarray(np.where(out_of_range, 0, shifted), dtype=xs.dtype))
    shifted = np.right_shift(xs, safe)
    sign = np.where(xs < 0, -1, 0) if xs.dtype.kind == "i" else 0
    return from_numpy(np.asarray(np.where(out_of_range, sign, shifted), dtype=xs.dtype))


def bitwise_left_shift(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input << other (0 when shifting by the width or more, as PyTorch)."""
    return _shift(input, other, left=True)


def bitwise_right_shift(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input >> other, arithmetic (the sign fills in; -1 or 0 past the width, as PyTorch)."""
    return _shift(input, other, left=False)


# PyTorch's (and numpy's) other names for the same functions
absolute = abs
arccos = acos
arccosh = acosh
arcsin = asin
arcsinh = asinh
arctan = atan
arctan2 = atan2
arctanh = atanh
fix = trunc
greater = gt
greater_equal = ge
less = lt
less_equal = le
negative = neg
not_equal = ne
clip = clamp


def multiply(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input * other: :func:`mul`, but a list or array operand raises in multiply's name (as PyTorch's)."""
    if not_operand(other):
        raise sequence_error("multiply", other, method=False)
    return mul(input, other)


def divide(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:  # noqa: A002
    """input / other: :func:`div`, but a list or array operand raises in divide's name (as PyTorch's)."""
    if not_operand(other):
        raise sequence_error("divide", other, method=False, keywords=rounding_mode and ", rounding_mode=str")
    return div(input, other, rounding_mode=rounding_mode)


def subtract(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """input - alpha * other: :func:`sub` without its deprecated scalar-first overload (PyTorch has none)."""
    if not_operand(other):  # (in its own name: PyTorch lists subtract's overloads)
        raise sequence_error("subtract", other, method=False)
    return sub(input, other, alpha=alpha)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
