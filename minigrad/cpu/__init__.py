"""``torch.cpu``: the one device minigrad computes on."""

from __future__ import annotations

from typing import Any

from minigrad.cpu import amp

__all__ = ["amp", "current_device", "device_count", "is_available", "synchronize"]


def is_available() -> bool:
    """True: the CPU is always there."""
    return True


def device_count() -> int:
    """1, as PyTorch answers for the CPU."""
    return 1


def current_device() -> str:
    """``'cpu'``."""
    return "cpu"


def synchronize(device: Any = None) -> None:
    """Does nothing: numpy calls finish before they return."""
    del device
