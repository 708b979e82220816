"""``torch.utils``: ``utils.data`` (datasets and the DataLoader) and ``utils.checkpoint``."""

from minigrad.utils import checkpoint as checkpoint
from minigrad.utils import data as data

__all__ = ["checkpoint", "data"]
