"""``torch.compiler``: the questions and switches scripts use around ``torch.compile``.

minigrad's :func:`~minigrad.compile` records the eager run of a function and replays it, so code
always runs as written: :func:`is_compiling` is False, and :func:`disable` leaves a function as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["allow_in_graph", "disable", "is_compiling", "is_dynamo_compiling", "reset"]

F = TypeVar("F", bound=Callable[..., Any])


def is_compiling() -> bool:
    """False: code never runs under a graph compiler here (minigrad's compile records an eager run)."""
    return False


def is_dynamo_compiling() -> bool:
    """False, as :func:`is_compiling`."""
    return False


def disable(fn: Any = None, recursive: bool = True, *, reason: str | None = None) -> Any:
    """Keep ``fn`` out of compilation: here, ``fn`` itself (also usable as ``@disable`` or ``@disable()``)."""
    del recursive, reason
    if fn is None:
        return lambda f: f
    return fn


def allow_in_graph(fn: F) -> F:
    """Let a compiler put ``fn`` into a graph as it is: here, ``fn`` itself."""
    return fn


def reset() -> None:
    """Clear the compilers' caches: nothing to clear here (each compiled function keeps its own)."""
