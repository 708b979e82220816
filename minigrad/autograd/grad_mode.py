"""``torch.autograd.grad_mode``: where PyTorch defines its grad-mode context managers.

Older scripts and libraries import them from here (``from torch.autograd.grad_mode import no_grad``);
they are :mod:`minigrad.grad_mode`'s classes themselves.
"""

from __future__ import annotations

from minigrad.grad_mode import (
    enable_grad,
    inference_mode,
    no_grad,
    set_grad_enabled,
    set_multithreading_enabled,
)

__all__ = ["enable_grad", "inference_mode", "no_grad", "set_grad_enabled", "set_multithreading_enabled"]
