"""Automatic differentiation, as ``torch.autograd``: the backward engine and grad mode.

The engine (``backward``, ``grad``) lives in :mod:`minigrad.autograd.engine`,
grad mode in :mod:`minigrad.grad_mode`; both are re-exported here, where
PyTorch code looks for them.
"""

from minigrad.autograd.engine import backward, grad
from minigrad.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = [
    "backward", "enable_grad", "grad", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled",
    "no_grad", "set_grad_enabled",
]  # fmt: skip
