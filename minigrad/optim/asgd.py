"""ASGD: averaged stochastic gradient descent (Polyak & Juditsky), with a running average of the iterates."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.optim._inplace import add_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value
from minigrad.tensor import Array

__all__ = ["ASGD"]


def _foreach_eta(lr: Any, lambd: float, alpha: float, step: Array) -> Any:
    """``lr / (1 + lambd * lr * t) ** alpha`` as PyTorch's multi-tensor ASGD computes it with the
    0-d ``step`` tensor: in step's dtype (float32), Python numbers cast to it first (numpy scalars
    round alike), and a float lr over a tensor as ``reciprocal(t) * lr``."""
    base = 1 + lambd * lr * step[()]
    denom = base.dtype.type(float(base) ** alpha)  # PyTorch's pow of a float32 scalar runs in double
    return lr / denom if isinstance(lr, np.generic) else np.reciprocal(denom) * lr


class ASGD(Optimizer):
    r"""Averaged SGD, PyTorch's single-tensor update rule (``torch/optim/asgd.py``).

    With ``t`` the parameter's step count (from 1) and gradient ``g``; ``eta``
    starts at ``lr`` and ``mu`` at 1::

        g = g + weight_decay * p               if weight_decay != 0
        p = p * (1 - lambd * eta) - eta * g
        ax = ax + mu * (p - ax)                (ax = p while mu == 1)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)

    ``ax`` is the averaged parameter: a copy of ``p`` until step ``t0 + 1``,
    then the mean of the iterates since. The parameter itself is the plain
    (decayed-rate) SGD iterate; copy ``ax`` into it to use the average.

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, >= 0 (default 1e-2).
        lambd: decay term of the step size (default 1e-4).
        alpha: power of the step-size decay (default 0.75).
        t0: the step after which averaging starts (default 1e6).
        weight_decay: L2 penalty, >= 0.
        foreach: True takes PyTorch's multi-tensor update, which rounds differently:
            ``p = p - eta * (g + lambd * p)`` and ``eta`` computed in ``step``'s dtype (float32).
        maximize: ascend the objective instead of descending it.
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step``, ``eta`` and ``mu`` (0-d tensors of the default float dtype,
    as in PyTorch) and ``ax`` (shaped like the parameter).
    """

    _load_fills = frozenset({"capturable", "differentiable", "foreach", "maximize"})

    _param_shaped_state = ("ax",)

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
            "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
            "capturable": capturable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        check_number("weight_decay", group["weight_decay"])
        for name in ("lambd", "alpha", "t0"):
            check_number(name, group[name], low=None)

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "eta", "mu", "ax")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        lambd = float(group["lambd"])
        alpha = float(group["alpha"])
        t0 = float(group["t0"])
        foreach = bool(group["foreach"])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["eta"] = self._scalar(lr)
                state["mu"] = self._scalar(1.0)
                state["ax"] = self._zeros(x)
            step = self._advance(state)
            g = self._direction(x, g, bool(group["maximize"]), float(group["weight_decay"]))
            tmp = self._scratch.get(x, 0)
            eta_arr, mu_arr = state["eta"].numpy(force=True), state["mu"].numpy(force=True)
            ax = state["ax"].numpy(force=True)
            eta = float(eta_arr)
            if foreach:  # PyTorch's multi-tensor form: p - eta * (g + lambd * p)
                np.multiply(x, lambd, out=tmp)
                tmp += g
                tmp *= eta
                x -= tmp
            else:
                x *= 1 - lambd * eta
                add_(x, g, -eta, tmp)
            mu = float(mu_arr)
            if mu != 1 or foreach:
                np.subtract(x, ax, out=tmp)
                tmp *= x.dtype.type(mu)  # PyTorch multiplies by the 0-d mu in the parameter's dtype
                ax += tmp
            else:
                ax[...] = x
            # PyTorch builds the new values with torch.as_tensor(float), a tensor of the default dtype,
            # before copying them into eta and mu: rounded to float32 even if those were loaded as float64
            scalar = get_default_dtype().type
            if foreach:
                eta_arr[...] = _foreach_eta(lr, lambd, alpha, state["step"].numpy(force=True))
            else:
                eta_arr[...] = scalar(lr / ((1 + lambd * lr * step) ** alpha))
            mu_arr[...] = scalar(1 / max(1.0, step - t0))
