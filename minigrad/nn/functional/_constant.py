"""Constant tensors for the functionals: arrays that take part in a graph but receive no gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.tensor import Array, Tensor, from_numpy


def constant(value: Array | float, dtype: np.dtype[Any]) -> Tensor:
    """``value`` as a Tensor of ``dtype`` that records no graph."""
    return from_numpy(np.asarray(value, dtype=dtype))
