"""Custom operators, as ``torch.library``: wrap a Python function as an op with its own gradient.

>>> @library.custom_op("mylib::numpy_sin", mutates_args=())
... def numpy_sin(x: Tensor) -> Tensor:
...     return mg.from_numpy(np.sin(x.numpy()))
>>> numpy_sin.register_autograd(backward, setup_context=setup_context)

PyTorch registers the op with its dispatcher (for torch.compile, fake tensors,
other devices). minigrad has none of those: an op is its Python function, run
with grad recording off, and made differentiable by a custom
:class:`~minigrad.autograd.Function` built from what ``register_autograd``
gave. ``register_fake`` and ``register_kernel`` are kept (a kernel registered
for ``'cpu'`` replaces the function). The op is also reachable as
``torch.ops.<namespace>.<name>``.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from minigrad import ops as _ops_module
from minigrad.autograd.function import Function, FunctionCtx
from minigrad.errors import InvalidParameterError

__all__ = ["CustomOpDef", "custom_op", "register_autograd", "register_fake", "register_kernel"]

_registry: dict[str, CustomOpDef] = {}


class CustomOpDef:
    """A custom op made by :func:`custom_op`: call it like its function."""

    def __init__(self, namespace: str, name: str, fn: Callable[..., Any],
                 mutates_args: frozenset[str]) -> None:
        self._namespace, self._name = namespace, name
        self._init_fn = fn
        self._kernel = fn
        self._mutates_args = mutates_args
        self._fake: Callable[..., Any] | None = None
        self._backward: Callable[..., Any] | None = None
        self._setup_context: Callable[..., Any] | None = None

    @property
    def _qualname(self) -> str:
        return f"{self._namespace}::{self._name}"

    def __repr__(self) -> str:
        return f"<CustomOpDef({self._qualname})>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:  # keyword arguments go in order of the function's parameters, as positional ones
            args = _positional(self._init_fn, args, kwargs)
        return _OpFunction.apply(self, *args)

    def register_fake(self, fn: Callable[..., Any], /) -> Callable[..., Any]:
        """Keep ``fn``, the op's shape-and-dtype-only version (PyTorch's FakeTensor kernel); returns it."""
        self._fake = fn
        return fn

    def register_kernel(self, device_types: str | Sequence[str] | None,
                        fn: Callable[..., Any] | None = None, /) -> Any:
        """Use ``fn`` as the op's implementation on ``device_types`` (``'cpu'`` or None replaces the
        function; other devices never run in minigrad). Usable as a decorator."""
        def register(f: Callable[..., Any]) -> Callable[..., Any]:
            kinds = [device_types] if isinstance(device_types, str) or device_types is None else device_types
            if any(k in (None, "cpu") for k in kinds):
                self._kernel = f
            return f

        return register if fn is None else register(fn)

    def register_autograd(self, backward: Callable[..., Any], /, *,
                          setup_context: Callable[..., Any] | None = None) -> None:
        """Make the op differentiable: ``setup_context(ctx, inputs, output)`` keeps what backward needs,
        ``backward(ctx, *grads)`` returns one gradient (or None) per input."""
        self._backward = backward
        self._setup_context = setup_context


class _OpFunction(Function):
    """A custom op as a custom Function: the op itself is the first argument (it gets no gradient)."""

    @staticmethod
    def forward(op: CustomOpDef, *args: Any) -> Any:
        return op._kernel(*args)

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[Any, ...], output: Any) -> None:
        op = inputs[0]
        ctx._custom_op = op  # type: ignore[attr-defined]  # (ctx keeps what forward sets, as PyTorch's)
        if op._setup_context is not None:
            op._setup_context(ctx, inputs[1:], output)

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Any) -> Any:
        op: CustomOpDef = ctx._custom_op  # type: ignore[attr-defined]
        if op._backward is None:
            raise RuntimeError(f"Trying to backward through {op._qualname} but no autograd formula was "
                               "registered. Please use register_autograd to add one.")
        result = op._backward(ctx, *grads)
        return (None, *(result if isinstance(result, tuple) else (result,)))


def _positional(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return tuple(bound.arguments.values())


def custom_op(name: str, fn: Callable[..., Any] | None = None, /, *, mutates_args: str | Iterable[str],
              device_types: str | Sequence[str] | None = None, schema: str | None = None,
              tags: Any = None) -> Any:
    """Wrap ``fn`` as the custom op ``"namespace::name"`` (a :class:`CustomOpDef`); usable as a decorator.

    ``mutates_args`` names the arguments the function writes to (``()`` for none,
    ``"unknown"`` if unsure), as PyTorch requires it.

    Raises:
        InvalidParameterError: a name without a ``namespace::`` part.
    """
    del schema, tags
    namespace, sep, opname = name.partition("::")
    if not sep or not namespace or not opname:
        raise InvalidParameterError(
            f"custom_op: expected a name of the form 'namespace::name', got name={name!r}")
    mutated = frozenset([mutates_args] if isinstance(mutates_args, str) else mutates_args)

    def make(f: Callable[..., Any]) -> CustomOpDef:
        op = CustomOpDef(namespace, opname, f, mutated)
        if device_types is not None:
            op.register_kernel(device_types, f)
        _registry[name] = op
        space = getattr(_ops_module, namespace, None)
        if not isinstance(space, types.SimpleNamespace):
            space = types.SimpleNamespace()
            setattr(_ops_module, namespace, space)  # torch.ops.<namespace>.<name>
        setattr(space, opname, op)
        return op

    return make if fn is None else make(fn)


def _op(op: str | CustomOpDef) -> CustomOpDef:
    if isinstance(op, CustomOpDef):
        return op
    if op not in _registry:
        raise RuntimeError(f"no custom op named {op!r} (define it with torch.library.custom_op first)")
    return _registry[op]


def register_fake(op: str | CustomOpDef, func: Callable[..., Any] | None = None, /, **kwargs: Any) -> Any:
    """``op.register_fake(func)`` for an op given by name or object; usable as a decorator."""
    target = _op(op)
    return target.register_fake if func is None else target.register_fake(func)


def register_autograd(op: str | CustomOpDef, backward: Callable[..., Any], /, *,
                      setup_context: Callable[..., Any] | None = None, lib: Any = None) -> None:
    """``op.register_autograd(backward, setup_context=...)`` for an op given by name or object."""
    _op(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op: str | CustomOpDef, device_types: str | Sequence[str] | None,
                    func: Callable[..., Any] | None = None, /, *, lib: Any = None) -> Any:
    """``op.register_kernel(device_types, func)`` for an op given by name or object."""
    return _op(op).register_kernel(device_types, func)
