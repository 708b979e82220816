"""An op-level profiler: where does the time of a forward and backward pass go?

>>> with mg.profile() as prof:
...     loss = model(x).sum()
...     loss.backward()
>>> print(prof.table(sort_by="total_time", row_limit=10))

For every primitive op (``Mul``, ``Matmul``, ``Sum``, ... the classes of
``minigrad/ops.py``) it records how often its forward ran, the forward and
backward time, and the input shapes seen, like PyTorch's
``profiler.key_averages().table()``. Composite methods (``mean``, ``var``,
``softmax`` in layers) show up as the primitives they are made of.

Attribution rules:

* forward time of an op is the time of its ``apply``: the numpy kernel plus
  recording the node;
* backward time of an op is the time of its ``backward`` formula, including
  the primitives that formula runs; those nested ops are not counted as
  forward calls;
* what the engine does between formulas (ordering nodes, summing gradients
  that meet at a tensor, reducing broadcast gradients) is reported once, as
  ``engine_time``.

Profiling is process-global (every thread's ops are recorded while a profile
is open) and costs nothing when no profile is open: the instrumented functions
are swapped in on ``__enter__`` and the originals restored on ``__exit__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from minigrad import _instrument
from minigrad.errors import InvalidParameterError, MinigradError

if TYPE_CHECKING:
    from minigrad.ops import Function
    from minigrad.tensor import Tensor

__all__ = ["OpEvent", "OpStats", "profile"]

Shapes = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class OpEvent:
    """One recorded call: ``phase`` is ``"forward"`` or ``"backward"``; times in seconds.

    ``input_shapes`` are the shapes of the op's inputs (for a backward event,
    of the forward inputs it differentiates).
    """

    name: str
    phase: str
    seconds: float
    input_shapes: Shapes


@dataclass
class OpStats:
    """Totals for one primitive op (or one op and input shapes), times in seconds.

    ``count`` is the number of forward calls, ``backward_count`` the number of
    backward formulas run; ``input_shapes`` lists the distinct shape
    combinations seen, in first-seen order.
    """

    name: str
    count: int = 0
    forward_time: float = 0.0
    backward_count: int = 0
    backward_time: float = 0.0
    input_shapes: list[Shapes] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The op's name (PyTorch's ``FunctionEventAvg.key``)."""
        return self.name

    @property
    def total_time(self) -> float:
        """Forward plus backward time."""
        return self.forward_time + self.backward_time

    @property
    def forward_avg(self) -> float:
        """Mean forward time per call (0 if never called)."""
        return self.forward_time / self.count if self.count else 0.0

    @property
    def backward_avg(self) -> float:
        """Mean backward time per call (0 if never called)."""
        return self.backward_time / self.backward_count if self.backward_count else 0.0

    def _merge(self, other: OpStats) -> None:
        self.count += other.count
        self.forward_time += other.forward_time
        self.backward_count += other.backward_count
        self.backward_time += other.backward_time
        for s in other.input_shapes:
            if s not in self.input_shapes:
                self.input_shapes.append(s)


_SORT_KEYS = {
    "total_time": "total_time",
    "cpu_time_total": "total_time",  # PyTorch's names
    "self_cpu_time_total": "total_time",
    "forward_time": "forward_time",
    "backward_time": "backward_time",
    "count": "count",
    "backward_count": "backward_count",
    "forward_avg": "forward_avg",
    "backward_avg": "backward_avg",
    "name": "name",
}


def _fmt_time(seconds: float) -> str:
    """Like PyTorch's profiler: 3 decimals with the unit that fits."""
    us = seconds * 1e6
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _fmt_shapes(shapes: list[Shapes], limit: int = 2) -> str:
    text = ", ".join("[" + ", ".join(str(list(s)) for s in combo) + "]" for combo in shapes[:limit])
    if len(shapes) > limit:
        text += f" +{len(shapes) - limit} more"
    return text


def _shapes(inputs: Sequence[Tensor]) -> Shapes:
    return tuple(t._array.shape for t in inputs)


class profile(_instrument.Observer):  # noqa: N801 - PyTorch's name
    """Context manager that records every primitive op's calls, times and shapes.

    Args:
        enabled: False makes the context do nothing (so a flag can switch it).
        record_shapes: record the input shapes of each call (on by default,
            unlike PyTorch, because shapes are what learners look for).

    Attributes after the ``with`` block: ``key_averages()``, ``table()``,
    ``events()``, ``engine_time`` (seconds the engine spent outside the ops'
    backward formulas) and ``backward_passes`` (number of backward()/grad() calls).

    Raises:
        MinigradError: entering a profile that is already open.
    """

    def __init__(self, enabled: bool = True, record_shapes: bool = True) -> None:
        self.enabled = enabled
        self.record_shapes = record_shapes
        self._stats: dict[tuple[str, Shapes], OpStats] = {}
        self._events: list[OpEvent] = []
        self._open = False
        self.backward_passes = 0
        self._pass_time = 0.0

    # ------------------------------------------------------------ context

    def __enter__(self) -> profile:
        if self._open:
            raise MinigradError("this profile is already open; use a new mg.profile() to nest")
        self._stats = {}
        self._events = []
        self.backward_passes = 0
        self._pass_time = 0.0
        if self.enabled:
            self._open = True
            _instrument.add_observer(self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._open:
            self._open = False
            _instrument.remove_observer(self)

    # ------------------------------------------------------------ recording

    def _entry(self, name: str, shapes: Shapes) -> OpStats:
        key = (name, shapes)
        st = self._stats.get(key)
        if st is None:
            st = self._stats[key] = OpStats(name, input_shapes=[shapes] if self.record_shapes else [])
        return st

    def on_forward(self, cls: type[Function], inputs: Sequence[Tensor], out: Tensor,
                   seconds: float, in_backward: bool) -> None:
        if in_backward:
            return  # part of the enclosing backward formula or of the engine
        shapes = _shapes(inputs) if self.record_shapes else ()
        st = self._entry(cls.__name__, shapes)
        st.count += 1
        st.forward_time += seconds
        self._events.append(OpEvent(cls.__name__, "forward", seconds, shapes))

    def on_backward(self, fn: Function, grad_out: Tensor, out: Tensor,
                    grads: Sequence[Tensor | None], seconds: float) -> None:
        shapes = _shapes(fn.parents or ()) if self.record_shapes else ()
        name = type(fn).__name__
        st = self._entry(name, shapes)
        st.backward_count += 1
        st.backward_time += seconds
        self._events.append(OpEvent(name, "backward", seconds, shapes))

    def on_backward_pass(self, seconds: float) -> None:
        self.backward_passes += 1
        self._pass_time += seconds

    # ------------------------------------------------------------ results

    def events(self) -> list[OpEvent]:
        """Every recorded call in the order it happened (backward events in engine order)."""
        return list(self._events)

    def key_averages(self, group_by_input_shape: bool = False) -> list[OpStats]:
        """Per-op totals, one entry per op name (or per op and input shapes), first-seen order."""
        if group_by_input_shape:
            return [
                OpStats(s.name, s.count, s.forward_time, s.backward_count, s.backward_time,
                        list(s.input_shapes))
                for s in self._stats.values()
            ]
        merged: dict[str, OpStats] = {}
        for s in self._stats.values():
            if s.name not in merged:
                merged[s.name] = OpStats(s.name)
            merged[s.name]._merge(s)
        return list(merged.values())

    @property
    def forward_time(self) -> float:
        """Seconds spent in the forward of all primitives."""
        return sum(s.forward_time for s in self._stats.values())

    @property
    def backward_time(self) -> float:
        """Seconds spent in the backward formulas of all primitives."""
        return sum(s.backward_time for s in self._stats.values())

    @property
    def engine_time(self) -> float:
        """Seconds of backward passes not spent in a backward formula (the engine's own work)."""
        return max(0.0, self._pass_time - self.backward_time)

    def table(self, sort_by: str = "total_time", row_limit: int | None = 100,
              group_by_input_shape: bool = False) -> str:
        """A text table of :meth:`key_averages`, sorted, one row per op.

        Args:
            sort_by: ``"total_time"`` (default), ``"forward_time"``,
                ``"backward_time"``, ``"count"``, ``"backward_count"``,
                ``"forward_avg"``, ``"backward_avg"`` (largest first) or
                ``"name"``; PyTorch's ``"cpu_time_total"`` means total_time.
            row_limit: at most this many rows; None or negative for all.
            group_by_input_shape: one row per op and input-shape combination.

        Raises:
            InvalidParameterError: an unknown ``sort_by``.
        """
        if sort_by not in _SORT_KEYS:
            raise InvalidParameterError(
                f"sort_by={sort_by!r} is not one of {', '.join(sorted(_SORT_KEYS))}"
            )
        attr = _SORT_KEYS[sort_by]
        rows = self.key_averages(group_by_input_shape)
        if attr == "name":
            rows.sort(key=lambda s: s.name)
        else:
            rows.sort(key=lambda s: getattr(s, attr), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        grand = self.forward_time + self.backward_time
        header = ["Name", "# Calls", "Forward total", "Forward avg", "# Backward",
                  "Backward total", "Backward avg", "Total %", "Input shapes"]
        body = [
            [s.name, str(s.count), _fmt_time(s.forward_time), _fmt_time(s.forward_avg),
             str(s.backward_count), _fmt_time(s.backward_time), _fmt_time(s.backward_avg),
             f"{100 * s.total_time / grand:.2f}%" if grand > 0 else "0.00%",
             _fmt_shapes(s.input_shapes)]
            for s in rows
        ]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            # Names and shapes left-aligned, numbers right-aligned, as in PyTorch's table.
            out = [c.ljust(w) if i in (0, len(cells) - 1) else c.rjust(w)
                   for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
            return "  ".join(out).rstrip()

        rule = "  ".join("-" * w for w in widths)
        lines = [rule, line(header), rule, *(line(r) for r in body), rule,
                 f"Forward time total: {_fmt_time(self.forward_time)}",
                 f"Backward time total: {_fmt_time(self.backward_time)} in op formulas"
                 f" + {_fmt_time(self.engine_time)} in the engine"
                 f" ({self.backward_passes} backward pass{'es' if self.backward_passes != 1 else ''})"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()
