"""torch.signal.windows: scipy-style windows of ``M`` points, symmetric (``sym=True``, the default) or
periodic (the symmetric window of M + 1 points without its last one), in the default float dtype unless
``dtype``. The values are computed in float64 and rounded to ``dtype``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.device import DeviceLike, check_device
from minigrad.dtypes import DTypeLike, resolve_dtype
from minigrad.errors import InvalidParameterError
from minigrad.tensor import Tensor, from_numpy

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]

Array = np.ndarray[Any, Any]


def _window(name: str, M: int, sym: bool, dtype: DTypeLike, device: DeviceLike,  # noqa: N803
            requires_grad: bool, values: Callable[[Array, int], Array]) -> Tensor:
    """``values(n, L)`` on n = 0..L-1 (L = M, or M + 1 for a periodic window), its first M, as a tensor.

    A 0-d tensor M is read as PyTorch's windows read it: an integer one as its value; a float one only for
    0 or 1 points (the cases answered before PyTorch's ``linspace(steps=M)``, which refuses it).

    Raises:
        InvalidParameterError: a negative M or a dtype other than float32/float64 (PyTorch's ValueErrors).
        TypeError: a float tensor M of more than one point.
    """
    check_device(device)
    if isinstance(M, Tensor) and M.ndim == 0:
        value = M.item()
        if M.dtype.kind == "f" and value not in (0.0, 1.0) and value >= 0:
            raise TypeError(f"linspace() received an invalid combination of arguments: steps must be an int, "
                            f"got a {M.dtype} tensor (torch.signal.windows.{name}(M={value}))")
        M = int(value)  # noqa: N806
    if M < 0:
        raise InvalidParameterError(f"{name} requires non-negative window length, got M={M}")
    dt = get_default_dtype() if dtype is None else resolve_dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise InvalidParameterError(f"{name} expects float32 or float64 dtypes, got: torch.{dt}")
    length = M if sym else M + 1
    out = values(np.arange(length, dtype=np.float64), length)[:M] if M > 1 else np.ones(M)
    t = from_numpy(np.asarray(out, dtype=dt))
    return t.requires_grad_(True) if requires_grad else t


def _cosine_sum(a: Sequence[float]) -> Callable[[Array, int], Array]:
    return lambda n, length: sum((-1) ** i * c * np.cos(2 * np.pi * i * n / (length - 1))
                                 for i, c in enumerate(a))


def general_cosine(M: int, *, a: Sequence[float], sym: bool = True, dtype: DTypeLike = None,  # noqa: N803
                   layout: Any = None, device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """sum_i (-1)^i a[i] cos(2 pi i n / (M - 1)).

    Raises:
        TypeError: ``a`` is not a list or tuple. InvalidParameterError: ``a`` is empty, or as the others.
    """
    if not isinstance(a, (list, tuple)):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise InvalidParameterError("Coefficients cannot be empty")
    return _window("general_cosine", M, sym, dtype, device, requires_grad, _cosine_sum(a))


def general_hamming(M: int, *, alpha: float = 0.54, sym: bool = True, dtype: DTypeLike = None,  # noqa: N803
                    layout: Any = None, device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """alpha - (1 - alpha) cos(2 pi n / (M - 1))."""
    return _window("general_hamming", M, sym, dtype, device, requires_grad, _cosine_sum([alpha, 1.0 - alpha]))


def hamming(M: int, *, sym: bool = True, dtype: DTypeLike = None, layout: Any = None,  # noqa: N803
            device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """0.54 - 0.46 cos(2 pi n / (M - 1))."""
    return _window("hamming", M, sym, dtype, device, requires_grad, _cosine_sum([0.54, 0.46]))


def hann(M: int, *, sym: bool = True, dtype: DTypeLike = None, layout: Any = None,  # noqa: N803
         device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """0.5 - 0.5 cos(2 pi n / (M - 1))."""
    return _window("hann", M, sym, dtype, device, requires_grad, _cosine_sum([0.5, 0.5]))


def blackman(M: int, *, sym: bool = True, dtype: DTypeLike = None, layout: Any = None,  # noqa: N803
             device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """0.42 - 0.5 cos(2 pi n / (M - 1)) + 0.08 cos(4 pi n / (M - 1))."""
    return _window("blackman", M, sym, dtype, device, requires_grad, _cosine_sum([0.42, 0.5, 0.08]))


def nuttall(M: int, *, sym: bool = True, dtype: DTypeLike = None, layout: Any = None,  # noqa: N803
            device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """The minimum 4-term Blackman-Harris window of Nuttall."""
    coefficients = [0.3635819, 0.4891775, 0.1365995, 0.0106411]
    return _window("nuttall", M, sym, dtype, device, requires_grad, _cosine_sum(coefficients))


def bartlett(M: int, *, sym: bool = True, dtype: DTypeLike = None, layout: Any = None,  # noqa: N803
             device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """The triangle 1 - |2 n / (M - 1) - 1|."""
    return _window("bartlett", M, sym, dtype, device, requires_grad,
                   lambda n, length: 1 - np.abs(2 * n / (length - 1) - 1))


def cosine(M: int, *, sym: bool = True, dtype: DTypeLike = None, layout: Any = None,  # noqa: N803
           device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """sin(pi (n + 1/2) / M), the sine window."""
    return _window("cosine", M, sym, dtype, device, requires_grad,
                   lambda n, length: np.sin(np.pi * (n + 0.5) / length))


def gaussian(M: int, *, std: float = 1.0, sym: bool = True, dtype: DTypeLike = None,  # noqa: N803
             layout: Any = None, device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """exp(-(n - (M - 1) / 2)^2 / (2 std^2)).

    Raises:
        InvalidParameterError: std <= 0.
    """
    if std <= 0:
        raise InvalidParameterError(f"Standard deviation must be positive, got: {std} instead.")
    return _window("gaussian", M, sym, dtype, device, requires_grad,
                   lambda n, length: np.exp(-((n - (length - 1) / 2) ** 2) / (2 * std**2)))


def exponential(M: int, *, center: float | None = None, tau: float = 1.0, sym: bool = True,  # noqa: N803
                dtype: DTypeLike = None, layout: Any = None, device: DeviceLike = None,
                requires_grad: bool = False) -> Tensor:
    """exp(-|n - center| / tau), centred at (M - 1) / 2 unless ``center`` (periodic windows only).

    Raises:
        InvalidParameterError: tau <= 0, or a center for a symmetric window.
    """
    if tau <= 0:
        raise InvalidParameterError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise InvalidParameterError("Center must be None for symmetric windows")
    return _window("exponential", M, sym, dtype, device, requires_grad,
                   lambda n, length: np.exp(-np.abs(n - ((length - 1) / 2 if center is None else center))
                                            / tau))


def kaiser(M: int, *, beta: float = 12.0, sym: bool = True, dtype: DTypeLike = None,  # noqa: N803
           layout: Any = None, device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """I0(beta sqrt(1 - ((n - c) / c)^2)) / I0(beta), c = (M - 1) / 2.

    Raises:
        InvalidParameterError: beta < 0.
    """
    if beta < 0:
        raise InvalidParameterError(f"beta must be non-negative, got: {beta} instead.")

    def values(n: Array, length: int) -> Array:
        c = (length - 1) / 2
        out: Array = np.i0(beta * np.sqrt(np.clip(1 - ((n - c) / c) ** 2, 0, None))) / np.i0(beta)
        return out

    return _window("kaiser", M, sym, dtype, device, requires_grad, values)
