"""``torch.cpu.amp``: the deprecated CPU spelling of :class:`minigrad.amp.autocast`."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad import amp
from minigrad.amp import GradScaler

__all__ = ["GradScaler", "autocast"]


class autocast(amp.autocast):  # noqa: N801  (PyTorch's name)
    """``torch.cpu.amp.autocast(enabled=True, dtype=bfloat16, cache_enabled=True)``: warns, full precision."""

    def __init__(self, enabled: bool = True, dtype: Any = None, cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cpu.amp.autocast(args...)` is deprecated. "
                      "Please use `torch.amp.autocast('cpu', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)
