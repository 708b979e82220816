"""The measuring instrument: agreement check, interleaved timing, table and JSON.

A workload contributes one or more :class:`Case` rows (``mlp``; ``norms/layernorm``;
``scale/h2048``). A case holds one *builder* per implementation (``minigrad``,
``pytorch``, ``numpy``); a builder makes a :class:`Runner`, whose ``step()`` is
the unit that is timed and whose ``snapshot()`` returns the numbers the
agreement check compares (loss, gradients, updated parameters, buffers).

:func:`run_case` first builds every implementation in *check mode* (dropout
disabled), runs the same step a couple of times on each, and compares every
snapshot with the reference (PyTorch, or numpy when PyTorch is absent). Only
if they agree does it build fresh runners and time them, warm-up first, then
round-robin across repeats so that machine noise hits every implementation
alike. ``compiled`` (the minigrad step under ``mg.compile``) must moreover agree
with eager minigrad bit for bit over :data:`REPLAY_CHECK_STEPS` steps, so
that replayed steps are checked, not only the traced ones. After timing, one
untimed step per implementation is run under tracemalloc for the memory
column (:func:`measure_memory`).
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

#: implementations in display order; the first present one that is a
#: reference (see :data:`REFERENCES`) anchors the agreement check.
#: ``compiled`` is minigrad's step replayed by ``mg.compile``.
IMPLS = ("minigrad", "compiled", "pytorch", "numpy")
#: steps the check runs for minigrad and its compiled step, which must agree
#: bit for bit: the first two compiled calls are traced, the rest replayed
REPLAY_CHECK_STEPS = 4
REFERENCES = ("pytorch", "numpy")
#: agreement tolerance (relative, float32)
RTOL = 1e-4
#: tensors whose largest entry is below FLOOR x (largest entry of any tensor
#: in the same group) are compared at that floor instead: a gradient that is
#: analytically zero (the bias of a Linear feeding a BatchNorm: ~1e-8 against
#: weight gradients ~0.1) is float32 rounding noise on both sides, and noise
#: divided by noise says nothing. An absolute error of RTOL * FLOOR of the
#: group's scale is still far below any real mistake.
FLOOR = 1e-2


class Runner(Protocol):
    """One implementation of one case, built with its own copy of the weights."""

    def step(self) -> None:
        """One timed unit of work (a training step, or a forward + backward)."""

    def snapshot(self) -> dict[str, Array]:
        """Copies of the numbers the last step produced, keyed ``group:name``.

        Groups: ``loss``, ``out`` (outputs), ``grad``, ``param`` (values after
        the update), ``buffer`` (running statistics).
        """


Builder = Callable[[bool], Runner]
"""``builder(check)``: a fresh runner; ``check=True`` disables dropout."""


@dataclass
class CheckReport:
    """Outcome of a case's agreement check.

    ``status`` per implementation: ``"ref"``, ``"ok"``, ``"FAIL"``, ``"error"``
    or ``"unchecked"`` (nothing to compare with); ``errors`` holds the worst
    relative error per compared implementation and ``worst_keys`` the
    snapshot entry where it occurred.
    """

    reference: str | None
    status: dict[str, str] = field(default_factory=dict)
    errors: dict[str, float] = field(default_factory=dict)
    worst_keys: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no implementation failed or raised."""
        return all(s in ("ref", "ok", "unchecked") for s in self.status.values())


@dataclass
class Case:
    """One row group of the table: a piece of work and its implementations.

    Attributes:
        name: row name, ``workload`` or ``workload/variant``.
        description: one line on what a step computes.
        builders: implementation name -> builder.
        skipped: implementation name -> why it is absent (PyTorch missing).
        ops_per_step: if non-zero, the table also shows microseconds per op.
        checker: replaces the reference comparison (used where the
            implementations cannot agree elementwise, e.g. dropout masks).
        check_steps: steps run and compared in the check (the second step
            checks the optimizer's state, e.g. momentum).
        group_atol: snapshot groups compared with an absolute tolerance
            instead of :data:`RTOL` (see :func:`relative_errors`).
    """

    name: str
    description: str
    builders: dict[str, Builder]
    skipped: dict[str, str] = field(default_factory=dict)
    ops_per_step: int = 0
    checker: Callable[[dict[str, Runner]], CheckReport] | None = None
    check_steps: int = 2
    group_atol: dict[str, float] = field(default_factory=dict)

    @property
    def workload(self) -> str:
        """The workload this case belongs to (the part before ``/``)."""
        return self.name.split("/", 1)[0]


@dataclass
class Settings:
    """How long to measure."""

    repeats: int = 20
    warmup: int = 3
    #: each sample runs enough steps to last at least this long (seconds)
    min_sample_s: float = 0.02

    @classmethod
    def quick(cls) -> Settings:
        """A short run: few repeats, short samples (numbers are noisier)."""
        return cls(repeats=5, warmup=1, min_sample_s=0.005)


@dataclass
class Timing:
    """Per-step milliseconds of one implementation, one value per repeat.

    ``peak_bytes``: the most memory allocated at once during one step, above
    what was allocated before it (tracemalloc, which numpy reports its
    arrays to; measured in a separate untimed pass; None for PyTorch, whose
    allocator does not report). ``static_bytes``: for the compiled rows,
    the buffers the replay keeps between steps.
    """

    samples_ms: list[float]
    inner: int
    peak_bytes: int | None = None
    static_bytes: int | None = None

    @property
    def median(self) -> float:
        """Median ms per step."""
        return statistics.median(self.samples_ms)

    @property
    def min(self) -> float:
        """Fastest sample, ms per step."""
        return min(self.samples_ms)

    @property
    def max(self) -> float:
        """Slowest sample, ms per step."""
        return max(self.samples_ms)


@dataclass
class CaseResult:
    """A case's check report and (if the check passed) its timings."""

    case: Case
    check: CheckReport
    timings: dict[str, Timing] = field(default_factory=dict)

    def ratio(self, impl: str, baseline: str) -> float | None:
        """Median of ``impl`` over median of ``baseline`` (None if either is missing)."""
        if impl not in self.timings or baseline not in self.timings:
            return None
        return self.timings[impl].median / self.timings[baseline].median


# ----------------------------------------------------------------- PyTorch


_TORCH: list[ModuleType | None] = []


def load_torch() -> ModuleType | None:
    """Import PyTorch pinned to one thread, or return None if it is not installed."""
    if not _TORCH:
        try:
            import torch
        except ImportError:
            _TORCH.append(None)
        else:
            torch.set_num_threads(1)
            _TORCH.append(torch)
    return _TORCH[0]


TORCH_MISSING = "PyTorch is not installed: its rows are skipped (pip install -e '.[parity]')"


# ----------------------------------------------------------------- agreement


def relative_errors(
    ref: dict[str, Array], got: dict[str, Array], rtol: float = RTOL,
    group_atol: dict[str, float] | None = None,
) -> tuple[float, str, list[str]]:
    """Compare two snapshots key by key; return the worst error, its key, and the problems.

    The error of a tensor is ``max|got - ref| / max(max|ref|, floor)``, where
    ``floor`` is :data:`FLOOR` times the largest ``|ref|`` in the tensor's
    group (``grad``, ``param``, ...); it must be at most ``rtol``. Groups in
    ``group_atol`` are held to an absolute tolerance instead (their error is
    reported as ``rtol * max|got - ref| / atol``, so "<= rtol" still means
    "passes"). Keys, shapes and dtypes must match and every value must be
    finite.
    """
    group_atol = group_atol or {}
    problems: list[str] = []
    if set(ref) != set(got):
        problems.append(
            f"snapshot keys differ: only in reference {sorted(set(ref) - set(got))}, "
            f"only in this implementation {sorted(set(got) - set(ref))}"
        )
    scale: dict[str, float] = {}
    for key, value in ref.items():
        group = key.split(":", 1)[0]
        top = float(np.max(np.abs(value))) if np.size(value) else 0.0
        scale[group] = max(scale.get(group, 0.0), top)
    worst, worst_key = 0.0, ""
    for key in sorted(set(ref) & set(got)):
        r, g = np.asarray(ref[key]), np.asarray(got[key])
        if r.shape != g.shape:
            problems.append(f"{key}: shape {g.shape}, reference has {r.shape}")
            continue
        if r.dtype != g.dtype:
            problems.append(f"{key}: dtype {g.dtype}, reference has {r.dtype}")
            continue
        if not np.all(np.isfinite(g)):
            problems.append(f"{key}: non-finite values")
            continue
        if not r.size:
            continue
        r64, g64 = r.astype(np.float64), g.astype(np.float64)
        diff = float(np.max(np.abs(g64 - r64)))
        top = float(np.max(np.abs(r64)))
        group = key.split(":", 1)[0]
        if group in group_atol:
            err = rtol * diff / group_atol[group]
        else:
            err = diff / max(top, FLOOR * scale[group], np.finfo(np.float32).tiny)
        if err > worst:
            worst, worst_key = err, key
        if not err <= rtol:
            problems.append(
                f"{key}: relative error {err:.2e} > {rtol:.0e} "
                f"(max |diff| {diff:.3e}, max |reference| {top:.3e})"
            )
    return worst, worst_key, problems


def _build(case: Case, check: bool, report: CheckReport) -> dict[str, Runner]:
    runners: dict[str, Runner] = {}
    for impl in IMPLS:
        if impl not in case.builders:
            continue
        try:
            runners[impl] = case.builders[impl](check)
        except Exception as e:
            report.status[impl] = "error"
            report.messages.append(f"{impl}: building failed: {type(e).__name__}: {e}")
    return runners


def check_case(case: Case) -> CheckReport:
    """Run every implementation in check mode and compare it with the reference."""
    ref_name = next((r for r in REFERENCES if r in case.builders), None)
    report = CheckReport(reference=ref_name)
    runners = _build(case, True, report)
    if case.checker is not None:
        custom = case.checker(runners)
        custom.status.update(report.status)
        custom.messages[:0] = report.messages
        return custom
    snaps: dict[str, list[dict[str, Array]]] = {}
    for impl, runner in runners.items():
        steps = case.check_steps
        if impl in ("minigrad", "compiled") and "compiled" in runners:
            steps = max(steps, REPLAY_CHECK_STEPS)
        try:
            snaps[impl] = []
            for _ in range(steps):
                runner.step()
                snaps[impl].append(runner.snapshot())
        except Exception as e:
            report.status[impl] = "error"
            report.messages.append(f"{impl}: step failed: {type(e).__name__}: {e}")
            del snaps[impl]
    if "compiled" in snaps and "minigrad" in snaps:
        problems = bitwise_differences(snaps["minigrad"], snaps["compiled"])
        if problems:
            report.status["compiled"] = "FAIL"
            report.messages += [f"compiled vs minigrad: {p}" for p in problems]
    if ref_name is None or ref_name not in snaps:
        for impl in snaps:
            report.status[impl] = "unchecked"
        if ref_name is None:
            report.messages.append("no reference implementation (PyTorch or numpy): not checked")
        return report
    report.status[ref_name] = "ref"
    for impl, got in snaps.items():
        if impl == ref_name:
            continue
        worst, worst_key = 0.0, ""
        problems: list[str] = []
        for k, (r, g) in enumerate(zip(snaps[ref_name][: case.check_steps], got[: case.check_steps],
                                       strict=True), start=1):
            err, key, probs = relative_errors(r, g, group_atol=case.group_atol)
            if key and err >= worst:
                worst, worst_key = err, f"step {k} {key}"
            problems += [f"step {k}: {p}" for p in probs]
        report.errors[impl] = worst
        report.worst_keys[impl] = worst_key
        if report.status.get(impl) != "FAIL":
            report.status[impl] = "FAIL" if problems else "ok"
        report.messages += [f"{impl} vs {ref_name}: {p}" for p in problems]
    return report


def bitwise_differences(eager: list[dict[str, Array]], compiled: list[dict[str, Array]]) -> list[str]:
    """Where the compiled step's snapshots differ from eager minigrad's in any bit (step by step)."""
    problems = []
    for k, (e, c) in enumerate(zip(eager, compiled, strict=True), start=1):
        if set(e) != set(c):
            problems.append(f"step {k}: snapshot keys differ")
            continue
        for key in sorted(e):
            a, b = np.asarray(e[key]), np.asarray(c[key])
            if a.dtype != b.dtype or a.shape != b.shape or a.tobytes() != b.tobytes():
                problems.append(f"step {k}: {key} is not bit-identical to eager minigrad's")
    return problems


# ----------------------------------------------------------------- timing


def time_runners(runners: dict[str, Runner], settings: Settings) -> dict[str, Timing]:
    """Warm up, calibrate the steps per sample, then time round-robin.

    Each repeat times one sample of every implementation, starting with a
    different one each time (so none always runs first, right after another's
    garbage). The objects alive before timing are frozen out of the garbage
    collector's scans, so collections cost what the steps' own garbage costs.
    """
    inner: dict[str, int] = {}
    for impl, runner in runners.items():
        for _ in range(settings.warmup):
            runner.step()
        t0 = time.perf_counter()
        runner.step()
        dt = time.perf_counter() - t0
        inner[impl] = max(1, min(10_000, math.ceil(settings.min_sample_s / max(dt, 1e-9))))
    samples: dict[str, list[float]] = {impl: [] for impl in runners}
    names = list(runners)
    gc.collect()
    gc.freeze()
    try:
        for rep in range(settings.repeats):
            k = rep % len(names)
            for impl in names[k:] + names[:k]:
                step, n = runners[impl].step, inner[impl]
                t0 = time.perf_counter()
                for _ in range(n):
                    step()
                samples[impl].append((time.perf_counter() - t0) / n * 1e3)
    finally:
        gc.unfreeze()
    return {impl: Timing(samples[impl], inner[impl]) for impl in runners}


def measure_memory(runner: Runner) -> int:
    """Peak bytes allocated during one step, above what was allocated before it (tracemalloc).

    numpy reports its array allocations to tracemalloc, so this counts
    every array a minigrad or numpy step creates, temporaries included.
    """
    import tracemalloc

    runner.step()  # steady state (a compiled step is replaying by now)
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        runner.step()
        return max(tracemalloc.get_traced_memory()[1] - before, 0)
    finally:
        tracemalloc.stop()


def _static_bytes(runner: Runner) -> int | None:
    """The buffers a compiled runner's replay keeps between steps (None for other runners)."""
    run = getattr(runner, "_run", None)
    tapes = getattr(run, "_cache", None)
    if not tapes:
        return None
    return sum(e.tape.static_bytes for entries in tapes.values() if isinstance(entries, list)
               for e in entries if e.confirmed)


def run_case(case: Case, settings: Settings, log: Callable[[str], None] | None = None) -> CaseResult:
    """Check a case, then (if it agrees) time it, then measure each step's memory."""
    check = check_case(case)
    if log is not None:
        log(_check_line(case, check))
    result = CaseResult(case, check)
    if not check.ok:
        return result
    runners = _build(case, False, check)
    if not check.ok:
        return result
    try:
        result.timings = time_runners(runners, settings)
    except Exception as e:
        check.messages.append(f"timing failed: {type(e).__name__}: {e}")
        for impl in runners:
            check.status[impl] = "error"
        return result
    for impl, runner in runners.items():
        if impl != "pytorch" and impl in result.timings:
            result.timings[impl].peak_bytes = measure_memory(runner)
            result.timings[impl].static_bytes = _static_bytes(runner)
    return result


def _check_line(case: Case, check: CheckReport) -> str:
    parts = [f"{impl} {check.status.get(impl, '?')}" for impl in IMPLS if impl in case.builders]
    if check.errors:
        parts.append("worst rel. err " + ", ".join(
            f"{k} {v:.1e}" + (f" ({check.worst_keys[k]})" if check.worst_keys.get(k) else "")
            for k, v in check.errors.items()
        ))
    head = f"check {case.name}: " + "; ".join(parts)
    return "\n".join([head, *("    " + m for m in check.messages)])


# ----------------------------------------------------------------- output


def _fmt_ms(v: float) -> str:
    return f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}"


def _fmt_ratio(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}x"


def _fmt_memory(t: Timing) -> str:
    """Peak MB allocated per step; for a compiled step, plus the buffers it keeps (``+static``)."""
    if t.peak_bytes is None:
        return "-"
    text = f"{t.peak_bytes / 1e6:.2f}"
    return text if t.static_bytes is None else f"{text}+{t.static_bytes / 1e6:.1f}"


def format_table(results: Sequence[CaseResult]) -> str:
    """The results as a fixed-width text table (one row per case and implementation)."""
    header = ["case", "impl", "median ms", "min ms", "max ms", "vs torch", "vs numpy", "us/op", "MB/step",
              "check"]
    rows: list[list[str]] = []
    for res in results:
        for impl in IMPLS:
            if impl not in res.case.builders:
                if impl in res.case.skipped:
                    rows.append([res.case.name, impl, "", "", "", "", "", "", "", "skipped"])
                continue
            status = res.check.status.get(impl, "?")
            err = res.check.errors.get(impl)
            check = f"{status} {err:.0e}" if err is not None else status
            t = res.timings.get(impl)
            if t is None:
                rows.append([res.case.name, impl, "", "", "", "", "", "", "", check])
                continue
            per_op = f"{t.median / res.case.ops_per_step * 1e3:.2f}" if res.case.ops_per_step else ""
            rows.append([
                res.case.name, impl, _fmt_ms(t.median), _fmt_ms(t.min), _fmt_ms(t.max),
                _fmt_ratio(res.ratio(impl, "pytorch")), _fmt_ratio(res.ratio(impl, "numpy")),
                per_op, _fmt_memory(t), check,
            ])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    left = {0, 1, 9}

    def line(cells: list[str]) -> str:
        cols = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in cols).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    prev = None
    for r in rows:
        if prev is not None and r[0] != prev:
            out.append("")
        out.append(line(r))
        prev = r[0]
    return "\n".join(out)


def machine_info() -> dict[str, Any]:
    """The machine, library versions and thread settings, for the record."""
    cpu = platform.processor() or platform.machine()
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "threads": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")},
    }
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["numpy_blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:
        pass
    try:
        root = Path(__file__).resolve().parent.parent
        info["commit"] = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True, text=True, timeout=10,
        ).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    torch = load_torch()
    info["torch"] = None if torch is None else torch.__version__
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
    return info


def to_json(results: Sequence[CaseResult], settings: Settings, notes: Sequence[str],
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The results as a JSON-able dict (machine, settings, per-case check and timings)."""
    cases = []
    for res in results:
        impls: dict[str, Any] = {}
        for impl, t in res.timings.items():
            impls[impl] = {
                "median_ms": t.median, "min_ms": t.min, "max_ms": t.max,
                "steps_per_sample": t.inner, "samples_ms": t.samples_ms,
                "vs_pytorch": res.ratio(impl, "pytorch"), "vs_numpy": res.ratio(impl, "numpy"),
                "peak_bytes_per_step": t.peak_bytes, "static_bytes": t.static_bytes,
            }
            if res.case.ops_per_step:
                impls[impl]["us_per_op"] = t.median / res.case.ops_per_step * 1e3
        cases.append({
            "name": res.case.name,
            "description": res.case.description,
            "ops_per_step": res.case.ops_per_step or None,
            "check": {
                "ok": res.check.ok, "reference": res.check.reference, "status": res.check.status,
                "worst_relative_error": res.check.errors, "worst_key": res.check.worst_keys,
                "messages": res.check.messages,
                "rtol": RTOL,
            },
            "skipped": res.case.skipped,
            "results": impls,
        })
    return {
        "machine": machine_info(),
        "settings": {"repeats": settings.repeats, "warmup": settings.warmup,
                     "min_sample_s": settings.min_sample_s},
        "notes": list(notes),
        "cases": cases,
        **(extra or {}),
    }


def write_json(path: str | Path, results: Sequence[CaseResult], settings: Settings,
               notes: Sequence[str], extra: dict[str, Any] | None = None) -> None:
    """Write :func:`to_json` to ``path``."""
    Path(path).write_text(json.dumps(to_json(results, settings, notes, extra), indent=2) + "\n")
