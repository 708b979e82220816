"""``torch.accelerator``: minigrad has none; it computes on the CPU."""

from __future__ import annotations

from minigrad.device import device

__all__ = ["current_accelerator", "device_count", "is_available"]


def is_available() -> bool:
    """False: minigrad has no accelerator (GPU, MPS, ...) backend."""
    return False


def current_accelerator(check_available: bool = False) -> device | None:
    """None: there is no accelerator (PyTorch's answer on a CPU-only build)."""
    del check_available
    return None


def device_count() -> int:
    """0: no accelerators."""
    return 0
