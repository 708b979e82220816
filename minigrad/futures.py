"""``torch.futures``: a value that a later ``set_result`` (or ``set_exception``) provides, callbacks run when
it does, and ``collect_all``/``wait_all`` over several. minigrad runs everything in one process, so a
Future is completed by the code (or thread) that calls ``set_result``; ``wait()`` blocks until then.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from minigrad.errors import _ArgumentTypeError, _AssertedParameterError

__all__ = ["Future", "collect_all", "wait_all"]

T = TypeVar("T")
S = TypeVar("S")

_NOT_SET: Any = object()
_TWICE = ("Attempting to mark a completed Future as complete again. Note that a Future can only be marked "
          "completed once.")


class Future(Generic[T]):
    """A result not yet computed: ``set_result(v)`` completes it, ``wait()`` returns v (blocking until then),
    ``then(fn)`` gives a Future of ``fn(self)``. Completing twice raises RuntimeError, as PyTorch's."""

    def __init__(self, *, devices: list[Any] | None = None) -> None:
        if devices:
            from minigrad.device import device as _device

            for d in devices:  # (minigrad's DeviceError for anything but the CPU)
                _device(d)
        self._done = threading.Condition()
        self._value: Any = _NOT_SET
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Future[T]], None]] = []

    def done(self) -> bool:
        """Whether a result or an exception has been set."""
        return self._value is not _NOT_SET or self._error is not None

    def wait(self) -> T:
        """The result, once set (blocks until it is); raises the exception set instead, if one was."""
        with self._done:
            self._done.wait_for(self.done)
        return self.value()

    def value(self) -> T:
        """The result without waiting. Raises the exception set, or RuntimeError if nothing is set yet."""
        if self._error is not None:
            raise self._error
        if self._value is _NOT_SET:
            raise RuntimeError("Future.value(): the Future has not completed (completed() assertion failed); "
                               "call wait() to block until it does")
        return cast(T, self._value)

    def then(self, callback: Callable[[Future[T]], S]) -> Future[S]:
        """A Future completed with ``callback(self)`` once this one completes (at once if it has). An error
        in the callback completes it with PyTorch's RuntimeError naming that error."""
        nxt: Future[S] = Future()

        def run(fut: Future[T]) -> None:
            try:
                result = callback(fut)
            except Exception as e:
                error = RuntimeError("Got the following error when running the callback: "
                                     f"{type(e).__name__}: {e}")
                error.__cause__ = e
                nxt.set_exception(error)
            else:
                nxt.set_result(result)

        self._add(run)
        return nxt

    def add_done_callback(self, callback: Callable[[Future[T]], None]) -> None:
        """Call ``callback(self)`` once this Future completes (at once if it has). Its errors are printed to
        stderr and dropped, as PyTorch logs them; use :meth:`then` to see them."""

        def run(fut: Future[T]) -> None:
            try:
                callback(fut)
            except Exception as e:
                print(f"Got the following error when running the callback: {type(e).__name__}: {e}",
                      file=sys.stderr)

        self._add(run)

    def set_result(self, result: T) -> None:
        """Complete the Future with ``result``: waiters wake, callbacks run (in this thread).

        Raises:
            RuntimeError: the Future was already completed.
        """
        self._complete(result, None)

    def set_exception(self, result: BaseException) -> None:
        """Complete the Future with an error: ``wait()`` and ``value()`` raise it.

        Raises:
            AssertionError: ``result`` is not an Exception (PyTorch's words).
            RuntimeError: the Future was already completed.
        """
        if not isinstance(result, Exception):
            raise _AssertedParameterError(f"{result} is of type {type(result)}, not an Exception.")
        self._complete(_NOT_SET, result)

    def _complete(self, value: Any, error: BaseException | None) -> None:
        with self._done:
            if self.done():
                raise RuntimeError(_TWICE)
            self._value, self._error = value, error
            callbacks, self._callbacks = self._callbacks, []
            self._done.notify_all()
        for run in callbacks:
            run(self)

    def _add(self, run: Callable[[Future[T]], None]) -> None:
        with self._done:
            if not self.done():
                self._callbacks.append(run)
                return
        run(self)


def collect_all(futures: Sequence[Future[Any]]) -> Future[list[Future[Any]]]:
    """A Future completed with the list ``futures`` once every one of them has completed; with the first
    error raised among them, if any failed.

    Raises:
        InvalidParameterError: an item is not a Future (also PyTorch's TypeError).
    """
    futures = list(futures)
    for f in futures:
        if not isinstance(f, Future):
            raise _ArgumentTypeError(f"collect_all(): expected a list of Futures, got an item of type "
                                     f"{type(f).__name__}")
    out: Future[list[Future[Any]]] = Future()
    lock = threading.Lock()
    state: dict[str, Any] = {"left": len(futures), "error": None}

    def one_done(fut: Future[Any]) -> None:
        with lock:
            if fut._error is not None and state["error"] is None:
                state["error"] = fut._error
            state["left"] -= 1
            last = state["left"] == 0
        if last:
            if state["error"] is not None:
                out.set_exception(state["error"])
            else:
                out.set_result(futures)

    if not futures:
        out.set_result([])
    for f in futures:
        f._add(one_done)
    return out


def wait_all(futures: Sequence[Future[Any]]) -> list[Any]:
    """The results of ``futures``, waiting for each; raises the first error among them, if any failed."""
    return [f.wait() for f in collect_all(futures).wait()]

