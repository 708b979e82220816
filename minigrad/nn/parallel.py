"""``torch.nn.parallel``, present so scripts can import it: minigrad trains in one process on one CPU.

Building a :class:`DataParallel` or :class:`DistributedDataParallel` raises
:class:`~minigrad.errors.UnsupportedError`; the classes exist so that imports
and ``isinstance`` checks in scripts work.
"""

from __future__ import annotations

from typing import Any

from minigrad.errors import UnsupportedError
from minigrad.nn.module import Module

__all__ = ["DataParallel", "DistributedDataParallel"]


class DataParallel(Module):
    """Raises :class:`~minigrad.errors.UnsupportedError` when built: there are no GPUs to spread over."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        raise UnsupportedError(
            "nn.DataParallel: minigrad runs on one CPU and has no GPUs to spread a model over; "
            "use the module itself"
        )


class DistributedDataParallel(Module):
    """Raises :class:`~minigrad.errors.UnsupportedError` when built: minigrad does no distributed training."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        raise UnsupportedError(
            "nn.parallel.DistributedDataParallel: minigrad does not do distributed training; "
            "use the module itself"
        )
