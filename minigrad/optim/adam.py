"""Adam and AdamW: adaptive moment estimation, with coupled or decoupled weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError
from minigrad.optim._inplace import addcdiv_, addcmul_, const, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_betas, check_lr, check_number, lr_value
from minigrad.tensor import Tensor

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
        foreach, fused: accepted for PyTorch compatibility (one implementation, the same numbers).
        capturable, differentiable: see :class:`~minigrad.optim.Optimizer` (True is refused).
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: apply weight decay as AdamW does.

    Raises:
        InvalidParameterError: an out-of-range value (the message names the
            argument and the value) or an empty parameter list.
        InvalidParameterError: ``fused=True`` with ``foreach=True`` or ``differentiable=True``.
        UnsupportedError: ``differentiable=True``.

    State per parameter: ``step`` (a 0-d float32 tensor), ``exp_avg``, ``exp_avg_sq`` and,
    with amsgrad, ``max_exp_avg_sq`` (arrays shaped like the parameter).
    """

    _load_fills = frozenset({"amsgrad", "capturable", "decoupled_weight_decay", "differentiable",
                             "foreach", "fused", "maximize"})

    _param_shaped_state = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    # (AdamW too says "Adam")
    _sparse_refusal = "Adam does not support sparse gradients, please consider SparseAdam instead"

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
            "maximize": maximize, "foreach": foreach, "capturable": capturable,
            "differentiable": differentiable, "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }  # fmt: skip
        self._check_group(defaults)
        if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas)):
            # (PyTorch's constructor refuses an int beta too: betas=(0, 0.99))
            raise InvalidParameterError(f"betas must be either both floats or both Tensors, got {betas!r}")
        # 1-element Tensor betas are kept as 0-d Tensors, as PyTorch keeps them
        defaults["betas"] = tuple(b.reshape(()) if isinstance(b, Tensor) else b for b in betas)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Check lr, eps, betas, weight_decay; lr and the betas may be 1-element Tensors, as in PyTorch.

        Raises InvalidParameterError for an out-of-range value, one Tensor beta
        with one number, or a Tensor lr or beta with ``foreach=True`` (and not
        ``capturable``), which PyTorch refuses.
        """
        check_lr(group)
        foreach_refuses = bool(group.get("foreach")) and not group.get("capturable")
        if isinstance(group["lr"], Tensor) and foreach_refuses:
            raise InvalidParameterError(
                "lr as a Tensor is not supported for capturable=False and foreach=True")
        check_number("eps", group["eps"])
        betas = group["betas"]
        if isinstance(betas, (tuple, list)) and len(betas) == 2 and any(isinstance(b, Tensor) for b in betas):
            if not all(isinstance(b, Tensor) for b in betas):
                raise InvalidParameterError(
                    f"betas must be either both floats or both Tensors, got {betas!r}")
            for i, b in enumerate(betas):
                if foreach_refuses:
                    raise InvalidParameterError(
                        f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if b.numel() != 1:
                    raise InvalidParameterError(
                        f"Tensor betas[{i}] must be 1-element, got shape {tuple(b.shape)}")
            betas = tuple(b.item() for b in betas)
        check_betas(betas)
        check_number("weight_decay", group["weight_decay"])

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = lr_value(group)
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        amsgrad = bool(group["amsgrad"])
        decoupled = bool(group["decoupled_weight_decay"])
        for x, g, state in self._with_grad(group):
            if not state:
                state["step"] = self._scalar(fused=bool(group["fused"]))
                state["exp_avg"] = self._zeros(x)
                state["exp_avg_sq"] = self._zeros(x)
                if amsgrad:
                    state["max_exp_avg_sq"] = self._zeros(x)
            step = self._advance(state)
            if decoupled and weight_decay != 0:
                x *= const(1.0 - lr * weight_decay, x.dtype)
            g = self._direction(x, g, bool(group["maximize"]), 0.0 if decoupled else weight_decay)
            m, v = state["exp_avg"].numpy(force=True), state["exp_avg_sq"].numpy(force=True)
            tmp, denom = self._scratch.get(x, 0), self._scratch.get(x, 2)
            lerp_(m, g, 1.0 - beta1, tmp)
            v *= const(beta2, x.dtype)
            addcmul_(v, g, g, 1.0 - beta2, tmp)
            bias_correction1 = 1.0 - beta1**step
            bias_correction2 = 1.0 - beta2**step
            if amsgrad:
                vmax = state["max_exp_avg_sq"].numpy(force=True)
                np.maximum(vmax, v, out=vmax)
                v = vmax
            np.sqrt(v, out=denom)
            denom /= const(bias_correction2**0.5, x.dtype)
            denom += const(eps, x.dtype)
            addcdiv_(x, m, denom, -(lr / bias_correction1), tmp)


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
        foreach: accepted for PyTorch compatibility and ignored.

    Raises:
        InvalidParameterError: an out-of-range value or an empty parameter list.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: Any) -> None:
        """Load a state saved by :meth:`state_dict`; weight decay stays decoupled."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
