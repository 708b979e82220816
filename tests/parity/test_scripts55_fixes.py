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

import minigrad as mg
from tests.helpers import require_torch

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
