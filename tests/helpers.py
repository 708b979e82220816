"""Shared test helpers: the PyTorch oracle and tolerant comparisons."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest


def require_torch() -> ModuleType:
    """Import torch pinned to one thread; skip without it unless CI demands it.

    CI sets MINIGRAD_REQUIRE_TORCH=1 so that a missing oracle fails the run
    instead of silently skipping every parity test.
    """
    try:
        import torch
    except ImportError:
        if os.environ.get("MINIGRAD_REQUIRE_TORCH"):
            raise
        pytest.skip("PyTorch is not installed (pip install -e '.[parity]')", allow_module_level=True)
    torch.set_num_threads(1)
    return torch


def torch_test_database(module: str, what: str) -> ModuleType:
    """Import one of PyTorch's test databases (``torch.testing._internal.<module>``), or skip.

    They need ``expecttest`` (in the ``parity`` extra): without it the calling module skips,
    saying so, except where CI sets MINIGRAD_REQUIRE_TORCH (then a missing one is a failure).
    Importing them freezes ``torch.backends``' flags for the whole process; they are thawed here
    so the rest of the suite sees an ordinary PyTorch.
    """
    torch = require_torch()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            db = importlib.import_module(f"torch.testing._internal.{module}")
    except ImportError as e:  # expecttest missing (or a PyTorch without the internal testing package)
        if os.environ.get("MINIGRAD_REQUIRE_TORCH"):
            raise
        pytest.skip(f"PyTorch's {what} database cannot be imported ({e}); pip install expecttest",
                    allow_module_level=True)
    setattr(torch.backends, "__allow_nonbracketed_mutation_flag", True)
    return db


def tensors_in(x: Any) -> list[Any]:
    """The tensors (torch's or minigrad's) in ``x`` and its nested lists, tuples and dict values, in order."""
    if hasattr(x, "shape") and hasattr(x, "requires_grad") and hasattr(x, "dtype"):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in tensors_in(v)]
    if isinstance(x, dict):
        return [t for v in x.values() for t in tensors_in(v)]
    return []


def assert_close(actual: Any, expected: Any, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """Assert two arrays (or Tensors) agree in shape and value."""
    a = np.asarray(getattr(actual, "data", actual))
    e = np.asarray(expected.detach().numpy() if hasattr(expected, "detach") else expected)
    assert a.shape == e.shape, f"shape {a.shape} != expected {e.shape}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


def raised(fn: Callable[[], Any]) -> tuple[type[BaseException], str]:
    """The class and message of the exception ``fn()`` raises (AssertionError if it raises none)."""
    try:
        fn()
    except Exception as e:  # (the class is compared with PyTorch's)
        return type(e), str(e)
    raise AssertionError("no error raised")


def errors_of_both(run: Callable[[Any], Any]) -> tuple[BaseException, BaseException]:
    """(PyTorch's, minigrad's) exceptions from ``run(torch)`` and ``run(minigrad)``, warnings ignored; each
    must raise, and minigrad's error must be an instance of PyTorch's class."""
    import minigrad  # (here, not at the top: the helpers load before any test imports it)

    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (construction warnings, the same in both)
        theirs, ours = outcome(run, torch), outcome(run, minigrad)
    assert isinstance(theirs, Exception), f"PyTorch raised nothing: {theirs!r}"
    assert isinstance(ours, type(theirs)), (ours if isinstance(ours, Exception) else repr(ours), type(theirs))
    return theirs, ours


def outcome(form: Callable[[Any], Any], lib: Any) -> Any:
    """``form(lib)``'s value, or the exception it raised."""
    try:
        return form(lib)
    except Exception as error:  # (compared with the other library's outcome)
        return error


def same_error_or_value(form: Callable[[Any], Any]) -> None:
    """``form`` on torch and on minigrad: both raise (minigrad's error an instance of torch's class) or give
    values of equal dtype, shape and numbers (rtol 1e-6)."""
    import minigrad  # (here, not at the top: the helpers load before any test imports it)

    torch = require_torch()
    with warnings.catch_warnings():  # (PyTorch's own deprecation notes, as ldexp's resized output)
        warnings.simplefilter("ignore", UserWarning)
        theirs = outcome(form, torch)
    ours = outcome(form, minigrad)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert not isinstance(ours, Exception), (theirs, ours)
    assert str(ours.dtype).removeprefix("torch.") == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7)


def _quiet_outcome(lib: Any, fn: Callable[[Any], Any]) -> tuple[str, Any]:
    """('ok', (dtype name, shape, values as float64)) of ``fn(lib)`` with warnings off, or ('error', the
    exception)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib)
    except Exception as e:  # (compared with the other library's outcome)
        return "error", e
    return "ok", (str(out.dtype).split(".")[-1], tuple(out.shape),
                  np.asarray(out.detach().numpy(), dtype=np.float64))


def same_as_torch(fn: Callable[[Any], Any]) -> None:
    """fn(torch) and fn(minigrad), warnings off, give the same dtype, shape and values (compared as float64,
    rtol 1e-6, atol 1e-7), or minigrad's error is an instance of PyTorch's error class."""
    import minigrad  # (here, not at the top: the helpers load before any test imports it)

    torch = require_torch()
    theirs, ours = _quiet_outcome(torch, fn), _quiet_outcome(minigrad, fn)
    assert theirs[0] == ours[0], (theirs, ours)
    if theirs[0] == "error":
        assert isinstance(ours[1], type(theirs[1])), (theirs[1], ours[1])
        return
    assert theirs[1][:2] == ours[1][:2], (theirs[1][:2], ours[1][:2])
    np.testing.assert_allclose(ours[1][2], theirs[1][2], rtol=1e-6, atol=1e-7)


def run_aliased(code: str) -> list[str]:
    """Run ``code`` with the compat hook installed (a subprocess: the test process may hold the real torch);
    returns its printed words."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    script = "import minigrad.compat\nminigrad.compat.install()\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=root,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()
