"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.optim._inplace import add_, const
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value
from minigrad.tensor import from_numpy

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
        foreach, fused: accepted for PyTorch compatibility (one implementation, the same numbers).
        differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).

    Raises:
        InvalidParameterError: an out-of-range value (the message names it),
            nesterov without momentum or with dampening, an empty parameter list.
        InvalidParameterError: ``fused=True`` with ``foreach=True`` or ``differentiable=True``.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``momentum_buffer`` (when momentum != 0).
    """

    _load_fills = frozenset({"differentiable", "foreach", "fused", "maximize", "nesterov"})

    _param_shaped_state = ("momentum_buffer",)
    # sparse gradients are fine, but not with weight decay (PyTorch's grad.add(param) of sparse and dense)
    _sparse_refusal = None
    _sparse_decay_refusal = "add(sparse, dense) is not supported. Use add(dense, sparse) instead."

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
            "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
            "fused": fused,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
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
        lr = lr_value(group)
        momentum = float(group["momentum"])
        dampening = float(group["dampening"])
        nesterov = bool(group["nesterov"])
        maximize, weight_decay = bool(group["maximize"]), float(group["weight_decay"])
        # the states this step began without a buffer: PyTorch reads every buffer before updating, so a
        # parameter listed twice in a group starts two buffers (the last one kept) in its first step
        fresh: set[int] = set()
        for x, g, state in self._with_grad(group):
            tmp = self._scratch.get(x, 0)
            d = self._direction(x, g, maximize, weight_decay) if maximize or weight_decay else g
            if momentum != 0:
                buf = state.get("momentum_buffer")
                if buf is None or (fresh and id(state) in fresh):
                    fresh.add(id(state))
                    state["momentum_buffer"] = from_numpy(d.copy())
                    buf_arr = state["momentum_buffer"].numpy(force=True)
                else:
                    buf_arr = buf.numpy(force=True)
                    buf_arr *= const(momentum, x.dtype)
                    add_(buf_arr, d, 1.0 - dampening, tmp)
                if nesterov:
                    # d + momentum * buf, into slot 2 so that d (maybe .grad) is never written
                    out = self._scratch.get(x, 2)
                    np.multiply(buf_arr, momentum, out=out)
                    d = np.add(d, out, out=out)
                else:
                    d = buf_arr
            add_(x, d, -lr, tmp)
