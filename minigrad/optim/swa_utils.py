"""Weight averaging, as ``torch.optim.swa_utils``: SWA, EMA of weights, SWALR and update_bn.

``AveragedModel`` keeps a copy of a model whose parameters are a running
average of the model's: the plain mean of every update (stochastic weight
averaging) by default, or an exponential moving average with
``multi_avg_fn=get_ema_multi_avg_fn(decay)``. ``SWALR`` anneals the lr to a
constant for the averaging phase; ``update_bn`` recomputes batch-norm
statistics for the averaged weights. Averages are updated in place under
no-grad, in PyTorch's float order.
"""

from __future__ import annotations

import copy
import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from minigrad.autograd import no_grad
from minigrad.errors import InvalidParameterError, _AssertedParameterError
from minigrad.nn.module import Module
from minigrad.optim._inplace import lerp_
from minigrad.optim.lr_scheduler.base import GET_LR_WARNING, LRScheduler, format_param
from minigrad.optim.optimizer import Optimizer, check_number
from minigrad.shapes import broadcast_error
from minigrad.tensor import Tensor, int64, tensor

__all__ = [
    "SWALR", "AveragedModel", "get_ema_avg_fn", "get_ema_multi_avg_fn", "get_swa_avg_fn",
    "get_swa_multi_avg_fn", "update_bn",
]  # fmt: skip

AvgFn = Callable[[Tensor, Tensor, Any], Tensor]
MultiAvgFn = Callable[[Sequence[Tensor], Sequence[Tensor], Any], None]


def _check_decay(decay: float) -> None:
    check_number("decay", decay)
    if decay > 1.0:
        raise InvalidParameterError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range."
        )


def _assign(target: Tensor, value: Tensor | np.ndarray[Any, Any]) -> None:
    """Write ``value`` into ``target``'s array in place (cast to its dtype, broadcast, as ``copy_``).

    Raises:
        ShapeError: ``value`` does not broadcast to ``target``'s shape (a model of other sizes averaged in;
            PyTorch's RuntimeError, its words first).
    """
    src = value.numpy(force=True) if isinstance(value, Tensor) else value
    dst = target.numpy(force=True)
    try:
        np.copyto(dst, src, casting="unsafe")
    except ValueError:
        raise broadcast_error("AveragedModel.update_parameters", dst.shape, np.shape(src)) from None
    target._write()


def _lerp_all(targets: Sequence[Tensor], ends: Sequence[Tensor], weight: float) -> None:
    for t, e in zip(targets, ends, strict=True):
        arr = t.numpy(force=True)
        lerp_(arr, e.numpy(force=True), weight, np.empty_like(arr))
        t._write()


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """An in-place EMA update for AveragedModel: ``ema = decay * ema + (1 - decay) * param``.

    Float tensors are updated with ``lerp`` (weight ``1 - decay``), others by
    the formula cast back to their dtype, as in PyTorch.

    Raises:
        InvalidParameterError: ``decay`` outside [0, 1].
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_params: Sequence[Tensor], params: Sequence[Tensor], num_averaged: Any) -> None:
        if ema_params[0].numpy(force=True).dtype.kind == "f":
            _lerp_all(ema_params, params, 1 - decay)
        else:
            for e, p in zip(ema_params, params, strict=True):
                _assign(e, e * decay + p * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """An in-place running mean for AveragedModel: ``avg += (param - avg) / (n + 1)``.

    As PyTorch's, float tensors use ``lerp`` with the weight ``1 / (n + 1)``
    rounded to float32.
    """

    @no_grad()
    def swa_update(averaged: Sequence[Tensor], params: Sequence[Tensor], num_averaged: Any) -> None:
        n = float(num_averaged)
        if averaged[0].numpy(force=True).dtype.kind == "f":
            _lerp_all(averaged, params, float(np.float32(1) / np.float32(n + 1)))
        else:
            for a, p in zip(averaged, params, strict=True):
                _assign(a, a.numpy(force=True) + (p.numpy(force=True) - a.numpy(force=True)) / (n + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """A per-tensor EMA for AveragedModel's ``avg_fn``: returns ``decay * ema + (1 - decay) * param``.

    Raises:
        InvalidParameterError: ``decay`` outside [0, 1].
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param: Tensor, param: Tensor, num_averaged: Any) -> Tensor:
        return decay * ema_param + (1 - decay) * param

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    """A per-tensor running mean for AveragedModel's ``avg_fn``: ``avg + (param - avg) / (n + 1)``."""

    @no_grad()
    def swa_update(averaged: Tensor, param: Tensor, num_averaged: Any) -> Tensor:
        mean: Tensor = averaged + (param - averaged) / (num_averaged + 1)
        return mean

    return swa_update


def _check_cpu(device: Any) -> None:
    if device is not None and str(device) != "cpu":
        raise InvalidParameterError(f"minigrad runs on the CPU; got device={device!r}")


class AveragedModel(Module):
    """A copy of ``model`` whose weights average the model's over ``update_parameters`` calls.

    The first call copies the weights; later calls average them with
    ``avg_fn`` (per tensor) or ``multi_avg_fn`` (per list of tensors of one
    dtype), by default the running mean (SWA). ``n_averaged`` (an int64
    buffer) counts the calls. Buffers are copied from the model unless
    ``use_buffers``, which averages them along with the parameters.

    Args:
        model: the module to average (deep-copied).
        device: None or ``'cpu'`` (minigrad runs on the CPU).
        avg_fn: ``(averaged, current, n_averaged) -> new averaged`` Tensor.
        multi_avg_fn: ``(averaged list, current list, n_averaged) -> None``,
            updating the first list in place (e.g. ``get_ema_multi_avg_fn()``).
        use_buffers: average buffers (e.g. batch-norm statistics) too.

    Raises:
        InvalidParameterError: both ``avg_fn`` and ``multi_avg_fn`` (also an AssertionError, as
            PyTorch's assert), or a device other than the CPU.
    """

    n_averaged: Tensor

    def __init__(self, model: Module, device: Any = None, avg_fn: AvgFn | None = None,
                 multi_avg_fn: MultiAvgFn | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise _AssertedParameterError("Only one of avg_fn and multi_avg_fn should be provided")
        _check_cpu(device)
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", tensor(0, dtype=int64))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The averaged model's output (calls the wrapped copy)."""
        return self.module(*args, **kwargs)

    @no_grad()
    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current weights into the average (the first call copies them)."""
        if self.use_buffers:
            ours = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            theirs = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            ours, theirs = list(self.parameters()), list(model.parameters())
        pairs = list(zip(ours, theirs, strict=False))
        n = int(self.n_averaged.item())
        if n == 0:
            for mine, other in pairs:
                _assign(mine, other)
        elif self.avg_fn is not None:
            for mine, other in pairs:
                _assign(mine, self.avg_fn(mine.detach(), other.detach(), self.n_averaged))
        elif self.multi_avg_fn is not None:
            # PyTorch hands the lists over grouped by dtype, in order of first appearance.
            by_dtype: dict[Any, list[tuple[Tensor, Tensor]]] = {}
            for mine, other in pairs:
                by_dtype.setdefault(mine.numpy(force=True).dtype, []).append((mine, other))
            for group in by_dtype.values():
                mine_list, other_list = [m.detach() for m, _ in group], [o.detach() for _, o in group]
                self.multi_avg_fn(mine_list, other_list, self.n_averaged)
        else:
            swa = get_swa_avg_fn()
            for mine, other in pairs:
                _assign(mine, swa(mine.detach(), other.detach(), self.n_averaged))
        if not self.use_buffers:
            for mine, other in zip(self.module.buffers(), model.buffers(), strict=True):
                _assign(mine, other)
        self.n_averaged.numpy(force=True)[...] += 1
        self.n_averaged._write()


def _is_batch_norm(module: Module) -> bool:
    return "BatchNorm" in type(module).__name__ and hasattr(module, "reset_running_stats")


@no_grad()
def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute the running statistics of every batch-norm layer of ``model`` over ``loader``.

    The statistics are reset, then averaged over all the batches (momentum
    None) in training mode; each layer's momentum and the model's mode are
    restored afterwards. A batch that is a list or tuple contributes its first
    element (the inputs).

    Raises:
        InvalidParameterError: a device other than the CPU.
    """
    _check_cpu(device)
    momenta = []
    for module in model.modules():
        if _is_batch_norm(module):
            module.reset_running_stats()
            momenta.append((module, module.momentum))
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module, _ in momenta:
        module.momentum = None
    for batch in loader:
        model(batch[0] if isinstance(batch, (list, tuple)) else batch)
    for module, momentum in momenta:
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to a constant ``swa_lr`` over ``anneal_epochs`` steps, then hold it.

    Annealing is cosine or linear, from the lr the group has when SWALR
    takes over, as ``torch.optim.swa_utils.SWALR``.

    Args:
        optimizer: the wrapped optimizer.
        swa_lr: the target lr, one value or one per group.
        anneal_epochs: steps of the annealing, an int >= 0 (default 10).
        anneal_strategy: ``'cos'`` or ``'linear'``.
        last_epoch: -1 for a new schedule.

    Raises:
        InvalidParameterError: an unknown strategy, a negative or non-int
            anneal_epochs, a swa_lr list of the wrong length.
    """

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float], anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        for lr, group in zip(format_param("swa_lr", optimizer, swa_lr), optimizer.param_groups, strict=True):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise InvalidParameterError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:  # (as PyTorch: a bool passes)
            raise InvalidParameterError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """The fraction of the way to ``swa_lr`` at progress ``t`` in [0, 1]."""
        return (1 - math.cos(math.pi * t)) / 2 if self._anneal_strategy == "cos" else t

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list[float]:
        """The next lrs: the start lr recovered from the current one, then annealed one step further."""
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        groups = self.optimizer.param_groups
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs, strict=True)]
