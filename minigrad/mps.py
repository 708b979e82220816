"""``torch.mps`` on a machine without Apple's GPU backend: minigrad computes on the CPU only.

The answers of PyTorch's build without MPS: ``is_available()`` is False,
``device_count()`` is 0, ``manual_seed`` does nothing, and what needs the backend
(``seed``, ``synchronize``, ``empty_cache``, the memory counters) raises
:class:`~minigrad.errors.DeviceError` (a ``RuntimeError``, as PyTorch's).
"""

from __future__ import annotations

from minigrad.errors import DeviceError

__all__ = ["current_allocated_memory", "device_count", "driver_allocated_memory", "empty_cache",
           "is_available", "manual_seed", "seed", "synchronize"]


def is_available() -> bool:
    """False: minigrad has no MPS backend."""
    return False


def device_count() -> int:
    """0: no MPS devices."""
    return 0


def _no_mps(what: str) -> DeviceError:
    return DeviceError(f"torch.mps.{what}(): Cannot execute without MPS backend "
                       "(minigrad runs on the CPU only)")


def manual_seed(seed: int) -> None:
    """Nothing to seed (PyTorch's build without MPS ignores it too); seed the CPU with ``manual_seed``."""
    del seed


def seed() -> None:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no MPS generator to seed (PyTorch's error)."""
    raise _no_mps("seed")


def synchronize() -> None:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no MPS device to wait for."""
    raise _no_mps("synchronize")


def empty_cache() -> None:
    """Raises :class:`~minigrad.errors.DeviceError`, as PyTorch's build without MPS."""
    raise _no_mps("empty_cache")


def current_allocated_memory() -> int:
    """Raises :class:`~minigrad.errors.DeviceError`: no MPS memory to count."""
    raise _no_mps("current_allocated_memory")


def driver_allocated_memory() -> int:
    """Raises :class:`~minigrad.errors.DeviceError`: no MPS memory to count."""
    raise _no_mps("driver_allocated_memory")
