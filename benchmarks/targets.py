"""The project's own performance goals, checked against a run's median ratios (``--targets``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.harness import CaseResult


@dataclass(frozen=True)
class Target:
    """``impl``'s median over ``baseline``'s median must be <= ``limit`` (< if ``strict``)."""

    case: str
    baseline: str
    limit: float
    strict: bool = False
    impl: str = "minigrad"

    def describe(self) -> str:
        """E.g. ``mlp: minigrad / numpy <= 1.2``."""
        return f"{self.case}: {self.impl} / {self.baseline} {'<' if self.strict else '<='} {self.limit:g}"


TARGETS = (
    Target("mlp", "pytorch", 0.95),
    Target("mlp", "numpy", 1.2),
    Target("mlp", "pytorch", 0.8, impl="compiled"),
    Target("mlp", "numpy", 1.15, impl="compiled"),
    Target("gpt", "pytorch", 1.0),
    Target("gpt", "pytorch", 0.95, impl="compiled"),
    Target("lstm", "pytorch", 1.5),
    Target("overhead", "pytorch", 1.0),
    Target("overhead", "pytorch", 0.5, impl="compiled"),
    Target("norms/batchnorm1d", "numpy", 1.2),
    Target("norms/dropout", "numpy", 1.5),
    Target("norms/layernorm", "numpy", 1.0),
    Target("norms/layernorm", "numpy", 1.0, impl="compiled"),
    Target("scale/h2048", "numpy", 1.1),
    Target("scale/h128", "numpy", 1.3),
    # issue 13
    Target("conv", "pytorch", 2.0),
    Target("conv", "numpy", 1.2),
    Target("cnn", "pytorch", 1.5),
)


def evaluate(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """One entry per target whose case and baseline were timed in ``results``."""
    by_name = {r.case.name: r for r in results}
    out = []
    for t in TARGETS:
        res = by_name.get(t.case)
        ratio = None if res is None else res.ratio(t.impl, t.baseline)
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
