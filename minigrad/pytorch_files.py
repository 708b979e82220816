"""PyTorch's ``torch.save`` archive layout: reading such files without running code from them, and
writing the objects minigrad's pickle-free format cannot hold (a whole Module, an ``argparse.Namespace``).

A ``torch.save`` file is a zip archive: ``<name>/data.pkl`` (a pickle of the
saved object in which every tensor storage is a *persistent id*),
``<name>/data/<key>`` (each storage's raw bytes) and ``<name>/byteorder``.
Unpickling can call any function the file names, so, as
``torch.load(weights_only=True)`` (PyTorch's default since 2.6), the pickle is
read by an unpickler that knows a short list of names: tensor and parameter
rebuilding, ``OrderedDict``, ``Counter``, ``torch.Size``, ``torch.device``, dtypes, storage
types and the ``bytes`` decoder. Anything else (a pickled Module, an optimizer
object, a numpy scalar, a user class) is refused with :class:`UnsafeCheckpointError`
before it is built. So a state dict, an optimizer's ``state_dict()`` and the
usual ``{'model': ..., 'optimizer': ..., 'epoch': 3}`` load; whole pickled
models do not (they do not under PyTorch's default either).

Tensors that shared a storage in PyTorch share memory here too (views of one
array), as ``torch.load`` gives them.

``torch.load(weights_only=False)`` (asked for explicitly, as PyTorch asks since
2.6) builds whatever the pickle names: that is how a whole pickled model loads.
:class:`PickledArchive` writes such files for ``save``: the object pickled
(protocol 2) with every tensor's memory as a storage in ``data/<key>``, as
``torch.save`` lays it out, so tensors sharing memory share it again on load.
Tensors are rebuilt by PyTorch's functions and storages typed by PyTorch's
classes, named as PyTorch names them, so ``torch.load`` reads such a file
(weights-only, when it holds only tensors, containers and plain values).
"""

from __future__ import annotations

import codecs
import io
import pickle
import zipfile
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import IO, Any, ClassVar, Literal

import numpy as np

from minigrad import dtypes
from minigrad._kernels import element_view
from minigrad._state_array import StateArray
from minigrad.device import device as _device
from minigrad.errors import MinigradError
from minigrad.layouts import sparse_coo
from minigrad.size import Size
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["PickledArchive", "UnsafeCheckpointError", "is_pytorch_archive", "read_pytorch_archive"]

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


def _rebuild_sparse(indices: Tensor, values: Tensor, size: Any, coalesced: bool | None = None) -> Tensor:
    from minigrad.sparse import sparse_coo_tensor

    return sparse_coo_tensor(indices, values, size, is_coalesced=bool(coalesced),
                             check_invariants=False)  # (PyTorch's load makes no invariants note)


def _rebuild_sparse_tensor(layout: Any, data: tuple[Any, ...]) -> Tensor:
    """PyTorch's pickled COO tensor: ``(layout, (indices, values, size[, is_coalesced]))``.

    Raises:
        UnsafeCheckpointError: a sparse layout other than COO (minigrad has only COO).
    """
    if layout is not sparse_coo:
        raise UnsafeCheckpointError(f"load: a sparse tensor of layout {layout} (minigrad has only COO)")
    return _rebuild_sparse(*data)


def _get_layout(name: str) -> Any:
    # (how torch.save names a layout: torch.serialization._get_layout("torch.sparse_coo"))
    if name != "torch.sparse_coo":
        raise UnsafeCheckpointError(f"load: a tensor of layout {name} (minigrad has only torch.sparse_coo)")
    return sparse_coo


def _encode(text: str, encoding: str = "latin1") -> bytes:
    # what protocol-2 pickles use for bytes objects; only the codec that pickle itself uses
    if not isinstance(text, str) or codecs.lookup(encoding).name != "iso8859-1":
        raise UnsafeCheckpointError(f"load: refusing _codecs.encode({text!r:.40}, {encoding!r})")
    return text.encode("latin1")


_ALLOWED: dict[tuple[str, str], Callable[..., Any]] = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("torch._utils", "_rebuild_sparse_tensor"): _rebuild_sparse_tensor,
    ("torch.serialization", "_get_layout"): _get_layout,
    ("minigrad.pytorch_files", "_rebuild_sparse"): _rebuild_sparse,
    ("minigrad.pytorch_files", "_rebuild_tensor"): _rebuild_tensor,  # (what PickledArchive names)
    ("minigrad.pytorch_files", "_rebuild_parameter"): _rebuild_parameter,
    ("collections", "OrderedDict"): OrderedDict,
    ("torch", "Size"): Size,
    ("torch", "device"): _device,
    ("_codecs", "encode"): _encode,
    ("builtins", "set"): set, ("__builtin__", "set"): set,  # (protocol 2 names Python 2's module)
    ("builtins", "frozenset"): frozenset, ("__builtin__", "frozenset"): frozenset,
    ("collections", "Counter"): Counter,  # (a vocabulary's counts beside the weights, as PyTorch allows)
    ("builtins", "bytearray"): bytearray, ("__builtin__", "bytearray"): bytearray,
    ("builtins", "complex"): complex, ("__builtin__", "complex"): complex,
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
            f"Weights only load failed. {self.target!r} can still be loaded with weights_only=False, which "
            "runs whatever code the file names: do that only for a file from a trusted source. "
            f"WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} was not an allowed global "
            f"by default. Please use `torch.serialization.add_safe_globals([{name}])` or the "
            f"`torch.serialization.safe_globals([{name}])` context manager to allowlist this global if you "
            "trust this class/function. (Saving model.state_dict() rather than the model avoids both.)"
        )

    def persistent_load(self, pid: Any) -> Array:
        """The storage a persistent id names, read from ``data/<key>`` once (shared by every tensor on it).

        Raises:
            MinigradError: the id is not a storage of a known type, or its bytes are missing or short.
        """
        if isinstance(pid, tuple) and len(pid) == 5 and isinstance(pid[1], str) and pid[1] in STORAGE_DTYPES:
            pid = (pid[0], _StorageType(pid[1]), *pid[2:])  # (PickledArchive names the type by a string)
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


class _Trusting(_WeightsOnly):
    """The unpickler of ``weights_only=False``: the weights-only names as they are, anything else imported,
    ``torch.X`` from minigrad's module of the same path (a model PyTorch pickled loads as minigrad's)."""

    def find_class(self, module: str, name: str) -> Any:
        """The object a GLOBAL opcode names: the weights-only list's, else what importing it gives."""
        try:
            return super().find_class(module, name)
        except UnsafeCheckpointError:
            if module == "torch" or module.startswith("torch."):
                module = "minigrad" + module[len("torch"):]
            return pickle.Unpickler.find_class(self, module, name)


def read_pytorch_archive(archive: zipfile.ZipFile, target: str, weights_only: bool = True) -> Any:
    """The object a ``torch.save`` archive holds, built weights-only unless ``weights_only`` is False
    (see the module docstring).

    Raises:
        UnsafeCheckpointError: (weights-only) the pickle names anything but tensors, containers and plain
            values.
        MinigradError: the archive is incomplete or inconsistent.
    """
    pkl = next(n for n in archive.namelist() if n.endswith("data.pkl"))
    prefix = pkl[: -len("data.pkl")]
    reader = _WeightsOnly if weights_only else _Trusting
    try:
        return reader(archive.read(pkl), archive, prefix, target).load()
    except (MinigradError, pickle.UnpicklingError):
        raise
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError) as e:
        raise MinigradError(f"load: {target!r} is not a readable PyTorch checkpoint: {e}") from e


_STORAGE_NAMES = {dt: name for name, dt in STORAGE_DTYPES.items() if name != "BFloat16Storage"}


class _Storage:
    """A block of memory written as ``data/<key>``: the elements of an array that owns its memory."""

    __slots__ = ("flat", "key", "kind")

    def __init__(self, key: str, kind: str, flat: Array) -> None:
        self.key, self.kind, self.flat = key, kind, flat


class _TorchName:
    """A name in PyTorch's namespace (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``) that a
    pickle refers to without importing it: written as a GLOBAL, so PyTorch's own ``torch.load`` (weights-only)
    reads what :class:`PickledArchive` writes, and minigrad's readers map the name to their functions."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> Any:  # (pickle's reduce wants a callable: never called)
        raise TypeError(f"{self.module}.{self.name} is written into pickles only")


_REBUILD_TENSOR = _TorchName("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchName("torch._utils", "_rebuild_parameter")
_STORAGE_CLASSES = {name: _TorchName("torch", name) for name in STORAGE_DTYPES}


class _ArchivePickler(pickle._Pickler):
    """A pickler that writes each tensor as PyTorch's (storage, offset, size, stride) and each storage as a
    persistent id, so the values go to ``data/<key>`` and tensors sharing memory share a storage. The
    rebuilding functions and storage types are PyTorch's names (pickle's Python implementation, whose
    dispatch table can write a name as it stands). ``for_pytorch`` (a PyTorch script's ``torch.save``): a
    state dict's arrays (:class:`~minigrad._state_array.StateArray`) are written as the tensors they stand
    for and dtypes by PyTorch's names (``torch.float32``)."""

    dispatch: ClassVar[dict[type, Any]] = dict(pickle._Pickler.dispatch)

    def __init__(self, file: IO[bytes], protocol: int, for_pytorch: bool = False) -> None:
        super().__init__(file, protocol=protocol)
        self.storages: dict[int, _Storage] = {}  # by id of the array owning the memory
        self.owners: list[Array] = []  # (kept alive while their ids key ``storages``)
        self.for_pytorch = for_pytorch

    def _save_global(self, module: str, name: str, obj: Any) -> None:
        self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode())  # type: ignore[attr-defined]
        self.memoize(obj)  # type: ignore[attr-defined]

    def _save_torch_name(self, obj: _TorchName) -> None:
        self._save_global(obj.module, obj.name, obj)

    def _save_dtype(self, obj: dtypes.dtype) -> None:
        if not self.for_pytorch:  # (as pickle would: minigrad's function that makes it)
            self.save_reduce(*obj.__reduce__(), obj=obj)  # type: ignore[attr-defined]
            return
        self._save_global("torch", obj.dtype.name, obj)  # (torch.float32, torch.int64, torch.bool: one name)

    dispatch[_TorchName] = _save_torch_name
    dispatch[dtypes.dtype] = _save_dtype

    def persistent_id(self, obj: Any) -> Any:
        """A storage's id tuple, as torch.save writes it (its type a GLOBAL); None for anything else."""
        if type(obj) is _Storage:
            return ("storage", _STORAGE_CLASSES[obj.kind], obj.key, "cpu", obj.flat.size)
        return None

    def reducer_override(self, obj: Any) -> Any:
        """Tensors (and Parameters) by their storage; everything else as pickle does it.

        Raises:
            pickle.PicklingError: a tensor of a dtype PyTorch has no storage type for.
        """
        if self.for_pytorch and type(obj) is StateArray:
            obj = from_numpy(obj.view(np.ndarray))
        if not isinstance(obj, Tensor):
            return NotImplemented
        from minigrad.nn.module import Parameter
        from minigrad.sparse import SparseCooTensor

        if isinstance(obj, SparseCooTensor):  # (as PyTorch's: its indices, values, size and coalesced flag)
            values = obj._values().detach()
            return _rebuild_sparse, (obj._indices(), values, tuple(obj.shape), obj.is_coalesced())
        arr = obj.numpy(force=True)
        if isinstance(obj, Parameter):
            return _REBUILD_PARAMETER, (from_numpy(arr), obj.requires_grad, OrderedDict())
        storage, offset, stride = self._storage_of(arr)
        return _REBUILD_TENSOR, (storage, offset, arr.shape, stride, obj.requires_grad, OrderedDict())

    def _storage_of(self, a: Array) -> tuple[_Storage, int, tuple[int, ...]]:
        """The storage holding ``a`` and where in it (elements): its memory owner's when ``a`` lies in it as
        a strided view of the same dtype, else a contiguous copy of its own."""
        kind = _STORAGE_NAMES.get(a.dtype)
        if kind is None:
            raise pickle.PicklingError(f"save: a tensor of dtype {a.dtype} has no PyTorch storage type")
        view = element_view(a)
        if view is None or min(view[2], default=0) < 0:  # (PyTorch's strides are never negative)
            a = np.ascontiguousarray(a)
            view = a, 0, tuple(st // a.itemsize for st in a.strides)
        root, offset, strides = view
        stored = self.storages.get(id(root))
        if stored is None:
            stored = self.storages[id(root)] = _Storage(str(len(self.storages)), kind, root.reshape(-1))
            self.owners.append(root)
        return stored, offset, strides


class PickledArchive:
    """``obj`` pickled in ``torch.save``'s archive layout, ready to be written (what ``save`` does with
    objects its pickle-free format cannot hold). Pickling happens here, so nothing is written for an
    object that cannot be pickled.

    Raises:
        pickle.PicklingError, AttributeError, TypeError: ``obj`` holds something pickle cannot store (a
            lambda, a local class, an open file), as ``torch.save`` raises.
    """

    def __init__(self, obj: Any, protocol: int = 2, for_pytorch: bool = False) -> None:
        buf = io.BytesIO()
        pickler = _ArchivePickler(buf, protocol, for_pytorch)
        pickler.dump(obj)
        self.data = buf.getvalue()
        self.storages = list(pickler.storages.values())

    def write(self, out: IO[bytes]) -> None:
        """Write the archive (``archive/data.pkl``, ``archive/data/<key>``, ``version``, ``byteorder``)."""
        with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr("archive/data.pkl", self.data)
            zf.writestr("archive/byteorder", "little")
            for s in self.storages:
                little = s.flat.astype(s.flat.dtype.newbyteorder("<"), copy=False)
                with zf.open(f"archive/data/{s.key}", "w", force_zip64=True) as entry:
                    entry.write(np.ascontiguousarray(little).data.cast("B"))
            zf.writestr("archive/version", "3\n")
