"""``torch.utils.dlpack``: the DLPack exchange functions (the same objects as ``mg.from_dlpack`` /
``mg.to_dlpack``) and ``DLDeviceType``, DLPack's device codes."""

from __future__ import annotations

import enum

from minigrad.top_level import from_dlpack, to_dlpack

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


class DLDeviceType(enum.IntEnum):
    """The device codes of the DLPack standard (what ``__dlpack_device__`` returns first); minigrad's
    tensors are all ``kDLCPU``."""

    kDLCPU = 1  # noqa: N815 - DLPack's names
    kDLCUDA = 2  # noqa: N815 - DLPack's names
    kDLCUDAHost = 3  # noqa: N815 - DLPack's names
    kDLOpenCL = 4  # noqa: N815 - DLPack's names
    kDLVulkan = 7  # noqa: N815 - DLPack's names
    kDLMetal = 8  # noqa: N815 - DLPack's names
    kDLVPI = 9  # noqa: N815 - DLPack's names
    kDLROCM = 10  # noqa: N815 - DLPack's names
    kDLROCMHost = 11  # noqa: N815 - DLPack's names
    kDLExtDev = 12  # noqa: N815 - DLPack's names
    kDLCUDAManaged = 13  # noqa: N815 - DLPack's names
    kDLOneAPI = 14  # noqa: N815 - DLPack's names
    kDLWebGPU = 15  # noqa: N815 - DLPack's names
    kDLHexagon = 16  # noqa: N815 - DLPack's names
    kDLMAIA = 17  # noqa: N815 - DLPack's names
