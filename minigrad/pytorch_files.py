"""Reading checkpoints that PyTorch's ``torch.save`` wrote, without running code from them.

A ``torch.save`` file is a zip archive: ``<name>/data.pkl`` (a pickle of the
saved object in which every tensor storage is a *persistent id*),
``<name>/data/<key>`` (each storage's raw bytes) and ``<name>/byteorder``.
Unpickling can call any function the file names, so, as
``torch.load(weights_only=True)`` (PyTorch's default since 2.6), the pickle is
read by an unpickler that knows a short list of names: tensor and parameter
rebuilding, ``OrderedDict``, ``torch.Size``, ``torch.device``, dtypes, storage
types and the ``bytes`` decoder. Anything else (a pickled Module, an optimizer
object, a numpy scalar, a user class) is refused with :class:`UnsafeCheckpointError`
before it is built. So a state dict, an optimizer's ``state_dict()`` and the
usual ``{'model': ..., 'optimizer': ..., 'epoch': 3}`` load; whole pickled
models do not (they do not under PyTorch's default either).

Tensors that shared a storage in PyTorch share memory here too (views of one
array), as ``torch.load`` gives them.
"""

from __future__ import annotations

import codecs
import io
import pickle
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from minigrad import dtypes
from minigrad.device import device as _device
from minigrad.errors import MinigradError
from minigrad.size import Size
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["UnsafeCheckpointError", "is_pytorch_archive", "read_pytorch_archive"]

#: PyTorch's legacy storage classes (what its pickles name) -> the element type of their bytes
STORAGE_DTYPES: dict[str, np.dtype[Any]] = {
    "FloatStorage": np.dtype(np.float32), "DoubleStorage": np.dtype(np.float64),
    "HalfStorage": np.dtype(np.float16), "BFloat16Storage": np.dtype(np.uint16),
    "LongStorage": np.dtype(np.int64), "IntStorage": np.dtype(np.int32),
    "ShortStorage": np.dtype(np.int16), "CharStorage": np.dtype(np.int8),
    "ByteStorage": np.dtype(np.uint8), "BoolStorage": np.dtype(np.bool_),
}


class UnsafeCheckpointError(MinigradError, pickle.UnpicklingError):
    """A PyTorch checkpoint's pickle names something a weights-only load does not build (a
    ``pickle.UnpicklingError``, as PyTorch's refusal)."""


class _StorageType:
    """Stands for ``torch.FloatStorage`` & co. inside a persistent id: only its element type matters."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dtype = STORAGE_DTYPES[name]


def is_pytorch_archive(names: list[str]) -> bool:
    """Whether a zip's member names are those of a ``torch.save`` file (a ``data.pkl``, a ``version``)."""
    return any(n.endswith("data.pkl") for n in names) and any(n.endswith("version") for n in names)


def _rebuild_tensor(storage: Array, offset: int, size: tuple[int, ...], stride: tuple[int, ...],
                    requires_grad: bool, backward_hooks: Any, metadata: Any = None) -> Tensor:
    del backward_hooks, metadata  # (hooks are never pickled by torch.save; metadata is for subclasses)
    size, stride = tuple(size), tuple(stride)
    end = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else offset
    if offset < 0 or end > storage.size or any(s < 0 for s in stride):
        raise MinigradError(f"load: a tensor of size {list(size)}, stride {list(stride)} and offset {offset} "
                            f"does not fit its storage of {storage.size} elements (a corrupted checkpoint)")
    step = storage.itemsize
    arr = np.lib.stride_tricks.as_strided(storage[offset:], size, tuple(s * step for s in stride))
    t = from_numpy(arr)
    if requires_grad and arr.dtype.kind == "f":
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data: Tensor, requires_grad: bool, backward_hooks: Any, state: Any = None) -> Tensor:
    from minigrad.nn.module import Parameter

    del backward_hooks, state
    return Parameter(data, requires_grad=requires_grad)


def _encode(text: str, encoding: str = "latin1") -> bytes:
    # what protocol-2 pickles use for bytes objects; only the codec that pickle itself uses
    if not isinstance(text, str) or codecs.lookup(encoding).name != "iso8859-1":
        raise UnsafeCheckpointError(f"load: refusing _codecs.encode({text!r:.40}, {encoding!r})")
    return text.encode("latin1")


_ALLOWED: dict[tuple[str, str], Callable[..., Any]] = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("collections", "OrderedDict"): OrderedDict,
    ("torch", "Size"): Size,
    ("torch", "device"): _device,
    ("_codecs", "encode"): _encode,
    ("builtins", "set"): set, ("__builtin__", "set"): set,  # (protocol 2 names Python 2's module)
    ("builtins", "frozenset"): frozenset, ("__builtin__", "frozenset"): frozenset,
}


#: what ``serialization.add_safe_globals`` allows beyond :data:`_ALLOWED`: classes and functions, or
#: ``(obj, "module.name")`` pairs, built by name as ``torch.load(weights_only=True)`` builds them
SAFE_GLOBALS: list[Any] = []


def _safe_global(module: str, name: str) -> Any:
    for entry in SAFE_GLOBALS:
        obj, full = entry if isinstance(entry, tuple) else (entry, f"{entry.__module__}.{entry.__qualname__}")
        if full == f"{module}.{name}":
            return obj
    return None


class _WeightsOnly(pickle.Unpickler):
    """An unpickler that builds only :data:`_ALLOWED` names, dtypes and storages from the archive."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile, prefix: str, target: str) -> None:
        super().__init__(io.BytesIO(data))
        self.archive, self.prefix, self.target = archive, prefix, target
        order = archive.read(prefix + "byteorder").decode().strip() if prefix + "byteorder" in \
            archive.namelist() else "little"
        if order not in ("little", "big"):
            raise MinigradError(f"load: {target!r} has an unknown byte order {order!r}")
        self.byteorder: Literal["<", ">"] = "<" if order == "little" else ">"
        self.storages: dict[str, Array] = {}

    def find_class(self, module: str, name: str) -> Any:
        """The object a GLOBAL opcode names, if it is on the weights-only list.

        Raises:
            UnsafeCheckpointError: anything else (as ``torch.load(weights_only=True)``).
        """
        found = _ALLOWED.get((module, name))
        if found is None:
            found = _safe_global(module, name)
        if found is not None:
            return found
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        if module == "torch" and isinstance(getattr(dtypes, name, None), dtypes.dtype):
            return getattr(dtypes, name)  # (torch.bfloat16 too: the name, as minigrad has it)
        raise UnsafeCheckpointError(
            f"Weights only load failed: {self.target!r} holds the pickled object {module}.{name}, which "
            "a weights-only load does not build (nor does torch.load by default): only tensors, containers, "
            "numbers and strings are read, no code from the file runs. Save model.state_dict() rather "
            "than the model"
        )

    def persistent_load(self, pid: Any) -> Array:
        """The storage a persistent id names, read from ``data/<key>`` once (shared by every tensor on it).

        Raises:
            MinigradError: the id is not a storage of a known type, or its bytes are missing or short.
        """
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)):
            raise UnsafeCheckpointError(f"load: {self.target!r} has an unknown persistent id {pid!r:.80}")
        kind, key, numel = pid[1], pid[2], pid[4]
        if key not in self.storages:
            try:
                raw = self.archive.read(f"{self.prefix}data/{key}")
            except KeyError:
                raise MinigradError(f"load: {self.target!r} lacks the storage data/{key}") from None
            dt = kind.dtype.newbyteorder(self.byteorder) if kind.dtype.itemsize > 1 else kind.dtype
            if len(raw) < numel * dt.itemsize:
                raise MinigradError(f"load: {self.target!r}: storage data/{key} is truncated")
            arr = np.frombuffer(bytearray(raw[: numel * dt.itemsize]), dtype=dt)
            arr = arr.astype(kind.dtype.newbyteorder("="), copy=False)  # (swapped if the file is big-endian)
            if kind.name == "BFloat16Storage":  # numpy has no bfloat16: its values, widened to float32
                arr = (arr.astype(np.uint32) << 16).view(np.float32)
            self.storages[key] = arr
        return self.storages[key]


def read_pytorch_archive(archive: zipfile.ZipFile, target: str) -> Any:
    """The object a ``torch.save`` archive holds, built weights-only (see the module docstring).

    Raises:
        UnsafeCheckpointError: the pickle names anything but tensors, containers and plain values.
        MinigradError: the archive is incomplete or inconsistent.
    """
    pkl = next(n for n in archive.namelist() if n.endswith("data.pkl"))
    prefix = pkl[: -len("data.pkl")]
    try:
        return _WeightsOnly(archive.read(pkl), archive, prefix, target).load()
    except (MinigradError, pickle.UnpicklingError):
        raise
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError) as e:
        raise MinigradError(f"load: {target!r} is not a readable PyTorch checkpoint: {e}") from e
