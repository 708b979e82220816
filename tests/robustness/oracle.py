"""The fuzzing oracle: run a bad input through minigrad and PyTorch and judge the outcome.

A bad input passes when minigrad either

* raises one of its own errors (a :class:`minigrad.MinigradError` subclass) or a
  ``TypeError`` (where Python itself would), with a message of some substance, or
* returns a result equal to PyTorch's (same shape, same dtype family, same
  values with NaN at the same places).

It fails when minigrad lets a foreign exception escape (a bare numpy
``ValueError``, ``IndexError``, ``ZeroDivisionError``, ``AttributeError``, ...)
or returns a result PyTorch would not: a different value, or a value where
PyTorch refuses the input. The tolerated differences are listed in
:data:`RELAXED` (PyTorch has no kernel for some int/bool inputs where minigrad
promotes to float; minigrad accepts numpy's negative slice steps, scalars in
``maximum``, mixed dtypes in ``matmul``); such a result must then equal
PyTorch's on an equivalent input.

Every distinct bad input goes into :data:`TRIED`, reported at the end of the
run by ``tests/robustness/conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import minigrad as mg

#: the exceptions a bad input may raise
ACCEPTED: tuple[type[BaseException], ...] = (mg.MinigradError, TypeError)

#: keys of the distinct bad inputs tried in this run
TRIED: set[str] = set()

#: keys where PyTorch refused an input that minigrad deliberately accepts (see RELAXED)
RELAXED_SEEN: set[str] = set()

#: PyTorch refusals that minigrad relaxes on purpose. The answer must then
#: equal PyTorch's on an equivalent input (float-promoted operands, a tensor in
#: place of a scalar, numpy's indexing for a negative step), value for value.
RELAXED = re.compile(
    r"not implemented for '(Long|Bool|Int|Byte)'|Boolean inputs not supported|does not support bool"
    r"|only support floating|could not infer output dtype"
    # mixed float32/float64 or int/float matmul: minigrad promotes like every other binary op
    r"|(to|must|should) have (the )?same dtype|expected scalar type \w+ but found \w+"
    r"|operator, (on|with) (a|two) bool tensor"  # +bool, bool - 1: Python/numpy arithmetic
    r"|must be Tensor, not"  # maximum(x, 2.0): a scalar operand, like every other binary op
    r"|step must be greater than zero"  # x[::-1]: numpy's negative steps
    r"|must share same datatype|can't be cast to the desired output type"  # float64 input, int target
    r"|'(int|float|bool|list)' object has no attribute 'size'",  # a Python number as a loss target
)
#: builtin exceptions minigrad may raise where PyTorch raises the very same type
#: (``register_buffer("a.b", ...)`` is a KeyError in both)
SAME_AS_TORCH: tuple[type[BaseException], ...] = (KeyError,)
#: keys where minigrad differs from PyTorch's float32 kernel but equals its float64 answer
FLOAT64_AGREES: set[str] = set()
# minigrad's dtypes: the four of the fuzzed ops, and the narrow ones numpy data of that dtype keeps (as in
# PyTorch: tensor(np.array(..., np.uint8)) is uint8)
_DTYPES = tuple(np.dtype(d) for d in mg.dtypes.DTYPES)


def record(key: str) -> None:
    """Count ``key`` as one distinct bad input."""
    TRIED.add(key)


def describe(x: Any) -> str:
    """A short, deterministic description of an argument, used in keys."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "fc" and x.size:
            tags = "".join(t for t, m in (("n", np.isnan(x).any()), ("i", np.isinf(x).any())) if m)
            return f"{x.dtype}{list(x.shape)}{tags}"
        return f"{x.dtype}{list(x.shape)}"
    if isinstance(x, (list, tuple)):
        return (
            ("[" if isinstance(x, list) else "(")
            + ",".join(describe(v) for v in x)
            + ("]" if isinstance(x, list) else ")")
        )
    if isinstance(x, float) and not np.isfinite(x):
        return repr(x)
    return repr(x)[:40]


def _fail_on_foreign(key: str, e: BaseException) -> None:
    if not isinstance(e, ACCEPTED):
        raise AssertionError(
            f"{key}: raised a bare {type(e).__module__}.{type(e).__name__} instead of a minigrad error: {e}"
        ) from e
    msg = str(e)
    assert len(msg) >= 12, f"{key}: the {type(e).__name__} message is too thin to act on: {msg!r}"


def expect_error(
    key: str,
    fn: Callable[[], Any],
    types: tuple[type[BaseException], ...] = ACCEPTED,
    names: Sequence[str] = (),
) -> BaseException:
    """``fn()`` must raise one of ``types`` whose message mentions every string in ``names``."""
    record(key)
    try:
        result = fn()
    except BaseException as e:
        _fail_on_foreign(key, e)
        assert isinstance(e, types), (
            f"{key}: expected {[t.__name__ for t in types]}, got {type(e).__name__}: {e}"
        )
        msg = str(e)
        for n in names:
            assert n in msg, f"{key}: message does not mention {n!r}: {msg}"
        return e
    raise AssertionError(f"{key}: expected an error, got a result: {result!r:.200}")


def _flat(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in _flat(item)]
    return [x]


def _to_numpy(x: Any) -> Any:
    if isinstance(x, mg.Tensor):
        return x.detach().numpy()
    if type(x).__module__.startswith("torch"):
        return x.detach().numpy() if hasattr(x, "detach") else x
    return x


def _family(dt: np.dtype[Any]) -> str:
    return {"b": "bool", "i": "int", "u": "int", "f": "float"}.get(dt.kind, dt.kind)


def assert_same(
    key: str, got: Any, want: Any, dtypes: bool = True, overflow_order: bool = False,
    tol: float | np.ndarray | None = None,
) -> None:
    """Results agree: same structure, shapes, dtype family (if ``dtypes``) and values (NaN where NaN).

    ``overflow_order``: the result sums values that overflow, so whether an entry
    ends up inf, -inf or nan depends on the summation order (BLAS, pairwise
    summation); only the entries finite in both are compared then, and the
    absolute tolerance scales with the largest of them: a sum's rounding error
    follows the size of its terms, so an entry where terms of ~1e37 cancel to
    ~1e35 carries an error far beyond ``tol`` of itself in either library.
    """
    g_items, w_items = _flat(got), _flat(want)
    assert len(g_items) == len(w_items), f"{key}: {len(g_items)} outputs, PyTorch gives {len(w_items)}"
    for g, w in zip(g_items, w_items, strict=True):
        if g is w:  # the very object handed back (Identity of a non-tensor)
            continue
        g, w = _to_numpy(g), _to_numpy(w)
        if g is None or w is None or isinstance(g, str) or isinstance(w, str):
            assert g == w, f"{key}: got {g!r}, PyTorch gives {w!r}"
            continue
        if not isinstance(w, np.ndarray):
            assert not isinstance(g, np.ndarray) or g.size == 1, f"{key}: got {g!r}, PyTorch gives {w!r}"
            np.testing.assert_allclose(
                np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, err_msg=key
            )
            continue
        g = np.asarray(g)
        assert g.shape == w.shape, f"{key}: shape {g.shape}, PyTorch gives {w.shape}"
        if dtypes:
            assert _family(g.dtype) == _family(w.dtype), f"{key}: dtype {g.dtype}, PyTorch gives {w.dtype}"
        if overflow_order:
            both = np.isfinite(g.astype(np.float64)) & np.isfinite(w.astype(np.float64))
            g, w = g[both], w[both]
            if isinstance(tol, np.ndarray):
                tol = np.broadcast_to(tol, both.shape)[both]
        if g.dtype.kind == "f" or w.dtype.kind == "f":
            if tol is None:
                tol = 2e-5 if np.float32 in (g.dtype, w.dtype) else 1e-10
            atol = tol
            if overflow_order and w.size:
                atol = tol * max(1.0, float(np.abs(w.astype(np.float64)).max()))
            if isinstance(tol, np.ndarray):  # one tolerance per element (numpy's report formats one number)
                close = np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=tol, atol=atol,
                                   equal_nan=True)
                assert close.all(), (f"{key}: {g[~close][:4]} where PyTorch gives {w[~close][:4]} (rtol "
                                     f"{np.broadcast_to(tol, close.shape)[~close][:4]})")
            else:
                np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=tol, atol=atol,
                                           equal_nan=True, err_msg=key)
        else:
            np.testing.assert_array_equal(g, w, err_msg=key)


def check(
    key: str,
    mg_fn: Callable[[], Any],
    torch_fn: Callable[[], Any],
    equiv: Callable[[], Any] | None = None,
    dtypes: bool = True,
    overflow_order: bool = False,
    tol: float | np.ndarray | None = None,
) -> Any:
    """Judge one bad input; returns minigrad's result (None if it raised).

    ``equiv`` computes PyTorch's answer on an equivalent input; it is used only
    when PyTorch refuses with one of the :data:`RELAXED` messages and minigrad
    answered. ``dtypes=False`` compares values only; ``overflow_order`` as in
    :func:`assert_same`; ``tol`` overrides the dtype's tolerance (a number, or one per element).
    With ``ROBUSTNESS_TRIAGE=1`` in the environment failures are
    printed and the run goes on (to list every finding at once while fixing).
    """
    if os.environ.get("ROBUSTNESS_TRIAGE"):
        try:
            return _check(key, mg_fn, torch_fn, equiv, dtypes, overflow_order, tol)
        except AssertionError as e:
            print(f"TRIAGE {str(e)[:400]}")
            return None
    return _check(key, mg_fn, torch_fn, equiv, dtypes, overflow_order, tol)


def _torch_warnings(torch_fn: Callable[[], Any], equiv: Callable[[], Any] | None) -> set[type[Warning]]:
    """The warning categories PyTorch emits for the input (for the equivalent call if it refuses it)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            torch_fn()
        except Exception as e:
            if equiv is not None and RELAXED.search(str(e)):
                with contextlib.suppress(Exception):
                    equiv()
    return {w.category for w in caught}


def _from_user_code(e: BaseException) -> bool:
    """The exception was raised outside the minigrad package (in a test's own callback)."""
    tb = e.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and "/minigrad/" not in last and "numpy" not in last


def _torch_raises_same(e: BaseException, torch_fn: Callable[[], Any]) -> bool:
    """PyTorch raises the same builtin type (KeyError for a dotted buffer name, or the user's own
    exception from a callback such as an ``lr_lambda``, passed through)."""
    if type(e) not in SAME_AS_TORCH and not _from_user_code(e):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch_fn()
    except Exception as te:
        return type(te) is type(e)
    return False


def _check(
    key: str,
    mg_fn: Callable[[], Any],
    torch_fn: Callable[[], Any],
    equiv: Callable[[], Any] | None,
    dtypes: bool,
    overflow_order: bool,
    tol: float | np.ndarray | None,
) -> Any:
    record(key)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = mg_fn()
    except BaseException as e:
        if not _torch_raises_same(e, torch_fn):
            _fail_on_foreign(key, e)
        return None
    for w in caught:  # numpy's RuntimeWarnings never; a UserWarning only where PyTorch warns too
        assert issubclass(w.category, UserWarning), (
            f"{key}: minigrad warned {w.category.__name__}: {w.message}"
        )
        assert w.category in _torch_warnings(torch_fn, equiv), (
            f"{key}: minigrad warned {w.category.__name__} ({w.message}) where PyTorch does not"
        )
    for item in _flat(got):
        if isinstance(item, mg.Tensor):
            assert item.dtype in _DTYPES, f"{key}: result of dtype {item.dtype}, outside minigrad's"
    try:
        with warnings.catch_warnings():  # PyTorch's own UserWarnings are not its answer
            warnings.simplefilter("ignore")
            want = torch_fn()
    except Exception as e:
        if equiv is not None and RELAXED.search(str(e)):
            RELAXED_SEEN.add(key)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                alt = equiv()
            # the equivalent call runs in float64 where minigrad mixed in float32: float32's tolerance
            relaxed_tol = 2e-5 if tol is None else tol
            assert_same(key + " (relaxed: " + str(e)[:60] + ")", got, alt, False, overflow_order, relaxed_tol)
            return got
        raise AssertionError(
            f"{key}: minigrad returned {_flat(got)[0]!r:.120} where PyTorch raises "
            f"{type(e).__name__}: {str(e)[:200]}"
        ) from e
    try:
        assert_same(key, got, want, dtypes, overflow_order, tol)
    except AssertionError as first:
        # PyTorch's float32 kernels have their own artifacts (float32 gelu(inf) is nan,
        # float64 gelu(inf) is inf): agreeing with the float64 equivalent is agreeing
        if equiv is None:
            raise
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            alt = equiv()
        try:
            assert_same(key + " (vs float64)", got, alt, False, overflow_order, tol)
        except AssertionError:
            raise AssertionError(f"{key}: differs from PyTorch in float32 and float64: {first}") from None
        FLOAT64_AGREES.add(key)
    return got
