"""Dropout as a function: ``dropout`` zeroes elements at random and rescales the rest."""

from __future__ import annotations

import numpy as np

from minigrad.nn import _checks
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["dropout"]


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    The mask is drawn from minigrad's seeded generator (``mg.manual_seed``
    reproduces it). With ``training=False`` or ``p == 0`` the input is
    returned unchanged. Output has the input's shape and dtype.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1).
    """
    p = _checks.probability("p", p)
    _checks.tensor("dropout", input)
    if not training or p == 0.0:
        return input
    dt = input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)
    # Keep an element when 32 random bits reach p * 2**32: P(keep) = 1 - p to
    # within 2**-32, and raw bits cost a third less than float draws.
    n = input.numel()
    bits = default_generator.np.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    keep = (bits >= np.uint32(min(round(p * 2.0**32), 2**32 - 1))).reshape(input.shape)
    # mask / (1-p) in the input's dtype, as PyTorch computes it; float32 reuses the bits' memory
    scale = bits.view(np.float32).reshape(input.shape) if dt == np.float32 else np.empty(input.shape, dt)
    np.divide(keep, dt.type(1.0 - p), out=scale, casting="unsafe")
    return input * from_numpy(scale)

