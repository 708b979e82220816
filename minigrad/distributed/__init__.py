"""``torch.distributed``, present so scripts can import it: minigrad does not do distributed training.

``is_available()`` and ``is_initialized()`` are False, so the usual
``if dist.is_available() and dist.is_initialized():`` guards skip the
distributed path. Every call that would start or use a process group raises
:class:`~minigrad.errors.UnsupportedError`; those that need the default group are also PyTorch's
``ValueError`` for a group that was never initialized. ``ProcessGroup`` (for annotations) and
``ReduceOp`` (the reduction names) are importable, and so are ``Store`` and ``TCPStore`` (constructing
one raises).
"""

from __future__ import annotations

import enum
from typing import Any, NoReturn

from minigrad.errors import UnsupportedError, _NoProcessGroupAssertionError, _NoProcessGroupError

__all__ = [
    "ProcessGroup", "ReduceOp", "Store", "TCPStore", "all_gather", "all_reduce", "barrier", "broadcast",
    "destroy_process_group", "get_rank", "get_world_size", "init_process_group", "is_available",
    "is_initialized", "reduce",
]  # fmt: skip


def _unsupported(what: str) -> NoReturn:
    raise UnsupportedError(
        f"torch.distributed.{what}(): minigrad does not do distributed training (one process, one CPU); "
        "run the script without its distributed options"
    )


def _no_group(what: str) -> NoReturn:
    raise _NoProcessGroupError(
        "Default process group has not been initialized, please make sure to call init_process_group. "
        f"(torch.distributed.{what}(): minigrad does not do distributed training)"
    )


class ProcessGroup:
    """``torch.distributed.ProcessGroup``, for annotations: minigrad has no process group, so constructing
    one raises :class:`~minigrad.errors.UnsupportedError`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _unsupported("ProcessGroup")


class Store:
    """``torch.distributed.Store``, the key-value store processes meet through, for annotations: minigrad
    runs one process, so constructing one raises :class:`~minigrad.errors.UnsupportedError`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _unsupported(type(self).__name__)


class TCPStore(Store):
    """``torch.distributed.TCPStore`` (skorch's DistributedHistory imports it): as :class:`Store`,
    constructing one raises :class:`~minigrad.errors.UnsupportedError`."""


class ReduceOp:
    """``torch.distributed.ReduceOp``: the reductions a collective can apply, ``ReduceOp.SUM`` ... as
    members of ``ReduceOp.RedOpType`` (PyTorch's numbering). ``ReduceOp(op)`` wraps one and equals it."""

    class RedOpType(enum.IntEnum):
        """The reduction kinds, numbered as PyTorch's."""

        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM

    def __init__(self, op: ReduceOp.RedOpType) -> None:
        if not isinstance(op, ReduceOp.RedOpType):
            raise TypeError(f"ReduceOp(): expected a ReduceOp.RedOpType, got {type(op).__name__}")
        self.op = op

    def __eq__(self, other: object) -> bool:
        op = other.op if isinstance(other, ReduceOp) else other
        return self.op == op

    def __hash__(self) -> int:
        return hash(self.op)


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
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's AssertionError (no group exists)."""
    raise _NoProcessGroupAssertionError(
        "Process group cannot be None (torch.distributed.destroy_process_group(): minigrad does not do "
        "distributed training)"
    )


def get_rank(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("get_rank")


def get_world_size(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("get_world_size")


def barrier(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("barrier")


def all_reduce(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("all_reduce")


def reduce(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("reduce")


def broadcast(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("broadcast")


def all_gather(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`, also PyTorch's ValueError (no default group)."""
    _no_group("all_gather")
