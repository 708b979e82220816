"""Schedules that scale the learning rate by factors: lambdas, steps, warm-up ramps, decays.

Each follows PyTorch's choice of a chainable (recursive, from the current
``group['lr']``) or a closed-form ``get_lr``, so values agree to the last bits
and compose with other changes to the lr the same way.
"""

from __future__ import annotations

import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from minigrad.errors import InvalidParameterError, _MissingKeyError, _ZeroDivisorParameterError
from minigrad.nn._checks import is_int, is_real, nonnegative_int, positive_int, value_error
from minigrad.optim.lr_scheduler.base import LRScheduler
from minigrad.optim.optimizer import Optimizer, check_number

__all__ = [
    "ConstantLR", "ExponentialLR", "LambdaLR", "LinearLR", "MultiStepLR", "MultiplicativeLR", "PolynomialLR",
    "StepLR",
]  # fmt: skip

LrLambda = Callable[[int], float]


class _LambdaScheduler(LRScheduler):
    """Holds one function of the epoch per parameter group, and saves what can be saved of them."""

    lr_lambdas: list[LrLambda]

    def __init__(self, optimizer: Optimizer, lr_lambda: LrLambda | Sequence[LrLambda],
                 last_epoch: int) -> None:
        self.optimizer = optimizer
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise InvalidParameterError(
                    f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)  # type: ignore[list-item]
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(
                    f"lr_lambda should be a function, but got {type(fn).__name__} (it is not callable)"
                )
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's attributes; a lambda is saved only if it is a callable object.

        Plain functions are stored as None (they cannot be saved); callable
        objects contribute their ``__dict__``.
        """
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(fn.__dict__) for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict` (callable objects get their attributes back).

        Raises:
            KeyError: no ``lr_lambdas`` entry (a state of another scheduler), as PyTorch's.
        """
        if "lr_lambdas" not in state_dict:
            raise _MissingKeyError(f"lr_lambdas: not a state of {type(self).__name__} (no lr_lambdas entry)")
        state = dict(state_dict)
        lambdas = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, saved in zip(self.lr_lambdas, lambdas, strict=False):
            if saved is not None:
                fn.__dict__.update(saved)


class LambdaLR(_LambdaScheduler):
    """lr = initial lr * ``lr_lambda(epoch)``, per parameter group.

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the epoch (an int) returning a factor, or a
            list of such functions, one per parameter group.
        last_epoch: -1 for a new schedule.

    Raises:
        TypeError: ``lr_lambda`` is not callable.
        InvalidParameterError: a list whose length differs from the number of groups.
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: LrLambda | Sequence[LrLambda],
                 last_epoch: int = -1) -> None:
        super().__init__(optimizer, lr_lambda, last_epoch)

    def get_lr(self) -> list[float]:
        """``base_lr * lr_lambda(last_epoch)`` for each group."""
        self._warn_if_outside_step()
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)]


class MultiplicativeLR(_LambdaScheduler):
    """Multiply each group's lr by ``lr_lambda(epoch)`` at every step (from the first epoch on).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the epoch returning a factor, or one per group.
        last_epoch: -1 for a new schedule.

    Raises:
        TypeError: ``lr_lambda`` is not callable.
        InvalidParameterError: a list whose length differs from the number of groups.
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: LrLambda | Sequence[LrLambda],
                 last_epoch: int = -1) -> None:
        super().__init__(optimizer, lr_lambda, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lrs times ``lr_lambda(last_epoch)`` (unchanged on construction)."""
        self._warn_if_outside_step()
        if self._is_initial:
            return self._group_lrs()
        return [group["lr"] * fn(self.last_epoch)
                for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups, strict=True)]


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    Args:
        optimizer: the wrapped optimizer.
        step_size: period of the decay, an int >= 1 (or a whole float such as 1.0, kept as given).
        gamma: multiplicative factor.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: step_size not a positive int, gamma not a number.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        # PyTorch's transformer tutorial passes step_size=1.0: a whole float is accepted, and kept as
        # given (as PyTorch keeps it, so that state dicts agree)
        whole = isinstance(step_size, float) and float(step_size).is_integer() and step_size >= 1
        if is_real(step_size) and step_size == 0:  # (PyTorch's step takes epoch % step_size)
            raise _ZeroDivisorParameterError("integer modulo by zero: step_size must be a positive int, got "
                                             f"step_size={step_size!r}")
        self.step_size = step_size if whole else positive_int("step_size", step_size)
        check_number("gamma", gamma, low=None)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lrs, times ``gamma`` when ``last_epoch`` is a non-zero multiple of step_size."""
        self._warn_if_outside_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._group_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones``.

    Args:
        optimizer: the wrapped optimizer.
        milestones: epoch indices: ints, or whole floats such as ``0.5 * epochs`` (PyTorch's
            Counter finds them too); an epoch listed n times multiplies by gamma**n.
        gamma: multiplicative factor.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: a milestone that is not a whole number, gamma not a number.
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        milestones = [] if milestones is None else list(milestones)  # (None: PyTorch's empty Counter)
        for m in milestones:
            if not (is_int(m) or (isinstance(m, float) and float(m).is_integer())):
                raise InvalidParameterError(f"milestones must be ints, got milestones={milestones!r}")
        check_number("gamma", gamma, low=None)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by :meth:`state_dict` (milestones as a Counter again)."""
        super().load_state_dict(state_dict)
        self.milestones = Counter({(int(k) if isinstance(k, str) else k): int(v)
                                   for k, v in dict(self.milestones).items()})

    def get_lr(self) -> list[float]:
        """The current lrs, times ``gamma`` (to the milestone's multiplicity) at a milestone."""
        self._warn_if_outside_step()
        if self.last_epoch not in self.milestones:
            return self._group_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """Multiply the lr by ``factor`` for the first ``total_iters`` epochs, then restore it.

    Args:
        optimizer: the wrapped optimizer.
        factor: in (0, 1] (default 1/3).
        total_iters: epochs with the reduced lr, an int >= 0 (default 5).
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: factor outside (0, 1] (PyTorch accepts 0 and
            then divides by it), total_iters not an int >= 0.
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if not is_real(factor) or not 0 < factor <= 1:
            raise value_error(factor)(  # PyTorch's words; it accepts 0, then divides by it
                f"Constant multiplicative factor expected to be between 0 and 1, got factor={factor!r} "
                "(0 excluded)"
            )
        self.factor = factor
        self.total_iters = nonnegative_int("total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """``lr * factor`` at epoch 0, ``lr / factor`` at ``total_iters``, else unchanged."""
        self._warn_if_outside_step()
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return self._group_lrs()
        return [group["lr"] * (1.0 / self.factor) for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Ramp the lr factor linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    The usual warm-up: ``LinearLR(opt, start_factor=0.1, total_iters=10)``.

    Args:
        optimizer: the wrapped optimizer.
        start_factor: the factor at epoch 0, in (0, 1] (default 1/3).
        end_factor: the factor from ``total_iters`` on, in [0, 1] (default 1).
        total_iters: length of the ramp, an int >= 1 (default 5).
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: a factor out of range, total_iters not a positive int.
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        if not is_real(start_factor) or not 0 < start_factor <= 1:
            raise value_error(start_factor)(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1, "
                f"got start_factor={start_factor!r}"
            )
        if not is_real(end_factor) or not 0 <= end_factor <= 1:
            raise value_error(end_factor)(
                f"Ending multiplicative factor expected to be between 0 and 1, got end_factor={end_factor!r}"
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = positive_int("total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next lrs of the ramp, by PyTorch's recursion on the current lrs."""
        self._warn_if_outside_step()
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._group_lrs()
        slope = self.end_factor - self.start_factor
        ratio = 1.0 + slope / (self.total_iters * self.start_factor + (self.last_epoch - 1) * slope)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        done = min(self.total_iters, self.last_epoch)
        slope = self.end_factor - self.start_factor
        return [base * (self.start_factor + slope * done / self.total_iters) for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch.

    Args:
        optimizer: the wrapped optimizer.
        gamma: multiplicative factor.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: gamma not a number.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        check_number("gamma", gamma, low=None)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lrs times gamma (unchanged on construction)."""
        self._warn_if_outside_step()
        if self._is_initial:
            return self._group_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr as ``(1 - epoch / total_iters) ** power`` to zero at ``total_iters``.

    Args:
        optimizer: the wrapped optimizer.
        total_iters: epochs until the lr reaches 0, an int >= 1 (default 5).
        power: the polynomial's power (default 1.0: linear).
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: total_iters not a positive int, power not a number.
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = positive_int("total_iters", total_iters)
        check_number("power", power, low=None)
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next lrs by PyTorch's recursion (the ratio of consecutive decay factors)."""
        self._warn_if_outside_step()
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._group_lrs()
        decay = ((1.0 - self.last_epoch / self.total_iters)
                 / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [group["lr"] * decay for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base in self.base_lrs]
