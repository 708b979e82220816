"""``torch.backends.openmp``: whether PyTorch's own kernels run on OpenMP threads (minigrad's do not)."""

from __future__ import annotations

__all__ = ["is_available"]


def is_available() -> bool:
    """False: minigrad runs its own code on one thread (numpy's BLAS may use its own threads)."""
    return False
