"""Differences found while writing progs29's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _mmap_load(lib: Any, tmp_path: Path, source: str) -> str:
    """Load a saved state dict with mmap=True from a path, a Path, an open file or a buffer: what happens."""
    lib.manual_seed(0)
    path = tmp_path / f"{lib.__name__}.pt"
    lib.save(lib.nn.Linear(2, 3).state_dict(), str(path))
    try:
        if source == "str":
            found = lib.load(str(path), mmap=True, weights_only=True)
        elif source == "Path":
            found = lib.load(path, mmap=True, weights_only=True)
        else:
            with open(path, "rb") as f:
                target = io.BytesIO(f.read()) if source == "buffer" else f
                found = lib.load(target, mmap=True, weights_only=True)
    except ValueError as e:
        return f"ValueError: {e}"
    return f"{sorted(found)} {found['weight'].tolist()}"


@pytest.mark.parametrize("source", ["str", "Path", "file", "buffer"])
def test_load_mmap_needs_a_path(tmp_path: Path, source: str) -> None:
    assert _mmap_load(mg, tmp_path, source) == _mmap_load(torch, tmp_path, source)


def _dt(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def _conversions(lib: Any, overwrite: bool, swap: bool) -> list[Any]:
    """What module conversions and loads do to parameter, gradient and buffer objects under the
    ``__future__`` switches."""
    fut = lib.__future__
    fut.set_overwrite_module_params_on_conversion(overwrite)
    fut.set_swap_module_params_on_conversion(swap)
    try:
        lib.manual_seed(0)
        m = lib.nn.BatchNorm1d(2)
        m(lib.randn(4, 2)).sum().backward()
        w, g, rm = m.weight, m.weight.grad, m.running_mean
        m.double()
        seen: list[Any] = [m.weight is w, _dt(w), _dt(m.weight), m.weight.grad is g, _dt(g),
                           _dt(m.weight.grad), type(m.weight).__name__, m.running_mean is rm, _dt(rm)]
        w = m.weight
        m.double()  # no change of dtype
        seen.append(m.weight is w)
        sd = {k: (v.float() * 2 if v.is_floating_point() else v) for k, v in m.state_dict().items()}
        w = m.weight
        m.load_state_dict(sd)
        seen += [m.weight is w, _dt(m.weight), m.weight.tolist()]
        w = m.weight
        m.load_state_dict(sd, assign=True)
        seen += [m.weight is w, _dt(m.weight), type(m.weight).__name__, m.weight.requires_grad,
                 m.weight.data_ptr() == sd["weight"].data_ptr()]
        return seen
    finally:
        fut.set_overwrite_module_params_on_conversion(False)
        fut.set_swap_module_params_on_conversion(False)


@pytest.mark.parametrize(("overwrite", "swap"), [(False, False), (True, False), (False, True), (True, True)])
def test_module_conversion_future_switches(overwrite: bool, swap: bool) -> None:
    # the default used to replace the gradient object and change buffers in place; the switches were missing
    assert _conversions(mg, overwrite, swap) == _conversions(torch, overwrite, swap)


def _swapped(lib: Any) -> list[Any]:
    a, b = lib.zeros(2), lib.nn.Parameter(lib.ones(3))
    a.note = "a"
    lib.utils.swap_tensors(a, b)
    seen: list[Any] = [type(a).__name__, type(b).__name__, a.tolist(), b.tolist(), a.requires_grad,
                       b.requires_grad, getattr(b, "note", None), hasattr(a, "note")]
    (a * 2).sum().backward()
    seen.append(a.grad.tolist())
    x = lib.zeros(2)
    _ = x[:1]  # a view of x keeps a weak reference to it in both libraries
    with pytest.raises(RuntimeError):
        lib.utils.swap_tensors(x, lib.ones(2))
    return seen


def test_swap_tensors() -> None:
    assert _swapped(mg) == _swapped(torch)
