"""Dtype rules: the dtypes a tensor may hold, how a requested dtype resolves, how dtypes promote.

minigrad's dtypes are numpy dtypes. Data given without a dtype gets PyTorch's
defaults (Python floats take the default dtype, float64 arrays stay float64,
integers are int64); two tensors of different dtypes meet in PyTorch's
result type. Python numbers are "weak" (2.0 * a float32 tensor stays
float32): that rule is applied where a number becomes a tensor
(``tensor._lift``). Of minigrad this module imports only the errors.
"""

from __future__ import annotations

from typing import Any, TypeAlias, Union

import numpy as np

from minigrad.errors import InvalidParameterError

DTypeLike: TypeAlias = Union[np.dtype[Any], type, str, None]

float32: np.dtype[np.float32] = np.dtype(np.float32)
float64: np.dtype[np.float64] = np.dtype(np.float64)
int64: np.dtype[np.int64] = np.dtype(np.int64)
bool_: np.dtype[np.bool_] = np.dtype(np.bool_)
#: the dtypes a tensor may hold
SUPPORTED = (float32, float64, int64, bool_)
#: the smallest float64 that rounds to inf in float32
F32_OVERFLOW = 3.4028235677973366e38
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}


def resolve_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """The numpy dtype a ``dtype=`` argument names (``mg.float32``, ``np.int64``, ``'bool'``, ...).

    Raises:
        InvalidParameterError: not a dtype, or one minigrad does not hold.
    """
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise InvalidParameterError(f"dtype={dtype!r} is not a dtype") from e
    if dt not in SUPPORTED:
        raise InvalidParameterError(f"dtype={dt} is not supported; use float32, float64, int64 or bool")
    return dt


def default_dtype_for(dt: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype minigrad gives array data of numpy dtype ``dt`` when none is asked for.

    Raises:
        InvalidParameterError: data that is not numbers (strings, objects).
    """
    if dt in (float64, bool_):
        return dt
    if dt.kind == "f":
        return float32
    if dt.kind in "iu":
        return int64
    raise InvalidParameterError(
        f"data of dtype {dt} cannot become a tensor; give numbers (float, int or bool)"
    )


def category(dt: np.dtype[Any]) -> int:
    """0 for bool, 1 for integers, 2 for floats: PyTorch promotes to the higher category."""
    return _CATEGORY[dt.kind]


def result_dtype(a: np.dtype[Any], a_is_0d: bool, b: np.dtype[Any], b_is_0d: bool) -> np.dtype[Any]:
    """PyTorch's result type of two tensors of dtypes ``a`` and ``b``.

    The higher category wins (bool < int < float); within a category a
    tensor with dims wins over a 0-d one, otherwise the wider dtype.
    """
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    if a_is_0d != b_is_0d:
        return b if a_is_0d else a
    promoted: np.dtype[Any] = np.promote_types(a, b)
    return promoted
