"""Differences found while writing progs28's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _rnn_error(lib: Any, mode: str, x_shape: tuple[int, ...], h_shapes: list[tuple[int, ...]]) -> str:
    lib.manual_seed(0)
    module = getattr(lib.nn, mode)(3, 4, 2)
    states = [lib.zeros(*s) for s in h_shapes]
    with pytest.raises(RuntimeError) as info:
        module(lib.randn(*x_shape), tuple(states) if mode == "LSTM" else states[0])
    return str(info.value)


_HIDDEN_CASES = {
    "batch": ((5, 2, 3), [(2, 3, 4), (2, 3, 4)]),  # the last, smaller batch of a DataLoader
    "layers": ((5, 2, 3), [(1, 2, 4), (1, 2, 4)]),
    "cell only": ((5, 2, 3), [(2, 2, 4), (2, 3, 4)]),
    "unbatched size": ((5, 3), [(2, 5), (2, 5)]),
    "unbatched rank": ((5, 3), [(2, 3, 4), (2, 3, 4)]),
    "batched rank": ((5, 2, 3), [(2, 4), (2, 2, 4)]),
}


_RNN_CASES = [(m, c) for m in ("LSTM", "GRU", "RNN") for c in sorted(_HIDDEN_CASES)
              if m == "LSTM" or c != "cell only"]  # (a cell state: LSTM's only)


@pytest.mark.parametrize(("mode", "case"), _RNN_CASES)
def test_rnn_initial_state_errors_in_pytorch_words(mode: str, case: str) -> None:
    """A wrong h_0/c_0 raises PyTorch's message ("Expected hidden[0] size (2, 20, 24), got [2, 21, 24]",
    the error a Sentiment_RNN notebook hits on its last, smaller batch). minigrad said it its own way."""
    x_shape, h_shapes = _HIDDEN_CASES[case]
    if mode != "LSTM":
        h_shapes = h_shapes[:1]
    want = _rnn_error(torch, mode, x_shape, h_shapes)
    got = _rnn_error(mg, mode, x_shape, h_shapes)
    assert got == want


@pytest.mark.parametrize("dim", [0, 1, None])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_var_of_low_precision_floats_is_float64_rounded_once(dim: int | None, dtype: str) -> None:
    """PyTorch's CPU var accumulates float32 in double (float16 in float), so var (and the std built on it) of
    standardized data is 1.0 exactly and prints "1." (minigrad summed in float32 and printed 1.0000,
    a few units off)."""
    rng = np.random.default_rng(3)
    scale = 50 if dtype == "float32" else 5  # (float16's range)
    data = rng.standard_normal((800, 8)) * rng.uniform(0.1, scale, 8) + rng.uniform(-scale, scale, 8)
    data = data.astype(dtype)
    for unbiased in (True, False):
        want = torch.from_numpy(data).var(dim=dim, unbiased=unbiased).numpy()
        got = mg.tensor(data).var(dim=dim, unbiased=unbiased).numpy()
        assert got.dtype == want.dtype and np.array_equal(got, want)
    standardized = (data - data.mean(0)) / data.std(0, ddof=1)
    want_s = torch.from_numpy(standardized.astype(np.float32)).var(0)
    got_s = mg.tensor(standardized.astype(np.float32)).var(0)
    assert repr(got_s) == repr(want_s)


def test_var_backward_and_empty_input_unchanged() -> None:
    """The float64 accumulation changes the forward value only: the gradient is PyTorch's, and an empty
    reduction is still nan."""
    data = np.linspace(-2, 3, 12, dtype=np.float32).reshape(3, 4)
    xs = [lib.tensor(data, requires_grad=True) for lib in (torch, mg)]
    for x in xs:
        x.var(1).sum().backward()
    assert np.allclose(xs[1].grad.numpy(), xs[0].grad.numpy(), rtol=1e-6)
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert np.isnan(mg.zeros(0, 3).var(0, unbiased=False).numpy()).all()


def _inplace_error(lib: Any, case: str, anomaly: bool) -> str:
    a = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    if case == "result":  # exp's backward reads its result
        y = a.exp()
        y.mul_(2)
    else:  # pow's backward reads its input
        x = a * 1
        y = x.pow(2)
        x.add_(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (anomaly mode's traceback of the forward op)
        with lib.autograd.set_detect_anomaly(anomaly), pytest.raises(RuntimeError) as info:
            y.sum().backward()
    return str(info.value)


@pytest.mark.parametrize("anomaly", [False, True])
@pytest.mark.parametrize("case", ["result", "input"])
def test_inplace_modified_saved_tensor_error_ends_with_pytorchs_hint(case: str, anomaly: bool) -> None:
    """The error for a saved tensor modified in place ends with PyTorch's hint ("enable anomaly detection
    ... set_detect_anomaly(True, check_nan=False)." or, in anomaly mode, "... Good luck!"); minigrad gave a
    hint of its own, so a printed error read differently."""
    assert _inplace_error(mg, case, anomaly) == _inplace_error(torch, case, anomaly)


_FLOAT_WARNINGS = """
import warnings
import {lib} as lib
t = lib.tensor(2.5, requires_grad=True) * 1
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    values = [float(t), "%.2f" % t, float(t.detach()), t.item(), int(t),
              float(lib.ones(1, requires_grad=True))]
print([str(w.message).split(" (Triggered internally")[0] for w in caught],
      [w.category.__name__ for w in caught], [w.lineno for w in caught], values)
"""


def test_float_of_a_tensor_that_requires_grad_warns_once_as_pytorch() -> None:
    """float(t) (and "%.4f" % t) of a tensor that requires grad warns once per process in PyTorch, naming the
    user's line; minigrad did not warn. Each framework runs in its own interpreter (the warning is once)."""
    import subprocess
    import sys

    outs = [subprocess.run([sys.executable, "-c", _FLOAT_WARNINGS.format(lib=lib)], capture_output=True,
                           text=True, check=True).stdout for lib in ("torch", "minigrad")]
    assert outs[1] == outs[0]
    assert "Converting a tensor with requires_grad=True to a scalar" in outs[0]


@pytest.mark.parametrize("source", ["tensor", "zero-d", "parameter", "list"])
def test_tensor_of_a_tensor_warns_as_pytorch(source: str) -> None:
    """torch.tensor(t) of a Tensor warns that copy construction should use t.detach().clone(); a list of
    tensors does not. minigrad did not warn."""
    def caught(lib: Any) -> list[str]:
        t = lib.tensor([1.0, 2.0])
        data = {"tensor": t, "zero-d": t[0], "parameter": lib.nn.Parameter(t), "list": [t[0], t[1]]}[source]
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            lib.tensor(data, dtype=lib.float64)
        return [f"{w.category.__name__}: {w.message!s}" for w in got]

    assert caught(mg) == caught(torch)
