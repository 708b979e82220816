"""``torch.backends.cuda``: ``matmul.allow_tf32`` is a settable flag with no effect (there is no CUDA)."""

from __future__ import annotations

__all__ = ["is_built", "matmul"]


class _MatmulFlags:
    """Holds ``allow_tf32`` (False, as PyTorch's default) and the reduced-precision flags."""

    allow_tf32: bool = False
    allow_fp16_reduced_precision_reduction: bool = True
    allow_bf16_reduced_precision_reduction: bool = True


matmul = _MatmulFlags()


def is_built() -> bool:
    """False: minigrad is not built with CUDA."""
    return False
