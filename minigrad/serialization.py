"""Checkpoints: ``mg.save`` and ``mg.load``, to ``.npz`` files that never need pickle.

File format
-----------
A checkpoint is an ordinary numpy ``.npz`` archive (an uncompressed zip of
``.npy`` files), readable by ``numpy.load(path, allow_pickle=False)``:

* A flat dict of string keys to arrays/Tensors (a model's ``state_dict()``)
  is stored as one ``.npy`` entry per key, under the key itself, and nothing
  else: ``np.load(path)["fc1.weight"]`` works, and so does loading the arrays
  into the equivalent PyTorch module.
* Anything else (nested dicts such as ``{'model': ..., 'optim':
  opt.state_dict(), 'step': 3}``, non-string keys, Python scalars, strings,
  None, lists and tuples) is stored as arrays plus one extra entry,
  ``__minigrad_tree__``: a uint8 array holding UTF-8 JSON that describes the
  structure. Each array is stored under its key path joined with ``/``
  (``model/fc1.weight``, ``optim/state/0/exp_avg``) so the file stays readable
  by numpy alone; the JSON maps the tree to those entry names, so keys may
  contain any character. JSON node kinds: ``{"array": name}``,
  ``{"dict": [[key, node], ...]}`` with keys tagged ``["s", str]`` or
  ``["i", int]``, ``{"list": [...]}``, ``{"tuple": [...]}``, and ``{"value": v}``
  for None, bools, ints, floats (nan and inf included) and strings.

Object arrays are refused: nothing in a checkpoint is ever unpickled.

Writes are atomic: the archive goes to a temporary file in the target's
directory, is flushed and fsync'ed, then renamed over the target with
``os.replace``. A crash at any point leaves either the old file or the new
one, never a half-written checkpoint, and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from typing import Any, TypeAlias, Union

import numpy as np

from minigrad.errors import MinigradError
from minigrad.tensor import Array, Tensor

__all__ = ["load", "save"]

TREE_KEY = "__minigrad_tree__"
FORMAT = "minigrad-checkpoint"
VERSION = 1
PathLike: TypeAlias = Union[str, "os.PathLike[str]"]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"


def _as_array(value: Any, where: str) -> Array:
    arr = value.numpy() if isinstance(value, Tensor) else value
    if arr.dtype.hasobject:
        raise MinigradError(f"save: {where} is an object array; checkpoints hold numbers only (no pickle)")
    return np.asarray(arr)


def _is_flat(obj: Mapping[Any, Any]) -> bool:
    return all(
        isinstance(k, str) and k != TREE_KEY and isinstance(v, (np.ndarray, Tensor)) for k, v in obj.items()
    )


class _Flattener:
    """Turns a nested structure into (JSON tree, {entry name: array})."""

    def __init__(self) -> None:
        self.arrays: dict[str, Array] = {}

    def _name(self, path: str) -> str:
        name = path if path else "value"
        if name in self.arrays or name == TREE_KEY:
            i = 1
            while f"{name}~{i}" in self.arrays:
                i += 1
            name = f"{name}~{i}"
        return name

    def node(self, obj: Any, path: str) -> Any:
        where = repr(path) if path else "the checkpoint"
        if isinstance(obj, (np.ndarray, Tensor)):
            name = self._name(path)
            self.arrays[name] = _as_array(obj, where)
            return {"array": name}
        if isinstance(obj, Mapping):
            items = []
            for k, v in obj.items():
                if isinstance(k, (bool, np.bool_)) or not isinstance(k, (str, int, np.integer)):
                    raise MinigradError(f"save: key {k!r} under {where} is neither a string nor an int")
                tag = ["s", k] if isinstance(k, str) else ["i", int(k)]
                items.append([tag, self.node(v, f"{path}/{k}" if path else str(k))])
            return {"dict": items}
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
        raise MinigradError(
            f"save: cannot store {where} of type {type(obj).__name__}; checkpoints hold arrays, "
            "Tensors, numbers, strings, None, and dicts/lists/tuples of those"
        )


def save(state_dict: Mapping[str, Any], path: PathLike) -> None:
    """Write ``state_dict`` to ``path`` as an ``.npz`` archive, atomically and without pickle.

    Args:
        state_dict: a dict of name -> array/Tensor (a model's ``state_dict()``),
            or a nested structure of dicts, lists, tuples, arrays, Tensors,
            numbers, strings and None (for example ``{'model': ...,
            'optim': opt.state_dict(), 'epoch': 3}``). See the module docstring
            for the format.
        path: the file to write (written exactly there; no suffix is added).
            An existing file is replaced only once the new one is complete.

    Raises:
        MinigradError: ``state_dict`` is not a dict, holds something that
            cannot be stored without pickle, or the file cannot be written
            (the old file, if any, is left untouched).
    """
    if not isinstance(state_dict, Mapping):
        raise MinigradError(
            f"save: expected a dict (e.g. model.state_dict()), got {type(state_dict).__name__}"
        )
    if _is_flat(state_dict):
        arrays = {k: _as_array(v, repr(k)) for k, v in state_dict.items()}
    else:
        flat = _Flattener()
        tree = flat.node(state_dict, "")
        meta = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree}, allow_nan=True)
        arrays = dict(flat.arrays)
        arrays[TREE_KEY] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)

    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    except OSError as e:
        raise MinigradError(f"save: cannot write a checkpoint in {directory!r}: {e}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise MinigradError(f"save: writing {target!r} failed: {e}") from e
        raise
    _fsync_dir(directory)


def _write_npz(f: Any, arrays: Mapping[str, Array]) -> None:
    """Write ``arrays`` as an uncompressed ``.npz`` (what ``np.savez`` does, minus its
    keyword arguments, which would clash with keys such as ``file``)."""
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, arr, allow_pickle=False)


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


def _restore(node: Any, arrays: Mapping[str, Array], path: str) -> Any:
    if not isinstance(node, dict) or len(node) != 1:
        raise MinigradError(f"malformed structure entry at {path or 'the top'}: {node!r}")
    ((kind, body),) = node.items()
    if kind == "array":
        if body not in arrays:
            raise MinigradError(f"the structure refers to array {body!r}, which is not in the file")
        return arrays[body]
    if kind == "value":
        if body is not None and not isinstance(body, (bool, int, float, str)):
            raise MinigradError(f"malformed value at {path}: {body!r}")
        return body
    if kind in ("list", "tuple"):
        items = [_restore(v, arrays, f"{path}/{i}") for i, v in enumerate(body)]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        out: dict[Any, Any] = {}
        for entry in body:
            (tag, key), child = entry
            if tag == "s" and isinstance(key, str):
                k: Any = key
            elif tag == "i" and isinstance(key, int) and not isinstance(key, bool):
                k = key
            else:
                raise MinigradError(f"malformed key at {path}: {entry[0]!r}")
            out[k] = _restore(child, arrays, f"{path}/{key}")
        return out
    raise MinigradError(f"unknown structure entry {kind!r} at {path}")


def _read_npz(f: Any, target: str) -> dict[str, Array]:
    """Every array of the open archive ``f``, read in full (so every CRC is checked)."""
    try:
        with np.load(f, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
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


def load(path: PathLike) -> dict[Any, Any]:
    """Read a checkpoint written by :func:`save` (or any pickle-free ``.npz``).

    Returns:
        The saved dict: names -> numpy arrays for a flat state dict, the
        nested structure (with ints, floats, strings, tuples ... restored)
        otherwise. Every array is read and checksummed before returning.

    Raises:
        MinigradError: the file is missing, not an ``.npz`` archive,
            truncated, corrupted (a checksum fails), or holds object arrays
            (which would need pickle: never loaded).
    """
    target = os.fspath(path)
    if not os.path.exists(target):
        raise MinigradError(f"load: checkpoint {target!r} does not exist")
    if os.path.isdir(target):
        raise MinigradError(f"load: {target!r} is a directory, not a checkpoint file")
    try:
        f = open(target, "rb")  # noqa: SIM115 - closed by the with below, also on errors
    except OSError as e:
        raise MinigradError(f"load: cannot read {target!r}: {e}") from e
    with f:
        magic = f.read(6)
        if magic.startswith(_NPY_MAGIC):
            raise MinigradError(
                f"load: {target!r} is a single .npy array, not an .npz checkpoint written by mg.save"
            )
        if not magic.startswith(_ZIP_MAGIC):
            what = "an empty file" if not magic else "not an .npz archive"
            raise MinigradError(f"load: {target!r} is {what}; expected a checkpoint written by mg.save")
        f.seek(0)
        arrays = _read_npz(f, target)

    if TREE_KEY not in arrays:
        return arrays
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
        result = _restore(meta["tree"], arrays, "")
    except (TypeError, ValueError) as e:
        raise MinigradError(f"load: {target!r} has a malformed structure entry: {e}") from e
    if not isinstance(result, dict):
        raise MinigradError(f"load: {target!r} does not hold a dict at the top")
    return result
