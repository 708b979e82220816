"""SparseAdam: Adam that updates only the rows a sparse embedding gradient holds."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad._sparse_grads import sparse_rows
from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.optim.optimizer import Optimizer, ParamsT, check_betas, check_lr, check_number, lr_value
from minigrad.tensor import Array, Tensor

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    r"""Masked Adam for sparse gradients, as ``torch.optim.SparseAdam`` (``torch/optim/_functional.py``).

    Only the rows ``R`` the gradient holds are touched (moments and
    parameter); with ``t`` the parameter's step count and ``g = grad[R]``::

        m[R] = m[R] + (g - m[R]) * (1 - beta1)
        v[R] = v[R] + (g * g - v[R]) * (1 - beta2)
        p[R] = p[R] - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m[R] / (sqrt(v[R]) + eps)

    minigrad has no sparse layout. A gradient counts as sparse when it comes
    from lookups with ``sparse=True`` (``nn.Embedding(..., sparse=True)`` or
    ``F.embedding``): it is dense, and ``R`` are the rows looked up since
    the gradient was last reset (the padding row left out), as in PyTorch's
    sparse gradient. Any other gradient is dense, and refused as PyTorch refuses it.

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: learning rate, > 0.
        betas: decay rates of the first and second moment, each in [0, 1).
        eps: added to the denominator, > 0.
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names the
            argument and the value) or an empty parameter list.
        MinigradError: (a RuntimeError) at ``step``, a parameter with a dense
            gradient, or one fed by dense uses besides its sparse lookups.

    State per parameter: ``step`` (a Python int, as PyTorch's), ``exp_avg``
    and ``exp_avg_sq`` (arrays shaped like the parameter).
    """

    _load_fills = frozenset({"differentiable"})

    _param_shaped_state = ("exp_avg", "exp_avg_sq")

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, maximize: bool = False) -> None:
        defaults: dict[str, Any] = {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        for name, label in (("lr", "learning rate"), ("eps", "epsilon")):
            check_number(name, float(group[name]) if name == "lr" else group[name])  # (lr: maybe a Tensor)
            if not float(group[name]) > 0:  # PyTorch refuses zero for both
                raise InvalidParameterError(f"Invalid {label} ({name}): {group[name]!r} (expected > 0)")
        check_betas(group["betas"])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "exp_avg", "exp_avg_sq")

    def _load_state_value(self, p: Tensor, index: int, key: str | None, value: Any) -> Any:
        if key == "step" and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return int(value)  # PyTorch's SparseAdam counts in a Python int
        return super()._load_state_value(p, index, key, value)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps = lr_value(group), float(group["eps"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        todo: list[tuple[Tensor, Array, Array, dict[str, Any]]] = []
        for p in group["params"]:  # PyTorch's order: every state is set up before any update
            g = self._grad_of(p)
            if g is None:
                continue
            rows = sparse_rows(p)
            if rows is None or _dense_elsewhere(g, rows):
                raise MinigradError(
                    "SparseAdam does not support dense gradients, please consider Adam instead"
                )
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = self._zeros(p.numpy(force=True))
                state["exp_avg_sq"] = self._zeros(p.numpy(force=True))
            state["step"] += 1
            todo.append((p, g, rows, state))
        for p, g, rows, state in todo:
            if rows.size == 0:
                continue
            grad = -g[rows] if group["maximize"] else g[rows]
            m, v = state["exp_avg"].numpy(force=True), state["exp_avg_sq"].numpy(force=True)
            old_m, old_v = m[rows], v[rows]
            delta_m = (grad - old_m) * (1 - beta1)
            delta_v = (grad * grad - old_v) * (1 - beta2)
            m[rows] = old_m + delta_m
            v[rows] = old_v + delta_v
            step = int(state["step"])
            step_size = lr * math.sqrt(1 - beta2**step) / (1 - beta1**step)
            x = p.numpy(force=True)
            x[rows] = x[rows] + -step_size * ((delta_m + old_m) / (np.sqrt(delta_v + old_v) + eps))
            p._write()


def _dense_elsewhere(g: Array, rows: Array) -> bool:
    """Whether ``g`` is nonzero outside ``rows``: dense uses of the weight fed it too."""
    outside = np.ones(g.shape[0], dtype=bool)
    outside[rows] = False
    return bool(g[outside].any())
