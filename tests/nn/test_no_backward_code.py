"""minigrad/nn is composition only: no backward functions, no VJPs, no gradient arithmetic."""

from __future__ import annotations

import re
from pathlib import Path

import minigrad.nn

NN_DIR = Path(minigrad.nn.__file__).parent
# backward definitions, VJPs, and arithmetic on gradients (augmented assignment or an operand of
# + - * /); plain resets such as zero_grad's `p.grad = None` are not gradient arithmetic
FORBIDDEN = re.compile(r"def\s+backward\b|vjp|\.grad(\.data)?\s*[-+*/]=?[^=]|[-+*/]\s*\w+\.grad\b")


def offending_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if FORBIDDEN.search(line)]


def test_pattern_catches_what_it_must() -> None:
    for bad in ("    def backward(self, g):", "x = my_vjp(f)", "p.grad += g", "p.grad.data *= 2",
                "p.grad = p.grad + g", "p.grad = g * q.grad", "p.grad -= 1"):
        assert offending_lines(bad), bad
    for fine in ("if p.grad is None:", "p.grad == None", "backward_hook = 1", "p.grad = None",
                 "t.grad = mg.from_numpy(t.grad.numpy().astype(dt))"):
        assert not offending_lines(fine), fine


def test_nn_defines_no_backward_code() -> None:
    files = sorted(NN_DIR.rglob("*.py"))
    assert len(files) >= 5
    found = {str(f.relative_to(NN_DIR)): offending_lines(f.read_text()) for f in files}
    assert {k: v for k, v in found.items() if v} == {}
