"""Functions that make new tensors: constants, ranges and random draws."""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import _draws, _subclass, layouts
from minigrad._clock import tick
from minigrad._kernels import memory_owner as _owner
from minigrad._leaf_rules import leaf_requires_grad
from minigrad._tensor_methods import Storage, provide
from minigrad.default_dtype import get_default_dtype
from minigrad.device import DeviceLike, check_device, check_pin_memory
from minigrad.dtypes import DTypeLike, c_type_name, int64, kernel_error, resolve_dtype
from minigrad.errors import (
    InvalidParameterError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    _KernelParameterError,
    allocating,
    bool_args,
    bool_error,
    missing_arg,
    public_stacklevel,
    python_type_name,
)
from minigrad.grad_mode import _extras
from minigrad.memory_formats import contiguous_format, copy_as, draw_laid_out, preserve_format
from minigrad.random import Generator, resolve
from minigrad.settings import warn_once_due
from minigrad.shapes import shape_arg
from minigrad.tensor import Tensor, _fill_scalar, as_tensor, from_numpy

__all__ = [
    "arange", "asarray", "empty", "empty_like", "empty_permuted", "empty_strided", "full", "full_like",
    "ones", "ones_like", "rand", "rand_like",
    "randint", "randint_like", "randn", "randn_like", "scalar_tensor", "zeros", "zeros_like",
]  # fmt: skip


def _dims(shape: tuple[Any, ...], fn: str = "") -> tuple[int, ...]:
    dims = shape_arg(shape)
    if any(s < 0 for s in dims):
        if fn == "zeros":  # (PyTorch's zeros words it its own way)
            raise InvalidParameterError("zeros: Dimension size must be non-negative.")
        bad = next(s for s in dims if s < 0)  # PyTorch's words
        raise InvalidParameterError(f"Trying to create tensor with negative dimension {bad}: {list(dims)}")
    if math.prod(dims) >= 2**63 or any(s >= 2**63 for s in dims):
        raise InvalidParameterError(f"shape {dims} has more elements than an int64 can count")
    return dims


def _given(shape: tuple[Any, ...], size: Any, fn: str, bare: bool = False) -> tuple[Any, ...]:
    """A factory's sizes, given as ints, one sequence or ``size=``; none at all is PyTorch's TypeError
    (``zeros()`` is no 0-d tensor: that is ``zeros(())``). ``bare``: rand/randn called with no argument at
    all (PyTorch words that one as an invalid combination)."""
    if size is not None:
        return (size,)
    if not shape:
        if bare:
            raise TypeError(f"{fn}() received an invalid combination of arguments - got (), but expected one "
                            "of:\n * (tuple of ints size, *, torch.Generator generator, ...)\n")
        raise missing_arg(fn, "size")
    return shape


def _size_arg(size: Any, fn: str, name: str = "size", position: int | None = 1) -> tuple[int, ...]:
    """A sequence of sizes; one int is PyTorch's TypeError here (``full(3, v)``: its parser takes a tuple
    of ints only, unlike the varargs factories ``zeros(3)``); ``position`` None: given by keyword."""
    if not isinstance(size, (tuple, list)):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{fn}(): argument '{name}'{where} must be tuple of ints, not {type(size).__name__}")
    return _dims(tuple(size))


def _make(data: np.ndarray[Any, Any], requires_grad: bool) -> Tensor:
    if requires_grad is not True and requires_grad is not False and requires_grad is not None:
        # (PyTorch's parser takes only bools here, and None as False)
        raise bool_error(sys._getframe(1).f_code.co_name, "requires_grad", requires_grad)
    t = from_numpy(data)
    t._born = next(tick)  # (no op recorded before now can have read it: see Tensor._repoint)
    return leaf_requires_grad(t) if requires_grad else t


def _float_dtype(dtype: DTypeLike, device: DeviceLike) -> np.dtype[Any]:
    """The dtype of a float factory (the default dtype unless given); checks the device too."""
    check_device(device)
    return get_default_dtype() if dtype is None else resolve_dtype(dtype)


def _range_dtype(fn: str, dt: np.dtype[Any]) -> np.dtype[Any]:
    """``dt`` for a range factory: PyTorch has no bool ranges (its NotImplementedError)."""
    if dt == np.bool_:
        raise kernel_error(fn, dt)
    return dt


def _like_dtype(t: Tensor, dtype: DTypeLike, device: DeviceLike) -> np.dtype[Any]:
    check_device(device)
    return t.dtype if dtype is None else resolve_dtype(dtype)


def _random_dtype(dtype: DTypeLike, device: DeviceLike, fn: str, empty: bool = False) -> np.dtype[Any]:
    dt = _float_dtype(dtype, device)
    if empty and fn.startswith("randn"):  # (PyTorch's normal kernel does not run for no elements)
        return dt
    if dt.kind != "f":  # PyTorch's NotImplementedError, named after the kernel that has no such dtype
        kernel = "normal_kernel_cpu" if fn.startswith("randn") else "check_uniform_bounds"
        words = f"{kernel_error(kernel, dt, suffix='')} ({fn}: dtype={dt} is not a floating dtype)"
        raise _KernelParameterError(words)
    return dt


def _placement(fn: str, layout: Any, pin_memory: Any) -> None:
    """PyTorch's checks of a factory's ``layout=`` and ``pin_memory=``:
    minigrad's tensors are dense, so the layout must be None or ``strided``.

    Raises:
        TypeError: ``layout`` is no ``torch.layout``, or ``pin_memory`` no bool (PyTorch's parser words).
        UnsupportedError: a sparse or jagged layout.
        DeviceError: ``pin_memory=True`` (see :func:`~minigrad.device.check_pin_memory`).
    """
    if layout is not None and layout is not layouts.strided:
        if not isinstance(layout, layouts.layout):
            raise TypeError(f"{fn}(): argument 'layout' must be torch.layout, not {python_type_name(layout)}")
        raise UnsupportedError(f"{fn}: minigrad's tensors are dense; layout={layout!r} is not supported")
    if pin_memory is not False:
        check_pin_memory(fn, pin_memory)


@allocating  # (numpy's MemoryError is no RuntimeError)
def zeros(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False,
          device: DeviceLike = None, size: Any = None, layout: Any = None, pin_memory: Any = False) -> Tensor:
    """A tensor of zeros; ``shape`` as ints or one tuple (or ``size=``, PyTorch's keyword). The default
    dtype (float32) unless ``dtype``.

    ``device`` must be the CPU here and in every factory below: a GPU raises
    :class:`~minigrad.errors.DeviceError`, as does ``pin_memory=True`` (as on PyTorch's CPU build).
    ``layout`` (None or ``strided``) and ``pin_memory`` are checked as PyTorch's (:func:`_placement`).
    """
    _placement("zeros", layout, pin_memory)
    dims = _dims(_given(shape, size, "zeros"), "zeros")
    return _make(np.zeros(dims, _float_dtype(dtype, device)), requires_grad)


@allocating
def ones(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False,
         device: DeviceLike = None, size: Any = None, layout: Any = None, pin_memory: Any = False) -> Tensor:
    """A tensor of ones; ``shape`` as ints or one tuple (or ``size=``). The default dtype unless ``dtype``."""
    _placement("ones", layout, pin_memory)
    dims = _dims(_given(shape, size, "ones"))
    return _make(np.ones(dims, _float_dtype(dtype, device)), requires_grad)


@allocating
def empty(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False, device: DeviceLike = None,
          pin_memory: bool = False, size: Any = None, memory_format: Any = None,
          layout: Any = None) -> Tensor:
    """An uninitialized tensor (its values are whatever memory held); the default dtype unless ``dtype``.
    ``shape`` as ints or one tuple (or ``size=``), laid out as ``memory_format`` says (row-major by default,
    ``channels_last`` for a 4-D one). ``pin_memory=True`` raises, as on PyTorch's CPU build.

    Raises:
        MinigradError: ``preserve_format`` (nothing to preserve), or ``channels_last`` for a tensor that
            is not 4-D (PyTorch's errors).
    """
    _placement("empty", layout, pin_memory)
    dims = _dims(_given(shape, size, "empty"))
    arr = np.empty(dims, _float_dtype(dtype, device))
    if memory_format is not None and memory_format is not contiguous_format:
        if memory_format is preserve_format:
            raise MinigradError("unsupported memory format Preserve")
        arr = copy_as(arr, arr, memory_format, "empty")
    return _make(arr, requires_grad)


def _laid_out(dims: tuple[int, ...], order: Sequence[int], dt: np.dtype[Any]) -> np.ndarray[Any, Any]:
    """Uninitialized memory of shape ``dims`` laid out dim ``order[0]`` outermost, ``order[-1]`` innermost."""
    inverse = [int(i) for i in np.argsort(order)]
    memory: np.ndarray[Any, Any] = np.empty([dims[d] for d in order], dt)
    laid_out: np.ndarray[Any, Any] = memory.transpose(inverse)
    return laid_out


@allocating
def empty_strided(size: Any, stride: Any, *, dtype: DTypeLike = None, requires_grad: bool = False,
                  device: DeviceLike = None, **_: Any) -> Tensor:
    """An uninitialized tensor of ``size`` whose ``stride()`` is ``stride``: a view of uninitialized memory
    of the size those steps reach (gaps stay unused, a 0 step repeats an element, as in PyTorch).

    Raises:
        ShapeError: ``stride`` has not one entry per dim.
        InvalidParameterError: a negative stride.
    """
    check_pin_memory("empty_strided", _.get("pin_memory"))
    dims = _size_arg(size, "empty_strided")
    strides = _size_arg(stride, "empty_strided", "stride", 2)
    if len(strides) != len(dims):
        raise ShapeError(f"empty_strided: mismatch in length of strides and shape ({len(strides)} strides "
                         f"for shape {dims})")
    if any(st < 0 for st in strides):
        raise InvalidParameterError(f"empty_strided: strides must be non-negative, got {strides}")
    dt = _float_dtype(dtype, device)
    reach = 0 if 0 in dims else 1 + sum((n - 1) * st for n, st in zip(dims, strides))
    memory = np.empty(reach, dt)
    arr = np.lib.stride_tricks.as_strided(memory, dims, [st * dt.itemsize for st in strides])
    return _make(arr, requires_grad)


@allocating
def empty_permuted(size: Any, physical_layout: Any, *, dtype: DTypeLike = None, requires_grad: bool = False,
                   device: DeviceLike = None, **_: Any) -> Tensor:
    """An uninitialized tensor of ``size`` whose memory is laid out in ``physical_layout``'s order (a
    permutation of the dims, outermost first): ``stride()`` and ``dim_order()`` are PyTorch's.

    Raises:
        InvalidParameterError: ``physical_layout`` is not a permutation of the dims.
    """
    dims = _size_arg(size, "empty_permuted")
    layout, n = list(physical_layout), len(dims)
    if sorted(layout) != list(range(n)):  # PyTorch's checks, in its order and words
        words = "Duplicate dim not allowed"
        if len(layout) != n:
            words = (f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                     f"len(size) = {n} is not equal to len(physical_layout) = {len(layout)}")
        elif any(not 0 <= d < n for d in layout):
            i = next(i for i, d in enumerate(layout) if not 0 <= d < n)
            words = (f"Dimension out of range (expected to be between 0 and {n - 1}, but got {layout[i]} at "
                     f"index {i}).  NB: negative dims not currently supported; file an issue if you want it.")
        raise InvalidParameterError(f"empty_permuted: {words} (physical_layout {tuple(layout)} is not a "
                                    f"permutation of the {n} dims)")
    return _make(_laid_out(dims, layout, _float_dtype(dtype, device)), requires_grad)


def scalar_tensor(s: float | int | bool, *, dtype: DTypeLike = None, requires_grad: bool = False,
                  device: DeviceLike = None, **_: Any) -> Tensor:
    """A 0-d tensor holding ``s``, of the default float dtype unless ``dtype`` (a number's own type is
    ignored, as PyTorch's)."""
    return _make(np.array(s, _float_dtype(dtype, device)), requires_grad)


@allocating
def full(shape: Any = None, fill_value: float | int | bool | None = None, dtype: DTypeLike = None,
         requires_grad: bool = False, *, value: float | int | bool | None = None,
         device: DeviceLike = None, size: Any = None, layout: Any = None, pin_memory: Any = False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64, the default float).

    ``value=`` is accepted as another name for ``fill_value`` (API.md spells it
    ``full(shape, value)``; PyTorch spells it ``fill_value``), and ``size=`` for ``shape``.

    Raises:
        TypeError: no shape or no fill value given.
        InvalidParameterError: a value the dtype cannot hold.
    """
    _placement("full", layout, pin_memory)
    by_keyword = shape is None
    if shape is None:
        if size is None:
            raise TypeError("full() missing the shape: full(size, fill_value)")
        shape = size
    if fill_value is None:
        if value is None:
            raise TypeError("full() missing the fill value: full(shape, fill_value)")
        fill_value = value
    if not isinstance(fill_value, (int, float, np.number, np.bool_, Tensor)) or (
            isinstance(fill_value, Tensor) and fill_value.ndim):  # (PyTorch's parser: 0-d tensors only)
        raise TypeError("full(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    check_device(device)
    if dtype is None:  # (a numpy integer is an int to PyTorch's parser, a numpy float or bool a float)
        dtype = (np.bool_ if isinstance(fill_value, bool)
                 else int64 if isinstance(fill_value, (int, np.integer)) else get_default_dtype())
    dt = resolve_dtype(dtype)
    shp = _size_arg(shape, "full", position=None if by_keyword else 1)
    return _make(np.full(shp, _fill_scalar(fill_value, dt, "full: fill_value"), dt), requires_grad)


def _like(t: Tensor, data: np.ndarray[Any, Any], requires_grad: bool, memory_format: Any,
          fn: str) -> Tensor:
    """``data`` (``t``'s shape, row-major) laid out as ``memory_format`` asks for ``t``'s copies."""
    if requires_grad is not True and requires_grad is not False and requires_grad is not None:
        raise bool_error(fn, "requires_grad", requires_grad)
    if memory_format is not preserve_format or not t.numpy(force=True).flags.c_contiguous:
        data = copy_as(data, t.numpy(force=True), memory_format, fn)
    out = _make(data, requires_grad)
    # (of a Tensor subclass's instance: one too, as PyTorch's default __torch_function__ makes it)
    return _subclass.take_class(out, (t,), Tensor) if _extras.subclass else out


def zeros_like(input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, *,  # noqa: A002
               device: DeviceLike = None, memory_format: Any = preserve_format,
               layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Zeros with ``input``'s shape (and dtype unless given), laid out as ``input`` or ``memory_format``."""
    _placement("zeros_like", layout, pin_memory)
    data = np.zeros(input.shape, _like_dtype(input, dtype, device))
    return _like(input, data, requires_grad, memory_format, "zeros_like")


def ones_like(input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, *,  # noqa: A002
              device: DeviceLike = None, memory_format: Any = preserve_format,
              layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Ones with ``input``'s shape (and dtype unless given), laid out as ``input`` or ``memory_format``."""
    _placement("ones_like", layout, pin_memory)
    data = np.ones(input.shape, _like_dtype(input, dtype, device))
    return _like(input, data, requires_grad, memory_format, "ones_like")


def empty_like(input: Tensor, dtype: DTypeLike = None, requires_grad: bool = False, *,  # noqa: A002
               device: DeviceLike = None, memory_format: Any = preserve_format,
               layout: Any = None, pin_memory: Any = False) -> Tensor:
    """An uninitialized tensor with ``input``'s shape (and dtype unless given), laid out as ``input``."""
    _placement("empty_like", layout, pin_memory)
    data = np.empty(input.shape, _like_dtype(input, dtype, device))
    return _like(input, data, requires_grad, memory_format, "empty_like")


def full_like(input: Tensor, fill_value: float, dtype: DTypeLike = None,  # noqa: A002
              requires_grad: bool = False, *, device: DeviceLike = None,
              memory_format: Any = preserve_format, layout: Any = None, pin_memory: Any = False) -> Tensor:
    """``fill_value`` with ``input``'s shape (and dtype unless given), laid out as ``input``.

    Raises:
        InvalidParameterError: a value the dtype cannot hold (as :func:`full`; numpy would give inf or
            wrap around).
    """
    _placement("full_like", layout, pin_memory)
    dt = _like_dtype(input, dtype, device)
    data = np.full(input.shape, _fill_scalar(fill_value, dt, "full_like: fill_value"), dt)
    return _like(input, data, requires_grad, memory_format, "full_like")


@allocating
def arange(start: float, end: float | None = None, step: float = 1, dtype: DTypeLike = None,
           requires_grad: bool = False, *, device: DeviceLike = None,
           layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Values from ``start`` (inclusive) to ``end`` (exclusive) by ``step``.

    int64 if all arguments are ints, else the default dtype (PyTorch's rule).

    Raises:
        InvalidParameterError: ``step`` is zero, a bound is nan or infinite, or
            ``step`` points away from ``end`` (as in PyTorch).
        TypeError: an argument is not a real number (or a 0-d tensor of one).
        UnsupportedError: a bool ``dtype`` (PyTorch's NotImplementedError).
    """
    _placement("arange", layout, pin_memory)
    if end is None:
        start, end = 0, start
    # 0-d tensors are numbers to PyTorch (arange(n) with n = x.size(0) kept as a tensor, or t.max())
    start, end, step = (v.item() if isinstance(v, Tensor) and v.ndim == 0 else v for v in (start, end, step))
    for name, v in (("start", start), ("end", end), ("step", step)):
        if not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"arange: {name} must be a real number, got {v!r}")
        if not math.isfinite(v):
            raise InvalidParameterError(f"arange: unsupported range: {start} -> {end} ({name} must be "
                                        f"finite, got {v!r})")
    narrow_ints = False
    if dtype is not None and resolve_dtype(dtype).kind in "iu":
        # PyTorch's kernel: int64 truncates the bounds first; the narrower integer types count the elements
        # from the bounds as given (arange(0.3, dtype=int32) is [0], of int64 empty) and then step from the
        # truncated start by the truncated step (arange(-2.5, 2.5, 0.9, dtype=int32) is six -2s)
        narrow_ints = resolve_dtype(dtype) != int64
        if not narrow_ints:
            start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise InvalidParameterError("step must be nonzero (arange)")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise InvalidParameterError(
            f"upper bound and lower bound inconsistent with step sign (arange: start={start}, end={end}, "
            f"step={step})"
        )
    check_device(device)
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = int64 if ints else get_default_dtype()
    dt = _range_dtype("arange", resolve_dtype(dtype))
    count = np.ceil((end - start) / step)
    if count >= 2**63:
        raise InvalidParameterError(
            f"arange: {start} to {end} by {step} has more elements than an int64 can count"
        )
    n = max(0, int(count))
    if narrow_ints:
        return _make((int(start) + int(step) * np.arange(n, dtype=np.int64)).astype(dt), requires_grad)
    return _make((start + step * np.arange(n, dtype=np.float64)).astype(dt)
                 if dt.kind == "f" else np.arange(start, end, step).astype(dt), requires_grad)


@allocating
def randn(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False,
          generator: Generator | None = None, device: DeviceLike = None, size: Any = None,
          layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Standard normal samples from the seeded generator; ``shape`` as ints or one tuple (or ``size=``)."""
    _placement("randn", layout, pin_memory)
    bare = dtype is None and requires_grad is False and generator is None and device is None
    given = _given(shape, size, "randn", bare)  # (PyTorch's parser: the sizes first, then the dtype's kernel)
    dims = _dims(given)
    dt = _random_dtype(dtype, device, "randn", math.prod(dims) == 0)
    if dt.kind != "f":  # (no elements: nothing drawn, as PyTorch)
        return _make(np.empty(dims, dt), requires_grad)
    return _make(_draws.normal(resolve(generator), dims, 0.0, 1.0, dt), requires_grad)


@allocating
def rand(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False,
         generator: Generator | None = None, device: DeviceLike = None, size: Any = None,
         layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Uniform samples in [0, 1) from the seeded generator; ``shape`` as ints or one tuple (or ``size=``)."""
    _placement("rand", layout, pin_memory)
    bare = dtype is None and requires_grad is False and generator is None and device is None
    given = _given(shape, size, "rand", bare)  # (PyTorch's parser: the sizes first, then the dtype's kernel)
    dt = _random_dtype(dtype, device, "rand")
    dims = _dims(given)
    return _make(_draws.uniform(resolve(generator), dims, 0.0, 1.0, dt), requires_grad)


def _laid_out_draws(input: Tensor, memory_format: Any, draw: Any) -> np.ndarray[Any, Any]:  # noqa: A002
    """Draws for a ``*_like`` of ``input``: in the memory order of ``input``'s layout under preserve_format
    (PyTorch fills the new tensor in memory order, so a transposed input gets transposed draws)."""
    if memory_format is preserve_format:
        return draw_laid_out(input.numpy(force=True), lambda dims: draw(dims).numpy(force=True))
    return draw(input.shape).numpy(force=True)  # type: ignore[no-any-return]


def randn_like(input: Tensor, *, generator: Generator | None = None, dtype: DTypeLike = None,  # noqa: A002
               device: DeviceLike = None, requires_grad: bool = False,
               memory_format: Any = preserve_format, layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Standard normal samples with ``t``'s shape (and float dtype unless given), laid out as ``t``."""
    _placement("randn_like", layout, pin_memory)
    dt = _random_dtype(_like_dtype(input, dtype, device), device, "randn_like", input.numel() == 0)
    # PyTorch fills a non-contiguous result element by element (its scalar kernel), not 16 at a time
    a = input.numpy(force=True)
    contiguous = (memory_format is not preserve_format or a.flags.c_contiguous
                  or copy_as(np.empty(a.shape, np.bool_), a, preserve_format, "randn_like").flags["C"])
    out = _laid_out_draws(input, memory_format, lambda dims: from_numpy(
        _draws.normal(resolve(generator), dims, 0.0, 1.0, dt, contiguous)))
    return _like(input, out, requires_grad, memory_format, "randn_like")


def rand_like(input: Tensor, *, generator: Generator | None = None, dtype: DTypeLike = None,  # noqa: A002
              device: DeviceLike = None, requires_grad: bool = False,
              memory_format: Any = preserve_format, layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Uniform samples in [0, 1) with ``t``'s shape (and float dtype unless given), laid out as ``t``."""
    _placement("rand_like", layout, pin_memory)
    dt = _like_dtype(input, dtype, device)
    out = _laid_out_draws(input, memory_format, lambda dims: rand(dims, dtype=dt, generator=generator))
    return _like(input, out, requires_grad, memory_format, "rand_like")


class _NoLow:
    """randint's ``low`` when not given (None is refused, as PyTorch does)."""

    def __repr__(self) -> str:
        return "0"


_NO_LOW: Any = _NoLow()


def randint_like(input: Tensor, low: int = _NO_LOW, high: int | None = None, *,  # noqa: A002
                 generator: Generator | None = None, dtype: DTypeLike = None, device: DeviceLike = None,
                 requires_grad: bool = False, memory_format: Any = preserve_format,
                 layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Integers uniform in [low, high) (or [0, low) given one bound) with ``input``'s shape, dtype, layout."""
    _placement("randint_like", layout, pin_memory)
    out = randint(low, high, input.shape, dtype=_like_dtype(input, dtype, device), generator=generator,
                  requires_grad=requires_grad)
    return _like(input, out.numpy(force=True), requires_grad, memory_format, "randint_like")


def check_random_bounds(low: int, high: int, dt: np.dtype[Any]) -> None:
    """PyTorch's checks of ``random_(low, high)``'s bounds against ``dt``: each of low and high - 1 must be
    a value of ``dt``; for a float dtype, one beyond the integers it holds exactly (2**digits) warns.

    Raises:
        InvalidParameterError: a bound ``dt`` cannot hold (PyTorch's RuntimeError and words).
    """
    if dt.kind == "f":
        limit, digits = float(np.finfo(dt).max), np.finfo(dt).nmant + 1
    elif dt.kind == "b":
        limit, digits = 1, 0
    else:
        limit, digits = int(np.iinfo(dt).max), 0
    lowest = 0 if dt.kind in "bu" else -limit - (dt.kind == "i")
    for name, v in (("from", low), ("to - 1", high - 1)):
        if not lowest <= v <= limit:
            raise InvalidParameterError(f"{name} is out of bounds for {c_type_name(dt)}")
    for name, v in (("from", low), ("to - 1", high - 1)) if digits else ():
        if not -(2**digits) <= v <= 2**digits:
            warnings.warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                          f"limitations {c_type_name(dt)} can support discrete uniform distribution only "
                          "within this range. This warning will become an error in version 1.7 release, "
                          "please fix the code in advance", UserWarning, stacklevel=3)


def float_random_bounds(low: int, high: int, dt: np.dtype[Any]) -> tuple[int, int]:
    """[low, high) narrowed to bounds ``dt`` holds, as PyTorch's integer draws into a float dtype narrow them:
    a ``low`` that rounds down moves up to the next value of ``dt``; a ``high - 1`` that rounds to ``high``
    or above makes ``high`` the value of ``dt`` just below that (so 2**29 in float32 draws from
    2**29 - 32 values). Integer dtypes: unchanged."""
    if dt.kind != "f":
        return low, high
    first = dt.type(low)
    if int(first) < low:
        low = int(np.nextafter(first, dt.type(np.inf)))
    last = dt.type(high - 1)
    if int(last) >= high:
        high = int(np.nextafter(last, dt.type(-np.inf)))
    return low, high


@allocating
def randint(low: int = _NO_LOW, high: Any = None, shape: Any = _NO_LOW, dtype: DTypeLike = None,
            generator: Generator | None = None, requires_grad: bool = False, *,
            size: Any = None, device: DeviceLike = None,
            layout: Any = None, pin_memory: Any = False) -> Tensor:
    """Integers uniform in [low, high), int64 by default, of shape ``shape``.

    ``randint(high, shape)`` (PyTorch's two-argument form) and ``randint(high=h, size=s)``
    draw from [0, high); ``size=`` is accepted as PyTorch's name for ``shape``.

    Raises:
        InvalidParameterError: ``low >= high``.
        TypeError: a bound is not an int, or no bound is given.
    """
    _placement("randint", layout, pin_memory)
    if isinstance(high, (tuple, list)):  # randint(high, shape)
        low, high, shape = 0, low, high
    if isinstance(shape, (int, np.integer)) and high is not None and low is not _NO_LOW:  # randint(0, 5, 3)
        raise TypeError("randint() received an invalid combination of arguments - got (int, int, int), but "
                        "expected one of:\n * (int high, tuple of ints size, ...)\n * (int low, int high, "
                        "tuple of ints size, ...)\n")
    position: int | None = 2
    if size is not None:
        shape, position = size, None
    if shape is _NO_LOW:  # (PyTorch has no 0-d default: randint(5) is its argument error)
        got = ", ".join(type(v).__name__ for v in (low, high) if v is not None and v is not _NO_LOW)
        raise TypeError(f"randint() received an invalid combination of arguments - got ({got}), but expected "
                        "one of:\n * (int high, tuple of ints size, ...)\n * (int low, int high, tuple of "
                        "ints size, ...)\n")
    if low is _NO_LOW:  # randint(high=h, size=s): PyTorch's low defaults to 0
        low, high = high, None
    if high is None:
        low, high = 0, low
    for name, v in (("low", low), ("high", high)):
        if not isinstance(v, (int, np.integer)):
            raise TypeError(f"randint: {name} must be an int, got {v!r}")
    if low >= high:
        raise InvalidParameterError(  # (PyTorch's words first)
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high} "
            f"(randint: low ({low}) must be less than high ({high}))")
    check_device(device)
    shp = _size_arg(shape, "randint", position=position)
    dt = int64 if dtype is None else resolve_dtype(dtype)
    check_random_bounds(int(low), int(high), np.dtype(dt))
    low, high = float_random_bounds(int(low), int(high), np.dtype(dt))
    draws = _draws.randint(resolve(generator), shp, low, high)
    return _make(draws.astype(dt), requires_grad)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions


def _warn_asarray_default() -> None:
    """PyTorch's warning about asarray's new requires_grad default (TORCH_WARN_ONCE)."""
    if warn_once_due("asarray"):
        warnings.warn("torch.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of "
                      "False. Pass requires_grad=False explicitly to get the old behavior and silence this "
                      "warning.", UserWarning, stacklevel=public_stacklevel(3))


@bool_args("copy", "requires_grad", optional=("copy", "requires_grad"))
def asarray(obj: Any, *, dtype: DTypeLike = None, device: DeviceLike = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """``obj`` as a Tensor, as ``torch.asarray``: memory shared with a Tensor or numpy array when the dtype
    allows it (always copied with ``copy=True``).

    ``requires_grad`` (default: a Tensor ``obj``'s own, else False): for a Tensor ``obj`` returned as
    itself, a leaf is switched in place (``obj.requires_grad_(requires_grad)``), as PyTorch does, and a
    non-leaf is detached for False; a copy or conversion stays in the graph (``clone``/``to``) unless
    False.

    Warns (once per process, as PyTorch): ``requires_grad`` left unspecified for a Tensor ``obj`` that
    requires grad (the default changed from False).

    Raises:
        ValueError: ``copy=False`` but the dtype needs a conversion.
    """
    if isinstance(obj, Storage):  # its bytes read as ``dtype`` (PyTorch's default for a storage: int64)
        read_as = int64 if dtype is None else resolve_dtype(dtype)
        raw = obj.byte_array()
        obj = raw[:raw.size - raw.size % read_as.itemsize].view(read_as)
        dtype = None
    out = as_tensor(obj, dtype=dtype, device=device)
    shares = isinstance(obj, (Tensor, np.ndarray)) and _owner(out._array) == _owner(
        obj._array if isinstance(obj, Tensor) else obj)
    if copy is False and isinstance(obj, (Tensor, np.ndarray)) and not shares:
        raise ValueError(f"asarray: copy=False, but converting to {out.dtype} needs a copy")
    if not isinstance(obj, Tensor):
        if copy and shares:
            out = from_numpy(out._array.copy())
        return leaf_requires_grad(out) if requires_grad else out
    if requires_grad is None and obj.requires_grad:
        _warn_asarray_default()
    want = obj.requires_grad if requires_grad is None else bool(requires_grad)
    if copy and shares:
        out = out.clone() if want else from_numpy(out._array.copy())
    if out is obj:
        if obj.is_leaf:
            return obj.requires_grad_(want)
        return obj if want else obj.detach()
    if not want:
        return out.detach() if out.requires_grad else out
    return out if out.requires_grad else leaf_requires_grad(out)
