"""PyTorch's legacy typed constructors: ``mg.FloatTensor``, ``mg.LongTensor``, ... (``torch.FloatTensor``).

Older tutorials build tensors with ``torch.FloatTensor([1, 2])`` or
``torch.LongTensor(3, 4)``, test ``isinstance(x, torch.FloatTensor)`` and call
``x.type(torch.DoubleTensor)``. As in PyTorch these are not subclasses of the
Tensor: each is a class of :class:`TensorType`, whose call makes an ordinary
:class:`~minigrad.Tensor` of its dtype and whose ``isinstance`` is true for any
tensor of that dtype. The constructors take PyTorch's legacy forms (data,
sizes, a ``Size``, a tensor of the same dtype, nothing) and only ``device=``;
``requires_grad=`` and ``dtype=`` are TypeErrors there, as in PyTorch.
"""

from __future__ import annotations

import operator
import sys
import warnings
from typing import Any

import numpy as np

from minigrad import _format
from minigrad._tensor_methods import provide
from minigrad.default_dtype import get_default_dtype, set_default_dtype
from minigrad.device import DeviceLike, check_device
from minigrad.dtypes import DTYPES, check_fits, dtype, dtype_from_type_name, resolve_dtype, tensor_type_name
from minigrad.errors import DeviceError
from minigrad.settings import warn_once_due
from minigrad.size import Size
from minigrad.tensor import Tensor, _legacy_sizes, from_numpy

__all__ = [
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor", "IntTensor",
    "LongTensor", "ShortTensor", "TensorType", "set_default_tensor_type",
]  # fmt: skip


def _is_size(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class TensorType(type):
    """The class of ``FloatTensor`` and its kin (PyTorch's ``torch.tensortype``).

    Calling one makes a Tensor of its ``dtype``:

    - ``FloatTensor()``: an empty 1-D tensor;
    - ``FloatTensor(data)``: from a list, tuple or numpy array, converted as
      PyTorch does (floats truncate into integer types; a Python number out of
      an integer type's range is an error);
    - ``FloatTensor(2, 3)`` or ``FloatTensor(Size([2, 3]))``: that shape,
      zero-filled (PyTorch leaves the memory uninitialized);
    - ``FloatTensor(t)``: ``t`` itself seen anew (sharing memory and the
      graph); ``t`` must have this dtype.

    ``isinstance(x, FloatTensor)`` is true for every float32 tensor.

    Raises:
        TypeError: a keyword other than ``device``, a number or string as the
            data, ``t`` of another dtype, or sizes that are not all ints.
        InvalidParameterError: a negative size, or a Python number that does
            not fit the integer dtype (PyTorch: RuntimeError, overflow).
        DeviceError: a device other than the CPU.
    """

    dtype: np.dtype[Any]
    is_cuda = False
    is_sparse = False

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class '{_format.NAMESPACE}.{cls.__name__}'>"

    def __call__(cls, *args: Any, device: DeviceLike = None) -> Tensor:
        check_device(device)
        if not args:
            return from_numpy(np.empty(0, dtype=cls.dtype))
        first = args[0]
        if len(args) == 1 and isinstance(first, Tensor):
            if first.dtype != cls.dtype:
                raise TypeError(f"{cls.__name__}(tensor): expected a tensor of dtype {cls.dtype}, got "
                                f"{first.dtype}; convert it with .to({cls.dtype}) or .type({cls.__name__})")
            return first[...]
        if len(args) == 1 and isinstance(first, Size):
            args = tuple(first)
        if all(_is_size(a) for a in args):
            shape = tuple(operator.index(a) for a in args)
            return from_numpy(_legacy_sizes(shape).astype(cls.dtype, copy=False))
        if len(args) > 1:
            got = ", ".join(type(a).__name__ for a in args)
            raise TypeError(f"{cls.__name__}(): received an invalid combination of arguments - got ({got}); "
                            "expected sizes (ints) or one data argument")
        if isinstance(first, range):
            first = list(first)
        if not isinstance(first, (list, tuple, np.ndarray)):
            raise TypeError(f"{cls.__name__}(): data must be a sequence (got {type(first).__name__})")
        if cls.dtype.kind in "iu" and not isinstance(first, np.ndarray):
            check_fits(np.asarray(first), cls.dtype, f"{cls.__name__}(data)")
        return Tensor(first, dtype=cls.dtype)


def _make(name: str) -> TensorType:
    dt = dtype_from_type_name(name)
    assert dt is not None
    doc = (f"``{name}(...)``: a {dt} Tensor (PyTorch's legacy constructor); "
           f"``isinstance(x, {name})`` is true for {dt} tensors. See :class:`TensorType`.")
    return TensorType(name, (), {"dtype": dt, "__doc__": doc, "__module__": "minigrad"})


FloatTensor = _make("FloatTensor")
DoubleTensor = _make("DoubleTensor")
HalfTensor = _make("HalfTensor")
LongTensor = _make("LongTensor")
IntTensor = _make("IntTensor")
ShortTensor = _make("ShortTensor")
CharTensor = _make("CharTensor")
ByteTensor = _make("ByteTensor")
BoolTensor = _make("BoolTensor")


def type_target(target: Any) -> np.dtype[Any]:
    """The dtype ``x.type(target)`` converts to: a typed class, a type string, a dtype, or ``Tensor``.

    Raises:
        ValueError: anything else (``'float64'``, ``int``, ``'torch.Foo'``), as PyTorch.
        DeviceError: a CUDA type string (``'torch.cuda.FloatTensor'``).
        TypeError: ``bfloat16`` (numpy has no such type), or a CUDA type class (``torch.cuda.FloatTensor``).
    """
    if isinstance(target, TensorType):
        return target.dtype
    if target is Tensor or target == "torch.Tensor":
        return get_default_dtype()
    if isinstance(target, dtype):
        return resolve_dtype(target)  # type: ignore[arg-type]  # (mg.dtype's instances are numpy dtypes)
    if type(target).__name__ == "_CudaTensorType":  # torch.cuda.FloatTensor: PyTorch's TypeError, no CUDA
        raise TypeError(f"type torch.cuda.{target.__name__} not available. Torch not compiled with CUDA "
                        "enabled.")
    if isinstance(target, str) and target.startswith("torch.cuda."):
        raise DeviceError(f"Tensor.type({target!r}): minigrad runs on the CPU only (there is no GPU backend)")
    if isinstance(target, str) and any(target == tensor_type_name(dt) for dt in DTYPES):
        named = dtype_from_type_name(target)
        assert named is not None
        return named
    shown = target if isinstance(target, str) else getattr(target, "__qualname__", type(target).__name__)
    raise ValueError(f"invalid type: {shown!r}")


provide(sys.modules[__name__])  # Tensor.type reads type_target


def set_default_tensor_type(t: Any) -> None:
    """The legacy ``torch.set_default_tensor_type(torch.DoubleTensor)`` (or ``'torch.DoubleTensor'``): sets
    the default float dtype, warning as PyTorch that the function is deprecated.

    Raises:
        TypeError: a non-floating type (PyTorch's message).
        ValueError: not a tensor type or its name.
    """
    target = type_target(t)
    if target.kind != "f":
        raise TypeError("only floating-point types are supported as the default type")
    if warn_once_due("set_default_tensor_type"):  # (PyTorch's TORCH_WARN_ONCE)
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                      "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                      UserWarning, stacklevel=1)  # (located here, as PyTorch's is in torch/__init__.py)
    set_default_dtype(target)
