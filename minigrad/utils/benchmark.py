"""``torch.utils.benchmark``: time a statement (``Timer``), keep the result with what was timed
(``Measurement``) and print many results as a table (``Compare``), as PyTorch's benchmark recipe uses them.

Only Python statements are timed (PyTorch's C++ and Callgrind timers need a compiler and valgrind).
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import math
import sys
import textwrap
import timeit
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError

__all__ = ["Compare", "Language", "Measurement", "TaskSpec", "Timer", "select_unit"]

# a run whose interquartile range is this share of its median or more gets a warning (PyTorch's thresholds)
_IQR_WARN, _IQR_GROSS_WARN = 0.1, 0.25
_UNITS = {"ns": (1e-9, "nanosecond"), "us": (1e-6, "microsecond"), "ms": (1e-3, "millisecond"),
          "s": (1.0, "second")}


class Language(enum.Enum):
    """The language of a timed statement: minigrad times Python only."""

    PYTHON = 0
    CPP = 1


@dataclasses.dataclass(frozen=True, repr=False)
class TaskSpec:
    """What a Timer times (its statement, setup and labels), without the globals."""

    stmt: str
    setup: str
    global_setup: str = ""
    label: str | None = None
    sub_label: str | None = None
    description: str | None = None
    env: str | None = None
    num_threads: int = 1

    @property
    def title(self) -> str:
        """The label (or the one-line statement) and the sub-label: ``"Batched dot: [16, 8]"``."""
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        head = f"stmt: ({self.sub_label})" if self.sub_label else "stmt:"
        return f"{head}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self) -> str:
        """The setup as a repr line ('' when there is none)."""
        if self.setup in ("pass", ""):
            return ""
        if "\n" in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f"setup: {self.setup}"

    def summarize(self) -> str:
        """Title, description and setup, one per line (the head of a Measurement's repr)."""
        parts = [self.title, self.description or "", self.setup_str()]
        return "\n".join(f"{p}\n" if "\n" in p else p for p in parts if p)


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(repr=False)
class Measurement:
    """The times of ``raw_times`` (seconds per block of ``number_per_run`` runs) of one TaskSpec; the
    TaskSpec's fields read through (``m.label``)."""

    number_per_run: int
    raw_times: list[float]
    task_spec: TaskSpec
    metadata: dict[Any, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if name in _TASK_FIELDS:
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self) -> list[float]:
        """Seconds per run of each block."""
        return [t / self.number_per_run for t in self.raw_times]

    def _quantile(self, q: float) -> float:
        return float(np.quantile(np.asarray(self.times, dtype=np.float64), q)) if self.raw_times else -1.0

    @property
    def median(self) -> float:
        """The median time per run, in seconds."""
        return self._quantile(0.5)

    @property
    def mean(self) -> float:
        """The mean time per run, in seconds."""
        return float(np.mean(self.times)) if self.raw_times else -1.0

    @property
    def iqr(self) -> float:
        """The interquartile range of the times per run."""
        return self._quantile(0.75) - self._quantile(0.25)

    @property
    def significant_figures(self) -> int:
        """How many digits of the median the spread of the middle half of the times supports (1 to 4)."""
        ordered = sorted(self.times)
        middle = ordered[len(ordered) // 4:math.ceil(3 * len(ordered) / 4)]
        spread = 1.645 * float(np.std(middle)) / math.sqrt(len(middle))
        digits = math.floor(math.log10(self.median / max(spread, 1e-9)))
        return min(max(digits, 1), 4)

    def meets_confidence(self, threshold: float = _IQR_WARN) -> bool:
        """Whether the interquartile range is under ``threshold`` times the median."""
        return self.iqr / self.median < threshold

    @property
    def has_warnings(self) -> bool:
        """Whether the times vary enough to warn about (an IQR of 10% of the median or more)."""
        return not self.meets_confidence(_IQR_WARN)

    @property
    def title(self) -> str:
        """The TaskSpec's title."""
        return self.task_spec.title

    @property
    def env(self) -> str | None:
        """The TaskSpec's environment label (None when not given: PyTorch's 'Unspecified env' default is
        never reached, its property failing over to the TaskSpec's field)."""
        return self.task_spec.env

    @property
    def as_row_name(self) -> str:
        """The name of this measurement's row in a Compare table (sub-label, else statement)."""
        return self.task_spec.sub_label or self.task_spec.stmt or "[Unknown]"

    def __repr__(self) -> str:
        n, med = len(self.raw_times), self.median
        unit, scale = select_unit(med)
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{med / scale:.2f} {unit}"]
        if n >= 4:
            p25, p75 = self._quantile(0.25), self._quantile(0.75)
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({p25 / scale:.2f} to {p75 / scale:.2f})")
        threads = self.task_spec.num_threads
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads} thread{'s' if threads > 1 else ''}")
        if not self.meets_confidence(_IQR_GROSS_WARN) or self.has_warnings:
            gross = not self.meets_confidence(_IQR_GROSS_WARN)
            why = ("This suggests significant environmental influence." if gross
                   else "This could indicate system fluctuation.")
            lines.append(f"  WARNING: Interquartile range is {self.iqr / med * 100:.1f}% of the median "
                         f"measurement.\n           {why}")
        return "\n".join(line for line in "\n".join(lines).splitlines() if line.strip())

    @staticmethod
    def merge(measurements: Iterable[Measurement]) -> list[Measurement]:
        """One Measurement per TaskSpec, holding all its times per run (number_per_run 1)."""
        groups: dict[TaskSpec, list[float]] = collections.defaultdict(list)
        for m in measurements:
            groups[m.task_spec].extend(m.times)
        return [Measurement(1, times, spec) for spec, times in groups.items()]


def select_unit(t: float) -> tuple[str, float]:
    """The unit ('ns', 'us', 'ms' or 's') that prints ``t`` seconds with 1 to 3 leading digits, and its
    scale."""
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(math.log10(t) // 3) if t > 0 else -3, "s")
    return unit, _UNITS[unit][0]


@contextmanager
def _threads(n: int) -> Iterator[None]:
    settings = sys.modules["minigrad"]  # (a lookup, not an import: minigrad imports this module)
    before = settings.get_num_threads()
    settings.set_num_threads(n)
    try:
        yield
    finally:
        settings.set_num_threads(before)


class Timer:
    """Times the Python statement ``stmt`` after ``setup``, with ``globals`` (``torch`` added when
    absent); ``label``/``sub_label``/``description``/``env`` name the result in a Compare table.

    Raises InvalidParameterError (a ValueError) for a non-string stmt, a C++ language or a global_setup.
    """

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = timeit.default_timer,
                 globals: dict[str, Any] | None = None,  # noqa: A002 - PyTorch's argument name
                 label: str | None = None, sub_label: str | None = None, description: str | None = None,
                 env: str | None = None, num_threads: int = 1, language: Language | str = Language.PYTHON
                 ) -> None:
        if not isinstance(stmt, str):
            raise InvalidParameterError("Currently only a `str` stmt is supported.")
        if language not in (Language.PYTHON, "py", "python"):
            raise InvalidParameterError(f"language={language!r}: minigrad times Python statements only")
        if global_setup:
            raise InvalidParameterError(f"global_setup is C++ only, got `{global_setup}`. Most likely this "
                                        "code can simply be moved to `setup`.")
        namespace = dict(globals or {})
        if "torch" not in namespace:  # (PyTorch's convenience: statements may say torch.)
            namespace["torch"] = sys.modules.get("torch") or sys.modules["minigrad"]
        # a block string's leading newline and indentation would not parse (nor print well)
        stmt, setup = (textwrap.dedent(s) for s in (stmt, setup))
        stmt, setup = ((s[1:] if s.startswith("\n") else s).rstrip() for s in (stmt, setup))
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=namespace)
        self._task_spec = TaskSpec(stmt, setup, global_setup, label, sub_label, description, env, num_threads)

    def _timeit(self, number: int) -> float:
        return max(self._timer.timeit(number), 1e-9)  # (never zero: units and ratios divide by it)

    def timeit(self, number: int = 1000000) -> Measurement:
        """Run ``stmt`` ``number`` times after a short warm-up; one block of ``number`` runs."""
        with _threads(self._task_spec.num_threads):
            self._timeit(max(number // 100, 2))
            return Measurement(number, [self._timeit(number)], self._task_spec)

    def _block_size(self, min_run_time: float) -> int:
        """Runs per block: grown tenfold until the timer's own overhead is negligible."""
        overhead = float(np.median([self._timeit(0) for _ in range(5)]))
        number = 1
        while number * 10 <= 2**31 - 1:
            taken = self._timeit(number)
            if (overhead / taken <= 1e-4 and taken >= min_run_time / 1000) or taken > min_run_time:
                break
            number *= 10
        return number

    def _loop(self, number: int, stop: Callable[[list[float]], bool], min_run_time: float,
              max_run_time: float | None, callback: Callable[[int, float], Any] | None) -> list[float]:
        times: list[float] = []
        with _threads(self._task_spec.num_threads):
            while sum(times) < min_run_time or not stop(times):
                times.append(self._timeit(number))
                if callback is not None:
                    callback(number, times[-1])
                if max_run_time and sum(times) > max_run_time:
                    break
        return times

    def blocked_autorange(self, callback: Callable[[int, float], Any] | None = None,
                          min_run_time: float = 0.2) -> Measurement:
        """Time blocks of runs (sized so the timer's overhead is negligible) for ``min_run_time`` s."""
        with _threads(self._task_spec.num_threads):
            number = self._block_size(min_run_time)
        times = self._loop(number, lambda _: True, min_run_time, None, callback)
        return Measurement(number, times, self._task_spec)

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01,
                           max_run_time: float = 10.0,
                           callback: Callable[[int, float], Any] | None = None) -> Measurement:
        """As blocked_autorange, until the IQR is under ``threshold`` of the median (or ``max_run_time``)."""
        with _threads(self._task_spec.num_threads):
            number = self._block_size(0.05)

        def stop(times: list[float]) -> bool:
            return len(times) > 3 and Measurement(number, times, self._task_spec).meets_confidence(threshold)

        times = self._loop(number, stop, min_run_time, max_run_time, callback)
        return Measurement(number, times, self._task_spec)

    def repeat(self, repeat: int = -1, number: int = -1) -> None:
        """Not offered, as in PyTorch (its Timer keeps ``timeit.Timer``'s name but not the method).

        Raises:
            NotImplementedError: always, pointing at :meth:`blocked_autorange`.
        """
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback: Callable[[int, float], Any] | None = None) -> None:
        """Not offered, as in PyTorch.

        Raises:
            NotImplementedError: always, pointing at :meth:`blocked_autorange`.
        """
        raise NotImplementedError("See `Timer.blocked_autorange.`")


class Compare:
    """A table per label of Measurements' medians: a row per (threads, env, sub-label), a column per
    description. ``str(compare)`` or ``compare.print()`` renders it; repeats of a TaskSpec are merged."""

    def __init__(self, results: list[Measurement]) -> None:
        self._results: list[Measurement] = []
        self.extend_results(results)
        self._trim = False
        self._colorize = False
        self._highlight_warnings = False

    def extend_results(self, results: Iterable[Measurement]) -> None:
        """Add Measurements. Raises InvalidParameterError (a ValueError) for anything else."""
        results = list(results)
        for r in results:
            if not isinstance(r, Measurement):
                raise InvalidParameterError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self) -> None:
        """Print each time to the digits its spread supports."""
        self._trim = True

    def colorize(self, rowwise: bool = False) -> None:
        """Accepted for PyTorch's API; minigrad's tables are printed without terminal colours."""
        self._colorize = True

    def highlight_warnings(self) -> None:
        """Mark times whose spread is large with (! XX%)."""
        self._highlight_warnings = True

    def print(self) -> None:
        """Print the table."""
        print(str(self))

    def __str__(self) -> str:
        groups: dict[str | None, list[Measurement]] = collections.defaultdict(list)
        for m in Measurement.merge(self._results):
            groups[m.task_spec.label].append(m)
        return "\n".join(self._table(label, ms) for label, ms in groups.items())

    def _table(self, label: str | None, results: list[Measurement]) -> str:
        unit, scale = select_unit(min(m.median for m in results))
        rows = list(dict.fromkeys((m.num_threads, m.env, m.as_row_name) for m in results))
        rows.sort(key=lambda r: (r[0], r[1]))  # (stable: statements keep their order)
        cols = list(dict.fromkeys(m.task_spec.description for m in results))
        cell = {((m.num_threads, m.env, m.as_row_name), m.task_spec.description): m for m in results}
        envs = {m.env for m in results}
        show_env = len(envs) > 1
        width = max(len(str(e)) for e in envs) + 4 if show_env else 4
        cells: list[list[str]] = [["", *[c or "" for c in cols]]]
        for row in rows:
            name = "  " + (f"({row[1]})" if show_env else "").ljust(width) + row[2]
            cells.append([name, *[self._number(cell.get((row, c)), scale) for c in cols]])
        widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
        head = "  |  ".join(s.center(w) for s, w in zip(cells[0], widths, strict=True))
        lines, threads = [head], None
        for row, texts in zip(rows, cells[1:], strict=True):
            if row[0] != threads:
                threads = row[0]
                lines.append(f"{threads} threads: ".ljust(len(head), "-"))
            lines.append("  |  ".join([texts[0].ljust(widths[0]),
                                       *[t.center(w) for t, w in zip(texts[1:], widths[1:], strict=True)]]))
        title = f" {label or ''} ".center(len(head) - 2, "-")
        return f"[{title}]\n" + "\n".join(lines) + f"\n\nTimes are in {_UNITS[unit][1]}s ({unit}).\n"

    def _number(self, m: Measurement | None, scale: float) -> str:
        if m is None:
            return ""
        value = m.median / scale
        if self._trim:
            digits = m.significant_figures
            magnitude = math.ceil(math.log10(abs(value))) if value else 0
            value = round(value / 10 ** (magnitude - digits)) * 10 ** (magnitude - digits)
        text = f"{value:.1f}"
        if self._highlight_warnings and m.has_warnings:
            text += f" (! {m.iqr / m.median * 100:.0f}%)"
        return text
