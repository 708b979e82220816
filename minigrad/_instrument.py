"""Switchable instrumentation of the primitive ops, shared by the profiler and anomaly mode.

Nothing here costs anything while no tool is on. Entering the first tool swaps
in wrapped versions of ``Function.apply`` (every forward), of each op class's
``backward`` and of the engine's ``_run_backward`` (one backward
pass); leaving the last tool puts the original functions back. Ordinary code
therefore runs exactly the functions it runs without this module: no flag is
checked per op, which is what keeps the tools free when off.

The swap is process-global: while a tool is on, ops run by every thread are
observed (PyTorch's anomaly mode is thread-local; ours is not, to keep the
off path free of a thread-local lookup). Whether an op runs inside a backward
pass is tracked per thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from time import perf_counter
from typing import TYPE_CHECKING, Any

from minigrad import ops as _ops
from minigrad.autograd import engine

if TYPE_CHECKING:
    from minigrad.ops import Function
    from minigrad.tensor import Tensor

__all__ = ["Observer", "add_observer", "in_backward", "remove_observer"]


class Observer:
    """Receives one call per primitive forward and backward while registered.

    Subclasses override what they need; the defaults do nothing.
    """

    def on_forward(self, cls: type[Function], inputs: Sequence[Tensor], out: Tensor,
                   seconds: float, in_backward: bool) -> None:
        """After ``cls.apply(*inputs)`` returned ``out`` taking ``seconds``.

        ``in_backward`` is True for ops run by the engine itself (a primitive's
        backward formula, the reduction of a broadcast gradient, the sum of
        gradients meeting at a tensor).
        """

    def on_backward(self, fn: Function, grad_out: Tensor, out: Tensor,
                    grads: Sequence[Tensor | None], seconds: float) -> None:
        """After ``fn.backward(grad_out, out)`` returned ``grads`` taking ``seconds``.

        ``fn.parents`` still holds the op's inputs here. Raising aborts the backward pass.
        """

    def on_backward_error(self, fn: Function, error: BaseException) -> None:
        """When ``fn.backward`` raised ``error`` (which is then re-raised)."""

    def on_backward_pass(self, seconds: float) -> None:
        """After one whole ``backward()``/``grad()`` call, engine overhead included."""


_lock = threading.RLock()
_observers: list[Observer] = []
_originals: list[tuple[Any, str, Any]] = []  # (owner, attribute, original value)


class _ThreadState(threading.local):
    backward_depth = 0


_state = _ThreadState()


def in_backward() -> bool:
    """True while the calling thread is inside a backward pass."""
    return _state.backward_depth > 0


def _op_classes() -> list[type[Function]]:
    seen: list[type[Function]] = []
    todo = [_ops.Function]
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return seen


def _wrap_apply(original: Callable[..., Tensor]) -> classmethod[Any, Any, Tensor]:
    def apply(cls: type[Function], /, *inputs: Tensor, **params: Any) -> Tensor:
        start = perf_counter()
        out = original(cls, *inputs, **params)
        seconds = perf_counter() - start
        nested = _state.backward_depth > 0
        for obs in tuple(_observers):
            obs.on_forward(cls, inputs, out, seconds, nested)
        return out

    apply.__doc__ = original.__doc__
    return classmethod(apply)


def _wrap_backward(original: Callable[..., Any]) -> Callable[..., Any]:
    # Named apart from ``backward``: it holds no derivative, it times the op's own formula.
    def observed(self: Function, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        start = perf_counter()
        try:
            grads: tuple[Tensor | None, ...] = original(self, g, out)
        except Exception as e:
            for obs in tuple(_observers):
                obs.on_backward_error(self, e)
            raise
        seconds = perf_counter() - start
        for obs in tuple(_observers):
            obs.on_backward(self, g, out, grads, seconds)
        return grads

    observed.__doc__ = original.__doc__
    return observed


def _wrap_check(original: Callable[..., Any]) -> Callable[..., Any]:
    # The engine's checks of a node's inputs (changed in place since?): their errors are the node's.
    def checked(self: Function, *args: Any) -> None:
        try:
            original(self, *args)
        except Exception as e:
            for obs in tuple(_observers):
                obs.on_backward_error(self, e)
            raise

    checked.__doc__ = original.__doc__
    return checked


def _wrap_run_backward(original: Callable[..., Any]) -> Callable[..., Any]:
    def run_backward(*args: Any, **kwargs: Any) -> Any:
        _state.backward_depth += 1
        start = perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _state.backward_depth -= 1
            seconds = perf_counter() - start
            for obs in tuple(_observers):
                obs.on_backward_pass(seconds)

    return run_backward


def _install() -> None:
    patches: list[tuple[Any, str, Any]] = []
    for cls in _op_classes():
        if "apply" in cls.__dict__:
            raw = cls.__dict__["apply"]
            patches.append((cls, "apply", _wrap_apply(raw.__func__)))
            _originals.append((cls, "apply", raw))
        if "backward" in cls.__dict__ and cls is not _ops.Function:
            raw = cls.__dict__["backward"]
            patches.append((cls, "backward", _wrap_backward(raw)))
            _originals.append((cls, "backward", raw))
        if cls.__dict__.get("adds_in_place"):  # (the engine's shortcut skips backward: off, tools see all)
            patches.append((cls, "adds_in_place", False))
            _originals.append((cls, "adds_in_place", True))
    for attr in ("check_versions", "check_output_version"):
        raw = _ops.Function.__dict__[attr]
        patches.append((_ops.Function, attr, _wrap_check(raw)))
        _originals.append((_ops.Function, attr, raw))
    run = engine._run_backward
    patches.append((engine, "_run_backward", _wrap_run_backward(run)))
    _originals.append((engine, "_run_backward", run))
    for owner, attr, value in patches:
        setattr(owner, attr, value)


def _uninstall() -> None:
    while _originals:
        owner, attr, value = _originals.pop()
        setattr(owner, attr, value)


def add_observer(obs: Observer) -> None:
    """Start delivering op events to ``obs``; the first observer switches instrumentation on."""
    with _lock:
        if not _observers:
            _install()
        _observers.append(obs)


def remove_observer(obs: Observer) -> None:
    """Stop delivering events to ``obs``; the last one restores the uninstrumented functions."""
    with _lock:
        if obs in _observers:
            _observers.remove(obs)
        if not _observers:
            _uninstall()


def is_active() -> bool:
    """True while some tool has instrumentation switched on."""
    return bool(_observers)
