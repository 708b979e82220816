"""``torch.nn.parallel.scatter_gather``: splitting inputs across GPUs and gathering outputs back. There are
no GPUs in minigrad, so each call refuses as PyTorch's CPU build does (``scatter`` with an AttributeError,
``gather`` with an AssertionError), with :class:`~minigrad.errors.DeviceError` as well.
"""

from __future__ import annotations

from typing import Any, NoReturn

from minigrad.errors import DeviceError, _NoGpuKernelError

__all__ = ["gather", "scatter", "scatter_kwargs"]


def _no_scatter(what: str) -> NoReturn:
    raise _NoGpuKernelError(
        f"module 'torch._C' has no attribute '_scatter' (nn.parallel.{what}: minigrad has no GPUs to split "
        "inputs across; call the module on the inputs as they are)"
    )


def scatter(inputs: Any, target_gpus: Any, dim: int = 0) -> NoReturn:
    """Raises :class:`~minigrad.errors.DeviceError`, also PyTorch's AttributeError: no GPUs to split onto."""
    _no_scatter("scatter")


def scatter_kwargs(inputs: Any, kwargs: Any, target_gpus: Any, dim: int = 0) -> NoReturn:
    """Raises :class:`~minigrad.errors.DeviceError`, also PyTorch's AttributeError: no GPUs to split onto."""
    _no_scatter("scatter_kwargs")


def gather(outputs: Any, target_device: Any, dim: int = 0) -> NoReturn:
    """Raises :class:`~minigrad.errors.DeviceError` (an AssertionError, PyTorch's class): no GPU outputs."""
    raise DeviceError("Gather function not implemented for CPU tensors (nn.parallel.gather: minigrad has no "
                      "GPUs whose outputs to gather)")
