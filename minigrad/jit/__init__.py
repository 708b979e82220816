"""``torch.jit`` on minigrad: TorchScript's entry points, for scripts that script or trace a model.

TorchScript compiles a module or function into a graph that runs without
Python. minigrad has no such compiler (``mg.compile`` replays recorded
kernels instead), so :func:`script` and :func:`trace` give back the function
or module they were given: calling it computes exactly what the eager one
computes, which is what a script that traces a model to run it again sees.
They warn ``DeprecationWarning`` as PyTorch 2.13 does. The decorators
(``ignore``, ``unused``, ``export``) leave functions as they are, and
``fork`` runs its function at once. ``jit.save`` (and a scripted or traced
module's ``.save``) pickles the module in ``torch.save``'s layout, and
``jit.load`` reads it back (as ``torch.load(weights_only=False)``: only for
files you trust); TorchScript files that PyTorch wrote are refused.
"""

import ast
import functools
import inspect
import textwrap
import typing
import warnings
import zipfile
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from minigrad.errors import UnsupportedError
from minigrad.nn.module import Module

__all__ = ["Attribute", "Final", "Future", "ScriptModule", "TracerWarning", "annotate", "export", "fork",
           "freeze", "ignore", "is_scripting", "is_tracing", "load", "optimize_for_inference", "save",
           "script", "script_method", "trace", "trace_module", "unused", "wait"]

T = TypeVar("T")
Final = typing.Final


class TracerWarning(Warning):
    """The warning class of PyTorch's tracer (a traced program may not generalize); minigrad's
    :func:`trace` records nothing, so never issues it, but code filters it by name."""

    @staticmethod
    def ignore_lib_warnings() -> None:
        """Ignore TracerWarnings from library modules other than ``jit`` itself."""
        warnings.filterwarnings("ignore", category=TracerWarning, module="minigrad.(?!jit)")


def _deprecated(fn: str, instead: str = "`torch.compile` or `torch.export`") -> None:
    warnings.warn(f"`torch.jit.{fn}` is deprecated. Please switch to {instead}.",
                  DeprecationWarning, stacklevel=2)  # attributed to this module, as PyTorch's is to its own:
    # Python's default filters then hide it from scripts (shown only under -W or pytest), as under PyTorch


def script(obj: T, optimize: None = None, _frames_up: int = 0, _rcb: Any = None,
           example_inputs: Any = None) -> T:
    """``obj`` itself (a module, function or class): minigrad runs it eagerly, with the same results."""
    _deprecated("script")
    return _saveable(obj)


def trace(func: T, example_inputs: Any = None, optimize: None = None, check_trace: bool = True,
          check_inputs: Any = None, check_tolerance: float = 1e-5, strict: bool = True, **kwargs: Any) -> T:
    """``func`` itself: a traced program computes what the eager one computes for the traced inputs."""
    _deprecated("trace")
    return _saveable(func)


def trace_module(mod: T, inputs: Any, **kwargs: Any) -> T:
    """``mod`` itself (see :func:`trace`)."""
    _deprecated("trace_module")
    return _saveable(mod)


def _saveable(obj: T) -> T:
    """A module given to :func:`script` or :func:`trace` answers ``.save(f)`` as a ScriptModule does
    (:func:`save`), unless it has a ``save`` of its own."""
    if isinstance(obj, Module) and not hasattr(type(obj), "save") and "save" not in vars(obj):
        object.__setattr__(obj, "save", functools.partial(_save, obj))  # (the method does not warn)
    return obj


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


def _script_if_tracing(fn: T) -> T:
    """``@torch.jit._script_if_tracing`` (torchvision's box ops): scripts ``fn`` only while tracing, and
    :func:`trace` never traces, so the function, unchanged."""
    return fn


def _check_overload_body(fn: Any) -> None:
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except OSError:
        warnings.warn(f"Unable to retrieve source for @torch.jit._overload function: {fn}.",
                      stacklevel=3)
        return
    defs = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    body = defs[0].body
    stub = body[0] if len(body) == 1 else None
    if not (isinstance(stub, ast.Pass) or (isinstance(stub, ast.Expr) and isinstance(stub.value, ast.Constant)
                                           and stub.value.value is Ellipsis)):
        head = "\n".join(source.split("\n")[:3])
        raise RuntimeError("Only `pass` statement or `...` can be the body of overload declaration:\n"
                           f"{head} <- Expecting `pass` or `...` here!")


def _overload(fn: T) -> T:
    """``@torch.jit._overload``: declares one typed signature of a function for the TorchScript compiler;
    the declaration, unchanged (the plain definition that follows it is the one that runs).

    Raises:
        RuntimeError: the declaration's body is not just ``pass`` or ``...``, as PyTorch.
    """
    _check_overload_body(fn)
    return fn


def _overload_method(fn: T) -> T:
    """``@torch.jit._overload_method`` (torchvision's ``forward`` signatures): as :func:`_overload`, for a
    method; the declaration, unchanged.

    Raises:
        RuntimeError: the declaration's body is not just ``pass`` or ``...``, as PyTorch.
    """
    _check_overload_body(fn)
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
    """Write the scripted (that is, the eager) module ``m`` to ``f``, a path or a binary file: pickled in
    ``torch.save``'s layout (see :func:`minigrad.save`), for :func:`load`.

    Raises:
        pickle.PicklingError, AttributeError, TypeError: ``m`` holds something pickle cannot store.
    """
    _deprecated("save", "`torch.export`")
    _save(m, f)


def _save(m: Any, f: Any, _extra_files: Any = None) -> None:
    from minigrad import serialization

    serialization.save(m, f)


def load(f: Any, map_location: Any = None, _extra_files: Any = None, _restore_shapes: bool = False) -> Any:
    """The module :func:`save` wrote to ``f`` (a path or a binary file). Like ``torch.load(f,
    weights_only=False)`` it builds whatever the file's pickle names: load only files you trust.

    Raises:
        UnsupportedError: ``f`` is a TorchScript program PyTorch wrote (minigrad cannot run TorchScript;
            load a state_dict into the model's class instead).
        MinigradError: ``f`` is not a checkpoint (see :func:`minigrad.load`).
    """
    from minigrad import serialization

    _deprecated("load", "`torch.export`")
    if hasattr(f, "seek"):
        start = f.tell()
    try:
        with zipfile.ZipFile(f) as archive:
            scripted = any("/code/" in n or n.endswith("constants.pkl") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        scripted = False  # (load says what the file is)
    if hasattr(f, "seek"):
        f.seek(start)
    if scripted:
        raise UnsupportedError("torch.jit.load: this is a TorchScript program, which minigrad cannot run; "
                               "save the model's weights with torch.save(model.state_dict(), path) under "
                               "PyTorch and load them into an instance of the model's class")
    return serialization.load(f, map_location=map_location, weights_only=False)

from minigrad.jit import annotations as annotations  # noqa: E402  (torch.jit.annotations, an attribute)
