"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim._inplace import add_, addcmul_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler), PyTorch's single-tensor update rule (``torch/optim/adadelta.py``).

    For gradient ``g``::

        g = g + weight_decay * p               if weight_decay != 0
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: scale of the update, >= 0 (default 1.0).
        rho: decay of the running averages, in [0, 1].
        eps: added inside both square roots, >= 0.
        weight_decay: L2 penalty, >= 0.
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` (a 0-d float32 tensor), ``square_avg`` (v)
    and ``acc_delta`` (u), shaped like the parameter.
    """

    _load_fills = frozenset({"capturable", "differentiable", "foreach", "maximize"})

    _param_shaped_state = ("square_avg", "acc_delta")

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
            "capturable": capturable, "foreach": foreach, "differentiable": differentiable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        check_number("rho", group["rho"], high=1.0, high_inclusive=True)
        check_number("eps", group["eps"])
        check_number("weight_decay", group["weight_decay"])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "square_avg", "acc_delta")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        rho = float(group["rho"])
        eps = float(group["eps"])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["square_avg"] = self._zeros(x)
                state["acc_delta"] = self._zeros(x)
            self._advance(state)
            g = self._direction(x, g, bool(group["maximize"]), float(group["weight_decay"]))
            tmp, std, delta = self._scratch.get(x, 0), self._scratch.get(x, 2), self._scratch.get(x, 3)
            square_avg = state["square_avg"].numpy(force=True)
            acc_delta = state["acc_delta"].numpy(force=True)
            square_avg *= rho
            addcmul_(square_avg, g, g, 1 - rho, tmp)
            np.add(square_avg, eps, out=std)
            np.sqrt(std, out=std)
            np.add(acc_delta, eps, out=delta)
            np.sqrt(delta, out=delta)
            delta /= std
            delta *= g
            acc_delta *= rho
            addcmul_(acc_delta, delta, delta, 1 - rho, tmp)
            add_(x, delta, -lr, tmp)
