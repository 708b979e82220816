"""RAdam: Adam with the variance of the adaptive learning rate rectified."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim._inplace import add_, addcmul_, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_betas, check_lr, check_number, lr_value

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (Liu et al.), PyTorch's single-tensor update rule (``torch/optim/radam.py``).

    With ``t`` the parameter's step count (from 1) and gradient ``g``::

        p = p * (1 - lr * weight_decay)        if decoupled_weight_decay
        g = g + weight_decay * p               elif weight_decay != 0
        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p = p - lr * m / (1 - beta1**t) * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:
            p = p - lr * m / (1 - beta1**t)

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0.
        betas: moment decay rates, each in [0, 1).
        eps: added to the denominator, >= 0.
        weight_decay: >= 0, an L2 penalty or (decoupled) a decay of the weights.
        decoupled_weight_decay: decay the weights as AdamW does.
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` (a 0-d float32 tensor), ``exp_avg`` and
    ``exp_avg_sq`` (shaped like the parameter).
    """

    _load_fills = frozenset({"capturable", "decoupled_weight_decay", "differentiable", "foreach", "maximize"})

    _param_shaped_state = ("exp_avg", "exp_avg_sq")

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
            "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        check_number("eps", group["eps"])
        check_betas(group["betas"])
        check_number("weight_decay", group["weight_decay"])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "exp_avg", "exp_avg_sq")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        decoupled = bool(group["decoupled_weight_decay"])
        rho_inf = 2 / (1 - beta2) - 1
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["exp_avg"] = self._zeros(x)
                state["exp_avg_sq"] = self._zeros(x)
            step = self._advance(state)
            if decoupled and weight_decay != 0:
                x *= 1 - lr * weight_decay
            g = self._direction(x, g, bool(group["maximize"]), 0.0 if decoupled else weight_decay)
            tmp, update, adaptive = self._scratch.get(x, 0), self._scratch.get(x, 2), self._scratch.get(x, 3)
            exp_avg, exp_avg_sq = state["exp_avg"].numpy(force=True), state["exp_avg_sq"].numpy(force=True)
            lerp_(exp_avg, g, 1 - beta1, tmp)
            exp_avg_sq *= beta2
            addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            np.divide(exp_avg, bias_correction1, out=update)
            update *= lr
            rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                np.sqrt(exp_avg_sq, out=adaptive)
                adaptive += eps
                np.reciprocal(adaptive, out=adaptive)  # PyTorch's scalar / tensor is reciprocal() * scalar
                adaptive *= bias_correction2**0.5
                update *= adaptive
                update *= rect
            add_(x, update, -1.0, tmp)
