"""Gradient clipping, as ``torch.nn.utils``: ``clip_grad_norm_`` (and its two halves), ``clip_grad_value_``.

Both rescale the ``.grad`` arrays of parameters in place, between
``backward()`` and ``optimizer.step()``; neither records a graph.
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad._kernels import quiet
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    _ArgumentTypeError,
    _NotTensorAttributeError,
)
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _as_list(parameters: Tensor | Iterable[Tensor], warn_empty: bool = True) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    is_generator = isinstance(parameters, types.GeneratorType)
    params = list(parameters)
    if warn_empty and is_generator and not params:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    for p in params:
        if not isinstance(p, Tensor):  # (PyTorch reads p.grad or t.device off it: its AttributeError too)
            raise _NotTensorAttributeError(f"expected Tensors (parameters), got {type(p).__name__}")
    return params


def _as_float(name: str, value: Any) -> float:
    # PyTorch calls float() on it: Python's own ValueError ('fro') or TypeError (None) for a non-number
    try:
        return float(value)
    except ValueError as e:
        raise InvalidParameterError(f"{e} ({name}={value!r})") from None
    except TypeError as e:
        raise _ArgumentTypeError(f"{e} ({name}={value!r})") from None


def _vector_norm(a: Array, ord: float) -> Any:  # noqa: A002 - numpy's name
    """The norm of ``a`` seen as a vector, a 0-d value of a's dtype."""
    if ord == 2.0:
        flat = a.ravel()
        return np.sqrt(np.dot(flat, flat))  # one BLAS pass, no temporary
    return np.linalg.vector_norm(a, ord=ord)


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The ``norm_type``-norm of ``tensors`` seen as one concatenated vector.

    Computed as PyTorch does: the norm of each tensor, then the norm of those
    norms (``norm_type=float('inf')`` or ``'inf'``: the largest absolute entry).

    Args:
        tensors: a Tensor or an iterable of Tensors (e.g. the gradients).
        norm_type: the p of the p-norm.
        error_if_nonfinite: raise when the norm is nan or inf.
        foreach: PyTorch's kernel choice, the same values (it words one error differently).

    Returns:
        A 0-d Tensor of the tensors' dtype (float32 ``0.`` for no tensors).

    Raises:
        MinigradError: the norm is not finite and ``error_if_nonfinite``, or an infinity norm
            of an empty tensor (PyTorch's RuntimeError).
        DTypeError: a tensor that is not floating point (PyTorch's RuntimeError).
        InvalidParameterError, TypeError: ``norm_type`` is not a number (float()'s errors, as PyTorch).
    """
    given = _as_list(tensors, warn_empty=False)
    arrays = [t.numpy(force=True) for t in given]
    norm_type = _as_float("norm_type", norm_type)
    if not arrays:
        return from_numpy(np.array(0.0, dtype=np.float32))
    for t, a in zip(given, arrays, strict=True):
        if a.dtype.kind not in "fc":  # (numpy's norm of integers would be an integer norm, silently)
            raise DTypeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                             + t.type().removeprefix("torch.").removesuffix("Tensor"))
    if math.isinf(norm_type) and any(a.size == 0 for a in arrays):  # a max/min has no identity
        which = ("_foreach_norm cannot compute the infinity norm" if norm_type > 0 and foreach is not False
                 else f"linalg.vector_norm cannot compute the {norm_type} norm")
        raise MinigradError(f"{which} on an empty tensor because the operation does not have an identity")
    dtype = np.result_type(*arrays)
    # overflow to inf is reported through the result, silently
    norms = quiet(lambda: np.array([_vector_norm(a, norm_type) for a in arrays], dtype=dtype))
    total = quiet(lambda: np.asarray(_vector_norm(norms, norm_type), dtype=dtype))
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise MinigradError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
            "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
            f"anyway, set `error_if_nonfinite=False` (the total norm is {float(total)})"
        )  # (PyTorch's words first, whole: scripts print them)
    return from_numpy(total)


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scale the gradients in place by ``min(max_norm / (total_norm + 1e-6), 1)``.

    Args:
        parameters: a Tensor or an iterable of Tensors; those without a gradient are skipped.
        max_norm: the largest allowed norm.
        total_norm: the gradients' norm, e.g. from :func:`get_total_norm`.
        foreach: accepted for PyTorch compatibility and ignored.

    Raises:
        InvalidParameterError, TypeError: ``max_norm`` is not a number (float()'s errors, as PyTorch).
    """
    params = [p for p in _as_list(parameters, warn_empty=False) if p.grad is not None]
    max_norm = _as_float("max_norm", max_norm)
    if not params:
        return
    total = np.asarray(total_norm.numpy(force=True) if isinstance(total_norm, Tensor) else total_norm)
    dtype = total.dtype.type
    # PyTorch computes max_norm / (total + 1e-6) as reciprocal(total + 1e-6) * max_norm
    # in the norm's dtype, then clamps it to 1.
    # (a max_norm beyond float32 is inf there, silently)
    coef = quiet(lambda: np.minimum(np.reciprocal(total + dtype(1e-6)) * dtype(max_norm), dtype(1.0)))
    # Always multiplied, as PyTorch does (by exactly 1 when no clipping is needed, which changes no
    # bit): a branch on the coefficient's value could not be replayed by mg.compile.
    for p in params:
        g = p.grad.numpy(force=True)  # type: ignore[union-attr]
        # (a coefficient beyond float16 becomes inf, and inf * 0 nan, silently, as in PyTorch)
        quiet(lambda: np.multiply(g, coef.astype(g.dtype), out=g))  # noqa: B023 - called at once
        p.grad._write()  # type: ignore[union-attr]


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale the gradients so that their joint norm is at most ``max_norm``; returns that norm.

    The total norm is the ``norm_type``-norm of all gradients concatenated
    into one vector (:func:`get_total_norm`; ``float('inf')`` gives the
    largest absolute entry). Every gradient is then multiplied in place by
    ``min(max_norm / (total_norm + 1e-6), 1)`` (:func:`clip_grads_with_norm_`).
    Parameters whose ``.grad`` is None are skipped.

    Args:
        parameters: a Tensor or an iterable of Tensors (e.g. ``model.parameters()``).
        max_norm: the largest allowed norm.
        norm_type: the p of the p-norm; ``float('inf')`` or ``'inf'`` for the max norm.
        error_if_nonfinite: raise instead of scaling when the norm is nan or inf.
        foreach: PyTorch's kernel choice, the same values (it words one error differently).

    Returns:
        The total norm before clipping, a 0-d Tensor of the gradients' dtype
        (float32 ``0.`` when no parameter has a gradient).

    Raises:
        MinigradError: the total norm is not finite and ``error_if_nonfinite``.
        InvalidParameterError, TypeError: ``max_norm`` or ``norm_type`` is not a number (float()'s errors).
    """
    params = _as_list(parameters)
    _as_float("max_norm", max_norm)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The deprecated spelling of :func:`clip_grad_norm_` (older scripts call it): the same clipping,
    after PyTorch's FutureWarning.

    Raises:
        as :func:`clip_grad_norm_`.
    """
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]``, in place.

    Args:
        parameters: a Tensor or an iterable of Tensors.
        clip_value: the largest allowed absolute value.
        foreach: accepted for PyTorch compatibility and ignored.

    Raises:
        InvalidParameterError, TypeError: ``clip_value`` is not a number (float()'s errors, as PyTorch).
        MinigradError: no parameter has a gradient (PyTorch's grouping of an empty list of them fails).
    """
    params = _as_list(parameters, warn_empty=False)
    clip_value = _as_float("clip_value", clip_value)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        raise MinigradError("Expected !nested_tensorlist[0].empty() to be true, but got false. "
                            "(clip_grad_value_: no parameter has a gradient to clip)")
    for grad in grads:
        g = grad.numpy(force=True)
        np.clip(g, -clip_value, clip_value, out=g)
        grad._write()
