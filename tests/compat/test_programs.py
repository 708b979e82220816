"""Each PyTorch-style program in programs/ runs under real PyTorch and under
``python -m minigrad.compat`` and prints the same numbers (see runner.SPECS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.compat import runner
from tests.helpers import require_torch


@pytest.mark.parametrize("program", sorted(runner.SPECS))
def test_program_agrees_with_pytorch(program: str) -> None:
    require_torch()
    torch_out, mg_out = runner.run_both(program)
    assert runner.compare(program, torch_out, mg_out) == []


def test_readme_counts_the_programs_there_are() -> None:
    # The README quotes how many programs agree with PyTorch: it must be the number CI runs
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    quoted = re.findall(r"The ([\d,]+)\s+PyTorch-style programs", readme)
    assert [int(q.replace(",", "")) for q in quoted] == [len(runner.SPECS)]
