"""Helpers for people who test code written with minigrad, as ``torch.testing``.

>>> from minigrad.testing import assert_close
>>> assert_close(model(x), expected)           # dtype-based default tolerances
>>> assert_close(grads, {"w": gw, "b": gb}, rtol=1e-4, atol=1e-6)

:func:`assert_close` follows ``torch.testing.assert_close``: the same default
tolerances per dtype, the same rules for nested sequences and mappings, Python
scalars, None and bools, and the same first lines of its failure message,
followed by the worst element's values.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from minigrad import _draws, _format, factories
from minigrad._kernels import quiet
from minigrad.dtypes import DTypeLike, resolve_dtype
from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.shapes import shape_arg
from minigrad.size import Size
from minigrad.tensor import Array, Tensor, from_numpy, tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]

# (rtol, atol) by dtype, as torch.testing; every other dtype (ints, bool) compares exactly.
_DTYPE_PRECISIONS: dict[np.dtype[Any], tuple[float, float]] = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
    np.dtype(np.complex64): (1.3e-6, 1e-5),
    np.dtype(np.complex128): (1e-7, 1e-7),
}
# assert_allclose's own (rtol, atol) by dtype (PyTorch's deprecated function keeps its older table).
_ALLCLOSE_PRECISIONS: dict[np.dtype[Any], tuple[float, float]] = {
    np.dtype(np.float16): (1e-3, 1e-3), np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float64): (1e-5, 1e-8),
}
# A Python number counts as the dtype torch gives it.
_NUMBER_DTYPES: dict[type, np.dtype[Any]] = {
    int: np.dtype(np.int64), float: np.dtype(np.float64), complex: np.dtype(np.complex128),
}


class _MismatchError(Exception):
    """A failed comparison: the exception class to raise, its message, and the item path."""

    def __init__(self, kind: type[Exception], message: str, path: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.kind, self.message, self.path = kind, message, path

    def error(self, msg: str | Callable[[str], str] | None) -> Exception:
        if isinstance(msg, str):
            return self.kind(msg)
        text = self.message
        if self.path:
            text += "\n\nThe failure occurred for item " + "".join(f"[{p!r}]" for p in self.path)
        return self.kind(msg(text) if callable(msg) else text)


def _fail(message: str, kind: type[Exception] = AssertionError) -> NoReturn:
    raise _MismatchError(kind, message)


def _tolerances(dtypes: Sequence[np.dtype[Any]], rtol: float | None,
                atol: float | None) -> tuple[float, float]:
    if (rtol is None) != (atol is None):
        _fail("Both 'rtol' and 'atol' must be either specified or omitted, "
              f"but got no {'rtol' if rtol is None else 'atol'}.", ValueError)
    if rtol is not None and atol is not None:  # (a 0-d tensor tolerance counts as its number, as PyTorch's)
        return tuple(t.item() if isinstance(t, Tensor) and t.ndim == 0 else t for t in (rtol, atol))  # type: ignore[return-value]
    pairs = [_DTYPE_PRECISIONS.get(dt, (0.0, 0.0)) for dt in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _diff_line(kind: str, diff: float, index: tuple[int, ...] | None, tol: float, exact: bool) -> str:
    line = f"{kind.title()} difference: {diff}" if index is None else \
        f"Greatest {kind} difference: {diff} at index {index}"
    return line + ("" if exact else f" (up to {tol} allowed)")


def _scalar_message(actual: Any, expected: Any, rtol: float, atol: float) -> str:
    exact = rtol == 0 and atol == 0
    abs_diff = abs(actual - expected)
    rel_diff = math.inf if expected == 0 else abs_diff / abs(expected)
    return "\n".join([
        f"Scalars are not {'equal' if exact else 'close'}!", "", f"Expected {expected} but got {actual}.",
        _diff_line("absolute", abs_diff, None, atol, exact),
        _diff_line("relative", rel_diff, None, rtol, exact),
    ])


def _isclose(a: Array, e: Array, rtol: float, atol: float, equal_nan: bool) -> Array:
    """``|a - e| <= atol + rtol * |e|`` elementwise; infinities match only themselves, NaN per equal_nan."""
    if a.dtype.kind in "biu" and e.dtype.kind in "biu":
        a, e = a.astype(np.int64), e.astype(np.int64)
        if rtol == 0 and atol == 0:
            return np.asarray(a == e)
    return quiet(_close_mask, a, e, rtol, atol, equal_nan)  # inf - inf is nan, silently


def _close_mask(a: Array, e: Array, rtol: float, atol: float, equal_nan: bool) -> Array:
    close = np.asarray(np.abs(a - e) <= atol + rtol * np.abs(e)) & np.isfinite(a) & np.isfinite(e)
    close |= np.asarray(a == e)
    if equal_nan:
        close |= np.isnan(a) & np.isnan(e)
    return close


def _tensor_message(a: Array, e: Array, matches: Array, rtol: float, atol: float) -> str:
    exact = rtol == 0 and atol == 0
    n = matches.size
    bad = n - int(matches.sum())
    af, ef, mf = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if af.dtype.kind not in "fc":  # as PyTorch: integer differences in int64, ratios in float32
        af, ef = af.astype(np.int64), ef.astype(np.int64)
    abs_diff, rel_diff, excess = quiet(_differences, af, ef, mf, rtol, atol)  # x / 0 is inf, silently
    excess[np.isnan(excess)] = np.inf
    excess[mf] = -1

    def index(flat: int) -> tuple[int, ...]:
        return tuple(int(i) for i in np.unravel_index(flat, matches.shape))

    i_abs, i_rel, worst = int(np.argmax(abs_diff)), int(np.argmax(rel_diff)), int(np.argmax(excess))
    return "\n".join([
        f"Tensor-likes are not {'equal' if exact else 'close'}!", "",
        f"Mismatched elements: {bad} / {n} ({bad / n:.1%})",
        _diff_line("absolute", abs_diff[i_abs].item(), index(i_abs), atol, exact),
        _diff_line("relative", rel_diff[i_rel].item(), index(i_rel), rtol, exact),
        f"Worst element: index {index(worst)}, actual {af[worst].item()!r} vs expected {ef[worst].item()!r}",
    ])


def _differences(af: Array, ef: Array, mf: Array, rtol: float, atol: float) -> tuple[Array, Array, Array]:
    """Absolute and relative differences (0 where ``mf`` matched); each element's excess over its bound."""
    abs_diff = np.abs(af - ef)  # in the compared dtype, so the printed numbers are PyTorch's
    abs_diff[mf] = 0
    rel_diff = abs_diff / np.abs(ef)
    if af.dtype.kind not in "fc":
        rel_diff = rel_diff.astype(np.float32)
    rel_diff[mf] = 0
    # The worst element exceeds its own tolerance atol + rtol * |expected| by most (NaN counts as inf).
    excess = abs_diff.astype(np.float64) / (atol + rtol * np.abs(ef).astype(np.float64))
    return abs_diff, rel_diff, excess


def _as_array(value: Any) -> Array | None:
    if isinstance(value, Tensor):
        return value.numpy(force=True)
    if isinstance(value, np.ndarray):
        return value
    return None


def _compare_arrays(actual: Any, expected: Any, options: dict[str, Any]) -> None:
    a, e = _as_array(actual), _as_array(expected)
    assert a is not None and e is not None
    # PyTorch names the attributes by their reprs: torch.Size([3]) != torch.Size([3, 1]), torch.float32
    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match: {Size(a.shape)!r} != {Size(e.shape)!r}.")
    if options["check_dtype"] and a.dtype != e.dtype:
        ns = _format.NAMESPACE
        _fail(f"The values for attribute 'dtype' do not match: {ns}.{a.dtype} != {ns}.{e.dtype}.")
    if options["check_stride"] and a.strides != e.strides:
        _fail("The values for attribute 'stride()' do not match: "
              f"{tuple(s // a.itemsize for s in a.strides)} != {tuple(s // e.itemsize for s in e.strides)}.")
    rtol, atol = _tolerances([a.dtype, e.dtype], options["rtol"], options["atol"])
    if a.dtype != e.dtype:
        common = np.result_type(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    matches = _isclose(a, e, rtol, atol, options["equal_nan"])
    if matches.all():
        return
    if a.ndim == 0:
        _fail(_scalar_message(a.item(), e.item(), rtol, atol))
    _fail(_tensor_message(a, e, matches, rtol, atol))


def _compare_numbers(actual: Any, expected: Any, options: dict[str, Any]) -> None:
    a = actual.item() if isinstance(actual, np.number) else actual
    e = expected.item() if isinstance(expected, np.number) else expected
    if options["check_dtype"] and type(a) is not type(e):
        _fail(f"The (d)types do not match: {type(a)} != {type(e)}.")
    dtypes = [_NUMBER_DTYPES[type(a)], _NUMBER_DTYPES[type(e)]]
    rtol, atol = _tolerances(dtypes, options["rtol"], options["atol"])
    if a == e or (options["equal_nan"] and a != a and e != e):
        return
    diff = abs(a - e)
    if math.isfinite(diff) and diff <= atol + rtol * abs(e):
        return
    _fail(_scalar_message(a, e, rtol, atol))


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, complex, np.number)) and not isinstance(x, (bool, np.bool_))


def _compare(actual: Any, expected: Any, path: tuple[Any, ...], options: dict[str, Any]) -> None:
    try:
        _compare_one(actual, expected, path, options)
    except _MismatchError as m:
        if not m.path:
            m.path = path
        raise


def _compare_one(actual: Any, expected: Any, path: tuple[Any, ...], options: dict[str, Any]) -> None:
    seq = (Sequence,)
    if isinstance(actual, seq) and isinstance(expected, seq) and not isinstance(actual, str) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (x, y) in enumerate(zip(actual, expected)):
            _compare(x, y, (*path, i), options)
        return
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            _fail("The keys of the mappings do not match:\n"
                  f"Missing keys in the actual mapping: {sorted(set(expected) - set(actual), key=repr)}\n"
                  f"Additional keys in the actual mapping: {sorted(set(actual) - set(expected), key=repr)}")
        try:
            keys = sorted(actual)
        except TypeError:
            keys = list(actual)
        for k in keys:
            _compare(actual[k], expected[k], (*path, k), options)
        return
    if actual is None or expected is None:
        if not (actual is None and expected is None):
            _fail(f"None mismatch: {actual} is not {expected}")
        return
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) is not bool(expected):
            _fail(f"Booleans mismatch: {bool(actual)} is not {bool(expected)}")
        return
    if _is_number(actual) and _is_number(expected):
        _compare_numbers(actual, expected, options)
        return
    a, e = _as_array(actual), _as_array(expected)
    if a is not None and e is not None:
        related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
        if related and (options["allow_subclasses"] or type(actual) is type(expected)):
            _compare_arrays(actual, expected, options)
            return
    hint = " (compare a Tensor with a Tensor, e.g. mg.tensor(expected), or two arrays via .numpy())" \
        if a is not None and e is not None else ""
    _fail(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.{hint}",
          TypeError)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Assert that ``actual`` and ``expected`` are close, as ``torch.testing.assert_close``.

    Values match when ``|actual - expected| <= atol + rtol * |expected|``;
    infinities only match the same infinity, NaNs only with ``equal_nan``.
    Inputs may be Tensors, numpy arrays, Python numbers, bools, None, and
    sequences or mappings of those (compared item by item; a Tensor is not
    compared with an array: make both Tensors or both arrays). Tensors must
    have the same shape, and the same dtype unless ``check_dtype=False``
    (then both are promoted to a common dtype).

    Default tolerances (both ``rtol`` and ``atol`` omitted) depend on the
    dtype, as in PyTorch; with two dtypes the looser of each is used:

    ============  ==========  ========
    dtype         rtol        atol
    ============  ==========  ========
    float16       1e-3        1e-5
    float32       1.3e-6      1e-5
    float64       1e-7        1e-7
    other         0           0
    ============  ==========  ========

    ``check_device`` and ``check_layout`` are accepted and have nothing to
    check (every tensor is a dense CPU array); ``check_stride`` compares
    strides in elements.

    Raises:
        AssertionError: the values, shapes, dtypes, lengths or keys differ.
            The message gives the number of mismatched elements, the greatest
            absolute and relative differences with their indices (PyTorch's
            lines), and the worst element's two values. ``msg`` replaces it
            (a string) or rewrites it (a callable).
        ValueError: only one of ``rtol`` and ``atol`` was given.
        TypeError: inputs of types that cannot be compared (a Tensor and an
            array, a number and a string, ...).
    """
    __tracebackhide__ = True
    del check_device, check_layout
    options = {"allow_subclasses": allow_subclasses, "rtol": rtol, "atol": atol, "equal_nan": equal_nan,
               "check_dtype": check_dtype, "check_stride": check_stride}
    try:
        _compare(actual, expected, (), options)
    except _MismatchError as m:
        raise m.error(msg) from None


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """The deprecated ``torch.testing.assert_allclose`` (torchsde's and torchcde's tests call it): warns
    its FutureWarning, makes tensors of non-tensor inputs (``expected`` in ``actual``'s dtype), then is
    :func:`assert_close` without the dtype and stride checks, NaNs equal by default, and its own default
    tolerances (float16 1e-3/1e-3, float32 1e-4/1e-5, float64 1e-5/1e-8: rtol/atol, the looser of the two
    inputs' dtypes).

    Raises:
        AssertionError: the values or shapes differ (``msg``, if given, is the message).
        ValueError: only one of ``rtol`` and ``atol`` was given.
    """
    __tracebackhide__ = True
    warnings.warn(
        "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future release. "
        "Please use `torch.testing.assert_close()` instead. You can find detailed upgrade instructions in "
        "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_ALLCLOSE_PRECISIONS.get(t.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False,
                 check_stride=False, msg=msg or None)


def _bounds(dt: np.dtype[Any], low: float | None, high: float | None) -> tuple[float, float]:
    """make_tensor's range: PyTorch's per-dtype default, a given bound clamped to what the dtype holds."""
    lo: float
    hi: float
    lo, hi = {"b": (0, 2), "u": (0, 10), "i": (-9, 10)}.get(dt.kind, (-9, 9))
    info: Any = np.finfo(dt) if dt.kind == "f" else np.iinfo(dt) if dt.kind in "iu" else None
    lo = lo if low is None else max(low, info.min) if info is not None else low
    hi = hi if high is None else min(high, info.max) if info is not None else high
    if lo > hi or (lo == hi and dt.kind != "f"):
        raise InvalidParameterError(f"make_tensor: `low` must be less than `high`, but got {lo} >= {hi}")
    return lo, hi


def make_tensor(*shape: Any, dtype: DTypeLike, device: Any = None, low: float | None = None,
                high: float | None = None, requires_grad: bool = False, noncontiguous: bool = False,
                exclude_zero: bool = False, memory_format: Any = None) -> Tensor:
    """A tensor of ``shape`` (ints or one tuple) filled with random values, as ``torch.testing.make_tensor``.

    Floats are uniform in [low, high] (default [-9, 9]); integers uniform in
    [low, high) (default [-9, 10), uint8 [0, 10)); bools are True or False.
    ``noncontiguous`` gives a strided view of a twice-as-long last dim;
    ``exclude_zero`` replaces zeros by 1 (integers) or the dtype's tiniest
    normal number. Draws come from minigrad's global generator.

    Raises:
        InvalidParameterError: ``low`` is not below ``high`` (equal bounds are allowed for floats), or
            ``requires_grad`` with a non-float dtype (PyTorch's ValueErrors).
    """
    del device, memory_format  # (every tensor is a row-major CPU array)
    dims, dt = shape_arg(shape), resolve_dtype(dtype)
    if requires_grad and dt.kind != "f":
        raise InvalidParameterError("`requires_grad=True` is not supported for boolean and integral dtypes, "
                                    f"but got dtype=torch.{dt}")
    lo, hi = _bounds(dt, low, high)
    strided = noncontiguous and math.prod(dims) > 1
    if strided:  # PyTorch's: draw a twice-as-long last dim, keep every other element from the second
        dims = (*dims[:-1], 2 * dims[-1])
    if dt.kind in "biu":
        top = max(math.ceil(hi), math.ceil(lo) + 1)
        values = factories.randint(math.ceil(lo), top, dims).numpy(force=True).astype(dt)
    elif dt in (np.float16, np.float32, np.float64):  # uniform_ in the dtype, the stream PyTorch's draws
        values = _draws.uniform(default_generator, dims, lo, hi, dt)
    else:
        values = (factories.rand(tuple(dims), dtype=np.float64).numpy(force=True) * (hi - lo) + lo).astype(dt)
    if exclude_zero:
        values[values == 0] = 1 if dt.kind in "biu" else np.finfo(dt).tiny
    if strided:
        values = values[..., 1::2]
    t = from_numpy(values)
    return t.requires_grad_(True) if requires_grad else t
