"""``torch.utils.hooks``: the handle a hook registration returns, and the machinery of a
Module's full backward hooks.

A module with full backward hooks (``register_full_backward_hook`` /
``register_full_backward_pre_hook``) routes its tensor inputs, and then its
tensor outputs, through an identity custom Function each. The identity's
backward receives the gradients of all its tensors at once (the custom Function
adapter waits for every output's gradient), so the outputs' identity sees the
module's ``grad_output`` and the inputs' identity its ``grad_input``; the user's
hooks run there and may replace them, as PyTorch's ``BackwardHook`` does.
"""

from __future__ import annotations

import itertools
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from minigrad.autograd.function import Function, FunctionCtx
from minigrad.errors import user_stacklevel
from minigrad.factories import zeros
from minigrad.grad_mode import is_grad_enabled
from minigrad.tensor import Tensor

__all__ = ["BackwardHook", "RemovableHandle"]

Grads = tuple[Tensor | None, ...]


class RemovableHandle:
    """What a hook registration returns: ``remove()`` unregisters the hook (also as a context manager).

    As PyTorch's, it holds its registries by weak reference (``hooks_dict_ref()``), so a handle does not
    keep a module alive.

    Args:
        hooks_dict: the registry the hook was stored in under ``self.id``.
        extra_dict: further registries keyed by the same id (a hook's flags), emptied along with it.
    """

    _ids = itertools.count()

    def __init__(self, hooks_dict: dict[int, Any], *,
                 extra_dict: Sequence[dict[int, Any]] | dict[int, Any] | None = None) -> None:
        self.hooks_dict_ref = _ref(hooks_dict)
        self.id = next(RemovableHandle._ids)
        extra = [] if extra_dict is None else [extra_dict] if isinstance(extra_dict, dict) else extra_dict
        self.extra_dict_ref = tuple(_ref(d) for d in extra)

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            registry = ref()
            if registry is not None:
                registry.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _ref(d: dict[int, Any]) -> Callable[[], dict[int, Any] | None]:
    # a plain dict cannot be weakly referenced (PyTorch's registries are OrderedDicts, which can)
    try:
        return weakref.ref(d)
    except TypeError:
        return lambda: d


class BackwardHookFunction(Function):
    """Identity on tensors; its backward hands their gradients to a callback, which may replace them."""

    @staticmethod
    def forward(ctx: FunctionCtx, callback: Callable[[Grads], Grads], *tensors: Tensor) -> tuple[Tensor, ...]:
        ctx.callback = callback  # type: ignore[attr-defined]
        ctx.set_materialize_grads(False)
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Tensor | None) -> tuple[Tensor | None, ...]:
        return (None, *ctx.callback(grads))  # type: ignore[attr-defined]


def _tensor_positions(args: tuple[Any, ...]) -> list[int]:
    return [i for i, a in enumerate(args) if isinstance(a, Tensor)]


class BackwardHook:
    """One module call's full backward hooks: wraps its inputs and outputs and calls the hooks.

    ``hook(module, grad_input, grad_output)`` gets one entry per positional argument (None for
    non-tensors and tensors that got no gradient) and may return a replacement ``grad_input``;
    ``pre_hook(module, grad_output)`` runs first and may return a replacement ``grad_output``.

    Raises:
        RuntimeError: a hook returned a tuple of the wrong length.
    """

    def __init__(self, module: Any, user_hooks: list[Callable[..., Any]],
                 user_pre_hooks: list[Callable[..., Any]]) -> None:
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs: Grads | None = None
        self.full = True  # False: serving only (deprecated) non-full hooks, which PyTorch runs unwarned
        self.n_inputs = 0
        self.input_meta: list[tuple[tuple[int, ...], Any]] = []
        self.input_positions: list[int] | None = None
        self.n_outputs = 0
        self.output_positions: list[int] | None = None

    @staticmethod
    def _wrap(args: tuple[Any, ...], callback: Callable[[Grads], Grads]
              ) -> tuple[tuple[Any, ...], list[int] | None]:
        positions = _tensor_positions(args)
        if not (is_grad_enabled() and any(args[i].requires_grad for i in positions)):
            return args, None
        wrapped = BackwardHookFunction.apply(callback, *[args[i] for i in positions])
        out = list(args)
        for i, t in zip(positions, wrapped):
            out[i] = t
        return tuple(out), positions

    @staticmethod
    def _spread(positions: list[int], values: Sequence[Tensor | None], size: int) -> Grads:
        out: list[Tensor | None] = [None] * size
        for i, v in zip(positions, values):
            out[i] = v
        return tuple(out)

    def setup_input_hook(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """The arguments to call forward with: tensors wrapped so their gradients reach the hooks."""
        self.n_inputs = len(args)
        self.input_meta = [(a.shape, a.dtype) for a in args if isinstance(a, Tensor)]
        args, self.input_positions = self._wrap(args, self._on_input_grads)
        return args

    def setup_output_hook(self, result: Any) -> Any:
        """The module's result with its tensors wrapped so their gradients reach the hooks."""
        single = not isinstance(result, tuple)
        outs = (result,) if single else result
        self.n_outputs = len(outs)
        wrapped, self.output_positions = self._wrap(outs, self._on_output_grads)
        if single:
            return wrapped[0]
        return type(result)(*wrapped) if hasattr(result, "_fields") else wrapped  # a named tuple stays one

    @staticmethod
    def _checked(new: Any, expected: int, what: str) -> Grads:
        if len(new) != expected:
            raise RuntimeError(f"Backward {what}, got {len(new)}, but expected {expected}")
        return tuple(new)

    def _on_output_grads(self, grads: Grads) -> Grads:
        assert self.output_positions is not None
        grad_outputs = self._spread(self.output_positions, grads, self.n_outputs)
        for pre_hook in self.user_pre_hooks:
            new = pre_hook(self.module, grad_outputs)
            if new is not None:
                grad_outputs = self._checked(new, len(grad_outputs),
                                             "pre hook returned an invalid number of grad_output")
        self.grad_outputs = grad_outputs
        if self.input_positions is None:  # nothing reaches the inputs: the hooks run now
            if self.full:
                warnings.warn("Full backward hook is firing when gradients are computed with respect to "
                              "module outputs since no inputs require gradients. See "
                              "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                              "#torch.nn.Module.register_full_backward_hook for more details.",
                              stacklevel=user_stacklevel())  # (the user's backward() line, as PyTorch's)
            grad_inputs = self._spread([], [], self.n_inputs)
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                       "always return None or None for all gradients.")
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_positions)

    def _on_input_grads(self, grads: Grads) -> Grads:
        assert self.input_positions is not None
        # an input that got no gradient gets zeros, which also flow on to it (PyTorch's hook function
        # materializes its gradients): a hook sees 0 for an input the loss does not reach, or a detached one
        grads = tuple(zeros(shape, dtype=dtype) if g is None else g
                      for g, (shape, dtype) in zip(grads, self.input_meta))
        if self.grad_outputs is None:  # the gradient reached the inputs without passing the outputs
            return grads
        res = self._spread(self.input_positions, grads, self.n_inputs)
        for hook in self.user_hooks:
            new = hook(self.module, res, self.grad_outputs)
            if new is not None:
                res = self._checked(new, len(res), "hook returned an invalid number of grad_input")
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_positions)
