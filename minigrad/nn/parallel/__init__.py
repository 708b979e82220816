"""``torch.nn.parallel``: minigrad trains in one process on one CPU.

:class:`DataParallel` is what PyTorch's is on a machine without GPUs: the wrapped
module, run as it is (its parameters and state_dict keys gain ``module.``).
Building a :class:`DistributedDataParallel` raises :class:`~minigrad.errors.UnsupportedError`;
the class exists so that imports and ``isinstance`` checks in scripts work.
:mod:`~minigrad.nn.parallel.scatter_gather` holds ``scatter``/``scatter_kwargs``/``gather``, which refuse
as PyTorch's CPU build does.
"""

from __future__ import annotations

from typing import Any

from minigrad.errors import UnsupportedError
from minigrad.nn.module import Module
from minigrad.nn.parallel import scatter_gather  # noqa: F401  (reached as an attribute, as in PyTorch)
from minigrad.nn.parallel.scatter_gather import gather, scatter

__all__ = ["DataParallel", "DistributedDataParallel", "gather", "scatter"]


class DataParallel(Module):
    """``module`` run in this process, as PyTorch's DataParallel where there are no GPUs to spread it over.

    ``forward(*inputs, **kwargs)`` is ``module(*inputs, **kwargs)``; the module is the child ``module``
    (parameter and state_dict names start with ``module.``, as PyTorch's); ``device_ids`` is []. The
    other arguments are accepted and unused, as PyTorch's are without GPUs.
    """

    def __init__(self, module: Module, device_ids: Any = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids: list[int] = []

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """The wrapped module's output for the same arguments."""
        return self.module(*inputs, **kwargs)


class DistributedDataParallel(Module):
    """Raises :class:`~minigrad.errors.UnsupportedError` when built: minigrad does no distributed training."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        raise UnsupportedError(
            "nn.parallel.DistributedDataParallel: minigrad does not do distributed training; "
            "use the module itself"
        )
