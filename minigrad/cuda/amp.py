"""``torch.cuda.amp``: the deprecated CUDA spellings of :mod:`minigrad.amp`.

Both classes warn that the spelling is deprecated (``FutureWarning``, as
PyTorch does) and then, since there is no CUDA, disable themselves with
PyTorch's own warning: ``GradScaler`` passes through, ``autocast`` runs in full
precision.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from minigrad import amp

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd"]


class GradScaler(amp.GradScaler):
    """``torch.cuda.amp.GradScaler(init_scale, growth_factor, backoff_factor, growth_interval, enabled)``."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class autocast(amp.autocast):  # noqa: N801  (PyTorch's name)
    """``torch.cuda.amp.autocast(enabled=True, dtype=float16, cache_enabled=True)``."""

    def __init__(self, enabled: bool = True, dtype: Any = None, cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def custom_fwd(fwd: Callable[..., Any] | None = None, *, cast_inputs: Any = None) -> Callable[..., Any]:
    """``torch.cuda.amp.custom_fwd``: warns ``FutureWarning`` (deprecated), then
    ``amp.custom_fwd(fwd, device_type='cuda', cast_inputs=cast_inputs)``."""
    warnings.warn("`torch.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return amp.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd: Callable[..., Any]) -> Callable[..., Any]:
    """``torch.cuda.amp.custom_bwd``: warns ``FutureWarning`` (deprecated), then
    ``amp.custom_bwd(bwd, device_type='cuda')``."""
    warnings.warn("`torch.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return amp.custom_bwd(bwd, device_type="cuda")
