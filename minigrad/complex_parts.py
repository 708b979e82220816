"""PyTorch's complex-number functions on real tensors: ``mg.conj(x)``, ``mg.real(x)``, ``mg.angle(x)``.

minigrad has no complex dtypes, so these take the forms PyTorch gives them on a
real tensor: ``conj``, ``conj_physical``, ``resolve_conj``, ``resolve_neg``,
``positive`` and ``real`` return the tensor itself; ``imag`` raises; ``isreal``
is all True; ``angle`` is 0 or pi by sign (nan at nan) with a zero gradient.
Generic code written for complex inputs (``x.conj().T``, ``x.mH``) then runs.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._tensor_methods import provide
from minigrad.default_dtype import get_default_dtype
from minigrad.errors import DTypeError, MinigradError
from minigrad.tensor import Tensor, from_numpy

__all__ = ["angle", "conj", "conj_physical", "imag", "is_complex", "is_conj", "is_neg", "isreal", "positive",
           "real", "resolve_conj", "resolve_neg"]


def _tensor(input: Any, fn: str) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input


def conj(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate: a real tensor is its own, so the tensor itself."""
    return _tensor(input, "conj")


def conj_physical(input: Tensor) -> Tensor:  # noqa: A002
    """The conjugate, materialised: the tensor itself for a real tensor, as PyTorch."""
    return _tensor(input, "conj_physical")


def resolve_conj(input: Tensor) -> Tensor:  # noqa: A002
    """Materialise a lazy conjugation: a real tensor never has one, so the tensor itself."""
    return _tensor(input, "resolve_conj")


def resolve_neg(input: Tensor) -> Tensor:  # noqa: A002
    """Materialise a lazy negation: minigrad never makes one, so the tensor itself."""
    return _tensor(input, "resolve_neg")


def real(input: Tensor) -> Tensor:  # noqa: A002
    """The real part: the tensor itself for a real tensor."""
    return _tensor(input, "real")


def imag(input: Tensor) -> Tensor:  # noqa: A002
    """The imaginary part, which real tensors do not have.

    Raises:
        DTypeError: always (PyTorch's RuntimeError for a non-complex dtype).
    """
    _tensor(input, "imag")
    raise DTypeError("imag is not implemented for tensors with non-complex dtypes.")


def positive(input: Tensor) -> Tensor:  # noqa: A002
    """+x: the tensor itself.

    Raises:
        MinigradError: a bool tensor (PyTorch's RuntimeError: unary + is not defined on bools).
    """
    if _tensor(input, "positive").dtype == np.bool_:
        raise MinigradError("The `+` operator, on a bool tensor is not supported.")
    return input


def isreal(input: Tensor) -> Tensor:  # noqa: A002
    """True everywhere: every element of a real tensor has a zero imaginary part (no gradient)."""
    return from_numpy(np.ones(_tensor(input, "isreal").shape, dtype=np.bool_))


def angle(input: Tensor) -> Tensor:  # noqa: A002
    """The argument of each element as a complex number: 0 for x >= 0, pi for x < 0, nan at nan.

    Integers and bools give the default float dtype, as PyTorch; the gradient is 0.
    """
    x = _tensor(input, "angle")
    return ops.Rounding.apply(x if x.dtype.kind == "f" else x.astype(get_default_dtype()), kind="angle")


def is_complex(input: Tensor) -> bool:  # noqa: A002
    """False: minigrad has no complex dtypes."""
    _tensor(input, "is_complex")
    return False


def is_conj(input: Tensor) -> bool:  # noqa: A002
    """False: a real tensor never carries a lazy conjugation."""
    _tensor(input, "is_conj")
    return False


def is_neg(input: Tensor) -> bool:  # noqa: A002
    """False: minigrad never makes lazily negated views."""
    _tensor(input, "is_neg")
    return False


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
