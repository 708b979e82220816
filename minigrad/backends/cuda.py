"""``torch.backends.cuda``: ``matmul.allow_tf32`` and the scaled-dot-product-attention backend switches
are settable flags with no effect (there is no CUDA; minigrad's attention is always the math form)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from minigrad import settings

__all__ = [
    "cudnn_sdp_enabled", "enable_cudnn_sdp", "enable_flash_sdp", "enable_math_sdp",
    "enable_mem_efficient_sdp", "flash_sdp_enabled", "is_built", "math_sdp_enabled", "matmul",
    "mem_efficient_sdp_enabled", "sdp_kernel",
]  # fmt: skip


class _MatmulFlags:
    """Holds ``allow_tf32`` and the reduced-precision flags."""

    @property
    def allow_tf32(self) -> bool:
        """As PyTorch's, another view of the float32 matmul precision: True unless it is ``'highest'``
        (the default), so ``set_float32_matmul_precision('high')`` turns it on."""
        return settings.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        settings.set_float32_matmul_precision("high" if value else "highest")

    allow_fp16_reduced_precision_reduction: bool = True
    allow_bf16_reduced_precision_reduction: bool = True


matmul = _MatmulFlags()

# the attention backends PyTorch may pick (all on by default, as PyTorch's global flags);
# nn.attention.sdpa_kernel switches them for the length of a with block
_SDP: dict[str, bool] = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def is_built() -> bool:
    """False: minigrad is not built with CUDA."""
    return False


def flash_sdp_enabled() -> bool:
    """Whether the flash-attention backend may be used (a flag: minigrad always computes the math form)."""
    return _SDP["flash"]


def enable_flash_sdp(enabled: bool) -> None:
    """Allow or forbid the flash-attention backend (a flag with no effect here)."""
    _SDP["flash"] = bool(enabled)


def mem_efficient_sdp_enabled() -> bool:
    """Whether the memory-efficient attention backend may be used (a flag with no effect here)."""
    return _SDP["mem_efficient"]


def enable_mem_efficient_sdp(enabled: bool) -> None:
    """Allow or forbid the memory-efficient attention backend (a flag with no effect here)."""
    _SDP["mem_efficient"] = bool(enabled)


def math_sdp_enabled() -> bool:
    """Whether the math attention backend may be used (minigrad uses it whatever the flag says)."""
    return _SDP["math"]


def enable_math_sdp(enabled: bool) -> None:
    """Allow or forbid the math attention backend (a flag: minigrad has no other)."""
    _SDP["math"] = bool(enabled)


def cudnn_sdp_enabled() -> bool:
    """Whether the cuDNN attention backend may be used (a flag with no effect here)."""
    return _SDP["cudnn"]


def enable_cudnn_sdp(enabled: bool) -> None:
    """Allow or forbid the cuDNN attention backend (a flag with no effect here)."""
    _SDP["cudnn"] = bool(enabled)


@contextmanager
def sdp_kernel(enable_flash: bool = True, enable_math: bool = True, enable_mem_efficient: bool = True,
               enable_cudnn: bool = True) -> Iterator[None]:
    """The older form of ``nn.attention.sdpa_kernel``: within the block only the enabled backends may be
    used (flags restored after). Deprecated, as in PyTorch: warns with a FutureWarning."""
    warnings.warn(
        "`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be "
        "removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with updated "
        "signature.", FutureWarning, stacklevel=3)
    saved = dict(_SDP)
    _SDP.update(flash=bool(enable_flash), mem_efficient=bool(enable_mem_efficient), math=bool(enable_math),
                cudnn=bool(enable_cudnn))
    try:
        yield
    finally:
        _SDP.update(saved)
