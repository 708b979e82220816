"""Window functions for spectral analysis, as torch's factories: ``hann_window``, ``hamming_window``,
``bartlett_window``, ``blackman_window`` and ``kaiser_window``.

Each returns a 1-D tensor of ``window_length`` values (the default float dtype
unless ``dtype``). ``periodic=True`` (the default) gives the window for
spectral use: the symmetric window of ``window_length + 1`` points without its
last one. Lengths 0 and 1 give ``[]`` and ``[1.]``. The values are computed in
float64 and rounded to ``dtype`` (PyTorch computes in ``dtype``: float32 values
may differ from its in the last bit).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.device import DeviceLike, check_device, check_pin_memory
from minigrad.dtypes import DTypeLike, resolve_dtype
from minigrad.errors import NOT_GIVEN, InvalidParameterError
from minigrad.tensor import Tensor, from_numpy

__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]

Array = np.ndarray[Any, Any]


def _window(fn: str, window_length: int, periodic: bool, dtype: DTypeLike, device: DeviceLike,
            requires_grad: bool, symmetric: Callable[[Array, int], Array], pin_memory: Any) -> Tensor:
    """``symmetric(n, length)`` on ``n = 0..length-1`` as a tensor, after PyTorch's checks.

    Raises:
        TypeError: a ``window_length`` that is not an int.
        InvalidParameterError: a negative ``window_length``, or a dtype that is not floating point.
        DeviceError: ``pin_memory=True``, as on PyTorch's CPU build.
    """
    if not isinstance(window_length, (int, np.integer)) or isinstance(window_length, bool):
        raise TypeError(f"{fn}(): argument 'window_length' (position 1) must be int, "
                        f"not {type(window_length).__name__}")
    check_device(device)
    check_pin_memory(fn, pin_memory)
    dt = get_default_dtype() if dtype is None else resolve_dtype(dtype)
    if window_length < 0:
        raise InvalidParameterError(f"{fn} requires non-negative window_length, "
                                    f"got window_length={window_length}")
    if dt.kind != "f":
        raise InvalidParameterError(f"{fn} expects floating point dtypes, got: dtype={dt}")
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        length = window_length + 1 if periodic else window_length
        # in the window's dtype, op by op, as PyTorch's (its float32 Blackman ends at -3e-8, not 0)
        values = symmetric(np.arange(length, dtype=dt), length)[:window_length]
    out = from_numpy(values.astype(dt))
    return out.requires_grad_(True) if requires_grad else out


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype: DTypeLike = None, layout: Any = None, device: DeviceLike = None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``alpha - beta * cos(2 pi n / (N - 1))``, the generalised Hamming window.

    Raises:
        TypeError: a ``window_length`` that is not an int.
        InvalidParameterError: a negative ``window_length``, or a dtype that is not floating point.
    """
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: _hamming(n, m, alpha, beta), pin_memory)


def hann_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None, layout: Any = None,
                device: DeviceLike = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``0.5 - 0.5 cos(2 pi n / (N - 1))`` (``sin^2(pi n / (N - 1))``), the Hann window.

    Raises:
        TypeError: a ``window_length`` that is not an int.
        InvalidParameterError: a negative ``window_length``, or a dtype that is not floating point.
    """
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, m: _hamming(n, m, 0.5, 0.5), pin_memory)


def _cos(x: Array) -> Array:
    out: Array = np.cos(x.astype(np.float64)).astype(x.dtype)  # (rounded once, as PyTorch's float32 cos)
    return out


def _hamming(n: Array, m: int, alpha: float, beta: float) -> Array:
    t = n.dtype.type
    out: Array = _cos(n * t(2 * math.pi / (m - 1))) * t(-beta) + t(alpha)
    return out


def _bartlett(n: Array, m: int) -> Array:
    w: Array = n * n.dtype.type(2.0 / (m - 1))
    half = (m - 1) // 2 + 1  # the rising half, then 2 minus it
    w[half:] = w[half:] * -1 + 2
    return w


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
                    layout: Any = None, device: DeviceLike = None, requires_grad: bool = False,
                    pin_memory: bool = False) -> Tensor:
    """``1 - |2 n / (N - 1) - 1|``, the triangular Bartlett window.

    Raises:
        TypeError: a ``window_length`` that is not an int.
        InvalidParameterError: a negative ``window_length``, or a dtype that is not floating point.
    """
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, _bartlett,
                   pin_memory)


def _blackman(n: Array, m: int) -> Array:
    t = n.dtype.type
    w = n * t(math.pi / (m - 1))
    out: Array = _cos(w * t(4)) * t(0.08) - _cos(w * t(2)) * t(0.5) + t(0.42)
    return out


def blackman_window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
                    layout: Any = None, device: DeviceLike = None, requires_grad: bool = False,
                    pin_memory: bool = False) -> Tensor:
    """``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``, the Blackman window.

    Raises:
        TypeError: a ``window_length`` that is not an int.
        InvalidParameterError: a negative ``window_length``, or a dtype that is not floating point.
    """
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, _blackman,
                   pin_memory)


def kaiser_window(window_length: int, periodic: Any = NOT_GIVEN, beta: Any = NOT_GIVEN, *,
                  dtype: DTypeLike = None, layout: Any = None, device: DeviceLike = None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)`` with ``a = (N - 1) / 2``, the Kaiser window.

    ``I0`` is the modified Bessel function of the first kind, order 0.

    Raises:
        TypeError: a ``window_length`` that is not an int, or ``beta`` without ``periodic`` (PyTorch's
            overloads take beta only after periodic: ``kaiser_window(5, beta=5.0)`` is its argument error).
        InvalidParameterError: a negative ``window_length``, or a dtype that is not floating point.
    """
    if periodic is NOT_GIVEN and beta is not NOT_GIVEN:
        raise TypeError(f"kaiser_window() received an invalid combination of arguments - got "
                        f"({type(window_length).__name__}, beta={type(beta).__name__}), but expected one "
                        "of:\n * (int window_length, *, ...)\n * (int window_length, bool periodic, *, ...)\n"
                        " * (int window_length, bool periodic, float beta, *, ...)\n")
    periodic = True if periodic is NOT_GIVEN else periodic
    beta = 12.0 if beta is NOT_GIVEN else beta

    def kaiser(n: Array, m: int) -> Array:
        a, x = (m - 1) / 2.0, n.astype(np.float64)  # (in float64, rounded once)
        return np.i0(beta * np.sqrt(np.abs(1 - ((x - a) / a) ** 2))) / np.i0(beta)

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, kaiser, pin_memory)
