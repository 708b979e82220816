"""RMSprop: gradients scaled by a running root mean square, optionally centered and with momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim._inplace import add_, addcdiv_, addcmul_, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value
from minigrad.tensor import Array

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton), PyTorch's single-tensor update rule (``torch/optim/rmsprop.py``).

    For gradient ``g``::

        g = g + weight_decay * p                    if weight_decay != 0
        v = alpha * v + (1 - alpha) * g * g
        avg = sqrt(v - m * m) + eps  with  m = lerp(m, g, 1 - alpha)   if centered
        avg = sqrt(v) + eps                                            otherwise
        buf = momentum * buf + g / avg;  p = p - lr * buf              if momentum > 0
        p = p - lr * g / avg                                           otherwise

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0.
        alpha: smoothing constant of the running averages, >= 0.
        eps: added to the denominator, >= 0.
        weight_decay: L2 penalty, >= 0.
        momentum: momentum factor, >= 0.
        centered: normalise by an estimate of the gradient's variance
            (subtracting the squared running mean of the gradient).
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` (a 0-d float32 tensor), ``square_avg``,
    ``momentum_buffer`` (if momentum > 0) and ``grad_avg`` (if centered).
    """

    _load_fills = frozenset({"capturable", "centered", "differentiable", "foreach", "maximize", "momentum"})

    _param_shaped_state = ("square_avg", "momentum_buffer", "grad_avg")

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
            "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        for name in ("eps", "momentum", "weight_decay", "alpha"):
            check_number(name, group[name])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return (("step", "square_avg") + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        alpha = float(group["alpha"])
        eps = float(group["eps"])
        momentum = float(group["momentum"])
        centered = bool(group["centered"])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["square_avg"] = self._zeros(x)
                if momentum > 0:
                    state["momentum_buffer"] = self._zeros(x)
                if centered:
                    state["grad_avg"] = self._zeros(x)
            self._advance(state)
            g = self._direction(x, g, bool(group["maximize"]), float(group["weight_decay"]))
            tmp, avg = self._scratch.get(x, 0), self._scratch.get(x, 2)
            square_avg = state["square_avg"].numpy(force=True)
            square_avg *= alpha
            addcmul_(square_avg, g, g, 1 - alpha, tmp)
            if centered:
                grad_avg = state["grad_avg"].numpy(force=True)
                lerp_(grad_avg, g, 1 - alpha, tmp)
                _centered_variance(square_avg, grad_avg, avg)
                np.sqrt(avg, out=avg)
            else:
                np.sqrt(square_avg, out=avg)
            avg += eps
            if momentum > 0:
                buf = state["momentum_buffer"].numpy(force=True)
                buf *= momentum
                addcdiv_(buf, g, avg, 1, tmp)
                add_(x, buf, -lr, tmp)
            else:
                addcdiv_(x, g, avg, -lr, tmp)


def _centered_variance(square_avg: Array, grad_avg: Array, out: Array) -> None:
    """``out = square_avg - grad_avg**2`` as ``square_avg.addcmul(grad_avg, grad_avg, value=-1)``.

    PyTorch's CPU kernel fuses the multiply-add, so for float32 the product is
    never rounded (an inf square_avg minus a product beyond float32's range stays
    inf instead of becoming nan). The float64 product of two float32 numbers is
    exact, so one float64 subtraction rounded to float32 gives the fused result.
    """
    if out.dtype == np.float32:
        out[...] = square_avg - np.multiply(grad_avg, grad_avg, dtype=np.float64)
    else:
        np.multiply(grad_avg, grad_avg, out=out)
        np.subtract(square_avg, out, out=out)
