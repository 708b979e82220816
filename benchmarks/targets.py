"""The project's own performance goals, checked against a run's median ratios (``--targets``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.harness import CaseResult


@dataclass(frozen=True)
class Target:
    """minigrad's median over ``baseline``'s median must be <= ``limit`` (< if ``strict``)."""

    case: str
    baseline: str
    limit: float
    strict: bool = False

    def describe(self) -> str:
        """E.g. ``mlp: minigrad / numpy <= 1.2``."""
        return f"{self.case}: minigrad / {self.baseline} {'<' if self.strict else '<='} {self.limit:g}"


TARGETS = (
    Target("mlp", "numpy", 1.2),
    Target("mlp", "pytorch", 1.0, strict=True),
    Target("gpt", "pytorch", 1.25),
    Target("lstm", "pytorch", 1.5),
    Target("overhead", "pytorch", 1.0),
    Target("norms/batchnorm1d", "numpy", 1.5),
    Target("norms/dropout", "numpy", 1.5),
    Target("norms/layernorm", "numpy", 1.0),
    Target("scale/h2048", "numpy", 1.1),
    Target("scale/h128", "numpy", 1.3),
)


def evaluate(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """One entry per target whose case and baseline were timed in ``results``."""
    by_name = {r.case.name: r for r in results}
    out = []
    for t in TARGETS:
        res = by_name.get(t.case)
        ratio = None if res is None else res.ratio("minigrad", t.baseline)
        if ratio is None:
            continue
        met = ratio < t.limit if t.strict else ratio <= t.limit
        out.append({"target": t.describe(), "ratio": ratio, "met": met})
    return out


def format_targets(entries: Sequence[dict[str, Any]]) -> str:
    """One line per target: the measured ratio and whether it is met (or by how much it is missed)."""
    lines = []
    for e in entries:
        limit = float(e["target"].rsplit(" ", 1)[1])
        verdict = "met" if e["met"] else f"MISSED by {(e['ratio'] / limit - 1) * 100:.0f}%"
        lines.append(f"  {e['target']:<44} measured {e['ratio']:.2f}x  {verdict}")
    return "\n".join(lines)
