"""``torch.distributed``, present so scripts can import it: minigrad does not do distributed training.

``is_available()`` and ``is_initialized()`` are False, so the usual
``if dist.is_available() and dist.is_initialized():`` guards skip the
distributed path. Every call that would start or use a process group raises
:class:`~minigrad.errors.UnsupportedError`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from minigrad.errors import UnsupportedError

__all__ = [
    "all_gather", "all_reduce", "barrier", "broadcast", "destroy_process_group", "get_rank",
    "get_world_size", "init_process_group", "is_available", "is_initialized", "reduce",
]  # fmt: skip


def _unsupported(what: str) -> NoReturn:
    raise UnsupportedError(
        f"torch.distributed.{what}(): minigrad does not do distributed training (one process, one CPU); "
        "run the script without its distributed options"
    )


def is_available() -> bool:
    """False: minigrad has no distributed backend."""
    return False


def is_initialized() -> bool:
    """False: no process group can exist."""
    return False


def init_process_group(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("init_process_group")


def destroy_process_group(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("destroy_process_group")


def get_rank(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError` (there is no process group)."""
    _unsupported("get_rank")


def get_world_size(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError` (there is no process group)."""
    _unsupported("get_world_size")


def barrier(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("barrier")


def all_reduce(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("all_reduce")


def reduce(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("reduce")


def broadcast(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("broadcast")


def all_gather(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`."""
    _unsupported("all_gather")
