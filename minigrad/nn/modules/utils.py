"""``torch.nn.modules.utils``: the argument helpers custom layers import (``_pair`` and friends).

Layers written outside PyTorch often do ``from torch.nn.modules.utils import _pair`` to accept
``kernel_size=3`` or ``kernel_size=(3, 5)`` alike; these do the same here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["consume_prefix_in_state_dict_if_present"]


def _ntuple(n: int, name: str = "parse") -> Callable[[Any], tuple[Any, ...]]:
    """A function mapping an iterable to a tuple of its items and anything else to ``n`` copies of it."""

    def parse(x: Any) -> tuple[Any, ...]:
        if isinstance(x, Iterable):
            return tuple(x)
        return (x,) * n

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t: Iterable[Any], n: int) -> tuple[Any, ...]:
    """Each item of ``t``, last first, repeated ``n`` times: the (left, right) padding order of F.pad."""
    return tuple(x for x in reversed(tuple(t)) for _ in range(n))


def consume_prefix_in_state_dict_if_present(state_dict: dict[str, Any], prefix: str) -> None:
    """Strip ``prefix`` (say ``'module.'``, what DataParallel/DDP add) from the keys of ``state_dict`` in
    place, and from the module paths of its ``_metadata`` if it has one; keys without it are kept."""
    for key in list(state_dict):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        for key in list(metadata):
            if key and (key == prefix.replace(".", "") or key.startswith(prefix)):
                metadata[key[len(prefix):]] = metadata.pop(key)
