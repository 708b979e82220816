"""Devices: minigrad computes on the CPU, and says so when asked for anything else.

``mg.device('cpu')`` is PyTorch's device object; every function that takes
``device=`` passes it through :func:`check_device`, which accepts the CPU and
raises :class:`~minigrad.errors.DeviceError` for a GPU or any other device. As
in PyTorch, a device object for ``'cuda'`` can be *built* (scripts write
``torch.device('cuda' if torch.cuda.is_available() else 'cpu')``); using it
is what fails.
"""

from __future__ import annotations

import re
from typing import Any, TypeAlias, Union

import numpy as np

from minigrad.errors import DeviceError, bool_error, python_type_name
from minigrad.memory_formats import check_format

__all__ = ["DeviceLike", "check_device", "device", "get_default_device", "parse_to", "set_default_device"]

# The device types PyTorch's device strings may start with (its own list).
_KNOWN_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
    "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip
_DEVICE_STRING = re.compile(r"([a-z]+)(?::(\d+))?")


class device:  # noqa: N801 - PyTorch's name
    """Where a tensor lives, as ``torch.device``: ``device('cpu')``, ``device('cpu', 0)``, ``'cpu:0'``.

    Attributes ``type`` (a string) and ``index`` (an int or None). Two devices
    are equal when both agree; as in PyTorch a device never equals a string
    (compare ``d.type == 'cpu'``). Only ``'cpu'`` can hold minigrad tensors.

    Raises:
        DeviceError: an unknown device type, or a malformed string (PyTorch
            raises RuntimeError here; DeviceError is one).
        TypeError: neither a string, a device nor an int.
    """

    __slots__ = ("index", "type")

    type: str
    index: int | None

    def __init__(self, type: str | device | int, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): an index cannot be given with a device object")
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            # PyTorch reads a bare int as an accelerator ordinal
            raise DeviceError(
                f"device({type}) means accelerator {type}, but minigrad runs on the CPU only; use 'cpu'"
            )
        if not isinstance(type, str):
            raise TypeError(f"device() expects a string, a device or an int, got {type!r}")
        m = _DEVICE_STRING.fullmatch(type)
        if m is None or m.group(1) not in _KNOWN_TYPES:
            head = type.split(":", 1)[0]
            if head in _KNOWN_TYPES:
                raise DeviceError(f"Invalid device string: {type!r}")
            raise DeviceError(
                f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start of device string: {type}"
            )
        if m.group(2) is not None:
            if index is not None:
                raise DeviceError(f"type (string) must not include an index because index was passed "
                                  f"explicitly: {type}")
            index = int(m.group(2))
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            raise DeviceError(f"Device index must not be negative, got {index!r}")
        self.type, self.index = m.group(1), index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __enter__(self) -> device:
        """``with torch.device('cpu'):`` makes it the default device of new tensors: minigrad's already.

        Raises:
            DeviceError: a device other than the CPU (minigrad computes on the CPU only).
        """
        check_device(self)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (self.type, self.index))


DeviceLike: TypeAlias = Union[device, str, int, None]

CPU = device("cpu")


def check_device(dev: DeviceLike) -> device:
    """Return ``device('cpu')`` for None, ``'cpu'``, ``'cpu:0'`` or a CPU device object.

    Raises:
        DeviceError: any other device (``'cuda'``, ``'mps'``, an int ordinal,
            ...): minigrad computes on the CPU only.
        TypeError: not a device, a string or an int.
    """
    if dev is None or dev is CPU:
        return CPU
    d = dev if isinstance(dev, device) else device(dev)
    if d.type != "cpu":
        raise DeviceError(
            ("Torch not compiled with CUDA enabled (" if d.type == "cuda" else "")  # (PyTorch's CPU build's)
            + f"device '{d}' was requested, but minigrad runs on the CPU only (there is no GPU or "
            "accelerator backend); use device='cpu', or choose the device with "
            "cuda.is_available(), which is False in minigrad" + (")" if d.type == "cuda" else "")
        )
    if d.index not in (None, 0):
        raise DeviceError(f"device '{d}' was requested, but minigrad has one CPU device, 'cpu' (or 'cpu:0')")
    return CPU


def check_pin_memory(fn: str, pin_memory: Any) -> None:
    """PyTorch's checks of a factory's ``pin_memory=``: a bool (or None); True asks for page-locked memory
    for copies to an accelerator, which PyTorch's CPU build (and minigrad) does not have.

    Raises:
        TypeError: not a bool or None (PyTorch's parser words).
        DeviceError: True (PyTorch's RuntimeError on its CPU build).
    """
    if pin_memory is True:
        raise DeviceError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
                          f"allocator is available on this system. ({fn}: minigrad runs on the CPU only; "
                          "pass pin_memory=False)")
    if pin_memory is not False and pin_memory is not None:
        raise bool_error(fn, "pin_memory", pin_memory)


def set_default_device(dev: DeviceLike) -> None:
    """Accept ``'cpu'`` (or None) as the default device, as ``torch.set_default_device``.

    Raises:
        DeviceError: any other device; minigrad computes on the CPU only.
    """
    check_device(dev)


def get_default_device() -> device:
    """The device new tensors are made on: always ``device('cpu')``."""
    return CPU


def _is_device_arg(x: Any) -> bool:
    return isinstance(x, (str, device)) or (isinstance(x, int) and not isinstance(x, bool))


def _to_error(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """PyTorch's words for ``to()`` arguments none of its overloads takes, with the types given."""
    def kind(v: Any) -> str:
        if hasattr(v, "device") and hasattr(v, "dtype") and hasattr(v, "shape"):
            return "Tensor"
        return "torch.dtype" if isinstance(v, np.dtype) else "torch.device" if isinstance(v, device) \
            else python_type_name(v)

    got = ", ".join([kind(v) for v in args] + [f"{k}={kind(v)}" for k, v in kwargs.items()])
    tail = "bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n"
    return (f"to() received an invalid combination of arguments - got ({got}), but expected one of:\n"
            f" * (torch.device device = None, torch.dtype dtype = None, {tail}"
            f" * (torch.dtype dtype, {tail} * (Tensor tensor, {tail}")


def parse_to(args: tuple[Any, ...], kwargs: dict[str, Any], fn: str = "to") -> tuple[Any, bool]:
    """Read the arguments of PyTorch's ``to()``; returns ``(dtype or None, copy)``.

    The accepted forms, as ``Tensor.to``: ``to(dtype, non_blocking=False, copy=False)``,
    ``to(device=None, dtype=None, non_blocking=False, copy=False)`` and
    ``to(other, non_blocking=False, copy=False)`` where ``other`` is a tensor
    (anything with ``.device`` and ``.dtype``) whose dtype is taken. The device,
    if any, is checked with :func:`check_device`; ``non_blocking`` has no
    effect on the CPU.

    Raises:
        DeviceError: a device other than the CPU.
        TypeError: arguments that fit none of the forms.
    """
    rest = list(args)
    kw = dict(kwargs)
    dev = kw.pop("device", None)
    dtype = kw.pop("dtype", None)
    non_blocking = kw.pop("non_blocking", False)
    copy = kw.pop("copy", False)
    check_format(kw.pop("memory_format", None), fn.rpartition(".")[2])  # the Tensor's to() honours it
    if kw:
        raise TypeError(f"{fn}() got an unexpected keyword argument {next(iter(kw))!r}")
    tensor = False
    device_form = bool(rest) and (rest[0] is None or _is_device_arg(rest[0]))
    if device_form:  # to(device=None, dtype=None, ...): a None first is this form's device (kornia Image.to)
        if dev is not None:
            raise TypeError(f"{fn}() got multiple values for argument 'device'")
        dev = rest.pop(0)
    elif rest and hasattr(rest[0], "device") and hasattr(rest[0], "dtype") and hasattr(rest[0], "shape"):
        other, tensor = rest.pop(0), True
        dev, dtype = other.device, other.dtype
    if rest and not tensor and (device_form or not isinstance(rest[0], bool)):
        if isinstance(rest[0], (bool, str)):  # (the device form's second slot is the dtype: to('cpu', False))
            raise TypeError(_to_error(args, kwargs))
        if dtype is not None:
            raise TypeError(f"{fn}() got multiple values for argument 'dtype'")
        dtype = rest.pop(0)
    if rest:
        non_blocking = rest.pop(0)
    if rest:
        copy = rest.pop(0)
    # PyTorch's parser takes the flags only as bools (1, None, a numpy bool: no overload matches)
    if rest or (non_blocking is not True and non_blocking is not False) or (
            copy is not True and copy is not False):
        raise TypeError(_to_error(args, kwargs))
    del non_blocking  # accepted for PyTorch code; a CPU copy is always synchronous
    check_device(dev)
    return dtype, copy
