"""Merging samples into batches, as ``torch.utils.data.default_collate`` and ``default_convert``.

The structure of a sample is kept and its leaves are stacked: a batch of
``(x, y)`` tuples becomes ``[X, Y]`` (a list, as in PyTorch), a batch of dicts
a dict of batches, namedtuples stay namedtuples. Leaves: Tensors and numpy
arrays are stacked along a new dim 0, Python ints become an int64 tensor,
floats a float64 tensor, bools a bool tensor, numpy scalars a tensor of
their dtype; strings and bytes stay a list.

``collate(batch, collate_fn_map=...)`` is PyTorch's extension point (it lives in
``torch.utils.data._utils.collate``): a leaf whose type is a key of the map (or an
instance of one) is merged by that function; ``default_collate`` is ``collate``
with ``default_collate_fn_map``, which scripts may extend with their own types.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

import numpy as np

from minigrad._kernels import stack_first
from minigrad.errors import ShapeError
from minigrad.tensor import Tensor, as_tensor, from_numpy, stack

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

_STRING_OR_OBJECT = re.compile(r"[SaUO]")  # numpy dtype codes that hold no numbers


def _type_error(what: Any) -> TypeError:
    return TypeError(
        f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {what}"
    )


def _as_tensor(a: np.ndarray[Any, Any] | np.generic) -> Tensor:
    # as_tensor, as PyTorch's collate: the array's own dtype (float16, int8, int32 stay so), where
    # tensor() would give minigrad's defaults for data (float32, int64)
    return as_tensor(np.asarray(a))


def _rebuild(template: Any, values: Any) -> Any:
    """``values`` in the container type of ``template`` where that type can be rebuilt, else a list/dict."""
    cls: Any = type(template)
    try:
        if isinstance(template, MutableMapping):
            mapping = copy.copy(template)
            mapping.update(values)
            return mapping
        if isinstance(template, MutableSequence):
            seq = copy.copy(template)
            for i, v in enumerate(values):
                seq[i] = v
            return seq
        return cls(values)
    except TypeError:
        return dict(values) if isinstance(template, Mapping) else list(values)


def collate(batch: Sequence[Any], *, collate_fn_map: dict[Any, Callable[..., Any]] | None = None) -> Any:
    """Merge samples into a batch: leaves by ``collate_fn_map`` (exact type first, then isinstance, in
    the map's order), dicts / namedtuples / sequences recursively, as PyTorch's ``collate``.

    Raises:
        ShapeError: sequences of different lengths (or a leaf function's shape error).
        TypeError: a leaf type the map has no function for.
    """
    elem = batch[0]
    if collate_fn_map is not None:
        fn = collate_fn_map.get(type(elem))
        if fn is None:
            fn = next((f for kind, f in collate_fn_map.items() if isinstance(elem, kind)), None)
        if fn is not None:
            return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, Mapping):
        return _rebuild(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                               for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise ShapeError("each element in list of batch should be of equal size (default_collate)")
        # each column is a tuple, which strings keep as their batch (PyTorch does the same)
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _rebuild(elem, columns)
    raise _type_error(type(elem))


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, exactly as PyTorch's ``default_collate`` structures it.

    Raises:
        ShapeError: tensors or arrays of different shapes, or sequences of
            different lengths.
        TypeError: a leaf type that cannot be batched (None, objects, string arrays).
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def collate_tensor_fn(batch: Sequence[Tensor], *, collate_fn_map: Any = None) -> Tensor:
    """Tensors stacked along a new dim 0."""
    return _stack_tensors(batch)


def collate_numpy_array_fn(batch: Sequence[Any], *, collate_fn_map: Any = None) -> Tensor:
    """Numpy arrays of numbers stacked into one tensor (string and object arrays refused)."""
    if _STRING_OR_OBJECT.search(batch[0].dtype.str):
        raise _type_error(batch[0].dtype)
    return _stack_tensors([_as_tensor(b) for b in batch])


def collate_numpy_scalar_fn(batch: Sequence[Any], *, collate_fn_map: Any = None) -> Tensor:
    """Numpy scalars as a tensor of their dtype; a mix of types promoted as ``torch.as_tensor`` of the
    list does (an int32 and a float32 give float32, a Python float the default float dtype)."""
    first = type(batch[0])
    if all(type(x) is first for x in batch):
        return _as_tensor(np.array(batch))
    return as_tensor(list(batch))


def collate_float_fn(batch: Sequence[float], *, collate_fn_map: Any = None) -> Tensor:
    """Python floats as a float64 tensor."""
    return from_numpy(np.array(batch, dtype=np.float64))


def collate_int_fn(batch: Sequence[int], *, collate_fn_map: Any = None) -> Tensor:
    """Python ints as an int64 tensor, bools as a bool tensor; a batch whose first sample is an int
    but not all are (a float, a bool among ints) takes ``torch.tensor(batch)``'s inferred dtype."""
    first = type(batch[0])
    if first in (int, bool) and all(type(x) is first for x in batch):
        return from_numpy(np.array(batch, dtype=np.bool_ if first is bool else np.int64))
    return as_tensor(list(batch))


def collate_str_fn(batch: Sequence[Any], *, collate_fn_map: Any = None) -> Sequence[Any]:
    """Strings and bytes kept as given."""
    return batch


default_collate_fn_map: dict[Any, Callable[..., Any]] = {
    Tensor: collate_tensor_fn, np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn, float: collate_float_fn, int: collate_int_fn,
    str: collate_str_fn, bytes: collate_str_fn,
}


def _stack_tensors(batch: Sequence[Tensor]) -> Tensor:
    if set(map(type, batch)) == {Tensor}:  # the usual batch, checked on the arrays (the properties cost 8x)
        arrays = [t._array for t in batch]
        shape, dtype = arrays[0].shape, arrays[0].dtype
        if (type(arrays[0]) is np.ndarray and all(a.shape == shape and a.dtype == dtype for a in arrays)
                and not any(t._requires_grad for t in batch)):
            out = stack_first(arrays)
            return from_numpy(np.stack(arrays) if out is None else out)
    first = batch[0]
    for k, t in enumerate(batch):
        if not isinstance(t, Tensor):  # (PyTorch's stack's TypeError)
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got {type(t).__name__}")
    if any(t.shape != first.shape for t in batch):
        k = next(i for i, t in enumerate(batch) if t.shape != first.shape)
        shapes = sorted({t.shape for t in batch})
        raise ShapeError(  # PyTorch's words (its stack's) first
            f"stack expects each tensor to be equal size, but got {list(first.shape)} at entry 0 and "
            f"{list(batch[k].shape)} at entry {k} (default_collate: samples must have equal shapes to be "
            f"stacked, got {shapes})")
    if any(t.requires_grad or t.dtype != first.dtype for t in batch):
        return stack(list(batch))  # recorded, so gradients reach the samples (mixed dtypes: promoted)
    return from_numpy(np.stack([t.numpy(force=True) for t in batch]))


def default_convert(data: Any) -> Any:
    """Turn numpy arrays and numpy scalars inside ``data`` into Tensors; keep everything else.

    What a DataLoader with ``batch_size=None`` applies to each sample.
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _STRING_OR_OBJECT.search(data.dtype.str) else _as_tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return _as_tensor(data)
    if isinstance(data, Mapping):
        return _rebuild(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data
