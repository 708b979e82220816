"""Adam and AdamW: adaptive moment estimation, with coupled or decoupled weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.optim.optimizer import Optimizer, ParamsT, check_number

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam, PyTorch's single-tensor update rule exactly (``torch/optim/adam.py``).

    With ``t`` the parameter's step count (from 1) and gradient ``g``::

        p = p * (1 - lr * weight_decay)        if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p               elif weight_decay != 0
        m = lerp(m, g, 1 - beta1)              (= beta1 * m + (1 - beta1) * g)
        v = beta2 * v + (1 - beta2) * g * g
        v_hat = max(v_hat, v)                  if amsgrad (and v_hat replaces v below)
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps
        p = p - lr / (1 - beta1**t) * m / denom

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0.
        betas: decay rates of the first and second moment, each in [0, 1).
        eps: added to the denominator, >= 0.
        weight_decay: >= 0; an L2 penalty added to the gradient (Adam) or a
            decay of the weights themselves (AdamW).
        amsgrad: use the maximum of past second moments (AMSGrad).
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: apply weight decay as AdamW does.

    Raises:
        InvalidParameterError: an out-of-range value (the message names the
            argument and the value) or an empty parameter list.

    State per parameter: ``step`` (an int), ``exp_avg``, ``exp_avg_sq`` and,
    with amsgrad, ``max_exp_avg_sq`` (arrays shaped like the parameter).
    """

    _param_shaped_state = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
            "maximize": maximize, "decoupled_weight_decay": decoupled_weight_decay,
        }  # fmt: skip
        self._check_group(defaults)
        defaults["betas"] = tuple(betas)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_number("lr", group["lr"])
        check_number("eps", group["eps"])
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise InvalidParameterError(f"betas must be a pair of floats, got {betas!r}")
        check_number("beta parameter at index 0 (betas[0])", betas[0], below_one=True)
        check_number("beta parameter at index 1 (betas[1])", betas[1], below_one=True)
        check_number("weight_decay", group["weight_decay"])

    def _check_state(self, group: dict[str, Any], index: int, state: dict[str, Any]) -> None:
        needed = ["step", "exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if group["amsgrad"] else [])
        missing = [k for k in needed if k not in state]
        if state and missing:
            raise InvalidParameterError(
                f"loaded state for parameter {index} lacks {missing}, needed by "
                f"{self.__class__.__name__}(amsgrad={group['amsgrad']})"
            )

    def _update_group(self, group: dict[str, Any]) -> None:
        scratch = self._scratch
        lr = float(group["lr"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        amsgrad = bool(group["amsgrad"])
        maximize = bool(group["maximize"])
        decoupled = bool(group["decoupled_weight_decay"])
        w1 = 1.0 - beta1
        for p in group["params"]:
            g = self._grad_of(p)
            if g is None:
                continue
            x = p.numpy()
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = np.zeros_like(x)
                state["exp_avg_sq"] = np.zeros_like(x)
                if amsgrad:
                    state["max_exp_avg_sq"] = np.zeros_like(x)
            state["step"] = step = state["step"] + 1
            m, v = state["exp_avg"], state["exp_avg_sq"]
            if maximize:
                g = np.negative(g, out=scratch.get(x, 1))
            if weight_decay != 0:
                if decoupled:
                    x *= 1.0 - lr * weight_decay
                else:
                    t = scratch.get(x, 0)
                    np.multiply(x, weight_decay, out=t)  # PyTorch: grad + weight_decay * param
                    g = np.add(g, t, out=scratch.get(x, 1))
            t = scratch.get(x, 0)
            # m.lerp_(g, w1), with PyTorch's two formulas for small and large weights.
            np.subtract(g, m, out=t)
            if abs(w1) < 0.5:
                t *= w1
                m += t
            else:
                t *= 1.0 - w1
                np.subtract(g, t, out=m)
            v *= beta2
            np.multiply(g, 1.0 - beta2, out=t)
            t *= g
            v += t
            bias_correction1 = 1.0 - beta1**step
            bias_correction2 = 1.0 - beta2**step
            step_size = lr / bias_correction1
            if amsgrad:
                vmax = state["max_exp_avg_sq"]
                np.maximum(vmax, v, out=vmax)
                np.sqrt(vmax, out=t)
            else:
                np.sqrt(v, out=t)
            t /= bias_correction2**0.5
            t += eps
            np.divide(m, t, out=t)
            t *= -step_size
            x += t
            p._version += 1


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter), as ``torch.optim.AdamW``.

    Each step first shrinks the weights, ``p = p * (1 - lr * weight_decay)``,
    then takes an Adam step without weight decay in the gradient.

    Args:
        params: Tensors or parameter-group dicts.
        lr: learning rate, >= 0.
        betas: moment decay rates, each in [0, 1).
        eps: >= 0.
        weight_decay: >= 0 (default 1e-2).
        amsgrad: use AMSGrad.
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value or an empty parameter list.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: Any) -> None:
        """Load a state saved by :meth:`state_dict`; weight decay stays decoupled."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
