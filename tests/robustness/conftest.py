"""Reports how many distinct bad inputs the robustness suite tried."""

from __future__ import annotations

from typing import Any

from tests.robustness import oracle


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not oracle.TRIED:
        return
    families: dict[str, int] = {}
    for key in oracle.TRIED:
        family = key.split(":", 1)[0]
        families[family] = families.get(family, 0) + 1
    terminalreporter.write_sep("-", "robustness: distinct bad inputs tried")
    terminalreporter.write_line(f"{len(oracle.TRIED)} distinct bad inputs over {len(families)} callables")
    if oracle.RELAXED_SEEN:
        relaxed = sorted({k.split(":", 1)[0] for k in oracle.RELAXED_SEEN})
        terminalreporter.write_line(
            f"{len(oracle.RELAXED_SEEN)} inputs PyTorch refuses and minigrad deliberately accepts "
            f"(checked against an equivalent PyTorch call): {', '.join(relaxed)}"
        )
    if oracle.FLOAT64_AGREES:
        ops = sorted({k.split(":", 1)[0] for k in oracle.FLOAT64_AGREES})
        terminalreporter.write_line(
            f"{len(oracle.FLOAT64_AGREES)} results differ from PyTorch's float32 kernel but equal its "
            "float64 "
            f"answer: {', '.join(ops)}"
        )
