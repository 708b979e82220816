"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.optim.optimizer import Optimizer, ParamsT, check_number

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's update rule exactly.

    For each parameter with gradient ``g`` (``torch/optim/sgd.py``)::

        g = g + weight_decay * p                  if weight_decay != 0
        buf = g (a copy)                          on the first step
        buf = momentum * buf + (1 - dampening) * g  afterwards
        g = g + momentum * buf  if nesterov else  buf   (if momentum != 0)
        p = p - lr * g

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0 (PyTorch's default 1e-3).
        momentum: momentum factor, >= 0.
        dampening: dampening of the momentum.
        weight_decay: L2 penalty, >= 0.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it),
            nesterov without momentum or with dampening, an empty parameter list.

    State per parameter: ``momentum_buffer`` (when momentum != 0).
    """

    _param_shaped_state = ("momentum_buffer",)

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
            "nesterov": nesterov, "maximize": maximize,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_number("lr", group["lr"])
        check_number("momentum", group["momentum"])
        check_number("dampening", group["dampening"], low=None)
        check_number("weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise InvalidParameterError(
                f"Nesterov momentum requires a momentum and zero dampening, got "
                f"nesterov={group['nesterov']!r}, momentum={group['momentum']!r}, "
                f"dampening={group['dampening']!r}"
            )

    def _update_group(self, group: dict[str, Any]) -> None:
        scratch = self._scratch
        lr = float(group["lr"])
        momentum = float(group["momentum"])
        dampening = float(group["dampening"])
        weight_decay = float(group["weight_decay"])
        nesterov = bool(group["nesterov"])
        maximize = bool(group["maximize"])
        for p in group["params"]:
            g = self._grad_of(p)
            if g is None:
                continue
            x = p.numpy()
            # `d` is the direction; `own` says whether it is a scratch array
            # this step may overwrite (never the .grad array or the buffer).
            d, own = g, False
            if maximize:
                d, own = np.negative(g, out=scratch.get(x, 0)), True
            if weight_decay != 0:
                t = scratch.get(x, 1)
                np.multiply(x, weight_decay, out=t)  # PyTorch: grad + weight_decay * param
                d, own = np.add(d, t, out=scratch.get(x, 0)), True
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = d.copy()
                else:
                    buf *= momentum
                    if dampening == 0:
                        buf += d
                    else:
                        t = scratch.get(x, 1)
                        np.multiply(d, 1.0 - dampening, out=t)
                        buf += t
                if nesterov:
                    t = scratch.get(x, 1)
                    np.multiply(buf, momentum, out=t)
                    d, own = np.add(d, t, out=t), True
                else:
                    d, own = buf, False
            t = d if own else scratch.get(x, 0)
            np.multiply(d, -lr, out=t)
            x += t
            p._version += 1
