"""cProfile tables of one implementation's step, for finding where the time goes."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Sequence

from benchmarks.harness import Case


def profile_cases(cases: Sequence[Case], impl: str, steps: int, warmup: int, top: int = 15) -> int:
    """Print the ``top`` functions by own time (tottime) over ``steps`` steps of ``impl``.

    Returns 1 if some case lacks the implementation or fails to build, else 0.
    """
    status = 0
    for case in cases:
        if impl not in case.builders:
            print(f"== {case.name}: no {impl} implementation")
            status = 1
            continue
        try:
            runner = case.builders[impl](False)
            for _ in range(max(1, warmup)):
                runner.step()
        except Exception as e:
            print(f"== {case.name}: {impl} failed: {type(e).__name__}: {e}")
            status = 1
            continue
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(steps):
            runner.step()
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("tottime").print_stats(top)
        total = stats.total_tt  # type: ignore[attr-defined]
        per_step = total / steps * 1e3
        print(f"== {case.name} / {impl}: {steps} steps, {per_step:.3f} ms per step under the profiler")
        body = buf.getvalue()
        start = body.find("   ncalls")
        print(body[start:].rstrip() if start >= 0 else body.rstrip())
        print()
    return status
