"""Differences from PyTorch closed by helper gaps26, each compared with PyTorch on its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


Outcome = tuple[type[BaseException] | None, str]


def _outcome(call: Callable[[], Any]) -> Outcome:
    """(None, "") or (the error's class, the first line of its message up to PyTorch's " - got" list of
    argument types)."""
    try:
        call()
    except Exception as e:
        return type(e), str(e).split("\n")[0].split(" - got")[0]
    return None, ""


def _assert_same(ours: Outcome, theirs: Outcome) -> None:
    """Both succeed, or both raise with the same first line, minigrad's error an instance of PyTorch's
    built-in class (its own classes derive from it)."""
    assert ours[1] == theirs[1]
    if theirs[0] is None or ours[0] is None:
        assert ours[0] is theirs[0], (ours, theirs)
    else:
        builtin = next(c for c in theirs[0].__mro__ if c.__module__ == "builtins")
        assert issubclass(ours[0], builtin), (ours, theirs)


#: calls of ``x`` (a 3x4 tensor) and ``lib`` (minigrad or torch)
_STD_VAR_CALLS = [
    "x.std(unbiased=None)", "x.var(unbiased=None)", "x.std(0, unbiased=None)", "x.var(0, None)",
    "x.std(None, None)", "x.std(0, None, True)", "x.var(dim=0, unbiased=None, keepdim=True)",
    "x.std(0, unbiased=None, correction=1)", "x.std(unbiased=True, correction=1)",
    "x.std(unbiased=True, correction=None)", "x.std(True, correction=1)", "x.std(False, keepdim=True)",
    "x.std(True, True)", "x.var(0, keepdim=1)", "x.var(keepdim=None)", "x.std(unbiased=1)",
    "lib.std(x, unbiased=None)", "lib.var(x, unbiased=None)", "lib.std(x, 0, None)",
    "lib.var(x, 0, unbiased=None)", "lib.std(x, None, None)", "lib.std(x, True, correction=0)",
    "lib.std_mean(x, unbiased=None)", "lib.var_mean(x, unbiased=None)", "lib.std_mean(x, 0, None)",
    "lib.var_mean(x, 0, unbiased=None)", "lib.var_mean(x, unbiased=True, correction=None)",
    "lib.var_mean(x, True, keepdim=True)",
    # (what PyTorch accepts stays accepted, with its numbers)
    "x.std(None)", "x.std(correction=None)", "x.var(0, correction=None)",
    "lib.var_mean(x, 0, correction=None)", "x.std(False)", "lib.std(x, True)", "x.var(0, True, True)",
    "x.std(dim=None, keepdim=True)", "lib.std_mean(x, False)", "lib.var(x, 0, correction=1.5)",
]


@pytest.mark.parametrize("call", _STD_VAR_CALLS)
def test_std_var_refuse_what_no_pytorch_overload_takes(call: str) -> None:
    """minigrad read unbiased=None (and keepdim=None) as "not given" and took unbiased with correction;
    PyTorch's parser finds no overload of std / var / std_mean / var_mean for them (TypeError, "std()
    received an invalid combination of arguments"). An explicit correction=None is still the default."""
    data = np.arange(12.0, dtype=np.float32).reshape(3, 4) ** 1.5

    def run(lib: Any) -> Any:
        return eval(call, {"lib": lib, "x": lib.tensor(data)})

    _assert_same(_outcome(lambda: run(mg)), _outcome(lambda: run(torch)))
    if _outcome(lambda: run(torch))[0] is None:  # the same numbers
        got, want = run(mg), run(torch)
        for g, w in zip(got if isinstance(got, tuple) else [got], want if isinstance(want, tuple) else [want],
                        strict=True):
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)


_TO_CALLS = [
    "x.to(non_blocking={v})", "x.to('cpu', non_blocking={v})", "x.to(lib.float64, {v})",
    "x.to('cpu', lib.float64, {v})", "x.to(x, {v})", "x.to(copy={v})", "x.to(lib.float64, False, {v})",
    "lib.nn.Linear(2, 2).to('cpu', non_blocking={v})", "lib.nn.Linear(2, 2).to(non_blocking={v})",
]


@pytest.mark.parametrize("value", ["1", "0", "None", "np.True_", "1.0", "'x'", "True", "False"])
@pytest.mark.parametrize("form", _TO_CALLS)
def test_to_takes_non_blocking_and_copy_only_as_bools(form: str, value: str) -> None:
    """Tensor.to / Module.to read non_blocking (and copy) by truth value, or ignored them; PyTorch's parser
    takes only bools there ("to() received an invalid combination of arguments", TypeError)."""
    call = form.format(v=value)

    def run(lib: Any) -> Outcome:
        return _outcome(lambda: eval(call, {"lib": lib, "np": np, "x": lib.ones(2)}))

    _assert_same(run(mg), run(torch))


_SOFTMAX_CALLS = [
    "F.softmax(x, 0, dtype={d})", "F.log_softmax(x, 0, dtype={d})", "F.softmin(x, 0, dtype={d})",
    "x.softmax(0, dtype={d})", "x.log_softmax(0, {d})", "lib.softmax(x, 1, {d})",
    "lib.log_softmax(x, -1, dtype={d})",
    "lib.nn.Softmin(1)(x.to({d}))", "F.softmax(x.to({d}), -1)", "F.softmin(x.to({d}), -1)",
]


_DTYPES = ["np.True_", "np.float32(1)", "True", "1", "lib.int64", "lib.int32", "lib.bool", "lib.uint8", "int",
           "lib.float64", "float", "None"]


# (to() with a value that is not a dtype is the test above's subject)
@pytest.mark.parametrize(("form", "dtype"), [(f, d) for f in _SOFTMAX_CALLS for d in _DTYPES
                                             if "x.to(" not in f or d.startswith(("lib.", "int", "float"))])
def test_softmax_family_dtype_as_pytorchs(form: str, dtype: str) -> None:
    """softmax / log_softmax / softmin took a numpy scalar as dtype= (numpy reads np.True_ as bool) and
    computed integer or bool inputs in float; PyTorch refuses a non-dtype (TypeError: "softmax(): argument
    'dtype' must be torch.dtype") and has no integer or bool kernel (NotImplementedError naming it)."""
    call = form.format(d=dtype)

    def run(lib: Any) -> Outcome:
        x = lib.tensor([[1.0, 2.0, 4.0], [0.5, 0.0, 1.0]])
        env = {"lib": lib, "np": np, "F": lib.nn.functional, "x": x}
        outcome = _outcome(lambda: eval(call, env))
        # (PyTorch says "must be torch.dtype", or "must be dtype" when another test imported torch's dtype
        # names, and gives a positional dtype's position, which minigrad's methods do not know)
        return outcome[0], re.sub(r" \(position \d\)", "", outcome[1].replace("torch.dtype", "dtype"))

    _assert_same(run(mg), run(torch))
