"""Elementwise functions on the representation of numbers: ``gcd``, ``lcm`` (integers), ``frexp``,
``ldexp`` and ``nextafter`` (floats), as PyTorch spells them.

``gcd``, ``lcm`` and ``nextafter`` have no gradient (PyTorch defines none); ``ldexp`` is
``input * 2 ** other`` and ``frexp``'s mantissa is ``input * 2 ** -exponent``, so their gradients
are those compositions' (PyTorch's formulas).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad import ops, return_types
from minigrad._tensor_methods import provide
from minigrad.dtypes import kernel_error, operands_result_type
from minigrad.errors import DTypeError
from minigrad.pointwise import _apply2, _pair
from minigrad.pointwise import mul as _mul
from minigrad.pointwise import pow as _pow
from minigrad.shapes import check_broadcast
from minigrad.tensor import Tensor, _named, from_numpy

__all__ = ["frexp", "gcd", "lcm", "ldexp", "nextafter"]


def _tensors(fn: str, input: Any, other: Any) -> None:  # noqa: A002
    """PyTorch's signatures take two Tensors here: a Python number is a TypeError."""
    for name, x in (("input", input), ("other", other)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(x).__name__}")


def _integers(fn: str, input: Any, other: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    _tensors(fn, input, other)
    a, b = _pair(input, other)
    if a.dtype.kind not in "iu":
        raise kernel_error(fn, a.dtype)
    return a, b


def _integer_pair(fn: Any, name: str, a: Tensor, b: Tensor) -> Tensor:
    """``fn`` of two integer tensors, broadcast, in PyTorch's result dtype (int32 with a 0-d int64 stays
    int32; numpy would widen it)."""
    check_broadcast(name, tuple(a.shape), tuple(b.shape))
    dtype = operands_result_type([(a.dtype, a.ndim == 0), (b.dtype, b.ndim == 0)], [])
    return from_numpy(np.asarray(fn(a.numpy(force=True), b.numpy(force=True))).astype(dtype, copy=False))


def gcd(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The greatest common divisor of integer tensors (broadcast), never negative; gcd(0, 0) = 0.

    Raises:
        TypeError: a Python number for input or other (PyTorch takes two tensors).
        UnsupportedError: float or bool operands (PyTorch's NotImplementedError).
    """
    a, b = _integers("gcd", input, other)
    return _integer_pair(np.gcd, "gcd", a, b)


def lcm(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The least common multiple of integer tensors (broadcast), never negative; 0 if either is 0.

    Raises:
        TypeError: a Python number for input or other (PyTorch takes two tensors).
        UnsupportedError: float or bool operands (PyTorch's NotImplementedError).
    """
    a, b = _integers("lcm", input, other)
    return _integer_pair(np.lcm, "lcm", a, b)


def ldexp(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """input * 2 ** other (float; integers give the default dtype), differentiable in both, as PyTorch's:
    a float input with an integer exponent is scaled exactly in its dtype; otherwise 2 ** other is taken in
    other's float dtype (or the default one) first, then multiplied with PyTorch's promotion.

    Raises:
        TypeError: a Python number for input or other (PyTorch takes two tensors).
        UnsupportedError: a bool exponent (PyTorch's NotImplementedError).
    """
    _tensors("ldexp", input, other)
    if input.dtype.kind == "f" and other.dtype == np.bool_:
        raise kernel_error("ldexp", other.dtype, suffix="_cpu_exp")
    if input.dtype.kind == "f" and other.dtype.kind in "iu":  # (exact: 0 * 2**200 is 0, not 0 * inf)
        shape = check_broadcast("ldexp", input.shape, other.shape)
        exponent = np.clip(other.numpy(force=True), -(2**31), 2**31 - 1).astype(np.int64)
        out = ops.Ldexp.apply(input if input.shape == shape else input.expand(shape),
                              exponent=np.broadcast_to(exponent, shape))
    elif input.dtype.kind == "f" and other.ndim == 0 < input.ndim and input.dtype == np.float64:
        # (2 ** 150 of a float64 is finite; PyTorch takes a 0-d float exponent of float64 values in float64)
        out = _mul(input, _pow(from_numpy(np.asarray(2.0, dtype=input.dtype)), other.astype(input.dtype)))
    else:
        out = _mul(input, _pow(2.0, other))
    return _named(out, input, "LdexpBackward0", False, input, other)  # (PyTorch's one op, both its inputs)


def frexp(input: Tensor) -> return_types.frexp:  # noqa: A002
    """(mantissa, exponent) with input = mantissa * 2 ** exponent, |mantissa| in [0.5, 1) (0, inf and nan
    keep their value with exponent 0); exponent is int32. The mantissa's gradient is g * 2 ** -exponent.

    Raises:
        DTypeError: an integer or bool input (PyTorch's RuntimeError).
    """
    if input.dtype.kind != "f":
        raise DTypeError("torch.frexp() only supports floating-point dtypes")
    _, exponent = np.frexp(input.numpy(force=True))
    scale = from_numpy(np.ldexp(np.ones((), dtype=input.dtype), -exponent))
    mantissa = _named(input * scale, input, "FrexpBackward0", False, input)  # (PyTorch's one op)
    return return_types.frexp(mantissa, from_numpy(exponent.astype(np.int32)))


def nextafter(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The next representable float after input toward other (broadcast); PyTorch's gradient (1 for
    input where it moves, 0 for other).

    Raises:
        TypeError: a Python number for input or other (PyTorch takes two tensors).
        UnsupportedError: integer or bool operands (PyTorch's NotImplementedError).
    """
    _tensors("nextafter", input, other)
    a, b = _pair(input, other)
    if a.dtype.kind != "f":
        raise kernel_error("nextafter", a.dtype)
    return _apply2(ops.Nextafter, a, b)  # (shapes that do not broadcast: ShapeError, not numpy's ValueError)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
