"""Merging samples into batches, as ``torch.utils.data.default_collate`` and ``default_convert``.

The structure of a sample is kept and its leaves are stacked: a batch of
``(x, y)`` tuples becomes ``[X, Y]`` (a list, as in PyTorch), a batch of dicts
a dict of batches, namedtuples stay namedtuples. Leaves: Tensors and numpy
arrays are stacked along a new dim 0, Python ints become an int64 tensor,
floats a float64 tensor, bools a bool tensor, numpy scalars a tensor of
their dtype; strings and bytes stay a list.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

import numpy as np

from minigrad.errors import ShapeError
from minigrad.tensor import Tensor, from_numpy, stack

__all__ = ["default_collate", "default_convert"]

_STRING_OR_OBJECT = re.compile(r"[SaUO]")  # numpy dtype codes that hold no numbers


def _type_error(what: Any) -> TypeError:
    return TypeError(
        f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {what}"
    )


def _as_tensor(a: np.ndarray[Any, Any] | np.generic) -> Tensor:
    return Tensor(np.asarray(a))  # numpy's dtype where minigrad has it (float64 stays float64)


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


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, exactly as PyTorch's ``default_collate`` structures it.

    Raises:
        ShapeError: tensors or arrays of different shapes, or sequences of
            different lengths.
        TypeError: a leaf type that cannot be batched (None, objects, string arrays).
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):
        if _STRING_OR_OBJECT.search(elem.dtype.str):
            raise _type_error(elem.dtype)
        return _stack_tensors([_as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number, np.object_)):
        return _as_tensor(np.array(batch))
    if isinstance(elem, float):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):  # bools too: a bool tensor, as torch.tensor([True, ...])
        return Tensor(np.array(batch, dtype=np.bool_ if isinstance(elem, bool) else np.int64))
    if isinstance(elem, (str, bytes)):
        return batch  # as given: a list at the top level, a tuple inside a sequence
    if isinstance(elem, Mapping):
        return _rebuild(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise ShapeError("default_collate: each element in list of batch should be of equal size")
        # each column is a tuple, which strings keep as their batch (PyTorch does the same)
        columns = [default_collate(samples) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _rebuild(elem, columns)
    raise _type_error(type(elem))


def _stack_tensors(batch: Sequence[Tensor]) -> Tensor:
    first = batch[0]
    if any(t.shape != first.shape for t in batch):
        shapes = sorted({t.shape for t in batch})
        raise ShapeError(f"default_collate: samples must have equal shapes to be stacked, got {shapes}")
    if any(t.requires_grad for t in batch):
        return stack(list(batch))  # recorded, so gradients reach the samples
    return from_numpy(np.stack([t.numpy() for t in batch]))


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
