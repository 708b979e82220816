"""``torch.distributed.nn``: the collectives that carry gradients, present so libraries can import them
(vector_quantize_pytorch's ``from torch.distributed import nn as dist_nn``, called only under an
``is_initialized()`` guard). minigrad does not do distributed training: each call raises
:class:`~minigrad.errors.UnsupportedError`, as :mod:`minigrad.distributed`'s do.
"""

from __future__ import annotations

from typing import Any, NoReturn

from minigrad.distributed import _unsupported

__all__ = ["all_gather", "all_reduce", "broadcast", "reduce"]


def all_reduce(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("nn.all_reduce")


def all_gather(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("nn.all_gather")


def broadcast(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("nn.broadcast")


def reduce(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("nn.reduce")
