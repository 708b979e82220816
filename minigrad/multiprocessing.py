"""``torch.multiprocessing``: Python's multiprocessing under PyTorch's name, with its sharing strategies.

Scripts import it for ``set_start_method`` / ``set_sharing_strategy`` around their DataLoader
workers. minigrad loads data in the calling process and keeps tensors in this process's
memory, so a sharing strategy is only recorded and reported back. The process API
(``Process``, ``Queue``, ``Pool``, ``get_context``, ...) is the standard library's: a child
started with ``spawn`` imports the real ``torch`` unless it too runs under
``python -m minigrad.compat``, and tensors are copied to children, not shared.
"""

from __future__ import annotations

from multiprocessing import (  # noqa: F401  (the standard library's process API, as PyTorch re-exports it)
    Array,
    AuthenticationError,
    Barrier,
    BoundedSemaphore,
    BufferTooShort,
    Condition,
    Event,
    JoinableQueue,
    Lock,
    Manager,
    Pipe,
    Pool,
    Process,
    ProcessError,
    Queue,
    RawArray,
    RawValue,
    RLock,
    Semaphore,
    SimpleQueue,
    Value,
    active_children,
    cpu_count,
    current_process,
    freeze_support,
    get_all_start_methods,
    get_context,
    get_start_method,
    parent_process,
    set_start_method,
)

from minigrad.errors import _AssertedParameterError

__all__ = ["get_all_sharing_strategies", "get_sharing_strategy", "set_sharing_strategy"]

_STRATEGIES = frozenset({"file_descriptor", "file_system"})
_strategy = ["file_descriptor"]  # PyTorch's default on Linux


def get_all_sharing_strategies() -> set[str]:
    """The strategy names PyTorch accepts on Linux: ``{'file_descriptor', 'file_system'}``."""
    return set(_STRATEGIES)


def get_sharing_strategy() -> str:
    """The strategy last set (``'file_descriptor'`` until one is)."""
    return _strategy[0]


def set_sharing_strategy(new_strategy: str) -> None:
    """Record ``new_strategy`` (nothing is shared across processes in minigrad, so nothing else changes).

    Raises:
        InvalidParameterError: a name not in :func:`get_all_sharing_strategies` (also the
            AssertionError PyTorch raises).
    """
    if new_strategy not in _STRATEGIES:
        raise _AssertedParameterError(
            f"invalid sharing strategy {new_strategy!r}, expected one of "
            "{'file_descriptor', 'file_system'}")
    _strategy[0] = new_strategy
