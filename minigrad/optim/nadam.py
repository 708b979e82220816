"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim._inplace import addcdiv_, addcmul_, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_betas, check_lr, check_number, lr_value

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Dozat), PyTorch's single-tensor update rule (``torch/optim/nadam.py``).

    With ``t`` the parameter's step count (from 1) and gradient ``g``::

        p = p * (1 - lr * weight_decay)        if decoupled_weight_decay
        g = g + weight_decay * p               elif weight_decay != 0
        mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay))
        mu_product = mu_product * mu_t         (a float32 scalar, as in PyTorch)
        m = lerp(m, g, 1 - beta1)
        v = beta2 * v + (1 - beta2) * g * g
        denom = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0 (default 2e-3).
        betas: moment decay rates, each in [0, 1).
        eps: added to the denominator, >= 0.
        weight_decay: >= 0, an L2 penalty or (decoupled) a decay of the weights.
        momentum_decay: >= 0, the psi of the momentum schedule.
        decoupled_weight_decay: decay the weights as AdamW does (NAdamW).
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` and ``mu_product`` (0-d float32 tensors),
    ``exp_avg`` and ``exp_avg_sq`` (shaped like the parameter).
    """

    _load_fills = frozenset({"capturable", "decoupled_weight_decay", "differentiable", "foreach", "maximize"})

    _param_shaped_state = ("exp_avg", "exp_avg_sq")

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
            "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize, "foreach": foreach, "capturable": capturable,
            "differentiable": differentiable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        check_number("eps", group["eps"])
        check_betas(group["betas"])
        check_number("weight_decay", group["weight_decay"])
        check_number("momentum_decay", group["momentum_decay"])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "mu_product", "exp_avg", "exp_avg_sq")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        momentum_decay = float(group["momentum_decay"])
        decoupled = bool(group["decoupled_weight_decay"])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["mu_product"] = self._scalar(1.0)
                state["exp_avg"] = self._zeros(x)
                state["exp_avg_sq"] = self._zeros(x)
            step = self._advance(state)
            bias_correction2 = 1 - beta2**step
            if decoupled and weight_decay != 0:
                x *= 1 - lr * weight_decay
            g = self._direction(x, g, bool(group["maximize"]), 0.0 if decoupled else weight_decay)
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product_arr = state["mu_product"].numpy(force=True)
            mu_product_arr *= mu  # in the product's own precision (float32 unless loaded otherwise)
            mu_product = float(mu_product_arr)
            mu_product_next = mu_product * mu_next
            tmp, denom = self._scratch.get(x, 0), self._scratch.get(x, 2)
            exp_avg, exp_avg_sq = state["exp_avg"].numpy(force=True), state["exp_avg_sq"].numpy(force=True)
            lerp_(exp_avg, g, 1 - beta1, tmp)
            exp_avg_sq *= beta2
            addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
            np.divide(exp_avg_sq, bias_correction2, out=denom)
            np.sqrt(denom, out=denom)
            denom += eps
            addcdiv_(x, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product), tmp)
            addcdiv_(x, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next), tmp)
