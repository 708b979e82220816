"""Tensor methods of PyTorch's surface beyond the core: the method forms of the functions in
``pointwise``, ``reductions``, ``shape_ops``, ``matrix_ops``, ``indexing``, ``sampling`` and
``linalg_functions``, the ``*_`` in-place forms, integer operators, conversions and Python protocols.

:class:`TensorMethods` is a base class of :class:`minigrad.Tensor`; each
method is a one-line call of the module function of the same name, so the
math lives in one place. The function modules import ``Tensor``, so they are
bound here by :func:`bind` once ``tensor.py`` has defined it.
"""

from __future__ import annotations

import builtins
import copy
import functools
import os
import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import numpy as np

from minigrad import _shared_memory, _subclass, memory_formats
from minigrad.dtypes import kernel_error, resolve_dtype, scalar_type_name, tensor_type_name
from minigrad.errors import (
    DeviceError,
    DimensionError,
    MinigradError,
    ShapeError,
    bool_args,
    missing_arg,
    not_tensor_error,
    stable_by_keyword,
    user_stacklevel,
)
from minigrad.grad_mode import _mode
from minigrad.layouts import strided
from minigrad.settings import warn_once_due
from minigrad.shapes import norm_dim, shape_arg
from minigrad.size import Size

if TYPE_CHECKING:
    from types import ModuleType

    import minigrad.tensor as tensor  # the module (``minigrad.tensor`` is also the factory function)
    from minigrad import autograd as autograd

    # (re-exported with "as": tensor.py reaches the same modules through this one)
    from minigrad import bessel as bessel
    from minigrad import complex_parts as complex_parts
    from minigrad import copy_forms as copy_forms
    from minigrad import factories as factories
    from minigrad import functional_forms as functional_forms
    from minigrad import gamma as gamma
    from minigrad import indexing as indexing
    from minigrad import linalg_functions as linalg_functions
    from minigrad import matrix_ops as matrix_ops
    from minigrad import number_ops as number_ops
    from minigrad import ops as ops
    from minigrad import pointwise as pointwise
    from minigrad import quantiles as quantiles
    from minigrad import reductions as reductions
    from minigrad import return_types as return_types
    from minigrad import sampling as sampling
    from minigrad import selection as selection
    from minigrad import shape_ops as shape_ops
    from minigrad import sparse as sparse
    from minigrad import statistics as statistics
    from minigrad import top_level as top_level
    from minigrad import typed_tensors as typed_tensors
    from minigrad import writes as writes
    from minigrad.autograd import engine as engine
    from minigrad.autograd import graph as graph
    from minigrad.random import Generator
    from minigrad.tensor import Tensor


F = TypeVar("F", bound=Callable[..., Any])

def dim_aliases(fn: F) -> F:
    """Accept numpy's ``axis=`` and ``keepdims=`` for ``dim=`` and ``keepdim=``, as PyTorch does."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            if "out" in kwargs and kwargs["out"] is None:  # numpy's np.sum(x) passes out=None
                del kwargs["out"]
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def provide(module: ModuleType) -> None:
    """Make a module built on the Tensor available to the methods here, under its short name.

    The function modules (``pointwise``, ``reductions``, ..., ``selection``),
    ``factories``, the autograd ``engine`` and ``tensor`` itself each call this
    when they are imported: they import the Tensor, so neither the Tensor nor
    this base class may import them (the only import circle is tensor <-> ops),
    and ``import minigrad`` imports them all before any method runs.
    """
    globals()[module.__name__.rpartition(".")[2]] = module


def _inplace(name: str, doc: str) -> Callable[..., Tensor]:
    """The in-place form ``x.name_(...)``: x takes the value of ``x.name(...)`` (recorded if needed)."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Tensor:
        if len(args) == 3 and name in ("addcmul", "addcdiv"):  # x.addcmul_(value, t1, t2): deprecated
            *tensors, kwargs["value"] = pointwise.scalar_first(name + "_", "value", ("tensor1", "tensor2"),
                                                               args)
            args = tuple(tensors)
        if args and tensor.not_operand(args[0]) and name in _SEQUENCE_CHECKED:
            raise pointwise.sequence_error(name + "_", args[0], name="exponent" if name == "pow" else "other")
        if name in ("cumsum", "cumprod") and self.dtype == np.bool_ and (args or kwargs):  # (no bool kernel:
            # it sums into self; a missing dim is the argument TypeError first; a 0-d self is copied)
            if self.ndim:
                raise kernel_error(f"{name}_out", self.dtype)
            kwargs = {**kwargs, "dtype": self.dtype}
        if name == "masked_fill" and args and not isinstance(args[0], (tensor.Tensor, np.ndarray)):
            raise tensor.mask_type_error("masked_fill_", args[0], args[1] if len(args) > 1 else None)
        out: Tensor = self._update(name + "_", lambda t: getattr(t, name)(*args, **kwargs), *args,
                                   *kwargs.values())
        return out

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In place: x takes the value of ``x.{name}(...)``; returns x. {doc}"
    return method


def _overload(out: Tensor, shift: int) -> Tensor:
    """``out`` with its grad_fn named as PyTorch's in-place overload of the op: the out-of-place
    name's number plus ``shift`` (squeeze_(dim) is SqueezeBackward4 where squeeze(dim) is 1)."""
    ctx = out._ctx
    if ctx is not None:
        name = ctx.name()
        ctx.label = name.rstrip("0123456789") + str(int(name[len(name.rstrip("0123456789")):]) + shift)
    return out


#: the names Tensor.reshape gives the reshape of a strided tensor (view() shows ViewBackward0 instead)
_RESHAPE_NAMES = frozenset({"ReshapeAliasBackward0", "UnsafeViewBackward0"})

#: neither a Tensor nor a Number to PyTorch's argument parser: ``t.add([1.0])`` and ``t.add(np.ones(3))``
#: are its TypeError (the operators answer NotImplemented instead); minigrad would have made a tensor of it.
#: Matched by exact type: a state dict's StateArray (an ndarray subclass) stands for a tensor.
_SEQUENCES = (list, tuple, np.ndarray)


def _own_words(e: TypeError, fn: str, other: Any, **keywords: Any) -> TypeError:
    """What a method form raises for the function's TypeError ``e``: PyTorch's words for the method
    (``t.add(p)``: ``other`` is position 1, not 2) if ``other`` is a non-number operand, else ``e``."""
    return pointwise.sequence_error(fn, other, **keywords) if tensor.not_operand(other) else e


def _declined(e: TypeError, other: Any, self: Any = None, name: str = "") -> Tensor:
    """NotImplemented where an operator's ``other`` is a non-number (PyTorch's operators decline it:
    Python raises its own TypeError, or the object's reflected method runs); else raises ``e``. A
    tensor-like ``other`` is handed the method ``name`` instead (``self.name(other)``, as PyTorch's)."""
    if name and tensor.tensor_like(other):
        return cast("Tensor", tensor.hand_over(name, (self, other)))
    if tensor.not_operand(other):
        declined: Tensor = NotImplemented  # (Python's answer for "not mine", whatever the declared result)
        return declined
    raise e

#: the in-place forms (``x.remainder_(...)``) whose sequence operand raises that TypeError in their own name
_SEQUENCE_CHECKED = frozenset({"true_divide", "floor_divide", "remainder", "fmod", "copysign", "xlogy", "pow",
                               "atan2", "hypot", "eq", "ne", "lt", "le", "gt", "ge"})
_LEAF_NOTE = "Raises RuntimeError on a leaf that requires grad (outside no_grad), as PyTorch."

#: Tensor methods whose in-place form is generated by :func:`_inplace`.
INPLACE_NAMES = (
    "abs", "absolute", "acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "ceil", "clip", "copysign", "cos",
    "cosh", "cumsum", "divide", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "fix", "floor",
    "floor_divide", "fmod", "frac", "hypot", "index_add", "index_copy", "index_fill", "index_put", "lerp",
    "log", "log10", "log1p", "log2", "logical_and", "logical_not", "logical_or", "logical_xor",
    "masked_fill", "masked_scatter", "multiply", "nan_to_num", "neg", "negative", "pow", "reciprocal",
    "relu", "remainder", "round", "rsqrt", "scatter", "scatter_add", "scatter_reduce", "sgn", "sigmoid",
    "sign", "sin", "sinh", "sqrt", "square", "subtract", "tan", "tanh", "tril", "triu", "true_divide",
    "trunc", "xlogy", "addcmul", "addcdiv", "clamp_min", "clamp_max", "logit", "sinc", "deg2rad", "rad2deg",
    "lgamma", "digamma", "polygamma", "mvlgamma", "i0", "addmv", "addr", "addbmm", "gcd", "lcm", "ldexp",
    "nextafter", "renorm", "igamma", "igammac", "put", "index_reduce", "cumprod", "eq", "ne", "lt", "le",
    "gt", "ge", "greater", "greater_equal", "less", "less_equal", "not_equal", "heaviside", "addmm",
    "baddbmm",
)  # fmt: skip


def _copied_from_view(t: Tensor, out: Tensor) -> bool:
    """Whether reshaping ``t`` to ``out`` had to copy although ``t`` is a view (t(), permute, slicing,
    expand) of a contiguous tensor: its strides are then PyTorch's, and PyTorch's view raises there.
    (A tensor an op laid out otherwise than PyTorch would is copied as reshape copies.)"""
    ref = getattr(t, "_viewbase", None)
    if ref is None or (out._array.base is not None and np.shares_memory(out._array, t._array)):
        return False
    owner = ref()
    base = owner._array if owner is not None else t._array
    while owner is None and isinstance(base.base, np.ndarray):  # (a base gone: its memory stands for it)
        base = base.base
    return bool(base.flags.c_contiguous)


class BaseRef(weakref.ref):  # type: ignore[type-arg]
    """A view's weak link to its base (``Tensor._base``), shared by every view of that base; ``standin``
    is the tensor over the base's memory that stands for it once it is gone; ``held``, the base itself
    once an in-place op through a view gave it a new history its views must take."""

    __slots__ = ("held", "standin")
    held: Tensor
    standin: Tensor


# id(tensor) -> (a weak reference that drops the entry with the tensor, the dict assigned to its
# _backward_hooks). Not a WeakKeyDictionary: that compares keys with ==, elementwise on tensors.
_assigned_hooks: dict[int, tuple[weakref.ref[Any], Any]] = {}


def live_base(ref: BaseRef, view: Any) -> Any:
    """The base ``ref`` links ``view`` to or, once it is gone, the one tensor over the base's memory that
    stands for it (made when first asked for, shared by the base's views: v1._base is v2._base holds)."""
    base = ref()
    if base is None:
        base = getattr(ref, "standin", None)
        if base is None:
            base = ref.standin = tensor.from_numpy(Storage(view.numpy(force=True))._owner)
    return base


class CreationRef(BaseRef):
    """A view's link to its base when PyTorch forbids changing the view in place with the graph recorded:
    output ``index`` of ``creator``, a function returning several views (unbind, split, chunk) or, with
    ``custom``, a custom Function. Views of such a view inherit the link, and the rule."""

    __slots__ = ("creator", "custom", "index")
    creator: str
    custom: bool
    index: int


def mark_view(out: Tensor, base: Tensor, creator: str, index: int, custom: bool = False) -> None:
    """Give ``out``, a view of ``base``'s memory, a :class:`CreationRef` to ``base`` (or to its own base)."""
    ref = getattr(base, "_viewbase", None)
    root = ref() if ref is not None else None
    marked = CreationRef(base if root is None else root)
    marked.creator, marked.index, marked.custom = creator, index, custom
    out._viewbase = marked


def multi_views(outs: tuple[Tensor, ...], source: Tensor, creator: str) -> tuple[Tensor, ...]:
    """``outs``, the views ``creator`` (Split, Unbind) made of ``source``: in grad mode each is marked so a
    recorded in-place change of it raises PyTorch's error (their gradients would need one node for all)."""
    if _mode.grad:
        for i, out in enumerate(outs):
            if out._array.base is not None and out is not source:
                mark_view(out, source, creator, i)
    return outs


def unrecorded_view_error(view: Tensor) -> MinigradError:
    """PyTorch's error for a recorded in-place change of a view made under no_grad (or inference_mode) of
    a tensor that requires grad: the base's graph cannot tell what the view's values were."""
    if getattr(view, "_inference", None) == 0:  # (set, to 0, only on views made inside inference_mode)
        return MinigradError("A view was created in inference mode and is being modified inplace in normal "
                             "mode.")
    return MinigradError(
        "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given "
        "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
        "moving both the view and the inplace either both inside the no_grad block (if you don't want the "
        "inplace to be tracked) or both outside (if you want the inplace to be tracked).")


def view_inplace_error(view: Tensor, ref: CreationRef, base_changed: bool = False) -> MinigradError:
    """PyTorch's error for a recorded in-place change of a view :func:`mark_view` marked (``base_changed``:
    of its base or another view of it, found when the view is next used in grad mode)."""
    ctx = view._ctx
    if ctx is None:
        start = "A view was created in no_grad mode and is being modified inplace with grad mode enabled."
    else:
        own = ctx.name().rpartition("Backward")[0]
        index = ref.index if own == ref.creator else ctx.output_index()
        what = "its base or another view of its base has been" if base_changed else "is being"
        start = f"Output {index} of {own} is a view and {what} modified inplace."
    if ref.custom:
        return MinigradError(
            f"{start} This view was created inside a custom Function (or because an input was returned "
            "as-is) and the autograd logic to handle view+inplace would override the custom backward "
            "associated with the custom Function, leading to incorrect gradients. This behavior is "
            "forbidden. You can fix this by cloning the output of the custom Function.")
    return MinigradError(
        f"{start} This view is the output of a function that returns multiple views. Such functions do not "
        "allow the output views to be modified inplace. You should replace the inplace operation by an "
        "out-of-place one.")


class Storage:
    """The block of memory under a tensor and its views, as PyTorch's ``UntypedStorage``: ``data_ptr()``,
    ``nbytes()``, a byte by index, a byte range by a slice (sharing the memory), ``untyped()``, and
    :meth:`from_file`; ``torch.asarray(storage, dtype=...)`` reads its bytes as a tensor sharing them
    (safetensors' ``safe_open(framework="pt")`` loads that way). minigrad's tensors are numpy arrays:
    a tensor's storage is its array's memory owner, a slice's is the byte range."""

    def __init__(self, array: Any, *, exact: builtins.bool = False) -> None:
        while not exact and isinstance(array.base, np.ndarray):
            array = array.base
        self._owner = array

    @classmethod
    def from_file(cls, filename: str, shared: builtins.bool = False, nbytes: builtins.int = 0) -> Storage:
        """The first ``nbytes`` bytes of file ``filename``, mapped: with ``shared`` writes reach the file,
        without it they stay in this process (copy on write), as ``torch.UntypedStorage.from_file``.

        Raises:
            RuntimeError: the file cannot be opened or is smaller than ``nbytes``.
        """
        try:
            size = os.path.getsize(filename)
        except OSError as e:  # (PyTorch's words: a RuntimeError)
            mode = "read-write" if shared else "read-only"
            raise MinigradError(f"unable to open file <{filename}> in {mode} mode: {e.strerror} ({e.errno})"
                                ) from None
        if size < nbytes:
            raise MinigradError(f"file <{filename}> size <{size}> is smaller than the required mapping size "
                                f"<{nbytes}>")
        if nbytes == 0:
            return cls(np.zeros(0, np.uint8), exact=True)
        return cls(np.memmap(filename, np.uint8, "r+" if shared else "c", shape=(nbytes,)), exact=True)

    def is_shared(self) -> builtins.bool:
        """Whether the memory is shared between processes (a tensor's after ``share_memory_()``)."""
        return _shared_memory.array_is_shared(np.asarray(self._owner))

    def untyped(self) -> Storage:
        """The storage itself (it is untyped already)."""
        return self

    is_cuda = False

    @property
    def device(self) -> Any:
        """``device('cpu')``, as a tensor's."""
        from minigrad.device import check_device

        return check_device(None)

    def element_size(self) -> builtins.int:
        """1: an untyped storage counts bytes."""
        return 1

    def byte_array(self) -> np.ndarray[Any, np.dtype[np.uint8]]:
        """The memory as a flat uint8 array sharing it."""
        owner = np.asarray(self._owner)
        if not owner.flags.c_contiguous:  # (a storage is one block: an owner is laid out densely)
            owner = owner.copy()
        return owner.reshape(-1).view(np.uint8)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise MinigradError(f"Trying to slice with a step of {key.step}, but only a step of 1 is "
                                    "supported")
            return Storage(self.byte_array()[key], exact=True)
        return builtins.int(self.byte_array()[key])

    def data_ptr(self) -> builtins.int:
        """The address of the memory's first byte."""
        return builtins.int(self._owner.__array_interface__["data"][0])

    def nbytes(self) -> builtins.int:
        """The memory's size in bytes."""
        return builtins.int(self._owner.nbytes)

    def size(self) -> builtins.int:
        """The memory's size in bytes (an untyped storage counts bytes)."""
        return self.nbytes()

    def __len__(self) -> builtins.int:
        return self.nbytes()

    def __sizeof__(self) -> builtins.int:
        # the memory counts, as in PyTorch's (torchinfo sums sys.getsizeof of the inputs' storages)
        return super().__sizeof__() + self.nbytes()


class TypedStorage:
    """The elements of the memory under a tensor and its views, as PyTorch's (deprecated) ``TypedStorage``
    that ``tensor.storage()`` gives (tutorials print it to show how tensors are laid out): an element by
    index, written through to every tensor over the memory, ``size()``, ``tolist()``, ``fill_``, ``copy_``,
    ``data_ptr()``; printed as PyTorch prints it.

    Raises:
        IndexError: an element index out of range (slices: PyTorch's RuntimeError).
    """

    def __init__(self, array: Any, dtype: Any) -> None:
        owner = Storage(array)._owner
        self._flat = np.ravel(owner, order="K")  # (the owner's memory in memory order: a view)
        if self._flat.dtype != dtype:
            self._flat = self._flat.view(dtype)
        self.dtype = dtype
        self.device = "cpu"
        self.is_cuda = False

    def _index(self, idx: Any) -> builtins.int:
        if isinstance(idx, slice):
            raise MinigradError("slices are only supported in UntypedStorage.__getitem__")
        n = self._flat.size
        if not -n <= idx < n:
            raise IndexError(f"index {idx} out of range for storage of size {n}")
        return builtins.int(idx) % n

    def __getitem__(self, idx: Any) -> Any:
        return self._flat[self._index(idx)].item()

    def __setitem__(self, idx: Any, value: Any) -> None:
        self._flat[self._index(idx)] = value

    def __len__(self) -> builtins.int:
        return builtins.int(self._flat.size)

    def __iter__(self) -> Any:
        return iter(self.tolist())

    def size(self) -> builtins.int:
        """The number of elements."""
        return len(self)

    def tolist(self) -> list[Any]:
        """The elements as Python numbers."""
        return cast("list[Any]", self._flat.tolist())

    def data_ptr(self) -> builtins.int:
        """The address of the memory's first byte."""
        return builtins.int(self._flat.__array_interface__["data"][0])

    def element_size(self) -> builtins.int:
        """Bytes per element."""
        return builtins.int(self._flat.itemsize)

    def nbytes(self) -> builtins.int:
        """The memory's size in bytes."""
        return builtins.int(self._flat.nbytes)

    def __sizeof__(self) -> builtins.int:
        return super().__sizeof__() + self.nbytes()  # (as Storage's)

    def fill_(self, value: Any) -> TypedStorage:
        """Write ``value`` into every element; returns self."""
        self._flat.fill(value)
        return self

    def copy_(self, other: Any) -> TypedStorage:
        """Write ``other``'s elements (a storage of the same size) into these; returns self."""
        np.copyto(self._flat, np.asarray(other.tolist()), casting="unsafe")
        return self

    def type(self) -> str:
        """PyTorch's legacy class name (``'torch.FloatStorage'``)."""
        return tensor_type_name(self._flat.dtype).replace("Tensor", "Storage")

    def cpu(self) -> TypedStorage:
        """A storage over the same memory (it is on the CPU already)."""
        return TypedStorage(self._flat, self.dtype)

    def is_shared(self) -> builtins.bool:
        """Whether the memory is shared between processes (a tensor's after ``share_memory_()``)."""
        return _shared_memory.array_is_shared(self._flat)

    def untyped(self) -> Storage:
        """The memory as an untyped (byte) storage."""
        return Storage(self._flat)

    def __repr__(self) -> str:
        values = " " + "\n ".join(str(v) for v in self.tolist())
        kind = f"torch.storage.TypedStorage(dtype=torch.{self._flat.dtype.name}, device=cpu)"
        return f"{values}\n[{kind} of size {len(self)}]"


_typed_storage_warned = [False]  # PyTorch warns of TypedStorage's removal once per process


#: slots pickle and copy leave out: Python's own, the weak links to aliases (see __getstate__), the ticks
#: of requires_grad switches (this process's clock) and the gradient (PyTorch's pickle and copy.copy drop
#: it; deepcopy copies it, see __deepcopy__)
_UNPICKLED = frozenset({"__dict__", "__weakref__", "_grad_gaps", "_grad_off", "_selfref", "_vgroup",
                        "_viewbase", "_views", "grad"})


class TensorMethods:
    """PyTorch's Tensor methods beyond minigrad's core (see the module docstring)."""

    __slots__ = ()

    # PyTorch's layout and backend flags (custom optimizers test ``p.grad.is_sparse``): minigrad's tensors
    # are dense, on the CPU (an embedding's sparse=True gradient is dense too, see minigrad/_sparse_grads.py)
    is_cpu = True
    is_sparse = False
    is_meta = False
    is_quantized = False
    is_mkldnn = False
    is_nested = False
    layout = strided

    def to_dense(self: Any, dtype: Any = None, *, masked_grad: bool | None = None) -> Tensor:
        """This tensor itself, as PyTorch's ``to_dense`` of a dense tensor (converted when ``dtype`` differs;
        graph scripts call it on an adjacency that may be sparse); ``masked_grad`` is for sparse ones."""
        out: Tensor = self if dtype is None else self.to(dtype)
        return out

    def to_sparse(self: Any, sparse_dim: int | None = None, *, layout: Any = None, blocksize: Any = None,
                  dense_dim: int | None = None) -> Tensor:
        """The COO sparse tensor of this tensor's nonzero entries; see :func:`minigrad.sparse.to_sparse`."""
        out: Tensor = sparse.to_sparse(self, sparse_dim, layout=layout, blocksize=blocksize,
                                       dense_dim=dense_dim)
        return out

    def to_sparse_coo(self: Any) -> Tensor:
        """The COO sparse tensor of this tensor's nonzero entries (``to_sparse()``)."""
        out: Tensor = sparse.to_sparse(self)
        return out

    def sparse_mask(self: Any, mask: Any) -> Tensor:
        """The sparse tensor of this tensor's entries at a sparse ``mask``'s indices; see
        :func:`minigrad.sparse._sparse_mask`."""
        out: Tensor = sparse._sparse_mask(self, mask)
        return out

    def get_device(self: Any) -> int:
        """-1, PyTorch's device index for a CPU tensor (common_nn's harness asks after moving modules)."""
        return -1

    # ------------------------------------------------------------ elementwise

    def tan(self: Any) -> Tensor:
        """tan(x); see :func:`minigrad.tan`."""
        return pointwise.tan(self)

    def asin(self: Any) -> Tensor:
        """arcsin(x); see :func:`minigrad.asin`."""
        return pointwise.asin(self)

    def acos(self: Any) -> Tensor:
        """arccos(x); see :func:`minigrad.acos`."""
        return pointwise.acos(self)

    def atan(self: Any) -> Tensor:
        """arctan(x); see :func:`minigrad.atan`."""
        return pointwise.atan(self)

    def sinh(self: Any) -> Tensor:
        """Hyperbolic sine; see :func:`minigrad.sinh`."""
        return pointwise.sinh(self)

    def cosh(self: Any) -> Tensor:
        """Hyperbolic cosine; see :func:`minigrad.cosh`."""
        return pointwise.cosh(self)

    def asinh(self: Any) -> Tensor:
        """Inverse hyperbolic sine; see :func:`minigrad.asinh`."""
        return pointwise.asinh(self)

    def acosh(self: Any) -> Tensor:
        """Inverse hyperbolic cosine; see :func:`minigrad.acosh`."""
        return pointwise.acosh(self)

    def atanh(self: Any) -> Tensor:
        """Inverse hyperbolic tangent; see :func:`minigrad.atanh`."""
        return pointwise.atanh(self)

    arcsin = asin
    arccos = acos
    arctan = atan
    arcsinh = asinh
    arccosh = acosh
    arctanh = atanh

    def exp2(self: Any) -> Tensor:
        """2 ** x; see :func:`minigrad.exp2`."""
        return pointwise.exp2(self)

    def expm1(self: Any) -> Tensor:
        """exp(x) - 1; see :func:`minigrad.expm1`."""
        return pointwise.expm1(self)

    def log2(self: Any) -> Tensor:
        """Base-2 log; see :func:`minigrad.log2`."""
        return pointwise.log2(self)

    def log10(self: Any) -> Tensor:
        """Base-10 log; see :func:`minigrad.log10`."""
        return pointwise.log10(self)

    def log1p(self: Any) -> Tensor:
        """log(1 + x); see :func:`minigrad.log1p`."""
        return pointwise.log1p(self)

    def erfc(self: Any) -> Tensor:
        """1 - erf(x); see :func:`minigrad.erfc`."""
        return pointwise.erfc(self)

    def erfinv(self: Any) -> Tensor:
        """The inverse error function; see :func:`minigrad.erfinv`."""
        return pointwise.erfinv(self)

    def lgamma(self: Any) -> Tensor:
        """log |Gamma(x)|; see :func:`minigrad.lgamma`."""
        return gamma.lgamma(self)

    def digamma(self: Any) -> Tensor:
        """The derivative of lgamma; see :func:`minigrad.digamma`."""
        return gamma.digamma(self)

    def polygamma(self: Any, n: builtins.int) -> Tensor:
        """The n-th derivative of digamma (note: ``x.polygamma(n)``); see :func:`minigrad.polygamma`."""
        return gamma.polygamma(n, self)

    def mvlgamma(self: Any, p: builtins.int) -> Tensor:
        """The multivariate log-gamma of dimension p; see :func:`minigrad.mvlgamma`."""
        return gamma.mvlgamma(self, p)

    def i0(self: Any) -> Tensor:
        """The modified Bessel function I0; see :func:`minigrad.i0`."""
        return bessel.i0(self)

    def reciprocal(self: Any) -> Tensor:
        """1 / x."""
        return pointwise.reciprocal(self)

    def neg(self: Any) -> Tensor:
        """-x."""
        return cast("Tensor", -self)

    negative = neg

    def absolute(self: Any) -> Tensor:
        """|x| (PyTorch's other name for abs)."""
        return cast("Tensor", self.abs())

    def sgn(self: Any) -> Tensor:
        """sign(x) (PyTorch's complex-aware name; the same for real tensors, but its own grad_fn name)."""
        return tensor._named(self.sign(), self, "SgnBackward0")

    def floor(self: Any) -> Tensor:
        """The largest integer <= x; zero gradient."""
        return pointwise.floor(self)

    def ceil(self: Any) -> Tensor:
        """The smallest integer >= x; zero gradient."""
        return pointwise.ceil(self)

    def trunc(self: Any) -> Tensor:
        """x rounded toward zero; zero gradient."""
        return pointwise.trunc(self)

    fix = trunc

    def round(self: Any, decimals: builtins.int | None = None) -> Tensor:
        """x rounded half to even at ``decimals`` digits; zero gradient."""
        return pointwise.round(self, decimals=decimals)

    def frac(self: Any) -> Tensor:
        """x - trunc(x)."""
        return pointwise.frac(self)

    def clamp_min(self: Any, min: Any) -> Tensor:  # noqa: A002
        """max(x, min); see :func:`minigrad.clamp_min`."""
        return pointwise.clamp_min(self, min)

    def clamp_max(self: Any, max: Any) -> Tensor:  # noqa: A002
        """min(x, max); see :func:`minigrad.clamp_max`."""
        return pointwise.clamp_max(self, max)

    def logit(self: Any, eps: float | None = None) -> Tensor:
        """log(p / (1 - p)); see :func:`minigrad.logit`."""
        return pointwise.logit(self, eps)

    def sinc(self: Any) -> Tensor:
        """sin(pi x) / (pi x), 1 at 0."""
        return pointwise.sinc(self)

    def deg2rad(self: Any) -> Tensor:
        """Degrees to radians."""
        return pointwise.deg2rad(self)

    def rad2deg(self: Any) -> Tensor:
        """Radians to degrees."""
        return pointwise.rad2deg(self)

    def nan_to_num(self: Any, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
        """nan and infinities replaced by numbers; see :func:`minigrad.nan_to_num`."""
        return pointwise.nan_to_num(self, nan, posinf, neginf)

    def isinf(self: Any) -> Tensor:
        """True where the value is infinite."""
        return pointwise.isinf(self)

    def isposinf(self: Any) -> Tensor:
        """True where the value is +inf."""
        return pointwise.isposinf(self)

    def isneginf(self: Any) -> Tensor:
        """True where the value is -inf."""
        return pointwise.isneginf(self)

    def signbit(self: Any) -> Tensor:
        """True where the sign bit is set."""
        return pointwise.signbit(self)

    # ------------------------------------------------------------ binary

    def add(self: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
        """self + alpha * other (also PyTorch's deprecated ``add(alpha, other)``, with its warning)."""
        if deprecated:
            other, alpha = pointwise.scalar_first("add", "alpha", ("other",), (other, *deprecated))
        try:
            return pointwise.add(self, other, alpha=alpha)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            if tensor.tensor_like(other):  # (PyTorch hands the call to its __torch_function__)
                return cast("Tensor", tensor.hand_over("add", (self, other), tensor.alpha_given(alpha)))
            raise _own_words(e, "add", other) from None

    def sub(self: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
        """self - alpha * other (also PyTorch's deprecated ``sub(alpha, other)``, with its warning)."""
        if deprecated:
            other, alpha = pointwise.scalar_first("sub", "alpha", ("other",), (other, *deprecated))
        try:
            return pointwise.sub(self, other, alpha=alpha)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            if tensor.tensor_like(other):  # (PyTorch hands the call to its __torch_function__)
                return cast("Tensor", tensor.hand_over("sub", (self, other), tensor.alpha_given(alpha)))
            raise _own_words(e, "sub", other) from None

    def subtract(self: Any, other: Any, *, alpha: Any = 1) -> Tensor:
        """self - alpha * other (:meth:`sub` without its deprecated overload: PyTorch has none here)."""
        try:
            return pointwise.sub(self, other, alpha=alpha)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "subtract", other) from None

    def mul(self: Any, other: Any) -> Tensor:
        """self * other (TypeError for a list or tuple, as PyTorch's)."""
        try:
            return pointwise.mul(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            if tensor.tensor_like(other):  # (PyTorch hands the call to its __torch_function__)
                return cast("Tensor", tensor.hand_over("mul", (self, other), None))
            raise _own_words(e, "mul", other) from None

    def multiply(self: Any, other: Any) -> Tensor:
        """self * other (:meth:`mul`; a list or array raises in multiply's name, as PyTorch's)."""
        try:
            return pointwise.mul(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "multiply", other) from None

    def div(self: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """self / other, optionally rounded ('trunc' or 'floor'); see :func:`minigrad.div`."""
        try:
            return pointwise.div(self, other, rounding_mode=rounding_mode)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            if tensor.tensor_like(other):  # (PyTorch hands the call to its __torch_function__)
                given = {"rounding_mode": rounding_mode} if rounding_mode is not None else None
                return cast("Tensor", tensor.hand_over("div", (self, other), given))
            raise _own_words(e, "div", other,
                                           keywords=rounding_mode and ", rounding_mode=str") from None

    def divide(self: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """self / other (:meth:`div`; a list or array raises in divide's name, as PyTorch's)."""
        try:
            return pointwise.div(self, other, rounding_mode=rounding_mode)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "divide", other,
                                           keywords=rounding_mode and ", rounding_mode=str") from None

    def true_divide(self: Any, other: Any) -> Tensor:
        """self / other."""
        try:
            return pointwise.div(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "true_divide", other) from None

    def floor_divide(self: Any, other: Any) -> Tensor:
        """floor(self / other); no gradient."""
        try:
            return pointwise.floor_divide(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "floor_divide", other) from None

    def remainder(self: Any, other: Any) -> Tensor:
        """Python's %: the sign of the divisor."""
        try:
            return pointwise.remainder(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "remainder", other) from None

    def fmod(self: Any, other: Any) -> Tensor:
        """C's fmod: the sign of the dividend."""
        try:
            return pointwise.fmod(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "fmod", other) from None

    def atan2(self: Any, other: Any) -> Tensor:
        """atan2(self, other)."""
        try:
            return pointwise.atan2(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "atan2", other) from None

    arctan2 = atan2

    def hypot(self: Any, other: Any) -> Tensor:
        """sqrt(self**2 + other**2)."""
        try:
            return pointwise.hypot(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "hypot", other) from None

    def copysign(self: Any, other: Any) -> Tensor:
        """|self| with other's sign."""
        try:
            return pointwise.copysign(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "copysign", other) from None

    def logaddexp(self: Any, other: Any) -> Tensor:
        """log(exp(self) + exp(other))."""
        try:
            return pointwise.logaddexp(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "logaddexp", other) from None

    def logaddexp2(self: Any, other: Any) -> Tensor:
        """log2(2**self + 2**other)."""
        try:
            return pointwise.logaddexp2(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "logaddexp2", other) from None

    def fmax(self: Any, other: Any) -> Tensor:
        """Elementwise max ignoring nan."""
        try:
            return pointwise.fmax(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "fmax", other) from None

    def fmin(self: Any, other: Any) -> Tensor:
        """Elementwise min ignoring nan."""
        try:
            return pointwise.fmin(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "fmin", other) from None

    def xlogy(self: Any, other: Any) -> Tensor:
        """self * log(other), 0 where self is 0."""
        try:
            return pointwise.xlogy(self, other)
        except TypeError as e:  # (a tuple subclass, a str, None: the method's words)
            raise _own_words(e, "xlogy", other) from None

    def float_power(self: Any, exponent: Any) -> Tensor:
        """self ** exponent in float64."""
        return pointwise.float_power(self, exponent)

    def lerp(self: Any, end: Tensor, weight: Any) -> Tensor:
        """self + weight * (end - self)."""
        return pointwise.lerp(self, end, weight)

    def addcmul(self: Any, tensor1: Tensor, tensor2: Tensor, *deprecated: Any, value: Any = 1) -> Tensor:
        """self + value * tensor1 * tensor2 (also the deprecated ``addcmul(value, tensor1, tensor2)``)."""
        if deprecated:
            tensor1, tensor2, value = pointwise.scalar_first("addcmul", "value", ("tensor1", "tensor2"),
                                                             (tensor1, tensor2, *deprecated))
        return pointwise.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self: Any, tensor1: Tensor, tensor2: Tensor, *deprecated: Any, value: Any = 1) -> Tensor:
        """self + value * tensor1 / tensor2 (also the deprecated ``addcdiv(value, tensor1, tensor2)``)."""
        if deprecated:
            tensor1, tensor2, value = pointwise.scalar_first("addcdiv", "value", ("tensor1", "tensor2"),
                                                             (tensor1, tensor2, *deprecated))
        return pointwise.addcdiv(self, tensor1, tensor2, value=value)

    # ------------------------------------------------------------ comparisons and logic (no gradient)

    def eq(self: Any, other: Any) -> Tensor:
        """self == other (TypeError for a list, tuple or numpy array, as PyTorch's)."""
        out = self.__eq__(other) if type(other) is not np.ndarray else NotImplemented  # (== takes an array)
        if out is NotImplemented:  # (a list or tuple: the operator's answer)
            raise pointwise.sequence_error("eq", other)
        return cast("Tensor", out)

    def ne(self: Any, other: Any) -> Tensor:
        """self != other (TypeError for a list or tuple, as PyTorch's)."""
        out = self.__ne__(other)
        if out is NotImplemented:  # (a list or tuple: the operator's answer)
            raise pointwise.sequence_error("ne", other)
        return cast("Tensor", out)

    def lt(self: Any, other: Any) -> Tensor:
        """self < other (TypeError for a list or tuple, as PyTorch's)."""
        out = self.__lt__(other)
        if out is NotImplemented:  # (a list or tuple: the operator's answer)
            raise pointwise.sequence_error("lt", other)
        return cast("Tensor", out)

    def le(self: Any, other: Any) -> Tensor:
        """self <= other (TypeError for a list or tuple, as PyTorch's)."""
        out = self.__le__(other)
        if out is NotImplemented:  # (a list or tuple: the operator's answer)
            raise pointwise.sequence_error("le", other)
        return cast("Tensor", out)

    def gt(self: Any, other: Any) -> Tensor:
        """self > other (TypeError for a list or tuple, as PyTorch's)."""
        out = self.__gt__(other)
        if out is NotImplemented:  # (a list or tuple: the operator's answer)
            raise pointwise.sequence_error("gt", other)
        return cast("Tensor", out)

    def ge(self: Any, other: Any) -> Tensor:
        """self >= other (TypeError for a list or tuple, as PyTorch's)."""
        out = self.__ge__(other)
        if out is NotImplemented:  # (a list or tuple: the operator's answer)
            raise pointwise.sequence_error("ge", other)
        return cast("Tensor", out)

    not_equal = ne
    greater = gt
    greater_equal = ge
    less = lt
    less_equal = le

    def equal(self: Any, other: Tensor) -> builtins.bool:
        """True if same shape and values."""
        return pointwise.equal(self, other)

    def isclose(self: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: builtins.bool = False) -> Tensor:
        """Elementwise closeness; see :func:`minigrad.isclose`."""
        return pointwise.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: builtins.bool = False) -> builtins.bool:
        """True if every element is close; see :func:`minigrad.allclose`."""
        return pointwise.allclose(self, other, rtol, atol, equal_nan)

    def logical_and(self: Any, other: Any) -> Tensor:
        """Elementwise and of truth values."""
        return pointwise.logical_and(self, other)

    def logical_or(self: Any, other: Any) -> Tensor:
        """Elementwise or of truth values."""
        return pointwise.logical_or(self, other)

    def logical_xor(self: Any, other: Any) -> Tensor:
        """Elementwise xor of truth values."""
        return pointwise.logical_xor(self, other)

    def logical_not(self: Any) -> Tensor:
        """Elementwise not of truth values."""
        return pointwise.logical_not(self)

    def bitwise_and(self: Any, other: Any) -> Tensor:
        """Bitwise and."""
        return pointwise.bitwise_and(self, other)

    def bitwise_or(self: Any, other: Any) -> Tensor:
        """Bitwise or."""
        return pointwise.bitwise_or(self, other)

    def bitwise_xor(self: Any, other: Any) -> Tensor:
        """Bitwise xor."""
        return pointwise.bitwise_xor(self, other)

    def bitwise_not(self: Any) -> Tensor:
        """Bitwise not."""
        return pointwise.bitwise_not(self)

    def bitwise_left_shift(self: Any, other: Any) -> Tensor:
        """self << other."""
        return pointwise.bitwise_left_shift(self, other)

    def bitwise_right_shift(self: Any, other: Any) -> Tensor:
        """self >> other (arithmetic)."""
        return pointwise.bitwise_right_shift(self, other)

    # Python operators with PyTorch's integer semantics
    def __floordiv__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.floor_divide(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__floordiv__")

    def __rfloordiv__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.floor_divide(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__rfloordiv__")

    def __mod__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.remainder(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "remainder")

    def __rmod__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.remainder(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__rmod__")

    def __and__(self: Any, other: Any) -> Tensor:
        """Bitwise and (logical for bool tensors), as in PyTorch: 2 & 1 is 0."""
        try:
            return pointwise.bitwise_and(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__and__")

    def __or__(self: Any, other: Any) -> Tensor:
        """Bitwise or (logical for bool tensors), as in PyTorch: 2 | 1 is 3."""
        try:
            return pointwise.bitwise_or(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__or__")

    def __xor__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_xor(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__xor__")

    def __rxor__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_xor(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "bitwise_xor")

    def __rand__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_and(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "bitwise_and")

    def __ror__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_or(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "bitwise_or")

    def __lshift__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_left_shift(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__lshift__")

    def __rlshift__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_left_shift(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__rlshift__")

    def __rshift__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_right_shift(self, other)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__rshift__")

    def __rrshift__(self: Any, other: Any) -> Tensor:
        try:
            return pointwise.bitwise_right_shift(other, self)
        except TypeError as e:  # (any other non-number: PyTorch's operators decline)
            return _declined(e, other, self, "__rrshift__")

    def __ifloordiv__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("//=", lambda t: t // other, other))

    def __imod__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("%=", lambda t: t % other, other))

    def __ipow__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("**=", lambda t: t**other, other))

    def __iand__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("&=", lambda t: t & other, other))

    def __ior__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("|=", lambda t: t | other, other))

    def __ixor__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("^=", lambda t: t ^ other, other))

    def __ilshift__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update("<<=", lambda t: t << other, other))

    def __irshift__(self: Any, other: Any) -> Tensor:
        if type(other) in _SEQUENCES:
            return NotImplemented
        return cast("Tensor", self._update(">>=", lambda t: t >> other, other))

    # ------------------------------------------------------------ reductions, scans, selection

    @dim_aliases
    def prod(self: Any, dim: builtins.int | None = None, keepdim: builtins.bool = False, *,
             dtype: Any = None) -> Tensor:
        """The product over ``dim``; see :func:`minigrad.prod`."""
        return reductions.prod(self, dim, keepdim, dtype=dtype)

    def norm(self: Any, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False,
             dtype: Any = None) -> Tensor:
        """The p-norm (or 'nuc', the nuclear norm); see :func:`minigrad.norm`."""
        return linalg_functions.norm(self, p, dim, keepdim, dtype)

    @dim_aliases
    def nansum(self: Any, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None) -> Tensor:
        """The sum ignoring nan."""
        return reductions.nansum(self, dim, keepdim, dtype=dtype)

    @dim_aliases
    def nanmean(self: Any, dim: Any = None, keepdim: builtins.bool = False, *,
                dtype: Any = None) -> Tensor:
        """The mean ignoring nan."""
        return reductions.nanmean(self, dim, keepdim, dtype=dtype)

    @dim_aliases
    def count_nonzero(self: Any, dim: Any = None) -> Tensor:
        """The number of non-zeros over ``dim``."""
        return reductions.count_nonzero(self, dim)

    @dim_aliases
    def aminmax(self: Any, *, dim: builtins.int | None = None,
                keepdim: builtins.bool = False) -> return_types.aminmax:
        """(min, max); see :func:`minigrad.aminmax`."""
        return reductions.aminmax(self, dim=dim, keepdim=keepdim)

    @dim_aliases
    def cumsum(self: Any, dim: builtins.int, *, dtype: Any = None) -> Tensor:
        """Running sums along ``dim``."""
        return reductions.cumsum(self, dim, dtype=dtype)

    def cov(self: Any, *, correction: builtins.int = 1, fweights: Tensor | None = None,
            aweights: Tensor | None = None) -> Tensor:
        """The covariance matrix of the rows (variables) over the columns; see :func:`minigrad.cov`."""
        return statistics.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self: Any) -> Tensor:
        """Pearson correlation coefficients of the rows; see :func:`minigrad.corrcoef`."""
        return statistics.corrcoef(self)

    @dim_aliases
    def diff(self: Any, n: builtins.int = 1, dim: builtins.int = -1, prepend: Tensor | None = None,
             append: Tensor | None = None) -> Tensor:
        """The n-th forward difference along ``dim``; see :func:`minigrad.diff`."""
        return reductions.diff(self, n, dim, prepend, append)

    @dim_aliases
    def cumprod(self: Any, dim: builtins.int, *, dtype: Any = None) -> Tensor:
        """Running products along ``dim``."""
        return reductions.cumprod(self, dim, dtype=dtype)

    @dim_aliases
    def logcumsumexp(self: Any, dim: builtins.int) -> Tensor:
        """log(cumsum(exp(x))) along ``dim``."""
        return reductions.logcumsumexp(self, dim)

    @dim_aliases
    def cummax(self: Any, dim: builtins.int) -> return_types.cummax:
        """Running maxima and their indices."""
        return reductions.cummax(self, dim)

    @dim_aliases
    def cummin(self: Any, dim: builtins.int) -> return_types.cummin:
        """Running minima and their indices."""
        return reductions.cummin(self, dim)

    @stable_by_keyword(method=True)
    @dim_aliases
    def sort(self: Any, dim: builtins.int = -1, descending: builtins.bool = False, *,
             stable: builtins.bool = False) -> return_types.sort:
        """(sorted values, indices); see :func:`minigrad.sort`."""
        return reductions.sort(self, dim=dim, descending=descending, stable=stable)

    @stable_by_keyword(method=True)
    @dim_aliases
    def argsort(self: Any, dim: builtins.int = -1, descending: builtins.bool = False, *,
                stable: builtins.bool = False) -> Tensor:
        """The sorting permutation along ``dim``."""
        return reductions.argsort(self, dim=dim, descending=descending, stable=stable)

    def msort(self: Any) -> Tensor:
        """Sorted along dim 0."""
        return reductions.msort(self)

    @dim_aliases
    def topk(self: Any, k: builtins.int, dim: builtins.int = -1, largest: builtins.bool = True,
             sorted: builtins.bool = True) -> return_types.topk:  # noqa: A002
        """The k largest (or smallest) values and indices."""
        return reductions.topk(self, k, dim, largest, sorted)

    @dim_aliases
    def kthvalue(self: Any, k: builtins.int, dim: builtins.int = -1,
                 keepdim: builtins.bool = False) -> return_types.kthvalue:
        """The k-th smallest value and its index."""
        return reductions.kthvalue(self, k, dim, keepdim)

    @dim_aliases
    def median(self: Any, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Any:
        """The lower median (with its index when ``dim`` is given)."""
        return reductions.median(self, dim, keepdim)

    @dim_aliases
    def nanmedian(self: Any, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Any:
        """The lower median ignoring nan."""
        return reductions.nanmedian(self, dim, keepdim)

    @dim_aliases
    def quantile(self: Any, q: Any, dim: builtins.int | None = None, keepdim: builtins.bool = False, *,
                 interpolation: str = "linear") -> Tensor:
        """The q-th quantiles along ``dim``; see :func:`minigrad.quantile`."""
        return quantiles.quantile(self, q, dim, keepdim, interpolation=interpolation)

    @dim_aliases
    def nanquantile(self: Any, q: Any, dim: builtins.int | None = None, keepdim: builtins.bool = False, *,
                    interpolation: str = "linear") -> Tensor:
        """The q-th quantiles ignoring nan; see :func:`minigrad.nanquantile`."""
        return quantiles.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    @dim_aliases
    def mode(self: Any, dim: builtins.int = -1, keepdim: builtins.bool = False) -> return_types.mode:
        """The most frequent value and its index."""
        return reductions.mode(self, dim, keepdim)

    def unique(self: Any, sorted: builtins.bool = True, return_inverse: builtins.bool = False,  # noqa: A002
               return_counts: builtins.bool = False, dim: builtins.int | None = None) -> Any:
        """The distinct values; see :func:`minigrad.unique`."""
        return reductions.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self: Any, return_inverse: builtins.bool = False,
                           return_counts: builtins.bool = False, dim: builtins.int | None = None) -> Any:
        """Runs of equal values collapsed."""
        return reductions.unique_consecutive(self, return_inverse, return_counts, dim)

    def bincount(self: Any, weights: Tensor | None = None, minlength: builtins.int = 0) -> Tensor:
        """Counts of each non-negative integer value."""
        return reductions.bincount(self, weights, minlength)

    def histc(self: Any, bins: builtins.int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
        """Counts in equal bins; see :func:`minigrad.histc`."""
        return reductions.histc(self, bins, min, max)

    def histogram(self: Any, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,  # noqa: A002
                  density: builtins.bool = False) -> return_types.histogram:
        """(counts, edges); see :func:`minigrad.histogram`."""
        return reductions.histogram(self, bins, range=range, weight=weight, density=density)

    # ------------------------------------------------------------ shape

    def repeat(self: Any, *sizes: Any, repeats: Any = None) -> Tensor:
        """Tile along each dim (ints, one tuple, or ``repeats=``); see :func:`minigrad.shape_ops.repeat`."""
        if repeats is None and not sizes:
            raise missing_arg("repeat", "repeats")
        return shape_ops.repeat(self, *(sizes if repeats is None else (repeats,)))

    def tile(self: Any, *args: Any, dims: Any = None) -> Tensor:
        """``repeat`` with missing leading counts of 1 (``x.tile(2, 3)`` or ``x.tile((2, 3))``)."""
        if dims is None:
            if not args:
                raise missing_arg("tile", "dims")
            dims = args[0] if len(args) == 1 and not isinstance(args[0], builtins.int) else args
        return shape_ops.tile(self, dims)

    @dim_aliases
    def repeat_interleave(self: Any, repeats: Any, dim: builtins.int | None = None, *,
                          output_size: builtins.int | None = None) -> Tensor:
        """Repeat each element; see :func:`minigrad.repeat_interleave`."""
        return shape_ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def flip(self: Any, *args: Any, dims: Any = None) -> Tensor:
        """Reverse along ``dims`` (``x.flip(0, 1)`` or ``x.flip(dims=(0, 1))``).

        Raises:
            TypeError: no dims given (PyTorch's error).
        """
        if dims is None and not args:
            raise TypeError('flip() missing 1 required positional arguments: "dims"')
        if dims is None:
            dims = args[0] if len(args) == 1 else args
        return shape_ops.flip(self, dims)

    def fliplr(self: Any) -> Tensor:
        """Reverse dim 1."""
        return shape_ops.fliplr(self)

    def flipud(self: Any) -> Tensor:
        """Reverse dim 0."""
        return shape_ops.flipud(self)

    def roll(self: Any, shifts: Any, dims: Any = None) -> Tensor:
        """Cyclic shift; see :func:`minigrad.roll`."""
        return shape_ops.roll(self, shifts, dims)

    def rot90(self: Any, k: builtins.int = 1, dims: Any = (0, 1)) -> Tensor:
        """Rotate by 90 degrees k times."""
        return shape_ops.rot90(self, k, dims)

    @dim_aliases
    def narrow(self: Any, dim: builtins.int, start: builtins.int, length: builtins.int) -> Tensor:
        """The slice [start, start + length) along ``dim``."""
        return shape_ops.narrow(self, dim, start, length)

    @dim_aliases
    def select(self: Any, dim: builtins.int, index: builtins.int) -> Tensor:
        """The slice at ``index`` along ``dim``."""
        return shape_ops.select(self, dim, index)

    @dim_aliases
    def unbind(self: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim``."""
        return shape_ops.unbind(self, dim)

    @dim_aliases
    def tensor_split(self: Any, indices_or_sections: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """Nearly equal pieces, or pieces cut at indices."""
        return shape_ops.tensor_split(self, indices_or_sections, dim)

    def hsplit(self: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
        """Split along dim 1 (dim 0 if 1-D); see :func:`minigrad.shape_ops.hsplit`."""
        return shape_ops.hsplit(self, indices_or_sections)

    def vsplit(self: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
        """Split along dim 0; see :func:`minigrad.shape_ops.vsplit`."""
        return shape_ops.vsplit(self, indices_or_sections)

    def dsplit(self: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
        """Split along dim 2; see :func:`minigrad.shape_ops.dsplit`."""
        return shape_ops.dsplit(self, indices_or_sections)

    def movedim(self: Any, source: Any, destination: Any) -> Tensor:
        """Move dims to new positions."""
        return shape_ops.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self: Any, axis0: builtins.int, axis1: builtins.int) -> Tensor:
        """Swap two dims."""
        return cast("Tensor", self.transpose(axis0, axis1))

    def swapdims(self: Any, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """Swap two dims."""
        return cast("Tensor", self.transpose(dim0, dim1))

    def t(self: Any) -> Tensor:
        """The transpose of a matrix (<= 2 dims)."""
        return shape_ops.t(self)

    def t_(self: Any) -> Tensor:
        """In place: x becomes its transpose; returns x."""
        return cast("Tensor", self._update("t_", lambda t: _overload(shape_ops.t(t), 1), view=True))

    def transpose_(self: Any, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """In place: x becomes ``x.transpose(dim0, dim1)`` (still a view of x's base); returns x."""
        return cast("Tensor", self._update("transpose_", lambda t: _overload(t.transpose(dim0, dim1), 1),
                                           view=True))

    swapdims_ = transpose_

    def swapaxes_(self: Any, axis0: builtins.int, axis1: builtins.int) -> Tensor:
        """In place ``transpose_(axis0, axis1)``, with numpy's argument names as PyTorch's."""
        return cast("Tensor", self.transpose_(axis0, axis1))

    @dim_aliases
    def squeeze_(self: Any, dim: Any = None) -> Tensor:
        """In place: size-1 dims removed; returns x."""
        return cast("Tensor", self._update("squeeze_", lambda t: _overload(t.squeeze(dim), 3), view=True))

    @dim_aliases
    def unsqueeze_(self: Any, dim: builtins.int) -> Tensor:
        """In place: a size-1 dim inserted; returns x."""
        return cast("Tensor", self._update("unsqueeze_", lambda t: _overload(t.unsqueeze(dim), 1), view=True))

    @dim_aliases
    def unflatten(self: Any, dim: builtins.int, sizes: Any) -> Tensor:
        """Split a dim into ``sizes``."""
        return shape_ops.unflatten(self, dim, sizes)

    def ravel(self: Any) -> Tensor:
        """The elements as 1-D; see :func:`minigrad.ravel`."""
        return shape_ops.ravel(self)

    def view(self: Any, *shape: Any, dtype: Any = None, size: Any = None) -> Tensor:
        """The same elements in a new shape (as :meth:`reshape`), or given a dtype, the memory read as it.

        ``x.view(mg.int32)`` is a bit cast with no gradient, as PyTorch's: with an
        element size k times larger (smaller) the last dim is k times shorter (longer).

        Raises:
            ShapeError: the element counts differ; for a dtype of another size, a 0-d tensor or a last
                dim that is strided or not divisible by the ratio.
        """
        if size is not None:
            shape = (size,)
        elif not shape and dtype is None:  # (x.view(()) is a 0-d view; x.view() is PyTorch's TypeError)
            raise TypeError("view() received an invalid combination of arguments - got (), but expected one "
                            "of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n")
        if dtype is None and len(shape) == 1 and not isinstance(shape[0], (builtins.int, np.integer, tuple,
                                                                           list, TensorMethods)):
            dtype, shape = shape[0], ()  # (a one-element integer tensor is a size, as in PyTorch)
        if dtype is None:
            # Where the strides do not allow the shape, PyTorch raises and this copies (as reshape):
            # minigrad's layers do not always lay out their results as PyTorch's do (an adaptive pool's),
            # and x.view(x.size(0), -1) after them must work as it does in PyTorch.
            out = self.reshape(*shape)
            # (a row-major input is never copied: the test's shares_memory would cost ~1 us per view)
            if out._array.size and not self._array.flags.c_contiguous and _copied_from_view(self, out):
                raise MinigradError(
                    "view size is not compatible with input tensor's size and stride (at least one dimension "
                    "spans across two contiguous subspaces). Use .reshape(...) instead.")
            out = self._same_shape_view(out)
            if out._ctx is not None and not self._array.flags.c_contiguous and \
                    getattr(out._ctx, "label", "") in _RESHAPE_NAMES:  # (reshape labels only those)
                out._ctx.label = "ViewBackward0"  # (a view is a ViewBackward0 however strided its input)
            return cast("Tensor", out)
        if shape:
            raise TypeError(f"view() takes a shape or a dtype, not both: got {shape} and dtype={dtype}")
        a, dt = self.numpy(force=True), resolve_dtype(dtype)
        if dt.itemsize != a.itemsize:
            what = f"view {a.dtype} of shape {a.shape} as {dt} (element sizes {a.itemsize} and {dt.itemsize})"
            if a.ndim == 0 or (a.shape[-1] * a.itemsize) % dt.itemsize:
                raise ShapeError(f"cannot {what}: the last dim's bytes must divide into the new elements")
            if a.shape[-1] > 1 and a.strides[-1] != a.itemsize:
                raise ShapeError(f"cannot {what}: the last dim must be contiguous (stride 1)")
        return tensor.from_numpy(a.view(dt))

    def view_as(self: Any, other: Tensor) -> Tensor:
        """``self.view(other.shape)`` (a tensor-like ``other`` is handed the call, as PyTorch's)."""
        if type(other) is not tensor.Tensor and tensor.tensor_like(other):
            return cast("Tensor", tensor.hand_over("view_as", (self, other)))
        return cast("Tensor", self.view(other.shape))

    def _same_shape_view(self: Any, out: Tensor) -> Tensor:
        # reshape hands back the tensor itself for its own shape; a view is a new tensor, as PyTorch's
        if out is not self:
            return out
        view: Tensor = self._view(ops.Reshape.apply(self, shape=self.shape))
        return view

    def reshape_as(self: Any, other: Tensor) -> Tensor:
        """``self.reshape(other.shape)`` (a tensor-like ``other`` is handed the call, as PyTorch's)."""
        if type(other) is not tensor.Tensor and tensor.tensor_like(other):
            return cast("Tensor", tensor.hand_over("reshape_as", (self, other)))
        return cast("Tensor", self.reshape(other.shape))

    def broadcast_to(self: Any, *sizes: Any, size: Any = None) -> Tensor:
        """``self.expand(size)``: one tuple, ints (``x.broadcast_to(2, 3)``, as PyTorch's) or ``size=``."""
        return shape_ops.broadcast_to(self, shape_arg(sizes) if size is None else size)

    def contiguous(self: Any, memory_format: Any = memory_formats.contiguous_format) -> Tensor:
        """Self when its memory is laid out as ``memory_format`` says (C order by default), else a copy."""
        return shape_ops.contiguous(self, memory_format)

    def is_contiguous(self: Any, memory_format: Any = memory_formats.contiguous_format) -> builtins.bool:
        """True if the memory is C-ordered (PyTorch's row-major layout), or laid out as ``memory_format``."""
        return memory_formats.is_laid_out(self.numpy(force=True), memory_formats.check_format(
            memory_format, "is_contiguous", optional=False))

    def clone(self: Any, *, memory_format: Any = memory_formats.preserve_format) -> Tensor:
        """A copy with its own memory (laid out as ``memory_format`` says), in the graph."""
        return shape_ops.clone(self, memory_format=memory_format)

    # ------------------------------------------------------------ products and structure

    def mm(self: Any, mat2: Tensor) -> Tensor:
        """Matrix product of 2-D tensors."""
        if type(mat2) is not tensor.Tensor and tensor.tensor_like(mat2):  # (handed the call, as PyTorch's)
            return cast("Tensor", tensor.hand_over("mm", (self, mat2)))
        return matrix_ops.mm(self, mat2)

    def bmm(self: Any, mat2: Tensor) -> Tensor:
        """Batched matrix product of 3-D tensors."""
        if type(mat2) is not tensor.Tensor and tensor.tensor_like(mat2):  # (handed the call, as PyTorch's)
            return cast("Tensor", tensor.hand_over("bmm", (self, mat2)))
        return matrix_ops.bmm(self, mat2)

    def mv(self: Any, vec: Tensor) -> Tensor:
        """Matrix-vector product."""
        return matrix_ops.mv(self, vec)

    def outer(self: Any, vec2: Tensor) -> Tensor:
        """Outer product of 1-D tensors."""
        return matrix_ops.outer(self, vec2)

    def inner(self: Any, other: Tensor) -> Tensor:
        """Sum of products over the last dims."""
        return matrix_ops.inner(self, other)

    def addmv(self: Any, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * (mat @ vec); see :func:`minigrad.addmv`."""
        return matrix_ops.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self: Any, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * outer(vec1, vec2); see :func:`minigrad.addr`."""
        return matrix_ops.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def addbmm(self: Any, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * sum_i batch1[i] @ batch2[i]; see :func:`minigrad.addbmm`."""
        return matrix_ops.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def diagflat(self: Any, offset: builtins.int = 0) -> Tensor:
        """The square matrix with the flattened tensor on its ``offset`` diagonal."""
        return matrix_ops.diagflat(self, offset)

    def prelu(self: Any, weight: Tensor) -> Tensor:
        """max(0, x) + weight * min(0, x), weight per channel (dim 1); see :func:`minigrad.prelu`."""
        return functional_forms.prelu(self, weight)

    def hardshrink(self: Any, lambd: Any = 0.5) -> Tensor:
        """x where |x| > lambd, else 0; see :func:`minigrad.hardshrink`."""
        return functional_forms.hardshrink(self, lambd)

    def dist(self: Any, other: Tensor, p: Any = 2) -> Tensor:
        """The p-norm of self - other (broadcast); see :func:`minigrad.dist`."""
        return reductions.dist(self, other, p)

    def gcd(self: Any, other: Tensor) -> Tensor:
        """Greatest common divisor with other; see :func:`minigrad.gcd`."""
        return number_ops.gcd(self, other)

    def lcm(self: Any, other: Tensor) -> Tensor:
        """Least common multiple with other; see :func:`minigrad.lcm`."""
        return number_ops.lcm(self, other)

    def ldexp(self: Any, other: Tensor) -> Tensor:
        """self * 2 ** other; see :func:`minigrad.ldexp`."""
        return number_ops.ldexp(self, other)

    def frexp(self: Any) -> return_types.frexp:
        """(mantissa, exponent); see :func:`minigrad.frexp`."""
        return number_ops.frexp(self)

    def nextafter(self: Any, other: Tensor) -> Tensor:
        """The next float after self toward other; see :func:`minigrad.nextafter`."""
        return number_ops.nextafter(self, other)

    def addmm(self: Any, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * mat1 @ mat2."""
        return matrix_ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def tril(self: Any, diagonal: builtins.int = 0) -> Tensor:
        """The lower triangle."""
        matrix_ops.check_int("tril", "diagonal", diagonal, 1)  # (the method's words: position 1)
        return matrix_ops.tril(self, diagonal)

    def triu(self: Any, diagonal: builtins.int = 0) -> Tensor:
        """The upper triangle."""
        matrix_ops.check_int("triu", "diagonal", diagonal, 1)  # (the method's words: position 1)
        return matrix_ops.triu(self, diagonal)

    def diag(self: Any, diagonal: builtins.int = 0) -> Tensor:
        """Diagonal matrix from 1-D, or a matrix's diagonal."""
        return matrix_ops.diag(self, diagonal)

    def diagonal(self: Any, offset: builtins.int = 0, dim1: builtins.int = 0,
                 dim2: builtins.int = 1) -> Tensor:
        """The diagonal of the (dim1, dim2) planes."""
        return matrix_ops.diagonal(self, offset, dim1, dim2)

    def diag_embed(self: Any, offset: builtins.int = 0, dim1: builtins.int = -2,
                   dim2: builtins.int = -1) -> Tensor:
        """Matrices with the last dim on a diagonal."""
        return matrix_ops.diag_embed(self, offset, dim1, dim2)

    def trace(self: Any) -> Tensor:
        """The sum of the main diagonal."""
        return matrix_ops.trace(self)

    # ------------------------------------------------------------ indexing

    @dim_aliases
    def index_select(self: Any, dim: builtins.int, index: Tensor) -> Tensor:
        """Entries at ``index`` along ``dim``."""
        return indexing.index_select(self, dim, index)

    def index_add(self: Any, dim: builtins.int, index: Tensor, source: Tensor, *,
                  alpha: Any = 1) -> Tensor:
        """self with alpha * source added at ``index`` along ``dim``."""
        return indexing.index_add(self, dim, index, source, alpha=alpha)

    def index_copy(self: Any, dim: builtins.int, index: Tensor, source: Tensor) -> Tensor:
        """self with source copied to ``index`` along ``dim``."""
        return indexing.index_copy(self, dim, index, source)

    def index_fill(self: Any, dim: builtins.int, index: Tensor, value: Any) -> Tensor:
        """self with ``value`` at ``index`` along ``dim``."""
        return indexing.index_fill(self, dim, index, value)

    def index_put(self: Any, indices: Any, values: Tensor, accumulate: builtins.bool = False) -> Tensor:
        """self with self[indices] = values (or += with ``accumulate``)."""
        return indexing.index_put(self, indices, values, accumulate)

    def put_(self: Any, index: Tensor, source: Tensor, accumulate: builtins.bool = False) -> Tensor:
        """In place: the flattened self gets ``source`` at ``index``; returns self."""

        def put(t: Tensor) -> Tensor:
            flat = indexing.index_put(t.reshape(-1), (index,), source.reshape(-1), accumulate)
            return flat.reshape(t.shape)

        out: Tensor = self._update("put_", put, source)
        return out

    def take(self: Any, index: Tensor) -> Tensor:
        """Elements of the flattened tensor at ``index``."""
        return indexing.take(self, index)

    @dim_aliases
    def take_along_dim(self: Any, indices: Tensor, dim: builtins.int | None = None) -> Tensor:
        """Values at ``indices`` along ``dim``."""
        return indexing.take_along_dim(self, indices, dim)

    def masked_select(self: Any, mask: Tensor) -> Tensor:
        """The elements where ``mask`` is True, as 1-D."""
        return indexing.masked_select(self, mask)

    def masked_scatter(self: Any, mask: Tensor, source: Tensor) -> Tensor:
        """self with the True-mask positions filled from ``source`` in order."""
        return indexing.masked_scatter(self, mask, source)

    def nonzero(self: Any, *, as_tuple: builtins.bool = False) -> Any:
        """Indices of the non-zero elements."""
        return indexing.nonzero(self, as_tuple=as_tuple)

    def argwhere(self: Any) -> Tensor:
        """Indices of the non-zero elements, (n, ndim)."""
        return indexing.argwhere(self)

    def where(self: Any, condition: Tensor, other: Any) -> Tensor:
        """self where ``condition``, else other (a Tensor or a number: a numpy array or a list raises
        PyTorch's TypeError)."""
        if not isinstance(condition, tensor.Tensor) or not top_level._operand(other):
            if tensor.tensor_like(condition) or tensor.tensor_like(other):  # (handed the call, as PyTorch's)
                return cast("Tensor", tensor.hand_over("where", (self, condition, other)))
            raise top_level.where_error((condition, other), method=True)
        return tensor.where(condition, self, other)

    def as_strided(self: Any, size: Any, stride: Any, storage_offset: builtins.int | None = None) -> Tensor:
        """Elements of this tensor's memory on a strided grid; see :func:`minigrad.selection.as_strided`."""
        return selection.as_strided(self, size, stride, storage_offset)

    def unfold(self: Any, dimension: builtins.int, size: builtins.int, step: builtins.int) -> Tensor:
        """Slices of length ``size``, ``step`` apart; see :func:`minigrad.selection.unfold`."""
        return selection.unfold(self, dimension, size, step)

    @dim_aliases
    def gather(self: Any, dim: builtins.int, index: Tensor, *, sparse_grad: builtins.bool = False) -> Tensor:
        """Values at ``index`` along ``dim`` (index's shape); see :func:`minigrad.gather`."""
        return selection.gather(self, dim, index, sparse_grad=sparse_grad)

    def scatter(self: Any, dim: builtins.int, index: Tensor, src: Any = None, *, value: Any = None,
                reduce: str | None = None) -> Tensor:
        """self with src (or value) written at ``index`` along ``dim``."""
        return indexing.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self: Any, dim: builtins.int, index: Tensor, src: Tensor) -> Tensor:
        """self with src added at ``index`` along ``dim``."""
        return selection.scatter_add(self, dim, index, src)

    def scatter_reduce(self: Any, dim: builtins.int, index: Tensor, src: Tensor, reduce: str, *,
                       include_self: builtins.bool = True) -> Tensor:
        """src reduced into self at ``index``; see :func:`minigrad.scatter_reduce`."""
        return indexing.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    # ------------------------------------------------------------ random (in place)

    def normal_(self: Any, mean: float = 0.0, std: float = 1.0, *,
                generator: Generator | None = None) -> Tensor:
        """Fill with normal draws in place; returns self."""
        self._recorded()  # (PyTorch refuses a leaf that requires grad before it draws)
        draws = sampling.fill_normal(self, mean, std, generator)
        return cast("Tensor", self._fill_("normal_", draws, "NormalBackward0"))

    def uniform_(self: Any, from_: float = 0.0, to: float = 1.0, *, generator: Generator | None = None,
                 **kwargs: Any) -> Tensor:
        """Fill with uniform draws in [from, to) in place (``from`` may be passed by that name too, as
        ``**{'from': a}``); returns self.

        Raises:
            TypeError: a keyword other than from/to/generator (PyTorch's words).
        """
        low = kwargs.pop("from", from_)
        for bad in kwargs:
            raise TypeError(f"uniform_() got an unexpected keyword argument '{bad}'")
        self._recorded()
        draws = sampling.fill_uniform(self, low, to, generator)
        return cast("Tensor", self._fill_("uniform_", draws, "UniformBackward0"))

    def bernoulli_(self: Any, p: Any = 0.5, *, generator: Generator | None = None) -> Tensor:
        """Fill with 0/1 draws (1 with probability p) in place; returns self."""
        self._recorded()
        draws = sampling.fill_bernoulli(self, p, generator)
        if not isinstance(p, tensor.Tensor):
            return cast("Tensor", self._fill_("bernoulli_", draws, "BernoulliBackward2"))  # (the overloads)
        # PyTorch records p too (a zero gradient): a p that requires grad makes self require it
        recorded = ops.recorded(draws, [p], "")
        return cast("Tensor", self._fill_("bernoulli_", recorded, "BernoulliBackward1", p))

    def exponential_(self: Any, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
        """Fill with exponential draws of rate ``lambd`` in place; returns self."""
        self._recorded()
        draws = sampling.fill_exponential(self, lambd, generator)
        return cast("Tensor", self._fill_("exponential_", draws, "ExponentialBackward0"))

    def resize_(self: Any, *sizes: Any, memory_format: Any = None) -> Tensor:
        """Give self the shape ``sizes`` in place, contiguous over its memory from its first element, as
        PyTorch's: where the memory holds that many elements self stays on it (sharing it with the tensors
        it shared it with), else self gets new memory with those elements first (new ones are zeros:
        PyTorch leaves them uninitialized); returns self.

        Raises:
            MinigradError: self requires grad, outside inference_mode (PyTorch's "cannot resize variables
                that require grad").
        """
        if not sizes:
            raise missing_arg("resize_", "size")
        if self.requires_grad and not _mode.inference:
            raise MinigradError("cannot resize variables that require grad")
        shape = shape_arg(sizes)
        if tuple(shape) == self.shape and memory_format is None:
            return cast("Tensor", self)  # PyTorch's resize to its own shape: nothing (strides, version) moves
        a = self.numpy(force=True)
        n = int(np.prod(shape, dtype=np.int64))
        root, start = a, self.storage_offset() * a.itemsize
        while isinstance(root.base, np.ndarray):
            root = root.base
        if not (root.flags.c_contiguous and root.flags.writeable and a.flags.writeable):  # (not one buffer)
            root, start = np.ascontiguousarray(a).reshape(-1), 0
        room = (root.nbytes - start) // a.itemsize
        if n > room:  # (PyTorch grows the storage: a copy of it, longer, at the same offset)
            grown = np.zeros(start + n * a.itemsize, np.uint8)
            grown[:root.nbytes] = root.reshape(-1).view(np.uint8)
            root = grown
        new = np.ndarray(shape, a.dtype, buffer=root, offset=start)
        return cast("Tensor", self._write(lambda _: new))

    def resize(self: Any, *sizes: Any) -> Tensor:
        """The deprecated out-of-place resize (warns): ``self`` viewed with shape ``sizes``, which must keep
        the number of elements (differentiable, as the view).

        Raises:
            MinigradError: ``sizes`` holds another number of elements (PyTorch's message).
        """
        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        return cast("Tensor", self._resized(sizes))

    def resize_as(self: Any, tensor: Tensor) -> Tensor:
        """The deprecated out-of-place ``resize_as`` (warns): ``self`` viewed with ``tensor``'s shape."""
        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        return cast("Tensor", self._resized(tuple(tensor.shape)))

    def _resized(self: Any, sizes: tuple[Any, ...]) -> Tensor:
        numel = functools.reduce(lambda a, b: a * b, sizes, 1)  # (PyTorch's product: a tuple repeats)
        if numel != self.numel():
            raise MinigradError(
                f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but the given "
                f"tensor has a size of {'x'.join(map(str, self.shape))} ({self.numel()} elements). "
                "autograd's resize can only change the shape of a given tensor, while preserving the number "
                "of elements. ")
        return cast("Tensor", self.contiguous().view(*sizes) if sizes else self.contiguous().view(()))

    def __dlpack__(self: Any, **kwargs: Any) -> Any:
        """A DLPack capsule viewing this tensor's memory (the protocol ``np.from_dlpack`` and
        ``torch.from_dlpack`` call); keywords go to numpy's exporter.

        Raises:
            BufferError: the tensor requires grad (PyTorch's message: detach first).
        """
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return self.numpy(force=True).__dlpack__(**kwargs)

    def __dlpack_device__(self: Any) -> tuple[builtins.int, builtins.int]:
        """(1, 0): DLPack's CPU device type and index."""
        return (1, 0)

    def float_power_(self: Any, exponent: Any) -> Tensor:
        """In place: self takes ``self.float_power(exponent)``, which is float64: self must be float64.

        Raises:
            MinigradError: self is not float64 (PyTorch's message).
        """
        if self.dtype != np.float64:
            raise MinigradError(f"the base given to float_power_ has dtype {scalar_type_name(self.dtype)} "
                                "but the operation's result requires dtype Double")
        return cast("Tensor", self.pow_(exponent))

    def set_(self: Any, source: Any = None) -> Tensor:
        """Make self a tensor over ``source``'s memory (its shape and values; a write to either shows in
        the other), or an empty tensor without a source; returns self. As PyTorch, allowed on a leaf
        that requires grad only under ``no_grad`` (resizing a parameter in place).

        Raises:
            MinigradError: a leaf that requires grad in grad mode, a recorded change (minigrad records no
                set_), or a source of another dtype (PyTorch's message).
            TypeError: source is not a Tensor (minigrad's storages are read-only views).
        """
        if source is not None and not isinstance(source, tensor.Tensor):
            raise TypeError(f"set_: source must be a Tensor, got {type(source).__name__}")
        if source is not None and source.dtype != self.dtype:
            names = {"float32": "float", "float64": "double", "float16": "half", "int64": "long"}
            got, want = (names.get(str(t.dtype), str(t.dtype)) for t in (source, self))
            raise MinigradError(f"Could not set tensor of type {got} to a tensor of type {want}")
        if self._recorded(source):
            raise MinigradError("set_: minigrad does not record set_ in the graph; call it under no_grad()")
        new = np.empty(0, dtype=self.dtype) if source is None else source.numpy(force=True)
        return cast("Tensor", self._write(lambda _: new))

    def resize_as_(self: Any, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
        """``self.resize_(the_template.shape)``; returns self."""
        return cast("Tensor", self.resize_(the_template.shape))

    def geometric_(self: Any, p: float, *, generator: Generator | None = None) -> Tensor:
        """Fill with geometric draws (trials to a first success of probability p) in place; returns self."""
        self._recorded()
        draws = sampling.fill_geometric(self, p, generator)
        return cast("Tensor", self._fill_("geometric_", draws, "GeometricBackward0"))

    def log_normal_(self: Any, mean: float = 1.0, std: float = 2.0, *,
                    generator: Generator | None = None) -> Tensor:
        """Fill with exp(normal(mean, std)) draws in place; returns self."""
        self._recorded()
        draws = sampling.fill_log_normal(self, mean, std, generator)
        return cast("Tensor", self._fill_("log_normal_", draws, "LogNormalBackward0"))

    def cauchy_(self: Any, median: float = 0.0, sigma: float = 1.0, *,
                generator: Generator | None = None) -> Tensor:
        """Fill with Cauchy draws of ``median`` and scale ``sigma`` in place; returns self."""
        self._recorded()
        draws = sampling.fill_cauchy(self, median, sigma, generator)
        return cast("Tensor", self._fill_("cauchy_", draws, "CauchyBackward0"))

    def random_(self: Any, from_: builtins.int = 0, to: builtins.int | None = None, *,
                generator: Generator | None = None, **kwargs: Any) -> Tensor:
        """Fill with integers uniform in [from, to) in place (``from`` may be passed by that name too, as
        ``**{'from': a}``); returns self.

        Raises:
            TypeError: a keyword other than from/to/generator.
        """
        from_ = kwargs.pop("from", from_)
        for bad in kwargs:
            raise TypeError(f"random_() got an unexpected keyword argument '{bad}'")
        self._recorded()
        draws = sampling.fill_random(self, from_, to, generator)
        return cast("Tensor", self._fill_("random_", draws, "RandomBackward0"))

    def bernoulli(self: Any, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
        """0/1 draws with probabilities self (or p)."""
        return sampling.bernoulli(self, p, generator=generator)

    def multinomial(self: Any, num_samples: builtins.int, replacement: builtins.bool = False, *,
                    generator: Generator | None = None) -> Tensor:
        """Category draws; see :func:`minigrad.multinomial`."""
        return sampling.multinomial(self, num_samples, replacement, generator=generator)

    def _fill_(self: Any, what: str, values: Any, name: str = "", *params: Tensor) -> Tensor:
        """Make self hold ``values`` (recorded with a zero gradient to the old values on a graph tensor,
        its grad_fn shown as PyTorch's ``name`` if given: ``NormalBackward0`` for ``normal_``). ``values``
        may be a tensor recorded from the draw's tensor ``params`` (which the node then lists too)."""
        v = values if isinstance(values, tensor.Tensor) else tensor.from_numpy(np.asarray(values, self.dtype))
        everywhere = tensor.from_numpy(np.ones(self.shape, dtype=bool))
        recorded = builtins.bool(name) and self._recorded(v)
        out = cast("Tensor", self._update(what, lambda t: tensor.where(everywhere, v, t), v))
        ctx = out._ctx
        if recorded and ctx is not None and ctx.parents:
            # (PyTorch's node's inputs: the old self, then the draw's tensor parameters)
            ctx.label, ctx.label_inputs = name, (*ctx.parents[-1:], *params)
        return out

    # ------------------------------------------------------------ new tensors like this one

    def new_tensor(self: Any, data: Any, *, dtype: Any = None, requires_grad: builtins.bool = False,
                   **_: Any) -> Tensor:
        """A tensor of ``data`` (copied) with this tensor's dtype unless ``dtype``; a Tensor ``data`` warns
        (UserWarning) as PyTorch's."""
        if isinstance(data, tensor.Tensor) and user_stacklevel() == 2:  # (a user's call, not minigrad's own)
            warnings.warn(tensor._COPY_CONSTRUCT.replace("torch.tensor(", "tensor.new_tensor("), UserWarning,
                          stacklevel=2)
        return tensor.Tensor(data, dtype=self.dtype if dtype is None else dtype, requires_grad=requires_grad)

    def new_zeros(self: Any, *sizes: Any, size: Any = None, dtype: Any = None,
                  requires_grad: builtins.bool = False, **_: Any) -> Tensor:
        """Zeros of ``size`` with this tensor's dtype unless ``dtype``."""
        dt = self.dtype if dtype is None else dtype
        if size is None and not sizes:
            raise missing_arg("new_zeros", "size")
        return factories.zeros(*(sizes if size is None else (size,)), dtype=dt, requires_grad=requires_grad)

    def new_ones(self: Any, *sizes: Any, size: Any = None, dtype: Any = None,
                  requires_grad: builtins.bool = False, **_: Any) -> Tensor:
        """Ones of ``size`` with this tensor's dtype unless ``dtype``."""
        dt = self.dtype if dtype is None else dtype
        if size is None and not sizes:
            raise missing_arg("new_ones", "size")
        return factories.ones(*(sizes if size is None else (size,)), dtype=dt, requires_grad=requires_grad)

    def new_empty(self: Any, *sizes: Any, size: Any = None, dtype: Any = None,
                  requires_grad: builtins.bool = False, **_: Any) -> Tensor:
        """An uninitialized tensor of ``size`` with this tensor's dtype unless ``dtype``."""
        dt = self.dtype if dtype is None else dtype
        if size is None and not sizes:
            raise missing_arg("new_empty", "size")
        return factories.empty(*(sizes if size is None else (size,)), dtype=dt, requires_grad=requires_grad)

    def new_empty_strided(self: Any, size: Any, stride: Any, *, dtype: Any = None,
                          requires_grad: builtins.bool = False, **_: Any) -> Tensor:
        """An uninitialized tensor of ``size`` with this dtype unless ``dtype``; see ``mg.empty_strided``."""
        dt = self.dtype if dtype is None else dtype
        return factories.empty_strided(size, stride, dtype=dt, requires_grad=requires_grad)

    def new_full(self: Any, size: Any, fill_value: Any, *, dtype: Any = None,
                 requires_grad: builtins.bool = False, **_: Any) -> Tensor:
        """``fill_value`` of ``size`` with this tensor's dtype unless ``dtype``."""
        return factories.full(size, fill_value, dtype=self.dtype if dtype is None else dtype,
                    requires_grad=requires_grad)

    def new(self: Any, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's legacy constructor: ``x.new(2, 3)`` or ``x.new(size)`` is ``new_empty``, ``x.new(data)``
        is ``new_tensor``, ``x.new()`` an empty 1-D tensor; this tensor's dtype unless ``dtype``. ``x.new(t)``
        of a tensor ``t`` of ``x``'s dtype is an alias of ``t`` (its memory, AliasBackward0), as PyTorch's.

        Raises:
            TypeError: ``x.new(t)`` of a tensor of another dtype."""
        if len(args) == 1 and not kwargs and isinstance(args[0], tensor.Tensor):
            if args[0].dtype != self.dtype:
                raise TypeError(f"new(tensor): expected a tensor of dtype {self.dtype}, got {args[0].dtype}")
            return cast("Tensor", _subclass.as_subclass(args[0], tensor.Tensor, tensor.Tensor))
        if not args or (len(args) == 1 and isinstance(args[0], Size)) or all(
                isinstance(a, (builtins.int, np.integer)) and not isinstance(a, builtins.bool) for a in args):
            return cast("Tensor", self.new_empty(*(args or (0,)), **kwargs))
        if len(args) > 1:
            raise TypeError(f"new(): takes sizes as ints, or one data argument, got {args!r}")
        return cast("Tensor", self.new_tensor(args[0], **kwargs))

    # ------------------------------------------------------------ memory layout

    @dim_aliases
    def stride(self: Any, dim: builtins.int | None = None) -> Any:
        """The step in elements between neighbours along each dim (a tuple), or along ``dim``.

        A size-1 dim that broadcasting added (numpy's step 0) reports PyTorch's step there: the size
        times the step of the dim after it (1 for the last), as ``expand`` and ``unsqueeze`` give.
        """
        a = self.numpy(force=True)
        steps = [s // a.itemsize for s in a.strides]
        for i in range(a.ndim - 1, -1, -1):
            if a.shape[i] == 1 and steps[i] == 0:
                steps[i] = steps[i + 1] * a.shape[i + 1] if i + 1 < a.ndim else 1
        if dim is not None and a.ndim == 0:
            raise DimensionError(f"Dimension specified as {dim!r} but tensor has no dimensions")
        return tuple(steps) if dim is None else steps[norm_dim(dim, self.ndim)]

    def dim_order(self: Any, *, ambiguity_check: Any = False) -> tuple[builtins.int, ...]:
        """The dims from outermost to innermost in memory (by ``stride()``, largest first; of equal strides
        the larger dim first, then dim order): ``(0, 1, ..., n-1)`` for a contiguous tensor.

        Raises:
            MinigradError: ``ambiguity_check=True`` and a dim of size 1 or two dims sharing a stride, so
                the order is not determined (PyTorch's error). TypeError: ``ambiguity_check`` neither a bool
                nor a list of memory formats (a list is taken without a check).
        """
        if not isinstance(ambiguity_check, (builtins.bool, builtins.list)):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
        steps, dims = self.stride(), self.shape
        if ambiguity_check is True and (1 in dims or len(set(steps)) != len(steps)):
            raise MinigradError("The tensor does not have unique dim order, or cannot map to exact one of "
                                "the given memory formats.")
        return tuple(sorted(builtins.range(self.ndim), key=lambda d: (-steps[d], -dims[d], d)))

    def data_ptr(self: Any) -> builtins.int:
        """The address of the first element (tensors sharing memory have related addresses)."""
        return builtins.int(self.numpy(force=True).__array_interface__["data"][0])

    @property
    def _base(self: Any) -> Any:
        """The tensor this one is a view of (the first one of a chain of views), or None, as PyTorch's:
        set by the view ops (reshape, slicing, permute, expand, ...) when the result shares memory.

        The view holds its base weakly (so it keeps no intermediate of a graph alive); once the base is
        gone, a new tensor over the same memory stands for it.
        """
        ref: BaseRef | None = getattr(self, "_viewbase", None)
        return None if ref is None else live_base(ref, self)

    @property
    def output_nr(self: Any) -> builtins.int:
        """Which output of its grad_fn this tensor is (a custom Function's k-th output: k); 0 otherwise."""
        ctx = self._ctx
        return 0 if ctx is None else ctx.output_index()

    @property
    def _backward_hooks(self: Any) -> Any:
        """The hooks ``register_hook`` added (a dict, or None), as PyTorch's ``_backward_hooks``. A dict
        assigned to it is kept and shown instead, and, as in PyTorch, neither calls its functions nor
        stops the registered hooks."""
        found = _assigned_hooks.get(id(self))
        return self._hooks if found is None else found[1]

    @_backward_hooks.setter
    def _backward_hooks(self: Any, hooks: Any) -> None:
        key = id(self)

        # (the dict bound as a default: at interpreter exit the module's globals may be cleared first)
        def forget(_: object, assigned: dict[int, Any] = _assigned_hooks) -> None:
            assigned.pop(key, None)

        _assigned_hooks[key] = (weakref.ref(self, forget), hooks)

    def _is_view(self: Any) -> builtins.bool:
        """Whether this tensor is a view of another (``_base`` is not None)."""
        return getattr(self, "_viewbase", None) is not None

    def untyped_storage(self: Any) -> Storage:
        """The memory this tensor's elements live in (shared by its views), as PyTorch's UntypedStorage."""
        return Storage(self.numpy(force=True))

    def __array_wrap__(self: Any, array: Any, context: Any = None,
                       return_scalar: builtins.bool = False) -> Tensor:
        """A numpy ufunc's result on this tensor, as a tensor as in PyTorch (``np.exp(t)``; bool results
        come back uint8, PyTorch's old workaround)."""
        arr = np.asarray(array)
        return tensor.from_numpy(arr.astype(np.uint8) if arr.dtype == np.bool_ else arr)

    def storage(self: Any) -> TypedStorage:
        """The elements of the memory this tensor views, as PyTorch's deprecated ``TypedStorage`` (warned
        once, as PyTorch does); writes to it change the tensor and its views."""
        if not _typed_storage_warned[0]:
            _typed_storage_warned[0] = True
            warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
                          "will be the only storage class. This should only matter to you if you are using "
                          "storages directly.  To access UntypedStorage directly, use "
                          "tensor.untyped_storage() instead of tensor.storage()", UserWarning, stacklevel=2)
        return TypedStorage(self.numpy(force=True), self.dtype)

    def storage_offset(self: Any) -> builtins.int:
        """Elements between the start of the memory this tensor views and its first element."""
        base = self.numpy(force=True)
        while isinstance(base.base, np.ndarray):
            base = base.base
        start = builtins.int(base.__array_interface__["data"][0])
        return (builtins.int(self.data_ptr()) - start) // builtins.int(self.dtype.itemsize)

    @property
    def nbytes(self: Any) -> builtins.int:
        """Bytes the elements take: numel() * element_size()."""
        return builtins.int(self.numel() * self.dtype.itemsize)

    @property
    def itemsize(self: Any) -> builtins.int:
        """Bytes per element (``element_size()``)."""
        return builtins.int(self.dtype.itemsize)

    @property
    def volatile(self: Any) -> builtins.bool:
        """False, with PyTorch's warning: the old ``Variable.volatile`` flag was removed (``no_grad`` took
        its place); setting it warns and does nothing."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self: Any, value: Any) -> None:
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                      UserWarning, stacklevel=2)

    def is_pinned(self: Any) -> builtins.bool:
        """False: there is no accelerator to pin memory for."""
        return False

    def pin_memory(self: Any, device: Any = None) -> Tensor:
        """Raises :class:`~minigrad.errors.DeviceError`, as PyTorch without an accelerator does."""
        raise DeviceError("Cannot access accelerator device when none is available. (pin_memory(): minigrad "
                          "runs on the CPU only)")

    def is_shared(self: Any) -> builtins.bool:
        """Whether the memory is shared with other processes: after ``share_memory_()``, or in a tensor a
        process received from another (its ``multiprocessing`` arguments, a Queue)."""
        return _shared_memory.array_is_shared(self._array)

    def share_memory_(self: Any) -> Tensor:
        """Move the memory to shared memory, in place, unless it is there already; returns self.

        A child process made by ``fork`` then writes to the same memory (Hogwild training), and one made by
        ``spawn`` maps it again; views of the memory minigrad knows of move with it, as the one storage
        they share in PyTorch.
        """
        _shared_memory.share_(self)
        return cast("Tensor", self)

    @bool_args("wrap")
    def fill_diagonal_(self: Any, fill_value: Any, wrap: builtins.bool = False) -> Tensor:
        """Fill the main diagonal with ``fill_value`` in place (a matrix, or all dims equal); returns self.

        With ``wrap``, a tall matrix's diagonal starts again after each N + 1 rows, as PyTorch's.

        Raises:
            ShapeError: fewer than 2 dims, or more than 2 of unequal sizes.
        """
        if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) != 1):
            raise ShapeError(f"fill_diagonal_: needs a matrix or all dims equal, got shape {self.shape}")
        mask = np.zeros(self.shape, dtype=bool)
        np.fill_diagonal(mask, True, wrap=wrap)
        return cast("Tensor", self.masked_fill_(mask, fill_value))

    # ------------------------------------------------------------ conversions and protocols

    def element_size(self: Any) -> builtins.int:
        """Bytes per element."""
        return int(self.dtype.itemsize)

    def nelement(self: Any) -> builtins.int:
        """Number of elements (``numel``)."""
        return cast("builtins.int", self.numel())

    def ndimension(self: Any) -> builtins.int:
        """Number of dims (``dim``)."""
        return cast("builtins.int", self.ndim)

    def is_floating_point(self: Any) -> builtins.bool:
        """True for float16/32/64 tensors."""
        return builtins.bool(self.dtype.kind == "f")

    def is_signed(self: Any) -> builtins.bool:
        """True unless the dtype is unsigned (uint8) or bool."""
        return builtins.bool(self.dtype.kind in "fi")

    def is_complex(self: Any) -> builtins.bool:
        """False: minigrad has no complex dtypes."""
        return False

    # ------------------------------------------------------------ complex parts of a real tensor
    # (minigrad/complex_parts.py)

    def conj(self: Any) -> Tensor:
        """The complex conjugate: the tensor itself (minigrad's tensors are real)."""
        return complex_parts.conj(self)

    def conj_physical(self: Any) -> Tensor:
        """The materialised conjugate: the tensor itself."""
        return complex_parts.conj_physical(self)

    def resolve_conj(self: Any) -> Tensor:
        """The tensor itself (a real tensor carries no lazy conjugation)."""
        return complex_parts.resolve_conj(self)

    def resolve_neg(self: Any) -> Tensor:
        """The tensor itself (minigrad makes no lazily negated views)."""
        return complex_parts.resolve_neg(self)

    def positive(self: Any) -> Tensor:
        """+x: the tensor itself; a bool tensor raises, as PyTorch."""
        return complex_parts.positive(self)

    def angle(self: Any) -> Tensor:
        """0 for x >= 0, pi for x < 0, nan at nan; zero gradient. See :func:`minigrad.angle`."""
        return complex_parts.angle(self)

    def isreal(self: Any) -> Tensor:
        """All True: a real tensor's elements have no imaginary part."""
        return complex_parts.isreal(self)

    def is_conj(self: Any) -> builtins.bool:
        """False: no lazy conjugation."""
        return False

    def is_neg(self: Any) -> builtins.bool:
        """False: no lazy negation."""
        return False

    @property
    def real(self: Any) -> Tensor:
        """The real part: the tensor itself."""
        return complex_parts.real(self)

    @property
    def imag(self: Any) -> Tensor:
        """The imaginary part: raises (PyTorch's RuntimeError), as real tensors have none."""
        return complex_parts.imag(self)

    @property
    def H(self: Any) -> Tensor:  # noqa: N802 - PyTorch's name
        """The conjugate transpose of a matrix (or a 0-d tensor): ``x.T`` for real tensors.

        Raises:
            ShapeError: a tensor of another rank than 0 or 2, as PyTorch.
        """
        if self.ndim not in (0, 2):
            raise ShapeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D "
                             "tensor.")
        if self.ndim == 0:
            warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning,
                          stacklevel=2)
        return cast("Tensor", self.T)

    @property
    def mH(self: Any) -> Tensor:  # noqa: N802 - PyTorch's name
        """The conjugate transpose of the last two dims: ``x.mT`` for real tensors (a 0-d tensor itself,
        with PyTorch's deprecation warning, once per process).

        Raises:
            ShapeError: one dim (PyTorch's error).
        """
        if self.ndim == 0:
            if warn_once_due("mH"):
                warnings.warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", UserWarning,
                              stacklevel=2)
            return cast("Tensor", self)
        if self.ndim < 2:
            raise ShapeError(f"tensor.mH is only supported on matrices or batches of matrices. Got "
                             f"{self.ndim}-D tensor.")
        return cast("Tensor", self.mT)

    def adjoint(self: Any) -> Tensor:
        """The conjugate transpose of the last two dims (``x.mH``): ``x.mT`` for real tensors.

        Raises:
            ShapeError: fewer than 2 dims (PyTorch's error).
        """
        if self.ndim < 2:
            raise ShapeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got "
                             f"{self.ndim}-D tensor.")
        return cast("Tensor", self.mT)

    def sum_to_size(self: Any, *size: Any) -> Tensor:
        """Sum over the dims that broadcasting ``size`` to this shape would expand: the result has ``size``.

        Raises:
            ShapeError: ``size`` does not broadcast to this tensor's shape (PyTorch's RuntimeError).
        """
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
        lead = self.ndim - len(shape)
        if lead < 0 or any(n != 1 and n != m for n, m in zip(shape, self.shape[lead:])):
            raise ShapeError(f"size {list(shape)} is not expandable to size {list(self.shape)}.")
        dims = (*range(lead), *(lead + i for i, n in enumerate(shape) if n == 1 != self.shape[lead + i]))
        if not shape and not self.ndim:  # PyTorch sums a 0-d tensor (a bool or int one becomes int64)
            return cast("Tensor", self.sum())
        return cast("Tensor", self.sum(dim=dims, keepdim=True).reshape(shape) if dims else self)

    def __rdiv__(self: Any, other: Any) -> Tensor:
        """other / self (PyTorch keeps Python 2's name beside ``__rtruediv__``)."""
        return cast("Tensor", self.__rtruediv__(other))

    def __getstate__(self: Any) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """Python's default (``__dict__``, slots) state for pickle and copy, without the weak links.

        The links to aliases (a view's base, the version group ``detach()`` shares) are weak
        references, which pickle cannot store; the restored tensor owns its memory, so it has none.
        Nor has it a graph: a copy of a non-leaf is a leaf, as PyTorch's copy.copy and pickle make it.
        """
        slots = {name: getattr(self, name) for cls in type(self).__mro__
                 for name in getattr(cls, "__slots__", ())
                 if name not in _UNPICKLED and hasattr(self, name)}
        if slots.get("_ctx") is not None:  # (a copy of an op's result is a leaf, as PyTorch's)
            slots["_ctx"] = None
        return self.__dict__ or None, slots

    def __deepcopy__(self: Any, memo: dict[int, Any]) -> Tensor:
        """A deep copy of a graph leaf: its data, grad and attributes (Python's default copy of them).

        Raises:
            MinigradError: a tensor an op produced (PyTorch's words: its graph cannot be copied).
        """
        if self._ctx is not None:
            raise MinigradError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at "
                "the moment.  If you were attempting to deepcopy a module, this may be because of a "
                "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
        reconstruct = vars(copy)["_reconstruct"]  # what copy.deepcopy does when there is no __deepcopy__
        func, args, state, *rest = self.__reduce_ex__(4)
        if isinstance(state, tuple) and isinstance(state[1], dict) and "_viewbase" in state[1]:
            # a view's weak link to its base is not copied: the copy owns a deep copy of the memory
            state = (state[0], {k: v for k, v in state[1].items() if k != "_viewbase"})
        out = cast("Tensor", reconstruct(self, memo, func, args, state, *rest))
        g = tensor.held_grad(self)  # (left out of the state, as pickle and copy.copy leave it out)
        if g is not None:
            out.grad = copy.deepcopy(g, memo)
        return out

    @bool_args("non_blocking")
    def type(self: Any, dtype: Any = None, non_blocking: builtins.bool = False, **_: Any) -> Any:
        """Without a dtype, PyTorch's type string (``'torch.FloatTensor'``); with one, ``self.to(dtype)``.

        ``dtype`` is a dtype, a typed class (``mg.DoubleTensor``), its string
        (``'torch.DoubleTensor'``) or ``Tensor`` (the default dtype).

        Raises:
            ValueError: anything else, as PyTorch (``'float64'``, ``int``).
        """
        if dtype is None:
            return tensor_type_name(self.dtype)
        return self.astype(typed_tensors.type_target(dtype))

    def type_as(self: Any, other: Tensor) -> Tensor:
        """This tensor in ``other``'s dtype (self if it has it already); differentiable between floats.

        Raises:
            TypeError: ``other`` is not a Tensor (PyTorch's argument-parser words).
        """
        if not isinstance(other, tensor.Tensor):
            if tensor.tensor_like(other):
                return cast("Tensor", tensor.hand_over("type_as", (self, other)))
            raise not_tensor_error("type_as", "other", 1, other)
        return cast("Tensor", self.astype(other.dtype))

    def half(self: Any, *, memory_format: Any = None) -> Tensor:
        """Convert to float16 (``memory_format=`` as in :meth:`to`)."""
        return cast("Tensor", self.to(np.dtype(np.float16), memory_format=memory_format))

    def int(self: Any, *, memory_format: Any = None) -> Tensor:
        """Convert to int32 (``memory_format=`` as in :meth:`to`)."""
        return cast("Tensor", self.to(np.dtype(np.int32), memory_format=memory_format))

    def short(self: Any, *, memory_format: Any = None) -> Tensor:
        """Convert to int16 (``memory_format=`` as in :meth:`to`)."""
        return cast("Tensor", self.to(np.dtype(np.int16), memory_format=memory_format))

    def char(self: Any, *, memory_format: Any = None) -> Tensor:
        """Convert to int8 (``memory_format=`` as in :meth:`to`)."""
        return cast("Tensor", self.to(np.dtype(np.int8), memory_format=memory_format))

    def byte(self: Any, *, memory_format: Any = None) -> Tensor:
        """Convert to uint8 (``memory_format=`` as in :meth:`to`)."""
        return cast("Tensor", self.to(np.dtype(np.uint8), memory_format=memory_format))

    def __format__(self: Any, format_spec: str) -> str:
        if self.ndim == 0 and type(self) is tensor.Tensor:  # (a subclass's: object's, as PyTorch's)
            return format(self.item(), format_spec)
        return object.__format__(self, format_spec)  # (str(self), or a TypeError for a format spec)

    def __contains__(self: Any, element: Any) -> builtins.bool:
        if not isinstance(element, (tensor.Tensor, builtins.int, float, builtins.bool, np.number)):
            raise MinigradError(
                f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}."
            )
        return builtins.bool((self == element).numpy(force=True).any())

    # ------------------------------------------------------------ linear algebra
    # (minigrad/linalg_functions.py)

    def inverse(self: Any) -> Tensor:
        """The inverse of each square matrix; see :func:`minigrad.linalg.inv`."""
        return linalg_functions.inverse(self)

    def det(self: Any) -> Tensor:
        """The determinant of each square matrix; see :func:`minigrad.linalg.det`."""
        return linalg_functions.det(self)

    def slogdet(self: Any) -> Any:
        """``(sign, logabsdet)`` of each square matrix; see :func:`minigrad.linalg.slogdet`."""
        return linalg_functions.slogdet(self)

    def logdet(self: Any) -> Tensor:
        """log(det) of each square matrix: nan where the determinant is negative, -inf where it is 0."""
        return linalg_functions.logdet(self)

    def cholesky(self: Any, upper: builtins.bool = False) -> Tensor:
        """The Cholesky factor (lower, or upper); see :func:`minigrad.linalg.cholesky`."""
        return linalg_functions.cholesky(self, upper)

    def cholesky_solve(self: Any, input2: Tensor, upper: builtins.bool = False) -> Tensor:
        """X with A X = self for A given by its Cholesky factor input2; see ``mg.cholesky_solve``."""
        return linalg_functions.cholesky_solve(self, input2, upper)

    # removed from PyTorch: its RuntimeError naming the replacement (Tensor.matrix_rank never existed)
    def solve(self: Any, other: Tensor) -> NoReturn:
        """Removed from PyTorch: raises its RuntimeError (use ``linalg.solve``)."""
        linalg_functions.solve(self, other)

    def symeig(self: Any, eigenvectors: builtins.bool = False) -> NoReturn:
        """Removed from PyTorch: raises its RuntimeError (use ``linalg.eigh``)."""
        linalg_functions.symeig(self, eigenvectors)

    def eig(self: Any, eigenvectors: builtins.bool = False) -> NoReturn:
        """Removed from PyTorch: raises its RuntimeError (use ``linalg.eig``)."""
        linalg_functions.eig(self, eigenvectors)

    def lstsq(self: Any, other: Tensor) -> NoReturn:
        """Removed from PyTorch: raises its RuntimeError (use ``linalg.lstsq``)."""
        linalg_functions.lstsq(self, other)

    def cholesky_inverse(self: Any, upper: builtins.bool = False) -> Tensor:
        """The inverse of L L^T (U^T U if upper) from the factor self; see ``mg.cholesky_inverse``."""
        return linalg_functions.cholesky_inverse(self, upper)

    def pinverse(self: Any, rcond: builtins.float = 1e-15) -> Tensor:
        """The pseudo-inverse, singular values below rcond * max dropped; see :func:`minigrad.linalg.pinv`."""
        return linalg_functions.pinverse(self, rcond)

    def svd(self: Any, some: builtins.bool = True, compute_uv: builtins.bool = True) -> Any:
        """``(U, S, V)`` with self = U diag(S) V^T; see :func:`minigrad.svd`."""
        return linalg_functions.svd(self, some, compute_uv)

    def qr(self: Any, some: builtins.bool = True) -> Any:
        """``(Q, R)`` with self = Q R; see :func:`minigrad.qr`."""
        return linalg_functions.qr(self, some)

    def triangular_solve(self: Any, A: Tensor, upper: builtins.bool = True,  # noqa: N803
                         transpose: builtins.bool = False, unitriangular: builtins.bool = False) -> Any:
        """X with A X = self for triangular A, and a copy of A; see :func:`minigrad.triangular_solve`."""
        return linalg_functions.triangular_solve(self, A, upper, transpose, unitriangular)

    def lu(self: Any, pivot: builtins.bool = True, get_infos: builtins.bool = False) -> Any:
        """``(LU, pivots)`` of the LU factorization; see :func:`minigrad.lu`."""
        return linalg_functions.lu(self, pivot, get_infos)

    def lu_solve(self: Any, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
        """X with A X = self for A given by ``lu``; see :func:`minigrad.lu_solve`."""
        return linalg_functions.lu_solve(self, LU_data, LU_pivots)

    def geqrf(self: Any) -> Any:
        """``(a, tau)``, the compact QR decomposition; see :func:`minigrad.geqrf`."""
        return linalg_functions.geqrf(self)

    def orgqr(self: Any, input2: Tensor) -> Tensor:
        """The Q of the Householder reflectors in self and tau; see :func:`minigrad.orgqr`."""
        return linalg_functions.orgqr(self, input2)

    def ormqr(self: Any, input2: Tensor, input3: Tensor, left: builtins.bool = True,
              transpose: builtins.bool = False) -> Tensor:
        """input3 times the Q of the reflectors in self and tau; see :func:`minigrad.ormqr`."""
        return linalg_functions.ormqr(self, input2, input3, left, transpose)

    def matrix_exp(self: Any) -> Tensor:
        """The matrix exponential of each square matrix; see :func:`minigrad.linalg.matrix_exp`."""
        return linalg_functions.matrix_exp(self)

    def matrix_power(self: Any, n: builtins.int) -> Tensor:
        """self^n for each square matrix; see :func:`minigrad.linalg.matrix_power`."""
        return linalg_functions.matrix_power(self, n)

    def cross(self: Any, other: Tensor, dim: builtins.int | None = None) -> Tensor:
        """The cross product of 3-vectors; see :func:`minigrad.cross`."""
        return linalg_functions.cross(self, other, dim)

    def renorm(self: Any, p: builtins.float, dim: builtins.int, maxnorm: builtins.float) -> Tensor:
        """Slices along dim rescaled to p-norm at most maxnorm; see :func:`minigrad.renorm`."""
        return reductions.renorm(self, p, dim, maxnorm)

    def split_with_sizes(self: Any, split_sizes: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """Views of the listed sizes along dim; see :func:`minigrad.split_with_sizes`."""
        return shape_ops.split_with_sizes(self, split_sizes, dim)

    def unsafe_split(self: Any, split_size: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """:meth:`split` without the in-place check on its pieces; see :func:`minigrad.unsafe_split`."""
        return copy_forms.unsafe_split(self, split_size, dim)

    def unsafe_split_with_sizes(self: Any, split_sizes: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """:meth:`split_with_sizes` without the in-place check; see ``mg.unsafe_split_with_sizes``."""
        return copy_forms.unsafe_split_with_sizes(self, split_sizes, dim)

    def unsafe_chunk(self: Any, chunks: builtins.int, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """:meth:`chunk` without the in-place check on its pieces; see :func:`minigrad.unsafe_chunk`."""
        return copy_forms.unsafe_chunk(self, chunks, dim)

    def select_scatter(self: Any, src: Tensor, dim: builtins.int, index: builtins.int) -> Tensor:
        """A copy with ``select(dim, index)`` replaced by src; see :func:`minigrad.select_scatter`."""
        return writes.select_scatter(self, src, dim, index)

    def slice_scatter(self: Any, src: Tensor, dim: builtins.int = 0, start: builtins.int | None = None,
                      end: builtins.int | None = None, step: builtins.int = 1) -> Tensor:
        """A copy with a slice of dim replaced by src; see :func:`minigrad.slice_scatter`."""
        return writes.slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self: Any, src: Tensor, offset: builtins.int = 0, dim1: builtins.int = 0,
                         dim2: builtins.int = 1) -> Tensor:
        """A copy with a diagonal replaced by src; see :func:`minigrad.diagonal_scatter`."""
        return writes.diagonal_scatter(self, src, offset, dim1, dim2)

    def nonzero_static(self: Any, *, size: builtins.int, fill_value: builtins.int = -1) -> Tensor:
        """The indices of the non-zero elements, cut or padded to ``size``; see ``mg.nonzero_static``."""
        return indexing.nonzero_static(self, size=size, fill_value=fill_value)

    def put(self: Any, index: Tensor, source: Tensor, accumulate: builtins.bool = False) -> Tensor:
        """self (read as 1-D) with the elements at ``index`` set to source's; see :func:`minigrad.put`."""
        return writes.put(self, index, source, accumulate)

    def index_reduce(self: Any, dim: builtins.int, index: Tensor, source: Tensor, reduce: str, *,
                     include_self: builtins.bool = True) -> Tensor:
        """Slices of source reduced into the slices ``index`` names; see :func:`minigrad.index_reduce`."""
        return writes.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def igamma(self: Any, other: Tensor) -> Tensor:
        """The regularized lower incomplete gamma P(self, other); see :func:`minigrad.igamma`."""
        return gamma.igamma(self, other)

    def igammac(self: Any, other: Tensor) -> Tensor:
        """The regularized upper incomplete gamma Q(self, other); see :func:`minigrad.igammac`."""
        return gamma.igammac(self, other)

    def heaviside(self: Any, values: Tensor) -> Tensor:
        """The Heaviside step of self (``values`` where self is 0); see :func:`minigrad.heaviside`."""
        return pointwise.heaviside(self, values)

    def kron(self: Any, other: Tensor) -> Tensor:
        """The Kronecker product; see :func:`minigrad.kron`."""
        matrix_ops.check_tensor("kron", "other", other, 1)  # (the method's words: position 1)
        return matrix_ops.kron(self, other)

    def ger(self: Any, vec2: Tensor) -> Tensor:
        """The outer product of 1-D tensors (``outer``'s old name)."""
        return matrix_ops.outer(self, vec2)

    def vdot(self: Any, other: Tensor) -> Tensor:
        """The dot product of 1-D tensors (real tensors: ``dot``)."""
        return matrix_ops.vdot(self, other)

    def baddbmm(self: Any, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * batch1 @ batch2 (batched); see :func:`minigrad.baddbmm`."""
        return matrix_ops.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def narrow_copy(self: Any, dim: builtins.int, start: builtins.int, length: builtins.int) -> Tensor:
        """``narrow`` as a copy of its own."""
        return cast("Tensor", self.narrow(dim, start, length).clone())

    def is_nonzero(self: Any) -> builtins.bool:
        """Whether the one-element tensor is not zero; see :func:`minigrad.is_nonzero`."""
        return pointwise.is_nonzero(self)

    def is_same_size(self: Any, other: Tensor) -> builtins.bool:
        """Whether ``other`` has this tensor's shape."""
        return builtins.bool(self.shape == other.shape)

    def is_set_to(self: Any, tensor: Tensor) -> builtins.bool:
        """Whether ``tensor`` is this tensor's exact memory: the same storage, offset, shape and strides (so
        ``x.is_set_to(x.detach())``, not ``x[0].is_set_to(x)``)."""
        same_memory = self.untyped_storage().data_ptr() == tensor.untyped_storage().data_ptr()
        return builtins.bool(same_memory and self.storage_offset() == tensor.storage_offset()
                             and self.dtype == tensor.dtype and self.shape == tensor.shape
                             and self.stride() == tensor.stride())

    def __reversed__(self: Any) -> Tensor:
        """The tensor reversed along dim 0 (a 0-d tensor: itself), as ``reversed(t)`` in PyTorch."""
        return self if self.ndim == 0 else cast("Tensor", self.flip(0))

    def apply_(self: Any, callable: Callable[[Any], Any]) -> Tensor:  # noqa: A002
        """In place: each element becomes ``callable(element)`` (a Python number each); returns self.

        Raises:
            TypeError: ``callable`` returns something that is not a number.
            MinigradError: self requires grad (PyTorch: only without autograd).
        """
        return cast("Tensor", self._mapped("apply_", callable))

    def map_(self: Any, tensor: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:  # noqa: A002
        """In place: self[i] = callable(self[i], tensor[i]), tensor broadcast to self; returns self."""
        return cast("Tensor", self._mapped("map_", callable, tensor))

    def map2_(self: Any, x: Tensor, y: Tensor, callable: Callable[[Any, Any, Any], Any]) -> Tensor:  # noqa: A002
        """In place: self[i] = callable(self[i], x[i], y[i]), x and y broadcast to self; returns self."""
        return cast("Tensor", self._mapped("map2_", callable, x, y))

    def _mapped(self: Any, name: str, fn: Callable[..., Any], *others: Tensor) -> Tensor:
        if not builtins.callable(fn):
            raise TypeError(f"{name}: 'str' object is not callable" if isinstance(fn, str)
                            else f"{name}: {type(fn).__name__} object is not callable")
        if any(t.requires_grad for t in (self, *others)):
            raise MinigradError(f"Can't call {name}() on Variable that requires grad. Use "
                                f"var.detach().{name}() instead.")
        # (self's shape stays: PyTorch's expand error)
        arrays = [t.expand(self.shape).numpy(force=True) for t in others]
        flat = [a.reshape(-1).tolist() for a in (self.numpy(force=True), *arrays)]
        values = [fn(*row) for row in zip(*flat)] if others else [fn(v) for v in flat[0]]
        if any(not isinstance(v, (builtins.int, builtins.float, builtins.bool, np.generic)) for v in values):
            raise TypeError(f"{name}: the function must return a number")
        result = np.asarray(values).astype(self.dtype).reshape(self.shape)
        self._write(lambda a: np.copyto(a, result))
        return cast("Tensor", self)

for _name in INPLACE_NAMES:
    setattr(TensorMethods, _name + "_", _inplace(_name, _LEAF_NOTE))
del _name
