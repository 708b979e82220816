"""Shape rules: dims and shape arguments, the shapes of reductions and reshapes, broadcasting.

Plain tuples in, plain tuples out; the errors name the values, as PyTorch's
do (an out-of-range dim is a :class:`DimensionError`, an ``IndexError``).
Of minigrad this module imports only the errors, so every layer may use it.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from minigrad.errors import DimensionError, ShapeError

_INT_DTYPES = tuple(np.dtype(n) for n in ("int64", "int32", "int16", "int8", "uint8"))


def _index_or_none(value: Any) -> Any:
    """An integer 0-d tensor's int (PyTorch takes one wherever an int goes: ``x.sum(torch.tensor(1))``)."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def int_argument(value: Any) -> Any:
    """``value`` as an int where PyTorch's argument parser takes an int: a Python or numpy int, or a 0-d
    integer tensor (``torch.linspace(a, b, torch.tensor(3))``: vector_quantize_pytorch's level counts);
    None for anything else (a bool, a float, a tensor with dims)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return value
    return _index_or_none(value) if getattr(value, "ndim", None) == 0 else None


def norm_dim(dim: int, ndim: int) -> int:
    """``dim`` as a non-negative index into ``ndim`` dims (a 0-d tensor has dims 0 and -1).

    Raises:
        TypeError: ``dim`` is not an int.
        DimensionError: ``dim`` is out of range.
    """
    if type(dim) is int and -ndim <= dim < ndim:  # (the usual call: one type test, one range test)
        return dim % ndim
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        index = _index_or_none(dim)
        if index is None:
            raise TypeError(f"dim must be an int, got {dim!r}")
        dim = index
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise DimensionError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return int(dim) % n


def norm_dims(dim: int | Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    """A reduction's ``dim`` as a sorted tuple of non-negative ints (None: all dims).

    Raises:
        TypeError: not an int or a sequence of ints.
        DimensionError: a dim is out of range or repeated.
    """
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        dims: tuple[Any, ...] = (dim,)
    elif isinstance(dim, (tuple, list)):
        if not dim:  # PyTorch: an empty dim list reduces over every dim
            return None
        dims = tuple(dim)
    elif _index_or_none(dim) is not None:
        dims = (_index_or_none(dim),)
    else:
        raise TypeError(f"dim must be an int or a tuple of ints, got {dim!r}")
    out = tuple(sorted({norm_dim(d, ndim) for d in dims}))
    if len(out) != len(dims):
        seen = [norm_dim(d, ndim) for d in dims]
        twice = next(d for i, d in enumerate(seen) if d in seen[:i])
        raise DimensionError(f"dim {twice} appears multiple times in the list of dims")
    return out if ndim > 0 else ()


def shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """A shape given as ints or as one tuple/list (``zeros(2, 3)`` and ``zeros((2, 3))``).

    Raises:
        TypeError: an entry is not an int.
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:  # the usual call: Python ints, returned as they are
        if type(s) is not int:
            break
    else:
        return shape
    for s in shape:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            if getattr(s, "dtype", None) in _INT_DTYPES and (
                    s.ndim == 0 if isinstance(s, np.ndarray) else math.prod(getattr(s, "shape", ())) == 1):
                continue  # a one-element integer tensor (any ndim; of arrays 0-d) is its int, as in PyTorch
            raise TypeError(f"shape entries must be ints, got {shape!r}")
    return tuple(operator.index(s) for s in shape)


def reduced_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` without the reduced ``dims`` (None: all)."""
    if dims is None:
        return ()
    return tuple(s for i, s in enumerate(shape) if i not in dims)


@functools.lru_cache(maxsize=1024)  # (every reduction's backward asks it: a few shapes per model)
def keepdim_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``dims`` (None: all) kept as size 1."""
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def infer_reshape(target: tuple[int, ...], size: int, source: tuple[int, ...]) -> tuple[int, ...]:
    """The reshape target with its one -1 filled in, for ``size`` elements of shape ``source``.

    Raises:
        ShapeError: more than one -1, a negative size, or a different element count.
    """
    if target and min(target) >= 0:  # no size to infer (one C call decides)
        if math.prod(target) != size:
            raise ShapeError(f"shape '{list(target)}' is invalid for input of size {size} (reshape: {target} "
                             f"from {source})")
        return target
    if target.count(-1) == 1 and min(target) == -1:  # one size to infer (view(-1), view(b, -1)): no error
        known = -math.prod(target)
        if known and not size % known:
            i = target.index(-1)
            return (*target[:i], size // known, *target[i + 1:])
    unknown = [i for i, s in enumerate(target) if s == -1]
    if len(unknown) > 1 or any(s < -1 for s in target):  # (PyTorch's words for the first dim at fault)
        first = next(i for i, s in enumerate(target) if s < -1 or (s == -1 and i > unknown[0]))
        words = "only one dimension can be inferred" if target[first] == -1 else \
            f"invalid shape dimension {target[first]} at index {first} of shape {list(target)}"
        raise ShapeError(f"{words} (reshape: invalid target shape {target} for a tensor of shape {source})")
    known = math.prod(s for s in target if s != -1)
    if unknown:
        if known == 0 and size == 0:  # (PyTorch's words)
            raise ShapeError(f"cannot reshape tensor of {size} elements into shape {list(target)} because "
                             "the unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or size % known:
            raise ShapeError(f"shape '{list(target)}' is invalid for input of size {size} (reshape: {target} "
                             f"from {source})")
        target = tuple(size // known if s == -1 else s for s in target)
    elif known != size:
        raise ShapeError(f"shape '{list(target)}' is invalid for input of size {size} (reshape: {target} "
                         f"from {source})")
    return target


def _listed(shapes: Sequence[tuple[int, ...]]) -> str:
    names = [str(tuple(s)) for s in shapes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_broadcast(what: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape ``shapes`` broadcast to together.

    Raises:
        ShapeError: they do not broadcast; the message names ``what`` and every shape.
    """
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise broadcast_error(what, *shapes) from None


def broadcast_error(what: str, *shapes: Sequence[int]) -> ShapeError:
    """The ShapeError for ``shapes`` that do not broadcast together: PyTorch's sentence first (for two
    shapes: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"),
    then ``what`` and every shape."""
    listed = _listed([tuple(s) for s in shapes])
    if len(shapes) != 2:
        return ShapeError(f"{what}: shapes {listed} cannot be broadcast together")
    return ShapeError(f"{size_mismatch(*shapes)} ({what}: shapes {listed} cannot be broadcast together)")


def size_mismatch(a: Sequence[int], b: Sequence[int]) -> str:
    """PyTorch's sentence for shapes ``a`` and ``b`` that do not broadcast: the last dim where they clash,
    numbered in the broadcast result ("The size of tensor a (3) must match the size of tensor b (4) at
    non-singleton dimension 0")."""
    ndim = max(len(a), len(b))
    for i in range(ndim - 1, -1, -1):
        off = ndim - 1 - i
        x = a[len(a) - 1 - off] if off < len(a) else 1
        y = b[len(b) - 1 - off] if off < len(b) else 1
        if x != y and x != 1 and y != 1:
            return (f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                    f"dimension {i}")
    return f"shapes {tuple(a)} and {tuple(b)} broadcast"


def check_broadcast_to(what: str, shape: tuple[int, ...], target: tuple[int, ...]) -> None:
    """Check that ``shape`` broadcasts to ``target`` itself (an in-place op cannot grow its tensor).

    Raises:
        ShapeError: it does not; the message names ``what`` and both shapes.
    """
    try:
        full = np.broadcast_shapes(shape, target)
    except ValueError:  # (PyTorch's words: the tensor is its a, the operand its b)
        raise ShapeError(f"{size_mismatch(target, shape)} ({what}: shape {tuple(shape)} cannot be broadcast "
                         f"to {tuple(target)})") from None
    if full != tuple(target):
        raise ShapeError(f"output with shape {list(target)} doesn't match the broadcast shape {list(full)} "
                         f"({what}: shape {tuple(shape)} cannot be broadcast to {tuple(target)})")


def no_dim(i: Any) -> bool:
    """Whether index entry ``i`` takes no dim (None, Ellipsis, a bool, a 0-d array): a 0-d tensor's kind."""
    return i is None or i is Ellipsis or isinstance(i, (bool, np.bool_)) or (isinstance(i, np.ndarray) and
                                                                            i.ndim == 0)


def index_error(index: Any, shape: tuple[int, ...], e: IndexError) -> DimensionError:
    """numpy's IndexError for ``index`` into ``shape``, in PyTorch's words ("dimension", not "axis")."""
    msg = str(e)
    bounds = re.match(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", msg)
    if bounds:
        i, d, n = bounds.groups()
        where = f"dimension {d}" if n != "0" else "dimension"  # (PyTorch names no dim when it is empty)
        msg = f"index {i} is out of bounds for {where} with size {n}"
    elif msg.startswith("too many indices"):
        msg = f"too many indices for tensor of dimension {len(shape)}"
    return DimensionError(f"{msg} (index {index!r} into a tensor of shape {tuple(shape)})")


def dims_used(i: Any) -> int:
    """How many dims of the indexed tensor index entry ``i`` takes (a mask: its own ndim)."""
    if i is None or i is Ellipsis or isinstance(i, (bool, np.bool_)):
        return 0
    if hasattr(i, "dtype") and i.dtype in (np.bool_, np.uint8):  # (uint8: a mask, as in PyTorch)
        return int(i.ndim)
    return 1


def spread_ellipses(items: tuple[Any, ...], ndim: int) -> tuple[Any, ...]:
    """PyTorch's reading of an index with several ``...``: each skips the dims the other indices leave
    (ndim less those that take a dim; a mask takes its own), so each becomes as many full slices; those at
    the end select nothing and are dropped (x[..., ...] is x; x[..., 0, ...] of a matrix is x[:, 0])."""
    taken = sum(0 if i is None or i is Ellipsis or type(i) is bool else
                i.ndim if getattr(i, "dtype", None) in (np.bool_, np.uint8) and hasattr(i, "ndim") else 1
                for i in items)
    if taken > ndim:
        return items  # (too many indices: the caller's error)
    out = [j for i in items for j in ((_SKIPPED,) * (ndim - taken) if i is Ellipsis else (i,))]
    while out and out[-1] is _SKIPPED:
        out.pop()
    return tuple(out)


_SKIPPED = slice(None)  # (one object: the slices an ellipsis stands for, told apart from written ones)


def check_mask(mask: Any, items: tuple[Any, ...], k: int, shape: tuple[int, ...]) -> None:
    """A bool mask must have the shape of the dims it selects from (PyTorch's IndexError)."""
    if any(i is Ellipsis for i in items[:k]):
        start = len(shape) - sum(dims_used(i) for i in items[k:])
    else:
        start = sum(dims_used(i) for i in items[:k])
    if start < 0 or start + mask.ndim > len(shape):
        raise DimensionError(f"too many indices for tensor of dimension {len(shape)}")
    for j, (m, n) in enumerate(zip(mask.shape, shape[start:])):
        if m != n:  # (PyTorch's words: the mask's dim j, the tensor's dim start + j)
            raise DimensionError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the "
                                 f"shape of the indexed tensor {list(shape)} at index {start + j}")


def expand_error(shape: tuple[int, ...], target: tuple[int, ...], d: int, type_name: str = "") -> ShapeError:
    """PyTorch's error for expanding ``shape`` to ``target``, whose dim ``d`` does not fit (a negative size in
    a new leading dim; with ``type_name``, the tensor's legacy type name, too few sizes)."""
    if type_name:
        return ShapeError(f"expand({type_name}{{{list(shape)}}}, size={list(target)}): the number of "
                          f"sizes provided ({len(target)}) must be greater or equal to the number of "
                          f"dimensions in the tensor ({len(shape)}) (expand: {tuple(shape)} to "
                          f"{tuple(target)})")
    lead = len(target) - len(shape)
    if d < lead:
        return ShapeError(f"The expanded size of the tensor ({target[d]}) isn't allowed in a leading, "
                          f"non-existing dimension {d} (expand: {tuple(shape)} to {tuple(target)})")
    s = shape[d - lead]
    return ShapeError(f"The expanded size of the tensor ({target[d]}) must match the existing size ({s}) at "
                      f"non-singleton dimension {d}.  Target sizes: {list(target)}.  Tensor sizes: "
                      f"{list(shape)} (expand: {tuple(shape)} to {tuple(target)})")


def expand_to_error(shape: tuple[int, ...], target: tuple[int, ...], type_name: str) -> ShapeError | None:
    """PyTorch's error for expanding ``shape`` to ``target`` (the last dim that clashes), or None if it fits;
    ``type_name``: the tensor's legacy type name, which the too-many-dims words name."""
    if len(shape) > len(target):
        return expand_error(shape, target, -1, type_name)
    lead = len(target) - len(shape)
    d = next((i for i in range(len(target) - 1, lead - 1, -1) if shape[i - lead] not in (1, target[i])), None)
    return None if d is None else expand_error(shape, target, d)


def _first_lengths(data: Any) -> list[int]:
    """The shape a nested sequence announces along its first elements (what PyTorch expects of the rest)."""
    shape = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    return shape


def _ragged(x: Any, shape: list[int], dim: int) -> Exception | None:
    """PyTorch's error for the first element (depth first) that breaks the shape the first elements announce:
    a sequence of another length (ValueError), a number where a sequence belongs or a sequence where a
    number does (TypeError); None if there is none."""
    seq = isinstance(x, (list, tuple))
    if dim == len(shape):
        if not seq:
            return None
        first: Any = x
        while isinstance(first, (list, tuple)) and first:
            first = first[0]
        return TypeError(f"must be real number, not {type(x).__name__}" if isinstance(first, float) else
                         f"'{type(x).__name__}' object cannot be interpreted as an integer")
    if not seq:
        return TypeError("not a sequence")
    if len(x) != shape[dim]:
        return ShapeError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(x)})")
    return next((e for y in x if (e := _ragged(y, shape, dim + 1))), None)


def ragged_error(data: Any) -> Exception | None:
    """PyTorch's error for a nested sequence that is not a block (``tensor([[1, 2], [3]])``), or None."""
    return _ragged(data, _first_lengths(data), 0)


def _leaves(x: Any) -> Iterator[Any]:
    if isinstance(x, (list, tuple)):
        for y in x:
            yield from _leaves(y)
    else:
        yield x


def no_dtype_words(data: Any, detail: str) -> str:
    """The message for Python data no dtype fits (``tensor(["a"])``, ``tensor([1, None])``, ``tensor(None)``):
    PyTorch's words, then ``detail`` in parentheses (``detail`` alone if ``data`` holds no such value)."""
    words = _no_dtype(data)
    return detail if words is None else f"{words} ({detail})"


def _no_dtype(data: Any) -> str | None:
    numbers = (bool, int, float, complex, np.generic, np.ndarray)
    for leaf in _leaves(data):  # (PyTorch infers the dtype over every element first)
        if not isinstance(leaf, (*numbers, str, bytes)) and not hasattr(leaf, "__array__"):
            return f"Could not infer dtype of {type(leaf).__name__}"
    first = data
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    if isinstance(first, str):  # (a string is a sequence of strings: PyTorch's sizes never end)
        return "too many dimensions 'str'"
    bad = next((leaf for leaf in _leaves(data) if isinstance(leaf, (str, bytes))), None)
    return None if bad is None else f"new(): invalid data type '{type(bad).__name__}'"
