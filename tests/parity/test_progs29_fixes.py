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
