"""``torch.nn.utils.memory_format``: lay out a model's convolution weights in a memory format.

Scripts that train with ``channels_last`` inputs call these once on the model. The values never change;
only the weights' layout (``stride()``, ``is_contiguous(memory_format=)``) does.
"""

from __future__ import annotations

from typing import Any, TypeVar

from minigrad.memory_formats import check_format
from minigrad.nn.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from minigrad.nn.module import Module

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]

M = TypeVar("M", bound=Module)


def _convert(module: M, memory_format: Any, kinds: tuple[type[Module], ...], fn: str) -> M:
    fmt = check_format(memory_format, fn, optional=False)
    for m in module.modules():
        if isinstance(m, kinds):
            m.weight.data = m.weight.detach().clone(memory_format=fmt)
    return module


def convert_conv2d_weight_memory_format(module: M, memory_format: Any) -> M:
    """``module`` with the weight of every Conv2d / ConvTranspose2d in it (itself included) laid out in
    ``memory_format`` (``channels_last`` or ``contiguous_format``); values unchanged.

    Raises:
        TypeError: ``memory_format`` is not a memory format.
    """
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d), "convert_conv2d_weight_memory_format")


def convert_conv3d_weight_memory_format(module: M, memory_format: Any) -> M:
    """``module`` with the weight of every Conv3d / ConvTranspose3d in it laid out in ``memory_format``
    (``channels_last_3d`` or ``contiguous_format``); values unchanged.

    Raises:
        TypeError: ``memory_format`` is not a memory format.
    """
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d), "convert_conv3d_weight_memory_format")
