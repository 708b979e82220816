"""``torch.backends.cudnn``: settable flags with no effect, since minigrad has no cuDNN.

``enabled`` (True), ``benchmark`` (False), ``deterministic`` (False) and
``allow_tf32`` (True) start at PyTorch's defaults and may be assigned; minigrad
runs numpy on the CPU, which is deterministic for a given seed and thread
count whatever they say. ``is_available()`` is False.
"""

from __future__ import annotations

__all__ = ["allow_tf32", "benchmark", "deterministic", "enabled", "is_available", "version"]

enabled: bool = True
benchmark: bool = False
deterministic: bool = False
allow_tf32: bool = True


def is_available() -> bool:
    """False: minigrad has no cuDNN."""
    return False


def version() -> None:
    """None: no cuDNN library is loaded (PyTorch's answer on a CPU-only build)."""
    return None
