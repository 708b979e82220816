"""Pin numpy's BLAS and PyTorch's intra-op pools to one thread.

This module must not import numpy (or anything that does): the BLAS libraries
read these variables once, when they are loaded.
"""

from __future__ import annotations

import os

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pin_threads() -> None:
    """Set the thread-count variables to 1 (overriding any value already set).

    Call before numpy or torch is imported; afterwards it has no effect on
    pools that already exist. ``OPENBLAS_CORETYPE`` and other variables are
    left as they are.
    """
    for var in THREAD_VARS:
        os.environ[var] = "1"
