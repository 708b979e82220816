"""``torch.utils``: ``utils.data`` (datasets and the DataLoader), ``utils.checkpoint`` and
``utils.benchmark``."""

from minigrad.utils import _pytree as _pytree  # (torch.utils._pytree is there after import torch)
from minigrad.utils import benchmark as benchmark
from minigrad.utils import checkpoint as checkpoint
from minigrad.utils import data as data

__all__ = ["benchmark", "checkpoint", "data"]
