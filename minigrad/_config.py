"""``torch.__config__``: how this build was made, as text (environment reports print it)."""

from __future__ import annotations

import os
import platform

import numpy as np


def show() -> str:
    """A description of the build: minigrad computes with numpy on the CPU."""
    return (f"minigrad built with:\n  - Python {platform.python_version()}\n  - numpy {np.__version__}\n"
            "  - CPU only (no CUDA, no MKL-DNN)\n")


def parallel_info() -> str:
    """The thread settings that apply: numpy's BLAS threads, set by the usual environment variables."""
    lines = ["minigrad/Parallel:", f"\tos.cpu_count() : {os.cpu_count()}"]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        lines.append(f"\t{var} : {os.environ.get(var, '(not set)')}")
    return "\n".join(lines) + "\n"


def _cxx_flags() -> str:
    """The C++ compiler flags of the build: none, minigrad is Python."""
    return ""
