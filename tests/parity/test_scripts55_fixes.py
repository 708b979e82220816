"""Regressions found by running unmodified PyTorch tutorial and training scripts (jcjohnson's
pytorch-examples, seungeunrho's minimalRL, pytorch/examples' time_sequence_prediction and
reinforcement_learning, PyTorch's own tutorials...) under ``python -m minigrad.compat`` and comparing
their output with real torch: each test makes the same calls on both libraries and compares values,
warnings, or error classes and words."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _warned(call: Any) -> tuple[Any, list[tuple[type, str]]]:
    """``call()``'s result (or the exception's class and words) and the warnings it gave."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            out: Any = call()
        except Exception as e:  # (the class and words are what is compared)
            out = (type(e), str(e))
    return out, [(w.category, str(w.message)) for w in seen]


# ------------------------------------------------------------------ numpy 2 on a tensor: PyTorch's signatures


def test_numpy_array_of_a_tensor_warns_and_refuses_copy_false_as_pytorch() -> None:
    """minimalRL's vtrace.py, ``vs = vs_minus_v_xs[:-1] + v.numpy()`` and friends, and any script's
    ``np.array(t)``: PyTorch's ``Tensor.__array__(self, dtype=None)`` takes no ``copy``, so numpy 2 warns
    (a DeprecationWarning, shown when a script's own line calls it) and ``np.array(t, copy=False)`` raises
    numpy's ValueError. minigrad's ``__array__`` took numpy 2's ``copy=``: no warning, copy=False worked."""
    torch = require_torch()
    calls = [
        lambda lib: np.array(lib.ones(2, 1)),
        lambda lib: np.array(lib.ones(2), dtype=np.float64),
        lambda lib: np.asarray(lib.ones(2), copy=True),
        lambda lib: np.asarray(lib.ones(2)),
        lambda lib: np.array(lib.ones(2), copy=False),
        lambda lib: np.dot(lib.ones(2), lib.ones(2)),
    ]
    for call in calls:
        (want, want_warned), (got, got_warned) = (_warned(lambda lib=lib, call=call: call(lib))
                                                  for lib in (torch, mg))
        assert got_warned == want_warned
        if isinstance(want, tuple):
            assert want[0] is ValueError and got == want
        else:
            np.testing.assert_array_equal(got, want)
            assert got.dtype == want.dtype


def test_numpy_ufunc_of_a_tensor_warns_as_pytorch() -> None:
    """``np.exp(t)``, ``t + np.arange(3)``: numpy wraps its result with the tensor's ``__array_wrap__``,
    which is ``(self, array)`` in PyTorch, so numpy 2 warns that it "must accept context and return_scalar
    arguments"; minigrad's took them and gave no warning. The results are tensors of the same values."""
    torch = require_torch()
    calls = [
        lambda lib: np.exp(lib.tensor([1.0, 2.0])),
        lambda lib: lib.tensor([1.0, 2.0, 3.0]) + np.arange(3),
        lambda lib: np.isnan(lib.tensor(1.5)),
        lambda lib: np.log(lib.tensor([1.0, 3.0, 2.0])),
        lambda lib: lib.ones(2, 1) * np.ones((2, 1), dtype=np.float32),
    ]
    for call in calls:
        (want, want_warned), (got, got_warned) = (_warned(lambda lib=lib, call=call: call(lib))
                                                  for lib in (torch, mg))
        assert got_warned == want_warned
        assert type(got).__name__ == type(want).__name__
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        assert str(got.dtype).rpartition('.')[2] == str(want.dtype).rpartition('.')[2]


def test_numpy_default_filters_show_the_warning_for_a_scripts_line() -> None:
    """Under Python's default filters the DeprecationWarning shows for ``__main__``'s own line, once per
    line: the same lines as PyTorch's (numpy attributes it to the caller)."""
    torch = require_torch()
    for lib in (torch, mg):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            np.array(lib.ones(3))
        assert len(seen) == 1 and seen[0].category is DeprecationWarning
        assert seen[0].filename == __file__
    with pytest.raises(ValueError, match="Unable to avoid copy"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        np.array(mg.ones(2), copy=False)


# ------------------------------------------------------------------ torch.functional


def test_torch_functional_module_holds_the_top_level_functions() -> None:
    """PyTorch's "Building Models" tutorial (introyt/modelsyt_tutorial.py) does ``import torch.functional as
    F``: under the alias that was a ModuleNotFoundError. PyTorch's torch.functional defines einsum, norm,
    meshgrid... and torch exports those very objects; minigrad.functional now holds minigrad's."""
    torch = require_torch()
    import minigrad.functional as mg_functional
    import torch.functional as torch_functional

    for name in mg_functional.__all__:
        assert name in torch_functional.__all__
        assert getattr(mg_functional, name) is getattr(mg, name)
    assert sorted(set(torch_functional.__all__) - set(mg_functional.__all__)) == ["istft", "stft"]
    x = [[1.0, 2.0], [3.0, 4.0]]
    for fn, args in (("einsum", ("ij,jk->ik",)), ("norm", ()), ("tensordot", ()), ("cdist", ())):
        got = getattr(mg_functional, fn)(*args, *[mg.tensor(x)] * (1 if fn == "norm" else 2),
                                         **({"dims": 1} if fn == "tensordot" else {}))
        want = getattr(torch_functional, fn)(*args, *[torch.tensor(x)] * (1 if fn == "norm" else 2),
                                             **({"dims": 1} if fn == "tensordot" else {}))
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    assert mg.functional is mg_functional


# ------------------------------------------------------------------ where and how often deprecations warn


def _calls_warned(call: Any) -> list[str]:
    """The files of the warnings ``call()`` gives under the 'always' filter."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call()
    return [w.filename for w in seen]


def _once_per_process(lib: Any, call: Any) -> tuple[list[str], list[str]]:
    """Warnings of ``call()`` once it has run before, then of two calls under ``set_warn_always``."""
    _calls_warned(call)  # (the first in the process warns: the tests before may have spent it)
    again = _calls_warned(call)
    always = lib.is_warn_always_enabled()
    lib.set_warn_always(True)
    try:
        both = _calls_warned(lambda: (call(), call()))
    finally:
        lib.set_warn_always(always)
    return again, both


def test_chain_matmul_warns_once_per_process_from_the_library() -> None:
    """PyTorch's chain_matmul deprecation is a TORCH_WARN_ONCE raised in torch/functional.py: once per
    process (every call under set_warn_always), located in the library. minigrad warned at every call,
    located at the caller's line (so under default filters once per calling line, beside PyTorch's one
    library line). Found running a tutorial's tensor walk-through (old-style calls) under the alias."""
    torch = require_torch()
    for lib in (torch, mg):
        eye = lib.eye(2)
        again, both = _once_per_process(lib, lambda eye=eye, lib=lib: lib.chain_matmul(eye, eye))
        assert again == [] and len(both) == 2, (lib, again, both)
        assert __file__ not in both


def test_cross_without_dim_warns_once_per_process_at_the_callers_line() -> None:
    """torch.cross without dim: PyTorch's TORCH_WARN_ONCE (the C++ kernel called straight from the
    caller's line); minigrad warned at every call."""
    torch = require_torch()
    for lib in (torch, mg):
        a = lib.ones(3, 3)
        again, both = _once_per_process(lib, lambda a=a, lib=lib: lib.cross(a, a))
        assert again == [] and both == [__file__, __file__], (lib, again, both)


def test_grid_sample_align_corners_warning_names_the_callers_line() -> None:
    """F.grid_sample without align_corners warns with stacklevel=2 in PyTorch (the caller's line);
    minigrad's named its own grid_sample (one frame short). affine_grid's was already right."""
    torch = require_torch()
    for lib in (torch, mg):
        image, grid = lib.ones(1, 1, 2, 2), lib.zeros(1, 2, 2, 2)
        sample = lib.nn.functional.grid_sample
        assert _calls_warned(lambda sample=sample, i=image, g=grid: sample(i, g)) == [__file__]
        theta = lib.zeros(1, 2, 3)
        assert _calls_warned(lambda lib=lib, t=theta: lib.nn.functional.affine_grid(t, (1, 1, 2, 2))) == [
            __file__]


# ------------------------------------------------------------------ once-per-process warnings

_ROOT = Path(__file__).resolve().parents[2]


def _fresh_warnings(lib: str, body: str) -> list[str]:
    """The warnings' first lines a fresh interpreter prints running ``body`` with ``torch`` bound to
    ``lib`` (PyTorch's once-per-process warnings need a process where nothing warned yet)."""
    code = f"import warnings\nwarnings.simplefilter('always')\nimport {lib} as torch\n{body}\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=_ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"}, check=True)
    return [line.split("Warning: ", 1)[1][:60] for line in done.stderr.splitlines() if "Warning: " in line]


def test_tensor_of_a_list_holding_a_tensor_that_requires_grad_warns_once() -> None:
    """``torch.tensor([loss1, loss2])`` (a common slip for ``.item()``): PyTorch reads each element with
    item() and gives its once-per-process "Converting a tensor with requires_grad=True to a scalar"
    warning (the same one float(t) gives, sharing the once); minigrad gave none."""
    require_torch()
    for calls in ("torch.tensor([s, s])", "torch.as_tensor([[s]]); float(s)", "torch.FloatTensor([s, 1.0])"):
        body = f"p = torch.nn.Parameter(torch.ones(1)); s = p[0] * 2\n{calls}\ntorch.tensor([s])"
        want = _fresh_warnings("torch", body)
        assert len(want) == 1 and want[0].startswith("Converting a tensor with requires_grad=True")
        assert _fresh_warnings("minigrad", body) == want
    assert _fresh_warnings("minigrad", "torch.tensor([torch.ones(1)[0], 2.0])") == []


def test_read_only_numpy_arrays_and_buffers_warn_once_per_process() -> None:
    """``torch.from_numpy(np.asarray(image))`` (a read-only array, as PIL's asarray and np.broadcast_to
    give): PyTorch warns once per process that it does not support non-writable tensors, from from_numpy
    and as_tensor (even when the dtype copies), not from tensor(); minigrad gave none. Its frombuffer
    warning for a read-only buffer is once per process too (minigrad warned at every call)."""
    require_torch()
    ro = "import numpy as np\nro = np.ones(3); ro.setflags(write=False)\n"
    buffer = "torch.frombuffer(bytes(8), dtype=torch.float32)"
    for calls in ("torch.from_numpy(ro); torch.from_numpy(ro); torch.as_tensor(ro)",
                  "torch.as_tensor(ro, dtype=torch.float32)",
                  "torch.tensor(ro); torch.from_numpy(np.ones(2))",
                  "torch.from_numpy(np.broadcast_to(np.ones(2), (2, 2)))", f"{buffer}; {buffer}"):
        want = _fresh_warnings("torch", ro + calls)
        assert _fresh_warnings("minigrad", ro + calls) == want, calls
