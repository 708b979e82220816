"""``torch.jit`` on minigrad: TorchScript's entry points, for scripts that script or trace a model.

TorchScript compiles a module or function into a graph that runs without
Python. minigrad has no such compiler (``mg.compile`` replays recorded
kernels instead), so :func:`script` and :func:`trace` give back the function
or module they were given: calling it computes exactly what the eager one
computes, which is what a script that traces a model to run it again sees.
They warn ``DeprecationWarning`` as PyTorch 2.13 does. The decorators
(``ignore``, ``unused``, ``export``) leave functions as they are, and
``fork`` runs its function at once. Saving a scripted program
(``jit.save``/``jit.load``) needs TorchScript's file format and raises.
"""

from __future__ import annotations

import typing
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from minigrad.errors import UnsupportedError
from minigrad.nn.module import Module

__all__ = ["Attribute", "Final", "Future", "ScriptModule", "annotate", "export", "fork", "freeze", "ignore",
           "is_scripting", "is_tracing", "load", "optimize_for_inference", "save", "script", "script_method",
           "trace", "trace_module", "unused", "wait"]

T = TypeVar("T")
Final = typing.Final


def _deprecated(fn: str) -> None:
    warnings.warn(f"`torch.jit.{fn}` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning, stacklevel=2)  # attributed to this module, as PyTorch's is to its own:
    # Python's default filters then hide it from scripts (shown only under -W or pytest), as under PyTorch


def script(obj: T, optimize: None = None, _frames_up: int = 0, _rcb: Any = None,
           example_inputs: Any = None) -> T:
    """``obj`` itself (a module, function or class): minigrad runs it eagerly, with the same results."""
    _deprecated("script")
    return obj


def trace(func: T, example_inputs: Any = None, optimize: None = None, check_trace: bool = True,
          check_inputs: Any = None, check_tolerance: float = 1e-5, strict: bool = True, **kwargs: Any) -> T:
    """``func`` itself: a traced program computes what the eager one computes for the traced inputs."""
    _deprecated("trace")
    return func


def trace_module(mod: T, inputs: Any, **kwargs: Any) -> T:
    """``mod`` itself (see :func:`trace`)."""
    _deprecated("trace_module")
    return mod


def freeze(mod: T, preserved_attrs: Any = None, optimize_numerics: bool = True) -> T:
    """``mod`` itself: there is no TorchScript graph to fold constants into."""
    return mod


def optimize_for_inference(mod: T, other_methods: Any = None) -> T:
    """``mod`` itself (see :func:`freeze`)."""
    return mod


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """``@torch.jit.ignore`` / ``@torch.jit.ignore(drop=True)``: the function, unchanged."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn: T) -> T:
    """``@torch.jit.unused``: the function, unchanged."""
    return fn


def export(fn: T) -> T:
    """``@torch.jit.export``: the method, unchanged."""
    return fn


def script_method(fn: T) -> T:
    """``@torch.jit.script_method`` of the old ScriptModule style: the method, unchanged."""
    return fn


class ScriptModule(Module):
    """The old TorchScript base class (``class M(torch.jit.ScriptModule)``): an ordinary Module here."""


def is_scripting() -> bool:
    """False: code never runs under TorchScript in minigrad."""
    return False


def is_tracing() -> bool:
    """False: :func:`trace` records nothing."""
    return False


def annotate(the_type: Any, the_value: T) -> T:
    """``the_value``: a type hint for the TorchScript compiler."""
    return the_value


class Attribute(NamedTuple):
    """``torch.jit.Attribute(value, type)``: a value with its TorchScript type."""

    value: Any
    type: Any


class Future:
    """The result of :func:`fork`, already computed."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def wait(self) -> Any:
        """The function's result."""
        return self._value

    def value(self) -> Any:
        """The function's result."""
        return self._value

    def done(self) -> bool:
        """True: the function ran when it was forked."""
        return True


def fork(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
    """Run ``func(*args, **kwargs)`` now (PyTorch may run it in parallel) and return its :class:`Future`."""
    return Future(func(*args, **kwargs))


def wait(future: Future) -> Any:
    """The result of a :func:`fork`."""
    return future.wait()


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    """Raises: a scripted program is TorchScript's serialized graph, which minigrad cannot write.

    Raises:
        UnsupportedError: always; save ``m.state_dict()`` with ``torch.save`` instead.
    """
    raise UnsupportedError("torch.jit.save: minigrad has no TorchScript format; save the model's weights "
                           "with torch.save(model.state_dict(), path) and rebuild the model from its class")


def load(f: Any, map_location: Any = None, _extra_files: Any = None, _restore_shapes: bool = False) -> Any:
    """Raises, as :func:`save`.

    Raises:
        UnsupportedError: always; load a state_dict with ``torch.load`` into the model's class instead.
    """
    raise UnsupportedError("torch.jit.load: minigrad cannot read TorchScript programs; load a state_dict "
                           "with torch.load(path) into an instance of the model's class")
