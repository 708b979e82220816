"""Muon: momentum orthogonalized by a Newton-Schulz iteration, for 2-D parameters."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad._kernels import round_to_bfloat16
from minigrad._sparse_grads import sparse_tracking
from minigrad.errors import InvalidParameterError
from minigrad.optim._inplace import add_, lerp_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value
from minigrad.tensor import Array

__all__ = ["Muon"]

#: Keller Jordan's quintic coefficients and step count, PyTorch's defaults
_NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
_NS_STEPS = 5
_ADJUST_LR_FNS = ("original", "match_rms_adamw")


def _zeropower_via_newtonschulz(update: Array, ns_coefficients: Any, ns_steps: int, eps: float) -> Array:
    """An approximate orthogonalization ``U S' V^T`` of ``update = U S V^T`` (S' roughly in [0.5, 1.5]).

    As PyTorch, in bfloat16: every operation's result is rounded to it, with
    float32 accumulation inside the matrix products. The wide side comes last
    (the iteration runs on the transpose of a tall matrix). Returns float32
    holding bfloat16 values.

    Raises:
        InvalidParameterError: ``ns_steps`` >= 100, ``update`` not 2-D, or not three coefficients.
    """
    if ns_steps >= 100:
        raise InvalidParameterError("Number of steps must be less than 100 for computational efficiency")
    if update.ndim != 2:
        raise InvalidParameterError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise InvalidParameterError("Coefficients must be a tuple of exactly 3 values")
    # addmm's kernel adds beta * input to the float32 product by a fused multiply-add: a float64
    # sum, exact for a bfloat16 input times a float32 beta, then rounded once to float32.
    a, b, c = (np.float64(np.float32(k)) for k in ns_coefficients)
    tall = update.shape[0] > update.shape[1]
    x = round_to_bfloat16(update.T if tall else update)
    norm = round_to_bfloat16(np.sqrt(np.sum(x * x, dtype=np.float32)))
    x = round_to_bfloat16(x / np.maximum(norm, round_to_bfloat16(np.float32(eps))))
    for _ in range(ns_steps):
        gram = round_to_bfloat16(x @ x.T)
        poly = round_to_bfloat16(b * gram + np.float32(c) * (gram @ gram))
        x = round_to_bfloat16(a * x + poly @ x)
    return x.T if tall else x


def _adjust_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """The learning rate for a ``shape[0]`` x ``shape[1]`` matrix (PyTorch's ``_adjust_lr``)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * (0.2 * math.sqrt(max(rows, cols)))
    return lr


class Muon(Optimizer):
    r"""Muon (Keller Jordan), PyTorch's ``torch.optim.Muon`` (``torch/optim/_muon.py``), for 2-D parameters.

    With gradient ``g`` and momentum buffer ``B`` (starting at zero)::

        B = lerp(B, g, 1 - momentum)                (= momentum * B + (1 - momentum) * g)
        U = lerp(g, B, momentum) if nesterov else B
        O = NS(U)                                   (ns_steps Newton-Schulz steps, in bfloat16)
        p = p * (1 - lr * weight_decay)
        p = p - adjusted_lr * O

    ``NS`` scales ``U`` to Frobenius norm 1 (at least ``eps`` in the division)
    and repeats ``X = a X + (b A + c A @ A) @ X`` with ``A = X @ X^T``.
    ``adjusted_lr`` is ``lr * sqrt(max(1, rows / cols))`` ("original", the
    default) or ``lr * 0.2 * sqrt(max(rows, cols))`` ("match_rms_adamw").
    PyTorch computes ``NS`` in bfloat16, so minigrad rounds each step's result
    to bfloat16 as well (numpy has no such type): the updates agree with
    PyTorch's up to the order of float32 sums inside its matrix products.

    Args:
        params: 2-D Tensors or parameter-group dicts (biases, embeddings and
            other parameters belong to another optimizer, e.g. AdamW).
        lr: learning rate, >= 0.
        weight_decay: decoupled weight decay, >= 0.
        momentum: >= 0.
        nesterov: use Nesterov momentum.
        ns_coefficients: ``(a, b, c)`` of the quintic iteration.
        eps: the smallest norm divided by.
        ns_steps: Newton-Schulz steps, < 100 (checked at ``step``).
        adjust_lr_fn: None, "original" or "match_rms_adamw".

    Raises:
        InvalidParameterError: an out-of-range value, an unknown
            ``adjust_lr_fn``, a parameter that is not 2-D, or an empty
            parameter list; at ``step``, ``ns_steps`` >= 100 or not three
            ``ns_coefficients``.

    State per parameter: ``momentum_buffer`` (shaped like it); no step count.
    """

    _load_fills = frozenset({"differentiable"})

    _param_shaped_state = ("momentum_buffer",)

    def __init__(self, params: ParamsT, lr: float = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple[float, float, float] = _NS_COEFFICIENTS,
                 eps: float = 1e-7, ns_steps: int = _NS_STEPS, adjust_lr_fn: str | None = None) -> None:
        defaults: dict[str, Any] = {
            "lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
            "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps,
            "adjust_lr_fn": adjust_lr_fn,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise InvalidParameterError(
                        f"Muon only supports 2D parameters whereas we found a parameter with size: {p.shape}"
                    )

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group, says="Learning rate should be >= 0 but is:")  # (PyTorch's words)
        check_number("momentum", group["momentum"], says="momentum should be >= 0 but is:")
        check_number("weight_decay", group["weight_decay"], says="weight decay should be >= 0 but is:")
        fn = group["adjust_lr_fn"]
        if fn is not None and fn not in _ADJUST_LR_FNS:
            raise InvalidParameterError(f"Adjust learning rate function {fn} is not supported")

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("momentum_buffer",)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, weight_decay = lr_value(group), float(group["weight_decay"])
        momentum = float(group["momentum"])
        if sparse_tracking():
            self._check_sparse(group)
        for p in group["params"]:
            g = self._grad_of(p)
            if g is None:
                continue
            if g.ndim != 2:  # a parameter added later by add_param_group, which PyTorch does not check
                raise InvalidParameterError("Param gradient must be a 2D matrix")
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = self._zeros(g)
            x, buf = p.numpy(force=True), state["momentum_buffer"].numpy(force=True)
            lerp_(buf, g, 1 - momentum, self._scratch.get(x, 0))
            update: Array = buf
            if group["nesterov"]:
                update = self._scratch.get(x, 1)
                update[...] = g
                lerp_(update, buf, momentum, self._scratch.get(x, 0))
            ortho = _zeropower_via_newtonschulz(update, group["ns_coefficients"], int(group["ns_steps"]),
                                                float(group["eps"]))
            x *= 1 - lr * weight_decay
            add_(x, ortho.astype(x.dtype, copy=False), -_adjust_lr(lr, group["adjust_lr_fn"], p.shape),
                 self._scratch.get(x, 0))
            p._write()

