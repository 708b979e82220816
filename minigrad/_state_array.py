"""The numpy arrays a ``state_dict()`` holds, with the Tensor manners PyTorch code relies on.

API.md makes ``Module.state_dict()`` a dict of numpy arrays. PyTorch scripts
treat those values as tensors: the save/load tutorial prints
``state_dict()[name].size()``, "keep the best weights" loops call
``v.clone()``, and weight-EMA code (timm's ``ModelEmaV2``) writes through
``ema_v.copy_(...)``. :class:`StateArray` is an ``np.ndarray`` subclass, so
every numpy function sees an ordinary array, that also answers those calls
as ``torch.Tensor`` does. As in PyTorch, a state dict's values share memory
with the module's parameters and buffers: ``clone()`` (or ``copy.deepcopy``)
is how a script keeps a snapshot.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from minigrad import _format
from minigrad.device import check_device, parse_to
from minigrad.dtypes import DTypeLike, resolve_dtype, torch_style
from minigrad.size import Size

__all__ = ["StateArray", "as_state_array"]


_SHAPE: Any = np.ndarray.shape  # numpy's own descriptors, under the properties StateArray puts over them
_DTYPE: Any = np.ndarray.dtype


class _Count(int):
    """An element count that can also be called, as ``Tensor.size(dim=None)``.

    numpy's ``a.size`` is an int and PyTorch's ``t.size()`` a method; this is
    both, so ``v.size == 6`` and ``v.size() == Size([2, 3])`` hold together.
    """

    _shape: tuple[int, ...]

    def __call__(self, dim: int | None = None) -> Size | int:
        return Size(self._shape) if dim is None else self._shape[dim]


class StateArray(np.ndarray):
    """An ``np.ndarray`` that also has the ``torch.Tensor`` methods scripts call on state-dict values.

    Make one with :func:`as_state_array`. Arithmetic, ufuncs and numpy
    functions behave exactly as on a plain array; the extra methods follow
    PyTorch: ``clone``, ``detach``, ``cpu``, ``to``, ``numpy``, ``float``/``double``/
    ``half``/``long``/``int``/``bool``, ``numel``, ``dim``, ``size()``, ``equal``,
    ``is_floating_point``, ``element_size`` and the in-place ``copy_``,
    ``zero_``, ``fill_``, ``add_``, ``mul_`` and ``lerp_``.
    """

    requires_grad = False
    is_cuda = False

    def __repr__(self) -> str:
        # A numpy array to minigrad code (API.md); under the torch alias (python -m minigrad.compat) the
        # Tensor it stands for, as tutorials print state_dict(): OrderedDict([('weight', tensor([0.3367]))])
        if _format.NAMESPACE == "torch":
            return _format.array_repr(self.view(np.ndarray))
        return np.array_repr(self.view(np.ndarray))

    def __str__(self) -> str:
        return repr(self) if _format.NAMESPACE == "torch" else str(self.view(np.ndarray))

    @property
    def shape(self) -> tuple[builtins.int, ...]:
        # under the torch alias a torch.Size, as scripts print {k: v.shape for k, v in sd.items()}
        found: tuple[builtins.int, ...] = _SHAPE.__get__(self)
        return Size(found) if _format.NAMESPACE == "torch" else found

    @shape.setter
    def shape(self, value: Any) -> None:
        _SHAPE.__set__(self, value)

    @property
    def dtype(self) -> Any:
        # under the torch alias PyTorch's dtype object: EMA code (YOLOv5's ModelEMA) tests
        # v.dtype.is_floating_point over state_dict().items(); numpy's C code reads the array's own
        found = _DTYPE.__get__(self)
        return torch_style(found) if _format.NAMESPACE == "torch" else found

    @dtype.setter
    def dtype(self, value: Any) -> None:
        _DTYPE.__set__(self, value)

    def __getitem__(self, key: Any) -> Any:
        found = super().__getitem__(key)
        # under the torch alias one element is a 0-d value that prints as tensor(-0.8920), not a numpy scalar
        if _format.NAMESPACE == "torch" and isinstance(found, np.generic):
            return np.asarray(found).view(StateArray)
        return found

    @property
    def size(self) -> _Count:
        count = _Count(self.view(np.ndarray).size)
        count._shape = self.shape
        return count

    def numel(self) -> int:
        """The number of elements."""
        return builtins.int(np.prod(self.shape, dtype=np.int64))

    def dim(self) -> int:
        """The number of dimensions."""
        return self.ndim

    def element_size(self) -> int:
        """Bytes per element."""
        return self.itemsize

    def is_floating_point(self) -> builtins.bool:
        """Whether the dtype is a floating-point type."""
        return builtins.bool(_DTYPE.__get__(self).kind == "f")

    def clone(self, *, memory_format: Any = None) -> StateArray:
        """A copy with its own memory (the way to snapshot a state dict's value)."""
        del memory_format
        return as_state_array(np.array(self, order="K"))

    def data_ptr(self) -> builtins.int:
        """The address of the first element, as the module's tensor (they share memory)."""
        return builtins.int(self.__array_interface__["data"][0])

    def detach(self) -> StateArray:
        """The same memory: there is no graph to leave."""
        return self.view(StateArray)

    def cpu(self, memory_format: Any = None) -> StateArray:
        """Returns self: everything lives on the CPU."""
        del memory_format
        return self

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False) -> StateArray:
        """Raises DeviceError, as ``Tensor.cuda``: minigrad runs on the CPU only."""
        check_device("cuda" if device is None or isinstance(device, builtins.int) else device)
        return self

    def to(self, *args: Any, **kwargs: Any) -> StateArray:
        """``Tensor.to``'s forms (dtype, device, another tensor, ``copy=``); self when nothing changes.

        Raises:
            DeviceError: a device other than the CPU.
            TypeError: arguments that fit none of PyTorch's forms.
        """
        dtype, copy = parse_to(args, kwargs, "Tensor.to")
        return self._as(self.dtype if dtype is None else dtype, copy)

    def _as(self, dtype: DTypeLike, copy: builtins.bool = False) -> StateArray:
        dt = resolve_dtype(dtype)
        if dt == self.dtype and not copy:
            return self
        return as_state_array(self.astype(dt))

    def float(self) -> StateArray:
        """Converted to float32."""
        return self._as(np.float32)

    def double(self) -> StateArray:
        """Converted to float64."""
        return self._as(np.float64)

    def half(self) -> StateArray:
        """Converted to float16."""
        return self._as(np.float16)

    def long(self) -> StateArray:
        """Converted to int64."""
        return self._as(np.int64)

    def int(self) -> StateArray:
        """Converted to int32."""
        return self._as(np.int32)

    def bool(self) -> StateArray:
        """Converted to bool."""
        return self._as(np.bool_)

    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The same memory as a plain ``np.ndarray``."""
        del force
        return self.view(np.ndarray)

    def equal(self, other: Any) -> builtins.bool:
        """True when ``other`` has the same shape and the same values, as ``torch.equal``."""
        theirs = np.asarray(other)
        return self.shape == theirs.shape and builtins.bool(np.array_equal(self, theirs))

    def copy_(self, src: Any, non_blocking: builtins.bool = False) -> StateArray:
        """Write ``src`` (broadcast to this shape) into this memory; returns self."""
        del non_blocking
        np.copyto(self, np.asarray(src), casting="unsafe")
        return self

    def zero_(self) -> StateArray:
        """Fill with zeros in place; returns self."""
        return self.fill_(0)

    def fill_(self, value: Any) -> StateArray:
        """Fill with ``value`` in place; returns self."""
        self.fill(value)
        return self

    def add_(self, other: Any, *, alpha: Any = 1) -> StateArray:
        """``self += alpha * other`` in place; returns self."""
        return self.copy_(self + alpha * np.asarray(other))

    def mul_(self, other: Any) -> StateArray:
        """``self *= other`` in place; returns self."""
        return self.copy_(self * np.asarray(other))

    def lerp_(self, end: Any, weight: Any) -> StateArray:
        """``self += weight * (end - self)`` in place; returns self."""
        return self.copy_(self + np.asarray(weight) * (np.asarray(end) - self))


def as_state_array(array: np.ndarray) -> StateArray:
    """``array`` seen as a :class:`StateArray`: the same memory, no copy."""
    return array.view(StateArray)
