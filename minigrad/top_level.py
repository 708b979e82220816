"""PyTorch's small top-level helpers: ``frombuffer``, the deprecated ``range``, ``detach``, ``is_signed``,
``get_device``, ``typename``, ``_assert``, ``is_same_size``, ``set_flush_denormal``, the DLPack
exchange ``from_dlpack`` / ``to_dlpack`` and the symbolic-size classes ``SymInt``, ``SymFloat``,
``SymBool``."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np

from minigrad import device as _device
from minigrad._leaf_rules import leaf_requires_grad
from minigrad._tensor_methods import provide
from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import DTypeLike, resolve_dtype
from minigrad.errors import InvalidParameterError, not_tensor_error, public_stacklevel, python_type_name
from minigrad.errors import user_stacklevel as user_stacklevel  # (torch.range names the caller's line)
from minigrad.settings import warn_once_due
from minigrad.tensor import Tensor, from_numpy
from minigrad.tensor import as_tensor as tensor_as_tensor
from minigrad.tensor import where as tensor_where

__all__ = ["SymBool", "SymFloat", "SymInt", "_assert", "adjoint", "detach", "from_dlpack", "frombuffer",
           "get_device", "is_same_size",
           "is_signed", "is_storage", "range", "set_flush_denormal", "to_dlpack", "typename"]


class _Symbolic:
    """A size or scalar PyTorch leaves symbolic while ``torch.export`` or ``torch.compile(dynamic=True)``
    traces. minigrad runs every program eagerly with concrete sizes, so no value is ever one of these: the
    classes exist for library code that tests ``isinstance(n, (int, torch.SymInt))`` (keras's torch backend
    does) and there answer False.

    Raises:
        TypeError: on construction (minigrad has no symbolic nodes to wrap).
    """

    def __init__(self, node: Any) -> None:
        raise TypeError(f"minigrad has no symbolic shapes: a {type(self).__name__} cannot be made")


class SymInt(_Symbolic):
    """PyTorch's symbolic int (see :class:`_Symbolic`): no minigrad value is one."""


class SymFloat(_Symbolic):
    """PyTorch's symbolic float (see :class:`_Symbolic`): no minigrad value is one."""


class SymBool(_Symbolic):
    """PyTorch's symbolic bool (see :class:`_Symbolic`): no minigrad value is one."""


def _assert(condition: Any, message: str) -> None:
    """``assert condition, message``: the form model code (timm's patch embedding, Swin) checks shapes with.

    Raises:
        AssertionError: ``condition`` is false (a bool, or a one-element Tensor).
    """
    assert condition, message  # (PyTorch's torch._assert is this assert)


def detach(input: Tensor) -> Tensor:  # noqa: A002
    """``input.detach()``: the same values outside the graph."""
    return input.detach()


def is_signed(input: Tensor) -> bool:  # noqa: A002
    """Whether the tensor's dtype holds negative values (``input.is_signed()``)."""
    return bool(input.is_signed())


def is_same_size(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """Whether the two tensors have the same shape.

    Raises:
        TypeError: either is not a Tensor (PyTorch's message).
    """
    for position, (name, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise not_tensor_error("is_same_size", name, position, value)
    return input.shape == other.shape


def set_flush_denormal(mode: bool) -> bool:
    """Whether the CPU's flush-denormal mode could be set to ``mode``: minigrad computes with numpy, which
    keeps subnormal numbers, so turning flushing off succeeds (True) and turning it on does not (False;
    PyTorch on x86 answers True and flushes in its own kernels)."""
    return not mode


def from_dlpack(ext_tensor: Any, *, device: Any = None, copy: bool | None = None) -> Tensor:
    """A tensor sharing the memory of a DLPack producer (an object with ``__dlpack__``: a numpy array, a
    PyTorch tensor, another minigrad tensor) or of a capsule from :func:`to_dlpack`.

    ``device``: where the result lives; only the CPU (None, ``'cpu'``, ``'cpu:0'``). ``copy``: True
    always copies the memory, False and None share it (a CPU producer's memory is readable as it is).

    Raises:
        RuntimeError: ``ext_tensor`` is neither (numpy's TypeError, or a BufferError for a device numpy
            cannot read).
        DeviceError: ``device`` is not the CPU (PyTorch's CPU build's AssertionError for CUDA).
        AssertionError: ``device`` is neither a device nor a string (PyTorch's words).
    """
    if device is not None:
        if not isinstance(device, (str, _device.device)):  # (PyTorch's assert)
            raise AssertionError(f"from_dlpack: unsupported device type: {type(device)}")
        _device.check_device(device)
    if isinstance(ext_tensor, Tensor):
        out = ext_tensor.detach()
        return out.clone() if copy else out
    if type(ext_tensor).__name__ == "PyCapsule":
        ext_tensor = _Capsule(ext_tensor)
    return from_numpy(np.from_dlpack(ext_tensor, copy=True if copy else None))


class _Capsule:
    """A bare DLPack capsule dressed as a producer, so numpy's from_dlpack (which wants ``__dlpack__``)
    takes it; a capsule can be consumed once."""

    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)  # kDLCPU, device 0


def to_dlpack(tensor: Tensor) -> Any:
    """A DLPack capsule viewing the tensor's memory (for ``from_dlpack`` of this or another library).

    A tensor that requires grad is exported detached, as PyTorch's ``to_dlpack`` does.

    Raises:
        TypeError: ``tensor`` is not a Tensor.
    """
    if not isinstance(tensor, Tensor):
        raise not_tensor_error("to_dlpack", "tensor", 1, tensor)
    return tensor.detach().numpy().__dlpack__()


def get_device(input: Tensor) -> int:  # noqa: A002
    """-1: the tensor is on the CPU (PyTorch's answer for CPU tensors; a GPU's index otherwise).

    Raises:
        TypeError: ``input`` is not a Tensor.
    """
    if not isinstance(input, Tensor):
        raise not_tensor_error("get_device", "input", 1, input)
    return -1


def adjoint(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """``input.adjoint()``: the (conjugate) transpose of the last two dims, a view; ``input.mT`` for real
    tensors.

    Raises:
        ShapeError: fewer than 2 dims (PyTorch's error).
    """
    return input.adjoint()


def is_storage(obj: Any) -> bool:
    """Whether ``obj`` is a storage (what ``Tensor.untyped_storage()`` or ``storage()`` returns); False for a
    tensor."""
    from minigrad._tensor_methods import Storage, TypedStorage

    return isinstance(obj, (Storage, TypedStorage))


def typename(obj: Any) -> str:
    """PyTorch's type string: ``'torch.FloatTensor'`` for a float32 tensor; for a class or function its
    own qualified name, for other objects their class's (``'int'``; ``'torch.nn.modules.linear.Linear'``
    is minigrad's own module path here)."""
    if isinstance(obj, Tensor):
        return str(obj.type())
    # as PyTorch: the object's own __qualname__ (or __name__) where it has one (a class, a function), with
    # its __module__; else its class's module and name ('numpy.ndarray', 'collections.OrderedDict')
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        name = obj.__qualname__
    elif hasattr(obj, "__name__"):
        name = obj.__name__
    else:
        module, name = type(obj).__module__ or "", type(obj).__qualname__
    return str(name) if module in ("", "builtins") else f"{module}.{name}"


def frombuffer(buffer: Any, *, dtype: DTypeLike, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-D tensor over the bytes of ``buffer`` (an object with the buffer protocol: bytes, bytearray,
    memoryview, array.array), sharing its memory: ``count`` elements of ``dtype`` (-1: all) from byte
    ``offset``.

    Raises:
        InvalidParameterError: a ``count`` or ``offset`` outside the buffer, or a buffer whose length is not
            a multiple of the element size (PyTorch's ValueErrors).
    """
    dt = resolve_dtype(dtype)
    nbytes = memoryview(buffer).nbytes
    if offset < 0 or offset > nbytes or (nbytes and offset == nbytes):
        raise InvalidParameterError(f"both buffer length ({nbytes}) and offset ({offset}) must be positive, "
                                    "and offset must be less than the buffer length")
    if count == 0 or count < -1:
        raise InvalidParameterError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    if count == -1 and (nbytes - offset) % dt.itemsize:
        raise InvalidParameterError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) "
                                    f"must be a multiple of element size ({dt.itemsize})")
    if count > 0 and offset + count * dt.itemsize > nbytes:
        raise InvalidParameterError(f"requested buffer length ({count} * {dt.itemsize} bytes) after offset "
                                    f"({offset} bytes) must not be greater than actual buffer length "
                                    f"({nbytes} bytes)")
    arr = np.frombuffer(buffer, dtype=dt, count=count, offset=offset)
    if not arr.flags.writeable and warn_once_due("buffer"):
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable "
                      "tensors. This means you can write to the underlying (supposedly non-writable) buffer "
                      "using the tensor. You may want to copy the buffer to protect its data or make it "
                      "writable before converting it to a tensor.", UserWarning,
                      stacklevel=public_stacklevel(2))
    t = from_numpy(arr)
    return leaf_requires_grad(t) if requires_grad else t


def range(start: float, end: float, step: float = 1, *,  # noqa: A001
          dtype: DTypeLike = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """The deprecated ``torch.range``: values from ``start`` to ``end`` *inclusive* by ``step``, in the
    default float dtype unless ``dtype`` (warns, as PyTorch, to use ``arange``).

    Raises:
        InvalidParameterError: a zero step, or one going away from ``end``.
    """
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior "
                  "is inconsistent with Python's range builtin. Instead, use torch.arange, which produces "
                  "values in [start, end).", UserWarning, stacklevel=user_stacklevel())  # (the caller's line)
    _device.check_pin_memory("range", _.get("pin_memory"))
    if step == 0 or (end - start) * step < 0:
        raise InvalidParameterError("upper bound and lower bound inconsistent with step sign")
    n = int((end - start) // step) + 1
    dt = get_default_dtype() if dtype is None else resolve_dtype(dtype)
    t = from_numpy((start + np.arange(n, dtype=np.float64) * step).astype(dt))
    return leaf_requires_grad(t) if requires_grad else t


#: the overloads PyTorch's ``torch.where`` error lists (the method's: ``Tensor.where``'s own two)
_WHERE_OVERLOADS = (" * (Tensor condition)\n"
                    " * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n"
                    " * (Tensor condition, Number self, Tensor other)\n"
                    " * (Tensor condition, Tensor input, Number other)\n"
                    " * (Tensor condition, Number self, Number other)\n")
_WHERE_METHOD_OVERLOADS = " * (Tensor condition, Tensor other)\n * (Tensor condition, Number other)\n"


def _operand(value: Any) -> bool:
    """Whether PyTorch's parser takes ``value`` for a Tensor or a Number (not a list, an ndarray, None)."""
    if isinstance(value, (Tensor, bool, int, float, complex, np.number, np.bool_)):
        return True
    return isinstance(value, np.ndarray) and type(value) is not np.ndarray  # (a state dict's StateArray)


def where_error(args: tuple[Any, ...], method: bool) -> TypeError:
    """PyTorch's TypeError for ``where`` arguments none of its overloads takes (``torch.where(c, x, array)``,
    ``x.where(c, [0.0])``), listing them as its parser does."""
    got = ", ".join("Tensor" if isinstance(a, Tensor) else python_type_name(a) for a in args)
    return TypeError(f"where() received an invalid combination of arguments - got ({got}), but expected one "
                     f"of:\n{_WHERE_METHOD_OVERLOADS if method else _WHERE_OVERLOADS}")


def where(condition: Any, input: Any = None, other: Any = None) -> Any:  # noqa: A002
    """``torch.where``: :func:`minigrad.tensor.where` (``input`` where ``condition``, else ``other``; or the
    indices of ``condition``'s non-zeros alone) with PyTorch's argument checks; minigrad's own code calls
    that one with numpy arrays too.

    Raises:
        TypeError: a condition that is not a Tensor, or an operand neither a Tensor nor a number (a numpy
            array, a list), where numpy would have computed (PyTorch's argument errors).
    """
    if input is None and other is None:
        if not isinstance(condition, Tensor):
            raise not_tensor_error("where", "condition", 1, condition)
        return tensor_where(condition)
    if not isinstance(condition, Tensor) or not _operand(input) or not _operand(other):
        raise where_error((condition, input, other), method=False)
    return tensor_where(condition, input, other)


provide(sys.modules[__name__])  # (Tensor.where checks its arguments with the helpers above)


_READ_ONLY = ("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
              "This means writing to this tensor will result in undefined behavior. You may want to copy the "
              "array to protect its data or make it writable before converting it to a tensor. This type of "
              "warning will be suppressed for the rest of this program.")


def _check_writable(data: Any) -> None:
    if isinstance(data, np.ndarray) and not data.flags.writeable and warn_once_due("numpy"):
        warnings.warn(_READ_ONLY, UserWarning, stacklevel=user_stacklevel())


def public_from_numpy(array: Any) -> Tensor:
    """``torch.from_numpy``: :func:`minigrad.tensor.from_numpy`, with PyTorch's once-per-process warning
    for a read-only array (``np.asarray`` of an image, ``np.broadcast_to``) that the tensor shares.

    Raises:
        TypeError: ``array`` is not a numpy array, or of a dtype PyTorch refuses.
    """
    _check_writable(array)
    return from_numpy(array)


def public_as_tensor(data: Any, dtype: DTypeLike = None, device: Any = None) -> Tensor:
    """``torch.as_tensor``: :func:`minigrad.tensor.as_tensor`, with :func:`public_from_numpy`'s warning for a
    read-only numpy array (PyTorch gives it whether or not the dtype makes a copy)."""
    _check_writable(data)
    return tensor_as_tensor(data, dtype, device)


public_from_numpy.__name__ = public_from_numpy.__qualname__ = "from_numpy"  # (as torch.from_numpy prints)
public_as_tensor.__name__ = public_as_tensor.__qualname__ = "as_tensor"
