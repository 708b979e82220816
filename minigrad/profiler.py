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

PyTorch's profiler API works on top: ``record_function`` labels (their rows
time the whole block), ``ProfilerActivity``, a ``schedule`` with
``on_trace_ready`` and ``prof.step()``, ``key_averages().table()``,
``export_chrome_trace`` and ``tensorboard_trace_handler``. Times are
measured per op, so the CPU columns mean forward plus backward of that op;
memory and device columns do not exist (minigrad does not measure them).
"""

from __future__ import annotations

import enum
import functools
import json
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from minigrad import _instrument
from minigrad import ops as _ops
from minigrad.errors import InvalidParameterError, MinigradError

if TYPE_CHECKING:
    from minigrad.ops import Function
    from minigrad.tensor import Tensor

__all__ = ["EventList", "OpEvent", "OpStats", "ProfilerAction", "ProfilerActivity", "profile",
           "record_function", "schedule", "tensorboard_trace_handler"]

_F = TypeVar("_F", bound=Callable[..., Any])

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
    start: float = 0.0  #: perf_counter() when the call began (for export_chrome_trace)


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

    @property
    def cpu_time_total(self) -> float:
        """Forward plus backward time in microseconds, the unit of PyTorch's ``cpu_time_total``."""
        return self.total_time * 1e6

    @property
    def self_cpu_time_total(self) -> float:
        """As :attr:`cpu_time_total` (an op's time includes no child op's)."""
        return self.total_time * 1e6

    @property
    def cpu_time(self) -> float:
        """Microseconds per forward call, as PyTorch's average ``cpu_time``."""
        return self.total_time * 1e6 / self.count if self.count else 0.0

    @property
    def cpu_memory_usage(self) -> int:
        """0: minigrad does not measure memory (PyTorch's column, so sorting by it works)."""
        return 0

    @property
    def device_time_total(self) -> float:
        """0: minigrad computes on the CPU only."""
        return 0.0

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
    "cpu_time": "cpu_time",
    # columns minigrad does not measure: zero for every row, so the order stays as recorded
    "cpu_memory_usage": "cpu_memory_usage",
    "self_cpu_memory_usage": "cpu_memory_usage",
    "device_time_total": "device_time_total",
    "self_device_time_total": "device_time_total",
    "cuda_time_total": "device_time_total",
    "self_cuda_time_total": "device_time_total",
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


class ProfilerActivity(enum.Enum):
    """Which devices a profile records, as ``torch.profiler.ProfilerActivity``: minigrad has the CPU only,
    so asking for another device records nothing more."""

    CPU = 0
    CUDA = 1
    XPU = 2
    MTIA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What a scheduled profile does during a step: nothing, warm up (not kept), record, or record and then
    hand the cycle to ``on_trace_ready``."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """The step -> action function of ``torch.profiler.schedule``: after ``skip_first`` steps, cycles of
    ``wait`` idle, ``warmup`` warm-up and ``active`` recorded steps (the last one saves), ``repeat``
    times (0: for ever); ``skip_first_wait`` drops the first cycle's wait.

    Raises:
        InvalidParameterError: a negative count, or active < 1.
    """
    for name, value in (("wait", wait), ("warmup", warmup), ("repeat", repeat), ("skip_first", skip_first)):
        if value < 0:
            raise InvalidParameterError(f"schedule: {name} must be >= 0, got {name}={value!r}")
    if active < 1:
        raise InvalidParameterError(f"schedule: active must be >= 1, got active={active!r}")
    cycle = wait + warmup + active

    def schedule_fn(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat > 0 and step >= repeat * cycle:
            return ProfilerAction.NONE
        at = step % cycle
        if at < wait:
            return ProfilerAction.NONE
        if at < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if at < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return schedule_fn


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


#: profiles between __enter__ and __exit__, for record_function to report to
_open: list[profile] = []


class record_function:  # noqa: N801 - PyTorch's name
    """Label a block (``with record_function("forward"):``) or a function (as a decorator): every open
    profile that is recording gets a row of that name, counting the calls and timing the whole block."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self.args = args
        self._start = 0.0

    def __enter__(self) -> record_function:
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        seconds = time.perf_counter() - self._start
        for prof in _open:
            prof._label(self.name, self._start, seconds)

    def __call__(self, fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class EventList(list[OpStats]):
    """What ``key_averages()`` returns: the rows, with PyTorch's ``.table()`` on them."""

    def __init__(self, rows: Sequence[OpStats], prof: profile | None = None) -> None:
        super().__init__(rows)
        self._prof = prof

    def table(self, sort_by: str | None = None, row_limit: int | None = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        """These rows as :meth:`profile.table` prints them (``sort_by=None`` keeps their order).

        Raises:
            InvalidParameterError: an unknown ``sort_by``.
        """
        del max_src_column_width, max_shapes_column_width, top_level_events_only
        text = _table(list(self), sort_by, row_limit, self._prof, max_name_column_width)
        return text if header is None else header + "\n" + text

    def total_average(self) -> OpStats:
        """All rows summed into one, named ``Total``."""
        total = OpStats("Total")
        for row in self:
            total._merge(row)
        return total


def _table(rows: list[OpStats], sort_by: str | None, row_limit: int | None, prof: profile | None,
           name_width: int = 0) -> str:
    if sort_by is not None and sort_by not in _SORT_KEYS:
        raise InvalidParameterError(
            f"sort_by={sort_by!r} is not one of {', '.join(sorted(_SORT_KEYS))}"
        )
    if sort_by is not None:
        attr = _SORT_KEYS[sort_by]
        if attr == "name":
            rows.sort(key=lambda s: s.name)
        else:
            rows.sort(key=lambda s: getattr(s, attr), reverse=True)
    if row_limit is not None and row_limit >= 0:
        rows = rows[:row_limit]
    fw = prof.forward_time if prof is not None else sum(s.forward_time for s in rows)
    bw = prof.backward_time if prof is not None else sum(s.backward_time for s in rows)
    grand = fw + bw
    header = ["Name", "# Calls", "Forward total", "Forward avg", "# Backward",
              "Backward total", "Backward avg", "Total %", "Input shapes"]

    def name(s: OpStats) -> str:
        return s.name if not name_width or len(s.name) <= name_width else s.name[:name_width - 3] + "..."

    body = [
        [name(s), str(s.count), _fmt_time(s.forward_time), _fmt_time(s.forward_avg),
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
    engine, passes = (prof.engine_time, prof.backward_passes) if prof is not None else (0.0, 0)
    lines = [rule, line(header), rule, *(line(r) for r in body), rule,
             f"Forward time total: {_fmt_time(fw)}",
             f"Backward time total: {_fmt_time(bw)} in op formulas"
             f" + {_fmt_time(engine)} in the engine"
             f" ({passes} backward pass{'es' if passes != 1 else ''})"]
    return "\n".join(lines)


class profile(_instrument.Observer):  # noqa: N801 - PyTorch's name
    """Context manager that records every primitive op's calls, times and shapes.

    Args:
        enabled: False makes the context do nothing (so a flag can switch it).
        record_shapes: record the input shapes of each call (on by default,
            unlike PyTorch, because shapes are what learners look for).
        activities: PyTorch's ``[ProfilerActivity.CPU, ...]``; minigrad records the CPU.
        schedule: a step -> :class:`ProfilerAction` function (see :func:`schedule`);
            ``prof.step()`` advances it. Without one every step records.
        on_trace_ready: called with the profile when a recorded cycle ends (the
            last active step of a schedule, or leaving the ``with`` block).
        acc_events: keep the rows of earlier cycles (by default each cycle starts empty).
        The other PyTorch arguments (``profile_memory``, ``with_stack``,
        ``with_flops``, ``with_modules``, ...) are accepted and measure nothing more.

    Attributes after the ``with`` block: ``key_averages()``, ``table()``,
    ``events()``, ``engine_time`` (seconds the engine spent outside the ops'
    backward formulas), ``backward_passes`` (number of backward()/grad() calls)
    and ``step_num``.

    Raises:
        MinigradError: entering a profile that is already open.
    """

    def __init__(self, enabled: bool = True, record_shapes: bool = True, *,
                 activities: Sequence[ProfilerActivity] | None = None,
                 schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[[profile], Any] | None = None, acc_events: bool = False,
                 **unmeasured: Any) -> None:
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.activities = set(activities) if activities is not None else {ProfilerActivity.CPU}
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.acc_events = acc_events
        self._unmeasured = unmeasured
        self._stats: dict[tuple[str, Shapes], OpStats] = {}
        self._labels: dict[str, OpStats] = {}
        self._events: list[OpEvent] = []
        self._open = False
        self._recording = True
        self.backward_passes = 0
        self._pass_time = 0.0
        self.step_num = 0
        self.current_action = ProfilerAction.NONE

    # ------------------------------------------------------------ context

    def __enter__(self) -> profile:
        if self._open:
            raise MinigradError("this profile is already open; use a new mg.profile() to nest")
        self._clear()
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._recording = self.current_action in _RECORDING
        if self.enabled:
            self._open = True
            _open.append(self)
            _instrument.add_observer(self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._open:
            self._open = False
            _open.remove(self)
            _instrument.remove_observer(self)
            if self._recording and self.on_trace_ready is not None:
                self.on_trace_ready(self)
            self._recording = False

    def _clear(self) -> None:
        self._stats = {}
        self._labels = {}
        self._events = []
        self.backward_passes = 0
        self._pass_time = 0.0

    def start(self) -> None:
        """Begin profiling outside a ``with`` block (as ``__enter__``)."""
        self.__enter__()

    def stop(self) -> None:
        """End profiling started by :meth:`start` (as ``__exit__``)."""
        self.__exit__(None, None, None)

    def step(self) -> None:
        """Tell the schedule a step ended: a recorded cycle that ends here goes to ``on_trace_ready``,
        and a cycle that starts here starts with no rows (unless ``acc_events``)."""
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if not self._open:
            return
        ends = prev is ProfilerAction.RECORD_AND_SAVE or (
            prev is ProfilerAction.RECORD and self.current_action not in _RECORDING)
        if ends and self.on_trace_ready is not None:
            self.on_trace_ready(self)
        starts = self.current_action in _RECORDING and (ends or prev not in _RECORDING)
        if starts and not self.acc_events:
            self._clear()
        self._recording = self.current_action in _RECORDING

    # ------------------------------------------------------------ recording

    def _entry(self, name: str, shapes: Shapes) -> OpStats:
        key = (name, shapes)
        st = self._stats.get(key)
        if st is None:
            st = self._stats[key] = OpStats(name, input_shapes=[shapes] if self.record_shapes else [])
        return st

    def _label(self, name: str, start: float, seconds: float) -> None:
        if not self._recording:
            return
        st = self._labels.get(name)
        if st is None:
            st = self._labels[name] = OpStats(name)
        st.count += 1
        st.forward_time += seconds
        self._events.append(OpEvent(name, "label", seconds, (), start))

    def on_forward(self, cls: type[Function], inputs: Sequence[Tensor], out: Tensor,
                   seconds: float, in_backward: bool) -> None:
        if in_backward or not self._recording:
            return  # part of the enclosing backward formula or of the engine
        shapes = _shapes(inputs) if self.record_shapes else ()
        st = self._entry(cls.__name__, shapes)
        st.count += 1
        st.forward_time += seconds
        self._events.append(OpEvent(cls.__name__, "forward", seconds, shapes, time.perf_counter() - seconds))

    def on_backward(self, fn: Function, grad_out: Tensor, out: Tensor,
                    grads: Sequence[Tensor | None], seconds: float) -> None:
        if not self._recording:
            return
        shapes = _shapes(fn.parents or ()) if self.record_shapes else ()
        name = _ops.op_class(fn).__name__  # (the primitive's, also for a node renamed as PyTorch's class)
        st = self._entry(name, shapes)
        st.backward_count += 1
        st.backward_time += seconds
        self._events.append(OpEvent(name, "backward", seconds, shapes, time.perf_counter() - seconds))

    def on_backward_pass(self, seconds: float) -> None:
        if not self._recording:
            return
        self.backward_passes += 1
        self._pass_time += seconds

    # ------------------------------------------------------------ results

    def events(self) -> list[OpEvent]:
        """Every recorded call in the order it happened (backward events in engine order); a
        ``record_function`` block is one event of phase ``"label"``, filed when the block ends."""
        return list(self._events)

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """Per-op totals, one entry per op name (or per op and input shapes), first-seen order, then one
        per ``record_function`` label."""
        del group_by_stack_n, group_by_overload_name
        labels = [OpStats(s.name, s.count, s.forward_time) for s in self._labels.values()]
        if group_by_input_shape:
            return EventList([
                *(OpStats(s.name, s.count, s.forward_time, s.backward_count, s.backward_time,
                          list(s.input_shapes)) for s in self._stats.values()),
                *labels], self)
        merged: dict[str, OpStats] = {}
        for s in self._stats.values():
            if s.name not in merged:
                merged[s.name] = OpStats(s.name)
            merged[s.name]._merge(s)
        return EventList([*merged.values(), *labels], self)

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
        return _table(list(self.key_averages(group_by_input_shape)), sort_by, row_limit, self)

    def export_chrome_trace(self, path: str) -> None:
        """Write the recorded events as a Chrome trace (JSON; open it in chrome://tracing or Perfetto)."""
        base = min((e.start for e in self._events), default=0.0)
        trace = [{"name": e.name, "cat": "user_annotation" if e.phase == "label" else f"cpu_op_{e.phase}",
                  "ph": "X", "ts": (e.start - base) * 1e6, "dur": e.seconds * 1e6, "pid": os.getpid(),
                  "tid": 0, "args": {"Input Dims": [list(s) for s in e.input_shapes]}}
                 for e in self._events]
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, f)

    def __str__(self) -> str:
        return self.table()


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False) -> Callable[[profile], None]:
    """An ``on_trace_ready`` that writes each cycle's Chrome trace into ``dir_name`` as
    ``{worker}.{milliseconds}.pt.trace.json`` (``use_gzip`` is accepted; the file is plain JSON)."""
    del use_gzip
    worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"

    def handler(prof: profile) -> None:
        os.makedirs(dir_name, exist_ok=True)
        prof.export_chrome_trace(os.path.join(dir_name, f"{worker}.{int(time.time() * 1000)}.pt.trace.json"))

    return handler
