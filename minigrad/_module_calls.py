"""Which module call created which op: the record behind ``mg.viz``'s module boxes and parameter names.

``Module.__call__`` calls :func:`enter` before ``forward`` and :func:`exit`
after it (a hook of a few lines in ``minigrad/nn/module.py``). While grad mode is on, each call takes a
number from the op sequence counter on entry and on exit, so the ops it
created (directly or in nested calls) are exactly those whose ``seq`` lies
between the two: nothing is stored on ops or tensors, and ops themselves pay
nothing. A call records a weak reference to its module and its enclosing call.

Records are kept per outermost call (one ``model(x)`` with everything it
calls), for the newest ``MAX_ROOTS`` of them: memory stays bounded over any
number of training steps, and a graph built longer ago than that is drawn
without module boxes. Calls made under ``no_grad`` create no graph and are not
recorded.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from minigrad._clock import tick
from minigrad.grad_mode import _mode

if TYPE_CHECKING:
    from minigrad.nn.module import Module

__all__ = ["Call", "calls_for", "enter", "exit", "named_tensors"]

MAX_ROOTS = 64
_RUNNING = float("inf")  # a call's end while it runs


class Call:
    """One recorded ``module(...)`` call: ops with ``start < seq < end`` were created during it."""

    __slots__ = ("_qualname", "end", "kind", "module", "parent", "start")

    def __init__(self, module: Module, start: int, parent: Call | None) -> None:
        self.module: weakref.ref[Module] = weakref.ref(module)
        self.kind = type(module)  # still known once the module is gone
        self.start = start
        self.end: float = _RUNNING
        self.parent = parent
        self._qualname: str | None = None

    def contains(self, seq: int) -> bool:
        """True if an op numbered ``seq`` was created during this call."""
        return self.start < seq < self.end

    def qualname(self) -> str:
        """The attribute path of the module under the outermost call's module ("" for that one;
        the class name where a module on the way is gone)."""
        if self._qualname is None:
            own = self.module()
            name = ""
            if self.parent is not None and own is not None:
                outer = self.parent.module()
                modules = outer.named_modules() if outer is not None else iter(())
                rel = next((n for n, m in modules if m is own), type(own).__name__)
                prefix = self.parent.qualname()
                name = f"{prefix}.{rel}" if prefix else rel
            elif self.parent is not None:
                name = self.kind.__name__
            self._qualname = name
        return self._qualname


_roots: deque[list[Call]] = deque(maxlen=MAX_ROOTS)  # each: an outermost call, then its nested calls


class _Current(threading.local):
    call: Call | None = None
    records: list[Call] | None = None  # the list of the outermost call in progress


_current = _Current()


def enter(module: Module) -> Call | None:
    """Called by ``Module.__call__`` before ``forward``: open a record (None under no_grad)."""
    if not _mode.grad:  # (is_grad_enabled() without the call: this runs for every module call)
        return None
    current = _current  # (one global lookup: this runs for every module call of every step)
    outer = current.call
    call = Call(module, next(tick), outer)
    records = current.records
    if outer is None or records is None:
        current.records = records = [call]
        _roots.append(records)
    else:
        records.append(call)
    current.call = call
    return call


def exit(call: Call | None) -> None:  # noqa: A001 - the pair of enter()
    """Called by ``Module.__call__`` after ``forward`` (also when it raised): close the record."""
    if call is not None:
        call.end = next(tick)
        _current.call = call.parent


def calls_for(seqs: list[int]) -> dict[int, Call]:
    """For each op number in ``seqs``, the innermost recorded call that created it (if any)."""
    records = sorted((c for root in list(_roots) for c in root), key=lambda c: c.start)
    starts = [c.start for c in records]
    out: dict[int, Call] = {}
    for seq in seqs:
        i = bisect.bisect_left(starts, seq) - 1
        call = records[i] if i >= 0 else None
        while call is not None and not call.contains(seq):
            call = call.parent
        if call is not None:
            out[seq] = call
    return out


def _root_modules() -> Iterator[Module]:
    """The modules of outermost calls still alive, newest first, each once."""
    seen: set[int] = set()
    for root in reversed(list(_roots)):
        module = root[0].module()
        if module is not None and id(module) not in seen:
            seen.add(id(module))
            yield module


def named_tensors() -> dict[int, str]:
    """id(parameter or buffer) -> its attribute path in the model it belongs to.

    The models are those called (outermost) while grad mode was on; when a
    tensor belongs to several, the largest model names it (so a block called
    on its own does not shorten the names of the whole model's parameters).
    """
    roots = sorted(_root_modules(), key=lambda m: -sum(1 for _ in m.modules()))
    names: dict[int, str] = {}
    for root in roots:
        items: list[tuple[str, Any]] = [*root.named_parameters(), *root.named_buffers()]
        for name, t in items:
            names.setdefault(id(t), name)
    return names


def clear() -> None:
    """Forget every recorded call (tests use it for a clean slate)."""
    _roots.clear()
