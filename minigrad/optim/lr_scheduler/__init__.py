"""minigrad.optim.lr_scheduler: learning-rate schedules, as ``torch.optim.lr_scheduler``.

Same classes, arguments and numbers as PyTorch: a scheduler rewrites
``group['lr']`` of its optimizer's groups on each ``step()`` (called after
``optimizer.step()``; PyTorch's warning if not), keeps ``base_lrs`` and
``last_epoch``, and saves everything but the optimizer in ``state_dict()``.
"""

from minigrad.optim.lr_scheduler.base import EPOCH_DEPRECATION_WARNING, LRScheduler
from minigrad.optim.lr_scheduler.base import _LRScheduler as _LRScheduler
from minigrad.optim.lr_scheduler.compose import ChainedScheduler, SequentialLR
from minigrad.optim.lr_scheduler.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from minigrad.optim.lr_scheduler.cyclic import CyclicLR, OneCycleLR
from minigrad.optim.lr_scheduler.decay import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from minigrad.optim.lr_scheduler.plateau import ReduceLROnPlateau

__all__ = [
    "EPOCH_DEPRECATION_WARNING", "ChainedScheduler", "ConstantLR", "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts", "CyclicLR",
    "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR", "MultiplicativeLR", "OneCycleLR",
    "PolynomialLR", "ReduceLROnPlateau", "SequentialLR", "StepLR",
]  # fmt: skip
