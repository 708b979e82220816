"""The LRScheduler base class and the helpers the schedules share.

A scheduler rewrites ``group['lr']`` of its optimizer's parameter groups on
each ``step()``, as ``torch.optim.lr_scheduler``: it sets ``initial_lr`` in
every group, keeps ``base_lrs`` and ``last_epoch``, takes its first step on
construction, and is stepped after ``optimizer.step()``.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from typing import Any

from minigrad.errors import InvalidParameterError, _MissingKeyError
from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor

__all__ = ["EPOCH_DEPRECATION_WARNING", "LRScheduler", "format_param", "group_values", "set_group_value"]

# PyTorch's warning texts, word for word, so that filters written for them match.
EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)
STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate schedule. "
    "See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
STEP_OVERRIDDEN_WARNING = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
GET_LR_WARNING = "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."


def _copy(value: Any) -> Any:
    return value.clone() if isinstance(value, Tensor) else value


def group_values(optimizer: Optimizer, key: str) -> list[Any]:
    """``group[key]`` of every parameter group; Tensors are copied, so that they never alias the group's."""
    return [_copy(group[key]) for group in optimizer.param_groups]


def set_group_value(group: dict[str, Any], key: str, value: Any) -> None:
    """Set ``group[key]`` to ``value``; a Tensor held there is filled in place, as PyTorch does."""
    current = group[key]
    if isinstance(current, Tensor):
        if isinstance(value, Tensor) and value.dim() != 0:
            value = value.squeeze()
        current.fill_(value)
    else:
        group[key] = value


def format_param(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One value per parameter group: ``value`` repeated, or a list/tuple giving each group's.

    Tensors are copied (the groups must not alias the caller's tensor).

    Raises:
        InvalidParameterError: a list whose length differs from the number of groups.
    """
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise InvalidParameterError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(value)} values, param_groups has {n}."
            )
        return [_copy(v) for v in value]
    return [_copy(value) for _ in range(n)]


def check_optimizer(optimizer: Any) -> None:
    """Raise TypeError unless ``optimizer`` is an Optimizer."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def track_step_calls(optimizer: Optimizer) -> None:
    """Make ``optimizer.step`` record that it ran (``_opt_called``), for the step-order warning.

    Every optimizer class's ``step`` does so already (the steps before the first scheduler
    was built are forgotten, as PyTorch's patch did not see them); a ``step`` the instance
    was given of its own (before the scheduler) is wrapped here, as PyTorch
    wraps it. One replaced afterwards is what the overridden-step warning reports.
    """
    if not getattr(optimizer, "_step_tracked", False):
        # PyTorch counts only the steps taken once a scheduler has patched the optimizer's step: steps
        # before the first scheduler was built leave the step-order warning to come
        optimizer._step_tracked = True
        optimizer._opt_called = False
    own = optimizer.__dict__.get("step")
    if own is None or hasattr(own, "_wrapped_by_lr_sched"):
        return
    opt_ref = weakref.ref(optimizer)
    # a method bound to the optimizer is re-bound at each call: holding it would be a reference cycle
    func = getattr(own, "__func__", None)

    @functools.wraps(own)
    def step(*args: Any, **kwargs: Any) -> Any:
        opt = opt_ref()
        if opt is not None:
            opt._opt_called = True
        return (func.__get__(opt) if func is not None else own)(*args, **kwargs)

    step._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    optimizer.step = step  # type: ignore[method-assign]


class LRScheduler:
    """Base class of the schedulers: subclasses define :meth:`get_lr`.

    Args:
        optimizer: the optimizer whose learning rates are scheduled.
        last_epoch: index of the last epoch; -1 starts a new schedule from
            each group's current lr, anything else resumes one (the groups
            must then hold ``initial_lr``).

    A Tensor ``lr`` stays the same Tensor: each step fills it in place. The
    scheduler's ``base_lrs``, ``initial_lr`` and ``get_last_lr()`` hold copies.

    Raises:
        TypeError: ``optimizer`` is not an Optimizer.
        InvalidParameterError: last_epoch not an int >= -1; resuming (last_epoch
            >= 0) without ``initial_lr`` (also a KeyError, as PyTorch's).
    """

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False
    optimizer: Optimizer
    base_lrs: list[float]
    last_epoch: int
    _step_count: int
    _last_lr: list[float]

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        bad = isinstance(last_epoch, bool) or not isinstance(last_epoch, int) or last_epoch < -1
        self.optimizer = optimizer
        if last_epoch == -1 and not bad:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copy(group["lr"]))
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:  # (PyTorch's KeyError, for a bad last_epoch too)
                    raise _MissingKeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler "
                        "with last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume "
                        "training from a checkpoint but haven't properly loaded the optimizer state\n"
                        "2. You're using last_epoch >= 0 for a fresh training run (not recommended)"
                        + (f" (last_epoch must be an int >= -1, got {last_epoch!r})" if bad else "")
                    )
        if bad:
            raise InvalidParameterError(f"last_epoch must be an int >= -1, got {last_epoch!r}")
        self.base_lrs = group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        track_step_calls(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take the first step (which sets the first lrs)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer, as a dict (save it with the optimizer's)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by :meth:`state_dict`."""
        self.__dict__.update(state_dict)

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the latest ``step()``, one per parameter group (copies of Tensors)."""
        return self._last_lr

    def get_lr(self) -> list[float]:
        """The learning rates for the current ``last_epoch`` (called by ``step``)."""
        raise NotImplementedError

    def _group_lrs(self) -> list[float]:
        return group_values(self.optimizer, "lr")

    def _warn_if_outside_step(self) -> None:
        if not self._get_lr_called_within_step:
            # (located in the scheduler's get_lr, as PyTorch's stacklevel=2 from its helper: shown once)
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)

    def step(self, epoch: int | None = None) -> None:
        """Advance the schedule by one epoch and write the new lrs into the optimizer.

        Call it after ``optimizer.step()``; the first call warns (as PyTorch)
        if the optimizer has not stepped yet. ``epoch`` (deprecated, as in
        PyTorch) jumps to that epoch using the closed form where there is one.
        """
        if self._step_count == 1:
            # every optimizer class's step records its calls; only a step set on the instance
            # after the scheduler was built (not wrapped by track_step_calls) escapes that, or an
            # optimizer no scheduler was built on (one put in place of the scheduler's: PyTorch's unpatched)
            own = vars(self.optimizer).get("step")
            if (own is not None and not hasattr(own, "_wrapped_by_lr_sched")) \
                    or not getattr(self.optimizer, "_step_tracked", True):
                warnings.warn(STEP_OVERRIDDEN_WARNING, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Move to the next epoch (or to ``epoch``, in closed form) and set the lrs."""
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed = getattr(self, "_get_closed_form_lr", None)
                values = closed() if closed is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            set_group_value(group, "lr", lr)
        self._last_lr = self._group_lrs()


class _LRScheduler(LRScheduler):
    """PyTorch's old name of :class:`LRScheduler`, kept for scripts that subclass it."""
