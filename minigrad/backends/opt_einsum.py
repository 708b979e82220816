"""``torch.backends.opt_einsum``: whether einsum orders its contractions with the opt_einsum package.

minigrad's ``einsum`` contracts with numpy, which chooses its own order
(``optimize=True``); ``enabled`` and ``strategy`` are PyTorch's settings,
readable and assignable, and ``is_available()`` says whether the package is
installed, as in PyTorch.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

__all__ = ["enabled", "get_opt_einsum", "is_available", "strategy"]


@functools.lru_cache(maxsize=1)
def get_opt_einsum() -> Any:
    """The opt_einsum package if it is installed, else None."""
    try:
        return importlib.import_module("opt_einsum")
    except ImportError:
        return None


def is_available() -> bool:
    """Whether the opt_einsum package is installed."""
    return get_opt_einsum() is not None


enabled: bool = is_available()
strategy: str | None = "auto" if enabled else None
