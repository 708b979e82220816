"""Activation checkpointing, as ``torch.utils.checkpoint``: trade compute for memory.

``checkpoint(function, *args)`` returns ``function(*args)`` without keeping
the graph inside ``function``: only its inputs, the tensors it reads that need
gradients (such as a layer's parameters) and its outputs stay alive. Backward
runs ``function`` again, with the random state it first saw (so dropout draws
the same mask), and differentiates that fresh graph (the ``Recompute``
primitive in ``minigrad/ops.py``). The gradients equal those of the plain call.

Gradients reach ``function``'s inputs and every tensor it captured that
requires grad, under both ``backward()`` and ``mg.grad`` (PyTorch's
``use_reentrant=False`` behaviour). With ``use_reentrant=True`` (PyTorch's
default, with its warning when the argument is not passed) an output needs
grad only if some input does, as in PyTorch.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from minigrad.autograd import enable_grad, grad, is_grad_enabled, no_grad
from minigrad.autograd.graph import pack_input
from minigrad.device import check_device
from minigrad.errors import InvalidParameterError, ShapeError, _ZeroDivisorParameterError
from minigrad.grad_mode import _extras
from minigrad.ops import Recompute
from minigrad.random import default_generator
from minigrad.tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential", "get_device_states", "set_checkpoint_early_stop",
           "set_device_states"]

# (PyTorch's words, its "2.9" note included; checkpoint_sequential words it its own way)
_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch "
    "2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False "
    "is recommended, but if you need to preserve the current default behavior, you can pass "
    "use_reentrant=True. Refer to docs for more details on the differences between the two variants."
)
_SEQUENTIAL_REENTRANT_WARNING = _REENTRANT_WARNING.replace(
    "checkpoint:", "checkpoint.checkpoint_sequential:").replace(
    "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception.",
    "In version 2.9 we will raise an exception if use_reentrant is not passed.")


def _tensors(out: Any) -> list[Tensor]:
    """The tensors of a function's result: itself, or the Tensor items of a tuple/list."""
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [o for o in out if isinstance(o, Tensor)]
    return []


def _frontier(outputs: list[Tensor], stops: list[Tensor]) -> list[Tensor]:
    """The tensors the outputs' graph starts from: leaves that require grad, and ``stops`` (the inputs)."""
    stop_ids = {id(t) for t in stops}
    found: dict[int, Tensor] = {}
    seen: set[int] = set()
    todo = [t for t in outputs if t.requires_grad]
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        node = t.grad_fn
        if id(t) in stop_ids or node is None:
            found[id(t)] = t
            continue
        todo.extend(p for p in node.parents if p.requires_grad)
    return list(found.values())


@contextmanager
def _own_saved_tensors() -> Iterator[None]:
    """The region's saved tensors are the checkpoint's own: the ``saved_tensors_hooks`` active outside see
    none of them (PyTorch's non-reentrant checkpoint packs them with its own, innermost, hooks; its
    reentrant one runs the function under no_grad, saving nothing)."""
    outer, _extras.pack = _extras.pack, []
    try:
        yield
    finally:
        _extras.pack = outer


def checkpoint(function: Callable[..., Any], *args: Any, use_reentrant: bool | None = None,
               preserve_rng_state: bool = True, determinism_check: str = "default", debug: bool = False,
               context_fn: Callable[[], Any] | None = None, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, recomputed in backward instead of keeping its graph.

    Args:
        function: returns a Tensor, or a tuple/list whose Tensor items are
            checkpointed (other items pass through).
        *args: its positional arguments.
        use_reentrant: PyTorch's switch; None warns as PyTorch does and means True.
        preserve_rng_state: replay the global generator's state in the
            recomputation (dropout draws the same mask).
        determinism_check: ``'default'`` checks that the recomputed outputs
            have the original shapes; ``'none'`` skips that.
        debug, context_fn: accepted for PyTorch code (non-reentrant only); unused.
        **kwargs: keyword arguments of ``function`` (not with ``use_reentrant=True``, as PyTorch).

    Raises:
        InvalidParameterError: keyword arguments with ``use_reentrant=True``,
            or ``debug``/``context_fn`` with it; an unknown ``determinism_check``.
        ShapeError: (in backward) the recomputation produced a different shape.
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    if use_reentrant and kwargs:
        raise InvalidParameterError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant and (context_fn is not None or debug):
        raise InvalidParameterError("Passing `context_fn` or `debug` is only supported when "
                                    "use_reentrant=False.")
    if determinism_check not in ("default", "none"):
        raise InvalidParameterError(
            f"determinism_check should be 'default' or 'none', got determinism_check={determinism_check!r}"
        )
    if not is_grad_enabled():
        return function(*args, **kwargs)
    inputs = [a for a in args if isinstance(a, Tensor)]
    if use_reentrant and not any(t.requires_grad for t in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
        with no_grad():
            return function(*args, **kwargs)
    rng = default_generator._get_dict() if preserve_rng_state else None
    with _own_saved_tensors():
        out = function(*args, **kwargs)
    results = _tensors(out)
    shapes = [t.shape for t in results]
    parents = _frontier(results, inputs)

    def rerun(k: int) -> Callable[[], Tensor]:
        def run() -> Tensor:
            now = default_generator._get_dict()
            if rng is not None:
                default_generator._set_dict(rng)
            try:
                with enable_grad(), _own_saved_tensors():
                    y = _tensors(function(*args, **kwargs))
            finally:
                default_generator._set_dict(now)
            if determinism_check == "default" and [t.shape for t in y] != shapes:
                raise ShapeError(f"checkpoint: the recomputed outputs have shapes {[t.shape for t in y]}, "
                                 f"the original ones {shapes}; the function must compute the same again")
            return y[k]

        return run

    # grad_fn names as PyTorch's: its reentrant form is one CheckpointFunction node; the non-reentrant
    # one keeps the function's own graph, so an output's grad_fn is the op that made it (AddmmBackward0)
    def label(t: Tensor) -> str:
        return "CheckpointFunctionBackward" if use_reentrant else t.grad_fn.name() if t.grad_fn else ""

    with _own_saved_tensors():
        light = {id(t): Recompute.apply(*parents, value=t.numpy(force=True), run=rerun(k), grad=grad,
                                        label=label(t))
                 for k, t in enumerate(results) if t.requires_grad}
    # PyTorch's checkpoint (either form) saves its tensor inputs: the hooks active outside see those alone
    if light and _extras.pack:
        held = [pack_input(t) for t in inputs]
        for t in light.values():  # (kept as long as the graph, as a saved tensor; the rerun reads the inputs)
            t._ctx.held = held  # type: ignore[union-attr]
    if isinstance(out, Tensor):
        return light.get(id(out), out)
    if isinstance(out, (tuple, list)):
        return type(out)(light.get(id(o), o) if isinstance(o, Tensor) else o for o in out)
    return out


_early_stop = True  # PyTorch's default; see set_checkpoint_early_stop


@contextmanager
def set_checkpoint_early_stop(enable: bool) -> Iterator[None]:
    """PyTorch's switch for stopping a non-reentrant recomputation once every saved tensor it needs is
    recomputed (the rest of the function is skipped). The gradients are the same either way; minigrad's
    recomputation always runs the whole function, so the switch is accepted and has no effect."""
    global _early_stop
    prev, _early_stop = _early_stop, enable
    try:
        yield
    finally:
        _early_stop = prev


def checkpoint_sequential(functions: Any, segments: int, input: Tensor,  # noqa: A002 - PyTorch's name
                          use_reentrant: bool | None = None, **kwargs: Any) -> Any:
    """Run a Sequential (or list of modules/functions) in ``segments`` chunks, checkpointing all but the last.

    Raises:
        InvalidParameterError: ``segments`` is not a positive int.
    """
    if use_reentrant is None:
        warnings.warn(_SEQUENTIAL_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    fns: Sequence[Callable[[Any], Any]] = list(functions.children()) if hasattr(functions, "children") \
        else list(functions)
    if segments == 0 and not isinstance(segments, bool):  # (PyTorch's len // segments: ZeroDivisionError)
        raise _ZeroDivisorParameterError("integer division or modulo by zero (segments must be a positive "
                                         "int, got segments=0)")
    if not isinstance(segments, int) or isinstance(segments, bool) or segments <= 0:
        raise InvalidParameterError(f"segments must be a positive int, got segments={segments!r}")
    size = len(fns) // segments

    def run_range(start: int, end: int) -> Callable[[Any], Any]:
        def forward(x: Any) -> Any:
            for f in fns[start:end + 1]:
                x = f(x)
            return x

        return forward

    x, end = input, -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        x = checkpoint(run_range(start, end), x, use_reentrant=use_reentrant, **kwargs)
    return run_range(end + 1, len(fns) - 1)(x)


def get_device_states(*args: Any) -> tuple[list[int], list[Tensor]]:
    """``(device ids, RNG states)`` of the accelerator devices the tensors in ``args`` live on, which
    reversible layers save to replay their dropout: always ``([], [])`` here, as PyTorch's for CPU
    tensors (minigrad's tensors all live on the CPU, whose RNG the caller saves itself)."""
    return [], []


def set_device_states(devices: Sequence[int], states: Sequence[Tensor], *,
                      device_type: str | None = None) -> None:
    """Restore the RNG state of each accelerator device from :func:`get_device_states`.

    Raises:
        DeviceError: a device is named: minigrad has no accelerator (its lists are always empty).
    """
    if devices:
        check_device(device_type or "cuda")  # an accelerator's state: there is none
