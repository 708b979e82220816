"""Grad mode: whether operations are recorded for backward, per thread.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` switch
it, each usable as a context manager and as a decorator, as in PyTorch. The
primitive ops read ``_mode.record`` once per op. This module imports nothing
else from minigrad, so every layer of the library may import it.
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, overload

__all__ = [
    "enable_grad", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "no_grad",
    "set_grad_enabled", "is_multithreading_enabled", "set_multithreading_enabled",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])
B = TypeVar("B", bound="_BareDecorator")
I = TypeVar("I", bound="inference_mode")  # noqa: E741


class _GradMode(threading.local):
    # Thread-local so that ``no_grad`` in a data-loading thread cannot switch
    # recording off for the training thread.
    grad: bool = True  # what is_grad_enabled() reports
    inference: bool = False  # inside inference_mode()
    record: bool = True  # grad and not inference: the one flag the ops read


class _Inference:
    """Process-wide facts about inference mode, cheap to read on the paths that make every tensor.

    Reading a thread-local costs more than a plain attribute: those paths test
    ``_inference.threads`` first and look at this thread's ``_mode.inference``
    only while some thread is in inference mode; view methods mark views of
    inference tensors only once inference mode has been ``used`` at all.
    """

    def __init__(self) -> None:  # instance attributes: Python 3.11 reads those fastest
        self.threads = 0  # threads inside inference_mode now
        self.used = False  # inference_mode was ever entered: inference tensors may exist


class _AutogradExtras:
    """Switches for autograd's rarely used features, so the ops and the engine test one plain attribute.

    ``pack``: the active ``saved_tensors_hooks`` (pack, unpack) pairs, innermost last;
    ``nodes``: some graph node was given a hook, metadata or packed tensors (the engine's one test
    per node for all of these);
    ``post_accumulate``: some tensor has a post-accumulate-grad hook;
    ``leaf_hooks``: a hook was once registered on a leaf (backward then finishes each leaf as soon as
    its last gradient has arrived, so hooks run in PyTorch's order);
    ``stale``: a tensor that may have views was changed in place with the graph recorded (the ops' one
    test per call: their inputs' views may need the base's new history);
    ``mutation``: inside ``allow_mutation_on_saved_tensors``, called with each tensor about to be written
    in place (the in-place writes' one test);
    ``written``: the creation tick (``minigrad._clock``) of the latest in-place write: a node recorded
    after it (a larger ``seq``) cannot have an input changed since, so the engine skips its version check;
    ``retain``: inside ``func.vmap``'s slices but the last, where every backward keeps the graph: PyTorch's
    vmap runs a batched ``autograd.grad(retain_graph=False)`` once, minigrad's once per slice;
    ``subclass``: a Tensor subclass whose instances keep their class through ops was defined
    (``minigrad._subclass``): the ops' one test for giving a result its input's class;
    ``regrad``: the creation tick of the latest ``requires_grad_(True)`` of a leaf that did not require
    grad: nodes recorded before it may hold that leaf as an input with no edge to it (PyTorch fixes the
    edges when the op runs), so the engine sends them nothing (see ``Tensor._grad_gaps``).
    """

    def __init__(self) -> None:
        self.pack: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = []
        self.nodes = False
        self.post_accumulate = False
        self.leaf_hooks = False
        self.stale = False  # a tensor that may have views changed in place (autograd.graph.refresh_views)
        self.mutation: Callable[[Any], None] | None = None  # allow_mutation_on_saved_tensors: before a write
        self.written = -1
        self.retain = False
        self.subclass = False  # a Tensor subclass whose instances keep their class through ops exists
        self.regrad = -1


_extras = _AutogradExtras()
_mode = _GradMode()
_inference = _Inference()
_lock = threading.Lock()


def _set(grad: bool, inference: bool) -> None:
    if inference != _mode.inference:
        with _lock:
            _inference.threads += 1 if inference else -1
            _inference.used = True
    _mode.grad = grad
    _mode.inference = inference
    _mode.record = grad and not inference


def is_grad_enabled() -> bool:
    """Return True if grad mode is on (inside ``inference_mode`` ops still record nothing)."""
    return _mode.grad


def is_inference_mode_enabled() -> bool:
    """Return True inside ``inference_mode()`` (with ``mode=True``)."""
    return _mode.inference


class _GradModeContext:
    """Base of the switches: a context manager, and a decorator that runs the function inside it.

    Each entry saves the state it replaces, so one instance may be entered
    again while active (nested ``with`` blocks of the same object).
    """

    _grad: bool | None = None  # grad mode inside the block; None leaves it as it is
    _inference: bool | None = None  # inference mode inside the block; None leaves it

    def __init__(self) -> None:
        self._saved: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._saved.append((_mode.grad, _mode.inference))
        _set(
            _mode.grad if self._grad is None else self._grad,
            _mode.inference if self._inference is None else self._inference,
        )

    def __exit__(self, *exc: object) -> None:
        _set(*self._saved.pop())

    def clone(self) -> _GradModeContext:
        """A new switch of the same kind and setting (each decorated call enters its own)."""
        return type(self)()

    def __call__(self, func: F) -> F:
        if inspect.isclass(func):
            warnings.warn(
                "Decorating classes is deprecated and will be disabled in future versions. You should only "
                "decorate functions or methods. To preserve the current behavior of class decoration, you "
                "can directly decorate the `__init__` method and nothing else.", FutureWarning, stacklevel=2)
            cls = func

            def construct(*args: Any, **kwargs: Any) -> Any:
                return cls(*args, **kwargs)

            func = construct  # type: ignore[assignment]
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _wrap_generator(self, func: F) -> F:
        """A generator function whose every step (start, send, throw, close) runs inside the switch,
        while the caller's code between steps runs in its own mode (as PyTorch's decorators)."""

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            gen = func(*args, **kwargs)
            try:
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as e:
                        with self.clone():
                            response = gen.throw(e)
                    else:
                        with self.clone():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value

        return generator  # type: ignore[return-value]


class _BareDecorator(_GradModeContext):
    """A switch that also decorates without parentheses: ``@mg.no_grad`` as ``@mg.no_grad()``."""

    @overload
    def __new__(cls: type[B], orig_func: None = None) -> B: ...

    @overload
    def __new__(cls: type[B], orig_func: F) -> F: ...  # type: ignore[misc]

    def __new__(cls: type[B], orig_func: F | None = None) -> B | F:  # type: ignore[misc]
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func: None = None) -> None:
        super().__init__()


class no_grad(_BareDecorator):  # noqa: N801 - PyTorch's name
    """Context manager and decorator that stops recording operations.

    Tensors computed inside have ``requires_grad=False``; nothing is kept for
    backward, so no memory is spent on the graph.
    """

    _grad = False


class enable_grad(_BareDecorator):  # noqa: N801 - PyTorch's name
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    _grad = True


class set_grad_enabled(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Set grad mode to ``mode``: at once when called, and back to the previous mode when its block ends.

    ``mg.set_grad_enabled(False)`` as a plain call switches recording off for
    this thread, as in PyTorch; used as a decorator it applies to each call only.
    """

    def __init__(self, mode: bool) -> None:
        super().__init__()
        if mode is not True and mode is not False:  # (PyTorch's parser takes only a bool)
            raise TypeError("set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}")  # (errors.bool_error's words: this module is a leaf)
        self.mode = mode
        self._prev = _mode.grad
        _set(self.mode, _mode.inference)

    def __enter__(self) -> None:
        _set(self.mode, _mode.inference)

    def __exit__(self, *exc: object) -> None:
        _set(self._prev, _mode.inference)

    def __call__(self, func: F) -> F:
        _set(self._prev, _mode.inference)  # decorating is not a call: undo the switch __init__ made
        return super().__call__(func)

    def clone(self) -> set_grad_enabled:
        """A new switch with the same ``mode``."""
        return set_grad_enabled(self.mode)


class inference_mode(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Context manager and decorator for code that only evaluates (PyTorch's ``inference_mode``).

    With ``mode=True`` nothing is recorded, even under ``enable_grad``, and
    grad mode reads off; tensors made inside are *inference tensors*
    (``Tensor.is_inference()``), which may not be changed in place or set to
    require grad once the block has ended. ``mode=False`` turns inference mode
    off and grad mode on, as PyTorch does. ``@mg.inference_mode`` also works
    without parentheses. (PyTorch also refuses to save an inference tensor
    for a later backward; minigrad does not check that.)
    """

    @overload
    def __new__(cls: type[I], mode: bool = True) -> I: ...

    @overload
    def __new__(cls: type[I], mode: F) -> F: ...  # type: ignore[misc]

    def __new__(cls: type[I], mode: bool | F = True) -> I | F:  # type: ignore[misc]
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self.mode = mode
        self._grad, self._inference = not mode, mode

    def clone(self) -> inference_mode:
        """A new switch with the same ``mode``."""
        return inference_mode(self.mode)


class set_multithreading_enabled:  # noqa: N801 - PyTorch's name
    """Allow (or not) backward to run on worker threads: at once when called, undone when its block ends.

    minigrad's backward always runs on the calling thread; the setting is kept and reported by
    :func:`is_multithreading_enabled`, as PyTorch's.
    """

    def __init__(self, mode: bool) -> None:
        self._prev = _multithreading[0]
        _multithreading[0] = bool(mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _multithreading[0] = self._prev


def is_multithreading_enabled() -> bool:
    """Whether :class:`set_multithreading_enabled` last allowed worker threads (True at start)."""
    return _multithreading[0]


_multithreading = [True]
