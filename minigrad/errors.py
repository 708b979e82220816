"""The exceptions minigrad raises, one family rooted at :class:`MinigradError`.

As in PyTorch, the base is a ``RuntimeError``, so ``except RuntimeError:``
written for PyTorch catches minigrad's errors too. Each subclass also
inherits the built-in exception PyTorch raises in its case (``ValueError``
for bad values and shapes, ``IndexError`` for a dim or index out of range,
``AssertionError`` for failed checks); wrong argument types are plain
``TypeError``, as in PyTorch.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
import sys
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

__all__ = [
    "DTypeError", "DeviceError", "DimensionError", "DomainError", "GradcheckError", "InvalidParameterError",
    "LinAlgError", "MinigradError", "ShapeError", "UnsupportedError",
]  # fmt: skip


_SIZE = re.compile(r"minigrad\.Size\(\[([^\]]*)\]\)")


def _as_tuple(match: re.Match[str]) -> str:
    items = match.group(1)
    return f"({items},)" if items and "," not in items else f"({items})"


class MinigradError(RuntimeError):
    """Base class of every error minigrad raises on purpose; a ``RuntimeError``, as PyTorch's errors."""

    def __init__(self, *args: Any) -> None:
        # A message names shapes as tuples, (2, 3), whether its f-string held a tensor's
        # mg.Size (whose str is PyTorch-style, minigrad.Size([2, 3])) or a numpy shape.
        if args and isinstance(args[0], str):
            args = (_SIZE.sub(_as_tuple, args[0]), *args[1:])
        super().__init__(*args)


class InvalidParameterError(MinigradError, ValueError):
    """A constructor or function argument has a value it cannot take.

    The message names the argument and the offending value.
    """


class ShapeError(MinigradError, ValueError):
    """Tensor shapes do not fit the operation.

    The message names the operation and both shapes (or the expected and the
    actual shape).
    """


class GradcheckError(MinigradError, AssertionError):
    """Analytical and numerical gradients disagree in :func:`minigrad.gradcheck`."""


class DimensionError(MinigradError, IndexError):
    """A dim or an index is out of range for the tensor's shape."""


class DTypeError(MinigradError):
    """A tensor's dtype does not fit the operation (a RuntimeError, as PyTorch's in that case).

    The message names the dtype expected, the dtype given, and how to convert.
    """


class DomainError(MinigradError):
    """A tensor holds values outside the range the operation accepts (a RuntimeError, as PyTorch's).

    For example probabilities outside [0, 1] given to ``binary_cross_entropy``.
    """


class UnsupportedError(MinigradError, NotImplementedError):
    """A PyTorch feature minigrad deliberately does not have: GPUs, distributed training, ONNX export.

    Also a ``NotImplementedError`` (hence a ``RuntimeError``), so PyTorch code
    that guards such calls with ``except RuntimeError`` keeps working. The
    message names the feature and says that minigrad does not do it.
    """


class DeviceError(UnsupportedError, AssertionError):
    """A device other than the CPU was asked for; minigrad computes on the CPU only.

    Also an ``AssertionError``: PyTorch's CPU build raises that class
    ("Torch not compiled with CUDA enabled") for a CUDA request.
    """


class LinAlgError(MinigradError):
    """A linear-algebra kernel failed on its input: a singular matrix to invert or solve with, a matrix
    that is not positive definite for a Cholesky factor (PyTorch's ``torch.linalg.LinAlgError``, also a
    RuntimeError)."""


# Where PyTorch checks an argument with ``assert`` or fails on its type, minigrad's error is also an
# instance of PyTorch's class (not exported: raised, and caught as the classes they derive from).
class _ArgumentTypeError(InvalidParameterError, TypeError):
    """An argument of the wrong type where PyTorch raises TypeError (``Linear(3.0, 4)``, ``bias=1``)."""


class _NotTensorError(TypeError):
    """A value that is no Tensor where a function takes one (PyTorch's argument-parser TypeError); the public
    function forms restate it in PyTorch's words, naming the parameter and its position."""


class _NotTensorAttributeError(_NotTensorError, AttributeError):
    """:class:`_NotTensorError` where PyTorch's function is Python code (most of ``torch.nn.functional``):
    its C functions raise TypeError there and its Python ones the AttributeError of reading a Tensor
    attribute off the value, so this is both."""


class _AttributeArgumentError(_ArgumentTypeError, AttributeError):
    """A value of the wrong kind PyTorch reads an attribute off first (``opt.load_state_dict(None)``: its
    ``state_dict.copy()``): its AttributeError."""


class _IndexArgumentError(_ArgumentTypeError, IndexError):
    """A float where PyTorch indexes with the argument (Embedding's ``padding_idx=1.0``): its IndexError."""


class _ZeroDivisorParameterError(InvalidParameterError, ZeroDivisionError):
    """A zero count PyTorch divides by before checking it (``GroupNorm(0, 4)``'s num_channels % 0)."""


class _OverflowParameterError(InvalidParameterError, OverflowError):
    """A value PyTorch converts with ``int()`` first, where that overflows (``manual_seed(float('inf'))``)."""


class _IndexParameterError(InvalidParameterError, IndexError):
    """A count PyTorch indexes with before checking it (a TransformerEncoder of -1 layers: its IndexError)."""


class _AssertedParameterError(InvalidParameterError, AssertionError):
    """An argument PyTorch checks with an assert (``MultiheadAttention(8, 3)``, a bad padding_idx)."""


class _AssertedTypeError(_ArgumentTypeError, AssertionError):
    """An argument of the wrong kind PyTorch checks with an assert (an IterableDataset in a ConcatDataset)."""


class _MissingKeyError(InvalidParameterError, KeyError):
    """A required entry is missing where PyTorch raises KeyError (a resumed scheduler's 'initial_lr').

    Its str quotes the message, as KeyError's (so a script printing it sees PyTorch's text).
    """

    __str__ = KeyError.__str__


class _IndexTypeError(DimensionError, TypeError):
    """An index of the wrong type (a float, a float tensor): PyTorch's IndexError, also a TypeError."""


class _ShapeIndexError(ShapeError, IndexError):
    """An input of too few dims where PyTorch indexes a dim it lacks (``F.unfold`` of a 2-D input)."""


class _AssertedShapeError(ShapeError, AssertionError):
    """Shapes PyTorch checks with an assert (MultiheadAttention's query, key and value)."""


class _MaskDTypeError(DTypeError, TypeError):
    """A mask (or operand) of the wrong dtype: PyTorch's RuntimeError; also a TypeError, which minigrad raised
    first."""


class _KernelParameterError(InvalidParameterError, UnsupportedError):
    """A dtype a random factory has no kernel for (``rand(2, dtype=int64)``): PyTorch's NotImplementedError;
    also the InvalidParameterError (a ValueError) minigrad raised first."""


class _BoolPowError(UnsupportedError, TypeError):
    """pow of two bools: PyTorch's NotImplementedError (no kernel); also a TypeError, as minigrad's was."""


class _BoolProductError(UnsupportedError, TypeError):
    """A matrix product of bools (``b @ b``, ``mm``, ``dot``, ``bmm``): PyTorch's NotImplementedError (no
    kernel); also the TypeError minigrad raised first."""


class _NoProcessGroupError(UnsupportedError, ValueError):
    """A torch.distributed call that needs the default process group (``get_world_size()``, ``all_reduce``):
    PyTorch's ValueError when none was initialized, as none can be in minigrad."""


class _NoProcessGroupAssertionError(UnsupportedError, AssertionError):
    """``destroy_process_group()`` with no group: PyTorch's AssertionError ("Process group cannot be
    None")."""


class _NoGpuKernelError(DeviceError, AttributeError):
    """``nn.parallel.scatter`` and its kin: PyTorch's CPU build has no ``torch._C._scatter`` to call, so they
    raise AttributeError there; also the DeviceError minigrad raises for any GPU work."""


class _AllocationError(MinigradError, MemoryError):
    """Memory numpy could not allocate for a factory's result (``arange(0, 1, 1e-15)``, ``zeros(10**15)``):
    PyTorch's RuntimeError ("DefaultCPUAllocator: can't allocate memory"); also the MemoryError numpy
    raised."""


_F = TypeVar("_F", bound=Callable[..., Any])


def allocating(fn: _F) -> _F:
    """``fn`` (a factory) raising :class:`_AllocationError` where numpy's MemoryError escaped."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MemoryError as e:
            if isinstance(e, MinigradError):
                raise
            raise _AllocationError(f"{fn.__name__}: can't allocate memory: {e}") from None

    return cast(_F, call)


_HEAP_TYPE = 1 << 9  # (Py_TPFLAGS_HEAPTYPE: a class made by a class statement, not by C code)


def python_type_name(value: object) -> str:
    """The name PyTorch's argument checks give a value's type, its C ``tp_name``: ``int``, ``NoneType``,
    ``numpy.ndarray`` (a C type, with its module), ``P`` (a class of Python code: its name alone)."""
    cls = type(value)
    if cls.__module__ == "builtins" or cls.__flags__ & _HEAP_TYPE:
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def not_tensor_error(fn: str, name: str, position: int, value: object) -> TypeError:
    """PyTorch's argument-parser TypeError for ``value`` where only a Tensor goes (a list, a tuple, a numpy
    array): ``add(): argument 'other' (position 1) must be Tensor, not numpy.ndarray``."""
    return TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
                     f"{python_type_name(value)}")


def int_error(fn: str, name: str, position: int, value: object) -> TypeError:
    """PyTorch's argument-parser TypeError for ``value`` where only an int goes (a float, a string):
    ``triu(): argument 'diagonal' (position 1) must be int, not float``."""
    return TypeError(f"{fn}(): argument '{name}' (position {position}) must be int, not "
                     f"{python_type_name(value)}")


def bool_error(fn: str, name: str, value: object, position: int | None = None) -> TypeError:
    """PyTorch's argument-parser TypeError for ``value`` in a bool parameter: its parser takes only
    ``True`` and ``False`` there, not 1, None or a numpy bool (``sum(): argument 'keepdim' must be bool,
    not int``; with ``position`` where PyTorch's words give it)."""
    where = "" if position is None else f" (position {position})"
    return TypeError(f"{fn}(): argument '{name}'{where} must be bool, not {python_type_name(value)}")


def extreme_bool_dim(fn: str, dim: bool) -> TypeError:
    """PyTorch's parser's error for ``x.max(True)``: no overload takes a bool where ``dim`` goes."""
    return TypeError(f"{fn}() received an invalid combination of arguments - got (bool), but expected one "
                     f"of: (), (Tensor other), (int dim, bool keepdim) ({fn}: dim must be an int, got {dim})")


class NotGiven(enum.Enum):
    """The default of a parameter whose explicit None PyTorch's argument parser refuses, so a function
    can tell "left out" from None (``x.std(unbiased=None)`` is PyTorch's TypeError)."""

    NOT_GIVEN = 0

    def __repr__(self) -> str:
        return "<not given>"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


def missing_arg(fn: str, name: str) -> TypeError:
    """PyTorch's TypeError for a call without its one required argument (``zeros()``, ``x.reshape()``)."""
    return TypeError(f'{fn}() missing 1 required positional arguments: "{name}"')


def std_var_error(fn: str, function: bool, **given: object) -> TypeError:
    """PyTorch's TypeError for arguments no overload of ``std`` / ``var`` (``var_mean``, ``std_mean``)
    takes: a non-bool ``unbiased``, ``unbiased`` with ``correction``, or ``x.var(True, keepdim=...)``.
    ``function``: the ``torch.var(input, ...)`` form; ``given``: the arguments (named, as minigrad no longer
    knows which came by position; those :data:`NOT_GIVEN` and a None dim are left out)."""
    head = "Tensor input, " if function else ""
    out = function and fn in ("std", "var")  # (torch.std and torch.var take out=, the _mean forms do not)
    got = ", ".join(["Tensor"] * function + [f"{k}={python_type_name(v)}" for k, v in given.items()
                                                if v is not NOT_GIVEN and (k != "dim" or v is not None)])
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one "
                     f"of:\n * ({head}tuple of ints dim, bool unbiased = True, bool keepdim = False"
                     f"{', *, Tensor out = None' * out})\n * ({head}tuple of ints dim = None, *, Number "
                     f"correction = None, bool keepdim = False{', Tensor out = None' * out})\n"
                     f" * ({head}bool unbiased = True)\n")


def stable_by_keyword(method: bool) -> Callable[[_F], _F]:
    """Decorate sort/argsort (``method``: the Tensor methods) to refuse ``stable=`` beside a positional dim
    or ``descending``, as PyTorch's parser does: its overload taking ``stable`` takes them as keywords only
    (``torch.sort(x, 0, stable=True)`` is its TypeError; ``torch.sort(x, stable=True, dim=0)`` works)."""
    def wrap(fn: _F) -> _F:
        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if "stable" in kwargs and len(args) > 1:
                head = "" if method else "Tensor input, "
                got = ", ".join([python_type_name(a) for a in args[1:]]
                                + [f"{k}={python_type_name(v)}" for k, v in kwargs.items()])
                raise TypeError(f"{fn.__name__}() received an invalid combination of arguments - got "
                                f"({'Tensor, ' * (not method)}{got}), but expected one of:\n * ({head}*, "
                                f"bool stable, int dim = -1, bool descending = False)\n * ({head}int dim = "
                                "-1, bool descending = False)\n")
            return fn(*args, **kwargs)
        return cast("_F", checked)
    return wrap


def bool_args(*names: str, fn: str | None = None, optional: tuple[str, ...] = ()) -> Callable[[_F], _F]:
    """Decorate a function whose parameters ``names`` PyTorch's argument parser takes only as bools, so a
    1 or None there raises :func:`bool_error`'s TypeError (named ``fn``, else the function's name) rather
    than being read as its truth value. A parameter left out keeps its default unchecked; one in
    ``optional`` (PyTorch's ``bool?``) also takes None."""

    def decorate(function: _F) -> _F:
        params = inspect.signature(function).parameters
        positional = [name for name, p in params.items()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        # (a keyword-only parameter's index is past any call's positional arguments)
        slots = tuple((name, positional.index(name) if name in positional else sys.maxsize, name in optional)
                      for name in names)
        label = fn or function.__name__

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            for name, index, none_ok in slots:
                value = kwargs[name] if name in kwargs else args[index] if index < len(args) else False
                if value is not True and value is not False and (value is not None or not none_ok):
                    raise bool_error(label, name, value)
            return function(*args, **kwargs)

        return cast(_F, call)

    return decorate


_PACKAGE_DIR = __file__[:-len("errors.py")]  # minigrad/ (with its separator)


#: the code of the public function forms' wrappers (:mod:`minigrad._public`), frames
#: :func:`public_stacklevel` does not count
WRAPPER_CODES: set[Any] = set()


def public_stacklevel(level: int) -> int:
    """``level`` for a ``warnings.warn`` made by this function's caller (counted as warn counts, from the
    line that warns), plus the frames of public-form wrappers on the way, which PyTorch's functions do not
    have: a function's ``stacklevel=2`` still names the line that called it."""
    frame, actual, counted = sys._getframe(1), 1, 1
    while counted < level and frame is not None:
        frame, actual = frame.f_back, actual + 1  # type: ignore[assignment]
        if frame is not None and frame.f_code not in WRAPPER_CODES:
            counted += 1
    return actual


def user_stacklevel() -> int:
    """The ``stacklevel`` for a ``warnings.warn`` made by this function's caller that names the first
    frame outside minigrad (decorators and torch.* wrappers add a varying number of frames), as
    PyTorch's warnings name the user's line."""
    level, frame = 2, sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        level, frame = level + 1, frame.f_back  # type: ignore[assignment]
    return level
