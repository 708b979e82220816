"""PyTorch's condition checks (``torch._check`` and its kin): library and model code calls them to
validate arguments, each raising the exception class PyTorch's raises, with the message it builds."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any, NoReturn

import numpy as np

from minigrad.errors import MinigradError
from minigrad.tensor import Tensor

__all__ = ["_assert_async", "_check", "_check_index", "_check_not_implemented", "_check_tensor_all",
           "_check_type", "_check_value", "_check_with"]

_DEFAULT = ("Expected cond to be True, but got False. (Could this error message be improved? If so, please "
            "report an enhancement request to PyTorch.)")


def _fail(error_type: type[Exception], message: Callable[[], Any] | None) -> NoReturn:
    if message is None:
        raise error_type(_DEFAULT)
    if not callable(message):
        raise TypeError("message must be a callable")
    raise error_type(str(message()))


def _check_with(error_type: type[Exception], cond: Any, message: Callable[[], Any] | None = None) -> None:
    """Raise ``error_type`` with ``str(message())`` (or PyTorch's default text) unless ``cond`` is True.

    Raises:
        TypeError: ``cond`` is not a Python bool (a tensor is not one), or ``message`` is not callable.
    """
    if isinstance(cond, Tensor):
        raise TypeError("cond must be a bool, but got a Tensor. For tensor conditions, use "
                        "torch._check_tensor_all() to assert that all elements are true.")
    if not isinstance(cond, builtins.bool):
        raise TypeError(f"cond must be a bool, but got {type(cond)}")
    if not cond:
        _fail(error_type, message)


def _check(cond: Any, message: Callable[[], Any] | None = None) -> None:
    """``_check_with`` raising RuntimeError."""
    _check_with(RuntimeError, cond, message)


def _check_index(cond: Any, message: Callable[[], Any] | None = None) -> None:
    """``_check_with`` raising IndexError."""
    _check_with(IndexError, cond, message)


def _check_value(cond: Any, message: Callable[[], Any] | None = None) -> None:
    """``_check_with`` raising ValueError."""
    _check_with(ValueError, cond, message)


def _check_type(cond: Any, message: Callable[[], Any] | None = None) -> None:
    """``_check_with`` raising TypeError."""
    _check_with(TypeError, cond, message)


def _check_not_implemented(cond: Any, message: Callable[[], Any] | None = None) -> None:
    """``_check_with`` raising NotImplementedError."""
    _check_with(NotImplementedError, cond, message)


def _check_tensor_all(cond: Any, message: Callable[[], Any] | None = None) -> None:
    """RuntimeError unless every element of the bool tensor ``cond`` is True.

    Raises:
        TypeError: ``cond`` is not a Tensor, or not a bool one.
    """
    if not isinstance(cond, Tensor):
        raise TypeError(f"cond must be a tensor, but got {type(cond)}")
    if cond.dtype != builtins.bool:
        raise TypeError(f"cond tensor must have dtype torch.bool, but got torch.{np.dtype(cond.dtype).name}")
    _check_with(RuntimeError, builtins.bool(cond.numpy(force=True).all()), message)


def _assert_async(input: Tensor, assert_msg: str | None = None) -> None:  # noqa: A002
    """Raise unless the one-element tensor ``input`` is non-zero (PyTorch checks it on the device, later).

    Raises:
        MinigradError: (a RuntimeError) no element or several, or the element is zero.
    """
    if not input.is_nonzero():
        raise MinigradError(assert_msg or "Expected Tensor with single nonzero value, but got zero")
