"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim._inplace import addcdiv_, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_betas, check_lr, check_number, lr_value

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba), PyTorch's single-tensor update rule (``torch/optim/adamax.py``).

    With ``t`` the parameter's step count (from 1) and gradient ``g``::

        g = g + weight_decay * p               if weight_decay != 0
        m = lerp(m, g, 1 - beta1)
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1**t) * m / u

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0 (default 2e-3).
        betas: decay rates of the first moment and of the infinity norm, each in [0, 1).
        eps: added to ``|g|``, >= 0.
        weight_decay: L2 penalty, >= 0.
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` (a 0-d float32 tensor), ``exp_avg`` (m) and
    ``exp_inf`` (u), shaped like the parameter.
    """

    _load_fills = frozenset({"capturable", "differentiable", "foreach", "maximize"})

    _param_shaped_state = ("exp_avg", "exp_inf")

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
            "maximize": maximize, "differentiable": differentiable, "capturable": capturable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        check_number("eps", group["eps"])
        check_betas(group["betas"])
        check_number("weight_decay", group["weight_decay"])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "exp_avg", "exp_inf")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        eps = float(group["eps"])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["exp_avg"] = self._zeros(x)
                state["exp_inf"] = self._zeros(x)
            step = self._advance(state)
            g = self._direction(x, g, bool(group["maximize"]), float(group["weight_decay"]))
            tmp, norm = self._scratch.get(x, 0), self._scratch.get(x, 2)
            exp_avg, exp_inf = state["exp_avg"].numpy(force=True), state["exp_inf"].numpy(force=True)
            lerp_(exp_avg, g, 1 - beta1, tmp)
            exp_inf *= beta2
            np.abs(g, out=norm)
            norm += eps
            np.maximum(exp_inf, norm, out=exp_inf)
            clr = lr / (1 - beta1**step)
            addcdiv_(x, exp_avg, exp_inf, -clr, tmp)
