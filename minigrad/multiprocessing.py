"""``torch.multiprocessing``: Python's multiprocessing under PyTorch's name, with its sharing strategies.

Scripts import it for ``set_start_method`` / ``set_sharing_strategy`` around their DataLoader
workers (minigrad loads data in the calling process, so a sharing strategy is only recorded and
reported back) and for Hogwild training. The process API (``Process``, ``Queue``, ``Pool``,
``get_context``, ...) is the standard library's. As in PyTorch, a tensor that multiprocessing pickles
for another process (a ``spawn`` child's arguments, a Queue's items) moves to shared memory and the
other process maps the same memory (see :mod:`minigrad._shared_memory`); a child made by ``fork``
shares what ``share_memory_()`` moved there. Under ``python -m minigrad.compat`` a ``spawn`` child runs
with ``torch`` aliased too.
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
from multiprocessing import reduction as _reduction
from typing import Any

from minigrad import _shared_memory
from minigrad.errors import MinigradError, _AssertedParameterError
from minigrad.nn.parameter import Parameter as _Parameter
from minigrad.tensor import Tensor as _Tensor
from minigrad.tensor import from_numpy as _from_numpy

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
    """Record ``new_strategy`` (minigrad always shares by file descriptor, so nothing else changes).

    Raises:
        InvalidParameterError: a name not in :func:`get_all_sharing_strategies` (also the
            AssertionError PyTorch raises).
    """
    if new_strategy not in _STRATEGIES:
        raise _AssertedParameterError(
            f"invalid sharing strategy {new_strategy!r}, expected one of "
            "{'file_descriptor', 'file_system'}")
    _strategy[0] = new_strategy


def _rebuild(parameter: bool, fd: Any, nbytes: int, offset: int, shape: tuple[int, ...],
             strides: tuple[int, ...], dtype: str, requires_grad: bool) -> _Tensor:
    t = _from_numpy(_shared_memory.mapped(fd.detach(), nbytes, offset, shape, strides, dtype))
    if parameter:
        return _Parameter(t, requires_grad=requires_grad)
    t.requires_grad = requires_grad
    return t


def _reduce_tensor(t: _Tensor) -> tuple[Any, tuple[Any, ...]]:
    """How multiprocessing pickles a tensor for another process: its memory moves to shared memory (in
    place, as PyTorch's) and the block's descriptor goes along; the other side maps it again. A Parameter
    arrives as a Parameter, any other class as a plain tensor (PyTorch's rebuild), without hooks or grad.

    Raises:
        MinigradError (a RuntimeError): a non-leaf that requires grad (PyTorch's words).
    """
    if t.requires_grad and not t.is_leaf:
        raise MinigradError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does not "
            "support crossing process boundaries.  If you just want to transfer the data, call detach() on "
            "the tensor before serializing (e.g., putting it on the queue).")
    t.share_memory_()
    a = t.numpy(force=True)
    fd, nbytes, offset = _shared_memory.handle(a)
    return _rebuild, (isinstance(t, _Parameter), _reduction.DupFd(fd), nbytes, offset, a.shape, a.strides,
                      a.dtype.str, t.requires_grad)


for _cls in (_Tensor, _Parameter):  # (by exact class, as multiprocessing looks reducers up; PyTorch's two)
    _reduction.ForkingPickler.register(_cls, _reduce_tensor)
