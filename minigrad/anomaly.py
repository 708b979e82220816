"""Anomaly mode: find the op whose gradient first became NaN or infinite.

>>> with mg.detect_anomaly():
...     y = model(x)
...     y.sum().backward()      # raises MinigradError naming e.g. SqrtBackward
...                             # and the line of your code that called sqrt()

While the mode is on, every recorded op remembers the line of user code that
created it (the first stack frame outside the minigrad package), and every
backward formula's result is checked for NaN and infinity. The first op whose
input-gradient is not finite raises :class:`~minigrad.errors.MinigradError`
naming the op, the input, and that source line. Any other error raised by a
backward formula gets the creating line added as a note.

Like PyTorch, only gradients are checked, not forward values: a NaN produced
in the forward pass shows up as the first op whose gradient it poisons.

The mode is process-global (PyTorch's is thread-local) and costs nothing
when off: the instrumented functions are swapped in only while it is on.
Recording a stack frame per op is slow, so use it to debug, not to train.
"""

from __future__ import annotations

import functools
import linecache
import os
import sys
import warnings
import weakref
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np

from minigrad import _instrument
from minigrad.errors import MinigradError

if TYPE_CHECKING:
    from minigrad.ops import Function
    from minigrad.tensor import Tensor

__all__ = [
    "detect_anomaly", "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "set_anomaly_enabled",
    "set_detect_anomaly",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class SourceSite(NamedTuple):
    """Where user code created an op: file, line number and function name."""

    filename: str
    lineno: int
    function: str

    def describe(self) -> str:
        """``file:line, in function`` followed by the source line when it can be read."""
        text = f"{self.filename}:{self.lineno}, in {self.function}"
        source = linecache.getline(self.filename, self.lineno).strip()
        return f"{text}\n    {source}" if source else text


def _user_site() -> SourceSite | None:
    """The innermost stack frame whose code is outside the minigrad package."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR):
            return SourceSite(filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back  # type: ignore[assignment]
    return None


class _AnomalyObserver(_instrument.Observer):
    """Records creation sites of ops and checks every backward formula's result."""

    def __init__(self) -> None:
        # id(fn) -> (weak reference to the op's output, site). Functions cannot be
        # weakly referenced, their outputs can; an op lives exactly as long as its output.
        self.sites: dict[int, tuple[weakref.ref[Tensor], SourceSite | None]] = {}
        self.enabled = False
        self.check_nan = True

    def site_of(self, fn: Function) -> SourceSite | None:
        entry = self.sites.get(id(fn))
        if entry is None:
            return None
        out = entry[0]()
        return entry[1] if out is not None and out._ctx is fn else None

    def on_forward(self, cls: type[Function], inputs: Sequence[Tensor], out: Tensor,
                   seconds: float, in_backward: bool) -> None:
        fn = out._ctx
        if fn is None:
            return
        key = id(fn)
        sites = self.sites

        def forget(_: object, key: int = key) -> None:
            sites.pop(key, None)

        sites[key] = (weakref.ref(out, forget), _user_site())

    def _where(self, fn: Function) -> str:
        site = self.site_of(fn)
        if site is None:
            return ("Its creation site is unknown: run the forward pass inside "
                    "mg.detect_anomaly() too, to learn which line created it.")
        return f"The op was created at {site.describe()}"

    def on_backward(self, fn: Function, grad_out: Tensor, out: Tensor,
                    grads: Sequence[Tensor | None], seconds: float) -> None:
        if not self.check_nan:
            return
        for i, g in enumerate(grads):
            if g is None or g._array.dtype.kind != "f":
                continue
            finite = np.isfinite(g._array)
            if finite.all():
                continue
            bad = g._array[~finite]
            kinds = " and ".join(k for k, present in
                                 (("nan", np.isnan(bad).any()), ("inf", np.isinf(bad).any())) if present)
            parents = fn.parents or ()
            shape = f" (shape {parents[i].shape})" if i < len(parents) else ""
            upstream = ("" if np.isfinite(grad_out._array).all() else
                        " The gradient flowing into it already contained nan/inf"
                        " (it was passed to backward() that way).")
            # PyTorch's sentence (it checks for nan only) alone on the first line: scripts match on it
            lead = (f"Function '{fn.name()}' returned nan values in its {i}th output.\n" if "nan" in kinds
                    else "")
            raise MinigradError(
                f"{lead}Function '{fn.name()}' returned {kinds} values in its gradient for input {i}"
                f"{shape}: {int(bad.size)} of {g._array.size} elements are not finite.{upstream}\n"
                f"{self._where(fn)}"
            )

    def on_backward_error(self, fn: Function, error: BaseException) -> None:
        site = self.site_of(fn)
        where = (f"Traceback of forward call that caused the error:\n  {site.describe()}" if site is not None
                 else "No forward pass information available. Enable detect anomaly during forward pass for "
                 "more information.")
        message = f"Error detected in {fn.name()}. {where}"  # PyTorch's warning, before the error
        try:
            warnings.warn(message, UserWarning, stacklevel=2)
        except Warning:  # warnings are errors here: the error to come is the one to raise (PyTorch's rule)
            print(f"UserWarning: {message}", file=sys.stderr)
        if hasattr(error, "add_note"):  # Python >= 3.11
            error.add_note(f"(anomaly mode) raised in the backward of {fn.name()}. {self._where(fn)}")


_observer = _AnomalyObserver()


def is_anomaly_enabled() -> bool:
    """True while anomaly mode is on (in any thread: the mode is process-global)."""
    return _observer.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """The check_nan flag last set; PyTorch keeps it (True at start) while the mode is off too."""
    return _observer.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly mode on or off (``torch.set_anomaly_enabled``): what the context managers call."""
    enabled = bool(enabled)
    if enabled and not _observer.enabled:
        _instrument.add_observer(_observer)
    elif _observer.enabled and not enabled:
        _instrument.remove_observer(_observer)
        _observer.sites.clear()
    _observer.enabled, _observer.check_nan = enabled, bool(check_nan)


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Context manager and decorator that turns anomaly mode on, and restores the previous mode on exit.

    Args:
        check_nan: raise at the first backward formula that produces NaN or
            inf (default). With False, only creation sites are recorded, so
            errors raised in backward name the line that created the op.

    Warns ``UserWarning`` when created, as PyTorch does: the mode slows every op.

    Raises (from ``backward()`` inside the block):
        MinigradError: ``Function 'SqrtBackward' returned nan values in its
            gradient for input 0 ...`` with the file and line of the ``sqrt``
            call in your code.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())  # PyTorch reads it here
        self.check_nan = bool(check_nan)
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        set_anomaly_enabled(*self.prev)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # not a new detect_anomaly: it warned once, when created
            prev = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
            set_anomaly_enabled(True, self.check_nan)
            try:
                return func(*args, **kwargs)
            finally:
                set_anomaly_enabled(*prev)

        return wrapper  # type: ignore[return-value]


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Turn anomaly mode on or off; takes effect when called, and undoes itself as a context manager.

    ``mg.autograd.set_detect_anomaly(True)`` switches it on until
    ``set_detect_anomaly(False)``.
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        set_anomaly_enabled(*self.prev)
