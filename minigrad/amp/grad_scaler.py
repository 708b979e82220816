"""``GradScaler``: PyTorch's dynamic loss scaling, the same state machine and the same numbers.

Per optimizer, each iteration goes READY -> (unscale_) UNSCALED -> (step) STEPPED,
and ``update`` starts the next one. ``unscale_`` multiplies every gradient by
``1/scale`` (computed in float64, rounded to float32, as PyTorch does) and
records whether any was inf or nan; ``step`` skips ``optimizer.step()`` when one
was. ``update`` then backs the scale off after an overflow, or grows it after
``growth_interval`` clean steps in a row.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from enum import Enum
from typing import Any, overload

import numpy as np

from minigrad.autograd import no_grad
from minigrad.errors import InvalidParameterError, _AssertedParameterError
from minigrad.factories import full
from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor, float32

__all__ = ["GradScaler"]


class OptState(Enum):
    """Where an optimizer is in the current iteration."""

    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_state() -> dict[str, Any]:
    return {"stage": OptState.READY, "found_inf": None}


class GradScaler:
    """``GradScaler(device='cuda', init_scale=2.**16, growth_factor=2.0, backoff_factor=0.5,
    growth_interval=2000, enabled=True)``.

    Disabled (``enabled=False``, or ``device='cuda'`` on this CUDA-less engine,
    which warns as PyTorch does), every method is a pass-through: ``scale``
    returns its input and ``step`` calls ``optimizer.step()``.

    Raises:
        AssertionError: ``growth_factor <= 1`` or ``backoff_factor >= 1`` when enabled (PyTorch's class).
    """

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                          UserWarning, stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = init_scale
        self._scale: Tensor | None = None  # made on the first scale(), as PyTorch does
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._growth_tracker = 0
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    def _state(self, optimizer: Optimizer) -> dict[str, Any]:
        return self._per_optimizer.setdefault(id(optimizer), _fresh_state())

    def _scaled_before(self, funcname: str) -> Tensor:
        """The scale, which ``scale()`` made; PyTorch's AssertionError when it never ran (the gradients then
        are not scaled, and unscaling them would shrink them silently)."""
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  This may indicate your script "
                                 "did not use scaler.scale(loss or outputs) earlier in the iteration.")
        return self._scale

    def _lazy_scale(self) -> Tensor:
        if self._scale is None:
            self._scale = full((), self._init_scale, dtype=float32)
        return self._scale

    @overload
    def scale(self, outputs: Tensor) -> Tensor: ...

    @overload
    def scale(self, outputs: list[Tensor]) -> list[Tensor]: ...

    @overload
    def scale(self, outputs: tuple[Tensor, ...]) -> tuple[Tensor, ...]: ...

    def scale(self, outputs: Tensor | Iterable[Tensor]) -> Tensor | Iterable[Tensor]:
        """``outputs`` (a Tensor, or a list/tuple of them, nested) multiplied by the current scale.

        Raises:
            InvalidParameterError (a ValueError): ``outputs`` is neither a Tensor nor an iterable of Tensors.
        """
        if not self._enabled:
            return outputs
        scale = self._lazy_scale()
        if isinstance(outputs, Tensor):
            return outputs * scale
        if isinstance(outputs, (list, tuple)):
            scaled = [self.scale(o) for o in outputs]
            return type(outputs)(scaled)
        raise InvalidParameterError("outputs must be a Tensor or an iterable of Tensors")

    def unscale_(self, optimizer: Optimizer) -> None:
        """Divide ``optimizer``'s gradients by the scale in place and note whether any was inf/nan.

        Call it between ``backward()`` and ``step()`` to clip or inspect true gradients.

        Raises:
            AssertionError: ``scale()`` never ran (PyTorch's).
            RuntimeError: called twice in one iteration, or after ``step()``.
            InvalidParameterError (a ValueError): a gradient is float16 (PyTorch refuses to unscale those).
        """
        if not self._enabled:
            return
        self._scaled_before("unscale_")
        state = self._state(optimizer)
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # PyTorch forms 1/scale in double and rounds once to float32.
        inv_scale = np.float32(1.0 / float(self._scaled_before("unscale_").item()))
        found_inf = False
        with no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    grad = p.grad
                    if grad is None:
                        continue
                    if grad.dtype == np.float16:
                        raise InvalidParameterError("Attempting to unscale FP16 gradients.")
                    found_inf = found_inf or not bool(np.isfinite(grad.numpy(force=True)).all())
                    grad.mul_(float(inv_scale))
        state["found_inf"] = found_inf
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer: Optimizer, *args: Any, **kwargs: Any) -> Any:
        """Unscale (if not done yet), then ``optimizer.step(*args, **kwargs)`` unless a gradient overflowed.

        Returns what ``optimizer.step`` returned, or None when the step was skipped.

        Raises:
            RuntimeError: a ``closure`` keyword while enabled, or ``step`` already ran this iteration.
            AssertionError: ``scale()`` never ran (PyTorch's).
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._scaled_before("step")
        state = self._state(optimizer)
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Set the scale for the next iteration: ``new_scale`` if given, else back off or grow it.

        An overflow in this iteration multiplies the scale by ``backoff_factor``
        and restarts the count of clean steps; ``growth_interval`` clean steps in
        a row multiply it by ``growth_factor`` (kept only if finite).

        Raises:
            AssertionError: ``scale()`` never ran, or no optimizer was unscaled this iteration (PyTorch's
                class and message), or ``new_scale`` is a Tensor of more than one element or requiring grad
                (then also an InvalidParameterError).
        """
        if not self._enabled:
            return
        scale = self._scaled_before("update")
        if new_scale is not None:
            if isinstance(new_scale, Tensor):
                if new_scale.numel() != 1 or new_scale.requires_grad:  # (any dtype: copied in, as PyTorch's)
                    raise _AssertedParameterError(
                        "new_scale should be a float or a 1-element torch.FloatTensor "
                        "or torch.cuda.FloatTensor with requires_grad=False.")
                scale.copy_(new_scale)  # (a (1,)-shaped one fails: PyTorch's copy_)
            else:
                scale.fill_(float(new_scale))
        else:
            found = [s["found_inf"] for s in self._per_optimizer.values() if s["found_inf"] is not None]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            # float32 arithmetic on the scale, as PyTorch's _amp_update_scale_ kernel
            current = np.float32(scale.item())
            if any(found):
                scale.fill_(float(current * np.float32(self._backoff_factor)))
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    grown = current * np.float32(self._growth_factor)
                    if np.isfinite(grown):
                        scale.fill_(float(grown))
                    self._growth_tracker = 0
        self._per_optimizer = {}

    def get_scale(self) -> float:
        """The current scale as a float (``init_scale`` before the first ``scale``; 1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self) -> float:
        """The factor the scale grows by after ``growth_interval`` clean steps."""
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        """Set the growth factor."""
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        """The factor the scale shrinks by after an overflow."""
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        """Set the backoff factor."""
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        """How many clean steps in a row grow the scale."""
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        """Set the growth interval."""
        self._growth_interval = new_interval

    def is_enabled(self) -> bool:
        """Whether this scaler scales (False after the CUDA-less ``device='cuda'`` warning)."""
        return self._enabled

    def state_dict(self) -> dict[str, Any]:
        """The scale, growth/backoff factors, interval and ``_growth_tracker``; {} when disabled."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (a no-op when disabled).

        Raises:
            RuntimeError: ``state_dict`` is empty (saved from a disabled scaler).
        """
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._init_scale = float(state_dict["scale"])
        if self._scale is not None:
            self._scale.fill_(self._init_scale)
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])
