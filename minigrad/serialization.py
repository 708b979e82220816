"""Checkpoints: ``mg.save`` and ``mg.load``, to ``.npz`` files that never need pickle.

``mg.save(obj, f)`` and ``mg.load(f)`` take what ``torch.save``/``torch.load``
take in a small training script: a path or an open binary file, and any
nesting of dicts, lists, tuples, Tensors, numpy arrays, numbers, strings and
None (``{'model': model.state_dict(), 'optimizer': opt.state_dict(), 'step':
100}``). What was saved as a Tensor loads as a Tensor (a Parameter as a
Parameter, ``requires_grad`` kept), what was saved as an array loads as an
array. Nothing of that is pickled, so loading such a file cannot run code.
Any other object (a whole Module, ``torch.save(model, PATH)``) is pickled in
``torch.save``'s layout (:class:`~minigrad.pytorch_files.PickledArchive`) and
loads, as in PyTorch 2.6+, only with ``weights_only=False``. A PyTorch script
run under the torch alias (``python -m minigrad.compat``) writes every file in
that layout, with PyTorch's names for tensors and storages: its checkpoints
load in PyTorch as well (a state dict weights-only), as they would had it run
there.

File format
-----------
A checkpoint is an ordinary numpy ``.npz`` archive (an uncompressed zip of
``.npy`` files), readable by ``numpy.load(path, allow_pickle=False)``:

* A flat dict of string keys to arrays, or to Tensors that need no grad (a
  model's ``state_dict()``), is stored as one ``.npy`` entry per key, under
  the key itself, and nothing else: ``np.load(path)["fc1.weight"]`` works,
  and so does loading the arrays into the equivalent PyTorch module. When the
  values were Tensors, the zip's comment says so (``TENSORS_COMMENT``), which
  numpy ignores.
* Anything else (nested dicts such as ``{'model': ..., 'optim':
  opt.state_dict(), 'step': 3}``, non-string keys, Python scalars, strings,
  None, lists and tuples, a bare Tensor) is stored as arrays plus one extra
  entry, ``__minigrad_tree__``: a uint8 array holding UTF-8 JSON that
  describes the structure. Each array is stored under its key path joined
  with ``/`` (``model/fc1.weight``, ``optim/state/0/exp_avg``) so the file
  stays readable by numpy alone; the JSON maps the tree to those entry names,
  so keys may contain any character. JSON node kinds: ``{"array": name}`` (with
  ``"state": true`` for a state dict's value; a flat state dict's zip comment is ``STATE_COMMENT``),
  ``{"tensor": name, "requires_grad": bool, "parameter": bool}`` (with ``"view": [offset, shape, strides]``,
  in elements, when two or more saved Tensors shared memory, as views of one tensor do: the memory is then
  stored once, 1-D, under the first such Tensor's path plus ``~storage``, and they load back as views of
  it, sharing memory again, as ``torch.save`` keeps a storage shared; so a flat dict of tied Tensors is
  stored as a tree),
  ``{"dict": [[key, node], ...]}`` with keys tagged ``["s", str]``, ``["i", int]`` or ``["f", float]``
  (``"odict"`` for an OrderedDict, such as a ``state_dict()``, which loads as one, with ``"metadata"``: its
  ``_metadata`` attribute as JSON text, if it has one; a flat one's zip comment ends in ``ORDERED_MARK``,
  then ``METADATA_MARK`` and that JSON), ``{"list": [...]}``, ``{"tuple": [...]}``,
  ``{"size": [ints]}`` (a ``Size``), ``{"dtype": name}``, ``{"device": "cpu"}``, and ``{"value":
  v}`` for None, bools, ints, floats (nan and inf included) and strings.

Object arrays are never stored in an ``.npz`` (such a value is pickled as above).

Writes to a path are atomic: the archive goes to a temporary file in the
target's directory (created with the permissions any new file gets, that is
0o666 less the umask, or the old file's permissions when one is replaced),
is flushed and fsync'ed, then renamed over the target with ``os.replace``. A
crash at any point leaves either the old file or the new one, never a
half-written checkpoint, and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import pickle
import secrets
import stat
import warnings
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import IO, Any, TypeAlias, Union, cast

import numpy as np

from minigrad import _format, pytorch_files
from minigrad._kernels import element_view
from minigrad._state_array import StateArray
from minigrad.device import device
from minigrad.dtypes import DTYPES, dtype, torch_style
from minigrad.errors import MinigradError
from minigrad.size import Size
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load", "safe_globals", "save"]

TREE_KEY = "__minigrad_tree__"
TENSORS_COMMENT = b"minigrad-checkpoint: flat dict of Tensors"
#: a flat dict of state-dict values (a ``state_dict()``): arrays to numpy, the tensors they stand for to a
#: PyTorch script under the torch alias (as ``{"array": ..., "state": true}`` nodes in a tree)
STATE_COMMENT = b"minigrad-checkpoint: flat state dict"
#: appended to a flat dict's comment when the dict was an OrderedDict (a ``state_dict()``), so it loads as one
ORDERED_MARK = b"; ordered"
#: then, for a ``state_dict()``, this and its ``_metadata`` (each module's ``_version``) as JSON, which
#: ``_load_from_state_dict`` migrations read back (``torch.save`` pickles the attribute with the dict)
METADATA_MARK = b"; metadata "
FORMAT = "minigrad-checkpoint"
VERSION = 5  # 2 "tensor" nodes, 3 "odict", 4 shared views, Size, dtype, device, 5 metadata; older ones read
PathLike: TypeAlias = Union[str, "os.PathLike[str]"]
FileLike: TypeAlias = Union[PathLike, IO[bytes]]
# what ``load``'s map_location may be (PyTorch's name: pyro's ParamStore annotates with it); the storage
# maps' argument is whatever storage object the checkpoint hands over
MAP_LOCATION: TypeAlias = Union[Callable[[Any, str], Any], device, str, dict[str, str], None]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"


class _NotACheckpointError(MinigradError, pickle.UnpicklingError):
    """A file that is no checkpoint (not a zip/npz archive): a ``pickle.UnpicklingError`` too, the class
    PyTorch's unpickler raises for such bytes."""


class _EmptyCheckpointError(_NotACheckpointError, EOFError):
    """An empty file: PyTorch's unpickler runs out of input first (its ``EOFError``)."""


class _NeedsPickleError(Exception):
    """Something the ``.npz`` format cannot hold (a Module, a set, an object array): ``save`` pickles the
    whole object instead."""


def _as_array(value: Any, where: str) -> Array:
    arr = value.numpy(force=True) if isinstance(value, Tensor) else value
    if arr.dtype.hasobject:
        raise _NeedsPickleError(f"{where}: an object array")
    return np.asarray(arr)


def _plain_tensor(value: Any) -> bool:
    """A Tensor that loads back the same as ``mg.from_numpy(array)``: no grad, not a Parameter."""
    return type(value) is Tensor and not value.requires_grad


def _flat_kind(obj: Any) -> str | None:
    """"arrays" or "tensors" if ``obj`` can be stored as one entry per key with nothing else."""
    if not isinstance(obj, Mapping) or not all(isinstance(k, str) and k != TREE_KEY for k in obj):
        return None
    values = list(obj.values())
    if all(isinstance(v, np.ndarray) for v in values):
        return "arrays"
    if values and all(_plain_tensor(v) for v in values):
        return "tensors"
    return None


def _metadata(obj: Any) -> str | None:
    """A state dict's ``_metadata`` attribute as JSON; None if it has none (or one JSON cannot hold)."""
    found = getattr(obj, "_metadata", None) if isinstance(obj, OrderedDict) else None
    if not isinstance(found, dict) or not all(isinstance(k, str) for k in found):
        return None
    try:
        return json.dumps(found, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _with_metadata(out: OrderedDict[Any, Any], text: str | None, where: str) -> OrderedDict[Any, Any]:
    """``out`` with its ``_metadata`` attribute read back from ``text`` (if any), as ``torch.load`` gives."""
    if text is not None:
        try:
            found = json.loads(text, object_pairs_hook=OrderedDict)
        except json.JSONDecodeError as e:
            raise MinigradError(f"load: {where} has a corrupted state dict metadata entry: {e}") from e
        out._metadata = found  # type: ignore[attr-defined]
    return out


def _shared_roots(obj: Any) -> set[int]:
    """The ids of the memory owners that two or more Tensors in ``obj`` view: those Tensors load back as
    views of one storage, as ``torch.save`` keeps tensors that shared a storage sharing it."""
    seen: dict[int, int] = {}
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            view = element_view(item.numpy(force=True))
            if view is not None:
                seen[id(view[0])] = seen.get(id(view[0]), 0) + 1
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return {key for key, count in seen.items() if count > 1}


class _Flattener:
    """Turns a nested structure into (JSON tree, {entry name: array})."""

    def __init__(self, shared: set[int] | None = None) -> None:
        self.arrays: dict[str, Array] = {}
        self.shared = shared or set()
        self.storages: dict[int, str] = {}  # id of a shared memory owner -> its entry's name

    def _name(self, path: str) -> str:
        name = path if path else "value"
        if name in self.arrays or name == TREE_KEY:
            i = 1
            while f"{name}~{i}" in self.arrays:
                i += 1
            name = f"{name}~{i}"
        return name

    def _view_node(self, obj: Tensor, arr: Array, view: tuple[Array, int, tuple[int, ...]], path: str) -> Any:
        """A Tensor stored as a view (element offset, shape, element strides) of a shared storage entry."""
        from minigrad.nn.module import Parameter

        root, offset, strides = view
        name = self.storages.get(id(root))
        if name is None:
            name = self.storages[id(root)] = self._name(f"{path}~storage")
            self.arrays[name] = root.reshape(-1)
        return {"tensor": name, "requires_grad": bool(obj.requires_grad),
                "parameter": isinstance(obj, Parameter),
                "view": [offset, list(arr.shape), list(strides)]}

    def node(self, obj: Any, path: str) -> Any:
        where = repr(path) if path else "the checkpoint"
        if isinstance(obj, Tensor) and self.shared:
            arr = obj.numpy(force=True)
            view = element_view(arr)
            if view is not None and id(view[0]) in self.shared:
                return self._view_node(obj, arr, view, path)
        if isinstance(obj, Tensor) and obj.is_sparse:  # (PyTorch's pickled form keeps it sparse)
            raise _NeedsPickleError(f"{where}: a sparse tensor")
        if isinstance(obj, (np.ndarray, Tensor)):
            name = self._name(path)
            self.arrays[name] = _as_array(obj, where)
            if isinstance(obj, np.ndarray):
                return {"array": name, "state": True} if isinstance(obj, StateArray) else {"array": name}
            from minigrad.nn.module import Parameter

            return {"tensor": name, "requires_grad": bool(obj.requires_grad),
                    "parameter": isinstance(obj, Parameter)}
        if isinstance(obj, Size):  # (before tuple: a saved x.shape loads as torch.Size, as PyTorch's)
            return {"size": [int(n) for n in obj]}
        if type(obj) is dtype or (isinstance(obj, np.dtype) and obj in DTYPES):  # (a config's torch.float16)
            return {"dtype": np.dtype(obj).name}
        if isinstance(obj, device):
            return {"device": str(obj)}
        if isinstance(obj, Mapping):
            items = []
            for k, v in obj.items():
                if isinstance(k, (bool, np.bool_)) or not isinstance(k, (str, int, np.integer, float,
                                                                         np.floating)):
                    raise _NeedsPickleError(f"{where}: key {k!r}")
                # (float keys: torch_optimizer's AggMo keeps one momentum buffer per beta)
                tag = ["s", k] if isinstance(k, str) else ["f", float(k)] if isinstance(
                    k, (float, np.floating)) else ["i", int(k)]
                items.append([tag, self.node(v, f"{path}/{k}" if path else str(k))])
            # an OrderedDict (a state_dict()) loads back as one (with its _metadata), as torch.load's
            # unpickling gives it
            if not isinstance(obj, OrderedDict):
                return {"dict": items}
            meta = _metadata(obj)
            return {"odict": items} if meta is None else {"odict": items, "metadata": meta}
        if isinstance(obj, (list, tuple)):
            kind = "tuple" if isinstance(obj, tuple) else "list"
            return {kind: [self.node(v, f"{path}/{i}" if path else str(i)) for i, v in enumerate(obj)]}
        if obj is None or isinstance(obj, (bool, str)):
            return {"value": obj}
        if isinstance(obj, (np.bool_,)):
            return {"value": bool(obj)}
        if isinstance(obj, (int, np.integer)):
            return {"value": int(obj)}
        if isinstance(obj, (float, np.floating)):
            return {"value": float(obj)}
        raise _NeedsPickleError(f"{where}: a {type(obj).__name__}")


def _encode(obj: Any) -> tuple[dict[str, Array], bytes]:
    """The arrays to store and the zip comment, for ``obj``."""
    kind = _flat_kind(obj)
    if kind == "tensors" and _shared_roots(obj):
        kind = None  # (tied weights' state_dict: a tree, so the tied entries load sharing memory again)
    if kind is not None:
        arrays = {k: _as_array(v, repr(k)) for k, v in obj.items()}
        states = kind == "arrays" and obj and all(isinstance(v, StateArray) for v in obj.values())
        comment = TENSORS_COMMENT if kind == "tensors" else STATE_COMMENT if states else b""
        comment += ORDERED_MARK if isinstance(obj, OrderedDict) else b""
        meta = _metadata(obj)
        if meta is not None:
            comment += METADATA_MARK + meta.encode("utf-8")
        if len(comment) < 0xFFFF:  # (a zip comment's limit: a huge model's metadata goes in a tree)
            return arrays, comment
    flat = _Flattener(_shared_roots(obj))
    tree = flat.node(obj, "")
    meta = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree}, allow_nan=True)
    arrays = dict(flat.arrays)
    arrays[TREE_KEY] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)
    return arrays, b""


def save(obj: Any, f: FileLike, pickle_module: Any = None, pickle_protocol: Any = None,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Write ``obj`` to ``f`` as an ``.npz`` archive, without pickle (as ``torch.save``); any other object
    (a whole Module, an ``argparse.Namespace`` in a checkpoint) pickled in ``torch.save``'s layout. Under the
    torch alias (``python -m minigrad.compat``) every object is written in ``torch.save``'s layout, with
    PyTorch's names for tensors and storages, so PyTorch's ``torch.load`` reads the file too.

    Args:
        obj: a dict of name -> Tensor/array (a model's ``state_dict()``), or
            any nesting of dicts, lists, tuples, Tensors, arrays, numbers,
            strings and None (for example ``{'model': ..., 'optim':
            opt.state_dict(), 'epoch': 3}``): stored pickle-free (see the module
            docstring for the format). Anything else is pickled, as
            ``torch.save`` pickles it; :func:`load` reads such a file only
            with ``weights_only=False``, as ``torch.load`` since PyTorch 2.6.
        f: a path (written exactly there, atomically; no suffix is added; an
            existing file is replaced only once the new one is complete) or a
            binary file open for writing.
        pickle_module: accepted for ``torch.save`` compatibility and ignored.
        pickle_protocol: the protocol of a pickled object (2, as ``torch.save``).
        _use_new_zipfile_serialization, _disable_byteorder_record: accepted
            and ignored likewise (scripts pass the first as False to write
            PyTorch's legacy format; minigrad writes its one format).

    Raises:
        pickle.PicklingError, AttributeError, TypeError: ``obj`` holds something
            pickle cannot store (a lambda, a local function); nothing is written.
        MinigradError: the file cannot be written (the old file, if any, is
            left untouched).
    """
    del pickle_module, _use_new_zipfile_serialization, _disable_byteorder_record
    protocol = 2 if pickle_protocol is None else pickle_protocol
    archive, encoded = None, None
    if _format.NAMESPACE == "torch":
        # A PyTorch script (python -m minigrad.compat) writes PyTorch's own format, tensors and all: what it
        # saves then loads in PyTorch too (weights-only) when the script moves there
        archive = pytorch_files.PickledArchive(obj, protocol, for_pytorch=True)
    else:
        try:
            encoded = _encode(obj)
        except _NeedsPickleError:  # an object: pickled in torch.save's layout (loads with weights_only=False)
            archive = pytorch_files.PickledArchive(obj, protocol)

    def write(out: Any) -> None:
        if archive is not None:
            archive.write(out)
        elif encoded is not None:
            _write_npz(out, *encoded)

    if hasattr(f, "write"):
        write(f)
        return
    atomic_write(os.fspath(f), write, "save")


def _new_file_mode(target: str) -> int:
    """The mode a plain ``open(target, 'wb')`` would leave: the old file's, else 0o666 less the umask.

    The umask is applied by the kernel at creation (see :func:`atomic_write`), so
    only a replaced file's own mode needs setting explicitly.
    """
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return -1


def atomic_write(target: str, write: Callable[[IO[bytes]], None], who: str) -> None:
    """Write a file through ``write(fileobj)`` into a temporary file, then rename it onto ``target``.

    The temporary file is created with mode 0o666, so the process's umask
    applies as for any new file (``tempfile.mkstemp`` would make it 0o600); a
    replaced file keeps its mode. Shared by checkpoints and safetensors files.

    Raises:
        MinigradError: the directory is missing or not writable, or writing
            or renaming fails (the temporary file is removed; ``target`` is
            untouched).
    """
    directory = os.path.dirname(os.path.abspath(target))
    parent = os.path.dirname(target)
    if who == "save" and parent and not os.path.isdir(parent):  # (PyTorch's words)
        raise MinigradError(f"Parent directory {parent} does not exist. (save: cannot write a file in "
                            f"{directory!r})")
    old_mode = _new_file_mode(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as e:
            raise MinigradError(f"{who}: cannot write a file in {directory!r}: {e}") from e
    else:  # pragma: no cover - 100 random names all taken
        raise MinigradError(f"{who}: cannot create a temporary file in {directory!r}")
    try:
        if old_mode >= 0:
            os.chmod(tmp, old_mode)
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise MinigradError(f"{who}: writing {target!r} failed: {e}") from e
        raise
    _fsync_dir(directory)


def _write_npz(f: Any, arrays: Mapping[str, Array], comment: bytes = b"") -> None:
    """Write ``arrays`` as an uncompressed ``.npz`` (what ``np.savez`` does, minus its
    keyword arguments, which would clash with keys such as ``file``)."""
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, arr, allow_pickle=False)
        zf.comment = comment


def _fsync_dir(directory: str) -> None:
    """Make the rename itself durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tensor(arr: Array, requires_grad: bool, parameter: bool) -> Tensor:
    from minigrad.nn.module import Parameter

    if parameter:
        return Parameter(from_numpy(arr), requires_grad=requires_grad)
    t = from_numpy(arr)
    return t.requires_grad_(True) if requires_grad else t


def _loaded_array(arr: Array) -> Any:
    """A saved state-dict value as loaded: the array; under the torch alias the tensor ``state_dict()``
    gives there (a plain saved array loads as an array, as PyTorch's)."""
    return from_numpy(arr) if _format.NAMESPACE == "torch" else arr


def _view(storage: Array, view: Any, path: str) -> Array:
    """The view ``[offset, shape, strides]`` (elements) of a loaded storage entry, checked to fit in it."""
    try:
        offset, shape, strides = int(view[0]), tuple(map(int, view[1])), tuple(map(int, view[2]))
    except (TypeError, ValueError, IndexError) as e:
        raise MinigradError(f"malformed view at {path}: {view!r}") from e
    flat = storage.reshape(-1)
    reach = [(n - 1) * st for n, st in zip(shape, strides, strict=False)]
    if len(shape) != len(strides) or any(n < 0 for n in shape):
        raise MinigradError(f"malformed view at {path}: {view!r}")
    if 0 in shape:
        return np.empty(shape, dtype=flat.dtype)
    lo, hi = offset + sum(r for r in reach if r < 0), offset + sum(r for r in reach if r > 0)
    if lo < 0 or hi >= flat.size:  # (a view reaching outside its storage would read foreign memory)
        raise MinigradError(f"malformed view at {path}: {view!r} outside its storage of {flat.size}")
    # (np.ndarray keeps the storage as its base: storage_offset() and untyped_storage() as PyTorch's)
    view_arr: Array = np.ndarray(shape, flat.dtype, buffer=flat, offset=offset * flat.itemsize,
                                 strides=[st * flat.itemsize for st in strides])
    return view_arr


def _restore(node: Any, arrays: Mapping[str, Array], path: str) -> Any:
    if not isinstance(node, dict) or not node:
        raise MinigradError(f"malformed structure entry at {path or 'the top'}: {node!r}")
    kind, body = next(iter(node.items()))
    if kind in ("array", "tensor"):
        if not isinstance(body, str) or body not in arrays:
            raise MinigradError(f"the structure refers to array {body!r}, which is not in the file")
        if kind == "array":
            return _loaded_array(arrays[body]) if node.get("state") is True else arrays[body]
        arr = arrays[body] if "view" not in node else _view(arrays[body], node["view"], path)
        return _tensor(arr, node.get("requires_grad") is True, node.get("parameter") is True)
    if len(node) != 1 and not (kind == "odict" and set(node) == {"odict", "metadata"}):
        raise MinigradError(f"malformed structure entry at {path or 'the top'}: {node!r}")
    if kind == "value":
        if body is not None and not isinstance(body, (bool, int, float, str)):
            raise MinigradError(f"malformed value at {path}: {body!r}")
        return body
    if kind in ("list", "tuple"):
        items = [_restore(v, arrays, f"{path}/{i}") for i, v in enumerate(body)]
        return tuple(items) if kind == "tuple" else items
    if kind == "size" and isinstance(body, list) and all(type(n) is int for n in body):
        return Size(body)
    if kind in ("dtype", "device") and isinstance(body, str):
        try:
            if kind == "device":
                return device(body)
            loaded = np.dtype(body)
            if loaded not in DTYPES:
                raise TypeError(body)
            return torch_style(loaded) if _format.NAMESPACE == "torch" else loaded
        except (TypeError, ValueError, RuntimeError) as e:
            raise MinigradError(f"malformed {kind} at {path}: {body!r}") from e
    if kind in ("dict", "odict"):
        out: dict[Any, Any] = OrderedDict() if kind == "odict" else {}
        for entry in body:
            (tag, key), child = entry
            if tag == "s" and isinstance(key, str):
                k: Any = key
            elif tag == "i" and isinstance(key, int) and not isinstance(key, bool):
                k = key
            elif tag == "f" and isinstance(key, (int, float)) and not isinstance(key, bool):
                k = float(key)
            else:
                raise MinigradError(f"malformed key at {path}: {entry[0]!r}")
            out[k] = _restore(child, arrays, f"{path}/{key}")
        if "metadata" in node:
            if not isinstance(node["metadata"], str):
                raise MinigradError(f"malformed metadata at {path or 'the top'}: {node['metadata']!r}")
            where = repr(path or "the top")
            return _with_metadata(cast("OrderedDict[Any, Any]", out), node["metadata"], where)
        return out
    raise MinigradError(f"unknown structure entry {kind!r} at {path}")


def _read_npz(f: Any, target: str) -> tuple[dict[str, Array], bytes]:
    """Every array of the open archive ``f``, read in full (so every CRC is checked), and its comment."""
    try:
        with np.load(f, allow_pickle=False) as archive:
            names = archive.files
            members = archive.zip.namelist()
            if any(not m.endswith(".npy") for m in members):
                pickled = any(m.endswith(".pkl") for m in members)
                raise MinigradError(
                    f"load: {target!r} is a zip archive but not a minigrad checkpoint"
                    + (" (it holds a pickle, but not in the layout of PyTorch's torch.save files, the "
                       "one pickled format minigrad reads)"
                       if pickled else f" (it holds non-.npy members such as {members[0]!r})")
                )
            return {name: archive[name] for name in names}, archive.zip.comment
    except MinigradError:
        raise
    except ValueError as e:
        if "pickle" in str(e):
            raise MinigradError(
                f"load: {target!r} holds object arrays, which would need pickle; refusing to load it"
            ) from e
        raise MinigradError(
            f"load: {target!r} is not a valid checkpoint (not a readable .npz file): {e}"
        ) from e
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zipfile.LargeZipFile) as e:
        raise MinigradError(
            f"load: {target!r} is truncated or corrupted ({type(e).__name__}: {e}); "
            "it cannot be loaded"
        ) from e
    except Exception as e:  # numpy's format errors come in several kinds
        raise MinigradError(f"load: {target!r} is not a valid checkpoint ({type(e).__name__}: {e})") from e


_NOT_PYTORCH = object()


def _read_pytorch(stream: IO[bytes], target: str, weights_only: bool) -> Any:
    """What a ``torch.save`` archive holds (:mod:`minigrad.pytorch_files`); ``_NOT_PYTORCH`` for any other
    file."""
    try:
        archive = zipfile.ZipFile(stream)
    except Exception:  # (BadZipFile, NotImplementedError, ...: the .npz reader reports what is wrong)
        return _NOT_PYTORCH
    with archive:
        if not pytorch_files.is_pytorch_archive(archive.namelist()):
            return _NOT_PYTORCH
        try:
            return pytorch_files.read_pytorch_archive(archive, target, weights_only)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as e:
            raise MinigradError(f"load: {target!r} is a corrupted PyTorch checkpoint: {e}") from e


_TRUE_WORDS = ("1", "y", "yes", "true")


def _weights_only(weights_only: bool | None, pickle_module: Any, load_args: bool) -> bool:
    """``torch.load``'s resolution of ``weights_only``: the default (True unless a pickle module is given),
    the ``TORCH_FORCE_*`` environment variables, and its refusals."""
    unset = weights_only is None
    wo = pickle_module is None if weights_only is None else bool(weights_only)
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE_WORDS
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE_WORDS
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or "
                           "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should be set, but both were set.")
    if force:
        wo = True
    elif force_no and unset:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the"
                      "`weights_only` argument was not explicitly passed to `torch.load`, forcing "
                      "weights_only=False.",
                      UserWarning, stacklevel=3)
        wo = False
    if wo and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if wo and load_args:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=3)
    return wo


def _check_map_location(map_location: Any) -> None:
    """Everything is on the CPU: accept what maps to it, refuse a request for an accelerator."""
    wanted: list[Any] = []
    if isinstance(map_location, Mapping):
        wanted = list(map_location.values())
    elif map_location is not None and not callable(map_location):
        wanted = [map_location]
    for where in wanted:
        name = str(getattr(where, "type", where)).split(":")[0]
        if name != "cpu":
            raise MinigradError(
                f"load: map_location={map_location!r} asks for device {str(where)!r}, but minigrad runs "
                "on the CPU only; use map_location='cpu' (or leave it out)"
            )


def _open_source(f: FileLike) -> tuple[IO[bytes], str, bool]:
    """(readable seekable binary file, its name for messages, whether we opened it)."""
    if hasattr(f, "read"):
        stream: Any = f
        name = str(getattr(f, "name", "<file object>"))
        if not (hasattr(stream, "seekable") and stream.seekable()):
            stream = io.BytesIO(stream.read())
        return stream, name, False
    target = os.fspath(f)
    if not os.path.exists(target):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), target)  # (PyTorch's open's words)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
    try:
        return open(target, "rb"), target, True
    except OSError as e:
        raise MinigradError(f"load: cannot read {target!r}: {e}") from e


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Read a checkpoint written by :func:`save` (or any pickle-free ``.npz``), as ``torch.load``;
    also a file written by PyTorch's ``torch.save``, weights-only (:mod:`minigrad.pytorch_files`).

    Args:
        f: a path or a binary file open for reading.
        map_location: accepted as in ``torch.load`` (``'cpu'``, a device, a
            dict or a function): every tensor is on the CPU already. A request
            for another device raises.
        pickle_module: accepted for ``torch.load`` compatibility (giving one
            makes ``weights_only`` default to False, as in PyTorch).
        weights_only: None (the default) is True, as in PyTorch 2.6 and later
            (``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` / ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``
            override it as there): a pickled file's objects other than tensors,
            containers and plain values are refused and no code from the file
            runs. False builds every object a pickled file names (a whole
            Module), running the code it names: only for trusted files.
            ``.npz`` checkpoints hold no code either way.
        mmap: accepted as in ``torch.load``: the file is read whole either way (minigrad maps
            nothing), but as there it needs ``f`` to be a path.
        pickle_load_args: accepted and ignored.

    Returns:
        What was saved: a dict of names -> arrays (or Tensors, if Tensors were
        saved) for a flat state dict; the nested structure (with ints, floats,
        strings, tuples ... restored) otherwise. Every array is read and
        checksummed before returning.

    Raises:
        FileNotFoundError: there is no file at ``f``.
        IsADirectoryError: ``f`` is a directory.
        MinigradError: the file is not an ``.npz`` archive or a PyTorch checkpoint (then a
            ``pickle.UnpicklingError`` too, as PyTorch's unpickler raises; an empty file an ``EOFError``
            too, as there), is truncated, corrupted
            (a checksum fails), holds object arrays (never loaded), or map_location names a device
            other than the CPU.
        UnsafeCheckpointError: weights-only, a pickled file holds an object other than
            tensors, containers and plain values (a ``pickle.UnpicklingError`` too).
        RuntimeError: ``weights_only=True`` with a ``pickle_module`` (PyTorch's error), or both
            ``TORCH_FORCE_*WEIGHTS_ONLY_LOAD`` variables set.
        ValueError: ``mmap=True`` with an open file or buffer rather than a path (PyTorch's error).
    """
    weights_only = _weights_only(weights_only, pickle_module, bool(pickle_load_args))
    _check_map_location(map_location)
    stream, target, opened = _open_source(f)
    try:
        start = stream.tell()
        magic = stream.read(6)
        if magic.startswith(_NPY_MAGIC):
            raise _NotACheckpointError(
                f"load: {target!r} is a single .npy array, not an .npz checkpoint written by mg.save"
            )
        if not magic.startswith(_ZIP_MAGIC):
            what = "an empty file" if not magic else "not an .npz archive"
            raise (_NotACheckpointError if magic else _EmptyCheckpointError)(
                f"load: {target!r} is {what}; expected a checkpoint written by mg.save")
        if mmap and not isinstance(f, (str, os.PathLike)):  # (PyTorch maps the file by its name)
            raise ValueError("f must be a file path in order to use the mmap argument")
        stream.seek(start)
        if (found := _read_pytorch(stream, target, weights_only)) is not _NOT_PYTORCH:
            return found
        stream.seek(start)
        arrays, comment = _read_npz(stream, target)
    finally:
        if opened:
            stream.close()

    if TREE_KEY not in arrays:
        comment, marked, meta = comment.partition(METADATA_MARK)
        mapping: type[dict[str, Any]] = OrderedDict if comment.endswith(ORDERED_MARK) else dict
        comment = comment.removesuffix(ORDERED_MARK)
        if comment == TENSORS_COMMENT:
            flat = mapping((k, _tensor(v, False, False)) for k, v in arrays.items())
        elif comment == STATE_COMMENT:
            flat = mapping((k, _loaded_array(v)) for k, v in arrays.items())
        else:
            flat = mapping(arrays)
        if marked and isinstance(flat, OrderedDict):
            return _with_metadata(flat, meta.decode("utf-8", errors="replace"), repr(target))
        return flat
    raw = arrays.pop(TREE_KEY)
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise MinigradError(f"load: {target!r} has a corrupted structure entry: {e}") from e
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or "tree" not in meta:
        raise MinigradError(f"load: {target!r} has a structure entry that is not minigrad's")
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise MinigradError(
            f"load: {target!r} was written by a newer minigrad (format version {meta.get('version')!r}, "
            f"this one reads up to {VERSION})"
        )
    try:
        return _restore(meta["tree"], arrays, "")
    except (TypeError, ValueError) as e:
        raise MinigradError(f"load: {target!r} has a malformed structure entry: {e}") from e


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Add classes or functions (or ``(obj, "module.name")`` pairs) to the allowlist of
    :func:`get_safe_globals`, as ``torch.serialization.add_safe_globals``.

    Raises:
        TypeError: ``safe_globals`` is not a list.
    """
    if not isinstance(safe_globals, list):
        raise TypeError(f"add_safe_globals expects a list, got {type(safe_globals).__name__}")
    pytorch_files.SAFE_GLOBALS.extend(g for g in safe_globals if g not in pytorch_files.SAFE_GLOBALS)


def get_safe_globals() -> list[Any]:
    """The allowlist :func:`add_safe_globals` built (a copy): what :func:`load` builds from a PyTorch
    checkpoint's pickle beyond tensors and containers (minigrad's own checkpoints hold no objects)."""
    return list(pytorch_files.SAFE_GLOBALS)


def clear_safe_globals() -> None:
    """Empty the allowlist of :func:`add_safe_globals`."""
    pytorch_files.SAFE_GLOBALS.clear()


class safe_globals:  # noqa: N801 - PyTorch's name
    """Context manager adding ``safe_globals`` to the allowlist for its block only, as
    ``torch.serialization.safe_globals``."""

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = safe_globals
        self._before: list[Any] = []

    def __enter__(self) -> None:
        self._before = get_safe_globals()
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc: object) -> None:
        pytorch_files.SAFE_GLOBALS[:] = self._before
