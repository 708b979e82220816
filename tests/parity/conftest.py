"""Every test in tests/parity compares with PyTorch: mark it ``parity``.

``python -m pytest -m "not parity"`` then runs everything else, and needs no
torch (tests elsewhere that consult PyTorch skip when it is missing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.parity)


@pytest.fixture
def warn_always() -> Iterator[None]:
    """PyTorch's once-per-process warnings given on every call, in both libraries, for one test
    (``set_warn_always``): a test that expects such a warning must not depend on being the first
    call of its worker process. (PyTorch is imported here, not above: this conftest loads without it.)"""
    import minigrad as mg
    from tests.helpers import require_torch

    torch = require_torch()
    was = torch.is_warn_always_enabled(), mg.is_warn_always_enabled()
    torch.set_warn_always(True)
    mg.set_warn_always(True)
    try:
        yield
    finally:
        torch.set_warn_always(was[0])
        mg.set_warn_always(was[1])
