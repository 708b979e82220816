"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_``, as in ``torch.nn.utils``.

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

from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.tensor import Array, Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _as_list(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    is_generator = isinstance(parameters, types.GeneratorType)
    params = list(parameters)
    if is_generator and not params:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
    return params


def _as_float(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a number, got {value!r}") from None


def _vector_norm(a: Array, ord: float) -> Any:  # noqa: A002 - numpy's name
    """The norm of ``a`` seen as a vector, a 0-d value of a's dtype."""
    if ord == 2.0:
        flat = a.ravel()
        return np.sqrt(np.dot(flat, flat))  # one BLAS pass, no temporary
    return np.linalg.vector_norm(a, ord=ord)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale the gradients so that their joint norm is at most ``max_norm``; returns that norm.

    The total norm is the ``norm_type``-norm of the per-parameter gradient
    norms (the norm of all gradients concatenated into one vector;
    ``norm_type=float('inf')`` gives the largest absolute entry). Every
    gradient is multiplied in place by ``min(max_norm / (total_norm + 1e-6), 1)``.
    Parameters whose ``.grad`` is None are skipped.

    Args:
        parameters: a Tensor or an iterable of Tensors (e.g. ``model.parameters()``).
        max_norm: the largest allowed norm.
        norm_type: the p of the p-norm; ``float('inf')`` or ``'inf'`` for the max norm.
        error_if_nonfinite: raise instead of scaling when the norm is nan or inf.

    Returns:
        The total norm before clipping, a 0-d Tensor of the gradients' dtype
        (float32 ``0.`` when no parameter has a gradient).

    Raises:
        MinigradError: the total norm is not finite and ``error_if_nonfinite``.
        InvalidParameterError: ``max_norm`` or ``norm_type`` is not a number.
    """
    params = _as_list(parameters)
    max_norm = _as_float("max_norm", max_norm)
    norm_type = _as_float("norm_type", norm_type)
    grads = [p.grad.numpy() for p in params if p.grad is not None]
    if not grads:
        return Tensor._wrap(np.array(0.0, dtype=np.float32))
    dtype = np.result_type(*grads)
    with np.errstate(all="ignore"):  # overflow to inf is reported through the result
        norms = np.array([_vector_norm(g, norm_type) for g in grads], dtype=dtype)
        total = np.asarray(_vector_norm(norms, norm_type), dtype=dtype)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise MinigradError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite "
            f"({float(total)}), so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    # PyTorch computes max_norm / (total + 1e-6) as reciprocal(total + 1e-6) * max_norm
    # in the norm's dtype, then clamps it to 1.
    with np.errstate(all="ignore"):  # a max_norm beyond float32 is inf there, silently
        coef = np.minimum(np.reciprocal(total + dtype.type(1e-6)) * dtype.type(max_norm), dtype.type(1.0))
    if coef != 1.0:  # multiplying by exactly 1 changes nothing
        with np.errstate(all="ignore"):  # inf * 0 is nan, silently, as in PyTorch
            for g in grads:
                g *= coef.astype(g.dtype)
    for p in params:
        if p.grad is not None:
            p.grad._version += 1
    return Tensor._wrap(total)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]``, in place.

    Args:
        parameters: a Tensor or an iterable of Tensors.
        clip_value: the largest allowed absolute value.

    Raises:
        InvalidParameterError: ``clip_value`` is not a number.
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    clip_value = _as_float("clip_value", clip_value)
    for p in params:
        if p.grad is not None:
            g = p.grad.numpy()
            np.clip(g, -clip_value, clip_value, out=g)
            p.grad._version += 1
