"""Shared memory for tensors (``share_memory_``, ``is_shared``) and their transfer between processes.

A shared tensor's values live in an anonymous memory file (``memfd``) mapped ``MAP_SHARED``: a child made
by ``fork`` writes to the same pages, and one started by ``spawn`` (or a ``multiprocessing.Queue``) gets the
file's descriptor and maps it again, as PyTorch's ``file_descriptor`` sharing strategy does. Moving a tensor
there rebinds its array, and the arrays of the views of its memory that minigrad knows of, to the new pages
(as PyTorch moves the one storage they share).
"""

from __future__ import annotations

import mmap
import os
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.array_utils import byte_bounds

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

__all__ = ["array_is_shared", "handle", "mapped", "share_"]


class _Block(mmap.mmap):
    """A shared mapping that keeps its memory file's descriptor (to pass it to another process)."""

    fd: int

    def __del__(self, close: Any = os.close) -> None:  # (bound now: at shutdown the module's os is gone)
        fd = getattr(self, "fd", -1)
        if fd >= 0:
            close(fd)
            self.fd = -1


def _map(fd: int, nbytes: int) -> _Block:
    """Map the memory file ``fd`` (which the block then owns) of ``nbytes`` bytes."""
    block = _Block(fd, max(nbytes, 1))
    block.fd = fd
    return block


def _new_block(nbytes: int) -> _Block:
    fd = os.memfd_create("minigrad-shared", os.MFD_CLOEXEC) if hasattr(os, "memfd_create") else _temp_fd()
    os.ftruncate(fd, max(nbytes, 1))
    return _map(fd, nbytes)


def _temp_fd() -> int:  # pragma: no cover  (systems without memfd_create: an unlinked temporary file)
    import tempfile

    fd, path = tempfile.mkstemp(prefix="minigrad-shared-")
    os.unlink(path)
    return fd


def _block_of(a: np.ndarray[Any, Any]) -> _Block | None:
    base: Any = a
    while isinstance(base, np.ndarray):
        base = base.base
    return base if isinstance(base, _Block) else None


def array_is_shared(a: np.ndarray[Any, Any]) -> bool:
    """Whether ``a``'s memory is a shared block."""
    return _block_of(a) is not None


def _address(a: np.ndarray[Any, Any]) -> int:
    return int(a.__array_interface__["data"][0])


def share_(t: Tensor) -> None:
    """Move ``t``'s memory (with its base's, and the known views' of it) into a new shared block, in place."""
    if array_is_shared(t._array):
        return
    ref = getattr(t, "_viewbase", None)
    root = ref() if ref is not None else None
    root = t if root is None else root
    members = [root, *(v for v in (w() for w in getattr(root, "_views", None) or ()) if v is not None), t]
    # (a member that no longer shares the root's memory, as after `p.data = other`, keeps its own)
    members = list({id(m): m for m in members if np.may_share_memory(m._array, t._array)}.values())
    bounds = [byte_bounds(m._array) for m in members]
    low = min(b[0] for b in bounds)
    block = _new_block(max(b[1] for b in bounds) - low)
    for m in members:
        a = m._array
        new = np.ndarray(a.shape, a.dtype, buffer=block, offset=_address(a) - low, strides=a.strides)
        np.copyto(new, a)  # (views overlap the root: they copy the same values again)
        new.flags.writeable = a.flags.writeable
        m._array = new


def handle(a: np.ndarray[Any, Any]) -> tuple[int, int, int]:
    """(descriptor, size in bytes, offset of ``a``'s first element) of the shared block under ``a``."""
    block = _block_of(a)
    assert block is not None
    return block.fd, len(block), _address(a) - _address(np.frombuffer(block, dtype=np.uint8, count=1))


def mapped(fd: int, nbytes: int, offset: int, shape: tuple[int, ...], strides: tuple[int, ...],
           dtype: str) -> np.ndarray[Any, Any]:
    """An array over a shared block another process sent (its descriptor ``fd``, which the block owns)."""
    out: np.ndarray[Any, Any] = np.ndarray(shape, np.dtype(dtype), buffer=_map(fd, nbytes), offset=offset,
                                           strides=strides)
    return out
