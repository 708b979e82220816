"""Each PyTorch-style program in programs/ runs under real PyTorch and under
``python -m minigrad.compat`` and prints the same numbers (see runner.SPECS)."""

from __future__ import annotations

import pytest

from tests.compat import runner
from tests.helpers import require_torch


@pytest.mark.parametrize("program", sorted(runner.SPECS))
def test_program_agrees_with_pytorch(program: str) -> None:
    require_torch()
    torch_out, mg_out = runner.run_both(program)
    assert runner.compare(program, torch_out, mg_out) == []
