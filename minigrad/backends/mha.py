"""``torch.backends.mha``: the switch for MultiheadAttention's inference fast path.

PyTorch runs a fused kernel for batch-first self-attention in eval mode without
gradients; minigrad computes the same math, and follows that kernel only where
its numbers differ: a query row that may attend to no key is NaN there.
"""

from __future__ import annotations

__all__ = ["get_fastpath_enabled", "set_fastpath_enabled"]

_enabled: bool = True


def get_fastpath_enabled() -> bool:
    """Whether MultiheadAttention may take its fast path (True unless switched off)."""
    return _enabled


def set_fastpath_enabled(value: bool) -> None:
    """Allow (True) or forbid (False) MultiheadAttention's fast path."""
    global _enabled
    _enabled = value  # (stored as given, as PyTorch's)
