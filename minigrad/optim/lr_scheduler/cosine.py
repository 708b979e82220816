"""Cosine annealing: ``CosineAnnealingLR`` and ``CosineAnnealingWarmRestarts`` (SGDR)."""

from __future__ import annotations

import math

from minigrad.errors import InvalidParameterError, _ZeroDivisorParameterError
from minigrad.nn._checks import is_int, is_real, value_error
from minigrad.optim.lr_scheduler.base import LRScheduler, set_group_value
from minigrad.optim.optimizer import Optimizer, check_number

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from the initial lr down to ``eta_min`` over ``T_max`` epochs.

    Approximates ``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``
    with PyTorch's recursive update (so that it composes with other changes
    of the lr), which rises again after ``T_max`` (no restarts).

    Args:
        optimizer: the wrapped optimizer.
        T_max: number of epochs of the half cosine, > 0.
        eta_min: the minimum lr.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: T_max not a positive number, eta_min not a number.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803 - PyTorch's name
                 last_epoch: int = -1) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, (int, float)) or not T_max > 0:
            # (0: PyTorch's step takes a remainder modulo 2 * T_max, its ZeroDivisionError)
            raise (_ZeroDivisorParameterError if T_max == 0 else value_error(T_max))(
                f"T_max must be a positive number, got {T_max!r}")
        check_number("eta_min", eta_min, low=None)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next lrs by PyTorch's recursion on the current ``group['lr']``."""
        self._warn_if_outside_step()
        groups = self.optimizer.param_groups
        if self._is_initial:
            return self._group_lrs()
        if self._step_count == 1 and self.last_epoch > 0:
            return [
                self.eta_min
                + (base - self.eta_min) * (1 + math.cos(self.last_epoch * math.pi / self.T_max)) / 2
                for base in self.base_lrs
            ]
        if (self.last_epoch - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [
                group["lr"] + (base - self.eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
                for base, group in zip(self.base_lrs, groups, strict=True)
            ]
        return [
            (1 + math.cos(math.pi * self.last_epoch / self.T_max))
            / (1 + math.cos(math.pi * (self.last_epoch - 1) / self.T_max))
            * (group["lr"] - self.eta_min)
            + self.eta_min
            for group in groups
        ]

    def _get_closed_form_lr(self) -> list[float]:
        return [
            self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            for base in self.base_lrs
        ]


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter).

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``,
    where ``T_cur`` counts epochs since the last restart and the i-th period
    lasts ``T_i = T_0 * T_mult**i`` epochs. ``step(epoch)`` may take a
    fractional epoch (e.g. ``epoch + batch / batches``), as in PyTorch.

    Args:
        optimizer: the wrapped optimizer.
        T_0: epochs until the first restart, an int >= 1.
        T_mult: growth factor of the period after each restart, an int >= 1.
        eta_min: the minimum lr.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: T_0 or T_mult not a positive int, eta_min not a
            number, a negative epoch given to ``step``.
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1,  # noqa: N803 - PyTorch's names
                 eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if not is_int(T_0) or T_0 <= 0:
            raise value_error(T_0)(f"Expected positive integer T_0, but got {T_0}")
        if not is_int(T_mult) or T_mult < 1:
            raise value_error(T_mult)(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not is_real(eta_min):
            raise InvalidParameterError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0 = int(T_0)
        self.T_i: float = self.T_0
        self.T_mult = int(T_mult)
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The lrs at ``T_cur`` within the current period ``T_i``."""
        self._warn_if_outside_step()
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance by one epoch, or jump to ``epoch`` (fractional allowed), restarting as needed.

        Raises:
            InvalidParameterError: a negative epoch.
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise InvalidParameterError(f"Expected non-negative epoch, but got {epoch}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._get_lr_called_within_step = True
        try:
            values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            set_group_value(group, "lr", lr)
        self._last_lr = self._group_lrs()
