"""``torch.utils.tensorboard``: :class:`SummaryWriter`, which writes real TensorBoard event files.

Only numpy and the standard library are used: ``tensorboard --logdir runs``
shows what a minigrad script logged, but nothing here needs TensorBoard.
"""

from minigrad.utils.tensorboard.writer import SummaryWriter

__all__ = ["SummaryWriter"]
