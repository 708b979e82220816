"""``torch.backends.cudnn``: settable flags with no effect, since minigrad has no cuDNN.

``enabled`` (True), ``benchmark`` (False), ``deterministic`` (False) and
``allow_tf32`` (True) start at PyTorch's defaults and may be assigned; minigrad
runs numpy on the CPU, which is deterministic for a given seed and thread
count whatever they say. ``is_available()`` is False.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["allow_tf32", "benchmark", "benchmark_limit", "deterministic", "enabled", "flags", "is_available",
           "set_flags", "version"]

enabled: bool = True
benchmark: bool = False
benchmark_limit: int | None = None  # (None without cuDNN, as PyTorch's CPU build reads it)
deterministic: bool = False
allow_tf32: bool = True


def is_available() -> bool:
    """False: minigrad has no cuDNN."""
    return False


def version() -> None:
    """None: no cuDNN library is loaded (PyTorch's answer on a CPU-only build)."""
    return None


def set_flags(_enabled: bool | None = None, _benchmark: bool | None = None,
              _benchmark_limit: int | None = None, _deterministic: bool | None = None,
              _allow_tf32: bool | None = None, _fp32_precision: str = "none",
              _depthwise_kernel: Any = None) -> tuple[Any, ...]:
    """Set the flags given (None leaves one as it is; ``benchmark_limit`` stays None without cuDNN); returns
    the previous values in this order, which ``set_flags(*old)`` puts back."""
    global enabled, benchmark, deterministic, allow_tf32
    old = (enabled, benchmark, benchmark_limit, deterministic, allow_tf32, "none", None)
    if _enabled is not None:
        enabled = bool(_enabled)
    if _benchmark is not None:
        benchmark = bool(_benchmark)
    if _deterministic is not None:
        deterministic = bool(_deterministic)
    if _allow_tf32 is not None:
        allow_tf32 = bool(_allow_tf32)
    return old


@contextlib.contextmanager
def flags(enabled: bool = False, benchmark: bool = False, benchmark_limit: int = 10,
          deterministic: bool = False, allow_tf32: bool = True, fp32_precision: str = "none",
          depthwise_kernel: Any = "auto") -> Iterator[None]:
    """``with torch.backends.cudnn.flags(enabled=False):``: the flags set for the block (note PyTorch's
    default ``enabled=False``), restored after it."""
    old = set_flags(enabled, benchmark, benchmark_limit, deterministic, allow_tf32, fp32_precision,
                    depthwise_kernel)
    try:
        yield
    finally:
        set_flags(*old)
