"""``torch.xpu`` on a machine without Intel GPUs: minigrad computes on the CPU only.

The answers of PyTorch's build without XPU: ``is_available()`` is False,
``device_count()`` is 0, seeding and freeing the cache do nothing, and what needs a
device (``synchronize``, ``current_device``) raises :class:`~minigrad.errors.DeviceError`
(an ``AssertionError``, as PyTorch's).
"""

from __future__ import annotations

from minigrad.errors import DeviceError

__all__ = ["current_device", "device_count", "empty_cache", "is_available", "is_initialized", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "synchronize"]


def is_available() -> bool:
    """False: minigrad has no XPU backend."""
    return False


def is_initialized() -> bool:
    """False: there is no XPU state."""
    return False


def device_count() -> int:
    """0: no XPU devices."""
    return 0


def empty_cache() -> None:
    """Nothing to free: no XPU memory is ever held."""


def manual_seed(seed: int) -> None:
    """Nothing to seed (PyTorch's build without XPU ignores it too); seed the CPU with ``manual_seed``."""
    del seed


def manual_seed_all(seed: int) -> None:
    """Nothing to seed, as :func:`manual_seed`."""
    del seed


def seed() -> None:
    """Nothing to seed: no XPU generators."""


def seed_all() -> None:
    """Nothing to seed: no XPU generators."""


def _no_xpu(what: str) -> DeviceError:
    return DeviceError(f"torch.xpu.{what}(): Torch not compiled with XPU enabled "
                       "(minigrad runs on the CPU only)")


def synchronize(device: object = None) -> None:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no XPU to wait for."""
    raise _no_xpu("synchronize")


def current_device() -> int:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no XPU device."""
    raise _no_xpu("current_device")
