"""Adafactor: relative step sizes and factored second moments for matrices."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.errors import _ArgumentTypeError, _IndexParameterError
from minigrad.optim._inplace import add_, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value

__all__ = ["Adafactor"]


def _rms(a: np.ndarray[Any, Any]) -> float:
    """The root mean square of ``a`` (PyTorch: ``a.norm(2) / sqrt(a.numel())``)."""
    return math.sqrt(float(np.vdot(a, a))) / math.sqrt(a.size)


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern), PyTorch's single-tensor update rule (``torch/optim/_adafactor.py``).

    With ``t`` the parameter's step count (from 1), gradient ``g`` and
    ``w = t ** beta2_decay``::

        rho = min(lr, 1 / sqrt(t));  alpha = max(eps2, rms(p)) * rho
        p = p * (1 - lr * weight_decay)
        if p.dim() > 1:            (factored over the last two dims)
            R = lerp(R, mean(g * g, dim=-1, keepdim), w)
            C = lerp(C, mean(g * g, dim=-2, keepdim), w)
            V = (R @ C) / max(mean(R, dim=-2, keepdim), eps1)
        else:
            V = lerp(V, g * g, w)
        U = g / sqrt(max(V, eps1 ** 2))
        p = p - alpha / max(1, rms(U) / d) * U

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: >= 0; caps the relative step size ``rho`` and scales weight decay.
        beta2_decay: <= 0, the exponent of the second-moment decay schedule.
        eps: ``(eps1, eps2)``: eps1 >= 0 guards the denominators (None: the
            machine epsilon of the group's first parameter's dtype), eps2 >= 0
            is the smallest parameter scale.
        d: the update clipping threshold, >= 1.
        weight_decay: >= 0, decoupled (scaled by ``lr``).
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names the
            argument and the value) or an empty parameter list.

    State per parameter: ``step`` (a 0-d float32 tensor) and, for a parameter
    of two or more dims, ``row_var`` (its shape with the last dim 1) and
    ``col_var`` (the second-to-last dim 1); otherwise ``variance`` (its shape).
    """

    _load_fills = frozenset({"differentiable", "foreach"})

    _param_shaped_state = ("variance",)

    def __init__(self, params: ParamsT, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0,
                 *, foreach: bool | None = None, maximize: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay,
            "foreach": foreach, "maximize": maximize,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        # PyTorch's words, which name the argument and the value
        check_lr(group, says="Learning rate should be >= 0 but is:")
        check_number("beta2_decay", group["beta2_decay"], low=None, high=0.0, high_inclusive=True,
                     says="beta2_decay should be <= 0 but is:")
        eps = group["eps"]
        if isinstance(eps, (tuple, list)) and len(eps) < 2:  # (PyTorch reads eps[1]: its IndexError)
            raise _IndexParameterError(
                f"tuple index out of range: eps must be a pair (eps1 or None, eps2), got {eps!r}")
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:  # (PyTorch subscripts it: a TypeError)
            raise _ArgumentTypeError(f"eps must be a pair (eps1 or None, eps2), got {eps!r}")
        for i, e in enumerate(eps):
            if i == 0 and e is None:
                continue
            check_number(f"epsilon{i + 1} (eps[{i}])", e, says=f"epsilon{i + 1} should be >= 0 but is:")
        check_number("d (the clipping threshold)", group["d"], low=1.0,
                     says="Clipping threshold d should be >= 1 but is:")
        check_number("weight_decay", group["weight_decay"], says="weight_decay should be >= 0 but is:")

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step",)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        beta2_decay, d = float(group["beta2_decay"]), float(group["d"])
        weight_decay = float(group["weight_decay"])
        eps1: float | None = group["eps"][0]
        eps2 = float(group["eps"][1])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                if g.ndim > 1:
                    state["row_var"] = self._zeros(g[..., :1])
                    state["col_var"] = self._zeros(g[..., :1, :])
                else:
                    state["variance"] = self._zeros(g)
            if eps1 is None:  # as PyTorch: the first parameter's dtype decides for the whole group
                eps1 = float(np.finfo(x.dtype).eps)
            g = self._direction(x, g, bool(group["maximize"]), 0.0)
            step = self._advance(state)
            weight = step**beta2_decay
            alpha = max(eps2, _rms(x)) * min(lr, 1 / step**0.5)
            if weight_decay != 0:
                x *= 1 - lr * weight_decay
            squared = np.multiply(g, g, out=self._scratch.get(x, 0))
            if g.ndim > 1:
                row, col = state["row_var"].numpy(force=True), state["col_var"].numpy(force=True)
                lerp_(row, squared.mean(axis=-1, keepdims=True), weight, np.empty_like(row))
                lerp_(col, squared.mean(axis=-2, keepdims=True), weight, np.empty_like(col))
                estimate = np.multiply(row, col, out=self._scratch.get(x, 2))
                estimate /= np.maximum(row.mean(axis=-2, keepdims=True), eps1)
            else:
                variance = state["variance"].numpy(force=True)
                estimate = self._scratch.get(x, 2)
                lerp_(variance, squared, weight, estimate)
                estimate[...] = variance  # the estimate is clamped in place below; the state is not
            np.maximum(estimate, eps1 * eps1, out=estimate)
            np.sqrt(estimate, out=estimate)
            update = np.divide(g, estimate, out=estimate)
            add_(x, update, -alpha / max(1.0, _rms(update) / d), self._scratch.get(x, 0))
