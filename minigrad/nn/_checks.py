"""Argument validation shared by the layer constructors.

Each check raises :class:`InvalidParameterError` naming the argument and the
value, so ``BatchNorm1d(0)`` says ``num_features must be a positive int, got 0``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import DTypeLike, resolve_dtype
from minigrad.errors import (
    InvalidParameterError,
    _ArgumentTypeError,
    _NotTensorAttributeError,
    int_error,
    python_type_name,
    user_stacklevel,
)
from minigrad.tensor import Tensor


def is_int(value: Any) -> bool:
    """True for Python and numpy ints (bools excluded)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """True for Python and numpy ints and floats (bools excluded)."""
    real = isinstance(value, (int, float, np.integer, np.floating))
    return real and not isinstance(value, (bool, np.bool_))


def value_error(value: Any) -> type[InvalidParameterError]:
    """The class for an out-of-range ``value``: a value that is no number at all (None, a string, a list) is
    also PyTorch's TypeError (its comparisons or argument parser raise one, ``Dropout(None)``)."""
    numeric = isinstance(value, (int, float, np.integer, np.floating, np.bool_))
    return InvalidParameterError if numeric else _ArgumentTypeError


def _index(value: Any) -> Any:
    """A one-element integer Tensor as the int it holds (PyTorch's sizes go through ``__index__``, so
    ``Embedding(ids.max() + 1, 8)`` builds a layer); any other value unchanged."""
    if isinstance(value, Tensor) and value.numel() == 1 and value.dtype.kind in "iu":
        return int(value.item())
    return value


def _scalar(value: Any) -> Any:
    """A 0-d Tensor that needs no grad as the Python number it holds (PyTorch's argument parser takes one
    for a Scalar or float argument: botorch's ``softplus(x, beta=1 / tau)`` with a tensor tau); any other
    value unchanged (a 1-element 1-d tensor, or one that requires grad, stays PyTorch's TypeError)."""
    if isinstance(value, Tensor) and value.ndim == 0 and not value.requires_grad:
        return value.item()
    return value


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int if it is an int > 0 (bools rejected; a one-element integer Tensor counts as its
    int, as in PyTorch); a value that is not an int at all is also PyTorch's TypeError (``Linear(3., 4)``)."""
    value = _index(value)
    if not is_int(value):
        raise _ArgumentTypeError(f"{name} must be a positive int, got {name}={value!r}")
    if value <= 0:
        raise InvalidParameterError(f"{name} must be a positive int, got {name}={value!r}")
    return int(value)


def int_argument(fn: str, name: str, position: int, value: Any) -> int:
    """``value`` if an int (any sign), else PyTorch's argument-parser TypeError naming ``fn``'s
    argument ``name`` at ``position`` (``nll_loss_nd(): argument 'ignore_index' (position 5) must be int,
    not float``)."""
    if not is_int(value):
        raise _ArgumentTypeError(f"{int_error(fn, name, position, value)} (got {name}={value!r})")
    return int(value)


def nonnegative_int(name: str, value: Any) -> int:
    """``value`` as an int if it is an int >= 0 (bools rejected; a one-element integer Tensor counts as its
    int); not an int at all: also a TypeError."""
    value = _index(value)
    if not is_int(value):
        raise _ArgumentTypeError(f"{name} must be a non-negative int, got {name}={value!r}")
    if value < 0:
        raise InvalidParameterError(f"{name} must be a non-negative int, got {name}={value!r}")
    return int(value)


def positive_float(name: str, value: Any) -> float:
    """``value`` as a float if it is a finite number > 0."""
    value = _scalar(value)
    if not is_real(value) or not math.isfinite(value) or value <= 0:
        raise value_error(value)(f"{name} must be positive (a finite number > 0), got {name}={value!r}")
    return float(value)


def nonnegative(name: str, value: Any) -> float:
    """``value`` itself if it is a number >= 0 (inf allowed, nan and bools rejected)."""
    value = _scalar(value)
    if not is_real(value) or not value >= 0:
        raise value_error(value)(f"{name} must be a number >= 0, got {name}={value!r}")
    given: float = value
    return given


def unit_interval(name: str, value: Any) -> float:
    """``value`` as a float if it is a number in [0, 1]."""
    value = _scalar(value)
    if not is_real(value) or not 0 <= value <= 1:
        raise value_error(value)(f"{name} must be a number in [0, 1], got {name}={value!r}")
    return float(value)


def probability(name: str, value: Any) -> float:
    """``value`` as a float if it is a number in [0, 1]: a drop probability (1 drops everything)."""
    value = _scalar(value)
    if not is_real(value) or not 0 <= value <= 1:  # (PyTorch's words first)
        raise value_error(value)(f"dropout probability has to be between 0 and 1, but got {value} "
                                 f"({name} must be a number in [0, 1], got {name}={value!r})")
    return float(value)


def layer_probability(name: str, value: Any) -> float:
    """``value`` itself if it is a number in [0, 1): a dropout layer's p, kept as given (``Dropout(0)``
    shows ``p=0``, as PyTorch's). API.md refuses 1, which the functional form and PyTorch's layers
    accept: a layer that always outputs zeros is a mistake."""
    if probability(name, value) == 1:
        raise InvalidParameterError(f"{name} must be a number in [0, 1), got {name}={value!r}")
    return value  # type: ignore[no-any-return]


def number(name: str, value: Any) -> float:
    """``value`` itself if it is a real number (bools rejected; nan and inf allowed).

    Returned as given (an int stays an int), so a layer's repr shows what was
    passed, as PyTorch's does.
    """
    value = _scalar(value)
    if not is_real(value):
        raise value_error(value)(f"{name} must be a number, got {name}={value!r}")
    given: float = value
    return given


def one_of(name: str, value: Any, choices: Sequence[str]) -> str:
    """``value`` if it is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        # (not a string at all: PyTorch's argument parser or string handling raises a TypeError)
        raise (InvalidParameterError if isinstance(value, str) else _ArgumentTypeError)(
            f"{name} must be one of {options}, got {name}={value!r}")
    return value


REDUCTIONS = ("mean", "sum", "none")


# the losses whose reduction PyTorch checks itself, refusing the deprecated 'elementwise_mean'
_OWN_REDUCTION_CHECK = ("gaussian_nll_loss", "multilabel_soft_margin_loss", "poisson_nll_loss",
                        "triplet_margin_with_distance_loss")


def reduction(value: Any, choices: Sequence[str] = REDUCTIONS, fn: str = "") -> str:
    """A loss's ``reduction``: 'mean', 'sum' or 'none' (or the loss's own ``choices``); else PyTorch's
    ValueError ('abc is not a valid value for reduction'; gaussian_nll_loss's 'abc is not valid').
    PyTorch 0.4's 'elementwise_mean' is 'mean' with PyTorch's deprecation warning, except in the losses of
    ``_OWN_REDUCTION_CHECK`` (``fn``), which refuse it as PyTorch's do."""
    if value == "elementwise_mean" and "mean" in choices and fn not in _OWN_REDUCTION_CHECK:
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=user_stacklevel())
        return "mean"
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        own_words = fn in ("gaussian_nll_loss", "multilabel_soft_margin_loss")
        torch_words = "is not valid" if own_words else "is not a valid value for reduction"
        # (a non-string also fails PyTorch's string handling in some losses: its TypeError as well)
        raise (InvalidParameterError if isinstance(value, str) else _ArgumentTypeError)(
            f"{value} {torch_words} (reduction must be one of {options}, got reduction={value!r})")
    return value


def normalized_shape(value: Any, name: str = "normalized_shape") -> tuple[int, ...]:
    """A non-negative int or a non-empty sequence of them (PyTorch allows a 0 size), as a tuple of ints."""
    if type(value) is tuple and len(value) == 1 and type(value[0]) is int and value[0] > 0:
        return value  # a LayerNorm module's own (C,), on every call
    if is_int(value):
        shape: tuple[Any, ...] = (value,)
    elif isinstance(value, (tuple, list)):
        shape = tuple(value)
    else:  # 2.5 or None: not a size at all (was "'float' object is not iterable")
        shape = ()
    if not shape or any(not is_int(s) or s < 0 for s in shape):
        # a size that is no int (2.5, None, '3') is PyTorch's TypeError too
        typed = any(not is_int(s) for s in shape) or not (is_int(value) or isinstance(value, (tuple, list)))
        words = "" if shape or typed else ("Expected normalized_shape to be at least 1-dimensional, i.e., "
                                           "containing at least one element, but got normalized_shape = []: ")
        raise (_ArgumentTypeError if typed else InvalidParameterError)(
            f"{words}{name} must be a non-negative int or a non-empty sequence of them, got "
            f"{name}={value!r}"
        )
    return tuple(int(s) for s in shape)


def flag(name: str, value: Any) -> bool:
    """A module's on/off setting as PyTorch reads it (``if bias:``): a bool, an int (``bias=0`` from a
    config file) or None, as its truth value.

    Raises:
        InvalidParameterError: anything else (``bias="False"``, 1.0), which PyTorch would read as its
            truth value too, but is far more often a mistake than a setting.
    """
    if not isinstance(value, (bool, int, np.bool_, np.integer)) and value is not None:
        raise InvalidParameterError(f"{name} must be a bool, got {name}={value!r}")
    return bool(value)


def strict_flag(name: str, value: Any) -> bool:
    """``value`` if it is a bool: a setting PyTorch hands to a C++ kernel, whose argument parser takes
    nothing else, not even a numpy bool (``MaxPool2d(ceil_mode=1)`` fails in its forward).

    Raises:
        InvalidParameterError: any other value; also PyTorch's TypeError.
    """
    if value is not True and value is not False:
        raise _ArgumentTypeError(f"{name} must be bool, not {python_type_name(value)} (got {name}={value!r})")
    return value


def of_type(name: str, value: Any, kind: type) -> Any:
    """``value`` if it is a ``kind`` (an int: not a bool); else an InvalidParameterError that is also
    PyTorch's TypeError for a wrongly typed argument (``RNN(3.0, 5)``, ``RNN(3, 5, bias=1)``), naming the
    argument and the value."""
    if kind is int:
        ok = is_int(value)
    else:
        ok = isinstance(value, (bool, np.bool_) if kind is bool else kind)
    if not ok:
        raise _ArgumentTypeError(
            f"{name} should be of type {kind.__name__}, got: {type(value).__name__} ({name}={value!r})"
        )
    return value


def tensor(fn: str, value: Any, name: str = "input") -> Tensor:
    """``value`` if it is a Tensor; else the TypeError PyTorch's C functions raise, also the AttributeError of
    its Python ones (``errors._NotTensorAttributeError``)."""
    if not isinstance(value, Tensor):
        got = type(value).__name__
        raise _NotTensorAttributeError(f"{fn}(): argument '{name}' must be a Tensor, not {got}")
    return value


def device(value: Any) -> None:
    """Accept ``device=None`` or the CPU (``'cpu'``, ``'cpu:0'`` or an object whose ``type`` is 'cpu').

    minigrad computes on the CPU only, so any other device is refused rather
    than silently ignored.
    """
    if value is None:
        return
    text = str(getattr(value, "type", value))
    if text.split(":", 1)[0] != "cpu":
        raise InvalidParameterError(f"device={value!r} is not available: minigrad runs on the CPU only")


def float_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """The parameters' dtype: the default dtype (float32 unless set) if None, else float32 or float64."""
    dt = get_default_dtype() if dtype is None else resolve_dtype(dtype)
    if dt.kind != "f":
        raise InvalidParameterError(f"dtype must be a floating dtype (float32 or float64), got dtype={dt}")
    return dt
