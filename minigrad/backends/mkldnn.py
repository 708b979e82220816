"""``torch.backends.mkldnn``: oneDNN's switches, settable with no effect (minigrad computes with numpy).

``enabled`` (True) and ``deterministic`` (False) start at PyTorch's defaults
and may be assigned, directly or for a block with :func:`flags`;
``is_available()`` is False: minigrad has no oneDNN kernels to switch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["VERBOSE_OFF", "VERBOSE_ON", "VERBOSE_ON_CREATION", "deterministic", "enabled", "flags",
           "is_acl_available", "is_available", "set_flags", "verbose"]

enabled: bool = True
deterministic: bool = False
allow_tf32: bool | None = None  # (PyTorch 2.13 reads None here: the setting moved to fp32_precision)

VERBOSE_OFF, VERBOSE_ON, VERBOSE_ON_CREATION = 0, 1, 2


def is_available() -> bool:
    """False: minigrad is not built on oneDNN (MKL-DNN)."""
    return False


def is_acl_available() -> bool:
    """False: no oneDNN, so no oneDNN with Arm's Compute Library either."""
    return False


def set_flags(_enabled: bool | None = None, _deterministic: bool | None = None, _allow_tf32: Any = None,
              _fp32_precision: str = "none") -> tuple[Any, ...]:
    """Set the flags given (None leaves one as it is); returns the previous ``(enabled, deterministic,
    allow_tf32, fp32_precision)``, which ``set_flags(*old)`` puts back."""
    global enabled, deterministic, allow_tf32
    old = (enabled, deterministic, allow_tf32, "none")
    if _enabled is not None:
        enabled = bool(_enabled)
    if _deterministic is not None:
        deterministic = bool(_deterministic)
    if _allow_tf32 is not None:
        allow_tf32 = bool(_allow_tf32)
    return old


@contextlib.contextmanager
def flags(enabled: bool = False, deterministic: bool = False, allow_tf32: bool = True,
          fp32_precision: str = "none") -> Iterator[None]:
    """The flags set for the block (note PyTorch's default ``enabled=False``), restored after it."""
    old = set_flags(enabled, deterministic, allow_tf32, fp32_precision)
    try:
        yield
    finally:
        set_flags(*old)


class verbose:  # noqa: N801 - PyTorch's name
    """``with torch.backends.mkldnn.verbose(level):``: oneDNN's kernel log for a block; nothing to log."""

    def __init__(self, level: int) -> None:
        self.level = level

    def __enter__(self) -> verbose | None:
        return None if self.level == VERBOSE_OFF else self

    def __exit__(self, *exc: object) -> None:
        return None
