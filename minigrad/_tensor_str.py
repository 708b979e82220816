"""``torch._tensor_str``'s public corner: the print options object and their get/set/context forms.

Scripts read ``torch._tensor_str.PRINT_OPTS.precision`` or wrap a print in
``torch._tensor_str.printoptions(precision=2)``; here they reach minigrad's own options
(:mod:`minigrad._format`), so ``mg.set_printoptions`` and these see one state.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

from minigrad._format import OPTIONS as PRINT_OPTS
from minigrad._format import set_printoptions

__all__ = ["PRINT_OPTS", "get_printoptions", "printoptions", "set_printoptions"]


def get_printoptions() -> dict[str, Any]:
    """The current print options as a dict (precision, threshold, edgeitems, linewidth, sci_mode) that
    ``set_printoptions(**options)`` takes back."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Set print options (``set_printoptions``'s arguments) for the ``with`` block; the old ones return
    after it, also when it raises."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)
