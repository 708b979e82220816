"""``torch.backends.cpu``: the vector instructions the CPU kernels use."""

from __future__ import annotations

import importlib

__all__ = ["get_cpu_capability"]


def get_cpu_capability() -> str:
    """The widest SIMD level numpy's kernels found on this CPU, in PyTorch's names: ``"AVX512"``,
    ``"AVX2"`` or ``"DEFAULT"``."""
    try:  # (numpy's dispatch table of the CPU's features; private, so looked up by name)
        features = getattr(importlib.import_module("numpy._core._multiarray_umath"), "__cpu_features__", {})
    except ImportError:  # pragma: no cover - numpy 1.x
        features = {}
    if features.get("AVX512_SKX"):  # (F, CD, BW, DQ and VL: PyTorch's AVX512 set)
        return "AVX512"
    if features.get("AVX2") and features.get("FMA3"):
        return "AVX2"
    return "DEFAULT"
