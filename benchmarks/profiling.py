"""cProfile tables of one implementation's step, for finding where the time goes.

Functions are shown by qualified name (``Mul.forward``, not ``ops.py:180(forward)``),
with times per step, so the table reads as "which primitive costs what". Calls
of numpy ufuncs (``a * b``) are not profiled separately: their time is the own
time of the Python function that made them; numpy functions written in Python
(``np.sum`` -> ``_wrapreduction``) and C methods (``ufunc.reduce``) do appear.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness import Case

_ROOT = Path(__file__).resolve().parent.parent


def _qualnames() -> dict[tuple[str, int], str]:
    """(file, first line) -> qualified name, for functions of minigrad and benchmarks."""
    names: dict[tuple[str, int], str] = {}

    def add(obj: Any) -> None:
        fn = getattr(obj, "__func__", obj)
        if isinstance(fn, property):
            fn = fn.fget
        code = getattr(fn, "__code__", None)
        if code is not None:
            names[(code.co_filename, code.co_firstlineno)] = getattr(code, "co_qualname", code.co_name)

    for name, mod in list(sys.modules.items()):
        if not (name.startswith("minigrad") or name.startswith("benchmarks")):
            continue
        for obj in list(vars(mod).values()):
            if isinstance(obj, type):
                for attr in vars(obj).values():
                    add(attr)
            else:
                add(obj)
    return names


def _label(key: tuple[str, int, str], names: dict[tuple[str, int], str]) -> str:
    file, line, func = key
    if file == "~":  # built-ins: "<method 'reduce' of 'numpy.ufunc' objects>"
        return func
    path = Path(file)
    try:
        short = str(path.resolve().relative_to(_ROOT))
    except ValueError:
        short = path.name
    return f"{names.get((file, line), func)}  ({short}:{line})"


def format_profile(stats: pstats.Stats, steps: int, top: int = 15, split: int = 3) -> str:
    """The ``top`` functions by own time: calls and milliseconds per step.

    A function holding at least a tenth of the total own time and called from
    several places (a helper such as one that runs every ufunc) is followed by
    its ``split`` heaviest callers and the own time spent on their behalf.
    """
    names = _qualnames()
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1.0
    rows = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    lines = [f"{'calls/step':>10}  {'own ms/step':>11}  {'cum ms/step':>11}  function"]
    for key, (_cc, nc, tt, ct, callers) in rows:
        own, cum = tt / steps * 1e3, ct / steps * 1e3
        lines.append(f"{nc / steps:>10.1f}  {own:>11.3f}  {cum:>11.3f}  {_label(key, names)}")
        if tt >= 0.1 * total and len(callers) > 1:
            heavy = sorted(callers.items(), key=lambda kv: kv[1][2], reverse=True)[:split]
            for ckey, (_ccc, cnc, ctt, _cct) in heavy:
                cown = ctt / steps * 1e3
                lines.append(f"{cnc / steps:>10.1f}  {cown:>11.3f}  {'':>11}    <- {_label(ckey, names)}")
    return "\n".join(lines)


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
        stats = pstats.Stats(prof)
        total = stats.total_tt  # type: ignore[attr-defined]
        per_step = total / steps * 1e3
        print(f"== {case.name} / {impl}: {steps} steps, {per_step:.3f} ms per step under the profiler")
        print(format_profile(stats, steps, top))
        print()
    return status
