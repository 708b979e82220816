"""Attention for the layers: the functional pieces, imported from :mod:`minigrad.nn.functional.attention`,
and ``torch.nn.attention``'s backend choice (:class:`SDPBackend`, :func:`sdpa_kernel`).

The math (``scaled_dot_product_attention``, the shared ``attention`` core and
the causal and additive masks) and the lookups (``embedding``, ``one_hot``)
live in ``minigrad.nn.functional``; this module re-exports them for the
attention layers and for code that imported them from here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager

from minigrad.backends import cuda as _cuda
from minigrad.nn.functional.attention import (
    additive_mask,
    attention,
    causal_mask,
    scaled_dot_product_attention,
)
from minigrad.nn.functional.embedding import embedding, normalize_padding_idx, one_hot

__all__ = [
    "SDPBackend", "additive_mask", "attention", "causal_mask", "embedding", "normalize_padding_idx",
    "one_hot", "scaled_dot_product_attention", "sdpa_kernel",
]  # fmt: skip


class SDPBackend(enum.IntEnum):
    """The kernels PyTorch's ``scaled_dot_product_attention`` may pick (PyTorch's names and values).

    minigrad always computes the math form (``MATH``); the others exist so scripts can name them.
    """

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_FLAG = {SDPBackend.MATH: "math", SDPBackend.FLASH_ATTENTION: "flash",
         SDPBackend.EFFICIENT_ATTENTION: "mem_efficient", SDPBackend.CUDNN_ATTENTION: "cudnn"}


@contextmanager
def sdpa_kernel(backends: SDPBackend | list[SDPBackend], set_priority: bool = False) -> Iterator[None]:
    """Within the block, only ``backends`` may be used by ``scaled_dot_product_attention``.

    As PyTorch's, it sets ``backends.cuda``'s enable flags for the block and restores them after;
    minigrad's attention is the math form whatever they say, so results do not change.
    ``set_priority`` (the order to try them in) is accepted and has no effect.

    Raises:
        TypeError: ``backends`` is not an SDPBackend or a list of them.
    """
    del set_priority
    chosen = [backends] if isinstance(backends, SDPBackend) else backends
    if not isinstance(chosen, (list, tuple, set)) or not all(isinstance(b, SDPBackend) for b in chosen):
        raise TypeError(f"sdpa_kernel: backends must be an SDPBackend or a list of them, got {backends!r}")
    saved = dict(_cuda._SDP)
    for backend, flag in _FLAG.items():
        _cuda._SDP[flag] = backend in chosen
    try:
        yield
    finally:
        _cuda._SDP.update(saved)
