"""``torch.cuda`` on a machine without CUDA: minigrad computes on the CPU only.

Answers are the ones PyTorch's CPU build gives: ``is_available()`` is False,
``device_count()`` is 0, seeding and cache calls do nothing (there is no GPU
state to seed or free), and anything that needs a GPU (``synchronize``,
``current_device``, ``get_device_name``, ``set_device``) raises
:class:`~minigrad.errors.DeviceError`, an ``AssertionError`` as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from minigrad.cuda import amp
from minigrad.errors import DeviceError

__all__ = [
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "Event", "FloatTensor", "HalfTensor",
    "IntTensor", "LongTensor", "ShortTensor", "Stream", "amp", "current_device", "device_count",
    "empty_cache", "get_device_name", "init", "is_available",
    "is_bf16_supported", "is_initialized", "manual_seed", "manual_seed_all", "max_memory_allocated",
    "memory_allocated", "set_device", "synchronize",
]  # fmt: skip


class _CudaTensorType(type):
    """The class of ``torch.cuda.FloatTensor`` and its kin on a machine without CUDA: no tensor is one
    (``isinstance`` is False), and making one is PyTorch's TypeError."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"type torch.cuda.{cls.__name__} not available. Torch not compiled with CUDA "
                        "enabled.")

    def __instancecheck__(cls, instance: Any) -> bool:
        return False


class FloatTensor(metaclass=_CudaTensorType):
    """``torch.cuda.FloatTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class DoubleTensor(metaclass=_CudaTensorType):
    """``torch.cuda.DoubleTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class HalfTensor(metaclass=_CudaTensorType):
    """``torch.cuda.HalfTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class LongTensor(metaclass=_CudaTensorType):
    """``torch.cuda.LongTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class IntTensor(metaclass=_CudaTensorType):
    """``torch.cuda.IntTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class ShortTensor(metaclass=_CudaTensorType):
    """``torch.cuda.ShortTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class CharTensor(metaclass=_CudaTensorType):
    """``torch.cuda.CharTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class ByteTensor(metaclass=_CudaTensorType):
    """``torch.cuda.ByteTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


class BoolTensor(metaclass=_CudaTensorType):
    """``torch.cuda.BoolTensor``: no tensor is one; calling it raises TypeError (no CUDA)."""


#: PyTorch's private "has CUDA been initialized" flag, which reversible layers (reformer-pytorch) read
#: before saving the GPU RNG states: never, here
class Event:
    """``torch.cuda.Event`` on a machine without CUDA: no object is one, and making one raises
    :class:`~minigrad.errors.DeviceError` (a RuntimeError, as PyTorch's CPU build raises)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Event:
        raise DeviceError("Tried to instantiate dummy base class Event (torch.cuda.Event needs a GPU, but "
                          "minigrad runs on the CPU only)")


class Stream:
    """``torch.cuda.Stream`` on a machine without CUDA: making one raises
    :class:`~minigrad.errors.DeviceError` (a RuntimeError, as in PyTorch's CPU build)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Stream:
        raise DeviceError("torch.cuda.Stream requires CUDA support (minigrad runs on the CPU only)")


_initialized = False


def _no_gpu(what: str) -> DeviceError:
    return DeviceError(f"torch.cuda.{what}() needs a GPU, but minigrad runs on the CPU only "
                       "(cuda.is_available() is False; Torch not compiled with CUDA enabled)")


def is_available() -> bool:
    """False: minigrad has no CUDA backend."""
    return False


def is_initialized() -> bool:
    """False: CUDA is never initialized."""
    return False


def device_count() -> int:
    """0: no GPUs are visible to minigrad."""
    return 0


def manual_seed(seed: int) -> None:
    """Does nothing: there is no GPU generator to seed (``mg.manual_seed`` seeds the CPU one)."""
    del seed


def manual_seed_all(seed: int) -> None:
    """Does nothing: there are no GPU generators to seed."""
    del seed


def empty_cache() -> None:
    """Does nothing: there is no GPU memory cache."""


def memory_allocated(device: Any = None) -> int:
    """0 bytes: minigrad allocates no GPU memory."""
    del device
    return 0


def max_memory_allocated(device: Any = None) -> int:
    """0 bytes: minigrad allocates no GPU memory."""
    del device
    return 0


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: there is no GPU (and numpy has no bfloat16)."""
    del including_emulation
    return False


def synchronize(device: Any = None) -> None:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no GPU to wait for."""
    raise _no_gpu("synchronize")


def current_device() -> int:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no current GPU."""
    raise _no_gpu("current_device")


def get_device_name(device: Any = None) -> str:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no GPU to name."""
    raise _no_gpu("get_device_name")


def set_device(device: Any) -> None:
    """Raises :class:`~minigrad.errors.DeviceError`: there is no GPU to select."""
    raise _no_gpu("set_device")


def init() -> None:
    """Raises :class:`~minigrad.errors.DeviceError`: CUDA cannot be initialized."""
    raise _no_gpu("init")
