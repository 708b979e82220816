"""Adagrad: per-coordinate learning rates from the running sum of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim._inplace import addcdiv_, addcmul_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al.), PyTorch's single-tensor update rule (``torch/optim/adagrad.py``).

    With ``t`` the parameter's step count (from 1) and gradient ``g``::

        g = g + weight_decay * p               if weight_decay != 0
        clr = lr / (1 + (t - 1) * lr_decay)
        sum = sum + g * g
        p = p - clr * g / (sqrt(sum) + eps)

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0.
        lr_decay: >= 0, see ``clr`` above.
        weight_decay: L2 penalty, >= 0.
        initial_accumulator_value: the starting value of ``sum``, >= 0. As in
            PyTorch, the constructor's value is used for every group.
        eps: added to the denominator, >= 0.
        foreach, fused: accepted for PyTorch compatibility (one implementation, the same numbers).
        differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        InvalidParameterError: ``fused=True`` with ``foreach=True`` or ``differentiable=True``.
        UnsupportedError: ``differentiable=True``.

    State per parameter, created for every parameter at construction as in
    PyTorch: ``step`` (a 0-d float32 tensor) and ``sum`` (shaped like the
    parameter).
    """

    _load_fills = frozenset({"differentiable", "foreach", "fused", "maximize"})

    _param_shaped_state = ("sum",)
    # sparse gradients are fine (the update equals the dense one), but not with weight decay
    _sparse_refusal = None
    _sparse_decay_refusal = "weight_decay option is not compatible with sparse gradients"

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable, "fused": fused,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p.numpy(force=True), group)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_number(name, group[name])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "sum")

    def _init_state(self, state: dict[str, Any], x: np.ndarray[Any, Any], group: dict[str, Any]) -> None:
        state["step"] = self._scalar(fused=bool(group["fused"]))
        state["sum"] = self._zeros(x, float(self.defaults["initial_accumulator_value"]))

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        lr_decay = float(group["lr_decay"])
        eps = float(group["eps"])
        for x, g, state in self._with_grad(group):
            if not state:  # a parameter added by add_param_group after construction
                self._init_state(state, x, group)
            step = self._advance(state)
            g = self._direction(x, g, bool(group["maximize"]), float(group["weight_decay"]))
            clr = lr / (1 + (step - 1) * lr_decay)
            total = state["sum"].numpy(force=True)
            tmp, std = self._scratch.get(x, 0), self._scratch.get(x, 2)
            addcmul_(total, g, g, 1, tmp)
            np.sqrt(total, out=std)
            std += eps
            addcdiv_(x, g, std, -clr, tmp)
