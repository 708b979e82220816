"""Cyclical schedules, stepped once per batch: ``CyclicLR`` and ``OneCycleLR``.

Both can cycle the momentum inversely to the lr (``cycle_momentum``): the
optimizer's ``momentum`` (SGD, RMSprop) or the first of its ``betas`` (the Adam
family) is rewritten at every step, as in PyTorch.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from functools import partial
from typing import Any

from minigrad.errors import InvalidParameterError, _MissingKeyError, _ZeroDivisorParameterError
from minigrad.nn._checks import is_int, is_real, positive_float, value_error
from minigrad.optim.lr_scheduler.base import LRScheduler, check_optimizer, format_param, set_group_value
from minigrad.optim.optimizer import Optimizer, check_number

__all__ = ["CyclicLR", "OneCycleLR"]


def _momentum_key(optimizer: Optimizer) -> bool:
    """True if the optimizer's momentum is ``betas[0]``, False if it is ``momentum``.

    Raises:
        InvalidParameterError: the optimizer has neither.
    """
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise InvalidParameterError(
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled, "
            f"and {type(optimizer).__name__} has neither"
        )
    return "betas" in optimizer.defaults


def _set_momentum(group: dict[str, Any], value: float, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


def _start_momentum(optimizer: Optimizer, base_momentum: Any, max_momentum: Any,
                    last_epoch: int, max_first: bool = False) -> tuple[bool, list[Any], list[Any]]:
    """Check the optimizer has a momentum; on a new schedule, start it at the maximum.

    Returns ``(use_beta1, base_momentums, max_momentums)``, one per group. ``max_first``: check
    ``max_momentum``'s length first (OneCycleLR's order; CyclicLR checks ``base_momentum`` first).
    """
    use_beta1 = _momentum_key(optimizer)
    max_momentums = format_param("max_momentum", optimizer, max_momentum) if max_first else []
    base_momentums = format_param("base_momentum", optimizer, base_momentum)
    max_momentums = max_momentums or format_param("max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for high, low, group in zip(max_momentums, base_momentums, optimizer.param_groups, strict=True):
            _set_momentum(group, high, use_beta1)
            group["max_momentum"] = high
            group["base_momentum"] = low
    return use_beta1, base_momentums, max_momentums


def _positive_count(name: str, value: Any) -> int:
    if not is_int(value) or value <= 0:
        raise value_error(value)(f"Expected positive integer {name}, but got {value}")
    return int(value)


class CyclicLR(LRScheduler):
    r"""Cycle the lr between ``base_lr`` and ``max_lr`` (Smith's cyclical learning rates).

    Each cycle rises for ``step_size_up`` steps and falls for
    ``step_size_down``. The amplitude is scaled per cycle by ``mode``:
    ``'triangular'`` (constant), ``'triangular2'`` (halved every cycle),
    ``'exp_range'`` (``gamma**step``), or by a custom ``scale_fn`` of the
    cycle number (``scale_mode='cycle'``) or of the step (``'iterations'``).

    Args:
        optimizer: the wrapped optimizer.
        base_lr: the lower bound, one value or one per group (sets the lr on
            a new schedule).
        max_lr: the upper bound, one value or one per group.
        step_size_up: steps of the rising half, > 0 (default 2000).
        step_size_down: steps of the falling half, >= 0 (default: step_size_up).
        mode: ``'triangular'``, ``'triangular2'`` or ``'exp_range'``.
        gamma: the base of ``'exp_range'``.
        scale_fn: a custom amplitude scale, overriding ``mode``.
        scale_mode: ``'cycle'`` or ``'iterations'``, the argument of ``scale_fn`` (a built-in mode sets it).
        cycle_momentum: cycle the momentum between ``max_momentum`` and
            ``base_momentum``, opposite to the lr.
        base_momentum: the lower momentum, one value or one per group.
        max_momentum: the upper momentum, one value or one per group.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: an unknown mode, or scale_mode with a scale_fn; non-positive
            step sizes, lists of the wrong length, cycle_momentum with an
            optimizer that has no momentum.
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | list[float], max_lr: float | list[float],
                 step_size_up: int = 2000, step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True, base_momentum: float = 0.8,
                 max_momentum: float = 0.9, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        base_lrs = format_param("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                set_group_value(group, "lr", lr)
        self.max_lrs = format_param("max_lr", optimizer, max_lr)
        check_number("step_size_up", step_size_up)
        if not step_size_up > 0:  # (0: PyTorch divides by the cycle's length, its ZeroDivisionError)
            raise (_ZeroDivisorParameterError if step_size_up == 0 else InvalidParameterError)(
                f"step_size_up must be positive, got step_size_up={step_size_up!r}")
        if step_size_down is not None:
            check_number("step_size_down", step_size_down)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise InvalidParameterError(f"mode is invalid and scale_fn is None: mode={mode!r}")
        # (a built-in mode sets its own scale_mode, whatever was given, as PyTorch's: None is common there)
        if scale_fn is not None and scale_mode not in ("cycle", "iterations"):
            raise InvalidParameterError(
                f"scale_mode must be 'cycle' or 'iterations', got scale_mode={scale_mode!r}"
            )
        check_number("gamma", gamma, low=None)
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_ref: Callable[[float], float]
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = _start_momentum(
                optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self) -> None:
        """Set the built-in mode's scale function (not saved: it is rebuilt on loading) and scale_mode."""
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref = self._triangular_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref = self._triangular2_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "exp_range":
            self._scale_fn_ref = partial(self._exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    @staticmethod
    def _triangular_scale_fn(x: float) -> float:
        return 1.0

    @staticmethod
    def _triangular2_scale_fn(x: float) -> float:
        return float(1 / (2.0 ** (x - 1)))

    @staticmethod
    def _exp_range_scale_fn(gamma: float, x: float) -> float:
        return float(gamma**x)

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at cycle (or step) ``x``: the custom function's or the mode's."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    def get_lr(self) -> list[float]:
        """The lrs at ``last_epoch`` (a step count); also sets each group's momentum if cycled."""
        self._warn_if_outside_step()
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + (high - base) * scale_factor * scale
               for base, high in zip(self.base_lrs, self.max_lrs, strict=True)]
        if self.cycle_momentum:
            for low, high, group in zip(self.base_momentums, self.max_momentums, self.optimizer.param_groups,
                                        strict=True):
                _set_momentum(group, high - (high - low) * scale_factor * scale, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """The attributes but the optimizer; a custom ``scale_fn`` only if it is a callable object."""
        state = super().state_dict()
        state.pop("_scale_fn_ref", None)
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = (
            dict(fn.__dict__) if fn is not None and not isinstance(fn, types.FunctionType) else None
        )
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict`, keeping this scheduler's ``scale_fn``.

        Raises:
            KeyError: no ``_scale_fn_custom`` entry (a state of another scheduler), as PyTorch's.
        """
        if "_scale_fn_custom" not in state_dict:
            raise _MissingKeyError("_scale_fn_custom: not a state of CyclicLR (no _scale_fn_custom entry)")
        state = dict(state_dict)
        saved_fn = state.pop("_scale_fn_custom")
        fn = self._scale_fn_custom
        super().load_state_dict(state)
        self._scale_fn_custom = fn
        if saved_fn is not None and fn is not None:
            fn.__dict__.update(saved_fn)
        self._init_scale_fn()


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith): warm up to ``max_lr``, then anneal far below the start.

    Over ``total_steps`` steps (one per batch) the lr rises from
    ``max_lr / div_factor`` to ``max_lr`` during the first ``pct_start`` of
    the steps, then falls to ``max_lr / div_factor / final_div_factor``
    (``three_phase``: back to the start first, then down). Annealing is cosine
    or linear; the momentum moves the opposite way when ``cycle_momentum``.

    Args:
        optimizer: the wrapped optimizer.
        max_lr: the peak lr, one value or one per group.
        total_steps: steps in the cycle, or give ``epochs`` and ``steps_per_epoch``.
        epochs: with ``steps_per_epoch``, total_steps = epochs * steps_per_epoch.
        steps_per_epoch: see ``epochs``.
        pct_start: fraction of the steps spent rising, a float in [0, 1].
        anneal_strategy: ``'cos'`` or ``'linear'``.
        cycle_momentum: cycle the momentum (or betas[0]) inversely to the lr.
        base_momentum: the momentum at the peak lr, one value or one per group.
        max_momentum: the momentum at the start and end, one value or one per group.
        div_factor: initial lr = max_lr / div_factor, > 0.
        final_div_factor: final lr = initial lr / final_div_factor, > 0.
        three_phase: rise, fall back symmetrically, then anneal to the final lr.
        last_epoch: -1 for a new schedule (counts steps, not epochs).

    Raises:
        InvalidParameterError: missing or non-positive step counts, pct_start
            outside [0, 1], an unknown anneal_strategy, lists of the wrong
            length, cycle_momentum without a momentum, or stepping past total_steps.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float], total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.85, max_momentum: float | list[float] = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is not None:
            self.total_steps = _positive_count("total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = _positive_count("epochs", epochs) * _positive_count("steps_per_epoch",
                                                                                   steps_per_epoch)
        else:
            raise InvalidParameterError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise value_error(pct_start)(
                f"Expected float between 0 and 1 pct_start, but got {pct_start} (pct_start={pct_start!r})"
            )
        if anneal_strategy not in ("cos", "linear"):
            raise InvalidParameterError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy} "
                f"(anneal_strategy={anneal_strategy!r})"
            )
        for name, factor in (("div_factor", div_factor), ("final_div_factor", final_div_factor)):
            if is_real(factor) and factor == 0:  # (PyTorch divides by it: its ZeroDivisionError)
                raise _ZeroDivisorParameterError(f"float division by zero: {name} must be positive (a finite "
                                                 f"number > 0), got {name}={factor!r}")
            positive_float(name, factor)
        up_end = float(pct_start * self.total_steps) - 1
        self._schedule_phases: list[dict[str, Any]]
        if three_phase:
            self._schedule_phases = [
                {"end_step": up_end, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": float(2 * pct_start * self.total_steps) - 2, "start_lr": "max_lr",
                 "end_lr": "initial_lr", "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
                {"end_step": self.total_steps - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
                 "start_momentum": "max_momentum", "end_momentum": "max_momentum"},
            ]  # fmt: skip
        else:
            self._schedule_phases = [
                {"end_step": up_end, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": self.total_steps - 1, "start_lr": "max_lr", "end_lr": "min_lr",
                 "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
            ]  # fmt: skip
        self._anneal_func_type = anneal_strategy
        max_lrs = format_param("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for high, group in zip(max_lrs, optimizer.param_groups, strict=True):
                group["initial_lr"] = high / div_factor
                group["max_lr"] = high
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, _, _ = _start_momentum(optimizer, base_momentum, max_momentum, last_epoch, True)
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _annealing_cos(start: float, end: float, pct: float) -> float:
        """Cosine from ``start`` (pct 0) to ``end`` (pct 1)."""
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    @staticmethod
    def _annealing_linear(start: float, end: float, pct: float) -> float:
        """Straight line from ``start`` (pct 0) to ``end`` (pct 1)."""
        return (end - start) * pct + start

    def _anneal_func(self, start: float, end: float, pct: float) -> float:
        if not hasattr(self, "_anneal_func_type"):
            # a state saved by PyTorch before 2.2 holds the function itself
            legacy: Callable[[float, float, float], float] = self.__dict__["anneal_func"]
            return legacy(start, end, pct)
        if self._anneal_func_type == "cos":
            return self._annealing_cos(start, end, pct)
        return self._annealing_linear(start, end, pct)

    def get_lr(self) -> list[float]:
        """The lrs at step ``last_epoch``; also sets each group's momentum if cycled.

        Raises:
            InvalidParameterError: stepped more than ``total_steps`` times.
        """
        self._warn_if_outside_step()
        step = self.last_epoch
        if step > self.total_steps:
            raise InvalidParameterError(
                f"Tried to step {step} times. The specified number of total steps is {self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal_func(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        start, end = group[phase["start_momentum"]], group[phase["end_momentum"]]
                        _set_momentum(group, self._anneal_func(start, end, pct), self.use_beta1)
                    break
                start_step = phase["end_step"]
        return lrs
