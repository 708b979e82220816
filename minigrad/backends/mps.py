"""``torch.backends.mps``: Apple's GPU backend, which minigrad does not have."""

from __future__ import annotations

__all__ = ["is_available", "is_built"]


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def is_built() -> bool:
    """False: minigrad is not built with MPS."""
    return False
