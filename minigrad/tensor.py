"""The Tensor: a numpy array that remembers how it was computed.

Operators and methods route through the primitive ops of ``minigrad/ops.py``
(which alone know derivatives) or are short compositions of them (``mean``,
``var``, ``logsumexp``, ...), so their gradients come from graph traversal.
"""

from __future__ import annotations

import builtins
import math
import operator
import sys
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, Union, overload

import numpy as np
import numpy.typing as npt

from minigrad import _alias, _subclass
from minigrad import _leaf_rules as _rules
from minigrad import _tensor_methods as _methods
from minigrad import dtypes as _dtypes
from minigrad._clock import tick
from minigrad._format import tensor_repr
from minigrad._kernels import (
    clamp_into,
    fma32,
    memory_owner,
    partial_overlap,
    quiet,
    stack_first,
    writable_alias,
)
from minigrad._leaf_rules import (
    NON_LEAF_FLAG,
    NUMPY_REQUIRES_GRAD,
    check_assigned_grad,
    leaf_requires_grad,
    python_type_name,
)
from minigrad._state_array import StateArray
from minigrad._tensor_methods import _SEQUENCES, TensorMethods, dim_aliases
from minigrad.default_dtype import get_default_dtype
from minigrad.device import DeviceLike, check_device, check_pin_memory, device, parse_to
from minigrad.device import device as _device_cls  # (named so where a parameter is called device)
from minigrad.dtypes import (
    DTYPES,
    F32_OVERFLOW,
    c_type_name,
    check_fits,
    default_dtype_for,
    resolve_dtype,
    result_dtype,
    scalar_type_name,
)
from minigrad.dtypes import DTypeLike as DTypeLike  # re-exported: the annotation of every dtype= argument
from minigrad.dtypes import bool_ as bool_
from minigrad.dtypes import float16 as float16
from minigrad.dtypes import float32 as float32
from minigrad.dtypes import float64 as float64
from minigrad.dtypes import int64 as int64
from minigrad.errors import (
    NOT_GIVEN,
    DeviceError,
    DimensionError,
    DTypeError,
    InvalidParameterError,
    MinigradError,
    NotGiven,
    ShapeError,
    _ArgumentTypeError,
    _BoolPowError,
    _BoolProductError,
    _IndexTypeError,
    _MaskDTypeError,
    bool_error,
    extreme_bool_dim,
    missing_arg,
    not_tensor_error,
    std_var_error,
    user_stacklevel,
)
from minigrad.grad_mode import _extras, _inference, _mode
from minigrad.memory_formats import preserve_format, suggested_format
from minigrad.settings import is_warn_always_enabled, warn_once_due
from minigrad.shapes import (
    broadcast_error,
    check_broadcast,
    check_broadcast_to,
    check_mask,
    expand_error,
    expand_to_error,
    index_error,
    infer_reshape,
    no_dim,
    no_dtype_words,
    norm_dim,
    norm_dims,
    ragged_error,
    reduced_shape,
    shape_arg,
    size_mismatch,
    spread_ellipses,
)
from minigrad.size import Size, as_size
from minigrad.viz import tensor_html

if TYPE_CHECKING:
    from minigrad.ops import Function

_new = object.__new__
INFERENCE, ALIAS = 2, 1  # values of Tensor._inference (see the class)


def _built_in_new(self: Tensor, *args: Any, **kwargs: Any) -> None:
    """The ``__init__`` of a Tensor subclass built in its ``__new__``: nothing left to do."""


Array: TypeAlias = npt.NDArray[Any]
Scalar: TypeAlias = Union[int, float, bool]
TensorLike: TypeAlias = Union["Tensor", Scalar, Array, Sequence[Any]]
_Flag: TypeAlias = bool | NotGiven  # var/std's unbiased and keepdim (NOT_GIVEN: left out)
_Correction: TypeAlias = float | NotGiven | None

def _legacy_sizes(shape: tuple[Any, ...]) -> Array:
    """``torch.Tensor(2, 3)``: zeros of that shape in the default dtype (PyTorch leaves them uninitialized).

    Raises:
        InvalidParameterError: a size is not a non-negative int.
    """
    if not all(type(n) is int and n >= 0 for n in shape):
        bad = next((n for n in shape if type(n) is int and n < 0), None)
        if bad is not None and all(type(n) is int for n in shape):  # (PyTorch's words)
            raise InvalidParameterError(f"Trying to create tensor with negative dimension {bad}: "
                                        f"{list(shape)}")
        raise InvalidParameterError(f"Tensor(*sizes): sizes must be non-negative ints, got {shape}")
    return np.zeros(shape, dtype=get_default_dtype())


#: Set while ``torch`` is aliased to minigrad (:mod:`minigrad.compat`): ``Tensor(data)`` without a dtype then
#: follows ``torch.Tensor``'s constructor (see :func:`_torch_constructor_data`). minigrad's own code makes
#: tensors with :func:`tensor` or an explicit dtype, which never take this path.
_torch_rules = False


def use_torch_constructor(on: bool) -> None:
    """Switch ``Tensor(data)``'s torch.Tensor rules (:mod:`minigrad.compat` turns them on with its hook)."""
    global _torch_rules
    _torch_rules = on


def _torch_constructor_data(data: Any) -> Array:
    """``torch.Tensor(data)``'s values: one int or a ``torch.Size`` gives sizes (``torch.Tensor(3)`` has three
    elements), anything else is data in the default float dtype (``torch.Tensor([0, 1])`` is float32).

    Raises:
        TypeError: a bare number that is not an int, as PyTorch's "data must be a sequence".
    """
    if type(data) is int or isinstance(data, Size):
        return _legacy_sizes(tuple(data) if isinstance(data, Size) else (data,))
    if isinstance(data, (float, bool, complex)):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    arr = _to_array(data, None)
    default = get_default_dtype()
    return arr if arr.dtype == default else arr.astype(default)


def _warn_t(ndim: int) -> None:
    """PyTorch's warnings of x.T on 0 dims, and on more or fewer than 2: each once per process."""
    if not warn_once_due(f"T{min(ndim, 1)}"):
        return
    if not ndim:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=3)
        return
    warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                  "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
                  "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                  "dimensions of a tensor.", UserWarning, stacklevel=3)


_ARRAY_LIST_WORDS = ("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider "
                     "converting the list to a single numpy.ndarray with numpy.array() before converting to "
                     "a tensor.")
_NUMBERS = _dtypes._PYTHON_NUMBERS
_array_list_warned = False  # (PyTorch warns once per process, every time under set_warn_always)


def _arrays_held(data: list[Any] | tuple[Any, ...], every: bool) -> int:
    """How many numpy arrays of one or more dims nested lists/tuples hold (rows PyTorch reads element by
    element, and warns of): the first only unless ``every``."""
    stack, found = [data], 0
    while stack:
        seq = stack.pop()
        if set(map(type, seq)) <= _NUMBERS:
            continue
        for item in seq:
            if isinstance(item, np.ndarray) and item.ndim:
                found += 1
                if not every:
                    return found
            elif type(item) in (list, tuple):
                stack.append(item)
    return found


def _holds_grad_tensor(data: list[Any] | tuple[Any, ...]) -> bool:
    """Whether a tensor that requires grad is among ``data``'s items, at any depth of lists and tuples."""
    stack: list[Any] = [data]
    while stack:
        for item in stack.pop():
            if isinstance(item, Tensor) and item.requires_grad:
                return True
            if type(item) in (list, tuple):
                stack.append(item)
    return False


def _warn_array_list(data: list[Any] | tuple[Any, ...]) -> None:
    """PyTorch's warning for each array in ``data`` read as a row: once per process, or for every one
    under ``set_warn_always``."""
    global _array_list_warned
    for _ in range(_arrays_held(data, is_warn_always_enabled())):
        _array_list_warned = True
        warnings.warn(_ARRAY_LIST_WORDS, UserWarning, stacklevel=user_stacklevel())


def _to_array(data: Any, dtype: DTypeLike) -> Array:
    if isinstance(data, Tensor):
        arr = data._array
    elif isinstance(data, (np.ndarray, np.generic)):  # numpy scalars keep their dtype, as in PyTorch
        arr = np.asarray(data)
    else:
        if isinstance(data, (str, bytes)):  # (PyTorch's words first)
            raise TypeError(f"new(): invalid data type '{type(data).__name__}' (cannot make a tensor from a "
                            f"string: {data!r})")
        items = data
        # numbers only (the usual data): nothing to convert, warn of or promote (three scans saved)
        plain = type(data) in (list, tuple) and _dtypes.plain_numbers(data)
        if type(data) in (list, tuple) and not plain:
            _dtypes.no_unsized_first(data)
            items = _dtypes.tensors_as_scalars(data, Tensor)
            # (PyTorch reads each with item(): the once-per-process warning of float(t))
            if _holds_grad_tensor(data) and warn_once_due("scalar"):
                warnings.warn(_SCALAR_GRAD, UserWarning, stacklevel=user_stacklevel())
            if (not _array_list_warned or is_warn_always_enabled()) and not set(map(type, data)) <= _NUMBERS:
                _warn_array_list(data)
        try:
            arr = np.asarray(items)
        except ValueError as e:  # ragged nested lists: PyTorch's error, else numpy's words
            found = ragged_error(data)
            if found is None:
                raise ShapeError(f"tensor(): nested sequences of unequal lengths: {e}") from e
            raise type(found)(f"{found} (tensor(): nested sequences of unequal lengths)") from e
        if dtype is None and arr.dtype.kind in "fiu":
            # Python floats get the default dtype (float32 unless set), like PyTorch; numpy scalars or
            # tensors in the lists bring their dtypes (a float64 one makes it float64, uint8 ones uint8;
            # other floats give the default, as float arrays do).
            # An explicit dtype converts from the exact values (0.1 as float64 stays 0.1)
            inferred = None if plain else _dtypes.sequence_dtype(data, get_default_dtype())
            if inferred is not None and inferred in DTYPES:
                dtype = inferred
            elif arr.dtype.kind == "f" and (inferred is None or inferred != float64):
                arr = quiet(np.asarray, arr, get_default_dtype())
    if arr.dtype in (np.uint64, object) and not isinstance(data, (np.ndarray, np.generic)):
        wide = _dtypes.wide_ints(arr, dtype)
        if dtype is None and wide.dtype == np.float64 and arr.dtype == object:
            dtype = get_default_dtype()  # (Python floats with huge ints: a tensor of the default dtype)
        arr = wide
    if arr.dtype == object or arr.dtype.kind in "USVOc":  # (PyTorch: a ValueError for strings, a RuntimeError
        # for None; both, and the TypeError minigrad raised first)
        if isinstance(data, np.ndarray):  # (an array itself: PyTorch's TypeError, in its words)
            raise _ArgumentTypeError(_unsupported_numpy(arr.dtype))
        raise _ArgumentTypeError(no_dtype_words(data, f"cannot make a tensor from data of dtype {arr.dtype}"))
    if arr.dtype.kind in "mM" and isinstance(data, np.ndarray):  # (dates and durations: as above)
        raise _ArgumentTypeError(_unsupported_numpy(arr.dtype))
    if dtype is None and arr.dtype in DTYPES and isinstance(data, (np.ndarray, np.generic)):
        dtype = arr.dtype  # numpy data keeps a dtype minigrad has (a uint8 image stays uint8), as in PyTorch
    target = default_dtype_for(arr.dtype) if dtype is None else resolve_dtype(dtype)
    made = not isinstance(data, (Tensor, np.ndarray, np.generic))  # (arr: numpy's reading of Python data)
    if made and target.kind in "iu" and arr.dtype != target:
        check_fits(arr, target, "tensor()")  # Python numbers do not wrap around, as in PyTorch
    if target == np.float16 and arr.dtype == np.float64:  # (PyTorch's double -> half rounds through float)
        arr = quiet(np.asarray, arr, np.float32)
    if type(data) in (list, tuple) and arr.dtype == target and type(arr) is np.ndarray and arr.base is None:
        return arr  # (numpy's new array of the lists' numbers, which nobody else holds: no second copy)
    # quiet: 1e300 as float32 is inf without a RuntimeWarning, as in PyTorch
    return quiet(np.array, arr, target)


def _promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Cast two tensors to PyTorch's result type (:func:`minigrad.dtypes.result_dtype`)."""
    dt = result_dtype(a.dtype, a.ndim == 0, b.dtype, b.ndim == 0)
    return (a if a.dtype == dt else a.astype(dt)), (b if b.dtype == dt else b.astype(dt))


_INPLACE_OPS: dict[np.ufunc, Callable[[Any, Any], Any]] = {
    np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul, np.divide: operator.truediv,
}


def _lift(value: Any, like: Tensor) -> Tensor:
    """Turn the other operand of a binary op into a Tensor without upcasting ``like``.

    Python numbers are "weak": 2.0 * float32 stays float32, 2.5 * int64 is float32.
    """
    if isinstance(value, Tensor):
        return value
    dt = like._array.dtype
    if isinstance(value, float):  # also numpy floating scalars
        if dt.kind != "f":
            dt = get_default_dtype()
        if dt == float32 and abs(value) >= F32_OVERFLOW:  # beyond float32: inf, without numpy's cast warning
            value = math.copysign(math.inf, value)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, (np.floating, np.bool_)):  # (np.float64 is a float: the first branch)
        return _lift(py_number(value), like)
    elif isinstance(value, (int, np.integer)):
        if dt == bool_:
            dt = int64
        if type(value) is int and not -(2**63) <= value < 2**63:
            raise InvalidParameterError(f"the Python int {value} does not fit in int64 (PyTorch: overflow)")
    elif isinstance(value, (np.ndarray, list, tuple)):
        return tensor(value)
    else:
        raise TypeError(f"unsupported operand type for a Tensor op: {type(value).__name__}")
    if dt.kind in "iu" and not isinstance(value, bool):  # -3 into uint8 wraps, as in PyTorch
        return from_numpy(np.asarray(value, dtype=int64).astype(dt))
    return from_numpy(np.asarray(value, dtype=dt))


class Tensor(TensorMethods):
    """An n-dimensional array with reverse-mode automatic differentiation.

    Args:
        data: nested lists, a scalar, a numpy array or a Tensor (copied).
            Python floats become float32 (the default dtype), Python ints
            int64; numpy arrays and scalars keep their dtype (other integer
            ones become int64), as in PyTorch.
        dtype: one of minigrad's dtypes (``mg.float32``, ``mg.int64``, ``mg.uint8``, ...).
        requires_grad: record operations on this tensor for ``backward()``.

    Raises:
        InvalidParameterError: an unsupported dtype, requires_grad on a non-float
            tensor, or a Python number out of an integer dtype's range.
        TypeError: strings or objects as data.
    """

    # __dict__: scripts put their own attributes on tensors (x.foo = 2), as PyTorch lets them
    __slots__ = (
        "__dict__", "__weakref__", "_array", "_born", "_ctx", "_grad_gaps", "_grad_off", "_hooks",
        "_inference", "_requires_grad", "_retains_grad", "_selfref", "_version", "_vgroup", "_viewbase",
        "_views", "grad",
    )  # fmt: skip
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected op

    # The values live in ``_array``, a numpy array; ``.data`` (a Tensor view of it, as in
    # PyTorch) and ``.numpy()`` are the public ways to it.
    _array: Array
    grad: Tensor | None
    requires_grad: bool
    _requires_grad: bool  # the flag itself (requires_grad is a checked property over it)
    _ctx: Function | None
    _hooks: dict[int, Callable[[Tensor], Tensor | None]] | None
    _retains_grad: bool
    _version: int
    # Set only once detach() made an alias: every member of the list shares one version counter.
    _vgroup: list[weakref.ref[Tensor]]
    # Set only on a view sharing another tensor's memory (``_base``; weak: a view keeps no graph alive).
    _viewbase: _methods.BaseRef
    # Set only on leaves made by a constructor or factory: the creation clock's tick at their making.
    _born: int
    # Set only on a leaf whose requires_grad user code switched: the (from, to) ticks of the spans it was
    # off before a switch on (ops recorded then hold it with no edge), and the tick of the latest switch off.
    _grad_gaps: list[tuple[int, int]]
    _grad_off: int
    # Set only on a base once it has views: weak links to them, whose versions its writes move.
    _views: list[weakref.ref[Tensor]]
    # Set only on a base once it has views: its one link, which every view holds as ``_viewbase``.
    _selfref: _methods.BaseRef
    # Set only on inference tensors (INFERENCE, or ALIAS for detach/.data of one taken outside
    # inference_mode, which PyTorch lets change in place), so the hot paths that make tensors
    # outside inference_mode never write it; read with getattr(t, "_inference", 0).
    _inference: int

    def __init__(self, data: TensorLike = (), dtype: DTypeLike | int = None, requires_grad: bool = False,
                 *more_sizes: int) -> None:
        _alias.check()  # torch.Tensor(...) may be a script's first call with torch aliased by hand
        if _torch_rules and type(self) is Tensor and isinstance(data, Tensor) and data is not self and (
                dtype is None and requires_grad is False and not more_sizes):
            return  # (__new__ made this the alias of ``data`` that torch.Tensor(tensor) is)
        if type(dtype) is int and type(data) is int:  # torch.Tensor(2, 3): sizes (no dtype is an int)
            shape = (data, dtype, *((requires_grad,) if requires_grad is not False else ()), *more_sizes)
            data, dtype, requires_grad = _legacy_sizes(shape), None, False
        elif _torch_rules and dtype is None and not isinstance(data, Tensor):
            data = _torch_constructor_data(data)
        self._setup(_to_array(data, dtype), requires_grad)  # type: ignore[arg-type]  # (int dtype: above)

    def _setup(self, arr: Array, requires_grad: bool) -> None:
        """Make this a leaf holding ``arr`` (kept, not copied)."""
        self._array = arr
        self._ctx = None
        self._hooks = None
        self._retains_grad = False
        self._version = 0
        self._born = next(tick)
        store_requires_grad(self, False)
        if _inference.threads and _mode.inference:
            self._inference = INFERENCE
        if requires_grad:
            leaf_requires_grad(self)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass that builds its instances in __new__ (with _make_subclass, as nn.Parameter and
        # geoopt's ManifoldTensor), or has Tensor.__new__ build them (_subclass.construct), is then called
        # __init__ with __new__'s arguments, which PyTorch's Tensor.__init__ ignores: so does the __init__
        # such a subclass gets here.
        super().__init_subclass__(**kwargs)
        if ("__new__" in vars(cls) and "__init__" not in vars(cls)) or cls.__init__ is Tensor.__init__:
            cls.__init__ = _built_in_new  # type: ignore[method-assign]
        _subclass.install(cls, Tensor)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # A plain Tensor is set up by __init__ (torch.Tensor(tensor) is an alias of it: AliasBackward0, its
        # memory, as PyTorch's legacy constructor); a subclass's instance as _subclass.construct says
        if cls is Tensor:
            if _torch_rules and len(args) == 1 and not kwargs and isinstance(args[0], Tensor):
                return _subclass.as_subclass(args[0], Tensor, Tensor)
            return _new(cls)
        return _subclass.construct(cls, args, kwargs, Tensor, _built_in_new)

    @classmethod
    def __torch_function__(cls, func: Callable[..., Any], types: Iterable[type], args: Iterable[Any] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        """PyTorch's default: run ``func(*args, **kwargs)`` with subclass dispatch off and give its Tensor
        results the class ``cls`` (so a subclass's instances keep their class through ops); NotImplemented
        if a type in ``types`` is no superclass of ``cls``. Subclasses override it to take over functions."""
        return _subclass.torch_function(Tensor, cls, func, types, args, kwargs)

    def as_subclass(self, cls: type[Tensor]) -> Any:
        """A ``cls`` instance sharing this tensor's memory and staying in its graph (an alias view), as
        PyTorch's.

        Raises:
            TypeError: ``cls`` is not a subclass of Tensor.
        """
        return _subclass.as_subclass(self, cls, Tensor)

    @staticmethod
    def _make_subclass(cls: type[Tensor], data: Tensor, require_grad: builtins.bool = False,
                       **dispatch_options: Any) -> Any:
        """A new ``cls`` (a Tensor subclass) instance holding ``data``'s memory: a leaf outside ``data``'s
        graph that requires grad if ``require_grad``, as PyTorch's (subclasses' ``__new__`` build with it).

        Raises:
            TypeError: ``cls`` is no Tensor subclass or ``data`` no Tensor; ``require_grad`` is no bool
                (PyTorch's parser takes no 1 or None there: ``Parameter(x, requires_grad=None)``).
            InvalidParameterError: ``require_grad`` with a non-float ``data``.
        """
        if not (isinstance(cls, type) and issubclass(cls, Tensor) and isinstance(data, Tensor)):
            raise TypeError("_make_subclass() takes a Tensor subclass and a Tensor, not "
                            f"{python_type_name(cls)} and {python_type_name(data)}")
        if require_grad is not True and require_grad is not False:
            raise TypeError(f"_make_subclass(): argument 'require_grad' (position 3) must be bool, not "
                            f"{python_type_name(require_grad)}")
        out = _new(cls)
        out._setup(data.numpy(force=True), require_grad)
        return out

    # ------------------------------------------------------------ attributes

    @property
    def data(self) -> Tensor:
        """The values as a new Tensor sharing this tensor's memory, outside the graph (PyTorch's ``.data``).

        It never requires grad and has its own version counter, so in-place
        changes through it (``p.data += -lr * p.grad``, ``p.data.mul_(0.5)``)
        update this tensor without autograd seeing them. Assigning
        ``p.data = t`` makes ``p`` hold ``t``'s array (shape and dtype may
        change), also unseen: as in PyTorch the version stays, so a backward
        recorded earlier that reads ``p`` reads the new values, and views of
        ``p`` taken before keep the old ones. (A new shape, or new values for
        the result of an op whose backward reads its result, ``exp`` or
        ``sigmoid``, count as a change: such a backward then raises, where
        PyTorch's raises or uses the old values.)

        Raises:
            TypeError: assigning something other than a Tensor.
            MinigradError: assigning a non-float tensor to one that requires grad.
        """
        return self._alias()

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):  # (PyTorch's words)
            raise TypeError(f"Variable data has to be a tensor, but got {python_type_name(value)}")
        if self.requires_grad and value.dtype.kind != "f":
            raise MinigradError(
                "data set to a tensor that requires gradients must be floating point or complex dtype"
            )
        new = value._array
        if new is self._array:  # p.data += t hands back p's own array: nothing to replace
            return
        ctx = self._ctx
        if new.shape != self._array.shape or (ctx is not None and ctx.reads_output):
            # counted as a write, so that a backward recorded before raises the version error: for a new
            # shape (PyTorch's raises its size mismatch), and for the result of an op whose backward reads
            # it (PyTorch's node keeps the old values there; this tensor's node reads the tensor itself)
            self._write(lambda _: new)
        else:
            self._array = new  # (PyTorch's set_data leaves the version counter alone)

    @property
    def shape(self) -> Size:
        """The dims, a :class:`~minigrad.Size` (a tuple of ints, as ``torch.Size``)."""
        return as_size(self._array.shape)

    @property
    def ndim(self) -> int:
        """Number of dims."""
        return self._array.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        """The numpy dtype of the data."""
        return self._array.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (inputs and parameters)."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Function | None:
        """The op that produced this tensor, or None for leaves."""
        if _extras.stale:  # (a view whose base changed in place gets the base's new history)
            _methods.graph.refresh_views((self,))
        node = self._ctx
        # (named as PyTorch's class the first time a script is handed it: see ops.torch_typed)
        return node if node is None or type(node).__module__ != _ops.__name__ else _ops.torch_typed(node)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape (a :class:`~minigrad.Size`), or the size of one dim."""
        shape: tuple[int, ...] = self._array.shape
        if type(dim) is int and -len(shape) <= dim < len(shape):  # (x.size(0) in every training loop)
            return shape[dim]
        if dim is not None and self.ndim == 0:
            raise DimensionError(f"Dimension specified as {dim!r} but tensor has no dimensions")
        return self.shape if dim is None else self.shape[norm_dim(dim, self.ndim)]

    def numel(self) -> int:
        """Number of elements."""
        return int(self._array.size)

    def dim(self) -> int:
        """Number of dims (PyTorch's name for ``ndim``)."""
        return self._array.ndim

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    # ------------------------------------------------------------ conversion

    def numpy(self, *, force: builtins.bool = False) -> Array:
        """The data as an ndarray (shared, not copied). Raises MinigradError, as PyTorch's, for a tensor that
        requires grad while grad mode is on, unless ``force=True`` (PyTorch's detach-and-copy to the CPU,
        which shares the memory here, the data being on the CPU already)."""
        if force is not True and force is not False:  # (PyTorch's parser takes only bools)
            raise bool_error("numpy", "force", force)
        if self._requires_grad and not force and _mode.record:
            raise MinigradError(NUMPY_REQUIRES_GRAD)
        a = self._array
        if type(a) is not np.ndarray:  # numpy arithmetic on 0-d arrays returns numpy scalars
            a = self._array = np.asarray(a)
        return a

    def item(self) -> Any:
        """The single element as a Python number; raises if there is more than one."""
        if self._array.size != 1:
            raise ShapeError(
                f"a Tensor with {self._array.size} elements cannot be converted to Scalar (item())"
            )
        return self._array.item()

    def tolist(self) -> Any:
        """Nested Python lists of the values."""
        return self._array.tolist()

    def detach(self) -> Tensor:
        """A tensor sharing the data, cut off from the graph (an inference tensor if this one is).

        It shares this tensor's version counter, as PyTorch's: an in-place change through either
        is seen by a backward that saved the other.
        """
        t = self._alias()
        self._share_version(t)
        return t

    def _share_version(self, t: Tensor, keep: builtins.bool = False) -> None:
        """Make ``t`` (an alias or a view of this tensor's memory) share its version counter from now on
        (``keep``: leave ``t``'s version as it is).

        Every member of the family holds the one list of them, so a member that is gone (a detached
        alias whose views live on) leaves the others linked, as PyTorch's shared counter does.
        """
        group: list[weakref.ref[Tensor]] | None = getattr(self, "_vgroup", None)
        if group is None:
            group = self._vgroup = [weakref.ref(self)]
        elif len(group) >= 16 and not len(group) & (len(group) - 1):
            # (a parameter detached or viewed every step: drop the members that are gone, at lengths 16,
            # 32, 64, ... so that many live members, an RNN input's time steps, cost no quadratic time)
            group[:] = [r for r in group if r() is not None]
        group.append(weakref.ref(t))
        t._vgroup = group
        if not keep:
            t._version = self._version

    def _alias(self) -> Tensor:
        """A new tensor of this one's array: an inference tensor if this one is, as PyTorch's detach."""
        t = from_numpy(self.numpy(force=True))
        if self.is_inference():
            t._inference = INFERENCE if _inference.threads and _mode.inference else ALIAS
        elif _inference.threads:
            t._inference = 0  # an alias of a normal tensor is normal, also inside inference_mode
        return t

    def _view(self, out: Tensor) -> Tensor:
        """``out``, a view op's result: it records its ``_base`` if it shares this tensor's memory, and is an
        inference tensor if it is a view of one (as PyTorch's views)."""
        a, shared = self._array, out._array.base  # (a view's numpy base: the memory's owner, or a temp)
        if type(a) is not np.ndarray and isinstance(a, np.generic) and out is not self \
                and out._array.dtype == a.dtype:
            # a 0-d result kept as a numpy scalar (a ufunc's): memory for its views to share (b = x * 1;
            # b[None].mul_(2) writes b)
            a = self._array = np.array(a)
            o = out._array
            out._array = a.reshape(o.shape) if o.size == 1 else np.broadcast_to(a, o.shape)
            shared = out._array.base
        if shared is not None and (shared is a or shared is a.base) and out is not self:
            base = getattr(self, "_viewbase", None) if a.base is not None else None  # (owner: skip getattr)
            if base is None:  # this tensor is the base: its one link, shared by all its views
                base = getattr(self, "_selfref", None)
                if base is None:
                    base = self._selfref = _methods.BaseRef(self)
            out._viewbase = base
            owner = base()
            version = owner._version if owner is not None else self._version
            if version:  # (the counter it shares with its base; its op saw the view at 0)
                out._version = version
                if out._ctx is not None:
                    out._ctx.out_version = version
            if owner is not None:  # (its writes reach this view's version: see _write)
                views: list[weakref.ref[Tensor]] | None = getattr(owner, "_views", None)
                if views is None:
                    views = owner._views = []
                elif len(views) >= 16 and not len(views) & (len(views) - 1):
                    # (a parameter viewed every step: drop the views that are gone, at lengths 16, 32, 64,
                    # ... so that a base with many live views, an RNN input's time steps, costs no quadratic
                    # time)
                    views[:] = [r for r in views if r() is not None]
                views.append(weakref.ref(out))
            # the view joins its source's version group, which every member holds: with the base or an alias
            # on the way gone (x = arange(12.).view(3, 4); x[1]), its family still shares one counter
            self._share_version(out, keep=True)
        if _inference.used and self.is_inference() and memory_owner(out._array) == memory_owner(self._array):
            out._inference = INFERENCE
        return out

    def is_inference(self) -> builtins.bool:
        """True for an inference tensor: one made inside ``mg.inference_mode()``, as PyTorch's.

        Results of ops and factories inside the block are inference tensors;
        views of normal tensors (reshape, slicing, detach, ``.data``) stay
        normal, views of inference tensors do not. Outside the block an
        inference tensor may not be changed in place nor set to require grad
        (PyTorch lets ``.data`` of one be changed in place; minigrad does not).
        """
        return getattr(self, "_inference", 0) > 0

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph in place: it becomes a leaf that needs no grad; returns self.

        A backward that reaches an op which used this tensor before then
        raises (PyTorch raises for the ops that saved it), as after any
        in-place change.

        Raises:
            MinigradError: this tensor is a recorded view of another (PyTorch's error).
        """
        fn = self._ctx
        if self._base is not None or (fn is not None and fn.is_view and fn.parents and
                                      memory_owner(fn.parents[0]._array) == memory_owner(self._array)):
            raise MinigradError("Can't detach views in-place. Use detach() instead. If you are using "
                                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is "
                                "set as True, gradients are views of DDP buckets, and hence detach_() cannot "
                                "be called on these gradients. To fix this error, please refer to the "
                                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._ctx, self._retains_grad = None, False
        store_requires_grad(self, False)
        return self._write()  # counted as an in-place change

    def astype(self, dtype: DTypeLike) -> Tensor:
        """A copy converted to ``dtype`` (differentiable between float dtypes)."""
        dt = resolve_dtype(dtype)
        if dt == self.dtype:
            return self
        if self.requires_grad and dt.kind != "f":
            return from_numpy(self._array.astype(dt))
        return _ops.Cast.apply(self, dtype=dt)

    # -------------------------------------------- devices and to() (PyTorch's CPU-only subset)

    @property
    def device(self) -> device:
        """Where the data lives: always ``device('cpu')``."""
        return check_device(None)

    # PyTorch's flags: minigrad tensors are dense and never on a GPU or other device
    is_cuda = is_mps = is_xpu = is_ipu = is_xla = is_mtia = is_maia = is_vulkan = is_sparse_csr = False

    def cpu(self, memory_format: Any = preserve_format) -> Tensor:
        """This tensor (it is already on the CPU), as PyTorch returns self; in another ``memory_format``, a
        copy laid out in it."""
        return self if memory_format is preserve_format else self.to(memory_format=memory_format)

    def cuda(self, device: DeviceLike = None, non_blocking: builtins.bool = False) -> Tensor:
        """Raises :class:`~minigrad.errors.DeviceError`: minigrad runs on the CPU only."""
        words = ("Cannot access accelerator device when none is available." if type(device) is builtins.int
                 else "Torch not compiled with CUDA enabled")  # (PyTorch's CPU build's, for an index or not)
        if isinstance(device, (str, _device_cls)) and _device_cls(device).type != "cuda":
            words = "Invalid device, must be cuda device"  # (x.cuda('cpu'): PyTorch checks the type first)
        raise DeviceError(f"{words} (Tensor.cuda(): minigrad runs on the CPU only, there is no GPU backend; "
                          "keep tensors on 'cpu')")

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Convert dtype (and check the device), as ``torch.Tensor.to``.

        ``to(dtype)``, ``to('cpu')``, ``to(device='cpu', dtype=None)``,
        ``to(other)`` (takes ``other``'s dtype), with ``non_blocking=`` (no
        effect), ``copy=`` (a new tensor even when nothing changes; the
        copy is differentiable) and ``memory_format=``. Returns self when nothing changes.

        Raises:
            DeviceError: a device other than the CPU.
            InvalidParameterError: an unsupported dtype.
            TypeError: arguments that fit none of PyTorch's forms.
        """
        if len(args) == 1 and not kwargs and ((type(args[0]) is str and args[0] == "cpu")
                                              or (type(args[0]) is device and args[0].type == "cpu"
                                                  and args[0].index is None)):
            return self  # x.to(device) of a script that also runs on a GPU: nothing to check or convert
        dtype, copy = parse_to(args, kwargs, "Tensor.to")
        dev = kwargs.get("device", args[0] if args and isinstance(args[0], (str, device)) else None)
        if dev is not None and (dev if isinstance(dev, device) else device(dev)).index is not None:
            copy = True  # ('cpu:0' is not the tensor's device 'cpu' to PyTorch: it copies)
        dt = self.dtype if dtype is None else resolve_dtype(dtype)
        fmt = kwargs.get("memory_format") or preserve_format
        if fmt is not preserve_format and (copy or dt != self.dtype or suggested_format(self._array) != fmt):
            return _ops.Cast.apply(self if dt.kind == "f" else self.detach(), dtype=dt, memory_format=fmt)
        out = self.astype(dt)  # keeps the memory layout (numpy's order='K'), as preserve_format
        if copy and out is self:
            return _ops.Cast.apply(self, dtype=dt)  # a same-dtype Cast is a differentiable copy
        return out

    def float(self, *, memory_format: Any = None) -> Tensor:
        """Convert to float32 (``memory_format=`` as in :meth:`to`)."""
        if memory_format is None and self._array.dtype == float32:
            return self  # (as PyTorch's: nothing to convert)
        return self.to(float32, memory_format=memory_format)

    def double(self, *, memory_format: Any = None) -> Tensor:
        """Convert to float64 (``memory_format=`` as in :meth:`to`)."""
        if memory_format is None and self._array.dtype == float64:
            return self  # (as PyTorch's: nothing to convert)
        return self.to(float64, memory_format=memory_format)

    def long(self, *, memory_format: Any = None) -> Tensor:
        """Convert to int64 (``memory_format=`` as in :meth:`to`)."""
        if memory_format is None and self._array.dtype == int64:
            return self  # (as PyTorch's: nothing to convert)
        return self.to(int64, memory_format=memory_format)

    def bool(self, *, memory_format: Any = None) -> Tensor:
        """Convert to bool (``memory_format=`` as in :meth:`to`)."""
        if memory_format is None and self._array.dtype == bool_:
            return self  # (as PyTorch's: nothing to convert)
        return self.to(bool_, memory_format=memory_format)

    def requires_grad_(self, flag: builtins.bool = True, *,
                       requires_grad: builtins.bool | None = None) -> Tensor:
        """Set ``requires_grad`` in place (leaves only); returns self. ``requires_grad=`` is PyTorch's name
        for ``flag`` (``w.requires_grad_(requires_grad=True)``).

        Raises:
            TypeError: ``flag`` is not a bool (PyTorch's argument check: 1, None, numpy bools).
            InvalidParameterError: asking for gradients of a non-float tensor (PyTorch's RuntimeError text).
            MinigradError: switching it off on a non-leaf.
        """
        if requires_grad is not None:
            flag = requires_grad
        if type(flag) is not builtins.bool:
            raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{python_type_name(flag)}")
        if flag and self.dtype.kind != "f":
            raise InvalidParameterError("only Tensors of floating point dtype can require gradients")
        if not flag and self._ctx is not None:
            raise MinigradError(NON_LEAF_FLAG)
        if flag and not _mode.inference and self.is_inference():
            raise MinigradError(_rules.INFERENCE_FLAG)
        _switch_requires_grad(self, flag)  # (unchecked: PyTorch allows requires_grad_(True) of a non-leaf)
        return self

    def __array__(self, dtype: Any = None, copy: builtins.bool | None = None) -> Array:
        a = self.numpy()  # (np.asarray(t) of a tensor that requires grad raises as PyTorch's)
        if dtype is not None and np.dtype(dtype) != self.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __float__(self) -> builtins.float:
        if self.requires_grad and user_stacklevel() == 2 and warn_once_due("scalar"):  # (a user's float(t))
            warnings.warn(_SCALAR_GRAD, UserWarning, stacklevel=2)
        try:
            return float(self.item())
        except ShapeError:
            raise ShapeError(_NOT_ONE_ELEMENT + f" (float() of a tensor of shape {self.shape})") from None

    def __int__(self) -> int:
        try:
            return int(self.item())
        except ShapeError:
            raise ShapeError(_NOT_ONE_ELEMENT + f" (int() of a tensor of shape {self.shape})") from None

    def __bool__(self) -> builtins.bool:
        if self._array.size != 1:
            count = "no values" if self._array.size == 0 else "more than one value"
            raise MinigradError(f"Boolean value of Tensor with {count} is ambiguous")
        return bool(self._array.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub" or self._array.size != 1:  # (a bool counts as 0 or 1, as in PyTorch)
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._array.item())

    def __hash__(self) -> int:
        return id(self)  # PyTorch's: hash(t) == id(t) (object.__hash__ would be faster, but differs)

    def __repr__(self) -> str:
        return tensor_repr(self)

    def _repr_html_(self) -> str:
        return tensor_html(self)  # Jupyter: values, statistics and the graph's picture

    # ------------------------------------------------------------ autograd

    def backward(self, gradient: Tensor | None = None, retain_graph: builtins.bool | None = None,
                 create_graph: builtins.bool = False,
                 inputs: Sequence[Tensor] | Tensor | None = None) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves (or of ``inputs`` only).

        See :func:`minigrad.autograd.backward`; ``gradient`` is required unless
        this tensor has a single element.
        """
        # (through the package's backward, as PyTorch's: a test patching torch.autograd.backward sees it)
        _methods.autograd.backward(self, None if gradient is None else [gradient], retain_graph, create_graph,
                                   inputs=inputs)

    def register_hook(self, fn: Callable[[Tensor], Tensor | None]) -> _HookHandle:
        """Call ``fn(grad)`` when this tensor's gradient is computed.

        If ``fn`` returns a Tensor it replaces the gradient. Returns a handle
        whose ``remove()`` unregisters the hook.

        Raises:
            MinigradError: the tensor does not require grad.
        """
        if not self.requires_grad:
            raise MinigradError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = {}
        if self._ctx is None:
            _extras.leaf_hooks = True
        handle = _HookHandle(self._hooks)
        self._hooks[handle.id] = fn
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> Any:
        """Call ``hook(self)`` each time backward has accumulated into ``self.grad`` (a leaf only).

        Returns a handle whose ``remove()`` unregisters it.

        Raises:
            MinigradError: not a leaf, or does not require grad.
        """
        return _methods.graph.register_post_accumulate_grad_hook(self, hook)

    def retain_grad(self) -> None:
        """Make backward also fill ``.grad`` of this non-leaf tensor."""
        if not self.requires_grad:
            raise MinigradError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True
        if self._ctx is not None:  # (PyTorch keeps the hook on the node: a second backward fills .grad too)
            retained[id(self._ctx)] = self

    @property
    def retains_grad(self) -> builtins.bool:
        """Whether backward fills ``.grad`` of this non-leaf tensor (``retain_grad()``); False for leaves."""
        return self._retains_grad and self._ctx is not None

    # ------------------------------------------------------------ arithmetic

    def _binary(self, other: Any, op: type[Function], reverse: builtins.bool = False) -> Tensor:
        if type(other) is float and self._array.dtype is float16 and op in _HALF_SCALAR_OPS:  # (cheap first)
            return self._half_scalar(other, op, reverse)
        kind = type(other)
        if kind is not Tensor and kind is not float and kind is not int and isinstance(other, np.generic):
            return self._binary(py_number(other), op, reverse)  # (PyTorch reads numpy scalars as numbers)
        if kind is not Tensor and kind is not float and kind is not int and not_operand(other):
            # PyTorch's operators answer NotImplemented for a sequence, so Python then tries the
            # sequence's reflected method (zuko's NestedTensor tuple defines __rmul__) or raises TypeError;
            # and for a numpy array, whose own method then computes in numpy (through __array__, so not
            # for a tensor that requires grad) and hands back a tensor of numpy's dtype (__array_wrap__);
            # any other non-number (None, a str, an object with its own __radd__) likewise; a tensor-like
            # object (a __torch_function__ of its own) is handed the call, as PyTorch's
            if tensor_like(other) and (op, reverse) in _OPERATOR_METHODS:
                return hand_over(_OPERATOR_METHODS[op, reverse], (self, other))  # type: ignore[no-any-return]
            return NotImplemented  # type: ignore[no-any-return]
        a, b = self, (other if kind is Tensor else _lift(other, self))
        if reverse:
            a, b = b, a
        if a._array.dtype != b._array.dtype:
            if (a is self and b._array.ndim == 0 and self._array.dtype is float16 and op in _HALF_SCALAR_OPS
                    and result_dtype(float16, self._array.ndim == 0, b._array.dtype, True) is float16):
                # (a 0-d tensor after it that does not promote: PyTorch's cpu scalar)
                return self._half_scalar(b, op, reverse)
            a, b = _promote(a, b)
        try:
            return op.apply(a, b)
        except ValueError as e:
            if isinstance(e, MinigradError):
                raise
            check_broadcast(op.__name__.lower(), a.shape, b.shape)
            # any other ValueError numpy raises (_kernels.power answers ints to negative powers itself)
            raise InvalidParameterError(f"{op.__name__.lower()}: {e}") from None

    def _binary_named(self, fn: str, other: Any, op: type[Function]) -> Tensor:
        """:meth:`_binary` for a named method, where a list or tuple is PyTorch's argument TypeError
        (the operators answer NotImplemented for it instead)."""
        out = self._binary(other, op)
        if out is NotImplemented:
            raise not_tensor_error(fn, "other", 1, other)
        return out

    def _half_scalar(self, other: builtins.float | Tensor, op: type[Function],
                     reverse: builtins.bool) -> Tensor:
        """A float16 tensor times (or over) a Python float as PyTorch's half kernels: in float32 with the
        number as a float32, rounded to half once (the number rounded to half first was an ulp off in about
        one product in three: x * 0.1, x / 255.0); the gradient is likewise PyTorch's. A 0-d tensor of
        another dtype after the tensor is such a scalar too (PyTorch reads its original value in float32)."""
        out = self.astype(float32)._binary(other, op, reverse).astype(float16)
        return _named(out, self, "MulBackward0" if op is _ops.Mul else "DivBackward0")

    def __add__(self, other: Any) -> Tensor:
        return self._binary(other, _ops.Add)

    def __radd__(self, other: Any) -> Tensor:
        # PyTorch's __radd__ is add(self, other): the tensor is the node's first input (next_functions)
        return self._binary(other, _ops.Add)

    def __sub__(self, other: Any) -> Tensor:
        if self._array.dtype == bool_ or _is_bool(other):  # PyTorch's RuntimeError; numpy would subtract
            raise _dtypes.bool_sub_error(self._array.dtype == bool_ and _is_bool(other))
        return self._binary(other, _ops.Sub)

    def __rsub__(self, other: Any) -> Tensor:
        if self._array.dtype == bool_ or _is_bool(other):
            raise _dtypes.bool_sub_error(self._array.dtype == bool_ and _is_bool(other))
        # only numbers get here (a Tensor on the left runs its own __sub__): PyTorch's RsubBackward1
        return self._binary(other, _ops.RsubScalar if type(other) is not Tensor else _ops.Sub, reverse=True)

    def __mul__(self, other: Any) -> Tensor:
        return self._binary(other, _ops.Mul)

    def __rmul__(self, other: Any) -> Tensor:
        return self._binary(other, _ops.Mul)  # (as __radd__: mul(self, other))

    def _div_operand(self, other: Any) -> Tensor:
        # Integers divide in the default dtype unless the other operand brings a
        # float dtype of its own (int64 / float64 0-d tensor is float64, as in PyTorch).
        if self.dtype.kind == "f" or _lift(other, self).dtype.kind == "f":
            return self
        return self.astype(get_default_dtype())

    def __truediv__(self, other: Any) -> Tensor:
        return self._div_operand(other)._binary(other, _ops.Div)

    def __rtruediv__(self, other: Any) -> Tensor:
        # PyTorch's n / x is reciprocal(x) * n (its rounding); an array / x too (its * then runs in numpy)
        if isinstance(other, (int, float)) or type(other) is np.ndarray:
            return self.reciprocal() * other
        if isinstance(other, np.generic):
            return self.__rtruediv__(py_number(other))
        return self._div_operand(other)._binary(other, _ops.Div, reverse=True)

    def __pow__(self, other: Any) -> Tensor:
        if isinstance(other, np.generic):
            other = py_number(other)
        if self.dtype == bool_ and isinstance(other, bool):  # numpy would give int8
            return from_numpy(self._array | (not other))
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            if type(other) is int and not -(2**63) <= other < 2**63:
                raise InvalidParameterError(f"pow: the exponent {other} does not fit in int64 (PyTorch too)")
            if self.dtype.kind != "f" and isinstance(other, float):
                return self.astype(get_default_dtype()) ** other
            if self.dtype.kind != "f" and other < 0:
                raise InvalidParameterError(
                    f"Integers to negative integer powers are not allowed. (pow: exponent {other} on a "
                    f"{self.dtype} tensor, as in PyTorch; use x.float() ** {other})"
                )
            if self.dtype == bool_:  # bool ** 2 is int64 in PyTorch
                return self.astype(int64) ** other
            if self.dtype.kind in "iu" and not np.iinfo(self.dtype).min <= other <= np.iinfo(self.dtype).max:
                # (PyTorch's words; numpy's OverflowError is no RuntimeError)
                raise InvalidParameterError(f"value cannot be converted to type {self.dtype} without "
                                            f"overflow (pow: the exponent {other})")
            return _ops.PowScalar.apply(self, p=other)
        self._check_bool_pow(other)
        return self._binary(other, _ops.Pow)

    def __rpow__(self, other: Any) -> Tensor:
        if isinstance(other, np.generic):
            other = py_number(other)
        self._check_bool_pow(other)
        # a number ** tensor: PyTorch's pow(Scalar, Tensor) overload
        out = self._binary(other, _ops.Pow, reverse=True)
        return _named(out, self, "PowBackward2") if isinstance(out, Tensor) else out  # (or handed over)

    def _check_bool_pow(self, other: Any) -> None:
        if self.dtype == bool_ and _lift(other, self).dtype == bool_:  # numpy's answer would be int8
            raise _BoolPowError('"pow" not implemented for \'Bool\' (as in PyTorch); use .long() on one')

    def __matmul__(self, other: Any) -> Tensor:
        if not isinstance(other, Tensor):  # (PyTorch's @ takes tensors alone: Python's TypeError, t @ 2 too)
            return hand_over("matmul", (self, other)) if tensor_like(other) else NotImplemented
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        if not isinstance(other, Tensor):
            return hand_over("__rmatmul__", (self, other)) if tensor_like(other) else NotImplemented
        return matmul(other, self)

    def __neg__(self) -> Tensor:
        if self._array.dtype == np.bool_:
            raise DTypeError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return _ops.Neg.apply(self)

    def __pos__(self) -> Tensor:
        if self._array.dtype == bool_:
            raise MinigradError("The `+` operator, on a bool tensor is not supported.")  # (PyTorch's words)
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    def _write(self, update: Callable[[Array], Array | None] | None = None,
               part: builtins.bool = False) -> Tensor:
        """Change this tensor's values in place: the one path of every in-place write.

        ``update(array)`` writes into the array (floating-point warnings off,
        as PyTorch's kernels are silent) or returns a new array to hold
        instead; without ``update``, a write already made through
        :meth:`numpy` (an optimizer's fused step) is recorded. Either way
        the version is bumped, so backward detects that a tensor it saved
        was changed after use. This is the only place the version changes.
        ``part``: ``update`` writes some elements only (item assignment).

        Raises:
            MinigradError: an update of every element of an expanded tensor (PyTorch's error).
        """
        if update is not None:
            if _extras.mutation is not None:  # (None unless allow_mutation_on_saved_tensors is active)
                _extras.mutation(self)
            try:
                new = quiet(update, self.numpy(force=True))
            except ValueError:  # (read-only: an expanded tensor, whose memory PyTorch lets one write)
                a = self._array
                alias = writable_alias(a) if not a.flags.writeable else None
                if alias is None:
                    raise
                # (an empty tensor has no element to overlap: PyTorch writes nothing and does not refuse)
                if not part and a.size and any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape)):
                    raise MinigradError(
                        "unsupported operation: more than one element of the written-to tensor refers to a "
                        "single memory location. Please clone() the tensor before performing the operation."
                    ) from None
                new = quiet(update, alias)
            if new is not None:
                self._array = new
        _extras.written = next(tick)
        if (getattr(self, "_viewbase", None) is None and getattr(self, "_views", None) is None
                and getattr(self, "_vgroup", None) is None):
            self._version += 1  # (a tensor sharing its memory with no other: the usual case)
            return self
        # PyTorch's views, their base and detach()'s aliases share one version counter: every member of
        # the family takes one new value, above any each held (a member's own bump may have moved it on)
        family = _version_family(self)
        if len(family) == 1:  # its views and aliases are gone (a weight's .T from the last forward): unset
            # their lists (nothing else holds them), so later writes take the path above instead of walking
            # dead references (an optimizer writes every parameter every step)
            for name in ("_views", "_vgroup", "_selfref"):
                if getattr(self, name, None) is not None:
                    delattr(self, name)
        version = max([t._version for t in family]) + 1
        for t in family:
            t._version = version
        return self

    def _bump_version(self) -> None:
        """Move this tensor's version on alone (not its base's or views'): ops recorded before that read
        it then take its old history (``autograd.graph.refresh_views``, which gives a view a new one)."""
        self._version += 1
        _extras.written = next(tick)

    def _recorded(self, *others: Any) -> builtins.bool:
        """Whether an in-place op on this tensor must be recorded in the graph (PyTorch's rule).

        Raises:
            MinigradError: this is a leaf that requires grad and grad mode is on, or an
                inference tensor outside inference_mode (PyTorch's rule).
        """
        if getattr(self, "_inference", 0) == INFERENCE and not _mode.inference:
            raise MinigradError(  # (PyTorch's words, which a script may print: no space after its stops)
                "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                "clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details."
            )
        if not _mode.record:
            return False
        if self.requires_grad:
            if self._ctx is None and self._array.base is not None:  # a view made in inference_mode or no_grad
                ref = getattr(self, "_viewbase", None)
                base = ref() if ref is not None else None
                if getattr(self, "_inference", None) == 0 or (base is not None and base.requires_grad):
                    raise _methods.unrecorded_view_error(self)
            if self._ctx is None:
                raise MinigradError(
                    "a leaf Variable that requires grad is being used in an in-place operation. (Update "
                    "parameters inside `with mg.no_grad():` or through p.data, or write x = x + y.)"
                )
        else:
            if self._array.base is not None:  # a view made before its base was set to require grad
                ref = getattr(self, "_viewbase", None)
                base = ref() if ref is not None else None
                if base is not None and base.requires_grad and base._ctx is None:
                    raise MinigradError(  # (minigrad cannot tell which: both of PyTorch's messages)
                        "A view was created in no_grad mode and is being modified inplace with grad mode "
                        "enabled, or was made before its base was set to require grad: a view of a leaf "
                        "Variable that requires grad is being used in an in-place operation. Make the view "
                        "after setting requires_grad, or change it inside the no_grad block.")
                if base is not None and base.requires_grad and not _methods.graph.became_recorded(base):
                    raise _methods.unrecorded_view_error(self)  # (made under no_grad of a base with history)
            if not any(isinstance(o, Tensor) and o.requires_grad for o in others):
                return False
        if self._array.base is not None:  # an output of unbind/split/chunk or a custom Function (PyTorch)
            ref = getattr(self, "_viewbase", None)
            if type(ref) is _methods.CreationRef:
                raise _methods.view_inplace_error(self, ref)
        return True

    def _update(self, what: str, compute: Callable[[Tensor], Tensor], *others: Any,
                view: builtins.bool = False) -> Tensor:
        """Make this tensor hold ``compute(self)``, in place: the one path of recorded in-place ops.

        When the graph is involved (this tensor requires grad, or an operand in
        ``others`` does), a copy of the old values takes this tensor's place in
        the graph and ``compute`` runs on it; this tensor then becomes the
        result's node, so x.add_(y) on a non-leaf is differentiated like
        x = x + y while every alias of x sees the new values. ``view``: the
        result may change the shape (t_, squeeze_), so the array is replaced.

        Raises:
            MinigradError: a leaf that requires grad in grad mode, a result
                dtype that cannot be stored in this tensor's, or an operand in
                ``others`` partly overlapping this tensor's memory (PyTorch's errors).
            ShapeError: the result's shape is not this tensor's.
        """
        if not view and what != "item assignment" and what not in _READ_FIRST and not (  # (x[i] = v: its own)
                what == "index_put_" and _fills_through_mask(*others)):
            full = what in _NO_OVERLAP
            for o in others:
                if isinstance(o, Tensor):
                    refuse_overlap(self._array, o._array, full)
        if _extras.stale:
            _methods.graph.refresh_views((self,))
        record = self._recorded(*others)
        if record and not _extras.stale and (getattr(self, "_viewbase", None) is not None
                                             or _shared_memory(self._array)):
            _extras.stale = True  # this tensor's views (or its base's) now need its new history
        rebase = self._view_base() if record and not view else None
        if record and view and self._ctx is not None and self._ctx.is_view:
            self._view_base()  # (squeeze_ of a leaf's view: PyTorch's error too)
        if rebase is not None and (ref := getattr(self, "_viewbase", None)) is not None:
            # the base's new history must outlive this op for its other views to take it (PyTorch's views
            # hold their _base): a temporary base (x = (a * 2).view(-1); x[0].zero_()) was otherwise freed
            ref.held = rebase[0]
        old_base = rebase[0]._array.copy() if rebase is not None else None
        source = self
        # (a view op on a view changes no value: its stand-in shares the memory, so the result stays a view
        # of the same base, and later writes through it reach the base's graph)
        alias = view and getattr(self, "_viewbase", None) is not None
        if record:
            source = from_numpy(self._array if alias else self._array.copy())
            # (a view's hooks are on its old history, which its in-place op's gradient skips, as PyTorch's)
            store_requires_grad(source, self.requires_grad)
            source._ctx = self._ctx
            source._hooks = self._hooks if rebase is None else None
            source._version, self._hooks = self._version, None
            # (the base's own history may read this view's old value: a second write through one view)
            self._repoint(source, others if rebase is None else (*others, rebase[0]))
        result = compute(source)
        if record and result._ctx is not None and any(o is self for o in others):
            # x.add_(x): the op read x as an operand too, PyTorch's edge to x's old history; reading x itself
            # the graph would loop through x (a backward that reads it keeps x: its version error, as PyTorch)
            self._repoint(source, (result,), keep_read=True)
        if result.dtype != self.dtype:
            if not _dtypes.can_cast(result.dtype, self.dtype):  # (int32 into uint8 wraps, as in PyTorch)
                raise MinigradError(f"result type {scalar_type_name(result.dtype)} can't be cast to the "
                                    f"desired output type {scalar_type_name(self.dtype)} ({what})")
            result = result.astype(self.dtype)
        if view:
            # the same view of this tensor's own memory (recorded, result may view source's copy), so it
            # stays shared with its base and other views, as PyTorch's
            new = compute(from_numpy(self._array))._array if record and not alias else result._array
            self._write(lambda _: new)
        elif result.shape != self.shape:
            raise ShapeError(f"{what}: output with shape {self.shape} doesn't match the broadcast shape "
                             f"{result.shape}")
        else:
            value = result._array
            self._write(lambda a: np.copyto(a, value))
        if record:
            made_by = source._ctx
            if made_by is not None and made_by.reads_output and not made_by.reads_inputs:
                source._version = self._version  # PyTorch saved this result: backward through it raises
            self._ctx = result._ctx
            store_requires_grad(self, result.requires_grad)
            if self._ctx is not None:  # this tensor is now the op's result, at its new version
                self._ctx.out_version = self._version
                if self._ctx is not source._ctx:  # ops that read this tensor before read source
                    self._ctx.prior = source
            if rebase is not None and old_base is not None:
                self._rebase(*rebase, old_base, others)
                if self._ctx is not None:  # (the base's write moved this view's version once more)
                    self._ctx.out_version = self._version
        return self

    def _view_base(self) -> tuple[Tensor, Function | None] | None:
        """The tensor this one is a view of (through view ops sharing its memory), and the first
        recorded view op on the way (None when the views were not recorded: a base that needed no
        grad then), or None if it is not such a view.

        Raises:
            MinigradError: the base is a leaf that requires grad (PyTorch's error).
        """
        t, first = self, None
        while True:
            fn = t._ctx
            if fn is None or not fn.is_view or not fn.parents:
                break
            parent = fn.parents[0]
            if memory_owner(parent._array) != memory_owner(t._array):
                break
            t, first = parent, fn
        if first is None:
            # out.view(-1, C).index_add_(0, i, y): no view op was recorded (the base needed no grad then),
            # yet the base must take the in-place op's result too (PyTorch tracks ``_base`` for every view)
            # (a base that is gone, b = zeros(4, 4)[:, 1:]; b[:, 0].add_(w): its stand-in takes the history,
            # and b, a view of it, takes its share when next used, as PyTorch's regenerated views do)
            ref = getattr(self, "_viewbase", None)
            base: Tensor | None = _methods.live_base(ref, self) if ref is not None else None
            if (base is None or base is self or memory_owner(base._array) != memory_owner(self._array)
                    or (base.requires_grad and base._ctx is None)):
                return None
            return base, None
        if t._ctx is None and t.requires_grad:
            raise MinigradError("a view of a leaf Variable that requires grad is being used in an in-place "
                                "operation.")
        return t, first

    def _rebase(self, base: Tensor, first: Function | None, old: Array, others: tuple[Any, ...]) -> None:
        """After an in-place op through this view of ``base``: make ``base`` the result of a
        CopySlices node (its old values, with this view's new ones written in), as PyTorch does, so
        gradients through ``base`` reach both. ``old`` is a copy of base's values before the op;
        ops that read the base on the way to the in-place op's operands ``others`` read it instead.

        Raises:
            MinigradError: the base's memory is not contiguous (the positions cannot be mapped).
        """
        arr = base._array
        pos = _methods.graph.view_positions(arr, self._array)
        if pos is None:
            raise MinigradError("an in-place operation on a view of a non-contiguous tensor that requires "
                                "grad is not supported by minigrad; call .contiguous() on the base first")
        snap = from_numpy(old)
        store_requires_grad(snap, base.requires_grad)
        snap._ctx, snap._version = base._ctx, base._version
        base._repoint(snap, others)  # z[0] += z[1]: z[1] was taken from the old values
        if first is not None:  # the view's own history starts at the old values
            first.parents = (snap, *first.parents[1:])
        result = _ops.CopySlices.apply(snap, self, target=arr, pos=pos, old=snap)
        if base._version != self._version:  # (one counter in PyTorch: the view's write moved it, if its base)
            base._write()
        made_by = snap._ctx
        if made_by is not None and made_by.reads_output and not made_by.reads_inputs:
            snap._version = base._version  # PyTorch saved the base as this op's result: backward raises
        base._ctx = result._ctx
        store_requires_grad(base, True)

    def _repoint(self, source: Tensor, others: tuple[Any, ...], keep_read: builtins.bool = False) -> None:
        """Make the ops that read this tensor's old value on the way to ``others`` read ``source``.

        In ``d[idx] -= 1`` the value assigned was computed from ``d[idx]``, an op
        whose input is ``d``; once ``d`` holds the new values that op must point
        at the snapshot of the old ones (or the graph would loop through ``d``).
        Only ops created after this tensor's own op, or (a leaf) after the tensor itself, can have read it:
        ``torch.zeros(n).index_add_(0, i, v)`` at each step of a long simulation searches only v's newest
        ops, not every earlier step's. ``keep_read``: an op whose backward reads this tensor keeps it.
        """
        floor = self._ctx.seq if self._ctx is not None else getattr(self, "_born", -1)
        stack = [o._ctx for o in others if isinstance(o, Tensor) and o._ctx is not None]
        seen: set[int] = set()
        while stack:
            fn = stack.pop()
            if id(fn) in seen or fn.seq <= floor or not fn.parents:
                continue
            seen.add(id(fn))
            if any(p is self for p in fn.parents):
                fn.parents = tuple(source if p is self and not (keep_read and fn.reads_input(i)) else p
                                   for i, p in enumerate(fn.parents))
            stack.extend(p._ctx for p in fn.parents if p._ctx is not None)

    def _check_inplace(self, what: str) -> None:
        self._recorded()

    def _inplace(self, other: Any, ufunc: np.ufunc, alpha: Scalar = 1) -> Tensor:
        kind = type(other)
        if kind is not Tensor and kind is not float and kind is not int:  # (the usual operands pass by)
            if isinstance(other, np.generic):
                other = py_number(other)
            elif not_operand(other):
                # (a namedtuple, a str, None: PyTorch's argument error; the operators declined those already;
                # a tensor-like is handed the method)
                if tensor_like(other):
                    return hand_over(_INPLACE_NAMES[ufunc], (self, other), alpha_given(alpha))  # type: ignore[no-any-return]
                raise _methods.pointwise.sequence_error(_INPLACE_NAMES[ufunc], other)
        if self._recorded(other):  # (_update checks the operand's overlap on this path)
            if alpha != 1 and ufunc in (np.add, np.subtract):  # (one fused multiply-add, as out of place)
                scaled = _methods.pointwise.add if ufunc is np.add else _methods.pointwise.sub
                return self._update(f"in-place {ufunc.__name__}", lambda t: scaled(t, other, alpha=alpha),
                                    other)
            op = _INPLACE_OPS[ufunc]
            return self._update(f"in-place {ufunc.__name__}",
                                lambda t: op(t, other if alpha == 1 else other * alpha), other)
        if kind is Tensor:
            refuse_overlap(self._array, other._array)
        if self._array.dtype is float16 and ufunc in (np.multiply, np.divide) and (type(other) is float or (
                kind is Tensor and other._array.ndim == 0 and other._array.dtype.kind in "biuf")):
            # (PyTorch's half kernels: the number in float32, one rounding to half; see _half_scalar)
            number = other if type(other) is float else other._array.astype(float32)
            return self._write(lambda a: np.copyto(a, ufunc(a, number, dtype=float32), casting="unsafe"))
        value = other._array if isinstance(other, Tensor) else _lift(other, self)._array
        if value.dtype is not self._array.dtype and kind is Tensor and result_dtype(
                self._array.dtype, self.ndim == 0, value.dtype, value.ndim == 0) == self._array.dtype:
            value = quiet(value.astype, self._array.dtype)  # (PyTorch casts an operand that does not promote)
        if alpha != 1:
            if self.dtype.kind != "f" and isinstance(alpha, float):
                raise MinigradError(
                    f"in-place {ufunc.__name__}: alpha={alpha!r} is a float, but this tensor is "
                    f"{self.dtype} (as in PyTorch, an integral tensor takes an integral alpha)"
                )
            if self.dtype == value.dtype == np.float32 and ufunc in (np.add, np.subtract):
                # PyTorch's kernel fuses the multiply-add: one rounding
                step = float(alpha) if ufunc is np.add else -float(alpha)
                return self._write(lambda a: np.copyto(a, fma32(value, step, a)))
            if value.dtype.kind in "biu":  # alpha * other in the result's dtype (int8 127 * 2 must not wrap)
                value = value.astype(np.promote_types(value.dtype, self._array.dtype))
                alpha = (_fill_scalar(alpha, value.dtype, "alpha") if value.dtype.kind in "iu"
                         else bool(alpha) if value.dtype == np.bool_ else alpha)  # (bools stay bools)
            value = quiet(np.multiply, value, alpha)
        try:
            return self._write(lambda a: ufunc(a, value, out=a, casting="same_kind"))
        except TypeError:  # numpy's UFuncTypeError: PyTorch stores a result of the tensor's category or below
            got = result_dtype(self._array.dtype, self.ndim == 0, value.dtype, np.ndim(value) == 0)
            got = get_default_dtype() if ufunc is np.divide and got.kind != "f" else got  # (true division)
            if not _dtypes.can_cast(got, self._array.dtype):  # (an int result into uint8 wraps around)
                raise MinigradError(f"result type {scalar_type_name(got)} can't be cast to the desired "
                                    f"output type {scalar_type_name(self._array.dtype)}") from None
            # (the unsafe write would leak numpy's ValueError for shapes that do not broadcast)
            check_broadcast_to(f"in-place {ufunc.__name__}", np.shape(value), self.shape)
            return self._write(lambda a: ufunc(a, value, out=a, casting="unsafe"))
        except ValueError as e:
            check_broadcast_to(f"in-place {ufunc.__name__}", np.shape(value), self.shape)
            raise MinigradError(f"in-place {ufunc.__name__}: {e}") from None

    # (a list, a tuple, any other non-number: NotImplemented, so Python raises its TypeError for +=, as
    # PyTorch's operators do)
    def __iadd__(self, other: Any) -> Tensor:
        return _decline(self, other, "add_") if _declined(other) else self._inplace(other, np.add)

    def __isub__(self, other: Any) -> Tensor:
        return _decline(self, other, "sub_") if _declined(other) else self.sub_(other)

    def __imul__(self, other: Any) -> Tensor:
        return _decline(self, other, "mul_") if _declined(other) else self._inplace(other, np.multiply)

    def __itruediv__(self, other: Any) -> Tensor:
        return _decline(self, other, "div_") if _declined(other) else self._inplace(other, np.divide)

    def add_(self, other: TensorLike, *deprecated: Any, alpha: Scalar = 1) -> Tensor:
        """self += alpha * other, in place; returns self. PyTorch's deprecated ``add_(alpha, other)``
        (old optimizer code) works too, with its warning.

        Raises:
            MinigradError: self requires grad and grad mode is on, or the result
                cannot be stored in self's dtype.
            ShapeError: ``other`` does not broadcast to self's shape.
            TypeError: a second positional argument other than that overload's (alpha is keyword-only).
        """
        if deprecated:
            other, alpha = _methods.pointwise.scalar_first("add_", "alpha", ("other",), (other, *deprecated))
        if type(other) in _SEQUENCES:
            raise _methods.pointwise.sequence_error("add_", other)
        if isinstance(alpha, builtins.bool) and self._array.dtype != bool_:
            raise _dtypes.bool_alpha_error()
        return self._inplace(other, np.add, alpha)

    def sub_(self, other: TensorLike, *deprecated: Any, alpha: Scalar = 1) -> Tensor:
        """self -= alpha * other, in place; returns self (errors as :meth:`add_`; a bool operand raises
        DTypeError, as in PyTorch; also the deprecated ``sub_(alpha, other)``)."""
        if deprecated:
            other, alpha = _methods.pointwise.scalar_first("sub_", "alpha", ("other",), (other, *deprecated))
        if type(other) in _SEQUENCES:
            raise _methods.pointwise.sequence_error("sub_", other)
        if self._array.dtype == bool_ or _is_bool(other):
            raise _dtypes.bool_sub_error(self._array.dtype == bool_ and _is_bool(other))
        if isinstance(alpha, builtins.bool):
            raise _dtypes.bool_alpha_error()
        return self._inplace(other, np.subtract, alpha)

    def mul_(self, other: TensorLike) -> Tensor:
        """self *= other, in place; returns self (errors as :meth:`add_`)."""
        if type(other) in _SEQUENCES:
            raise _methods.pointwise.sequence_error("mul_", other)
        return self._inplace(other, np.multiply)

    def div_(self, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
        """self /= other, in place; returns self (errors as :meth:`add_`; not for integer tensors).

        ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient (see :func:`minigrad.div`).
        """
        if type(other) in _SEQUENCES:
            raise _methods.pointwise.sequence_error("div_", other,
                                                    keywords=rounding_mode and ", rounding_mode=str")
        if rounding_mode is not None:
            return self._update("div_", lambda t: t.div(other, rounding_mode=rounding_mode), other)
        return self._inplace(other, np.divide)

    def copy_(self, src: Tensor, non_blocking: builtins.bool = False) -> Tensor:
        """Copy ``src``'s values into self, broadcast to its shape and converted to its dtype; returns self.

        ``src`` may be a Python number (PyTorch copies it as a 0-d tensor: cast, no overflow check).
        ``non_blocking`` is accepted as PyTorch's (a CPU copy is always done when this returns).

        Raises:
            TypeError: ``src`` is neither a Tensor nor a number.
            ShapeError: ``src`` does not broadcast to self's shape.
            MinigradError: self requires grad and grad mode is on.
        """
        if non_blocking is not True and non_blocking is not False:  # (PyTorch's parser takes only bools)
            raise bool_error("copy_", "non_blocking", non_blocking)
        src = state_operand(src)
        if isinstance(src, (builtins.bool, builtins.int, builtins.float)):
            src = from_numpy(np.asarray(src))  # (int64, float64 or bool, cast to self's dtype below)
        if not isinstance(src, Tensor):
            if tensor_like(src):
                return hand_over("copy_", (self, src))  # type: ignore[no-any-return, unused-ignore]
            raise TypeError(f"copy_: src must be a Tensor, got {type(src).__name__}")
        if self._recorded(src):  # (_update checks src's overlap on this path)
            everywhere = from_numpy(np.ones(self.shape, dtype=bool))
            out = self._update("copy_", lambda t: where(everywhere, src.astype(t.dtype).expand(t.shape), t),
                               src)
            return _named(out, src, "torch::autograd::CopyBackwards")  # (PyTorch's node for copy_)
        refuse_overlap(self._array, src._array)
        value = src._array
        if value.ndim > self._array.ndim:  # numpy would drop leading 1s; PyTorch's result cannot grow
            raise ShapeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                             f"{list(np.broadcast_shapes(value.shape, self.shape))} (copy_)")
        try:
            return self._write(lambda a: np.copyto(a, value, casting="unsafe"))
        except ValueError:  # (PyTorch's words: a (self) and b (src) clash, or the shape they broadcast to)
            try:
                words = (f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                         f"{list(np.broadcast_shapes(value.shape, self.shape))}")
            except ValueError:
                words = size_mismatch(self.shape, src.shape)
            raise ShapeError(f"{words} (copy_: shape {src.shape} cannot be broadcast to "
                             f"{self.shape})") from None

    def zero_(self) -> Tensor:
        """Fill with zeros in place."""
        recorded = self._recorded()
        out = self.fill_(0)
        return _named(out, out, "ZeroBackward0", recorded)

    def fill_(self, value: Scalar) -> Tensor:
        """Fill with ``value`` in place (a number or a 0-d tensor).

        Raises:
            MinigradError: a tensor value with dims (PyTorch's RuntimeError, even for one element).
        """
        if isinstance(value, Tensor) and value._array.ndim:
            raise MinigradError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                                f"{value._array.ndim} dimensions.")
        v = _fill_scalar(value, self.dtype, "fill_: value")
        if self._recorded(value):  # (PyTorch's Scalar overload: FillBackward2, its Tensor one: FillBackward3)
            return self._fill_("fill_", v, "FillBackward3" if isinstance(value, Tensor) else "FillBackward2")

        def fill(a: Array) -> None:
            a[...] = v

        return self._write(fill, part=True)  # (one value: PyTorch fills an expanded tensor too)

    def clamp_(self, min: builtins.float | None = None, max: builtins.float | None = None) -> Tensor:  # noqa: A002
        """Limit values to [min, max] in place; returns self (see :meth:`clamp`).

        Raises:
            MinigradError: the bounds would make the result a float (an integer
                tensor with float bounds), or self requires grad in grad mode.
        """
        if self._recorded(min, max):
            return self._update("clamp_", lambda t: t.clamp(min, max), min, max)
        numbers = {type(min), type(max)} <= {type(None), builtins.int, builtins.float}
        if numbers and self._array.dtype.kind == "f" and (min is not None or max is not None):
            self._clamp_bounds(min, max)  # (weight clipping's p.data.clamp_(-c, c): a pass per bound)
            return self._write(lambda a: clamp_into(a, min, max))
        for bound in (min, max):  # (PyTorch's TensorIterator reads the bounds as inputs)
            if isinstance(bound, Tensor):
                refuse_overlap(self._array, bound._array)
        result = self.detach().clamp(min, max)
        # PyTorch's in-place rule: the result may narrow within its category (float64 bounds on a float32
        # tensor), not leave it (float bounds on an int tensor)
        if _dtypes.category(result.dtype) > _dtypes.category(self.dtype):
            raise MinigradError(f"clamp_: the result type {result.dtype} can't be cast to {self.dtype}")
        return self.copy_(result)

    def __setitem__(self, index: Any, value: Any) -> None:
        if _extras.subclass and type(self) is Tensor and _subclass.dispatches(Tensor, index, value):
            _subclass.handle(Tensor.__setitem__, "__setitem__", (self, index, value), {}, Tensor)
            return
        if index is False:  # PyTorch writes nothing here and checks only that the value is a tensor or number
            if not isinstance(value, Tensor):
                _fill_scalar(value, self.dtype, "setitem: value", True)
            return
        if isinstance(value, Tensor) and value._array.dtype != self._array.dtype:
            _methods.indexing.check_put_dtype(index, value, self._array.dtype, shape=self.shape)
        if isinstance(value, Tensor) and memory_owner(value._array) == memory_owner(self._array):
            # PyTorch copies into a basic index's view (refusing a partly overlapping value) and index_put_s
            # an advanced one (refusing any overlap with the tensor)
            idx = _index(index, self.shape)
            idx = idx if isinstance(idx, tuple) else (idx,)
            if not _is_basic_index(idx) and not _fills_through_mask(index, value):
                refuse_overlap(self._array, value._array, full=True)
            elif (region := self._array[idx]).size == value._array.size:
                refuse_overlap(np.asarray(region), value._array)
        try:
            recorded = self._recorded(value)
        except MinigradError as e:
            raise _leaf_view_error(e, index) from None
        if recorded:
            put = _methods.indexing.put
            v = value if isinstance(value, Tensor) else from_numpy(
                np.asarray(_fill_scalar(value, self.dtype, "setitem: value", True), dtype=self.dtype))
            idx = _index(index, self.shape)
            steps = _index_steps(idx)
            self._update("item assignment", lambda t: put(t, idx, v) if len(steps) == 1
                         else _put_in_steps(t, steps, v), value)
            ctx = self._ctx
            if ctx is not None and ctx.name() == "IndexPutBackward0" and _is_basic_index(idx):
                # PyTorch writes a basic index through a view of this tensor (CopySlices); a view that is
                # the whole tensor it fills (a number or 0-d tensor) or copies into
                whole = (all(i is Ellipsis or isinstance(i, slice) for i in idx)
                         and np.broadcast_to(np.int8(0), self.shape)[idx].shape == self.shape)
                filled = not isinstance(value, Tensor) or value.ndim == 0
                ctx.label = ("torch::autograd::CopySlices" if not whole else "FillBackward3" if filled
                             else "torch::autograd::CopyBackwards")
            return
        arr: Any
        if isinstance(value, Tensor):
            arr = value._array
        elif isinstance(value, (np.ndarray, list, tuple)):
            arr = _to_array(value, None)
        else:
            arr = _fill_scalar(value, self.dtype, "setitem: value", True)
        steps = _index_steps(_index(index, self.shape))
        if not self._array.flags.writeable and not np.isscalar(arr) and _is_basic_index(steps[0]):
            region = self._array[steps[0]]  # (PyTorch copies a tensor into this view, a scalar it fills)
            if len(steps) == 1 and any(st == 0 and n > 1 for st, n in zip(region.strides, region.shape)):
                raise MinigradError(
                    "unsupported operation: more than one element of the written-to tensor refers to a "
                    "single memory location. Please clone() the tensor before performing the operation."
                )
        try:
            self._write(lambda a: _assign_in_steps(a, steps, arr), part=True)
        except IndexError as e:
            raise index_error(index, self.shape, e) from None
        except ValueError as e:
            value_shape = tuple(np.shape(arr))
            while value_shape and value_shape[0] == 1:  # (PyTorch drops a value's leading 1s first)
                value_shape = value_shape[1:]
            try:
                region_shape = tuple(self._array[index].shape)
            except IndexError as bounds:  # (an index past an empty dim: PyTorch's IndexError comes first)
                raise index_error(index, self.shape, bounds) from None
            error = expand_to_error(value_shape, region_shape, _dtypes.tensor_type_name(self._array.dtype))
            raise ShapeError(
                f"{str(error) + ' (' if error else ''}setitem: a value of shape {np.shape(arr)} does not fit "
                f"index {index!r} of a tensor of shape {self.shape}: {e}{')' if error else ''}"
            ) from None

    # comparisons: bool tensors, never recorded
    def _compare(self, other: Any, ufunc: np.ufunc) -> Tensor:
        a = self._array
        if isinstance(other, Tensor):
            o = other._array
            if o.dtype != a.dtype:  # PyTorch compares in the result type (uint8 < int64 0-d -2: -2 is 254)
                dt = result_dtype(a.dtype, a.ndim == 0, o.dtype, o.ndim == 0)
                a, o = quiet(np.asarray, a, dt), quiet(np.asarray, o, dt)
        elif isinstance(other, (list, tuple)) or (type(other) is np.ndarray and ufunc is not np.equal):
            # PyTorch's: then Python's answer for a sequence (== is False, < TypeError); an array is taken
            # by == only (!= is then Python's identity test and < its TypeError, as PyTorch's)
            return NotImplemented  # type: ignore[no-any-return]
        else:
            try:
                o = _lift(other, self)._array
            except TypeError:
                if isinstance(other, complex):
                    raise
                if tensor_like(other):  # (PyTorch hands it the comparison)
                    return hand_over(_COMPARE_METHODS[ufunc], (self, other))  # type: ignore[no-any-return]
                return NotImplemented  # type: ignore[no-any-return]
            if o.dtype != a.dtype:  # an int tensor and a float compare in the default float dtype (PyTorch)
                a = quiet(np.asarray, a, o.dtype)
        try:
            return from_numpy(np.asarray(ufunc(a, o)))
        except ValueError as e:
            raise broadcast_error(str(ufunc.__name__), self.shape, np.shape(o)) from e

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __invert__(self) -> Tensor:
        if self.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors "
                            f"(got {self.dtype})")
        return from_numpy(~self._array)

    @dim_aliases
    def any(self, dim: int | Sequence[int] | None = None, keepdim: builtins.bool = False) -> Tensor:
        """True where any element over ``dim`` is non-zero (uint8 stays uint8, as PyTorch); no gradient.
        ``dim=()`` reduces no dim (PyTorch's any/all; sum's () is every dim)."""
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("any", "keepdim", keepdim)
        axis = () if isinstance(dim, (tuple, list)) and not dim else norm_dims(dim, self.ndim)
        out = np.asarray(self._array.any(axis=axis, keepdims=keepdim))
        return from_numpy(out.astype(self.dtype) if self.dtype == np.uint8 else out)

    @dim_aliases
    def all(self, dim: int | Sequence[int] | None = None, keepdim: builtins.bool = False) -> Tensor:
        """True where every element over ``dim`` (as any's) is non-zero (uint8 stays uint8); no gradient."""
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("all", "keepdim", keepdim)
        axis = () if isinstance(dim, (tuple, list)) and not dim else norm_dims(dim, self.ndim)
        out = np.asarray(self._array.all(axis=axis, keepdims=keepdim))
        return from_numpy(out.astype(self.dtype) if self.dtype == np.uint8 else out)

    def isnan(self) -> Tensor:
        """Bool tensor, True where the value is NaN."""
        return from_numpy(np.isnan(self._array))

    def isfinite(self) -> Tensor:
        """Bool tensor, True where the value is finite."""
        return from_numpy(np.isfinite(self._array))

    # ------------------------------------------------------------ elementwise

    def _floating(self) -> Tensor:
        """Self, or a copy in the default dtype of an integer or bool tensor (PyTorch's exp(int) is float)."""
        return self if self._array.dtype.kind == "f" else self.astype(get_default_dtype())

    def _softmax_operand(self, name: str, dim: int) -> Tensor:
        """Self if floating; else PyTorch's NotImplementedError (its (log_)softmax kernels are float only),
        but for an empty tensor: PyTorch runs no kernel there, and the result keeps the dtype."""
        if self._array.dtype.kind != "f" and self._array.size:
            kernel = f"{name}_lastdim" if norm_dim(dim, self.ndim) == self.ndim - 1 else name
            raise _dtypes.kernel_error(f"{kernel}_kernel_impl", self._array.dtype, "")
        return self

    def _float_unary(self, op: type[Function]) -> Tensor:
        # (no **params: an empty one would cost the hottest ops ~1k instructions per call)
        return op.apply(self if self._array.dtype.kind == "f" else self.astype(get_default_dtype()))

    def exp(self) -> Tensor:
        """e ** x, elementwise."""
        return self._float_unary(_ops.Exp)

    def log(self) -> Tensor:
        """Natural log; log(0) = -inf, log(x < 0) = nan, as in PyTorch."""
        return self._float_unary(_ops.Log)

    def sqrt(self) -> Tensor:
        """Square root; nan for negative inputs."""
        return self._float_unary(_ops.Sqrt)

    def rsqrt(self) -> Tensor:
        """1 / sqrt(x), as one op."""
        return self._float_unary(_ops.Rsqrt)

    def sin(self) -> Tensor:
        """Sine, elementwise."""
        return self._float_unary(_ops.Sin)

    def cos(self) -> Tensor:
        """Cosine, elementwise."""
        return self._float_unary(_ops.Cos)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return self._float_unary(_ops.Tanh)

    def sigmoid(self) -> Tensor:
        """1 / (1 + exp(-x)), computed without overflow."""
        return self._float_unary(_ops.Sigmoid)

    def erf(self) -> Tensor:
        """The error function, elementwise."""
        return self._float_unary(_ops.Erf)

    def relu(self) -> Tensor:
        """max(x, 0), elementwise."""
        return _ops.Relu.apply(self)

    def gelu(self, approximate: str = "none") -> Tensor:
        """x * Phi(x) (``approximate='none'``) or its tanh approximation (``'tanh'``).

        Raises:
            InvalidParameterError: ``approximate`` is neither 'none' nor 'tanh'.
        """
        if approximate not in ("none", "tanh"):
            raise InvalidParameterError(f"approximate argument must be either none or tanh., got "
                                        f"{approximate!r}")
        return _ops.Gelu.apply(self._floating(), approximate=approximate)

    def abs(self) -> Tensor:
        """|x|; the gradient at 0 is 0."""
        return _ops.Abs.apply(self)

    def sign(self) -> Tensor:
        """-1, 0 or 1 by sign (zero gradient)."""
        return _ops.Sign.apply(self)

    def square(self) -> Tensor:
        """x * x."""
        return self**2

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        """Limit values to [min, max]; the gradient passes where min <= x <= max.

        Bounds may be numbers or tensors broadcastable to x (then a bound gets
        the gradient where it is the result, as in PyTorch).

        Raises:
            InvalidParameterError: both bounds are None.
            TypeError: one bound a tensor of 1+ dims, the other a number (PyTorch has no such overload).
        """
        if min is None and max is None:
            raise InvalidParameterError("torch.clamp: At least one of 'min' or 'max' must not be None")
        min, max = py_number(min), py_number(max)  # noqa: A001
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            if None not in (min, max) and isinstance(min, Tensor) != isinstance(max, Tensor):
                # a 0-d tensor beside a number is a number to PyTorch (its clamp(Scalar, Scalar) overload;
                # one that requires grad PyTorch refuses, minigrad keeps in the graph)
                min, max = (  # noqa: A001
                    b.item() if isinstance(b, Tensor) and b.ndim == 0 and not b.requires_grad else b
                    for b in (min, max))
                if not all(isinstance(b, Tensor) for b in (min, max)) and any(
                        isinstance(b, Tensor) and b.ndim for b in (min, max)):  # (neither overload fits)
                    raise TypeError(f"clamp() received an invalid combination of arguments - got (Tensor, "
                                    f"{type(min).__name__}, {type(max).__name__}), but expected one of: "
                                    "(Tensor input, Tensor min, Tensor max) or (Tensor input, Number min, "
                                    "Number max)")
            if isinstance(min, Tensor) or isinstance(max, Tensor):
                return _clamp_tensors(self, min, max)
            return self.clamp(min, max)
        if self.dtype.kind != "f" and (isinstance(min, float) or isinstance(max, float)):
            return self.astype(get_default_dtype()).clamp(min, max)  # int64.clamp(2.5) is a float, as PyTorch
        if self.dtype == bool_:
            if all(isinstance(b, builtins.bool) for b in (min, max) if b is not None):  # a bool result
                name = "clamp" if None not in (min, max) else "clamp_min" if max is None else "clamp_max"
                raise _dtypes.kernel_error(f"{name}_scalar", self.dtype)
            return self.astype(int64).clamp(min, max)  # as PyTorch: bool.clamp(0) is int64
        self._clamp_bounds(min, max)
        return _ops.Clamp.apply(self, lo=min, hi=max)

    def _clamp_bounds(self, *bounds: Any) -> None:
        for name, v in zip(("min", "max"), bounds):  # (PyTorch's overflow check of a number bound)
            if v is not None:
                _fill_scalar(v, self.dtype, f"clamp: {name}")

    clip = clamp

    def maximum(self, other: TensorLike) -> Tensor:
        """Elementwise max with broadcasting; ties split the gradient in half.

        Raises:
            TypeError: ``other`` is not a Tensor (a number too, as PyTorch's: that is ``clamp(min=)``).
        """
        if not isinstance(other, Tensor):
            if tensor_like(other):
                return hand_over("maximum", (self, other))  # type: ignore[no-any-return]
            raise not_tensor_error("maximum", "other", 1, other)
        return self._binary(other, _ops.Maximum)

    def minimum(self, other: TensorLike) -> Tensor:
        """Elementwise min with broadcasting; ties split the gradient in half.

        Raises:
            TypeError: ``other`` is not a Tensor (a number too, as PyTorch's: that is ``clamp(max=)``).
        """
        if not isinstance(other, Tensor):
            if tensor_like(other):
                return hand_over("minimum", (self, other))  # type: ignore[no-any-return]
            raise not_tensor_error("minimum", "other", 1, other)
        return self._binary(other, _ops.Minimum)

    def pow(self, exponent: TensorLike) -> Tensor:
        """x ** exponent (TypeError for a list, tuple or numpy array exponent, as PyTorch's)."""
        if _declined(exponent):
            # (the operator would answer NotImplemented)
            raise _methods.pointwise.sequence_error("pow", exponent, name="exponent")
        return self**exponent

    def masked_fill(self, mask: Tensor | Array, value: Any) -> Tensor:
        """x with ``value`` (a number or a 0-d tensor, which gets the gradient) wherever ``mask`` is True.

        Raises:
            TypeError: a mask that is no tensor (a Python bool, a list: PyTorch's argument error).
        """
        if not isinstance(mask, (Tensor, np.ndarray)):  # (minigrad's own callers pass numpy masks)
            if tensor_like(mask) or tensor_like(value):  # (handed the call, as PyTorch's)
                return hand_over("masked_fill", (self, mask, value))
            raise mask_type_error("masked_fill", mask, value)
        m = mask._array if isinstance(mask, Tensor) else np.asarray(mask)
        if m.dtype != bool_:
            if not _broadcasts(self._array.shape, m.shape):  # (PyTorch checks the shapes first)
                raise ShapeError(f"{size_mismatch(m.shape, self._array.shape)} (masked_fill: mask of shape "
                                 f"{m.shape} cannot be broadcast with the tensor's shape {self.shape})")
            raise _MaskDTypeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                             f"{_dtypes.c_type_name(m.dtype)}")
        if isinstance(value, Tensor) and value.ndim:
            raise MinigradError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                                f"with {value.ndim} dimension(s).")
        if isinstance(value, Tensor) and value.requires_grad and self.dtype.kind == "f":
            fill = value.astype(self.dtype)  # in the graph: the value gets the gradient of what it filled
        else:  # the result keeps x's dtype, as in PyTorch (an int tensor filled with 1.5 holds 1)
            v = _fill_scalar(value, self.dtype, "masked_fill: value")
            fill = from_numpy(quiet(np.asarray, v, self.dtype))
        try:  # composed by where; the node is named as PyTorch's (Backward1: the tensor-value overload)
            name = "MaskedFillBackward1" if isinstance(value, Tensor) else "MaskedFillBackward0"
            return _named(where(from_numpy(m), fill, self), self, name)
        except ShapeError:
            raise ShapeError(  # (PyTorch's words first)
                f"{size_mismatch(m.shape, self._array.shape)} (masked_fill: mask of shape {m.shape} cannot "
                f"be broadcast with the tensor's shape {self.shape})"
            ) from None

    # ------------------------------------------------------------ reductions

    @dim_aliases
    def sum(self, dim: int | Sequence[int] | None = None, keepdim: builtins.bool = False, *,
            dtype: DTypeLike = None) -> Tensor:
        """Sum over ``dim`` (int, tuple, negative; None: all). Bool/int give int64.

        ``dtype``: cast to it first; an integer or bool ``dtype`` is also the result's (PyTorch sums in it,
        wrapping; the int64 sum cast back wraps alike).

        Raises:
            MinigradError: an integer or bool ``dtype`` on a tensor that requires grad (as PyTorch).
        """
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("sum", "keepdim", keepdim)
        if dtype is not None:
            t = _integer_result_check(self, self.astype(dtype))
            out = t.sum(dim, keepdim)
            return out if out.dtype == t.dtype else out.astype(t.dtype)
        t = self if self.dtype.kind == "f" else from_numpy(self._array.astype(int64))
        out = _ops.Sum.apply(t, dims=norm_dims(dim, self.ndim), keepdim=keepdim)
        if dim is not None and out._ctx is not None:
            out._ctx.given = dim  # (grad_fn._saved_dim shows dim as given, unnormalized, as PyTorch's)
        return out

    def _count(self, dims: tuple[int, ...] | None) -> int:
        if dims is None:
            return int(self._array.size)
        return math.prod(self.shape[d] for d in dims)

    @dim_aliases
    def mean(self, dim: int | Sequence[int] | None = None, keepdim: builtins.bool = False, *,
             dtype: DTypeLike = None) -> Tensor:
        """Arithmetic mean over ``dim``: sum / count (NaN over zero elements, as PyTorch).

        Raises:
            MinigradError: on an integer or bool tensor (as PyTorch) without a float ``dtype``.
        """
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("mean", "keepdim", keepdim)
        t = self if dtype is None else self.astype(dtype)
        if t.dtype.kind != "f":
            # PyTorch's words (scripts print them): its legacy type name, Long for int64
            got = _ops._type_name(t).removesuffix("Tensor")
            which = "Input" if t is self else "Optional"
            raise MinigradError(f"mean(): could not infer output dtype. {which} dtype must be either a "
                                f"floating point or complex dtype. Got: {got}")
        if t is not self:
            return t.mean(dim, keepdim)
        out = _ops.Mean.apply(self, dims=norm_dims(dim, self.ndim), keepdim=keepdim)
        if dim is not None and out._ctx is not None:
            out._ctx.given = dim  # (as sum's)
        return out

    @dim_aliases
    def var(self, dim: int | Sequence[int] | None = None, unbiased: _Flag = NOT_GIVEN,
            keepdim: _Flag = NOT_GIVEN, *, correction: _Correction = NOT_GIVEN) -> Tensor:
        """Variance over ``dim``: sum((x - mean)**2) / (N - correction), N the count of reduced elements.

        ``correction=1`` (Bessel's, unbiased) is the default, 0 the biased
        estimate; ``unbiased=True/False`` is PyTorch's older spelling of 1/0,
        and is the second positional argument, as in PyTorch (``x.var(0, False)``).
        One primitive (``ops.Var``): the mean, then the squared deviations
        summed in one pass. With N - correction <= 0 the result is inf or nan
        and a UserWarning says so, as in PyTorch.

        Raises:
            MinigradError: an integer or bool tensor.
            TypeError: arguments no overload of PyTorch's takes (PyTorch's words): a non-bool
                ``unbiased`` or ``keepdim`` (None too), ``unbiased`` with ``correction``.
        """
        return self._var("var", dim, unbiased, keepdim, correction)

    def _var(self, fn: str, dim: int | Sequence[int] | None, unbiased: _Flag,
             keepdim: _Flag, correction: _Correction, function: builtins.bool = False,
             op: type[Function] | None = None) -> Tensor:
        # fn: the name the errors and the degrees-of-freedom warning give (var, or torch.var_mean's);
        # function: the torch.var(input, ...) form. PyTorch's overloads: (dim, bool unbiased, bool keepdim),
        # (dim, *, correction, keepdim), (bool unbiased); what none takes is its TypeError (NOT_GIVEN: left
        # out, so an explicit None is refused as PyTorch's parser refuses it)
        lone = dim is True or dim is False  # x.var(False): the bool is unbiased, not a dim
        if (keepdim is not False and keepdim is not True and keepdim is not NOT_GIVEN) or (
                unbiased is not NOT_GIVEN and (lone or correction is not NOT_GIVEN
                                               or (unbiased is not True and unbiased is not False))) or (
                lone and (keepdim is not NOT_GIVEN or correction is not NOT_GIVEN)):
            raise std_var_error(fn, function, dim=dim, unbiased=unbiased, keepdim=keepdim,
                                correction=correction)
        if self.dtype.kind != "f":
            raise MinigradError("std and var only support floating point and complex dtypes")
        if lone:
            dim, unbiased = None, dim  # type: ignore[assignment]
        if unbiased is not NOT_GIVEN:
            correction = 1 if unbiased else 0
        elif correction is NOT_GIVEN or correction is None:  # (correction=None: the default, 1)
            correction = 1
        dims = norm_dims(dim, self.ndim)
        if self._count(dims) - correction <= 0 or not self._array.size:  # (PyTorch's factor: 0 when empty)
            warnings.warn(
                f"{fn}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                "factor (input numel divided by output numel).", UserWarning, stacklevel=user_stacklevel(),
            )
        return (op or _ops.Var).apply(self, dims=dims, keepdim=keepdim is True, correction=correction)

    @dim_aliases
    def std(self, dim: int | Sequence[int] | None = None, unbiased: _Flag = NOT_GIVEN,
            keepdim: _Flag = NOT_GIVEN, *, correction: _Correction = NOT_GIVEN) -> Tensor:
        """Standard deviation: sqrt of :meth:`var` (same arguments and errors), one primitive
        (:class:`~minigrad.ops.Std`: the root of the unrounded variance, and a gradient of 0 where the
        std is 0, both as PyTorch's).
        """
        return self._std("std", dim, unbiased, keepdim, correction)

    def _std(self, fn: str, dim: int | Sequence[int] | None, unbiased: _Flag,
             keepdim: _Flag, correction: _Correction, function: builtins.bool = False) -> Tensor:
        return self._var(fn, dim, unbiased, keepdim, correction, function, _ops.Std)

    def _extreme(self, op: type[Function], dim: int | Sequence[int] | None, keepdim: builtins.bool) -> Tensor:
        dims = norm_dims(dim, self.ndim)
        first = isinstance(dim, (int, np.integer))
        return op.apply(self, dims=dims, keepdim=keepdim, first=first)

    def _extreme_at(self, op: type[_ops.Max], dim: int, keepdim: builtins.bool) -> tuple[Tensor, Tensor]:
        """(values, indices) of max/min along one dim: one arg-extremum pass, the values gathered at it."""
        a = self._array
        if not a.ndim or not a.size:  # (0-d, or no values: the op's own path and errors)
            return self._extreme(op, dim, keepdim), self._arg(op._arg, dim, keepdim)
        d = norm_dim(dim, a.ndim)
        idx = np.expand_dims(op._arg(a, axis=d), d)
        values = op.apply(self, dims=(d,), keepdim=keepdim, first=True, index=idx)
        return values, from_numpy((idx if keepdim else idx.squeeze(d)).astype(int64))

    @dim_aliases
    def max(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The largest value; with an int ``dim``, PyTorch's named tuple ``(values, indices)``.

        ``x.max(other_tensor)`` is the elementwise maximum. A tuple ``dim``
        gives the values only (as ``amax``). Gradient on ties: with an int
        ``dim`` it goes to the first maximum (as ``torch.max(x, dim)``); with
        ``dim=None`` or a tuple it is shared evenly (as ``torch.max(x)`` and
        ``torch.amax``).
        """
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("max", "keepdim", keepdim)
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if not isinstance(dim, (int, np.integer)):
            return self._extreme(_ops.Max, dim, keepdim)
        if dim is True or dim is False:  # (a bool is no dim to PyTorch's parser)
            raise extreme_bool_dim("max", dim)
        from minigrad.return_types import max as named

        return named(*self._extreme_at(_ops.Max, int(dim), keepdim))

    @dim_aliases
    def min(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The smallest value; with an int ``dim``, ``(values, indices)``; ties as in :meth:`max`."""
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("min", "keepdim", keepdim)
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if not isinstance(dim, (int, np.integer)):
            return self._extreme(_ops.Min, dim, keepdim)
        if dim is True or dim is False:  # (a bool is no dim to PyTorch's parser)
            raise extreme_bool_dim("min", dim)
        from minigrad.return_types import min as named

        return named(*self._extreme_at(_ops.Min, int(dim), keepdim))

    @dim_aliases
    def amax(self, dim: int | Sequence[int] | None = None, keepdim: builtins.bool = False) -> Tensor:
        """Max over ``dim`` with the gradient shared evenly among ties."""
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("amax", "keepdim", keepdim)
        dims = norm_dims(dim, self.ndim)  # explicit dims: amax's NaN gradient differs from max()'s
        if dims is None and not self._array.size:
            raise _ops._empty_reduction("amax", self.shape, None)
        return _ops.Max.apply(self, dims=tuple(range(self.ndim)) if dims is None else dims, keepdim=keepdim,
                              first=False)

    @dim_aliases
    def amin(self, dim: int | Sequence[int] | None = None, keepdim: builtins.bool = False) -> Tensor:
        """Min over ``dim`` with the gradient shared evenly among ties."""
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("amin", "keepdim", keepdim)
        dims = norm_dims(dim, self.ndim)
        if dims is None and not self._array.size:
            raise _ops._empty_reduction("amin", self.shape, None)
        return _ops.Min.apply(self, dims=tuple(range(self.ndim)) if dims is None else dims, keepdim=keepdim,
                              first=False)

    def _arg(self, fn: Callable[..., Array], dim: int | None, keepdim: builtins.bool,
             public: builtins.bool = False) -> Tensor:
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error(fn.__name__, "keepdim", keepdim)
        if public and self._array.dtype == np.bool_:  # (PyTorch's words)
            raise MinigradError(f"{fn.__name__}(): does not support bool input")
        if self._array.size == 0 and (dim is None or self.shape[norm_dim(dim, self.ndim)] == 0):
            raise _ops._empty_reduction(fn.__name__, self.shape,
                                        None if dim is None else (norm_dim(dim, self.ndim),))
        if dim is None:
            out = np.asarray(fn(self._array))
            return from_numpy(out.reshape((1,) * self.ndim) if keepdim else out.astype(int64))
        d = norm_dim(dim, self.ndim)
        if self.ndim == 0:
            return from_numpy(np.asarray(0, dtype=int64))
        return from_numpy(np.asarray(fn(self._array, axis=d, keepdims=keepdim)).astype(int64))

    @dim_aliases
    def argmax(self, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the (first) largest value; over the flattened tensor if dim is None.

        Raises:
            MinigradError: a bool tensor (PyTorch's RuntimeError; max(dim) takes them).
        """
        return self._arg(np.argmax, dim, keepdim, True)

    @dim_aliases
    def argmin(self, dim: int | None = None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the (first) smallest value; over the flattened tensor if dim is None (as argmax)."""
        return self._arg(np.argmin, dim, keepdim, True)

    @dim_aliases
    def logsumexp(self, dim: int | Sequence[int], keepdim: builtins.bool = False) -> Tensor:
        """log(sum(exp(x))) over ``dim``, shifted by the max so 1e4 stays finite and exact.

        The shift is constant (detached): it cancels in value and gradient.
        """
        if keepdim is not True and keepdim is not False:  # (1, None: PyTorch's parser refuses them)
            raise bool_error("logsumexp", "keepdim", keepdim)
        x = self._floating()  # integers and bools give the default float dtype, as PyTorch
        if isinstance(dim, (tuple, list)) and not dim:  # PyTorch's kernel: dim=() reduces every dim,
            if x.ndim and not keepdim:  # then fails to fit that keepdim shape into its 0-d result
                raise MinigradError(f"output with shape [] doesn't match the broadcast shape {[1] * x.ndim}")
            dim = tuple(range(x.ndim))
        dims = norm_dims(dim, x.ndim)
        m = np.max(x._array, axis=dims, keepdims=True) if x._array.size else np.zeros(())
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
        shift = from_numpy(m)
        out = (x - shift).exp().sum(dims, keepdim=True).log() + shift
        out = out if keepdim else out.reshape(reduced_shape(x.shape, dims))
        return _named(out, self, "LogsumexpBackward0")

    @dim_aliases
    def softmax(self, dim: int, dtype: Any = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim``, computed stably (in ``dtype`` if given)."""
        if dtype is not None:
            return self.astype(_dtypes.dtype_arg("softmax", dtype)).softmax(dim)
        if self.ndim == 0:
            norm_dim(dim, 0)  # only 0 and -1 name the dim of a 0-d tensor
            return self.reshape(1).softmax(0).reshape(())
        return _ops.Softmax.apply(self._softmax_operand("softmax", dim), dim=norm_dim(dim, self.ndim))

    @dim_aliases
    def log_softmax(self, dim: int, dtype: Any = None) -> Tensor:
        """x - logsumexp(x) along ``dim``, computed stably (in ``dtype`` if given)."""
        if dtype is not None:
            return self.astype(_dtypes.dtype_arg("log_softmax", dtype)).log_softmax(dim)
        if self.ndim == 0:
            norm_dim(dim, 0)
            return self.reshape(1).log_softmax(0).reshape(())
        return _ops.LogSoftmax.apply(self._softmax_operand("log_softmax", dim), dim=norm_dim(dim, self.ndim))

    # ------------------------------------------------------------ shape

    def reshape(self, *sizes: Any, shape: Any = None) -> Tensor:
        """The same elements in a new shape (one dim may be -1): ints, one tuple, or ``shape=``.

        Raises:
            ShapeError: the element counts differ.
        """
        if shape is None:
            if not sizes:  # (reshape() is no 0-d reshape: that is reshape(()))
                raise missing_arg("reshape", "shape")
            shape = sizes
        else:
            shape = (shape,)
        have, target = self._array.shape, shape_arg(shape)
        target = target if target == have else infer_reshape(target, self._array.size, self.shape)
        # (its own shape too: a new view, as PyTorch's, so t_() or requires_grad_() on it leave self alone)
        out = self._view(_ops.Reshape.apply(self, shape=target))
        if out._ctx is not None and not self._array.flags.c_contiguous:
            # PyTorch names the reshape of a strided tensor by what it did: a view of the same memory
            # (ReshapeAliasBackward0) or, where the strides allow none, a copy (UnsafeViewBackward0)
            alias = np.may_share_memory(out._array, self._array)
            out._ctx.label = "ReshapeAliasBackward0" if alias else "UnsafeViewBackward0"
        return out

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dims ``start_dim..end_dim`` into one."""
        if self.ndim == 0:
            norm_dim(start_dim, 0)
            norm_dim(end_dim, 0)
            return self.reshape(1)
        have = self._array.shape
        s, e = norm_dim(start_dim, len(have)), norm_dim(end_dim, len(have))
        if s > e:
            raise DimensionError("flatten() has invalid args: start_dim cannot come after end_dim (flatten: "
                                 f"start_dim {start_dim} comes after end_dim {end_dim})")
        if s == e:  # nothing merged: PyTorch returns the tensor itself
            return self
        return self.reshape((*have[:s], math.prod(have[s:e + 1]), *have[e + 1:]))

    def permute(self, *order_: Any, dims: Any = None) -> Tensor:
        """Reorder the dims (a view): ints, one tuple, or ``dims=``.

        Raises:
            ShapeError: ``dims`` is not a permutation of range(ndim).
        """
        if dims is None and not order_:
            raise missing_arg("permute", "dims")
        order = shape_arg(order_ if dims is None else (dims,))
        if len(order) != self.ndim:
            raise ShapeError("permute(sparse_coo): number of dimensions in the tensor input does not match "
                             "the length of the desired ordering of dimensions i.e. input.dim() = "
                             f"{self.ndim} is not equal to len(dims) = {len(order)} (permute: got "
                             f"{len(order)} dims {order} for a tensor of shape {self.shape})")
        norm = tuple(norm_dim(d, self.ndim) for d in order)
        if sorted(norm) != list(range(self.ndim)):
            raise ShapeError("permute(): duplicate dims are not allowed. "  # (PyTorch's words first)
                             f"(permute: {order} is not a permutation of the dims of {self.shape})")
        return self._view(_ops.Permute.apply(self, dims=norm))

    def transpose(self, dim0: int, dim1: int, _kind: str = "Transpose") -> Tensor:
        """Swap two dims (a view). ``_kind`` names the node (``t()`` passes "T", as PyTorch's TBackward0)."""
        order = list(range(self.ndim))
        a, b = norm_dim(dim0, self.ndim), norm_dim(dim1, self.ndim)
        if self.ndim:  # (a == b, or a 0-d tensor: still a new view, as PyTorch's)
            order[a], order[b] = order[b], order[a]
        out = _ops.Permute.apply(self, dims=tuple(order), kind=_kind)
        if (dim0 != a or dim1 != b or a > b) and out._ctx is not None:
            out._ctx.given = (dim0, dim1)  # (grad_fn._saved_dim0/1: the dims as given, as PyTorch's)
        return self._view(out)

    @property
    def T(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """All dims reversed (deprecated in PyTorch for other than 2 dims: it warns once per process)."""
        if self.ndim != 2:
            _warn_t(self.ndim)
        return self._view(_ops.Permute.apply(self, dims=tuple(range(self.ndim))[::-1]))

    @property
    def mT(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """The last two dims swapped (batched matrix transpose); a 0-d tensor itself, with PyTorch's
        deprecation warning (once per process)."""
        if self.ndim == 0:
            if warn_once_due("mT"):
                warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in "
                              "these cases.", UserWarning, stacklevel=2)
            return self
        if self.ndim < 2:
            raise ShapeError(f"tensor.mT is only supported on matrices or batches of matrices. Got "
                             f"{self.ndim}-D tensor.")
        return self.transpose(-2, -1)

    @dim_aliases
    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a size-1 dim at ``dim`` (in range [-ndim-1, ndim])."""
        d = norm_dim(dim, self.ndim + 1)
        shape = self._array.shape  # (the target is valid by construction: reshape's checks are not needed)
        return _named(self._view(_ops.Reshape.apply(self, shape=(*shape[:d], 1, *shape[d:]))), self,
                      "UnsqueezeBackward0")

    @dim_aliases
    def squeeze(self, dim: int | Sequence[int] | None = None) -> Tensor:
        """Remove size-1 dims (all of them, or those in ``dim`` that have size 1)."""
        if dim is None:
            dims = {i for i, s in enumerate(self.shape) if s == 1}
        else:
            dims = {i for i in (norm_dims(dim, self.ndim) or ()) if self.shape[i] == 1}
        kind = 0 if dim is None else 1 if isinstance(dim, (int, np.integer)) else 2  # PyTorch's overloads
        # with nothing to remove still a new view, as PyTorch's
        out = self._same_shape_view(self.reshape(tuple(s for i, s in enumerate(self.shape) if i not in dims)))
        return _named(out, self, f"SqueezeBackward{kind}")

    def expand(self, *sizes: Any, size: Any = None) -> Tensor:
        """Broadcast to a shape without copying (-1 keeps a dim): ints, one tuple, or ``size=``.

        Raises:
            ShapeError: the shapes are not broadcast-compatible.
        """
        if size is None and not sizes:
            raise missing_arg("expand", "size")
        shape = sizes if size is None else (size,)
        target = list(shape_arg(shape))
        lead = len(target) - self.ndim
        if lead < 0:
            raise expand_error(self.shape, tuple(target), -1, _dtypes.tensor_type_name(self._array.dtype))
        i = len(target)
        for s in reversed(self.shape):  # from the last dim, as PyTorch's check (it names the last misfit)
            i -= 1
            if target[i] == -1:
                target[i] = s
            elif (s != 1 and s != target[i]) or target[i] < 0:
                raise expand_error(self.shape, shape_arg(shape), i)
        for i in range(lead - 1, -1, -1):
            if target[i] < 0:  # -1 only keeps an existing dim
                raise expand_error(self.shape, tuple(target), i)
        # (its own shape too: a new view, as PyTorch's)
        return self._view(_ops.Expand.apply(self, shape=tuple(target)))

    def expand_as(self, other: Tensor) -> Tensor:
        """Broadcast to ``other.shape`` (a tensor-like ``other`` is handed the call, as PyTorch's)."""
        if type(other) is not Tensor and tensor_like(other):
            return hand_over("expand_as", (self, other))  # type: ignore[no-any-return]
        return self.expand(tuple(other.shape))

    def __getitem__(self, index: Any) -> Tensor:
        steps: tuple[tuple[Any, ...], ...]
        a = self._array
        if (type(index) is int and not self._requires_grad and type(a) is np.ndarray and a.ndim
                and not (_extras.stale or _extras.subclass or _inference.threads)):
            # A Dataset's x[i] on data that needs no gradient: the view without an op's dispatch (the op
            # would record nothing). A custom Dataset's sample costs 3x PyTorch's through the op.
            try:
                view = a[index] if a.ndim > 1 else a[index, ...]  # (a 0-d view, not a numpy scalar)
            except IndexError as e:
                raise index_error(index, self.shape, e) from None
            return self._view(from_numpy(view))
        if type(index) is int and a.ndim:  # x[i], the most common index, needs no normalizing
            steps = ((index,),)
        elif type(index) is tuple and 0 < len(index) <= self._array.ndim and set(map(type, index)) == {int}:
            steps = (index,)  # (x[i, j]: ints only, likewise)
        elif self._array.ndim and _plain_slices(index):  # (x[:, a:b], x[a:b]: likewise)
            steps = (index if type(index) is tuple else (index,),)
        elif _extras.subclass and type(self) is Tensor and _subclass.dispatches(Tensor, index):
            return _subclass.handle(Tensor.__getitem__, "__getitem__", (self, index), {}, Tensor)  # type: ignore[no-any-return]
        elif type(index) is not Tensor and tensor_like(index):  # (handed the call, as PyTorch's)
            return hand_over("__getitem__", (self, index))  # type: ignore[no-any-return]
        else:
            steps = _index_steps(_index(index, self.shape))
        try:
            out = self
            for step in steps:
                out = _ops.GetItem.apply(out, index=step)
            return self._view(out)
        except IndexError as e:
            raise index_error(index, self.shape, e) from None

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Chunks of ``split_size`` along ``dim`` (the last may be smaller), or of a list of sizes.

        Raises:
            TypeError: ``split_size`` is not an int or a list of ints.
            InvalidParameterError: ``split_size`` is negative, or 0 for a dim that is not empty.
            MinigradError: a 0-d tensor, or listed sizes are negative or do not add up to the dim.
        """
        if isinstance(split_size, Tensor):  # PyTorch's split takes int(a one-element tensor) as the size
            if split_size._array.size != 1:
                raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
                                "ints, not Tensor")
            split_size = int(split_size._array.item())
        if self.ndim == 0:  # (dim 0 of a 0-d tensor is valid elsewhere, not here)
            raise MinigradError("split expects at least a 1-dimensional tensor")
        if not isinstance(split_size, (int, np.integer)):
            return _methods.shape_ops.split(self, split_size, dim)
        _check_int("split", "split_size", split_size)
        d = norm_dim(dim, self.ndim)
        n = self._array.shape[d]
        if split_size < 0 or (split_size == 0 and n):
            raise InvalidParameterError(
                f"split expects split_size be non-negative, but got split_size={split_size}" if split_size < 0
                else f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        lead = (slice(None),) * d
        if n == 0:  # PyTorch: one empty piece
            return (self[(slice(None),) * (d + 1)],)
        # basic slices, valid by construction: the GetItem op directly, without indexing's normalization
        pieces = (self._view(_ops.GetItem.apply(self, index=(*lead, slice(i, i + split_size))))
                  for i in range(0, n, split_size))
        return _methods.multi_views(tuple(_named(piece, self, "SplitBackward0") for piece in pieces), self,
                                    "Split")

    @dim_aliases
    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``chunks`` nearly equal pieces along ``dim``.

        Raises:
            TypeError: ``chunks`` is not an int.
            InvalidParameterError: ``chunks`` is not positive.
            MinigradError: a 0-d tensor.
        """
        if isinstance(chunks, Tensor) and chunks.ndim == 0 and chunks._array.dtype.kind in "iu":
            chunks = int(chunks._array)  # (an int argument of PyTorch's takes a 0-d integer tensor)
        _check_int("chunk", "chunks", chunks)
        if chunks <= 0:
            raise InvalidParameterError(f"chunk expects `chunks` to be greater than 0, got: {chunks!r}")
        if self.ndim == 0:
            raise MinigradError("chunk expects at least a 1-dimensional tensor")
        d = norm_dim(dim, self.ndim)
        if self.shape[d] == 0:  # PyTorch: ``chunks`` empty pieces
            return tuple(self[(slice(None),) * (d + 1)] for _ in range(chunks))
        return self.split(max(1, -(-self.shape[d] // chunks)), d)

    def matmul(self, other: Tensor) -> Tensor:
        """Matrix product; see :func:`matmul` (TypeError if other is not a Tensor, as PyTorch's)."""
        if not isinstance(other, Tensor):
            if tensor_like(other):
                return hand_over("matmul", (self, other))  # type: ignore[no-any-return, unused-ignore]
            raise not_tensor_error("matmul", "other", 1, other)
        return matmul(self, other)

    def dot(self, other: Tensor) -> Tensor:
        """``torch.dot``: the inner product of two 1-D tensors of one size (its errors otherwise)."""
        if not isinstance(other, Tensor):
            if tensor_like(other):
                return hand_over("dot", (self, other))  # type: ignore[no-any-return, unused-ignore]
            raise not_tensor_error("dot", "tensor", 1, other)
        return _methods.matrix_ops.dot(self, other)


_grad_slot = vars(Tensor)["grad"]  # the slot's own descriptor; ``Tensor.grad`` becomes the property below
_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't "
    "be populated during autograd.backward(). If you indeed want the .grad field to be populated for a "
    "non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
    "mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
    "more information."
)


#: non-leaf tensors that called retain_grad(), by id of their node (checked against ``_ctx`` on use): a
#: backward through a freed graph (nodes that saved nothing) finds the tensor its node stands for
retained: weakref.WeakValueDictionary[int, Tensor] = weakref.WeakValueDictionary()


def held_grad(t: Tensor) -> Tensor | None:
    """``t.grad`` from its slot: no property, no non-leaf warning (the engine's and mg.compile's reads)."""
    try:
        return _grad_slot.__get__(t, Tensor)  # type: ignore[no-any-return]
    except AttributeError:  # never set: tensors are made without writing it (one store less per op)
        return None


def warn_non_leaf_grad(t: Tensor, g: Tensor | None, stacklevel: int) -> None:
    """PyTorch's warning when user code reads the (None) ``.grad`` of a non-leaf that does not retain it."""
    if g is None and t._ctx is not None and not t._retains_grad:
        warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=stacklevel + 1)


def _get_grad(self: Tensor) -> Tensor | None:
    g = held_grad(self)
    warn_non_leaf_grad(self, g, 2)
    return g


def _del_grad(self: Tensor) -> None:
    _grad_slot.__set__(self, None)


#: whether user code assigned a sparse tensor to some ``.grad`` (``_sparse_grads.sparse_tracking`` reads it)
sparse_grad_assigned = [False]


def _set_grad(self: Tensor, value: Tensor | None) -> None:
    check_assigned_grad(self, value)
    _grad_slot.__set__(self, value)
    if value is not None and type(value) is not Tensor and value.is_sparse:
        sparse_grad_assigned[0] = True  # (optimizers look for sparse gradients from now on: most refuse them)


#: ``t.grad = g`` without the checks of the public setter (backward's own stores: right by construction).
store_grad: Callable[[Tensor, Tensor | None], None] = _grad_slot.__set__

_requires_grad_slot = vars(Tensor)["_requires_grad"]  # the flag's slot, behind the property below
#: ``t.requires_grad = flag`` unchecked: the engine's stores (ops' results, in-place rebinding: non-leaves)
store_requires_grad: Callable[[Tensor, bool], None] = _requires_grad_slot.__set__


def _set_requires_grad(self: Tensor, flag: builtins.bool) -> None:  # (user code's stores: checked)
    _rules.check_assigned_requires_grad(self, flag, not _mode.inference and self.is_inference())
    _switch_requires_grad(self, flag)


def _switch_requires_grad(t: Tensor, flag: builtins.bool) -> None:
    """User code's store of the flag. A leaf keeps the spans it was off: ops recorded then read it as a
    constant, and backward sends them no gradient for it (``_extras.regrad``), as PyTorch's edges."""
    if t._ctx is None and flag != t._requires_grad:
        now = next(tick)
        if flag:
            gaps = getattr(t, "_grad_gaps", None)
            if gaps is None:
                gaps = t._grad_gaps = []
            gaps.append((getattr(t, "_grad_off", -1), now))
            del gaps[:-8]  # (the spans of the last few switches: ops older than that are long gone)
            _extras.regrad = now
        else:
            t._grad_off = now
    store_requires_grad(t, flag)

# ``.grad``: the gradient backward accumulated (None until then); reading it on a non-leaf that does
# not retain its gradient warns with PyTorch's text, as such a tensor's .grad stays None. Assigning it
# checks the value as PyTorch does: a Tensor (or None) of this tensor's dtype and shape.
setattr(Tensor, "grad", property(_get_grad, _set_grad, _del_grad))  # noqa: B010 (a slot's name)
# ``.requires_grad``: slot ``_requires_grad`` read in C (attrgetter: ~20 ns over the slot, which hot paths
# may read); assigning it checks as PyTorch's setter does
Tensor.requires_grad = property(operator.attrgetter("_requires_grad"), _set_requires_grad)  # type: ignore[assignment]


class _HookHandle:
    _next = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        self.hooks = hooks
        self.id = _HookHandle._next
        _HookHandle._next += 1

    def remove(self) -> None:
        """Unregister the hook."""
        self.hooks.pop(self.id, None)


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...]) -> builtins.bool:
    return all(m == n or 1 in (m, n) for m, n in zip(a[::-1], b[::-1]))


def _clamp_tensors(x: Tensor, lo: Any, hi: Any) -> Tensor:
    """clamp with tensor bounds, as a selection with PyTorch's gradient rule: x where lo <= x <= hi,
    lo where x < lo < hi, hi where x > hi or hi < lo; a nan in x or a bound gives nan, and the
    comparisons, all false with a nan, still decide the gradient (none to x there)."""
    # the three operands' result type at once, as PyTorch's (where by where would promote pairwise)
    dt = _dtypes.operands_result_type([(t.dtype, t.ndim == 0) for t in (x, lo, hi) if isinstance(t, Tensor)],
                                      [v for v in (lo, hi) if not isinstance(v, Tensor) and v is not None])
    if dt == bool_ and lo is not None and hi is not None:
        raise _dtypes.kernel_error("clamp", dt)  # (one bound alone is maximum/minimum, which bools have)
    x, lo, hi = (t.astype(dt) if isinstance(t, Tensor) and t.dtype != dt else t for t in (x, lo, hi))
    a = x._array
    lo_a = None if lo is None else np.asarray(lo._array if isinstance(lo, Tensor) else lo)
    hi_a = None if hi is None else np.asarray(hi._array if isinstance(hi, Tensor) else hi)
    try:
        shape = np.broadcast_shapes(a.shape, *(b.shape for b in (lo_a, hi_a) if b is not None))
    except ValueError:  # (PyTorch's sentence for the input, its a, and the first bound that clashes, its b)
        bad = next(b.shape for b in (lo_a, hi_a) if b is not None and not _broadcasts(a.shape, b.shape))
        raise ShapeError(f"{size_mismatch(a.shape, bad)} (clamp: the bounds' shapes "
                         f"{[b.shape for b in (lo_a, hi_a) if b is not None]} do not broadcast with the "
                         f"input's {a.shape})") from None
    nan_bound = [np.isnan(b) for b in (a, lo_a, hi_a) if b is not None and b.dtype.kind == "f"]
    nan_mask = np.broadcast_to(np.logical_or.reduce(np.broadcast_arrays(*nan_bound)) if nan_bound
                               else np.zeros((), dtype=bool), shape)
    # PyTorch's gradients come from comparisons, false with a nan: x then gets none
    out = where(from_numpy(nan_mask), x.detach(), x) if nan_mask.any() else x
    if lo_a is not None:
        take_lo = a < lo_a if hi_a is None else (a < lo_a) & (lo_a < hi_a)
        out = where(from_numpy(np.asarray(take_lo)), lo, out)
        if hi_a is not None:  # x < lo == hi: the bound, with no gradient to anyone (PyTorch's rule)
            stuck = (a < lo_a) & (lo_a == hi_a)
            if stuck.any():
                out = where(from_numpy(np.asarray(stuck)), lo.detach() if isinstance(lo,
                            Tensor) else lo, out)
    if hi_a is not None:
        take_hi = a > hi_a if lo_a is None else (a > hi_a) | (hi_a < lo_a)
        out = where(from_numpy(np.asarray(take_hi)), hi, out)
    if nan_mask.any():  # the value is nan; the gradient stays with what the comparisons chose
        out = out + from_numpy(np.where(nan_mask, np.nan, 0).astype(out.dtype))
    return _named(out, x, "ClampBackward0")  # (PyTorch's one op, its overload with tensor bounds)


def refuse_overlap(written: Array, operand: Array, full: builtins.bool = False) -> None:
    """Raises MinigradError (PyTorch's RuntimeError, in its words) if writing ``written`` while reading
    ``operand`` is a partial overlap (``full``: any; see :func:`minigrad._kernels.partial_overlap`)."""
    if partial_overlap(written, operand, full):
        raise MinigradError("unsupported operation: some elements of the input tensor and the written-to "
                            "tensor refer to a single memory location. Please clone() the tensor before "
                            "performing the operation.")


#: in-place ops whose operands may not overlap the written tensor at all (PyTorch's assert_no_overlap)
_NO_OVERLAP = frozenset({"index_add_", "index_copy_", "index_put_", "index_reduce_", "put_", "scatter_",
                         "scatter_add_", "scatter_reduce_"})
#: in-place ops that read their value before writing (a number to PyTorch, or masked_scatter_'s source,
#: which it does not check): an operand in the written tensor's memory is no overlap error there
_READ_FIRST = frozenset({"index_fill_", "masked_fill_", "masked_scatter_", "nan_to_num_"})


def _fills_through_mask(index: Any, value: Any, accumulate: Any = False) -> builtins.bool:
    """Whether PyTorch's index_put_ of ``value`` at ``index`` is its masked_fill_, which reads the value first
    (no overlap check): one element, on one bool (or uint8) mask beside basic indices, not accumulating
    (its canDispatchToMaskedFill)."""
    if accumulate is not False or not isinstance(value, Tensor) or value._array.size != 1:
        return False
    parts = index if isinstance(index, (tuple, list)) else (index,)
    masks = [p for p in parts if isinstance(p, Tensor) and p._array.dtype in (np.bool_, np.uint8)]
    return len(masks) == 1 and all(p is masks[0] or p is None or p is Ellipsis or isinstance(p, (int, slice))
                                   for p in parts)


def _shared_memory(a: Array) -> builtins.bool:
    """Whether another array (a view tensor's) may share ``a``'s memory: its owner has more references than
    ``a`` (its tensor's slot) and this call hold (false positives only cost the views' refresh check)."""
    return sys.getrefcount(a) > 3 if a.base is None else sys.getrefcount(a.base) > 2


def _index(index: Any, shape: tuple[int, ...]) -> Any:
    """Convert Tensors inside an index to arrays; bool masks become integer arrays.

    Raises:
        DimensionError: a bool mask's shape differs from the dims it indexes.
        InvalidParameterError: a slice step of 0.
    """
    if type(index) is list and len(index) < 32 and any(  # PyTorch reads such a list as a tuple of indices
            i is None or i is Ellipsis or isinstance(i, (slice, Tensor, list, tuple, np.ndarray))
            for i in index):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
                      "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will "
                      "be interpreted as tensor index, x[torch.tensor(seq)], which will result either in an "
                      "error or a different result", stacklevel=3)
        index = tuple(index)
    items = index if isinstance(index, tuple) else (index,)
    items = spread_ellipses(items, len(shape)) if sum(i is Ellipsis for i in items) > 1 else items
    out: list[Any] = []
    for k, i in enumerate(items):
        if isinstance(i, slice) and i.step is not None and not isinstance(i.step, Tensor) and i.step == 0:
            raise InvalidParameterError("slice step cannot be zero")  # (PyTorch's words)
        if isinstance(i, Tensor):
            i = i._array
        else:
            if isinstance(i, list):
                i = np.asarray(i) if i else np.zeros(0, dtype=int64)  # x[[]] selects nothing
            elif isinstance(i, range):  # a range indexes like the list it spells, as in PyTorch
                i = np.arange(i.start, i.stop, i.step, dtype=int64)
            if isinstance(i, np.ndarray) and i.dtype != np.uint8 and (
                    i.dtype.kind == "f" or (i.dtype.kind in "iu" and i.dtype.itemsize < 4)):
                with np.errstate(invalid="ignore"):  # PyTorch makes a list or numpy index a long tensor (not
                    i = i.astype(int64)  # a bool or uint8 one): floats truncate, NaN is out of bounds
        if isinstance(i, np.ndarray) and i.dtype == np.uint8:
            # PyTorch reads a uint8 index as a bool mask (deprecated there, so it warns)
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool "
                          "instead.", UserWarning, stacklevel=3)
            i = i.astype(bool_)
        if isinstance(i, np.ndarray) and i.ndim == 0 and i.dtype.kind in "iu":
            i = int(i)  # a 0-d integer tensor is an int: a basic index (PyTorch)
        if isinstance(i, np.ndarray):
            if i.dtype == bool_:
                if i.ndim == 0:  # x[True] adds a dim, as numpy and PyTorch do
                    out.append(bool(i))
                else:
                    check_mask(i, items, k, shape)  # nonzero() alone would accept a short mask
                    out.extend(np.nonzero(i))
                continue
            if i.dtype.kind not in "iu" or i.dtype.itemsize < 4:  # (int8 and int16 too, as PyTorch)
                raise _IndexTypeError(f"tensors used as indices must be long, int, byte or bool tensors "
                                      f"(got {i.dtype})")
        elif isinstance(i, (float, str)):
            raise _IndexTypeError(f"invalid index {i!r}: only integers, slices (`:`), ellipsis (`...`), None "
                                  "and long or byte Variables are valid indices")
        out.append(i)
    if not shape and not all(no_dim(i) for i in out):
        what = "slice() cannot be applied to a 0-dim tensor." if any(isinstance(i, slice) for i in out) else \
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ " \
            "to convert a 0-dim tensor to a number"
        raise DimensionError(what)
    if len(out) > len(shape) and any(i is Ellipsis for i in out) and any(type(i) is np.ndarray for i in out):
        kept = [i for i in out if i is not Ellipsis]
        if sum(i is not None and type(i) is not builtins.bool for i in kept) == len(shape):  # (a bool: none)
            out = kept  # a ... spanning no dims: PyTorch's arrays either side are adjacent (numpy's are not)
    return tuple(out)


def _plain_slices(index: Any) -> builtins.bool:
    """Whether ``index`` is a slice, or a tuple of ints and slices, of ints or None with a positive step:
    what :func:`_index` would return unchanged (the caller checks the tuple fits the dims)."""
    for i in (index,) if type(index) is slice else index if type(index) is tuple else ((),):
        if type(i) is slice:
            if not (type(i.start) in _PLAIN_BOUNDS and type(i.stop) in _PLAIN_BOUNDS
                    and (i.step is None or (type(i.step) is int and i.step > 0))):
                return False
        elif type(i) is not int:
            return False
    return True


_PLAIN_BOUNDS = frozenset((int, type(None)))


def _index_steps(idx: tuple[Any, ...]) -> tuple[tuple[Any, ...], ...]:
    """PyTorch's order for an index mixing ints and integer arrays: the ints first, then the arrays.

    numpy counts an int as an advanced index, so x[1, :, [0, 2]] would put the
    broadcast dim first; PyTorch selects with the ints first (a view), then
    indexes what is left. Returns one numpy index, or two applied in turn.
    """
    ints = [isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)) for i in idx]
    if not any(ints) or not any(isinstance(i, (np.ndarray, builtins.bool, np.bool_)) for i in idx):
        return (idx,)  # (a bool is an array index too: x[0, :, True] keeps PyTorch's dim order)
    first = tuple(i if is_int else (i if i is Ellipsis else slice(None))
                  for i, is_int in zip(idx, ints) if i is not None and not isinstance(i, (bool, np.bool_)))
    rest = tuple(i for i, is_int in zip(idx, ints) if not is_int)
    return first, rest


def _leaf_view_error(error: MinigradError, index: Any) -> MinigradError:
    """``error`` (an in-place write refused), as PyTorch words it for ``leaf[index] = v``: a basic index
    other than a lone ``...`` or ``:`` writes through a view of the leaf ("a view of a leaf Variable ...")."""
    raw = index if isinstance(index, tuple) else (index,)
    whole = len(raw) == 1 and (raw[0] is Ellipsis or (isinstance(raw[0], slice) and raw[0] == slice(None)))
    message = str(error)
    if whole or not message.startswith("a leaf Variable") or not _is_basic_index(raw):
        return error
    return MinigradError("a view of " + message)


def _is_basic_index(idx: tuple[Any, ...]) -> builtins.bool:
    """Whether a normalized index selects a view (ints, slices, None and Ellipsis only)."""
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in idx)


def _assign_in_steps(a: Array, steps: tuple[tuple[Any, ...], ...], value: Any) -> None:
    for step in steps[:-1]:
        a = a[step]  # basic indices only: a view, so the assignment below writes through
    while np.ndim(value) and np.shape(value)[0] == 1:  # leading 1s of the value go, as in PyTorch
        value = value[0]
    a[steps[-1]] = value


def _put_in_steps(t: Tensor, steps: tuple[tuple[Any, ...], ...], value: Tensor) -> Tensor:
    """t with t[steps] = value (a two-step PyTorch index), through the element numbers it selects."""
    put = _methods.indexing.put
    numbers = np.arange(t._array.size).reshape(t.shape)
    for step in steps:
        numbers = numbers[step]
    return put(t.reshape(-1), (numbers,), value).reshape(t.shape)


def _check_int(fn: str, name: str, value: Any) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{fn}: {name} must be an int, got {value!r}")


_NOT_ONE_ELEMENT = "only one element tensors can be converted to Python scalars"  # (PyTorch's words)
_WIDE_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _fill_scalar(value: Any, dtype: np.dtype[Any], what: str, half_inf: builtins.bool = False) -> Any:
    """Check a Python number that fills a ``dtype`` tensor (setitem, full, clamp, masked_fill).

    ``half_inf``: a float16 ``dtype`` takes a finite number beyond its range as +-inf (rounded as a cast),
    as PyTorch's setitem and ``where`` do (its fill_, full, clamp and masked_fill raise).

    Raises:
        TypeError: not a real number.
        InvalidParameterError: a finite value that overflows ``dtype`` (PyTorch's
            "value cannot be converted ... without overflow").
    """
    if (type(value) is float or type(value) is builtins.int) and dtype in _WIDE_FLOATS and \
            -_FLOAT32_MAX <= value <= _FLOAT32_MAX:  # (the usual call: fits float32, so float64 too)
        return value
    if isinstance(value, Tensor) and value._array.size == 1:
        value = value._array.item()
    if not isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        raise TypeError(f"{what} must be a real number, got {value!r}")
    if dtype.kind in "iu":  # PyTorch's range check, then its cast (uint8 takes -1 as 255)
        check_fits(np.asarray(value), dtype, what)
        return np.asarray(value).astype(dtype)[()]
    if dtype.kind == "f":
        finite = not isinstance(value, (float, np.floating)) or math.isfinite(value)
        limit = float(np.finfo(dtype).max)  # (compared as a Python float: float16 can't hold the bounds)
        if finite and not -limit - 1 <= (float(value) if isinstance(value, np.floating) else value) <= limit:
            if half_inf and dtype == float16:
                with np.errstate(over="ignore"):
                    return np.float16(value)
            raise InvalidParameterError(f"{what}={value!r} cannot be converted to {dtype} without overflow")
    return value


# --------------------------------------------------------------------- functions


def _version_family(t: Tensor) -> list[Tensor]:
    """``t`` and the live tensors sharing its version counter in PyTorch, one per memory: its base, views
    and views of views, detach()'s aliases of any of them (and the stand-ins of regenerated view histories,
    which join the view's alias group)."""
    family = [t]
    seen = {id(t)}

    def add(x: Tensor | None) -> None:
        if x is not None and id(x) not in seen:
            seen.add(id(x))
            family.append(x)

    for member in family:  # (grows while walked: an alias's base, a view's aliases, an alias's views)
        ref = getattr(member, "_viewbase", None)
        if ref is not None:
            add(ref())
        for r in getattr(member, "_vgroup", None) or ():
            add(r())
        for r in getattr(member, "_views", None) or ():
            add(r())
    return family


def _unsupported_numpy(dt: np.dtype[Any]) -> str:
    """Why an array of dtype ``dt`` cannot become a tensor (PyTorch's words where PyTorch refuses it too)."""
    if dt.kind in "cu":  # (PyTorch has complex and uint16/32/64 tensors; minigrad does not)
        return f"can't convert np.ndarray of type numpy.{dt.type.__name__}: minigrad has no {dt} tensors"
    return (f"can't convert np.ndarray of type numpy.{dt.type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
            "uint16, uint8, and bool.")


def from_numpy(array: Array) -> Tensor:
    """A Tensor that shares ``array``'s memory (no copy), as ``torch.from_numpy``.

    Writes through either one are seen by the other. The array's dtype is kept.
    A numpy scalar becomes a 0-d tensor (holding a copy: a scalar has no memory to share).

    Raises:
        TypeError: ``array`` is not a numpy array, or holds strings, objects, records or dates
            (PyTorch's message).
    """
    if type(array) is not np.ndarray:
        if isinstance(array, np.ndarray):
            array = array.view(np.ndarray)  # a subclass (a state dict's StateArray) would tag every result
        elif isinstance(array, np.generic):
            array = np.asarray(array)
        else:
            raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind in "OUSVMm":  # (strings, objects, records, dates: PyTorch refuses them too)
        raise TypeError(_unsupported_numpy(array.dtype))
    # The no-copy, no-check path of every tensor minigrad makes outside an op
    # (Function.apply inlines the same slots for op results).
    t = _new(Tensor)
    t._array = array
    t._requires_grad = False
    t._ctx = None
    t._hooks = None
    t._retains_grad = False
    t._version = 0
    if _inference.threads and _mode.inference:
        t._inference = INFERENCE
    return t


def reset_grads(tensors: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Reset the ``.grad`` of each tensor: ``Module.zero_grad`` and ``Optimizer.zero_grad``.

    ``set_to_none=True`` (PyTorch's default) drops it; False zeros it in
    place (a version bump), after detaching a gradient built with
    ``create_graph`` from its graph.
    """
    for t in tensors:
        g = t.grad
        if g is None:
            continue
        if set_to_none:
            t.grad = None
            continue
        if g.grad_fn is not None:
            g.detach_()  # in place, as PyTorch's: the .grad stays the same object
        g.requires_grad_(False)
        g.zero_()


def made_in_inference(out: Tensor, inputs: tuple[Tensor, ...]) -> None:
    """Mark ``out``, an op result computed inside inference_mode: an inference tensor, unless it is a view
    of a normal input (``x.reshape``, ``x[1:]``, ``x.T`` of a normal x stay normal, as in PyTorch, and
    keep its requires_grad: a leaf that an in-place change in normal mode may not modify)."""
    owner = memory_owner(out._array)
    base = next((t for t in inputs if owner == memory_owner(t._array) and not t.is_inference()), None)
    out._inference = INFERENCE if base is None else 0
    if base is not None and base.requires_grad:
        store_requires_grad(out, True)


def made_in_no_grad(out: Tensor, inputs: tuple[Tensor, ...]) -> None:
    """Mark ``out``, a view op's result computed under no_grad: if it is a view of an input that requires
    grad it requires grad too, a leaf (PyTorch's rule: ``w[0]`` of a Parameter prints requires_grad=True
    inside no_grad); a copy (advanced indexing) does not."""
    owner = memory_owner(out._array)
    if any(t._requires_grad and owner == memory_owner(t._array) for t in inputs):
        store_requires_grad(out, True)


def as_tensor(data: Any, dtype: DTypeLike = None, device: DeviceLike = None) -> Tensor:
    """``data`` as a Tensor, sharing memory when it already is one (or a numpy array) of the dtype.

    As ``torch.as_tensor``: a Tensor of the right dtype comes back as is, a
    numpy array of a supported dtype is wrapped without a copy; anything else
    is converted as :func:`tensor` converts it.
    """
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.astype(dtype)
    same = dtype is None or (isinstance(data, np.ndarray) and resolve_dtype(dtype) == data.dtype)
    if isinstance(data, np.ndarray) and data.dtype in DTYPES and same:
        return from_numpy(data)
    if isinstance(dtype, int):
        resolve_dtype(dtype)
    return tensor(data, dtype=dtype)


# PyTorch's warnings: float(t) of a tensor that requires grad (once per process), and tensor(a_tensor),
# which copies and detaches where a user may mean a view
_SCALAR_GRAD = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                "Consider using tensor.detach() first.")
_COPY_CONSTRUCT = ("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
                   "or sourceTensor.detach().clone().requires_grad_(True), rather than "
                   "torch.tensor(sourceTensor).")


def tensor(data: TensorLike, dtype: DTypeLike = None, requires_grad: bool = False, *,
           device: DeviceLike = None, pin_memory: bool = False) -> Tensor:
    """Create a Tensor from data (copied); see :class:`Tensor` for the dtype rules.

    ``device`` must be the CPU (see :func:`minigrad.device.check_device`), ``pin_memory`` False (as on
    PyTorch's CPU build: :func:`~minigrad.device.check_pin_memory`). A Tensor ``data`` warns, as in PyTorch.
    """
    check_device(device)
    for name, flag in (("requires_grad", requires_grad), ("pin_memory", pin_memory)):
        if flag is not True and flag is not False:
            raise bool_error("tensor", name, flag)
    if pin_memory:
        check_pin_memory("tensor", pin_memory)
    if isinstance(dtype, int):  # Tensor(2, 3) means sizes; tensor(2, dtype=3) is a bad dtype
        resolve_dtype(dtype)
    if isinstance(data, Tensor) and user_stacklevel() == 2:  # (a user's call, not minigrad's own)
        warnings.warn(_COPY_CONSTRUCT, UserWarning, stacklevel=2)
    t = _new(Tensor)  # (not Tensor(...): minigrad's data rules even where torch.Tensor's apply, see there)
    t._setup(_to_array(data, dtype), requires_grad)
    return t


def _matmul_mismatch(ash: tuple[int, ...], bsh: tuple[int, ...]) -> str:
    """PyTorch's words for operands whose inner sizes differ: those of the kernel matmul would run
    (dot, mv, mm on the batch folded into rows, or bmm on the broadcast batch), shapes as it sees them."""
    if len(ash) == 1 == len(bsh):
        return (f"inconsistent tensor size, expected tensor [{ash[0]}] and src [{bsh[0]}] to have the same "
                f"number of elements, but got {ash[0]} and {bsh[0]} elements respectively")
    if len(ash) == 2 and len(bsh) == 1:
        return f"size mismatch, got input ({ash[0]}), mat ({ash[0]}x{ash[1]}), vec ({bsh[0]})"
    if len(bsh) <= 2:
        b2 = bsh if len(bsh) == 2 else (bsh[0], 1)
        return (f"mat1 and mat2 shapes cannot be multiplied ({math.prod(ash[:-1])}x{ash[-1]} and "
                f"{b2[0]}x{b2[1]})")
    try:
        batch = math.prod(np.broadcast_shapes(ash[:-2], bsh[:-2]))
    except ValueError:
        return f"matmul: shapes {ash} and {bsh} do not fit: {ash[-1]} != {bsh[-2]}"
    return (f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {ash[-1]}] but got: "
            f"[{batch}, {bsh[-2]}].")


def mask_type_error(fn: str, mask: Any, value: Any, function: bool = False) -> TypeError:
    """PyTorch's TypeError for ``x.masked_fill(mask, v)`` with a mask that is no Tensor (``x > 0`` of a
    Python number is a bool); ``function``: the ``torch.masked_fill(x, mask, v)`` form."""
    lead, arg = ("Tensor, ", "Tensor input, ") if function else ("", "")
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({lead}"
                     f"{type(mask).__name__}, {type(value).__name__}), but expected one of:\n * ({arg}Tensor "
                     f"mask, Tensor value)\n * ({arg}Tensor mask, Number value)\n")


def matmul(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002 (PyTorch's argument names)
    """Matrix product with PyTorch's rules for 1-D operands and broadcast batch dims.

    (n,) @ (n,) -> (); (m, n) @ (n,) -> (m,); (n,) @ (n, p) -> (p,);
    (..., m, n) @ (..., n, p) -> (..., m, p).

    Raises:
        ShapeError: the inner dims differ, an operand is 0-d, or batch dims don't broadcast.
    """
    a, b = input, other
    try:
        ash, bsh = a._array.shape, b._array.shape
    except AttributeError:  # (numpy would make an array of a list or a number: PyTorch refuses them)
        bad = ("input", 1, a) if not isinstance(a, Tensor) else ("other", 2, b)
        raise not_tensor_error("matmul", *bad) from None
    if len(ash) == 2 == len(bsh) and ash[1] == bsh[0] and a._array.dtype == b._array.dtype != bool_:
        return _ops.Matmul.apply(a, b)  # the common case (a Linear layer's product), checked in one line
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: both arguments need at least 1 dim, got shapes {a.shape} and {b.shape}")
    if a.dtype != b.dtype:  # PyTorch's products refuse mixed dtypes (a float64 batch into a float32 layer)
        ad, bd = a.dtype, b.dtype
        if a.ndim == 1 == b.ndim:
            names = f"{scalar_type_name(ad)} and {scalar_type_name(bd)}"
            raise DTypeError(f"dot : expected both vectors to have same dtype, but found {names} "
                             "(convert one with .to(other.dtype))")
        if ad == bool_ and b.ndim >= 3:  # PyTorch's bmm path picks its kernel by input's dtype first
            raise _BoolProductError('"bmm" not implemented for \'Bool\' (matmul: bool tensors have no '
                                    "matrix product; convert them with .long() or .float())")
        fix = f"matmul of {ad} and {bd}: convert one with .to(other.dtype)"
        if b.ndim == 1:  # (PyTorch's mv, the batch folded into rows: addmv's words)
            vec, mat = scalar_type_name(bd), scalar_type_name(ad)
            raise DTypeError(f"addmv input tensors must have the same dtype, but got {vec}, {mat}, and {vec} "
                             f"({fix})")
        if b.ndim >= 3:  # (PyTorch's bmm of the broadcast batch)
            raise DTypeError(f"expected scalar type {scalar_type_name(ad)} but found {scalar_type_name(bd)} "
                             f"({fix})")
        raise DTypeError(f"expected m1 and m2 to have the same dtype, but got: {c_type_name(ad)} != "
                         f"{c_type_name(bd)} ({fix})")
    # numpy's logical product is not PyTorch's (which refuses bool): its kernel's words; but an empty
    # product (nothing to multiply: an empty result or inner dim) is its zeros, as PyTorch's (not for dot)
    if a.dtype == bool_ and ((a._array.size and b._array.size) or a.ndim == 1 == b.ndim):
        kernel = ("dot" if a.ndim == 1 == b.ndim else "addmv_impl_cpu" if 1 in (a.ndim, b.ndim)
                  else "addmm_impl_cpu_" if a.ndim == 2 == b.ndim else "bmm")
        raise _BoolProductError(f'"{kernel}" not implemented for \'Bool\' (matmul: bool tensors have no '
                                "matrix product; convert them with .long() or .float())")
    a2 = a.unsqueeze(0) if a.ndim == 1 else a
    b2 = b.unsqueeze(-1) if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:  # PyTorch's words first (scripts look for them), then both shapes
        raise ShapeError(f"{_matmul_mismatch(a.shape, b.shape)} (matmul of shapes {a.shape} and {b.shape})")
    try:
        if a2.ndim > 2 and b2.ndim == 2:
            # (..., m, n) @ (n, p) as one (rows, n) @ (n, p) GEMM: numpy would loop over the
            # batch, and b's gradient would be a batch of products plus a reduction (2x slower).
            rows = a2.reshape(math.prod(a2.shape[:-1]), a2.shape[-1])
            # (PyTorch folds it the same way and views the result back with _unsafe_view)
            out = _named(_ops.Matmul.apply(rows, b2).reshape(*a2.shape[:-1], b2.shape[-1]), a,
                         "UnsafeViewBackward0")
        else:
            out = _ops.Matmul.apply(a2, b2)
    except ValueError as e:
        batch_a, batch_b = a.shape[:-2] if a.ndim > 2 else (), b.shape[:-2] if b.ndim > 2 else ()
        raise ShapeError(f"{size_mismatch(batch_a, batch_b)} (matmul: batch dims of {a.shape} and {b.shape} "
                         "cannot be broadcast)") from e
    if a.ndim == 1:
        out = out.squeeze(-2)
    if b.ndim == 1:
        out = out.squeeze(-1)
    if a.ndim == 1 or b.ndim == 1:  # PyTorch's names for its dot / mv / squeezed and viewed products
        name = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4"}
        # dot and mv are one node in PyTorch: its next_functions are the two factors' (graph walkers see them)
        factors = (a, b) if (a.ndim, b.ndim) in ((1, 1), (2, 1)) else ()
        out = _named(out, a, name.get((a.ndim, b.ndim), "UnsafeViewBackward0"), False, *factors)
    return out


def _is_bool(x: Any) -> builtins.bool:
    return x.__class__ is builtins.bool or (isinstance(x, Tensor) and x._array.dtype == bool_)


@overload
def where(condition: Tensor | Array) -> tuple[Tensor, ...]: ...


@overload
def where(condition: Tensor | Array, input: Any, other: Any) -> Tensor: ...


def where(condition: Tensor | Array, input: Any = None, other: Any = None) -> Any:  # noqa: A002
    """Elementwise ``input if condition else other``, broadcasting all three.

    Gradients flow to ``input`` where the condition holds and to ``other``
    elsewhere. Scalars take the dtype of the tensor operand. With the
    condition alone, ``nonzero(condition, as_tuple=True)``.
    """
    if input is None and other is None:
        cond_t = condition if isinstance(condition, Tensor) else Tensor(condition)
        return _methods.indexing.nonzero(cond_t, as_tuple=True)
    cond = condition._array if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != bool_:
        if cond.dtype != np.uint8:
            raise _MaskDTypeError(f"where expected condition to be a boolean tensor, but got a tensor with "
                                  f"dtype {_dtypes.scalar_type_name(cond.dtype)}")
        if warn_once_due("where uint8"):  # (PyTorch still takes a uint8 condition: TORCH_WARN_ONCE)
            warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and will be "
                          "removed in a future version of PyTorch. Use a boolean condition instead.",
                          UserWarning, stacklevel=user_stacklevel())
        cond = cond.astype(bool_)
    if isinstance(input, Tensor):  # (a float16 tensor takes 1e10 as inf, as PyTorch's: no cast warning)
        a, b = input, quiet(_lift, other, input)
        if isinstance(other, (float, int)):  # converted like a fill value: 1e39 into float32, 300 into uint8
            _fill_scalar(other, b.dtype, "where: other", True)  # raise (PyTorch)
    elif isinstance(other, Tensor):
        b, a = other, quiet(_lift, input, other)
        if isinstance(input, (float, int)):
            _fill_scalar(input, a.dtype, "where: input", True)
    else:
        a, b = tensor(input), tensor(other)
    if a.dtype != b.dtype:
        a, b = _promote(a, b)
    try:
        return _ops.Where.apply(a, b, cond=cond)
    except ValueError as e:  # PyTorch's words first: it broadcasts the condition, then input, then other
        shapes = [np.shape(cond), a._array.shape, b._array.shape]
        try:
            words = size_mismatch(np.broadcast_shapes(*shapes[:2]), shapes[2])
        except ValueError:
            words = size_mismatch(*shapes[:2])
        raise ShapeError(
            f"{words} (where: shapes {cond.shape}, {a.shape} and {b.shape} cannot be broadcast together)"
        ) from e


@dim_aliases
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim.

    Raises:
        ShapeError: ranks differ or a dim other than ``dim`` differs.
        InvalidParameterError: the sequence is empty.
    """
    ts = _check_tensors("cat", tensors)
    if not ts:
        raise InvalidParameterError("torch.cat(): expected a non-empty list of Tensors, got []")
    dt = _joined_dtype(ts)
    # PyTorch's legacy rule: 1-D empty tensors are skipped (they still take part in the dtype)
    shapes = {t._array.shape for t in ts}  # (sets: one C-speed pass each over a list of many tensors)
    if (0,) in shapes:
        kept = [t for t in ts if t._array.shape != (0,)]
        if kept and kept[0].ndim and any(t._requires_grad for t in ts if t._array.shape == (0,)):
            # PyTorch's result still has an edge to a skipped tensor (requires_grad, a zero gradient): an
            # empty slab of the others' shape stands in for it
            k = norm_dim(dim, kept[0].ndim)
            slab = (*kept[0].shape[:k], 0, *kept[0].shape[k + 1:])
            kept = [t.reshape(slab) if t._array.shape == (0,) else t for t in ts]
        ts = kept or ts  # (all empty: joined all the same, so a grad-requiring one leaves its edge)
    ref = ts[0]
    if ref.ndim == 0:
        raise ShapeError("cat: zero-dimensional tensor (at position 0) cannot be concatenated; use stack")
    d = norm_dim(dim, ref.ndim)
    have = ref._array.shape
    rest = have[:d] + have[d + 1:]
    if len(shapes) == 1 or {(len(s), s[:d] + s[d + 1:]) for s in shapes} == {(len(have), rest)}:
        return _given(_ops.Cat.apply(*_as_dtype(ts, dt), dim=d), d, dim)
    for i, t in enumerate(ts):
        s = t._array.shape
        if s[:d] + s[d + 1:] != rest or len(s) != len(have):
            words = f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            if t.ndim == ref.ndim:
                k = next(j for j in range(t.ndim) if j != d and t.shape[j] != ref.shape[j])
                words = (f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[k]} "
                         f"but got size {t.shape[k]} for tensor number {i} in the list.")
            raise ShapeError(f"{words} (cat: tensor {i} has shape {t.shape}, tensor 0 {ref.shape})")
    return _given(_ops.Cat.apply(*_as_dtype(ts, dt), dim=d), d, dim)


def _given(out: Tensor, d: int, dim: Any) -> Tensor:
    """``out`` with its node keeping ``dim`` as given where it differs from the normalized ``d``: PyTorch's
    ``grad_fn._saved_dim`` shows -1 as given (wrapped to an unsigned int)."""
    if dim != d and out._ctx is not None:
        out._ctx.given = dim
    return out


@dim_aliases
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shape tensors along a new dim.

    Raises:
        ShapeError: the shapes differ.
        InvalidParameterError: the sequence is empty.
    """
    ts = _check_tensors("stack", tensors)
    if not ts:
        raise InvalidParameterError("stack expects a non-empty TensorList")
    first = ts[0]._array
    have = first.shape
    if (dim == 0 and type(first) is np.ndarray and not any(t._requires_grad for t in ts)
            and not (_extras.stale or _extras.subclass or _inference.threads)
            and all(t._array.shape == have and t._array.dtype == first.dtype for t in ts)):
        # a batch of samples that records no graph (collate's stack): the op's forward without its dispatch
        out = stack_first([t._array for t in ts])
        if out is not None:
            return from_numpy(out)
    if len({t._array.shape for t in ts}) > 1:
        i = next(i for i, t in enumerate(ts) if t._array.shape != have)
        raise ShapeError(f"stack expects each tensor to be equal size, but got {list(have)} at entry 0 and "
                         f"{list(ts[i]._array.shape)} at entry {i} (stack: tensor {i} has shape "
                         f"{ts[i].shape}, but tensor 0 has shape {ts[0].shape})")  # (PyTorch's words first)
    d = norm_dim(dim, len(have) + 1)
    return _given(_ops.Stack.apply(*_as_dtype(ts, _joined_dtype(ts)), dim=d), d, dim)


def _joined_dtype(ts: list[Tensor]) -> np.dtype[Any]:
    """The dtype cat and stack give ``ts``: PyTorch's promotion of their dtypes, one after another (each
    as a tensor with dims: stack's 0-d inputs too, which a 0-d rule would let a float32 keep)."""
    dt = ts[0]._array.dtype
    for t in ts[1:] if len({t._array.dtype for t in ts}) > 1 else ():  # (one set pass when all agree)
        if t._array.dtype != dt:
            dt = _dtypes.promote_types(dt, t._array.dtype)
    return dt


def _as_dtype(ts: list[Tensor], dt: np.dtype[Any]) -> list[Tensor]:
    return [t if t._array.dtype == dt else t.astype(dt) for t in ts]


def _integer_result_check(source: Tensor, cast: Tensor) -> Tensor:
    """``cast`` (source converted to a reduction's ``dtype=``), checked as PyTorch's sum, prod, cumsum and
    cumprod check their result: autograd records no integer or bool result.

    Raises:
        MinigradError: ``cast`` is not floating while ``source`` requires grad in grad mode (PyTorch's
            RuntimeError "Autograd not support dtype: Long").
    """
    if cast.dtype.kind != "f" and source._requires_grad and _mode.record:
        raise MinigradError(f"Autograd not support dtype: {scalar_type_name(cast.dtype)}")
    return cast


def _named(out: Tensor, source: Tensor, name: str, made: builtins.bool = False, *inputs: Tensor) -> Tensor:
    """``out``, its grad_fn shown as PyTorch's ``name`` when this call made one (minigrad composes the op);
    ``made``: the caller knows it recorded a node (an in-place op, whose result is ``source`` itself);
    ``inputs``: the op's tensor arguments, which the node's ``next_functions`` then lists, as PyTorch's."""
    ctx = out._ctx
    if ctx is not None and (made or (out is not source and ctx is not source._ctx)):
        ctx.label = name
        if inputs:
            ctx.label_inputs = inputs
    return out


def result_type(tensor1: Any, tensor2: Any) -> np.dtype[Any]:
    """The dtype of ``tensor1 op tensor2`` under PyTorch's promotion (``torch.result_type``).

    Categories bool < integer < float; a 0-d tensor loses to a dimensioned one
    within a category; a Python number never widens a tensor (2.5 with int8 is
    the default float dtype).
    """
    if not isinstance(tensor1, Tensor) and not isinstance(tensor2, Tensor):
        kinds = {type(v) for v in (tensor1, tensor2)}
        if float in kinds:
            return get_default_dtype()
        return int64 if int in kinds else bool_
    a = tensor1 if isinstance(tensor1, Tensor) else _lift(tensor1, tensor2)
    b = tensor2 if isinstance(tensor2, Tensor) else _lift(tensor2, a)
    if a.dtype == b.dtype:
        return a.dtype
    return _promote(a, b)[0].dtype


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is a minigrad Tensor."""
    return isinstance(obj, Tensor)


def is_inference(input: Tensor) -> bool:  # noqa: A002 - PyTorch's argument name
    """True if ``input`` is an inference tensor (made inside ``inference_mode``), as ``torch.is_inference``.

    Raises:
        TypeError: ``input`` is not a Tensor.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"is_inference(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input.is_inference()


def numel(input: Any) -> int:  # noqa: A002 - PyTorch's argument name
    """The number of elements of a tensor, as ``torch.numel``.

    Raises:
        TypeError: ``input`` is not a Tensor.
    """
    input = state_operand(input)  # noqa: A001
    if not isinstance(input, Tensor):
        raise TypeError(f"numel(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input.numel()


#: the in-place methods' names, by the ufunc :meth:`Tensor._inplace` applies, for their argument errors
_INPLACE_NAMES: dict[np.ufunc, str] = {np.add: "add_", np.subtract: "sub_", np.multiply: "mul_",
                                       np.divide: "div_"}


def tensor_like(value: Any) -> bool:
    """Whether ``value`` is no Tensor but its class has a ``__torch_function__`` (:func:`_subclass.like`)."""
    return _subclass.like(value, Tensor)


def hand_over(name: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None) -> Any:
    """``Tensor.<name>(*args, **kwargs)`` handed to the tensor-likes among ``args`` (see
    :func:`_subclass.hand_over`: TypeError if every one answers NotImplemented)."""
    return _subclass.hand_over(Tensor, name, args, kwargs)


def alpha_given(alpha: Any) -> dict[str, Any] | None:
    """The keywords an add/sub handed to a tensor-like passes on: ``alpha`` unless the default 1 (PyTorch
    passes only the arguments given, and a tensor-like's ``__torch_function__`` sees them)."""
    return {"alpha": alpha} if type(alpha) is not builtins.int or alpha != 1 else None


def _decline(self: Tensor, other: Any, name: str) -> Any:
    """An in-place operator's answer for an operand it declines: a tensor-like one is handed the in-place
    method ``name`` (as PyTorch's), anything else gets NotImplemented (Python then raises its TypeError)."""
    return hand_over(name, (self, other)) if tensor_like(other) else NotImplemented


#: the Tensor method PyTorch hands a tensor-like operand's ``__torch_function__`` for each operator
#: (:meth:`Tensor._binary`'s op and whether the tensor is on the right)
_OPERATOR_METHODS: dict[tuple[Any, builtins.bool], str] = {}


def _declined(value: Any) -> bool:
    """Whether an operator answers NotImplemented for ``value``: neither a Tensor nor a number (cheap for
    the usual operands)."""
    kind = type(value)
    return kind is not Tensor and kind is not float and kind is not int and not_operand(value)


def not_operand(value: Any) -> bool:
    """Whether PyTorch's argument parser takes ``value`` for neither a Tensor nor a Number: a list or a
    tuple (a namedtuple too), a numpy array, a str, None, any other object (``t.add(...)`` raises its
    TypeError there; the operators answer NotImplemented). A state dict's StateArray stands for the
    tensor PyTorch would hold, and a numpy scalar is a Number."""
    return not isinstance(value, (Tensor, builtins.int, builtins.float, builtins.complex, np.number,
                                  np.bool_)) and type(value) is not StateArray


def py_number(value: Any) -> Any:
    """A numpy scalar as the Python number PyTorch's argument parser reads it: an integer as an int, a
    float or a bool as a float (``tensor([1]) + np.True_`` is ``tensor([2.])``, ``np.float32(2.5) / x``
    is ``reciprocal(x) * 2.5``), a complex as a complex; anything else unchanged."""
    if isinstance(value, np.generic):
        if isinstance(value, np.integer):
            return builtins.int(value)
        if isinstance(value, (np.floating, np.bool_)):
            return builtins.float(value)
        if isinstance(value, np.complexfloating):
            return builtins.complex(value)
    return value


def state_operand(x: Any) -> Any:
    """A state dict's array as a Tensor sharing its memory; anything else unchanged.

    ``Module.state_dict()`` values are numpy arrays (API.md) that PyTorch code
    holds as tensors (``torch.stack`` of several models' weights, ``p.copy_(sd[k])``,
    ``torch.allclose(sd1[k], sd2[k])``), so the functions that take only
    Tensors take a :class:`~minigrad._state_array.StateArray` too.
    """
    return from_numpy(x) if isinstance(x, StateArray) else x


def _check_tensors(fn: str, tensors: Any) -> list[Tensor]:
    """The sequence as a list of Tensors (state-dict arrays become tensors); one Tensor, or an iterator, is
    not a sequence of them, as PyTorch says."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{fn}(): argument 'tensors' must be tuple of Tensors, not Tensor")
    if iter(tensors) is tensors:  # a generator or other iterator (PyTorch's parser takes none)
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if set(map(type, tensors)) == {Tensor}:  # (the usual list, checked at C speed)
        return list(tensors)
    ts = [state_operand(t) for t in tensors]
    for i, t in enumerate(ts):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return ts


from minigrad import ops as _ops  # noqa: E402  (ops builds on Tensor; imported last)

_HALF_SCALAR_OPS = (_ops.Mul, _ops.Div)  # (the ops whose half kernels take a Python float in float32)

for _module in (sys.modules[__name__], _ops):  # what TensorMethods call: from_numpy, where, Tensor, the ops
    _methods.provide(_module)

_OPERATOR_METHODS.update({
    (_ops.Add, False): "add", (_ops.Add, True): "add", (_ops.Sub, False): "sub",
    (_ops.RsubScalar, True): "__rsub__", (_ops.Mul, False): "mul", (_ops.Mul, True): "mul",
    (_ops.Div, False): "div", (_ops.Div, True): "__rdiv__", (_ops.Pow, False): "pow",
    (_ops.Pow, True): "__rpow__"})
_COMPARE_METHODS: dict[Any, str] = {np.equal: "eq", np.not_equal: "ne", np.less: "lt", np.less_equal: "le",
                                    np.greater: "gt", np.greater_equal: "ge"}
