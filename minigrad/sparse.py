"""``torch.sparse``: COO sparse tensors (``torch.sparse_coo_tensor``, ``Tensor.to_sparse``), the sparse
matrix products (``torch.sparse.mm``, ``torch.spmm``, ``torch.sparse.addmm``) and reductions
(``torch.sparse.sum``, ``torch.sparse.softmax``).

A :class:`SparseCooTensor` keeps PyTorch's description, the ``indices`` (sparse_dim, nnz) and ``values``
(nnz, *dense dims) it was made from, and also holds its dense values: it *is* the dense tensor those
entries add up to (duplicates summed), made from ``values`` by a differentiable scatter-add
(``index_put`` with ``accumulate``). So gradients reach ``values`` through the primitives, and every op
minigrad has works on it, as on its dense form, with a dense result. The ops PyTorch keeps sparse
(``coalesce``, ``t``/``transpose``, ``to``/``float``/``double``, ``detach``, ``clone``, products with a
number, sums of two sparse tensors, ``torch.sparse.sum`` over some dims) give sparse results here too.

Where this differs from PyTorch: the memory is that of the dense tensor (graph scripts' adjacency
matrices of a few thousand nodes fit; a million-node graph does not); a sparse leaf's gradient is dense
(``torch.sparse.mm`` masks it to the stored entries, as PyTorch's sparse gradient holds them); ops that
PyTorch refuses on sparse tensors (``view``, ``add(sparse, dense)``) give dense results.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, TypeVar

import numpy as np

from minigrad import _format
from minigrad._subclass import _disabled_torch_function_impl
from minigrad._tensor_methods import provide
from minigrad.device import check_device
from minigrad.errors import InvalidParameterError, MinigradError, ShapeError, user_stacklevel
from minigrad.layouts import sparse_coo
from minigrad.settings import warn_once_due
from minigrad.shapes import norm_dim
from minigrad.tensor import Array, Tensor, from_numpy
from minigrad.tensor import _named as tensor_named

__all__ = [
    "DoubleTensor", "FloatTensor", "LongTensor", "SparseCooTensor", "addmm", "check_sparse_tensor_invariants",
    "log_softmax", "mm", "softmax", "sparse_coo_tensor", "spmm", "sum", "to_sparse",
]  # fmt: skip

_plain_sum = sum  # (the builtin, before this module's torch.sparse.sum shadows it)

# PyTorch's once-per-process notes: a constructor called without check_invariants while the global switch
# was never set, the first product of two sparse matrices (which PyTorch computes in CSR), and each form of
# the deprecated legacy constructors.
_INVARIANTS_NOTE = (
    "Sparse invariant checks are implicitly disabled. Memory errors (e.g. SEGFAULT) will occur when "
    "operating on a sparse tensor which violates the invariants, but checks incur performance overhead. To "
    "silence this warning, explicitly opt in or out. See "
    "`torch.sparse.check_sparse_tensor_invariants.__doc__` for guidance. ")
_CSR_NOTE = ("Sparse CSR tensor support is in beta state. If you miss a functionality in the sparse tensor "
             "support, please submit a feature request to https://github.com/pytorch/pytorch/issues.")
_state: dict[str, bool | None] = {"invariants": None}


def _note_once(key: str, message: str) -> None:
    """Warn ``message`` (naming the user's line) the first time only, or every time under
    ``set_warn_always``, as PyTorch's TORCH_WARN_ONCE."""
    if warn_once_due(key):
        warnings.warn(message, UserWarning, stacklevel=user_stacklevel())


class check_sparse_tensor_invariants:  # noqa: N801 - PyTorch's name
    """``torch.sparse.check_sparse_tensor_invariants``: the global switch for checking a sparse tensor's
    indices in its constructors (off by default), as a context manager or decorator setting it to ``enable``
    for its extent, and as ``is_enabled()``/``enable()``/``disable()``. minigrad checks the indices
    always (it holds the dense tensor); setting the switch either way silences PyTorch's note that the
    checks are implicitly disabled.

    Raises:
        RuntimeError: one instance entered twice without leaving (PyTorch's error).
    """

    def __init__(self, enable: bool = True) -> None:
        self.state = enable
        self.saved_state: bool | None = None

    @staticmethod
    def is_enabled() -> bool:
        """Whether the sparse constructors check their indices by default."""
        return bool(_state["invariants"])

    @staticmethod
    def enable() -> None:
        """Make the sparse constructors check their indices by default."""
        _state["invariants"] = True

    @staticmethod
    def disable() -> None:
        """Make the sparse constructors skip the index checks by default (minigrad still checks them)."""
        _state["invariants"] = False

    def __enter__(self) -> None:
        if self.saved_state is not None:
            raise RuntimeError("This context manager instance is already activated. Use a different context "
                               "manager instance for context nesting.")
        self.saved_state = self.is_enabled()
        _state["invariants"] = self.state

    def __exit__(self, *exc: object) -> None:
        if self.saved_state is None:
            raise AssertionError("saved_state should not be None on exit")
        _state["invariants"], self.saved_state = self.saved_state, None

    def __call__(self, mth: Any) -> Any:
        def checked(*args: Any, **kwargs: Any) -> Any:
            with type(self)(self.state):
                return mth(*args, **kwargs)
        return checked


class SparseCooTensor(Tensor):
    """A COO sparse tensor (``layout=torch.sparse_coo``): ``indices`` (sparse_dim, nnz) int64 and
    ``values`` (nnz, *dense dims), holding the dense tensor they add up to (see the module docstring).
    Made by :func:`sparse_coo_tensor` and ``Tensor.to_sparse``, not by calling the class."""

    __torch_function__ = _disabled_torch_function_impl  # type: ignore[assignment]  # (other ops: dense results)
    is_sparse = True
    layout = sparse_coo
    # (PyTorch's description, and the version of the dense values it was taken at: an in-place write to the
    # tensor, ``s.add_(t)``, leaves the pattern and its coalesced state and reads the values anew)
    _sp_idx: Array
    _sp_vals: Tensor
    _sp_coal: bool
    _sp_version: int

    def _sync(self) -> None:
        if self._version == self._sp_version:
            return
        idx = _unique(self._sp_idx, self._array.shape)
        self._sp_idx, self._sp_version = idx, self._version
        self._sp_vals = from_numpy(self._array[tuple(idx)].copy())

    @property
    def _sp_indices(self) -> Array:
        self._sync()
        return self._sp_idx

    @property
    def _sp_values(self) -> Tensor:
        self._sync()
        return self._sp_vals

    @property
    def _sp_coalesced(self) -> bool:
        self._sync()
        return self._sp_coal

    def _indices(self) -> Tensor:
        """The stored indices, (sparse_dim, nnz) int64, duplicates and order as given."""
        return from_numpy(self._sp_indices.copy())

    def _values(self) -> Tensor:
        """The stored values, (nnz, *dense dims), in the order of :meth:`_indices`."""
        return self._sp_values

    def indices(self) -> Tensor:
        """The indices of a coalesced tensor (sorted, no duplicates).

        Raises:
            MinigradError: the tensor is not coalesced (PyTorch's RuntimeError).
        """
        if not self._sp_coalesced:
            raise MinigradError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._indices()

    def values(self) -> Tensor:
        """The values of a coalesced tensor, one per index (gradients reach what the tensor was made from).

        Raises:
            MinigradError: the tensor is not coalesced (PyTorch's RuntimeError).
        """
        if not self._sp_coalesced:
            raise MinigradError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        if self._sp_values.requires_grad:  # (an alias in the graph, as PyTorch's)
            return _named(Tensor.view_as(self._sp_values, self._sp_values), "ValuesBackward0")
        if self.is_leaf and self.requires_grad:  # (a sparse leaf: its values are read from it)
            return _named(Tensor.__getitem__(self, _rows(self._sp_indices)), "ValuesBackward0")
        return self._sp_values

    def _nnz(self) -> int:
        """The number of stored entries (duplicates counted)."""
        return int(self._sp_indices.shape[1])

    def is_coalesced(self) -> bool:
        """Whether the indices are sorted and free of duplicates."""
        return self._sp_coalesced

    def sparse_dim(self) -> int:
        """How many leading dims the indices address."""
        return int(self._sp_indices.shape[0])

    def dense_dim(self) -> int:
        """How many trailing dims each stored value has."""
        return self._array.ndim - self.sparse_dim()

    def coalesce(self) -> SparseCooTensor:
        """The same tensor with sorted, unique indices (duplicates' values summed); itself if coalesced."""
        if self._sp_coalesced:
            return self
        idx = _unique(self._sp_indices, self._array.shape)
        values = Tensor.__getitem__(self, _rows(idx))  # (the sums, from the dense values: in the graph)
        return _named(_make(idx, values, self._array.shape, coalesced=True), "CoalesceBackward0")

    def to_dense(self, dtype: Any = None, *, masked_grad: bool | None = None) -> Tensor:
        """The dense tensor (a new one, in the graph): duplicates summed, zeros elsewhere."""
        out: Tensor = _named(Tensor.clone(self), "ToDenseBackward0")
        return out if dtype is None else out.to(dtype)

    def _live_values(self) -> tuple[SparseCooTensor, Tensor]:
        """(a tensor of this pattern, its values in this tensor's graph): a sparse leaf that requires grad
        is coalesced first, its values read from it, so that ops on its values reach its gradient."""
        if self.is_leaf and self.requires_grad:
            base = self.coalesce()
            return base, base.values()
        return self, self._sp_values

    def _same_pattern(self, values: Tensor, coalesced: bool | None = None) -> SparseCooTensor:
        out = _make(self._sp_indices, values, (*self._array.shape[:self.sparse_dim()], *values.shape[1:]),
                    self._sp_coalesced if coalesced is None else coalesced)
        fn = values.grad_fn  # (shown as the op on the values: MulBackward0 for s * 2, as PyTorch's)
        return out if fn is None else _named(out, fn.name().rpartition("::")[2])

    def t(self) -> SparseCooTensor:
        """The transpose of a 2-D sparse tensor (sparse)."""
        return self.transpose(0, 1)

    def transpose(self, dim0: int, dim1: int) -> SparseCooTensor:  # type: ignore[override]
        """The tensor with two sparse dims swapped (sparse: the index rows swapped).

        Raises:
            InvalidParameterError: a dim is a dense one (PyTorch's error).
        """
        n = self.sparse_dim()
        d0, d1 = (d + self._array.ndim if d < 0 else d for d in (dim0, dim1))
        if not (0 <= d0 < n and 0 <= d1 < n):
            raise InvalidParameterError(f"transpose(): sparse tensors can only transpose sparse dims, got "
                                        f"dims {dim0} and {dim1} of a tensor with {n} sparse dims")
        order = list(range(n))
        order[d0], order[d1] = order[d1], order[d0]
        shape = list(self._array.shape)
        shape[d0], shape[d1] = shape[d1], shape[d0]
        base, values = self._live_values()
        return _named(_make(base._sp_indices[order], values, tuple(shape), coalesced=base._nnz() < 2),
                      "TransposeBackward0")

    def __mul__(self, other: Any) -> Tensor:
        if isinstance(other, (int, float, bool)) or (isinstance(other, Tensor) and other.dim() == 0
                                                     and not other.is_sparse):
            base, values = self._live_values()
            return base._same_pattern(values * other)
        return Tensor.__mul__(self, other)

    __rmul__ = __mul__

    def mul(self, other: Any) -> Tensor:
        """``self * other``: sparse for a number, dense otherwise."""
        return self.__mul__(other)

    def __truediv__(self, other: Any) -> Tensor:
        if isinstance(other, (int, float)) or (isinstance(other, Tensor) and other.dim() == 0):
            base, values = self._live_values()
            return base._same_pattern(values / other)
        return Tensor.__truediv__(self, other)

    def __neg__(self) -> SparseCooTensor:
        base, values = self._live_values()
        return base._same_pattern(-values)

    def __add__(self, other: Any) -> Tensor:
        if isinstance(other, SparseCooTensor) and other._array.shape == self._array.shape \
                and other.sparse_dim() == self.sparse_dim():
            (a, va), (b, vb) = self._live_values(), other._live_values()
            idx = np.concatenate((a._sp_indices, b._sp_indices), axis=1)
            values = sys.modules["minigrad"].cat((va, vb.to(va.dtype)))
            return _named(_make(idx, values, self._array.shape, coalesced=False), "AddBackward0")
        return Tensor.__add__(self, other)

    def __sub__(self, other: Any) -> Tensor:
        if isinstance(other, SparseCooTensor):
            return self + (-other)
        return Tensor.__sub__(self, other)

    def mul_(self, other: Any) -> SparseCooTensor:
        """Multiply in place; by a number, the tensor is left marked uncoalesced, as PyTorch's."""
        Tensor.mul_(self, other)
        if not isinstance(other, Tensor):
            self._sync()
            self._sp_coal = False
        return self

    def zero_(self) -> SparseCooTensor:
        """Empty the tensor in place: no stored entries, as PyTorch's."""
        Tensor.zero_(self)
        self._sp_idx = np.zeros((self.sparse_dim(), 0), dtype=np.int64)
        self._sp_vals = from_numpy(np.zeros((0, *self._array.shape[self.sparse_dim():]), self._array.dtype))
        self._sp_coal, self._sp_version = True, self._version
        return self

    def copy_(self, src: Tensor, non_blocking: bool = False) -> SparseCooTensor:
        """Take ``src``'s entries, as PyTorch's: its indices, values (in this tensor's dtype) and coalesced
        state (``load_state_dict`` into a sparse buffer).

        Raises:
            MinigradError: ``src`` is dense (PyTorch's RuntimeError and words) or of another shape.
        """
        if not isinstance(src, SparseCooTensor):
            raise MinigradError(f"copy_() between dense and sparse Tensors is not implemented! Found self "
                                f"type = {self.type()} and src type = {Tensor.type(src)}")
        if tuple(src.shape) != tuple(self.shape):
            raise MinigradError(f"copy_: minigrad copies a sparse tensor of the same size only (self "
                                f"{list(self.shape)}, src {list(src.shape)})")
        Tensor.copy_(self, src, non_blocking)
        idx, values = src._sp_indices.copy(), src._sp_values.detach().to(self.dtype)
        self._sp_idx, self._sp_vals, self._sp_coal = idx, values, src._sp_coalesced
        self._sp_version = self._version
        return self

    def to(self, *args: Any, **kwargs: Any) -> SparseCooTensor:
        """The tensor on another device (itself: minigrad's tensors live on the CPU) or of another dtype
        (its values converted): sparse, as PyTorch's."""
        values = self._sp_values.to(*args, **kwargs)
        return self if values is self._sp_values else self._same_pattern(values)

    def float(self) -> SparseCooTensor:  # type: ignore[override]
        """The tensor with float32 values."""
        return self.to(sys.modules["minigrad"].float32)

    def double(self) -> SparseCooTensor:  # type: ignore[override]
        """The tensor with float64 values."""
        return self.to(sys.modules["minigrad"].float64)

    def cpu(self, *args: Any, **kwargs: Any) -> SparseCooTensor:
        """The tensor itself (it is on the CPU)."""
        return self

    def detach(self) -> SparseCooTensor:
        """The tensor outside the graph (sparse)."""
        return self._same_pattern(self._sp_values.detach())

    def clone(self, *, memory_format: Any = None) -> SparseCooTensor:
        """A copy (sparse, in the graph)."""
        return self._same_pattern(self._sp_values.clone())

    def type(self, dtype: Any = None, non_blocking: bool = False, **kwargs: Any) -> Any:
        """Without a dtype, PyTorch's type string (``'torch.sparse.FloatTensor'``); with one, the values
        converted (sparse)."""
        if dtype is None:
            name: str = Tensor.type(self)
            return name.replace(".", ".sparse.", 1)
        return self._same_pattern(self._sp_values.type(dtype))

    def sum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        """The sum of every entry (a 0-d dense tensor), or over ``dim``: sparse while sparse dims remain, as
        PyTorch's (dense with ``keepdim``)."""
        if dim is None or keepdim:
            out: Tensor = Tensor.sum(self if dtype is None else self.to(dtype), dim, keepdim)
            return out
        return _named(sum(self, dim, dtype), "SumBackward1")

    def __repr__(self) -> str:
        return sparse_repr(self)

    def __matmul__(self, other: Any) -> Tensor:
        if isinstance(other, SparseCooTensor) and self.dim() == 2 == other.dim():
            return _sparse_product(self, other, "MmBackward0")
        return Tensor.__matmul__(self, other)

    def matmul(self, other: Tensor) -> Tensor:
        """``self @ other``: sparse for two sparse matrices (PyTorch's stored entries), dense otherwise."""
        return self.__matmul__(other)

    def mm(self, mat2: Tensor) -> Tensor:
        """``self @ mat2`` of matrices: sparse for a sparse ``mat2`` (PyTorch's stored entries), else dense.

        Raises:
            ShapeError: not matrices, or the shapes cannot be multiplied.
        """
        if isinstance(mat2, SparseCooTensor) and self.dim() == 2 == mat2.dim():
            return _sparse_product(self, mat2, "MmBackward0")
        return Tensor.mm(self, mat2)


_T = TypeVar("_T", bound=Tensor)


def _named(out: _T, name: str) -> _T:
    """``out`` (made here) with its node shown under PyTorch's name for the op (``ToDenseBackward0``)."""
    tensor_named(out, out, name, True)
    return out


def sparse_repr(t: SparseCooTensor) -> str:
    """PyTorch's print of a COO tensor: its indices, its values, then size, nnz, dtype and layout."""
    from minigrad.default_dtype import get_default_dtype

    def body(a: Array, indent: int) -> str:
        if a.size == 0:
            return f"[], size={tuple(a.shape)}"
        summarize = a.size > _format.OPTIONS.threshold
        fmt = _format._Formatter(_format._summarized(a) if summarize else a)
        return _format._array_str(a, indent, summarize, fmt)

    values = t._sp_values._array
    text = (f"tensor(indices=tensor({body(t._sp_indices, 22)}),\n"
            f"       values=tensor({body(values, 21)})")
    suffixes = [f"size={tuple(t._array.shape)}", f"nnz={t._nnz()}"]
    if values.dtype not in (get_default_dtype(), np.dtype(np.int64), np.dtype(np.bool_)):
        suffixes.append(f"dtype={_format.NAMESPACE}.{values.dtype}")
    suffixes.append(f"layout={_format.NAMESPACE}.sparse_coo")
    fn = t.grad_fn
    if fn is not None:
        suffixes.append(f"grad_fn=<{fn.name().rpartition('::')[2]}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _format._add_suffixes(text, suffixes, 7, newline=True)


def _unique(indices: Array, shape: tuple[int, ...]) -> Array:
    """The distinct columns of (sparse_dim, nnz) ``indices`` into ``shape``, in PyTorch's coalesced order."""
    if not indices.shape[1]:
        return indices
    dims = shape[:indices.shape[0]]
    flat = np.unique(np.ravel_multi_index(tuple(indices), dims))
    return np.stack(np.unravel_index(flat, dims)).astype(np.int64).reshape(len(dims), -1)


def _rows(indices: Array) -> tuple[Tensor, ...]:
    """The rows of (sparse_dim, nnz) ``indices`` as int64 Tensors, to index the dense values with."""
    return tuple(from_numpy(np.ascontiguousarray(i)) for i in indices)


def _make(indices: Array, values: Tensor, size: tuple[int, ...], coalesced: bool) -> SparseCooTensor:
    """The sparse tensor of ``indices`` and ``values`` (checked by the caller) over ``size``."""
    mg = sys.modules["minigrad"]
    out: Any = mg.zeros(size, dtype=values.dtype)
    if indices.shape[1]:  # (into the new zeros: no second dense copy)
        out.index_put_(_rows(indices), values, accumulate=True)
    out.__class__ = SparseCooTensor  # (made here and held by nothing else: it becomes the sparse tensor)
    out._sp_idx, out._sp_vals, out._sp_coal, out._sp_version = indices, values, coalesced, out._version
    return out  # type: ignore[no-any-return]


def sparse_coo_tensor(indices: Any = None, values: Any = None, size: Any = None, *, dtype: Any = None,
                      device: Any = None, pin_memory: bool = False, requires_grad: bool = False,
                      check_invariants: bool | None = None,
                      is_coalesced: bool | None = None) -> SparseCooTensor:
    """A COO sparse tensor with ``values[k]`` at ``indices[:, k]`` (``torch.sparse_coo_tensor``); entries
    at the same index add up. ``sparse_coo_tensor(size)`` (or ``size=`` alone) is the empty one of that
    shape: every dim sparse, no entries, the default dtype.

    Args:
        indices: (sparse_dim, nnz) integers (a Tensor, array or nested lists).
        values: (nnz, *dense dims) values; gradients reach them through the result.
        size: the shape; by default each sparse dim is one past its largest index, then values' dims.
        dtype: the values' dtype (default: that of ``values``).
        requires_grad: make the result a leaf that requires grad (its gradient is dense).
        is_coalesced: promise that the indices are sorted and unique.
        device: the CPU (None, ``'cpu'``).
        pin_memory, check_invariants: accepted (the indices are always checked).

    Raises:
        TypeError: neither indices and values nor a size given.
        ShapeError: indices not 2-D, a count of values other than nnz, a size of the wrong length, or an
            index outside the size (PyTorch's messages).
        DeviceError: a device other than the CPU.
    """
    mg = sys.modules["minigrad"]
    check_device(device)  # (the CPU, or PyTorch's error for a device minigrad does not have)
    if check_invariants is None and _state["invariants"] is None:
        _note_once("invariants_noted", _INVARIANTS_NOTE)
    del pin_memory, check_invariants
    if values is None:  # PyTorch's size-only overload: an empty tensor with every dim sparse
        shape = size if indices is None else indices
        if shape is None:
            raise TypeError("sparse_coo_tensor() received an invalid combination of arguments - got (), "
                            "but expected (indices, values[, size]) or (size)")
        shape = tuple(int(n) for n in shape)
        return sparse_coo_tensor(np.zeros((len(shape), 0), np.int64),
                                 mg.zeros(0, dtype=dtype or mg.get_default_dtype()), shape,
                                 requires_grad=requires_grad, is_coalesced=True)
    idx_t = indices if isinstance(indices, Tensor) else mg.tensor(indices)
    idx = idx_t.detach().numpy().astype(np.int64)
    vals = values if isinstance(values, Tensor) else mg.tensor(values)
    if dtype is not None:
        vals = vals.to(dtype)
    if idx.ndim != 2:
        raise ShapeError(f"indices must be sparse_dim x nnz, but got: {list(idx.shape)}")
    if vals.dim() == 0 or idx.shape[1] != vals.shape[0]:
        raise ShapeError(f"indices and values must have same nnz, but got nnz from indices: {idx.shape[1]}, "
                         f"nnz from values: {vals.shape[0] if vals.dim() else 0}")
    dense_shape = tuple(vals.shape[1:])
    if size is None:
        sparse_shape = tuple(int(m) + 1 for m in idx.max(axis=1)) if idx.shape[1] else (0,) * idx.shape[0]
    else:
        full, k = tuple(int(n) for n in size), idx.shape[0]
        if len(full) != k + len(dense_shape):
            raise ShapeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = "
                             f"{len(full)}, sparse_dim = {k}, dense_dim = {len(dense_shape)}")
        sparse_shape = full[:k]
        if full[k:] != dense_shape:
            raise ShapeError(f"values has incorrect size, expected {[idx.shape[1], *full[k:]]}, "
                             f"got {list(vals.shape)}")
    for d, n in enumerate(sparse_shape):
        low, high = (int(idx[d].min()), int(idx[d].max())) if idx.shape[1] else (0, -1)
        if low < 0 or high >= n:
            raise ShapeError(f"size is inconsistent with indices: for dim {d}, size is {n} but found index "
                             f"{high if high >= n else low}")
    out = _named(_make(idx, vals, (*sparse_shape, *dense_shape), bool(is_coalesced) or idx.shape[1] < 2),
                 "SparseCooTensorWithDimsAndTensorsBackward0")
    if requires_grad:
        if vals.requires_grad:
            raise InvalidParameterError("sparse_coo_tensor: requires_grad=True makes a leaf, but the values "
                                        "already require grad (the result is in their graph)")
        out.requires_grad_(True)
    return out


def to_sparse(input: Tensor, sparse_dim: int | None = None, *, layout: Any = None,  # noqa: A002
              blocksize: Any = None, dense_dim: int | None = None) -> SparseCooTensor:
    """``input.to_sparse()``: the coalesced COO tensor of ``input``'s nonzero entries (over its first
    ``sparse_dim`` dims, all by default: a stored value is then a slice with some nonzero element).

    Raises:
        InvalidParameterError: a layout other than ``torch.sparse_coo`` (minigrad has only COO), or a
            ``sparse_dim`` outside [0, input.dim()].
    """
    if (layout is not None and layout is not sparse_coo) or blocksize is not None:
        raise InvalidParameterError(f"to_sparse: minigrad has only the COO layout (got layout={layout})")
    if isinstance(input, SparseCooTensor):
        return input
    n = input.dim() if sparse_dim is None else sparse_dim
    if dense_dim is not None:
        n = input.dim() - dense_dim
    if not 0 <= n <= input.dim():
        raise InvalidParameterError(f"to_sparse: sparse_dim must be in [0, {input.dim()}], got {n}")
    a = input._array
    nonzero = a.reshape(*a.shape[:n], -1).any(axis=-1) if n < a.ndim else a != 0
    idx = np.stack(np.nonzero(nonzero)).astype(np.int64).reshape(n, -1)
    values = Tensor.__getitem__(input, _rows(idx)) if n else Tensor.unsqueeze(input, 0)
    return _named(_make(idx, values, a.shape, coalesced=True), "ToSparseBackward1")


def _sparse_mask(input: Tensor, mask: Any) -> SparseCooTensor:  # noqa: A002 - PyTorch's name
    """``input.sparse_mask(mask)``: the sparse tensor with ``mask``'s indices (and its coalesced state)
    holding ``input``'s entries there (in ``input``'s graph: SparseMaskBackward0).

    Raises:
        NotImplementedError: ``mask`` is not sparse (PyTorch finds no dense kernel).
        ShapeError: the sizes differ (PyTorch's RuntimeError and words).
    """
    if not isinstance(mask, SparseCooTensor):
        raise NotImplementedError("Could not run 'aten::sparse_mask' with arguments from the 'CPU' backend: "
                                  "the mask must be a sparse COO tensor")
    if tuple(input.shape) != tuple(mask.shape):
        raise ShapeError(f"sparse_mask(): operands have incompatible sizes; self has size "
                         f"{list(input.shape)} but mask has size {list(mask.shape)}")
    idx = mask._sp_indices
    values = Tensor.__getitem__(input, _rows(idx))
    return _named(_make(idx, values, tuple(input.shape), mask._sp_coalesced), "SparseMaskBackward0")


def _masked(s: SparseCooTensor) -> Tensor:
    """``s`` for a product whose gradient PyTorch keeps on the stored entries (a sparse leaf's)."""
    if not (s.is_leaf and s.requires_grad):
        return s
    mask = np.zeros(s._array.shape[:s.sparse_dim()], dtype=s._array.dtype)
    mask[tuple(s._sp_indices)] = 1
    return Tensor.__mul__(s, from_numpy(mask.reshape(mask.shape + (1,) * s.dense_dim())))


def spmm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input @ mat2`` of an (n, m) sparse or dense matrix and an (m, p) dense one (``torch.spmm``): dense.

    Raises:
        ShapeError: the shapes cannot be multiplied.
    """
    return mm(input, mat2) if isinstance(input, SparseCooTensor) else input.mm(mat2)


def dsmm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input @ mat2`` with a dense result, as ``torch.dsmm`` (linear_operator's interpolation calls it on a
    sparse ``input``): :func:`spmm`'s product.

    Raises:
        ShapeError: the shapes cannot be multiplied.
    """
    return spmm(input, mat2)


def mm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """``mat1 @ mat2``, as ``torch.sparse.mm``: dense for a dense ``mat2``, sparse if both are sparse. A
    sparse leaf's gradient is kept on its stored entries, as PyTorch's. (On dense operands PyTorch computes
    ``(mat2ᵀ mat1ᵀ)ᵀ``: its errors name the transposed shapes, as PyTorch's do.)

    Raises:
        ShapeError: the shapes cannot be multiplied.
    """
    if isinstance(mat1, SparseCooTensor):
        if isinstance(mat2, SparseCooTensor):
            return _sparse_product(_masked(mat1), _masked(mat2), "SparseSparseMatmulBackward0")
        return _named(Tensor.mm(_masked(mat1), mat2), "SparseAddmmBackward0")
    return mat2.t().mm(mat1.t()).transpose(0, 1)


def _sparse_product(mat1: Tensor, mat2: Tensor, name: str) -> SparseCooTensor:
    """The product of two sparse matrices (``mat1`` or ``mat2`` possibly their masked dense forms), sparse
    and coalesced with PyTorch's stored entries: every (i, j) some stored (i, k) and (k, j) meet at, even
    where the sum is 0. The first such product in a process makes PyTorch's note on its CSR support."""
    out = Tensor.matmul(mat1, mat2)  # (first: its errors for shapes that cannot be multiplied)
    _note_once("csr_noted", _CSR_NOTE)
    a, b = (m._sp_indices if isinstance(m, SparseCooTensor) else np.stack(np.nonzero(m._array))
            for m in (mat1, mat2))
    pa = np.zeros((mat1.shape[0], mat1.shape[1]), dtype=np.int64)
    pb = np.zeros((mat2.shape[0], mat2.shape[1]), dtype=np.int64)
    pa[tuple(a)], pb[tuple(b)] = 1, 1
    idx = np.stack(np.nonzero(pa @ pb)).astype(np.int64).reshape(2, -1)
    return _named(_make(idx, Tensor.__getitem__(out, _rows(idx)), tuple(out.shape), coalesced=True), name)


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1.0, alpha: float = 1.0) -> Tensor:
    """``beta * mat + alpha * (mat1 @ mat2)``, as ``torch.sparse.addmm`` (``mat1`` sparse or dense).

    Raises:
        ShapeError: the shapes cannot be multiplied or ``mat`` does not broadcast to the product.
    """
    if isinstance(mat1, SparseCooTensor):
        mat1 = _masked(mat1)
    return Tensor.addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def sum(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:  # noqa: A001,A002 - PyTorch's names
    """``torch.sparse.sum``: the sum of every entry (a 0-d dense tensor), or over ``dim`` (a sparse tensor
    while sparse dims remain, else dense).

    Raises:
        DimensionError: a dim out of range.
    """
    dense = input.to(dtype) if dtype is not None else input
    if dim is None:
        return Tensor.sum(dense)
    out: Tensor = Tensor.sum(dense, dim)
    dims = [dim] if isinstance(dim, int) else list(dim)
    left = input.sparse_dim() - _plain_sum(1 for d in dims if (d % input.dim()) < input.sparse_dim()) \
        if isinstance(input, SparseCooTensor) else out.dim()
    return _named(to_sparse(out, left), "SparseSumBackward0") if left > 0 else out


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """``torch.sparse.softmax``: softmax along ``dim`` over the stored entries only (the others count as
    -inf and stay unstored); a coalesced sparse result of the same pattern.

    Raises:
        DimensionError: ``dim`` out of range.
    """
    return _softmax(input, dim, dtype, log=False)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """``torch.sparse.log_softmax``: the log of :func:`softmax`, computed as ``x - log(sum(exp(x)))``.

    Raises:
        DimensionError: ``dim`` out of range.
    """
    return _softmax(input, dim, dtype, log=True)


def _softmax(input: Tensor, dim: int, dtype: Any, log: bool) -> Tensor:  # noqa: A002
    if not isinstance(input, SparseCooTensor):  # (a dense input: its ordinary softmax)
        return input.log_softmax(dim, dtype=dtype) if log else input.softmax(dim, dtype=dtype)
    mg = sys.modules["minigrad"]
    s = input.coalesce() if dtype is None else input.coalesce().to(dtype)
    d = norm_dim(dim, s.dim())
    values, idx, k = s.values(), s._sp_indices, s.sparse_dim()
    if d >= k:  # a dense dim: each stored value's own softmax
        out = values.log_softmax(d - k + 1) if log else values.softmax(d - k + 1)
    else:  # the entries that share every other sparse index form one group
        others = [j for j in range(k) if j != d]
        key = np.ravel_multi_index(tuple(idx[others]), tuple(s.shape[j] for j in others)) if others \
            else np.zeros(idx.shape[1], dtype=np.int64)
        groups, inverse = np.unique(key, return_inverse=True)
        peak = np.full((len(groups), *values.shape[1:]), -np.inf, dtype=values._array.dtype)
        np.maximum.at(peak, inverse, values._array)  # (a constant shift: softmax does not depend on it)
        where = from_numpy(inverse.astype(np.int64))
        shifted = values - from_numpy(peak[inverse])
        total = mg.zeros(peak.shape, dtype=values.dtype).index_add(0, where, shifted.exp())
        out = shifted - total.log()[where] if log else shifted.exp() / total[where]
    name = "SparseLogSoftmaxBackward0" if log else "SparseSoftmaxBackward0"
    return _named(_make(idx, out, tuple(s.shape), coalesced=True), name)


class _LegacyType(type):
    """The metaclass of the legacy ``torch.sparse.FloatTensor`` types: instances are the sparse tensors of
    that dtype."""

    _dtype: str

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, SparseCooTensor) and str(instance._sp_values._array.dtype) == cls._dtype


class _Legacy(metaclass=_LegacyType):
    _dtype = "float32"

    def __new__(cls, indices: Any, values: Any, size: Any = None) -> Any:
        shape = "" if size is None else "shape, "
        _note_once("legacy_shape_noted" if shape else "legacy_noted",
                   f"torch.sparse.SparseTensor(indices, values, {shape}*, device=) is deprecated.  Please "
                   f"use torch.sparse_coo_tensor(indices, values, {shape}dtype=, device=).")
        return sparse_coo_tensor(indices, values, size, check_invariants=False)  # (PyTorch's: no note)


class FloatTensor(_Legacy):
    """``torch.sparse.FloatTensor(indices, values, size)``: the deprecated form of :func:`sparse_coo_tensor`
    (the values keep their dtype, as PyTorch's); ``isinstance`` tests for a float32 sparse tensor."""

    _dtype = "float32"


class DoubleTensor(_Legacy):
    """``torch.sparse.DoubleTensor(indices, values, size)``: see :class:`FloatTensor` (float64)."""

    _dtype = "float64"


class LongTensor(_Legacy):
    """``torch.sparse.LongTensor(indices, values, size)``: see :class:`FloatTensor` (int64)."""

    _dtype = "int64"


provide(sys.modules[__name__])  # the Tensor methods to_sparse and to_sparse_coo call to_sparse here
