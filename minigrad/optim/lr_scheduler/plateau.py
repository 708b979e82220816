"""ReduceLROnPlateau: cut the learning rate when a watched metric stops improving."""

from __future__ import annotations

import math
import warnings
from typing import Any, SupportsFloat

from minigrad.errors import InvalidParameterError, _ArgumentTypeError
from minigrad.nn._checks import nonnegative_int
from minigrad.optim.lr_scheduler.base import (
    EPOCH_DEPRECATION_WARNING,
    LRScheduler,
    check_optimizer,
    set_group_value,
)
from minigrad.optim.optimizer import Optimizer, check_number

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` once a metric has not improved for ``patience`` steps.

    Call ``step(metric)`` after each validation. In ``'min'`` mode a value
    improves on the best so far when it is below ``best * (1 - threshold)``
    (``threshold_mode='rel'``) or ``best - threshold`` (``'abs'``); ``'max'``
    mode mirrors this. After a reduction, ``cooldown`` steps pass before bad
    steps count again. No lr goes below its ``min_lr``, and a reduction
    smaller than ``eps`` is skipped.

    Args:
        optimizer: the wrapped optimizer.
        mode: ``'min'`` (a loss) or ``'max'`` (an accuracy).
        factor: the reduction, new lr = lr * factor, < 1.
        patience: bad steps tolerated before a reduction, >= 0.
        threshold: the margin of improvement.
        threshold_mode: ``'rel'`` or ``'abs'``.
        cooldown: steps to wait after a reduction, an int >= 0.
        min_lr: the lower bound, one value or one per group.
        eps: the smallest reduction applied, >= 0.

    Raises:
        TypeError: ``optimizer`` is not an Optimizer.
        InvalidParameterError: factor >= 1, an unknown mode or
            threshold_mode, a min_lr list of the wrong length, a negative
            patience, cooldown or eps.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: list[float] | float = 0, eps: float = 1e-8) -> None:
        check_number("factor", factor, low=None)
        if factor >= 1.0:
            raise InvalidParameterError(f"Factor should be < 1.0. (got factor={factor!r})")
        self.factor = factor
        check_optimizer(optimizer)
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise InvalidParameterError(
                    f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}"
                )
            self.default_min_lr: float | None = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        for value in self.min_lrs:
            check_number("min_lr", value, low=None)
        check_number("patience", patience)
        check_number("eps", eps)
        self.patience = patience
        self.cooldown = nonnegative_int("cooldown", cooldown)
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = self._group_lrs()
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        # PyTorch builds its message as "mode " + mode: a non-string is its TypeError there
        if not isinstance(mode, str) or mode not in ("min", "max"):
            raise (InvalidParameterError if isinstance(mode, str) else _ArgumentTypeError)(
                f"mode {mode} is unknown! (expected 'min' or 'max', got mode={mode!r})")
        if not isinstance(threshold_mode, str) or threshold_mode not in ("rel", "abs"):
            raise (InvalidParameterError if isinstance(threshold_mode, str) else _ArgumentTypeError)(
                f"threshold mode {threshold_mode} is unknown! (expected 'rel' or 'abs', got "
                f"threshold_mode={threshold_mode!r})")
        check_number("threshold", threshold, low=None)
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    @property
    def in_cooldown(self) -> bool:
        """True while the scheduler waits after a reduction."""
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: SupportsFloat, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record the metric of this epoch and reduce the lrs if it has plateaued.

        ``metrics`` is a number or a one-element Tensor. ``epoch`` is
        deprecated, as in PyTorch.
        """
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr(epoch)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._group_lrs()

    def _reduce_lr(self, epoch: int) -> None:
        # ``epoch`` as PyTorch's signature, which subclasses and wrappers override (ignite's scheduler)
        del epoch
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise InvalidParameterError(
                    f"The number of param groups in the `optimizer` ({len(groups)}) differs from when "
                    f"`ReduceLROnPlateau` was initialized ({len(self.min_lrs)}), usually due to a new param "
                    "group being added to the optimizer. Please modify the `min_lrs` field to match the "
                    "length of the `optimizer` param groups."
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                set_group_value(group, "lr", new_lr)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by :meth:`state_dict`."""
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
