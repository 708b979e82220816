"""Dtype rules: PyTorch's dtype names, how a requested dtype resolves and how dtypes promote.

minigrad's dtypes are numpy's (``x.dtype`` is a ``numpy.dtype``); this module
gives them PyTorch's names (``mg.float``, ``mg.long``, ``mg.half``, ...) and
answers PyTorch's questions about them: ``promote_types``, ``can_cast``,
``finfo``, ``iinfo``. ``bfloat16`` exists as a name (scripts build dtype
tables with it) but numpy has no such type, so using it raises a TypeError
saying so. The rules the Tensor applies live here too: which dtype a
``dtype=`` argument names (:func:`resolve_dtype`), which one data gets by
default (:func:`default_dtype_for`) and which one two tensors meet in
(:func:`result_dtype`). Python numbers are "weak" (2.0 * a float32 tensor
stays float32): that rule is applied where a number becomes a tensor
(``tensor._lift``). Of minigrad this module imports the errors and the
default dtype only.
"""

from __future__ import annotations

import builtins
from typing import Any, TypeAlias, Union

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.errors import (
    DTypeError,
    InvalidParameterError,
    MinigradError,
    UnsupportedError,
    _ArgumentTypeError,
    python_type_name,
)

__all__ = [
    "DTYPES", "bfloat16", "bool", "byte", "can_cast", "cdouble", "cfloat", "chalf", "char", "complex32",
    "complex64", "complex128", "double", "dtype", "finfo", "float", "float8_e4m3fn", "float8_e4m3fnuz",
    "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float16",
    "float32", "float64", "half", "iinfo", "int", "int8", "int16", "int32", "int64", "is_floating_point",
    "long", "promote_types", "short", "uint8",
]  # fmt: skip

DTypeLike: TypeAlias = Union[np.dtype[Any], type, str, None]

float16 = half = np.dtype(np.float16)
float32 = float = np.dtype(np.float32)  # noqa: A001 - PyTorch's names
float64 = double = np.dtype(np.float64)
int8 = char = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = int = np.dtype(np.int32)  # noqa: A001
int64 = long = np.dtype(np.int64)
uint8 = byte = np.dtype(np.uint8)
bool = bool_ = np.dtype(np.bool_)  # noqa: A001

#: The dtypes a minigrad tensor can have: those numpy and PyTorch share.
DTYPES = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_CATEGORY: dict[str, builtins.int] = {"b": 0, "u": 1, "i": 1, "f": 2}
#: the smallest float64 that rounds to inf in float32
F32_OVERFLOW = 3.4028235677973366e38
_TENSOR_TYPES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
    "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
    "bool": "BoolTensor",
}  # fmt: skip


class _NameOnlyDtype:
    """A PyTorch dtype name minigrad cannot hold (``bfloat16``, the complex types): usable as a key or in
    comparisons (``x.dtype == torch.complex64`` is False) and it answers ``is_complex``,
    ``is_floating_point``, ``is_signed`` and ``itemsize`` as PyTorch's, but it is not a dtype: numpy
    reads its ``dtype`` attribute wherever it takes one, and that raises TypeError with ``message``.
    Libraries name these at import (tensorly's and array-api-compat's torch backends list
    ``torch.complex64`` in their dtype tables), so the names exist even where the types cannot."""

    __slots__ = ("is_complex", "is_floating_point", "is_signed", "itemsize", "message", "name")

    def __init__(self, name: str, itemsize: builtins.int, message: str) -> None:
        self.name, self.itemsize, self.message = name, itemsize, message
        self.is_complex = name.startswith("complex")
        self.is_floating_point = not self.is_complex
        self.is_signed = name != "float8_e8m0fnu"  # (an exponent only: PyTorch's one unsigned float)

    def __repr__(self) -> str:
        return f"{_NAMESPACE[0]}.{self.name}"

    def __reduce__(self) -> str:  # pickled by name: unpickles as the module's one object
        return self.name

    @property
    def dtype(self) -> Any:
        raise TypeError(self.message)

    def to_complex(self) -> Any:
        """PyTorch's complex counterpart: a complex name is its own, bfloat16's is complex64.

        Raises:
            RuntimeError: a float8 name (no complex type), as PyTorch.
        """
        found = self if self.is_complex else _COMPLEX_OF.get(self.name)
        if found is None:
            raise UnsupportedError(f"Unknown Complex ScalarType for {self.name[0].upper()}{self.name[1:]}")
        return found

    def to_real(self) -> Any:
        """PyTorch's real counterpart: float32 for complex64 (float16, float64 for the others); a real name
        is its own."""
        if not self.is_complex:
            return self
        real = np.dtype({"complex32": "float16", "complex64": "float32"}.get(self.name, "float64"))
        return torch_style(real) if _NAMESPACE[0] == "torch" else real


BFLOAT16_MESSAGE = (
    "bfloat16 is not available: numpy has no bfloat16 type, so minigrad cannot store or compute in it; "
    "use float32 (or float16)"
)
bfloat16 = _NameOnlyDtype("bfloat16", 2, BFLOAT16_MESSAGE)


def _float8_name(name: str) -> _NameOnlyDtype:
    return _NameOnlyDtype(name, 1, f"{name} is not available: numpy has no 8-bit float types, so minigrad "
                          "cannot store or compute in it; use float16 or float32")


# keras's torch backend lists the float8 types in its dtype table at import
float8_e4m3fn, float8_e4m3fnuz = _float8_name("float8_e4m3fn"), _float8_name("float8_e4m3fnuz")
float8_e5m2, float8_e5m2fnuz = _float8_name("float8_e5m2"), _float8_name("float8_e5m2fnuz")
float8_e8m0fnu = _float8_name("float8_e8m0fnu")


def _complex_name(name: str, itemsize: builtins.int) -> _NameOnlyDtype:
    return _NameOnlyDtype(name, itemsize, f"{name} is not available: minigrad has no complex dtypes; "
                          "keep real and imaginary parts in separate float tensors")


complex32 = chalf = _complex_name("complex32", 4)
complex64 = cfloat = _complex_name("complex64", 8)
complex128 = cdouble = _complex_name("complex128", 16)
_NAMESPACE = ["minigrad"]  # "torch" while minigrad.compat runs a PyTorch script
_COMPLEX_OF = {"float16": complex32, "float32": complex64, "float64": complex128, "bfloat16": complex64}


class _DTypeMeta(type):
    """Makes ``isinstance(x, mg.dtype)`` true for minigrad's dtypes, which are numpy's."""

    def __instancecheck__(cls, obj: object) -> builtins.bool:
        return type(obj) is _NameOnlyDtype or (isinstance(obj, np.dtype) and obj in DTYPES)

    def __subclasscheck__(cls, sub: type) -> builtins.bool:
        return sub is _NameOnlyDtype or any(sub is type(dt) for dt in DTYPES)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("cannot create 'minigrad.dtype' instances; use the names (mg.float32, mg.long, ...)")


class dtype(metaclass=_DTypeMeta):  # noqa: N801 - PyTorch's name
    """The type of dtypes, as ``torch.dtype``: for ``isinstance(x, mg.dtype)`` and annotations.

    minigrad's dtypes are numpy dtypes (``mg.float32 is np.dtype('float32')``),
    so this is not their class; ``isinstance`` is true for each dtype a tensor
    can have (``mg.float32``, ``mg.long``, ``x.dtype``, ...) and for the name
    ``mg.bfloat16``. As in PyTorch, it cannot be called to make one.

    Its instances exist for PyTorch scripts run on minigrad (``minigrad.compat``):
    there ``torch.float32`` and ``x.dtype`` are one of these (:func:`torch_style`),
    which prints as ``torch.float32`` and has ``is_floating_point``, ``is_signed``
    and ``itemsize`` as PyTorch's dtypes do, while numpy reads its ``dtype``
    attribute wherever it takes a dtype and it compares and hashes as that
    numpy dtype, so the rest of minigrad takes it as one.

    Raises:
        TypeError: when called.
    """

    __slots__ = ("dtype", "is_complex", "is_floating_point", "is_signed", "itemsize")
    dtype: np.dtype[Any]  # (numpy's protocol: np.dtype(obj) is obj.dtype)
    is_floating_point: builtins.bool
    is_signed: builtins.bool
    is_complex: builtins.bool
    itemsize: builtins.int

    def __repr__(self) -> str:
        return f"torch.{self.dtype.name}"

    def __eq__(self, other: object) -> builtins.bool:
        if type(other) is dtype:
            return self.dtype == other.dtype
        if isinstance(other, np.dtype) or (isinstance(other, type) and issubclass(other, np.generic)):
            return builtins.bool(self.dtype == other)
        return NotImplemented

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)

    def __getattr__(self, name: str) -> Any:  # kind, char, type, ...: minigrad's code reads numpy's
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dtype, name)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return torch_style, (self.dtype.name,)

    def to_real(self) -> TorchStyle:
        """The dtype itself (minigrad has no complex dtypes)."""
        return self

    def to_complex(self) -> Any:
        """PyTorch's complex counterpart of a float dtype, a name minigrad cannot hold (``complex64`` for
        float32, ``complex32`` for float16, ``complex128`` for float64).

        Raises:
            RuntimeError: an integer or bool dtype, as PyTorch (``Unknown Complex ScalarType for Int``).
        """
        found = _COMPLEX_OF.get(self.dtype.name)
        if found is None:
            raise UnsupportedError(f"Unknown Complex ScalarType for {scalar_type_name(self.dtype)}")
        return found

    @property
    def is_quantized(self) -> builtins.bool:
        """False: no dtype of minigrad is quantized."""
        return False


def _make_torch_style(dt: np.dtype[Any]) -> dtype:
    obj: dtype = object.__new__(dtype)
    obj.dtype = dt
    obj.is_floating_point = dt.kind == "f"
    obj.is_signed = dt.kind in "if"
    obj.is_complex = False
    obj.itemsize = dt.itemsize
    return obj


TorchStyle: TypeAlias = dtype
_TORCH_STYLE: dict[np.dtype[Any], dtype] = {}


def torch_style(dt: Any) -> Any:
    """The ``torch.dtype``-like object standing for numpy dtype ``dt`` (one object per dtype, so ``is``
    compares them as in PyTorch); ``bfloat16`` as it is. What ``minigrad.compat`` shows scripts."""
    if type(dt) is _NameOnlyDtype:
        return dt
    if type(dt) is dtype:
        return dt
    d = np.dtype(dt)
    found = _TORCH_STYLE.get(d)
    if found is None:
        found = _TORCH_STYLE[d] = _make_torch_style(d)
    return found


def category(dt: np.dtype[Any]) -> builtins.int:
    """0 for bool, 1 for integers, 2 for floats: PyTorch promotes to the higher category."""
    return _CATEGORY[dt.kind]


def promote_types(type1: Any, type2: Any) -> np.dtype[Any]:
    """The smallest dtype both can be converted to without leaving the higher one's category.

    As ``torch.promote_types``: int64 with float16 is float16 (the float category
    wins), uint8 with int8 is int16.
    """
    a: np.dtype[Any] = np.dtype(type1)
    b: np.dtype[Any] = np.dtype(type2)
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    promoted: np.dtype[Any] = np.promote_types(a, b)
    return promoted


def can_cast(from_: Any, to: Any) -> builtins.bool:
    """Whether a ``from_`` result may be stored in a ``to`` tensor (PyTorch: not in a lower category)."""
    return category(np.dtype(from_)) <= category(np.dtype(to))


def tensor_type_name(dt: np.dtype[Any]) -> str:
    """PyTorch's legacy type string of a dtype: ``'torch.FloatTensor'`` for float32 (``x.type()``)."""
    return "torch." + _TENSOR_TYPES[dt.name]


def scalar_type_name(dt: np.dtype[Any]) -> str:
    """PyTorch's scalar type name in messages: ``Float`` for float32, ``Long`` for int64."""
    return _TENSOR_TYPES[dt.name].removesuffix("Tensor")


_C_TYPES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}


def c_type_name(dt: np.dtype[Any]) -> str:
    """The C++ type PyTorch names a dtype by in some messages: ``'long int'`` for int64."""
    return str(_C_TYPES.get(dt.name, dt.name))


def kernel_error(kernel: str, dt: np.dtype[Any], suffix: str = "_cpu") -> UnsupportedError:
    """PyTorch's NotImplementedError for an op with no ``dt`` kernel: ``"lshift_cpu" not implemented ...``
    (``suffix``: what PyTorch appends to the kernel's name; some, as check_uniform_bounds, have none)."""
    name = _TENSOR_TYPES[dt.name].removesuffix("Tensor")
    return UnsupportedError(f'"{kernel}{suffix}" not implemented for \'{name}\'')


def require_float_kernel(kernel: str, dt: np.dtype[Any]) -> None:
    """PyTorch's samplers have float kernels only: any other ``dt`` is its NotImplementedError naming
    ``kernel`` in full (drawing floats and casting them, as numpy would, gives truncated draws silently).

    Raises:
        UnsupportedError: ``dt`` is not a floating dtype.
    """
    if dt.kind != "f":
        raise kernel_error(kernel, dt, suffix="")


def bool_sub_error(both: builtins.bool) -> DTypeError:
    """PyTorch's RuntimeError for a subtraction with a bool tensor or Python bool operand (``both``: two)."""
    if both:
        return DTypeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                          "Use the `^` or `logical_xor()` operator instead.")
    return DTypeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                      "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def bool_alpha_error() -> MinigradError:
    """PyTorch's RuntimeError for add/sub (in place too) with a bool ``alpha`` and a non-bool result."""
    return MinigradError("Boolean alpha only supported for Boolean results.")


def dtype_from_type_name(name: str) -> np.dtype[Any] | None:
    """The dtype of a legacy type string (``'torch.DoubleTensor'``), or None."""
    short = name.rsplit(".", 1)[-1]
    for dt_name, type_name in _TENSOR_TYPES.items():
        if type_name == short:
            return np.dtype(dt_name)
    return None


class finfo:  # noqa: N801 - PyTorch's name
    """Machine limits of a floating dtype (the default dtype when none is given), as ``torch.finfo``.

    Attributes: ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``),
    ``resolution`` and ``dtype`` (its name). ``bfloat16`` has limits too, though no tensor can hold it.

    Raises:
        TypeError: a non-floating dtype.
    """

    def __init__(self, type: Any = None) -> None:  # noqa: A002
        if type is None:
            type = get_default_dtype()  # noqa: A001
        if type is bfloat16:
            # Only its limits: no tensor can hold it, but scripts take constants from it (timm's Kron
            # optimizer clamps float32 math at finfo(bfloat16).tiny). float32's exponent, 8 significand bits.
            self.bits: builtins.int = 16
            self.eps, self.tiny = 2.0 ** -7, 2.0 ** -126
            self.max = (2.0 - 2.0 ** -7) * 2.0 ** 127
            self.min, self.smallest_normal, self.resolution = -self.max, self.tiny, 0.01
            self.dtype = "bfloat16"
            return
        dt = np.dtype(type)
        if dt.kind != "f":
            raise TypeError(f"finfo: {dt} is not a floating point dtype; use iinfo")
        info = np.finfo(dt)
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)  # PyTorch rounds to a power of 10
        self.dtype = dt.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801
    """Limits of an integer dtype (``bits``, ``max``, ``min``, ``dtype``), as ``torch.iinfo``.

    Raises:
        TypeError: a non-integer dtype.
    """

    def __init__(self, type: Any) -> None:  # noqa: A002
        dt = np.dtype(type)
        if dt.kind not in "iu":
            raise TypeError(f"iinfo: {dt} is not an integer dtype; use finfo")
        info = np.iinfo(dt)
        self.bits = info.bits
        self.max: builtins.int = builtins.int(info.max)
        self.min: builtins.int = builtins.int(info.min)
        self.dtype = dt.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def is_floating_point(input: Any) -> builtins.bool:  # noqa: A002
    """True if the tensor's dtype is float16, float32 or float64."""
    return builtins.bool(input.dtype.kind == "f")


def wide_ints(arr: np.ndarray[Any, Any], dtype: Any) -> np.ndarray[Any, Any]:
    """Python ints beyond int64 (numpy read them as uint64 or objects): PyTorch's ValueError, unless the
    tensor is one of floats (a float ``dtype``, or none given and a float among the numbers) or bools:
    then they are converted as PyTorch's are (float64 here; the caller rounds to the tensor's dtype)."""
    values = arr.ravel().tolist()
    if not all(type(v) in _PYTHON_NUMBERS or isinstance(v, np.integer) for v in values):
        return arr
    kind = resolve_dtype(dtype).kind if dtype is not None else (
        "f" if any(type(v) is builtins.float for v in values) else "i")
    if kind in "fb":
        return arr.astype(np.float64 if kind == "f" else np.bool_)
    raise InvalidParameterError("Overflow when unpacking long long")


def check_fits(values: np.ndarray[Any, Any], dt: np.dtype[Any], what: str) -> None:
    """PyTorch's overflow check of Python numbers given to an integer dtype (numpy arrays wrap instead).

    ``values`` holds the numbers as numpy read them (int or float). As in
    PyTorch, an unsigned type takes negative ints down to -max (-1 is 255 in
    uint8), not negative floats, and a float must not exceed the range before
    it is truncated (127.9 is no int8).

    Raises:
        InvalidParameterError: a value outside the range, or NaN (PyTorch: RuntimeError, overflow).
    """
    if dt.kind not in "iu" or values.size == 0 or values.dtype.kind not in "fiu":
        return  # not an integer target, empty, or not numbers (bools always fit)
    info = np.iinfo(dt)
    negative_ok = dt.kind == "u" and values.dtype.kind != "f"
    low, high = (-builtins.int(info.max) if negative_ok else builtins.int(info.min)), builtins.int(info.max)
    if values.dtype.kind == "f" and values.dtype.itemsize < 8:  # (the bounds in float16 would overflow)
        values = values.astype(np.float64)
    bad = ~((values >= low) & (values <= high))  # nan fails both
    if bad.any():  # (PyTorch names the C type, int8_t, except for tensor()'s data)
        name = dt.name if what.startswith("tensor(") else f"{dt.name}_t"
        raise InvalidParameterError(
            f"value cannot be converted to type {name} without overflow ({what}: {values[bad].flat[0]})"
        )


def resolve_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """The numpy dtype a ``dtype=`` argument names (``mg.float32``, ``np.int64``, ``'torch.FloatTensor'``).

    Raises:
        TypeError: ``bfloat16`` (numpy has no such type).
        InvalidParameterError: not a dtype (also a TypeError, as PyTorch's), or one a minigrad tensor
            cannot hold.
    """
    if isinstance(dtype, _NameOnlyDtype):  # (DTypeLike does not list it: it is no dtype to numpy)
        raise TypeError(dtype.message)
    if isinstance(dtype, np.generic):  # np.True_, np.float32(1): numpy reads a scalar as its dtype, PyTorch
        raise _ArgumentTypeError(f"dtype={dtype!r} is not a dtype")  # refuses it (TypeError)
    if isinstance(dtype, str) and dtype.startswith("torch."):  # x.type('torch.DoubleTensor')
        named = dtype_from_type_name(dtype)
        dtype = named if named is not None else dtype.removeprefix("torch.")
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise _ArgumentTypeError(f"dtype={dtype!r} is not a dtype") from e  # (PyTorch: TypeError)
    if dt not in DTYPES:
        raise InvalidParameterError(
            f"dtype={dt} is not supported; use bool, uint8, int8, int16, int32, int64, float16, float32 "
            "or float64"
        )
    return dt


def dtype_arg(fn: str, dtype: DTypeLike) -> np.dtype[Any]:
    """:func:`resolve_dtype` for the ``dtype=`` argument of ``fn``, with PyTorch's argument-parser words
    for a value that is not a dtype (``softmax(): argument 'dtype' must be torch.dtype, not numpy.bool``).

    Raises:
        TypeError: not a dtype (``InvalidParameterError``, also a TypeError: one minigrad cannot hold).
    """
    try:
        return resolve_dtype(dtype)
    except _ArgumentTypeError:
        raise _ArgumentTypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not "
                                 f"{python_type_name(dtype)}") from None


def default_dtype_for(dt: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype minigrad gives array data of numpy dtype ``dt`` when none is asked for.

    Raises:
        InvalidParameterError: data that is not numbers (strings, objects).
    """
    if dt in (float64, bool_):
        return dt
    if dt.kind == "f":
        return float32
    if dt.kind in "iu":
        return int64
    raise InvalidParameterError(
        f"data of dtype {dt} cannot become a tensor; give numbers (float, int or bool)"
    )


_PYTHON_NUMBERS = {builtins.float, builtins.int, builtins.bool}


def plain_numbers(data: list[Any] | tuple[Any, ...]) -> builtins.bool:
    """Whether nested lists/tuples hold Python numbers only (no tensors, arrays or numpy scalars): the
    usual data, which numpy reads as PyTorch does, with nothing to convert, warn of or promote."""
    stack = [data]
    while stack:
        seq = stack.pop()
        types = set(map(type, seq))
        if types <= _PYTHON_NUMBERS:
            continue
        if not types <= _SEQUENCES:
            return False
        stack.extend(seq)
    return True


_SEQUENCES = {list, tuple}


def sequence_dtype(data: Any, default: np.dtype[Any]) -> np.dtype[Any] | None:
    """The dtype PyTorch infers for nested lists/tuples holding numpy scalars, arrays or tensors: their
    dtypes and the Python numbers' (int: int64, float: ``default``, bool: bool) promoted together, so
    ``[np.float64(0.5), 1.0]`` is float64 and a list of uint8 0-d tensors uint8. None if the lists hold
    Python numbers only (numpy's own inference then stands, floats taking ``default``).
    """
    stack: list[Any] = [data]
    found: dict[np.dtype[Any], None] = {}  # (each dtype once: a list of 1,000 numpy floats promotes one)
    kinds: set[type] = set()
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is list or kind is tuple:
            types = set(map(type, item))  # (C-speed tests for the common cases: numbers, numpy scalars)
            kinds.update(types)
            if types <= _PYTHON_NUMBERS:
                continue
            if all(t in _PYTHON_NUMBERS or issubclass(t, np.generic) for t in types):
                found.update(dict.fromkeys(np.dtype(t) for t in types if t not in _PYTHON_NUMBERS))
                continue
            stack.extend(item)
        elif kind not in _PYTHON_NUMBERS:
            dt = getattr(item, "dtype", None)
            if type(dt) is dtype:  # a tensor's under minigrad.compat
                dt = dt.dtype
            if isinstance(dt, np.dtype):
                found[dt] = None
    if not found:
        return None
    python = {builtins.int: int64, builtins.float: default, builtins.bool: bool_}
    first, *rest = found
    result = first
    for dt in [*rest, *(python[k] for k in kinds if k in python)]:
        result = promote_types(result, dt)
    return result


def no_unsized_first(data: list[Any] | tuple[Any, ...]) -> None:
    """PyTorch sizes nested lists by their first items (``len`` of each): a 0-d numpy array there has no
    ``len``, its TypeError (``[loss.detach().numpy(), ...]``; numpy would read it as a number)."""
    item: Any = data
    while type(item) in (list, tuple) and item:
        item = item[0]
        if isinstance(item, np.ndarray) and item.ndim == 0:
            raise _ArgumentTypeError("len() of unsized object (tensor(): a 0-d numpy array among the first "
                                     "items of nested lists, which PyTorch sizes with len(); use .item())")


def tensors_as_scalars(data: list[Any] | tuple[Any, ...], tensor_type: type[Any]) -> Any:
    """``data`` with each ``tensor_type`` inside it as its one element, as PyTorch reads a sequence: numpy
    would nest a (1,)-shaped tensor as a row (a (2, 1) result where PyTorch's is (2,)) and stack larger ones.

    Raises:
        InvalidParameterError: a tensor of another number of elements than one (PyTorch's ValueError; for an
            integer or bool tensor also a TypeError, as PyTorch's).
    """
    types = set(map(type, data))
    if types <= _PYTHON_NUMBERS or not any(issubclass(t, (tensor_type, list, tuple)) for t in types):
        return data  # (no tensor at this level and nothing nested: numbers and numpy scalars as they are)
    out: list[Any] = []
    for item in data:
        if isinstance(item, tensor_type):
            arr: np.ndarray[Any, Any] = np.asarray(item.numpy(force=True))
            if arr.size != 1:
                if arr.dtype.kind in "biu":  # PyTorch reads an integer (or bool) tensor as an index first
                    raise _ArgumentTypeError(
                        "only integer tensors of a single element can be converted to an index "
                        f"(got a tensor of shape {tuple(arr.shape)} inside the data)")
                raise InvalidParameterError("only one element tensors can be converted to Python scalars "
                                            f"(got a tensor of shape {tuple(arr.shape)} inside the data)")
            item = arr.reshape(())
        elif type(item) in (list, tuple):
            item = tensors_as_scalars(item, tensor_type)
        out.append(item)
    return out


def operands_result_type(tensors: list[tuple[np.dtype[Any], builtins.bool]],
                         numbers: list[Any]) -> np.dtype[Any]:
    """PyTorch's result type of several operands at once (clamp's x, min and max): the ``(dtype, is_0d)``
    tensors with dims promote together, 0-d ones count only with a higher category, and a Python number
    only raises the category (2.5 with ints: the default float)."""
    dims = [dt for dt, zero_d in tensors if not zero_d]
    zeros = [dt for dt, zero_d in tensors if zero_d]
    out = dims[0] if dims else zeros[0]
    for dt in dims[1:] if dims else zeros[1:]:
        out = promote_types(out, dt)
    if dims and zeros:
        zero = zeros[0]
        for dt in zeros[1:]:
            zero = promote_types(zero, dt)
        out = zero if category(zero) > category(out) else out
    for v in numbers:
        if isinstance(v, (builtins.int, builtins.float)) and not isinstance(v, builtins.bool):
            kind = get_default_dtype() if isinstance(v, builtins.float) else int64
            out = kind if category(kind) > category(out) else out
    return out


def result_dtype(a: np.dtype[Any], a_is_0d: builtins.bool, b: np.dtype[Any],
                 b_is_0d: builtins.bool) -> np.dtype[Any]:
    """PyTorch's result type of two tensors of dtypes ``a`` and ``b``.

    The higher category wins (bool < int < float); within a category a
    tensor with dims wins over a 0-d one, otherwise the wider dtype.
    """
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    if a_is_0d != b_is_0d:
        return b if a_is_0d else a
    promoted: np.dtype[Any] = np.promote_types(a, b)
    return promoted
