"""Rprop: resilient backpropagation, steps that grow while the gradient keeps its sign."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, lr_value

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop, PyTorch's single-tensor update rule (``torch/optim/rprop.py``).

    Per element, with ``s`` the sign of ``g * g_prev``::

        eta = etaplus if s > 0, etaminus if s < 0, 1 if s == 0
        step_size = clamp(step_size * eta, step_size_min, step_size_max)
        g = 0 where s < 0               (the step after a sign change is skipped)
        p = p - sign(g) * step_size
        g_prev = g

    Args:
        params: Tensors (e.g. ``model.parameters()``) or parameter-group dicts.
        lr: the initial step size, >= 0 (default 1e-2).
        etas: ``(etaminus, etaplus)`` with 0 < etaminus < 1 < etaplus (default (0.5, 1.2)).
        step_sizes: ``(step_size_min, step_size_max)`` (default (1e-6, 50)).
        foreach: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.

    Raises:
        InvalidParameterError: an out-of-range value (the message names it)
            or an empty parameter list.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` (a 0-d float32 tensor), ``prev`` and
    ``step_size``, shaped like the parameter.
    """

    _load_fills = frozenset({"capturable", "differentiable", "foreach", "maximize"})

    _param_shaped_state = ("prev", "step_size")

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable, "capturable": capturable,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        etas = group["etas"]
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise InvalidParameterError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        sizes = group["step_sizes"]
        if isinstance(sizes, (tuple, list)) and len(sizes) != 2:  # (PyTorch's step unpacks two: ValueError)
            words = (f"not enough values to unpack (expected 2, got {len(sizes)})" if len(sizes) < 2
                     else "too many values to unpack (expected 2)")
            raise InvalidParameterError(f"{words}: step_sizes must be (step_size_min, step_size_max), got "
                                        f"step_sizes={sizes!r}")

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "prev", "step_size")

    def _update_group(self, group: dict[str, Any]) -> None:
        etaminus, etaplus = float(group["etas"][0]), float(group["etas"][1])
        lo, hi = float(group["step_sizes"][0]), float(group["step_sizes"][1])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar()
                state["prev"] = self._zeros(x)
                state["step_size"] = self._zeros(x, lr_value(group))
            self._advance(state)
            g = self._direction(x, g, bool(group["maximize"]), 0.0)
            prev, step_size = state["prev"].numpy(force=True), state["step_size"].numpy(force=True)
            sign = np.sign(g * prev)
            eta = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0)).astype(x.dtype)
            step_size *= eta
            np.clip(step_size, lo, hi, out=step_size)
            g = np.where(sign < 0, 0, g).astype(x.dtype)
            x -= np.sign(g) * step_size
            prev[...] = g
