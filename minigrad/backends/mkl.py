"""``torch.backends.mkl``: whether Intel MKL is in use (it is not: numpy's BLAS does the work)."""

from __future__ import annotations

__all__ = ["VERBOSE_OFF", "VERBOSE_ON", "is_available", "verbose"]

VERBOSE_OFF, VERBOSE_ON = 0, 1


def is_available() -> bool:
    """False: minigrad's matrix products go through numpy's BLAS, not PyTorch's MKL build."""
    return False


class verbose:  # noqa: N801 - PyTorch's name
    """``with torch.backends.mkl.verbose(level):``: MKL's call log for a block; nothing to log."""

    def __init__(self, enable: int) -> None:
        self.enable = enable

    def __enter__(self) -> verbose | None:
        return None if self.enable == VERBOSE_OFF else self

    def __exit__(self, *exc: object) -> None:
        return None
