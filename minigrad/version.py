"""Versions, as ``torch.version`` gives them: minigrad's own, and the PyTorch release whose API it follows.

``minigrad.__version__`` is minigrad's release. Under ``python -m minigrad.compat`` a script reads
``torch.__version__`` to decide which PyTorch API it may use (``if torch.__version__ >= "2.0":``), so
there it is the PyTorch release minigrad follows, with minigrad named in the local label:
``2.13.0+minigrad.0.1.0``. Both compare as versions, not as text, as PyTorch's ``TorchVersion`` does
(``"2.13.0" >= "2.9"``, ``>= (1, 10)``). There is no CUDA or ROCm build: ``cuda`` and ``hip`` are None.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Version", "as_torch", "cuda", "debug", "git_version", "hip", "minigrad_release",
           "pytorch", "xpu"]


class Version(str):
    """A version string that compares by its release numbers with strings and tuples of ints.

    Raises:
        TypeError: compared with something that is neither a string nor a tuple of ints.
    """

    __slots__ = ()

    def _release(self, other: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if isinstance(other, tuple) and all(isinstance(i, int) for i in other):
            theirs = other
        elif isinstance(other, str):
            theirs = _numbers(other)
        else:
            raise TypeError(f"a version compares with a string or a tuple of ints, not {type(other).__name__}"
                            )
        mine = _numbers(self)
        width = max(len(mine), len(theirs))
        return mine + (0,) * (width - len(mine)), theirs + (0,) * (width - len(theirs))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            try:
                a, b = self._release(other)
            except TypeError:
                return False
            return a == b
        return str.__eq__(self, other)

    def __hash__(self) -> int:
        return str.__hash__(self)

    def __lt__(self, other: object) -> bool:
        a, b = self._release(other)
        return a < b

    def __le__(self, other: object) -> bool:
        a, b = self._release(other)
        return a <= b

    def __gt__(self, other: object) -> bool:
        a, b = self._release(other)
        return a > b

    def __ge__(self, other: object) -> bool:
        a, b = self._release(other)
        return a >= b


def _numbers(text: str) -> tuple[int, ...]:
    """The release numbers at the start of a version string: "2.13.0+cpu" -> (2, 13, 0), "2.1a0" -> (2, 1)."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


minigrad_release = "0.1.0"
__version__ = Version(minigrad_release)
#: the PyTorch release whose API, defaults and numbers minigrad follows (its parity oracle)
pytorch = Version("2.13.0")
cuda: str | None = None
hip: str | None = None
xpu: str | None = None
debug = False
git_version = "unknown"


def as_torch() -> Version:
    """``torch.__version__`` under the compat hook: PyTorch's release, minigrad in the local label."""
    return Version(f"{pytorch}+minigrad.{minigrad_release}")
