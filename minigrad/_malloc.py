"""Keep freed array memory in the process instead of returning it to the OS.

glibc's malloc hands large blocks (numpy arrays of a few hundred KB and up)
back to the kernel when they are freed, so every large temporary of the next
step page-faults its memory in again. On this project's 2-core machines that
made a chain of ten elementwise ops on 0.5M floats 10x slower (11.5 ms vs
1.1 ms; PyTorch is affected the same way). PyTorch's CPU tuning guide fixes it
by preloading jemalloc or tcmalloc; we set the two glibc thresholds instead.

The cost: memory freed by a training step stays reserved for the next one,
so the process keeps its peak footprint. Set ``MINIGRAD_MALLOC_TUNING=0`` in
the environment before importing minigrad to leave malloc untouched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_malloc() -> bool:
    """Raise glibc's mmap and trim thresholds; return True if they were set."""
    if not sys.platform.startswith("linux") or os.environ.get("MINIGRAD_MALLOC_TUNING") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...)
        return False
    ok = bool(mallopt(_M_MMAP_THRESHOLD, 1 << 30)) or bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20))
    return ok and bool(mallopt(_M_TRIM_THRESHOLD, (1 << 31) - 1))


TUNED = tune_malloc()
