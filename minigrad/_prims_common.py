"""``torch._prims_common``'s type aliases that libraries import for their annotations (torch-pca:
``from torch._prims_common import DeviceLikeType``)."""

from __future__ import annotations

from typing import TypeAlias, Union

from minigrad.device import device

__all__: list[str] = []

#: what a ``device=`` argument takes: a device, a string naming one, or an ordinal (PyTorch's alias)
DeviceLikeType: TypeAlias = Union[str, device, int]
