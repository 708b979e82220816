"""Every test in tests/parity compares with PyTorch: mark it ``parity``.

``python -m pytest -m "not parity"`` then runs everything else, and needs no
torch (tests elsewhere that consult PyTorch skip when it is missing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.parity)
