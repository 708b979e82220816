"""Schedulers of schedulers: ``SequentialLR`` (one after another), ``ChainedScheduler`` (all at once)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from minigrad.errors import InvalidParameterError
from minigrad.optim.lr_scheduler.base import LRScheduler, group_values, set_group_value
from minigrad.optim.lr_scheduler.plateau import ReduceLROnPlateau
from minigrad.optim.optimizer import Optimizer

__all__ = ["ChainedScheduler", "SequentialLR"]


class _Composite(LRScheduler):
    """Holds child schedulers of one optimizer and saves their states with its own."""

    _schedulers: list[LRScheduler]

    def _adopt(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler]) -> None:
        name = self.__class__.__name__
        if len(schedulers) < 1:
            raise InvalidParameterError(f"{name} expects at least one scheduler, but got no scheduler.")
        for i, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(f"{name} at index {i} should have `optimizer` as its attribute.")
            if isinstance(scheduler, ReduceLROnPlateau):
                raise InvalidParameterError(
                    f"{name} does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs "
                    f"to be specified when calling `step`, but got one at index {i} in the given schedulers "
                    "sequence."
                )
            if scheduler.optimizer is not optimizer:
                raise InvalidParameterError(
                    f"{name} expects all schedulers to belong to the same optimizer, but got scheduler "
                    f"{scheduler.__class__.__name__} at index {i} has {scheduler.optimizer}, "
                    f"which is different from {optimizer.__class__.__name__}."
                )
        self._schedulers = list(schedulers)
        self.optimizer = optimizer

    def state_dict(self) -> dict[str, Any]:
        """Its own attributes and, under ``_schedulers``, each child's state dict."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore its attributes and its children's states."""
        state = dict(state_dict)
        children = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, saved in zip(self._schedulers, children, strict=True):
            scheduler.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run ``schedulers[i]`` between ``milestones[i-1]`` and ``milestones[i]`` (e.g. warm-up, then decay).

    At each milestone the next scheduler starts from epoch 0 in closed form.

    Args:
        optimizer: the optimizer all the schedulers belong to.
        schedulers: the schedulers, in order (their construction steps are undone).
        milestones: the epochs at which to switch, one fewer than schedulers.
        last_epoch: -1 for a new schedule.

    Raises:
        TypeError: an entry without an ``optimizer``.
        InvalidParameterError: no scheduler, a ReduceLROnPlateau, a scheduler
            of another optimizer, or the wrong number of milestones.
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int],
                 last_epoch: int = -1) -> None:
        self._adopt(optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise InvalidParameterError(
                "Sequential Schedulers expects number of schedulers provided to be one more than the number "
                f"of milestone points, but got number of schedulers {len(schedulers)} and the number of "
                f"milestones to be equal to {len(milestones)}"
            )
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        for group in optimizer.param_groups:
            set_group_value(group, "lr", group["initial_lr"])
        self.recursive_undo()
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def recursive_undo(self, sched: LRScheduler | None = None) -> None:
        """Take back the step every (nested) child took when it was built."""
        target = self if sched is None else sched
        if hasattr(target, "_schedulers"):
            for s in target._schedulers:
                self.recursive_undo(s)
        elif hasattr(target, "last_epoch"):
            target.last_epoch -= 1

    def step(self) -> None:  # type: ignore[override]
        """Step the scheduler of the current epoch (starting it afresh at its milestone)."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every scheduler in ``schedulers`` at each step, so their factors multiply.

    Args:
        schedulers: the schedulers to chain (all of one optimizer).
        optimizer: that optimizer (default: the first scheduler's).

    Raises:
        TypeError: an entry without an ``optimizer``.
        InvalidParameterError: no scheduler, a ReduceLROnPlateau, or
            schedulers of different optimizers.
    """

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise InvalidParameterError(
                "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."
            )
        self._adopt(optimizer or schedulers[0].optimizer, schedulers)
        self._last_lr = group_values(self._schedulers[-1].optimizer, "lr")

    def step(self) -> None:  # type: ignore[override]
        """Step each scheduler in turn."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = group_values(self._schedulers[-1].optimizer, "lr")
